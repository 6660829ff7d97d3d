//! Language server latency on a generated ~5,000-line workflow.
//!
//! First, through the real server in process (JSON-RPC over in-memory pipes, as an editor
//! talks to it): the time from a `didChange` to the `publishDiagnostics` of that version, and
//! the round trip of completion (inside `${`) and hover (on `td>`) requests; printed as p50 /
//! p99 of many samples. Then divan measures the engine calls behind them.
//!
//! Run: `cargo bench -p wf-server --bench lsp`.

#[path = "../tests/support/mod.rs"]
mod support;

use divan::{black_box, Bencher};
use serde_json::json;
use std::path::Path;
use std::sync::{Arc, OnceLock};
use std::time::{Duration, Instant};
use support::{uri, TestClient};
use wf_engine::ide::{self, DocumentAnalysis, OverlayFileSystem};

fn main() {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("tokio runtime");
    // `WF_BENCH_ENGINE_ONLY=1`: only the divan benchmarks of the engine calls.
    if std::env::var_os("WF_BENCH_ENGINE_ONLY").is_none() {
        runtime.block_on(through_the_server());
    }
    drop(runtime);
    divan::main();
}

const GROUPS: usize = 185;

fn text() -> &'static str {
    static TEXT: OnceLock<String> = OnceLock::new();
    TEXT.get_or_init(|| support::workflow_text(GROUPS))
}

/// (line, UTF-16 column) of the first occurrence of `needle` on a line equal to or after
/// the line `+stage_92:` (the middle of the file), plus `shift` columns.
fn position_of(needle: &str, shift: u32) -> (u32, u32) {
    let lines: Vec<&str> = text().lines().collect();
    let middle = lines
        .iter()
        .position(|l| *l == "+stage_92:")
        .expect("stage 92");
    for (i, l) in lines.iter().enumerate().skip(middle) {
        if let Some(c) = l.find(needle) {
            return (i as u32, c as u32 + shift);
        }
    }
    panic!("{needle} not found");
}

fn percentiles(name: &str, mut samples: Vec<Duration>) {
    samples.sort();
    let at = |q: f64| samples[((samples.len() - 1) as f64 * q).round() as usize];
    eprintln!(
        "  {name:<42} p50 {:>7.2} ms   p90 {:>7.2} ms   p99 {:>7.2} ms   max {:>7.2} ms   ({} samples)",
        at(0.5).as_secs_f64() * 1e3,
        at(0.9).as_secs_f64() * 1e3,
        at(0.99).as_secs_f64() * 1e3,
        at(1.0).as_secs_f64() * 1e3,
        samples.len()
    );
}

async fn through_the_server() {
    let text = text();
    eprintln!(
        "through the server, {}-line workflow ({} KB):",
        text.lines().count(),
        text.len() / 1024
    );
    let (mut c, _) = TestClient::start_with(support::big_workflow_disk(), json!({})).await;
    c.open("/p/big.dig", text).await;
    c.diagnostics("/p/big.dig", Some(1)).await;
    // Diagnostics after a change, three kinds of edit in the middle of the file, each made
    // and undone 50 times: a new top-level key (a warning comes and goes); a character typed
    // in a task's value (`engine: presto` -> `prestox`, an error comes and goes); a syntax
    // error (an unclosed `[`: the parser recovers at the next line; the entries up to the
    // next top-level key after that are parsed again).
    let top_level = (position_of("+stage_92:", 0).0, 0);
    let (engine_line, engine_col) = position_of("engine: presto", 0);
    let in_value = (engine_line, engine_col + "engine: presto".len() as u32);
    let (table_line, table_col) = position_of("create_table: ", 0);
    let unclosed = (table_line, table_col + "create_table: ".len() as u32);
    let mut version = 1;
    for (name, at, insert) in [
        ("didChange -> publishDiagnostics", top_level, "x: 1\n"),
        ("  typing in a task's value", in_value, "x"),
        ("  an unclosed `[` (a syntax error)", unclosed, "["),
    ] {
        let mut after_change = Vec::new();
        for _ in 0..100 {
            version += 1;
            let t = Instant::now();
            c.toggle_text("/p/big.dig", at, insert, version).await;
            c.diagnostics("/p/big.dig", Some(version)).await;
            after_change.push(t.elapsed());
        }
        percentiles(name, after_change);
    }
    let request = |(line, character): (u32, u32)| {
        json!({ "textDocument": { "uri": uri("/p/big.dig") },
                "position": { "line": line, "character": character } })
    };
    let in_template = position_of("${stage}", 2);
    let on_td = position_of("td>", 1);
    for (name, method, at) in [
        (
            "completion inside ${ (analysis cached)",
            "textDocument/completion",
            in_template,
        ),
        (
            "hover on td> (analysis cached)",
            "textDocument/hover",
            on_td,
        ),
    ] {
        let mut samples = Vec::new();
        for _ in 0..300 {
            let t = Instant::now();
            let reply = c.request(method, request(at)).await;
            samples.push(t.elapsed());
            assert!(!reply.is_null(), "{method} gave nothing");
        }
        percentiles(name, samples);
    }
    c.inbox.clear();
    c.shutdown().await;
}

