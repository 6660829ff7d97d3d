//! `sla:` needs exactly one of `time` or `duration`, each `HH:MM` or `HH:MM:SS` (semantics §5.3,
//! digdag's `SlaCalculator`); `alert` and `fail` are booleans.

use super::RuleContext;
use crate::check::registry::INVALID_SLA;
use crate::diagnostic::{Diagnostic, Severity};
use crate::load::ValueKind;

fn hms_ok(s: &str) -> bool {
    let parts: Vec<&str> = s.split(':').collect();
    (parts.len() == 2 || parts.len() == 3) && parts.iter().all(|p| p.trim().parse::<i32>().is_ok())
}

/// Reports an invalid top-level `sla:`.
pub fn check(cx: &RuleContext<'_>, out: &mut Vec<Diagnostic>) {
    let Some(sla) = &cx.workflow.root.options.sla else {
        return;
    };
    let Some(obj) = sla.as_object() else {
        out.push(Diagnostic::new(
            &INVALID_SLA,
            sla.span,
            format!("Parameter 'sla' must be an object, not {}", sla.to_json()),
        ));
        return;
    };
    let time = obj.entry("time");
    let duration = obj.entry("duration");
    match (time, duration) {
        (Some(t), Some(d)) => out.push(
            Diagnostic::new(
                &INVALID_SLA,
                d.key_span,
                "SLA must be specified using either the 'time' or 'duration' option, not both",
            )
            .with_label(t.key_span, "`time` is also set"),
        ),
        (None, None) => out.push(Diagnostic::new(
            &INVALID_SLA,
            sla.span,
            "SLA must be specified using either the 'time' or 'duration' option",
        )),
        _ => {}
    }
    for (key, e) in [("time", time), ("duration", duration)] {
        let Some(e) = e else { continue };
        let text = e.value.scalar_text().unwrap_or_default();
        // A template is evaluated at run time; only literal values are checked.
        if !text.contains("${") && !hms_ok(&text) {
            out.push(Diagnostic::new(
                &INVALID_SLA,
                e.value.span,
                format!(
                    "SLA {key} option needs to be HH:MM or HH:MM:SS format: {}",
                    e.value.to_json()
                ),
            ));
        }
    }
    for key in ["alert", "fail"] {
        if let Some(e) = obj.entry(key) {
            if !matches!(e.value.kind, ValueKind::Bool(_))
                && !matches!(e.value.as_str().map(str::trim), Some("true" | "false"))
            {
                let mut d = Diagnostic::new(
                    &INVALID_SLA,
                    e.value.span,
                    format!("`{key}` must be true or false, not {} (digdag logs it and uses the default)", e.value.to_json()),
                );
                d.severity = Severity::Warning;
                out.push(d);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::lint_text;

    fn msgs(text: &str) -> Vec<String> {
        lint_text(text)
            .iter()
            .map(|d| format!("{} {}", d.code, d.message))
            .collect()
    }

    #[test]
    fn valid_sla() {
        assert!(
            msgs("sla:\n  time: 02:30\n  +notice:\n    echo>: late\n+a:\n  echo>: x\n").is_empty()
        );
        assert!(msgs("sla:\n  duration: 00:30:00\n  fail: true\n+a:\n  echo>: x\n").is_empty());
    }

    #[test]
    fn invalid_sla() {
        let got = msgs("sla:\n  time: 2pm\n  duration: 01:00\n+a:\n  echo>: x\n");
        assert_eq!(got.len(), 2, "{got:#?}");
        assert!(got.iter().any(|m| m.contains("not both")));
        assert!(got
            .iter()
            .any(|m| m.contains("SLA time option needs to be HH:MM or HH:MM:SS format: \"2pm\"")));
        let got = msgs("sla:\n  alert: yes\n+a:\n  echo>: x\n");
        assert!(
            got.iter()
                .any(|m| m.contains("either the 'time' or 'duration'")),
            "{got:#?}"
        );
    }
}
