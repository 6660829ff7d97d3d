//! [`ProjectIndex`]: every workflow of a project, loaded and compiled, for the features that
//! look beyond one document (references, rename, workspace symbols); and [`View`], the common
//! read-only view over a set of workflows and their source texts.

use super::{document_kind, DocumentAnalysis, DocumentKind};
use crate::check::{call_targets, workflow_name};
use crate::load::project::DigdagIgnore;
use crate::load::{normalize_path, FileSystem, Loader, Value, ValueKind};
use crate::model::{self, Task, Workflow};
use crate::source::{FileId, SourceMap, Span};
use crate::syntax::SyntaxNode;
use crate::template::{self, ScalarMap, Segment};
use std::cell::RefCell;
use std::collections::HashMap;
use std::path::{Path, PathBuf};

/// Most workflow files one index loads (top-level workflows plus `call>` targets).
pub const MAX_PROJECT_WORKFLOWS: usize = 1_000;

/// How many directories above a document [`ProjectIndex::of_document`] searches for the
/// workflows that call or include it.
pub const MAX_PROJECT_DEPTH: usize = 4;

/// Names whose presence marks a directory as a project root: the project configuration and
/// the directory `digdag run` keeps its state in. The search for callers stops there.
pub const PROJECT_MARKERS: &[&str] = &[crate::load::config::CONFIG_FILE, ".digdag"];

/// The workflows of one project directory: its top-level `.dig` files (what digdag loads),
/// the workflows their `call>` tasks name, and every file they include.
#[derive(Debug)]
pub struct ProjectIndex {
    /// The project directory.
    pub root: PathBuf,
    /// Every file read (the project's `wf.toml` too, when it has one).
    pub sources: SourceMap,
    /// The workflows that loaded, each with its file path.
    pub workflows: Vec<(PathBuf, Workflow)>,
    /// The parameters `wf.toml` declares (`[params]`), an object whose keys span their names in
    /// `wf.toml`: every task of the project sees them.
    pub params: Option<Value>,
}

/// The top-level workflow files of `root` as `fs` lists them: `.dig` files that are not
/// dot-files and that the project's `.digdagignore` does not ignore, sorted.
pub fn project_workflow_files(fs: &dyn FileSystem, root: &Path) -> Vec<PathBuf> {
    let ignore = DigdagIgnore::read(fs, root);
    let mut files: Vec<PathBuf> = fs
        .list_dir(root)
        .unwrap_or_default()
        .into_iter()
        .map(|p| normalize_path(&p))
        .filter(|p| document_kind(p) == DocumentKind::Workflow && fs.is_file(p))
        .filter(|p| !ignored(ignore.as_ref(), root, p))
        .collect();
    files.sort();
    files.dedup();
    files
}

/// Whether `ignore` (the `.digdagignore` of the project at `root`) ignores the file `path`.
fn ignored(ignore: Option<&DigdagIgnore>, root: &Path, path: &Path) -> bool {
    let (Some(ignore), Ok(rel)) = (ignore, path.strip_prefix(root)) else {
        return false;
    };
    ignore.is_ignored(rel, false)
}

/// Whether `dir` holds one of the [`PROJECT_MARKERS`].
fn is_project_root(fs: &dyn FileSystem, dir: &Path) -> bool {
    PROJECT_MARKERS.iter().any(|m| {
        let p = dir.join(m);
        fs.is_file(&p) || fs.is_dir(&p)
    })
}

