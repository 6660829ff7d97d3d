//! Diagnostics latency after an edit of a ~5,000-line workflow. Prints the figures; asserts
//! nothing about time (`cargo test -p wf-server --test latency -- --nocapture`; use
//! `--release` for representative numbers).

mod support;

use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};
use support::TestClient;
use wf_engine::ide::{analyze_document, OverlayFileSystem};
use wf_engine::load::MemoryFileSystem;

fn disk() -> MemoryFileSystem {
    support::big_workflow_disk()
}

fn summary(mut times: Vec<Duration>) -> String {
    times.sort();
    let pick = |q: f64| times[((times.len() - 1) as f64 * q).round() as usize];
    format!(
        "median {:.1} ms, p90 {:.1} ms, max {:.1} ms ({} runs)",
        pick(0.5).as_secs_f64() * 1e3,
        pick(0.9).as_secs_f64() * 1e3,
        pick(1.0).as_secs_f64() * 1e3,
        times.len()
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn diagnostics_latency_after_an_edit_of_a_5000_line_workflow() {
    let text = support::workflow_text(185);
    let lines = text.lines().count();
    let profile = if cfg!(debug_assertions) {
        "debug"
    } else {
        "release"
    };
    // Fewer runs in debug builds, where this is a smoke test more than a measurement.
    let runs: i32 = if cfg!(debug_assertions) { 4 } else { 20 };

    // The engine alone: analysis of the whole document plus conversion to LSP diagnostics
    // (the same text each time, so its parse is reused; `cargo bench -p wf-server --bench lsp`
    // measures analyses after edits).
    let mut fs = OverlayFileSystem::new(Arc::new(disk()));
    fs.set(Path::new("/p/big.dig"), Arc::from(text.as_str()));
    let mut engine = Vec::new();
    for _ in 0..runs / 2 {
        let t = Instant::now();
        let a = analyze_document(&fs, Path::new("/p/big.dig"));
        let d = wf_server::convert::diagnostics(&a);
        engine.push(t.elapsed());
        assert!(d.is_empty(), "{d:?}");
    }

    // Through the server: a didChange, until its publishDiagnostics arrives.
    let mut c = TestClient::start(disk()).await;
    c.open("/p/big.dig", &text).await;
    c.diagnostics("/p/big.dig", Some(1)).await;
    let mut server = Vec::new();
    for v in 2..=runs + 1 {
        // Type one character into a value in the middle of the file (an error every other
        // time: an unknown key at the top level).
        let line = text.lines().position(|l| l == "+stage_92:").unwrap() as u32;
        let t = Instant::now();
        c.toggle_unknown_key("/p/big.dig", line, v).await;
        let d = c.diagnostics("/p/big.dig", Some(v)).await;
        server.push(t.elapsed());
        assert_eq!(
            d["diagnostics"].as_array().unwrap().len(),
            (v % 2 == 0) as usize
        );
    }
    println!(
        "diagnostics latency, {lines}-line workflow ({} KB), {profile} build:\n  engine (analyze + convert, unchanged text): {}\n  server (didChange -> publishDiagnostics): {}",
        text.len() / 1024,
        summary(engine),
        summary(server)
    );
    c.shutdown().await;
}
