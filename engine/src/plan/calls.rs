//! Loading `call>` targets from a project directory for [`super::plan_graph`].

use super::graph::{plan_graph, CallLoader, PlanOptions, TaskGraph};
use super::params::ParamResolver;
use crate::check::registry as rules;
use crate::load::config::load_config;
use crate::load::{FileSystem, Loader, Object, Value};
use crate::model::{compile_workflow, Workflow};
use crate::Severity;
use std::path::{Path, PathBuf};

/// Loads the workflows `call>` tasks name from the project at `root`, the way digdag loads
/// them (includes expanded, compiled; the name is the path without `.dig`).
pub struct ProjectCalls<'fs> {
    fs: &'fs dyn FileSystem,
    root: PathBuf,
}

impl<'fs> ProjectCalls<'fs> {
    /// Calls resolved in the project directory `root`.
    pub fn new(fs: &'fs dyn FileSystem, root: impl Into<PathBuf>) -> Self {
        ProjectCalls {
            fs,
            root: root.into(),
        }
    }
}

/// The plan of `wf`, a workflow of the project at `root` (read through `fs`), as `wf plan`
/// builds it: `call>`ed workflows loaded from the project, parameters from `params`.
pub fn plan_project_graph(
    fs: &dyn FileSystem,
    root: &Path,
    wf: &Workflow,
    params: &ParamResolver,
) -> TaskGraph {
    let calls = ProjectCalls::new(fs, root);
    plan_graph(
        wf,
        &PlanOptions {
            params,
            calls: Some(&calls),
            max_tasks: MAX_PLANNED_TASKS,
        },
    )
}

/// The parameters the project at `root` declares (`wf.toml` `[params]`): every task sees them.
pub fn declared_params(fs: &dyn FileSystem, root: &Path) -> Object {
    load_config(&mut Loader::new(fs), fs, root)
        .params
        .as_ref()
        .and_then(Value::as_object)
        .cloned()
        .unwrap_or_default()
}

/// No loop expands once a plan has this many tasks.
const MAX_PLANNED_TASKS: usize = 100_000;

impl CallLoader for ProjectCalls<'_> {
    fn load(&self, path: &str) -> Result<Workflow, String> {
        let full = self.root.join(path);
        let mut loader = Loader::new(self.fs);
        let (file, value) = loader
            .load_workflow(&full)
            .map_err(|e| format!("File not found: {}: {e}", full.display()))?;
        let name = path.strip_suffix(".dig").unwrap_or(path);
        let mut diagnostics = std::mem::take(&mut loader.diagnostics);
        let wf = value.map(|v| compile_workflow(name, file, &v, &mut diagnostics));
        // The root task's name is never used: the body becomes the caller's `^sub`, so a
        // path with `/` (a workflow in a subdirectory) is fine.
        let errors = diagnostics
            .iter()
            .filter(|d| d.severity == Severity::Error)
            .filter(|d| {
                !(d.code == rules::INVALID_WORKFLOW_NAME.code
                    && d.message.starts_with("Validating workflow task failed"))
            })
            .count();
        match wf {
            Some(wf) if errors == 0 => Ok(wf),
            _ => Err(format!(
                "`{path}` has {errors} error(s) (run `wf lint {path}`)"
            )),
        }
    }
}
