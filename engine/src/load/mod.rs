//! Loading: YAML tree -> digdag [`Value`]s (typed scalars, anchors, duplicate keys), `!include`
//! expansion, and the project scan.
//!
//! [`Loader`] reads files through a [`FileSystem`] (the disk, or the language server's open
//! documents), keeps every text in a [`SourceMap`], and reports problems as [`Diagnostic`]s
//! with exact spans. Every value keeps the file and span it came from, so a value that an
//! `!include` brought in points into the included file.

pub mod config;
mod convert;
mod include;
pub mod json;
pub mod project;
pub mod scalar;
pub mod value;

pub use include::normalize as normalize_path;
pub use value::{Entry, Object, Value, ValueKind};

use crate::check::registry as rules;
use crate::diagnostic::Diagnostic;
use crate::source::{FileId, SourceFile, SourceMap, Span};
use crate::syntax::{self, Parse};
use std::collections::HashMap;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// Where the loader reads files from. The CLI reads the disk; the language server layers its
/// open documents over it; tests use a map.
pub trait FileSystem: Sync {
    /// The bytes of `path`.
    fn read(&self, path: &Path) -> io::Result<Vec<u8>>;

    /// Whether `path` is an existing regular file.
    fn is_file(&self, path: &Path) -> bool {
        self.read(path).is_ok()
    }

    /// Whether `path` is an existing directory.
    fn is_dir(&self, path: &Path) -> bool {
        let _ = path;
        false
    }

    /// The entries directly in the directory `dir` (files and directories, unsorted). File
    /// systems that cannot list return an empty list.
    fn list_dir(&self, dir: &Path) -> io::Result<Vec<PathBuf>> {
        let _ = dir;
        Ok(Vec::new())
    }

    /// Where to keep the parse of `path` for reuse when it is read again after an edit (the
    /// language server's open documents); `None`: parse it every time.
    fn parse_cache(&self, path: &Path) -> Option<&syntax::ParseCache> {
        let _ = path;
        None
    }
}

/// The real file system.
#[derive(Clone, Copy, Debug, Default)]
pub struct DiskFileSystem;

impl FileSystem for DiskFileSystem {
    fn read(&self, path: &Path) -> io::Result<Vec<u8>> {
        let meta = std::fs::metadata(path)?;
        if !meta.is_file() {
            return Err(io::Error::new(
                io::ErrorKind::NotFound,
                "not a regular file",
            ));
        }
        std::fs::read(path)
    }

    fn is_file(&self, path: &Path) -> bool {
        path.is_file()
    }

    fn is_dir(&self, path: &Path) -> bool {
        path.is_dir()
    }

    fn list_dir(&self, dir: &Path) -> io::Result<Vec<PathBuf>> {
        std::fs::read_dir(dir)?
            .map(|e| e.map(|e| e.path()))
            .collect()
    }
}

/// An in-memory file system (for tests and unsaved editor buffers).
#[derive(Clone, Debug, Default)]
pub struct MemoryFileSystem {
    files: HashMap<PathBuf, Vec<u8>>,
}

impl MemoryFileSystem {
    /// An empty file system.
    pub fn new() -> MemoryFileSystem {
        MemoryFileSystem::default()
    }

    /// Adds or replaces a file.
    pub fn insert(&mut self, path: impl Into<PathBuf>, text: impl Into<Vec<u8>>) {
        self.files.insert(path.into(), text.into());
    }
}

impl FileSystem for MemoryFileSystem {
    fn read(&self, path: &Path) -> io::Result<Vec<u8>> {
        self.files
            .get(path)
            .cloned()
            .ok_or_else(|| io::Error::new(io::ErrorKind::NotFound, "no such file"))
    }

    fn is_file(&self, path: &Path) -> bool {
        self.files.contains_key(path)
    }

    fn is_dir(&self, path: &Path) -> bool {
        self.files.keys().any(|p| p.starts_with(path) && p != path)
    }

    fn list_dir(&self, dir: &Path) -> io::Result<Vec<PathBuf>> {
        let mut out: Vec<PathBuf> = Vec::new();
        for p in self.files.keys() {
            let Ok(rest) = p.strip_prefix(dir) else {
                continue;
            };
            if let Some(first) = rest.components().next() {
                let entry = dir.join(first);
                if entry != *dir && !out.contains(&entry) {
                    out.push(entry);
                }
            }
        }
        Ok(out)
    }
}

/// Most value nodes an alias expansion may produce in one file (an "alias bomb" stops here).
pub const MAX_ALIAS_NODES: usize = 100_000;

/// A file that was read and parsed.
pub struct ParsedFile {
    pub id: FileId,
    pub parse: Parse,
    /// The file's value before `!include` expansion (`None` when it has no document, or
    /// once [`Loader::load_workflow`] or an include has taken it).
    pub value: Option<Value>,
    /// Whether `value` was taken (it is converted again from `parse` if needed again).
    value_taken: bool,
}

/// Loads files and expands includes, collecting sources and diagnostics.
pub struct Loader<'fs> {
    fs: &'fs dyn FileSystem,
    /// Every file read so far.
    pub sources: SourceMap,
    /// Problems found so far.
    pub diagnostics: Vec<Diagnostic>,
    parsed: HashMap<FileId, ParsedFile>,
    by_path: HashMap<PathBuf, FileId>,
}

