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
    /// Parameters the project configuration declares (`wf.toml` `[params]`): every task sees
    /// them.
    pub params: Option<&'a crate::load::Value>,
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
    pub scalar_map: &'a (dyn Fn(crate::Span) -> Option<crate::template::ScalarMap> + Sync),
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

/// A task and the variables it sees ([`crate::scope::task_scopes`]).
pub type TaskScope<'a> = (&'a Task, Scope);

/// Workflows with at least this many tasks run the rules that need no scopes on a second
/// thread while the scopes are computed (below it a thread costs more than it saves).
const PARALLEL_FROM_TASKS: usize = 200;

/// Runs every semantic rule. Diagnostics come out in the same order either way.
pub fn run_all(cx: &RuleContext<'_>, out: &mut Vec<Diagnostic>) {
    let without_scopes = || {
        let (mut first, mut second, mut third) = (Vec::new(), Vec::new(), Vec::new());
        retry::check(cx, &mut first);
        sla::check(cx, &mut first);
        operators::check(cx, &mut first);
        profile::check(cx, &mut second);
        literal_secrets::check(cx, &mut third);
        (first, second, third)
    };
    let with_scopes = || {
        let scopes = crate::scope::task_scopes_with(cx.workflow, cx.params);
        let (mut first, mut second) = (Vec::new(), Vec::new());
        params::check(cx, &scopes, &mut first);
        files::check(cx, &scopes, &mut first);
        templates::check(cx, &scopes, &mut second);
        secrets::check(cx, &scopes, &mut second);
        (first, second)
    };
    let mut tasks = 0;
    all_tasks(&cx.workflow.root, &mut |_| tasks += 1);
    let ((a1, a2, a3), (b1, b2)) = if tasks >= PARALLEL_FROM_TASKS {
        std::thread::scope(|s| {
            let other = s.spawn(without_scopes);
            let scoped = with_scopes();
            // A panic in a rule is a bug; on the main thread it would propagate the same way.
            let other = other
                .join()
                .unwrap_or_else(|e| std::panic::resume_unwind(e));
            (other, scoped)
        })
    } else {
        (without_scopes(), with_scopes())
    };
    // The order of a sequential run: retry, sla, operators, params, files, profile,
    // templates, secrets, literal secrets.
    for part in [a1, b1, a2, b2, a3] {
        out.extend(part);
    }
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
