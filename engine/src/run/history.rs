//! Run history: an SQLite database in the project's `.wf/history.db` with sessions, attempts,
//! tasks (state, retries, error, result) and logs. Every task outcome is written in its own
//! transaction, so a run killed at any moment resumes from what had succeeded.

use super::operators::TaskResult;
use super::params::runtime_span;
use super::{RunEvent, RunObserver, TaskState};
use crate::load::json::parse_json;
use crate::load::{Object, Value, ValueKind};
use rusqlite::{params, Connection, OptionalExtension};
use std::collections::HashMap;
use std::path::{Path, PathBuf};

/// The history database of a project.
pub struct History {
    conn: Connection,
}

/// One session (a workflow and a session time).
#[derive(Clone, Debug, PartialEq)]
pub struct SessionRow {
    pub id: i64,
    pub workflow: String,
    pub session_time: String,
    /// Status of the latest attempt (`running`, `success`, `error`).
    pub status: String,
    pub attempts: i64,
}

/// One attempt (one `wf run`) of a session.
#[derive(Clone, Debug, PartialEq)]
pub struct AttemptRow {
    pub id: i64,
    pub session_id: i64,
    pub workflow: String,
    pub session_time: String,
    pub status: String,
    pub started_at: String,
    pub finished_at: Option<String>,
    /// The workflow file that ran.
    pub file: String,
    /// The process that ran it.
    pub pid: Option<i64>,
    /// The `-p`/`-P` parameters, as JSON.
    pub params: String,
}

/// One task of an attempt.
#[derive(Clone, Debug, PartialEq)]
pub struct TaskRow {
    pub name: String,
    pub state: String,
    pub retries: i64,
    pub error: Option<String>,
    pub started_at: Option<String>,
    pub finished_at: Option<String>,
}

/// The process group of a task command that was running (`wf kill` stops what is left of
/// it when the `wf run` process is gone).
#[derive(Clone, Debug, PartialEq)]
pub struct ProcessRow {
    pub task: String,
    pub pgid: i64,
    pub started_at: String,
}

/// Brings a database written by an older `wf` up to the current schema, one step per
/// `PRAGMA user_version` (0: the first schema; 1: `task_processes`).
fn migrate(conn: &Connection) -> Result<(), String> {
    let version: i64 = conn
        .pragma_query_value(None, "user_version", |r| r.get(0))
        .map_err(err)?;
    if version < 1 {
        // 1: the process groups of running task commands.
        conn.execute_batch(
            "BEGIN IMMEDIATE;
             CREATE TABLE IF NOT EXISTS task_processes (
                 attempt_id INTEGER NOT NULL REFERENCES attempts(id),
                 task TEXT NOT NULL,
                 pgid INTEGER NOT NULL,
                 started_at TEXT NOT NULL,
                 PRIMARY KEY (attempt_id, pgid));
             PRAGMA user_version = 1;
             COMMIT;",
        )
        .map_err(err)?;
    }
    Ok(())
}

/// The database file of a project.
pub fn history_path(project_root: &Path) -> PathBuf {
    project_root.join(".wf").join("history.db")
}

fn now() -> String {
    jiff::Timestamp::now()
        .strftime("%Y-%m-%dT%H:%M:%S%.3fZ")
        .to_string()
}

fn err(e: rusqlite::Error) -> String {
    format!("run history: {e}")
}

