//! Loading `call>` targets from a project directory for [`super::plan_graph`].

use super::graph::CallLoader;
use crate::check::registry as rules;
use crate::load::{FileSystem, Loader};
use crate::model::{compile_workflow, Workflow};
use crate::Severity;
use std::path::PathBuf;

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
