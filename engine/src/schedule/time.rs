//! Session time arithmetic: digdag's `CronScheduler` and `SecondsIntervalScheduler`
//! (`getFirstScheduleTime`, `nextScheduleTime`, `lastScheduleTime`) with `start`/`end` and the
//! `9999-01-01T00:00:00Z` end sentinel.

use super::{Schedule, Trigger};
use jiff::tz::TimeZone;
use jiff::{SignedDuration, Timestamp, Zoned};

/// digdag's `SCHEDULE_END`: 9999-01-01T00:00:00Z, the session time of a finished schedule.
const SCHEDULE_END_SECOND: i64 = 253_370_764_800;

/// Bound on `lastScheduleTime`'s forward walk.
const MAX_LAST_STEPS: u32 = 1_000_000;

/// One scheduled session: its `session_time` and when it runs (session time + delay).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Session {
    /// The `session_time` variable: the matched slot, in the workflow zone.
    pub session_time: Zoned,
    /// When the attempt starts: session time + delay (absolute seconds).
    pub run_time: Zoned,
}

impl Session {
    /// Whether this is digdag's end sentinel (`end:` has passed; nothing runs any more).
    pub fn is_end(&self) -> bool {
        self.session_time.timestamp().as_second() >= SCHEDULE_END_SECOND
    }

    fn end(tz: &TimeZone) -> Option<Session> {
        let t = Timestamp::from_second(SCHEDULE_END_SECOND)
            .ok()?
            .to_zoned(tz.clone());
        Some(Session {
            session_time: t.clone(),
            run_time: t,
        })
    }
}

/// Java's `Instant.getEpochSecond` (floor).
pub(crate) fn floor_second(t: Timestamp) -> i64 {
    // jiff keeps the sub-second part with the sign of the seconds.
    let s = t.as_second();
    if t.subsec_nanosecond() < 0 {
        s - 1
    } else {
        s
    }
}

/// Java's `Instant.toEpochMilli` (floor).
pub(crate) fn floor_millisecond(t: Timestamp) -> i64 {
    let ns = t.subsec_nanosecond();
    floor_second(t) * 1000 + i64::from(ns.rem_euclid(1_000_000_000) / 1_000_000)
}

/// `Some(n)` if `n > 0` (a zero interval would divide by zero or loop forever).
fn positive(n: i64) -> Option<i64> {
    (n > 0).then_some(n)
}

fn plus_seconds(t: Timestamp, seconds: i64) -> Option<Timestamp> {
    t.checked_add(SignedDuration::from_secs(seconds)).ok()
}

/// 00:00 of `date` in `tz` (Java's `ZonedDateTime.of`: a gap shifts later, an overlap takes
/// the earlier offset).
fn start_of_day(date: jiff::civil::Date, tz: &TimeZone) -> Option<Timestamp> {
    tz.to_ambiguous_timestamp(date.to_datetime(jiff::civil::Time::midnight()))
        .compatible()
        .ok()
}

impl Schedule {
    /// The instant `start:` stands for in `tz` (00:00 of that date).
    pub fn start_instant(&self, tz: &TimeZone) -> Option<Timestamp> {
        start_of_day(self.start?, tz)
    }

    /// The instant `end:` stands for in `tz` (00:00 of the following date).
    pub fn end_instant(&self, tz: &TimeZone) -> Option<Timestamp> {
        start_of_day(self.end?.tomorrow().ok()?, tz)
    }

    fn session_at(&self, session: Timestamp, tz: &TimeZone) -> Option<Session> {
        let run = plus_seconds(session, self.delay_seconds)?;
        Some(Session {
            session_time: session.to_zoned(tz.clone()),
            run_time: run.to_zoned(tz.clone()),
        })
    }

