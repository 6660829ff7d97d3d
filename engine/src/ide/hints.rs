//! Inlay hints (the next run beside `schedule`, the number of tasks a static loop expands
//! to) and the plan summary behind the "Plan" code lens.

use super::{DocumentAnalysis, DocumentKind};
use crate::check::rules::all_tasks;
use crate::load::{Value, ValueKind};
use crate::model::{Task, TaskKind};
use crate::plan;
use jiff::{Timestamp, Zoned};
use std::fmt::Write as _;

/// What an inlay hint shows.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum HintKind {
    /// The next session of the schedule.
    NextRun,
    /// How many tasks a loop generates.
    Expansion,
}

/// A hint shown at the end of a line.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InlayHint {
    /// Byte offset in the document where it shows (after the value it describes).
    pub offset: u32,
    pub label: String,
    /// Longer text (markdown) for a hover over the hint.
    pub tooltip: String,
    pub kind: HintKind,
}

fn fmt_time(z: &Zoned) -> String {
    z.strftime("%Y-%m-%d %H:%M:%S %:z").to_string()
}

/// The hints of the document: beside the schedule kind (`daily>: 07:00:00`) the next run at or
/// after `now` and its session time; beside each `loop>`, `for_each>` and `for_range>` whose
/// values are written in the file, how many tasks it generates.
pub fn inlay_hints(analysis: &DocumentAnalysis, now: Timestamp) -> Vec<InlayHint> {
    let (Some(doc), Some(model)) = (analysis.file, analysis.model.as_ref()) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    if analysis.kind == DocumentKind::Workflow {
        if let (
            Some(schedule),
            Some(Value {
                kind: ValueKind::Object(o),
                span,
            }),
        ) = (plan::workflow_schedule(model), &model.root.options.schedule)
        {
            let tz = plan::workflow_zone(model);
            let next = plan::next_sessions(&schedule, &tz, now, 5);
            let at = o
                .entries
                .iter()
                .find(|e| e.key.ends_with('>'))
                .map_or(span.end, |e| e.value.span.end.max(e.key_span.end));
            let (label, tooltip) = match next.first() {
                Some(s) if !s.is_end() => {
                    let mut tip = format!(
                        "{}\n\n| session time | run time |\n|---|---|\n",
                        plan::describe_schedule(&schedule)
                    );
                    for s in next.iter().filter(|s| !s.is_end()) {
                        let _ = writeln!(
                            tip,
                            "| {} | {} |",
                            fmt_time(&s.session_time),
                            fmt_time(&s.run_time)
                        );
                    }
                    (format!("next run {}", fmt_time(&s.run_time)), tip)
                }
                _ => (
                    "no next run: the schedule has ended".to_string(),
                    plan::describe_schedule(&schedule),
                ),
            };
            if span.file == doc {
                out.push(InlayHint {
                    offset: at,
                    label,
                    tooltip,
                    kind: HintKind::NextRun,
                });
            }
        }
    }
    all_tasks(&model.root, &mut |t| {
        let TaskKind::Operator {
            name,
            command: Some(cmd),
            ..
        } = &t.kind
        else {
            return;
        };
        if cmd.span.file != doc {
            return;
        }
        let Some(n) = expansion_count(name, cmd) else {
            return;
        };
        let what = if n == 1 { "task" } else { "tasks" };
        out.push(InlayHint {
            offset: cmd.span.end,
            label: format!("{n} {what}"),
            tooltip: format!(
                "`{name}>` generates {n} {what} from `_do` at run time (each a copy of `_do`)"
            ),
            kind: HintKind::Expansion,
        });
    });
    out.sort_by_key(|h| h.offset);
    out
}

/// The number of tasks a loop operator with the literal command `cmd` generates, when the file
/// says it: `loop>: N`; `for_each>: {key: [values], ...}` (the product of the list lengths;
/// a list may be written as a JSON string); `for_range>: {from, to, step | slices}`.
pub fn expansion_count(operator: &str, cmd: &Value) -> Option<u64> {
    match operator {
        "loop" => count_of(cmd).filter(|n| *n >= 0).map(|n| n as u64),
        "for_each" => {
            let obj = object_of(cmd)?;
            let mut product: u64 = 1;
            for e in &obj.entries {
                let len = match &e.value.kind {
                    ValueKind::Array(items) => items.len() as u64,
                    ValueKind::String(s) if !s.contains("${") => {
                        match serde_json::from_str::<serde_json::Value>(s).ok()? {
                            serde_json::Value::Array(a) => a.len() as u64,
                            _ => return None,
                        }
                    }
                    _ => return None,
                };
                product = product.checked_mul(len)?;
            }
            Some(product)
        }
        "for_range" => {
            let obj = object_of(cmd)?;
            let from = count_of(obj.get("from")?)?;
            let to = count_of(obj.get("to")?)?;
            let step = match (obj.get("step"), obj.get("slices")) {
                (Some(step), None) => count_of(step)?,
                (None, Some(slices)) => {
                    let slices = count_of(slices)?;
                    if slices < 1 {
                        return None;
                    }
                    (to.checked_sub(from)?.checked_add(slices - 1)?) / slices
                }
                _ => return None,
            };
            if step < 1 {
                return None;
            }
            if to <= from {
                return Some(0);
            }
            let span = to.checked_sub(from)?;
            Some((span.checked_add(step - 1)? / step) as u64)
        }
        _ => None,
    }
}

