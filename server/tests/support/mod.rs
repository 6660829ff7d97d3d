//! A test client: runs the real server (`wf_server::serve`) on in-memory pipes and talks
//! JSON-RPC to it, like an editor would.

#![allow(dead_code)]

use serde_json::{json, Value};
use std::collections::VecDeque;
use std::sync::Arc;
use std::time::Duration;
use tokio::io::{
    AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader, DuplexStream, ReadHalf, WriteHalf,
};
use wf_engine::load::{FileSystem, MemoryFileSystem};

/// How long any single wait may take before the test fails.
const TIMEOUT: Duration = Duration::from_secs(30);

/// Files given as a fixture: `//- /path` lines start a file; text before the first such line
/// belongs to `/p/wf.dig`. One file may hold a `$0` cursor marker.
pub struct Fixture {
    pub files: Vec<(String, String)>,
    /// The file with the cursor and the cursor's (line, UTF-16 column).
    pub cursor: Option<(String, u32, u32)>,
}

impl Fixture {
    pub fn parse(text: &str) -> Fixture {
        let mut files: Vec<(String, String)> = Vec::new();
        for line in text.split_inclusive('\n') {
            if let Some(path) = line.strip_prefix("//- ") {
                files.push((path.trim().to_string(), String::new()));
                continue;
            }
            if files.is_empty() {
                files.push(("/p/wf.dig".to_string(), String::new()));
            }
            files.last_mut().unwrap().1.push_str(line);
        }
        let mut cursor = None;
        for (path, text) in &mut files {
            if let Some(at) = text.find("$0") {
                let before = &text[..at];
                let line = before.matches('\n').count() as u32;
                let col = before.rsplit('\n').next().unwrap().encode_utf16().count() as u32;
                *text = text.replacen("$0", "", 1);
                cursor = Some((path.clone(), line, col));
            }
        }
        Fixture { files, cursor }
    }

    /// The files of the directory `testdata/ide/<name>` of the repository, under `/<name>`
    /// (no cursor).
    pub fn from_testdata(name: &str) -> Fixture {
        fn walk(dir: &std::path::Path, rel: &str, files: &mut Vec<(String, String)>) {
            let mut entries: Vec<_> = std::fs::read_dir(dir)
                .unwrap()
                .flatten()
                .map(|e| e.path())
                .collect();
            entries.sort();
            for p in entries {
                let rel = format!("{rel}/{}", p.file_name().unwrap().to_string_lossy());
                if p.is_dir() {
                    walk(&p, &rel, files);
                } else {
                    files.push((rel, std::fs::read_to_string(&p).unwrap()));
                }
            }
        }
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../testdata/ide")
            .join(name);
        let mut files = Vec::new();
        walk(&dir, &format!("/{name}"), &mut files);
        Fixture {
            files,
            cursor: None,
        }
    }

    /// The same files with the cursor at the first `marker` in `path`.
    pub fn with_cursor(mut self, path: &str, marker: &str) -> Fixture {
        let text = self.text(path);
        let at = text.find(marker).expect("marker in the file");
        let before = &text[..at];
        let line = before.matches('\n').count() as u32;
        let col = before.rsplit('\n').next().unwrap().encode_utf16().count() as u32;
        self.cursor = Some((path.to_string(), line, col));
        self
    }

    /// The text of `path`.
    pub fn text(&self, path: &str) -> &str {
        &self.files.iter().find(|(p, _)| p == path).unwrap().1
    }

    /// A memory file system holding every file of the fixture.
    pub fn disk(&self) -> MemoryFileSystem {
        let mut fs = MemoryFileSystem::new();
        for (p, t) in &self.files {
            fs.insert(p.as_str(), t.as_str());
        }
        fs
    }
}

/// `file://` URI of an absolute path (percent-encoded as the server encodes URIs).
pub fn uri(path: &str) -> String {
    match wf_server::convert::uri_of(std::path::Path::new(path)) {
        Some(u) => u.as_str().to_string(),
        None => format!("file://{path}"),
    }
}

pub struct TestClient {
    to_server: WriteHalf<DuplexStream>,
    from_server: BufReader<ReadHalf<DuplexStream>>,
    next_id: i64,
    /// Messages from the server not consumed yet (notifications, server requests).
    pub inbox: VecDeque<Value>,
}

impl TestClient {
    /// Starts a server whose "disk" is `disk`, and initializes it with `capabilities`.
    pub async fn start_with(disk: MemoryFileSystem, capabilities: Value) -> (TestClient, Value) {
        TestClient::start_with_options(disk, capabilities, Value::Null).await
    }