    /// digdag's `getFirstScheduleTime(from)`: the first slot whose run time is at or after
    /// `from` (computed as `nextScheduleTime(floorSec(from) - 1s if whole - delay)`). May be the
    /// end sentinel ([`Session::is_end`]); `None` if the time cannot be computed.
    pub fn first_schedule_time(&self, from: Timestamp, tz: &TimeZone) -> Option<Session> {
        match &self.trigger {
            Trigger::Cron(_) => {
                let mut truncated = floor_second(from);
                if i128::from(truncated) * 1_000_000_000 == from.as_nanosecond() {
                    truncated = truncated.checked_sub(1)?;
                }
                let last = truncated.checked_sub(self.delay_seconds)?;
                self.next_schedule_time(Timestamp::from_second(last).ok()?, tz)
            }
            Trigger::SecondsInterval(_) => {
                // nextScheduleTime(from - 1ns); no delay adjustment.
                let ns = from.as_nanosecond().checked_sub(1)?;
                self.next_schedule_time(Timestamp::from_nanosecond(ns).ok()?, tz)
            }
        }
    }

    /// digdag's `nextScheduleTime(last)`: the first slot strictly after `last`'s minute (cron)
    /// or interval (seconds), with `start`/`end` applied to the run time: at or after `end` it is
    /// the end sentinel; before `start` it is recomputed from `start - 1s`.
    pub fn next_schedule_time(&self, last: Timestamp, tz: &TimeZone) -> Option<Session> {
        match &self.trigger {
            Trigger::Cron(pattern) => {
                let mut next = pattern.next_after(last, tz)?;
                let run = plus_seconds(next, self.delay_seconds)?;
                if self.end_instant(tz).is_some_and(|end| end <= run) {
                    return Session::end(tz);
                }
                if let Some(start) = self.start_instant(tz).filter(|start| *start > run) {
                    next = pattern.next_after(plus_seconds(start, -1)?, tz)?;
                }
                if floor_second(next) >= SCHEDULE_END_SECOND {
                    return Session::end(tz);
                }
                self.session_at(next, tz)
            }
            Trigger::SecondsInterval(interval) => {
                let interval = positive(*interval)?;
                let t = floor_second(last);
                // Java's `%` (truncated remainder), as digdag computes it.
                let next = (t - t % interval).checked_add(interval)?;
                self.session_at(Timestamp::from_second(next).ok()?, tz)
            }
        }
    }

    /// digdag's `lastScheduleTime(current)`: the latest slot strictly before `current`, ignoring
    /// `start`/`end` (estimated by stepping back two intervals, then walking forward).
    pub fn last_schedule_time(&self, current: Timestamp, tz: &TimeZone) -> Option<Session> {
        match &self.trigger {
            Trigger::Cron(pattern) => {
                let next = pattern.next_after(current, tz)?;
                let next_next = pattern.next_after(next, tz)?;
                let interval = positive(floor_second(next_next) - floor_second(next))?;
                let mut before = plus_seconds(current, -interval)?;
                loop {
                    before = plus_seconds(before, -interval)?;
                    if before < current {
                        break;
                    }
                }
                let mut next_of_before = pattern.next_after(before, tz)?;
                let mut steps = 0;
                while next_of_before < current {
                    steps += 1;
                    if steps > MAX_LAST_STEPS {
                        return None;
                    }
                    before = next_of_before;
                    next_of_before = pattern.next_after(before, tz)?;
                }
                self.session_at(before, tz)
            }
            Trigger::SecondsInterval(interval) => {
                let interval = positive(*interval)?;
                let ns = current.as_nanosecond().checked_sub(1)?;
                let t = ns.div_euclid(1_000_000_000) as i64;
                self.session_at(Timestamp::from_second(t - t % interval).ok()?, tz)
            }
        }
    }

    /// The first session whose run time is at or after `from` (`getFirstScheduleTime`);
    /// `None` once the schedule has ended.
    pub fn first_session_at_or_after(&self, from: Timestamp, tz: &TimeZone) -> Option<Session> {
        self.first_schedule_time(from, tz).filter(|s| !s.is_end())
    }

    /// The session after `after` (`nextScheduleTime(after.session_time)`), in `after`'s zone;
    /// `None` once the schedule has ended.
    pub fn next_session(&self, after: &Session) -> Option<Session> {
        let tz = after.session_time.time_zone();
        self.next_schedule_time(after.session_time.timestamp(), tz)
            .filter(|s| !s.is_end())
    }

