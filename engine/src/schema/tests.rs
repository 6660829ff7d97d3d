use super::*;
use crate::diagnostic::Severity;
use crate::load::{Loader, MemoryFileSystem};
use crate::model::{compile_workflow, Task, TaskKind};
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// The operators the catalog must cover (semantics §2, issue 3).
const REQUIRED_OPERATORS: &[&str] = &[
    "echo",
    "fail",
    "if",
    "loop",
    "for_each",
    "for_range",
    "call",
    "require",
    "wait",
    "sh",
    "py",
    "rb",
    "embulk",
    "mail",
    "http",
    "http_call",
    "param_get",
    "param_set",
    "notify",
    "td",
    "td_run",
    "td_ddl",
    "td_load",
    "td_for_each",
    "td_wait",
    "td_wait_table",
    "td_table_export",
    "td_result_export",
    "td_partial_delete",
    "pg",
    "redshift",
    "redshift_load",
    "redshift_unload",
    "emr",
    "s3_wait",
    "gcs_wait",
    "bq",
    "bq_ddl",
    "bq_load",
    "bq_extract",
];

#[test]
fn every_operator_is_present() {
    for name in REQUIRED_OPERATORS {
        let op = operator(name).unwrap_or_else(|| panic!("operator {name} missing"));
        assert_eq!(op.name, *name);
        assert!(!op.summary.is_empty(), "{name}: no summary");
        assert!(!op.example.is_empty(), "{name}: no example");
        assert!(operator(&format!("{name}>")).is_some());
    }
    assert_eq!(operators().len(), REQUIRED_OPERATORS.len());
    let params: usize = operators().iter().map(|o| o.params().count()).sum();
    let distinct: BTreeSet<&str> = operators().iter().flat_map(|o| o.param_names()).collect();
    let stores: usize = operators().iter().map(|o| o.stores.len()).sum();
    let secrets: usize = operators().iter().map(|o| o.secrets.len()).sum();
    println!(
        "catalog: {} operators, {params} operator parameters ({} distinct names), {stores} stored values, {secrets} secrets, {} directives, {} built-in variables, {} schedule kinds, {} schedule options",
        operators().len(),
        distinct.len(),
        directives().len(),
        builtin_variables().len(),
        schedule_kinds().len(),
        schedule_options().len()
    );
    assert!(operator("nop").is_none(), "nop is not registered in digdag");
    assert!(operator("store").is_none());
}

fn assert_sorted(what: &str, names: Vec<&str>) {
    for w in names.windows(2) {
        assert!(
            w[0] < w[1],
            "{what} not sorted or duplicated: {} >= {}",
            w[0],
            w[1]
        );
    }
}

#[test]
fn tables_are_sorted_for_binary_search() {
    assert_sorted("operators", operators().iter().map(|o| o.name).collect());
    assert_sorted("directives", directives().iter().map(|d| d.name).collect());
    assert_sorted(
        "variables",
        builtin_variables().iter().map(|v| v.name).collect(),
    );
    assert_sorted(
        "schedule kinds",
        schedule_kinds().iter().map(|k| k.name).collect(),
    );
    for o in operators() {
        assert_eq!(operator(o.name).map(|x| x.name), Some(o.name));
    }
    for d in directives() {
        assert_eq!(directive(d.name).map(|x| x.name), Some(d.name));
    }
    for v in builtin_variables() {
        assert_eq!(builtin_variable(v.name).map(|x| x.name), Some(v.name));
    }
}

fn assert_unique_keys(owner: &str, keys: &[ParamSpec]) {
    let mut seen = BTreeSet::new();
    for k in keys {
        assert!(seen.insert(k.name), "{owner}: key {} twice", k.name);
        assert!(!k.summary.is_empty(), "{owner}.{}: no summary", k.name);
        if let Some(d) = k.default {
            assert!(
                k.ty.allows(d),
                "{owner}.{}: default {d} not allowed",
                k.name
            );
        }
        assert_unique_keys(&format!("{owner}.{}", k.name), k.keys);
    }
}

