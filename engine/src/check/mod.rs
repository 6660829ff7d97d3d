//! Rules: the registry of diagnostic codes, and the checks that produce them.
//!
//! [`lint_project`] runs every stage (load, include expansion, model, schedule) over the
//! workflows of one project and returns all diagnostics, sorted and de-duplicated.

pub mod fix;
pub mod registry;
pub mod rules;

pub use registry::{Rule, RULES};

use crate::diagnostic::Diagnostic;
use crate::load::{FileSystem, Loader};
use crate::model::{self, Workflow};
use crate::source::SourceMap;
use std::collections::HashSet;
use std::path::{Path, PathBuf};

/// Everything `wf lint` learned about one project.
pub struct ProjectReport {
    /// The project directory.
    pub root: PathBuf,
    /// Every file read (workflows and included files).
    pub sources: SourceMap,
    /// The workflows that loaded.
    pub workflows: Vec<Workflow>,
    /// All problems, sorted by file and position.
    pub diagnostics: Vec<Diagnostic>,
    /// Files that could not be read at all, with the reason.
    pub unreadable: Vec<(PathBuf, String)>,
    /// Workflow files that some workflow `call>`s (normalized paths).
    pub called: HashSet<PathBuf>,
    /// Of those, the files called by a workflow that declares plugins (`_export: plugin:`):
    /// the called workflow inherits the declaration, so its plugin operators are known.
    pub called_with_plugins: HashSet<PathBuf>,
}

/// The workflow name of `file` in the project at `root`: its relative path without `.dig`.
pub fn workflow_name(root: &Path, file: &Path) -> String {
    let rel = file.strip_prefix(root).unwrap_or(file);
    let s = rel.to_string_lossy().replace('\\', "/");
    s.strip_suffix(".dig").unwrap_or(&s).to_string()
}

/// Lints the `workflows` (paths of `.dig` files) of the project at `root`.
pub fn lint_project(fs: &dyn FileSystem, root: &Path, workflows: &[PathBuf]) -> ProjectReport {
    lint_project_with(
        fs,
        root,
        workflows,
        &HashSet::new(),
        &LintOptions::default(),
    )
}

/// How to lint.
#[derive(Clone, Debug, Default)]
pub struct LintOptions {
    /// Where the workflows will run (`--target`); overrides the project's `wf.toml`.
    pub target: Option<crate::schema::Target>,
}

/// Like [`lint_project`]; `called` holds files that workflows of an enclosing project
/// `call>`, so they run with their caller's parameters.
pub fn lint_project_with(
    fs: &dyn FileSystem,
    root: &Path,
    workflows: &[PathBuf],
    called: &HashSet<PathBuf>,
    options: &LintOptions,
) -> ProjectReport {
    lint_called_project(fs, root, workflows, called, &HashSet::new(), options)
}

/// Like [`lint_project_with`]; `called_with_plugins` (a subset of `called`) holds the files
/// called by workflows that declare plugins.
fn lint_called_project(
    fs: &dyn FileSystem,
    root: &Path,
    workflows: &[PathBuf],
    called: &HashSet<PathBuf>,
    called_with_plugins: &HashSet<PathBuf>,
    options: &LintOptions,
) -> ProjectReport {
    let project =
        LoadedProject::load_called(fs, root, workflows, called, called_with_plugins, options);
    let found = project.run_rules();
    project.finish(found)
}

/// A project whose workflows are loaded and compiled, with the diagnostics of those stages
/// (syntax, includes, task model, schedules), before the semantic rules run. [`lint_project`]
/// is [`LoadedProject::load`], [`LoadedProject::run_rules`], then severity settings,
/// `wf:ignore` comments and sorting; the stages are separate so that the rule pass can be
/// measured on its own (`cargo bench -p wf-engine --bench rules`).
pub struct LoadedProject<'fs> {
    fs: &'fs dyn FileSystem,
    root: PathBuf,
    loader: Loader<'fs>,
    config: crate::load::config::ProjectConfig,
    target: crate::schema::Target,
    /// Each loaded workflow with its path and whether one of its includes failed.
    loaded: Vec<(PathBuf, Workflow, bool)>,
    unreadable: Vec<(PathBuf, String)>,
    called: HashSet<PathBuf>,
    called_with_plugins: HashSet<PathBuf>,
}

