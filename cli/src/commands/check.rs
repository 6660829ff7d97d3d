//! `wf check [DIR]`: the summary `digdag check` prints (definitions, task counts, `require>`
//! targets, schedules with their first session), followed by what `wf lint` knows better.

use std::fmt::Write as _;
use std::path::PathBuf;
use std::process::ExitCode;
use wf_engine::check::{lint_project, require_targets};
use wf_engine::load::project::workflow_files;
use wf_engine::load::{DiskFileSystem, ValueKind};
use wf_engine::plan;
use wf_engine::Severity;

/// Arguments of `wf check`.
#[derive(clap::Args)]
pub struct CheckArgs {
    /// The project directory.
    #[arg(default_value = ".")]
    project: PathBuf,
    /// Compute the first sessions from this instant instead of now (RFC 3339).
    #[arg(long)]
    now: Option<String>,
}

/// Runs `wf check`: exit 1 when the project has errors.
pub fn run(args: CheckArgs) -> Result<ExitCode, String> {
    let workflows =
        workflow_files(&args.project).map_err(|e| format!("{}: {e}", args.project.display()))?;
    let report = lint_project(&DiskFileSystem, &args.project, &workflows);
    let now = match &args.now {
        Some(s) => s
            .parse::<jiff::Timestamp>()
            .map_err(|e| format!("invalid --now {s:?}: {e}"))?,
        None => jiff::Timestamp::now(),
    };
    let system = jiff::tz::TimeZone::system();
    let mut out = String::new();
    let _ = writeln!(
        out,
        "  System default timezone: {}\n",
        system.iana_name().unwrap_or("UTC")
    );
    let _ = writeln!(out, "  Definitions ({} workflows):", report.workflows.len());
    for wf in &report.workflows {
        let graph = plan::compile_graph(wf);
        let _ = writeln!(out, "    {} ({} tasks)", wf.name, graph.tasks.len());
        let targets = require_targets(wf);
        for t in targets {
            let _ = writeln!(out, "      -> {t}");
        }
    }
    let _ = writeln!(out, "\n  Parameters:\n    {{}}\n");
    let scheduled: Vec<_> = report
        .workflows
        .iter()
        .filter(|w| w.root.options.schedule.is_some())
        .collect();
    let _ = writeln!(out, "  Schedules ({} entries):", scheduled.len());
    for wf in scheduled {
        let _ = writeln!(out, "    {}:", wf.name);
        if let Some(ValueKind::Object(o)) = wf.root.options.schedule.as_ref().map(|v| &v.kind) {
            for e in &o.entries {
                let _ = writeln!(out, "      {}: {}", e.key, e.value.to_json());
            }
        }
        let tz = plan::workflow_zone(wf);
        if let Some(s) =
            plan::workflow_schedule(wf).and_then(|s| s.first_session_at_or_after(now, &tz))
        {
            let fmt = |z: &jiff::Zoned| {
                z.with_time_zone(system.clone())
                    .strftime("%Y-%m-%d %H:%M:%S %z")
                    .to_string()
            };
            let wait = s.run_time.timestamp().as_second() - now.as_second();
            let (h, m, sec) = (wait / 3600, (wait % 3600) / 60, wait % 60);
            let _ = writeln!(out, "      first session time: {}", fmt(&s.session_time));
            let _ = writeln!(
                out,
                "      first scheduled to run at: {} (in {h}h {m}m {sec}s)",
                fmt(&s.run_time)
            );
        }
    }
    let errors = report
        .diagnostics
        .iter()
        .filter(|d| d.severity == Severity::Error)
        .count();
    let warnings = report
        .diagnostics
        .iter()
        .filter(|d| d.severity == Severity::Warning)
        .count();
    let _ = writeln!(
        out,
        "\n  wf lint: {errors} error{}, {warnings} warning{} (run `wf lint {}` for details)",
        if errors == 1 { "" } else { "s" },
        if warnings == 1 { "" } else { "s" },
        args.project.display()
    );
    print!("{out}");
    Ok(if errors > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}
