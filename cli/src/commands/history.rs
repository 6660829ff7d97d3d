//! The run history of a project, as `tdx wf` shows a server's: `wf sessions`, `wf attempts`,
//! `wf attempt ID`, `wf tasks ATTEMPT`, `wf logs ATTEMPT [+task]`, `wf retry ATTEMPT`,
//! `wf kill ATTEMPT`.

use super::run::RunArgs;
use std::path::PathBuf;
use std::process::ExitCode;
use wf_engine::load::json::parse_json;
use wf_engine::run::history::{history_path, AttemptRow, History};

/// Where the history is: the project directory.
#[derive(clap::Args)]
pub struct ProjectArg {
    /// The project directory (default: the current directory).
    #[arg(long, default_value = ".")]
    pub project: PathBuf,
}

/// Arguments of `wf sessions` / `wf attempts`.
#[derive(clap::Args)]
pub struct ListArgs {
    #[command(flatten)]
    pub project: ProjectArg,
    /// How many rows to show.
    #[arg(long, default_value_t = 20)]
    pub limit: usize,
}

/// Arguments naming one attempt.
#[derive(clap::Args)]
pub struct AttemptArgs {
    /// The attempt id (`wf attempts` lists them).
    pub attempt: i64,
    #[command(flatten)]
    pub project: ProjectArg,
}

/// Arguments of `wf logs`.
#[derive(clap::Args)]
pub struct LogsArgs {
    /// The attempt id.
    pub attempt: i64,
    /// Only this task (a suffix of its full name, e.g. `+load`).
    pub task: Option<String>,
    #[command(flatten)]
    pub project: ProjectArg,
}

/// Arguments of `wf retry`.
#[derive(clap::Args)]
pub struct RetryArgs {
    /// The attempt to retry.
    pub attempt: i64,
    /// Run this task and every task that started after it again, even if they succeeded.
    #[arg(long, value_name = "+TASK")]
    pub from_task: Option<String>,
    #[command(flatten)]
    pub project: ProjectArg,
}

fn open(p: &ProjectArg) -> Result<History, String> {
    let path = history_path(&p.project);
    if !path.is_file() {
        return Err(format!(
            "no run history in {} (it is written by `wf run`)",
            p.project.display()
        ));
    }
    History::open(&p.project)
}

/// `wf sessions`.
pub fn sessions(args: ListArgs) -> Result<ExitCode, String> {
    let h = open(&args.project)?;
    println!(
        "{:>4}  {:<25}  {:<8}  {:>8}  workflow",
        "id", "session time", "status", "attempts"
    );
    for s in h.sessions(args.limit)? {
        println!(
            "{:>4}  {:<25}  {:<8}  {:>8}  {}",
            s.id, s.session_time, s.status, s.attempts, s.workflow
        );
    }
    Ok(ExitCode::SUCCESS)
}

fn print_attempt_header() {
    println!(
        "{:>4}  {:<25}  {:<8}  {:<24}  {:<24}  workflow",
        "id", "session time", "status", "started", "finished"
    );
}

fn print_attempt(a: &AttemptRow) {
    println!(
        "{:>4}  {:<25}  {:<8}  {:<24}  {:<24}  {}",
        a.id,
        a.session_time,
        a.status,
        a.started_at,
        a.finished_at.as_deref().unwrap_or("-"),
        a.workflow
    );
}

/// `wf attempts`.
pub fn attempts(args: ListArgs) -> Result<ExitCode, String> {
    let h = open(&args.project)?;
    print_attempt_header();
    for a in h.attempts(args.limit)? {
        print_attempt(&a);
    }
    Ok(ExitCode::SUCCESS)
}

fn find_attempt(h: &History, id: i64) -> Result<AttemptRow, String> {
    h.attempt(id)?
        .ok_or_else(|| format!("attempt {id} does not exist (`wf attempts` lists them)"))
}

