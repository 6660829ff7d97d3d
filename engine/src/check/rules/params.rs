//! Operator parameters: a required one that is set nowhere (O003: not on the task, not in an
//! enclosing `_export`, not in the operator's nested config), a value of the wrong type or not
//! among the allowed values (O004: `engine: prestoo`, a bad `wait>` duration), and parameters
//! that exclude each other (O005: `create_table` with `insert_into`).

use super::{RuleContext, TaskScope};
use crate::check::registry::{EXCLUSIVE_PARAMETERS, INVALID_PARAMETER_VALUE, MISSING_PARAMETER};
use crate::diagnostic::Diagnostic;
use crate::load::{Value, ValueKind};
use crate::model::{Task, TaskKind};
use crate::schema::{self, ParamSpec, ValueType};
use crate::scope::{Lookup, Scope};

fn is_template(v: &Value) -> bool {
    match &v.kind {
        ValueKind::String(s) => s.contains("${"),
        _ => false,
    }
}

/// digdag's duration syntax: `Nd Nh Nm Ns` (any subset, in that order, optional spaces).
pub fn is_duration(s: &str) -> bool {
    let s = s.trim();
    if s.is_empty() {
        return false;
    }
    let mut rest = s;
    let mut last_unit = 0;
    while !rest.is_empty() {
        let digits = rest.len() - rest.trim_start_matches(|c: char| c.is_ascii_digit()).len();
        if digits == 0 {
            return false;
        }
        rest = rest[digits..].trim_start();
        let Some(unit) = rest.chars().next() else {
            return false;
        };
        let order = match unit.to_ascii_lowercase() {
            'd' => 1,
            'h' => 2,
            'm' => 3,
            's' => 4,
            _ => return false,
        };
        if order <= last_unit {
            return false;
        }
        last_unit = order;
        rest = rest[1..].trim_start();
    }
    true
}

/// Why `v` does not fit `ty`, if it does not.
fn type_problem(ty: &ValueType, v: &Value) -> Option<String> {
    if is_template(v) || v.is_null() {
        return None;
    }
    let text = v.scalar_text();
    match ty {
        ValueType::Int => match &v.kind {
            ValueKind::Int(_) | ValueKind::BigInt(_) => None,
            ValueKind::String(s) if s.trim().parse::<i64>().is_ok() => None,
            _ => Some(format!(
                "Expected integer type but got {} ({})",
                v.to_json(),
                v.type_word()
            )),
        },
        ValueType::Bool => match &v.kind {
            ValueKind::Bool(_) => None,
            ValueKind::String(s) if matches!(s.trim(), "true" | "false" | "True" | "False") => None,
            _ => Some(format!(
                "Expected 'true' or 'false' but got {} ({})",
                v.to_json(),
                v.type_word()
            )),
        },
        ValueType::Duration => match text {
            Some(t) if is_duration(&t) => None,
            Some(t) => Some(format!(
                "Invalid duration '{t}': use `Nd Nh Nm Ns`, e.g. `30s` or `1h 30m`"
            )),
            None => Some(format!(
                "Expected a duration such as `30s` but got {}",
                v.to_json()
            )),
        },
        ValueType::Enum(_) | ValueType::EnumIgnoreCase(_) => match text {
            Some(t) if ty.allows(&t) => None,
            Some(t) => Some(format!(
                "Invalid value '{t}': expected one of {}",
                ty.allowed_values()
                    .iter()
                    .map(|a| format!("`{a}`"))
                    .collect::<Vec<_>>()
                    .join(", ")
            )),
            None => Some(format!(
                "Expected one of {} but got {}",
                ty.allowed_values().join(", "),
                v.to_json()
            )),
        },
        ValueType::Object if !matches!(v.kind, ValueKind::Object(_)) => Some(format!(
            "Expected an object but got {} ({})",
            v.to_json(),
            v.type_word()
        )),
        ValueType::List if !matches!(v.kind, ValueKind::Array(_)) => Some(format!(
            "Expected a list but got {} ({})",
            v.to_json(),
            v.type_word()
        )),
        _ => None,
    }
}

/// Whether `param` is set for task `t`: locally, or through the merged parameters (an
/// `_export` above, or the operator's nested config such as `td: {database: x}`).
fn available(t: &Task, scope: &Scope, spec: &schema::OperatorSpec, param: &str) -> bool {
    if t.params.iter().any(|e| e.key == param) {
        return true;
    }
    let mut paths: Vec<Vec<&str>> = vec![vec![param]];
    for n in spec.nested {
        let mut p: Vec<&str> = n.split('.').collect();
        p.push(param);
        paths.push(p);
    }
    paths.iter().any(|p| {
        if p.len() == 1 {
            return !matches!(
                scope.lookup(p),
                Lookup::Undefined | Lookup::FieldOfUndefined { .. }
            );
        }
        // Nested config: the object must exist and hold the key (or be of unknown shape).
        scope.may_define(&p.join(".")) || scope.has_any()
    })
}

