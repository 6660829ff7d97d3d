//! Inlay hints (the next run beside `schedule`, the number of tasks a static loop expands
//! to) and the plan summary behind the "Plan" code lens.

use super::{DocumentAnalysis, DocumentKind};
use crate::check::rules::all_tasks;
use crate::load::{FileSystem, Value, ValueKind};
use crate::model::{Task, TaskKind};
use crate::plan::params::ParamResolver;
use crate::plan::render::{self, PlanView};
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

/// The plan of the document's workflow as `wf plan FILE --sessions N` prints it: the
/// schedule and its next `sessions` sessions from `now`, then the task tree with what loops
/// and `call>` generate and the step each task can start at. `wf.toml` parameters and called
/// workflows are read through `fs`. `None` for a document that is not a workflow.
pub fn plan_text(
    fs: &dyn FileSystem,
    analysis: &DocumentAnalysis,
    now: Timestamp,
    sessions: usize,
) -> Option<String> {
    if analysis.kind != DocumentKind::Workflow {
        return None;
    }
    let model = analysis.model.as_ref()?;
    let tz = plan::workflow_zone(model);
    let schedule = plan::workflow_schedule(model);
    let zone = plan::workflow_zone_name(model);
    let sessions = schedule
        .as_ref()
        .map(|s| plan::next_sessions(s, &tz, now, sessions))
        .unwrap_or_default();
    let resolver = ParamResolver::new(plan::declared_params(fs, &analysis.root), None, &zone);
    let graph = plan::plan_project_graph(fs, &analysis.root, model, &resolver);
    Some(render::text(&PlanView {
        graph,
        zone,
        schedule,
        sessions,
        session: None,
        resolver: &resolver,
        simulation: None,
        simulation_setup: String::new(),
        show_params: false,
    }))
}
