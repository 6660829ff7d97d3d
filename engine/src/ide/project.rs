//! [`ProjectIndex`]: every workflow of a project, loaded and compiled, for the features that
//! look beyond one document (references, rename, workspace symbols); and [`View`], the common
//! read-only view over a set of workflows and their source texts.

use super::{document_kind, DocumentAnalysis, DocumentKind};
use crate::check::{call_targets, workflow_name};
use crate::load::{normalize_path, FileSystem, Loader, Value};
use crate::model::{self, Task, Workflow};
use crate::source::{FileId, SourceMap, Span};
use crate::syntax::SyntaxNode;
use crate::template::{self, ScalarMap, Segment};
use std::cell::RefCell;
use std::collections::HashMap;
use std::path::{Path, PathBuf};

/// Most workflow files one index loads (top-level workflows plus `call>` targets).
pub const MAX_PROJECT_WORKFLOWS: usize = 1_000;

/// The workflows of one project directory: its top-level `.dig` files (what digdag loads),
/// the workflows their `call>` tasks name, and every file they include.
#[derive(Debug)]
pub struct ProjectIndex {
    /// The project directory.
    pub root: PathBuf,
    /// Every file read.
    pub sources: SourceMap,
    /// The workflows that loaded, each with its file path.
    pub workflows: Vec<(PathBuf, Workflow)>,
}

/// The top-level workflow files of `root` as `fs` lists them: `.dig` files that are not
/// dot-files, sorted. (`.digdagignore` is not applied.)
pub fn project_workflow_files(fs: &dyn FileSystem, root: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = fs
        .list_dir(root)
        .unwrap_or_default()
        .into_iter()
        .map(|p| normalize_path(&p))
        .filter(|p| document_kind(p) == DocumentKind::Workflow && fs.is_file(p))
        .collect();
    files.sort();
    files.dedup();
    files
}

impl ProjectIndex {
    /// Loads the workflows of the project at `root` (plus `extra` workflow files), following
    /// literal `call>` targets.
    pub fn load(fs: &dyn FileSystem, root: &Path, extra: &[PathBuf]) -> ProjectIndex {
        let root = normalize_path(root);
        let mut todo: Vec<PathBuf> = project_workflow_files(fs, &root);
        for e in extra {
            let e = normalize_path(e);
            if !todo.contains(&e) {
                todo.push(e);
            }
        }
        let mut loader = Loader::new(fs);
        let mut workflows: Vec<(PathBuf, Workflow)> = Vec::new();
        let mut seen: Vec<PathBuf> = Vec::new();
        let mut i = 0;
        while i < todo.len() && workflows.len() < MAX_PROJECT_WORKFLOWS {
            let path = todo[i].clone();
            i += 1;
            if seen.contains(&path) {
                continue;
            }
            seen.push(path.clone());
            let Ok((file, Some(value))) = loader.load_workflow(&path) else {
                continue;
            };
            let name = workflow_name(&root, &path);
            let wf = model::compile_workflow(&name, file, &value, &mut Vec::new());
            for target in call_targets(&root, &path, &wf) {
                if !todo.contains(&target) && fs.is_file(&target) {
                    todo.push(target);
                }
            }
            workflows.push((path, wf));
        }
        ProjectIndex {
            root,
            sources: loader.sources,
            workflows,
        }
    }

    /// The project of an analyzed document: for a workflow, the workflows of its directory;
    /// for an included file, the nearest directory (the file's own or up to three above it)
    /// whose workflows include it. When no workflow reads the document, the document itself is
    /// compiled as a workflow.
    pub fn of_document(fs: &dyn FileSystem, analysis: &DocumentAnalysis) -> ProjectIndex {
        let path = &analysis.path;
        if analysis.kind == DocumentKind::Workflow {
            return ProjectIndex::load(fs, &analysis.root, std::slice::from_ref(path));
        }
        for dir in path.ancestors().skip(1).take(4) {
            if project_workflow_files(fs, dir).is_empty() {
                continue;
            }
            let index = ProjectIndex::load(fs, dir, &[]);
            if index.sources.find(path).is_some() {
                return index;
            }
        }
        ProjectIndex::load(fs, &analysis.root, std::slice::from_ref(path))
    }

    /// A view over the index.
    pub fn view(&self) -> View<'_> {
        View::new(
            &self.sources,
            self.workflows.iter().map(|(_, w)| w).collect(),
        )
    }
}

/// Workflows and the texts they were read from, with the syntax trees parsed on demand (to
/// map positions inside scalars).
pub struct View<'a> {
    pub sources: &'a SourceMap,
    pub workflows: Vec<&'a Workflow>,
    trees: RefCell<HashMap<FileId, SyntaxNode>>,
}

