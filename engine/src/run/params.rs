//! Building a task's parameter object the way digdag's `WorkflowExecutor.collectParams` does
//! (semantics §3.2), and the run-time built-in variables of §3.1.

use crate::load::{Entry, Object, Value, ValueKind};
use crate::schedule::{Schedule, Session};
use crate::source::{FileId, Span};
use jiff::tz::TimeZone;

/// A span for values made at run time (no source text).
pub(crate) fn runtime_span() -> Span {
    Span::new(FileId(0), 0, 0)
}

/// A string value made at run time.
pub(crate) fn string(s: impl Into<String>) -> Value {
    Value::new(ValueKind::String(s.into()), runtime_span())
}

/// An integer value made at run time.
pub(crate) fn int(i: i64) -> Value {
    Value::new(ValueKind::Int(i), runtime_span())
}

/// Sets `key` to `value` (replacing in place, or appending).
pub(crate) fn set(o: &mut Object, key: &str, value: Value) {
    match o.position(key) {
        Some(i) => o.entries[i].value = value,
        None => o.entries.push(Entry {
            key: key.to_string(),
            key_span: value.span,
            value,
        }),
    }
}

/// digdag's `Config.merge`: objects merge recursively, anything else replaces.
pub fn deep_merge(into: &mut Object, from: &Object) {
    for e in &from.entries {
        match (into.position(&e.key), &e.value.kind) {
            (Some(i), ValueKind::Object(src)) => {
                if let ValueKind::Object(dst) = &mut into.entries[i].value.kind {
                    deep_merge(dst, src);
                } else {
                    into.entries[i].value = e.value.clone();
                }
            }
            (Some(i), _) => into.entries[i].value = e.value.clone(),
            (None, _) => into.entries.push(e.clone()),
        }
    }
}

/// The session-wide built-ins of §3.1 (everything but `task_name`), in digdag's order.
pub fn session_builtins(
    timezone: &str,
    tz: &TimeZone,
    schedule: Option<&Schedule>,
    session: &Session,
    session_uuid: &str,
) -> Object {
    let mut o = Object::default();
    set(&mut o, "timezone", string(timezone));
    set(&mut o, "session_uuid", string(session_uuid));
    set(&mut o, "session_id", int(1));
    // `timezone` again (same value, same place), then the session_* / last_ / next_ ones.
    for e in crate::plan::params::session_variables(timezone, tz, schedule, session).entries {
        set(&mut o, &e.key, e.value);
    }
    // `digdag run` never has a previous executed session: empty strings, and the zone's
    // offset at epoch 0.
    for suffix in ["time", "date", "date_compact", "local_time"] {
        set(
            &mut o,
            &format!("last_executed_session_{suffix}"),
            string(""),
        );
    }
    let epoch_offset = jiff::Timestamp::UNIX_EPOCH
        .to_zoned(tz.clone())
        .strftime("%z")
        .to_string();
    set(
        &mut o,
        "last_executed_session_tz_offset",
        string(epoch_offset),
    );
    set(&mut o, "last_executed_session_unixtime", string(""));
    set(&mut o, "project_id", int(1));
    set(
        &mut o,
        "retry_attempt_name",
        Value::new(ValueKind::Null, runtime_span()),
    );
    set(&mut o, "attempt_id", int(1));
    o
}

/// Parses `-p key=value` the way `digdag run` does: the value is a string; dots in the key
/// make nested objects.
pub fn parse_param_arg(arg: &str, into: &mut Object) -> Result<(), String> {
    let Some((key, value)) = arg.split_once('=') else {
        return Err(format!(
            "Parameter -p expected a value of the form a=b but got:{arg}"
        ));
    };
    let parts: Vec<&str> = key.split('.').collect();
    let mut obj = into;
    for (i, part) in parts.iter().enumerate() {
        if i + 1 == parts.len() {
            set(obj, part, string(value));
            break;
        }
        let pos = match obj.position(part) {
            Some(p) => p,
            None => {
                set(
                    obj,
                    part,
                    Value::new(ValueKind::Object(Object::default()), runtime_span()),
                );
                obj.entries.len() - 1
            }
        };
        match &mut obj.entries[pos].value.kind {
            ValueKind::Object(o) => obj = o,
            other => {
                let json = Value::new(other.clone(), runtime_span()).to_json();
                return Err(format!(
                    "Parameter '{key}' is set but '{}' is not a object ({json})",
                    parts[..=i].join(".")
                ));
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn param_args_nest_on_dots() {
        let mut o = Object::default();
        parse_param_arg("a.b=1", &mut o).unwrap();
        parse_param_arg("a.c=x=y", &mut o).unwrap();
        parse_param_arg("d=", &mut o).unwrap();
        assert_eq!(
            Value::new(ValueKind::Object(o.clone()), runtime_span()).to_json(),
            r#"{"a":{"b":"1","c":"x=y"},"d":""}"#
        );
        assert_eq!(
            parse_param_arg("d.e=1", &mut o).unwrap_err(),
            r#"Parameter 'd.e' is set but 'd' is not a object ("")"#
        );
        assert!(parse_param_arg("novalue", &mut o).is_err());
    }

    #[test]
    fn deep_merge_merges_objects_and_replaces_scalars() {
        let v = |s: &str| {
            crate::load::json::parse_json(s, runtime_span())
                .unwrap()
                .as_object()
                .unwrap()
                .clone()
        };
        let mut a = v(r#"{"td": {"database": "a", "x": 1}, "k": [1]}"#);
        deep_merge(
            &mut a,
            &v(r#"{"td": {"database": "b"}, "k": 2, "n": null}"#),
        );
        assert_eq!(
            Value::new(ValueKind::Object(a), runtime_span()).to_json(),
            r#"{"td":{"database":"b","x":1},"k":2,"n":null}"#
        );
    }
}