    /// Like [`TestClient::start_with`], with `initializationOptions`.
    pub async fn start_with_options(
        disk: MemoryFileSystem,
        capabilities: Value,
        options: Value,
    ) -> (TestClient, Value) {
        TestClient::start_on(Arc::new(disk), capabilities, options).await
    }

    /// Starts a server reading files that are not open from `base`.
    pub async fn start_on(
        base: Arc<dyn FileSystem + Send + Sync>,
        capabilities: Value,
        options: Value,
    ) -> (TestClient, Value) {
        let (client_end, server_end) = tokio::io::duplex(1 << 20);
        let (server_read, server_write) = tokio::io::split(server_end);
        tokio::spawn(wf_server::serve(server_read, server_write, base));
        let (from_server, to_server) = tokio::io::split(client_end);
        let mut client = TestClient {
            to_server,
            from_server: BufReader::new(from_server),
            next_id: 1,
            inbox: VecDeque::new(),
        };
        let init = client
            .request(
                "initialize",
                json!({ "processId": null, "rootUri": null, "capabilities": capabilities,
                        "initializationOptions": options }),
            )
            .await;
        client.notify("initialized", json!({})).await;
        (client, init)
    }

    /// Starts a server over `disk` for a client that supports definition links.
    pub async fn start(disk: MemoryFileSystem) -> TestClient {
        let caps = json!({ "textDocument": { "definition": { "linkSupport": true } } });
        TestClient::start_with(disk, caps).await.0
    }

    async fn send(&mut self, msg: Value) {
        let body = serde_json::to_vec(&msg).unwrap();
        let header = format!("Content-Length: {}\r\n\r\n", body.len());
        self.to_server.write_all(header.as_bytes()).await.unwrap();
        self.to_server.write_all(&body).await.unwrap();
        self.to_server.flush().await.unwrap();
    }

    /// Sends raw bytes (for malformed-input tests).
    pub async fn send_raw(&mut self, bytes: &[u8]) {
        self.to_server.write_all(bytes).await.unwrap();
        self.to_server.flush().await.unwrap();
    }

    async fn read(&mut self) -> Value {
        tokio::time::timeout(TIMEOUT, async {
            let mut len = None;
            loop {
                let mut line = String::new();
                let n = self.from_server.read_line(&mut line).await.unwrap();
                assert!(n > 0, "server closed the connection");
                let line = line.trim_end();
                if line.is_empty() {
                    break;
                }
                if let Some(v) = line.strip_prefix("Content-Length: ") {
                    len = Some(v.parse::<usize>().unwrap());
                }
            }
            let mut body = vec![0; len.expect("Content-Length header")];
            self.from_server.read_exact(&mut body).await.unwrap();
            serde_json::from_slice(&body).unwrap()
        })
        .await
        .expect("timed out waiting for the server")
    }

    /// Sends a notification.
    pub async fn notify(&mut self, method: &str, params: Value) {
        self.send(json!({ "jsonrpc": "2.0", "method": method, "params": params }))
            .await;
    }

    /// The edit the latency measurements repeat: at even `version`s inserts the unknown
    /// top-level key `x: 1` as line `line` of `path`, at odd ones removes it again.
    pub async fn toggle_unknown_key(&mut self, path: &str, line: u32, version: i32) {
        self.toggle_text(path, (line, 0), "x: 1\n", version).await;
    }

    /// At even `version`s inserts `text` at `at` (line, UTF-16 column) of `path`, at odd ones
    /// removes it again.
    pub async fn toggle_text(&mut self, path: &str, at: (u32, u32), text: &str, version: i32) {
        let (line, character) = at;
        let end = match text.rsplit_once('\n') {
            Some((before, after)) => (
                line + before.matches('\n').count() as u32 + 1,
                after.encode_utf16().count() as u32,
            ),
            None => (line, character + text.encode_utf16().count() as u32),
        };
        let (end, insert) = if version % 2 == 0 {
            (at, text)
        } else {
            (end, "")
        };
        self.notify(
            "textDocument/didChange",
            json!({ "textDocument": { "uri": uri(path), "version": version },
                    "contentChanges": [{
                        "range": { "start": { "line": line, "character": character },
                                   "end": { "line": end.0, "character": end.1 } },
                        "text": insert }] }),
        )
        .await;
    }

    /// Sends a request and returns the whole response (`result` or `error`).
    pub async fn request_raw(&mut self, method: &str, params: Value) -> Value {
        let id = self.next_id;
        self.next_id += 1;
        self.send(json!({ "jsonrpc": "2.0", "id": id, "method": method, "params": params }))
            .await;
        loop {
            let msg = self.read().await;
            if msg.get("id") == Some(&json!(id)) && msg.get("method").is_none() {
                return msg;
            }
            self.inbox.push_back(msg);
        }
    }

