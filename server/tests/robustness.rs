//! 10,000 random edits, sent as incremental range changes (UTF-16 positions, several changes per
//! notification, positions past the end of a line or of the text) and as whole-text changes:
//! the text the server holds (`wf/documentText`) always equals the same edits applied to a
//! string here, and the server keeps answering.

mod support;

use serde_json::{json, Value};
use support::{uri, TestClient};
use wf_engine::load::MemoryFileSystem;

/// The local copy of the document, in UTF-16 code units, with the LSP position rules the server
/// follows: a column past the end of its line means the end of the line (before `\r\n`), a
/// line past the end means the end of the text, a column inside a surrogate pair moves back to
/// the character's start.
struct Local(Vec<u16>);

impl Local {
    fn line_starts(&self) -> Vec<usize> {
        let mut starts = vec![0];
        for (i, &u) in self.0.iter().enumerate() {
            if u == u16::from(b'\n') {
                starts.push(i + 1);
            }
        }
        starts
    }

    fn offset(&self, line: usize, col: usize) -> usize {
        let starts = self.line_starts();
        let Some(&start) = starts.get(line) else {
            return self.0.len();
        };
        let mut end = starts.get(line + 1).map_or(self.0.len(), |&s| s - 1);
        while end > start && self.0[end - 1] == u16::from(b'\r') {
            end -= 1;
        }
        let mut at = start + col.min(end - start);
        if at < self.0.len() && (0xDC00..0xE000).contains(&self.0[at]) && at > start {
            at -= 1;
        }
        at
    }

    fn apply(&mut self, range: Option<((usize, usize), (usize, usize))>, text: &str) {
        match range {
            None => self.0 = text.encode_utf16().collect(),
            Some((s, e)) => {
                let a = self.offset(s.0, s.1);
                let b = self.offset(e.0, e.1).max(a);
                self.0.splice(a..b, text.encode_utf16());
            }
        }
    }

    /// A position at the UTF-16 offset `at`.
    fn position(&self, at: usize) -> (usize, usize) {
        let starts = self.line_starts();
        let line = starts.partition_point(|&s| s <= at) - 1;
        (line, at - starts[line])
    }
}

struct Rng(u64);

impl Rng {
    fn below(&mut self, n: usize) -> usize {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        (self.0 % n.max(1) as u64) as usize
    }
}

const PIECES: &[&str] = &[
    "+task",
    ":\n",
    "  echo>: ",
    "${",
    "}",
    "session_date",
    "é",
    "𝄞",
    "\r\n",
    "\n",
    "  ",
    "_after: [+a]\n",
    "  _export:\n    x: 1\n",
    "\t",
    "#",
    "'",
    "\"",
    "{",
    "[",
    "",
];