#[test]
fn parameter_names_are_unique_and_consistent() {
    for op in operators() {
        let params: Vec<ParamSpec> = op.params().copied().collect();
        assert_unique_keys(op.name, &params);
        assert_unique_keys(&format!("{}>", op.name), op.command.keys);
        for g in op.exclusive {
            for n in g.iter() {
                assert!(
                    *n == "_command" || op.param(n).is_some(),
                    "{}: exclusive {n}",
                    op.name
                );
            }
        }
        for g in op.command.exclusive_keys {
            for n in g.iter() {
                assert!(
                    op.command.key(n).is_some(),
                    "{}: exclusive key {n}",
                    op.name
                );
            }
        }
        for a in op.command.alternatives {
            assert!(op.param(a).is_some(), "{}: alternative {a}", op.name);
        }
        for s in op.stores.iter().chain(op.exports) {
            if let StoreWhen::ParamEnabled(p) = s.when {
                assert!(op.param(p).is_some(), "{}: store condition {p}", op.name);
            }
        }
        assert!(op.command.accepted || !op.command.required);
        assert!(!op.else_do || op.do_ != DoUse::None);
    }
    for d in directives() {
        assert_unique_keys(d.name, d.keys);
    }
    assert_unique_keys("schedule", schedule_options());
}

/// The ```yaml blocks of a markdown text.
fn yaml_blocks(md: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut rest = md;
    while let Some(start) = rest.find("```yaml\n") {
        let body = &rest[start + 8..];
        let end = body.find("```").expect("unterminated yaml block");
        out.push(&body[..end]);
        rest = &body[end + 3..];
    }
    out
}

/// Parses and loads `text`; with `compile`, also compiles it as a workflow. Returns the
/// problems found.
fn check_example(what: &str, text: &str, compile: bool) -> Vec<String> {
    let parse = crate::syntax::parse(text);
    let mut problems: Vec<String> = parse
        .errors
        .iter()
        .map(|e| format!("{what}: syntax: {}", e.message))
        .collect();
    let mut fs = MemoryFileSystem::new();
    fs.insert("/p/example.dig", text);
    let mut loader = Loader::new(&fs);
    let (file, value) = loader
        .load_workflow(Path::new("/p/example.dig"))
        .expect("in memory");
    if compile {
        if let Some(v) = &value {
            compile_workflow("example", file, v, &mut loader.diagnostics);
        }
    }
    for d in &loader.diagnostics {
        if d.severity == Severity::Error {
            problems.push(format!("{what}: {} {}", d.code, d.message));
        }
    }
    if value.is_none() && problems.is_empty() {
        problems.push(format!("{what}: not a mapping"));
    }
    problems
}