impl<'fs> LoadedProject<'fs> {
    /// Loads and compiles the `workflows` (paths of `.dig` files) of the project at `root`.
    pub fn load(
        fs: &'fs dyn FileSystem,
        root: &Path,
        workflows: &[PathBuf],
        options: &LintOptions,
    ) -> LoadedProject<'fs> {
        Self::load_called(
            fs,
            root,
            workflows,
            &HashSet::new(),
            &HashSet::new(),
            options,
        )
    }

    fn load_called(
        fs: &'fs dyn FileSystem,
        root: &Path,
        workflows: &[PathBuf],
        called: &HashSet<PathBuf>,
        called_with_plugins: &HashSet<PathBuf>,
        options: &LintOptions,
    ) -> LoadedProject<'fs> {
        let mut loader = Loader::new(fs);
        let config = crate::load::config::load_config(&mut loader, fs, root);
        let target = options.target.or(config.target).unwrap_or_default();
        let mut loaded = Vec::new();
        let mut unreadable = Vec::new();
        for path in workflows.iter().filter(|w| !config.excludes(root, w)) {
            let known = loader.diagnostics.len();
            match loader.load_workflow(path) {
                Ok((file, Some(value))) => {
                    // An include that could not be read leaves the workflow incomplete.
                    let incomplete = loader.diagnostics[known..].iter().any(|d| {
                        d.code.starts_with('I')
                            || (d.severity == crate::Severity::Error && d.span.file != file)
                    });
                    let name = workflow_name(root, path);
                    if let Some(schedule) = value.as_object().and_then(|o| o.entry("schedule")) {
                        check_schedule(schedule, &mut loader.diagnostics);
                    }
                    let wf = model::compile_workflow_for(
                        &name,
                        file,
                        value,
                        target,
                        &mut loader.diagnostics,
                    );
                    loaded.push((path.clone(), wf, incomplete));
                }
                Ok((_, None)) => {}
                Err(e) => unreadable.push((path.clone(), e.to_string())),
            }
        }
        // Workflows that another workflow `call>`s get their caller's parameters at run time.
        let mut called: HashSet<PathBuf> = called.clone();
        for (path, wf, _) in &loaded {
            called.extend(call_targets(root, path, wf));
        }
        // A workflow that declares plugins (or inherits them from its caller) passes them on.
        let mut called_with_plugins: HashSet<PathBuf> = called_with_plugins.clone();
        loop {
            let before = called_with_plugins.len();
            for (path, wf, _) in &loaded {
                if rules::declares_plugins(wf)
                    || called_with_plugins.contains(&crate::load::normalize_path(path))
                {
                    called_with_plugins.extend(call_targets(root, path, wf));
                }
            }
            if called_with_plugins.len() == before {
                break;
            }
        }
        LoadedProject {
            fs,
            root: root.to_path_buf(),
            loader,
            config,
            target,
            loaded,
            unreadable,
            called,
            called_with_plugins,
        }
    }

    /// The number of workflows that loaded.
    pub fn workflow_count(&self) -> usize {
        self.loaded.len()
    }

    /// Runs every semantic rule (scopes, operators, parameters, files, templates, ...) over the
    /// loaded workflows; the diagnostics are unfiltered and unsorted.
    pub fn run_rules(&self) -> Vec<Diagnostic> {
        let mut found = Vec::new();
        let loader = &self.loader;
        let scalar_map = |span: crate::Span| {
            let parsed = loader.parsed(span.file)?;
            let token =
                crate::template::parse::scalar_token_in(&parsed.parse.syntax(), span.range())?;
            crate::template::ScalarMap::from_token(&token)
        };
        for (path, wf, incomplete) in &self.loaded {
            let normalized = crate::load::normalize_path(path);
            let cx = rules::RuleContext {
                workflow: wf,
                workflow_path: path,
                project_root: &self.root,
                fs: self.fs,
                params: self.config.params.as_ref(),
                called: self.called.contains(&normalized),
                incomplete: *incomplete,
                plugins_from_caller: self.called_with_plugins.contains(&normalized),
                target: self.target,
                scalar_map: &scalar_map,
                secrets: self.config.secrets.as_deref(),
                plugins: &self.config.plugins,
            };
            rules::run_all(&cx, &mut found);
        }
        found
    }

    /// The report: every diagnostic (loading's and `found`) after the project's severity
    /// settings and `wf:ignore` comments, sorted and de-duplicated.
    fn finish(self, found: Vec<Diagnostic>) -> ProjectReport {
        let LoadedProject {
            root,
            mut loader,
            config,
            loaded,
            unreadable,
            called,
            called_with_plugins,
            ..
        } = self;
        loader.diagnostics.extend(found);
        let mut diagnostics: Vec<Diagnostic> = std::mem::take(&mut loader.diagnostics)
            .into_iter()
            .filter_map(|d| config.adjust(d))
            .collect();
        // Only files that mention `wf:ignore` can silence anything (checked once per file).
        let with_comments: HashSet<crate::FileId> = loader
            .sources
            .iter()
            .filter(|(_, f)| f.text.contains("wf:ignore"))
            .map(|(id, _)| id)
            .collect();
        if !with_comments.is_empty() {
            diagnostics.retain(|d| {
                !with_comments.contains(&d.span.file) || !suppressed(&loader.sources, d)
            });
        }
        diagnostics.sort_by(|a, b| {
            (a.span.file, a.span.start, a.code).cmp(&(b.span.file, b.span.start, b.code))
        });
        diagnostics.dedup();
        ProjectReport {
            root,
            sources: loader.sources,
            workflows: loaded.into_iter().map(|(_, wf, _)| wf).collect(),
            diagnostics,
            unreadable,
            called,
            called_with_plugins,
        }
    }
}

