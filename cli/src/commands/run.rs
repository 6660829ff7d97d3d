//! `wf run WORKFLOW.dig [+task]`: runs one session locally, records it in the project's run
//! history (`.wf/history.db`) and resumes it when run again for the same session.

use super::run_stop::RunStop;
use super::run_view::{Live, TaskTree};
use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};
use wf_engine::load::{DiskFileSystem, Loader, Object, Value};
use wf_engine::model::Workflow;
use wf_engine::run::history::{History, HistoryRecorder};
use wf_engine::run::params::parse_param_arg;
use wf_engine::run::processes::{self, ProcessChange};
use wf_engine::run::{
    self, Mocks, RunEvent, RunObserver, RunOptions, RunReport, Secrets, TaskState,
};

/// Arguments of `wf run`.
#[derive(clap::Args)]
pub struct RunArgs {
    /// The workflow file.
    pub workflow: PathBuf,
    /// Run only this task (and its subtasks): a suffix of its full name, e.g. `+load`.
    pub task: Option<String>,
    /// A parameter (`-p key=value`; dots nest: `-p td.database=x`). Repeatable.
    #[arg(short = 'p', long = "param", value_name = "KEY=VALUE")]
    pub params: Vec<String>,
    /// A YAML file of parameters.
    #[arg(short = 'P', long = "params-file", value_name = "FILE")]
    pub params_file: Option<PathBuf>,
    /// The session time: `last` (default: the last session run, else the schedule's last
    /// slot, else today 00:00), `now`, `daily`, `hourly`, `yyyy-MM-dd`,
    /// `"yyyy-MM-dd HH:mm:ss"` (in the workflow time zone) or an RFC 3339 instant.
    #[arg(short = 't', long, default_value = "last")]
    pub session: String,
    /// Run every task again, even those that succeeded earlier in this session.
    #[arg(short = 'a', long, conflicts_with = "start")]
    pub rerun: bool,
    /// Resume only the tasks before +TASK; run +TASK and everything after it again.
    #[arg(short = 's', long, value_name = "+TASK")]
    pub start: Option<String>,
    /// Run only the tasks before +TASK (resuming as usual); skip +TASK and everything after.
    #[arg(short = 'e', long, value_name = "+TASK")]
    pub end: Option<String>,
    /// Evaluate every task's parameters but run no operator.
    #[arg(short = 'd', long)]
    pub dry_run: bool,
    /// Print each task's evaluated parameters before it runs.
    #[arg(short = 'E', long)]
    pub show_params: bool,
    /// A YAML file of mocked results (`+task:` or `td>:` -> `store`, `export`, `fail`).
    #[arg(long, value_name = "FILE")]
    pub mock: Option<PathBuf>,
    /// How many tasks may run at once.
    #[arg(long, default_value_t = 8)]
    pub max_parallel: usize,
    /// One JSON object per event on standard output, instead of the human view.
    #[arg(long)]
    pub json_logs: bool,
    /// Do not read or write the run history (nothing is resumed).
    #[arg(long)]
    pub no_history: bool,
    /// Parameters given by `wf retry` (the attempt's own), below `-P` and `-p`.
    #[arg(skip)]
    pub preset_params: Object,
    /// Tasks that must run again although they succeeded (`wf retry --from-task`).
    #[arg(skip)]
    pub rerun_tasks: Vec<String>,
}

