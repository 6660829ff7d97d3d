//! cron4j 2.2.5 scheduling patterns, as digdag's `cron>` (and every calendar schedule) uses them.
//!
//! Parsing follows `SchedulingPattern` token by token (Java `StringTokenizer` semantics: empty
//! tokens are skipped), so errors carry cron4j's exact wording. Prediction follows
//! `Predictor.nextMatchingTime` with digdag's time-zone fix: a direct check of the next minute,
//! then a minute -> hour -> day -> month walk on the wall clock, resolved with a lenient calendar
//! (day overflow rolls into the next month and the walk restarts there; a time in a DST gap takes
//! the pre-gap offset, a time in an overlap the post-overlap offset).

use jiff::civil::{Date, DateTime};
use jiff::tz::TimeZone;
use jiff::{Span, Timestamp};

/// A parsed cron4j pattern: one or more `|`-separated alternatives of five fields each.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CronPattern {
    text: String,
    alternatives: Vec<Alternative>,
}

/// One alternative; each field is a bit set of the allowed values.
#[derive(Clone, Debug, PartialEq, Eq)]
struct Alternative {
    /// The alternative's own text (cron4j's `localPattern`).
    text: String,
    /// Bits 0..=59.
    minutes: u64,
    /// Bits 0..=23.
    hours: u64,
    /// Bits 1..=31, and bit 32 for `L` (last day of the month).
    days_of_month: u64,
    /// Bits 1..=12.
    months: u64,
    /// Bits 0..=7 (7 is never a weekday: `7` alone is read as 0).
    days_of_week: u64,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Field {
    Minute,
    Hour,
    DayOfMonth,
    Month,
    DayOfWeek,
}

const FIELDS: [Field; 5] = [
    Field::Minute,
    Field::Hour,
    Field::DayOfMonth,
    Field::Month,
    Field::DayOfWeek,
];

const MONTH_ALIASES: [&str; 12] = [
    "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec",
];
const DAY_ALIASES: [&str; 7] = ["sun", "mon", "tue", "wed", "thu", "fri", "sat"];

/// Day-of-month value cron4j uses for `L`.
const LAST_DAY: u32 = 32;

/// Upper bound on walk steps for one prediction (a feasible pattern needs far fewer).
const MAX_WALK_STEPS: u32 = 5_000_000;
/// Upper bound on how many years a prediction may walk ahead.
const MAX_WALK_YEARS: i32 = 500;

impl Field {
    fn name(self) -> &'static str {
        match self {
            Field::Minute => "minutes",
            Field::Hour => "hours",
            Field::DayOfMonth => "days of month",
            Field::Month => "months",
            Field::DayOfWeek => "days of week",
        }
    }

    fn min(self) -> u32 {
        match self {
            Field::Minute | Field::Hour | Field::DayOfWeek => 0,
            Field::DayOfMonth | Field::Month => 1,
        }
    }

    fn max(self) -> u32 {
        match self {
            Field::Minute => 59,
            Field::Hour => 23,
            Field::DayOfMonth => 31,
            Field::Month => 12,
            Field::DayOfWeek => 7,
        }
    }

    /// cron4j's `ValueParser.parse`.
    fn parse_value(self, s: &str) -> Result<u32, String> {
        match self {
            Field::Minute | Field::Hour => simple_value(s, self.min(), self.max()),
            Field::DayOfMonth => {
                if java_equals_ignore_case(s, "L") {
                    Ok(LAST_DAY)
                } else {
                    simple_value(s, 1, 31)
                }
            }
            Field::Month => simple_value(s, 1, 12).or_else(|_| alias(s, &MONTH_ALIASES, 1)),
            Field::DayOfWeek => simple_value(s, 0, 7)
                .map(|v| v % 7)
                .or_else(|_| alias(s, &DAY_ALIASES, 0)),
        }
    }
}

