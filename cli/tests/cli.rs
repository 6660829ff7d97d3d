//! End-to-end tests of the `wf` binary: output formats and exit codes, as a user sees them.

use std::path::Path;
use std::process::Command;

fn wf(args: &[&str]) -> (i32, String, String) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let out = Command::new(env!("CARGO_BIN_EXE_wf"))
        .args(args)
        .current_dir(root)
        .output()
        .expect("run wf");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn lint_clean_project_exits_0() {
    let (code, out, _) = wf(&["lint", "testdata/examples/daily_report", "--color", "never"]);
    assert_eq!(code, 0, "{out}");
    insta::assert_snapshot!(out);
}

#[test]
fn lint_reports_every_problem_with_snippets() {
    let (code, out, _) = wf(&["lint", "testdata/examples/broken", "--color", "never"]);
    assert_eq!(code, 1);
    insta::assert_snapshot!(out);
}

#[test]
fn lint_json_format() {
    let (code, out, _) = wf(&[
        "lint",
        "testdata/examples/broken/broken.dig",
        "--format",
        "json",
    ]);
    assert_eq!(code, 1);
    let v: serde_json::Value = serde_json::from_str(&out).expect("json");
    assert!(v.as_array().is_some_and(|a| a.len() >= 5));
    insta::assert_snapshot!(out);
}

#[test]
fn lint_names_the_include_chain() {
    let (code, out, _) = wf(&["lint", "testdata/rules/I003/fail.dig", "--color", "never"]);
    assert_eq!(code, 1);
    assert!(
        out.contains("included from testdata/rules/I003/tasks_a.yml:3:1"),
        "{out}"
    );
    assert!(
        out.contains("included from testdata/rules/I003/fail.dig:1:1"),
        "{out}"
    );
}

#[test]
fn lint_missing_path_exits_2() {
    let (code, _, err) = wf(&["lint", "no/such/dir"]);
    assert_eq!(code, 2);
    assert!(err.contains("no such file or directory"), "{err}");
}

#[test]
fn parse_json_leaves_concatenate_to_the_file() {
    let (code, out, _) = wf(&["parse", "testdata/rules/S001/fail.dig", "--json"]);
    assert_eq!(code, 0);
    let v: serde_json::Value = serde_json::from_str(&out).expect("json");
    fn leaves(n: &serde_json::Value, out: &mut String) {
        if let Some(t) = n.get("text").and_then(|t| t.as_str()) {
            out.push_str(t);
        } else if let Some(children) = n.get("children").and_then(|c| c.as_array()) {
            for c in children {
                leaves(c, out);
            }
        }
    }
    let mut text = String::new();
    leaves(&v["tree"], &mut text);
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    assert_eq!(
        text,
        std::fs::read_to_string(root.join("testdata/rules/S001/fail.dig")).expect("read")
    );
    assert_eq!(
        v["errors"][0]["message"],
        "while parsing a flow sequence expected ',' or ']', but got '{'"
    );
}

#[test]
fn readme_rule_table_is_generated_from_the_registry() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let readme = std::fs::read_to_string(root.join("README.md")).expect("README.md");
    let (code, table, _) = wf(&["rules", "--markdown"]);
    assert_eq!(code, 0);
    let expected = format!("<!-- rules:start -->\n{table}<!-- rules:end -->");
    assert!(
        readme.contains(&expected),
        "README rule table is stale: regenerate it with `wf rules --markdown`"
    );
}

#[test]
fn plan_text_shows_sessions_across_dst_and_task_steps() {
    let (code, out, err) = wf(&[
        "plan",
        "testdata/plan/dst_daily.dig",
        "--from",
        "2026-03-06T12:00:00Z",
        "--sessions",
        "4",
    ]);
    assert_eq!(code, 0, "{err}");
    // 2026-03-08: midnight PST + 7 h = 08:00 PDT.
    assert!(
        out.contains("2026-03-08T00:00:00-08:00   2026-03-08T08:00:00-07:00"),
        "{out}"
    );
    insta::assert_snapshot!(out);
}

#[test]
fn plan_json_lists_sessions_and_tasks_in_creation_order() {
    let (code, out, err) = wf(&[
        "plan",
        "testdata/examples/daily_report/daily_report.dig",
        "--from",
        "2026-03-01T00:00:00Z",
        "--sessions",
        "2",
        "--format",
        "json",
    ]);
    assert_eq!(code, 0, "{err}");
    insta::assert_snapshot!(out);
}

