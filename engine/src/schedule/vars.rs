//! The session built-in variables (`session_time`, `last_session_*`, `next_session_*`), as
//! digdag's `RuntimeParams` and `AttemptBuilder` render them.

use super::{Schedule, Session};
use jiff::tz::TimeZone;
use jiff::Timestamp;

/// The session variables of §3.1 for `session`, rendered in the workflow zone `tz`:
/// `session_time` (`yyyy-MM-dd'T'HH:mm:ss+HH:MM`), `session_date` (`yyyy-MM-dd`),
/// `session_date_compact` (`yyyyMMdd`), `session_local_time` (`yyyy-MM-dd HH:mm:ss`),
/// `session_tz_offset` (`+HHMM`) and `session_unixtime` (epoch seconds). With a schedule, the
/// same six for `last_session_` (the slot before, ignoring `start`/`end`) and `next_session_`
/// (the slot after, with `start`/`end`: possibly the 9999-01-01 end sentinel).
pub fn builtin_session_variables(
    schedule: Option<&Schedule>,
    session: &Session,
    tz: &TimeZone,
) -> Vec<(String, String)> {
    let t = session.session_time.timestamp();
    let mut vars = Vec::new();
    push_time_variables(&mut vars, "session", t, tz);
    if let Some(schedule) = schedule {
        if let Some(last) = schedule.last_schedule_time(t, tz) {
            push_time_variables(&mut vars, "last_session", last.session_time.timestamp(), tz);
        }
        if let Some(next) = schedule.next_schedule_time(t, tz) {
            push_time_variables(&mut vars, "next_session", next.session_time.timestamp(), tz);
        }
    }
    vars
}

fn push_time_variables(
    vars: &mut Vec<(String, String)>,
    prefix: &str,
    t: Timestamp,
    tz: &TimeZone,
) {
    let z = t.to_zoned(tz.clone());
    let (y, mo, d) = (z.year(), z.month(), z.day());
    let (h, mi, s) = (z.hour(), z.minute(), z.second());
    let offset = z.offset().seconds();
    let sign = if offset < 0 { '-' } else { '+' };
    let (oh, om) = (offset.abs() / 3600, offset.abs() % 3600 / 60);
    let date = format!("{y:04}-{mo:02}-{d:02}");
    let time = format!("{h:02}:{mi:02}:{s:02}");
    let unix = t.as_nanosecond().div_euclid(1_000_000_000);
    vars.extend([
        (
            format!("{prefix}_time"),
            format!("{date}T{time}{sign}{oh:02}:{om:02}"),
        ),
        (format!("{prefix}_date"), date.clone()),
        (
            format!("{prefix}_date_compact"),
            format!("{y:04}{mo:02}{d:02}"),
        ),
        (format!("{prefix}_local_time"), format!("{date} {time}")),
        (
            format!("{prefix}_tz_offset"),
            format!("{sign}{oh:02}{om:02}"),
        ),
        (format!("{prefix}_unixtime"), unix.to_string()),
    ]);
}

#[cfg(test)]
mod tests {
    use super::super::testutil::{schedule, str};
    use super::*;

    fn session_at(s: &str, zone: &str) -> Session {
        let tz = TimeZone::get(zone).expect("zone");
        let t: Timestamp = s.parse().expect("timestamp");
        Session {
            session_time: t.to_zoned(tz.clone()),
            run_time: t.to_zoned(tz),
        }
    }

    fn get<'a>(vars: &'a [(String, String)], key: &str) -> Option<&'a str> {
        vars.iter().find(|(k, _)| k == key).map(|(_, v)| v.as_str())
    }

    #[test]
    fn unscheduled_session() {
        let tz = TimeZone::get("Asia/Tokyo").expect("zone");
        let vars =
            builtin_session_variables(None, &session_at("2016-01-02T03:04:05Z", "Asia/Tokyo"), &tz);
        let expected: Vec<(String, String)> = [
            ("session_time", "2016-01-02T12:04:05+09:00"),
            ("session_date", "2016-01-02"),
            ("session_date_compact", "20160102"),
            ("session_local_time", "2016-01-02 12:04:05"),
            ("session_tz_offset", "+0900"),
            ("session_unixtime", "1451703845"),
        ]
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
        assert_eq!(vars, expected);
    }

    // digdag-tests BuiltInVariablesIT: daily schedule, UTC, --session "2016-01-02 03:04:05".
    #[test]
    fn scheduled_session_has_last_and_next() {
        let utc = TimeZone::UTC;
        let daily = schedule(&[("daily>", str("00:00:00"))]);
        let vars = builtin_session_variables(
            Some(&daily),
            &session_at("2016-01-02T03:04:05Z", "UTC"),
            &utc,
        );
        assert_eq!(
            get(&vars, "session_time"),
            Some("2016-01-02T03:04:05+00:00")
        );
        assert_eq!(get(&vars, "session_tz_offset"), Some("+0000"));
        assert_eq!(
            get(&vars, "last_session_time"),
            Some("2016-01-02T00:00:00+00:00")
        );
        assert_eq!(
            get(&vars, "next_session_time"),
            Some("2016-01-03T00:00:00+00:00")
        );
        assert_eq!(get(&vars, "last_session_date_compact"), Some("20160102"));
        assert_eq!(
            get(&vars, "next_session_local_time"),
            Some("2016-01-03 00:00:00")
        );
        assert_eq!(get(&vars, "next_session_unixtime"), Some("1451779200"));
        assert_eq!(vars.len(), 18);
    }

    #[test]
    fn next_session_after_end_is_the_sentinel() {
        let la = TimeZone::get("America/Los_Angeles").expect("zone");
        let s = schedule(&[("daily>", str("07:00:00")), ("end", str("2026-03-01"))]);
        let vars = builtin_session_variables(
            Some(&s),
            &session_at("2026-03-01T08:00:00Z", "America/Los_Angeles"),
            &la,
        );
        assert_eq!(
            get(&vars, "session_time"),
            Some("2026-03-01T00:00:00-08:00")
        );
        assert_eq!(get(&vars, "session_tz_offset"), Some("-0800"));
        assert_eq!(
            get(&vars, "last_session_time"),
            Some("2026-02-28T00:00:00-08:00")
        );
        assert_eq!(
            get(&vars, "next_session_time"),
            Some("9998-12-31T16:00:00-08:00")
        );
        assert_eq!(get(&vars, "next_session_unixtime"), Some("253370764800"));
    }
}