/// The distinct workflows the `require>` tasks of `wf` wait for, in task order.
pub fn require_targets(wf: &Workflow) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    rules::all_tasks(&wf.root, &mut |t| {
        if let (
            Some("require"),
            model::TaskKind::Operator {
                command: Some(c), ..
            },
        ) = (t.operator(), &t.kind)
        {
            if let Some(s) = c.scalar_text() {
                if !out.contains(&s) {
                    out.push(s);
                }
            }
        }
    });
    out
}

/// Files the literal `call>` tasks of `wf` name, resolved from the project root and from the
/// calling file's directory (normalized).
pub fn call_targets(root: &Path, path: &Path, wf: &Workflow) -> Vec<PathBuf> {
    let mut out = Vec::new();
    rules::all_tasks(&wf.root, &mut |t| {
        if t.operator() != Some("call") {
            return;
        }
        if let model::TaskKind::Operator {
            command: Some(c), ..
        } = &t.kind
        {
            if let Some(target) = c.as_str().filter(|s| !s.contains("${")) {
                let file = if target.ends_with(".dig") {
                    target.to_string()
                } else {
                    format!("{target}.dig")
                };
                out.push(crate::load::normalize_path(&root.join(&file)));
                if let Some(dir) = path.parent() {
                    out.push(crate::load::normalize_path(&dir.join(&file)));
                }
            }
        }
    });
    out
}

