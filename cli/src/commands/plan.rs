//! `wf plan WORKFLOW.dig`: the next sessions of the schedule and the task order digdag would
//! run, as a tree, JSON, Mermaid or Graphviz dot.

use std::fmt::Write as _;
use std::path::PathBuf;
use std::process::ExitCode;
use wf_engine::check::lint_project;
use wf_engine::load::DiskFileSystem;
use wf_engine::plan::{self, PlannedKind, TaskGraph};
use wf_engine::schedule::Session;
use wf_engine::Severity;

/// Output formats of `wf plan`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// Schedule in words, a session table and the task tree with start/end steps.
    Text,
    /// `{"workflow","timezone","schedule","sessions":[...],"tasks":[...]}`.
    Json,
    /// A Mermaid flowchart of the task graph.
    Mermaid,
    /// A Graphviz dot graph of the task graph.
    Dot,
}

/// Arguments of `wf plan`.
#[derive(clap::Args)]
pub struct PlanArgs {
    /// The workflow file.
    workflow: PathBuf,
    /// How many sessions to list.
    #[arg(long, default_value_t = 5)]
    sessions: usize,
    /// List sessions whose run time is at or after this instant (RFC 3339, e.g.
    /// `2026-03-01T00:00:00Z`); default: now.
    #[arg(long)]
    from: Option<String>,
    /// With `--from`: list every session before this instant instead (a backfill preview).
    #[arg(long)]
    to: Option<String>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    format: Format,
}

fn parse_instant(s: &str) -> Result<jiff::Timestamp, String> {
    s.parse::<jiff::Timestamp>().map_err(|e| {
        format!("invalid instant {s:?} (use RFC 3339, e.g. 2026-03-01T00:00:00Z): {e}")
    })
}

fn fmt_time(z: &jiff::Zoned) -> String {
    z.strftime("%Y-%m-%dT%H:%M:%S%:z").to_string()
}

/// Runs `wf plan`.
pub fn run(args: PlanArgs) -> Result<ExitCode, String> {
    let path = args
        .workflow
        .canonicalize()
        .map_err(|e| format!("{}: {e}", args.workflow.display()))?;
    let root = path.parent().map(|p| p.to_path_buf()).unwrap_or_default();
    let report = lint_project(&DiskFileSystem, &root, std::slice::from_ref(&path));
    let errors: Vec<_> = report
        .diagnostics
        .iter()
        .filter(|d| d.severity == Severity::Error)
        .collect();
    if !errors.is_empty() || report.workflows.is_empty() {
        eprintln!(
            "wf: {} has {} error(s); run `wf lint {}` to see them",
            args.workflow.display(),
            errors.len(),
            args.workflow.display()
        );
        return Ok(ExitCode::from(1));
    }
    let wf = &report.workflows[0];
    let tz = plan::workflow_zone(wf);
    let schedule = plan::workflow_schedule(wf);
    let from = match &args.from {
        Some(s) => parse_instant(s)?,
        None => jiff::Timestamp::now(),
    };
    let sessions: Vec<Session> = match (&schedule, &args.to) {
        (Some(s), Some(to)) => plan::sessions_between(s, &tz, from, parse_instant(to)?, 100_000),
        (Some(s), None) => plan::next_sessions(s, &tz, from, args.sessions),
        (None, _) => Vec::new(),
    };
    let graph = plan::compile_graph(wf);
    let zone = wf
        .timezone
        .as_ref()
        .map_or("UTC".to_string(), |(z, _)| z.clone());
    let out = match args.format {
        Format::Json => json(&graph, &zone, schedule.as_ref(), &sessions),
        Format::Mermaid => mermaid(&graph),
        Format::Dot => dot(&graph),
        Format::Text => text(&graph, &zone, schedule.as_ref(), &sessions),
    };
    print!("{out}");
    Ok(ExitCode::SUCCESS)
}

fn kind_and_operator(t: &wf_engine::plan::PlannedTask) -> (&'static str, Option<&str>) {
    match &t.kind {
        PlannedKind::Group => ("group", None),
        PlannedKind::Operator(op) => ("operator", Some(op.as_str())),
    }
}

fn json(
    g: &TaskGraph,
    zone: &str,
    schedule: Option<&wf_engine::schedule::Schedule>,
    sessions: &[Session],
) -> String {
    let tasks: Vec<serde_json::Value> = g
        .tasks
        .iter()
        .map(|t| {
            let (kind, op) = kind_and_operator(t);
            serde_json::json!({
                "name": t.name,
                "parent": t.parent.map(|p| g.tasks[p].name.clone()),
                "kind": kind,
                "operator": op,
                "upstream": t.upstream.iter().map(|&u| g.tasks[u].name.clone()).collect::<Vec<_>>(),
            })
        })
        .collect();
    let sessions: Vec<serde_json::Value> = sessions
        .iter()
        .map(|s| serde_json::json!({"session_time": fmt_time(&s.session_time), "run_time": fmt_time(&s.run_time)}))
        .collect();
    let v = serde_json::json!({
        "workflow": g.workflow,
        "timezone": zone,
        "schedule": schedule.map(plan::describe_schedule),
        "sessions": sessions,
        "tasks": tasks,
    });
    let mut s = serde_json::to_string_pretty(&v).unwrap_or_default();
    s.push('\n');
    s
}

