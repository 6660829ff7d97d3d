//! `param_set>` and `param_get>` (semantics §2.4): digdag keeps the values in a "ParamServer"
//! (PostgreSQL or Redis, per site); `wf run` keeps them per project in the SQLite file
//! `.wf/params.db`, so values set by one run are there for the next.
//!
//! As in digdag, the operators read the task's own keys: `param_set>` stores each
//! `key: value` (values are strings; numbers and booleans as their text; `null` is
//! skipped); `param_get>` reads each `key: destination` and stores the value (or `""` when
//! the key was never set) as the store parameter `destination`. Directive keys (`_retry`,
//! ...) and the operator key itself are not parameters.

use super::conf::opt_str;
use super::{OperatorContext, OperatorError, TaskResult};
use crate::load::Object;
use crate::run::params::{set, string};
use rusqlite::{params, Connection, OptionalExtension};
use std::path::{Path, PathBuf};

/// The parameter store of a project.
pub fn params_path(project_root: &Path) -> PathBuf {
    project_root.join(".wf").join("params.db")
}

fn db_error(e: impl std::fmt::Display) -> OperatorError {
    OperatorError::runtime(format!("parameter store: {e}"))
}

fn open(project_root: &Path) -> Result<Connection, OperatorError> {
    let path = params_path(project_root);
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).map_err(|e| db_error(format!("{}: {e}", dir.display())))?;
    }
    let conn = Connection::open(&path).map_err(db_error)?;
    conn.busy_timeout(std::time::Duration::from_secs(10))
        .map_err(db_error)?;
    conn.execute_batch(
        "CREATE TABLE IF NOT EXISTS params (
             key TEXT PRIMARY KEY,
             value TEXT NOT NULL,
             updated_at TEXT NOT NULL)",
    )
    .map_err(db_error)?;
    Ok(conn)
}

/// The task's own keys. The operator interface gives the merged parameters only; the
/// executor appends the task's keys that no outer scope defines after `task_name` (the last
/// built-in), so those are taken. A task key that shadows an exported or built-in
/// parameter of the same name stays at that parameter's place and is not seen here.
/// The task's own keys (not inherited ones), without directives and the operator key.
fn local_params(ctx: &OperatorContext) -> Object {
    Object {
        entries: ctx
            .local
            .entries
            .iter()
            .filter(|e| !e.key.starts_with('_') && !e.key.ends_with('>'))
            .cloned()
            .collect(),
    }
}

fn no_key() -> OperatorError {
    OperatorError::config("no key is set.")
}

pub(super) fn param_set(ctx: &OperatorContext) -> Result<TaskResult, OperatorError> {
    let local = local_params(ctx);
    if local.is_empty() {
        return Err(no_key());
    }
    let mut values = Vec::new();
    for e in &local.entries {
        if let Some(v) = opt_str(Some(&e.value), &e.key)? {
            values.push((e.key.clone(), v));
        }
    }
    let mut conn = open(&ctx.project_root)?;
    let tx = conn.transaction().map_err(db_error)?;
    let now = jiff::Timestamp::now().to_string();
    for (k, v) in &values {
        tx.execute(
            "INSERT INTO params (key, value, updated_at) VALUES (?1, ?2, ?3)
             ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at",
            params![k, v, now],
        )
        .map_err(db_error)?;
    }
    tx.commit().map_err(db_error)?;
    for (k, _) in &values {
        (ctx.log)(&format!("set {k}"));
    }
    Ok(TaskResult::default())
}

pub(super) fn param_get(ctx: &OperatorContext) -> Result<TaskResult, OperatorError> {
    let local = local_params(ctx);
    if local.is_empty() {
        return Err(no_key());
    }
    let conn = open(&ctx.project_root)?;
    let mut store = Object::default();
    for e in &local.entries {
        let Some(dest) = opt_str(Some(&e.value), &e.key)? else {
            continue;
        };
        let value: Option<String> = conn
            .query_row(
                "SELECT value FROM params WHERE key = ?1",
                params![e.key],
                |r| r.get(0),
            )
            .optional()
            .map_err(db_error)?;
        if value.is_none() {
            (ctx.log)(&format!("{} is not set: {dest} is \"\"", e.key));
        }
        set(&mut store, &dest, string(value.unwrap_or_default()));
    }
    Ok(TaskResult {
        store,
        ..TaskResult::default()
    })
}

#[cfg(test)]
mod tests {
    use super::super::conf::testing::{ctx, temp_project};
    use super::*;
    use crate::load::{Value, ValueKind};
    use crate::run::params::runtime_span;

    /// A config as the executor builds it: the scope (ending with `task_name`), then the
    /// task's own keys, then `_command` and `_type`.
    fn config(op: &str, own: &str) -> String {
        format!(
            r#"{{"exported": "e", "timezone": "UTC", "task_name": "+wf+t", "{op}>": null, {own}, "_command": null, "_type": "{op}"}}"#
        )
    }

    #[test]
    fn values_set_in_one_task_are_read_in_another_run() {
        let root = temp_project("param");
        let (c, log) = ctx(
            "param_set",
            &config(
                "param_set",
                r#""last_date": "2026-12-01", "count": 3, "skipped": null, "_retry": 2"#,
            ),
            &[],
            &root,
        );
        param_set(&c).unwrap();
        assert_eq!(
            log.lock().unwrap().as_slice(),
            ["set last_date", "set count"]
        );
        assert!(params_path(&root).is_file());
        let (c, log) = ctx(
            "param_get",
            &config(
                "param_get",
                r#""last_date": "prev_date", "count": "n", "never_set": "missing""#,
            ),
            &[],
            &root,
        );
        let r = param_get(&c).unwrap();
        assert_eq!(
            Value::new(ValueKind::Object(r.store), runtime_span()).to_json(),
            r#"{"prev_date":"2026-12-01","n":"3","missing":""}"#
        );
        assert_eq!(
            log.lock().unwrap().as_slice(),
            ["never_set is not set: missing is \"\""]
        );
        // A later param_set replaces the value.
        let (c, _) = ctx(
            "param_set",
            &config("param_set", r#""count": "4""#),
            &[],
            &root,
        );
        param_set(&c).unwrap();
        let (c, _) = ctx(
            "param_get",
            &config("param_get", r#""count": "n""#),
            &[],
            &root,
        );
        let r = param_get(&c).unwrap();
        assert_eq!(r.store.get("n").and_then(Value::as_str), Some("4"));
    }

    #[test]
    fn keys_are_required_and_values_are_strings() {
        let root = temp_project("param-errors");
        let (c, _) = ctx(
            "param_set",
            r#"{"task_name": "+wf+t", "param_set>": null, "_type": "param_set"}"#,
            &[],
            &root,
        );
        let e = param_set(&c).unwrap_err();
        assert!(e.config_error);
        assert_eq!(e.message, "no key is set.");
        let (c, _) = ctx(
            "param_set",
            &config("param_set", r#""k": [1, 2]"#),
            &[],
            &root,
        );
        assert_eq!(
            param_set(&c).unwrap_err().message,
            "Expected string for key 'k' but got [1,2] (array)"
        );
    }
}
