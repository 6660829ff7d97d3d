//! The subtasks that `loop>`, `for_each>`, `for_range>` and `if>` generate, exactly as
//! digdag's operators build them (semantics §2.1): child names, the `_export` each child gets,
//! and the `_parallel` copied onto the generated group. The executor runs these at run time;
//! the planner expands them ahead of time when their inputs are static.
//!
//! Each function returns the *subtask config*: an object whose `+name` entries are the
//! children (a copy of `_do` with the loop variables merged into its `_export`), plus
//! `_parallel` when the operator copies it. The caller compiles it as the `^sub` group.

use crate::load::json::parse_json;
use crate::load::{Entry, Object, Value, ValueKind};
use crate::source::Span;

/// digdag's default `max_workflow_tasks` limit on generated subtasks.
pub const MAX_GENERATED_TASKS: usize = 1000;

/// `loop>`: `count` children `+loop-0`..`+loop-(count-1)`, each with `_export.i`. `parallel`
/// is the task's `_parallel`, copied onto the generated group as it is (`true`, or
/// `{limit: N}`: digdag's `ParallelControl.copyIfNeeded`).
pub fn loop_subtasks(count: i64, do_: &Value, parallel: Option<&Value>) -> Result<Object, String> {
    if count > MAX_GENERATED_TASKS as i64 {
        return Err(format!(
            "Too many loop subtasks. Limit: {MAX_GENERATED_TASKS}"
        ));
    }
    let mut generated = Object::default();
    for i in 0..count.max(0) {
        let mut vars = Object::default();
        push(&mut vars, "i", Value::new(ValueKind::Int(i), do_.span));
        generated
            .entries
            .push(child(format!("+loop-{i}"), do_, vars));
    }
    if let Some(p) = parallel {
        push(&mut generated, "_parallel", p.clone());
    }
    Ok(generated)
}

/// `for_each>`: the cartesian product of the lists of `command` (an object, or a string of
/// JSON), first key outermost; child names `+for-0=key=0=value&1=...`.
pub fn for_each_subtasks(
    command: &Value,
    do_: &Value,
    parallel: Option<&Value>,
) -> Result<Object, String> {
    let map = parse_nested(command, "_command")?;
    let mut lists: Vec<(&str, Vec<Value>)> = Vec::new();
    let mut count: usize = 1;
    for e in &map.entries {
        let items = parse_list(&e.value, &e.key)?;
        count = count.saturating_mul(items.len());
        if count > MAX_GENERATED_TASKS {
            return Err(format!(
                "Too many for_each subtasks. Limit: {MAX_GENERATED_TASKS}"
            ));
        }
        lists.push((&e.key, items));
    }
    let mut generated = Object::default();
    if !lists.is_empty() {
        // Odometer over the lists, last key fastest (digdag's nesting order).
        let mut idx = vec![0usize; lists.len()];
        'outer: loop {
            if lists.iter().any(|(_, items)| items.is_empty()) {
                break;
            }
            let mut name = String::from("+for-");
            let mut vars = Object::default();
            for (k, (key, items)) in lists.iter().enumerate() {
                if k > 0 {
                    name.push('&');
                }
                let value = &items[idx[k]];
                name.push_str(&format!(
                    "{k}={}={}={}",
                    name_tag(key),
                    idx[k],
                    name_tag(&value_tag_text(value))
                ));
                push(&mut vars, key, value.clone());
            }
            generated.entries.push(child(name, do_, vars));
            let mut k = lists.len();
            loop {
                if k == 0 {
                    break 'outer;
                }
                k -= 1;
                idx[k] += 1;
                if idx[k] < lists[k].1.len() {
                    break;
                }
                idx[k] = 0;
            }
        }
    }
    if let Some(p) = parallel {
        push(&mut generated, "_parallel", p.clone());
    }
    Ok(generated)
}

