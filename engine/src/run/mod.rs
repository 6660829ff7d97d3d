//! `wf run`: a local executor that runs the task graph digdag would run (semantics §3, §4,
//! §6): the same task tree as [`crate::plan`], parameters merged and templates evaluated per
//! task, operators run in worker threads under the parallel limits, stores and exports
//! propagated, `_retry`, `_error`, `_check` and generated subtasks (`^sub`) as digdag does.
//!
//! The caller observes a run through [`RunObserver`] events (the CLI draws its live view
//! and writes the run history from them) and can resume a session by passing the results
//! of tasks that already succeeded ([`RunOptions::resume`]).

mod executor;
pub mod history;
pub mod mock;
pub mod operators;
pub mod params;
pub mod processes;
pub mod retry;
pub mod secrets;

pub use executor::run_workflow;
pub use mock::Mocks;
pub use operators::{OperatorError, TaskResult};
pub use secrets::Secrets;

use crate::diagnostic::Severity;
use crate::load::{DiskFileSystem, Object};
use crate::model::Workflow;
use crate::schedule::Session;
use crate::source::SourceMap;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

/// How to run one session of a workflow.
#[derive(Clone)]
pub struct RunOptions {
    /// The project directory (tasks run there; `.wf/` holds scratch files).
    pub project_root: PathBuf,
    /// The session: its `session_time` drives the built-in variables.
    pub session: Session,
    /// A random id of the session (`session_uuid`).
    pub session_uuid: String,
    /// Parameters from `-p` / `-P` (below every `_export`, as in digdag).
    pub params: Object,
    /// How many operator tasks may run at once.
    pub max_parallel: usize,
    /// Evaluate everything, run no operator (each returns an empty result).
    pub dry_run: bool,
    /// Emit [`RunEvent::Params`] with each task's evaluated parameters.
    pub show_params: bool,
    /// Outputs for mocked tasks and operators.
    pub mocks: Mocks,
    /// Secrets for `${secret:...}` (masked in every event).
    pub secrets: Arc<Secrets>,
    /// Results of tasks that already succeeded in this session (by full name): they are
    /// not run again, their results are replayed.
    pub resume: HashMap<String, TaskResult>,
    /// Tasks (by full name) that were running when earlier runs of this session were
    /// killed, with how many times: each counts as a failed attempt against `_retry`.
    pub interrupted: HashMap<String, u32>,
    /// Multiplies every retry interval (tests use 0).
    pub retry_interval_scale: f64,
    /// The files the workflow was loaded from, to say where a failing template was written.
    pub sources: Option<Arc<SourceMap>>,
    /// `--end`: operator tasks whose name is not in this set are skipped (treated as
    /// succeeded with an empty result), as are tasks generated at run time.
    pub run_only: Option<std::collections::HashSet<String>>,
}

impl RunOptions {
    /// Options for `session` of a project, with defaults for everything else.
    pub fn new(project_root: impl Into<PathBuf>, session: Session) -> RunOptions {
        RunOptions {
            project_root: project_root.into(),
            session,
            session_uuid: new_uuid(),
            params: Object::default(),
            max_parallel: 8,
            dry_run: false,
            show_params: false,
            mocks: Mocks::default(),
            secrets: Arc::new(Secrets::default()),
            resume: HashMap::new(),
            interrupted: HashMap::new(),
            retry_interval_scale: 1.0,
            sources: None,
            run_only: None,
        }
    }
}

/// The state of a task (digdag's `TaskStateCode`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum TaskState {
    Blocked,
    Ready,
    RetryWaiting,
    GroupRetryWaiting,
    Running,
    Planned,
    GroupError,
    Success,
    Error,
    Canceled,
}

impl TaskState {
    /// Lower-case name (`group_error`).
    pub fn as_str(self) -> &'static str {
        match self {
            TaskState::Blocked => "blocked",
            TaskState::Ready => "ready",
            TaskState::RetryWaiting => "retry_waiting",
            TaskState::GroupRetryWaiting => "group_retry_waiting",
            TaskState::Running => "running",
            TaskState::Planned => "planned",
            TaskState::GroupError => "group_error",
            TaskState::Success => "success",
            TaskState::Error => "error",
            TaskState::Canceled => "canceled",
        }
    }

    /// Whether the task failed.
    pub fn is_failure(self) -> bool {
        matches!(
            self,
            TaskState::Error | TaskState::GroupError | TaskState::Canceled
        )
    }

    /// Whether the task will not change any more.
    pub fn is_done(self) -> bool {
        self.is_failure() || self == TaskState::Success
    }
}

