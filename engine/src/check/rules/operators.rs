//! Operators and their keys: an unknown operator (O001, warning: digdag only fails when the
//! task runs), a key the operator does not read or a misspelled directive (O002, warning:
//! digdag logs `Parameter 'x' is not used at task ...`), and operator-specific misuse (O006:
//! `if>` without `_do`/`_else_do`, a loop without `_do`, `for_range>` step/slices, ...).

use super::RuleContext;
use crate::check::registry::{OPERATOR_USAGE, UNKNOWN_OPERATOR, UNKNOWN_PARAMETER};
use crate::diagnostic::Diagnostic;
use crate::load::{Value, ValueKind};
use crate::model::{Task, TaskKind, Workflow};
use crate::schema::{self, DoUse, ExtraKeys};
use crate::suggest::did_you_mean;

/// Directives digdag reads on operator tasks (besides those in the catalog).
const OPERATOR_KEYS: &[&str] = &[
    "_type",
    "_command",
    "_do",
    "_else_do",
    "_env",
    "_disable",
    "_export",
    "_retry",
    "_error",
    "_check",
    "_secrets",
    "_parallel",
    "_background",
    "_after",
    "_workdir",
];

/// Whether the workflow declares plugin operators (`_export: {plugin: ...}`): then unknown
/// operator names may be plugins and are not reported.
pub fn declares_plugins(workflow: &Workflow) -> bool {
    let mut found = false;
    super::all_tasks(&workflow.root, &mut |t| {
        if let Some(Value {
            kind: ValueKind::Object(o),
            ..
        }) = &t.options.export
        {
            if o.get("plugin").is_some() {
                found = true;
            }
        }
    });
    found
}

/// Runs O001, O002 and O006 over every task.
pub fn check(cx: &RuleContext<'_>, out: &mut Vec<Diagnostic>) {
    let plugins = cx.plugins_from_caller || declares_plugins(cx.workflow);
    super::all_tasks(&cx.workflow.root, &mut |t| {
        let TaskKind::Operator {
            name,
            name_span,
            command,
        } = &t.kind
        else {
            return;
        };
        let Some(spec) = schema::operator(name) else {
            if plugins
                || cx.plugins.iter().any(|p| p == name)
                || name.contains("${")
                || schema::profile::target_only_operator(cx.target, name)
            {
                return;
            }
            let names = schema::operators().iter().map(|o| o.name);
            let mut d = Diagnostic::new(
                &UNKNOWN_OPERATOR,
                *name_span,
                format!("Unknown task type: {name}: not a digdag operator (a typo, or a plugin: declare plugins under `_export: plugin:` so that wf knows them)"),
            );
            if let Some(best) = did_you_mean(name, names).first() {
                d.message = format!("Unknown task type: {name} (did you mean `{best}>`?)");
                let key_text = format!("{best}>");
                if !name_span_is_type_key(t) {
                    d = d.with_fix(format!("Replace with `{key_text}`"), *name_span, key_text);
                }
            }
            out.push(d);
            return;
        };
        unknown_keys(cx, t, spec, out);
        usage(t, spec, command.as_ref(), out);
    });
}

fn name_span_is_type_key(t: &Task) -> bool {
    t.directive_keys.iter().any(|(k, _)| k == "_type")
}

/// Whether a `${...}` in a string of the task (or of its command) reads the variable `key`:
/// a task's keys feed the templates of its later keys (`suffix: _v2` then
/// `drop_tables: ["t${suffix}"]`), so such a key is used even if the operator never reads it.
fn referenced_in_task(t: &Task, key: &str) -> bool {
    let mut found = false;
    let mut visit = |s: &str, _| {
        if !found && s.contains("${") && s.contains(key) {
            found = crate::template::template_references(s)
                .iter()
                .any(|r| r.name == key);
        }
    };
    for e in &t.params {
        e.value.for_each_string(&mut visit);
    }
    if let TaskKind::Operator {
        command: Some(c), ..
    } = &t.kind
    {
        c.for_each_string(&mut visit);
    }
    found
}

