//! References, document highlights and rename for task names and `_export` variables.
//!
//! - A task name (`+load`) is defined by its key and referenced by the `_after` lists of its
//!   siblings. A file included in several places defines the task in each of them.
//! - A variable is defined by an `_export` key, or by a key of the project's `wf.toml`
//!   `[params]`, and read by the `${...}` templates of the tasks that see that definition (the
//!   scope analysis decides which definition a `${name}` reads; a nearer `_export` of the same
//!   name shadows it). A workflow that a `call>` task runs also sees the caller's variables, so
//!   its otherwise undefined reads count too.
//!
//! Built-in variables have references but cannot be renamed.

use super::project::{for_each_task, name_within, template_pieces, TemplatePart, TemplatePiece};
use super::{DocumentAnalysis, ProjectIndex, View};
use crate::load::{normalize_path, FileSystem, ValueKind};
use crate::model::{names, Task, TaskKind};
use crate::scope::{task_scopes_with, Origin};
use crate::source::{FileId, Span};
use std::collections::HashSet;
use std::path::Path;

/// What a set of references is about.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ReferenceKind {
    /// A task name.
    Task,
    /// A variable defined by `_export` or declared in `wf.toml` `[params]`.
    Variable,
    /// A variable without a definition in the files (a built-in, a loop variable, a value an
    /// operator stores): it has references but no definition to rename.
    OtherVariable,
}

/// One place a name occurs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Occurrence {
    /// The name itself (inside quotes when it is quoted).
    pub span: Span,
    /// Whether this is where it is defined (a task key, an `_export` key).
    pub definition: bool,
}

/// Every occurrence of the name under a cursor, definitions first, then by file path and
/// position.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct References {
    /// The name (`+load`, `target_table`).
    pub name: String,
    pub kind: ReferenceKind,
    pub occurrences: Vec<Occurrence>,
}

/// Why a rename cannot be done.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RenameError(pub String);

impl std::fmt::Display for RenameError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// Text edits of a rename: (span, new text), sorted, never overlapping.
pub type Edits = Vec<(Span, String)>;

/// Template globals that are not parameters.
const GLOBALS: &[&str] = &[
    "moment",
    "template",
    "print",
    "undefined",
    "NaN",
    "Infinity",
    "this",
];

/// One `${...}` read of a variable, resolved to its definition.
#[derive(Clone, Debug)]
struct Use {
    name: String,
    piece: TemplatePiece,
    /// The `_export` key it reads (`None`: a built-in, a loop variable, a store, or nothing).
    def: Option<Span>,
}

/// Every variable read in the view's workflows, with its definition. `root` (the project
/// directory) resolves `call>` targets (relative to the calling workflow's directory, like
/// digdag's `_workdir`, else to the root), so that reads in a called workflow count as reads
/// of the caller's definitions.
fn variable_uses(view: &View<'_>, root: Option<&Path>) -> Vec<Use> {
    let mut uses: Vec<Use> = Vec::new();
    let mut seen: HashSet<(Span, Option<Span>)> = HashSet::new();
    // Reads no scope defines, by workflow file.
    let mut unresolved: Vec<(FileId, Use)> = Vec::new();
    let mut calls: Vec<(std::path::PathBuf, Vec<(String, Span)>)> = Vec::new();
    for wf in &view.workflows {
        let dir = view
            .sources
            .get(wf.file)
            .path
            .parent()
            .map(Path::to_path_buf);
        for (task, scope) in task_scopes_with(wf, view.params) {
            let mut parts = Vec::new();
            for e in &task.params {
                template_pieces(view, &e.value, &mut parts);
            }
            if let Some(export) = &task.options.export {
                template_pieces(view, export, &mut parts);
            }
            for part in parts {
                let TemplatePart::Variable {
                    name, root: piece, ..
                } = part
                else {
                    continue;
                };
                if GLOBALS.contains(&name.as_str()) {
                    continue;
                }
                let var = scope.get(&name);
                let def = var.and_then(|v| match &v.origin {
                    Origin::Export { span, .. } | Origin::Declared { span } => Some(*span),
                    _ => None,
                });
                let u = Use { name, piece, def };
                if var.is_none() {
                    unresolved.push((wf.file, u.clone()));
                }
                if seen.insert((u.piece.span, u.def)) {
                    uses.push(u);
                }
            }
            // `call>: file`: what the called workflow sees from this task.
            if let (Some(root), TaskKind::Operator { name, command, .. }) = (root, &task.kind) {
                let target = command.as_ref().and_then(|c| c.scalar_text());
                if let (true, Some(target)) = (name == "call", target) {
                    let target = target.trim();
                    if !target.contains("${") && !target.is_empty() {
                        let file = if target.ends_with(".dig") {
                            target.to_string()
                        } else {
                            format!("{target}.dig")
                        };
                        let exported: Vec<(String, Span)> = scope
                            .exports()
                            .filter_map(|v| match &v.origin {
                                Origin::Export { span, .. } => Some((v.name.clone(), *span)),
                                _ => None,
                            })
                            .collect();
                        let from_dir = dir.as_ref().map(|d| normalize_path(&d.join(&file)));
                        let target = match from_dir {
                            Some(p) if view.sources.find(&p).is_some() => p,
                            _ => normalize_path(&root.join(&file)),
                        };
                        calls.push((target, exported));
                    }
                }
            }
        }
    }
    for (target, exported) in calls {
        let Some(file) = view.sources.find(&target) else {
            continue;
        };
        for (wf_file, u) in &unresolved {
            if *wf_file != file {
                continue;
            }
            // The most recent definition of the name in the caller's scope.
            if let Some((_, span)) = exported.iter().find(|(n, _)| *n == u.name) {
                let linked = Use {
                    def: Some(*span),
                    ..u.clone()
                };
                if seen.insert((linked.piece.span, linked.def)) {
                    uses.push(linked);
                }
            }
        }
    }
    uses
}