    /// The latest session strictly before `t` (`lastScheduleTime`, ignoring `start`/`end`).
    pub fn last_session_before(&self, t: Timestamp, tz: &TimeZone) -> Option<Session> {
        self.last_schedule_time(t, tz)
    }

    /// The plan from `from`: the first session, then each next one, until the end sentinel.
    /// Use `.take(n)` for the next `n` sessions.
    pub fn sessions(&self, from: Timestamp, tz: &TimeZone) -> Sessions<'_> {
        Sessions {
            schedule: self,
            tz: tz.clone(),
            from,
            last: None,
            done: false,
        }
    }
}

/// Iterator over a schedule's sessions; see [`Schedule::sessions`].
#[derive(Clone, Debug)]
pub struct Sessions<'a> {
    schedule: &'a Schedule,
    tz: TimeZone,
    from: Timestamp,
    /// Session time of the last session returned.
    last: Option<Timestamp>,
    done: bool,
}

impl Iterator for Sessions<'_> {
    type Item = Session;

    fn next(&mut self) -> Option<Session> {
        if self.done {
            return None;
        }
        let next = match self.last {
            None => self.schedule.first_session_at_or_after(self.from, &self.tz),
            Some(last) => self
                .schedule
                .next_schedule_time(last, &self.tz)
                .filter(|s| !s.is_end() && s.session_time.timestamp() > last),
        };
        match &next {
            Some(s) => self.last = Some(s.session_time.timestamp()),
            None => self.done = true,
        }
        next
    }
}

#[cfg(test)]
mod tests {
    use super::super::testutil::{schedule, str};
    use super::*;
    use crate::load::value::ValueKind;

    /// digdag's test helper format `yyyy-MM-dd HH:mm:ss Z`.
    fn instant(s: &str) -> Timestamp {
        Timestamp::strptime("%Y-%m-%d %H:%M:%S %z", s).expect("instant")
    }

    fn tz(name: &str) -> TimeZone {
        TimeZone::get(name).expect("zone")
    }

    fn pair(s: Session) -> (Timestamp, Timestamp) {
        (s.session_time.timestamp(), s.run_time.timestamp())
    }

    fn at(session: &str, run: &str) -> Option<(Timestamp, Timestamp)> {
        Some((instant(session), instant(run)))
    }

    #[test]
    fn floors_match_java_for_negative_instants() {
        let t = Timestamp::from_nanosecond(-1_500_000_000).expect("instant");
        assert_eq!(floor_second(t), -2);
        assert_eq!(floor_millisecond(t), -1500);
        let t = Timestamp::from_nanosecond(-1).expect("instant");
        assert_eq!((floor_second(t), floor_millisecond(t)), (-1, -1));
        let t = Timestamp::from_nanosecond(2_999_999_999).expect("instant");
        assert_eq!((floor_second(t), floor_millisecond(t)), (2, 2999));
    }

    const END: &str = "9999-01-01 00:00:00 +0000";

    fn daily(at: &str) -> Schedule {
        schedule(&[("daily>", str(at))])
    }

    fn with_range(kind: &str, arg: ValueKind, start: &str, end: &str) -> Schedule {
        schedule(&[(kind, arg), ("start", str(start)), ("end", str(end))])
    }

    /// Prints a plan as `session -> run` in the zone.
    fn plan(s: &Schedule, zone: &str, from: &str, n: usize) -> Vec<String> {
        s.sessions(instant(from), &tz(zone))
            .take(n)
            .map(|s| {
                format!(
                    "{} -> {}",
                    s.session_time.strftime("%Y-%m-%dT%H:%M:%S%:z"),
                    s.run_time.strftime("%Y-%m-%dT%H:%M:%S%:z")
                )
            })
            .collect()
    }

