//! `py>`: digdag's Python protocol. The parameters go to `input.json`; our `runner.py`
//! imports the module (the working directory on `sys.path`), calls `[package.Class.]method`
//! with keyword arguments from the parameters, and writes what `digdag.env.export/store/
//! add_subtask` collected to `output.json`.

use super::{
    command_exists, run_script, script_env, script_failure, script_result, string_list,
    task_tmp_dir, OperatorContext, OperatorError, TaskResult,
};
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
    let result = run_script(cmd, ctx, &output_path);
    let _ = std::fs::remove_dir_all(&dir);
    let (code, out) = result?;
    if code != 0 {
        return Err(OperatorError::runtime(script_failure(
            "Python",
            code,
            out.as_ref(),
        )));
    }
    let out = out.ok_or_else(|| OperatorError::runtime("py> wrote no output.json"))?;
    Ok(script_result(&out))
}

/// `python` as digdag runs it, falling back to `python3` where there is no `python`.
fn default_python() -> String {
    let found = |name: &str| command_exists(std::path::Path::new(name));
    if found("python") || !found("python3") {
        "python".into()
    } else {
        "python3".into()
    }
}
