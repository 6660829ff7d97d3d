//! The target profile (P001): with `--target treasure-workflow`, what the hosted service does
//! not run (`embulk>`, `download_file`, ...), and its `trigger:` block checked.

use super::RuleContext;
use crate::check::registry::TARGET_PROFILE;
use crate::diagnostic::Diagnostic;
use crate::model::TaskKind;
use crate::schema::{self, Target};

/// Runs P001.
pub fn check(cx: &RuleContext<'_>, out: &mut Vec<Diagnostic>) {
    if cx.target == Target::Digdag {
        return;
    }
    super::all_tasks(&cx.workflow.root, &mut |t| {
        let TaskKind::Operator {
            name, name_span, ..
        } = &t.kind
        else {
            return;
        };
        if let Some(r) = schema::profile::restriction(cx.target, name, None) {
            out.push(Diagnostic::new(
                &TARGET_PROFILE,
                *name_span,
                format!("{}; use {} instead", r.reason, r.instead),
            ));
        }
        for e in &t.params {
            if let Some(r) = schema::profile::restriction(cx.target, name, Some(&e.key)) {
                out.push(Diagnostic::new(
                    &TARGET_PROFILE,
                    e.key_span,
                    format!(
                        "`{}` of `{name}>` is not available on {}: {}; use {} instead",
                        e.key,
                        cx.target.as_str(),
                        r.reason,
                        r.instead
                    ),
                ));
            }
        }
    });
    if let Some(trigger) = &cx.workflow.trigger {
        let Some(obj) = trigger.as_object() else {
            out.push(Diagnostic::new(&TARGET_PROFILE, trigger.span, "`trigger` must be an object: `attempt>:`, `dependent_workflow_name` and `dependent_project_name`"));
            return;
        };
        for key in [
            "attempt>",
            "dependent_workflow_name",
            "dependent_project_name",
        ] {
            if obj.get(key).is_none() {
                out.push(Diagnostic::new(
                    &TARGET_PROFILE,
                    trigger.span,
                    format!("`trigger` needs `{key}`"),
                ));
            }
        }
        for e in &obj.entries {
            if !matches!(
                e.key.as_str(),
                "attempt>" | "dependent_workflow_name" | "dependent_project_name"
            ) {
                out.push(Diagnostic::new(
                    &TARGET_PROFILE,
                    e.key_span,
                    format!("`trigger` has no option '{}'", e.key),
                ));
            }
        }
    }
}
