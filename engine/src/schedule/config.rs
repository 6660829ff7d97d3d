//! [`parse_schedule`]: a workflow's `schedule:` block, validated as digdag's `SchedulerManager`,
//! the scheduler factories, `ScheduleConfigHelper` and `ScheduleExecutor` read it, with their
//! exact messages.

use super::cron::{java_parse_int, java_parse_long, CronPattern};
use super::javadate::parse_strict_date;
use super::{Schedule, ScheduleKind, Trigger};
use crate::check::registry::{INVALID_SCHEDULE, SCHEDULE_UNUSED_KEY};
use crate::load::value::{Object, Value, ValueKind};
use crate::source::Span;
use crate::suggest::{did_you_mean, levenshtein};
use crate::Diagnostic;

/// Validates a workflow's `schedule:` value. Returns the schedule when digdag would build a
/// scheduler from it, plus every problem found: `INVALID_SCHEDULE` errors (the scheduler cannot
/// be built, or fails when it fires) and `SCHEDULE_UNUSED_KEY` for keys the scheduler ignores.
pub fn parse_schedule(schedule: &Value) -> (Option<Schedule>, Vec<Diagnostic>) {
    let mut cx = Cx {
        diags: Vec::new(),
        used: Vec::new(),
        failed: false,
    };
    let obj = match &schedule.kind {
        ValueKind::Object(o) => o,
        ValueKind::Null => {
            cx.error(schedule.span, "Parameter 'schedule' is required but null");
            return (None, cx.diags);
        }
        _ => {
            cx.error(schedule.span, "Parameter 'schedule' must be an object");
            return (None, cx.diags);
        }
    };
    let Some(op) = operator(&mut cx, schedule, obj) else {
        return (None, cx.diags);
    };
    let kind = match ScheduleKind::from_name(&op.type_name) {
        Some(kind) => kind,
        None => {
            unknown_type(&mut cx, &op);
            return (None, cx.diags);
        }
    };

    let trigger = parse_trigger(&mut cx, obj, kind, &op);
    let delay = parse_delay(&mut cx, obj, kind, &op);
    let (start, end) = parse_start_end(&mut cx, obj);
    let skip_on_overtime = parse_skip_on_overtime(&mut cx, obj);
    let skip_delayed_by = parse_skip_delayed_by(&mut cx, obj);
    report_unused_keys(&mut cx, obj);

    let schedule = match (cx.failed, trigger, delay) {
        (false, Some((trigger, calendar_delay)), Some(delay)) => Some(Schedule {
            kind,
            trigger,
            delay_seconds: calendar_delay.unwrap_or(delay),
            start,
            end,
            skip_on_overtime,
            skip_delayed_by,
        }),
        _ => None,
    };
    (schedule, cx.diags)
}

/// Parsing state: diagnostics, and the keys digdag reads (its `UsedKeysSet`, in access order).
struct Cx {
    diags: Vec<Diagnostic>,
    used: Vec<String>,
    failed: bool,
}

impl Cx {
    fn error(&mut self, span: Span, message: impl Into<String>) {
        self.failed = true;
        self.diags
            .push(Diagnostic::new(&INVALID_SCHEDULE, span, message));
    }

    fn use_key(&mut self, key: &str) {
        if !self.used.iter().any(|k| k == key) {
            self.used.push(key.to_string());
        }
    }
}

/// The scheduler type and its argument (`_command`).
struct Operator<'a> {
    type_name: String,
    /// The `type>` key, or `_type`'s value.
    type_span: Span,
    /// Whether the type came from a `type>` key (fixes may rename it).
    from_key: bool,
    /// `_command`: the operator key's value, or the `_command` key with `_type`. `None` when
    /// absent or null (digdag's `Config.set(key, null)` removes the key).
    command: Option<&'a Value>,
    /// Where to report a missing argument.
    anchor: Span,
}

/// `SchedulerManager.getScheduler`: `_type`, else the first key ending in `>`.
fn operator<'a>(cx: &mut Cx, schedule: &Value, obj: &'a Object) -> Option<Operator<'a>> {
    cx.use_key("_type");
    if let Some(e) = obj.entry("_type") {
        cx.use_key("_command");
        let type_name = match &e.value.kind {
            ValueKind::Null => "null".to_string(),
            _ => match string_value(&e.value, "_type") {
                Ok(s) => s,
                Err(m) => {
                    cx.error(e.value.span, m);
                    return None;
                }
            },
        };
        let command = obj.get("_command").filter(|v| !v.is_null());
        return Some(Operator {
            type_name,
            type_span: e.value.span,
            from_key: false,
            command,
            anchor: e.key_span,
        });
    }
    let Some(e) = obj.iter().find(|e| e.key.ends_with('>')) else {
        let message = format!(
            "Schedule config requires 'type>: at' parameter: {}",
            schedule.to_json()
        );
        let mut diag = Diagnostic::new(&INVALID_SCHEDULE, schedule.span, message);
        // `daily: 07:00:00` is a likely slip for `daily>: 07:00:00`.
        if let Some(e) = obj
            .iter()
            .find(|e| ScheduleKind::from_name(&e.key).is_some())
        {
            diag = diag.with_fix(
                format!("Replace with `{}>`", e.key),
                e.key_span,
                format!("{}>", e.key),
            );
        }
        cx.failed = true;
        cx.diags.push(diag);
        return None;
    };
    cx.use_key(&e.key);
    cx.use_key("_command");
    Some(Operator {
        type_name: e.key[..e.key.len() - 1].to_string(),
        type_span: e.key_span,
        from_key: true,
        command: Some(&e.value).filter(|v| !v.is_null()),
        anchor: e.key_span,
    })
}

