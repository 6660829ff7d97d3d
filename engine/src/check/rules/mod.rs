//! Semantic rules over a compiled workflow, one file per rule (each with its own tests).
//! Load- and compile-time rules (syntax, includes, task structure) are reported by the stages
//! that detect them; the rules here run after the model is built.

mod retry;
mod sla;

use crate::diagnostic::Diagnostic;
use crate::model::{Task, Workflow};

/// What a rule sees.
pub struct RuleContext<'a> {
    pub workflow: &'a Workflow,
}

/// Runs every semantic rule on `wf`.
pub fn run_all(wf: &Workflow, out: &mut Vec<Diagnostic>) {
    let cx = RuleContext { workflow: wf };
    retry::check(&cx, out);
    sla::check(&cx, out);
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
    use std::path::Path;
    let mut fs = MemoryFileSystem::new();
    fs.insert("/p/wf.dig", text);
    super::lint_project(
        &fs,
        Path::new("/p"),
        &[Path::new("/p/wf.dig").to_path_buf()],
    )
    .diagnostics
}
