//! Conformance against the real-world corpus in `../shared/corpus` (see its README):
//! every YAML file round-trips byte for byte through the syntax tree, nothing panics, the
//! linter's errors agree with `VERDICTS.tsv` (what digdag itself does with each file), and
//! every warning is one of `corpus_warnings.tsv` (each listed with the reason it is right).
//!
//! The tests print the agreement as figures and fail on any disagreement.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use wf_engine::check::{lint_project, lint_projects, LintOptions};
use wf_engine::load::project::find_projects;
use wf_engine::load::DiskFileSystem;
use wf_engine::Severity;

#[path = "common/rng.rs"]
mod rng;
use rng::Rng;

/// The corpus directory. Missing corpus fails the test unless `WF_SKIP_CORPUS=1` is set, so CI
/// cannot pass by silently skipping it.
fn corpus() -> Option<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/corpus");
    if dir.is_dir() {
        return Some(dir.canonicalize().unwrap_or(dir));
    }
    if std::env::var("WF_SKIP_CORPUS").is_ok_and(|v| v == "1") {
        return None;
    }
    panic!(
        "corpus not found at {} (set WF_SKIP_CORPUS=1 to skip)",
        dir.display()
    );
}

fn yaml_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(rd) = std::fs::read_dir(dir) else {
        return;
    };
    let mut entries: Vec<PathBuf> = rd.filter_map(|e| e.ok().map(|e| e.path())).collect();
    entries.sort();
    for p in entries {
        if p.is_dir() {
            yaml_files(&p, out);
        } else if p
            .extension()
            .is_some_and(|e| e == "dig" || e == "yml" || e == "yaml")
        {
            out.push(p);
        }
    }
}

#[test]
fn every_corpus_file_round_trips() {
    let Some(corpus) = corpus() else {
        return;
    };
    let mut files = Vec::new();
    yaml_files(&corpus, &mut files);
    assert!(
        files.len() > 600,
        "expected the corpus, found {} files",
        files.len()
    );
    let mut failures = Vec::new();
    for f in &files {
        let Ok(text) = std::fs::read_to_string(f) else {
            continue;
        };
        let result =
            std::panic::catch_unwind(|| wf_engine::syntax::parse(&text).syntax().to_string());
        match result {
            Ok(back) if back == text => {}
            Ok(_) => failures.push(format!("round trip differs: {}", f.display())),
            Err(_) => failures.push(format!("panic: {}", f.display())),
        }
    }
    println!(
        "round trip: {} files, {} failures",
        files.len(),
        failures.len()
    );
    assert!(failures.is_empty(), "{failures:#?}");
}

/// Edits for the incremental-parse test: text that opens or closes YAML constructs, keys at
/// column 0, indentation, line breaks.
const EDIT_PIECES: &[&str] = &[
    " ",
    "  ",
    "\t",
    "\n",
    "\r\n",
    "a",
    "é",
    "\0",
    "\u{feff}",
    "#",
    "# c\n",
    ":",
    ": ",
    "- ",
    "x: 1\n",
    "  y: 2\n",
    "x:\n- 1\n",
    "+t:\n  echo>: hi\n",
    "+t:\n",
    "{",
    "}",
    "[",
    "]",
    "'",
    "\"",
    "|\n",
    "|+\n",
    ">-\n",
    "x: [1,\n",
    "x: \"a\n",
    "x: 'a\n",
    "---\n",
    "...\n",
    "? ",
    "&a ",
    "*a",
    "!include : x\n",
    "%YAML 1.1\n",
    "${",
    "_export:\n  k: v\n",
];

/// A random edit of `text`: an insertion, deletion, replacement or a copied block of lines,
/// often at the start of a line (where top-level entries begin).
fn random_edit(rng: &mut Rng, text: &str) -> String {
    let boundary = |mut i: usize| {
        while !text.is_char_boundary(i) {
            i -= 1;
        }
        i
    };
    let line_starts: Vec<usize> = std::iter::once(0)
        .chain(text.match_indices('\n').map(|(i, _)| i + 1))
        .filter(|&i| i <= text.len())
        .collect();
    let at = if rng.below(2) == 0 {
        line_starts[rng.below(line_starts.len())]
    } else {
        boundary(rng.below(text.len() + 1))
    };
    let end = boundary((at + 1 + rng.below(60)).min(text.len()));
    let piece = EDIT_PIECES[rng.below(EDIT_PIECES.len())];
    match rng.below(4) {
        0 => format!("{}{}{}", &text[..at], piece, &text[at..]),
        1 => format!("{}{}", &text[..at], &text[end..]),
        2 => format!("{}{}{}", &text[..at], piece, &text[end..]),
        _ => {
            let from = line_starts[rng.below(line_starts.len())];
            let to = line_starts
                .iter()
                .copied()
                .find(|&s| s > from + rng.below(200))
                .unwrap_or(text.len());
            format!("{}{}{}", &text[..at], &text[from..to], &text[at..])
        }
    }
}

