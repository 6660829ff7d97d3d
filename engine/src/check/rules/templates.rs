//! Templates: every `${...}` a task evaluates is parsed with digdag's grammar and its
//! JavaScript checked for syntax (V001); every variable it reads is looked up in the scope of
//! the task that evaluates it (V002 undefined, V003 only possibly defined by an earlier
//! `py>`-like task). Exported templates are evaluated in every task that inherits them, so
//! they are checked in each of those tasks (and reported once).

use super::{RuleContext, TaskScope};
use crate::check::registry::{POSSIBLY_UNDEFINED_VARIABLE, TEMPLATE_SYNTAX, UNDEFINED_VARIABLE};
use crate::diagnostic::Diagnostic;
use crate::load::{Value, ValueKind};
use crate::model::{Task, TaskKind};
use crate::scope::{is_schedule_only_builtin, Lookup, Scope};
use crate::source::Span;
use crate::suggest::did_you_mean;
use crate::template;
use std::collections::{HashMap, HashSet};

type Analyses = HashMap<String, (Vec<template::SyntaxIssue>, Vec<template::Reference>)>;

/// Names every template may use besides parameters.
const GLOBALS: &[&str] = &[
    "moment",
    "template",
    "print",
    "undefined",
    "NaN",
    "Infinity",
    "this",
];

/// One string that a task evaluates, and the extra names visible to it (earlier keys).
struct Evaluated<'a> {
    value: &'a Value,
    earlier: Vec<&'a str>,
}

/// Collects the strings inside `v` (objects and arrays recursed; `_do`/`_else_do` skipped).
fn strings<'a>(v: &'a Value, earlier: &[&'a str], out: &mut Vec<Evaluated<'a>>) {
    match &v.kind {
        ValueKind::String(s) if s.contains('$') => out.push(Evaluated {
            value: v,
            earlier: earlier.to_vec(),
        }),
        ValueKind::Array(items) => {
            for i in items {
                strings(i, earlier, out);
            }
        }
        ValueKind::Object(o) => {
            let mut seen: Vec<&'a str> = earlier.to_vec();
            for e in &o.entries {
                if e.key == "_do" || e.key == "_else_do" {
                    continue;
                }
                strings(&e.value, &seen, out);
                seen.push(&e.key);
            }
        }
        _ => {}
    }
}

/// Runs V001-V003.
pub fn check(cx: &RuleContext<'_>, scopes: &[TaskScope<'_>], out: &mut Vec<Diagnostic>) {
    // (span of the expression's root, name) reported already: an exported template is
    // evaluated in many tasks but reported once.
    let mut reported: HashSet<(Span, String)> = HashSet::new();
    let mut syntax_reported: HashSet<Span> = HashSet::new();
    // An exported template is analysed once, not once per inheriting task.
    let mut cache: Analyses = HashMap::new();
    let scheduled = cx.workflow.root.options.schedule.is_some();
    for (t, scope) in scopes {
        if !matches!(t.kind, TaskKind::Operator { .. }) {
            continue;
        }
        let mut evaluated: Vec<Evaluated<'_>> = Vec::new();
        // The task's own keys, each seeing the keys before it.
        let mut earlier: Vec<&str> = Vec::new();
        for e in &t.params {
            strings(&e.value, &earlier, &mut evaluated);
            earlier.push(&e.key);
        }
        // Exported values it inherits (and its own `_export`).
        for v in scope.exports() {
            if let Some(value) = &v.value {
                strings(value, &[], &mut evaluated);
            }
        }
        for ev in evaluated {
            let Some(text) = ev.value.as_str() else {
                continue;
            };
            let analysis = cache.entry(text.to_string()).or_insert_with(|| {
                (
                    template::template_issues(text),
                    template::template_references(text),
                )
            });
            check_string(
                cx,
                t,
                scope,
                scheduled,
                &analysis.0,
                &analysis.1,
                ev.value.span,
                &ev.earlier,
                &mut reported,
                &mut syntax_reported,
                out,
            );
        }
    }
}