fn unknown_keys(
    cx: &RuleContext<'_>,
    t: &Task,
    spec: &'static schema::OperatorSpec,
    out: &mut Vec<Diagnostic>,
) {
    if spec.extra_keys == ExtraKeys::TemplateVariables {
        // Extra keys are variables for the query file's templates, so only a key that looks
        // like a misspelled parameter and that no template uses is suspicious.
        let candidates: Vec<&str> = spec.param_names().collect();
        // Read only when a key looks misspelled (most tasks have none).
        let file_text = std::cell::OnceCell::new();
        for e in &t.params {
            let key = e.key.as_str();
            if key.ends_with('>') || candidates.contains(&key) {
                continue;
            }
            let Some(best) = did_you_mean(key, candidates.iter().copied())
                .first()
                .copied()
            else {
                continue;
            };
            let needle = format!("${{{key}");
            let used_in_file = file_text
                .get_or_init(|| command_file_text(cx, t))
                .as_deref()
                .is_none_or(|text| text.contains(&needle) || text.contains(key));
            if used_in_file || referenced_in_task(t, key) {
                continue;
            }
            out.push(
                Diagnostic::new(
                    &UNKNOWN_PARAMETER,
                    e.key_span,
                    format!("Parameter '{key}' is not used at task {}. > Did you mean [{best}]? (no template of the query uses `${{{key}}}` either)", t.full_name),
                )
                .with_fix(format!("Replace with `{best}`"), e.key_span, best.to_string()),
            );
        }
    }
    if spec.extra_keys == ExtraKeys::Unused {
        let mut candidates: Vec<&str> = spec.param_names().collect();
        candidates.extend(spec.nested.iter().map(|n| n.split('.').next().unwrap_or(n)));
        candidates.extend(spec.command.keys.iter().map(|k| k.name));
        for e in &t.params {
            let key = e.key.as_str();
            if key.ends_with('>')
                || candidates.contains(&key)
                || spec.command.alternatives.contains(&key)
                || referenced_in_task(t, key)
            {
                continue;
            }
            let mut d = Diagnostic::new(
                &UNKNOWN_PARAMETER,
                e.key_span,
                format!("Parameter '{key}' is not used at task {}.", t.full_name),
            );
            if let Some(best) = did_you_mean(key, candidates.iter().copied()).first() {
                d.message.push_str(&format!(" > Did you mean [{best}]?"));
                d = d.with_fix(
                    format!("Replace with `{best}`"),
                    e.key_span,
                    best.to_string(),
                );
            } else {
                d.message
                    .push_str(&format!(" `{}>` does not read it.", spec.name));
            }
            out.push(d);
        }
    }
    // Misspelled directives (`_parellel`).
    let known: Vec<&str> = schema::directives()
        .iter()
        .map(|d| d.name)
        .chain(OPERATOR_KEYS.iter().copied())
        .collect();
    for (key, span) in &t.directive_keys {
        if known.contains(&key.as_str()) {
            continue;
        }
        let mut d = Diagnostic::new(
            &UNKNOWN_PARAMETER,
            *span,
            format!("Parameter '{key}' is not used at task {}.", t.full_name),
        );
        if let Some(best) = did_you_mean(key, known.iter().copied()).first() {
            d.message.push_str(&format!(" > Did you mean [{best}]?"));
            d = d.with_fix(format!("Replace with `{best}`"), *span, best.to_string());
        } else {
            d.message.push_str(" It is not a digdag directive.");
        }
        out.push(d);
    }
}

fn own(t: &Task, key: &str) -> bool {
    t.directive_keys.iter().any(|(k, _)| k == key)
}

fn usage(
    t: &Task,
    spec: &'static schema::OperatorSpec,
    command: Option<&Value>,
    out: &mut Vec<Diagnostic>,
) {
    let at = match &t.kind {
        TaskKind::Operator { name_span, .. } => *name_span,
        TaskKind::Group => t.name_span,
    };
    let has_do = own(t, "_do");
    if spec.name == "if" && !has_do && !own(t, "_else_do") {
        out.push(Diagnostic::new(&OPERATOR_USAGE, at, "Both _do and _else_do are not specified. (`if>` needs `_do:` or `_else_do:` with the tasks to run)"));
    } else if spec.do_ == DoUse::Required && !has_do {
        out.push(Diagnostic::new(
            &OPERATOR_USAGE,
            at,
            format!(
                "Parameter '_do' is required but not set (`{}>` runs the tasks under `_do:`)",
                spec.name
            ),
        ));
    }
    if spec.name == "for_range" {
        if let Some(Value {
            kind: ValueKind::Object(o),
            span,
        }) = command
        {
            let step = o.get("step");
            let slices = o.get("slices");
            match (step, slices) {
                (Some(_), Some(_)) => out.push(Diagnostic::new(
                    &OPERATOR_USAGE,
                    *span,
                    "Setting both step and slices options to for_range is invalid",
                )),
                (None, None) => out.push(Diagnostic::new(
                    &OPERATOR_USAGE,
                    *span,
                    "step or slices option is required for for_range",
                )),
                _ => {}
            }
            for (key, v) in [("step", step), ("slices", slices)] {
                if let Some(Value {
                    kind: ValueKind::Int(n),
                    span,
                }) = v
                {
                    if *n < 1 {
                        out.push(Diagnostic::new(
                            &OPERATOR_USAGE,
                            *span,
                            format!("{key} option must be same or greater than 1 but got {n}"),
                        ));
                    }
                }
            }
            for key in ["from", "to"] {
                if o.get(key).is_none() {
                    out.push(Diagnostic::new(
                        &OPERATOR_USAGE,
                        *span,
                        format!("Parameter '{key}' is required but not set"),
                    ));
                }
            }
        }
    }
    if spec.name == "require" {
        let id = t.params.iter().find(|e| e.key == "project_id");
        let pname = t.params.iter().find(|e| e.key == "project_name");
        if let (Some(a), Some(b)) = (id, pname) {
            out.push(
                Diagnostic::new(
                    &OPERATOR_USAGE,
                    b.key_span,
                    "Both project_id and project_name can't be set",
                )
                .with_label(a.key_span, "project_id here"),
            );
        }
    }
    if spec.name == "wait" {
        let blocking = t
            .params
            .iter()
            .find(|e| e.key == "blocking")
            .is_some_and(|e| matches!(e.value.kind, ValueKind::Bool(true)));
        if let Some(p) = t.params.iter().find(|e| e.key == "poll_interval") {
            if blocking {
                out.push(Diagnostic::new(
                    &OPERATOR_USAGE,
                    p.key_span,
                    "poll_interval can't be specified with blocking:true",
                ));
            }
        }
    }
}

/// The text of the file the task's command names (a `td>` query), when it can be read.
fn command_file_text(cx: &RuleContext<'_>, t: &Task) -> Option<String> {
    let TaskKind::Operator {
        command: Some(c), ..
    } = &t.kind
    else {
        return None;
    };
    let name = c.as_str()?;
    if name.contains("${") {
        return None;
    }
    let dir = match cx.workflow_path.parent() {
        Some(p) if p.starts_with(cx.project_root) => p.to_path_buf(),
        _ => cx.project_root.to_path_buf(),
    };
    let bytes = cx.fs.read(&dir.join(name)).ok()?;
    Some(String::from_utf8_lossy(&bytes).into_owned())
}