/// Reparsing only the top-level entries an edit touches (what the language server does
/// after each change) gives exactly the tree and errors of a full parse, over random edits of
/// every corpus file; and it is used for most of them.
#[test]
fn incremental_reparse_equals_full_parse() {
    use wf_engine::syntax::{parse, reparse, tree_text};
    let Some(corpus) = corpus() else {
        return;
    };
    let mut files = Vec::new();
    yaml_files(&corpus, &mut files);
    let mut rng = Rng(0x5EED_1234_ABCD_0001);
    let (mut edits, mut reparsed, mut with_errors) = (0, 0, 0);
    // Edits of error-free text whose result is error-free too: nearly all should be reparsed.
    let (mut valid_edits, mut valid_reparsed) = (0, 0);
    for f in &files {
        let Ok(mut text) = std::fs::read_to_string(f) else {
            continue;
        };
        let mut current = parse(&text);
        for _ in 0..30 {
            let new_text = random_edit(&mut rng, &text);
            let full = parse(&new_text);
            let valid = current.errors.is_empty() && full.errors.is_empty();
            edits += 1;
            valid_edits += valid as usize;
            let next = match reparse(&text, &current, &new_text) {
                Some(incremental) => {
                    reparsed += 1;
                    valid_reparsed += valid as usize;
                    with_errors += !full.errors.is_empty() as usize;
                    if incremental.green() != full.green() {
                        assert_eq!(
                            tree_text(&incremental.syntax()),
                            tree_text(&full.syntax()),
                            "{}: before:\n{text}\nafter:\n{new_text}",
                            f.display()
                        );
                    }
                    assert_eq!(
                        incremental.errors,
                        full.errors,
                        "{}: before:\n{text}\nafter:\n{new_text}",
                        f.display()
                    );
                    incremental
                }
                None => full,
            };
            // Keep editing broken text only now and then: most edits start from valid text.
            if next.errors.is_empty() || rng.below(4) == 0 {
                current = next;
                text = new_text;
            }
        }
    }
    println!(
        "incremental reparse: {reparsed} of {edits} random edits ({with_errors} with syntax \
         errors); {valid_reparsed} of {valid_edits} from error-free to error-free text"
    );
    assert!(
        valid_reparsed * 10 > valid_edits * 7,
        "reparsed only {valid_reparsed} of {valid_edits} edits between error-free texts"
    );
    assert!(
        with_errors * 10 > reparsed,
        "only {with_errors} of {reparsed} reparsed edits had syntax errors"
    );
}

/// Our rule code for each `kind` of VERDICTS.tsv.
fn code_for_kind(kind: &str) -> &'static str {
    match kind {
        "yaml-syntax" => "S001",
        "duplicate-key" => "S002",
        "include-missing" => "I001",
        "workflow-name" => "M004",
        "multiple-operators" => "M005",
        "parallel-type" => "M008",
        "schedule" => "T001",
        "schedule-unused-key" => "T002",
        "invalid-group-key" => "M002",
        "after-without-parallel" => "M010",
        "background-with-parallel" => "M009",
        other => panic!("unknown verdict kind {other}"),
    }
}

#[test]
fn lint_agrees_with_digdag_verdicts() {
    let Some(corpus) = corpus() else {
        return;
    };
    let verdicts = std::fs::read_to_string(corpus.join("VERDICTS.tsv")).expect("VERDICTS.tsv");
    let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
    let mut false_errors = Vec::new();
    let mut missed = Vec::new();
    let mut runtime_flagged = 0;
    for line in verdicts.lines().skip(1) {
        let cols: Vec<&str> = line.split('\t').collect();
        let (path, verdict, kind, vline) = (
            cols[0],
            cols[1],
            cols.get(2).copied().unwrap_or(""),
            cols.get(3).copied().unwrap_or(""),
        );
        *counts.entry(verdict).or_default() += 1;
        if verdict == "not-a-workflow" {
            continue;
        }
        let file = corpus.join(path);
        let root = file.parent().expect("parent").to_path_buf();
        let report = std::panic::catch_unwind(|| {
            lint_project(&DiskFileSystem, &root, std::slice::from_ref(&file))
        })
        .unwrap_or_else(|_| panic!("panic while linting {path}"));
        let errors: Vec<_> = report
            .diagnostics
            .iter()
            .filter(|d| d.severity == Severity::Error)
            .collect();
        let describe = |d: &wf_engine::Diagnostic| {
            let f = report.sources.get(d.span.file);
            let (l, c) = f.line_char_col(d.span.start);
            format!(
                "{}:{l}:{c} {} {}",
                f.path
                    .file_name()
                    .map(|n| n.to_string_lossy().into_owned())
                    .unwrap_or_default(),
                d.code,
                d.message
            )
        };
        match verdict {
            "ok" if !errors.is_empty() => {
                false_errors.push(format!(
                    "{path}: {}",
                    errors
                        .iter()
                        .map(|d| describe(d))
                        .collect::<Vec<_>>()
                        .join("; ")
                ));
            }
            "runtime-error" if !errors.is_empty() => {
                runtime_flagged += 1;
            }
            "static-error" => {
                let code = code_for_kind(kind);
                let want_line: Option<usize> = vline.parse().ok();
                let hit = errors.iter().any(|d| {
                    if d.code != code {
                        return false;
                    }
                    let Some(want) = want_line else { return true };
                    std::iter::once(d.span)
                        .chain(d.labels.iter().map(|l| l.span))
                        .any(|s| report.sources.get(s.file).line_char_col(s.start).0 == want)
                });
                if !hit {
                    missed.push(format!(
                        "{path}: want {code} ({kind}) at line {vline}; got: {}",
                        errors
                            .iter()
                            .map(|d| describe(d))
                            .collect::<Vec<_>>()
                            .join("; ")
                    ));
                }
            }
            _ => {}
        }
    }
    println!("verdicts: {counts:?}");
    println!("false errors on ok files: {}", false_errors.len());
    println!("missed static errors: {}", missed.len());
    println!("runtime-error files with a static error reported: {runtime_flagged}");
    for f in &false_errors {
        println!("FALSE ERROR {f}");
    }
    for m in &missed {
        println!("MISSED {m}");
    }
    assert!(
        false_errors.is_empty() && missed.is_empty(),
        "{} false errors, {} missed",
        false_errors.len(),
        missed.len()
    );
}