impl<'a> View<'a> {
    /// A view of `workflows`, whose spans index `sources`.
    pub fn new(sources: &'a SourceMap, workflows: Vec<&'a Workflow>) -> View<'a> {
        View {
            sources,
            workflows,
            trees: RefCell::new(HashMap::new()),
        }
    }

    /// The view of one analyzed document (its model only).
    pub fn of_analysis(analysis: &'a DocumentAnalysis) -> View<'a> {
        View::new(&analysis.sources, analysis.model.iter().collect())
    }

    /// The syntax tree of `file`.
    pub fn tree(&self, file: FileId) -> SyntaxNode {
        self.trees
            .borrow_mut()
            .entry(file)
            .or_insert_with(|| crate::syntax::parse(&self.sources.get(file).text).syntax())
            .clone()
    }

    /// The position map of the scalar a string value was read from.
    pub fn scalar_map(&self, span: Span) -> Option<ScalarMap> {
        let tree = self.tree(span.file);
        let token = template::parse::scalar_token_in(&tree, span.range())?;
        ScalarMap::from_token(&token)
    }

    /// The text of a span.
    pub fn text(&self, span: Span) -> &str {
        self.sources
            .get(span.file)
            .text
            .get(span.range())
            .unwrap_or("")
    }
}

/// Where a piece of a template sits in the file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TemplatePiece {
    pub span: Span,
    /// Whether `span` is exactly the piece (false when the scalar's escapes could not be
    /// traced, and `span` is the whole scalar).
    pub exact: bool,
}

/// What a `${...}` holds, found by [`template_pieces`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum TemplatePart {
    /// `${` or `}`.
    Delimiter(TemplatePiece),
    /// A variable read: its root identifier and the path after it (`td.database` ->
    /// `td`, `["database"]`).
    Variable {
        name: String,
        path: Vec<String>,
        root: TemplatePiece,
    },
    /// The key of `${secret:key}`.
    Secret { key: String, piece: TemplatePiece },
}

/// Every template part in the string values inside `value` (recursing into arrays and
/// objects), positioned in the file.
pub fn template_pieces(view: &View<'_>, value: &Value, out: &mut Vec<TemplatePart>) {
    value.for_each_string(&mut |s, span| {
        if !s.contains("${") {
            return;
        }
        let map = view.scalar_map(span);
        let to_file = |r: std::ops::Range<usize>| -> TemplatePiece {
            match &map {
                Some(m) => {
                    let mapped = m.map(r);
                    TemplatePiece {
                        span: Span::new(span.file, mapped.start as u32, mapped.end as u32),
                        exact: m.is_exact(),
                    }
                }
                None => TemplatePiece { span, exact: false },
            }
        };
        for seg in template::parse(s) {
            let Segment::Expr { code, span: whole } = seg else {
                continue;
            };
            out.push(TemplatePart::Delimiter(to_file(
                whole.start..whole.start + 2,
            )));
            let at = whole.start + 2;
            for r in template::analyze(code).references {
                out.push(TemplatePart::Variable {
                    name: r.name.clone(),
                    path: r.path.clone(),
                    root: to_file(r.span.start + at..r.span.end + at),
                });
            }
            out.push(TemplatePart::Delimiter(to_file(whole.end - 1..whole.end)));
        }
        // `${secret:key}` is not a JavaScript template (digdag resolves it separately).
        let mut from = 0;
        while let Some(i) = s[from..].find("${secret:") {
            let open = from + i;
            let key_start = open + "${secret:".len();
            let Some(close) = s[key_start..].find('}').map(|j| key_start + j) else {
                break;
            };
            let raw = &s[key_start..close];
            let key = raw.trim();
            if !key.is_empty() {
                let lead = raw.len() - raw.trim_start().len();
                out.push(TemplatePart::Delimiter(to_file(open..open + 2)));
                out.push(TemplatePart::Secret {
                    key: key.to_string(),
                    piece: to_file(key_start + lead..key_start + lead + key.len()),
                });
                out.push(TemplatePart::Delimiter(to_file(close..close + 1)));
            }
            from = close + 1;
        }
    });
}

/// The sub-span of `span` that holds `name` (a key or value written with quotes holds it
/// inside them); `None` when the text there does not contain it exactly once.
pub(crate) fn name_within(view: &View<'_>, span: Span, name: &str) -> Option<Span> {
    let text = view.text(span);
    if text == name {
        return Some(span);
    }
    if name.is_empty() || text.matches(name).count() != 1 {
        return None;
    }
    let at = text.find(name)? as u32;
    Some(Span::new(
        span.file,
        span.start + at,
        span.start + at + name.len() as u32,
    ))
}

/// Calls `f` with every task of the view's workflows (`_error`, `_do`, `_check` bodies too),
/// with its parent.
pub(crate) fn for_each_task<'a>(view: &View<'a>, f: &mut dyn FnMut(&'a Task, Option<&'a Task>)) {
    fn walk<'a>(
        t: &'a Task,
        parent: Option<&'a Task>,
        f: &mut dyn FnMut(&'a Task, Option<&'a Task>),
    ) {
        f(t, parent);
        for c in &t.children {
            walk(c, Some(t), f);
        }
        let o = &t.options;
        for c in [&o.error, &o.do_task, &o.else_do_task, &o.check_task]
            .into_iter()
            .flatten()
        {
            walk(c, Some(t), f);
        }
    }
    for wf in &view.workflows {
        walk(&wf.root, None, f);
    }
}