/// What the cursor is on.
enum Target {
    /// A task name: the key spans of the task (one per place it is defined).
    Task {
        name: String,
        keys: Vec<Span>,
    },
    Variable {
        name: String,
        def: Option<Span>,
    },
}

fn contains(s: Span, file: FileId, offset: u32) -> bool {
    s.file == file && s.start <= offset && offset <= s.end
}

/// The task name or variable at `offset` of `file`.
fn target_at(view: &View<'_>, uses: &[Use], file: FileId, offset: u32) -> Option<Target> {
    let mut found: Option<Target> = None;
    for_each_task(view, &mut |t, parent| {
        if found.is_some() {
            return;
        }
        if parent.is_some() && t.name.starts_with('+') && contains(t.name_span, file, offset) {
            found = Some(Target::Task {
                name: t.name.clone(),
                keys: vec![t.name_span],
            });
            return;
        }
        if let Some(p) = parent {
            for (name, span) in &t.options.after {
                if contains(*span, file, offset) {
                    let keys: Vec<Span> = p
                        .children
                        .iter()
                        .filter(|c| c.name == *name)
                        .map(|c| c.name_span)
                        .collect();
                    if !keys.is_empty() {
                        found = Some(Target::Task {
                            name: name.clone(),
                            keys,
                        });
                    }
                    return;
                }
            }
        }
        if let Some(ValueKind::Object(o)) = t.options.export.as_ref().map(|v| &v.kind) {
            for e in &o.entries {
                if contains(e.key_span, file, offset) {
                    found = Some(Target::Variable {
                        name: e.key.clone(),
                        def: Some(e.key_span),
                    });
                    return;
                }
            }
        }
    });
    if found.is_some() {
        return found;
    }
    // A parameter declared in `wf.toml`.
    if let Some(ValueKind::Object(o)) = view.params.map(|v| &v.kind) {
        if let Some(e) = o
            .entries
            .iter()
            .find(|e| contains(e.key_span, file, offset))
        {
            return Some(Target::Variable {
                name: e.key.clone(),
                def: Some(e.key_span),
            });
        }
    }
    // A read linked to a caller's definition (through `call>`) is also listed unresolved.
    let at = |u: &&Use| contains(u.piece.span, file, offset);
    uses.iter()
        .filter(at)
        .find(|u| u.def.is_some())
        .or_else(|| uses.iter().find(at))
        .map(|u| Target::Variable {
            name: u.name.clone(),
            def: u.def,
        })
}

/// Every (task, parent) whose key is one of `keys`.
fn task_sites<'a>(view: &View<'a>, keys: &[Span]) -> Vec<(&'a Task, &'a Task)> {
    let mut out: Vec<(&Task, &Task)> = Vec::new();
    for_each_task(view, &mut |t, parent| {
        if let Some(p) = parent {
            if keys.contains(&t.name_span) && !out.iter().any(|(_, q)| std::ptr::eq(*q, p)) {
                out.push((t, p));
            }
        }
    });
    out
}