    // CronSchedulerTest (digdag-standards/src/test/java/io/digdag/standards/scheduler/).
    #[test]
    fn cron_scheduler_test() {
        let s = schedule(&[("cron>", str("00 10 * * *"))]);
        let la = tz("America/Los_Angeles");
        // firstScheduleTimeUtc
        let utc = tz("UTC");
        for (now, expected) in [
            ("2016-02-03 09:59:59 +0000", "2016-02-03 10:00:00 +0000"),
            ("2016-02-03 10:00:00 +0000", "2016-02-03 10:00:00 +0000"),
            ("2016-02-03 10:00:01 +0000", "2016-02-04 10:00:00 +0000"),
        ] {
            assert_eq!(
                s.first_schedule_time(instant(now), &utc).map(pair),
                at(expected, expected)
            );
        }
        // firstScheduleTimeDst
        for (now, expected) in [
            ("2016-03-01 09:12:34 -0800", "2016-03-01 10:00:00 -0800"),
            ("2016-03-14 16:01:50 -0700", "2016-03-15 10:00:00 -0700"),
            ("2016-03-13 01:59:59 -0800", "2016-03-13 10:00:00 -0700"),
        ] {
            assert_eq!(
                s.first_schedule_time(instant(now), &la).map(pair),
                at(expected, expected)
            );
        }
        // nextScheduleTimeDst
        for (last, expected) in [
            ("2016-03-01 10:00:00 -0800", "2016-03-02 10:00:00 -0800"),
            ("2016-03-14 10:00:00 -0700", "2016-03-15 10:00:00 -0700"),
            ("2016-03-12 10:00:00 -0800", "2016-03-13 10:00:00 -0700"),
        ] {
            assert_eq!(
                s.next_schedule_time(instant(last), &la).map(pair),
                at(expected, expected)
            );
        }
        // lastScheduleTimeDst
        for (current, expected) in [
            ("2016-03-12 10:00:00 -0800", "2016-03-11 10:00:00 -0800"),
            ("2016-03-14 10:00:00 -0700", "2016-03-13 10:00:00 -0700"),
            ("2016-03-13 10:00:00 -0700", "2016-03-12 10:00:00 -0800"),
        ] {
            assert_eq!(
                s.last_schedule_time(instant(current), &la).map(pair),
                at(expected, expected)
            );
        }
    }

    // DailySchedulerTest.
    #[test]
    fn daily_scheduler_test() {
        let la = tz("America/Los_Angeles");
        let s = daily("10:00:00");
        // firstScheduleTimeUtc
        let utc = tz("UTC");
        assert_eq!(
            s.first_schedule_time(instant("2016-02-03 10:00:00 +0000"), &utc)
                .map(pair),
            at("2016-02-03 00:00:00 +0000", "2016-02-03 10:00:00 +0000")
        );
        assert_eq!(
            s.first_schedule_time(instant("2016-02-03 10:00:01 +0000"), &utc)
                .map(pair),
            at("2016-02-04 00:00:00 +0000", "2016-02-04 10:00:00 +0000")
        );
        // firstScheduleTimeDst: "daily> 10:00:00" is 10 hours after 00:00 -08:00.
        assert_eq!(
            s.first_schedule_time(instant("2016-03-13 09:00:00 -0700"), &la)
                .map(pair),
            at("2016-03-13 00:00:00 -0800", "2016-03-13 11:00:00 -0700")
        );
        assert_eq!(
            s.first_schedule_time(instant("2016-03-13 01:59:31 -0800"), &la)
                .map(pair),
            at("2016-03-13 00:00:00 -0800", "2016-03-13 11:00:00 -0700")
        );
        // firstScheduleTimeMisc: schedule set to 00:00:00
        assert_eq!(
            daily("00:00:00")
                .first_schedule_time(instant("2016-03-13 00:00:00 +0000"), &utc)
                .map(pair),
            at("2016-03-13 00:00:00 +0000", "2016-03-13 00:00:00 +0000")
        );
        // nextScheduleTimeDst
        assert_eq!(
            s.next_schedule_time(instant("2016-03-13 00:00:00 -0800"), &la)
                .map(pair),
            at("2016-03-14 00:00:00 -0700", "2016-03-14 10:00:00 -0700")
        );
        // nextScheduleTimeMisc
        assert_eq!(
            daily("10:11:23")
                .next_schedule_time(instant("2016-03-02 12:34:56 -0800"), &la)
                .map(pair),
            at("2016-03-03 00:00:00 -0800", "2016-03-03 10:11:23 -0800")
        );
        // lastScheduleTimeDst
        assert_eq!(
            daily("05:00:00")
                .last_schedule_time(instant("2016-03-14 00:00:00 -0700"), &la)
                .map(pair),
            at("2016-03-13 00:00:00 -0800", "2016-03-13 06:00:00 -0700")
        );
        // lastScheduleTimeMisc
        assert_eq!(
            s.last_schedule_time(instant("2016-09-13 12:34:56 -0700"), &la)
                .map(pair),
            at("2016-09-13 00:00:00 -0700", "2016-09-13 10:00:00 -0700")
        );
    }

