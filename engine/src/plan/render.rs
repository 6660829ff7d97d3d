//! The plan as `wf plan` prints it and the language server's `wf.plan` command shows it:
//! text, JSON, Mermaid, Graphviz dot.

use super::params::{Param, ParamResolver, ParamSource, ParamState};
use super::{
    describe_schedule, Expansion, PlannedKind, PlannedTask, SimOptions, Simulation, TaskGraph,
};
use crate::load::{Object, Value};
use crate::schedule::{Schedule, Session};
use std::fmt::Write as _;

/// A time as `wf plan` shows it (RFC 3339 with the zone's offset).
pub fn fmt_time(z: &jiff::Zoned) -> String {
    z.strftime("%Y-%m-%dT%H:%M:%S%:z").to_string()
}

/// A planned workflow and what to show of it: what `wf plan` prints and the language
/// server's `wf.plan` command shows.
pub struct PlanView<'a> {
    /// The tasks as digdag would run them ([`super::plan_graph`]).
    pub graph: TaskGraph,
    /// The workflow's time zone.
    pub zone: String,
    pub schedule: Option<Schedule>,
    /// The sessions to list (unless `session` is set).
    pub sessions: Vec<Session>,
    /// `--session`: the planned session.
    pub session: Option<Session>,
    /// Parameters and session variables, for `show_params`.
    pub resolver: &'a ParamResolver,
    /// `--simulate`: start and end of each task with assumed durations.
    pub simulation: Option<Simulation>,
    /// How the simulation was set up, in words.
    pub simulation_setup: String,
    /// Whether to list each operator task's parameters.
    pub show_params: bool,
}

fn kind_and_operator(t: &PlannedTask) -> (&'static str, Option<&str>) {
    match &t.kind {
        PlannedKind::Group => ("group", None),
        PlannedKind::Operator(op) => ("operator", Some(op.as_str())),
    }
}

/// The parameters of operator task `i`: the `_export`s of it and its ancestors, its keys.
fn task_params(p: &PlanView<'_>, i: usize) -> Vec<Param> {
    let g = &p.graph;
    let mut chain = vec![i];
    let mut at = g.tasks[i].parent;
    while let Some(j) = at {
        chain.push(j);
        at = g.tasks[j].parent;
    }
    let exports: Vec<(&str, &Object)> = chain
        .iter()
        .rev()
        .filter_map(|&j| {
            g.tasks[j]
                .export
                .as_ref()
                .map(|e| (g.tasks[j].name.as_str(), e))
        })
        .collect();
    p.resolver
        .resolve(&exports, &g.tasks[i].name, &g.tasks[i].config)
}

/// Parameters worth printing: not built-ins (shown once) nor bodies of generated tasks.
fn shown(param: &Param) -> bool {
    param.source != ParamSource::Builtin && !matches!(param.key.as_str(), "_do" | "_else_do")
}

fn expansion_json(e: &Option<Expansion>) -> serde_json::Value {
    match e {
        None => serde_json::Value::Null,
        Some(Expansion::Static) => serde_json::json!({"state": "static"}),
        Some(Expansion::Dynamic(why)) => serde_json::json!({"state": "dynamic", "reason": why}),
        Some(Expansion::Fails(msg)) => serde_json::json!({"state": "fails", "reason": msg}),
    }
}

fn value_json(v: &Value) -> serde_json::Value {
    serde_json::from_str(&v.to_json()).unwrap_or(serde_json::Value::Null)
}

