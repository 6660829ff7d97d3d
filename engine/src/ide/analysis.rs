//! [`analyze_document`]: one open document, linted the way `wf lint` lints it.

use super::span_in_document;
use crate::check::workflow_name;
use crate::diagnostic::{Diagnostic, Label};
use crate::load::{normalize_path, FileSystem, Loader};
use crate::model::{self, Workflow};
use crate::source::{FileId, SourceMap};
use std::path::{Path, PathBuf};

/// How a document is checked.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DocumentKind {
    /// A `.dig` file: linted as a workflow of the project in its directory.
    Workflow,
    /// Any other file (`.yml` fragments brought in by `!include`): only its syntax, values and
    /// own includes are checked, since the task rules depend on where it is included.
    Included,
}

/// How `path` is checked: `.dig` files (not dot-files) are workflows, everything else is an
/// included file.
pub fn document_kind(path: &Path) -> DocumentKind {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy())
        .unwrap_or_default();
    if name.ends_with(".dig") && !name.starts_with('.') {
        DocumentKind::Workflow
    } else {
        DocumentKind::Included
    }
}

/// Everything learned about one document by [`analyze_document`]. All spans index
/// [`DocumentAnalysis::sources`], which holds the exact texts that were analyzed.
#[derive(Debug)]
pub struct DocumentAnalysis {
    /// The document (normalized path).
    pub path: PathBuf,
    /// The project root: the document's directory.
    pub root: PathBuf,
    /// How the document was checked.
    pub kind: DocumentKind,
    /// The document's id in `sources` (`None` when it could not be read).
    pub file: Option<FileId>,
    /// Every file read: the document and the files it includes.
    pub sources: SourceMap,
    /// The task model. For an included file it is compiled as if the file were a workflow (its
    /// diagnostics discarded), so that the outline and navigation work there too.
    pub model: Option<Workflow>,
    /// Every problem found, in any file read (see [`DocumentAnalysis::document_diagnostics`]).
    pub diagnostics: Vec<Diagnostic>,
    /// Why the document could not be read, if it could not.
    pub unreadable: Option<String>,
}

/// Analyzes the document at `path` as read through `fs` (typically an
/// [`OverlayFileSystem`](super::OverlayFileSystem) holding the editor's text).
///
/// The project root is the document's directory. A [`DocumentKind::Workflow`] is linted with
/// [`lint_project`](crate::check::lint_project) (every rule `wf lint` applies); a [`DocumentKind::Included`] file gets the
/// syntax and value checks and its own `!include`s expanded.
pub fn analyze_document(fs: &dyn FileSystem, path: &Path) -> DocumentAnalysis {
    analyze_document_with(fs, path, None)
}

/// Like [`analyze_document`], linting for `target` when it is set (the editor's setting;
/// otherwise the project's `wf.toml`, else digdag).
pub fn analyze_document_with(
    fs: &dyn FileSystem,
    path: &Path,
    target: Option<crate::schema::Target>,
) -> DocumentAnalysis {
    let path = normalize_path(path);
    let root = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let kind = document_kind(&path);
    match kind {
        DocumentKind::Workflow => {
            let report = crate::check::lint_project_with(
                fs,
                &root,
                std::slice::from_ref(&path),
                &Default::default(),
                &crate::check::LintOptions { target },
            );
            let file = report.sources.find(&path);
            DocumentAnalysis {
                unreadable: report.unreadable.into_iter().next().map(|(_, e)| e),
                file,
                kind,
                sources: report.sources,
                model: report.workflows.into_iter().next(),
                diagnostics: report.diagnostics,
                path,
                root,
            }
        }
        DocumentKind::Included => {
            let mut loader = Loader::new(fs);
            // `load_workflow` reads, checks that the file is a mapping and expands its includes:
            // what an included file needs too.
            let (file, unreadable, model) = match loader.load_workflow(&path) {
                Ok((id, value)) => {
                    let model = value.map(|v| {
                        let name = workflow_name(&root, &path);
                        model::compile_workflow(&name, id, &v, &mut Vec::new())
                    });
                    (Some(id), None, model)
                }
                Err(e) => (None, Some(e.to_string()), None),
            };
            let mut diagnostics = std::mem::take(&mut loader.diagnostics);
            diagnostics.sort_by(|a, b| {
                (a.span.file, a.span.start, a.code).cmp(&(b.span.file, b.span.start, b.code))
            });
            diagnostics.dedup();
            DocumentAnalysis {
                path,
                root,
                kind,
                file,
                sources: loader.sources,
                model,
                diagnostics,
                unreadable,
            }
        }
    }
}

impl DocumentAnalysis {
    /// The problems to show in the document: its own, plus those of the files it includes,
    /// each moved to the `!include` that brings its file in (message prefixed with the file's
    /// path, a label at the real place).
    pub fn document_diagnostics(&self) -> Vec<Diagnostic> {
        let Some(doc) = self.file else {
            return Vec::new();
        };
        let mut out = Vec::new();
        for d in &self.diagnostics {
            if d.span.file == doc {
                out.push(d.clone());
                continue;
            }
            let Some(site) = span_in_document(&self.sources, doc, d.span) else {
                continue;
            };
            let file = &self.sources.get(d.span.file).path;
            let shown = file.strip_prefix(&self.root).unwrap_or(file);
            let mut moved = d.clone();
            moved.span = site;
            moved.message = format!("in included file {}: {}", shown.display(), d.message);
            moved.labels.insert(
                0,
                Label {
                    span: d.span,
                    message: "the problem is here".to_string(),
                },
            );
            // Fixes edit another file: not offered at the include site.
            moved.fixes.clear();
            out.push(moved);
        }
        out
    }
}