/// `(file relative to the corpus, code, line)` of a warning.
type WarningKey = (String, String, usize);

/// The expected warnings: `corpus_warnings.tsv` rows `file, code, line, reason` (`#` comments).
fn expected_warnings() -> BTreeMap<WarningKey, Vec<String>> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/corpus_warnings.tsv");
    let text = std::fs::read_to_string(&path).expect("engine/tests/corpus_warnings.tsv");
    let mut out: BTreeMap<WarningKey, Vec<String>> = BTreeMap::new();
    for (i, line) in text.lines().enumerate() {
        if line.trim().is_empty() || line.starts_with('#') {
            continue;
        }
        let cols: Vec<&str> = line.split('\t').collect();
        let [file, code, l, reason] = cols[..] else {
            panic!(
                "corpus_warnings.tsv:{}: want 4 tab-separated columns",
                i + 1
            );
        };
        let l: usize = l
            .parse()
            .unwrap_or_else(|_| panic!("corpus_warnings.tsv:{}: bad line number", i + 1));
        assert!(
            !reason.trim().is_empty(),
            "corpus_warnings.tsv:{}: every warning needs a reason",
            i + 1
        );
        out.entry((file.to_string(), code.to_string(), l))
            .or_default()
            .push(reason.to_string());
    }
    out
}

/// Every warning `wf lint ../shared/corpus` reports (the same projects and options as the
/// command) must be listed in `corpus_warnings.tsv`, as often as it is reported, and every
/// listed warning must still be reported: a new warning is either a real problem (add it with
/// its reason) or a false positive (fix the rule).
#[test]
fn corpus_warnings_are_the_expected_ones() {
    let Some(corpus) = corpus() else {
        return;
    };
    let projects = find_projects(std::slice::from_ref(&corpus)).expect("corpus projects");
    let reports = lint_projects(&DiskFileSystem, &projects, &LintOptions::default());
    let mut found: BTreeMap<WarningKey, Vec<String>> = BTreeMap::new();
    let mut by_code: BTreeMap<&str, usize> = BTreeMap::new();
    for r in &reports {
        for d in r
            .diagnostics
            .iter()
            .filter(|d| d.severity == Severity::Warning)
        {
            let f = r.sources.get(d.span.file);
            let rel = f
                .path
                .strip_prefix(&corpus)
                .unwrap_or(&f.path)
                .to_string_lossy()
                .replace('\\', "/");
            let (line, _) = f.line_char_col(d.span.start);
            *by_code.entry(d.code).or_default() += 1;
            found
                .entry((rel, d.code.to_string(), line))
                .or_default()
                .push(d.message.clone());
        }
    }
    let expected = expected_warnings();
    let mut new = Vec::new();
    let mut gone = Vec::new();
    for (key, messages) in &found {
        let listed = expected.get(key).map_or(0, Vec::len);
        for m in messages.iter().skip(listed) {
            new.push(format!("{}\t{}\t{}\t(new: {m})", key.0, key.1, key.2));
        }
    }
    for (key, reasons) in &expected {
        let reported = found.get(key).map_or(0, Vec::len);
        for r in reasons.iter().skip(reported) {
            gone.push(format!("{}\t{}\t{}\t{r}", key.0, key.1, key.2));
        }
    }
    let total: usize = by_code.values().sum();
    println!("corpus warnings: {total} ({by_code:?})");
    for n in &new {
        println!("NEW WARNING {n}");
    }
    for g in &gone {
        println!("WARNING GONE {g}");
    }
    assert!(
        new.is_empty() && gone.is_empty(),
        "{} warnings not in corpus_warnings.tsv, {} listed warnings no longer reported (see the output)",
        new.len(),
        gone.len()
    );
}