#[test]
fn plan_mermaid_and_dot() {
    let (_, mermaid, _) = wf(&["plan", "testdata/model/options.dig", "--format", "mermaid"]);
    insta::assert_snapshot!(mermaid);
    let (_, dot, _) = wf(&["plan", "testdata/model/options.dig", "--format", "dot"]);
    assert!(dot.starts_with("digraph workflow {"), "{dot}");
}

#[test]
fn plan_refuses_a_broken_workflow() {
    let (code, _, err) = wf(&["plan", "testdata/examples/broken/broken.dig"]);
    assert_eq!(code, 1);
    assert!(err.contains("wf lint"), "{err}");
}

#[test]
fn readme_console_examples_match_real_output() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let readme = std::fs::read_to_string(root.join("README.md")).expect("README.md");
    let mut checked = 0;
    for block in readme.split("```console\n").skip(1) {
        let Some((body, _)) = block.split_once("```") else {
            continue;
        };
        let Some((cmd, expected)) = body.split_once('\n') else {
            continue;
        };
        // Only complete examples: no pipes, no elided output.
        if cmd.contains('|') || expected.lines().any(|l| l.trim() == "...") {
            continue;
        }
        let args: Vec<&str> = cmd.trim_start_matches("$ wf ").split_whitespace().collect();
        let (_, out, _) = wf(&args);
        assert_eq!(out, expected, "README example `{cmd}` is stale");
        checked += 1;
    }
    assert!(checked >= 1, "no complete README example found");
}

#[test]
fn lint_github_format_annotates_each_problem() {
    let (code, out, _) = wf(&["lint", "testdata/examples/broken", "--format", "github"]);
    assert_eq!(code, 1);
    insta::assert_snapshot!(out);
}

/// The official SARIF 2.1.0 JSON schema (draft-07), `$id`
/// `https://raw.githubusercontent.com/oasis-tcs/sarif-spec/master/Schemata/sarif-schema-2.1.0.json`:
/// the OASIS sarif-spec repository's `Schemata/sarif-schema-2.1.0.json`, copied byte for byte
/// from the copy the `serde-sarif` 0.8.0 crate ships as `src/schema.json` (crates.io; MIT).
/// raw.githubusercontent.com was not reachable from the development machine, and the npm
/// packages that ship a SARIF schema ship the `2.1.0-rtm.5` draft instead.
///
/// One pattern of that file (`language` of `run` and of `toolComponent`),
/// `^[a-zA-Z]{2}|^[a-zA-Z]{2}-[a-zA-Z]{2}]?$`, has a stray `]` that the validator's ECMA-262
/// check rejects (so it refuses the whole schema); it is replaced in memory by the intended
/// `^[a-zA-Z]{2}(-[a-zA-Z]{2})?$`. wf emits no `language`.
fn sarif_validator() -> jsonschema::Validator {
    fn fix_language_pattern(v: &mut serde_json::Value, fixed: &mut usize) {
        match v {
            serde_json::Value::Object(m) => {
                if m.get("pattern").and_then(|p| p.as_str())
                    == Some("^[a-zA-Z]{2}|^[a-zA-Z]{2}-[a-zA-Z]{2}]?$")
                {
                    m.insert("pattern".into(), "^[a-zA-Z]{2}(-[a-zA-Z]{2})?$".into());
                    *fixed += 1;
                }
                m.values_mut().for_each(|c| fix_language_pattern(c, fixed));
            }
            serde_json::Value::Array(a) => {
                a.iter_mut().for_each(|c| fix_language_pattern(c, fixed))
            }
            _ => {}
        }
    }
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/sarif-schema-2.1.0.json");
    let mut schema: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(path).expect("schema")).expect("json");
    let mut fixed = 0;
    fix_language_pattern(&mut schema, &mut fixed);
    assert_eq!(fixed, 2, "the schema's two `language` patterns");
    jsonschema::draft7::options()
        .should_validate_formats(true)
        .build(&schema)
        .expect("valid schema")
}

