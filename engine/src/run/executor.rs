//! The session's task tree and its state machine (digdag's `WorkflowExecutor`, semantics
//! §6.2-§6.4): tasks become ready when their parent is planned and their upstream siblings
//! succeeded; operator tasks run in worker threads; generated subtasks hang under their
//! task as `^sub`, `^check` and `^error`.

use super::operators::{self, OperatorContext, OperatorError, RequireRunner, TaskResult};
use super::params::{deep_merge, runtime_span, session_builtins, set, string};
use super::retry::RetryPolicy;
use super::{RunEvent, RunObserver, RunOptions, RunReport, TaskReport, TaskState};
use crate::load::{Object, Value, ValueKind};
use crate::model::{compile_task, Parallel, Task, TaskKind, Workflow};
use crate::plan::sibling_upstreams;
use crate::template::{EvalOptions, Evaluator};
use crate::Severity;
use std::sync::mpsc;
use std::sync::Arc;
use std::time::{Duration, Instant};

/// One task of the running session.
struct Node {
    def: Arc<Task>,
    parent: Option<usize>,
    upstream: Vec<usize>,
    children: Vec<usize>,
    state: TaskState,
    /// Children were created (groups when planned; operators from their result).
    instantiated: bool,
    retries: u32,
    /// `_export` entries added at run time (`error` of `^error` tasks).
    extra_export: Object,
    result: TaskResult,
    /// The error of this task's own operator (or the merged errors of a failed group).
    error: Option<Object>,
    message: Option<String>,
    /// The operator failed; `^error` is running; the task ends `error` after it.
    failed_own: bool,
    /// The group failed; `^error` is running; the task ends `group_error` after it.
    error_task_added: bool,
    is_error_task: bool,
    /// Replaced by a group retry (the subtree was created again).
    superseded: bool,
    /// Some descendant stored or reset parameters (else its subtree adds nothing).
    has_stores_below: bool,
    retry_at: Option<Instant>,
    started: Option<Instant>,
}

enum Msg {
    Log(usize, String),
    Done(usize, Result<TaskResult, OperatorError>),
}

struct Executor<'a> {
    nodes: Vec<Node>,
    opts: &'a RunOptions,
    builtins: Object,
    evaluator: Option<Evaluator>,
    eval_error: Option<String>,
    tmp_dir: std::path::PathBuf,
    require: Option<Arc<RequireRunner>>,
    /// When the workflow's `sla:` triggers (while the run is still going).
    sla_at: Option<Instant>,
}

/// Runs one session of `wf` and reports every task's outcome. Events go to `observer` on
/// this thread; operators run on worker threads.
pub fn run_workflow(wf: &Workflow, opts: &RunOptions, observer: &mut dyn RunObserver) -> RunReport {
    let zone = wf
        .timezone
        .as_ref()
        .map_or_else(|| "UTC".to_string(), |(z, _)| z.clone());
    let tz = crate::plan::workflow_zone(wf);
    let schedule = crate::plan::workflow_schedule(wf);
    let builtins = session_builtins(
        &zone,
        &tz,
        schedule.as_ref(),
        &opts.session,
        &opts.session_uuid,
    );
    let (evaluator, eval_error) = match Evaluator::new(EvalOptions {
        timezone: Some(zone.clone()),
        ..EvalOptions::default()
    }) {
        Ok(e) => (Some(e), None),
        Err(e) => (None, Some(e.message)),
    };
    let require: Arc<RequireRunner> = {
        let opts = opts.clone();
        Arc::new(move |name: &str, params: &Object| run_required(&opts, name, params))
    };
    let mut ex = Executor {
        nodes: Vec::new(),
        opts,
        builtins,
        evaluator,
        eval_error,
        tmp_dir: opts.project_root.join(".wf").join("tmp"),
        require: Some(require),
        sla_at: None,
    };
    if let Some(sla) = wf.root.options.sla.as_ref() {
        match sla_deadline(sla, &tz) {
            Ok(at) => ex.sla_at = Some(at),
            Err(msg) => observer.on_event(&RunEvent::Warning {
                task: &wf.root.full_name,
                message: &format!("sla ignored: {msg}"),
            }),
        }
    }
    let root = ex.add(Arc::new(wf.root.clone()), None, Vec::new());
    ex.nodes[root].state = TaskState::Planned;
    ex.nodes[root].started = Some(Instant::now());
    ex.instantiate_group(root);
    ex.drive(observer);
    let tasks = ex
        .nodes
        .iter()
        .filter(|n| !n.superseded)
        .map(|n| TaskReport {
            name: n.def.full_name.clone(),
            state: n.state,
            error: n.message.clone(),
            retries: n.retries,
        })
        .collect();
    RunReport {
        success: ex.nodes[root].state == TaskState::Success,
        tasks,
    }
}

