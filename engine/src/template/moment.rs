//! The moment.js API digdag templates use, implemented by wf (`moment.js` beside this file,
//! not moment.js itself): moment 2.21 behaviour, locale `en`, no moment-timezone. The
//! JavaScript `Date` of the context is replaced so that its local time zone is the workflow
//! time zone and "now" is the injected clock; moment builds on it, so `moment(x).format()`
//! renders in the workflow zone as in digdag.

use jiff::tz::{Disambiguation, Offset, TimeZone};
use rquickjs::{Ctx, Function};

/// The source of wf's moment implementation and `Date` replacement.
pub const MOMENT_JS: &str = include_str!("moment.js");

/// The zone for a workflow `timezone` value: an IANA name (`Asia/Tokyo`), `UTC`/`Z`/`GMT`,
/// or a fixed offset (`+09:00`, `-0800`, `UTC+9`); `None` if unknown.
pub fn time_zone(name: &str) -> Option<TimeZone> {
    let name = name.trim();
    if name.is_empty() {
        return None;
    }
    if matches!(name, "UTC" | "Z" | "GMT" | "UT") {
        return Some(TimeZone::UTC);
    }
    if let Some(off) = parse_fixed_offset(name) {
        return Some(TimeZone::fixed(off));
    }
    TimeZone::get(name).ok()
}

/// `+09:00`, `-0800`, `+9`, optionally after `UTC`/`GMT`/`UT`.
fn parse_fixed_offset(name: &str) -> Option<Offset> {
    let rest = ["UTC", "GMT", "UT"]
        .iter()
        .find_map(|p| name.strip_prefix(p))
        .unwrap_or(name);
    let (sign, digits) = match rest.as_bytes().first()? {
        b'+' => (1, &rest[1..]),
        b'-' => (-1, &rest[1..]),
        _ => return None,
    };
    let (h, m) = match digits.split_once(':') {
        Some((h, m)) => (h, m),
        None if digits.len() > 2 => digits.split_at(digits.len() - 2),
        None => (digits, "0"),
    };
    if h.is_empty()
        || h.len() > 2
        || !h.bytes().all(|b| b.is_ascii_digit())
        || !m.bytes().all(|b| b.is_ascii_digit())
    {
        return None;
    }
    let (h, m): (i32, i32) = (h.parse().ok()?, m.parse().ok()?);
    if h > 18 || m > 59 {
        return None;
    }
    Offset::from_seconds(sign * (h * 3600 + m * 60)).ok()
}

fn timestamp(ms: f64) -> Option<jiff::Timestamp> {
    if !ms.is_finite() {
        return None;
    }
    jiff::Timestamp::from_millisecond(ms.floor() as i64).ok()
}

/// Minutes east of UTC of `tz` at epoch milliseconds `ms` (the nearest representable instant
/// outside jiff's range).
pub fn offset_minutes(tz: &TimeZone, ms: f64) -> f64 {
    let ts = match timestamp(ms) {
        Some(ts) => ts,
        None if ms.is_nan() => return 0.0,
        None if ms > 0.0 => jiff::Timestamp::MAX,
        None => jiff::Timestamp::MIN,
    };
    f64::from(tz.to_offset(ts).seconds()) / 60.0
}

/// The instant of local wall time `local_ms` (wall fields encoded as UTC milliseconds) in
/// `tz`, resolving gaps forward and folds to the earlier instant, as ECMAScript does.
pub fn local_to_utc(tz: &TimeZone, local_ms: f64) -> f64 {
    if !local_ms.is_finite() {
        return f64::NAN;
    }
    let Some(ts) = timestamp(local_ms) else {
        // Out of jiff's range: use the offset at the edge.
        return local_ms - offset_minutes(tz, local_ms) * 60_000.0;
    };
    let frac = local_ms - local_ms.floor();
    let civil = ts.to_zoned(TimeZone::UTC).datetime();
    match tz
        .to_ambiguous_zoned(civil)
        .disambiguate(Disambiguation::Compatible)
    {
        Ok(z) => z.timestamp().as_millisecond() as f64 + frac,
        Err(_) => local_ms - offset_minutes(tz, local_ms) * 60_000.0,
    }
}

fn abbreviation(tz: &TimeZone, ms: f64) -> String {
    match timestamp(ms) {
        Some(ts) => tz.to_offset_info(ts).abbreviation().to_string(),
        None => String::new(),
    }
}

/// Installs the natives, the `Date` replacement and `moment` into a fresh context.
pub fn install(ctx: &Ctx<'_>, tz: TimeZone, now_ms: i64) -> rquickjs::Result<()> {
    let g = ctx.globals();
    let tz1 = tz.clone();
    g.set(
        "__wf_offset",
        Function::new(ctx.clone(), move |ms: f64| offset_minutes(&tz1, ms))?,
    )?;
    let tz2 = tz.clone();
    g.set(
        "__wf_local",
        Function::new(ctx.clone(), move |ms: f64| local_to_utc(&tz2, ms))?,
    )?;
    g.set(
        "__wf_abbrev",
        Function::new(ctx.clone(), move |ms: f64| abbreviation(&tz, ms))?,
    )?;
    g.set("__wf_now", now_ms as f64)?;
    match bytecode() {
        Some(bytes) => {
            // SAFETY: `bytes` was written by `Module::write` of this same QuickJS build, in
            // this process (see `bytecode`), which is what `Module::load` requires.
            let module = unsafe { rquickjs::Module::load(ctx.clone(), bytes)? };
            let (_, promise) = module.eval()?;
            promise.finish::<()>()?;
        }
        None => ctx.eval::<(), _>(MOMENT_JS)?,
    }
    Ok(())
}

