//! Completion: what may be written at the cursor, from the catalog and the scope analysis.
//!
//! - inside `${`: every variable visible to the enclosing task (built-ins with an example value,
//!   `_export`s of every enclosing scope, loop variables, outputs of earlier tasks), and after a
//!   dot the members of that variable (`td.` -> `database`, `last_results`, ...);
//! - at a key position: in an operator task its parameters and the directives valid there, in a
//!   group the operators (with a snippet) and group directives, at the top level the top-level
//!   keys;
//! - after `key: `: the allowed values of an enum parameter, IANA zones after `timezone:`.
//!
//! It works from the text around the cursor plus the model, so a half-typed line still gets
//! completions.

use super::DocumentAnalysis;
use crate::check::rules::all_tasks;
use crate::load::{Value, ValueKind};
use crate::model::{Task, TaskKind};
use crate::schema::{self, Use};
use crate::scope::{scope_of, Origin};

/// What kind of thing a completion inserts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CompletionKind {
    Variable,
    Operator,
    Parameter,
    Directive,
    Value,
}

/// One completion item.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Completion {
    pub label: String,
    pub kind: CompletionKind,
    /// A short description (type, example value, origin).
    pub detail: String,
    /// Markdown documentation.
    pub documentation: String,
    /// Text to insert (a snippet with `$1` placeholders when `snippet` is set).
    pub insert_text: String,
    pub snippet: bool,
}

fn item(label: &str, kind: CompletionKind, detail: String, documentation: String) -> Completion {
    Completion {
        label: label.to_string(),
        kind,
        detail,
        documentation,
        insert_text: label.to_string(),
        snippet: false,
    }
}

/// The task whose body the cursor at `offset` (column `col`) is in: the last task above the
/// cursor whose key is indented less than the cursor (the root when none).
fn enclosing_task(analysis: &DocumentAnalysis, offset: u32, col: usize) -> Option<&Task> {
    let doc = analysis.file?;
    let model = analysis.model.as_ref()?;
    let file = analysis.sources.get(doc);
    let mut best: Option<&Task> = Some(&model.root);
    let mut best_start = 0u32;
    all_tasks(&model.root, &mut |t| {
        let s = t.name_span;
        if s.file != doc || s.start >= offset || s.start == s.end {
            return;
        }
        let (_, key_col) = file.line_col(s.start);
        if (key_col as usize) < col && s.start >= best_start {
            best = Some(t);
            best_start = s.start;
        }
    });
    best
}

/// Completions at byte `offset` of the analyzed document.
pub fn completions_at(analysis: &DocumentAnalysis, offset: u32) -> Vec<Completion> {
    let Some(doc) = analysis.file else {
        return Vec::new();
    };
    let text = &analysis.sources.get(doc).text;
    let offset = (offset as usize).min(text.len());
    let line_start = text[..offset].rfind('\n').map_or(0, |i| i + 1);
    let before = &text[line_start..offset];
    // Inside `${`: variables.
    if let Some(open) = before.rfind("${") {
        if !before[open..].contains('}') {
            let expr = &before[open + 2..];
            if expr.trim_start().starts_with("secret:") {
                return Vec::new();
            }
            let col = before.len() - before.trim_start().len();
            return variables(analysis, offset as u32, col, expr);
        }
    }
    let indent = before.len() - before.trim_start_matches(' ').len();
    let rest = &before[indent..];
    // After `key: `: values.
    if let Some((key, _)) = rest.split_once(':') {
        let key = key.trim().trim_start_matches("- ");
        return values(analysis, offset as u32, indent, key);
    }
    keys(
        analysis,
        offset as u32,
        indent,
        rest.trim_start_matches("- "),
    )
}