impl History {
    /// Opens (creating if needed) the history of the project at `project_root`.
    pub fn open(project_root: &Path) -> Result<History, String> {
        let path = history_path(project_root);
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
        }
        let conn = Connection::open(&path).map_err(err)?;
        Self::init(conn)
    }

    /// A history kept in memory (tests).
    pub fn in_memory() -> Result<History, String> {
        Self::init(Connection::open_in_memory().map_err(err)?)
    }

    fn init(conn: Connection) -> Result<History, String> {
        conn.busy_timeout(std::time::Duration::from_secs(10))
            .map_err(err)?;
        conn.execute_batch(
            "PRAGMA journal_mode = WAL;
             PRAGMA synchronous = NORMAL;
             CREATE TABLE IF NOT EXISTS sessions (
                 id INTEGER PRIMARY KEY,
                 workflow TEXT NOT NULL,
                 session_time TEXT NOT NULL,
                 created_at TEXT NOT NULL,
                 UNIQUE (workflow, session_time));
             CREATE TABLE IF NOT EXISTS attempts (
                 id INTEGER PRIMARY KEY,
                 session_id INTEGER NOT NULL REFERENCES sessions(id),
                 status TEXT NOT NULL,
                 file TEXT NOT NULL,
                 pid INTEGER,
                 params TEXT NOT NULL,
                 started_at TEXT NOT NULL,
                 finished_at TEXT);
             CREATE TABLE IF NOT EXISTS tasks (
                 attempt_id INTEGER NOT NULL REFERENCES attempts(id),
                 name TEXT NOT NULL,
                 state TEXT NOT NULL,
                 retries INTEGER NOT NULL DEFAULT 0,
                 error TEXT,
                 result TEXT,
                 started_at TEXT,
                 finished_at TEXT,
                 PRIMARY KEY (attempt_id, name));
             CREATE TABLE IF NOT EXISTS logs (
                 id INTEGER PRIMARY KEY,
                 attempt_id INTEGER NOT NULL,
                 task TEXT NOT NULL,
                 at TEXT NOT NULL,
                 line TEXT NOT NULL);
             CREATE INDEX IF NOT EXISTS logs_by_attempt ON logs (attempt_id, task);",
        )
        .map_err(err)?;
        migrate(&conn)?;
        Ok(History { conn })
    }

    /// Starts an attempt of (`workflow`, `session_time`); returns its id.
    pub fn start_attempt(
        &mut self,
        workflow: &str,
        file: &Path,
        session_time: &str,
        params: &Object,
    ) -> Result<i64, String> {
        let tx = self.conn.transaction().map_err(err)?;
        tx.execute(
            "INSERT OR IGNORE INTO sessions (workflow, session_time, created_at) VALUES (?1, ?2, ?3)",
            params![workflow, session_time, now()],
        )
        .map_err(err)?;
        let session_id: i64 = tx
            .query_row(
                "SELECT id FROM sessions WHERE workflow = ?1 AND session_time = ?2",
                params![workflow, session_time],
                |r| r.get(0),
            )
            .map_err(err)?;
        // An attempt of this session still marked running was interrupted (killed).
        tx.execute(
            "UPDATE attempts SET status = 'interrupted', finished_at = ?2 WHERE session_id = ?1 AND status = 'running'",
            params![session_id, now()],
        )
        .map_err(err)?;
        let params_json = Value::new(ValueKind::Object(params.clone()), runtime_span()).to_json();
        tx.execute(
            "INSERT INTO attempts (session_id, status, file, pid, params, started_at) VALUES (?1, 'running', ?2, ?3, ?4, ?5)",
            params![session_id, file.to_string_lossy(), std::process::id(), params_json, now()],
        )
        .map_err(err)?;
        let id = tx.last_insert_rowid();
        tx.commit().map_err(err)?;
        Ok(id)
    }

    /// Ends an attempt with `success` or `error`.
    pub fn finish_attempt(&mut self, attempt: i64, success: bool) -> Result<(), String> {
        self.conn
            .execute(
                "UPDATE attempts SET status = ?1, finished_at = ?2 WHERE id = ?3",
                params![if success { "success" } else { "error" }, now(), attempt],
            )
            .map(|_| ())
            .map_err(err)
    }

    /// Ends an attempt stopped on purpose (`wf kill`, Ctrl-C): the attempt and its tasks that
    /// were running or waiting to retry become `killed` with `reason`, and its recorded task
    /// processes are forgotten. A killed task does not count against its `_retry` on resume
    /// (unlike one that was running when the run crashed).
    pub fn kill_attempt(&mut self, attempt: i64, reason: &str) -> Result<(), String> {
        let tx = self.conn.transaction().map_err(err)?;
        let t = now();
        tx.execute(
            "UPDATE attempts SET status = 'killed', finished_at = ?2 WHERE id = ?1",
            params![attempt, t],
        )
        .map_err(err)?;
        tx.execute(
            "UPDATE tasks SET state = 'killed', error = ?2, finished_at = ?3
             WHERE attempt_id = ?1 AND state IN ('running', 'retry_waiting')",
            params![attempt, reason, t],
        )
        .map_err(err)?;
        tx.execute(
            "DELETE FROM task_processes WHERE attempt_id = ?1",
            params![attempt],
        )
        .map_err(err)?;
        tx.commit().map_err(err)
    }

    /// Records that `task` of `attempt` started a command leading process group `pgid`.
    pub fn record_process(&mut self, attempt: i64, task: &str, pgid: u32) -> Result<(), String> {
        self.conn
            .execute(
                "INSERT OR REPLACE INTO task_processes (attempt_id, task, pgid, started_at)
                 VALUES (?1, ?2, ?3, ?4)",
                params![attempt, task, pgid, now()],
            )
            .map(|_| ())
            .map_err(err)
    }

    /// Records that the command leading process group `pgid` of `attempt` ended.
    pub fn remove_process(&mut self, attempt: i64, pgid: u32) -> Result<(), String> {
        self.conn
            .execute(
                "DELETE FROM task_processes WHERE attempt_id = ?1 AND pgid = ?2",
                params![attempt, pgid],
            )
            .map(|_| ())
            .map_err(err)
    }

    /// The task process groups of `attempt` that were running when last recorded.
    pub fn processes(&self, attempt: i64) -> Result<Vec<ProcessRow>, String> {
        let mut stmt = self
            .conn
            .prepare(
                "SELECT task, pgid, started_at FROM task_processes
                 WHERE attempt_id = ?1 ORDER BY rowid",
            )
            .map_err(err)?;
        let rows = stmt
            .query_map(params![attempt], |r| {
                Ok(ProcessRow {
                    task: r.get(0)?,
                    pgid: r.get(1)?,
                    started_at: r.get(2)?,
                })
            })
            .map_err(err)?;
        rows.collect::<Result<_, _>>().map_err(err)
    }

    /// Forgets the recorded task processes of `attempt`.
    pub fn clear_processes(&mut self, attempt: i64) -> Result<(), String> {
        self.conn
            .execute(
                "DELETE FROM task_processes WHERE attempt_id = ?1",
                params![attempt],
            )
            .map(|_| ())
            .map_err(err)
    }

    /// The results of every task that succeeded in any attempt of the session (the latest
    /// one per task), for resuming.
    pub fn succeeded_tasks(
        &self,
        workflow: &str,
        session_time: &str,
    ) -> Result<HashMap<String, TaskResult>, String> {
        let mut stmt = self
            .conn
            .prepare(
                "SELECT t.name, t.result FROM tasks t
                 JOIN attempts a ON a.id = t.attempt_id
                 JOIN sessions s ON s.id = a.session_id
                 WHERE s.workflow = ?1 AND s.session_time = ?2 AND t.state = 'success'
                 ORDER BY a.id",
            )
            .map_err(err)?;
        let rows = stmt
            .query_map(params![workflow, session_time], |r| {
                Ok((r.get::<_, String>(0)?, r.get::<_, Option<String>>(1)?))
            })
            .map_err(err)?;
        let mut out = HashMap::new();
        for row in rows {
            let (name, result) = row.map_err(err)?;
            out.insert(name, decode_result(result.as_deref()));
        }
        Ok(out)
    }

    /// Tasks of the session that were running in attempts that never finished (killed), and
    /// have not succeeded since, with how many times.
    pub fn interrupted_tasks(
        &self,
        workflow: &str,
        session_time: &str,
    ) -> Result<HashMap<String, u32>, String> {
        let mut stmt = self
            .conn
            .prepare(
                "SELECT t.name, COUNT(*) FROM tasks t
                 JOIN attempts a ON a.id = t.attempt_id
                 JOIN sessions s ON s.id = a.session_id
                 WHERE s.workflow = ?1 AND s.session_time = ?2
                   AND a.status IN ('running', 'interrupted') AND t.state = 'running'
                   AND NOT EXISTS (SELECT 1 FROM tasks t2 JOIN attempts a2 ON a2.id = t2.attempt_id
                                   WHERE a2.session_id = s.id AND t2.name = t.name
                                     AND t2.state = 'success')
                 GROUP BY t.name",
            )
            .map_err(err)?;
        let rows = stmt
            .query_map(params![workflow, session_time], |r| {
                Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?))
            })
            .map_err(err)?;
        let mut out = HashMap::new();
        for row in rows {
            let (name, n) = row.map_err(err)?;
            out.insert(name, n.clamp(0, u32::MAX as i64) as u32);
        }
        Ok(out)
    }

    /// The newest session time of `workflow` (`--session last`).
    pub fn last_session_time(&self, workflow: &str) -> Result<Option<String>, String> {
        self.conn
            .query_row(
                "SELECT s.session_time FROM sessions s JOIN attempts a ON a.session_id = s.id
                 WHERE s.workflow = ?1 ORDER BY a.id DESC LIMIT 1",
                params![workflow],
                |r| r.get(0),
            )
            .optional()
            .map_err(err)
    }

    /// How long each operator task took in the newest successful attempt of `workflow` that
    /// ran it (milliseconds, at least 1), for `wf plan --simulate --durations history`.
    pub fn last_durations(&self, workflow: &str) -> Result<Vec<(String, u64)>, String> {
        let mut stmt = self
            .conn
            .prepare(
                "SELECT t.name, t.started_at, t.finished_at FROM tasks t
                 JOIN attempts a ON a.id = t.attempt_id
                 JOIN sessions s ON s.id = a.session_id
                 WHERE s.workflow = ?1 AND t.state = 'success' AND t.finished_at IS NOT NULL
                 ORDER BY a.id",
            )
            .map_err(err)?;
        let rows = stmt
            .query_map(params![workflow], |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    r.get::<_, Option<String>>(1)?,
                    r.get::<_, Option<String>>(2)?,
                ))
            })
            .map_err(err)?;
        let mut out: Vec<(String, u64)> = Vec::new();
        for row in rows {
            let (name, start, end) = row.map_err(err)?;
            let (Some(start), Some(end)) = (start, end) else {
                continue;
            };
            let (Ok(a), Ok(b)) = (
                start.parse::<jiff::Timestamp>(),
                end.parse::<jiff::Timestamp>(),
            ) else {
                continue;
            };
            let ms = (b.as_millisecond() - a.as_millisecond()).max(1) as u64;
            match out.iter_mut().find(|(n, _)| *n == name) {
                Some(slot) => slot.1 = ms,
                None => out.push((name, ms)),
            }
        }
        Ok(out)
    }

    /// Records a task state change (one transaction).
    pub fn record_task(
        &mut self,
        attempt: i64,
        name: &str,
        state: TaskState,
        retries: u32,
        error: Option<&str>,
        result: Option<&TaskResult>,
    ) -> Result<(), String> {
        let result_json = result.map(encode_result);
        let t = now();
        let finished = state.is_done().then(|| t.clone());
        self.conn
            .execute(
                "INSERT INTO tasks (attempt_id, name, state, retries, error, result, started_at, finished_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)
                 ON CONFLICT (attempt_id, name) DO UPDATE SET
                   state = excluded.state, retries = MAX(tasks.retries, excluded.retries),
                   error = COALESCE(excluded.error, tasks.error),
                   result = COALESCE(excluded.result, tasks.result),
                   finished_at = excluded.finished_at",
                params![attempt, name, state.as_str(), retries, error, result_json, t, finished],
            )
            .map(|_| ())
            .map_err(err)
    }

    /// Records that a task was not run because it succeeded in an earlier attempt.
    pub fn record_resumed(&mut self, attempt: i64, name: &str) -> Result<(), String> {
        let t = now();
        self.conn
            .execute(
                "INSERT OR REPLACE INTO tasks (attempt_id, name, state, retries, started_at, finished_at)
                 VALUES (?1, ?2, 'resumed', 0, ?3, ?3)",
                params![attempt, name, t],
            )
            .map(|_| ())
            .map_err(err)
    }

    /// Appends a log line.
    pub fn log(&mut self, attempt: i64, task: &str, line: &str) -> Result<(), String> {
        self.conn
            .execute(
                "INSERT INTO logs (attempt_id, task, at, line) VALUES (?1, ?2, ?3, ?4)",
                params![attempt, task, now(), line],
            )
            .map(|_| ())
            .map_err(err)
    }

    /// Sessions, newest first.
    pub fn sessions(&self, limit: usize) -> Result<Vec<SessionRow>, String> {
        let mut stmt = self
            .conn
            .prepare(
                "SELECT s.id, s.workflow, s.session_time,
                   (SELECT status FROM attempts WHERE session_id = s.id ORDER BY id DESC LIMIT 1),
                   (SELECT COUNT(*) FROM attempts WHERE session_id = s.id)
                 FROM sessions s ORDER BY s.id DESC LIMIT ?1",
            )
            .map_err(err)?;
        let rows = stmt
            .query_map(params![limit as i64], |r| {
                Ok(SessionRow {
                    id: r.get(0)?,
                    workflow: r.get(1)?,
                    session_time: r.get(2)?,
                    status: r.get::<_, Option<String>>(3)?.unwrap_or_default(),
                    attempts: r.get(4)?,
                })
            })
            .map_err(err)?;
        rows.collect::<Result<_, _>>().map_err(err)
    }

    /// Attempts, newest first.
    pub fn attempts(&self, limit: usize) -> Result<Vec<AttemptRow>, String> {
        self.query_attempts("ORDER BY a.id DESC LIMIT ?1", limit as i64)
    }

    /// One attempt.
    pub fn attempt(&self, id: i64) -> Result<Option<AttemptRow>, String> {
        Ok(self
            .query_attempts("WHERE a.id = ?1", id)?
            .into_iter()
            .next())
    }

    fn query_attempts(&self, tail: &str, arg: i64) -> Result<Vec<AttemptRow>, String> {
        let sql = format!(
            "SELECT a.id, a.session_id, s.workflow, s.session_time, a.status, a.started_at, a.finished_at,
                    a.file, a.pid, a.params
             FROM attempts a JOIN sessions s ON s.id = a.session_id {tail}"
        );
        let mut stmt = self.conn.prepare(&sql).map_err(err)?;
        let rows = stmt
            .query_map(params![arg], |r| {
                Ok(AttemptRow {
                    id: r.get(0)?,
                    session_id: r.get(1)?,
                    workflow: r.get(2)?,
                    session_time: r.get(3)?,
                    status: r.get(4)?,
                    started_at: r.get(5)?,
                    finished_at: r.get(6)?,
                    file: r.get(7)?,
                    pid: r.get(8)?,
                    params: r.get(9)?,
                })
            })
            .map_err(err)?;
        rows.collect::<Result<_, _>>().map_err(err)
    }

    /// The tasks of an attempt, in the order they were first recorded.
    pub fn tasks(&self, attempt: i64) -> Result<Vec<TaskRow>, String> {
        let mut stmt = self
            .conn
            .prepare(
                "SELECT name, state, retries, error, started_at, finished_at FROM tasks
                 WHERE attempt_id = ?1 ORDER BY rowid",
            )
            .map_err(err)?;
        let rows = stmt
            .query_map(params![attempt], |r| {
                Ok(TaskRow {
                    name: r.get(0)?,
                    state: r.get(1)?,
                    retries: r.get(2)?,
                    error: r.get(3)?,
                    started_at: r.get(4)?,
                    finished_at: r.get(5)?,
                })
            })
            .map_err(err)?;
        rows.collect::<Result<_, _>>().map_err(err)
    }

    /// Log lines of an attempt (of one task when `task` is set: a suffix of its name).
    pub fn logs(
        &self,
        attempt: i64,
        task: Option<&str>,
    ) -> Result<Vec<(String, String, String)>, String> {
        let mut stmt = self
            .conn
            .prepare("SELECT task, at, line FROM logs WHERE attempt_id = ?1 ORDER BY id")
            .map_err(err)?;
        let rows = stmt
            .query_map(params![attempt], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
            .map_err(err)?;
        let mut out = Vec::new();
        for row in rows {
            let row: (String, String, String) = row.map_err(err)?;
            if task.is_none_or(|t| row.0.ends_with(t)) {
                out.push(row);
            }
        }
        Ok(out)
    }
}

