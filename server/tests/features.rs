//! In-process tests of the navigation, structure and planning features: references, rename,
//! document highlight, folding and selection ranges, semantic tokens, workspace symbols, inlay
//! hints, code lenses with `wf.plan`, and pulled diagnostics. Replies are insta snapshots.

mod support;

use serde_json::{json, Value};
use support::{uri, Fixture, TestClient};

/// A project: a workflow exporting `target`, read by its tasks and by the workflow it calls.
const PROJECT: &str = "\
//- /p/wf.dig
_export:
  target: report
+prepare:
  sh>: echo ${target}
+group:
  _parallel: true
  +extract:
    td>: q.sql
    create_table: ${target}_𝄞
  +load:
    _after: [+extract]
    echo>: ${target} ${session_date}
+sub:
  call>: child
//- /p/child.dig
+x:
  echo>: ${target}
//- /p/q.sql
select 1
";

/// Opens the fixture's first file (the others are on the "disk"); the cursor `$0` is placed
/// at the first occurrence of `marker` in it.
async fn open_at(fixture: &str, marker: &str) -> (TestClient, Fixture) {
    let text = fixture.replacen(marker, &format!("$0{marker}"), 1);
    let fixture = Fixture::parse(&text);
    let mut c = TestClient::start(fixture.disk()).await;
    let (path, text) = &fixture.files[0];
    c.open(path, text).await;
    (c, fixture)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn references_of_an_export_span_the_project() {
    let (mut c, fixture) = open_at(PROJECT, "target}_").await;
    let refs = c
        .at_cursor(
            "textDocument/references",
            &fixture,
            json!({ "context": { "includeDeclaration": true } }),
        )
        .await;
    insta::assert_json_snapshot!(refs);
    let without = c
        .at_cursor(
            "textDocument/references",
            &fixture,
            json!({ "context": { "includeDeclaration": false } }),
        )
        .await;
    assert_eq!(
        without.as_array().unwrap().len() + 1,
        refs.as_array().unwrap().len()
    );
    // Document highlight: the same name, in this file only, the definition as a write.
    let highlights = c
        .at_cursor("textDocument/documentHighlight", &fixture, json!({}))
        .await;
    insta::assert_json_snapshot!(highlights);
    c.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rename_a_task_and_an_export() {
    let (mut c, fixture) = open_at(PROJECT, "extract]").await;
    let prepared = c
        .at_cursor("textDocument/prepareRename", &fixture, json!({}))
        .await;
    assert_eq!(prepared["placeholder"], "+extract");
    let edit = c
        .at_cursor(
            "textDocument/rename",
            &fixture,
            json!({ "newName": "fetch" }),
        )
        .await;
    insta::assert_json_snapshot!(edit);
    c.shutdown().await;

    let (mut c, fixture) = open_at(PROJECT, "target: report").await;
    let edit = c
        .at_cursor(
            "textDocument/rename",
            &fixture,
            json!({ "newName": "table" }),
        )
        .await;
    insta::assert_json_snapshot!(edit);
    // Built-ins and bad names are refused with a message.
    let (path, _, _) = fixture.cursor.clone().unwrap();
    let at_builtin = json!({ "textDocument": { "uri": uri(&path) },
                             "position": { "line": 11, "character": 25 }, "newName": "x" });
    let refused = c.request_raw("textDocument/rename", at_builtin).await;
    assert_eq!(
        refused["error"]["message"],
        "`session_date` cannot be renamed: it is a built-in variable"
    );
    let bad = c
        .request_raw(
            "textDocument/rename",
            json!({ "textDocument": { "uri": uri(&path) },
                    "position": { "line": 1, "character": 3 }, "newName": "a-b" }),
        )
        .await;
    assert_eq!(bad["error"]["code"], -32602, "{bad}");
    c.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn folding_and_selection_ranges() {
    let fixture = Fixture::parse(
        "\
# A workflow
# with a header
+a:
  echo>: ${sess$0ion_date}
  _retry: 2
+b: {echo>: x}
",
    );
    let mut c = TestClient::start(fixture.disk()).await;
    c.open("/p/wf.dig", fixture.text("/p/wf.dig")).await;
    let doc = json!({ "textDocument": { "uri": uri("/p/wf.dig") } });
    let folds = c.request("textDocument/foldingRange", doc).await;
    insta::assert_json_snapshot!(folds);
    let (_, line, col) = fixture.cursor.clone().unwrap();
    let selection = c
        .request(
            "textDocument/selectionRange",
            json!({ "textDocument": { "uri": uri("/p/wf.dig") },
                    "positions": [{ "line": line, "character": col }] }),
        )
        .await;
    insta::assert_json_snapshot!(selection);
    c.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn semantic_tokens_of_a_document() {
    let text = "\
timezone: UTC
_export:
  target: 𝄞
+load:
  td>: q.sql
  database: ${target}
  _retry: 2
+notify:
  echo>: ${session_date} ${secret:slack.token}
";
    let (mut c, init) = TestClient::start_with(support::Fixture::parse("").disk(), json!({})).await;
    c.open("/p/wf.dig", text).await;
    let reply = c
        .request(
            "textDocument/semanticTokens/full",
            json!({ "textDocument": { "uri": uri("/p/wf.dig") } }),
        )
        .await;
    c.shutdown().await;
    // Decode the relative encoding with the announced legend.
    let legend = &init["capabilities"]["semanticTokensProvider"]["legend"];
    let types = legend["tokenTypes"].as_array().unwrap();
    let mods = legend["tokenModifiers"].as_array().unwrap();
    let data: Vec<u64> = reply["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_u64().unwrap())
        .collect();
    let lines: Vec<Vec<u16>> = text.lines().map(|l| l.encode_utf16().collect()).collect();
    let (mut line, mut col) = (0usize, 0usize);
    let mut shown = Vec::new();
    for t in data.chunks(5) {
        if t[0] > 0 {
            line += t[0] as usize;
            col = t[1] as usize;
        } else {
            col += t[1] as usize;
        }
        let word = String::from_utf16(&lines[line][col..col + t[2] as usize]).unwrap();
        let modifiers: Vec<&str> = (0..mods.len())
            .filter(|i| t[4] & (1 << i) != 0)
            .map(|i| mods[i].as_str().unwrap())
            .collect();
        shown.push(format!(
            "{}:{} {word:?} {} {}",
            line,
            col,
            types[t[3] as usize].as_str().unwrap(),
            modifiers.join(",")
        ));
    }
    insta::assert_snapshot!(shown.join("\n"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn workspace_symbols_find_tasks_and_workflows() {
    let fixture = Fixture::parse(
        "\
//- /p/daily.dig
+extract:
  sh>: a
+load:
  !include : load.yml
//- /p/load.yml
+load_users:
  td>: u.sql
//- /p/weekly.dig
+report:
  echo>: r
",
    );
    let mut c = TestClient::start(fixture.disk()).await;
    c.open("/p/daily.dig", fixture.text("/p/daily.dig")).await;
    let all = c.request("workspace/symbol", json!({ "query": "" })).await;
    insta::assert_json_snapshot!(all);
    let some = c
        .request("workspace/symbol", json!({ "query": "lduser" }))
        .await;
    let names: Vec<&str> = some
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["+load_users"]);
    c.shutdown().await;
}

/// A server whose "now" is fixed, with `text` open as `/p/wf.dig`.
async fn fixed_now(text: &str) -> TestClient {
    let (mut c, _) = TestClient::start_with_options(
        Fixture::parse("").disk(),
        json!({}),
        json!({ "now": "2026-03-01T00:00:00Z" }),
    )
    .await;
    c.open("/p/wf.dig", text).await;
    c
}

const SCHEDULED: &str = "\
timezone: Asia/Tokyo
schedule:
  daily>: 07:00:00
+each:
  for_each>: {fruit: [apple, orange], verb: [eat, throw, juice]}
  _do:
    echo>: ${verb} ${fruit}
+range:
  for_range>: {from: 0, to: 10, slices: 3}
  _do:
    echo>: ${range.from}
";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn inlay_hints_show_the_next_run_and_loop_sizes() {
    let mut c = fixed_now(SCHEDULED).await;
    let hints = c
        .request(
            "textDocument/inlayHint",
            json!({ "textDocument": { "uri": uri("/p/wf.dig") },
                    "range": { "start": { "line": 0, "character": 0 },
                               "end": { "line": 99, "character": 0 } } }),
        )
        .await;
    insta::assert_json_snapshot!(hints);
    // Only the hints inside the requested range.
    let first_lines = c
        .request(
            "textDocument/inlayHint",
            json!({ "textDocument": { "uri": uri("/p/wf.dig") },
                    "range": { "start": { "line": 0, "character": 0 },
                               "end": { "line": 3, "character": 0 } } }),
        )
        .await;
    assert_eq!(first_lines.as_array().unwrap().len(), 1);
    c.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn code_lenses_plan_and_run() {
    let mut c = fixed_now(SCHEDULED).await;
    let lenses = c
        .request(
            "textDocument/codeLens",
            json!({ "textDocument": { "uri": uri("/p/wf.dig") } }),
        )
        .await;
    insta::assert_json_snapshot!(lenses);
    let plan = &lenses[0]["command"];
    let text = c
        .request(
            "workspace/executeCommand",
            json!({ "command": plan["command"], "arguments": plan["arguments"] }),
        )
        .await;
    insta::assert_snapshot!(text.as_str().unwrap());
    let unknown = c
        .request_raw(
            "workspace/executeCommand",
            json!({ "command": "wf.run", "arguments": [uri("/p/wf.dig")] }),
        )
        .await;
    assert_eq!(unknown["error"]["code"], -32602);
    c.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pulled_diagnostics_equal_pushed_ones() {
    let text = "+a:\n  sh>: x\n  td>: y\n+b:\n  echo>: ${nope}\n";
    // A client that supports pulling: the capability is announced, nothing is pushed.
    let caps = json!({ "textDocument": { "diagnostic": {} } });
    let (mut c, init) = TestClient::start_with(Fixture::parse("").disk(), caps).await;
    assert_eq!(
        init["capabilities"]["diagnosticProvider"]["interFileDependencies"],
        true
    );
    c.open("/p/wf.dig", text).await;
    let report = c
        .request(
            "textDocument/diagnostic",
            json!({ "textDocument": { "uri": uri("/p/wf.dig") } }),
        )
        .await;
    insta::assert_json_snapshot!(report);
    let again = c
        .request(
            "textDocument/diagnostic",
            json!({ "textDocument": { "uri": uri("/p/wf.dig") },
                    "previousResultId": report["resultId"] }),
        )
        .await;
    assert_eq!(
        again,
        json!({ "kind": "unchanged", "resultId": report["resultId"] })
    );
    c.change("/p/wf.dig", 2, "+a:\n  sh>: x\n").await;
    let changed = c
        .request(
            "textDocument/diagnostic",
            json!({ "textDocument": { "uri": uri("/p/wf.dig") },
                    "previousResultId": report["resultId"] }),
        )
        .await;
    assert_eq!(changed["kind"], "full");
    assert_eq!(changed["items"], json!([]));
    let pushed = c.shutdown().await;
    assert!(
        !pushed
            .iter()
            .any(|m| m["method"] == "textDocument/publishDiagnostics"),
        "{pushed:?}"
    );
    // A client that does not pull gets the same diagnostics pushed.
    let (mut c, init) = TestClient::start_with(Fixture::parse("").disk(), json!({})).await;
    assert_eq!(init["capabilities"]["diagnosticProvider"], Value::Null);
    c.open("/p/wf.dig", text).await;
    let published = c.diagnostics("/p/wf.dig", Some(1)).await;
    assert_eq!(published["diagnostics"], report["items"]);
    c.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pulling_clients_are_told_to_pull_again_when_an_included_file_changes() {
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
    let caps = json!({ "textDocument": { "diagnostic": {} },
                       "workspace": { "diagnostics": { "refreshSupport": true } } });
    let (mut c, _) = TestClient::start_with(fixture.disk(), caps).await;
    c.open("/p/wf.dig", fixture.text("/p/wf.dig")).await;
    c.open("/p/tasks.yml", fixture.text("/p/tasks.yml")).await;
    let pull = || json!({ "textDocument": { "uri": uri("/p/wf.dig") } });
    let before = c.request("textDocument/diagnostic", pull()).await;
    assert_eq!(before["items"], json!([]));
    // Two operators in the included task: the including workflow's diagnostics change.
    c.change("/p/tasks.yml", 2, "+x:\n  sh>: a\n  td>: b\n")
        .await;
    let refresh = c
        .wait_for(|m| m["method"] == "workspace/diagnostic/refresh")
        .await;
    assert!(refresh.get("id").is_some(), "a request: {refresh}");
    let after = c.request("textDocument/diagnostic", pull()).await;
    assert_eq!(after["items"][0]["code"], "M005", "{after}");
    c.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_target_initialization_option_selects_the_lint_profile() {
    let text = "+load:\n  embulk>: load.yml\n";
    let codes = |d: &Value| -> Vec<String> {
        d["diagnostics"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|x| x["code"].as_str().unwrap_or_default().to_string())
            .collect()
    };
    let (mut c, _) = TestClient::start_with_options(
        Fixture::parse("").disk(),
        json!({}),
        json!({ "target": "treasure-workflow" }),
    )
    .await;
    c.open("/p/wf.dig", text).await;
    let hosted = c.diagnostics("/p/wf.dig", Some(1)).await;
    assert!(codes(&hosted).contains(&"P001".to_string()), "{hosted}");
    c.shutdown().await;
    let (mut c, _) =
        TestClient::start_with_options(Fixture::parse("").disk(), json!({}), json!({})).await;
    c.open("/p/wf.dig", text).await;
    let local = c.diagnostics("/p/wf.dig", Some(1)).await;
    assert!(!codes(&local).contains(&"P001".to_string()), "{local}");
    c.shutdown().await;
}

/// Opens `path` of the fixture `testdata/ide/<name>` with the cursor at `marker`.
async fn open_testdata(name: &str, path: &str, marker: &str) -> (TestClient, Fixture) {
    let fixture = Fixture::from_testdata(name).with_cursor(path, marker);
    let mut c = TestClient::start(fixture.disk()).await;
    c.open(path, fixture.text(path)).await;
    (c, fixture)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn digdagignored_workflows_are_not_workspace_symbols() {
    let (mut c, _) = open_testdata("digdagignore", "/digdagignore/main.dig", "target").await;
    let all = c.request("workspace/symbol", json!({ "query": "" })).await;
    let shown: Vec<String> = all
        .as_array()
        .unwrap()
        .iter()
        .map(|s| format!("{} {}", s["name"].as_str().unwrap(), s["location"]["uri"]))
        .collect();
    // test_main.dig and scratch/ are in .digdagignore.
    insta::assert_snapshot!(shown.join("\n"), @r#"
    main "file:///digdagignore/main.dig"
    lib/load "file:///digdagignore/lib/load.dig"
    +load "file:///digdagignore/main.dig"
    +load "file:///digdagignore/lib/load.dig"
    "#);
    c.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn references_from_a_called_workflow_reach_its_caller_above() {
    let (mut c, fixture) = open_testdata("callers", "/callers/sub/child.dig", "table}").await;
    let refs = c
        .at_cursor(
            "textDocument/references",
            &fixture,
            json!({ "context": { "includeDeclaration": true } }),
        )
        .await;
    insta::assert_json_snapshot!(refs);
    let edit = c
        .at_cursor(
            "textDocument/rename",
            &fixture,
            json!({ "newName": "target_table" }),
        )
        .await;
    let mut files: Vec<&String> = edit["changes"].as_object().unwrap().keys().collect();
    files.sort();
    assert_eq!(
        files,
        [
            "file:///callers/main.dig",
            "file:///callers/sub/child.dig",
            "file:///callers/sub/deeper/leaf.dig"
        ]
    );
    c.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn wf_toml_params_definition_references_and_rename() {
    let (mut c, fixture) = open_testdata("params", "/params/sub/report.dig", "outdir}").await;
    let definition = c.definition_at_cursor(&fixture).await;
    insta::assert_json_snapshot!(definition);
    let refs = c
        .at_cursor(
            "textDocument/references",
            &fixture,
            json!({ "context": { "includeDeclaration": true } }),
        )
        .await;
    let shown: Vec<String> = refs
        .as_array()
        .unwrap()
        .iter()
        .map(|l| format!("{} {}", l["uri"], l["range"]["start"]))
        .collect();
    insta::assert_snapshot!(shown.join("\n"), @r#"
    "file:///params/wf.toml" {"character":0,"line":2}
    "file:///params/main.dig" {"character":18,"line":1}
    "file:///params/sub/report.dig" {"character":22,"line":1}
    "#);
    let edit = c
        .at_cursor(
            "textDocument/rename",
            &fixture,
            json!({ "newName": "output_dir" }),
        )
        .await;
    insta::assert_json_snapshot!(edit);
    c.shutdown().await;
}

/// The token data of a `semanticTokens/full` reply or of `data` after applying a delta's
/// edits to `previous`.
fn apply_token_edits(previous: &[Value], delta: &Value) -> Vec<Value> {
    let mut data = previous.to_vec();
    let mut edits: Vec<&Value> = delta["edits"].as_array().unwrap().iter().collect();
    // Edits apply to the previous data: from the last one back.
    edits.sort_by_key(|e| std::cmp::Reverse(e["start"].as_u64().unwrap()));
    for e in edits {
        let start = e["start"].as_u64().unwrap() as usize;
        let count = e["deleteCount"].as_u64().unwrap() as usize;
        let insert = e["data"].as_array().cloned().unwrap_or_default();
        data.splice(start..start + count, insert);
    }
    data
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn semantic_token_deltas() {
    let text = "\
_export:
  target: t
+load:
  td>: q.sql
  database: ${target}
+notify:
  echo>: ${session_date}
";
    let (mut c, init) = TestClient::start_with(Fixture::parse("").disk(), json!({})).await;
    assert_eq!(
        init["capabilities"]["semanticTokensProvider"]["full"],
        json!({ "delta": true })
    );
    c.open("/p/wf.dig", text).await;
    let doc = json!({ "textDocument": { "uri": uri("/p/wf.dig") } });
    let first = c
        .request("textDocument/semanticTokens/full", doc.clone())
        .await;
    let first_id = first["resultId"].as_str().unwrap().to_string();
    // Unchanged text: no edits, a new result id.
    let same = c
        .request(
            "textDocument/semanticTokens/full/delta",
            json!({ "textDocument": { "uri": uri("/p/wf.dig") }, "previousResultId": first_id }),
        )
        .await;
    assert_eq!(same["edits"], json!([]));
    let same_id = same["resultId"].as_str().unwrap().to_string();
    assert_ne!(same_id, first_id);
    // A task inserted in the middle: one edit, covering only the new tokens and the first
    // token after them.
    let edited = text.replace(
        "+notify:",
        "+check:\n  _retry: 2\n  echo>: ${target}\n+notify:",
    );
    c.change("/p/wf.dig", 2, &edited).await;
    let delta = c
        .request(
            "textDocument/semanticTokens/full/delta",
            json!({ "textDocument": { "uri": uri("/p/wf.dig") }, "previousResultId": same_id }),
        )
        .await;
    insta::assert_json_snapshot!(delta);
    let full = c.request("textDocument/semanticTokens/full", doc).await;
    assert_eq!(
        apply_token_edits(first["data"].as_array().unwrap(), &delta),
        *full["data"].as_array().unwrap()
    );
    // An unknown (or superseded) previous result: the tokens in full.
    let stale = c
        .request(
            "textDocument/semanticTokens/full/delta",
            json!({ "textDocument": { "uri": uri("/p/wf.dig") }, "previousResultId": same_id }),
        )
        .await;
    assert_eq!(stale["data"], full["data"]);
    assert!(stale.get("edits").is_none(), "{stale}");
    c.shutdown().await;
}
