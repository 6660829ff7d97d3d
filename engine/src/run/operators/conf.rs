//! Typed reads of operator parameters with digdag's `Config.get` coercions and messages
//! (`Parameter 'x' is required but not set`, `Expected boolean for key 'x' but got ...`).

use super::OperatorError;
use crate::load::{Entry, Object, Value, ValueKind};
use crate::plan::expand::{as_bool, as_long};

fn expected(kind: &str, key: &str, v: &Value) -> OperatorError {
    OperatorError::config(format!(
        "Expected {kind} for key '{key}' but got {} ({})",
        v.to_json(),
        v.type_word()
    ))
}

/// A missing required parameter.
pub(crate) fn missing(key: &str) -> OperatorError {
    OperatorError::config(format!("Parameter '{key}' is required but not set"))
}

/// An optional string (numbers and booleans as their text; `null` is absent).
pub(crate) fn opt_str(v: Option<&Value>, key: &str) -> Result<Option<String>, OperatorError> {
    match v {
        None => Ok(None),
        Some(v) if v.is_null() => Ok(None),
        Some(v) => v
            .scalar_text()
            .map(Some)
            .ok_or_else(|| expected("string", key, v)),
    }
}

/// A required string.
pub(crate) fn req_str(v: Option<&Value>, key: &str) -> Result<String, OperatorError> {
    opt_str(v, key)?.ok_or_else(|| missing(key))
}

/// A boolean (`"true"` strings accepted, as Jackson does), `default` when absent.
pub(crate) fn bool_or(v: Option<&Value>, key: &str, default: bool) -> Result<bool, OperatorError> {
    match v {
        None => Ok(default),
        Some(v) if v.is_null() => Ok(default),
        Some(v) => as_bool(v).ok_or_else(|| expected("boolean", key, v)),
    }
}

/// An integer (`"3"` strings accepted), `None` when absent.
pub(crate) fn opt_int(v: Option<&Value>, key: &str) -> Result<Option<i64>, OperatorError> {
    match v {
        None => Ok(None),
        Some(v) if v.is_null() => Ok(None),
        Some(v) => as_long(v)
            .map(Some)
            .ok_or_else(|| expected("integer", key, v)),
    }
}

/// A list of strings; a single scalar is a one-element list; absent is empty.
pub(crate) fn str_list(v: Option<&Value>, key: &str) -> Result<Vec<String>, OperatorError> {
    match v.map(|v| (v, &v.kind)) {
        None | Some((_, ValueKind::Null)) => Ok(Vec::new()),
        Some((_, ValueKind::Array(items))) => items
            .iter()
            .map(|i| i.scalar_text().ok_or_else(|| expected("string", key, i)))
            .collect(),
        Some((v, _)) => v
            .scalar_text()
            .map(|s| vec![s])
            .ok_or_else(|| expected("array", key, v)),
    }
}

/// A duration as digdag's `DurationParam` reads it: seconds as a number, or `30s`,
/// `1h 30m`, `2d`.
pub(crate) fn duration_or(
    v: Option<&Value>,
    key: &str,
    default: std::time::Duration,
) -> Result<std::time::Duration, OperatorError> {
    match v {
        None => Ok(default),
        Some(v) if v.is_null() => Ok(default),
        Some(v) => {
            if let ValueKind::Int(i) = v.kind {
                return u64::try_from(i)
                    .map(std::time::Duration::from_secs)
                    .map_err(|_| expected("duration", key, v));
            }
            let text = v
                .scalar_text()
                .ok_or_else(|| expected("duration", key, v))?;
            if let Ok(secs) = text.trim().parse::<u64>() {
                return Ok(std::time::Duration::from_secs(secs));
            }
            super::control::parse_duration(&text).ok_or_else(|| {
                OperatorError::config(format!(
                    "Invalid duration for key '{key}': {text:?} (use e.g. 30s, 1h 30m)"
                ))
            })
        }
    }
}