/// `wf attempt ID`.
pub fn attempt(args: AttemptArgs) -> Result<ExitCode, String> {
    let h = open(&args.project)?;
    let a = find_attempt(&h, args.attempt)?;
    println!("attempt:      {}", a.id);
    println!("workflow:     {} ({})", a.workflow, a.file);
    println!("session time: {}", a.session_time);
    println!("status:       {}", a.status);
    println!("started:      {}", a.started_at);
    println!("finished:     {}", a.finished_at.as_deref().unwrap_or("-"));
    println!("params:       {}", a.params);
    let tasks = h.tasks(a.id)?;
    let count = |s: &str| tasks.iter().filter(|t| t.state == s).count();
    println!(
        "tasks:        {} succeeded, {} resumed, {} failed",
        count("success"),
        count("resumed"),
        count("error")
    );
    Ok(ExitCode::SUCCESS)
}

/// `wf tasks ATTEMPT`.
pub fn tasks(args: AttemptArgs) -> Result<ExitCode, String> {
    let h = open(&args.project)?;
    find_attempt(&h, args.attempt)?;
    println!(
        "{:<10}  {:>7}  {:<24}  task",
        "state", "retries", "finished"
    );
    for t in h.tasks(args.attempt)? {
        println!(
            "{:<10}  {:>7}  {:<24}  {}",
            t.state,
            t.retries,
            t.finished_at.as_deref().unwrap_or("-"),
            t.name
        );
        if let Some(e) = &t.error {
            println!("{:<10}  {:>7}  {:<24}    {e}", "", "", "");
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// `wf logs ATTEMPT [+task]`.
pub fn logs(args: LogsArgs) -> Result<ExitCode, String> {
    let h = open(&args.project)?;
    find_attempt(&h, args.attempt)?;
    for (task, at, line) in h.logs(args.attempt, args.task.as_deref())? {
        println!("{at} {task}: {line}");
    }
    Ok(ExitCode::SUCCESS)
}

/// `wf retry ATTEMPT`: runs the attempt's session again; tasks that succeeded are resumed.
pub fn retry(args: RetryArgs) -> Result<ExitCode, String> {
    let h = open(&args.project)?;
    let a = find_attempt(&h, args.attempt)?;
    let mut rerun = Vec::new();
    if let Some(pattern) = &args.from_task {
        let tasks = h.tasks(a.id)?;
        let first = tasks
            .iter()
            .position(|t| t.name.ends_with(pattern.as_str()))
            .ok_or_else(|| {
                format!(
                    "Task pattern '{pattern}' doesn't match with any tasks of attempt {}.",
                    a.id
                )
            })?;
        rerun = tasks[first..].iter().map(|t| t.name.clone()).collect();
    }
    let params = parse_json(&a.params, wf_engine::Span::new(wf_engine::FileId(0), 0, 0))
        .ok()
        .and_then(|v| v.as_object().cloned())
        .unwrap_or_default();
    drop(h);
    super::run::run(RunArgs {
        workflow: PathBuf::from(&a.file),
        task: None,
        params: Vec::new(),
        params_file: None,
        session: a.session_time.clone(),
        rerun: false,
        start: None,
        end: None,
        dry_run: false,
        show_params: false,
        mock: None,
        max_parallel: 8,
        json_logs: false,
        no_history: false,
        preset_params: params,
        rerun_tasks: rerun,
    })
}

/// `wf kill ATTEMPT`: stops the process running a `running` attempt.
pub fn kill(args: AttemptArgs) -> Result<ExitCode, String> {
    let mut h = open(&args.project)?;
    let a = find_attempt(&h, args.attempt)?;
    if a.status != "running" {
        return Err(format!(
            "attempt {} is not running (status: {})",
            a.id, a.status
        ));
    }
    let pid = a
        .pid
        .ok_or_else(|| format!("attempt {} has no process id", a.id))?;
    let status = std::process::Command::new("kill")
        .arg("-TERM")
        .arg(pid.to_string())
        .status()
        .map_err(|e| format!("kill: {e}"))?;
    // Whether or not the process was still there, the attempt is over.
    h.finish_attempt(a.id, false)?;
    if status.success() {
        println!("killed attempt {} (process {pid})", a.id);
    } else {
        println!("attempt {} marked failed (process {pid} was gone)", a.id);
    }
    Ok(ExitCode::SUCCESS)
}