fn encode_result(r: &TaskResult) -> String {
    let mut o = Object::default();
    let obj = |x: &Object| Value::new(ValueKind::Object(x.clone()), runtime_span());
    super::params::set(&mut o, "export", obj(&r.export));
    super::params::set(&mut o, "store", obj(&r.store));
    super::params::set(
        &mut o,
        "reset_store",
        Value::new(
            ValueKind::Array(
                r.reset_store
                    .iter()
                    .map(|k| super::params::string(k.clone()))
                    .collect(),
            ),
            runtime_span(),
        ),
    );
    if let Some(s) = &r.subtask {
        super::params::set(&mut o, "subtask", s.clone());
    }
    Value::new(ValueKind::Object(o), runtime_span()).to_json()
}

fn decode_result(text: Option<&str>) -> TaskResult {
    let Some(v) = text.and_then(|t| parse_json(t, runtime_span()).ok()) else {
        return TaskResult::default();
    };
    let Some(o) = v.as_object() else {
        return TaskResult::default();
    };
    let obj = |k: &str| {
        o.get(k)
            .and_then(Value::as_object)
            .cloned()
            .unwrap_or_default()
    };
    TaskResult {
        subtask: o.get("subtask").cloned(),
        export: obj("export"),
        store: obj("store"),
        reset_store: o
            .get("reset_store")
            .and_then(Value::as_array)
            .map(|a| a.iter().filter_map(Value::scalar_text).collect())
            .unwrap_or_default(),
    }
}

