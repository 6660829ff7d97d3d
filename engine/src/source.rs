//! Files and positions: [`FileId`], [`Span`] and the [`SourceMap`] that owns loaded texts.

use std::path::{Path, PathBuf};
use std::sync::Arc;

/// Index of a file in a [`SourceMap`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct FileId(pub u32);

/// A byte range `start..end` (UTF-8 offsets) in one file.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Span {
    pub file: FileId,
    pub start: u32,
    pub end: u32,
}

impl Span {
    /// A span in `file` covering `start..end`.
    pub fn new(file: FileId, start: u32, end: u32) -> Span {
        Span { file, start, end }
    }

    /// The byte range as `usize`s, for slicing.
    pub fn range(&self) -> std::ops::Range<usize> {
        self.start as usize..self.end as usize
    }
}

/// One loaded file: its path, its text and where it was included from.
#[derive(Debug)]
pub struct SourceFile {
    /// Path as given or found (absolute when the loader resolved it).
    pub path: PathBuf,
    /// The text (invalid UTF-8 is replaced, with a diagnostic from the loader).
    pub text: Arc<str>,
    /// The `!include` key that brought this file in, if any.
    pub included_from: Option<Span>,
    line_starts: Vec<u32>,
}

impl SourceFile {
    /// A file with its line table computed.
    pub fn new(path: PathBuf, text: Arc<str>, included_from: Option<Span>) -> SourceFile {
        let mut line_starts = vec![0u32];
        for (i, b) in text.bytes().enumerate() {
            if b == b'\n' {
                line_starts.push(i as u32 + 1);
            }
        }
        SourceFile {
            path,
            text,
            included_from,
            line_starts,
        }
    }

    /// Zero-based (line, byte column) of a byte offset.
    pub fn line_col(&self, offset: u32) -> (u32, u32) {
        let line = match self.line_starts.binary_search(&offset) {
            Ok(l) => l,
            Err(l) => l - 1,
        };
        (line as u32, offset - self.line_starts[line])
    }

    /// One-based (line, column) where the column counts characters, as editors and CI tools show it.
    pub fn line_char_col(&self, offset: u32) -> (usize, usize) {
        let offset = offset.min(self.text.len() as u32);
        let (line, _) = self.line_col(offset);
        let start = self.line_starts[line as usize] as usize;
        let mut end = offset as usize;
        while end > start && !self.text.is_char_boundary(end) {
            end -= 1;
        }
        let col = self.text[start..end].chars().count();
        (line as usize + 1, col + 1)
    }

    /// Byte offsets where each line starts.
    pub fn line_starts(&self) -> &[u32] {
        &self.line_starts
    }
}

/// All files loaded for one project (workflows and the files they include).
#[derive(Debug, Default)]
pub struct SourceMap {
    files: Vec<SourceFile>,
}

impl SourceMap {
    /// An empty map.
    pub fn new() -> SourceMap {
        SourceMap::default()
    }

    /// Adds a file and returns its id.
    pub fn add(&mut self, file: SourceFile) -> FileId {
        self.files.push(file);
        FileId(self.files.len() as u32 - 1)
    }

    /// The file with this id.
    pub fn get(&self, id: FileId) -> &SourceFile {
        &self.files[id.0 as usize]
    }

    /// The id of an already loaded file with this path and include site.
    pub fn find(&self, path: &Path) -> Option<FileId> {
        self.files
            .iter()
            .position(|f| f.path == path)
            .map(|i| FileId(i as u32))
    }

    /// Every file, with its id.
    pub fn iter(&self) -> impl Iterator<Item = (FileId, &SourceFile)> {
        self.files
            .iter()
            .enumerate()
            .map(|(i, f)| (FileId(i as u32), f))
    }

    /// The chain of include sites that led to `file`, innermost first.
    pub fn include_chain(&self, file: FileId) -> Vec<Span> {
        let mut chain = Vec::new();
        let mut cur = self.get(file).included_from;
        while let Some(site) = cur {
            if chain.len() > 64 {
                break;
            }
            chain.push(site);
            cur = self.get(site.file).included_from;
        }
        chain
    }
}
