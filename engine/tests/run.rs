//! End-to-end runs of the fixture workflows in `testdata/run/` with the local executor: the
//! order tasks ran in (files the tasks append to) and the event trace a user sees.

mod common;

use common::{options, project, read, run_case, Trace};
use std::sync::Arc;
use wf_engine::run::{self, Mocks, Secrets};

#[test]
fn order_follows_digdag_dependencies() {
    let (root, report, trace) = run_case("order", "order.dig", |_| {});
    assert!(report.success, "{trace}");
    assert_eq!(
        read(&root, "out.txt").lines().collect::<Vec<_>>(),
        ["a", "bg", "b", "p1", "p2", "p3", "y", "x", "last"]
    );
    insta::assert_snapshot!(trace);
}

#[test]
fn parallel_tasks_overlap_within_the_limit() {
    // With room for 4 workers, the first batch of `_parallel: {limit: 2}` runs together.
    let root = project("order");
    std::fs::write(
        root.join("par.dig"),
        "+batch:\n  _parallel: {limit: 2}\n  +p1: {sh>: 'echo start >> log; sleep 0.3; echo end >> log'}\n  +p2: {sh>: 'echo start >> log; sleep 0.3; echo end >> log'}\n  +p3: {sh>: 'echo start >> log; echo end >> log'}\n",
    )
    .unwrap();
    let (wf, _) = run::load_workflow(&root, &root.join("par.dig")).unwrap();
    let mut opts = options(&root);
    opts.max_parallel = 4;
    let report = run::run_workflow(&wf, &opts, &mut Trace::default());
    assert!(report.success);
    assert_eq!(
        read(&root, "log").lines().collect::<Vec<_>>(),
        ["start", "start", "end", "end", "start", "end"]
    );
}

#[test]
fn stores_and_exports_reach_the_right_tasks() {
    let (_, report, trace) = run_case("stores", "stores.dig", |_| {});
    assert!(report.success, "{trace}");
    insta::assert_snapshot!(trace);
}

#[test]
fn retries_error_handlers_and_checks() {
    let (root, report, trace) = run_case("errors", "errors.dig", |_| {});
    assert!(!report.success);
    assert_eq!(read(&root, "count").trim(), "3");
    let failed: Vec<_> = report
        .failures()
        .map(|t| (t.name.as_str(), t.error.as_deref()))
        .collect();
    assert_eq!(failed, [("+errors+fails", Some("boom on 2026-12-01"))]);
    insta::assert_snapshot!(trace);
}

#[test]
fn generated_subtasks_have_digdag_names() {
    let (_, report, trace) = run_case("loops", "loops.dig", |_| {});
    assert!(report.success, "{trace}");
    insta::assert_snapshot!(trace);
}

#[test]
fn call_runs_the_other_file_in_its_directory() {
    let (_, report, trace) = run_case("call", "main.dig", |_| {});
    assert!(report.success, "{trace}");
    insta::assert_snapshot!(trace);
}

#[test]
fn templates_evaluate_per_task_and_undefined_names_fail_with_their_place() {
    let (_, report, trace) = run_case("templates", "templates.dig", |_| {});
    assert!(!report.success);
    insta::assert_snapshot!(trace);
}

#[test]
fn secrets_are_substituted_and_masked() {
    let (_, report, trace) = run_case("secrets", "secrets.dig", |o| {
        o.secrets = Arc::new(Secrets::from_map([(
            "api.token".to_string(),
            "s3cr3t-value".to_string(),
        )]));
    });
    assert!(!report.success);
    assert!(!trace.contains("s3cr3t-value"), "{trace}");
    insta::assert_snapshot!(trace);
}

#[test]
fn mocks_replace_operators_that_cannot_run_locally() {
    let root = project("mock");
    let (wf, _) = run::load_workflow(&root, &root.join("mock.dig")).unwrap();
    let unmocked = run::unrunnable_tasks(&wf, &Mocks::default());
    assert_eq!(
        unmocked.iter().map(|(t, _)| t.as_str()).collect::<Vec<_>>(),
        ["+mock+load", "+mock+notify"]
    );
    let mut loader_fs = wf_engine::load::Loader::new(&wf_engine::load::DiskFileSystem);
    let (_, v) = loader_fs.load_workflow(&root.join("mocks.yml")).unwrap();
    let mocks = Mocks::from_value(&v.unwrap()).unwrap();
    assert!(run::unrunnable_tasks(&wf, &mocks).is_empty());
    let mut opts = options(&root);
    opts.mocks = mocks;
    let mut trace = Trace::default();
    let report = run::run_workflow(&wf, &opts, &mut trace);
    assert!(!report.success);
    insta::assert_snapshot!(trace.0.join("\n"));
}