impl<'fs> Loader<'fs> {
    /// A loader reading through `fs`.
    pub fn new(fs: &'fs dyn FileSystem) -> Loader<'fs> {
        Loader {
            fs,
            sources: SourceMap::new(),
            diagnostics: Vec::new(),
            parsed: HashMap::new(),
            by_path: HashMap::new(),
        }
    }

    /// The parsed file with this id.
    pub fn parsed(&self, id: FileId) -> Option<&ParsedFile> {
        self.parsed.get(&id)
    }

    /// Reads, parses and converts `path` (once; later calls return the same id).
    /// `included_from` is the include key that asked for it.
    pub fn read_file(&mut self, path: &Path, included_from: Option<Span>) -> io::Result<FileId> {
        if let Some(&id) = self.by_path.get(path) {
            return Ok(id);
        }
        let bytes = self.fs.read(path)?;
        Ok(self.add_text(path, bytes, included_from))
    }

    /// Adds a file from bytes already in memory.
    pub fn add_text(&mut self, path: &Path, bytes: Vec<u8>, included_from: Option<Span>) -> FileId {
        let (text, bad_utf8_at) = match String::from_utf8(bytes) {
            Ok(t) => (t, None),
            Err(e) => {
                let at = e.utf8_error().valid_up_to();
                (String::from_utf8_lossy(e.as_bytes()).into_owned(), Some(at))
            }
        };
        let text: Arc<str> = Arc::from(text);
        let id = self.sources.add(SourceFile::new(
            path.to_path_buf(),
            text.clone(),
            included_from,
        ));
        self.by_path.insert(path.to_path_buf(), id);
        if let Some(at) = bad_utf8_at {
            let at = at as u32;
            self.diagnostics.push(Diagnostic::new(
                &rules::INVALID_UTF8,
                Span::new(id, at, at + 3), // U+FFFD (3 bytes) replaces the invalid byte
                format!("the file is not valid UTF-8 (first invalid byte at offset {at}); digdag reads workflow files as UTF-8"),
            ));
        }
        let parse = match self.fs.parse_cache(path) {
            Some(cache) => cache.parse(path, &text),
            None => syntax::parse(&text),
        };
        for e in &parse.errors {
            // Nesting beyond the parser's bound is "too complex", not a YAML error.
            let rule = if e.message.starts_with(syntax::TOO_DEEP_MESSAGE) {
                &rules::TOO_COMPLEX
            } else {
                &rules::YAML_SYNTAX
            };
            let mut d = Diagnostic::new(rule, Span::new(id, e.start, e.end), e.message.clone());
            if let Some(at) = e.noticed_at {
                d = d.with_label(Span::new(id, at, at), "digdag notices it here");
            }
            self.diagnostics.push(d);
        }
        let value = convert::convert(
            &parse,
            id,
            &self.sources.get(id).text,
            &mut self.diagnostics,
        );
        self.parsed.insert(
            id,
            ParsedFile {
                id,
                parse,
                value,
                value_taken: false,
            },
        );
        id
    }

    /// Loads a workflow file: parse, convert, expand includes. Returns the file id and the
    /// root value (`None` when the file could not be read, or is not a mapping; the reason is
    /// in [`Loader::diagnostics`]).
    pub fn load_workflow(&mut self, path: &Path) -> io::Result<(FileId, Option<Value>)> {
        let id = self.read_file(path, None)?;
        let value = self.take_value(id);
        let value = self.expect_object(id, value);
        // Without the `!include` tag in its text a file has nothing to expand (walking and
        // rebuilding a large workflow's values would cost more than this scan).
        if !self.sources.get(id).text.contains("!include") {
            return Ok((id, value));
        }
        let value =
            value.map(|v| include::expand(self, id, v, &mut vec![include::normalize(path)]));
        Ok((id, value))
    }

    /// The value of a read file before include expansion. The first use takes it out of the
    /// cache (most files are expanded once: no copy of a large workflow); a later use converts
    /// the tree again (its diagnostics were reported the first time).
    pub(crate) fn take_value(&mut self, id: FileId) -> Option<Value> {
        let p = self.parsed.get_mut(&id)?;
        if let Some(v) = p.value.take() {
            p.value_taken = true;
            return Some(v);
        }
        if !p.value_taken {
            return None;
        }
        convert::convert(&p.parse, id, &self.sources.get(id).text, &mut Vec::new())
    }

    /// Checks digdag's "must be a mapping" rule for a loaded file.
    fn expect_object(&mut self, id: FileId, value: Option<Value>) -> Option<Value> {
        match value {
            Some(v) if v.as_object().is_some() => Some(v),
            other => {
                if self
                    .parsed
                    .get(&id)
                    .is_some_and(|p| !p.parse.errors.is_empty())
                {
                    // The syntax error already explains it.
                    return None;
                }
                let file = self.sources.get(id);
                let (span, got) = match &other {
                    Some(v) => (v.span, v.to_json()),
                    None => {
                        let first = file.text.chars().next().map_or(0, char::len_utf8);
                        (Span::new(id, 0, first as u32), "null".to_string())
                    }
                };
                let truncated: String = got.chars().take(100).collect();
                self.diagnostics.push(Diagnostic::new(
                    &rules::NOT_AN_OBJECT,
                    span,
                    format!("Expected object to load Config but got {truncated}: a workflow file must be a YAML mapping"),
                ));
                None
            }
        }
    }
}
