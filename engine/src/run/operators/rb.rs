//! `rb>`: digdag's Ruby protocol. The parameters (with the nested `rb:` defaults merged in,
//! as digdag's `mergeDefault`) go to `input.json`; our `runner.rb` runs under
//! `ruby -I <workdir>`, requires `require:`, calls `[Module::Class.]method` with the arguments
//! its parameters name, and writes what `Digdag.env.export/store/add_subtask` collected to
//! `output.json`.

use super::{
    command_exists, run_script, script_env, script_failure, script_result, string_list,
    task_tmp_dir, OperatorContext, OperatorError, TaskResult,
};
use crate::load::{Object, Value, ValueKind};
use crate::run::params::{runtime_span, set, string};
use std::path::{Path, PathBuf};

const RUNNER: &str = include_str!("rb/runner.rb");
const DIGDAG_MODULE: &str = include_str!("rb/digdag.rb");

/// What to do when there is no `ruby` command.
pub(crate) const INSTALL_RUBY: &str =
    "install Ruby (e.g. `apt-get install ruby`), set `ruby:` to a Ruby command, or mock it with --mock";

/// Runs an `rb>` task (see the module documentation).
pub(super) fn rb(ctx: &OperatorContext) -> Result<TaskResult, OperatorError> {
    let params = merged_params(ctx);
    let command = params.get("_command").and_then(Value::scalar_text);
    let script = params.get("script").and_then(Value::scalar_text);
    if command.is_none() && script.is_none() {
        return Err(OperatorError::config(
            "Parameter '_command' or 'script' is required but not set",
        ));
    }
    let ruby = match params.get("ruby") {
        Some(v) => string_list(v)
            .filter(|l| !l.is_empty())
            .ok_or_else(|| OperatorError::config(format!("Invalid ruby: {}", v.to_json())))?,
        None => vec!["ruby".to_string()],
    };
    let workdir = ctx.workdir();
    // A relative path with a `/` (`bin/ruby`) is the working directory's.
    let program = if ruby[0].contains('/') {
        workdir.join(&ruby[0])
    } else {
        PathBuf::from(&ruby[0])
    };
    if !command_exists(&program) {
        return Err(OperatorError::config(format!(
            "rb> cannot run: the Ruby command `{}` was not found; {INSTALL_RUBY}",
            ruby[0]
        )));
    }
    let require = match params.get("require") {
        None => None,
        Some(v) if v.is_null() => None,
        Some(v) => Some(v.scalar_text().ok_or_else(|| {
            OperatorError::config(format!(
                "Expected string for key 'require' but got {} ({})",
                v.to_json(),
                v.type_word()
            ))
        })?),
    };
    let dir = task_tmp_dir(&ctx.tmp_dir, "rb", &ctx.task_name)
        .map_err(|e| OperatorError::runtime(format!("cannot create a temporary directory: {e}")))?;
    // Removed on every way out, errors included.
    let _cleanup = RemoveDir(dir.clone());
    let io = |e: std::io::Error| OperatorError::runtime(format!("{}: {e}", dir.display()));
    let mut input = Object::default();
    set(
        &mut input,
        "params",
        Value::new(ValueKind::Object(params.clone()), runtime_span()),
    );
    if let Some(c) = &command {
        set(&mut input, "command", string(c.clone()));
    }
    if let Some(s) = &script {
        set(&mut input, "script", string(s.clone()));
    }
    if let Some(r) = &require {
        set(&mut input, "require", string(r.clone()));
    }
    set(
        &mut input,
        "workdir",
        string(workdir.to_string_lossy().into_owned()),
    );
    let input_json = Value::new(ValueKind::Object(input), runtime_span()).to_json();
    let input_path = dir.join("input.json");
    let output_path = dir.join("output.json");
    std::fs::write(&input_path, input_json).map_err(io)?;
    std::fs::write(dir.join("runner.rb"), RUNNER).map_err(io)?;
    std::fs::write(dir.join("digdag.rb"), DIGDAG_MODULE).map_err(io)?;
    let mut cmd = std::process::Command::new(&program);
    cmd.args(&ruby[1..])
        .arg("-I")
        .arg(&workdir)
        .arg("--")
        .arg(dir.join("runner.rb"))
        .arg(&input_path)
        .arg(&output_path)
        .current_dir(&workdir);
    for (k, v) in script_env(ctx)? {
        cmd.env(k, v);
    }
    let (code, out) = run_script(cmd, ctx, &output_path)?;
    if code != 0 {
        return Err(OperatorError::runtime(script_failure(
            "Ruby",
            code,
            out.as_ref(),
        )));
    }
    let out = out.ok_or_else(|| OperatorError::runtime("rb> wrote no output.json"))?;
    Ok(script_result(&out))
}

/// The task's parameters with the keys of its `rb:` object added where the task has none
/// (digdag's `config.mergeDefault(config.getNestedOrGetEmpty("rb"))`).
fn merged_params(ctx: &OperatorContext) -> Object {
    let mut params = ctx.config.clone();
    if let Some(nested) = ctx.config.get("rb").and_then(Value::as_object) {
        for e in &nested.entries {
            if params.get(&e.key).is_none() {
                params.entries.push(e.clone());
            }
        }
    }
    params
}

/// Why `rb>` tasks that use the default `ruby` command cannot run here, or `None` when a
/// `ruby` command is on `PATH`.
pub(crate) fn missing_ruby() -> Option<String> {
    (!command_exists(Path::new("ruby")))
        .then(|| format!("rb> needs the `ruby` command, which is not on PATH; {INSTALL_RUBY}"))
}

/// Whether `config` (a task body or an `_export`) chooses the Ruby command: `ruby:` directly
/// or inside an `rb:` object.
pub(crate) fn sets_ruby_command(config: &Object) -> bool {
    config.get("ruby").is_some()
        || config
            .get("rb")
            .and_then(Value::as_object)
            .is_some_and(|o| o.get("ruby").is_some())
}

/// Removes a scratch directory when dropped.
struct RemoveDir(std::path::PathBuf);

impl Drop for RemoveDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}
