//! Operators that `wf run` executes locally. Each gets the task's evaluated parameters
//! ([`OperatorContext::config`]) and returns a [`TaskResult`] (generated subtasks, exported
//! and stored parameters) or an [`OperatorError`], as digdag's operator SPI does.

mod call;
mod conf;
mod control;
mod http;
mod mail;
mod param;
mod py;
mod rb;
mod sh;
mod td;
#[cfg(test)]
mod test_server;

use super::secrets::Secrets;
use crate::load::{Object, Value, ValueKind};
use crate::run::params::runtime_span;
pub(crate) use rb::sets_ruby_command;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// What an operator produced.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct TaskResult {
    /// Config of the tasks to run under this one as `^sub` (loops, `call>`, `if>`, ...).
    pub subtask: Option<Value>,
    /// Parameters exported to this task's descendants (`digdag.env.export`).
    pub export: Object,
    /// Parameters stored for every later task (`digdag.env.store`, `td.last_job_id`, ...).
    pub store: Object,
    /// Stored keys removed before `store` is applied.
    pub reset_store: Vec<String>,
}

/// Why an operator failed.
#[derive(Clone, Debug, PartialEq)]
pub struct OperatorError {
    /// The message digdag would print (`Command failed with code 1`).
    pub message: String,
    /// Configuration errors are not retried.
    pub config_error: bool,
    /// The `error` object `_error` tasks see (default: `{message}`).
    pub error: Option<Object>,
}

impl OperatorError {
    /// A run-time failure (retried when `_retry` allows).
    pub fn runtime(message: impl Into<String>) -> OperatorError {
        OperatorError {
            message: message.into(),
            config_error: false,
            error: None,
        }
    }

    /// A configuration error (never retried).
    pub fn config(message: impl Into<String>) -> OperatorError {
        OperatorError {
            message: message.into(),
            config_error: true,
            error: None,
        }
    }
}

/// Runs another workflow of the project (`require>`): workflow name and session
/// parameters; returns whether it succeeded.
pub type RequireRunner = dyn Fn(&str, &Object) -> Result<bool, String> + Send + Sync;

/// Everything an operator may use.
pub struct OperatorContext {
    /// Full task name (`+wf+load`).
    pub task_name: String,
    /// The operator name (`sh`).
    pub operator: String,
    /// The task's parameters after template evaluation, with `_command` set.
    pub config: Object,
    /// The keys written in the task's own body (after evaluation), without inherited ones
    /// (what `param_set>` stores, what digdag's "unused parameter" warning looks at).
    pub local: Object,
    /// The project directory.
    pub project_root: PathBuf,
    /// Where to keep temporary files (`<project>/.wf/tmp`).
    pub tmp_dir: PathBuf,
    /// Secrets for `${secret:...}`.
    pub secrets: Arc<Secrets>,
    /// Sends one line to the task log.
    pub log: Box<dyn Fn(&str) + Send + Sync>,
    /// For `require>`.
    pub require: Option<Arc<RequireRunner>>,
}

impl OperatorContext {
    /// The working directory: the project root joined with `_workdir`.
    pub fn workdir(&self) -> PathBuf {
        match self.config.get("_workdir").and_then(Value::scalar_text) {
            Some(w) if !w.is_empty() => self.project_root.join(w),
            _ => self.project_root.clone(),
        }
    }

    /// `_command`, if set.
    pub fn command(&self) -> Option<&Value> {
        self.config.get("_command")
    }

    /// A parameter read digdag's way for operators that accept nested defaults:
    /// `key` directly, else `<operator>.key` (`_export: {sh: {shell: [...]}}`).
    pub fn param(&self, key: &str) -> Option<&Value> {
        self.config.get(key).or_else(|| {
            self.config
                .get(&self.operator)
                .and_then(Value::as_object)
                .and_then(|o| o.get(key))
        })
    }
}

/// An operator implementation.
pub type OperatorFn = fn(&OperatorContext) -> Result<TaskResult, OperatorError>;

