//! `py>`: digdag's Python protocol. The parameters go to `input.json`; our `runner.py`
//! imports the module (the working directory on `sys.path`), calls `[package.Class.]method`
//! with keyword arguments from the parameters, and writes what `digdag.env.export/store/
//! add_subtask` collected to `output.json`.

use super::{
    run_logged, script_env, string_list, task_tmp_dir, OperatorContext, OperatorError, TaskResult,
};
use crate::load::json::parse_json;
use crate::load::{Object, Value, ValueKind};
use crate::run::params::{runtime_span, set, string};

const RUNNER: &str = include_str!("py/runner.py");
const DIGDAG_MODULE: &str = include_str!("py/digdag.py");

pub(super) fn py(ctx: &OperatorContext) -> Result<TaskResult, OperatorError> {
    let command = ctx.command().and_then(Value::scalar_text);
    let script = ctx.param("script").and_then(Value::scalar_text);
    if command.is_none() && script.is_none() {
        return Err(OperatorError::config(
            "Parameter '_command' is required but not set",
        ));
    }
    let python = match ctx.param("python") {
        Some(v) => string_list(v)
            .filter(|l| !l.is_empty())
            .ok_or_else(|| OperatorError::config(format!("Invalid python: {}", v.to_json())))?,
        None => vec![default_python()],
    };
    let dir = task_tmp_dir(&ctx.tmp_dir, "py", &ctx.task_name)
        .map_err(|e| OperatorError::runtime(format!("cannot create a temporary directory: {e}")))?;
    let io = |e: std::io::Error| OperatorError::runtime(format!("{}: {e}", dir.display()));
    let mut input = Object::default();
    set(
        &mut input,
        "params",
        Value::new(ValueKind::Object(ctx.config.clone()), runtime_span()),
    );
    if let Some(c) = &command {
        set(&mut input, "command", string(c.clone()));
    }
    if let Some(s) = &script {
        set(&mut input, "script", string(s.clone()));
    }
    let input_json = Value::new(ValueKind::Object(input), runtime_span()).to_json();
    let input_path = dir.join("input.json");
    let output_path = dir.join("output.json");
    std::fs::write(&input_path, input_json).map_err(io)?;
    std::fs::write(dir.join("runner.py"), RUNNER).map_err(io)?;
    std::fs::write(dir.join("digdag.py"), DIGDAG_MODULE).map_err(io)?;
    let mut cmd = std::process::Command::new(&python[0]);
    cmd.args(&python[1..])
        .arg(dir.join("runner.py"))
        .arg(&input_path)
        .arg(&output_path)
        .current_dir(ctx.workdir());
    for (k, v) in script_env(ctx)? {
        cmd.env(k, v);
    }
    let code = run_logged(cmd, ctx);
    let output = std::fs::read_to_string(&output_path).ok();
    let _ = std::fs::remove_dir_all(&dir);
    let code = code?;
    let out = output
        .as_deref()
        .and_then(|t| parse_json(t, runtime_span()).ok())
        .and_then(|v| v.as_object().cloned());
    if code != 0 {
        let mut msg = format!("Python command failed with code {code}");
        let error = out
            .as_ref()
            .and_then(|o| o.get("error"))
            .and_then(Value::as_object);
        if let Some(e) = error {
            let class = e
                .get("class")
                .and_then(Value::scalar_text)
                .unwrap_or_default();
            let m = e
                .get("message")
                .and_then(Value::scalar_text)
                .unwrap_or_default();
            msg.push_str(&format!(": {m} ({class})"));
        }
        return Err(OperatorError::runtime(msg));
    }
    let out = out.ok_or_else(|| OperatorError::runtime("py> wrote no output.json"))?;
    let obj = |k: &str| {
        out.get(k)
            .and_then(Value::as_object)
            .cloned()
            .unwrap_or_default()
    };
    let subtask = obj("subtask_config");
    Ok(TaskResult {
        subtask: (!subtask.is_empty())
            .then(|| Value::new(ValueKind::Object(subtask), runtime_span())),
        export: obj("export_params"),
        store: obj("store_params"),
        reset_store: out
            .get("reset_store_params")
            .and_then(Value::as_array)
            .map(|a| a.iter().filter_map(Value::scalar_text).collect())
            .unwrap_or_default(),
    })
}

/// `python` as digdag runs it, falling back to `python3` where there is no `python`.
fn default_python() -> String {
    let found = |name: &str| {
        std::env::var_os("PATH")
            .is_some_and(|p| std::env::split_paths(&p).any(|d| d.join(name).is_file()))
    };
    if found("python") || !found("python3") {
        "python".into()
    } else {
        "python3".into()
    }
}
