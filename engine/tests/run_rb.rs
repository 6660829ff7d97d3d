//! `rb>` under the local executor, against a real `ruby` (CI installs it in `.ci/run`):
//! digdag's Ruby protocol (`require:`, arguments by name, `Digdag.env.store/export/
//! add_subtask`), failures with the Ruby message and place, and the before-the-run message
//! when there is no `ruby`.

mod common;

use common::{options, project, read, run_case, Trace};
use std::sync::{Mutex, MutexGuard};
use wf_engine::run::{self, Mocks, RunReport};

/// One test at a time: one of them empties `PATH`, which every other one needs for `ruby`.
static PATH_LOCK: Mutex<()> = Mutex::new(());

/// Takes the lock and fails the test, saying what to do, when `ruby` is missing.
fn need_ruby() -> MutexGuard<'static, ()> {
    let guard = PATH_LOCK.lock().unwrap_or_else(|e| e.into_inner());
    let found = std::process::Command::new("ruby")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    assert!(
        found,
        "the rb> tests need the `ruby` command: install Ruby (`apt-get install ruby`; .ci/run does it)"
    );
    guard
}

/// The message of the one failed task.
fn failure(report: &RunReport) -> String {
    let failed: Vec<_> = report.failures().collect();
    assert_eq!(failed.len(), 1, "{:?}", failed.iter().map(|t| &t.name));
    failed[0].error.clone().unwrap_or_default()
}

#[test]
fn methods_get_their_parameters_and_share_results_digdag_s_way() {
    let _ruby = need_ruby();
    let (root, report, trace) = run_case("rb", "rb.dig", |_| {});
    assert!(report.success, "{trace}");
    // Order, positional and keyword arguments (a default where the parameter is not set),
    // and the subtasks `add_subtask` made, with their own keyword arguments.
    assert_eq!(
        read(&root, "out.txt").lines().collect::<Vec<_>>(),
        [
            "first hello calm",
            "second hello glad",
            "load jp 2026-12-01",
            "load us 2026-12-01"
        ]
    );
    // Nothing is left in the scratch directory.
    let tmp = root.join(".wf/tmp");
    assert_eq!(std::fs::read_dir(&tmp).map_or(0, |d| d.count()), 0);
    insta::assert_snapshot!(trace);
}

#[test]
fn a_ruby_exception_fails_the_task_with_its_message_and_place() {
    let _ruby = need_ruby();
    let (_, report, trace) = run_case("rb", "fail.dig", |_| {});
    assert!(!report.success, "{trace}");
    assert_eq!(
        failure(&report),
        "Ruby command failed with code 1: bad input for explode (ArgumentError) at tasks/failing.rb:13"
    );
    // The log has what the method printed, then the exception and its backtrace (the
    // project's frames, relative to the working directory; none of the runner's).
    let log: Vec<_> = trace
        .lines()
        .filter_map(|l| l.strip_prefix("  log +fail+boom: "))
        .collect();
    assert_eq!(log.len(), 3, "{trace}");
    assert_eq!(log[0], "about to fail");
    assert!(
        log[1].starts_with("tasks/failing.rb:13:in ")
            && log[1].ends_with(": bad input for explode (ArgumentError)"),
        "{trace}"
    );
    assert!(
        log[2].starts_with("\tfrom tasks/failing.rb:9:in "),
        "{trace}"
    );
    assert!(trace.contains("ok +fail+ok"), "{trace}");
    assert!(!trace.contains("not reached"), "{trace}");
    assert!(!trace.contains("runner.rb"), "{trace}");
}

/// Runs a one-task workflow written in the `rb` fixture project; returns the failure.
fn fails_with(body: &str) -> String {
    let root = project("rb");
    std::fs::write(root.join("one.dig"), body).unwrap();
    let (wf, _) = run::load_workflow(&root, &root.join("one.dig")).expect("loads");
    let mut trace = Trace::default();
    let report = run::run_workflow(&wf, &options(&root), &mut trace);
    assert!(!report.success, "{:#?}", trace.0);
    failure(&report)
}