    /// Sends a request and returns its result (panics on an error response).
    pub async fn request(&mut self, method: &str, params: Value) -> Value {
        let resp = self.request_raw(method, params).await;
        assert!(resp.get("error").is_none(), "{method} failed: {resp}");
        resp["result"].clone()
    }

    /// Opens a document.
    pub async fn open(&mut self, path: &str, text: &str) {
        self.notify(
            "textDocument/didOpen",
            json!({ "textDocument": {
                "uri": uri(path), "languageId": "yaml", "version": 1, "text": text
            }}),
        )
        .await;
    }

    /// Replaces the whole text of a document.
    pub async fn change(&mut self, path: &str, version: i32, text: &str) {
        self.notify(
            "textDocument/didChange",
            json!({ "textDocument": { "uri": uri(path), "version": version },
                    "contentChanges": [{ "text": text }] }),
        )
        .await;
    }

    /// Waits for a message from the server that matches `pred`.
    pub async fn wait_for(&mut self, pred: impl Fn(&Value) -> bool) -> Value {
        if let Some(i) = self.inbox.iter().position(&pred) {
            return self.inbox.remove(i).unwrap();
        }
        loop {
            let msg = self.read().await;
            if pred(&msg) {
                return msg;
            }
            self.inbox.push_back(msg);
        }
    }

    /// Waits for the diagnostics of `path` (at `version` when given); returns the params.
    pub async fn diagnostics(&mut self, path: &str, version: Option<i32>) -> Value {
        let want = uri(path);
        let matches = |m: &Value| {
            m["method"] == "textDocument/publishDiagnostics"
                && m["params"]["uri"] == want
                && version.is_none_or(|v| m["params"]["version"] == json!(v))
        };
        if let Some(i) = self.inbox.iter().position(matches) {
            return self.inbox.remove(i).unwrap()["params"].clone();
        }
        loop {
            let msg = self.read().await;
            if matches(&msg) {
                return msg["params"].clone();
            }
            self.inbox.push_back(msg);
        }
    }

    /// Requests the definition at the fixture's cursor.
    pub async fn definition_at_cursor(&mut self, fixture: &Fixture) -> Value {
        let (path, line, col) = fixture.cursor.clone().expect("fixture has a $0 cursor");
        self.request(
            "textDocument/definition",
            json!({ "textDocument": { "uri": uri(&path) },
                    "position": { "line": line, "character": col } }),
        )
        .await
    }

    /// Sends a request about the fixture's cursor: `textDocument` and `position`, plus the
    /// fields of `extra`.
    pub async fn at_cursor(&mut self, method: &str, fixture: &Fixture, extra: Value) -> Value {
        let (path, line, col) = fixture.cursor.clone().expect("fixture has a $0 cursor");
        let mut params = json!({ "textDocument": { "uri": uri(&path) },
                                 "position": { "line": line, "character": col } });
        if let (Some(p), Value::Object(more)) = (params.as_object_mut(), extra) {
            p.extend(more);
        }
        self.request(method, params).await
    }

    /// Shuts the server down; returns the messages that arrived before the shutdown reply.
    pub async fn shutdown(mut self) -> Vec<Value> {
        let _ = self.request("shutdown", Value::Null).await;
        self.notify("exit", Value::Null).await;
        self.inbox.into_iter().collect()
    }
}

/// A workflow of `groups` parallel stages of td> and sh> tasks (27 lines per stage; 185 stages
/// make about 5,000 lines). Its queries are `/p/queries/q.sql` ([`big_workflow_disk`]).
pub fn workflow_text(groups: usize) -> String {
    let mut s = String::from(
        "timezone: Asia/Tokyo\nschedule:\n  daily>: 07:00:00\n_export:\n  td:\n    database: analytics\n  report_dir: reports\n",
    );
    for g in 0..groups {
        s.push_str(&format!(
            "+stage_{g}:\n  _parallel: true\n  _export:\n    stage: {g}\n"
        ));
        for i in 0..5 {
            s.push_str(&format!(
                "  +load_{i}:\n    td>: queries/q.sql\n    create_table: t_{g}_{i}\n    engine: presto\n"
            ));
        }
        s.push_str("  _error:\n    echo>: stage ${stage} failed at ${session_date}\n");
    }
    s
}

/// The files [`workflow_text`] needs beside it.
pub fn big_workflow_disk() -> MemoryFileSystem {
    let mut fs = MemoryFileSystem::new();
    fs.insert("/p/queries/q.sql", "select 1");
    fs
}
