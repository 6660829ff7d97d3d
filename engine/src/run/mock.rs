//! `--mock FILE`: results for tasks that should not really run. The file maps a task name
//! (matched as a suffix of the full name, like `wf run +task`) or an operator (`td>`) to
//! what the task returns:
//!
//! ```yaml
//! +load_users:             # this task
//!   store: {td: {last_job_id: 42}}
//! td>:                     # every other td> task
//!   store: {td: {last_results: {count: 3}}}
//! +flaky:
//!   fail: "connection refused"   # the task fails with this message
//! ```

use super::operators::TaskResult;
use crate::load::{Object, Value};

/// One mock: what it matches and what the task returns.
#[derive(Clone, Debug, PartialEq)]
pub struct Mock {
    /// `+name` (suffix of the full task name) or `op>`.
    pub pattern: String,
    /// The result of a mocked success.
    pub result: TaskResult,
    /// The message of a mocked failure.
    pub fail: Option<String>,
}

/// All mocks of a run (task patterns first, then operators).
#[derive(Clone, Debug, Default)]
pub struct Mocks {
    mocks: Vec<Mock>,
}

impl Mocks {
    /// Builds mocks from the loaded mock file (an object, see the module docs).
    pub fn from_value(v: &Value) -> Result<Mocks, String> {
        let obj = v.as_object().ok_or_else(|| {
            "the mock file must be a mapping of `+task` or `operator>` to results".to_string()
        })?;
        let mut mocks = Vec::new();
        for e in &obj.entries {
            if !e.key.starts_with('+') && !e.key.ends_with('>') {
                return Err(format!(
                    "mock key '{}' must be a task name (`+task`) or an operator (`td>`)",
                    e.key
                ));
            }
            let body = match e.value.as_object() {
                Some(b) => b.clone(),
                None if e.value.is_null() => Object::default(),
                None => {
                    return Err(format!(
                        "mock '{}' must be a mapping (store, export, fail)",
                        e.key
                    ))
                }
            };
            let mut result = TaskResult::default();
            let mut fail = None;
            for b in &body.entries {
                match b.key.as_str() {
                    "store" => {
                        result.store =
                            b.value.as_object().cloned().ok_or_else(|| {
                                format!("mock '{}': store must be a mapping", e.key)
                            })?
                    }
                    "export" => {
                        result.export =
                            b.value.as_object().cloned().ok_or_else(|| {
                                format!("mock '{}': export must be a mapping", e.key)
                            })?
                    }
                    "fail" => fail = Some(b.value.scalar_text().unwrap_or_default()),
                    other => {
                        return Err(format!(
                            "mock '{}': unknown key '{other}' (use store, export, fail)",
                            e.key
                        ))
                    }
                }
            }
            mocks.push(Mock {
                pattern: e.key.clone(),
                result,
                fail,
            });
        }
        mocks.sort_by_key(|m| !m.pattern.starts_with('+'));
        Ok(Mocks { mocks })
    }

    /// The mock for a task, if any: a task pattern first, then its operator.
    pub fn find(&self, full_name: &str, operator: &str) -> Option<&Mock> {
        self.mocks.iter().find(|m| {
            if m.pattern.starts_with('+') {
                full_name.ends_with(&m.pattern)
            } else {
                m.pattern.trim_end_matches('>') == operator
            }
        })
    }

    /// Whether a mock covers this task.
    pub fn covers(&self, full_name: &str, operator: &str) -> bool {
        self.find(full_name, operator).is_some()
    }

    /// Whether there are no mocks.
    pub fn is_empty(&self) -> bool {
        self.mocks.is_empty()
    }
}