/// Runs `wf run`. Exit 0: the session succeeded; 1: it failed; 2: it could not start;
/// 128 + the signal number when SIGINT (Ctrl-C), SIGTERM (`wf kill`) or SIGHUP stopped it.
pub fn run(args: RunArgs) -> Result<ExitCode, String> {
    let path = args
        .workflow
        .canonicalize()
        .map_err(|e| format!("{}: {e}", args.workflow.display()))?;
    let root = path.parent().map(Path::to_path_buf).unwrap_or_default();
    let stop = RunStop::install(root.clone(), args.json_logs);
    let (mut wf, sources) = run::load_workflow(&root, &path)?;
    if let Some(pattern) = &args.task {
        wf = only_task(wf, pattern)?;
    }
    let mut params = args.preset_params.clone();
    if let Some(file) = &args.params_file {
        let from_file = load_yaml_object(file)?;
        wf_engine::run::params::deep_merge(&mut params, &from_file);
    }
    for p in &args.params {
        parse_param_arg(p, &mut params)?;
    }
    let mocks = match &args.mock {
        Some(file) => {
            let v = load_yaml(file)?;
            Mocks::from_value(&v).map_err(|e| format!("{}: {e}", file.display()))?
        }
        None => Mocks::default(),
    };
    let blocked = run::unrunnable_tasks(&wf, &mocks);
    if !blocked.is_empty() && !args.dry_run {
        let mut msg = String::from("these tasks cannot run locally:\n");
        for (task, reason) in &blocked {
            msg.push_str(&format!("  * {task}: {reason}\n"));
        }
        msg.push_str("give them results with --mock FILE, or use --dry-run");
        return Err(msg);
    }
    let secrets = Secrets::load(&root)?;
    let mut history = if args.no_history {
        None
    } else {
        Some(History::open(&root)?)
    };
    let last = match &history {
        Some(h) => h.last_session_time(&wf.name)?,
        None => None,
    };
    let session = run::resolve_session(&args.session, &wf, last.as_deref())?;
    let session_key = session
        .session_time
        .strftime("%Y-%m-%dT%H:%M:%S%:z")
        .to_string();
    let mut opts = RunOptions::new(&root, session);
    opts.params = params.clone();
    opts.max_parallel = args.max_parallel;
    opts.dry_run = args.dry_run;
    opts.show_params = args.show_params;
    opts.mocks = mocks;
    opts.secrets = Arc::new(secrets);
    opts.sources = Some(Arc::new(sources));
    if let (Some(h), false) = (&history, args.rerun) {
        opts.resume = h.succeeded_tasks(&wf.name, &session_key)?;
        opts.resume
            .retain(|name, _| !args.rerun_tasks.contains(name));
        opts.interrupted = h.interrupted_tasks(&wf.name, &session_key)?;
    }
    let resumed = opts.resume.len();
    // `wf run ...` resumes with its own arguments; `wf retry N` (which runs through here too)
    // with `wf retry` of the new attempt, set once it exists.
    let from_run = std::env::args().nth(1).as_deref() == Some("run");
    stop.set_resume(if from_run {
        resume_command(std::env::args().skip(1), &session_key)
    } else {
        format!(
            "wf run {} --session '{session_key}'",
            args.workflow.display()
        )
    });
    if !args.json_logs {
        let reuse = if resumed > 0 {
            format!(" (resuming: {resumed} task(s) already succeeded)")
        } else {
            String::new()
        };
        eprintln!("wf run {} session {session_key}{reuse}", wf.name);
    }
    let mut view = View::new(args.json_logs, &wf);
    if let Some(live) = &view.live {
        stop.on_stop(live.clearer());
    }
    let started = Instant::now();
    let (report, attempt, history_error) = match history.as_mut() {
        Some(h) => {
            let attempt = h.start_attempt(&wf.name, &path, &session_key, &params)?;
            if !from_run {
                stop.set_resume(format!("wf retry {attempt}"));
            }
            record_processes(&root, attempt);
            stop.running(Some(attempt));
            let mut recorder = HistoryRecorder::new(h, attempt);
            let report = {
                let mut tee = Tee(&mut view, &mut recorder);
                let mut gate = Gate(&stop.stopping, &mut tee);
                run::run_workflow(&wf, &opts, &mut gate)
            };
            processes::set_listener(None);
            let error = recorder.error.take();
            if !stop.finished() {
                wait_for_the_stop();
            }
            h.finish_attempt(attempt, report.success)?;
            (report, Some(attempt), error)
        }
        None => {
            stop.running(None);
            let report = run::run_workflow(&wf, &opts, &mut Gate(&stop.stopping, &mut view));
            if !stop.finished() {
                wait_for_the_stop();
            }
            (report, None, None)
        }
    };
    if let Some(e) = history_error {
        eprintln!("wf: warning: {e}");
    }
    view.finish();
    if !args.json_logs {
        summary(
            &report,
            &args,
            &session_key,
            attempt,
            started.elapsed(),
            &view,
        );
    }
    Ok(if report.success {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

/// Reduces the workflow to its root and the one task matching `pattern` (by suffix), as
/// `digdag run wf +task` does.
fn only_task(mut wf: Workflow, pattern: &str) -> Result<Workflow, String> {
    let mut found = Vec::new();
    wf.root.walk(&mut |t| {
        if t.full_name != wf.root.full_name && t.full_name.ends_with(pattern) {
            found.push(t.clone());
        }
    });
    match found.len() {
        0 => Err(format!(
            "Task pattern '{pattern}' doesn't match with any tasks."
        )),
        1 => {
            let task = found.remove(0);
            wf.root.children = vec![task];
            wf.root.options.parallel = None;
            Ok(wf)
        }
        _ => Err(format!(
            "Task pattern '{pattern}' is ambiguous. Matching candidates are [{}]",
            found
                .iter()
                .map(|t| t.full_name.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        )),
    }
}

fn load_yaml(file: &Path) -> Result<Value, String> {
    let fs = DiskFileSystem;
    let mut loader = Loader::new(&fs);
    let path = file
        .canonicalize()
        .map_err(|e| format!("{}: {e}", file.display()))?;
    let (_, value) = loader
        .load_workflow(&path)
        .map_err(|e| format!("{}: {e}", file.display()))?;
    if let Some(d) = loader
        .diagnostics
        .iter()
        .find(|d| d.severity == wf_engine::Severity::Error)
    {
        let (l, c) = loader.sources.get(d.span.file).line_char_col(d.span.start);
        return Err(format!("{}:{}:{}: {}", file.display(), l, c, d.message));
    }
    value.ok_or_else(|| format!("{}: not a mapping", file.display()))
}

fn load_yaml_object(file: &Path) -> Result<Object, String> {
    load_yaml(file)?
        .as_object()
        .cloned()
        .ok_or_else(|| format!("{}: not a mapping", file.display()))
}

/// Records the process group of every task command in the history while it runs (on a
/// connection of its own: commands start on worker threads), so `wf kill` can stop what a
/// killed `wf run` left behind. Without a history connection, nothing is recorded.
fn record_processes(root: &Path, attempt: i64) {
    let Ok(history) = History::open(root) else {
        return;
    };
    let history = Mutex::new(history);
    processes::set_listener(Some(Box::new(move |change| {
        let mut h = history.lock().unwrap_or_else(PoisonError::into_inner);
        // A failed write only costs `wf kill` the chance to find this group later.
        let _ = match change {
            ProcessChange::Started(p) => h.record_process(attempt, &p.task, p.pgid),
            ProcessChange::Exited(p) => h.remove_process(attempt, p.pgid),
        };
    })));
}

/// A signal is stopping the run: the signal watcher ends the process.
fn wait_for_the_stop() -> ! {
    loop {
        std::thread::park();
    }
}

/// Passes events on until a signal stops the run (then the tasks it kills fail unseen).
struct Gate<'a, 'b>(&'a AtomicBool, &'b mut dyn RunObserver);

impl RunObserver for Gate<'_, '_> {
    fn on_event(&mut self, event: &RunEvent<'_>) {
        if !self.0.load(Ordering::SeqCst) {
            self.1.on_event(event);
        }
    }
}

/// Sends events to two observers.
struct Tee<'a, 'b>(&'a mut dyn RunObserver, &'b mut dyn RunObserver);

impl RunObserver for Tee<'_, '_> {
    fn on_event(&mut self, event: &RunEvent<'_>) {
        self.0.on_event(event);
        self.1.on_event(event);
    }
}

/// The terminal view of a run. On a terminal: the live task tree, with the tasks' output,
/// failures and warnings printed above it. Elsewhere: one line per task event and the tasks'
/// output, indented. With `--json-logs`: one JSON object per event on standard output.
struct View {
    json: bool,
    color: bool,
    /// Last lines of output per task, for the failure summary.
    tails: std::collections::HashMap<String, Vec<String>>,
    started: Instant,
    ran: usize,
    resumed: usize,
    mocked: usize,
    /// Tasks replayed from the history (their success line is not repeated).
    replayed: std::collections::HashSet<String>,
    /// The live tree at the bottom of a terminal.
    live: Option<Live>,
}

impl View {
    fn new(json: bool, wf: &Workflow) -> View {
        let terminal = std::io::stderr().is_terminal();
        let dumb = std::env::var_os("TERM").is_some_and(|t| t == "dumb");
        let started = Instant::now();
        View {
            json,
            color: terminal,
            tails: Default::default(),
            started,
            ran: 0,
            resumed: 0,
            mocked: 0,
            replayed: Default::default(),
            live: (!json && terminal && !dumb)
                .then(|| Live::start(TaskTree::new(&wf.root), started, terminal)),
        }
    }

    /// Prints a line above the live tree (or on standard error).
    fn print(&self, line: &str) {
        match &self.live {
            Some(live) => live.println(line),
            None => {
                let mut err = std::io::stderr().lock();
                let _ = writeln!(err, "{line}");
            }
        }
    }

    /// Leaves the final tree on the terminal (before the summary).
    fn finish(&mut self) {
        if let Some(live) = self.live.take() {
            live.finish();
        }
    }

    fn paint(&self, code: &str, s: &str) -> String {
        if self.color {
            format!("\x1b[{code}m{s}\x1b[0m")
        } else {
            s.to_string()
        }
    }

    fn stamp(&self) -> String {
        let t = self.started.elapsed().as_secs_f64();
        format!("{t:>7.2}s")
    }
}

fn secs(d: Duration) -> String {
    format!("{:.2}s", d.as_secs_f64())
}

impl RunObserver for View {
    fn on_event(&mut self, event: &RunEvent<'_>) {
        if self.json {
            let v = event_json(event);
            let mut out = std::io::stdout().lock();
            let _ = writeln!(out, "{v}");
            return;
        }
        let stamp = self.stamp();
        if let Some(live) = &self.live {
            live.apply(event, self.started.elapsed());
        }
        // The live tree shows starts and successes; logs, failures and warnings go above it.
        let in_tree = self.live.is_some()
            && matches!(
                event,
                RunEvent::Started { .. }
                    | RunEvent::Succeeded { .. }
                    | RunEvent::Resumed { .. }
                    | RunEvent::Skipped { .. }
                    | RunEvent::Mocked { .. }
            );
        let line = match event {
            RunEvent::Started {
                task,
                operator,
                attempt,
            } => {
                self.ran += usize::from(*attempt == 0);
                let retry = if *attempt > 0 {
                    format!(" (retry {attempt})")
                } else {
                    String::new()
                };
                format!(
                    "{stamp} {} {task} {operator}>{retry}",
                    self.paint("36", "▶")
                )
            }
            RunEvent::Params { task, params } => {
                let json = Value::new(
                    wf_engine::load::ValueKind::Object((*params).clone()),
                    wf_engine::Span::new(wf_engine::FileId(0), 0, 0),
                )
                .to_json();
                format!("{stamp}   {task} params: {json}")
            }
            RunEvent::Log { task, line } => {
                let tail = self.tails.entry(task.to_string()).or_default();
                tail.push(line.to_string());
                if tail.len() > 20 {
                    tail.remove(0);
                }
                match &self.live {
                    // Lines of tasks running side by side: say whose each is.
                    Some(live) => format!(
                        "{stamp} {} {} {line}",
                        live.short_name(task),
                        self.paint("2", "│")
                    ),
                    None => format!("{stamp}   {} {line}", self.paint("2", "│")),
                }
            }
            RunEvent::Succeeded { task, .. } if self.replayed.contains(*task) => return,
            RunEvent::Succeeded { task, elapsed, .. } => {
                format!(
                    "{stamp} {} {task} ({})",
                    self.paint("32", "✔"),
                    secs(*elapsed)
                )
            }
            RunEvent::Resumed { task } => {
                self.resumed += 1;
                self.replayed.insert(task.to_string());
                format!(
                    "{stamp} {} {task} (succeeded earlier in this session)",
                    self.paint("2", "↷")
                )
            }
            RunEvent::Skipped { task } => {
                self.replayed.insert(task.to_string());
                format!("{stamp} {} {task} (skipped: --end)", self.paint("2", "↷"))
            }
            RunEvent::Mocked { task } => {
                self.mocked += 1;
                format!("{stamp} {} {task} (mocked)", self.paint("35", "◆"))
            }
            RunEvent::Failed {
                task,
                message,
                elapsed,
            } => format!(
                "{stamp} {} {task} failed after {}: {message}",
                self.paint("31", "✘"),
                secs(*elapsed)
            ),
            RunEvent::Retrying {
                task,
                message,
                retry,
                wait,
            } => format!(
                "{stamp} {} {task} failed: {message}; retry {retry} in {}",
                self.paint("33", "↻"),
                secs(*wait)
            ),
            RunEvent::Warning { task, message } => {
                format!("{stamp} {} {task}: {message}", self.paint("33", "!"))
            }
        };
        if !in_tree {
            self.print(&line);
        }
    }
}

fn event_json(event: &RunEvent<'_>) -> serde_json::Value {
    use serde_json::json;
    let obj = |o: &Object| -> serde_json::Value {
        let text = Value::new(
            wf_engine::load::ValueKind::Object(o.clone()),
            wf_engine::Span::new(wf_engine::FileId(0), 0, 0),
        )
        .to_json();
        serde_json::from_str(&text).unwrap_or(serde_json::Value::Null)
    };
    match event {
        RunEvent::Started {
            task,
            operator,
            attempt,
        } => {
            json!({"event": "started", "task": task, "operator": operator, "attempt": attempt})
        }
        RunEvent::Params { task, params } => {
            json!({"event": "params", "task": task, "params": obj(params)})
        }
        RunEvent::Log { task, line } => json!({"event": "log", "task": task, "line": line}),
        RunEvent::Succeeded {
            task,
            result,
            elapsed,
        } => json!({
            "event": "succeeded", "task": task, "elapsed_ms": elapsed.as_millis() as u64,
            "store": obj(&result.store), "export": obj(&result.export),
        }),
        RunEvent::Resumed { task } => json!({"event": "resumed", "task": task}),
        RunEvent::Mocked { task } => json!({"event": "mocked", "task": task}),
        RunEvent::Skipped { task } => json!({"event": "skipped", "task": task}),
        RunEvent::Failed {
            task,
            message,
            elapsed,
        } => json!({
            "event": "failed", "task": task, "message": message, "elapsed_ms": elapsed.as_millis() as u64
        }),
        RunEvent::Retrying {
            task,
            message,
            retry,
            wait,
        } => json!({
            "event": "retrying", "task": task, "message": message, "retry": retry, "wait_ms": wait.as_millis() as u64
        }),
        RunEvent::Warning { task, message } => {
            json!({"event": "warning", "task": task, "message": message})
        }
    }
}

fn summary(
    report: &RunReport,
    args: &RunArgs,
    session: &str,
    attempt: Option<i64>,
    elapsed: Duration,
    view: &View,
) {
    let mut err = std::io::stderr().lock();
    let counts = format!(
        "{} task(s) ran, {} resumed, {} mocked, in {}",
        view.ran,
        view.resumed,
        view.mocked,
        secs(elapsed)
    );
    let history = attempt.map_or(String::new(), |a| format!("; history: wf tasks {a}"));
    if report.success {
        let _ = writeln!(err, "Success: {counts}{history}");
        return;
    }
    let _ = writeln!(err, "error: {counts}{history}");
    for t in report.failures() {
        let _ = writeln!(err, "  * {}:", t.name);
        if let Some(m) = &t.error {
            let _ = writeln!(err, "    {m}");
        }
        if let Some(tail) = view.tails.get(&t.name) {
            for line in tail.iter().rev().take(10).rev() {
                let _ = writeln!(err, "    │ {line}");
            }
        }
    }
    let blocked: Vec<&str> = report
        .tasks
        .iter()
        .filter(|t| t.state == TaskState::Blocked)
        .map(|t| t.name.as_str())
        .collect();
    if !blocked.is_empty() {
        let _ = writeln!(
            err,
            "  not started (an upstream task failed): {}",
            blocked.join(", ")
        );
    }
    let _ = writeln!(
        err,
        "Fix it and run again; tasks that succeeded are not run twice:\n  wf run {} --session '{session}'",
        args.workflow.display()
    );
}

/// The command that resumes this session: the `wf` command line as given (its parameters,
/// mocks and task filter matter), without `--session` and `--rerun`, with the session
/// pinned. Arguments are quoted for a POSIX shell where needed.
fn resume_command(args: impl Iterator<Item = String>, session_key: &str) -> String {
    let mut out = vec!["wf".to_string()];
    let mut skip_value = false;
    for a in args {
        if std::mem::take(&mut skip_value) {
            continue;
        }
        match a.as_str() {
            "--session" => skip_value = true,
            "--rerun" => {}
            _ if a.starts_with("--session=") => {}
            _ => out.push(shell_quote(&a)),
        }
    }
    out.push("--session".into());
    out.push(shell_quote(session_key));
    out.join(" ")
}

fn shell_quote(s: &str) -> String {
    let plain = !s.is_empty()
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-_./=+:,@%".contains(&b));
    if plain {
        s.to_string()
    } else {
        format!("'{}'", s.replace('\'', "'\\''"))
    }
}

#[cfg(test)]
mod resume_tests {
    use super::resume_command;

    #[test]
    fn the_resume_command_keeps_the_arguments_and_pins_the_session() {
        let args = [
            "run",
            "wf.dig",
            "-p",
            "env=prod",
            "--rerun",
            "--session",
            "now",
            "+t",
        ]
        .map(String::from);
        assert_eq!(
            resume_command(args.into_iter(), "2026-12-07 04:00:00"),
            "wf run wf.dig -p env=prod +t --session '2026-12-07 04:00:00'"
        );
        let args = ["run", "my wf.dig", "--session=last", "-p", "x=it's"].map(String::from);
        assert_eq!(
            resume_command(args.into_iter(), "2026-12-07"),
            "wf run 'my wf.dig' -p 'x=it'\\''s' --session 2026-12-07"
        );
    }
}