/// digdag's `Workspace.templateCommand`: `_command` names a file (relative to the working
/// directory, inside the project) whose text is template-evaluated with the task's
/// parameters, or is `{data: TEXT}` (already evaluated); without `_command`, the parameter
/// `alias_key` (`query`, `body`) holds the text.
pub(crate) fn template_command(
    ctx: &super::OperatorContext,
    alias_key: &str,
    alias: Option<&Value>,
) -> Result<String, OperatorError> {
    match ctx.command().filter(|c| !c.is_null()) {
        Some(Value {
            kind: ValueKind::Object(o),
            ..
        }) => req_str(o.get("data"), "data"),
        Some(c) => {
            let file = req_str(Some(c), "_command")?;
            template_file(ctx, &file)
        }
        None => req_str(alias, alias_key),
    }
}

/// Reads `file` (relative to the working directory, inside the project) and evaluates its
/// `${...}` templates with the task's parameters.
pub(crate) fn template_file(
    ctx: &super::OperatorContext,
    file: &str,
) -> Result<String, OperatorError> {
    let path = project_file(ctx, file)?;
    let text = std::fs::read_to_string(&path).map_err(|e| match e.kind() {
        std::io::ErrorKind::NotFound => {
            OperatorError::config(format!("File not found: {}", path.display()))
        }
        _ => OperatorError::config(format!("Failed to read file: {file}: {e}")),
    })?;
    let evaluator = crate::template::Evaluator::new(crate::template::EvalOptions::default())
        .map_err(|e| OperatorError::config(e.message))?;
    evaluator
        .render(&text, &ctx.config)
        .map_err(|e| OperatorError::config(format!("{} in {file}", e.message)))
}

/// `file` resolved against the working directory; it must stay inside the project.
pub(crate) fn project_file(
    ctx: &super::OperatorContext,
    file: &str,
) -> Result<std::path::PathBuf, OperatorError> {
    let path = crate::load::normalize_path(&ctx.workdir().join(file));
    let root = crate::load::normalize_path(&ctx.project_root);
    if !path.starts_with(&root) {
        return Err(OperatorError::config(format!(
            "File name must not be outside of project path ({}): {file}",
            ctx.project_root.display()
        )));
    }
    Ok(path)
}