/// The local implementation of operator `name`, if `wf run` has one.
pub fn local_operator(name: &str) -> Option<OperatorFn> {
    Some(match name {
        "echo" => control::echo,
        "fail" => control::fail,
        "notify" => control::notify,
        "loop" => control::loop_,
        "for_each" => control::for_each,
        "for_range" => control::for_range,
        "if" => control::if_,
        "wait" => control::wait,
        "call" => call::call,
        "require" => call::require,
        "sh" => sh::sh,
        "py" => py::py,
        "rb" => rb::rb,
        "http" => http::http,
        "http_call" => http::http_call,
        "mail" => mail::mail,
        "param_get" => param::param_get,
        "param_set" => param::param_set,
        "td" => td::td,
        "td_run" => td::td_run,
        "td_ddl" => td::td_ddl,
        "td_load" => td::td_load,
        "td_for_each" => td::td_for_each,
        "td_wait" => td::td_wait,
        "td_wait_table" => td::td_wait_table,
        "td_table_export" => td::td_table_export,
        "td_result_export" => td::td_result_export,
        "td_partial_delete" => td::td_partial_delete,
        _ => return None,
    })
}

/// Whether `_retry` applies to this operator (digdag's `BaseOperator` subclasses).
pub fn honours_retry(name: &str) -> bool {
    !matches!(
        name,
        "echo" | "fail" | "if" | "loop" | "for_each" | "for_range" | "wait" | "s3_wait" | "notify"
    )
}

/// Why operator `name` cannot run locally, or `None` when it can (`rb>`: when a `ruby`
/// command is on `PATH`).
pub fn local_limitation(name: &str) -> Option<String> {
    if name == "rb" {
        return rb::missing_ruby();
    }
    if local_operator(name).is_some() {
        return None;
    }
    Some(match name {
        "pg" | "redshift" | "redshift_load" | "redshift_unload" => {
            format!("{name}> needs a database connection; mock it with --mock")
        }
        "bq" | "bq_ddl" | "bq_load" | "bq_extract" | "gcs_wait" => {
            format!("{name}> needs Google Cloud; mock it with --mock")
        }
        "emr" | "s3_wait" => format!("{name}> needs AWS; mock it with --mock"),
        "embulk" => "embulk> needs the embulk command; mock it with --mock".to_string(),
        _ => format!("{name}> is not supported by wf run yet; mock it with --mock"),
    })
}

/// A list of strings (a single string is a one-element list), for `shell`, `python`, ...
pub(crate) fn string_list(v: &Value) -> Option<Vec<String>> {
    match &v.kind {
        ValueKind::Array(items) => items.iter().map(Value::scalar_text).collect(),
        _ => v.scalar_text().map(|s| vec![s]),
    }
}

/// A fresh directory for one task's scratch files under `tmp_dir`.
pub(crate) fn task_tmp_dir(
    tmp_dir: &Path,
    prefix: &str,
    task_name: &str,
) -> std::io::Result<PathBuf> {
    use std::sync::atomic::{AtomicU64, Ordering};
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let safe: String = task_name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                c
            } else {
                '_'
            }
        })
        .take(60)
        .collect();
    let n = COUNTER.fetch_add(1, Ordering::Relaxed);
    let dir = tmp_dir.join(format!("{prefix}-{safe}-{}-{n}", std::process::id()));
    // A directory of that name is a leftover of a killed run whose pid this process now has:
    // its files (an old `output.json`) must not be read as this task's.
    if dir.exists() {
        std::fs::remove_dir_all(&dir)?;
    }
    if let Some(parent) = dir.parent() {
        std::fs::create_dir_all(parent)?;
    }
    std::fs::create_dir(&dir)?;
    Ok(dir)
}

/// The environment a script operator passes to its process (semantics §2.2): every
/// top-level parameter whose key is a valid variable name (strings as-is, other values as
/// JSON), then `_env` (with `${secret:...}` substituted).
pub(crate) fn script_env(ctx: &OperatorContext) -> Result<Vec<(String, String)>, OperatorError> {
    let mut env = Vec::new();
    for e in &ctx.config.entries {
        if !is_env_name(&e.key) {
            continue;
        }
        let v = match &e.value.kind {
            ValueKind::String(s) => s.clone(),
            _ => e.value.to_json(),
        };
        env.push((e.key.clone(), v));
    }
    if let Some(extra) = ctx.config.get("_env") {
        let Some(obj) = extra.as_object() else {
            return Err(OperatorError::config(format!(
                "Expected object for key '_env' but got {} ({})",
                extra.to_json(),
                extra.type_word()
            )));
        };
        for e in &obj.entries {
            if !is_env_name(&e.key) {
                return Err(OperatorError::config(format!(
                    "Invalid _env key name: {}",
                    e.key
                )));
            }
            let raw = match &e.value.kind {
                ValueKind::String(s) => s.clone(),
                _ => e.value.to_json(),
            };
            let v = ctx
                .secrets
                .substitute(&raw)
                .map_err(OperatorError::config)?;
            env.push((e.key.clone(), v));
        }
    }
    Ok(env)
}