#[allow(clippy::too_many_arguments)]
fn check_string(
    cx: &RuleContext<'_>,
    task: &Task,
    scope: &Scope,
    scheduled: bool,
    issues: &[template::SyntaxIssue],
    references: &[template::Reference],
    span: Span,
    earlier: &[&str],
    reported: &mut HashSet<(Span, String)>,
    syntax_reported: &mut HashSet<Span>,
    out: &mut Vec<Diagnostic>,
) {
    let map = (cx.scalar_map)(span);
    let to_file = |r: std::ops::Range<usize>| -> Span {
        match &map {
            Some(m) => {
                let mapped = m.map(r);
                Span::new(span.file, mapped.start as u32, mapped.end as u32)
            }
            None => span,
        }
    };
    if !issues.is_empty() {
        // Broken JavaScript: its names cannot be trusted (`x => x` has no free `x`).
        if syntax_reported.insert(span) {
            for issue in issues {
                out.push(Diagnostic::new(
                    &TEMPLATE_SYNTAX,
                    to_file(issue.span.clone()),
                    format!(
                        "{} (digdag fails the task: `Failed to evaluate a variable`)",
                        issue.message
                    ),
                ));
            }
        }
        return;
    }
    for r in references {
        if r.via_this
            || r.in_typeof
            || GLOBALS.contains(&r.name.as_str())
            || earlier.contains(&r.name.as_str())
        {
            continue;
        }
        let mut path: Vec<&str> = vec![r.name.as_str()];
        path.extend(r.path.iter().map(String::as_str));
        let at = to_file(r.full_span.clone());
        let key = (at, r.name.clone());
        match scope.lookup(&path) {
            Lookup::Defined(_) => {}
            Lookup::Maybe(src) => {
                // In a `call>`ed workflow the caller's exports may define it too.
                if !cx.defined_elsewhere() && reported.insert(key) {
                    out.push(Diagnostic::new(
                        &POSSIBLY_UNDEFINED_VARIABLE,
                        at,
                        format!(
                            "`{}` is defined only if `{}>` task {} stores it (digdag fails {} with a ReferenceError otherwise)",
                            r.name, src.operator, src.task, task.full_name
                        ),
                    ));
                }
            }
            Lookup::Undefined => {
                if !reported.insert(key) {
                    continue;
                }
                let mut msg = format!("undefined variable `{}`: task {} fails with `ReferenceError: {} is not defined`", r.name, task.full_name, r.name);
                if !scheduled && is_schedule_only_builtin(&r.name) {
                    msg = format!("`{}` exists only when the workflow has a `schedule:`; task {} fails with a ReferenceError", r.name, task.full_name);
                } else if cx.defined_elsewhere() {
                    // The caller's exports (or a failed include) may define it; do not claim
                    // more than we know.
                    continue;
                }
                let names: Vec<&str> = scope
                    .vars()
                    .map(|v| v.name.split('.').next().unwrap_or(&v.name))
                    .collect();
                let schedule_only = !scheduled && is_schedule_only_builtin(&r.name);
                let mut d = Diagnostic::new(&UNDEFINED_VARIABLE, at, msg);
                if let Some(best) = did_you_mean(&r.name, names.iter().copied())
                    .first()
                    .filter(|_| !schedule_only)
                {
                    d.message.push_str(&format!(" (did you mean `{best}`?)"));
                    let root_at = to_file(r.span.clone());
                    d = d.with_fix(format!("Replace with `{best}`"), root_at, best.to_string());
                }
                out.push(d);
            }
            Lookup::FieldOfUndefined { missing, .. } => {
                if cx.defined_elsewhere() || !reported.insert(key) {
                    continue;
                }
                out.push(Diagnostic::new(
                    &UNDEFINED_VARIABLE,
                    at,
                    format!("`{missing}` is not set when task {} runs, so reading `{}` fails with a TypeError (is an earlier task storing it, e.g. `store_last_results: true`?)", task.full_name, path.join(".")),
                ));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::lint_text;

    fn codes(text: &str) -> Vec<&'static str> {
        lint_text(text).into_iter().map(|d| d.code).collect()
    }

    #[test]
    fn a_failed_include_may_define_what_the_workflow_reads() {
        // Alone, `${target}` and the missing `database` are reported.
        let alone = codes("+q:\n  td>: q.sql\n+show:\n  echo>: ${target}\n");
        assert!(
            alone.contains(&"V002") && alone.contains(&"O003"),
            "{alone:?}"
        );
        // With an `!include` that cannot be read, only the include is.
        let with_include = codes(
            "_export:\n  !include : vars.yml\n+q:\n  td>: q.sql\n+show:\n  echo>: ${target}\n",
        );
        assert_eq!(with_include, vec!["I001", "F001"]);
    }
}