#[test]
fn missing_parameters_files_and_methods_are_reported() {
    let _ruby = need_ruby();
    assert_eq!(
        fails_with("+a:\n  rb>: Tasks::Etl.record\n  require: tasks/etl\n  greeting: hi\n"),
        "Ruby command failed with code 1: Method 'Tasks::Etl.record' requires parameter 'step' but not set (ArgumentError)"
    );
    assert_eq!(
        fails_with("+a:\n  rb>: Tasks::Etl.remember\n  require: tasks/etl\n"),
        "Ruby command failed with code 1: Method 'Tasks::Etl.new' requires parameter 'count' but not set (ArgumentError)"
    );
    assert_eq!(
        fails_with("+a:\n  rb>: Tasks::Etl.record\n  require: tasks/nope\n"),
        "Ruby command failed with code 1: cannot load such file -- tasks/nope (LoadError)"
    );
    assert_eq!(
        fails_with("+a:\n  rb>: Tasks::Etl.record\n"),
        "Ruby command failed with code 1: uninitialized constant Tasks (NameError)"
    );
    assert_eq!(
        fails_with("+a:\n  rb>: Tasks::Etl.record\n  require: tasks/etl\n  ruby: {path: ruby}\n"),
        "Invalid ruby: {\"path\":\"ruby\"}"
    );
    assert_eq!(
        fails_with("+a:\n  _type: rb\n  script: |\n    Digdag.env.store(a: 1)\n    raise 'oops'\n"),
        "Ruby command failed with code 1: oops (RuntimeError) at <script>:2"
    );
    assert_eq!(
        fails_with("+a:\n  _type: rb\n  script: exit 3\n"),
        "Ruby command failed with code 3: exit 3 (SystemExit) at <script>:1"
    );
    assert_eq!(
        fails_with("+a:\n  _type: rb\n"),
        "Parameter '_command' or 'script' is required but not set"
    );
}

#[test]
fn the_ruby_parameter_chooses_the_command() {
    let _ruby = need_ruby();
    // A list: the command and its first arguments (`-W0` silences warnings).
    let root = project("rb");
    std::fs::write(
        root.join("list.dig"),
        "_export:\n  rb:\n    ruby: [ruby, -W0]\n+a:\n  rb>: shout\n  require: tasks/etl\n  word: hey\n+b:\n  echo>: ${shouted}\n",
    )
    .unwrap();
    let (wf, _) = run::load_workflow(&root, &root.join("list.dig")).unwrap();
    let mut trace = Trace::default();
    assert!(run::run_workflow(&wf, &options(&root), &mut trace).success);
    assert!(
        trace.0.contains(&"  log +list+a: HEY".to_string()),
        "{:#?}",
        trace.0
    );
    assert!(
        trace.0.contains(&"  log +list+b: hey!".to_string()),
        "{:#?}",
        trace.0
    );
    // A command that does not exist fails the task, saying what to do.
    assert_eq!(
        fails_with("+a:\n  rb>: shout\n  ruby: /nonexistent/bin/ruby\n  word: x\n"),
        "rb> cannot run: the Ruby command `/nonexistent/bin/ruby` was not found; install Ruby (e.g. `apt-get install ruby`), set `ruby:` to a Ruby command, or mock it with --mock"
    );
}

#[test]
fn without_ruby_on_path_rb_tasks_are_reported_before_the_run() {
    let _ruby = need_ruby();
    let root = project("rb");
    let (wf, _) = run::load_workflow(&root, &root.join("rb.dig")).unwrap();
    // With ruby on PATH every rb> task can run.
    assert!(run::unrunnable_tasks(&wf, &Mocks::default()).is_empty());
    std::fs::write(
        root.join("custom.dig"),
        "+a:\n  rb>: shout\n+b:\n  rb>: shout\n  ruby: /opt/ruby/bin/ruby\n+c:\n  _export:\n    rb:\n      ruby: [bundle, exec, ruby]\n  +d:\n    rb>: shout\n",
    )
    .unwrap();
    let (custom, _) = run::load_workflow(&root, &root.join("custom.dig")).unwrap();
    let saved = std::env::var_os("PATH");
    std::env::set_var("PATH", root.join("no-bin"));
    let blocked = run::unrunnable_tasks(&wf, &Mocks::default());
    let blocked_custom = run::unrunnable_tasks(&custom, &Mocks::default());
    match saved {
        Some(p) => std::env::set_var("PATH", p),
        None => std::env::remove_var("PATH"),
    }
    let names: Vec<_> = blocked.iter().map(|(t, _)| t.as_str()).collect();
    assert_eq!(
        names,
        [
            "+rb+first",
            "+rb+second",
            "+rb+store",
            "+rb+exported+make",
            "+rb+fan_out",
            "+rb+top_level",
            "+rb+inline"
        ]
    );
    assert_eq!(
        blocked[0].1,
        "rb> needs the `ruby` command, which is not on PATH; install Ruby (e.g. `apt-get install ruby`), set `ruby:` to a Ruby command, or mock it with --mock"
    );
    // Tasks that name their own Ruby command are left to run (and fail if it is missing).
    assert_eq!(
        blocked_custom
            .iter()
            .map(|(t, _)| t.as_str())
            .collect::<Vec<_>>(),
        ["+custom+a"]
    );
}