/// `require>`: runs workflow `name` of the project with the same session.
fn run_required(opts: &RunOptions, name: &str, params: &Object) -> Result<bool, String> {
    let path = opts.project_root.join(format!("{name}.dig"));
    let (wf, sources) = super::load_workflow(&opts.project_root, &path)
        .map_err(|e| format!("Workflow '{name}' cannot run: {e}"))?;
    let mut child = opts.clone();
    child.sources = Some(Arc::new(sources));
    deep_merge(&mut child.params, params);
    child.resume.clear();
    let report = run_workflow(&wf, &child, &mut super::NoObserver);
    Ok(report.success)
}

/// When `sla:` (`time: HH:MM[:SS]` of the run's day in the workflow zone, or `duration:
/// HH:MM[:SS]` after the start) triggers, counted from now (digdag run's run time).
fn sla_deadline(sla: &Value, tz: &jiff::tz::TimeZone) -> Result<Instant, String> {
    let o = sla.as_object().ok_or("sla must be an object")?;
    let parse = |v: &Value, key: &str| -> Result<i64, String> {
        let text = v.scalar_text().unwrap_or_default();
        let parts: Vec<&str> = text.split(':').collect();
        let nums: Option<Vec<i64>> = parts.iter().map(|p| p.trim().parse().ok()).collect();
        match nums.as_deref() {
            Some([h, m]) => Ok(h * 3600 + m * 60),
            Some([h, m, s]) => Ok(h * 3600 + m * 60 + s),
            _ => Err(format!(
                "SLA {key} option needs to be HH:MM or HH:MM:SS format: {text}"
            )),
        }
    };
    let now = Instant::now();
    match (o.get("time"), o.get("duration")) {
        (Some(t), None) => {
            let secs = parse(t, "time")?;
            let z = jiff::Timestamp::now().to_zoned(tz.clone());
            let midnight = z.start_of_day().map_err(|e| e.to_string())?;
            let mut at = midnight
                .checked_add(jiff::SignedDuration::from_secs(secs))
                .map_err(|e| e.to_string())?;
            if at < z {
                at = at
                    .checked_add(jiff::SignedDuration::from_hours(24))
                    .map_err(|e| e.to_string())?;
            }
            let wait = z.duration_until(&at).unsigned_abs();
            Ok(now + wait)
        }
        (None, Some(d)) => Ok(now + Duration::from_secs(parse(d, "duration")?.max(0) as u64)),
        _ => Err("SLA must be specified using either the 'time' or 'duration' option".into()),
    }
}