/// An integer written as a number or a numeric string (not a template).
fn count_of(v: &Value) -> Option<i64> {
    match &v.kind {
        ValueKind::Int(i) => Some(*i),
        ValueKind::String(s) => s.trim().parse().ok(),
        _ => None,
    }
}

/// An object, or a string holding a JSON object (converted to values without spans).
fn object_of(v: &Value) -> Option<crate::load::Object> {
    match &v.kind {
        ValueKind::Object(o) => Some(o.clone()),
        ValueKind::String(s) if !s.contains("${") => {
            let json: serde_json::Value = serde_json::from_str(s).ok()?;
            let serde_json::Value::Object(map) = json else {
                return None;
            };
            let entries = map
                .into_iter()
                .map(|(k, val)| crate::load::Entry {
                    key: k,
                    key_span: v.span,
                    value: from_json(val, v.span),
                })
                .collect();
            Some(crate::load::Object { entries })
        }
        _ => None,
    }
}

fn from_json(j: serde_json::Value, span: crate::source::Span) -> Value {
    let kind = match j {
        serde_json::Value::Null => ValueKind::Null,
        serde_json::Value::Bool(b) => ValueKind::Bool(b),
        serde_json::Value::Number(n) => match n.as_i64() {
            Some(i) => ValueKind::Int(i),
            None => ValueKind::Float(n.as_f64().unwrap_or(0.0)),
        },
        serde_json::Value::String(s) => ValueKind::String(s),
        serde_json::Value::Array(a) => {
            ValueKind::Array(a.into_iter().map(|x| from_json(x, span)).collect())
        }
        serde_json::Value::Object(_) => ValueKind::String(j.to_string()),
    };
    Value::new(kind, span)
}

/// A plain-text plan of the document's workflow: the schedule with its next `sessions`
/// sessions from `now`, then the task tree with each task's operator and upstream siblings.
/// `None` for a document that is not a workflow.
pub fn plan_text(analysis: &DocumentAnalysis, now: Timestamp, sessions: usize) -> Option<String> {
    if analysis.kind != DocumentKind::Workflow {
        return None;
    }
    let model = analysis.model.as_ref()?;
    let tz = plan::workflow_zone(model);
    let zone = model
        .timezone
        .as_ref()
        .map_or("UTC".to_string(), |(z, _)| z.clone());
    let mut out = String::new();
    let _ = writeln!(out, "workflow {} (timezone {zone})", model.name);
    match plan::workflow_schedule(model) {
        Some(s) => {
            let _ = writeln!(out, "schedule: {}", plan::describe_schedule(&s));
            let next: Vec<_> = plan::next_sessions(&s, &tz, now, sessions)
                .into_iter()
                .filter(|s| !s.is_end())
                .collect();
            if next.is_empty() {
                let _ = writeln!(out, "  (no session: the schedule has ended)");
            }
            for s in next {
                let _ = writeln!(
                    out,
                    "  session {}  runs {}",
                    fmt_time(&s.session_time),
                    fmt_time(&s.run_time)
                );
            }
        }
        None => {
            let _ = writeln!(out, "schedule: none (runs only when started by hand)");
        }
    }
    let _ = writeln!(out, "tasks:");
    write_task(&mut out, &model.root, 1);
    Some(out)
}

fn write_task(out: &mut String, t: &Task, depth: usize) {
    let mut line = format!("{}{}", "  ".repeat(depth), t.name);
    if let Some(op) = t.operator() {
        let _ = write!(line, "  {op}>");
        if let TaskKind::Operator {
            command: Some(cmd), ..
        } = &t.kind
        {
            if let Some(n) = expansion_count(op, cmd) {
                let _ = write!(line, " ({n} generated)");
            }
        }
    }
    if !t.options.after.is_empty() {
        let names: Vec<&str> = t.options.after.iter().map(|(n, _)| n.as_str()).collect();
        let _ = write!(line, "  after {}", names.join(", "));
    }
    let _ = writeln!(out, "{line}");
    for c in &t.children {
        write_task(out, c, depth + 1);
    }
    if let Some(e) = &t.options.error {
        write_task(out, e, depth + 1);
    }
}