/// Runs `wf lint ARGS --format sarif`, validates the log against the SARIF schema and returns it.
fn sarif_of(args: &[&str]) -> serde_json::Value {
    let mut all = vec!["lint", "--format", "sarif"];
    all.extend_from_slice(args);
    let (code, out, err) = wf(&all);
    assert!(code == 0 || code == 1, "{err}");
    let log: serde_json::Value = serde_json::from_str(&out).expect("sarif json");
    let errors: Vec<String> = sarif_validator()
        .iter_errors(&log)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .take(20)
        .collect();
    assert!(
        errors.is_empty(),
        "SARIF schema violations:\n{}",
        errors.join("\n")
    );
    log
}

#[test]
fn lint_sarif_format() {
    let v = sarif_of(&["testdata/examples/broken"]);
    assert_eq!(v["version"], "2.1.0");
    let run = &v["runs"][0];
    // Columns count characters, not UTF-16 units (SARIF's default).
    assert_eq!(run["columnKind"], "unicodeCodePoints");
    let results = run["results"].as_array().expect("results");
    assert_eq!(results.len(), 7);
    assert_eq!(results[0]["ruleId"], "M001");
    assert_eq!(
        results[0]["locations"][0]["physicalLocation"]["region"]["startLine"],
        3
    );
    let rules = run["tool"]["driver"]["rules"].as_array().expect("rules");
    assert!(rules
        .iter()
        .any(|r| r["id"] == "S002" && r["name"] == "duplicate-key"));
    // Every result points at its rule.
    for r in results {
        let i = r["ruleIndex"].as_u64().expect("ruleIndex") as usize;
        assert_eq!(rules[i]["id"], r["ruleId"]);
    }
    insta::assert_snapshot!(serde_json::to_string_pretty(results).expect("json"));
}

