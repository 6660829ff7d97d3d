//! `_retry` must be a count or `{limit, interval, interval_type, max_interval}` (semantics §6.4,
//! digdag's `RetryControl`). On an operator that honours `_retry` a bad value fails the task when
//! it runs; on a group or an operator that ignores `_retry` digdag only logs it.

use super::{all_tasks, RuleContext};
use crate::check::registry::INVALID_RETRY;
use crate::diagnostic::{Diagnostic, Severity};
use crate::load::{Value, ValueKind};
use crate::model::TaskKind;

fn is_template(v: &Value) -> bool {
    v.as_str().is_some_and(|s| s.contains("${"))
}

fn int_like(v: &Value) -> bool {
    match &v.kind {
        ValueKind::Int(_) => true,
        ValueKind::String(s) => s.trim().parse::<i64>().is_ok(),
        _ => false,
    }
}

/// Problems of one `_retry` value: (span, message).
fn problems(v: &Value) -> Vec<(crate::Span, String)> {
    if is_template(v) || int_like(v) {
        return Vec::new();
    }
    let mut out = Vec::new();
    match &v.kind {
        ValueKind::Object(o) => {
            match o.get("limit") {
                None => out.push((v.span, "Parameter 'limit' is required but not set: write `_retry: {limit: N, ...}`".to_string())),
                Some(l) if !int_like(l) && !is_template(l) => out.push((
                    l.span,
                    format!("Expected integer (int) type for key 'limit' but got {} ({})", l.to_json(), l.type_word()),
                )),
                _ => {}
            }
            for key in ["interval", "max_interval"] {
                if let Some(x) = o.get(key) {
                    if !int_like(x) && !is_template(x) {
                        out.push((
                            x.span,
                            format!("Expected integer (int) type for key '{key}' but got {} ({}): seconds", x.to_json(), x.type_word()),
                        ));
                    }
                }
            }
            if let Some(t) = o.get("interval_type") {
                if let Some(s) = t.scalar_text() {
                    if !is_template(t) && !matches!(s.to_ascii_lowercase().as_str(), "constant" | "exponential") {
                        out.push((t.span, format!("Invalid retry_interval_type: {s} (use `constant` or `exponential`)")));
                    }
                }
            }
            for e in &o.entries {
                if !matches!(e.key.as_str(), "limit" | "interval" | "interval_type" | "max_interval") {
                    let hint = crate::suggest::did_you_mean(&e.key, ["limit", "interval", "interval_type", "max_interval"]);
                    let hint = hint.first().map(|h| format!(" (did you mean `{h}`?)")).unwrap_or_default();
                    out.push((e.key_span, format!("`_retry` has no option '{}'{hint}", e.key)));
                }
            }
        }
        _ => out.push((v.span, format!("Invalid _retry format:{}: use a number of retries or `{{limit: N, interval: S, interval_type: exponential}}`", v.to_json()))),
    }
    out
}

/// Reports invalid `_retry` values of every task and of every `_export`.
pub fn check(cx: &RuleContext<'_>, out: &mut Vec<Diagnostic>) {
    all_tasks(&cx.workflow.root, &mut |t| {
        let Some(v) = &t.options.retry else { return };
        let (severity, why) = match &t.kind {
            TaskKind::Operator { name, .. }
                if crate::schema::operator(name).is_some_and(|s| !s.retry) =>
            {
                (
                    Severity::Warning,
                    format!(" (`{name}>` ignores `_retry`, so digdag only logs this)"),
                )
            }
            TaskKind::Operator { .. } => (
                Severity::Error,
                " (the task fails when it runs)".to_string(),
            ),
            TaskKind::Group => (
                Severity::Warning,
                " (digdag ignores an invalid `_retry` on a group, with a warning)".to_string(),
            ),
        };
        for (span, msg) in problems(v) {
            let mut d = Diagnostic::new(&INVALID_RETRY, span, format!("{msg}{why}"));
            d.severity = severity;
            out.push(d);
        }
    });
}

#[cfg(test)]
mod tests {
    use super::super::lint_text;

    fn codes(text: &str) -> Vec<String> {
        lint_text(text)
            .iter()
            .map(|d| format!("{} {} {}", d.code, d.severity.as_str(), d.message))
            .collect()
    }

    #[test]
    fn valid_forms_pass() {
        assert!(codes("+a:\n  _retry: 3\n  sh>: x\n+b:\n  _retry: '2'\n  sh>: x\n+c:\n  _retry:\n    limit: 3\n    interval: 10\n    interval_type: Exponential\n    max_interval: 60\n  sh>: x\n+d:\n  _retry: ${n}\n  sh>: x\n").is_empty());
    }

    #[test]
    fn invalid_forms_fail() {
        let got = codes("+a:\n  _retry: abc\n  sh>: x\n+b:\n  _retry:\n    limit: 3\n    interval_type: linear\n    intervall: 5\n  sh>: x\n+g:\n  _retry: [1]\n  +c:\n    echo>: x\n");
        assert_eq!(got.len(), 4, "{got:#?}");
        assert!(
            got[0].starts_with("R001 error Invalid _retry format:\"abc\""),
            "{}",
            got[0]
        );
        assert!(got[1].contains("Invalid retry_interval_type: linear"));
        assert!(got[2].contains("did you mean `interval`?"));
        assert!(got[3].starts_with("R001 warning"));
    }
}