fn collect(view: &View<'_>, uses: &[Use], target: &Target) -> References {
    let mut occ: Vec<Occurrence> = Vec::new();
    let push = |span: Span, definition: bool, occ: &mut Vec<Occurrence>| {
        if !occ.iter().any(|o| o.span == span) {
            occ.push(Occurrence { span, definition });
        }
    };
    let (name, kind) = match target {
        Target::Task { name, keys } => {
            for (_, parent) in task_sites(view, keys) {
                for c in &parent.children {
                    if c.name == *name {
                        let span = name_within(view, c.name_span, name).unwrap_or(c.name_span);
                        push(span, true, &mut occ);
                    }
                }
                for c in &parent.children {
                    for (n, span) in &c.options.after {
                        if n == name {
                            let span = name_within(view, *span, name).unwrap_or(*span);
                            push(span, false, &mut occ);
                        }
                    }
                }
            }
            (name.clone(), ReferenceKind::Task)
        }
        Target::Variable { name, def } => {
            if let Some(d) = def {
                push(name_within(view, *d, name).unwrap_or(*d), true, &mut occ);
            }
            for u in uses {
                if u.def == *def && (def.is_some() || u.name == *name) {
                    push(u.piece.span, false, &mut occ);
                }
            }
            let kind = if def.is_some() {
                ReferenceKind::Variable
            } else {
                ReferenceKind::OtherVariable
            };
            (name.clone(), kind)
        }
    };
    // By file path, so that the order does not depend on which document was opened.
    occ.sort_by(|a, b| {
        let key = |o: &Occurrence| {
            (
                !o.definition,
                &view.sources.get(o.span.file).path,
                o.span.start,
            )
        };
        key(a).cmp(&key(b))
    });
    References {
        name,
        kind,
        occurrences: occ,
    }
}

/// The references of the name at `offset` of `file` among the view's workflows (`root`: the
/// project directory, to follow `call>`).
pub fn references_in(
    view: &View<'_>,
    root: Option<&Path>,
    file: FileId,
    offset: u32,
) -> Option<References> {
    let uses = variable_uses(view, root);
    let target = target_at(view, &uses, file, offset)?;
    Some(collect(view, &uses, &target))
}

/// The references, across the document's project (see [`ProjectIndex::of_document`]), of the
/// task name or variable at byte `offset` of the analyzed document. Spans index the returned
/// index's sources.
pub fn references_at(
    fs: &dyn FileSystem,
    analysis: &DocumentAnalysis,
    offset: u32,
) -> Option<(ProjectIndex, References)> {
    analysis.file?;
    let index = ProjectIndex::of_document(fs, analysis);
    let file = index.sources.find(&analysis.path)?;
    let refs = references_in(&index.view(), Some(&index.root), file, offset)?;
    Some((index, refs))
}

/// The occurrences in the document of the name at `offset` (from the document's own model: no
/// other file is read). For document highlights.
pub fn highlights_at(analysis: &DocumentAnalysis, offset: u32) -> Vec<Occurrence> {
    let Some(doc) = analysis.file else {
        return Vec::new();
    };
    let view = View::of_analysis(analysis);
    let Some(refs) = references_in(&view, None, doc, offset) else {
        return Vec::new();
    };
    refs.occurrences
        .into_iter()
        .filter(|o| o.span.file == doc)
        .collect()
}

/// What a rename at `offset` would rename: the span (in the document) of the name under the
/// cursor, and the name. `Ok(None)` when there is nothing to rename there; an error when the
/// name cannot be renamed (a built-in variable, for example). Looks across the project like
/// [`rename_at`], so that it agrees with it.
pub fn prepare_rename_at(
    fs: &dyn FileSystem,
    analysis: &DocumentAnalysis,
    offset: u32,
) -> Result<Option<(Span, String)>, RenameError> {
    let (Some(doc), Some((index, refs))) = (analysis.file, references_at(fs, analysis, offset))
    else {
        return Ok(None);
    };
    if refs.kind == ReferenceKind::OtherVariable {
        return Err(not_renameable(&refs.name));
    }
    let Some(file) = index.sources.find(&analysis.path) else {
        return Ok(None);
    };
    // Spans of the index's copy of the document hold for the analyzed text: both were read
    // through the same file system.
    Ok(refs
        .occurrences
        .iter()
        .find(|o| contains(o.span, file, offset))
        .map(|o| (Span::new(doc, o.span.start, o.span.end), refs.name.clone())))
}

fn not_renameable(name: &str) -> RenameError {
    let what = if crate::schema::builtin_variable(name).is_some() {
        "a built-in variable"
    } else {
        "not defined by an `_export` in the project or in its `wf.toml` `[params]` (a loop variable, a value an operator stores, or undefined)"
    };
    RenameError(format!("`{name}` cannot be renamed: it is {what}"))
}