impl ProjectIndex {
    /// Loads the workflows of the project at `root` (plus `extra` workflow files), following
    /// literal `call>` targets that the project's `.digdagignore` does not ignore (an ignored
    /// file is not part of the pushed project), and reads the `[params]` of its `wf.toml`.
    pub fn load(fs: &dyn FileSystem, root: &Path, extra: &[PathBuf]) -> ProjectIndex {
        let root = normalize_path(root);
        let ignore = DigdagIgnore::read(fs, &root);
        let mut todo: Vec<PathBuf> = project_workflow_files(fs, &root);
        for e in extra {
            let e = normalize_path(e);
            if !todo.contains(&e) {
                todo.push(e);
            }
        }
        let mut loader = Loader::new(fs);
        let params = declared_params(&mut loader, fs, &root);
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
                if !todo.contains(&target)
                    && fs.is_file(&target)
                    && !ignored(ignore.as_ref(), &root, &target)
                {
                    todo.push(target);
                }
            }
            workflows.push((path, wf));
        }
        ProjectIndex {
            root,
            sources: loader.sources,
            workflows,
            params,
        }
    }

    /// The project of an analyzed document.
    ///
    /// It starts from the directory whose workflows read the document: for a workflow, its
    /// own directory; for an included file, the nearest directory (the file's own or up to
    /// [`MAX_PROJECT_DEPTH`] above it) whose workflows include it. It then grows upward, since
    /// a workflow in `sub/` can be `call>`ed from `../main.dig` (`call>: sub/x.dig`): each
    /// directory up to [`MAX_PROJECT_DEPTH`] levels above whose own workflows reach the
    /// document (through `call>`s or `!include`s, followed from file to file) makes the
    /// project wider, and the index is rooted at the highest such directory. The top-level
    /// workflows of the directories on the way down to the document stay in the index (their
    /// `call>`s of the document count too). The search stops at a directory that holds a
    /// project marker ([`PROJECT_MARKERS`]: `wf.toml`, `.digdag`), so a directory with a
    /// `wf.toml` is never part of a project above it. When no workflow reads the document,
    /// the document itself is compiled as a workflow.
    pub fn of_document(fs: &dyn FileSystem, analysis: &DocumentAnalysis) -> ProjectIndex {
        let path = &analysis.path;
        if analysis.kind == DocumentKind::Workflow {
            return ProjectIndex::widened(fs, &analysis.root, vec![path.clone()], path);
        }
        for dir in path.ancestors().skip(1).take(MAX_PROJECT_DEPTH + 1) {
            if project_workflow_files(fs, dir).is_empty() {
                continue;
            }
            let index = ProjectIndex::load(fs, dir, &[]);
            if index.sources.find(path).is_some() {
                return ProjectIndex::widened_from(fs, index, path);
            }
        }
        ProjectIndex::load(fs, &analysis.root, std::slice::from_ref(path))
    }

    /// The index of the workflows of `dir` plus `extra`, widened upward to the callers of
    /// `doc` (see [`ProjectIndex::of_document`]).
    fn widened(fs: &dyn FileSystem, dir: &Path, extra: Vec<PathBuf>, doc: &Path) -> ProjectIndex {
        let base = ProjectIndex::load(fs, dir, &extra);
        ProjectIndex::widened_from(fs, base, doc)
    }

    /// `base` (an index rooted where `doc` is read), or a wider one rooted at the highest
    /// directory above whose workflows reach `doc`.
    fn widened_from(fs: &dyn FileSystem, base: ProjectIndex, doc: &Path) -> ProjectIndex {
        if is_project_root(fs, &base.root) {
            return base;
        }
        let mut top: Option<PathBuf> = None;
        for dir in base.root.ancestors().skip(1).take(MAX_PROJECT_DEPTH) {
            if !project_workflow_files(fs, dir).is_empty()
                && ProjectIndex::load(fs, dir, &[]).sources.find(doc).is_some()
            {
                top = Some(dir.to_path_buf());
            }
            if is_project_root(fs, dir) {
                break;
            }
        }
        let Some(top) = top else {
            return base;
        };
        // The workflows already in `base`, and those of the directories between.
        let mut extra: Vec<PathBuf> = base.workflows.into_iter().map(|(p, _)| p).collect();
        for dir in base.root.ancestors().skip(1) {
            if dir == top {
                break;
            }
            extra.extend(project_workflow_files(fs, dir));
        }
        ProjectIndex::load(fs, &top, &extra)
    }

    /// A view over the index.
    pub fn view(&self) -> View<'_> {
        let mut view = View::new(
            &self.sources,
            self.workflows.iter().map(|(_, w)| w).collect(),
        );
        view.params = self.params.as_ref();
        view
    }
}

/// The `[params]` of `root/wf.toml` (read into `loader`'s sources), each key spanning its name
/// in the file. `None` when there is no `wf.toml` or it declares no parameters (a malformed
/// file is reported by `wf lint`, code C001).
fn declared_params(loader: &mut Loader<'_>, fs: &dyn FileSystem, root: &Path) -> Option<Value> {
    use std::collections::BTreeMap;
    use toml::Spanned;
    #[derive(serde::Deserialize)]
    struct Config {
        params: Option<BTreeMap<Spanned<String>, serde::de::IgnoredAny>>,
    }
    let config = crate::load::config::load_config(loader, fs, root);
    let mut params = config.params?;
    let path = normalize_path(&root.join(crate::load::config::CONFIG_FILE));
    let file = loader.sources.find(&path)?;
    let text = loader.sources.get(file).text.clone();
    let keys = toml::from_str::<Config>(&text).ok()?.params?;
    if let ValueKind::Object(o) = &mut params.kind {
        for e in &mut o.entries {
            if let Some((k, _)) = keys.get_key_value(e.key.as_str()) {
                let r = k.span();
                e.key_span = Span::new(file, r.start as u32, r.end as u32);
            }
        }
    }
    Some(params)
}

/// Workflows and the texts they were read from, with the syntax trees parsed on demand (to
/// map positions inside scalars).
pub struct View<'a> {
    pub sources: &'a SourceMap,
    pub workflows: Vec<&'a Workflow>,
    /// Parameters declared for the whole project (`wf.toml` `[params]`), seen by every task.
    pub params: Option<&'a Value>,
    trees: RefCell<HashMap<FileId, SyntaxNode>>,
}

impl<'a> View<'a> {
    /// A view of `workflows`, whose spans index `sources`.
    pub fn new(sources: &'a SourceMap, workflows: Vec<&'a Workflow>) -> View<'a> {
        View {
            sources,
            workflows,
            params: None,
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
