//! The semantic rule pass alone (`LoadedProject::run_rules`: scopes, operators, parameters,
//! files, templates, secrets), after loading and compiling outside the timed loop, on the
//! generated ~5,000-line workflow and on every project of the corpus (`../shared/corpus`, as
//! `wf lint ../shared/corpus` finds them). For comparison, the whole `wf lint` pipeline on the
//! corpus (parse, load, model, rules; projects in parallel) is timed too.
//!
//! Run: `cargo bench -p wf-engine --bench rules`.

#[path = "common/generated.rs"]
#[allow(dead_code)] // the byte-sized variant is for the robustness tests
mod generated;

use divan::counter::{BytesCount, ItemsCount};
use divan::{black_box, Bencher};
use std::path::{Path, PathBuf};
use wf_engine::check::{lint_projects, LintOptions, LoadedProject};
use wf_engine::load::project::{find_projects, Project};
use wf_engine::load::{DiskFileSystem, MemoryFileSystem};

const CORPUS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../shared/corpus");

static DISK: DiskFileSystem = DiskFileSystem;

fn main() {
    let (fs, path, text) = generated_project();
    let project = LoadedProject::load(&fs, Path::new("/p"), &[path], &LintOptions::default());
    eprintln!(
        "  generated_5k_lines: {} lines, {} bytes, {} rule diagnostics",
        text.lines().count(),
        text.len(),
        project.run_rules().len()
    );
    let projects = corpus_projects();
    let workflows: usize = projects.iter().map(|p| p.workflows.len()).sum();
    let loaded = load_all(&projects);
    let found: usize = loaded.iter().map(|p| p.run_rules().len()).sum();
    eprintln!(
        "  corpus: {} projects, {workflows} workflows, {found} rule diagnostics",
        projects.len()
    );
    divan::main();
}

/// The generated workflow as the only workflow of the in-memory project `/p`.
fn generated_project() -> (MemoryFileSystem, PathBuf, String) {
    let text = generated::generate_workflow(5_000);
    let path = PathBuf::from("/p/generated.dig");
    let mut fs = MemoryFileSystem::new();
    fs.insert(path.clone(), text.as_bytes().to_vec());
    for (rel, bytes) in generated::support_files() {
        fs.insert(Path::new("/p").join(rel), bytes);
    }
    (fs, path, text)
}

fn corpus_projects() -> Vec<Project> {
    let dir = Path::new(CORPUS);
    assert!(
        dir.is_dir(),
        "the corpus is needed for this benchmark: {CORPUS}"
    );
    find_projects(&[dir.to_path_buf()]).expect("corpus projects")
}

fn load_all(projects: &[Project]) -> Vec<LoadedProject<'static>> {
    projects
        .iter()
        .map(|p| LoadedProject::load(&DISK, &p.root, &p.workflows, &LintOptions::default()))
        .collect()
}

/// Every rule over the generated 5,000-line workflow (loaded once).
#[divan::bench]
fn rules_generated_5k_lines(bencher: Bencher) {
    let (fs, path, text) = generated_project();
    let project = LoadedProject::load(&fs, Path::new("/p"), &[path], &LintOptions::default());
    bencher
        .counter(BytesCount::of_str(&text))
        .bench_local(|| black_box(&project).run_rules());
}

/// Every rule over every workflow of the corpus (loaded once), one project after another.
#[divan::bench]
fn rules_corpus(bencher: Bencher) {
    let projects = corpus_projects();
    let loaded = load_all(&projects);
    let workflows: usize = loaded.iter().map(LoadedProject::workflow_count).sum();
    bencher.counter(ItemsCount::new(workflows)).bench_local(|| {
        black_box(&loaded)
            .iter()
            .map(|p| p.run_rules().len())
            .sum::<usize>()
    });
}

/// The whole `wf lint ../shared/corpus` pipeline in process: parse, load, model, rules,
/// projects in parallel (`lint_projects`).
#[divan::bench]
fn lint_corpus(bencher: Bencher) {
    let projects = corpus_projects();
    bencher
        .counter(ItemsCount::new(
            projects.iter().map(|p| p.workflows.len()).sum::<usize>(),
        ))
        .bench_local(|| lint_projects(&DISK, black_box(&projects), &LintOptions::default()));
}