/// `moment.js` compiled once per process (as a module) to QuickJS bytecode: loading it is
/// much faster than parsing the source in every fresh context.
fn bytecode() -> Option<&'static [u8]> {
    static BYTES: std::sync::OnceLock<Option<Vec<u8>>> = std::sync::OnceLock::new();
    BYTES
        .get_or_init(|| {
            let rt = rquickjs::Runtime::new().ok()?;
            let ctx = rquickjs::Context::full(&rt).ok()?;
            ctx.with(|ctx| {
                let m = rquickjs::Module::declare(ctx, "wf-moment", MOMENT_JS).ok()?;
                m.write(rquickjs::WriteOptions::default()).ok()
            })
        })
        .as_deref()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::load::Object;
    use crate::template::eval::{EvalOptions, Evaluator};

    /// 2016-03-13T10:00:00Z, the session time of digdag's moment fixture.
    const NOW: i64 = 1_457_863_200_000;

    fn eval_in(tz: &str, expr: &str) -> String {
        let e = Evaluator::new(EvalOptions {
            timezone: Some(tz.into()),
            now_ms: Some(NOW),
            ..EvalOptions::default()
        })
        .unwrap();
        match e.render(&format!("${{{expr}}}"), &Object::default()) {
            Ok(s) => s,
            Err(err) => format!("ERROR {}", err.detail),
        }
    }

    #[test]
    fn zones() {
        assert!(time_zone("Asia/Tokyo").is_some());
        assert!(time_zone("UTC").is_some());
        assert!(time_zone("+09:00").is_some());
        assert!(time_zone("Nowhere/Land").is_none());
        assert!(time_zone("").is_none());
        let la = time_zone("America/Los_Angeles").unwrap();
        // 2016-03-13 02:30 does not exist in Los Angeles: forward to 03:30 PDT.
        let local = 1_457_836_200_000.0; // 2016-03-13T02:30:00 as UTC fields
        assert_eq!(local_to_utc(&la, local), local + 8.0 * 3_600_000.0);
        assert_eq!(
            offset_minutes(&la, f64::INFINITY),
            offset_minutes(&la, 1e300)
        );
        assert!(local_to_utc(&la, f64::NAN).is_nan());
    }

    #[test]
    fn digdag_moment_fixture_in_three_zones() {
        let st = "'2016-03-13T10:00:00Z'";
        let cases = [
            ("UTC", "moment(S).format()", "2016-03-13T10:00:00+00:00"),
            (
                "Asia/Tokyo",
                "moment(S).format()",
                "2016-03-13T19:00:00+09:00",
            ),
            (
                "America/Los_Angeles",
                "moment(S).format()",
                "2016-03-13T03:00:00-07:00",
            ),
            (
                "America/Los_Angeles",
                "moment(S).add(-1, 'days').format()",
                "2016-03-12T03:00:00-08:00",
            ),
            (
                "America/Los_Angeles",
                "moment(S).add(-1, 'hours').format()",
                "2016-03-13T01:00:00-08:00",
            ),
            (
                "Asia/Tokyo",
                "moment(S).utc().format()",
                "2016-03-13T10:00:00Z",
            ),
            (
                "Asia/Tokyo",
                "moment(S).format('LLL')",
                "March 13, 2016 7:00 PM",
            ),
            (
                "America/Los_Angeles",
                "moment(S).format(\"YYYY-MM-DD HH:mm:ss Z\")",
                "2016-03-13 03:00:00 -07:00",
            ),
        ];
        for (tz, expr, want) in cases {
            assert_eq!(eval_in(tz, &expr.replace('S', st)), want, "{tz} {expr}");
        }
    }

    #[test]
    fn now_and_date() {
        assert_eq!(eval_in("UTC", "moment().valueOf() / 1000"), "1457863200");
        assert_eq!(eval_in("Asia/Tokyo", "new Date().getHours()"), "19");
        assert_eq!(
            eval_in("Asia/Tokyo", "new Date().getTimezoneOffset()"),
            "-540"
        );
        assert_eq!(eval_in("UTC", "Date.now()"), NOW.to_string());
        assert_eq!(
            eval_in("Asia/Tokyo", "new Date(2016, 0, 1).toISOString()"),
            "2015-12-31T15:00:00.000Z"
        );
        assert_eq!(
            eval_in("Asia/Tokyo", "new Date(0).toString()"),
            "Thu Jan 01 1970 09:00:00 GMT+0900 (JST)"
        );
        assert_eq!(eval_in("UTC", "new Date() instanceof Date"), "true");
        assert_eq!(eval_in("UTC", "moment()"), "\"2016-03-13T10:00:00.000Z\"");
        assert_eq!(eval_in("UTC", "moment.version"), "2.21.0");
        assert_eq!(eval_in("UTC", "moment('garbage').format()"), "Invalid date");
    }
}