fn unknown_type(cx: &mut Cx, op: &Operator<'_>) {
    let names = ScheduleKind::ALL.map(ScheduleKind::name);
    let close = did_you_mean(&op.type_name, names);
    let mut message = format!("Unknown scheduler type: {}", op.type_name);
    if !close.is_empty() {
        message.push_str(&format!(" > Did you mean '[{}]'?", close.join(", ")));
    }
    let mut diag = Diagnostic::new(&INVALID_SCHEDULE, op.type_span, message);
    if let Some(best) = close.first() {
        let replacement = if op.from_key {
            format!("{best}>")
        } else {
            (*best).to_string()
        };
        diag = diag.with_fix(
            format!("Replace with `{replacement}`"),
            op.type_span,
            replacement,
        );
    }
    cx.failed = true;
    cx.diags.push(diag);
}

/// The type-specific argument: the cron pattern (or seconds interval) and, for the calendar
/// kinds, the delay their time argument encodes.
fn parse_trigger(
    cx: &mut Cx,
    obj: &Object,
    kind: ScheduleKind,
    op: &Operator<'_>,
) -> Option<(Trigger, Option<i64>)> {
    let result = match kind {
        ScheduleKind::Hourly
        | ScheduleKind::Daily
        | ScheduleKind::Weekly
        | ScheduleKind::Monthly => {
            // `config.getOptional("_command", String.class).or(() -> config.get("at", String.class))`
            let (desc, span) = match op.command {
                Some(v) => match string_value(v, "_command") {
                    Ok(s) => (s, v.span),
                    Err(m) => return fail(cx, v.span, m),
                },
                None => {
                    cx.use_key("at");
                    match obj.get("at") {
                        None => {
                            return fail(cx, op.anchor, "Parameter 'at' is required but not set")
                        }
                        Some(v) if v.is_null() => {
                            return fail(cx, v.span, "Parameter 'at' is required but null")
                        }
                        Some(v) => match string_value(v, "at") {
                            Ok(s) => (s, v.span),
                            Err(m) => return fail(cx, v.span, m),
                        },
                    }
                }
            };
            match calendar(kind, &desc) {
                Ok((pattern, delay)) => (pattern, Some(delay)),
                Err(m) => return fail(cx, span, m),
            }
        }
        ScheduleKind::MinutesInterval | ScheduleKind::Cron | ScheduleKind::SecondsInterval => {
            let Some(v) = op.command else {
                return fail(
                    cx,
                    op.anchor,
                    "Parameter '_command' is required but not set",
                );
            };
            match kind {
                ScheduleKind::MinutesInterval => {
                    let interval = match jackson_integer(v, "_command", false) {
                        Ok(i) => i,
                        Err(m) => return fail(cx, v.span, m),
                    };
                    match pattern(&format!("*/{interval} * * * *")) {
                        Ok(p) => (Trigger::Cron(p), None),
                        Err(m) => return fail(cx, v.span, m),
                    }
                }
                ScheduleKind::Cron => {
                    let text = match string_value(v, "_command") {
                        Ok(s) => s,
                        Err(m) => return fail(cx, v.span, m),
                    };
                    match pattern(&text) {
                        Ok(p) => (Trigger::Cron(p), None),
                        Err(m) => return fail(cx, v.span, m),
                    }
                }
                _ => {
                    let interval = match jackson_integer(v, "_command", false) {
                        Ok(i) => i,
                        Err(m) => return fail(cx, v.span, m),
                    };
                    if interval <= 0 {
                        return fail(
                            cx,
                            v.span,
                            format!(
                                "seconds_interval>: the interval must be positive, got {interval} \
                                 (digdag's scheduler fails on it)"
                            ),
                        );
                    }
                    (Trigger::SecondsInterval(interval), None)
                }
            }
        }
    };
    Some(result)
}

fn fail<T>(cx: &mut Cx, span: Span, message: impl Into<String>) -> Option<T> {
    cx.error(span, message);
    None
}

/// A cron4j pattern that can also match at least once.
fn pattern(text: &str) -> Result<CronPattern, String> {
    let p = CronPattern::parse(text)?;
    p.check_can_match()?;
    Ok(p)
}