/// The plan as JSON (`wf plan --format json`).
pub fn json(p: &PlanView<'_>) -> String {
    let g = &p.graph;
    let tasks: Vec<serde_json::Value> = g
        .tasks
        .iter()
        .map(|t| {
            let (kind, op) = kind_and_operator(t);
            let mut o = serde_json::json!({
                "name": t.name,
                "parent": t.parent.map(|p| g.tasks[p].name.clone()),
                "kind": kind,
                "operator": op,
                "upstream": t.upstream.iter().map(|&u| g.tasks[u].name.clone()).collect::<Vec<_>>(),
                "generated": t.generated,
                "expansion": expansion_json(&t.expansion),
            });
            if let Some(sim) = &p.simulation {
                let tm = sim.timing[t.index];
                o["start"] = tm.start.into();
                o["end"] = tm.end.into();
                o["critical"] = sim.critical[t.index].into();
            }
            if p.show_params && op.is_some() {
                let params: Vec<serde_json::Value> = task_params(p, t.index)
                    .iter()
                    .filter(|x| shown(x))
                    .map(|x| {
                        let (state, reason) = match &x.state {
                            ParamState::Literal => ("literal", None),
                            ParamState::Evaluated => ("evaluated", None),
                            ParamState::Unresolved(r) => ("unresolved", Some(r.clone())),
                            ParamState::Failed(m) => ("fails", Some(m.clone())),
                        };
                        let source = match &x.source {
                            ParamSource::Override => "param".to_string(),
                            ParamSource::Export(t) => format!("_export of {t}"),
                            ParamSource::Builtin => "builtin".to_string(),
                            ParamSource::Local => "task".to_string(),
                        };
                        serde_json::json!({
                            "key": x.key,
                            "value": value_json(&x.value),
                            "written": value_json(&x.written),
                            "state": state,
                            "reason": reason,
                            "source": source,
                        })
                    })
                    .collect();
                o["params"] = params.into();
            }
            o
        })
        .collect();
    let sessions: Vec<serde_json::Value> = p
        .sessions
        .iter()
        .chain(p.session.as_ref())
        .map(|s| serde_json::json!({"session_time": fmt_time(&s.session_time), "run_time": fmt_time(&s.run_time)}))
        .collect();
    let mut v = serde_json::json!({
        "workflow": g.workflow,
        "timezone": p.zone,
        "schedule": p.schedule.as_ref().map(describe_schedule),
        "sessions": sessions,
        "tasks": tasks,
    });
    if p.show_params {
        let vars: serde_json::Map<String, serde_json::Value> = p
            .resolver
            .builtins()
            .entries
            .iter()
            .map(|e| (e.key.clone(), value_json(&e.value)))
            .collect();
        v["session_variables"] = vars.into();
    }
    if let Some(sim) = &p.simulation {
        v["makespan"] = sim.makespan.into();
    }
    let mut s = serde_json::to_string_pretty(&v).unwrap_or_default();
    s.push('\n');
    s
}

fn own_name(name: &str) -> &str {
    let cut = name.rfind(['+', '^']).unwrap_or(0);
    &name[cut..]
}