/// `for_range>`: `{from, to, step | slices}` (an object, or a string of JSON); children
/// `+range-from=A&to=B` with `_export.range = {from, to, index}`.
pub fn for_range_subtasks(
    command: &Value,
    do_: &Value,
    parallel: Option<&Value>,
) -> Result<Object, String> {
    let cfg = parse_nested(command, "_command")?;
    let from = required_long(&cfg, "from")?;
    let to = required_long(&cfg, "to")?;
    let step = optional_long(&cfg, "step")?;
    let slices = optional_long(&cfg, "slices")?;
    let step = match (step, slices) {
        (Some(_), Some(_)) => {
            return Err("Setting both step and slices options to for_range is invalid".into())
        }
        (None, None) => return Err("step or slices option is required for for_range".into()),
        (Some(s), None) if s <= 0 => {
            return Err(format!(
                "step option must be same or greater than 1 but got {s}"
            ))
        }
        (None, Some(n)) if n <= 0 => {
            return Err(format!(
                "slices option must be same or greater than 1 but got {n}"
            ))
        }
        (Some(s), None) => s,
        (None, Some(n)) => to
            .checked_sub(from)
            .and_then(|d| d.checked_add(n - 1))
            .map_or(i64::MAX, |d| d / n),
    };
    let mut generated = Object::default();
    if step <= 0 {
        // `slices` larger than the range: digdag's step is 0 and its loop never ends; we stop.
        return Err(format!(
            "for_range from {from} to {to} with these slices gives a step of {step}, which never advances"
        ));
    }
    let mut index: i64 = 0;
    let mut pos = from;
    while pos < to {
        let end = pos.saturating_add(step).min(to);
        if index as usize >= MAX_GENERATED_TASKS {
            let total = to
                .checked_sub(from)
                .and_then(|d| d.checked_add(step - 1))
                .map_or(i64::MAX, |d| d / step);
            return Err(format!(
                "Too many for_range subtasks ({total}). Limit: {MAX_GENERATED_TASKS}"
            ));
        }
        let mut range = Object::default();
        push(
            &mut range,
            "from",
            Value::new(ValueKind::Int(pos), do_.span),
        );
        push(&mut range, "to", Value::new(ValueKind::Int(end), do_.span));
        push(
            &mut range,
            "index",
            Value::new(ValueKind::Int(index), do_.span),
        );
        let mut vars = Object::default();
        push(
            &mut vars,
            "range",
            Value::new(ValueKind::Object(range), do_.span),
        );
        generated
            .entries
            .push(child(format!("+range-from={pos}&to={end}"), do_, vars));
        index += 1;
        pos = match pos.checked_add(step) {
            Some(p) => p,
            None => break,
        };
    }
    if let Some(p) = parallel {
        push(&mut generated, "_parallel", p.clone());
    }
    Ok(generated)
}

/// `if>`: the block that runs (`_do` when `condition`, else `_else_do`), or `None` when that
/// block is absent. Errors as digdag does when the condition is not a boolean or both blocks
/// are missing.
pub fn if_subtask(
    condition: &Value,
    do_: Option<&Value>,
    else_do: Option<&Value>,
) -> Result<Option<Value>, String> {
    let cond = as_bool(condition).ok_or_else(|| {
        format!(
            "Expected 'true' or 'false' for key '_command' but got {} ({})",
            condition.to_json(),
            condition.type_word()
        )
    })?;
    let present = |v: Option<&Value>| v.filter(|v| !v.is_null()).cloned();
    let (d, e) = (present(do_), present(else_do));
    if d.is_none() && e.is_none() {
        return Err("Both _do and _else_do are not specified.".into());
    }
    Ok(if cond { d } else { e })
}

/// Jackson's boolean coercion as digdag's `Config.get(key, boolean.class)` applies it.
pub fn as_bool(v: &Value) -> Option<bool> {
    match &v.kind {
        ValueKind::Bool(b) => Some(*b),
        ValueKind::Int(i) => Some(*i != 0),
        ValueKind::Null => Some(false),
        ValueKind::String(s) => match s.trim() {
            "true" | "True" | "TRUE" => Some(true),
            "false" | "False" | "FALSE" | "" => Some(false),
            _ => None,
        },
        _ => None,
    }
}

/// Jackson's integer coercion (`count: "3"` is 3).
pub fn as_long(v: &Value) -> Option<i64> {
    match &v.kind {
        ValueKind::Int(i) => Some(*i),
        ValueKind::Float(f) if f.fract() == 0.0 => Some(*f as i64),
        ValueKind::String(s) => s.trim().parse().ok(),
        _ => None,
    }
}

/// digdag's `Config.parseNested`: an object, or a string holding a JSON object.
pub fn parse_nested(v: &Value, key: &str) -> Result<Object, String> {
    match &v.kind {
        ValueKind::Object(o) => Ok(o.clone()),
        ValueKind::String(s) => match parse_json(s, v.span) {
            Ok(Value {
                kind: ValueKind::Object(o),
                ..
            }) => Ok(o),
            _ => Err(format!(
                "Expected object or JSON string of an object for key '{key}' but got {}",
                v.to_json()
            )),
        },
        _ => Err(format!(
            "Expected object for key '{key}' but got {} ({})",
            v.to_json(),
            v.type_word()
        )),
    }
}