/// Renames the task name or variable (`_export`ed, or declared in `wf.toml`) at `offset` to
/// `new_name` everywhere in the document's project. A task's new name may be written with or without its `+`. Returns the
/// index (whose sources the spans index) and the edits.
pub fn rename_at(
    fs: &dyn FileSystem,
    analysis: &DocumentAnalysis,
    offset: u32,
    new_name: &str,
) -> Result<(ProjectIndex, Edits), RenameError> {
    let nothing = || RenameError("there is no task name or `_export` variable here".to_string());
    let (index, refs) = references_at(fs, analysis, offset).ok_or_else(nothing)?;
    let new_text = match refs.kind {
        ReferenceKind::OtherVariable => return Err(not_renameable(&refs.name)),
        ReferenceKind::Task => {
            let new = if new_name.starts_with('+') {
                new_name.to_string()
            } else {
                format!("+{new_name}")
            };
            names::check_raw_task_name(&new)
                .map_err(|m| RenameError(format!("invalid task name `{new}`: {m}")))?;
            if new.contains('^') {
                return Err(RenameError(format!(
                    "invalid task name `{new}`: must not contain ^ character"
                )));
            }
            // A sibling already named so would be a duplicate key.
            let view = index.view();
            let keys: Vec<Span> = refs
                .occurrences
                .iter()
                .filter(|o| o.definition)
                .map(|o| o.span)
                .collect();
            let mut clash = None;
            for_each_task(&view, &mut |t, parent| {
                let Some(p) = parent else { return };
                let is_site = t.name == refs.name
                    && keys.iter().any(|k| {
                        k.file == t.name_span.file
                            && t.name_span.start <= k.start
                            && k.end <= t.name_span.end
                    });
                if is_site && clash.is_none() {
                    clash = p
                        .children
                        .iter()
                        .find(|c| c.name == new)
                        .map(|c| c.full_name.clone());
                }
            });
            if let Some(full) = clash {
                return Err(RenameError(format!(
                    "a sibling task is already named `{new}` ({full})"
                )));
            }
            new
        }
        ReferenceKind::Variable => {
            if !is_identifier(new_name) {
                return Err(RenameError(format!(
                    "`{new_name}` is not a variable name templates can read (letters, digits, `_` and `$`, not starting with a digit, not a JavaScript keyword)"
                )));
            }
            let def = refs
                .occurrences
                .iter()
                .find(|o| o.definition)
                .map(|o| o.span);
            if let Some(def) = def {
                read_by_operators(&index, def, &refs.name, new_name)?;
            }
            new_name.to_string()
        }
    };
    let view = index.view();
    let mut edits: Edits = Vec::new();
    for o in &refs.occurrences {
        // A reference inside a scalar whose escapes could not be traced cannot be edited
        // exactly.
        if view.text(o.span) != refs.name {
            let (line, col) = view.sources.get(o.span.file).line_char_col(o.span.start);
            return Err(RenameError(format!(
                "`{}` at {}:{}:{} cannot be edited exactly (escapes in the string); rename it by hand",
                refs.name,
                view.sources.get(o.span.file).path.display(),
                line,
                col
            )));
        }
        edits.push((o.span, new_text.clone()));
    }
    edits.sort_by_key(|(s, _)| (s.file, s.start));
    drop(view);
    Ok((index, edits))
}

/// Operators read their parameters (and nested config such as `td: {database}`) from the
/// exported variables too, not only templates: refuses a rename that would change what a task
/// that sees the definition `def` reads (`old` stops reaching it, or `new` starts to), and the
/// rename of a directive (`_workdir`).
fn read_by_operators(
    index: &ProjectIndex,
    def: Span,
    old: &str,
    new: &str,
) -> Result<(), RenameError> {
    if crate::schema::directive(old).is_some() {
        return Err(RenameError(format!(
            "`{old}` is a directive digdag reads; it cannot be renamed"
        )));
    }
    for (_, wf) in &index.workflows {
        for (task, scope) in task_scopes_with(wf, index.params.as_ref()) {
            let Some(op) = task.operator() else { continue };
            let seen = scope.get(old).and_then(|v| match &v.origin {
                Origin::Export { span, .. } => Some((*span, "the exported variables")),
                Origin::Declared { span } => Some((*span, "the parameters `wf.toml` declares")),
                _ => None,
            });
            let Some((_, source)) = seen.filter(|(span, _)| {
                span.file == def.file && span.start <= def.start && def.end <= span.end
            }) else {
                continue;
            };
            let Some(spec) = crate::schema::operator(op) else {
                continue;
            };
            for name in [old, new] {
                if spec.param(name).is_some() || spec.nested.contains(&name) {
                    return Err(RenameError(format!(
                        "`{name}` is also a parameter of `{op}>` (task {} reads it from {source}); renaming would change what that task does",
                        task.full_name
                    )));
                }
            }
        }
    }
    Ok(())
}

/// Whether `s` is an identifier a template can read as a variable.
fn is_identifier(s: &str) -> bool {
    let mut chars = s.chars();
    let Some(first) = chars.next() else {
        return false;
    };
    (first.is_ascii_alphabetic() || first == '_' || first == '$')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '$')
        && !crate::template::js::is_keyword(s)
}
