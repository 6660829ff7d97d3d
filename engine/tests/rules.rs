//! Every rule has fixtures in `testdata/rules/<CODE>/`: each `fail*.dig` must report the rule
//! (its diagnostics are snapshotted), each `pass*.dig` must report no error at all.

use std::collections::HashSet;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use wf_engine::check::registry::{Example, FixKind, RULES};
use wf_engine::check::{lint_project_with, LintOptions, ProjectReport};
use wf_engine::load::DiskFileSystem;
use wf_engine::schema::Target;
use wf_engine::Severity;

fn rules_dir() -> PathBuf {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../testdata/rules");
    dir.canonicalize().unwrap_or(dir)
}

/// Lints one fixture; a `target` file in the rule's folder selects `--target`.
/// A fixture is a `.dig` file (linted in the rule's folder) or a folder (a whole project, for
/// rules about project files such as `.wf.yml`).
fn lint(dir: &Path, file: &Path) -> ProjectReport {
    let mut options = LintOptions::default();
    if let Ok(t) = std::fs::read_to_string(dir.join("target")) {
        options.target = Some(Target::parse(t.trim()).expect("valid target file"));
    }
    if file.is_dir() {
        let workflows = wf_engine::load::project::workflow_files(file).expect("project");
        return lint_project_with(&DiskFileSystem, file, &workflows, &HashSet::new(), &options);
    }
    lint_project_with(
        &DiskFileSystem,
        dir,
        &[file.to_path_buf()],
        &HashSet::new(),
        &options,
    )
}

/// `file:line:col: severity[code]: message`, labels and fixes indented below.
fn render(report: &ProjectReport, dir: &Path) -> String {
    let mut out = String::new();
    let loc = |span: wf_engine::Span| {
        let f = report.sources.get(span.file);
        let (l, c) = f.line_char_col(span.start);
        let name = f
            .path
            .strip_prefix(dir)
            .unwrap_or(&f.path)
            .display()
            .to_string();
        format!("{name}:{l}:{c}")
    };
    for d in &report.diagnostics {
        let _ = writeln!(
            out,
            "{}: {}[{}]: {}",
            loc(d.span),
            d.severity.as_str(),
            d.code,
            d.message
        );
        for l in &d.labels {
            let _ = writeln!(out, "    label {}: {}", loc(l.span), l.message);
        }
        for f in &d.fixes {
            let _ = writeln!(
                out,
                "    fix {}: {:?} -> {:?}",
                loc(f.span),
                f.title,
                f.replacement
            );
        }
    }
    out
}

fn fixtures(dir: &Path, prefix: &str) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(dir)
        .map(|rd| rd.filter_map(|e| e.ok().map(|e| e.path())).collect())
        .unwrap_or_default();
    v.retain(|p| {
        (p.is_dir() || p.extension().is_some_and(|e| e == "dig"))
            && p.file_name()
                .is_some_and(|n| n.to_string_lossy().starts_with(prefix))
    });
    v.sort();
    v
}

#[test]
fn every_rule_has_failing_and_passing_fixtures() {
    let mut problems = Vec::new();
    for rule in RULES {
        let dir = rules_dir().join(rule.code);
        let fails = fixtures(&dir, "fail");
        let passes = fixtures(&dir, "pass");
        if fails.is_empty() || passes.is_empty() {
            problems.push(format!(
                "{}: needs fail*.dig (or fail*/) and pass*.dig (or pass*/) in {}",
                rule.code,
                dir.display()
            ));
            continue;
        }
        let mut snapshot = String::new();
        for f in &fails {
            let report = lint(&dir, f);
            if !report.diagnostics.iter().any(|d| d.code == rule.code) {
                problems.push(format!(
                    "{}: {} does not report it:\n{}",
                    rule.code,
                    f.display(),
                    render(&report, &dir)
                ));
            }
            let _ = writeln!(
                snapshot,
                "# {}",
                f.file_name().unwrap_or_default().to_string_lossy()
            );
            snapshot.push_str(&render(&report, &dir));
        }
        for p in &passes {
            let report = lint(&dir, p);
            if report
                .diagnostics
                .iter()
                .any(|d| d.code == rule.code || d.severity == Severity::Error)
            {
                problems.push(format!(
                    "{}: {} should pass:\n{}",
                    rule.code,
                    p.display(),
                    render(&report, &dir)
                ));
            }
        }
        insta::assert_snapshot!(format!("rule_{}_{}", rule.code, rule.name), snapshot);
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// Lints `text` as the whole of `wf.dig` in an otherwise empty project.
fn lint_text(text: &str, target: Option<Target>) -> ProjectReport {
    let mut fs = wf_engine::load::MemoryFileSystem::new();
    fs.insert("/p/wf.dig", text);
    let options = LintOptions { target };
    lint_project_with(
        &fs,
        Path::new("/p"),
        &[PathBuf::from("/p/wf.dig")],
        &HashSet::new(),
        &options,
    )
}

/// The README's examples (`wf rules --markdown`) are real: each `.dig` example reports its rule.
#[test]
fn every_rule_example_reports_the_rule() {
    let mut problems = Vec::new();
    for rule in RULES {
        let (text, target) = match rule.example {
            Example::Dig(text) => (text, None),
            Example::DigTreasureWorkflow(text) => (text, Some(Target::TreasureWorkflow)),
            Example::Described(_) => continue,
        };
        assert!(!text.contains('\n'), "{}: examples are one line", rule.code);
        let report = lint_text(text, target);
        if !report.diagnostics.iter().any(|d| d.code == rule.code) {
            let got: Vec<String> = report
                .diagnostics
                .iter()
                .map(|d| format!("{} {}", d.code, d.message))
                .collect();
            problems.push(format!("{}: `{text}` reports {got:?}", rule.code));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// The registry's fix column is true: a rule's diagnostics (in its fail fixtures and its
/// example) carry fixes exactly when the registry says they do, and `wf lint --fix` applies
/// the fixes of the rules marked safe and no others.
#[test]
fn fix_column_matches_the_diagnostics() {
    let mut problems = Vec::new();
    for rule in RULES {
        let dir = rules_dir().join(rule.code);
        let mut reports: Vec<ProjectReport> = fixtures(&dir, "fail")
            .iter()
            .map(|f| lint(&dir, f))
            .collect();
        match rule.example {
            Example::Dig(text) => reports.push(lint_text(text, None)),
            Example::DigTreasureWorkflow(text) => {
                reports.push(lint_text(text, Some(Target::TreasureWorkflow)))
            }
            Example::Described(_) => {}
        }
        let own: Vec<&wf_engine::Diagnostic> = reports
            .iter()
            .flat_map(|r| r.diagnostics.iter())
            .filter(|d| d.code == rule.code)
            .collect();
        let with_fix = own.iter().filter(|d| !d.fixes.is_empty()).count();
        let applied = own
            .iter()
            .filter(|d| wf_engine::check::fix::is_safe(d))
            .count();
        let ok = match rule.fix {
            FixKind::None => with_fix == 0,
            FixKind::QuickFix => with_fix > 0 && applied == 0,
            FixKind::Safe => applied > 0,
        };
        if !ok {
            problems.push(format!(
                "{}: registry says {:?}, fixtures and example give {} diagnostics, {with_fix} with a fix, {applied} applied by --fix",
                rule.code,
                rule.fix,
                own.len()
            ));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}
