//! `call>` (another workflow file of the project inlined as `^sub`) and `require>` (another
//! workflow run to completion with the same session time).

use super::{OperatorContext, OperatorError, TaskResult};
use crate::load::{DiskFileSystem, Loader, Object, Value, ValueKind};
use crate::run::params::{set, string};
use crate::Severity;

pub(super) fn call(ctx: &OperatorContext) -> Result<TaskResult, OperatorError> {
    let name = ctx
        .command()
        .and_then(Value::scalar_text)
        .ok_or_else(|| OperatorError::config("Parameter '_command' is required but not set"))?;
    let file = if name.ends_with(".dig") {
        name.clone()
    } else {
        format!("{name}.dig")
    };
    let path = crate::load::normalize_path(&ctx.workdir().join(&file));
    let root = crate::load::normalize_path(&ctx.project_root);
    if !path.starts_with(&root) {
        return Err(OperatorError::config(format!(
            "File name must not be outside of project path: {file}"
        )));
    }
    let fs = DiskFileSystem;
    let mut loader = Loader::new(&fs);
    let value = match loader.load_workflow(&path) {
        Ok((_, Some(v))) => v,
        Ok((_, None)) => {
            let msg = loader
                .diagnostics
                .first()
                .map_or("not a workflow".to_string(), |d| d.message.clone());
            return Err(OperatorError::config(format!("{}: {msg}", path.display())));
        }
        Err(e) => {
            return Err(OperatorError::config(format!(
                "File not found: {}: {e}",
                path.display()
            )))
        }
    };
    let wf_name = crate::check::workflow_name(&root, &path);
    let mut diagnostics = std::mem::take(&mut loader.diagnostics);
    // Only top-level workflows need a valid name; a called file is named by its file stem.
    let stem = wf_name.rsplit('/').next().unwrap_or(&wf_name);
    crate::model::compile_workflow(stem, value.span.file, &value, &mut diagnostics);
    if let Some(d) = diagnostics.iter().find(|d| d.severity == Severity::Error) {
        let (line, col) = loader.sources.get(d.span.file).line_char_col(d.span.start);
        return Err(OperatorError::config(format!(
            "{}:{}:{}: {}",
            path.display(),
            line,
            col,
            d.message
        )));
    }
    // Spans point into this loader's files, which the run does not know: drop them.
    let value = without_spans(&value);
    let mut body = value.as_object().cloned().unwrap_or_default();
    body.entries.retain(|e| e.key != "timezone");
    // A workflow in a subdirectory runs there.
    if let Some(dir) = wf_name.rsplit_once('/').map(|(d, _)| d.to_string()) {
        let mut export = body
            .get("_export")
            .and_then(Value::as_object)
            .cloned()
            .unwrap_or_default();
        if export.get("_workdir").is_none() {
            set(&mut export, "_workdir", string(dir));
        }
        set(
            &mut body,
            "_export",
            Value::new(ValueKind::Object(export), value.span),
        );
    }
    Ok(TaskResult {
        subtask: Some(Value::new(ValueKind::Object(body), value.span)),
        ..TaskResult::default()
    })
}

pub(super) fn require(ctx: &OperatorContext) -> Result<TaskResult, OperatorError> {
    let name = ctx
        .command()
        .and_then(Value::scalar_text)
        .ok_or_else(|| OperatorError::config("Parameter '_command' is required but not set"))?;
    if ctx.config.get("project_id").is_some() && ctx.config.get("project_name").is_some() {
        return Err(OperatorError::config(
            "Both project_id and project_name can't be set",
        ));
    }
    if let Some(p) = ctx.config.get("project_name").and_then(Value::scalar_text) {
        (ctx.log)(&format!(
            "project_name {p}: wf run looks for '{name}' in this project"
        ));
    }
    let params = ctx
        .config
        .get("params")
        .and_then(Value::as_object)
        .cloned()
        .unwrap_or_else(Object::default);
    let ignore_failure = ctx
        .config
        .get("ignore_failure")
        .and_then(crate::plan::expand::as_bool)
        .unwrap_or(false);
    let runner = ctx
        .require
        .as_ref()
        .ok_or_else(|| OperatorError::config("require> is not available here"))?;
    match runner(&name, &params) {
        Ok(true) => Ok(TaskResult::default()),
        Ok(false) if ignore_failure => {
            (ctx.log)(&format!("workflow '{name}' failed (ignore_failure: true)"));
            Ok(TaskResult::default())
        }
        Ok(false) => Err(OperatorError::runtime(format!(
            "Dependent workflow failed: {name}"
        ))),
        Err(e) => Err(OperatorError::config(e)),
    }
}

fn without_spans(v: &Value) -> Value {
    let span = crate::run::params::runtime_span();
    let kind = match &v.kind {
        ValueKind::Object(o) => ValueKind::Object(Object {
            entries: o
                .entries
                .iter()
                .map(|e| crate::load::Entry {
                    key: e.key.clone(),
                    key_span: span,
                    value: without_spans(&e.value),
                })
                .collect(),
        }),
        ValueKind::Array(items) => ValueKind::Array(items.iter().map(without_spans).collect()),
        other => other.clone(),
    };
    Value::new(kind, span)
}
