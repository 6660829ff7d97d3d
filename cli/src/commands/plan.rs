//! `wf plan WORKFLOW.dig`: the next sessions of the schedule and the task order digdag would
//! run (with what `loop>`, `for_each>`, `for_range>`, `if>` and `call>` generate, when known),
//! as a tree, JSON, Mermaid or Graphviz dot; optionally each task's parameters for one session
//! and a simulation with assumed durations.

use std::path::PathBuf;
use std::process::ExitCode;
use wf_engine::check::lint_project;
use wf_engine::load::{DiskFileSystem, Object};
use wf_engine::plan::params::ParamResolver;
use wf_engine::plan::render::{self, PlanView};
use wf_engine::plan::{self, Durations, SimOptions};
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

/// The project's declared parameters (`wf.toml` `[params]`), then `-p` ones.
fn overrides(root: &std::path::Path, args: &[String]) -> Result<Object, String> {
    let mut params = plan::declared_params(&DiskFileSystem, root);
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
    let zone = plan::workflow_zone_name(wf);
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
    let graph = plan::plan_project_graph(&DiskFileSystem, &root, wf, &resolver);
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
    let planned = PlanView {
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
        Format::Json => render::json(&planned),
        Format::Mermaid => render::mermaid(&planned.graph),
        Format::Dot => render::dot(&planned.graph),
        Format::Text => render::text(&planned),
    };
    print!("{out}");
    Ok(ExitCode::SUCCESS)
}