/// Standard base64 with padding (basic auth, SMTP, MIME).
pub(crate) fn base64(bytes: &[u8]) -> String {
    const T: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let b = [
            chunk[0],
            chunk.get(1).copied().unwrap_or(0),
            chunk.get(2).copied().unwrap_or(0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(T[((n >> (18 - 6 * i)) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// `application/x-www-form-urlencoded` encoding of one component, as Java's
/// `URLEncoder.encode(s, UTF-8)` does (space is `+`; `*-._` and alphanumerics stay).
pub(crate) fn form_encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        match b {
            b'a'..=b'z' | b'A'..=b'Z' | b'0'..=b'9' | b'*' | b'-' | b'.' | b'_' => {
                out.push(b as char)
            }
            b' ' => out.push('+'),
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

/// `k1=v1&k2=v2`, each part [`form_encode`]d.
pub(crate) fn form_body(pairs: &[(String, String)]) -> String {
    pairs
        .iter()
        .map(|(k, v)| format!("{}={}", form_encode(k), form_encode(v)))
        .collect::<Vec<_>>()
        .join("&")
}

/// Operator contexts for unit tests.
/// `v` with `f` applied to every string inside it (and to object keys when `keys`).
pub(super) fn map_strings(
    v: &Value,
    keys: bool,
    f: &dyn Fn(&str) -> Result<String, OperatorError>,
) -> Result<Value, OperatorError> {
    let kind = match &v.kind {
        ValueKind::String(s) => ValueKind::String(f(s)?),
        ValueKind::Array(items) => ValueKind::Array(
            items
                .iter()
                .map(|i| map_strings(i, keys, f))
                .collect::<Result<_, _>>()?,
        ),
        ValueKind::Object(o) => ValueKind::Object(Object {
            entries: o
                .entries
                .iter()
                .map(|e| {
                    Ok(Entry {
                        key: if keys { f(&e.key)? } else { e.key.clone() },
                        key_span: e.key_span,
                        value: map_strings(&e.value, keys, f)?,
                    })
                })
                .collect::<Result<_, OperatorError>>()?,
        }),
        other => other.clone(),
    };
    Ok(Value::new(kind, v.span))
}

#[cfg(test)]
pub(crate) mod testing {
    use super::super::OperatorContext;
    use crate::load::json::parse_json;
    use crate::load::Object;
    use crate::run::params::runtime_span;
    use crate::run::Secrets;
    use std::path::Path;
    use std::sync::{Arc, Mutex};

    /// A context for `operator` with `config` (a JSON object), `secrets` and the project
    /// at `root`; the second value collects the log lines.
    pub(crate) fn ctx(
        operator: &str,
        config: &str,
        secrets: &[(&str, &str)],
        root: &Path,
    ) -> (OperatorContext, Arc<Mutex<Vec<String>>>) {
        let config = parse_json(config, runtime_span())
            .expect("test config is JSON")
            .as_object()
            .cloned()
            .expect("test config is an object");
        let lines = Arc::new(Mutex::new(Vec::new()));
        let sink = lines.clone();
        let ctx = OperatorContext {
            task_name: "+wf+task".into(),
            operator: operator.into(),
            // Test configs put inherited keys first, then `task_name`, then the task's own
            // keys (the executor's order).
            local: Object {
                entries: config
                    .entries
                    .iter()
                    .skip(config.position("task_name").map_or(0, |i| i + 1))
                    .cloned()
                    .collect(),
            },
            config,
            project_root: root.to_path_buf(),
            tmp_dir: root.join(".wf/tmp"),
            secrets: Arc::new(Secrets::from_map(
                secrets.iter().map(|(k, v)| (k.to_string(), v.to_string())),
            )),
            log: Box::new(move |l: &str| {
                if let Ok(mut v) = sink.lock() {
                    v.push(l.to_string());
                }
            }),
            require: None,
        };
        (ctx, lines)
    }

    /// A fresh empty directory.
    pub(crate) fn temp_project(name: &str) -> std::path::PathBuf {
        use std::sync::atomic::{AtomicU64, Ordering};
        static N: AtomicU64 = AtomicU64::new(0);
        let dir = std::env::temp_dir().join(format!(
            "wf-op-{name}-{}-{}",
            std::process::id(),
            N.fetch_add(1, Ordering::Relaxed)
        ));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("temp dir");
        dir
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::load::json::parse_json;
    use crate::run::params::runtime_span;

    fn v(json: &str) -> Value {
        parse_json(json, runtime_span()).unwrap()
    }

    #[test]
    fn coercions_and_messages() {
        assert_eq!(opt_str(Some(&v("12")), "k").unwrap().as_deref(), Some("12"));
        assert_eq!(
            req_str(None, "database").unwrap_err().message,
            "Parameter 'database' is required but not set"
        );
        assert_eq!(
            req_str(Some(&v("{\"a\":1}")), "k").unwrap_err().message,
            "Expected string for key 'k' but got {\"a\":1} (object)"
        );
        assert!(bool_or(Some(&v("\"true\"")), "k", false).unwrap());
        assert!(bool_or(None, "k", true).unwrap());
        assert_eq!(
            bool_or(Some(&v("\"yes\"")), "k", false)
                .unwrap_err()
                .message,
            "Expected boolean for key 'k' but got \"yes\" (string)"
        );
        assert_eq!(opt_int(Some(&v("\"42\"")), "k").unwrap(), Some(42));
        assert_eq!(
            str_list(Some(&v("[\"a\", 1]")), "to").unwrap(),
            ["a".to_string(), "1".to_string()]
        );
        assert_eq!(
            str_list(Some(&v("\"a\"")), "to").unwrap(),
            ["a".to_string()]
        );
        let d = std::time::Duration::from_secs(7);
        assert_eq!(duration_or(None, "t", d).unwrap(), d);
        assert_eq!(duration_or(Some(&v("45")), "t", d).unwrap().as_secs(), 45);
        assert_eq!(
            duration_or(Some(&v("\"1m 5s\"")), "t", d)
                .unwrap()
                .as_secs(),
            65
        );
        assert!(duration_or(Some(&v("\"soon\"")), "t", d).is_err());
    }

    #[test]
    fn encodings() {
        assert_eq!(base64(b"user:pass"), "dXNlcjpwYXNz");
        assert_eq!(base64(b"a"), "YQ==");
        assert_eq!(base64(b"ab"), "YWI=");
        assert_eq!(base64(b""), "");
        assert_eq!(form_encode("a b&c=d/é*"), "a+b%26c%3Dd%2F%C3%A9*");
        assert_eq!(
            form_body(&[("k".into(), "1 2".into()), ("x".into(), String::new())]),
            "k=1+2&x="
        );
    }
}