/// digdag's `Config.parseList`: an array, or a string holding a JSON array.
fn parse_list(v: &Value, key: &str) -> Result<Vec<Value>, String> {
    match &v.kind {
        ValueKind::Array(items) => Ok(items.clone()),
        ValueKind::String(s) => match parse_json(s, v.span) {
            Ok(Value {
                kind: ValueKind::Array(items),
                ..
            }) => Ok(items),
            _ => Err(format!(
                "Expected array or JSON string of an array for key '{key}' but got {}",
                v.to_json()
            )),
        },
        _ => Err(format!(
            "Expected array for key '{key}' but got {} ({})",
            v.to_json(),
            v.type_word()
        )),
    }
}

fn required_long(cfg: &Object, key: &str) -> Result<i64, String> {
    match cfg.get(key) {
        None => Err(format!("Parameter '{key}' is required but not set")),
        Some(v) => as_long(v).ok_or_else(|| {
            format!(
                "Expected integer for key '{key}' but got {} ({})",
                v.to_json(),
                v.type_word()
            )
        }),
    }
}

fn optional_long(cfg: &Object, key: &str) -> Result<Option<i64>, String> {
    match cfg.get(key) {
        None => Ok(None),
        Some(v) if v.is_null() => Ok(None),
        Some(_) => required_long(cfg, key).map(Some),
    }
}

/// The text a `for_each>` name tag is made from: a string as-is, anything else as JSON.
fn value_tag_text(v: &Value) -> String {
    match &v.kind {
        ValueKind::String(s) => s.clone(),
        _ => v.to_json(),
    }
}

/// digdag's `nameTag`: the first 8 UTF-16 units, `URLEncoder`-encoded, `+` as `%20`.
pub fn name_tag(s: &str) -> String {
    let units: Vec<u16> = s.encode_utf16().take(8).collect();
    let mut out = String::new();
    for c in char::decode_utf16(units.iter().copied()) {
        match c {
            Ok(c) if c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '*' | '_') => out.push(c),
            Ok(' ') => out.push_str("%20"),
            Ok(c) => {
                let mut buf = [0u8; 4];
                for b in c.encode_utf8(&mut buf).bytes() {
                    out.push_str(&format!("%{b:02X}"));
                }
            }
            // A surrogate pair cut in half: Java's encoder writes '?'.
            Err(_) => out.push_str("%3F"),
        }
    }
    out
}

/// A copy of `_do` named `name`, with `vars` merged into its `_export` (digdag's
/// `getNestedOrSetEmpty("_export").setAll(vars)`).
fn child(name: String, do_: &Value, vars: Object) -> Entry {
    let mut body = match &do_.kind {
        ValueKind::Object(o) => o.clone(),
        _ => Object::default(),
    };
    match body.position("_export") {
        Some(i) => {
            let export = &mut body.entries[i].value;
            if !matches!(export.kind, ValueKind::Object(_)) {
                export.kind = ValueKind::Object(Object::default());
            }
            if let ValueKind::Object(o) = &mut export.kind {
                for e in vars.entries {
                    set(o, e);
                }
            }
        }
        None => push(
            &mut body,
            "_export",
            Value::new(ValueKind::Object(vars), do_.span),
        ),
    }
    Entry {
        key: name,
        key_span: do_.span,
        value: Value::new(ValueKind::Object(body), do_.span),
    }
}

fn set(o: &mut Object, e: Entry) {
    match o.position(&e.key) {
        Some(i) => o.entries[i].value = e.value,
        None => o.entries.push(e),
    }
}