/// The generated workflow, analyzed once.
fn analysis() -> &'static (OverlayFileSystem, DocumentAnalysis) {
    static A: OnceLock<(OverlayFileSystem, DocumentAnalysis)> = OnceLock::new();
    A.get_or_init(|| {
        let mut fs = OverlayFileSystem::new(Arc::new(support::big_workflow_disk()));
        fs.set(Path::new("/p/big.dig"), Arc::from(text()));
        let a = ide::analyze_document(&fs, Path::new("/p/big.dig"));
        assert!(a.document_diagnostics().is_empty());
        (fs, a)
    })
}

fn offset_of(needle: &str, shift: u32) -> u32 {
    let (line, col) = position_of(needle, shift);
    let start: usize = text()
        .split_inclusive('\n')
        .take(line as usize)
        .map(str::len)
        .sum();
    start as u32 + col
}

/// The document after edit number `n`: an unknown top-level key in the middle is added
/// (odd `n`) or removed again, as in the latency measurement through the server. Each
/// analysis below sees a changed text, so it measures what follows a `didChange` (parses
/// of unchanged files are reused; an edited one is parsed again where it changed).
fn edited(n: usize) -> OverlayFileSystem {
    static TOGGLED: OnceLock<String> = OnceLock::new();
    let toggled = TOGGLED.get_or_init(|| text().replacen("+stage_92:\n", "x: 1\n+stage_92:\n", 1));
    let mut fs = analysis().0.clone();
    let t = if n % 2 == 1 { toggled.as_str() } else { text() };
    fs.set(Path::new("/p/big.dig"), Arc::from(t));
    fs
}

/// Analysis of the whole document after an edit and its diagnostics as LSP values: the work
/// behind each `publishDiagnostics`.
#[divan::bench(sample_count = 30)]
fn analyze_and_convert_diagnostics(b: Bencher) {
    let mut n = 0;
    b.with_inputs(|| {
        n += 1;
        edited(n)
    })
    .bench_local_values(|fs| {
        let a = ide::analyze_document(&fs, Path::new("/p/big.dig"));
        black_box(wf_server::convert::diagnostics(&a))
    });
}

#[divan::bench]
fn completion_in_template(b: Bencher) {
    let (_, a) = analysis();
    let at = offset_of("${stage}", 2);
    b.bench(|| black_box(ide::completions_at(a, at)));
}

#[divan::bench]
fn hover_on_operator(b: Bencher) {
    let (_, a) = analysis();
    let at = offset_of("td>", 1);
    b.bench(|| black_box(ide::hover_at(a, at)));
}

#[divan::bench(sample_count = 30)]
fn semantic_tokens(b: Bencher) {
    let (_, a) = analysis();
    b.bench(|| black_box(ide::semantic_tokens(a)));
}

#[divan::bench(sample_count = 30)]
fn references_of_an_export(b: Bencher) {
    let (fs, a) = analysis();
    let at = offset_of("stage: ", 1);
    b.bench(|| black_box(ide::references_at(fs, a, at).map(|(_, r)| r.occurrences.len())));
}

/// The two halves of [`analyze_and_convert_diagnostics`]: reading, parsing, expanding and
/// compiling the document after an edit ...
#[divan::bench(sample_count = 30)]
fn load_and_compile(b: Bencher) {
    let paths = [Path::new("/p/big.dig").to_path_buf()];
    let mut n = 0;
    b.with_inputs(|| {
        n += 1;
        edited(n)
    })
    .bench_local_values(|fs| {
        black_box(wf_engine::check::LoadedProject::load(
            &fs,
            Path::new("/p"),
            &paths,
            &Default::default(),
        ))
        .workflow_count()
    });
}

/// ... and the rule pass over it.
#[divan::bench(sample_count = 30)]
fn rules(b: Bencher) {
    let (fs, _) = analysis();
    let paths = [Path::new("/p/big.dig").to_path_buf()];
    let project =
        wf_engine::check::LoadedProject::load(fs, Path::new("/p"), &paths, &Default::default());
    b.bench(|| black_box(project.run_rules()));
}