/// The calendar kinds: their cron pattern and delay, with the factories' messages.
fn calendar(kind: ScheduleKind, desc: &str) -> Result<(Trigger, i64), String> {
    match kind {
        ScheduleKind::Hourly => {
            // HourlySchedulerFactory.parseAt
            let message = || format!("hourly>: scheduler requires mm:ss format: {desc}");
            let parts = java_split_colon(desc);
            if parts.len() != 2 {
                return Err(message());
            }
            let min = java_parse_int(parts[0]).ok_or_else(message)?;
            let sec = java_parse_int(parts[1]).ok_or_else(message)?;
            let delay = min.wrapping_mul(60).wrapping_add(sec);
            Ok((Trigger::Cron(pattern("0 * * * *")?), i64::from(delay)))
        }
        ScheduleKind::Daily => Ok((
            Trigger::Cron(pattern("0 0 * * *")?),
            parse_at("daily>", desc)?,
        )),
        ScheduleKind::Weekly => {
            let message = || format!("weekly>: scheduler requires day,hh:mm:ss format: {desc}");
            let (day, time) = desc.split_once(',').ok_or_else(message)?;
            let (day, time) = (java_trim(day), java_trim(time));
            // cron4j reads a negative day of week as positive; digdag rejects it first.
            if java_parse_int(day).is_some_and(|d| d < 0) {
                return Err(format!("weekly>: invalid day: {day}"));
            }
            let delay = parse_at("weekly>", time)?;
            // `SchedulingPattern.validate`; a day like `1|0 0 31 2 *` parses but never matches.
            let p = CronPattern::parse(&format!("0 0 * * {day}")).map_err(|_| message())?;
            p.check_can_match()?;
            Ok((Trigger::Cron(p), delay))
        }
        ScheduleKind::Monthly => {
            let message = || format!("monthly>: scheduler requires day,hh:mm:ss format: {desc}");
            let (day, time) = desc.split_once(',').ok_or_else(message)?;
            let day = java_parse_int(day).ok_or_else(message)?;
            let delay = parse_at("monthly>", time)?;
            Ok((Trigger::Cron(pattern(&format!("0 0 {day} * *"))?), delay))
        }
        _ => Err(format!("{}> is not a calendar schedule", kind.name())),
    }
}

/// `DailySchedulerFactory.parseAt`: `h:m:s` as Java ints, summed in (wrapping) int arithmetic.
fn parse_at(kind: &str, at: &str) -> Result<i64, String> {
    let message = || format!("{kind} scheduler requires hh:mm:ss format: {at}");
    let parts = java_split_colon(at);
    if parts.len() != 3 {
        return Err(message());
    }
    let h = java_parse_int(parts[0]).ok_or_else(message)?;
    let m = java_parse_int(parts[1]).ok_or_else(message)?;
    let s = java_parse_int(parts[2]).ok_or_else(message)?;
    let total = h
        .wrapping_mul(3600)
        .wrapping_add(m.wrapping_mul(60))
        .wrapping_add(s);
    Ok(i64::from(total))
}

/// Java's `s.split(":")`: trailing empty strings are dropped, and `""` gives `[""]`.
fn java_split_colon(s: &str) -> Vec<&str> {
    if s.is_empty() {
        return vec![""];
    }
    let mut parts: Vec<&str> = s.split(':').collect();
    while parts.last() == Some(&"") {
        parts.pop();
    }
    parts
}

/// Java's `String.trim`: strips characters up to U+0020 at both ends.
fn java_trim(s: &str) -> &str {
    s.trim_matches(|c: char| c <= ' ')
}

/// `delay:` (`config.get("delay", long.class, 0L)`), read by `minutes_interval>`, `cron>` and
/// `seconds_interval>`; the calendar kinds take their delay from the time argument.
fn parse_delay(cx: &mut Cx, obj: &Object, kind: ScheduleKind, _op: &Operator<'_>) -> Option<i64> {
    match kind {
        ScheduleKind::MinutesInterval | ScheduleKind::Cron | ScheduleKind::SecondsInterval => {
            cx.use_key("delay");
            match obj.get("delay") {
                None => Some(0),
                Some(v) => match jackson_integer(v, "delay", true) {
                    Ok(d) => Some(d),
                    Err(m) => fail(cx, v.span, m),
                },
            }
        }
        _ => Some(0),
    }
}

/// `start:` / `end:` (`ScheduleConfigHelper`): strict `uuuu-MM-dd`, end not before start.
fn parse_start_end(
    cx: &mut Cx,
    obj: &Object,
) -> (Option<jiff::civil::Date>, Option<jiff::civil::Date>) {
    let mut dates = [None, None];
    let mut spans = [None, None];
    for (i, key) in ["start", "end"].into_iter().enumerate() {
        cx.use_key(key);
        let Some(v) = obj.get(key).filter(|v| !v.is_null()) else {
            continue;
        };
        let text = match string_value(v, key) {
            Ok(t) => t,
            Err(m) => {
                cx.error(v.span, m);
                continue;
            }
        };
        match parse_strict_date(&text) {
            Ok(d) => {
                dates[i] = Some(d);
                spans[i] = Some(v.span);
            }
            Err(m) => cx.error(
                v.span,
                format!("Invalid {key}: {text} (java.time.format.DateTimeParseException: {m})"),
            ),
        }
    }
    if let ([Some(s), Some(e)], Some(span)) = (dates, spans[1]) {
        // start = s 00:00 and end = (e + 1 day) 00:00 in the zone: end <= start iff e < s.
        if (e.year, e.month, e.day) < (s.year, s.month, s.day) {
            let mut diag = Diagnostic::new(
                &INVALID_SCHEDULE,
                span,
                "The schedule of end is earlier than start",
            );
            if let Some(start_span) = spans[0] {
                diag = diag.with_label(start_span, "start");
            }
            cx.failed = true;
            cx.diags.push(diag);
        }
    }
    // Years beyond jiff's range are clamped: they lie past the 9999-01-01 end sentinel anyway.
    let to_jiff = |d: Option<super::javadate::JavaDate>| {
        d.and_then(|d| {
            let year = d.year.clamp(-9999, 9999) as i16;
            let (month, day) = if d.year != i64::from(year) {
                if d.year > 0 {
                    (12, 31)
                } else {
                    (1, 1)
                }
            } else {
                (d.month, d.day)
            };
            jiff::civil::Date::new(year, month, day).ok()
        })
    };
    (to_jiff(dates[0]), to_jiff(dates[1]))
}