/// cron4j's `SimpleValueParser.parse`.
fn simple_value(s: &str, min: u32, max: u32) -> Result<u32, String> {
    let i = java_parse_int(s).ok_or_else(|| "invalid integer value".to_string())?;
    if i < min as i32 || i > max as i32 {
        return Err("value out of range".into());
    }
    Ok(i as u32)
}

fn alias(s: &str, aliases: &[&str], offset: u32) -> Result<u32, String> {
    aliases
        .iter()
        .position(|a| java_equals_ignore_case(a, s))
        .map(|i| offset + i as u32)
        .ok_or_else(|| format!("invalid alias \"{s}\""))
}

/// Java's `Integer.parseInt`: an optional `+`/`-` sign and at least one digit, within `i32`.
/// (Java also accepts non-ASCII decimal digits; this accepts ASCII digits only.)
pub(crate) fn java_parse_int(s: &str) -> Option<i32> {
    java_parse_long(s).and_then(|v| i32::try_from(v).ok())
}

/// Java's `Long.parseLong` (ASCII digits only).
pub(crate) fn java_parse_long(s: &str) -> Option<i64> {
    let (negative, digits) = match s.as_bytes().first()? {
        b'-' => (true, &s[1..]),
        b'+' => (false, &s[1..]),
        _ => (false, s),
    };
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let mut value: i64 = 0;
    for b in digits.bytes() {
        let d = i64::from(b - b'0');
        value = value.checked_mul(10)?;
        value = if negative {
            value.checked_sub(d)?
        } else {
            value.checked_add(d)?
        };
    }
    Some(value)
}

/// Java's `String.equalsIgnoreCase` (per-char upper- then lower-case comparison).
fn java_equals_ignore_case(a: &str, b: &str) -> bool {
    let fold = |c: char| -> char {
        let mut up = c.to_uppercase();
        let u = match (up.next(), up.next()) {
            (Some(u), None) => u,
            _ => c,
        };
        let mut low = u.to_lowercase();
        match (low.next(), low.next()) {
            (Some(l), None) => l,
            _ => u,
        }
    };
    let (mut ai, mut bi) = (a.chars(), b.chars());
    loop {
        match (ai.next(), bi.next()) {
            (None, None) => return true,
            (Some(x), Some(y)) if x == y || fold(x) == fold(y) => {}
            _ => return false,
        }
    }
}

/// Java `StringTokenizer`: the non-empty pieces between any of the delimiter characters.
fn tokens<'a>(s: &'a str, delimiters: &'a [char]) -> impl Iterator<Item = &'a str> + 'a {
    s.split(delimiters).filter(|t| !t.is_empty())
}

fn bit(v: u32) -> u64 {
    1u64 << v
}

fn has(bits: u64, v: u32) -> bool {
    v < 64 && bits & bit(v) != 0
}

/// `SchedulingPattern.parseRange`.
fn parse_range(s: &str, field: Field) -> Result<Vec<u32>, String> {
    if s == "*" {
        return Ok((field.min()..=field.max()).collect());
    }
    let parts: Vec<&str> = tokens(s, &['-']).collect();
    if parts.is_empty() || parts.len() > 2 {
        return Err("syntax error".into());
    }
    let value = |t: &str| {
        field
            .parse_value(t)
            .map_err(|e| format!("invalid value \"{t}\", {e}"))
    };
    let v1 = value(parts[0])?;
    if parts.len() == 1 {
        return Ok(vec![v1]);
    }
    let v2 = value(parts[1])?;
    Ok(if v1 <= v2 {
        (v1..=v2).collect()
    } else {
        // A reversed range wraps around the field's range.
        (v1..=field.max()).chain(field.min()..=v2).collect()
    })
}