impl Executor<'_> {
    /// The SLA triggered while the run goes on: `^sla^alert` (`alert`, default true),
    /// `^sla^fail` (`fail`, default false) and `^sla` (the rest of the `sla:` block) are
    /// added under the root, as digdag does.
    fn fire_sla(&mut self, observer: &mut dyn RunObserver) {
        let root = 0;
        if self.nodes[root].state.is_done() {
            return;
        }
        let Some(sla) = self.nodes[root].def.options.sla.clone() else {
            return;
        };
        let o = sla.as_object().cloned().unwrap_or_default();
        let flag = |key: &str, default: bool| {
            o.get(key)
                .and_then(crate::plan::expand::as_bool)
                .unwrap_or(default)
        };
        let root_name = self.nodes[root].def.full_name.clone();
        observer.on_event(&RunEvent::Warning {
            task: &root_name,
            message: "SLA violation: the workflow is still running at its sla: deadline",
        });
        let span = sla.span;
        let obj = |key: &str, cmd: &str| {
            let mut body = Object::default();
            set(&mut body, key, string(cmd));
            Value::new(ValueKind::Object(body), span)
        };
        let add = |ex: &mut Self, own: &str, body: Value| {
            if let Ok(t) = ex.compile_generated(root, own, &body) {
                ex.add(Arc::new(t), Some(root), Vec::new());
            }
        };
        if flag("alert", true) {
            add(self, "^sla^alert", obj("notify>", "SLA violation"));
        }
        if flag("fail", false) {
            add(self, "^sla^fail", obj("fail>", "SLA violation"));
        }
        let mut rest = o.clone();
        rest.entries
            .retain(|e| !matches!(e.key.as_str(), "time" | "duration" | "alert" | "fail"));
        if !rest.is_empty() {
            add(self, "^sla", Value::new(ValueKind::Object(rest), span));
        }
    }

    fn add(&mut self, def: Arc<Task>, parent: Option<usize>, upstream: Vec<usize>) -> usize {
        let id = self.nodes.len();
        self.nodes.push(Node {
            def,
            parent,
            upstream,
            children: Vec::new(),
            state: TaskState::Blocked,
            instantiated: false,
            retries: 0,
            extra_export: Object::default(),
            result: TaskResult::default(),
            error: None,
            message: None,
            failed_own: false,
            error_task_added: false,
            is_error_task: false,
            superseded: false,
            has_stores_below: false,
            retry_at: None,
            started: None,
        });
        if let Some(p) = parent {
            self.nodes[p].children.push(id);
        }
        id
    }

    /// Creates the children of a group task, linked as digdag's compiler links siblings.
    fn instantiate_group(&mut self, id: usize) {
        let def = self.nodes[id].def.clone();
        let mode = def
            .options
            .parallel
            .as_ref()
            .map_or(Parallel::Sequential, |(p, _)| p.clone());
        let ups = sibling_upstreams(&def, &mode);
        let first = self.nodes.len();
        for (i, child) in def.children.iter().enumerate() {
            let upstream = ups[i].iter().map(|j| first + j).collect();
            self.add(Arc::new(child.clone()), Some(id), upstream);
        }
        self.nodes[id].instantiated = true;
    }

    /// The main loop: propagate states, start ready tasks, wait for workers.
    fn drive(&mut self, observer: &mut dyn RunObserver) {
        let (tx, rx) = mpsc::channel::<Msg>();
        let mut running = 0usize;
        let max = self.opts.max_parallel.max(1);
        loop {
            self.propagate(observer);
            let mut progressed = false;
            let ready: Vec<usize> = (0..self.nodes.len())
                .filter(|&i| self.nodes[i].state == TaskState::Ready)
                .collect();
            for id in ready {
                if running >= max {
                    break;
                }
                match self.start(id, &tx, observer) {
                    Started::Async => running += 1,
                    Started::Done(outcome) => {
                        self.complete(id, outcome, observer);
                        progressed = true;
                    }
                }
            }
            if progressed {
                continue;
            }
            if let Some(at) = self.sla_at {
                if Instant::now() >= at {
                    self.sla_at = None;
                    self.fire_sla(observer);
                    continue;
                }
            }
            let next_retry = self
                .nodes
                .iter()
                .filter(|n| {
                    matches!(
                        n.state,
                        TaskState::RetryWaiting | TaskState::GroupRetryWaiting
                    )
                })
                .filter_map(|n| n.retry_at)
                .min();
            // The SLA wakes the loop only while something still runs or waits to retry.
            let next_wake = next_retry.into_iter().chain(self.sla_at).min();
            if running == 0 {
                match (next_retry, next_wake) {
                    (Some(_), Some(at)) => {
                        std::thread::sleep(at.saturating_duration_since(Instant::now()));
                        continue;
                    }
                    _ => break,
                }
            }
            let timeout = next_wake.map_or(Duration::from_secs(3600), |at| {
                at.saturating_duration_since(Instant::now())
            });
            match rx.recv_timeout(timeout) {
                Ok(Msg::Log(id, line)) => {
                    let task = self.nodes[id].def.full_name.clone();
                    observer.on_event(&RunEvent::Log {
                        task: &task,
                        line: &line,
                    });
                }
                Ok(Msg::Done(id, outcome)) => {
                    running -= 1;
                    self.complete(id, outcome, observer);
                }
                Err(mpsc::RecvTimeoutError::Timeout) => {}
                Err(mpsc::RecvTimeoutError::Disconnected) => break,
            }
        }
        // Whatever never started because an upstream failed stays blocked.
    }

    fn is_group(&self, id: usize) -> bool {
        matches!(self.nodes[id].def.kind, TaskKind::Group)
    }

    /// Applies digdag's state transitions until nothing changes.
    fn propagate(&mut self, observer: &mut dyn RunObserver) {
        loop {
            let mut changed = false;
            let now = Instant::now();
            for id in 0..self.nodes.len() {
                match self.nodes[id].state {
                    TaskState::Blocked => {
                        let Some(p) = self.nodes[id].parent else {
                            continue;
                        };
                        if self.nodes[p].state != TaskState::Planned {
                            continue;
                        }
                        let ups_ok = self.nodes[id]
                            .upstream
                            .iter()
                            .all(|&u| self.nodes[u].state == TaskState::Success);
                        if !ups_ok {
                            continue;
                        }
                        if self.is_group(id) {
                            self.nodes[id].state = TaskState::Planned;
                            self.nodes[id].started = Some(now);
                            if !self.nodes[id].instantiated {
                                self.instantiate_group(id);
                            }
                        } else {
                            self.nodes[id].state = TaskState::Ready;
                        }
                        changed = true;
                    }
                    TaskState::RetryWaiting
                        if self.nodes[id].retry_at.is_none_or(|at| at <= now) =>
                    {
                        self.nodes[id].state = TaskState::Ready;
                        changed = true;
                    }
                    TaskState::GroupRetryWaiting
                        if self.nodes[id].retry_at.is_none_or(|at| at <= now) =>
                    {
                        self.nodes[id].state = TaskState::Planned;
                        for d in self.descendants(id) {
                            self.nodes[d].superseded = true;
                        }
                        self.nodes[id].children.clear();
                        self.instantiate_group(id);
                        changed = true;
                    }
                    TaskState::Planned => {
                        if let Some(any_failed) = self.children_outcome(id) {
                            self.finish_planned(id, any_failed, observer);
                            changed = true;
                        }
                    }
                    _ => {}
                }
            }
            if !changed {
                break;
            }
        }
    }

    /// `None` while some child can still progress; else whether any child failed (`^error`
    /// tasks do not count).
    fn children_outcome(&self, id: usize) -> Option<bool> {
        let mut any_failed = false;
        let mut dead: Vec<usize> = Vec::new();
        for &c in &self.nodes[id].children {
            let n = &self.nodes[c];
            let state = n.state;
            if state.is_failure() {
                if !n.is_error_task {
                    any_failed = true;
                }
                dead.push(c);
                continue;
            }
            if state == TaskState::Success {
                continue;
            }
            if state == TaskState::Blocked && n.upstream.iter().any(|u| dead.contains(u)) {
                dead.push(c);
                continue;
            }
            return None;
        }
        Some(any_failed)
    }

    fn finish_planned(&mut self, id: usize, any_failed: bool, observer: &mut dyn RunObserver) {
        let name = self.nodes[id].def.full_name.clone();
        let elapsed = self.elapsed(id);
        if self.nodes[id].failed_own {
            self.nodes[id].state = TaskState::Error;
            return;
        }
        if self.nodes[id].error_task_added {
            // Its `^error` task has run; the group still failed.
            self.nodes[id].state = TaskState::GroupError;
            observer.on_event(&RunEvent::Failed {
                task: &name,
                message: "a task in the group failed",
                elapsed,
            });
            return;
        }
        if !any_failed {
            self.nodes[id].state = TaskState::Success;
            let result = self.nodes[id].result.clone();
            observer.on_event(&RunEvent::Succeeded {
                task: &name,
                result: &result,
                elapsed,
            });
            return;
        }
        // Group retry: the whole subtree again.
        if let Some(policy) = self.group_retry(id, observer) {
            if self.nodes[id].retries < policy.limit {
                let wait = scaled(policy.wait(self.nodes[id].retries), self.opts);
                self.nodes[id].retries += 1;
                let retry = self.nodes[id].retries;
                self.nodes[id].retry_at = Some(Instant::now() + wait);
                self.nodes[id].state = TaskState::GroupRetryWaiting;
                observer.on_event(&RunEvent::Retrying {
                    task: &name,
                    message: "a task in the group failed",
                    retry,
                    wait,
                });
                return;
            }
        }
        // `_error` of a group: runs with the stores of the subtree and the merged errors.
        let mut stores = Object::default();
        let mut errors = Object::default();
        for d in self.descendants(id) {
            deep_merge(&mut stores, &self.nodes[d].result.store);
            if let Some(e) = &self.nodes[d].error {
                deep_merge(&mut errors, e);
            }
        }
        self.nodes[id].error = Some(errors.clone());
        let message = "a task in the group failed".to_string();
        if let Some(err_def) = self.nodes[id].def.options.error.clone() {
            let mut export = stores;
            set(
                &mut export,
                "error",
                Value::new(ValueKind::Object(errors), runtime_span()),
            );
            self.add_error_task(id, err_def, export);
            self.nodes[id].error_task_added = true;
            return;
        }
        self.nodes[id].state = TaskState::GroupError;
        observer.on_event(&RunEvent::Failed {
            task: &name,
            message: &message,
            elapsed,
        });
    }

    fn group_retry(&self, id: usize, observer: &mut dyn RunObserver) -> Option<RetryPolicy> {
        let def = &self.nodes[id].def;
        let value = def.options.retry.clone().or_else(|| {
            def.options
                .export
                .as_ref()
                .and_then(Value::as_object)
                .and_then(|o| o.get("_retry"))
                .cloned()
        })?;
        if !self.is_group(id) {
            return None;
        }
        match RetryPolicy::parse(&value) {
            Ok(p) => Some(p),
            Err(e) => {
                observer.on_event(&RunEvent::Warning {
                    task: &def.full_name,
                    message: &format!("_retry ignored: {e}"),
                });
                None
            }
        }
    }

    fn add_error_task(&mut self, id: usize, def: Box<Task>, export: Object) {
        let e = self.add(Arc::new(*def), Some(id), Vec::new());
        self.nodes[e].extra_export = export;
        self.nodes[e].is_error_task = true;
    }

    fn elapsed(&self, id: usize) -> Duration {
        self.nodes[id]
            .started
            .map_or(Duration::ZERO, |s| s.elapsed())
    }

    /// Descendants of `id` in pre-order (current generation).
    fn descendants(&self, id: usize) -> Vec<usize> {
        let mut out = Vec::new();
        let mut stack: Vec<usize> = self.nodes[id].children.iter().rev().copied().collect();
        while let Some(n) = stack.pop() {
            out.push(n);
            stack.extend(self.nodes[n].children.iter().rev().copied());
        }
        out
    }

    /// The export config of a task: its `_export` plus what the run added.
    fn export_config(&self, id: usize) -> Object {
        let n = &self.nodes[id];
        let mut o = n
            .def
            .options
            .export
            .as_ref()
            .and_then(Value::as_object)
            .cloned()
            .unwrap_or_default();
        deep_merge(&mut o, &n.extra_export);
        o
    }

    fn apply_store(&self, params: &mut Object, id: usize) {
        let r = &self.nodes[id].result;
        if r.store.is_empty() && r.reset_store.is_empty() {
            return;
        }
        for key in &r.reset_store {
            remove_path(params, key);
        }
        deep_merge(params, &r.store);
    }

    /// The variable scope of a task (semantics §3.2 steps 1-6).
    fn collect_params(&self, id: usize) -> Object {
        let mut chain = vec![id];
        let mut p = self.nodes[id].parent;
        while let Some(x) = p {
            chain.push(x);
            p = self.nodes[x].parent;
        }
        chain.reverse();
        let mut params = self.opts.params.clone();
        let mut seen = vec![false; self.nodes.len()];
        for &n in &chain {
            // Upstream siblings (transitively) and all their descendants, in id order.
            let mut ups: Vec<usize> = Vec::new();
            let mut todo: Vec<usize> = self.nodes[n].upstream.clone();
            while let Some(u) = todo.pop() {
                if !seen[u] {
                    seen[u] = true;
                    ups.push(u);
                    todo.extend(self.nodes[u].upstream.iter().copied());
                }
            }
            ups.sort_unstable();
            for u in ups {
                self.apply_store(&mut params, u);
                if self.nodes[u].has_stores_below {
                    for d in self.descendants(u) {
                        self.apply_store(&mut params, d);
                    }
                }
            }
            if n != id {
                deep_merge(&mut params, &self.export_config(n));
                deep_merge(&mut params, &self.nodes[n].result.export);
                self.apply_store(&mut params, n);
            }
        }
        deep_merge(&mut params, &self.export_config(id));
        for e in &self.builtins.entries {
            set(&mut params, &e.key, e.value.clone());
        }
        set(
            &mut params,
            "task_name",
            string(self.nodes[id].def.full_name.clone()),
        );
        params
    }

    /// Prepares and starts an operator task.
    fn start(
        &mut self,
        id: usize,
        tx: &mpsc::Sender<Msg>,
        observer: &mut dyn RunObserver,
    ) -> Started {
        let def = self.nodes[id].def.clone();
        let name = def.full_name.clone();
        let op = def.operator().unwrap_or_default().to_string();
        self.nodes[id].started.get_or_insert_with(Instant::now);
        if let Some(result) = self.opts.resume.get(&name) {
            observer.on_event(&RunEvent::Resumed { task: &name });
            return Started::Done(Ok(result.clone()));
        }
        // The run was stopped (Ctrl-C, `wf kill`): nothing new starts, not even an `_error`
        // task or an operator without a process (`http>`, `mail>`).
        if super::processes::is_stopped() {
            return Started::Done(Err(OperatorError::runtime("the run is stopping")));
        }
        // A task that was running when an earlier run of this session was killed: each
        // interruption counts as a failed attempt against its `_retry`.
        if let Some(&times) = self.opts.interrupted.get(&name) {
            if self.nodes[id].retries == 0 && times > 0 && operators::honours_retry(&op) {
                if let Some(policy) = self.operator_retry(id) {
                    if times > policy.limit {
                        return Started::Done(Err(OperatorError::config(format!(
                            "interrupted {times} time(s) while running (the run was killed); its _retry limit of {} is used up",
                            policy.limit
                        ))));
                    }
                    self.nodes[id].retries = times;
                }
            }
        }
        if self
            .opts
            .run_only
            .as_ref()
            .is_some_and(|only| !only.contains(&name))
        {
            observer.on_event(&RunEvent::Skipped { task: &name });
            return Started::Done(Ok(TaskResult::default()));
        }
        self.nodes[id].state = TaskState::Running;
        observer.on_event(&RunEvent::Started {
            task: &name,
            operator: &op,
            attempt: self.nodes[id].retries,
        });
        let config = match self.evaluate(id) {
            Ok(c) => c,
            Err(msg) => return Started::Done(Err(OperatorError::config(msg))),
        };
        if self.opts.show_params {
            observer.on_event(&RunEvent::Params {
                task: &name,
                params: &config,
            });
        }
        if let Some(mock) = self.opts.mocks.find(&name, &op) {
            observer.on_event(&RunEvent::Mocked { task: &name });
            return Started::Done(match &mock.fail {
                Some(m) => Err(OperatorError::runtime(m.clone())),
                None => Ok(mock.result.clone()),
            });
        }
        if self.opts.dry_run {
            return Started::Done(Ok(TaskResult::default()));
        }
        let Some(run) = operators::local_operator(&op) else {
            let msg = operators::local_limitation(&op)
                .unwrap_or_else(|| format!("Unknown task type: {op}"));
            return Started::Done(Err(OperatorError::config(msg)));
        };
        let secrets = self.opts.secrets.clone();
        let log_tx = tx.clone();
        let log_secrets = secrets.clone();
        let local = Object {
            entries: config
                .entries
                .iter()
                .filter(|e| def.local.get(&e.key).is_some())
                .cloned()
                .collect(),
        };
        let ctx = OperatorContext {
            task_name: name,
            operator: op,
            local,
            config,
            project_root: self.opts.project_root.clone(),
            tmp_dir: self.tmp_dir.clone(),
            secrets,
            log: Box::new(move |line: &str| {
                let _ = log_tx.send(Msg::Log(id, log_secrets.mask(line)));
            }),
            require: self.require.clone(),
        };
        let done_tx = tx.clone();
        let spawned = std::thread::Builder::new()
            .name(format!("task-{id}"))
            .spawn(move || {
                let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| run(&ctx)))
                    .unwrap_or_else(|_| Err(OperatorError::runtime("the operator panicked")));
                let _ = done_tx.send(Msg::Done(id, outcome));
            });
        match spawned {
            Ok(_) => Started::Async,
            Err(e) => Started::Done(Err(OperatorError::runtime(format!(
                "cannot start a worker thread: {e}"
            )))),
        }
    }

    /// The task's parameters with templates evaluated, `_type`/`_command` set.
    fn evaluate(&self, id: usize) -> Result<Object, String> {
        let scope = self.collect_params(id);
        let def = &self.nodes[id].def;
        let mut full = scope.clone();
        for e in &def.local.entries {
            if e.key == "_error" || e.key == "_check" {
                continue;
            }
            set(&mut full, &e.key, e.value.clone());
        }
        let evaluator = self
            .evaluator
            .as_ref()
            .ok_or_else(|| self.eval_error.clone().unwrap_or_default())?;
        let mut config = evaluator.eval_config(&full, &scope).map_err(|e| {
            let mut msg = e.message.clone();
            let at = e.value_span.filter(|s| s.end > s.start).and_then(|span| {
                let sources = self.opts.sources.as_ref()?;
                let f = sources.iter().find(|(id, _)| *id == span.file)?.1;
                let (l, c) = f.line_char_col(span.start);
                Some(format!("{}:{}:{}", f.path.display(), l, c))
            });
            if let Some(at) = at {
                msg.push_str(&format!(", written at {at}"));
            }
            msg
        })?;
        if let Some(op) = def.operator() {
            let key = format!("{op}>");
            if let Some(v) = config.get(&key).cloned() {
                set(&mut config, "_command", v);
            }
            set(&mut config, "_type", string(op));
        }
        Ok(config)
    }

    /// Applies an operator's outcome.
    fn complete(
        &mut self,
        id: usize,
        outcome: Result<TaskResult, OperatorError>,
        observer: &mut dyn RunObserver,
    ) {
        let name = self.nodes[id].def.full_name.clone();
        let elapsed = self.elapsed(id);
        match outcome {
            Ok(result) => {
                let mut added = false;
                if let Some(sub) = &result.subtask {
                    match self.compile_generated(id, "^sub", sub) {
                        Ok(t) => {
                            self.add(Arc::new(t), Some(id), Vec::new());
                            added = true;
                        }
                        Err(msg) => {
                            return self.complete(id, Err(OperatorError::config(msg)), observer)
                        }
                    }
                }
                if let Some(check) = self.nodes[id].def.options.check.clone() {
                    if !check.is_null() {
                        match self.compile_generated(id, "^check", &check) {
                            Ok(t) => {
                                let ups: Vec<usize> = self.nodes[id].children.clone();
                                self.add(Arc::new(t), Some(id), ups);
                                added = true;
                            }
                            Err(msg) => {
                                return self.complete(id, Err(OperatorError::config(msg)), observer)
                            }
                        }
                    }
                }
                if !added {
                    observer.on_event(&RunEvent::Succeeded {
                        task: &name,
                        result: &result,
                        elapsed,
                    });
                }
                if !result.store.is_empty() || !result.reset_store.is_empty() {
                    let mut p = self.nodes[id].parent;
                    while let Some(x) = p {
                        self.nodes[x].has_stores_below = true;
                        p = self.nodes[x].parent;
                    }
                }
                self.nodes[id].result = result;
                self.nodes[id].instantiated = true;
                self.nodes[id].state = if added {
                    TaskState::Planned
                } else {
                    TaskState::Success
                };
            }
            Err(err) => {
                let op = self.nodes[id]
                    .def
                    .operator()
                    .unwrap_or_default()
                    .to_string();
                if !err.config_error && operators::honours_retry(&op) {
                    if let Some(policy) = self.operator_retry(id) {
                        if self.nodes[id].retries < policy.limit {
                            let wait = scaled(policy.wait(self.nodes[id].retries), self.opts);
                            self.nodes[id].retries += 1;
                            let retry = self.nodes[id].retries;
                            self.nodes[id].retry_at = Some(Instant::now() + wait);
                            self.nodes[id].state = TaskState::RetryWaiting;
                            observer.on_event(&RunEvent::Retrying {
                                task: &name,
                                message: &self.opts.secrets.mask(&err.message),
                                retry,
                                wait,
                            });
                            return;
                        }
                    }
                }
                let message = self.opts.secrets.mask(&err.message);
                let error = err.error.unwrap_or_else(|| {
                    let mut o = Object::default();
                    let kind = if err.config_error {
                        "config"
                    } else {
                        "runtime"
                    };
                    set(&mut o, "message", string(format!("{message} ({kind})")));
                    o
                });
                self.nodes[id].error = Some(error.clone());
                self.nodes[id].message = Some(message.clone());
                observer.on_event(&RunEvent::Failed {
                    task: &name,
                    message: &message,
                    elapsed,
                });
                if let Some(err_def) = self.nodes[id].def.options.error.clone() {
                    let mut export = Object::default();
                    set(
                        &mut export,
                        "error",
                        Value::new(ValueKind::Object(error), runtime_span()),
                    );
                    self.add_error_task(id, err_def, export);
                    self.nodes[id].failed_own = true;
                    self.nodes[id].state = TaskState::Planned;
                } else {
                    self.nodes[id].state = TaskState::Error;
                }
            }
        }
    }

    /// `_retry` for an operator task, read from its merged parameters.
    fn operator_retry(&self, id: usize) -> Option<RetryPolicy> {
        let local = self.nodes[id].def.local.get("_retry").cloned();
        let value = local.or_else(|| self.collect_params(id).get("_retry").cloned())?;
        RetryPolicy::parse(&value).ok()
    }

    /// Compiles a generated subtask config (digdag compiles it with the same compiler).
    fn compile_generated(&self, id: usize, own: &str, config: &Value) -> Result<Task, String> {
        let full = format!("{}{own}", self.nodes[id].def.full_name);
        let mut diagnostics = Vec::new();
        let task = compile_task(own, &full, config, &mut diagnostics);
        match diagnostics.iter().find(|d| d.severity == Severity::Error) {
            Some(d) => Err(d.message.clone()),
            None => Ok(task),
        }
    }
}