/// Writes the events of one attempt to the history.
pub struct HistoryRecorder<'h> {
    history: &'h mut History,
    attempt: i64,
    /// The first write error (the run goes on; the caller reports it).
    pub error: Option<String>,
    resumed: std::collections::HashSet<String>,
}

impl<'h> HistoryRecorder<'h> {
    /// Records into `attempt` of `history`.
    pub fn new(history: &'h mut History, attempt: i64) -> HistoryRecorder<'h> {
        HistoryRecorder {
            history,
            attempt,
            error: None,
            resumed: Default::default(),
        }
    }

    fn keep(&mut self, r: Result<(), String>) {
        if let Err(e) = r {
            self.error.get_or_insert(e);
        }
    }
}

impl RunObserver for HistoryRecorder<'_> {
    fn on_event(&mut self, event: &RunEvent<'_>) {
        let a = self.attempt;
        let r = match event {
            RunEvent::Started { task, attempt, .. } => {
                self.history
                    .record_task(a, task, TaskState::Running, *attempt, None, None)
            }
            RunEvent::Log { task, line } => self.history.log(a, task, line),
            RunEvent::Succeeded { task, .. } if self.resumed.contains(*task) => Ok(()),
            RunEvent::Succeeded { task, result, .. } => {
                self.history
                    .record_task(a, task, TaskState::Success, 0, None, Some(result))
            }
            RunEvent::Resumed { task } => {
                self.resumed.insert(task.to_string());
                self.history.record_resumed(a, task)
            }
            RunEvent::Mocked { task } => self.history.log(a, task, "mocked"),
            RunEvent::Skipped { task } => self.history.log(a, task, "skipped (--end)"),
            RunEvent::Failed { task, message, .. } => {
                self.history
                    .record_task(a, task, TaskState::Error, 0, Some(message), None)
            }
            RunEvent::Retrying {
                task,
                message,
                retry,
                ..
            } => self.history.record_task(
                a,
                task,
                TaskState::RetryWaiting,
                *retry,
                Some(message),
                None,
            ),
            RunEvent::Params { .. } | RunEvent::Warning { .. } => Ok(()),
        };
        self.keep(r);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn temp_project(name: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!(
            "wf-history-{name}-{}-{}",
            std::process::id(),
            jiff::Timestamp::now().as_nanosecond()
        ));
        std::fs::create_dir_all(dir.join(".wf")).unwrap();
        dir
    }

