//! [`document_symbols`]: the outline of a document, the task tree of its model.

use super::{span_in_document, DocumentAnalysis, DocumentKind};
use crate::model::{Task, TaskKind};
use crate::source::{FileId, SourceMap, Span};

/// What a task is.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SymbolKind {
    /// A group: no operator, runs its children.
    Group,
    /// An operator task; the operator name without `>` (`sh`, `td`, ...).
    Operator(String),
}

/// One task in the outline.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Symbol {
    /// The key as written: `+load`, or `_error`, `_check`, `_do`, `_else_do` for the tasks
    /// those directives define.
    pub name: String,
    /// digdag's full task name (`+wf+parent+load`). In an included file, where the workflow is
    /// not known, it is relative to the file (`+parent+load`).
    pub full_name: String,
    pub kind: SymbolKind,
    /// The whole task, key and body (in the document). A task that an `!include` brought in
    /// gets the `!include` key's span.
    pub range: Span,
    /// The task's key (in the document), or the `!include` key that brought it in.
    pub selection: Span,
    /// Child tasks, in order, then the directive tasks (`_error`, ...).
    pub children: Vec<Symbol>,
}

/// The task tree of the document: the top-level tasks (and the workflow's `_error` task) with
/// their descendants. Empty when the document has no model (for example when it is not a
/// YAML mapping).
pub fn document_symbols(analysis: &DocumentAnalysis) -> Vec<Symbol> {
    let (Some(doc), Some(model)) = (analysis.file, analysis.model.as_ref()) else {
        return Vec::new();
    };
    let strip = match analysis.kind {
        DocumentKind::Workflow => "",
        DocumentKind::Included => model.root.full_name.as_str(),
    };
    let b = Builder {
        sources: &analysis.sources,
        doc,
        strip,
    };
    let mut symbols = b.children(&model.root);
    for s in &mut symbols {
        nest(s);
    }
    symbols
}

/// Editors require a symbol's selection inside its range and its children inside it: shrinks
/// what sticks out (only tasks brought in by includes can).
fn nest(s: &mut Symbol) {
    clamp(&mut s.selection, s.range);
    for c in &mut s.children {
        clamp(&mut c.range, s.range);
        nest(c);
    }
}

struct Builder<'a> {
    sources: &'a SourceMap,
    doc: FileId,
    strip: &'a str,
}

impl Builder<'_> {
    fn children(&self, task: &Task) -> Vec<Symbol> {
        let mut out: Vec<Symbol> = task
            .children
            .iter()
            .filter_map(|c| self.symbol(c, c.name.clone()))
            .collect();
        let o = &task.options;
        for (t, key) in [
            (&o.error, "_error"),
            (&o.check_task, "_check"),
            (&o.do_task, "_do"),
            (&o.else_do_task, "_else_do"),
        ] {
            if let Some(t) = t {
                out.extend(self.symbol(t, key.to_string()));
            }
        }
        out
    }

    fn symbol(&self, task: &Task, name: String) -> Option<Symbol> {
        let selection = span_in_document(self.sources, self.doc, task.name_span)?;
        let range = if selection == task.name_span {
            // Key and body in the document: the body may end after the key (a block or flow
            // value), or be empty (`+a:` with no value).
            match span_in_document(self.sources, self.doc, task.span) {
                Some(body) if body == task.span && body.end > selection.end => {
                    Span::new(self.doc, selection.start, body.end)
                }
                _ => selection,
            }
        } else {
            selection
        };
        let kind = match &task.kind {
            TaskKind::Group => SymbolKind::Group,
            TaskKind::Operator { name, .. } => SymbolKind::Operator(name.clone()),
        };
        let full_name = task
            .full_name
            .strip_prefix(self.strip)
            .unwrap_or(&task.full_name)
            .to_string();
        let children = self.children(task);
        Some(Symbol {
            name,
            full_name,
            kind,
            range,
            selection,
            children,
        })
    }
}

/// Shrinks `inner` into `outer` (both in one file).
fn clamp(inner: &mut Span, outer: Span) {
    inner.start = inner.start.clamp(outer.start, outer.end);
    inner.end = inner.end.clamp(inner.start, outer.end);
}