    // DailySchedulerTest.firstScheduleTimeStartEnd / nextScheduleTimeStartEnd /
    // lastScheduleTimeStartEnd.
    #[test]
    fn daily_start_end() {
        let utc = tz("UTC");
        let s = with_range("daily>", str("10:00:00"), "2016-03-01", "2016-03-31");
        assert_eq!(
            s.first_schedule_time(instant("2016-02-03 09:59:59 +0000"), &utc)
                .map(pair),
            at("2016-03-01 00:00:00 +0000", "2016-03-01 10:00:00 +0000")
        );
        let late = with_range("daily>", str("23:59:59"), "2016-03-01", "2016-03-31");
        assert_eq!(
            late.first_schedule_time(instant("2016-02-03 09:59:59 +0000"), &utc)
                .map(pair),
            at("2016-03-01 00:00:00 +0000", "2016-03-01 23:59:59 +0000")
        );
        assert_eq!(
            s.first_schedule_time(instant("2016-03-31 10:00:00 +0000"), &utc)
                .map(pair),
            at("2016-03-31 00:00:00 +0000", "2016-03-31 10:00:00 +0000")
        );
        let end = s
            .first_schedule_time(instant("2016-03-31 10:00:01 +0000"), &utc)
            .expect("sentinel");
        assert!(end.is_end());
        assert_eq!(pair(end), (instant(END), instant(END)));
        assert_eq!(
            s.first_session_at_or_after(instant("2016-03-31 10:00:01 +0000"), &utc),
            None
        );

        let tokyo = tz("Asia/Tokyo");
        for (last, expected) in [
            ("2016-02-03 10:00:00 +0900", Some("2016-03-01")),
            ("2016-02-29 10:00:00 +0900", Some("2016-03-01")),
            ("2016-03-01 10:00:00 +0900", Some("2016-03-02")),
            ("2016-03-30 10:00:00 +0900", Some("2016-03-31")),
            ("2016-03-31 10:00:00 +0900", None),
            ("2016-04-01 10:00:00 +0900", None),
        ] {
            let got = s.next_schedule_time(instant(last), &tokyo).map(pair);
            let want = match expected {
                Some(d) => at(
                    &format!("{d} 00:00:00 +0900"),
                    &format!("{d} 10:00:00 +0900"),
                ),
                None => at(END, END),
            };
            assert_eq!(got, want, "next after {last}");
        }
        // lastScheduleTime ignores start/end.
        assert_eq!(
            s.last_schedule_time(instant("2016-03-01 00:00:00 +0900"), &tokyo)
                .map(pair),
            at("2016-02-29 00:00:00 +0900", "2016-02-29 10:00:00 +0900")
        );
        assert_eq!(
            s.last_schedule_time(instant("2016-04-02 00:00:00 +0900"), &tokyo)
                .map(pair),
            at("2016-04-01 00:00:00 +0900", "2016-04-01 10:00:00 +0900")
        );
    }