/// Removes `a.b.c` (a dotted path of nested objects, as operators name reset stores such as
/// `td.last_results`) from `params`.
fn remove_path(params: &mut Object, path: &str) {
    if let Some(i) = params.position(path) {
        params.entries.remove(i);
        return;
    }
    let Some((head, rest)) = path.split_once('.') else {
        return;
    };
    if let Some(i) = params.position(head) {
        if let ValueKind::Object(inner) = &mut params.entries[i].value.kind {
            remove_path(inner, rest);
        }
    }
}

enum Started {
    Async,
    Done(Result<TaskResult, OperatorError>),
}

fn scaled(d: Duration, opts: &RunOptions) -> Duration {
    d.mul_f64(opts.retry_interval_scale.max(0.0))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::load::json::parse_json;

    #[test]
    fn reset_store_removes_dotted_paths() {
        let mut o = parse_json(
            r#"{"td": {"last_results": {"a": 1}, "last_job_id": 3}, "x": 1, "a.b": 2}"#,
            runtime_span(),
        )
        .unwrap()
        .as_object()
        .unwrap()
        .clone();
        remove_path(&mut o, "td.last_results");
        remove_path(&mut o, "a.b");
        remove_path(&mut o, "nope.deeper");
        assert_eq!(
            Value::new(ValueKind::Object(o), runtime_span()).to_json(),
            r#"{"td":{"last_job_id":3},"x":1}"#
        );
    }
}