/// `skip_on_overtime:` (`ScheduleExecutor`: `get("skip_on_overtime", boolean.class, false)`).
fn parse_skip_on_overtime(cx: &mut Cx, obj: &Object) -> bool {
    cx.use_key("skip_on_overtime");
    let Some(v) = obj.get("skip_on_overtime") else {
        return false;
    };
    match jackson_boolean(v, "skip_on_overtime") {
        Ok(b) => b,
        Err(m) => {
            cx.error(v.span, m);
            false
        }
    }
}

/// `skip_delayed_by:` (`DurationParam`: `1d 2h 3m 4s`).
fn parse_skip_delayed_by(cx: &mut Cx, obj: &Object) -> Option<jiff::SignedDuration> {
    cx.use_key("skip_delayed_by");
    let v = obj.get("skip_delayed_by").filter(|v| !v.is_null())?;
    let parsed = match v.scalar_text() {
        Some(text) => parse_duration(&text),
        None => None,
    };
    if parsed.is_none() {
        cx.error(
            v.span,
            format!(
                "Expected a duration such as '1d 2h 3m 4s' for key 'skip_delayed_by' but got {} ({})",
                json_sample(v),
                v.type_word()
            ),
        );
    }
    parsed
}

/// digdag's `Durations.parseDuration`:
/// `\s*(?:(\d+)\s*d)?\s*(?:(\d+)\s*h)?\s*(?:(\d+)\s*m)?\s*(?:(\d+)\s*s)?\s*`, case-insensitive,
/// with at least one part.
pub(crate) fn parse_duration(text: &str) -> Option<jiff::SignedDuration> {
    let b = text.as_bytes();
    let is_space = |c: u8| matches!(c, b' ' | b'\t' | b'\n' | 0x0b | 0x0c | b'\r');
    let skip_spaces = |mut i: usize| {
        while i < b.len() && is_space(b[i]) {
            i += 1;
        }
        i
    };
    let mut pos = 0;
    let mut total: i64 = 0;
    let mut any = false;
    for (unit, seconds) in [(b'd', 86_400i64), (b'h', 3_600), (b'm', 60), (b's', 1)] {
        pos = skip_spaces(pos);
        let digits_end = pos + b[pos..].iter().take_while(|c| c.is_ascii_digit()).count();
        if digits_end == pos {
            continue;
        }
        let after = skip_spaces(digits_end);
        if after < b.len() && b[after].eq_ignore_ascii_case(&unit) {
            let n: i64 = text[pos..digits_end].parse().ok()?;
            total = total.checked_add(n.checked_mul(seconds)?)?;
            any = true;
            pos = after + 1;
        }
    }
    (any && skip_spaces(pos) == b.len()).then(|| jiff::SignedDuration::from_secs(total))
}

/// Every key digdag does not read is reported, with digdag's wording and suggestions.
fn report_unused_keys(cx: &mut Cx, obj: &Object) {
    let candidates = java_hash_set_order(&cx.used);
    for e in obj.iter() {
        if cx.used.contains(&e.key) {
            continue;
        }
        // EditDistance.suggest(key, usedKeys, 0.50), in the set's iteration order.
        let close: Vec<&str> = candidates
            .iter()
            .copied()
            .filter(|c| levenshtein(&e.key, c) <= c.encode_utf16().count() / 2)
            .collect();
        let mut message = format!("Parameter '{}' is not used at schedule.", e.key);
        if !close.is_empty() {
            message.push_str(&format!(" > Did you mean '[{}]'?", close.join(", ")));
        }
        let mut diag = Diagnostic::new(&SCHEDULE_UNUSED_KEY, e.key_span, message);
        if let Some(best) = close.iter().min_by_key(|c| levenshtein(&e.key, c)) {
            diag = diag.with_fix(format!("Replace with `{best}`"), e.key_span, *best);
        }
        cx.diags.push(diag);
    }
}

/// Iteration order of a Java `HashSet<String>` holding `keys` (inserted in this order).
fn java_hash_set_order(keys: &[String]) -> Vec<&str> {
    let mut capacity = 16usize;
    while keys.len() > capacity * 3 / 4 {
        capacity *= 2;
    }
    let bucket = |s: &str| -> usize {
        let h = s
            .encode_utf16()
            .fold(0i32, |h, c| h.wrapping_mul(31).wrapping_add(i32::from(c)));
        let h = h as u32;
        ((h ^ (h >> 16)) as usize) & (capacity - 1)
    };
    let mut ordered: Vec<&str> = keys.iter().map(String::as_str).collect();
    ordered.sort_by_key(|k| bucket(k));
    ordered
}

