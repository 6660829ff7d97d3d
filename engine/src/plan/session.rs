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

/// The workflow's time zone as written (`UTC` when unset), as `wf plan` shows it.
pub fn workflow_zone_name(wf: &Workflow) -> String {
    wf.timezone
        .as_ref()
        .map_or_else(|| "UTC".to_string(), |(z, _)| z.clone())
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

/// The session `--session TEXT` names: an RFC 3339 instant, or `yyyy-MM-dd` /
/// `yyyy-MM-dd HH:mm:ss` in the workflow zone `tz` (as `digdag run --session` reads them).
/// Its run time is the session time plus the schedule's delay (`daily>: 07:00:00` runs 7
/// hours after the session time).
pub fn session_at(
    text: &str,
    schedule: Option<&Schedule>,
    tz: &TimeZone,
) -> Result<Session, String> {
    let session_time = match text.parse::<Timestamp>() {
        Ok(t) => t.to_zoned(tz.clone()),
        Err(_) => {
            let civil = jiff::civil::DateTime::strptime("%Y-%m-%d %H:%M:%S", text)
                .or_else(|_| {
                    jiff::civil::Date::strptime("%Y-%m-%d", text)
                        .map(|d| d.to_datetime(jiff::civil::Time::midnight()))
                })
                .map_err(|_| {
                    format!("invalid session {text:?}: use an RFC 3339 instant (2026-03-02T00:00:00+09:00), \"yyyy-MM-dd\" or \"yyyy-MM-dd HH:mm:ss\" (in the workflow time zone)")
                })?;
            civil
                .to_zoned(tz.clone())
                .map_err(|e| format!("invalid session {text:?}: {e}"))?
        }
    };
    let delay = schedule.map_or(0, |s| s.delay_seconds);
    let run_time = session_time
        .timestamp()
        .checked_add(jiff::SignedDuration::from_secs(delay))
        .map_err(|e| format!("invalid session {text:?}: {e}"))?
        .to_zoned(tz.clone());
    Ok(Session {
        session_time,
        run_time,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn session_at_reads_instants_and_local_times() {
        let tokyo = TimeZone::get("Asia/Tokyo").expect("zone");
        let fmt = |s: &Session| {
            format!(
                "{} {}",
                s.session_time.strftime("%Y-%m-%dT%H:%M:%S%:z"),
                s.run_time.strftime("%Y-%m-%dT%H:%M:%S%:z")
            )
        };
        let s = session_at("2026-03-02", None, &tokyo).expect("date");
        assert_eq!(
            fmt(&s),
            "2026-03-02T00:00:00+09:00 2026-03-02T00:00:00+09:00"
        );
        let s = session_at("2026-03-01T15:00:00Z", None, &tokyo).expect("instant");
        assert_eq!(
            fmt(&s),
            "2026-03-02T00:00:00+09:00 2026-03-02T00:00:00+09:00"
        );
        let daily = crate::schedule::testutil::schedule(&[(
            "daily>",
            crate::schedule::testutil::str("07:00:00"),
        )]);
        let la = TimeZone::get("America/Los_Angeles").expect("zone");
        let s = session_at("2026-03-08 00:00:00", Some(&daily), &la).expect("local");
        assert_eq!(
            fmt(&s),
            "2026-03-08T00:00:00-08:00 2026-03-08T08:00:00-07:00"
        );
        assert!(session_at("tomorrow", None, &la)
            .is_err_and(|e| e.starts_with("invalid session \"tomorrow\"")));
    }
}
