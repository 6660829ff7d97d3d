//! Workspace symbols: the workflows of a project and their tasks, matched against a query.

use super::project::{for_each_task, ProjectIndex};
use crate::model::TaskKind;
use crate::source::Span;

/// What a workspace symbol is.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum WorkspaceSymbolKind {
    /// A workflow (its file).
    Workflow,
    /// A group task.
    Group,
    /// An operator task; the operator name without `>`.
    Operator(String),
}

/// A workflow or task of the project.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WorkspaceSymbol {
    /// The workflow name, or the task key (`+load`).
    pub name: String,
    /// Where it is: the parent's full name for a task (`+wf+group`), the project directory
    /// for a workflow.
    pub container: String,
    pub kind: WorkspaceSymbolKind,
    /// The task key, or the start of the workflow file. Indexes the index's sources.
    pub span: Span,
}

/// Whether `query` matches `name`: its characters appear in order, ignoring case (an empty
/// query matches everything).
pub fn fuzzy_match(query: &str, name: &str) -> bool {
    let mut chars = name.chars().flat_map(char::to_lowercase);
    query
        .chars()
        .flat_map(char::to_lowercase)
        .all(|q| chars.any(|c| c == q))
}

/// The workflows and tasks of the project whose name matches `query` ([`fuzzy_match`]; for a
/// task its key or its full name), workflows first, then tasks in file order.
pub fn workspace_symbols(index: &ProjectIndex, query: &str) -> Vec<WorkspaceSymbol> {
    let mut out: Vec<WorkspaceSymbol> = Vec::new();
    for (_, wf) in &index.workflows {
        if fuzzy_match(query, &wf.name) {
            out.push(WorkspaceSymbol {
                name: wf.name.clone(),
                container: index.root.display().to_string(),
                kind: WorkspaceSymbolKind::Workflow,
                span: Span::new(wf.file, 0, 0),
            });
        }
    }
    let view = index.view();
    let mut tasks: Vec<WorkspaceSymbol> = Vec::new();
    for_each_task(&view, &mut |t, parent| {
        let Some(parent) = parent else { return };
        if !(fuzzy_match(query, &t.name) || fuzzy_match(query, &t.full_name)) {
            return;
        }
        if tasks.iter().any(|s| s.span == t.name_span) {
            return;
        }
        tasks.push(WorkspaceSymbol {
            name: t.name.clone(),
            container: parent.full_name.clone(),
            kind: match &t.kind {
                TaskKind::Group => WorkspaceSymbolKind::Group,
                TaskKind::Operator { name, .. } => WorkspaceSymbolKind::Operator(name.clone()),
            },
            span: t.name_span,
        });
    });
    tasks.sort_by_key(|s| (s.span.file, s.span.start));
    out.extend(tasks);
    out
}
