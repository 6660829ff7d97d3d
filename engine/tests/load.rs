//! Loaded values (typed scalars, includes) and task models of small fixtures, as snapshots.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use wf_engine::check::lint_project;
use wf_engine::load::{DiskFileSystem, Loader, Value, ValueKind};
use wf_engine::model::{Task, TaskKind};
use wf_engine::source::SourceMap;

fn testdata(rel: &str) -> PathBuf {
    let p = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../testdata")
        .join(rel);
    p.canonicalize().unwrap_or(p)
}

/// One line per value: path, type, value and `file:line:col` of its span.
fn dump(v: &Value, sources: &SourceMap, path: &str, out: &mut String) {
    let f = sources.get(v.span.file);
    let (l, c) = f.line_char_col(v.span.start);
    let at = format!(
        "{}:{l}:{c}",
        f.path.file_name().unwrap_or_default().to_string_lossy()
    );
    match &v.kind {
        ValueKind::Object(o) => {
            let _ = writeln!(out, "{path} object @{at}");
            for e in &o.entries {
                dump(&e.value, sources, &format!("{path}.{}", e.key), out);
            }
        }
        ValueKind::Array(items) => {
            let _ = writeln!(out, "{path} array @{at}");
            for (i, item) in items.iter().enumerate() {
                dump(item, sources, &format!("{path}[{i}]"), out);
            }
        }
        _ => {
            let _ = writeln!(out, "{path} {} {} @{at}", v.type_word(), v.to_json());
        }
    }
}

fn load(rel: &str) -> String {
    let path = testdata(rel);
    let fs = DiskFileSystem;
    let mut loader = Loader::new(&fs);
    let (_, value) = loader.load_workflow(&path).expect("readable");
    let mut out = String::new();
    if let Some(v) = value {
        dump(&v, &loader.sources, "$", &mut out);
    }
    for d in &loader.diagnostics {
        let _ = writeln!(out, "diagnostic {} {}", d.code, d.message);
    }
    out
}

#[test]
fn scalars_are_typed_the_digdag_way() {
    insta::assert_snapshot!(load("load/scalars.dig"));
}

#[test]
fn keys_before_an_include_deep_merge() {
    // semantics §1.3: the reverse order yields {a: 1, b: {x: 1, y: 2}, c: 3}.
    insta::assert_snapshot!(load("load/include_merge/before.dig"));
}

#[test]
fn keys_after_an_include_replace() {
    // semantics §1.3: `_export: {a: 1, b: {x: 1}}` (the include's `c` is lost) and the
    // replaced `+included_task` keeps the include's position.
    insta::assert_snapshot!(load("load/include_merge/after.dig"));
}

fn dump_task(t: &Task, depth: usize, out: &mut String) {
    let kind = match &t.kind {
        TaskKind::Group => "group".to_string(),
        TaskKind::Operator { name, command, .. } => {
            format!(
                "{name}> {}",
                command.as_ref().map_or("null".into(), |c| c.to_json())
            )
        }
    };
    let mut opts = Vec::new();
    if let Some((p, _)) = &t.options.parallel {
        opts.push(format!("parallel={p:?}"));
    }
    if let Some((b, _)) = &t.options.background {
        opts.push(format!("background={b}"));
    }
    if !t.options.after.is_empty() {
        let names: Vec<&str> = t.options.after.iter().map(|(n, _)| n.as_str()).collect();
        opts.push(format!("after={names:?}"));
    }
    if let Some(r) = &t.options.retry {
        opts.push(format!("retry={}", r.to_json()));
    }
    if let Some(e) = &t.options.export {
        opts.push(format!("export={}", e.to_json()));
    }
    let _ = writeln!(
        out,
        "{}{} [{kind}] {}",
        "  ".repeat(depth),
        t.full_name,
        opts.join(" ")
    );
    if let Some(e) = &t.options.error {
        dump_task(e, depth + 1, out);
    }
    for c in &t.children {
        dump_task(c, depth + 1, out);
    }
}

#[test]
fn task_model_of_the_example_project() {
    let root = testdata("examples/daily_report");
    let report = lint_project(&DiskFileSystem, &root, &[root.join("daily_report.dig")]);
    assert!(report.diagnostics.is_empty());
    let mut out = String::new();
    for wf in &report.workflows {
        let _ = writeln!(
            out,
            "workflow {} timezone={:?}",
            wf.name,
            wf.timezone.as_ref().map(|t| &t.0)
        );
        dump_task(&wf.root, 0, &mut out);
    }
    insta::assert_snapshot!(out);
}

#[test]
fn task_model_options() {
    let root = testdata("model");
    let report = lint_project(&DiskFileSystem, &root, &[root.join("options.dig")]);
    let mut out = String::new();
    for wf in &report.workflows {
        dump_task(&wf.root, 0, &mut out);
    }
    for d in &report.diagnostics {
        let _ = writeln!(out, "diagnostic {} {}", d.code, d.message);
    }
    insta::assert_snapshot!(out);
}
