//! What editors need from the engine, as plain Rust: no LSP types here (the language server
//! converts).
//!
//! - [`OverlayFileSystem`]: the editor's open documents layered over another [`FileSystem`].
//! - [`analyze_document`]: lints one open document the way `wf lint` would lint it, and keeps
//!   what the other features need ([`DocumentAnalysis`]).
//! - [`document_symbols`]: the outline (the task tree).
//! - [`definition_at`]: where the name or path under the cursor points.
//! - [`hover_at`]: the catalog documentation of what is under the cursor.
//! - [`completions_at`]: variables, operators, parameters, directives and values at the cursor.
//! - [`references_at`], [`rename_at`], [`highlights_at`]: task names and `_export` variables
//!   across the project ([`ProjectIndex`]).
//! - [`folding_ranges`], [`selection_ranges`]: from the syntax tree.
//! - [`semantic_tokens`]: task names, operators, directives, parameters, template variables.
//! - [`workspace_symbols`]: workflows and tasks of a project.
//! - [`inlay_hints`], [`plan_text`]: next run times, loop sizes, the plan of a workflow.

mod analysis;
mod completion;
mod definition;
mod hints;
mod hover;
mod project;
mod references;
mod structure;
mod symbols;
mod tokens;
mod workspace;

pub use analysis::{
    analyze_document, analyze_document_with, document_kind, DocumentAnalysis, DocumentKind,
};
pub use completion::{completions_at, Completion, CompletionKind};
pub use definition::{definition_at, Target};
pub use hints::{expansion, inlay_hints, plan_text, HintKind, InlayHint};
pub use hover::{hover_at, Hover};
pub use project::{
    project_workflow_files, template_pieces, ProjectIndex, TemplatePart, TemplatePiece, View,
};
pub use references::{
    highlights_at, prepare_rename_at, references_at, references_in, rename_at, Edits, Occurrence,
    ReferenceKind, References, RenameError,
};
pub use structure::{folding_ranges, selection_ranges, Fold, FoldKind};
pub use symbols::{document_symbols, Symbol, SymbolKind};
pub use tokens::{semantic_tokens, SemanticToken, TokenKind};
pub use workspace::{fuzzy_match, workspace_symbols, WorkspaceSymbol, WorkspaceSymbolKind};

use crate::load::{normalize_path, DiskFileSystem, FileSystem};
use crate::syntax::ParseCache;
use std::collections::HashMap;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// Open documents layered over a base file system: a read of an open document returns the
/// editor's text, anything else is read from the base. Cloning is cheap (texts are shared).
#[derive(Clone)]
pub struct OverlayFileSystem {
    base: Arc<dyn FileSystem + Send + Sync>,
    docs: HashMap<PathBuf, Arc<str>>,
    /// The last parses of recently analyzed open documents, shared by every clone: after an
    /// edit only the top-level entries it touches are parsed again.
    parses: Arc<ParseCache>,
}

impl std::fmt::Debug for OverlayFileSystem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("OverlayFileSystem")
            .field("docs", &self.docs.keys().collect::<Vec<_>>())
            .finish_non_exhaustive()
    }
}

impl Default for OverlayFileSystem {
    fn default() -> Self {
        OverlayFileSystem::new(Arc::new(DiskFileSystem))
    }
}

impl OverlayFileSystem {
    /// Open documents over `base`.
    pub fn new(base: Arc<dyn FileSystem + Send + Sync>) -> OverlayFileSystem {
        OverlayFileSystem {
            base,
            docs: HashMap::new(),
            parses: Arc::new(ParseCache::default()),
        }
    }

    /// Sets the text of an open document (paths are normalized lexically).
    pub fn set(&mut self, path: &Path, text: Arc<str>) {
        self.docs.insert(normalize_path(path), text);
    }

    /// Forgets an open document: reads of `path` go to the base again.
    pub fn remove(&mut self, path: &Path) -> Option<Arc<str>> {
        self.docs.remove(&normalize_path(path))
    }

    /// The text of an open document.
    pub fn get(&self, path: &Path) -> Option<&Arc<str>> {
        self.docs.get(&normalize_path(path))
    }

    /// The paths of the open documents.
    pub fn paths(&self) -> impl Iterator<Item = &Path> {
        self.docs.keys().map(PathBuf::as_path)
    }
}

impl FileSystem for OverlayFileSystem {
    fn read(&self, path: &Path) -> io::Result<Vec<u8>> {
        match self.docs.get(&normalize_path(path)) {
            Some(text) => Ok(text.as_bytes().to_vec()),
            None => self.base.read(path),
        }
    }

    fn is_file(&self, path: &Path) -> bool {
        self.docs.contains_key(&normalize_path(path)) || self.base.is_file(path)
    }

    fn is_dir(&self, path: &Path) -> bool {
        let dir = normalize_path(path);
        self.docs.keys().any(|p| p.starts_with(&dir) && *p != dir) || self.base.is_dir(path)
    }

    fn list_dir(&self, dir: &Path) -> io::Result<Vec<PathBuf>> {
        let dir = normalize_path(dir);
        let mut out = self.base.list_dir(&dir).unwrap_or_default();
        for p in self.docs.keys() {
            if p.parent() == Some(dir.as_path()) && !out.contains(p) {
                out.push(p.clone());
            }
        }
        Ok(out)
    }

    /// Open documents only: they are the files being edited (a project-wide request reads
    /// every workflow once and should not push them out).
    fn parse_cache(&self, path: &Path) -> Option<&ParseCache> {
        self.docs
            .contains_key(&normalize_path(path))
            .then_some(&*self.parses)
    }
}

/// Where `span` shows in the document `doc`: itself when it is in `doc`, else the `!include`
/// key in `doc` that (directly or through other includes) brought its file in.
pub(crate) fn span_in_document(
    sources: &crate::source::SourceMap,
    doc: crate::source::FileId,
    span: crate::source::Span,
) -> Option<crate::source::Span> {
    if span.file == doc {
        return Some(span);
    }
    if span.file.0 as usize >= sources.iter().count() {
        return None;
    }
    sources
        .include_chain(span.file)
        .into_iter()
        .find(|site| site.file == doc)
}

#[cfg(test)]
mod tests;
