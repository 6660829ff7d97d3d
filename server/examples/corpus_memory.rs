//! Resident memory of the language server with every workflow file of
//! `../shared/corpus/treasure-boxes` open (`.dig`, `.yml`, `.yaml`).
//!
//! Runs the real server in process over in-memory pipes with the disk as its file system,
//! opens every file, waits until each has its diagnostics, asks for the outline and semantic
//! tokens of each, then prints `VmRSS` (resident now) and `VmHWM` (peak) from
//! `/proc/self/status`. Run: `cargo run --release -p wf-server --example corpus_memory`
//! (optionally with another directory as argument).

#[path = "../tests/support/mod.rs"]
mod support;

use serde_json::json;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use support::{uri, TestClient};
use wf_engine::load::DiskFileSystem;

const CORPUS: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../shared/corpus/treasure-boxes"
);

fn files_under(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for e in entries.flatten() {
        let p = e.path();
        match e.file_type() {
            Ok(t) if t.is_dir() => files_under(&p, out),
            Ok(t)
                if t.is_file()
                    && p.extension()
                        .is_some_and(|x| x == "dig" || x == "yml" || x == "yaml") =>
            {
                out.push(p)
            }
            _ => {}
        }
    }
}

/// `VmRSS` and `VmHWM` in MB.
fn memory() -> (f64, f64) {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let field = |name: &str| {
        status
            .lines()
            .find_map(|l| l.strip_prefix(name))
            .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<f64>().ok())
            .map_or(f64::NAN, |kb| kb / 1024.0)
    };
    (field("VmRSS:"), field("VmHWM:"))
}

fn main() {
    let dir = std::env::args()
        .nth(1)
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(CORPUS));
    let dir = std::fs::canonicalize(&dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display()));
    let mut files = Vec::new();
    files_under(&dir, &mut files);
    files.sort();
    assert!(
        !files.is_empty(),
        "no workflow files under {}",
        dir.display()
    );
    let (rss0, _) = memory();
    let runtime = wf_server::runtime().expect("tokio runtime");
    let bytes: u64 = files
        .iter()
        .filter_map(|f| std::fs::metadata(f).ok())
        .map(|m| m.len())
        .sum();
    runtime.block_on(async {
        let (mut c, _) =
            TestClient::start_on(Arc::new(DiskFileSystem), json!({}), json!(null)).await;
        for f in &files {
            let text = String::from_utf8_lossy(&std::fs::read(f).unwrap_or_default()).into_owned();
            c.open(f.to_str().unwrap(), &text).await;
        }
        for f in &files {
            c.diagnostics(f.to_str().unwrap(), Some(1)).await;
        }
        for f in &files {
            for method in ["textDocument/documentSymbol", "textDocument/semanticTokens/full"] {
                c.request(method, json!({ "textDocument": { "uri": uri(f.to_str().unwrap()) } }))
                    .await;
            }
        }
        c.inbox.clear();
        let (rss, hwm) = memory();
        println!(
            "{} files open ({} KB) from {}:\n  resident (VmRSS) {rss:.1} MB, peak (VmHWM) {hwm:.1} MB, before starting the server {rss0:.1} MB",
            files.len(),
            bytes / 1024,
            dir.display()
        );
        c.shutdown().await;
    });
}
