//! `!include : path` expansion with digdag's rules (semantics §1.3): keys before the include
//! deep-merge (included values win), keys after it replace; included entries take the
//! include's position; paths are relative to the including file's directory and may not
//! leave it; a missing file is reported at the include; cycles are reported (digdag
//! overflows its stack).

use super::convert::INCLUDE_KEY;
use super::value::{Entry, Object, Value, ValueKind};
use super::Loader;
use crate::check::registry as rules;
use crate::diagnostic::Diagnostic;
use crate::source::FileId;
use std::collections::{HashMap, HashSet};
use std::path::{Component, Path, PathBuf};

/// Deepest include nesting followed (a cycle is caught long before).
const MAX_INCLUDE_DEPTH: usize = 64;

/// Expands every `!include` in `value` (which came from file `file`). `stack` holds the files
/// being expanded, outermost first.
pub(crate) fn expand(
    loader: &mut Loader<'_>,
    file: FileId,
    value: Value,
    stack: &mut Vec<PathBuf>,
) -> Value {
    let Value { kind, span } = value;
    let kind = match kind {
        ValueKind::Object(obj) => ValueKind::Object(expand_object(loader, file, obj, stack)),
        ValueKind::Array(items) => ValueKind::Array(
            items
                .into_iter()
                .map(|v| expand(loader, file, v, stack))
                .collect(),
        ),
        other => other,
    };
    Value { kind, span }
}

fn expand_object(
    loader: &mut Loader<'_>,
    file: FileId,
    obj: Object,
    stack: &mut Vec<PathBuf>,
) -> Object {
    let mut built = Object::default();
    // Position of each key in `built` (first occurrence), so merging stays linear.
    let mut index: HashMap<String, usize> = HashMap::new();
    // Keys an include contributed: a later entry with the same key replaces them.
    let mut from_include: HashSet<String> = HashSet::new();
    for entry in obj.entries {
        if entry.key.starts_with(INCLUDE_KEY) {
            if let Some(included) = include(loader, file, &entry, stack) {
                for e in included.entries {
                    from_include.insert(e.key.clone());
                    match index.get(&e.key) {
                        Some(&i) => merge_into(&mut built.entries[i], e),
                        None => {
                            index.insert(e.key.clone(), built.entries.len());
                            built.entries.push(e);
                        }
                    }
                }
            }
        } else {
            let value = expand(loader, file, entry.value, stack);
            let entry = Entry { value, ..entry };
            match index.get(&entry.key) {
                Some(&i) if from_include.contains(&entry.key) => built.entries[i] = entry,
                _ => {
                    // A repeated key here was already reported (S002); keep both.
                    index
                        .entry(entry.key.clone())
                        .or_insert(built.entries.len());
                    built.entries.push(entry);
                }
            }
        }
    }
    built
}

/// Deep-merges an included entry into an existing one (included values win).
fn merge_into(existing: &mut Entry, e: Entry) {
    match (&mut existing.value.kind, e.value.kind) {
        (ValueKind::Object(old), ValueKind::Object(new)) => {
            for ne in new.entries {
                merge_entry(old, ne);
            }
        }
        (_, kind) => {
            existing.value = Value {
                kind,
                span: e.value.span,
            };
        }
    }
}

/// Included entries: deep-merge into an existing object, otherwise set.
fn merge_entry(obj: &mut Object, e: Entry) {
    match obj.position(&e.key) {
        Some(i) => {
            let existing = &mut obj.entries[i].value;
            match (&mut existing.kind, e.value.kind) {
                (ValueKind::Object(old), ValueKind::Object(new)) => {
                    for ne in new.entries {
                        merge_entry(old, ne);
                    }
                }
                (_, kind) => {
                    obj.entries[i].value = Value {
                        kind,
                        span: e.value.span,
                    };
                }
            }
        }
        None => obj.entries.push(e),
    }
}

