//! Throughput of the front end: `syntax::parse` alone, parse + load (`Loader::load_workflow`),
//! and the whole `lint_project` pipeline (parse, load, include expansion, model, every rule), on
//! the largest `.dig` file of the corpus and on a generated ~5,000-line workflow.
//!
//! Run: `cargo bench -p wf-engine --bench parse_load`. Figures are bytes of input per second.

use divan::counter::BytesCount;
use divan::{black_box, Bencher};
use std::path::{Path, PathBuf};
use std::sync::OnceLock;
use wf_engine::check::lint_project;
use wf_engine::load::{Loader, MemoryFileSystem};

#[path = "common/generated.rs"]
#[allow(dead_code)] // the project files it also generates are not needed here
mod generated;

use generated::generate_workflow;

fn main() {
    // Build (and describe) the inputs before the table starts.
    for name in INPUTS {
        let input = input(name);
        let (fs, path) = project(input);
        let report = lint_project(&fs, Path::new("/p"), &[path]);
        eprintln!(
            "  {name}: {} bytes, {} diagnostics",
            input.text.len(),
            report.diagnostics.len()
        );
    }
    divan::main();
}

/// The inputs, by name.
const INPUTS: &[&str] = &["corpus_largest", "generated_5k_lines"];

const CORPUS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../shared/corpus");

/// One benchmark input: a workflow file name and its text, and the project files beside it
/// (SQL files, scripts) so that lint sees a complete project.
struct Input {
    file_name: String,
    text: String,
    support: Vec<(PathBuf, Vec<u8>)>,
}

fn input(name: &str) -> &'static Input {
    static CORPUS_LARGEST: OnceLock<Input> = OnceLock::new();
    static GENERATED: OnceLock<Input> = OnceLock::new();
    match name {
        "corpus_largest" => CORPUS_LARGEST.get_or_init(|| {
            let path = largest_dig(Path::new(CORPUS)).unwrap_or_else(|| {
                panic!("no .dig file under {CORPUS}: the corpus is needed for this benchmark")
            });
            eprintln!(
                "corpus_largest = {} ({} bytes)",
                path.display(),
                std::fs::metadata(&path).map_or(0, |m| m.len())
            );
            let dir = path.parent().unwrap();
            Input {
                file_name: path.file_name().unwrap().to_string_lossy().into_owned(),
                text: std::fs::read_to_string(&path).expect("corpus file is UTF-8"),
                support: files_under(dir)
                    .into_iter()
                    .filter(|f| *f != path)
                    .map(|f| {
                        let bytes = std::fs::read(&f).unwrap();
                        (f.strip_prefix(dir).unwrap().to_path_buf(), bytes)
                    })
                    .collect(),
            }
        }),
        "generated_5k_lines" => GENERATED.get_or_init(|| {
            let text = generate_workflow(5_000);
            eprintln!(
                "generated_5k_lines = {} lines, {} bytes",
                text.lines().count(),
                text.len()
            );
            let mut support: Vec<(PathBuf, Vec<u8>)> = (0..7)
                .map(|m| {
                    (
                        PathBuf::from(format!("queries/load_{m}.sql")),
                        b"SELECT 1".to_vec(),
                    )
                })
                .collect();
            for script in ["scripts/export.sh", "scripts/alert.sh"] {
                support.push((PathBuf::from(script), b"#!/bin/sh\n".to_vec()));
            }
            let input = Input {
                file_name: "generated.dig".into(),
                text,
                support,
            };
            // The generated workflow must be one digdag accepts, or it measures error paths.
            let (fs, path) = project(&input);
            let report = lint_project(&fs, Path::new("/p"), &[path]);
            assert!(
                report.diagnostics.is_empty(),
                "generated workflow has diagnostics: {:#?}",
                &report.diagnostics[..report.diagnostics.len().min(5)]
            );
            input
        }),
        other => panic!("unknown input {other}"),
    }
}

/// Every regular file under `dir`, recursively.
fn files_under(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&d) else {
            continue;
        };
        for e in entries.flatten() {
            match e.file_type() {
                Ok(t) if t.is_dir() => stack.push(e.path()),
                Ok(t) if t.is_file() => out.push(e.path()),
                _ => {}
            }
        }
    }
    out
}

/// The largest `.dig` file under `dir` (ties broken by path, so the choice is stable).
fn largest_dig(dir: &Path) -> Option<PathBuf> {
    files_under(dir)
        .into_iter()
        .filter(|p| p.extension().is_some_and(|x| x == "dig"))
        .filter_map(|p| Some((std::fs::metadata(&p).ok()?.len(), p)))
        .max_by(|a, b| a.0.cmp(&b.0).then_with(|| b.1.cmp(&a.1)))
        .map(|(_, p)| p)
}

/// The in-memory project `/p` holding the input as its only workflow, and its support files.
fn project(input: &Input) -> (MemoryFileSystem, PathBuf) {
    let path = Path::new("/p").join(&input.file_name);
    let mut fs = MemoryFileSystem::new();
    fs.insert(path.clone(), input.text.as_bytes().to_vec());
    for (rel, bytes) in &input.support {
        fs.insert(Path::new("/p").join(rel), bytes.clone());
    }
    (fs, path)
}

/// `syntax::parse` alone: scanner + parser + rowan tree.
#[divan::bench(args = INPUTS)]
fn parse(bencher: Bencher, name: &str) {
    let input = input(name);
    bencher
        .counter(BytesCount::of_str(&input.text))
        .bench(|| wf_engine::syntax::parse(black_box(&input.text)));
}

/// Parse + load: `Loader::load_workflow` (read from a `MemoryFileSystem`, parse, convert to
/// values, expand includes).
#[divan::bench(args = INPUTS)]
fn parse_load(bencher: Bencher, name: &str) {
    let input = input(name);
    let (fs, path) = project(input);
    bencher.counter(BytesCount::of_str(&input.text)).bench(|| {
        let mut loader = Loader::new(&fs);
        let loaded = loader.load_workflow(black_box(&path)).unwrap();
        (loaded, loader.diagnostics)
    });
}

/// Parse + load + every check: `lint_project` on a one-workflow project.
#[divan::bench(args = INPUTS)]
fn lint(bencher: Bencher, name: &str) {
    let input = input(name);
    let (fs, path) = project(input);
    let workflows = [path];
    bencher
        .counter(BytesCount::of_str(&input.text))
        .bench(|| lint_project(&fs, Path::new("/p"), black_box(&workflows)));
}