/// Something that happened during a run. Task names are full names (`+wf+load`).
#[derive(Debug)]
pub enum RunEvent<'a> {
    /// An operator task starts (`attempt` counts retries from 0).
    Started {
        task: &'a str,
        operator: &'a str,
        attempt: u32,
    },
    /// The evaluated parameters of a task (with `show_params`).
    Params { task: &'a str, params: &'a Object },
    /// A line of a task's output (secrets masked).
    Log { task: &'a str, line: &'a str },
    /// A task succeeded (groups: all their children did). `result` is what the operator
    /// returned (empty for groups).
    Succeeded {
        task: &'a str,
        result: &'a TaskResult,
        elapsed: Duration,
    },
    /// A task was not run because it already succeeded in this session.
    Resumed { task: &'a str },
    /// A task was not run because of `--end` (it counts as succeeded).
    Skipped { task: &'a str },
    /// A task was not run because a mock gave its result.
    Mocked { task: &'a str },
    /// A task failed (an operator error, or a group whose children failed).
    Failed {
        task: &'a str,
        message: &'a str,
        elapsed: Duration,
    },
    /// A task failed and will run again after `wait`.
    Retrying {
        task: &'a str,
        message: &'a str,
        retry: u32,
        wait: Duration,
    },
    /// A warning about the run (an unused `_retry` on a group, ...).
    Warning { task: &'a str, message: &'a str },
}

/// Receives [`RunEvent`]s, on the thread that called [`run_workflow`].
pub trait RunObserver {
    /// Called for each event, in order.
    fn on_event(&mut self, event: &RunEvent<'_>);
}

/// An observer that ignores everything.
pub struct NoObserver;

impl RunObserver for NoObserver {
    fn on_event(&mut self, _: &RunEvent<'_>) {}
}

/// The outcome of one task.
#[derive(Clone, Debug)]
pub struct TaskReport {
    /// Full name.
    pub name: String,
    /// Final state (`blocked` when an upstream task failed and it never started).
    pub state: TaskState,
    /// The error message, for failed tasks.
    pub error: Option<String>,
    /// How many times the operator was retried.
    pub retries: u32,
}

/// The outcome of a run.
#[derive(Clone, Debug)]
pub struct RunReport {
    /// Whether the root task succeeded.
    pub success: bool,
    /// Every task that was created, in creation order.
    pub tasks: Vec<TaskReport>,
}

impl RunReport {
    /// The tasks that failed with their own error (not groups failing because of them).
    pub fn failures(&self) -> impl Iterator<Item = &TaskReport> {
        self.tasks
            .iter()
            .filter(|t| t.state == TaskState::Error || (t.state.is_failure() && t.error.is_some()))
    }
}

/// Loads and checks the workflow at `path` for running: a workflow with errors does not
/// run (the message lists them with `file:line:col`).
pub fn load_workflow(project_root: &Path, path: &Path) -> Result<(Workflow, SourceMap), String> {
    let report = crate::check::lint_project(&DiskFileSystem, project_root, &[path.to_path_buf()]);
    let errors: Vec<String> = report
        .diagnostics
        .iter()
        .filter(|d| d.severity == Severity::Error)
        .map(|d| {
            let f = report.sources.get(d.span.file);
            let (l, c) = f.line_char_col(d.span.start);
            format!(
                "{}:{}:{}: error[{}] {}",
                f.path.display(),
                l,
                c,
                d.code,
                d.message
            )
        })
        .collect();
    if let Some((p, e)) = report.unreadable.first() {
        return Err(format!("{}: {e}", p.display()));
    }
    if !errors.is_empty() {
        return Err(errors.join("\n"));
    }
    let sources = report.sources;
    report
        .workflows
        .into_iter()
        .next()
        .map(|wf| (wf, sources))
        .ok_or_else(|| format!("{}: not a workflow", path.display()))
}

/// The session `wf run --session ARG` runs (digdag run's rules, semantics §6.5): `now`,
/// `daily` (today 00:00), `hourly`, `schedule` (the schedule's last slot), `last` (`last`:
/// the session of the newest earlier run, else the schedule's last slot, else today 00:00),
/// or a time (`yyyy-MM-dd`, `yyyy-MM-dd HH:mm:ss` in the workflow zone, or RFC 3339).
pub fn resolve_session(arg: &str, wf: &Workflow, last: Option<&str>) -> Result<Session, String> {
    let tz = crate::plan::workflow_zone(wf);
    let now = jiff::Timestamp::now().to_zoned(tz.clone());
    let at = |z: jiff::Zoned| Session {
        session_time: z.clone(),
        run_time: z,
    };
    let truncated = |unit: jiff::Unit| {
        now.round(
            jiff::ZonedRound::new()
                .smallest(unit)
                .mode(jiff::RoundMode::Trunc),
        )
        .map(at)
        .map_err(|e| e.to_string())
    };
    let midnight = || {
        now.start_of_day()
            .map(at)
            .map_err(|e| format!("cannot compute the start of the day: {e}"))
    };
    let from_schedule = || -> Option<Session> {
        let schedule = crate::plan::workflow_schedule(wf)?;
        schedule.last_schedule_time(now.timestamp(), &tz)
    };
    match arg {
        "now" => truncated(jiff::Unit::Second),
        "daily" => midnight(),
        "hourly" => truncated(jiff::Unit::Hour),
        "schedule" => from_schedule().ok_or_else(|| {
            "--session schedule is set but schedule is not set to this workflow.".to_string()
        }),
        "last" => {
            if let Some(ts) = last.and_then(|l| l.parse::<jiff::Timestamp>().ok()) {
                return Ok(at(ts.to_zoned(tz.clone())));
            }
            match from_schedule() {
                Some(s) => Ok(s),
                None => midnight(),
            }
        }
        other => crate::plan::session_at(other, None, &tz)
            .map(|s| at(s.session_time))
            .map_err(|_| {
                format!("--session must be last, now, hourly, daily, schedule, \"yyyy-MM-dd\", \"yyyy-MM-dd HH:mm:SS\" or an RFC 3339 instant: {other}")
            }),
    }
}

/// Operators of `wf` (its tasks, `_do` bodies, `_error` and `_check` tasks) that cannot
/// run locally and have no mock: `(task name, reason)`. An `rb>` task whose body or an
/// ancestor's `_export` sets `ruby:` is left to fail at run time if that command is missing.
pub fn unrunnable_tasks(wf: &Workflow, mocks: &Mocks) -> Vec<(String, String)> {
    let mut out = Vec::new();
    fn visit(
        t: &crate::model::Task,
        mocks: &Mocks,
        mut ruby_set: bool,
        out: &mut Vec<(String, String)>,
    ) {
        // Only `_export` passes down; a key in the task's own body applies to it alone.
        let exported = t.options.export.as_ref().and_then(|e| e.as_object());
        ruby_set = ruby_set || exported.is_some_and(operators::sets_ruby_command);
        if let Some(op) = t.operator() {
            let own_ruby = op == "rb" && (ruby_set || operators::sets_ruby_command(&t.local));
            if !own_ruby && !mocks.covers(&t.full_name, op) {
                if let Some(reason) = operators::local_limitation(op) {
                    out.push((t.full_name.clone(), reason));
                }
            }
        }
        for c in &t.children {
            visit(c, mocks, ruby_set, out);
        }
        let o = &t.options;
        for extra in [&o.error, &o.do_task, &o.else_do_task, &o.check_task]
            .into_iter()
            .flatten()
        {
            visit(extra, mocks, ruby_set, out);
        }
    }
    visit(&wf.root, mocks, false, &mut out);
    out
}

/// The tasks digdag runs "before" the task matching `pattern` (a suffix of its full name):
/// its ancestors, its and its ancestors' upstream siblings (transitively) and all their
/// descendants (digdag's `--start`/`--end` rule). Returns the matched full name and the set.
pub fn tasks_before(
    wf: &Workflow,
    pattern: &str,
) -> Result<(String, std::collections::HashSet<String>), String> {
    let graph = crate::plan::compile_graph(wf);
    let matches: Vec<usize> = graph
        .tasks
        .iter()
        .filter(|t| t.index != 0 && t.name.ends_with(pattern))
        .map(|t| t.index)
        .collect();
    let target = match matches.as_slice() {
        [one] => *one,
        [] => {
            return Err(format!(
                "Task pattern '{pattern}' doesn't match with any tasks."
            ))
        }
        many => {
            return Err(format!(
                "Task pattern '{pattern}' is ambiguous. Matching candidates are [{}]",
                many.iter()
                    .map(|&i| graph.tasks[i].name.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            ))
        }
    };
    let mut before = std::collections::HashSet::new();
    let mut node = Some(target);
    while let Some(n) = node {
        let mut todo = graph.tasks[n].upstream.clone();
        let mut seen = Vec::new();
        while let Some(u) = todo.pop() {
            if seen.contains(&u) {
                continue;
            }
            seen.push(u);
            todo.extend(graph.tasks[u].upstream.iter().copied());
            // `u` and its whole subtree (pre-order indexes follow it until the next sibling).
            let mut last = u;
            for t in &graph.tasks[u + 1..] {
                let mut p = t.parent;
                let mut inside = false;
                while let Some(x) = p {
                    if x == u {
                        inside = true;
                        break;
                    }
                    p = graph.tasks[x].parent;
                }
                if !inside {
                    break;
                }
                last = t.index;
            }
            for t in &graph.tasks[u..=last] {
                before.insert(t.name.clone());
            }
        }
        if n != target {
            before.insert(graph.tasks[n].name.clone());
        }
        node = graph.tasks[n].parent;
    }
    Ok((graph.tasks[target].name.clone(), before))
}

/// A random version-4 UUID (for `session_uuid`).
pub fn new_uuid() -> String {
    use std::collections::hash_map::RandomState;
    use std::hash::{BuildHasher, Hasher};
    let mut bytes = [0u8; 16];
    for (i, chunk) in bytes.chunks_mut(8).enumerate() {
        let mut h = RandomState::new().build_hasher();
        h.write_usize(i);
        h.write_u128(
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(0, |d| d.as_nanos()),
        );
        chunk.copy_from_slice(&h.finish().to_le_bytes());
    }
    bytes[6] = (bytes[6] & 0x0f) | 0x40;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    let hex: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
    format!(
        "{}-{}-{}-{}-{}",
        &hex[0..8],
        &hex[8..12],
        &hex[12..16],
        &hex[16..20],
        &hex[20..32]
    )
}