/// Loads the file an include entry names; `None` (with a diagnostic) when it cannot.
fn include(
    loader: &mut Loader<'_>,
    file: FileId,
    entry: &Entry,
    stack: &mut Vec<PathBuf>,
) -> Option<Object> {
    let name = match &entry.value.kind {
        ValueKind::String(s) => s.clone(),
        ValueKind::Object(_) | ValueKind::Array(_) => {
            // digdag only expands scalar values; an object stays as a strange key.
            loader.diagnostics.push(Diagnostic::new(
                &rules::INCLUDE_NOT_FOUND,
                entry.value.span,
                "`!include` needs a file name, not an object or a list".to_string(),
            ));
            return None;
        }
        _ => entry.value.to_json(),
    };
    let base_dir = loader
        .sources
        .get(file)
        .path
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_default();
    let resolved = normalize(&base_dir.join(&name));
    // digdag compares the path strings (so `../dirx/f` from `dir` passes, as it does there).
    if !resolved
        .to_string_lossy()
        .starts_with(&*normalize(&base_dir).to_string_lossy())
    {
        loader.diagnostics.push(Diagnostic::new(
            &rules::INCLUDE_OUTSIDE,
            entry.value.span,
            format!("File name must not include ..: {name} (an included file must be in the including file's directory or below it)"),
        ));
        return None;
    }
    if let Some(pos) = stack.iter().position(|p| *p == resolved) {
        let chain: Vec<String> = stack[pos..]
            .iter()
            .chain(std::iter::once(&resolved))
            .map(|p| {
                p.file_name().map_or_else(
                    || p.display().to_string(),
                    |n| n.to_string_lossy().into_owned(),
                )
            })
            .collect();
        loader.diagnostics.push(Diagnostic::new(
            &rules::INCLUDE_CYCLE,
            entry.key_span,
            format!(
                "include cycle: {} (digdag would overflow its stack)",
                chain.join(" -> ")
            ),
        ));
        return None;
    }
    if stack.len() >= MAX_INCLUDE_DEPTH {
        loader.diagnostics.push(Diagnostic::new(
            &rules::INCLUDE_CYCLE,
            entry.key_span,
            format!("includes nest deeper than {MAX_INCLUDE_DEPTH} files"),
        ));
        return None;
    }
    let id = match loader.read_file(&resolved, Some(entry.key_span)) {
        Ok(id) => id,
        Err(e) => {
            let what = if e.kind() == std::io::ErrorKind::NotFound {
                "no such file".to_string()
            } else {
                e.to_string()
            };
            loader.diagnostics.push(Diagnostic::new(
                &rules::INCLUDE_NOT_FOUND,
                entry.value.span,
                format!("NoSuchFileException: {name}: cannot include it ({what}; include paths are relative to the including file's directory)"),
            ));
            return None;
        }
    };
    let value = loader.take_value(id);
    let has_syntax_errors = loader
        .parsed(id)
        .is_some_and(|p| !p.parse.errors.is_empty());
    let obj = match value {
        Some(Value {
            kind: ValueKind::Object(o),
            ..
        }) => o,
        other => {
            if !has_syntax_errors {
                let got = other
                    .as_ref()
                    .map_or_else(|| "null".to_string(), Value::to_json);
                let got: String = got.chars().take(100).collect();
                loader.diagnostics.push(Diagnostic::new(
                    &rules::NOT_AN_OBJECT,
                    entry.value.span,
                    format!("Expected object to load Config but got {got}: an included file must be a YAML mapping"),
                ));
            }
            return None;
        }
    };
    stack.push(resolved);
    let expanded = expand_object(loader, id, obj, stack);
    stack.pop();
    Some(expanded)
}

/// Lexically normalizes a path (`a/./b/../c` -> `a/c`), like Java's `Path.normalize`.
pub fn normalize(p: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for c in p.components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir => {
                if !out.pop() {
                    out.push("..");
                }
            }
            c => out.push(c.as_os_str()),
        }
    }
    out
}