fn text(
    g: &TaskGraph,
    zone: &str,
    schedule: Option<&wf_engine::schedule::Schedule>,
    sessions: &[Session],
) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "workflow {} (timezone {zone})", g.workflow);
    match schedule {
        Some(s) => {
            let _ = writeln!(out, "schedule: {}", plan::describe_schedule(s));
            let _ = writeln!(out, "\n  {:<27} run time", "session time");
            let mut last_offset = None;
            for s in sessions {
                let offset = s.run_time.offset();
                let mark = if s.session_time.offset() != offset {
                    "  <- DST change between session and run time"
                } else {
                    match last_offset {
                        Some(o) if o != offset => "  <- UTC offset changes (DST)",
                        _ => "",
                    }
                };
                last_offset = Some(offset);
                let line = format!(
                    "  {:<27} {:<27}{mark}",
                    fmt_time(&s.session_time),
                    fmt_time(&s.run_time)
                );
                let _ = writeln!(out, "{}", line.trim_end());
            }
            if sessions.is_empty() {
                let _ = writeln!(out, "  (no session: the schedule has ended)");
            }
        }
        None => {
            let _ = writeln!(out, "schedule: none (runs only when started by hand)");
        }
    }
    let timing = g
        .simulate(&plan::SimOptions {
            duration: &|_| 1,
            max_running: None,
        })
        .timing;
    let _ = writeln!(
        out,
        "\ntasks (step = when it can start if every task takes one step):"
    );
    for t in &g.tasks {
        let depth = {
            let mut d = 0;
            let mut p = t.parent;
            while let Some(i) = p {
                d += 1;
                p = g.tasks[i].parent;
            }
            d
        };
        let (_, op) = kind_and_operator(t);
        let own = t
            .name
            .rsplit_once(['+', '^'])
            .map_or(t.name.as_str(), |(_, n)| n);
        let sigil = &t.name[t.name.len() - own.len() - 1..t.name.len() - own.len()];
        let label = match op {
            Some(op) => format!("{sigil}{own}  {op}>"),
            None => format!("{sigil}{own}"),
        };
        let after = if t.upstream.is_empty() {
            String::new()
        } else {
            let names: Vec<String> = t
                .upstream
                .iter()
                .map(|&u| {
                    let n = &g.tasks[u].name;
                    n.rsplit_once('+')
                        .map_or(n.clone(), |(_, x)| format!("+{x}"))
                })
                .collect();
            format!("  after {}", names.join(", "))
        };
        let tm = timing[t.index];
        let _ = writeln!(
            out,
            "  {:<50} step {}..{}{after}",
            format!("{}{label}", "  ".repeat(depth)),
            tm.start,
            tm.end
        );
    }
    out
}

fn node_id(i: usize) -> String {
    format!("t{i}")
}

fn mermaid(g: &TaskGraph) -> String {
    let mut out = String::from("flowchart TD\n");
    for t in &g.tasks {
        let (_, op) = kind_and_operator(t);
        let label = match op {
            Some(op) => format!("{}<br/>{op}>", t.name),
            None => t.name.clone(),
        };
        let _ = writeln!(
            out,
            "  {}[\"{}\"]",
            node_id(t.index),
            label.replace('"', "#quot;")
        );
    }
    for t in &g.tasks {
        if let Some(p) = t.parent {
            let _ = writeln!(out, "  {} -.- {}", node_id(p), node_id(t.index));
        }
        for &u in &t.upstream {
            let _ = writeln!(out, "  {} --> {}", node_id(u), node_id(t.index));
        }
    }
    out
}

fn dot(g: &TaskGraph) -> String {
    let mut out = String::from("digraph workflow {\n  rankdir=LR;\n");
    for t in &g.tasks {
        let (kind, op) = kind_and_operator(t);
        let label = match op {
            Some(op) => format!("{}\\n{op}>", t.name),
            None => t.name.clone(),
        };
        let shape = if kind == "group" { "folder" } else { "box" };
        let _ = writeln!(
            out,
            "  {} [label=\"{}\", shape={shape}];",
            node_id(t.index),
            label.replace('"', "\\\"")
        );
    }
    for t in &g.tasks {
        if let Some(p) = t.parent {
            let _ = writeln!(
                out,
                "  {} -> {} [style=dotted, arrowhead=none];",
                node_id(p),
                node_id(t.index)
            );
        }
        for &u in &t.upstream {
            let _ = writeln!(out, "  {} -> {};", node_id(u), node_id(t.index));
        }
    }
    out.push_str("}\n");
    out
}