#[test]
fn resume_replays_results_of_succeeded_tasks() {
    let root = project("stores");
    let (wf, _) = run::load_workflow(&root, &root.join("stores.dig")).unwrap();
    let mut history = wf_engine::run::history::History::in_memory().unwrap();
    let attempt = history
        .start_attempt(
            &wf.name,
            &root.join("stores.dig"),
            "s1",
            &Default::default(),
        )
        .unwrap();
    let opts = options(&root);
    {
        let mut rec = wf_engine::run::history::HistoryRecorder::new(&mut history, attempt);
        assert!(run::run_workflow(&wf, &opts, &mut rec).success);
    }
    let mut again = options(&root);
    again.resume = history.succeeded_tasks(&wf.name, "s1").unwrap();
    // Python is not run again, yet the stored and exported values are the same.
    std::fs::remove_file(root.join("store.py")).unwrap();
    let mut trace = Trace::default();
    assert!(run::run_workflow(&wf, &again, &mut trace).success);
    assert!(
        trace.0.iter().all(|l| !l.starts_with("start")),
        "{:#?}",
        trace.0
    );
    assert!(trace.0.contains(&"resumed +stores+seen".to_string()));
}

#[test]
fn dry_run_evaluates_but_runs_nothing() {
    let (root, report, trace) = run_case("order", "order.dig", |o| o.dry_run = true);
    assert!(report.success, "{trace}");
    assert_eq!(read(&root, "out.txt"), "");
}

fn open_fds() -> usize {
    std::fs::read_dir("/proc/self/fd").map_or(0, |d| d.count())
}

#[test]
fn many_sh_tasks_leak_no_file_descriptors() {
    let root = project("order");
    let mut text = String::from("_parallel:\n  limit: 8\n");
    for i in 0..200 {
        text.push_str(&format!("+t{i:03}:\n  sh>: echo $task_name\n"));
    }
    std::fs::write(root.join("many.dig"), text).unwrap();
    let (wf, _) = run::load_workflow(&root, &root.join("many.dig")).unwrap();
    let mut opts = options(&root);
    opts.max_parallel = 8;
    let before = open_fds();
    let mut trace = Trace::default();
    let report = run::run_workflow(&wf, &opts, &mut trace);
    assert!(report.success);
    assert_eq!(
        trace.0.iter().filter(|l| l.starts_with("  log")).count(),
        200
    );
    // Other tests run in parallel threads of this process: allow their few descriptors.
    assert!(open_fds() <= before + 16, "{before} -> {}", open_fds());
    // Scratch directories are removed.
    let tmp = root.join(".wf/tmp");
    assert_eq!(std::fs::read_dir(&tmp).map_or(0, |d| d.count()), 0);
}

#[test]
fn tasks_before_follow_digdag_start_and_end_rules() {
    let root = project("order");
    let (wf, _) = run::load_workflow(&root, &root.join("order.dig")).unwrap();
    let (name, before) = run::tasks_before(&wf, "+batches+p3").unwrap();
    assert_eq!(name, "+order+batches+p3");
    let mut before: Vec<_> = before.into_iter().collect();
    before.sort();
    assert_eq!(
        before,
        [
            "+order",
            "+order+a",
            "+order+b",
            "+order+batches",
            "+order+batches+p1",
            "+order+batches+p2",
            "+order+bg"
        ]
    );
    assert!(run::tasks_before(&wf, "+nope").is_err());
    assert!(run::tasks_before(&wf, "+p")
        .unwrap_err()
        .contains("doesn't match"));
    // `--end +b`: +a and +bg run; +b and everything after are skipped.
    let (_, only) = run::tasks_before(&wf, "+b").unwrap();
    let (root2, report, trace) = run_case("order", "order.dig", |o| o.run_only = Some(only));
    assert!(report.success, "{trace}");
    assert_eq!(read(&root2, "out.txt"), "a\nbg\n");
    assert!(trace.contains("skipped +order+last"));
}

#[test]
fn sla_adds_alert_fail_and_notice_tasks_when_it_triggers() {
    let (_, report, trace) = run_case("sla", "sla.dig", |_| {});
    assert!(!report.success, "{trace}");
    insta::assert_snapshot!(trace);
}

#[test]
fn a_pending_sla_does_not_keep_a_finished_run_waiting() {
    let started = std::time::Instant::now();
    let (_, report, trace) = run_case("sla_long", "sla_long.dig", |_| {});
    assert!(report.success, "{trace}");
    assert!(!trace.contains("SLA violation"), "{trace}");
    // Without the fix the run slept until the SLA (an hour).
    assert!(started.elapsed() < std::time::Duration::from_secs(60));
}

#[test]
fn a_group_with_an_error_handler_still_fails_after_it() {
    let root = project("order");
    std::fs::write(
        root.join("g.dig"),
        "+g:\n  +bad:\n    fail>: broken\n  _error:\n    echo>: handling ${error.message}\n+after:\n  echo>: never\n",
    )
    .unwrap();
    let (wf, _) = run::load_workflow(&root, &root.join("g.dig")).unwrap();
    let mut trace = Trace::default();
    let report = run::run_workflow(&wf, &options(&root), &mut trace);
    assert!(!report.success);
    let t = trace.0.join("\n");
    let handled = t.find("log +g+g^error: handling broken").expect(&t);
    let failed = t.find("FAILED +g+g: a task in the group failed").expect(&t);
    assert!(handled < failed, "{t}");
    assert!(!t.contains("never"), "{t}");
}
