//! Inlay hints (the next run beside `schedule`, the number of tasks a static loop expands
//! to) and the plan summary behind the "Plan" code lens.

use super::{DocumentAnalysis, DocumentKind};
use crate::check::rules::all_tasks;
use crate::load::{Value, ValueKind};
use crate::model::{Task, TaskKind};
use crate::plan::{self, expand};
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
        let (label, tooltip) = match expansion(t) {
            None => return,
            Some(Ok(n)) => {
                let what = if n == 1 { "task" } else { "tasks" };
                (
                    format!("{n} {what}"),
                    format!("`{name}>` generates {n} {what} from `_do` at run time (each a copy of `_do`)"),
                )
            }
            Some(Err(e)) => (
                "fails".to_string(),
                format!("digdag fails this `{name}>` task: {e}"),
            ),
        };
        out.push(InlayHint {
            offset: cmd.span.end,
            label,
            tooltip,
            kind: HintKind::Expansion,
        });
    });
    out.sort_by_key(|h| h.offset);
    out
}

/// How many tasks a `loop>`, `for_each>` or `for_range>` task generates from its `_do`, when
/// its command is written in the file (no `${...}`): `Ok(count)`, or the error digdag fails
/// the task with (too many subtasks, a bad range). Counted by generating the subtasks with
/// [`plan::expand`](crate::plan::expand), as digdag's operators do.
pub fn expansion(task: &Task) -> Option<Result<usize, String>> {
    let TaskKind::Operator {
        name,
        command: Some(cmd),
        ..
    } = &task.kind
    else {
        return None;
    };
    let mut dynamic = false;
    cmd.for_each_string(&mut |s, _| dynamic |= s.contains("${"));
    if dynamic {
        return None;
    }
    let null = Value::new(ValueKind::Null, cmd.span);
    let do_ = task.options.do_.as_ref().unwrap_or(&null);
    let generated = match name.as_str() {
        "loop" => {
            let count = expand::as_long(cmd)?;
            expand::loop_subtasks(count, do_, None)
        }
        "for_each" => expand::for_each_subtasks(cmd, do_, None),
        "for_range" => {
            // `plan::expand` does unchecked arithmetic on these: no hint for huge values.
            if let Ok(cfg) = expand::parse_nested(cmd, "_command") {
                let huge = ["from", "to", "step", "slices"].iter().any(|k| {
                    cfg.get(k)
                        .and_then(expand::as_long)
                        .is_some_and(|v| v.unsigned_abs() > (i64::MAX / 4) as u64)
                });
                if huge {
                    return None;
                }
            }
            expand::for_range_subtasks(cmd, do_, None)
        }
        _ => return None,
    };
    Some(generated.map(|o| o.entries.iter().filter(|e| e.key.starts_with('+')).count()))
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
        if let Some(n) = expansion(t).and_then(Result::ok) {
            let _ = write!(line, " ({n} generated)");
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