fn variables(analysis: &DocumentAnalysis, offset: u32, col: usize, expr: &str) -> Vec<Completion> {
    // The identifier path being typed: `td.last_` -> (["td"], "last_").
    let tail: String = expr
        .chars()
        .rev()
        .take_while(|c| c.is_ascii_alphanumeric() || *c == '_' || *c == '.')
        .collect::<Vec<_>>()
        .into_iter()
        .rev()
        .collect();
    let mut parts: Vec<&str> = tail.split('.').collect();
    let _partial = parts.pop().unwrap_or("");
    let prefix = parts.join(".");
    let Some(model) = analysis.model.as_ref() else {
        return Vec::new();
    };
    let task = enclosing_task(analysis, offset, col.max(1));
    // Only the enclosing task's path is walked (not every task of the workflow).
    let scope = task.and_then(|t| scope_of(model, t)).unwrap_or_default();
    let scheduled = model.root.options.schedule.is_some();
    let mut out: Vec<Completion> = Vec::new();
    let mut seen = std::collections::HashSet::new();
    let push =
        |seen: &mut std::collections::HashSet<String>, c: Completion, out: &mut Vec<Completion>| {
            if seen.insert(c.label.clone()) {
                out.push(c);
            }
        };
    if prefix.is_empty() {
        for v in schema::builtin_variables() {
            if v.requires_schedule && !scheduled {
                continue;
            }
            push(
                &mut seen,
                item(
                    v.name,
                    CompletionKind::Variable,
                    format!("{} (e.g. {})", v.summary, v.example),
                    v.hover_markdown(),
                ),
                &mut out,
            );
        }
    }
    let member_prefix = if prefix.is_empty() {
        String::new()
    } else {
        format!("{prefix}.")
    };
    for v in scope.vars() {
        // Described only when shown (a large workflow repeats the same stores many times).
        let origin = || match &v.origin {
            Origin::Builtin => String::new(),
            Origin::Export { task, .. } => format!("exported by {task}"),
            Origin::Store { task, operator, .. } => format!("stored by {operator}> task {task}"),
            Origin::Loop { task, operator } => {
                format!("set by {operator}> task {task} for each generated task")
            }
            Origin::Error { task } => format!("the error of {task}"),
            Origin::Declared { .. } => "declared in wf.toml".to_string(),
        };
        if v.origin == Origin::Builtin {
            continue;
        }
        // Keys of an exported object (`td: {database: x}` -> `td.database`).
        if !prefix.is_empty() && v.name == prefix {
            if let Some(Value {
                kind: ValueKind::Object(o),
                ..
            }) = &v.value
            {
                for e in &o.entries {
                    push(
                        &mut seen,
                        item(
                            &e.key,
                            CompletionKind::Variable,
                            format!("{} = {}", v.name, e.value.to_json()),
                            String::new(),
                        ),
                        &mut out,
                    );
                }
            }
            continue;
        }
        // `td.last_results` under prefix `td` -> `last_results`.
        let Some(rest) = v.name.strip_prefix(&member_prefix) else {
            continue;
        };
        let label = rest.split('.').next().unwrap_or(rest);
        if label.is_empty() || seen.contains(label) {
            continue;
        }
        push(
            &mut seen,
            item(label, CompletionKind::Variable, origin(), String::new()),
            &mut out,
        );
    }
    out
}

fn keys(
    analysis: &DocumentAnalysis,
    offset: u32,
    indent: usize,
    _partial: &str,
) -> Vec<Completion> {
    let Some(model) = analysis.model.as_ref() else {
        return Vec::new();
    };
    let mut out = Vec::new();
    if indent == 0 {
        for d in schema::directives()
            .iter()
            .filter(|d| d.top_level == Use::Yes)
        {
            out.push(item(
                d.name,
                CompletionKind::Directive,
                d.summary.to_string(),
                d.hover_markdown(),
            ));
        }
        return out;
    }
    let Some(task) = enclosing_task(analysis, offset, indent) else {
        return out;
    };
    if std::ptr::eq(task, &model.root) {
        return out;
    }
    match &task.kind {
        TaskKind::Operator { name, .. } => {
            if let Some(spec) = schema::operator(name) {
                for p in spec.params() {
                    if task.params.iter().any(|e| e.key == p.name) {
                        continue;
                    }
                    out.push(item(
                        p.name,
                        CompletionKind::Parameter,
                        format!("{} ({})", p.summary, p.ty.describe()),
                        p.hover_markdown(name),
                    ));
                }
            }
            for d in schema::directives()
                .iter()
                .filter(|d| d.operator == Use::Yes)
            {
                out.push(item(
                    d.name,
                    CompletionKind::Directive,
                    d.summary.to_string(),
                    d.hover_markdown(),
                ));
            }
        }
        TaskKind::Group => {
            for op in schema::operators() {
                let mut c = item(
                    &format!("{}>", op.name),
                    CompletionKind::Operator,
                    op.summary.to_string(),
                    op.hover_markdown(),
                );
                c.insert_text = format!("{}>: ${{1}}", op.name);
                c.snippet = true;
                out.push(c);
            }
            for d in schema::directives().iter().filter(|d| d.group == Use::Yes) {
                out.push(item(
                    d.name,
                    CompletionKind::Directive,
                    d.summary.to_string(),
                    d.hover_markdown(),
                ));
            }
        }
    }
    out
}