/// `Config.get(key, String.class)`: scalars as their text, containers rejected.
fn string_value(v: &Value, key: &str) -> Result<String, String> {
    v.scalar_text().ok_or_else(|| {
        format!(
            "Expected string type for key '{key}' but got {} ({})",
            json_sample(v),
            v.type_word()
        )
    })
}

/// Jackson's conversion to a Java `int` (`long` if `long`): numbers (floats truncated), numeric
/// strings (trimmed; empty or `"null"` is 0), null is 0.
fn jackson_integer(v: &Value, key: &str, long: bool) -> Result<i64, String> {
    let (min, max, type_name) = if long {
        (i64::MIN, i64::MAX, "integer (long) type")
    } else {
        (
            i64::from(i32::MIN),
            i64::from(i32::MAX),
            "integer (int) type",
        )
    };
    let fail = || {
        format!(
            "Expected {type_name} for key '{key}' but got {} ({})",
            json_sample(v),
            v.type_word()
        )
    };
    let value = match &v.kind {
        ValueKind::Null => Some(0),
        ValueKind::Int(i) => Some(*i),
        ValueKind::Float(f) if f.is_finite() && f.trunc().abs() < 9.2e18 => Some(f.trunc() as i64),
        ValueKind::String(s) => {
            let t = java_trim(s);
            if t.is_empty() || t == "null" {
                Some(0)
            } else {
                java_parse_long(t)
            }
        }
        _ => None,
    };
    value.filter(|i| (min..=max).contains(i)).ok_or_else(fail)
}

/// Jackson's conversion to a Java `boolean`.
fn jackson_boolean(v: &Value, key: &str) -> Result<bool, String> {
    let value = match &v.kind {
        ValueKind::Null => Some(false),
        ValueKind::Bool(b) => Some(*b),
        ValueKind::Int(i) => Some(*i != 0),
        ValueKind::BigInt(_) => Some(true),
        ValueKind::String(s) => match java_trim(s) {
            "true" | "True" | "TRUE" => Some(true),
            "false" | "False" | "FALSE" | "" | "null" => Some(false),
            _ => None,
        },
        _ => None,
    };
    value.ok_or_else(|| {
        format!(
            "Expected 'true' or 'false' for key '{key}' but got {} ({})",
            json_sample(v),
            v.type_word()
        )
    })
}

