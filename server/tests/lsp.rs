//! In-process tests of the language server: the real server on in-memory pipes, driven with
//! JSON-RPC messages; replies are insta snapshots.

mod support;

use serde_json::{json, Value};
use support::{uri, Fixture, TestClient};
use wf_engine::load::MemoryFileSystem;

/// Opens the fixture's first file (the others are on the "disk") and returns the client.
async fn open_fixture(fixture: &Fixture) -> TestClient {
    let mut c = TestClient::start(fixture.disk()).await;
    let (path, text) = &fixture.files[0];
    c.open(path, text).await;
    c
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn initialize_announces_capabilities() {
    let (c, init) = TestClient::start_with(MemoryFileSystem::new(), json!({})).await;
    insta::assert_json_snapshot!(init);
    c.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn diagnostics_on_open_with_codes_labels_and_included_files() {
    let fixture = Fixture::parse(
        "\
//- /p/wf.dig
timezone: Asia/Tokio
_export:
  !include : config/missing.yml
+load:
  td>: q.sql
  sh>: x.sh
+group:
  !include : tasks.yml
+x: {echo>: 𝄞, sh>: y}
+apres:
  echo>: 𝄞 ${x}
  _after: +load
+apres:
  echo>: again
//- /p/tasks.yml
+a:
  parallel: true
  +b:
    echo>: b
",
    );
    let mut c = open_fixture(&fixture).await;
    let diags = c.diagnostics("/p/wf.dig", Some(1)).await;
    insta::assert_json_snapshot!(diags);
    c.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn included_file_gets_syntax_checks_and_its_edits_reach_the_including_workflow() {
    let fixture = Fixture::parse(
        "\
//- /p/wf.dig
+a:
  !include : tasks.yml
//- /p/tasks.yml
+x:
  sh>: a
",
    );
    let mut c = open_fixture(&fixture).await;
    assert_eq!(
        c.diagnostics("/p/wf.dig", Some(1)).await["diagnostics"],
        json!([])
    );
    c.open("/p/tasks.yml", "+x:\n  sh>: a\n").await;
    assert_eq!(
        c.diagnostics("/p/tasks.yml", Some(1)).await["diagnostics"],
        json!([])
    );
    // A task rule broken in the included file: not reported there (it depends on the
    // including workflow) but at the `!include` of the workflow that includes it.
    c.change("/p/tasks.yml", 2, "+x:\n  sh>: a\n  td>: b\n")
        .await;
    assert_eq!(
        c.diagnostics("/p/tasks.yml", Some(2)).await["diagnostics"],
        json!([])
    );
    let wf = loop {
        let wf = c.diagnostics("/p/wf.dig", Some(1)).await;
        if wf["diagnostics"] != json!([]) {
            break wf;
        }
    };
    insta::assert_json_snapshot!(wf);
    // A syntax error is reported in the included file itself.
    c.change("/p/tasks.yml", 3, "+x: [\n").await;
    let own = c.diagnostics("/p/tasks.yml", Some(3)).await;
    assert_eq!(own["diagnostics"][0]["code"], "S001");
    // Closing it: the workflow reads the disk version again, which is fine.
    c.notify(
        "textDocument/didClose",
        json!({ "textDocument": { "uri": uri("/p/tasks.yml") } }),
    )
    .await;
    let closed = c.diagnostics("/p/tasks.yml", None).await;
    assert_eq!(closed["diagnostics"], json!([]));
    loop {
        let wf = c.diagnostics("/p/wf.dig", Some(1)).await;
        if wf["diagnostics"] == json!([]) {
            break;
        }
    }
    c.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn document_symbols_are_the_task_tree() {
    let fixture = Fixture::parse(
        "\
//- /p/daily.dig
timezone: Asia/Tokyo
schedule:
  daily>: 07:00:00
_export:
  !include : config/td.yml
+prepare:
  sh>: mkdir -p reports
+aggregate:
  _parallel: true
  +by_country:
    td>: queries/by_country.sql
  +by_device:
    td>: queries/by_device.sql
  _error:
    echo>: failed
+loop:
  for_each>: {n: [1, 2]}
  _do:
    echo>: ${n}
+more:
  !include : more.yml
//- /p/more.yml
+one:
  echo>: 1
//- /p/config/td.yml
database: x
",
    );
    let mut c = open_fixture(&fixture).await;
    let symbols = c
        .request(
            "textDocument/documentSymbol",
            json!({ "textDocument": { "uri": uri("/p/daily.dig") } }),
        )
        .await;
    insta::assert_json_snapshot!(symbols);
    c.shutdown().await;
}

/// The definition reply at the fixture's cursor.
async fn definition(fixture: &str) -> Value {
    let fixture = Fixture::parse(fixture);
    let mut c = open_fixture(&fixture).await;
    let reply = c.definition_at_cursor(&fixture).await;
    c.shutdown().await;
    reply
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn definition_of_an_after_name_is_the_sibling_task() {
    let reply = definition(
        "\
+g:
  _parallel: true
  +extract:
    sh>: a
  +load:
    sh>: b
    _after: [+ext$0ract]
",
    )
    .await;
    insta::assert_json_snapshot!(reply);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn definition_of_a_call_is_the_workflow_file() {
    let reply = definition(
        "\
//- /p/wf.dig
+sub:
  call>: sub/chi$0ld
//- /p/sub/child.dig
+x:
  sh>: a
",
    )
    .await;
    insta::assert_json_snapshot!(reply);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn definition_of_an_include_is_the_file() {
    let reply = definition(
        "\
//- /p/wf.dig
_export:
  !include : 'config/pa$0rams.yml'
+a:
  sh>: a
//- /p/config/params.yml
x: 1
",
    )
    .await;
    insta::assert_json_snapshot!(reply);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn definition_without_link_support_is_a_location() {
    let fixture = Fixture::parse(
        "\
//- /p/wf.dig
# 𝄞 before the cursor line does not matter; on it, it does:
+𝄞:
  call>: ch$0ild.dig
//- /p/child.dig
+x:
  sh>: a
",
    );
    let (mut c, _) = TestClient::start_with(fixture.disk(), json!({})).await;
    c.open("/p/wf.dig", fixture.text("/p/wf.dig")).await;
    let reply = c.definition_at_cursor(&fixture).await;
    assert_eq!(
        reply,
        json!({ "uri": "file:///p/child.dig", "range": {
            "start": { "line": 0, "character": 0 }, "end": { "line": 0, "character": 0 } } })
    );
    c.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn definition_on_nothing_is_null() {
    let reply = definition("+a:\n  sh>: ec$0ho hello\n").await;
    assert_eq!(reply, Value::Null);
    let reply = definition("//- /p/wf.dig\n+a:\n  call>: miss$0ing\n").await;
    assert_eq!(reply, Value::Null);
}

/// Many rapid full-text changes: whatever order the server's handlers run in, the last
/// diagnostics published are those of the last text, and nothing older follows them.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rapid_changes_end_with_the_diagnostics_of_the_last_version() {
    let mut c = TestClient::start(MemoryFileSystem::new()).await;
    c.open("/p/wf.dig", "+a:\n  sh>: x\n").await;
    let last = 300;
    for v in 2..=last {
        // Each version has a different problem on a different line: an unknown top-level
        // key `k<v>` after v lines of tasks.
        let mut text = String::new();
        for i in 0..(v % 17) {
            text.push_str(&format!("+t{i}:\n  echo>: {i}\n"));
        }
        text.push_str(&format!("k{v}: 1\n"));
        c.change("/p/wf.dig", v, &text).await;
    }
    let diags = c.diagnostics("/p/wf.dig", Some(last)).await;
    c.inbox.clear(); // what arrived before it
    let ds = diags["diagnostics"].as_array().unwrap();
    assert_eq!(ds.len(), 1, "{diags}");
    assert_eq!(ds[0]["code"], "M001");
    assert!(ds[0]["message"]
        .as_str()
        .unwrap()
        .contains(&format!("[k{last}]")));
    assert_eq!(ds[0]["range"]["start"]["line"], json!((last % 17) * 2));
    // The server may publish the last version twice (an analysis that started just before the
    // last change was scheduled), never an older one.
    let later = c.shutdown().await;
    for m in later {
        if m["method"] == "textDocument/publishDiagnostics" {
            assert_eq!(m["params"], diags, "published after the last version's");
        }
    }
}

/// Incremental edits (UTF-16 ranges) applied by the server give the same text as applying them
/// to a string here: the outline and diagnostics of the edited document equal those of a
/// document opened with the expected text.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn incremental_edits_match_the_same_edits_applied_locally() {
    let mut c = TestClient::start(MemoryFileSystem::new()).await;
    let start = "+a:\n  sh>: é\n+b:\n  echo>: 𝄞\n";
    c.open("/p/edited.dig", start).await;
    // The local copy as UTF-16, so that positions are easy to compute.
    let mut text: Vec<u16> = start.encode_utf16().collect();
    let mut seed = 0x2545_f491_u64;
    let mut rand = move |n: usize| {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        (seed % n.max(1) as u64) as usize
    };
    let pieces = [
        "+t",
        ":\n",
        "  echo>: ",
        "é",
        "𝄞",
        "x",
        "\n",
        "  ",
        "_after: [+a]\n",
    ];
    let position = |text: &[u16], at: usize| {
        let line = text[..at]
            .iter()
            .filter(|&&u| u == u16::from(b'\n'))
            .count();
        let col = at
            - text[..at]
                .iter()
                .rposition(|&u| u == u16::from(b'\n'))
                .map_or(0, |i| i + 1);
        json!({ "line": line, "character": col })
    };
    for v in 2..=400 {
        // Keep ranges on character boundaries (not inside a surrogate pair).
        let boundary = |text: &[u16], mut at: usize| {
            while at > 0 && at < text.len() && (0xDC00..0xE000).contains(&text[at]) {
                at -= 1;
            }
            at
        };
        let a = boundary(&text, rand(text.len() + 1));
        let b = boundary(&text, (a + rand(6)).min(text.len()));
        let insert = if rand(3) == 0 {
            ""
        } else {
            pieces[rand(pieces.len())]
        };
        let range = json!({ "start": position(&text, a), "end": position(&text, b) });
        text.splice(a..b, insert.encode_utf16());
        c.notify(
            "textDocument/didChange",
            json!({ "textDocument": { "uri": uri("/p/edited.dig"), "version": v },
                    "contentChanges": [{ "range": range, "text": insert }] }),
        )
        .await;
    }
    let expected = String::from_utf16(&text).unwrap();
    let edited = c.diagnostics("/p/edited.dig", Some(400)).await;
    c.open("/p/expected.dig", &expected).await;
    let fresh = c.diagnostics("/p/expected.dig", Some(1)).await;
    let strip = |mut d: Value| {
        for item in d["diagnostics"].as_array_mut().unwrap() {
            item.as_object_mut().unwrap().remove("relatedInformation");
        }
        d["diagnostics"].to_string().replace("edited", "expected")
    };
    assert_eq!(strip(edited), strip(fresh));
    let symbols = |p: &str| json!({ "textDocument": { "uri": uri(p) } });
    let a = c
        .request("textDocument/documentSymbol", symbols("/p/edited.dig"))
        .await;
    let b = c
        .request("textDocument/documentSymbol", symbols("/p/expected.dig"))
        .await;
    let (a, b) = (a.to_string(), b.to_string());
    assert_eq!(a.replace("edited", "expected"), b);
    c.shutdown().await;
}

/// Half-typed text, control characters, a huge document, unknown documents and malformed
/// messages: the server answers and keeps working.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_input_never_stops_the_server() {
    let mut c = TestClient::start(MemoryFileSystem::new()).await;
    let texts = [
        "+a:\n  sh>: ${",
        "+a:\n\t+b: [",
        "\0\u{1}\u{7f}binary\u{fffd}\u{feff}",
        "- a\n- list\n",
        "",
        "+a:\n  _after: [\n  call>: ",
        "&a [*a, *a, *a, *a]\n",
    ];
    for (i, t) in texts.iter().enumerate() {
        let path = format!("/p/bad{i}.dig");
        c.open(&path, t).await;
        c.diagnostics(&path, Some(1)).await;
        for (line, character) in [(0, 0), (1, 3), (1, 999), (99, 0)] {
            c.request(
                "textDocument/definition",
                json!({ "textDocument": { "uri": uri(&path) },
                        "position": { "line": line, "character": character } }),
            )
            .await;
        }
        c.request(
            "textDocument/documentSymbol",
            json!({ "textDocument": { "uri": uri(&path) } }),
        )
        .await;
    }
    // A huge document: kept, but not analyzed.
    let unit = "+t:\n  echo>: x\n";
    let huge = unit.repeat(wf_server::MAX_DOCUMENT_BYTES / unit.len() + 1);
    c.open("/p/huge.dig", &huge).await;
    assert_eq!(
        c.diagnostics("/p/huge.dig", Some(1)).await["diagnostics"],
        json!([])
    );
    let symbols = c
        .request(
            "textDocument/documentSymbol",
            json!({ "textDocument": { "uri": uri("/p/huge.dig") } }),
        )
        .await;
    assert_eq!(symbols, Value::Null);
    // Documents the server does not know, or cannot analyze (not `file:`).
    c.change("/p/never-opened.dig", 2, "x").await;
    let reply = c
        .request(
            "textDocument/documentSymbol",
            json!({ "textDocument": { "uri": uri("/p/never-opened.dig") } }),
        )
        .await;
    assert_eq!(reply, Value::Null);
    c.notify(
        "textDocument/didOpen",
        json!({ "textDocument": { "uri": "untitled:Untitled-1", "languageId": "yaml",
                "version": 1, "text": "+a: {" } }),
    )
    .await;
    let reply = c
        .request(
            "textDocument/documentSymbol",
            json!({ "textDocument": { "uri": "untitled:Untitled-1" } }),
        )
        .await;
    assert_eq!(reply, Value::Null);
    // Malformed requests get errors.
    let bad_params = c
        .request_raw("textDocument/definition", json!({ "nonsense": true }))
        .await;
    assert_eq!(bad_params["error"]["code"], -32602);
    let unknown = c.request_raw("wf/unknown", json!({})).await;
    assert_eq!(unknown["error"]["code"], -32601);
    c.send_raw(b"Content-Length: 9\r\n\r\n{not json").await;
    c.send_raw(b"Content-Length: 9\r\n\r\n{\"a\": 1}").await;
    c.send_raw(b"garbage\r\n\r\n").await;
    let id = r#"{"id": 99, "params": 1}"#;
    c.send_raw(format!("Content-Length: {}\r\n\r\n{id}", id.len()).as_bytes())
        .await;
    let invalid = c.wait_for(|m| m["id"] == 99).await;
    assert_eq!(invalid["error"]["code"], -32600);
    // Still working.
    c.open("/p/ok.dig", "+a:\n  sh>: x\n  td>: y\n").await;
    let ok = c.diagnostics("/p/ok.dig", Some(1)).await;
    assert_eq!(ok["diagnostics"][0]["code"], "M005");
    c.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn code_actions_offer_the_fixes_of_diagnostics_at_the_cursor() {
    let fixture = Fixture::parse(
        "\
//- /p/wf.dig
+group:
  paral$0lel: true
  +a:
    echo>: a
",
    );
    let mut c = open_fixture(&fixture).await;
    let (path, line, col) = fixture.cursor.clone().expect("cursor");
    let reply = c
        .request(
            "textDocument/codeAction",
            json!({ "textDocument": { "uri": uri(&path) },
                    "range": { "start": { "line": line, "character": col },
                               "end": { "line": line, "character": col } },
                    "context": { "diagnostics": [] } }),
        )
        .await;
    c.shutdown().await;
    insta::assert_json_snapshot!(reply);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hover_on_an_operator_shows_its_documentation() {
    let fixture = Fixture::parse(
        "\
//- /p/wf.dig
_export:
  td:
    database: analytics
+load:
  t$0d>: q.sql
",
    );
    let mut c = open_fixture(&fixture).await;
    let (path, line, col) = fixture.cursor.clone().expect("cursor");
    let reply = c
        .request(
            "textDocument/hover",
            json!({ "textDocument": { "uri": uri(&path) },
                    "position": { "line": line, "character": col } }),
        )
        .await;
    c.shutdown().await;
    let markdown = reply["contents"]["value"]
        .as_str()
        .unwrap_or("")
        .to_string();
    assert!(markdown.contains("td>"), "{reply}");
    assert!(markdown.contains("database"), "{reply}");
    assert_eq!(reply["range"]["start"], json!({"line": 4, "character": 2}));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn completion_inside_a_template_offers_visible_variables() {
    let fixture = Fixture::parse(
        "\
//- /p/wf.dig
_export:
  target_table: report
+a:
  echo>: ${$0}
",
    );
    let mut c = open_fixture(&fixture).await;
    let (path, line, col) = fixture.cursor.clone().expect("cursor");
    let reply = c
        .request(
            "textDocument/completion",
            json!({ "textDocument": { "uri": uri(&path) },
                    "position": { "line": line, "character": col } }),
        )
        .await;
    c.shutdown().await;
    let labels: Vec<&str> = reply
        .as_array()
        .map(|a| a.iter().filter_map(|i| i["label"].as_str()).collect())
        .unwrap_or_default();
    assert!(labels.contains(&"session_date"), "{reply}");
    assert!(labels.contains(&"target_table"), "{reply}");
}