fn values(analysis: &DocumentAnalysis, offset: u32, indent: usize, key: &str) -> Vec<Completion> {
    if key == "timezone" {
        return crate::model::timezone::zone_ids()
            .iter()
            .map(|z| {
                item(
                    z,
                    CompletionKind::Value,
                    "time zone".to_string(),
                    String::new(),
                )
            })
            .collect();
    }
    let Some(task) = enclosing_task(analysis, offset, indent) else {
        return Vec::new();
    };
    let TaskKind::Operator { name, .. } = &task.kind else {
        return Vec::new();
    };
    let Some(p) = schema::operator(name).and_then(|s| s.param(key)) else {
        return Vec::new();
    };
    p.allowed_values()
        .iter()
        .map(|v| {
            item(
                v,
                CompletionKind::Value,
                format!("{key} of {name}>"),
                String::new(),
            )
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ide::{analyze_document, OverlayFileSystem};
    use std::path::Path;

    fn labels(text_with_cursor: &str) -> Vec<String> {
        let offset = text_with_cursor.find("$0").expect("cursor") as u32;
        let text = text_with_cursor.replace("$0", "");
        let mut fs =
            OverlayFileSystem::new(std::sync::Arc::new(crate::load::MemoryFileSystem::new()));
        fs.set(Path::new("/p/wf.dig"), text.into());
        let analysis = analyze_document(&fs, Path::new("/p/wf.dig"));
        completions_at(&analysis, offset)
            .into_iter()
            .map(|c| c.label)
            .collect()
    }

    #[test]
    fn variables_inside_a_template() {
        let got =
            labels("_export:\n  td:\n    database: analytics\n  target: t\n+a:\n  echo>: ${$0}\n");
        assert!(got.contains(&"session_date".to_string()), "{got:?}");
        assert!(got.contains(&"target".to_string()), "{got:?}");
        assert!(got.contains(&"td".to_string()), "{got:?}");
        assert!(
            !got.contains(&"next_session_time".to_string()),
            "schedule-only: {got:?}"
        );
        let members = labels("_export:\n  td:\n    database: analytics\n+q:\n  td>: q.sql\n  store_last_results: true\n+a:\n  echo>: ${td.$0}\n");
        assert!(members.contains(&"database".to_string()), "{members:?}");
        assert!(members.contains(&"last_results".to_string()), "{members:?}");
    }

    #[test]
    fn keys_and_values() {
        let params = labels("+a:\n  td>: q.sql\n  $0\n");
        assert!(params.contains(&"engine".to_string()), "{params:?}");
        assert!(params.contains(&"_retry".to_string()), "{params:?}");
        let ops = labels("+a:\n  +b:\n    echo>: x\n  $0\n");
        assert!(ops.contains(&"td>".to_string()), "{ops:?}");
        let top = labels("$0\n+a:\n  echo>: x\n");
        assert!(top.contains(&"schedule".to_string()), "{top:?}");
        let engines = labels("+a:\n  td>: q.sql\n  engine: $0\n");
        assert_eq!(engines, vec!["presto", "hive"]);
        let zones = labels("timezone: $0\n+a:\n  echo>: x\n");
        assert!(zones.contains(&"Asia/Tokyo".to_string()));
    }
}