    // HourlySchedulerTest, WeeklySchedulerTest, MinutesIntervalSchedulerTest.
    #[test]
    fn hourly_weekly_minutes_tests() {
        let la = tz("America/Los_Angeles");
        let hourly = schedule(&[("hourly>", str("15:00"))]);
        // HourlySchedulerTest.firstScheduleTimeDst
        assert_eq!(
            hourly
                .first_schedule_time(instant("2016-03-13 01:59:00 -0800"), &la)
                .map(pair),
            at("2016-03-13 03:00:00 -0700", "2016-03-13 03:15:00 -0700")
        );
        // HourlySchedulerTest.nextScheduleTimeDst
        assert_eq!(
            hourly
                .next_schedule_time(instant("2016-03-13 01:00:00 -0800"), &la)
                .map(pair),
            at("2016-03-13 03:00:00 -0700", "2016-03-13 03:15:00 -0700")
        );
        // HourlySchedulerTest.lastScheduleTimeMisc
        assert_eq!(
            hourly
                .last_schedule_time(instant("2016-03-13 00:00:45 -0800"), &la)
                .map(pair),
            at("2016-03-13 00:00:00 -0800", "2016-03-13 00:15:00 -0800")
        );
        // WeeklySchedulerTest.firstScheduleTimeDst: 00:00 -08:00 printed as 01:00 -07:00.
        let sunday = schedule(&[("weekly>", str("Sun,15:00:00"))]);
        assert_eq!(
            sunday
                .first_schedule_time(instant("2016-03-13 01:59:00 -0800"), &la)
                .map(pair),
            at("2016-03-13 01:00:00 -0700", "2016-03-13 16:00:00 -0700")
        );
        // WeeklySchedulerTest.lastScheduleTimeMisc
        let saturday = schedule(&[("weekly>", str("Sat,17:15:00"))]);
        assert_eq!(
            saturday
                .last_schedule_time(instant("2016-03-13 12:34:56 -0700"), &la)
                .map(pair),
            at("2016-03-12 00:00:00 -0800", "2016-03-12 17:15:00 -0800")
        );
        // MinutesIntervalSchedulerTest.firstScheduleTimeMisc ("7" restarts every hour)
        let seven = schedule(&[("minutes_interval>", ValueKind::Int(7))]);
        let utc = tz("UTC");
        assert_eq!(
            seven
                .first_schedule_time(instant("2016-03-13 00:57:12 +0000"), &utc)
                .map(pair),
            at("2016-03-13 01:00:00 +0000", "2016-03-13 01:00:00 +0000")
        );
        // MinutesIntervalSchedulerTest.nextScheduleTimeDst
        let ten = schedule(&[("minutes_interval>", ValueKind::Int(10))]);
        assert_eq!(
            ten.next_schedule_time(instant("2016-03-13 01:50:00 -0800"), &la)
                .map(pair),
            at("2016-03-13 03:00:00 -0700", "2016-03-13 03:00:00 -0700")
        );
        // MinutesIntervalSchedulerTest.firstScheduleTimeStartEnd
        let tokyo = tz("Asia/Tokyo");
        let ranged = with_range(
            "minutes_interval>",
            ValueKind::Int(10),
            "2016-03-01",
            "2016-03-31",
        );
        assert_eq!(
            ranged
                .first_schedule_time(instant("2016-02-03 17:09:59 +0900"), &tokyo)
                .map(pair),
            at("2016-03-01 00:00:00 +0900", "2016-03-01 00:00:00 +0900")
        );
        assert_eq!(
            ranged
                .first_schedule_time(instant("2016-03-31 23:49:59 +0900"), &tokyo)
                .map(pair),
            at("2016-03-31 23:50:00 +0900", "2016-03-31 23:50:00 +0900")
        );
        assert_eq!(
            ranged
                .first_schedule_time(instant("2016-03-31 23:59:59 +0900"), &tokyo)
                .map(pair),
            at(END, END)
        );
    }