fn param_docs(owner: &str, params: &[ParamSpec], out: &mut Vec<(String, &'static str)>) {
    for p in params {
        out.push((format!("{owner}.{}", p.name), p.doc));
        param_docs(&format!("{owner}.{}", p.name), p.keys, out);
    }
}

#[test]
fn every_example_parses_and_loads() {
    let mut problems = Vec::new();
    let mut count = 0;
    // Complete workflows: they must also compile without errors.
    for op in operators() {
        assert!(
            op.example.contains(&format!("{}>:", op.name)),
            "{}: the example does not use the operator",
            op.name
        );
        problems.extend(check_example(
            &format!("{}> example", op.name),
            op.example,
            true,
        ));
        count += 1;
    }
    for k in schedule_kinds() {
        problems.extend(check_example(
            &format!("{}> example", k.name),
            k.example,
            true,
        ));
        count += 1;
    }
    for d in directives() {
        for block in yaml_blocks(d.doc) {
            // `trigger` is Treasure Workflow only: open-source digdag's loader rejects it.
            problems.extend(check_example(d.name, block, !d.treasure_workflow_only));
            count += 1;
        }
    }
    // Fragments (`engine: hive`): they must parse and load.
    let mut docs: Vec<(String, &'static str)> = Vec::new();
    for op in operators() {
        docs.push((format!("{}>", op.name), op.doc));
        docs.push((format!("{}> command", op.name), op.command.doc));
        let params: Vec<ParamSpec> = op.params().copied().collect();
        param_docs(op.name, &params, &mut docs);
        param_docs(op.name, op.command.keys, &mut docs);
    }
    for d in directives() {
        param_docs(d.name, d.keys, &mut docs);
    }
    param_docs("schedule", schedule_options(), &mut docs);
    for k in schedule_kinds() {
        docs.push((format!("{}>", k.name), k.doc));
    }
    for v in builtin_variables() {
        docs.push((v.name.to_string(), v.doc));
    }
    for (what, doc) in docs {
        for block in yaml_blocks(doc) {
            problems.extend(check_example(&what, block, false));
            count += 1;
        }
    }
    println!("examples: {count} checked");
    assert!(problems.is_empty(), "{problems:#?}");
}

#[test]
fn spot_checks() {
    let td = operator("td").unwrap();
    let engine = td.param("engine").unwrap();
    assert_eq!(engine.allowed_values(), &["presto", "hive"]);
    assert_eq!(engine.default, Some("presto"));
    assert!(!engine.ty.allows("prestoo"));
    assert_eq!(td.command.file, FileRef::Template);
    assert_eq!(td.nested, &["td"]);
    assert!(td.excludes("create_table", "insert_into"));
    assert!(td.excludes("download_file", "create_table"));
    assert!(td.param("database").unwrap().required);
    assert!(td.store("td.last_job_id").is_some());
    assert_eq!(
        td.store("td.last_results").unwrap().when,
        StoreWhen::ParamEnabled("store_last_results")
    );
    assert!(td.retry);
    assert!(td.param("apikey").unwrap().deprecated.is_some());

    let retry = directive("_retry").unwrap();
    let it = retry.key("interval_type").unwrap();
    assert_eq!(it.allowed_values(), &["constant", "exponential"]);
    assert!(it.ty.allows("Exponential"), "interval_type ignores case");
    assert!(!it.ty.allows("linear"));
    assert!(retry.key("limit").unwrap().required);
    assert_eq!(retry.key("interval").unwrap().default, Some("0"));
    assert!(retry.key("max_interval").is_some());
    assert!(retry.in_export);

    let http = operator("http").unwrap();
    assert_eq!(http.param("method").unwrap().default, Some("GET"));
    assert_eq!(http.param("timeout").unwrap().default, Some("30"));
    assert_eq!(
        http.store("http.last_content").unwrap().when,
        StoreWhen::ParamEnabled("store_content")
    );
    assert_eq!(
        http.store("http.last_status").unwrap().when,
        StoreWhen::Always
    );
    assert!(operator("http_call")
        .unwrap()
        .param("store_content")
        .is_none());

    let pg = operator("pg").unwrap();
    assert!(pg.excludes("create_table", "insert_into"));
    assert!(pg.excludes("download_file", "insert_into"));
    assert_eq!(pg.param("port").unwrap().default, Some("5432"));
    assert_eq!(
        operator("redshift").unwrap().param("port").unwrap().default,
        Some("5439")
    );
    assert!(pg
        .param("store_last_results")
        .unwrap()
        .allowed_values()
        .contains(&"all"));

    // _retry honoured or not (§2).
    for name in [
        "echo",
        "fail",
        "if",
        "loop",
        "for_each",
        "for_range",
        "wait",
        "s3_wait",
        "notify",
    ] {
        assert!(!operator(name).unwrap().retry, "{name} ignores _retry");
    }
    for name in [
        "sh",
        "py",
        "call",
        "require",
        "td",
        "pg",
        "emr",
        "bq",
        "gcs_wait",
        "http_call",
    ] {
        assert!(operator(name).unwrap().retry, "{name} honours _retry");
    }

    // _do / _else_do and loop variables.
    assert_eq!(operator("if").unwrap().do_, DoUse::Optional);
    assert!(operator("if").unwrap().else_do);
    assert_eq!(operator("loop").unwrap().do_, DoUse::Required);
    assert_eq!(operator("loop").unwrap().exports[0].name, "i");
    assert!(operator("for_each").unwrap().exports_command_keys);
    assert_eq!(operator("for_range").unwrap().exports[0].name, "range");
    assert_eq!(operator("td_for_each").unwrap().exports[0].name, "td.each");
    let fr = operator("for_range").unwrap();
    assert!(fr.command.key("from").unwrap().required);
    assert_eq!(fr.command.exclusive_keys, &[&["step", "slices"][..]]);
    assert!(operator("require")
        .unwrap()
        .excludes("project_id", "project_name"));
    assert_eq!(
        operator("require")
            .unwrap()
            .param("rerun_on")
            .unwrap()
            .allowed_values(),
        &["none", "failed", "all"]
    );
    assert_eq!(operator("wait").unwrap().command.ty, ValueType::Duration);

    // Files.
    assert_eq!(operator("call").unwrap().command.file, FileRef::Workflow);
    assert_eq!(operator("py").unwrap().command.file, FileRef::PythonMethod);
    assert_eq!(operator("mail").unwrap().command.file, FileRef::Template);
    assert_eq!(operator("embulk").unwrap().command.file, FileRef::Template);
    assert!(matches!(
        operator("td_load").unwrap().command.file,
        FileRef::TemplateIfExtension(_)
    ));
    assert!(!operator("td_ddl").unwrap().command.accepted);
    assert_eq!(
        operator("td").unwrap().param("download_file").unwrap().file,
        FileRef::Output
    );

    // Stores of the other operators.
    assert!(operator("s3_wait")
        .unwrap()
        .store("s3.last_object")
        .is_some());
    assert!(operator("emr")
        .unwrap()
        .store("emr.last_cluster_id")
        .is_some());
    assert!(operator("bq").unwrap().store("bq.last_job_id").is_some());
    assert!(operator("pg").unwrap().store("pg.last_results").is_some());
    assert_eq!(operator("py").unwrap().dynamic, DynamicOutputs::Script);
    assert_eq!(
        operator("param_get").unwrap().dynamic,
        DynamicOutputs::LocalKeyValues
    );
    assert!(operator("http")
        .unwrap()
        .secrets
        .iter()
        .any(|s| s.key == "http.authorization"));

    // Directives.
    let check = directive("_check").unwrap();
    assert_eq!((check.group, check.operator), (Use::Ignored, Use::Yes));
    assert!(!directive("_env").unwrap().in_export);
    assert_eq!(directive("_workdir").unwrap().group, Use::No);
    assert_eq!(directive("_background").unwrap().top_level, Use::No);
    assert!(!directive("_do").unwrap().templated);
    assert_eq!(
        directive("sla").unwrap().key("alert").unwrap().default,
        Some("true")
    );
    assert_eq!(
        directive("sla").unwrap().key("fail").unwrap().default,
        Some("false")
    );
    assert!(directive("trigger").unwrap().treasure_workflow_only);
    assert!(directive("_parellel").is_none());
    assert!(directive("schedule")
        .unwrap()
        .key("skip_delayed_by")
        .is_some());

    // Schedules and variables.
    for k in [
        "hourly",
        "daily",
        "weekly",
        "monthly",
        "minutes_interval",
        "cron",
        "seconds_interval",
    ] {
        assert!(schedule_kind(k).is_some(), "{k}");
    }
    assert!(schedule_kind("daily>").unwrap().keys.contains(&"at"));
    assert!(schedule_kind("cron").unwrap().keys.contains(&"delay"));
    assert!(!schedule_kind("seconds_interval").unwrap().start_end);
    assert!(schedule_option("skip_on_overtime").is_some());
    assert!(
        builtin_variable("next_session_date")
            .unwrap()
            .requires_schedule
    );
    assert!(!builtin_variable("session_date").unwrap().requires_schedule);
    assert!(
        !builtin_variable("last_executed_session_time")
            .unwrap()
            .requires_schedule
    );
    assert_eq!(
        builtin_variable("session_unixtime").unwrap().ty,
        ValueType::Int
    );
    assert!(builtin_variable("session_local_time_compact").is_none());
    assert_eq!(builtin_variables().len(), 31);

    // Treasure Workflow profile.
    assert!(profile::restriction(Target::TreasureWorkflow, "embulk", None).is_some());
    assert!(profile::restriction(Target::TreasureWorkflow, "td", Some("download_file")).is_some());
    assert!(profile::restriction(Target::Digdag, "embulk", None).is_none());
    assert!(profile::target_only_operator(
        Target::TreasureWorkflow,
        "ipynb"
    ));
    for r in profile::TREASURE_WORKFLOW_RESTRICTIONS {
        let op = operator(r.operator).expect("restricted operator is catalogued");
        if let Some(p) = r.param {
            assert!(op.param(p).is_some(), "{}.{p}", r.operator);
        }
    }
}

#[test]
fn hover_text_mentions_the_essentials() {
    let h = operator("td").unwrap().hover_markdown();
    for needle in [
        "`td>`",
        "FILE.sql",
        "`engine` (presto | hive",
        "td.last_results",
        "td.apikey",
        "_export: {td:",
        "Honours",
    ] {
        assert!(h.contains(needle), "td hover lacks {needle}:\n{h}");
    }
    assert!(
        h.contains("**Treasure Workflow:** `download_file` is not available"),
        "{h}"
    );
    let h = operator("echo").unwrap().hover_markdown();
    assert!(h.contains("Ignores the task's `_retry`"), "{h}");
    let h = operator("loop").unwrap().hover_markdown();
    assert!(
        h.contains("`i` (int)") && h.contains("Requires `_do`"),
        "{h}"
    );
    let h = directive("_retry").unwrap().hover_markdown();
    assert!(
        h.contains("interval_type") && h.contains("constant | exponential"),
        "{h}"
    );
    assert!(schedule_kind("daily")
        .unwrap()
        .hover_markdown()
        .contains("daily>: 07:00:00"));
    assert!(builtin_variable("next_session_time")
        .unwrap()
        .hover_markdown()
        .contains("only when the workflow has a `schedule:`"));
    let p = operator("http").unwrap().param("method").unwrap();
    assert!(p.hover_markdown("http>").contains("default `GET`"));
}

/// Parameter names found in the corpus that the catalog does not know, each with the reason.
/// Keep it short: it is the list of what the catalog (or the corpus) gets wrong.
const ACKNOWLEDGED_UNKNOWN: &[(&str, &str, &str)] = &[
    (
        "echo",
        "append_file",
        "digdag's own core tests use a test-only `append_file` hook on echo>",
    ),
    (
        "td_ddl",
        "delete_table",
        "digdag's examples/treasuredata.dig (an `_error` task): td_ddl> reads `drop_tables`, not this",
    ),
    (
        "td_ddl",
        "empty_table",
        "a typo of `empty_tables` in treasure-boxes: the linter's did-you-mean should catch it",
    ),
    (
        "td_ddl",
        "suffix",
        "local variable read by a later key of the same task (`rename_tables: ... ${suffix}`), §4.3",
    ),
];

fn corpus_dir() -> Option<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/corpus");
    if dir.is_dir() {
        return Some(dir);
    }
    if std::env::var("WF_SKIP_CORPUS").is_ok_and(|v| v == "1") {
        return None;
    }
    panic!(
        "corpus not found at {} (set WF_SKIP_CORPUS=1 to skip)",
        dir.display()
    );
}

fn visit<'a>(t: &'a Task, f: &mut dyn FnMut(&'a Task)) {
    f(t);
    for c in &t.children {
        visit(c, f);
    }
    for sub in [
        &t.options.error,
        &t.options.do_task,
        &t.options.else_do_task,
        &t.options.check_task,
    ]
    .into_iter()
    .flatten()
    {
        visit(sub, f);
    }
}

#[test]
fn corpus_parameters_are_known() {
    let Some(corpus) = corpus_dir() else {
        return;
    };
    let projects = crate::load::project::find_projects(&[corpus]).expect("corpus readable");
    // (operator, key) -> uses, by category.
    let mut uses: BTreeMap<&'static str, BTreeMap<(String, String), usize>> = BTreeMap::new();
    let mut other_operators: BTreeMap<String, usize> = BTreeMap::new();
    let mut tasks = 0usize;
    let mut seen_files = BTreeSet::new();
    for project in &projects {
        let report = crate::check::lint_project(
            &crate::load::DiskFileSystem,
            &project.root,
            &project.workflows,
        );
        for wf in &report.workflows {
            if !seen_files.insert(report.sources.get(wf.file).path.clone()) {
                continue;
            }
            visit(&wf.root, &mut |t: &Task| {
                let TaskKind::Operator { name, .. } = &t.kind else {
                    return;
                };
                let Some(op) = operator(name) else {
                    *other_operators.entry(name.clone()).or_default() += 1;
                    return;
                };
                tasks += 1;
                for e in &t.params {
                    let key = e.key.as_str();
                    if key.ends_with('>') {
                        continue;
                    }
                    let category = if op.param(key).is_some() || op.nested.contains(&key) {
                        "known"
                    } else if let Some(ack) = ACKNOWLEDGED_UNKNOWN
                        .iter()
                        .find(|(o, k, _)| *o == op.name && *k == key)
                    {
                        let _ = ack;
                        "acknowledged unknown"
                    } else {
                        match op.extra_keys {
                            ExtraKeys::TemplateVariables => "template variable",
                            ExtraKeys::Environment => "environment variable",
                            ExtraKeys::Arguments => "script argument",
                            ExtraKeys::Data => "operator data",
                            ExtraKeys::Unused => "UNKNOWN",
                        }
                    };
                    *uses
                        .entry(category)
                        .or_default()
                        .entry((op.name.to_string(), key.to_string()))
                        .or_default() += 1;
                }
            });
        }
    }
    let total: usize = uses.values().flat_map(|m| m.values()).sum();
    let known: usize = uses.get("known").map_or(0, |m| m.values().sum());
    let accepted: usize = uses
        .iter()
        .filter(|(c, _)| !matches!(**c, "known" | "UNKNOWN" | "acknowledged unknown"))
        .flat_map(|(_, m)| m.values())
        .sum();
    println!(
        "corpus: {} workflow files; {tasks} tasks of catalogued operators, {} of other operators ({} kinds: {:?})",
        seen_files.len(),
        other_operators.values().sum::<usize>(),
        other_operators.len(),
        other_operators.keys().collect::<Vec<_>>()
    );
    println!(
        "corpus parameter uses: {total}; catalogued parameters {known} ({:.1}%); catalogued or accepted by the operator ({accepted} template variables / env vars / script arguments / data keys): {:.1}%",
        100.0 * known as f64 / total.max(1) as f64,
        100.0 * (known + accepted) as f64 / total.max(1) as f64,
    );
    for (category, m) in &uses {
        println!(
            "  {category}: {} uses, {} distinct (operator, key)",
            m.values().sum::<usize>(),
            m.len()
        );
    }
    if let Some(m) = uses.get("acknowledged unknown") {
        for ((o, k), n) in m {
            println!("    acknowledged {o}>.{k} x{n}");
        }
    }
    let unknown: Vec<String> = uses
        .get("UNKNOWN")
        .map(|m| {
            m.iter()
                .map(|((o, k), n)| format!("{o}>.{k} x{n}"))
                .collect()
        })
        .unwrap_or_default();
    assert!(
        unknown.is_empty(),
        "parameters unknown to the catalog: {unknown:#?}"
    );
    for (o, k, _) in ACKNOWLEDGED_UNKNOWN {
        assert!(
            uses.get("acknowledged unknown")
                .is_some_and(|m| m.contains_key(&(o.to_string(), k.to_string()))),
            "acknowledged {o}>.{k} no longer occurs: remove it from the list"
        );
        assert!(
            operator(o).unwrap().param(k).is_none(),
            "{o}>.{k} is now known"
        );
    }
}