/// `SchedulingPattern.parseListElement`.
fn parse_list_element(s: &str, field: Field) -> Result<Vec<u32>, String> {
    let parts: Vec<&str> = tokens(s, &['/']).collect();
    if parts.is_empty() || parts.len() > 2 {
        return Err("syntax error".into());
    }
    let values = parse_range(parts[0], field).map_err(|e| format!("invalid range, {e}"))?;
    if parts.len() == 1 {
        return Ok(values);
    }
    let d = parts[1];
    let div = java_parse_int(d).ok_or_else(|| format!("invalid divisor \"{d}\""))?;
    if div < 1 {
        return Err(format!("non positive divisor \"{div}\""));
    }
    Ok(values.into_iter().step_by(div as usize).collect())
}

/// `SchedulingPattern.buildValueMatcher`.
fn parse_field(s: &str, field: Field) -> Result<u64, String> {
    if s == "*" {
        return Ok((field.min()..=field.max()).fold(0, |b, v| b | bit(v)));
    }
    let mut bits = 0u64;
    for element in tokens(s, &[',']) {
        let values = parse_list_element(element, field)
            .map_err(|e| format!("invalid field \"{s}\", invalid element \"{element}\", {e}"))?;
        for v in values {
            bits |= bit(v);
        }
    }
    if bits == 0 {
        return Err(format!("invalid field \"{s}\""));
    }
    Ok(bits)
}

/// Gregorian leap year (Java's `GregorianCalendar.isLeapYear` for years after 1582).
fn is_leap(year: i32) -> bool {
    year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)
}