    // MonthlySchedulerTest.firstScheduleTimeMisc / firstScheduleTimeStartEnd.
    #[test]
    fn monthly_month_ends() {
        let utc = tz("UTC");
        let s31 = schedule(&[("monthly>", str("31,12:00:00"))]);
        assert_eq!(
            s31.first_schedule_time(instant("2016-01-31 19:12:34 +0000"), &utc)
                .map(pair),
            at("2016-03-31 00:00:00 +0000", "2016-03-31 12:00:00 +0000")
        );
        assert_eq!(
            s31.first_schedule_time(instant("2016-05-31 19:12:34 +0000"), &utc)
                .map(pair),
            at("2016-07-31 00:00:00 +0000", "2016-07-31 12:00:00 +0000")
        );
        let first = schedule(&[("monthly>", str("1,12:00:00"))]);
        assert_eq!(
            first
                .first_schedule_time(instant("2016-12-03 00:00:00 +0000"), &utc)
                .map(pair),
            at("2017-01-01 00:00:00 +0000", "2017-01-01 12:00:00 +0000")
        );
        let tokyo = tz("Asia/Tokyo");
        let ranged = with_range("monthly>", str("31,23:59:59"), "2016-03-01", "2016-05-31");
        assert_eq!(
            ranged
                .first_schedule_time(instant("2016-02-29 23:59:59 +0900"), &tokyo)
                .map(pair),
            at("2016-03-31 00:00:00 +0900", "2016-03-31 23:59:59 +0900")
        );
        // monthly>: 30 skips February; a plan lists the month ends it hits.
        let s30 = schedule(&[("monthly>", str("30,00:00:00"))]);
        assert_eq!(
            plan(&s30, "UTC", "2026-01-15 00:00:00 +0000", 3),
            [
                "2026-01-30T00:00:00+00:00 -> 2026-01-30T00:00:00+00:00",
                "2026-03-30T00:00:00+00:00 -> 2026-03-30T00:00:00+00:00",
                "2026-04-30T00:00:00+00:00 -> 2026-04-30T00:00:00+00:00"
            ]
        );
    }

    // SecondsIntervalSchedulerTest (interval 3, delay 2).
    #[test]
    fn seconds_interval_test() {
        let s = schedule(&[
            ("seconds_interval>", ValueKind::Int(3)),
            ("delay", ValueKind::Int(2)),
        ]);
        let utc = tz("UTC");
        let secs =
            |p: Option<Session>| p.map(pair).map(|(a, b)| (floor_second(a), floor_second(b)));
        let ts = |s: i64| Timestamp::from_second(s).expect("ts");
        assert_eq!(secs(s.first_schedule_time(ts(3), &utc)), Some((3, 5)));
        assert_eq!(secs(s.first_schedule_time(ts(4), &utc)), Some((6, 8)));
        assert_eq!(secs(s.next_schedule_time(ts(3), &utc)), Some((6, 8)));
        assert_eq!(secs(s.next_schedule_time(ts(4), &utc)), Some((6, 8)));
        assert_eq!(secs(s.last_schedule_time(ts(3), &utc)), Some((0, 2)));
        assert_eq!(secs(s.last_schedule_time(ts(4), &utc)), Some((3, 5)));
    }

    #[test]
    fn dst_los_angeles_2026() {
        // Spring forward 2026-03-08: daily runs at 08:00 PDT (7 h after 00:00 PST).
        let d = daily("07:00:00");
        assert_eq!(
            plan(&d, "America/Los_Angeles", "2026-03-07 08:00:00 -0800", 3),
            [
                "2026-03-08T00:00:00-08:00 -> 2026-03-08T08:00:00-07:00",
                "2026-03-09T00:00:00-07:00 -> 2026-03-09T07:00:00-07:00",
                "2026-03-10T00:00:00-07:00 -> 2026-03-10T07:00:00-07:00"
            ]
        );
        // Fall back 2026-11-01: 00:00 PDT + 7 h = 06:00 PST.
        assert_eq!(
            plan(&d, "America/Los_Angeles", "2026-10-31 08:00:00 -0700", 2),
            [
                "2026-11-01T00:00:00-07:00 -> 2026-11-01T06:00:00-08:00",
                "2026-11-02T00:00:00-08:00 -> 2026-11-02T07:00:00-08:00"
            ]
        );
        // A nonexistent time is shifted: 02:30 -> 03:30 PDT.
        let c = schedule(&[("cron>", str("30 2 * * *"))]);
        assert_eq!(
            plan(&c, "America/Los_Angeles", "2026-03-07 12:00:00 -0800", 2),
            [
                "2026-03-08T03:30:00-07:00 -> 2026-03-08T03:30:00-07:00",
                "2026-03-09T02:30:00-07:00 -> 2026-03-09T02:30:00-07:00"
            ]
        );
        // hourly> across the overlap: 00:00 PDT, 01:00 PST, 02:00 PST.
        let h = schedule(&[("hourly>", str("00:00"))]);
        assert_eq!(
            plan(&h, "America/Los_Angeles", "2026-11-01 00:00:00 -0700", 3),
            [
                "2026-11-01T00:00:00-07:00 -> 2026-11-01T00:00:00-07:00",
                "2026-11-01T01:00:00-08:00 -> 2026-11-01T01:00:00-08:00",
                "2026-11-01T02:00:00-08:00 -> 2026-11-01T02:00:00-08:00"
            ]
        );
        // From exactly 01:00 PDT: that slot, then 02:00 PST.
        assert_eq!(
            plan(&h, "America/Los_Angeles", "2026-11-01 01:00:00 -0700", 2),
            [
                "2026-11-01T01:00:00-07:00 -> 2026-11-01T01:00:00-07:00",
                "2026-11-01T02:00:00-08:00 -> 2026-11-01T02:00:00-08:00"
            ]
        );
    }

