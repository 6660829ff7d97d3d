//! The run history of a project, as `tdx wf` shows a server's: `wf sessions`, `wf attempts`,
//! `wf attempt ID`, `wf tasks ATTEMPT`, `wf logs ATTEMPT [+task]`, `wf retry ATTEMPT`,
//! `wf kill ATTEMPT`.

use super::run::RunArgs;
use super::run_stop;
use std::path::PathBuf;
use std::process::ExitCode;
use wf_engine::load::json::parse_json;
use wf_engine::run::history::{history_path, AttemptRow, History, ProcessRow};

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
    let killed = match count("killed") {
        0 => String::new(),
        n => format!(", {n} killed"),
    };
    println!(
        "tasks:        {} succeeded, {} resumed, {} failed{killed}",
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

/// `wf kill ATTEMPT`: stops a running attempt. Its `wf run` process gets SIGTERM: it kills
/// the process groups of its running tasks, records the attempt as killed and exits; this
/// waits (up to [`run_stop::KILL_WAIT`]) and reports. When that process is gone (it was
/// itself killed), the task process groups it recorded and that are still alive are killed
/// here. Exits 0 once nothing of the attempt runs any more.
pub fn kill(args: AttemptArgs) -> Result<ExitCode, String> {
    let mut h = open(&args.project)?;
    let a = find_attempt(&h, args.attempt)?;
    let started = a.started_at.parse::<jiff::Timestamp>().ok();
    let leftovers = |h: &History| -> Result<Vec<ProcessRow>, String> {
        Ok(h.processes(a.id)?
            .into_iter()
            .filter(|p| {
                u32::try_from(p.pgid)
                    .is_ok_and(|g| run_stop::recorded_group_alive(g, p.started_at.parse().ok()))
            })
            .collect())
    };
    let running = a.status == "running";
    if !running && leftovers(&h)?.is_empty() {
        return Err(format!(
            "attempt {} is not running (status: {})",
            a.id, a.status
        ));
    }
    let wf_pid = a
        .pid
        .and_then(|p| u32::try_from(p).ok())
        .filter(|&p| running && run_stop::process_alive(p, started));
    if let Some(pid) = wf_pid {
        run_stop::signal_process(pid, false);
        if run_stop::wait_exit(pid, run_stop::KILL_WAIT) {
            let stopped: Vec<String> = h
                .tasks(a.id)?
                .into_iter()
                .filter(|t| t.state == "killed")
                .map(|t| t.name)
                .collect();
            let status = find_attempt(&h, a.id)?.status;
            let tasks = if stopped.is_empty() {
                String::new()
            } else {
                format!(
                    ", stopping {} running task(s): {}",
                    stopped.len(),
                    stopped.join(", ")
                )
            };
            println!(
                "attempt {}: wf run (process {pid}) exited on SIGTERM{tasks}",
                a.id
            );
            if status == "running" {
                // It exited without recording the kill (an older wf?): record it here.
                h.kill_attempt(a.id, "killed by wf kill")?;
            }
        } else {
            run_stop::signal_process(pid, true);
            run_stop::wait_exit(pid, std::time::Duration::from_secs(1));
            println!(
                "attempt {}: wf run (process {pid}) did not exit within {}s of SIGTERM: killed it (SIGKILL)",
                a.id,
                run_stop::KILL_WAIT.as_secs()
            );
        }
    } else if running {
        match a.pid {
            Some(pid) => println!(
                "attempt {}: its wf run (process {pid}) is gone (killed or crashed)",
                a.id
            ),
            None => println!("attempt {}: no wf run process was recorded", a.id),
        }
    }
    // What a vanished (or SIGKILLed) run left running.
    let left = leftovers(&h)?;
    if !left.is_empty() {
        let pgids: Vec<u32> = left
            .iter()
            .filter_map(|p| u32::try_from(p.pgid).ok())
            .collect();
        let done = run_stop::terminate_groups(&pgids, run_stop::GRACE, &mut || false);
        let tasks: Vec<&str> = left.iter().map(|p| p.task.as_str()).collect();
        let forced = if done.forced > 0 {
            format!(" ({} needed SIGKILL)", done.forced)
        } else {
            String::new()
        };
        println!(
            "attempt {}: killed {} task process group(s) it left running{forced}: {}",
            a.id,
            left.len(),
            tasks.join(", ")
        );
    }
    let now = find_attempt(&h, a.id)?;
    if now.status == "running" {
        h.kill_attempt(a.id, "killed by wf kill")?;
    } else {
        h.clear_processes(a.id)?;
    }
    let status = find_attempt(&h, a.id)?.status;
    println!(
        "attempt {} is {status}; resume its session with: wf retry {}",
        a.id, a.id
    );
    Ok(ExitCode::SUCCESS)
}