fn check_value(spec_param: &ParamSpec, e: &crate::load::Entry, out: &mut Vec<Diagnostic>) {
    if let Some(problem) = type_problem(&spec_param.ty, &e.value) {
        let mut d = Diagnostic::new(
            &INVALID_PARAMETER_VALUE,
            e.value.span,
            format!("{}: {problem}", e.key),
        );
        if let (Some(text), ValueType::Enum(allowed) | ValueType::EnumIgnoreCase(allowed)) =
            (e.value.scalar_text(), &spec_param.ty)
        {
            if let Some(best) = crate::suggest::did_you_mean(&text, allowed.iter().copied()).first()
            {
                d.message.push_str(&format!(" (did you mean `{best}`?)"));
                d = d.with_fix(
                    format!("Replace with `{best}`"),
                    e.value.span,
                    best.to_string(),
                );
            }
        }
        out.push(d);
    }
}

/// Runs O003, O004 and O005 over every operator task.
pub fn check(cx: &RuleContext<'_>, scopes: &[TaskScope<'_>], out: &mut Vec<Diagnostic>) {
    // Missing required parameters, grouped: one report per operator and parameter, at the
    // first task, counting the others (a workflow missing `td.database` would otherwise
    // report every `td>` task).
    let mut missing: Vec<(String, &'static str, crate::Span)> = Vec::new();
    for (t, scope) in scopes {
        let TaskKind::Operator {
            name,
            name_span,
            command,
        } = &t.kind
        else {
            continue;
        };
        let Some(spec) = schema::operator(name) else {
            continue;
        };
        // Values of the task's own parameters.
        for e in &t.params {
            if let Some(p) = spec.param(&e.key) {
                check_value(p, e, out);
            }
        }
        if let (Some(cmd), ty) = (command.as_ref(), &spec.command.ty) {
            if !cmd.is_null() && spec.command.accepted {
                if let Some(problem) = type_problem(ty, cmd) {
                    out.push(Diagnostic::new(
                        &INVALID_PARAMETER_VALUE,
                        cmd.span,
                        format!("{name}>: {problem}"),
                    ));
                }
            }
        }
        // Required command and parameters.
        let has_command = command.as_ref().is_some_and(|c| !c.is_null())
            || spec
                .command
                .alternatives
                .iter()
                .any(|a| available(t, scope, spec, a));
        if spec.command.required && !has_command {
            let alts = if spec.command.alternatives.is_empty() {
                String::new()
            } else {
                format!(
                    " (or set {})",
                    spec.command
                        .alternatives
                        .iter()
                        .map(|a| format!("`{a}`"))
                        .collect::<Vec<_>>()
                        .join(" / ")
                )
            };
            out.push(Diagnostic::new(
                &MISSING_PARAMETER,
                *name_span,
                format!("`{name}>` needs a value: {}{alts}", spec.command.syntax),
            ));
        }
        // A `call>`ed workflow also gets its caller's parameters (and a failed include may
        // have set them): do not guess there.
        for p in spec
            .params()
            .filter(|p| p.required && !cx.defined_elsewhere())
        {
            if !available(t, scope, spec, p.name) {
                missing.push((name.clone(), p.name, *name_span));
            }
        }
        // Mutually exclusive parameters (on the task itself).
        for group in spec.exclusive {
            let set: Vec<&crate::load::Entry> = t
                .params
                .iter()
                .filter(|e| group.contains(&e.key.as_str()))
                .collect();
            let command_in_group =
                group.contains(&"_command") && command.as_ref().is_some_and(|c| !c.is_null());
            let mut names: Vec<String> = set.iter().map(|e| format!("`{}`", e.key)).collect();
            if command_in_group {
                names.insert(0, format!("`{name}>`"));
            }
            if names.len() > 1 {
                if let Some(second) = set.get(if command_in_group { 0 } else { 1 }) {
                    out.push(Diagnostic::new(
                        &EXCLUSIVE_PARAMETERS,
                        second.key_span,
                        format!(
                            "{} cannot be used together: `{name}>` takes only one of them",
                            names.join(" and ")
                        ),
                    ));
                }
            }
        }
    }
    let mut reported: Vec<(&str, &str)> = Vec::new();
    for (op, param, span) in &missing {
        if reported.contains(&(op.as_str(), *param)) {
            continue;
        }
        reported.push((op.as_str(), param));
        let others = missing
            .iter()
            .filter(|(o, p, _)| o == op && p == param)
            .count()
            - 1;
        let nested = schema::operator(op)
            .and_then(|s| s.nested.first())
            .map(|n| format!(" or in `_export: {{{n}: {{{param}: ...}}}}`"))
            .unwrap_or_default();
        let more = match others {
            0 => String::new(),
            1 => " (1 more task has the same problem)".to_string(),
            n => format!(" ({n} more tasks have the same problem)"),
        };
        out.push(Diagnostic::new(
            &MISSING_PARAMETER,
            *span,
            format!("Parameter '{param}' is required but not set: `{op}>` needs it; set `{param}:` on the task, in an `_export` above{nested}{more}"),
        ));
    }
}

#[cfg(test)]
mod tests {
    use super::is_duration;

    #[test]
    fn durations() {
        for ok in ["30s", "1h 30m", "2d", "1d2h3m4s", "10S", "5m"] {
            assert!(is_duration(ok), "{ok}");
        }
        for bad in ["", "30", "1m 1h", "abc", "1.5h", "1h 1h"] {
            assert!(!is_duration(bad), "{bad}");
        }
    }
}