    #[test]
    fn lord_howe() {
        // Australia/Lord_Howe moves 30 minutes: 2026-10-04 02:00 +10:30 -> 02:30 +11:00.
        let h = schedule(&[("hourly>", str("00:00"))]);
        assert_eq!(
            plan(&h, "Australia/Lord_Howe", "2026-10-04 01:00:00 +1030", 3),
            [
                "2026-10-04T01:00:00+10:30 -> 2026-10-04T01:00:00+10:30",
                "2026-10-04T02:30:00+11:00 -> 2026-10-04T02:30:00+11:00",
                "2026-10-04T03:00:00+11:00 -> 2026-10-04T03:00:00+11:00"
            ]
        );
        let d = daily("09:00:00");
        assert_eq!(
            plan(&d, "Australia/Lord_Howe", "2026-10-03 12:00:00 +1030", 2),
            [
                "2026-10-04T00:00:00+10:30 -> 2026-10-04T09:30:00+11:00",
                "2026-10-05T00:00:00+11:00 -> 2026-10-05T09:00:00+11:00"
            ]
        );
    }

    #[test]
    fn wrapping_ranges_and_start_end_plan() {
        let c = schedule(&[("cron>", str("0 22-1 * * sat-mon"))]);
        assert_eq!(
            plan(&c, "UTC", "2026-01-02 12:00:00 +0000", 5), // a Friday; hours 22, 23, 0, 1 on Sat-Mon
            [
                "2026-01-03T00:00:00+00:00 -> 2026-01-03T00:00:00+00:00",
                "2026-01-03T01:00:00+00:00 -> 2026-01-03T01:00:00+00:00",
                "2026-01-03T22:00:00+00:00 -> 2026-01-03T22:00:00+00:00",
                "2026-01-03T23:00:00+00:00 -> 2026-01-03T23:00:00+00:00",
                "2026-01-04T00:00:00+00:00 -> 2026-01-04T00:00:00+00:00"
            ]
        );
        // start/end apply to the run time; the list stops at the end sentinel.
        let s = with_range("daily>", str("12:00:00"), "2026-05-01", "2026-05-02");
        assert_eq!(
            plan(&s, "Asia/Tokyo", "2026-01-01 00:00:00 +0900", 10),
            [
                "2026-05-01T00:00:00+09:00 -> 2026-05-01T12:00:00+09:00",
                "2026-05-02T00:00:00+09:00 -> 2026-05-02T12:00:00+09:00"
            ]
        );
        // A session recomputed from start is not checked against end again.
        let odd = with_range("monthly>", str("31,00:00:00"), "2026-04-01", "2026-04-30");
        assert_eq!(
            plan(&odd, "UTC", "2026-01-01 00:00:00 +0000", 3),
            ["2026-05-31T00:00:00+00:00 -> 2026-05-31T00:00:00+00:00"]
        );
    }
}