fn push(o: &mut Object, key: &str, value: Value) {
    let span: Span = value.span;
    set(
        o,
        Entry {
            key: key.to_string(),
            key_span: span,
            value,
        },
    );
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::FileId;

    fn v(json: &str) -> Value {
        parse_json(json, Span::new(FileId(0), 0, 0)).expect("test JSON")
    }

    fn names(o: &Object) -> Vec<String> {
        o.entries.iter().map(|e| e.key.clone()).collect()
    }

    #[test]
    fn for_each_names_and_exports_match_digdag() {
        let cmd = v(r#"{"fruit": ["apple", "orange"], "verb": ["eat", "throw away"]}"#);
        let g = for_each_subtasks(&cmd, &v(r#"{"echo>": "${verb} ${fruit}"}"#), None).unwrap();
        assert_eq!(
            names(&g),
            [
                "+for-0=fruit=0=apple&1=verb=0=eat",
                "+for-0=fruit=0=apple&1=verb=1=throw%20aw",
                "+for-0=fruit=1=orange&1=verb=0=eat",
                "+for-0=fruit=1=orange&1=verb=1=throw%20aw",
            ]
        );
        assert_eq!(
            g.entries[1].value.to_json(),
            r#"{"echo>":"${verb} ${fruit}","_export":{"fruit":"apple","verb":"throw away"}}"#
        );
    }

    #[test]
    fn for_each_accepts_json_strings_and_tags_non_strings_as_json() {
        let cmd = v(r#"{"a": "[1, {\"k\": \"v\"}]", "b": [true]}"#);
        let g = for_each_subtasks(
            &cmd,
            &v(r#"{"_export": {"x": 1}, "sh>": "x"}"#),
            Some(&v("true")),
        )
        .unwrap();
        assert_eq!(
            names(&g),
            [
                "+for-0=a=0=1&1=b=0=true",
                "+for-0=a=1=%7B%22k%22%3A%22v%22&1=b=0=true",
                "_parallel"
            ]
        );
        assert_eq!(
            g.entries[0].value.to_json(),
            r#"{"_export":{"x":1,"a":1,"b":true},"sh>":"x"}"#
        );
        let s = v(r#""{\"n\": [\"é漢字\"]}""#);
        let g = for_each_subtasks(&s, &v("{}"), None).unwrap();
        assert_eq!(names(&g), ["+for-0=n=0=%C3%A9%E6%BC%A2%E5%AD%97"]);
        assert!(for_each_subtasks(&v(r#"{"a": 3}"#), &v("{}"), None).is_err());
    }

    #[test]
    fn for_each_limit() {
        let big: Vec<String> = (0..40).map(|i| i.to_string()).collect();
        let cmd = v(&format!(r#"{{"a": [{0}], "b": [{0}]}}"#, big.join(",")));
        assert_eq!(
            for_each_subtasks(&cmd, &v("{}"), None).unwrap_err(),
            "Too many for_each subtasks. Limit: 1000"
        );
    }

    #[test]
    fn loop_and_range() {
        let g = loop_subtasks(3, &v(r#"{"echo>": "${i}"}"#), Some(&v(r#"{"limit": 2}"#))).unwrap();
        assert_eq!(names(&g), ["+loop-0", "+loop-1", "+loop-2", "_parallel"]);
        assert_eq!(g.entries[3].value.to_json(), r#"{"limit":2}"#);
        assert_eq!(
            g.entries[2].value.to_json(),
            r#"{"echo>":"${i}","_export":{"i":2}}"#
        );
        assert_eq!(
            loop_subtasks(1001, &v("{}"), None).unwrap_err(),
            "Too many loop subtasks. Limit: 1000"
        );
        let g = for_range_subtasks(&v(r#"{"from": 0, "to": 10, "slices": 3}"#), &v("{}"), None)
            .unwrap();
        assert_eq!(
            names(&g),
            [
                "+range-from=0&to=4",
                "+range-from=4&to=8",
                "+range-from=8&to=10"
            ]
        );
        assert_eq!(
            g.entries[2].value.to_json(),
            r#"{"_export":{"range":{"from":8,"to":10,"index":2}}}"#
        );
        let g = for_range_subtasks(
            &v(r#""{\"from\": 5, \"to\": 7, \"step\": 1}""#),
            &v("{}"),
            None,
        )
        .unwrap();
        assert_eq!(names(&g), ["+range-from=5&to=6", "+range-from=6&to=7"]);
        assert_eq!(
            for_range_subtasks(&v(r#"{"from": 0, "to": 1}"#), &v("{}"), None).unwrap_err(),
            "step or slices option is required for for_range"
        );
        assert_eq!(
            for_range_subtasks(&v(r#"{"from": 0, "to": 1, "step": 0}"#), &v("{}"), None)
                .unwrap_err(),
            "step option must be same or greater than 1 but got 0"
        );
    }

    #[test]
    fn if_blocks() {
        let d = v(r#"{"echo>": "yes"}"#);
        assert_eq!(
            if_subtask(&v(r#""True""#), Some(&d), None).unwrap(),
            Some(d.clone())
        );
        assert_eq!(if_subtask(&v("false"), Some(&d), None).unwrap(), None);
        assert_eq!(
            if_subtask(&v(r#""maybe""#), Some(&d), None).unwrap_err(),
            r#"Expected 'true' or 'false' for key '_command' but got "maybe" (string)"#
        );
        assert_eq!(
            if_subtask(&v("true"), None, None).unwrap_err(),
            "Both _do and _else_do are not specified."
        );
    }

    #[test]
    fn name_tag_cuts_utf16_units() {
        assert_eq!(name_tag("a b+c/d~"), "a%20b%2Bc%2Fd%7E");
        assert_eq!(name_tag("1234567😀"), "1234567%3F");
        assert_eq!(name_tag("x*y"), "x*y");
    }
}
