//! [`definition_at`]: where the name or path under the cursor points.

use super::{references_at, references_in, DocumentAnalysis, ReferenceKind, View};
use crate::load::{normalize_path, FileSystem, Loader, Value, ValueKind};
use crate::model::{Task, TaskKind};
use crate::source::{FileId, Span};
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// Where a definition is.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Target {
    /// The file.
    pub path: PathBuf,
    /// The place in the file, a span into [`DocumentAnalysis::sources`] (or into
    /// [`Target::text`] when that is set); `None` for the file as a whole (its start).
    pub span: Option<Span>,
    /// What the cursor was on (a span in the document).
    pub origin: Span,
    /// The text of the target file when it is not among the analysis's sources (a variable
    /// defined in another file of the project): `span`'s offsets index it.
    pub text: Option<Arc<str>>,
}

/// The definition of what is at byte `offset` of the analyzed document:
///
/// - a name in `_after: [+a]` -> the sibling task's key;
/// - the workflow of `call>: x.dig` -> that file (relative to the project root, `.dig`
///   appended when missing);
/// - the path of `!include : path` -> that file (relative to the document's directory);
/// - a variable read in `${...}` -> the `_export` key or `wf.toml` `[params]` key it reads,
///   as [`references_at`] resolves it across the project (a called workflow's read of its
///   caller's variable goes to the caller).
///
/// Files are reported only when `fs` can read them. `None` when there is nothing to go to.
pub fn definition_at(
    analysis: &DocumentAnalysis,
    fs: &dyn FileSystem,
    offset: u32,
) -> Option<Target> {
    let doc = analysis.file?;
    let contains = |s: Span| s.file == doc && s.start <= offset && offset <= s.end;
    if let Some(model) = &analysis.model {
        if let Some(t) = task_target(analysis, &model.root, &contains) {
            return Some(t);
        }
    }
    include_target(analysis, fs, doc, offset)
        .or_else(|| call_target(analysis, fs, &contains))
        .or_else(|| variable_target(analysis, fs, doc, offset))
}

/// The definition of the variable read at `offset`: the defining key, unless the cursor is on
/// it already.
fn variable_target(
    analysis: &DocumentAnalysis,
    fs: &dyn FileSystem,
    doc: FileId,
    offset: u32,
) -> Option<Target> {
    // Only a variable read in the document is worth loading the project for.
    let local = references_in(&View::of_analysis(analysis), None, doc, offset)?;
    if local.kind == ReferenceKind::Task {
        return None;
    }
    let (index, refs) = references_at(fs, analysis, offset)?;
    if refs.kind != ReferenceKind::Variable {
        return None;
    }
    let in_index = index.sources.find(&analysis.path)?;
    let at = |s: Span| s.file == in_index && s.start <= offset && offset <= s.end;
    let origin = refs
        .occurrences
        .iter()
        .find(|o| !o.definition && at(o.span))?
        .span;
    let def = refs.occurrences.iter().find(|o| o.definition)?.span;
    let file = index.sources.get(def.file);
    Some(Target {
        path: file.path.clone(),
        span: Some(def),
        // The index read the document through `fs` like the analysis did: same offsets.
        origin: Span::new(doc, origin.start, origin.end),
        text: Some(file.text.clone()),
    })
}

/// `_after` names, searched in `task` and below.
fn task_target(
    analysis: &DocumentAnalysis,
    task: &Task,
    contains: &dyn Fn(Span) -> bool,
) -> Option<Target> {
    for child in &task.children {
        for (name, span) in &child.options.after {
            if contains(*span) {
                let sibling = task.children.iter().find(|c| c.name == *name)?;
                let file = analysis.sources.get(sibling.name_span.file);
                return Some(Target {
                    path: file.path.clone(),
                    span: Some(sibling.name_span),
                    origin: *span,
                    text: None,
                });
            }
        }
    }
    sub_tasks(task).find_map(|t| task_target(analysis, t, contains))
}

/// The children of `task` and the tasks its directives define.
fn sub_tasks(task: &Task) -> impl Iterator<Item = &Task> {
    let o = &task.options;
    task.children.iter().chain(
        [&o.error, &o.check_task, &o.do_task, &o.else_do_task]
            .into_iter()
            .filter_map(|t| t.as_deref()),
    )
}

/// `call>: name` commands, anywhere in the model.
fn call_target(
    analysis: &DocumentAnalysis,
    fs: &dyn FileSystem,
    contains: &dyn Fn(Span) -> bool,
) -> Option<Target> {
    fn find<'a>(task: &'a Task, contains: &dyn Fn(Span) -> bool) -> Option<&'a Value> {
        if let TaskKind::Operator {
            name,
            command: Some(cmd),
            ..
        } = &task.kind
        {
            if name == "call" && contains(cmd.span) {
                return Some(cmd);
            }
        }
        sub_tasks(task).find_map(|t| find(t, contains))
    }
    let cmd = find(&analysis.model.as_ref()?.root, contains)?;
    let name = cmd.scalar_text()?;
    if name.contains("${") || name.trim().is_empty() {
        return None;
    }
    let mut file = name.trim().to_string();
    if !file.ends_with(".dig") {
        file.push_str(".dig");
    }
    let path = normalize_path(&analysis.root.join(file));
    readable(fs, &path).then_some(Target {
        path,
        span: None,
        origin: cmd.span,
        text: None,
    })
}

/// `!include : path` entries of the document (before expansion).
fn include_target(
    analysis: &DocumentAnalysis,
    fs: &dyn FileSystem,
    doc: FileId,
    offset: u32,
) -> Option<Target> {
    let source = analysis.sources.get(doc);
    let text = source.text.clone();
    if !text.contains("!include") {
        return None;
    }
    // The expanded model no longer has the include entries: convert the analyzed text again.
    let mut loader = Loader::new(fs);
    let id = loader.add_text(&source.path, text.as_bytes().to_vec(), None);
    let value = loader.parsed(id)?.value.as_ref()?;
    let (key_span, name_value) = find_include(value, &text, offset)?;
    let name = name_value.scalar_text()?;
    let base = source.path.parent().unwrap_or(Path::new(""));
    let path = normalize_path(&base.join(name));
    let origin = if name_value.span.start < name_value.span.end {
        name_value.span
    } else {
        key_span
    };
    readable(fs, &path).then_some(Target {
        path,
        span: None,
        origin: Span::new(doc, origin.start, origin.end),
        text: None,
    })
}

/// The include entry (key span, value) whose key or value holds `offset`.
fn find_include<'a>(value: &'a Value, text: &str, offset: u32) -> Option<(Span, &'a Value)> {
    let within = |s: Span| s.start <= offset && offset <= s.end;
    match &value.kind {
        ValueKind::Object(o) => o.entries.iter().find_map(|e| {
            let is_include = text
                .get(e.key_span.range())
                .is_some_and(|k| k.starts_with("!include"));
            if is_include && (within(e.key_span) || within(e.value.span)) {
                Some((e.key_span, &e.value))
            } else {
                find_include(&e.value, text, offset)
            }
        }),
        ValueKind::Array(items) => items.iter().find_map(|v| find_include(v, text, offset)),
        _ => None,
    }
}

fn readable(fs: &dyn FileSystem, path: &Path) -> bool {
    fs.read(path).is_ok()
}
