//! The task model: a loaded workflow file -> a [`Workflow`] with a tree of [`Task`]s, checked
//! the way digdag's `WorkflowFile.fromConfig` and `WorkflowCompiler` check it (semantics §1.4,
//! §1.5, §1.7, §6.1), with every problem reported rather than only the first.

mod compile;
pub mod names;
pub mod timezone;

pub use compile::{compile_task, compile_workflow, compile_workflow_for};

use crate::load::{Object, Value};
use crate::source::{FileId, Span};

/// One workflow (a top-level `.dig` file, or a `call>` target).
#[derive(Clone, Debug)]
pub struct Workflow {
    /// Workflow name: the file path relative to the project root without `.dig`.
    pub name: String,
    /// The workflow file.
    pub file: FileId,
    /// `timezone:` (default UTC) and where it was set.
    pub timezone: Option<(String, Span)>,
    /// The root task `+<name>`, a group holding the top-level tasks.
    pub root: Task,
    /// Treasure Workflow's top-level `trigger:` (only with that target).
    pub trigger: Option<Value>,
}

/// A task: a group (children) or an operator task (`type>: command`).
#[derive(Clone, Debug)]
pub struct Task {
    /// Own name as written (`+load`, `^error`).
    pub name: String,
    /// Full name (`+wf+parent+load`).
    pub full_name: String,
    /// Span of the name key (the whole file for a root task).
    pub name_span: Span,
    /// Span of the body.
    pub span: Span,
    pub kind: TaskKind,
    pub options: TaskOptions,
    /// Other keys (operator parameters) in order.
    pub params: Vec<crate::load::Entry>,
    /// Every `_key` written in the body (directives, and typos of them), with its span.
    pub directive_keys: Vec<(String, Span)>,
    /// The task's own config as digdag keeps it for run time: every key of the body except
    /// `+child` tasks and `_export`, in order (operator keys, parameters, directives).
    pub local: Object,
    /// Child tasks in order (empty for operator tasks).
    pub children: Vec<Task>,
}

/// Whether a task runs an operator or groups children.
#[derive(Clone, Debug)]
pub enum TaskKind {
    /// No operator: runs its children.
    Group,
    /// `name>: command` (or `_type` / `_command`).
    Operator {
        /// Operator name without `>` (`sh`, `td`, ...).
        name: String,
        /// Span of the `name>` key (or of `_type`).
        name_span: Span,
        /// The command value (null when absent).
        command: Option<Value>,
    },
}

/// How a group runs its children.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Parallel {
    /// One after another (the default, or `_parallel: false`).
    Sequential,
    /// All at once (`_parallel: true`).
    All,
    /// In batches of `n` (`_parallel: {limit: n}`; `n <= 0` means all).
    Limit(i64),
}

/// The directives of a task, each with the span of its value.
#[derive(Clone, Debug, Default)]
pub struct TaskOptions {
    pub export: Option<Value>,
    pub parallel: Option<(Parallel, Span)>,
    pub background: Option<(bool, Span)>,
    /// `_after: [+a, +b]` sibling names.
    pub after: Vec<(String, Span)>,
    pub retry: Option<Value>,
    pub error: Option<Box<Task>>,
    pub check: Option<Value>,
    pub do_: Option<Value>,
    pub else_do: Option<Value>,
    /// `_do` of an operator task, compiled as the `^sub` it generates at run time.
    pub do_task: Option<Box<Task>>,
    /// `_else_do` of an `if>` task, compiled as the `^sub` it generates.
    pub else_do_task: Option<Box<Task>>,
    /// `_check` of an operator task, compiled as its `^check` task.
    pub check_task: Option<Box<Task>>,
    pub secrets: Option<Value>,
    pub timezone: Option<Value>,
    pub schedule: Option<Value>,
    pub sla: Option<Value>,
    /// `_disable: true`.
    pub disabled: bool,
}

impl Task {
    /// The operator name, if this is an operator task.
    pub fn operator(&self) -> Option<&str> {
        match &self.kind {
            TaskKind::Operator { name, .. } => Some(name),
            TaskKind::Group => None,
        }
    }

    /// Visits this task and all its descendants (not `_error` tasks), depth first.
    pub fn walk<'a>(&'a self, f: &mut dyn FnMut(&'a Task)) {
        f(self);
        for c in &self.children {
            c.walk(f);
        }
    }
}
