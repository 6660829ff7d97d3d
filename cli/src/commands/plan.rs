//! `wf plan WORKFLOW.dig`: the next sessions of the schedule and the task order digdag would
//! run (with what `loop>`, `for_each>`, `for_range>`, `if>` and `call>` generate, when known),
//! as a tree, JSON, Mermaid or Graphviz dot; optionally each task's parameters for one session
//! and a simulation with assumed durations.

use std::fmt::Write as _;
use std::path::PathBuf;
use std::process::ExitCode;
use wf_engine::check::lint_project;
use wf_engine::load::{DiskFileSystem, Loader, Object, Value};
use wf_engine::plan::params::{Param, ParamResolver, ParamSource, ParamState};
use wf_engine::plan::{
    self, Durations, Expansion, PlanOptions, PlannedKind, PlannedTask, ProjectCalls, SimOptions,
    Simulation, TaskGraph,
};
use wf_engine::schedule::{Schedule, Session};
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
    /// Plan this one session: an RFC 3339 instant, `yyyy-MM-dd` or `"yyyy-MM-dd HH:mm:ss"`
    /// (workflow time zone). Its built-in variables let templates be evaluated.
    #[arg(long, value_name = "INSTANT")]
    session: Option<String>,
    /// Print each operator task's parameters (`-p`, `_export` chain, built-ins of the
    /// `--session`, own keys) with templates evaluated where their inputs are known.
    #[arg(long)]
    show_params: bool,
    /// A parameter (`-p key=value`; dots nest: `-p td.database=x`). Repeatable.
    #[arg(short = 'p', long = "param", value_name = "KEY=VALUE")]
    params: Vec<String>,
    /// Show when each task would start and finish with assumed durations (1 unit per
    /// operator task, or `--durations`), and mark the critical path.
    #[arg(long)]
    simulate: bool,
    /// With `--simulate`: a YAML or JSON map of task name (or name suffix such as `+load`)
    /// to duration units; `default: N` for the others. `history`: the milliseconds each
    /// task took in the last successful `wf run` (others: the median).
    #[arg(long, value_name = "FILE")]
    durations: Option<PathBuf>,
    /// With `--simulate`: at most this many operator tasks at once (like `digdag run
    /// --max-task-threads`); default: no limit.
    #[arg(long, value_name = "N")]
    max_task_threads: Option<usize>,
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

/// Everything the outputs need.
struct Planned<'a> {
    graph: TaskGraph,
    zone: String,
    schedule: Option<Schedule>,
    sessions: Vec<Session>,
    /// `--session`: the planned session.
    session: Option<Session>,
    resolver: &'a ParamResolver,
    simulation: Option<Simulation>,
    /// How the simulation was set up, in words.
    simulation_setup: String,
    show_params: bool,
}

