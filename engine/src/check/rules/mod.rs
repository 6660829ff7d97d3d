//! Semantic rules over a compiled workflow, one file per rule family (each with its own tests).
//! Load- and compile-time rules (syntax, includes, task structure) are reported by the stages
//! that detect them; the rules here run after the model is built.

mod files;
mod literal_secrets;
mod operators;
mod params;
mod profile;
mod retry;
mod secrets;
mod sla;
mod templates;

pub use operators::declares_plugins;
pub use params::is_duration;

use crate::diagnostic::Diagnostic;
use crate::load::FileSystem;
use crate::model::{Task, Workflow};
use crate::scope::Scope;
use std::path::Path;

/// What a rule sees.
pub struct RuleContext<'a> {
    pub workflow: &'a Workflow,
    /// The workflow file.
    pub workflow_path: &'a Path,
    /// The project directory.
    pub project_root: &'a Path,
    /// For file checks.
    pub fs: &'a dyn FileSystem,
    /// The scope of every task (main tree, `_error`, generated bodies).
    pub scopes: Vec<(&'a Task, Scope)>,
    /// Whether another workflow `call>`s this one (then its caller's `_export`s also apply,
    /// so parameters and variables missing here may come from there).
    pub called: bool,
    /// Whether an `!include` of the workflow could not be read (missing, a cycle, a broken
    /// file): what it would define is unknown, so missing parameters and variables are not
    /// claimed.
    pub incomplete: bool,
    /// Where the workflows will run.
    pub target: crate::schema::Target,
    /// Maps a scalar value's span to its offsets in the file (for exact `${...}` positions).
    pub scalar_map: &'a dyn Fn(crate::Span) -> Option<crate::template::ScalarMap>,
    /// Secret keys the project declares (`wf.toml` `secrets`), if it declares them.
    pub secrets: Option<&'a [String]>,
    /// Plugin operators the project declares (`wf.toml` `plugins`).
    pub plugins: &'a [String],
    /// Whether a workflow that declares plugins (`_export: plugin:`) `call>`s this one, so it
    /// inherits the declaration.
    pub plugins_from_caller: bool,
}

impl RuleContext<'_> {
    /// Whether parameters and variables this workflow does not define may still be defined
    /// where it runs: by the caller of a `call>`ed workflow, or by an include that failed.
    pub fn defined_elsewhere(&self) -> bool {
        self.called || self.incomplete
    }
}

/// Runs every semantic rule.
pub fn run_all(cx: &RuleContext<'_>, out: &mut Vec<Diagnostic>) {
    retry::check(cx, out);
    sla::check(cx, out);
    operators::check(cx, out);
    params::check(cx, out);
    files::check(cx, out);
    profile::check(cx, out);
    templates::check(cx, out);
    secrets::check(cx, out);
    literal_secrets::check(cx, out);
}

/// Visits every task, including `_error` tasks and generated `_do`/`_else_do`/`_check` bodies.
pub fn all_tasks<'a>(task: &'a Task, f: &mut dyn FnMut(&'a Task)) {
    f(task);
    for c in &task.children {
        all_tasks(c, f);
    }
    let o = &task.options;
    for t in [&o.error, &o.do_task, &o.else_do_task, &o.check_task]
        .into_iter()
        .flatten()
    {
        all_tasks(t, f);
    }
}

#[cfg(test)]
pub(crate) fn lint_text(text: &str) -> Vec<Diagnostic> {
    use crate::load::MemoryFileSystem;
    let mut fs = MemoryFileSystem::new();
    fs.insert("/p/wf.dig", text);
    super::lint_project(
        &fs,
        Path::new("/p"),
        &[Path::new("/p/wf.dig").to_path_buf()],
    )
    .diagnostics
}