/// `Config.jsonSample`: the JSON text, cut to 97 characters plus `...` when 100 or longer.
fn json_sample(v: &Value) -> String {
    let json = v.to_json();
    if json.encode_utf16().count() < 100 {
        json
    } else {
        json.chars().take(97).collect::<String>() + "..."
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::load::value::Entry;
    use crate::source::FileId;

    /// Builds an object value; each entry's key span is `i*100..i*100+key.len()` and its value
    /// span starts at `i*100+50`, so tests can tell which span a diagnostic points at.
    fn obj(entries: &[(&str, ValueKind)]) -> Value {
        let entries = entries
            .iter()
            .enumerate()
            .map(|(i, (k, v))| {
                let base = (i as u32 + 1) * 100;
                Entry {
                    key: (*k).to_string(),
                    key_span: Span::new(FileId(0), base, base + k.len() as u32),
                    value: Value::new(v.clone(), Span::new(FileId(0), base + 50, base + 60)),
                }
            })
            .collect();
        Value::new(
            ValueKind::Object(Object { entries }),
            Span::new(FileId(0), 0, 1000),
        )
    }

    fn s(text: &str) -> ValueKind {
        ValueKind::String(text.into())
    }

    /// Messages of all diagnostics, as `CODE message`.
    fn messages(v: &Value) -> Vec<String> {
        parse_schedule(v)
            .1
            .iter()
            .map(|d| format!("{} {}", d.code, d.message))
            .collect()
    }

    fn ok(entries: &[(&str, ValueKind)]) -> Schedule {
        let (schedule, diags) = parse_schedule(&obj(entries));
        assert!(diags.is_empty(), "{diags:?}");
        schedule.expect("schedule")
    }

    fn one_error(entries: &[(&str, ValueKind)]) -> String {
        let m = messages(&obj(entries));
        assert_eq!(m.len(), 1, "{m:?}");
        m[0].clone()
    }

    fn cron_text(s: &Schedule) -> &str {
        match &s.trigger {
            Trigger::Cron(p) => p.as_str(),
            Trigger::SecondsInterval(_) => "",
        }
    }

    #[test]
    fn calendar_kinds_are_cron_plus_delay() {
        let d = ok(&[("daily>", s("07:00:00"))]);
        assert_eq!(
            (d.kind, cron_text(&d), d.delay_seconds),
            (ScheduleKind::Daily, "0 0 * * *", 25200)
        );
        let h = ok(&[("hourly>", s("30:00"))]);
        assert_eq!((cron_text(&h), h.delay_seconds), ("0 * * * *", 1800));
        let w = ok(&[("weekly>", s(" Sun , 09:00:00"))]);
        assert_eq!((cron_text(&w), w.delay_seconds), ("0 0 * * Sun", 32400));
        let w = ok(&[("weekly>", s("1-5,09:00:00"))]);
        assert_eq!(cron_text(&w), "0 0 * * 1-5");
        let m = ok(&[("monthly>", s("1,09:00:00"))]);
        assert_eq!((cron_text(&m), m.delay_seconds), ("0 0 1 * *", 32400));
        let m = ok(&[("monthly>", s("-1,09:00:00"))]);
        assert_eq!(cron_text(&m), "0 0 -1 * *");
        // Java int parsing, no range check, trailing empty parts dropped.
        assert_eq!(ok(&[("daily>", s("25:00:00"))]).delay_seconds, 90000);
        assert_eq!(
            ok(&[("daily>", s("+7:-1:07"))]).delay_seconds,
            7 * 3600 - 60 + 7
        );
        assert_eq!(ok(&[("daily>", s("07:00:00:"))]).delay_seconds, 25200);
        // `_type` / `_command`, and `at:` when the operator value is null.
        let t = ok(&[("_type", s("daily")), ("_command", s("01:00:00"))]);
        assert_eq!((t.kind, t.delay_seconds), (ScheduleKind::Daily, 3600));
        let a = ok(&[("daily>", ValueKind::Null), ("at", s("02:00:00"))]);
        assert_eq!(a.delay_seconds, 7200);
    }

    #[test]
    fn interval_and_cron_kinds() {
        let m = ok(&[
            ("minutes_interval>", ValueKind::Int(30)),
            ("delay", ValueKind::Int(5)),
        ]);
        assert_eq!((cron_text(&m), m.delay_seconds), ("*/30 * * * *", 5));
        let m = ok(&[("minutes_interval>", s("45"))]);
        assert_eq!(cron_text(&m), "*/45 * * * *");
        let c = ok(&[("cron>", s("42 4 1 * *")), ("delay", s("60"))]);
        assert_eq!(
            (c.kind, cron_text(&c), c.delay_seconds),
            (ScheduleKind::Cron, "42 4 1 * *", 60)
        );
        let c = ok(&[
            ("seconds_interval>", ValueKind::Int(2)),
            ("skip_on_overtime", ValueKind::Bool(true)),
        ]);
        assert_eq!(
            (c.trigger.clone(), c.skip_on_overtime),
            (Trigger::SecondsInterval(2), true)
        );
        let k = ok(&[
            ("daily>", s("07:00:00")),
            ("skip_delayed_by", s("1d 2h 3m 4s")),
            ("start", s("2016-03-01")),
            ("end", s("2016-03-01")),
        ]);
        assert_eq!(
            k.skip_delayed_by,
            Some(jiff::SignedDuration::from_secs(93784))
        );
        assert_eq!(k.start, Some(jiff::civil::date(2016, 3, 1)));
        assert_eq!(k.end, Some(jiff::civil::date(2016, 3, 1)));
    }

    #[test]
    fn argument_errors_have_digdag_messages() {
        // Acceptance test digdag-tests/.../acceptance/schedule/invalid_schedule.dig.
        assert_eq!(
            one_error(&[("hourly>", s("10:11:12"))]),
            "T001 hourly>: scheduler requires mm:ss format: 10:11:12"
        );
        assert_eq!(
            one_error(&[("daily>", s("07:00"))]),
            "T001 daily> scheduler requires hh:mm:ss format: 07:00"
        );
        assert_eq!(
            one_error(&[("daily>", s("7am:00:00"))]),
            "T001 daily> scheduler requires hh:mm:ss format: 7am:00:00"
        );
        assert_eq!(
            one_error(&[("daily>", ValueKind::Int(7))]),
            "T001 daily> scheduler requires hh:mm:ss format: 7"
        );
        assert_eq!(
            one_error(&[("weekly>", s("mon"))]),
            "T001 weekly>: scheduler requires day,hh:mm:ss format: mon"
        );
        assert_eq!(
            one_error(&[("weekly>", s("-1,09:00:00"))]),
            "T001 weekly>: invalid day: -1"
        );
        assert_eq!(
            one_error(&[("weekly>", s("mon,9:00"))]),
            "T001 weekly> scheduler requires hh:mm:ss format: 9:00"
        );
        assert_eq!(
            one_error(&[("weekly>", s("monday,09:00:00"))]),
            "T001 weekly>: scheduler requires day,hh:mm:ss format: monday,09:00:00"
        );
        assert_eq!(
            one_error(&[("monthly>", s("1, 09:00:00"))]),
            "T001 monthly> scheduler requires hh:mm:ss format:  09:00:00"
        );
        assert_eq!(
            one_error(&[("monthly>", s("first,09:00:00"))]),
            "T001 monthly>: scheduler requires day,hh:mm:ss format: first,09:00:00"
        );
        assert_eq!(
            one_error(&[("monthly>", s("32,09:00:00"))]),
            "T001 invalid pattern \"0 0 32 * *\". Error parsing days of month field: invalid field \"32\", invalid element \"32\", invalid range, invalid value \"32\", value out of range."
        );
        assert_eq!(
            one_error(&[("minutes_interval>", ValueKind::Int(0))]),
            "T001 invalid pattern \"*/0 * * * *\". Error parsing minutes field: invalid field \"*/0\", invalid element \"*/0\", non positive divisor \"0\"."
        );
        assert_eq!(
            one_error(&[("minutes_interval>", s("often"))]),
            "T001 Expected integer (int) type for key '_command' but got \"often\" (string)"
        );
        assert_eq!(
            one_error(&[("minutes_interval>", ValueKind::Null)]),
            "T001 Parameter '_command' is required but not set"
        );
        assert_eq!(
            one_error(&[("daily>", ValueKind::Null)]),
            "T001 Parameter 'at' is required but not set"
        );
        assert_eq!(
            one_error(&[("cron>", s("0 0 31 2 *"))]),
            "T001 invalid pattern \"0 0 31 2 *\": it can never match (no allowed month has an allowed day of month), and digdag's scheduler would loop forever on it"
        );
        assert_eq!(
            one_error(&[("cron>", s("0 0 * *"))]),
            "T001 invalid pattern: \"0 0 * *\""
        );
        assert_eq!(
            one_error(&[("cron>", s("0 0 * * *")), ("delay", s("1m"))]),
            "T001 Expected integer (long) type for key 'delay' but got \"1m\" (string)"
        );
        assert_eq!(
            one_error(&[("seconds_interval>", ValueKind::Int(0))]),
            "T001 seconds_interval>: the interval must be positive, got 0 (digdag's scheduler fails on it)"
        );
        assert_eq!(
            one_error(&[("daily>", s("07:00:00")), ("skip_on_overtime", s("yes"))]),
            "T001 Expected 'true' or 'false' for key 'skip_on_overtime' but got \"yes\" (string)"
        );
        assert_eq!(
            one_error(&[("daily>", s("07:00:00")), ("skip_delayed_by", s("90 min"))]),
            "T001 Expected a duration such as '1d 2h 3m 4s' for key 'skip_delayed_by' but got \"90 min\" (string)"
        );
    }

    #[test]
    fn odd_values() {
        assert_eq!(
            one_error(&[("weekly>", s("1|0 0 31 2 *,09:00:00"))]),
            "T001 invalid pattern \"0 0 31 2 *\": it can never match (no allowed month has an allowed day of month), and digdag's scheduler would loop forever on it"
        );
        assert_eq!(
            one_error(&[("_type", ValueKind::Array(vec![]))]),
            "T001 Expected string type for key '_type' but got [] (array)"
        );
        assert_eq!(
            one_error(&[("cron>", ValueKind::Object(Object::default()))]),
            "T001 Expected string type for key '_command' but got {} (object)"
        );
        assert_eq!(
            one_error(&[("daily>", s("07:00:00")), ("start", ValueKind::Int(2016))]),
            "T001 Invalid start: 2016 (java.time.format.DateTimeParseException: Text '2016' could not be parsed at index 4)"
        );
        assert_eq!(
            one_error(&[("minutes_interval>", ValueKind::Int(3_000_000_000))]),
            "T001 Expected integer (int) type for key '_command' but got 3000000000 (number)"
        );
        assert_eq!(
            messages(&obj(&[])),
            ["T001 Schedule config requires 'type>: at' parameter: {}"]
        );
        // Every independent problem is reported at once.
        assert_eq!(
            messages(&obj(&[
                ("cron>", s("61 * * * *")),
                ("end", s("2016-02-30")),
                ("skip_on_overtime", s("maybe")),
                ("dealy", ValueKind::Int(1)),
            ])),
            [
                "T001 invalid pattern \"61 * * * *\". Error parsing minutes field: invalid field \"61\", invalid element \"61\", invalid range, invalid value \"61\", value out of range.",
                "T001 Invalid end: 2016-02-30 (java.time.format.DateTimeParseException: Text '2016-02-30' could not be parsed: Invalid date 'FEBRUARY 30')",
                "T001 Expected 'true' or 'false' for key 'skip_on_overtime' but got \"maybe\" (string)",
                "T002 Parameter 'dealy' is not used at schedule. > Did you mean '[delay]'?",
            ]
        );
        // Numbers where strings are expected are read as their text.
        assert_eq!(
            ok(&[("seconds_interval>", s(" 10 "))]).trigger,
            Trigger::SecondsInterval(10)
        );
        assert_eq!(
            ok(&[("cron>", s("0 0 * * *")), ("delay", ValueKind::Float(1.9))]).delay_seconds,
            1
        );
        assert!(ok(&[("daily>", s("00:00:00")), ("skip_on_overtime", s("TRUE"))]).skip_on_overtime);
    }

    #[test]
    fn start_end_errors() {
        assert_eq!(
            one_error(&[("daily>", s("07:00:00")), ("start", s("2016-02-30"))]),
            "T001 Invalid start: 2016-02-30 (java.time.format.DateTimeParseException: Text '2016-02-30' could not be parsed: Invalid date 'FEBRUARY 30')"
        );
        assert_eq!(
            one_error(&[("daily>", s("07:00:00")), ("end", s("2016/03/01"))]),
            "T001 Invalid end: 2016/03/01 (java.time.format.DateTimeParseException: Text '2016/03/01' could not be parsed at index 4)"
        );
        let v = obj(&[
            ("daily>", s("07:00:00")),
            ("start", s("2016-03-02")),
            ("end", s("2016-03-01")),
        ]);
        let (schedule, diags) = parse_schedule(&v);
        assert!(schedule.is_none());
        assert_eq!(diags.len(), 1);
        assert_eq!(
            diags[0].message,
            "The schedule of end is earlier than start"
        );
        assert_eq!(diags[0].span.start, 350, "points at the end value");
        assert_eq!(diags[0].labels[0].span.start, 250);
    }

    #[test]
    fn type_selection_errors() {
        let v = obj(&[("timezone", s("UTC")), ("at", s("07:00:00"))]);
        let (_, diags) = parse_schedule(&v);
        assert_eq!(
            diags[0].message,
            r#"Schedule config requires 'type>: at' parameter: {"timezone":"UTC","at":"07:00:00"}"#
        );
        assert_eq!(diags[0].span.start, 0);
        // `daily:` without `>` gets a fix.
        let (_, diags) = parse_schedule(&obj(&[("daily", s("07:00:00"))]));
        assert_eq!(diags[0].fixes[0].replacement, "daily>");
        // Acceptance test digdag-tests/.../acceptance/scheduler/unknown_type.dig.
        assert_eq!(
            one_error(&[("no_such_scheduler>", s("abc"))]),
            "T001 Unknown scheduler type: no_such_scheduler"
        );
        let (_, diags) = parse_schedule(&obj(&[("dayly>", s("07:00:00"))]));
        assert_eq!(
            diags[0].message,
            "Unknown scheduler type: dayly > Did you mean '[daily]'?"
        );
        assert_eq!(
            (diags[0].span.start, diags[0].fixes[0].replacement.as_str()),
            (100, "daily>")
        );
        assert_eq!(
            messages(&Value::new(
                ValueKind::String("daily".into()),
                Span::new(FileId(0), 0, 5)
            )),
            ["T001 Parameter 'schedule' must be an object"]
        );
    }

    #[test]
    fn unused_keys() {
        // Acceptance test digdag-tests/.../acceptance/scheduler/invalid.dig (SchedulerIT).
        let v = obj(&[
            ("minutes_interval>", ValueKind::Int(1)),
            ("skip_on_over_time", ValueKind::Bool(true)),
        ]);
        let (schedule, diags) = parse_schedule(&v);
        assert!(schedule.is_some(), "unused keys do not block the schedule");
        assert_eq!(diags.len(), 1);
        assert_eq!(diags[0].code, "T002");
        assert_eq!(
            diags[0].message,
            "Parameter 'skip_on_over_time' is not used at schedule. > Did you mean '[skip_on_overtime]'?"
        );
        assert_eq!((diags[0].span.start, diags[0].span.end), (200, 217));
        assert_eq!(diags[0].fixes[0].replacement, "skip_on_overtime");
        // acceptance/scheduler/invalid_op.dig: a second operator key.
        assert_eq!(
            messages(&obj(&[
                ("minutes_interval>", ValueKind::Int(1)),
                ("wrong>", ValueKind::Int(1))
            ])),
            ["T002 Parameter 'wrong>' is not used at schedule."]
        );
        // `delay` is not read by the calendar kinds; `at` is not read when `daily>` has a value.
        assert_eq!(
            messages(&obj(&[
                ("daily>", s("07:00:00")),
                ("delay", ValueKind::Int(60)),
                ("at", s("1"))
            ])),
            [
                "T002 Parameter 'delay' is not used at schedule.",
                "T002 Parameter 'at' is not used at schedule."
            ]
        );
        // Several candidates are listed in Java HashSet order.
        assert_eq!(
            messages(&obj(&[
                ("cron>", s("* * * * *")),
                ("_typ", ValueKind::Int(1))
            ])),
            ["T002 Parameter '_typ' is not used at schedule. > Did you mean '[_type]'?"]
        );
        assert_eq!(
            messages(&obj(&[
                ("cron>", s("* * * * *")),
                ("ens", ValueKind::Int(1))
            ])),
            ["T002 Parameter 'ens' is not used at schedule. > Did you mean '[end]'?"]
        );
    }

    #[test]
    fn hash_set_order_is_javas() {
        // Java: new HashSet<>(List.of("_type","daily>","_command","start","end",
        // "skip_on_overtime","skip_delayed_by")) iterates by (h ^ h>>>16) & 15.
        let keys: Vec<String> = ["a", "b", "c", "q"].iter().map(|s| s.to_string()).collect();
        // "a"=97 -> 1, "b"=98 -> 2, "c"=99 -> 3, "q"=113 -> 1 (collides with "a", after it).
        assert_eq!(java_hash_set_order(&keys), ["a", "q", "b", "c"]);
    }

    #[test]
    fn durations() {
        let d = |s: &str| parse_duration(s).map(|d| d.as_secs());
        assert_eq!(d("1d 2h 3m 4s"), Some(93784));
        assert_eq!(d(" 10M "), Some(600));
        assert_eq!(d("1d2h"), Some(93600));
        assert_eq!(d("2h 1d"), None);
        assert_eq!(d("10"), None);
        assert_eq!(d(""), None);
        assert_eq!(d("1x"), None);
    }
}