/// The project's declared parameters (`wf.toml` `[params]`), then `-p` ones.
fn overrides(root: &std::path::Path, args: &[String]) -> Result<Object, String> {
    let fs = DiskFileSystem;
    let mut loader = Loader::new(&fs);
    let config = wf_engine::load::config::load_config(&mut loader, &fs, root);
    let mut params = config
        .params
        .as_ref()
        .and_then(Value::as_object)
        .cloned()
        .unwrap_or_default();
    for p in args {
        wf_engine::run::params::parse_param_arg(p, &mut params)?;
    }
    Ok(params)
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
    let durations = match &args.durations {
        Some(file) if file.as_os_str() == "history" => {
            let root = path.parent().map(|p| p.to_path_buf()).unwrap_or_default();
            if !wf_engine::run::history::history_path(&root).is_file() {
                return Err(format!(
                    "--durations history: no run history in {} (`wf run` writes it)",
                    root.display()
                ));
            }
            let h = wf_engine::run::history::History::open(&root)?;
            let name = wf_engine::check::workflow_name(&root, &path);
            let measured = h.last_durations(&name)?;
            if measured.is_empty() {
                return Err(format!(
                    "--durations history: no successful task of {name} in the run history"
                ));
            }
            // Tasks that never ran get the median of the measured ones.
            let mut ms: Vec<u64> = measured.iter().map(|(_, d)| *d).collect();
            ms.sort_unstable();
            let median = ms[ms.len() / 2];
            Some(Durations::new(measured, median))
        }
        Some(file) => {
            let text =
                std::fs::read_to_string(file).map_err(|e| format!("{}: {e}", file.display()))?;
            Some(Durations::parse(&text).map_err(|e| format!("{}: {e}", file.display()))?)
        }
        None => None,
    };
    if (durations.is_some() || args.max_task_threads.is_some()) && !args.simulate {
        return Err("--durations and --max-task-threads need --simulate".into());
    }
    if args.max_task_threads == Some(0) {
        return Err("--max-task-threads must be at least 1".into());
    }
    let wf = &report.workflows[0];
    let tz = plan::workflow_zone(wf);
    let schedule = plan::workflow_schedule(wf);
    let zone = wf
        .timezone
        .as_ref()
        .map_or("UTC".to_string(), |(z, _)| z.clone());
    let session = match &args.session {
        Some(s) => Some(plan::session_at(s, schedule.as_ref(), &tz)?),
        None => None,
    };
    let sessions: Vec<Session> = if session.is_some() {
        Vec::new()
    } else {
        let from = match &args.from {
            Some(s) => parse_instant(s)?,
            None => jiff::Timestamp::now(),
        };
        match (&schedule, &args.to) {
            (Some(s), Some(to)) => {
                plan::sessions_between(s, &tz, from, parse_instant(to)?, 100_000)
            }
            (Some(s), None) => plan::next_sessions(s, &tz, from, args.sessions),
            (None, _) => Vec::new(),
        }
    };
    let session_vars = session.as_ref().map(|s| {
        (
            plan::params::session_variables(&zone, &tz, schedule.as_ref(), s),
            s.run_time.timestamp().as_millisecond(),
        )
    });
    let resolver = ParamResolver::new(overrides(&root, &args.params)?, session_vars, &zone);
    let calls = ProjectCalls::new(&DiskFileSystem, &root);
    let graph = plan::plan_graph(
        wf,
        &PlanOptions {
            params: &resolver,
            calls: Some(&calls),
            max_tasks: 100_000,
        },
    );
    let durations = durations.unwrap_or_default();
    for name in durations.unmatched(&graph) {
        eprintln!("wf: warning: durations: `{name}` matches no task of the plan");
    }
    let simulation = args.simulate.then(|| {
        graph.simulate(&SimOptions {
            duration: &|t| durations.of(t),
            max_running: args.max_task_threads,
        })
    });
    let simulation_setup = format!(
        "{}, {}",
        match &args.durations {
            Some(f) => format!("durations from {}", f.display()),
            None => "1 unit per operator task".into(),
        },
        match args.max_task_threads {
            Some(n) => format!("at most {n} at once"),
            None => "no thread limit".into(),
        }
    );
    let planned = Planned {
        graph,
        zone,
        schedule,
        sessions,
        session,
        resolver: &resolver,
        simulation,
        simulation_setup,
        show_params: args.show_params,
    };
    let out = match args.format {
        Format::Json => json(&planned),
        Format::Mermaid => mermaid(&planned.graph),
        Format::Dot => dot(&planned.graph),
        Format::Text => text(&planned),
    };
    print!("{out}");
    Ok(ExitCode::SUCCESS)
}

fn kind_and_operator(t: &PlannedTask) -> (&'static str, Option<&str>) {
    match &t.kind {
        PlannedKind::Group => ("group", None),
        PlannedKind::Operator(op) => ("operator", Some(op.as_str())),
    }
}

/// The parameters of operator task `i`: the `_export`s of it and its ancestors, its keys.
fn task_params(p: &Planned<'_>, i: usize) -> Vec<Param> {
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

fn json(p: &Planned<'_>) -> String {
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
        "schedule": p.schedule.as_ref().map(plan::describe_schedule),
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

fn text(p: &Planned<'_>) -> String {
    let g = &p.graph;
    let mut out = String::new();
    let _ = writeln!(out, "workflow {} (timezone {})", g.workflow, p.zone);
    match &p.schedule {
        Some(s) => {
            let _ = writeln!(out, "schedule: {}", plan::describe_schedule(s));
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

fn params_text(p: &Planned<'_>, out: &mut String) {
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