/// The plan as text: schedule, sessions, the task tree with steps (or the simulation), and
/// with `show_params` each operator task's parameters.
pub fn text(p: &PlanView<'_>) -> String {
    let g = &p.graph;
    let mut out = String::new();
    let _ = writeln!(out, "workflow {} (timezone {})", g.workflow, p.zone);
    match &p.schedule {
        Some(s) => {
            let _ = writeln!(out, "schedule: {}", describe_schedule(s));
        }
        None => {
            let _ = writeln!(out, "schedule: none (runs only when started by hand)");
        }
    }
    if let Some(s) = &p.session {
        let _ = writeln!(
            out,
            "session: {} (run time {})",
            fmt_time(&s.session_time),
            fmt_time(&s.run_time)
        );
    } else if p.schedule.is_some() {
        let _ = writeln!(out, "\n  {:<27} run time", "session time");
        let mut last_offset = None;
        for s in &p.sessions {
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
        if p.sessions.is_empty() {
            let _ = writeln!(out, "  (no session: the schedule has ended)");
        }
    }
    let (sim, header) = match &p.simulation {
        Some(sim) => (
            sim.clone(),
            format!(
                "\nsimulation ({}): ends at {}; * = critical path",
                p.simulation_setup, sim.makespan
            ),
        ),
        None => (
            g.simulate(&SimOptions {
                duration: &|_| 1,
                max_running: None,
            }),
            "\ntasks (step = when it can start if every task takes one step):".to_string(),
        ),
    };
    let _ = writeln!(out, "{header}");
    let mut depth = vec![0usize; g.tasks.len()];
    for t in &g.tasks {
        if let Some(parent) = t.parent {
            depth[t.index] = depth[parent] + 1;
        }
        let (_, op) = kind_and_operator(t);
        let own = own_name(&t.name);
        let label = match op {
            Some(op) => format!("{own}  {op}>"),
            None => own.to_string(),
        };
        let after = if t.upstream.is_empty() {
            String::new()
        } else {
            let names: Vec<&str> = t
                .upstream
                .iter()
                .map(|&u| own_name(&g.tasks[u].name))
                .collect();
            format!("  after {}", names.join(", "))
        };
        let note = match &t.expansion {
            Some(Expansion::Dynamic(why)) => format!("  (generates tasks at run time: {why})"),
            Some(Expansion::Fails(msg)) => format!("  (fails at run time: {msg})"),
            _ => String::new(),
        };
        let tm = sim.timing[t.index];
        let (when, mark) = if p.simulation.is_some() {
            (
                format!("{:>4}..{:<4}", tm.start, tm.end),
                if sim.critical[t.index] { " *" } else { "  " },
            )
        } else {
            (format!("step {}..{}", tm.start, tm.end), "")
        };
        let line = format!(
            "  {:<50} {when}{mark}{after}{note}",
            format!("{}{label}", "  ".repeat(depth[t.index]))
        );
        let _ = writeln!(out, "{}", line.trim_end());
    }
    if let Some(sim) = &p.simulation {
        let mut path: Vec<&PlannedTask> = g
            .tasks
            .iter()
            .filter(|t| sim.critical[t.index] && t.kind != PlannedKind::Group)
            .collect();
        path.sort_by_key(|t| (sim.timing[t.index].start, t.index));
        let mut names: Vec<&str> = path.iter().map(|t| t.name.as_str()).collect();
        if names.len() > 12 {
            // Long paths: the first and last tasks (every task is marked `*` above).
            let hidden = names.len() - 10;
            let tail = names.split_off(names.len() - 5);
            names.truncate(5);
            names.push("");
            names.extend(tail);
            let text = names.join(" -> ");
            let text = text.replace(" ->  -> ", &format!(" -> ({hidden} more) -> "));
            let _ = writeln!(out, "\ncritical path ({} tasks): {text}", path.len());
        } else {
            let _ = writeln!(out, "\ncritical path: {}", names.join(" -> "));
        }
    }
    if p.show_params {
        params_text(p, &mut out);
    }
    out
}

fn params_text(p: &PlanView<'_>, out: &mut String) {
    let g = &p.graph;
    match &p.session {
        Some(_) => {
            let _ = writeln!(
                out,
                "\nsession variables (every task; task_name is its name):"
            );
        }
        None => {
            let _ = writeln!(
                out,
                "\nsession variables (no --session: only these are known):"
            );
        }
    }
    for e in &p.resolver.builtins().entries {
        let _ = writeln!(out, "  {}: {}", e.key, e.value.to_json());
    }
    let _ = writeln!(out, "\nparameters of each operator task:");
    for t in &g.tasks {
        let PlannedKind::Operator(op) = &t.kind else {
            continue;
        };
        let _ = writeln!(out, "  {}  {op}>", t.name);
        for x in task_params(p, t.index).iter().filter(|x| shown(x)) {
            let mut notes: Vec<String> = Vec::new();
            match &x.state {
                ParamState::Literal => {}
                ParamState::Evaluated => notes.push(format!("from {}", x.written.to_json())),
                ParamState::Unresolved(why) => notes.push(format!("unresolved: {why}")),
                ParamState::Failed(msg) => notes.push(format!("fails: {msg}")),
            }
            match &x.source {
                ParamSource::Override => notes.push("-p".into()),
                ParamSource::Export(task) => notes.push(format!("_export of {task}")),
                ParamSource::Builtin | ParamSource::Local => {}
            }
            let note = if notes.is_empty() {
                String::new()
            } else {
                format!("  ({})", notes.join("; "))
            };
            let _ = writeln!(out, "    {}: {}{note}", x.key, x.value.to_json());
        }
    }
}

fn node_id(i: usize) -> String {
    format!("t{i}")
}

/// The task graph as a Mermaid flowchart.
pub fn mermaid(g: &TaskGraph) -> String {
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

/// The task graph as a Graphviz dot graph.
pub fn dot(g: &TaskGraph) -> String {
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