fn is_env_name(k: &str) -> bool {
    let mut chars = k.chars();
    matches!(chars.next(), Some(c) if c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

/// Runs a script operator's command (`py>`, `rb>`: digdag's runner protocol) and reads the
/// `output.json` its runner wrote: the exit code and the output object, if any.
pub(crate) fn run_script(
    cmd: std::process::Command,
    ctx: &OperatorContext,
    output_path: &Path,
) -> Result<(i32, Option<Object>), OperatorError> {
    let code = run_logged(cmd, ctx)?;
    let out = std::fs::read_to_string(output_path)
        .ok()
        .and_then(|t| crate::load::json::parse_json(&t, runtime_span()).ok())
        .and_then(|v| v.as_object().cloned());
    Ok((code, out))
}

/// The message of a failed script command: `{language} command failed with code N`, then the
/// runner's `error` (`: message (Class)`, ` at file:line` when it tells).
pub(crate) fn script_failure(language: &str, code: i32, out: Option<&Object>) -> String {
    let mut msg = format!("{language} command failed with code {code}");
    if let Some(e) = out.and_then(|o| o.get("error")).and_then(Value::as_object) {
        let text = |k: &str| e.get(k).and_then(Value::scalar_text);
        msg.push_str(&format!(
            ": {} ({})",
            text("message").unwrap_or_default(),
            text("class").unwrap_or_default()
        ));
        if let Some(at) = text("location") {
            msg.push_str(&format!(" at {at}"));
        }
    }
    msg
}

/// What a script runner's `output.json` says: subtasks, exports, stores, stores to reset.
pub(crate) fn script_result(out: &Object) -> TaskResult {
    let obj = |k: &str| {
        out.get(k)
            .and_then(Value::as_object)
            .cloned()
            .unwrap_or_default()
    };
    let subtask = obj("subtask_config");
    TaskResult {
        subtask: (!subtask.is_empty())
            .then(|| Value::new(ValueKind::Object(subtask), runtime_span())),
        export: obj("export_params"),
        store: obj("store_params"),
        reset_store: out
            .get("reset_store_params")
            .and_then(Value::as_array)
            .map(|a| a.iter().filter_map(Value::scalar_text).collect())
            .unwrap_or_default(),
    }
}

/// Whether `command` names a file: a path as given, else a file on `PATH`.
pub(crate) fn command_exists(command: &Path) -> bool {
    if command.components().count() > 1 {
        return command.is_file();
    }
    std::env::var_os("PATH")
        .is_some_and(|p| std::env::split_paths(&p).any(|d| d.join(command).is_file()))
}

/// Runs `cmd` with stdout and stderr on one pipe (so lines keep the order the process wrote
/// them in), sending each line to the task log; returns the exit code (-1 when killed by a
/// signal). The command leads its own process group, registered in
/// [`crate::run::processes`] while it runs (so stopping the run can kill all it started).
pub(crate) fn run_logged(
    mut cmd: std::process::Command,
    ctx: &OperatorContext,
) -> Result<i32, OperatorError> {
    use std::io::{BufRead, BufReader};
    use std::process::Stdio;
    let (reader, writer) = std::io::pipe()
        .map_err(|e| OperatorError::runtime(format!("cannot create a pipe: {e}")))?;
    let writer2 = writer
        .try_clone()
        .map_err(|e| OperatorError::runtime(format!("cannot create a pipe: {e}")))?;
    cmd.stdin(Stdio::null())
        .stdout(Stdio::from(writer))
        .stderr(Stdio::from(writer2));
    let spawned = super::processes::spawn(&mut cmd, &ctx.task_name);
    // Our copies of the write ends must be closed, or reading never ends.
    drop(cmd);
    let (mut child, _registered) =
        spawned.map_err(|e| OperatorError::runtime(format!("cannot start the command: {e}")))?;
    for line in BufReader::new(reader).lines().map_while(Result::ok) {
        (ctx.log)(&line);
    }
    let status = child
        .wait()
        .map_err(|e| OperatorError::runtime(format!("waiting for the command: {e}")))?;
    Ok(status.code().unwrap_or(-1))
}