/// Lints several projects in parallel. A `.dig` file of a nested project that a workflow of an
/// enclosing project `!include`s is a fragment, not a workflow (digdag never loads it as one),
/// so it is linted only through the include.
pub fn lint_projects(
    fs: &dyn FileSystem,
    projects: &[crate::load::project::Project],
    options: &LintOptions,
) -> Vec<ProjectReport> {
    use rayon::prelude::*;
    use std::collections::HashMap;
    let mut reports: Vec<ProjectReport> = projects
        .par_iter()
        .map(|p| lint_project_with(fs, &p.root, &p.workflows, &HashSet::new(), options))
        .collect();
    let included: HashMap<PathBuf, HashSet<PathBuf>> = reports
        .iter()
        .map(|r| {
            let files = r
                .sources
                .iter()
                .filter(|(_, f)| f.included_from.is_some())
                .map(|(_, f)| crate::load::normalize_path(&f.path))
                .collect();
            (r.root.clone(), files)
        })
        .collect();
    let called_by: HashMap<PathBuf, HashSet<PathBuf>> = reports
        .iter()
        .map(|r| (r.root.clone(), r.called.clone()))
        .collect();
    let called_with_plugins_by: HashMap<PathBuf, HashSet<PathBuf>> = reports
        .iter()
        .map(|r| (r.root.clone(), r.called_with_plugins.clone()))
        .collect();
    let parents: HashMap<&Path, Option<&Path>> = projects
        .iter()
        .map(|p| (p.root.as_path(), p.parent.as_deref()))
        .collect();
    for (i, p) in projects.iter().enumerate() {
        let mut fragments: HashSet<PathBuf> = HashSet::new();
        let mut called_above: HashSet<PathBuf> = HashSet::new();
        let mut called_with_plugins_above: HashSet<PathBuf> = HashSet::new();
        let mut cur = p.parent.as_deref();
        let mut guard = 0;
        while let Some(parent) = cur {
            if let Some(files) = included.get(parent) {
                fragments.extend(files.iter().cloned());
            }
            if let Some(files) = called_by.get(parent) {
                called_above.extend(files.iter().cloned());
            }
            if let Some(files) = called_with_plugins_by.get(parent) {
                called_with_plugins_above.extend(files.iter().cloned());
            }
            cur = parents.get(parent).copied().flatten();
            guard += 1;
            if guard > 256 {
                break;
            }
        }
        if fragments.is_empty() && called_above.is_empty() {
            continue;
        }
        let keep: Vec<PathBuf> = p
            .workflows
            .iter()
            .filter(|w| !fragments.contains(&crate::load::normalize_path(w)))
            .cloned()
            .collect();
        let newly_called = p
            .workflows
            .iter()
            .any(|w| called_above.contains(&crate::load::normalize_path(w)));
        if keep.len() != p.workflows.len() || newly_called {
            reports[i] = lint_called_project(
                fs,
                &p.root,
                &keep,
                &called_above,
                &called_with_plugins_above,
                options,
            );
        }
    }
    reports
}

/// Checks a workflow's `schedule:` entry; every problem also points at the `schedule:` key.
fn check_schedule(schedule: &crate::load::Entry, diagnostics: &mut Vec<Diagnostic>) {
    let (_, found) = crate::schedule::parse_schedule(&schedule.value);
    for mut d in found {
        if d.span != schedule.key_span {
            d = d.with_label(schedule.key_span, "in this schedule");
        }
        diagnostics.push(d);
    }
}

/// Whether a `# wf:ignore[CODE, ...]` comment on the diagnostic's line or the line above, or a
/// `# wf:ignore-file[CODE, ...]` comment anywhere in the file, silences it. Without a code list
/// (`# wf:ignore`), every code is silenced there.
pub fn suppressed(sources: &SourceMap, d: &Diagnostic) -> bool {
    let file = sources.get(d.span.file);
    let text = &file.text;
    if !text.contains("wf:ignore") {
        return false;
    }
    let matches = |comment: &str, directive: &str| -> bool {
        let Some(i) = comment.find(directive) else {
            return false;
        };
        let rest = &comment[i + directive.len()..];
        if directive == "wf:ignore" && rest.starts_with("-file") {
            return false;
        }
        match rest.strip_prefix('[') {
            Some(list) => list.split(']').next().unwrap_or("").split(',').any(|c| {
                let c = c.trim();
                c.eq_ignore_ascii_case(d.code)
                    || registry::find(c).is_some_and(|r| r.code == d.code)
            }),
            None => rest.is_empty() || rest.starts_with(char::is_whitespace),
        }
    };
    let comment_of = |line: &str| line.find('#').map(|i| line[i..].to_string());
    if text
        .lines()
        .filter_map(comment_of)
        .any(|c| matches(&c, "wf:ignore-file"))
    {
        return true;
    }
    let (line, _) = file.line_col(d.span.start);
    let starts = file.line_starts();
    let line_text = |l: usize| -> &str {
        let start = starts[l] as usize;
        let end = starts.get(l + 1).map_or(text.len(), |&e| e as usize);
        &text[start..end]
    };
    let mut lines = vec![line as usize];
    if line > 0 {
        lines.push(line as usize - 1);
    }
    lines
        .into_iter()
        .filter_map(|l| comment_of(line_text(l)))
        .any(|c| matches(&c, "wf:ignore"))
}