    #[test]
    fn a_database_of_the_first_schema_is_migrated_and_keeps_its_rows() {
        let dir = temp_project("migrate");
        {
            // The schema `wf` wrote before task processes were recorded (user_version 0).
            let conn = Connection::open(history_path(&dir)).unwrap();
            conn.execute_batch(
                "CREATE TABLE sessions (id INTEGER PRIMARY KEY, workflow TEXT NOT NULL,
                   session_time TEXT NOT NULL, created_at TEXT NOT NULL,
                   UNIQUE (workflow, session_time));
                 CREATE TABLE attempts (id INTEGER PRIMARY KEY, session_id INTEGER NOT NULL,
                   status TEXT NOT NULL, file TEXT NOT NULL, pid INTEGER, params TEXT NOT NULL,
                   started_at TEXT NOT NULL, finished_at TEXT);
                 CREATE TABLE tasks (attempt_id INTEGER NOT NULL, name TEXT NOT NULL,
                   state TEXT NOT NULL, retries INTEGER NOT NULL DEFAULT 0, error TEXT,
                   result TEXT, started_at TEXT, finished_at TEXT,
                   PRIMARY KEY (attempt_id, name));
                 CREATE TABLE logs (id INTEGER PRIMARY KEY, attempt_id INTEGER NOT NULL,
                   task TEXT NOT NULL, at TEXT NOT NULL, line TEXT NOT NULL);
                 INSERT INTO sessions VALUES (1, 'wf', '2026-01-01T00:00:00+00:00', 'x');
                 INSERT INTO attempts VALUES (1, 1, 'running', 'wf.dig', 4242, '{}', 'x', NULL);
                 INSERT INTO tasks (attempt_id, name, state) VALUES (1, '+wf+t', 'running');",
            )
            .unwrap();
        }
        let mut h = History::open(&dir).unwrap();
        assert_eq!(h.attempt(1).unwrap().unwrap().pid, Some(4242));
        h.record_process(1, "+wf+t", 777).unwrap();
        assert_eq!(h.processes(1).unwrap()[0].pgid, 777);
        drop(h);
        // Opening it again is a no-op.
        let h = History::open(&dir).unwrap();
        let version: i64 = h
            .conn
            .pragma_query_value(None, "user_version", |r| r.get(0))
            .unwrap();
        assert_eq!(version, 1);
        assert_eq!(h.processes(1).unwrap().len(), 1);
    }

    #[test]
    fn task_processes_are_recorded_until_they_end_or_the_attempt_is_killed() {
        let mut h = History::in_memory().unwrap();
        let a = h
            .start_attempt("wf", Path::new("wf.dig"), "s", &Object::default())
            .unwrap();
        h.record_process(a, "+wf+a", 100).unwrap();
        h.record_process(a, "+wf+b", 200).unwrap();
        h.remove_process(a, 100).unwrap();
        let rows = h.processes(a).unwrap();
        assert_eq!(
            rows.iter()
                .map(|r| (r.task.as_str(), r.pgid))
                .collect::<Vec<_>>(),
            [("+wf+b", 200)]
        );
        h.record_task(a, "+wf+a", TaskState::Success, 0, None, None)
            .unwrap();
        h.record_task(a, "+wf+b", TaskState::Running, 0, None, None)
            .unwrap();
        h.record_task(a, "+wf+c", TaskState::RetryWaiting, 1, Some("boom"), None)
            .unwrap();
        h.kill_attempt(a, "killed by SIGTERM").unwrap();
        assert_eq!(h.attempt(a).unwrap().unwrap().status, "killed");
        let states: Vec<(String, String, Option<String>)> = h
            .tasks(a)
            .unwrap()
            .into_iter()
            .map(|t| (t.name, t.state, t.error))
            .collect();
        assert_eq!(
            states,
            [
                ("+wf+a".into(), "success".into(), None),
                (
                    "+wf+b".into(),
                    "killed".into(),
                    Some("killed by SIGTERM".into())
                ),
                (
                    "+wf+c".into(),
                    "killed".into(),
                    Some("killed by SIGTERM".into())
                ),
            ]
        );
        assert!(h.processes(a).unwrap().is_empty());
        // Stopped on purpose: no interruption counts against `_retry` on resume.
        assert!(h.interrupted_tasks("wf", "s").unwrap().is_empty());
    }
}