#[test]
fn lint_sarif_uris_are_valid_for_any_file_name() {
    let dir = std::env::temp_dir().join(format!("wf sarif test {}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("temp dir");
    std::fs::write(dir.join("daily report ü#1.dig"), "+a:\n  ehco>: hi\n").expect("write");
    let path = dir.to_string_lossy().into_owned();
    let v = sarif_of(&[&path]);
    let uri = v["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]
        ["uri"]
        .as_str()
        .expect("uri")
        .to_string();
    let _ = std::fs::remove_dir_all(&dir);
    assert!(uri.starts_with("file:///"), "{uri}");
    let want = format!(
        "/wf%20sarif%20test%20{}/daily%20report%20%C3%BC%231.dig",
        std::process::id()
    );
    assert!(uri.ends_with(&want), "{uri}");
}

#[test]
fn lint_sarif_of_the_whole_corpus_is_valid() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    if !root.join("../shared/corpus").is_dir() {
        assert!(
            std::env::var("WF_SKIP_CORPUS").is_ok_and(|v| v == "1"),
            "corpus not found"
        );
        return;
    }
    let v = sarif_of(&["../shared/corpus"]);
    let results = v["runs"][0]["results"].as_array().expect("results");
    assert!(results.len() > 500, "{}", results.len());
}

#[test]
fn lint_skips_include_fragments_of_an_enclosing_project() {
    let (code, out, _) = wf(&["lint", "testdata/projects", "--format", "json"]);
    assert_eq!(code, 0, "{out}");
    assert_eq!(out.trim(), "[]");
    // Linted alone, the fragment is (rightly) not a valid workflow.
    let (code, _, _) = wf(&["lint", "testdata/projects/with_fragments/config/vars.dig"]);
    assert_eq!(code, 1);
}

#[test]
fn lint_strict_fails_on_warnings() {
    let (code, _, _) = wf(&["lint", "testdata/rules/O001/fail.dig"]);
    assert_eq!(code, 0, "warnings alone pass by default");
    let (code, _, _) = wf(&["lint", "testdata/rules/O001/fail.dig", "--strict"]);
    assert_eq!(code, 1);
}

#[test]
fn lint_short_format_and_ignore_comments() {
    let (code, out, _) = wf(&["lint", "testdata/suppress", "--format", "short"]);
    assert_eq!(code, 0);
    // `# wf:ignore-file[O001]` and `# wf:ignore[unknown-parameter]` silence the first two.
    assert_eq!(
        out,
        "testdata/suppress/suppress.dig:10:3: warning[O002] Parameter '_retyr' is not used at task +suppress+c. > Did you mean [_retry]?\n"
    );
}

#[test]
fn lint_fix_renames_typos_and_keeps_the_rest_byte_identical() {
    let dir = std::env::temp_dir().join(format!("wf-fix-test-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("temp dir");
    let original = "# keep this comment\r\n+group:\r\n  parallel: true\r\n  +a:\r\n    ehco>: hi   # and this\r\n  +b:\r\n    echo>: x\r\n    _retyr: 3\r\n";
    let file = dir.join("wf.dig");
    std::fs::write(&file, original).expect("write");
    let path = file.to_string_lossy().into_owned();
    let (code, out, err) = wf(&["lint", &path, "--fix", "--format", "short"]);
    assert_eq!(code, 0, "{out}{err}");
    assert!(err.contains("fixed 3 problems in 1 file"), "{err}");
    assert_eq!(out, "", "nothing left to report");
    let fixed = std::fs::read_to_string(&file).expect("read");
    assert_eq!(
        fixed,
        "# keep this comment\r\n+group:\r\n  _parallel: true\r\n  +a:\r\n    echo>: hi   # and this\r\n  +b:\r\n    echo>: x\r\n    _retry: 3\r\n"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn plan_every_digdag_example() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let dir = root.join("../shared/corpus/digdag/examples");
    let Ok(rd) = std::fs::read_dir(&dir) else {
        assert!(
            std::env::var("WF_SKIP_CORPUS").is_ok_and(|v| v == "1"),
            "corpus not found at {}",
            dir.display()
        );
        return;
    };
    let mut files: Vec<_> = rd
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "dig"))
        .collect();
    files.sort();
    assert!(files.len() >= 20);
    let mut all = String::new();
    for f in files {
        let rel = format!(
            "../shared/corpus/digdag/examples/{}",
            f.file_name().unwrap_or_default().to_string_lossy()
        );
        let (code, out, err) = wf(&[
            "plan",
            &rel,
            "--from",
            "2026-03-07T00:00:00Z",
            "--sessions",
            "3",
        ]);
        assert_eq!(code, 0, "{rel}: {err}");
        all.push_str(&format!("=== {rel}\n{out}\n"));
    }
    insta::assert_snapshot!(all);
}

#[test]
fn check_prints_digdags_summary() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let out = Command::new(env!("CARGO_BIN_EXE_wf"))
        .args([
            "check",
            "testdata/examples/daily_report",
            "--now",
            "2026-03-01T00:00:00Z",
        ])
        .env("TZ", "UTC")
        .current_dir(root)
        .output()
        .expect("run wf");
    assert_eq!(out.status.code(), Some(0));
    insta::assert_snapshot!(String::from_utf8_lossy(&out.stdout));
}

#[test]
fn rules_lists_every_rule_with_its_fix() {
    let (code, out, _) = wf(&["rules"]);
    assert_eq!(code, 0);
    assert_eq!(out.lines().count(), wf_rule_count());
    let line = |code: &str| {
        out.lines()
            .find(|l| l.starts_with(code))
            .unwrap_or_else(|| panic!("no {code} in {out}"))
            .to_string()
    };
    assert!(line("O001").ends_with("(wf lint --fix)"), "{out}");
    assert!(line("V002").ends_with("(quick fix)"), "{out}");
    assert!(line("S002").ends_with('.'), "{out}");
}

/// Rules in the README table (one row each).
fn wf_rule_count() -> usize {
    let (_, table, _) = wf(&["rules", "--markdown"]);
    table.lines().filter(|l| l.starts_with("| `")).count()
}

/// What the `echo>` tasks of a planned corpus workflow print, in the order the simulation
/// starts them, up to the first `fail>` (the end of the first attempt): digdag's executor
/// tests append each message to a file and compare the file.
fn planned_echo_order(file: &str) -> String {
    let (code, out, err) = wf(&[
        "plan",
        file,
        "--session",
        "2026-03-01",
        "--simulate",
        "--show-params",
        "--format",
        "json",
    ]);
    assert_eq!(code, 0, "{file}: {err}");
    let v: serde_json::Value = serde_json::from_str(&out).expect("json");
    let mut tasks: Vec<(u64, usize, &serde_json::Value)> = v["tasks"]
        .as_array()
        .expect("tasks")
        .iter()
        .enumerate()
        .filter(|(_, t)| t["kind"] == "operator")
        .map(|(i, t)| (t["start"].as_u64().expect("start"), i, t))
        .collect();
    tasks.sort_by_key(|(start, i, _)| (*start, *i));
    let mut printed = String::new();
    for (_, _, t) in tasks {
        match t["operator"].as_str() {
            Some("fail") => break,
            Some("echo") => {
                let param = t["params"]
                    .as_array()
                    .and_then(|ps| ps.iter().find(|p| p["key"] == "echo>"))
                    .expect("echo> parameter");
                assert_ne!(param["state"], "unresolved", "{param}");
                printed.push_str(param["value"].as_str().expect("string"));
            }
            _ => {}
        }
    }
    printed
}

// digdag-core's WorkflowExecutorTest asserts these outputs (first attempt, before retries).
#[test]
fn plan_orders_tasks_as_digdags_executor_tests_assert() {
    let dir = "../shared/corpus/digdag/digdag-core/src/test/resources/io/digdag/core/workflow";
    if !Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("..")
        .join(dir)
        .is_dir()
    {
        assert!(std::env::var("WF_SKIP_CORPUS").is_ok_and(|v| v == "1"));
        return;
    }
    for (file, expected) in [
        // randomEnqueue: "step1step2step3".
        ("random_enqueue_simple.dig", "step1step2step3"),
        // forEachRetry: "012failed012failed012failed" (`_retry: 2` reruns the workflow).
        ("for_each_retry.dig", "012failed"),
        // ifOperatorDelayedEvalDo / ...ElseDo: "OK_do", "OK_else_do".
        ("if_operator_do.dig", "OK_do"),
        ("if_operator_else_do.dig", "OK_else_do"),
        // retryInLoop: "loop0:try1try2succeeded.loop1:try1try2succeeded.loop2:try1try2"
        // then the retries of +loop-2's group.
        (
            "retry_in_loop.dig",
            "loop0:try1try2succeeded.loop1:try1try2succeeded.loop2:try1try2",
        ),
    ] {
        assert_eq!(
            planned_echo_order(&format!("{dir}/{file}")),
            expected,
            "{file}"
        );
    }
}

// digdag-tests' BackgroundAfterIT: a `_background` task runs alongside the tasks before it,
// and the next task waits for both; `_after` waits for the named sibling.
#[test]
fn plan_background_and_after_as_digdags_acceptance_tests_assert() {
    let dir = "../shared/corpus/digdag/digdag-tests/src/test/resources/acceptance/background_after";
    if !Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("..")
        .join(dir)
        .is_dir()
    {
        assert!(std::env::var("WF_SKIP_CORPUS").is_ok_and(|v| v == "1"));
        return;
    }
    let starts = |file: &str| -> std::collections::HashMap<String, (u64, u64)> {
        let (code, out, err) = wf(&[
            "plan",
            &format!("{dir}/{file}"),
            "--simulate",
            "--format",
            "json",
        ]);
        assert_eq!(code, 0, "{err}");
        let v: serde_json::Value = serde_json::from_str(&out).expect("json");
        v["tasks"]
            .as_array()
            .expect("tasks")
            .iter()
            .map(|t| {
                let name = t["name"].as_str().unwrap_or_default();
                let own = name.rsplit('+').next().unwrap_or_default().to_string();
                let tm = (
                    t["start"].as_u64().unwrap_or(0),
                    t["end"].as_u64().unwrap_or(0),
                );
                (own, tm)
            })
            .collect()
    };
    for file in ["background_task.dig", "background_group.dig"] {
        let s = starts(file);
        let bg = if file == "background_task.dig" {
            s["background_task"]
        } else {
            s["background_group"]
        };
        assert_eq!(bg.0, s["forward_task"].0, "{file}: runs alongside");
        assert!(
            s["following_task"].0 >= bg.1.max(s["forward_task"].1),
            "{file}"
        );
    }
    for (file, after) in [
        ("after_task.dig", "after_task"),
        ("after_group.dig", "after_group"),
    ] {
        let s = starts(file);
        assert!(s[after].0 >= s["before"].1, "{file}");
    }
}

#[test]
fn plan_one_session_with_parameters_and_simulation() {
    let (code, out, err) = wf(&[
        "plan",
        "testdata/plan/ingest/ingest.dig",
        "--session",
        "2026-03-02",
        "-p",
        "env=prod",
        "--show-params",
        "--simulate",
        "--durations",
        "testdata/plan/ingest/durations.yml",
    ]);
    assert_eq!(code, 0, "{err}");
    // for_each> expanded from the `_export`ed list, in parallel; `if>` decided by `-p env=prod`.
    assert!(
        out.contains("        +for-0=region=1=us                              1..18   *\n"),
        "{out}"
    );
    assert!(
        out.contains("    create_table: \"events_us\"  (from \"events_${region}\")\n"),
        "{out}"
    );
    assert!(
        out.contains("      ^sub  echo>                                      22..23   *\n"),
        "{out}"
    );
    insta::assert_snapshot!(out);
    // Without `-p`, the project's wf.toml says env = "dev": `if>` generates nothing.
    let (_, out, _) = wf(&[
        "plan",
        "testdata/plan/ingest/ingest.dig",
        "--session",
        "2026-03-02",
    ]);
    assert!(!out.contains("^sub  echo>"), "{out}");
    let (code, json, err) = wf(&[
        "plan",
        "testdata/plan/ingest/ingest.dig",
        "--session",
        "2026-03-02",
        "--simulate",
        "--show-params",
        "--format",
        "json",
    ]);
    assert_eq!(code, 0, "{err}");
    let v: serde_json::Value = serde_json::from_str(&json).expect("json");
    assert_eq!(v["makespan"], 5);
    assert_eq!(v["sessions"][0]["run_time"], "2026-03-02T02:00:00+09:00");
    assert_eq!(v["session_variables"]["session_date"], "2026-03-02");
    let load = v["tasks"]
        .as_array()
        .and_then(|ts| {
            ts.iter()
                .find(|t| t["name"] == "+ingest+extract^sub+for-0=region=0=eu+load")
        })
        .expect("generated task");
    assert_eq!(load["generated"], true);
    assert_eq!(
        load["upstream"][0],
        "+ingest+extract^sub+for-0=region=0=eu+fetch"
    );
    let table = load["params"]
        .as_array()
        .and_then(|ps| ps.iter().find(|p| p["key"] == "create_table"))
        .expect("create_table");
    assert_eq!(table["value"], "events_eu");
    assert_eq!(table["written"], "events_${region}");
    assert_eq!(table["state"], "evaluated");
    let notify = &v["tasks"].as_array().expect("tasks").last().expect("task")["expansion"];
    assert_eq!(notify["state"], "static");
}

#[test]
fn plan_reports_bad_plan_arguments() {
    let (code, _, err) = wf(&[
        "plan",
        "testdata/plan/ingest/ingest.dig",
        "--durations",
        "testdata/plan/ingest/durations.yml",
    ]);
    assert_eq!(code, 2);
    assert!(err.contains("need --simulate"), "{err}");
    let (code, _, err) = wf(&[
        "plan",
        "testdata/plan/ingest/ingest.dig",
        "--simulate",
        "--durations",
        "testdata/plan/ingest/bad_durations.yml",
    ]);
    assert_eq!(code, 2);
    assert!(
        err.contains(
            "bad_durations.yml: line 1, column 9: the duration of `+fetch` must be a whole number"
        ),
        "{err}"
    );
    let (code, _, err) = wf(&[
        "plan",
        "testdata/plan/ingest/ingest.dig",
        "--session",
        "soon",
    ]);
    assert_eq!(code, 2);
    assert!(err.contains("invalid session \"soon\""), "{err}");
    let (code, _, err) = wf(&["plan", "testdata/plan/ingest/ingest.dig", "-p", "novalue"]);
    assert_eq!(code, 2);
    assert!(
        err.contains("Parameter -p expected a value of the form a=b but got:novalue"),
        "{err}"
    );
}

#[test]
fn plan_abbreviates_a_long_critical_path() {
    let (code, out, err) = wf(&["plan", "testdata/plan/long_chain.dig", "--simulate"]);
    assert_eq!(code, 0, "{err}");
    assert!(
        out.contains("      ^sub                                              1..21   *\n"),
        "{out}"
    );
    assert!(
        out.contains(
            "        +loop-19  echo>                                20..21   *  after +loop-18\n"
        ),
        "{out}"
    );
    assert_eq!(
        out.lines().last(),
        Some("critical path (21 tasks): +long_chain+chain -> +long_chain+chain^sub+loop-0 -> +long_chain+chain^sub+loop-1 -> +long_chain+chain^sub+loop-2 -> +long_chain+chain^sub+loop-3 -> (11 more) -> +long_chain+chain^sub+loop-15 -> +long_chain+chain^sub+loop-16 -> +long_chain+chain^sub+loop-17 -> +long_chain+chain^sub+loop-18 -> +long_chain+chain^sub+loop-19")
    );
}