fn days_in_month(month: u32, leap: bool) -> u32 {
    match month {
        2 if leap => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Lowest set bit at or above `from`.
fn next_bit(bits: u64, from: u32) -> Option<u32> {
    if from >= 64 {
        return None;
    }
    let rest = bits & (u64::MAX << from);
    (rest != 0).then(|| rest.trailing_zeros())
}

impl Alternative {
    /// cron4j's `DayOfMonthValueMatcher.match` (`L` matches the month's last day).
    fn day_of_month_matches(&self, day: u32, month: u32, leap: bool) -> bool {
        has(self.days_of_month, day)
            || (day > 27 && has(self.days_of_month, LAST_DAY) && day == days_in_month(month, leap))
    }

    fn matches(&self, dt: DateTime) -> bool {
        let year = i32::from(dt.year());
        let month = dt.month() as u32;
        has(self.minutes, dt.minute() as u32)
            && has(self.hours, dt.hour() as u32)
            && self.day_of_month_matches(dt.day() as u32, month, is_leap(year))
            && has(self.months, month)
            && has(
                self.days_of_week,
                dt.weekday().to_sunday_zero_offset() as u32,
            )
    }

    /// Whether some real date satisfies both day of month and month (day of week always
    /// eventually coincides with any date).
    fn can_match(&self) -> bool {
        (1..=12).filter(|m| has(self.months, *m)).any(|m| {
            has(self.days_of_month, LAST_DAY)
                || (1..=days_in_month(m, true)).any(|d| has(self.days_of_month, d))
        })
    }

    /// The matcher walk of `Predictor.nextMatchingTime` for this alternative, from `time`
    /// (already one minute past the predictor's start and known not to match directly).
    fn walk(&self, local: DateTime, tz: &TimeZone) -> Option<Timestamp> {
        let mut minute = local.minute() as u32;
        let mut hour = local.hour() as u32;
        let mut day = local.day() as u32;
        let mut month0 = local.month() as u32 - 1;
        let mut year = i32::from(local.year());
        let year_limit = year + MAX_WALK_YEARS;
        let mut steps = 0u32;
        let mut tick = || {
            steps += 1;
            steps <= MAX_WALK_STEPS
        };
        loop {
            // day of week
            if year > year_limit || !tick() {
                return None;
            }
            loop {
                // month
                loop {
                    // day of month
                    loop {
                        // hour; the minute loop jumps to the next allowed minute.
                        if !tick() {
                            return None;
                        }
                        match next_bit(self.minutes, minute) {
                            Some(m) if m <= 59 => minute = m,
                            _ => {
                                minute = next_bit(self.minutes, 0)?;
                                hour += 1;
                            }
                        }
                        if hour > 23 {
                            hour = 0;
                            day += 1;
                        }
                        if has(self.hours, hour) {
                            break;
                        }
                        hour += 1;
                        minute = 0;
                    }
                    if day > 31 {
                        day = 1;
                        month0 += 1;
                    }
                    if month0 > 11 {
                        month0 = 0;
                        year += 1;
                    }
                    if self.day_of_month_matches(day, month0 + 1, is_leap(year)) {
                        break;
                    }
                    day += 1;
                    hour = 0;
                    minute = 0;
                    if !tick() {
                        return None;
                    }
                }
                if has(self.months, month0 + 1) {
                    break;
                }
                month0 += 1;
                day = 1;
                hour = 0;
                minute = 0;
            }
            // Lenient calendar: day overflow rolls into the following month.
            let first = Date::new(i16::try_from(year).ok()?, (month0 + 1) as i8, 1).ok()?;
            let date = first
                .checked_add(Span::new().days(i64::from(day) - 1))
                .ok()?;
            let dt = date.at(hour as i8, minute as i8, 0, 0);
            let ambiguous = tz.to_ambiguous_timestamp(dt);
            let unambiguous = matches!(
                ambiguous.offset(),
                jiff::tz::AmbiguousOffset::Unambiguous { .. }
            );
            let ts = ambiguous.later().ok()?;
            // Only a time in a gap moves when converted back.
            let back = if unambiguous { dt } else { tz.to_datetime(ts) };
            let (old_day, old_month0, old_year) = (day, month0, year);
            day = back.day() as u32;
            month0 = back.month() as u32 - 1;
            year = i32::from(back.year());
            if (day, month0, year) != (old_day, old_month0, old_year) {
                // Take another spin from the normalized date.
                continue;
            }
            if has(
                self.days_of_week,
                back.weekday().to_sunday_zero_offset() as u32,
            ) {
                let ms = ts.as_millisecond();
                return Timestamp::from_millisecond((ms / 60_000) * 60_000).ok();
            }
            day += 1;
            hour = 0;
            minute = 0;
            if day > 31 {
                day = 1;
                month0 += 1;
                if month0 > 11 {
                    month0 = 0;
                    year += 1;
                }
            }
        }
    }
}

impl CronPattern {
    /// Parses a pattern exactly as cron4j's `SchedulingPattern` does; errors carry cron4j's
    /// message (`invalid pattern "<p>". Error parsing <field> field: ...`).
    pub fn parse(pattern: &str) -> Result<CronPattern, String> {
        let mut alternatives = Vec::new();
        for local in tokens(pattern, &['|']) {
            let fields: Vec<&str> = tokens(local, &[' ', '\t']).collect();
            if fields.len() != 5 {
                return Err(format!("invalid pattern: \"{local}\""));
            }
            let mut bits = [0u64; 5];
            for (i, field) in FIELDS.iter().enumerate() {
                bits[i] = parse_field(fields[i], *field).map_err(|e| {
                    format!(
                        "invalid pattern \"{local}\". Error parsing {} field: {e}.",
                        field.name()
                    )
                })?;
            }
            alternatives.push(Alternative {
                text: local.to_string(),
                minutes: bits[0],
                hours: bits[1],
                days_of_month: bits[2],
                months: bits[3],
                days_of_week: bits[4],
            });
        }
        if alternatives.is_empty() {
            return Err(format!("invalid pattern: \"{pattern}\""));
        }
        Ok(CronPattern {
            text: pattern.to_string(),
            alternatives,
        })
    }

    /// The pattern text as given.
    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// Whether the wall-clock minute `dt` matches (seconds are ignored). Day of month and day
    /// of week must both match, as in cron4j.
    pub fn matches(&self, dt: DateTime) -> bool {
        self.alternatives.iter().any(|a| a.matches(dt))
    }

    /// Whether the instant `ts` matches in `tz` (cron4j's `match(TimeZone, long)`).
    pub fn matches_at(&self, ts: Timestamp, tz: &TimeZone) -> bool {
        self.matches(tz.to_datetime(ts))
    }

    /// Errors if some alternative can never match (e.g. `0 0 31 2 *`): cron4j's predictor
    /// would loop forever on it, so digdag's scheduler hangs.
    pub fn check_can_match(&self) -> Result<(), String> {
        match self.alternatives.iter().find(|a| !a.can_match()) {
            None => Ok(()),
            Some(a) => Err(format!(
                "invalid pattern \"{}\": it can never match (no allowed month has an allowed day \
                 of month), and digdag's scheduler would loop forever on it",
                a.text
            )),
        }
    }

    /// cron4j's `Predictor(pattern, t).nextMatchingTime()` in `tz`: `t` truncated to the minute,
    /// then the first matching minute strictly after it. `None` if the search leaves jiff's
    /// range or exceeds its bounds (a pattern that can never match).
    pub fn next_after(&self, t: Timestamp, tz: &TimeZone) -> Option<Timestamp> {
        let millis = super::time::floor_millisecond(t);
        // Java's integer division truncates toward zero.
        let start = (millis / 60_000).checked_mul(60_000)?.checked_add(60_000)?;
        let start = Timestamp::from_millisecond(start).ok()?;
        let local = tz.to_datetime(start);
        if self.matches(local) {
            return Some(start);
        }
        self.alternatives
            .iter()
            .filter_map(|a| a.walk(local, tz))
            .min()
    }
}

impl std::fmt::Display for CronPattern {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    fn tz(name: &str) -> TimeZone {
        TimeZone::get(name).expect("zone")
    }

    fn err(p: &str) -> String {
        CronPattern::parse(p).expect_err("should fail")
    }

    /// Next matches after `from` (RFC 3339 with offset), printed with offsets in `zone`.
    fn nexts(p: &str, zone: &str, from: &str, n: usize) -> Vec<String> {
        let pat = CronPattern::parse(p).expect("pattern");
        let z = tz(zone);
        let mut t: Timestamp = from.parse().expect("timestamp");
        let mut out = Vec::new();
        for _ in 0..n {
            t = pat.next_after(t, &z).expect("next");
            out.push(
                t.to_zoned(z.clone())
                    .strftime("%Y-%m-%dT%H:%M%:z")
                    .to_string(),
            );
        }
        out
    }

    #[test]
    fn error_messages_match_cron4j() {
        assert_eq!(err(""), r#"invalid pattern: """#);
        assert_eq!(err("|"), r#"invalid pattern: "|""#);
        assert_eq!(err("* * * *"), r#"invalid pattern: "* * * *""#);
        assert_eq!(err("0 0 * * *|1 2 3"), r#"invalid pattern: "1 2 3""#);
        assert_eq!(
            err("60 * * * *"),
            r#"invalid pattern "60 * * * *". Error parsing minutes field: invalid field "60", invalid element "60", invalid range, invalid value "60", value out of range."#
        );
        assert_eq!(
            err("* x * * *"),
            r#"invalid pattern "* x * * *". Error parsing hours field: invalid field "x", invalid element "x", invalid range, invalid value "x", invalid integer value."#
        );
        assert_eq!(
            err("0 0 32 * *"),
            r#"invalid pattern "0 0 32 * *". Error parsing days of month field: invalid field "32", invalid element "32", invalid range, invalid value "32", value out of range."#
        );
        assert_eq!(
            err("0 0 0 * *"),
            r#"invalid pattern "0 0 0 * *". Error parsing days of month field: invalid field "0", invalid element "0", invalid range, invalid value "0", value out of range."#
        );
        assert_eq!(
            err("0 0 * 13 *"),
            r#"invalid pattern "0 0 * 13 *". Error parsing months field: invalid field "13", invalid element "13", invalid range, invalid value "13", invalid alias "13"."#
        );
        assert_eq!(
            err("0 0 * * mon-fry"),
            r#"invalid pattern "0 0 * * mon-fry". Error parsing days of week field: invalid field "mon-fry", invalid element "mon-fry", invalid range, invalid value "fry", invalid alias "fry"."#
        );
        assert_eq!(
            err("*/0 * * * *"),
            r#"invalid pattern "*/0 * * * *". Error parsing minutes field: invalid field "*/0", invalid element "*/0", non positive divisor "0"."#
        );
        assert_eq!(
            err("*/-5 * * * *"),
            r#"invalid pattern "*/-5 * * * *". Error parsing minutes field: invalid field "*/-5", invalid element "*/-5", non positive divisor "-5"."#
        );
        assert_eq!(
            err("*/x * * * *"),
            r#"invalid pattern "*/x * * * *". Error parsing minutes field: invalid field "*/x", invalid element "*/x", invalid divisor "x"."#
        );
        assert_eq!(
            err("1/2/3 * * * *"),
            r#"invalid pattern "1/2/3 * * * *". Error parsing minutes field: invalid field "1/2/3", invalid element "1/2/3", syntax error."#
        );
        assert_eq!(
            err("1-2-3 * * * *"),
            r#"invalid pattern "1-2-3 * * * *". Error parsing minutes field: invalid field "1-2-3", invalid element "1-2-3", invalid range, syntax error."#
        );
        assert_eq!(
            err(", * * * *"),
            r#"invalid pattern ", * * * *". Error parsing minutes field: invalid field ","."#
        );
        assert_eq!(
            err("? * * * *"),
            r#"invalid pattern "? * * * *". Error parsing minutes field: invalid field "?", invalid element "?", invalid range, invalid value "?", invalid integer value."#
        );
    }

    #[test]
    fn quirks_of_cron4j_fields() {
        let p = |s: &str| CronPattern::parse(s).expect("valid");
        // `a/c` is just `a`.
        assert_eq!(p("5/15 * * * *").alternatives[0].minutes, bit(5));
        // Reversed ranges wrap; steps count along the wrapped list.
        assert_eq!(
            p("50-10/5 * * * *").alternatives[0].minutes,
            bit(50) | bit(55) | bit(0) | bit(5) | bit(10)
        );
        assert_eq!(
            p("0 22-2 * * *").alternatives[0].hours,
            bit(22) | bit(23) | bit(0) | bit(1) | bit(2)
        );
        // Day of week: 7 is Sunday, `0-7` is Sunday only, `1-7` is every day.
        assert_eq!(p("0 0 * * 7").alternatives[0].days_of_week, bit(0));
        assert_eq!(p("0 0 * * 0-7").alternatives[0].days_of_week, bit(0));
        assert_eq!(p("0 0 * * 1-7").alternatives[0].days_of_week, 0xff);
        // Names are case-insensitive; `-1` reads as `1` (the `-` separates a range).
        assert_eq!(
            p("0 0 * JAN,Feb * ").alternatives[0].months,
            bit(1) | bit(2)
        );
        assert_eq!(p("0 0 -1 * *").alternatives[0].days_of_month, bit(1));
        assert_eq!(p("+5 0 * * *").alternatives[0].minutes, bit(5));
        // `L` may end a range; tabs separate fields; empty list elements are skipped.
        assert_eq!(
            p("0\t0 30-l * *").alternatives[0].days_of_month,
            bit(30) | bit(31) | bit(32)
        );
        assert_eq!(p("1,,2 * * * *").alternatives[0].minutes, bit(1) | bit(2));
        assert_eq!(p("0 0 * * *|").alternatives.len(), 1);
    }

    #[test]
    fn matching_requires_day_of_month_and_day_of_week() {
        let p = CronPattern::parse("0 9 13 * fri").expect("valid");
        assert!(p.matches(date(2026, 2, 13).at(9, 0, 0, 0))); // a Friday
        assert!(!p.matches(date(2026, 4, 13).at(9, 0, 0, 0))); // the 13th, a Monday
        assert!(!p.matches(date(2026, 2, 20).at(9, 0, 0, 0))); // a Friday, the 20th
        let last = CronPattern::parse("0 0 L * *").expect("valid");
        assert!(last.matches(date(2024, 2, 29).at(0, 0, 0, 0)));
        assert!(!last.matches(date(2024, 2, 28).at(0, 0, 0, 0)));
        assert!(last.matches(date(2025, 2, 28).at(0, 0, 0, 0)));
    }

    #[test]
    fn never_matching_patterns_are_reported() {
        let p = CronPattern::parse("0 0 31 2 *").expect("cron4j accepts it");
        assert_eq!(
            p.check_can_match().expect_err("never matches"),
            "invalid pattern \"0 0 31 2 *\": it can never match (no allowed month has an allowed \
             day of month), and digdag's scheduler would loop forever on it"
        );
        let q = CronPattern::parse("0 0 * * *|0 0 30 2,4 *").expect("valid");
        assert!(q.check_can_match().is_ok());
        assert!(CronPattern::parse("0 0 29 2 *")
            .expect("valid")
            .check_can_match()
            .is_ok());
        assert!(CronPattern::parse("0 0 L 2 *")
            .expect("valid")
            .check_can_match()
            .is_ok());
        assert!(CronPattern::parse("0 0 30,31 2 *")
            .expect("valid")
            .check_can_match()
            .is_err());
    }

    #[test]
    fn next_walks_like_cron4j() {
        // Day overflow restarts the walk in the next month: March 1 is skipped.
        assert_eq!(
            nexts("0 0 1,30 * *", "UTC", "2026-02-15T00:00:00Z", 3),
            [
                "2026-03-30T00:00+00:00",
                "2026-04-01T00:00+00:00",
                "2026-04-30T00:00+00:00"
            ]
        );
        // `L` and `31` skip short months.
        assert_eq!(
            nexts("0 0 L * *", "UTC", "2024-01-31T00:00:00Z", 3),
            [
                "2024-02-29T00:00+00:00",
                "2024-03-31T00:00+00:00",
                "2024-04-30T00:00+00:00"
            ]
        );
        assert_eq!(
            nexts("0 0 31 * *", "UTC", "2026-01-31T00:00:00Z", 2),
            ["2026-03-31T00:00+00:00", "2026-05-31T00:00+00:00"]
        );
        // Alternatives: the earliest wins. Wrapping hour range.
        assert_eq!(
            nexts("0 5 * * *|8 10 * * *", "UTC", "2026-01-01T06:00:00Z", 2),
            ["2026-01-01T10:08+00:00", "2026-01-02T05:00+00:00"]
        );
        assert_eq!(
            nexts("0 23-1 * * *", "UTC", "2026-01-01T12:00:00Z", 4),
            [
                "2026-01-01T23:00+00:00",
                "2026-01-02T00:00+00:00",
                "2026-01-02T01:00+00:00",
                "2026-01-02T23:00+00:00"
            ]
        );
        // Feb 29 on a Monday: 2044.
        assert_eq!(
            nexts("0 0 29 2 mon", "UTC", "2026-01-01T00:00:00Z", 1),
            ["2044-02-29T00:00+00:00"]
        );
    }

    #[test]
    fn dst_spring_forward_is_shifted_and_fall_back_fires_once() {
        // America/Los_Angeles 2026-03-08: 02:00 PST -> 03:00 PDT.
        assert_eq!(
            nexts(
                "30 2 * * *",
                "America/Los_Angeles",
                "2026-03-07T12:00:00-08:00",
                2
            ),
            ["2026-03-08T03:30-07:00", "2026-03-09T02:30-07:00"]
        );
        // 2026-11-01: 02:00 PDT -> 01:00 PST; the walk lands on the second 01:30.
        assert_eq!(
            nexts(
                "30 1 * * *",
                "America/Los_Angeles",
                "2026-10-31T12:00:00-07:00",
                2
            ),
            ["2026-11-01T01:30-08:00", "2026-11-02T01:30-08:00"]
        );
        assert_eq!(
            nexts(
                "0 * * * *",
                "America/Los_Angeles",
                "2026-11-01T00:00:00-07:00",
                3
            ),
            [
                "2026-11-01T01:00-08:00",
                "2026-11-01T02:00-08:00",
                "2026-11-01T03:00-08:00"
            ]
        );
        // Starting inside the first 01:xx hour, the next minute matches directly.
        assert_eq!(
            nexts(
                "0 * * * *",
                "America/Los_Angeles",
                "2026-11-01T00:59:00-07:00",
                2
            ),
            ["2026-11-01T01:00-07:00", "2026-11-01T02:00-08:00"]
        );
        // Every-minute patterns see both copies of the repeated hour.
        assert_eq!(
            nexts(
                "* 1 * * *",
                "America/Los_Angeles",
                "2026-11-01T01:58:00-07:00",
                3
            ),
            [
                "2026-11-01T01:59-07:00",
                "2026-11-01T01:00-08:00",
                "2026-11-01T01:01-08:00"
            ]
        );
    }

    #[test]
    fn lord_howe_half_hour_dst() {
        // Australia/Lord_Howe: 2026-10-04 02:00 +10:30 -> 02:30 +11:00;
        // 2026-04-05 02:00 +11:00 -> 01:30 +10:30.
        assert_eq!(
            nexts(
                "15 2 * * *",
                "Australia/Lord_Howe",
                "2026-10-03T12:00:00+10:30",
                2
            ),
            ["2026-10-04T02:45+11:00", "2026-10-05T02:15+11:00"]
        );
        assert_eq!(
            nexts(
                "45 1 * * *",
                "Australia/Lord_Howe",
                "2026-04-04T12:00:00+11:00",
                1
            ),
            ["2026-04-05T01:45+10:30"]
        );
    }

    #[test]
    fn odd_input_neither_panics_nor_hangs() {
        let z = tz("America/Los_Angeles");
        let from: Timestamp = "2026-01-01T00:00:00Z".parse().expect("ts");
        for p in [
            "L-L * * * *",
            "0 0 L-3 * *",
            "*/99999999999 * * * *",
            "0 0 29 2 *",
            "0 0 31 2,4 *|0 0 1 1 *",
            "59 23 31 12 sat",
            "0 0 * * sun-sat/3",
            "\u{0} \u{ff} é ✓ *",
            "-/- - - - -",
            "0 0 1 1 *|||",
            "* * * * *",
        ] {
            let Ok(pat) = CronPattern::parse(p) else {
                continue;
            };
            let mut t = from;
            for _ in 0..3 {
                match pat.next_after(t, &z) {
                    Some(n) => {
                        assert!(n > t, "{p}: time moves forward");
                        t = n;
                    }
                    None => break,
                }
            }
        }
        let never = CronPattern::parse("0 0 31 2,4 *").expect("valid");
        assert_eq!(never.next_after(from, &z), None);
    }

    #[test]
    fn java_int_parsing() {
        assert_eq!(java_parse_int("+7"), Some(7));
        assert_eq!(java_parse_int("-1"), Some(-1));
        assert_eq!(java_parse_int("07"), Some(7));
        assert_eq!(java_parse_int("+"), None);
        assert_eq!(java_parse_int(" 7"), None);
        assert_eq!(java_parse_int("2147483648"), None);
        assert_eq!(java_parse_int("-2147483648"), Some(i32::MIN));
        assert!(java_equals_ignore_case("ſun", "sun"));
    }
}