async fn server_text(c: &mut TestClient, path: &str) -> Value {
    c.request(
        "wf/documentText",
        json!({ "textDocument": { "uri": uri(path) } }),
    )
    .await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ten_thousand_random_edits_keep_the_server_text_exact() {
    let mut c = TestClient::start(MemoryFileSystem::new()).await;
    let path = "/p/fuzz.dig";
    let start = "+a:\n  sh>: é\r\n+b:\n  echo>: 𝄞 ${session_date}\n";
    c.open(path, start).await;
    let mut local = Local(start.encode_utf16().collect());
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    let edits = 10_000;
    let mut version = 1;
    let mut sent = 0;
    while sent < edits {
        version += 1;
        let mut changes = Vec::new();
        let n = 1 + rng.below(3);
        for _ in 0..n {
            sent += 1;
            let insert: String = (0..rng.below(3))
                .map(|_| PIECES[rng.below(PIECES.len())])
                .collect();
            if rng.below(50) == 0 || local.0.len() > 3_000 {
                // A whole-text change (full sync), sometimes shrinking a grown document.
                let text = if local.0.len() > 3_000 {
                    start
                } else {
                    &insert
                };
                local.apply(None, text);
                changes.push(json!({ "text": text }));
                continue;
            }
            let len = local.0.len();
            let a = rng.below(len + 1);
            let b = (a + rng.below(8)).min(len);
            let (mut s, mut e) = (local.position(a), local.position(b));
            match rng.below(20) {
                // Past the end of the line, or of the text.
                0 => e.1 += 1 + rng.below(40),
                1 => {
                    e = (e.0 + 1 + rng.below(3), rng.below(5));
                }
                // Reversed: the server treats the end as the start.
                2 => std::mem::swap(&mut s, &mut e),
                _ => {}
            }
            local.apply(Some((s, e)), &insert);
            changes.push(json!({
                "range": { "start": { "line": s.0, "character": s.1 },
                           "end": { "line": e.0, "character": e.1 } },
                "text": insert
            }));
        }
        c.notify(
            "textDocument/didChange",
            json!({ "textDocument": { "uri": uri(path), "version": version },
                    "contentChanges": changes }),
        )
        .await;
        if version % 500 == 0 {
            let got = server_text(&mut c, path).await;
            let want = String::from_utf16(&local.0).unwrap();
            assert_eq!(got["version"], version);
            assert_eq!(
                got["text"].as_str().unwrap(),
                want,
                "after version {version}"
            );
            c.inbox.clear();
        }
    }
    let got = server_text(&mut c, path).await;
    assert_eq!(
        got["text"].as_str().unwrap(),
        String::from_utf16(&local.0).unwrap()
    );
    // The server analyzed the last version and still answers every kind of request there.
    c.diagnostics(path, Some(version)).await;
    for method in [
        "textDocument/documentSymbol",
        "textDocument/foldingRange",
        "textDocument/semanticTokens/full",
        "textDocument/codeLens",
    ] {
        c.request(method, json!({ "textDocument": { "uri": uri(path) } }))
            .await;
    }
    println!("{sent} edits in {} notifications", version - 1);
    c.shutdown().await;
}

/// Edits for [`diagnostics_after_random_edits_equal_a_fresh_analysis`]: keys at column 0,
/// indentation, unclosed brackets and quotes, templates.
const STRUCTURAL: &[&str] = &[
    "x: 1\n",
    "+t:\n  echo>: ${stage}\n",
    "  +u:\n    sh>: ${td.last_job_id}\n",
    "[",
    "]",
    "\"",
    "'",
    "#",
    ": ",
    "\n",
    "  ",
    "_parallel: true\n",
    "${",
    "engine: hive\n",
    "? ",
    "- ",
    "---\n",
];

/// The server reuses the previous parse of a document after each edit (only the top-level
/// entries an edit touches are parsed again): after every one of 300 random edits of a
/// workflow, the diagnostics it publishes equal those of a fresh analysis of the same text.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn diagnostics_after_random_edits_equal_a_fresh_analysis() {
    use std::path::Path;
    use std::sync::Arc;
    use wf_engine::ide::{analyze_document, OverlayFileSystem};
    let mut c = TestClient::start(MemoryFileSystem::new()).await;
    let path = "/p/edited.dig";
    let original = support::workflow_text(4);
    let mut text = original.clone();
    c.open(path, &text).await;
    let mut rng = Rng(0x0dd5_eed5_1234_5678);
    for version in 2..302 {
        if text.len() > 4 * original.len() {
            // Keep the document from growing without bound: back to the start, in full.
            text = original.clone();
            c.notify(
                "textDocument/didChange",
                json!({ "textDocument": { "uri": uri(path), "version": version },
                        "contentChanges": [{ "text": text }] }),
            )
            .await;
        } else {
            // ASCII only: byte columns are UTF-16 columns.
            let line_starts: Vec<usize> = std::iter::once(0)
                .chain(text.match_indices('\n').map(|(i, _)| i + 1))
                .collect();
            let a = if rng.below(2) == 0 {
                line_starts[rng.below(line_starts.len())].min(text.len())
            } else {
                rng.below(text.len() + 1)
            };
            let b = (a + rng.below(3) * rng.below(12)).min(text.len());
            let insert = STRUCTURAL[rng.below(STRUCTURAL.len())];
            let position = |at: usize| {
                let line = line_starts.partition_point(|&s| s <= at) - 1;
                json!({ "line": line, "character": at - line_starts[line] })
            };
            c.notify(
                "textDocument/didChange",
                json!({ "textDocument": { "uri": uri(path), "version": version },
                        "contentChanges": [{
                            "range": { "start": position(a), "end": position(b) },
                            "text": insert }] }),
            )
            .await;
            text.replace_range(a..b, insert);
        }
        let published = c.diagnostics(path, Some(version)).await;
        let mut fs = OverlayFileSystem::new(Arc::new(MemoryFileSystem::new()));
        fs.set(Path::new(path), Arc::from(text.as_str()));
        let fresh = wf_server::convert::diagnostics(&analyze_document(&fs, Path::new(path)));
        assert_eq!(
            published["diagnostics"],
            serde_json::to_value(&fresh).unwrap(),
            "after edit {version}:\n{text}"
        );
    }
    c.shutdown().await;
}
