//! `sh>`: the command, with `${secret:...}` substituted, written to `runner.sh` and run by
//! `shell` (default `/bin/sh`) in the working directory, with parameters exported as
//! environment variables (semantics §2.2).

use super::{
    run_logged, script_env, string_list, task_tmp_dir, OperatorContext, OperatorError, TaskResult,
};
use crate::load::{Value, ValueKind};

pub(super) fn sh(ctx: &OperatorContext) -> Result<TaskResult, OperatorError> {
    let command = match ctx.command().map(|v| &v.kind) {
        Some(ValueKind::String(s)) => s.clone(),
        Some(ValueKind::Object(_) | ValueKind::Array(_)) | None | Some(ValueKind::Null) => {
            let got = ctx.command().map_or("null".to_string(), Value::to_json);
            return Err(OperatorError::config(format!(
                "Expected string for key '_command' but got {got}"
            )));
        }
        Some(_) => ctx
            .command()
            .and_then(Value::scalar_text)
            .unwrap_or_default(),
    };
    let command = ctx
        .secrets
        .substitute(&command)
        .map_err(OperatorError::config)?;
    let shell = match ctx.param("shell") {
        Some(v) => string_list(v)
            .filter(|l| !l.is_empty())
            .ok_or_else(|| OperatorError::config(format!("Invalid shell: {}", v.to_json())))?,
        None => vec!["/bin/sh".to_string()],
    };
    let dir = task_tmp_dir(&ctx.tmp_dir, "sh", &ctx.task_name)
        .map_err(|e| OperatorError::runtime(format!("cannot create a temporary directory: {e}")))?;
    let script = dir.join("runner.sh");
    std::fs::write(&script, command.as_bytes())
        .map_err(|e| OperatorError::runtime(format!("{}: {e}", script.display())))?;
    let workdir = ctx.workdir();
    let mut cmd = std::process::Command::new(&shell[0]);
    cmd.args(&shell[1..]).arg(&script).current_dir(&workdir);
    for (k, v) in script_env(ctx)? {
        cmd.env(k, v);
    }
    let path = std::env::var("PATH").unwrap_or_default();
    cmd.env("PATH", format!("{path}:{}", workdir.display()));
    let code = run_logged(cmd, ctx);
    let _ = std::fs::remove_dir_all(&dir);
    match code? {
        0 => Ok(TaskResult::default()),
        n => Err(OperatorError::runtime(format!(
            "Command failed with code {n}"
        ))),
    }
}
