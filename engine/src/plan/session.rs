//! A workflow's schedule turned into the sessions `wf plan` lists, and the schedule in words.

use crate::model::Workflow;
use crate::schedule::{parse_schedule, Schedule, ScheduleKind, Session, Trigger};
use jiff::tz::TimeZone;
use jiff::Timestamp;

/// The workflow's time zone (UTC when unset or not resolvable).
pub fn workflow_zone(wf: &Workflow) -> TimeZone {
    wf.timezone
        .as_ref()
        .and_then(|(id, _)| crate::model::timezone::resolve_zone(id))
        .unwrap_or(TimeZone::UTC)
}

/// The workflow's validated schedule, if it has a valid one.
pub fn workflow_schedule(wf: &Workflow) -> Option<Schedule> {
    wf.root
        .options
        .schedule
        .as_ref()
        .and_then(|v| parse_schedule(v).0)
}

/// The first `n` sessions whose run time is at or after `from` (fewer when `end` stops the
/// schedule).
pub fn next_sessions(
    schedule: &Schedule,
    tz: &TimeZone,
    from: Timestamp,
    n: usize,
) -> Vec<Session> {
    schedule.sessions(from, tz).take(n).collect()
}

/// Every session whose run time is in `[from, to)` (a backfill preview), at most `limit`.
pub fn sessions_between(
    schedule: &Schedule,
    tz: &TimeZone,
    from: Timestamp,
    to: Timestamp,
    limit: usize,
) -> Vec<Session> {
    schedule
        .sessions(from, tz)
        .take_while(|s| s.run_time.timestamp() < to)
        .take(limit)
        .collect()
}

fn hms(seconds: i64) -> String {
    let sign = if seconds < 0 { "-" } else { "" };
    let s = seconds.abs();
    format!("{sign}{:02}:{:02}:{:02}", s / 3600, (s / 60) % 60, s % 60)
}

/// The schedule in words, e.g. `daily at 07:00:00 (session time 00:00, run 07:00:00 later)`.
pub fn describe_schedule(s: &Schedule) -> String {
    let pattern = match &s.trigger {
        Trigger::Cron(p) => p.as_str().to_string(),
        Trigger::SecondsInterval(n) => format!("every {n} s since the epoch"),
    };
    let delay = if s.delay_seconds == 0 {
        String::new()
    } else {
        format!(", runs {} after the session time", hms(s.delay_seconds))
    };
    let mut out = match s.kind {
        ScheduleKind::Hourly => format!(
            "hourly at {:02}:{:02} past the hour (session time: top of the hour)",
            s.delay_seconds / 60,
            s.delay_seconds % 60
        ),
        ScheduleKind::Daily => format!(
            "daily at {} (session time: 00:00 of the day{delay})",
            hms(s.delay_seconds)
        ),
        ScheduleKind::Weekly => {
            format!("weekly, cron `{pattern}` (session time: 00:00 of that day{delay})")
        }
        ScheduleKind::Monthly => {
            format!("monthly, cron `{pattern}` (session time: 00:00 of that day{delay})")
        }
        ScheduleKind::MinutesInterval => format!("every few minutes, cron `{pattern}`{delay}"),
        ScheduleKind::Cron => {
            format!("cron `{pattern}` (cron4j: day-of-month AND day-of-week){delay}")
        }
        ScheduleKind::SecondsInterval => format!("{pattern}{delay}"),
    };
    if let Some(start) = s.start {
        out.push_str(&format!(", from {start}"));
    }
    if let Some(end) = s.end {
        out.push_str(&format!(", until {end} (inclusive)"));
    }
    out
}
