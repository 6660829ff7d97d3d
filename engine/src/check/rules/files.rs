//! Files a task needs (F001): `td>` / `mail>` / `embulk>` files, `py>` modules, `call>`
//! targets and `require>` workflows, resolved as digdag resolves them: from the project root
//! and the task's `_workdir` (a `call>`ed workflow in a subdirectory works in that directory).

use super::{RuleContext, TaskScope};
use crate::check::registry::MISSING_FILE;
use crate::diagnostic::{Diagnostic, Severity};
use crate::load::{Value, ValueKind};
use crate::model::TaskKind;
use crate::schema::{self, FileRef};
use crate::scope::Scope;
use std::path::{Path, PathBuf};

/// The task's working directory, or None when it is only known at run time.
fn workdir(cx: &RuleContext<'_>, scope: &Scope) -> Option<PathBuf> {
    let mut dir = cx.project_root.to_path_buf();
    // A workflow in a subdirectory of the project runs there (digdag sets `_workdir`).
    if let Some(parent) = cx.workflow_path.parent() {
        if let Ok(rel) = parent.strip_prefix(cx.project_root) {
            dir = dir.join(rel);
        }
    }
    if let Some(v) = scope.get("_workdir") {
        let text = v.value.as_ref().and_then(Value::scalar_text)?;
        if text.contains("${") {
            return None;
        }
        dir = dir.join(text);
    }
    Some(dir)
}

fn literal(v: &Value) -> Option<String> {
    match &v.kind {
        ValueKind::String(s) if !s.contains("${") && !s.trim().is_empty() => Some(s.clone()),
        _ => None,
    }
}

fn report(
    out: &mut Vec<Diagnostic>,
    cx: &RuleContext<'_>,
    v: &Value,
    what: &str,
    name: &str,
    looked: &Path,
    severity: Severity,
) {
    let shown = looked.strip_prefix(cx.project_root).unwrap_or(looked);
    let mut d = Diagnostic::new(
        &MISSING_FILE,
        v.span,
        format!(
            "{what} `{name}` not found (looked for `{}` in the project; paths are relative to the project directory and `_workdir`)",
            shown.display()
        ),
    );
    d.severity = severity;
    out.push(d);
}

/// Runs F001 over every operator task.
pub fn check(cx: &RuleContext<'_>, scopes: &[TaskScope<'_>], out: &mut Vec<Diagnostic>) {
    // Many tasks name the same files: ask the file system once per path.
    let cache: std::cell::RefCell<std::collections::HashMap<PathBuf, bool>> = Default::default();
    for (t, scope) in scopes {
        let TaskKind::Operator { name, command, .. } = &t.kind else {
            continue;
        };
        let Some(spec) = schema::operator(name) else {
            continue;
        };
        let Some(dir) = workdir(cx, scope) else {
            continue;
        };
        let mut refs: Vec<(FileRef, &Value, String)> = Vec::new();
        if let Some(cmd) = command {
            refs.push((spec.command.file, cmd, format!("{name}>")));
        }
        for e in &t.params {
            if let Some(p) = spec.param(&e.key) {
                refs.push((p.file, &e.value, e.key.clone()));
            }
        }
        for (file, v, what) in refs {
            let Some(text) = literal(v) else { continue };
            let exists = |p: &Path| {
                *cache
                    .borrow_mut()
                    .entry(p.to_path_buf())
                    .or_insert_with(|| cx.fs.is_file(p))
            };
            match file {
                FileRef::Template | FileRef::Input | FileRef::TemplateIfString => {
                    let p = dir.join(&text);
                    if !exists(&p) {
                        report(
                            out,
                            cx,
                            v,
                            &format!("the file of {what}"),
                            &text,
                            &p,
                            MISSING_FILE.severity,
                        );
                    }
                }
                FileRef::TemplateIfExtension(exts) => {
                    if exts.iter().any(|x| text.ends_with(x)) {
                        let p = dir.join(&text);
                        if !exists(&p) {
                            report(
                                out,
                                cx,
                                v,
                                &format!("the file of {what}"),
                                &text,
                                &p,
                                MISSING_FILE.severity,
                            );
                        }
                    }
                }
                FileRef::Workflow => {
                    let file = if text.ends_with(".dig") {
                        text.clone()
                    } else {
                        format!("{text}.dig")
                    };
                    let p = crate::load::normalize_path(&dir.join(&file));
                    if !p.starts_with(crate::load::normalize_path(cx.project_root)) {
                        let d = Diagnostic::new(
                            &MISSING_FILE,
                            v.span,
                            format!("File name must not be outside of project path: {text}"),
                        );
                        out.push(d);
                    } else if !exists(&p) {
                        report(
                            out,
                            cx,
                            v,
                            "the workflow of call>",
                            &text,
                            &p,
                            MISSING_FILE.severity,
                        );
                    }
                }
                FileRef::WorkflowName => {
                    let other_project = t
                        .params
                        .iter()
                        .any(|e| e.key == "project_id" || e.key == "project_name");
                    let p = cx.project_root.join(format!("{text}.dig"));
                    if !other_project && !exists(&p) {
                        report(
                            out,
                            cx,
                            v,
                            "the workflow of require>",
                            &text,
                            &p,
                            MISSING_FILE.severity,
                        );
                    }
                }
                FileRef::PythonMethod => {
                    // `pkg.module.Class.method`: some prefix must be a module in the workdir,
                    // unless it is an installed package (so this is a warning); a module of
                    // Python's standard library imports without a project file.
                    let segs: Vec<&str> = text.split('.').collect();
                    let found = schema::python_stdlib_module(segs[0])
                        || (1..segs.len()).any(|k| {
                            let m = dir.join(segs[..k].join("/"));
                            exists(&m.with_extension("py"))
                                || exists(&m.join("__init__.py"))
                                || cx.fs.is_dir(&m)
                        });
                    if segs.len() > 1 && !found {
                        let m = dir
                            .join(segs[..segs.len() - 1].join("/"))
                            .with_extension("py");
                        report(
                            out,
                            cx,
                            v,
                            "the Python module of py>",
                            &text,
                            &m,
                            Severity::Warning,
                        );
                    }
                }
                FileRef::RubyFeature => {
                    let p = dir.join(&text).with_extension("rb");
                    if !exists(&p) {
                        report(
                            out,
                            cx,
                            v,
                            "the Ruby file of rb> `require`",
                            &text,
                            &p,
                            Severity::Warning,
                        );
                    }
                }
                FileRef::None | FileRef::Output => {}
            }
        }
    }
}
