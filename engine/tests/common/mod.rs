//! What the executor's end-to-end tests share: fixture projects copied to a scratch
//! directory, a fixed session, and a trace of the events a user sees.

#![allow(dead_code)] // each test file uses part of it

use std::path::{Path, PathBuf};
use std::sync::Arc;
use wf_engine::run::{self, RunEvent, RunObserver, RunOptions, RunReport};
use wf_engine::schedule::Session;

/// Copies `testdata/run/<case>` to a fresh directory, so tasks may write files there.
pub fn project(case: &str) -> PathBuf {
    let src = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../testdata/run")
        .join(case);
    let dst = std::env::temp_dir().join(format!(
        "wf-run-{case}-{}-{}",
        std::process::id(),
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_nanos()
    ));
    copy_dir(&src, &dst);
    dst
}

fn copy_dir(src: &Path, dst: &Path) {
    std::fs::create_dir_all(dst).unwrap();
    for e in std::fs::read_dir(src).unwrap() {
        let e = e.unwrap();
        let to = dst.join(e.file_name());
        if e.file_type().unwrap().is_dir() {
            copy_dir(&e.path(), &to);
        } else {
            std::fs::copy(e.path(), &to).unwrap();
        }
    }
}

/// Records events as the lines a test compares (no timings).
#[derive(Default)]
pub struct Trace(pub Vec<String>);

impl RunObserver for Trace {
    fn on_event(&mut self, e: &RunEvent<'_>) {
        let line = match e {
            RunEvent::Started {
                task,
                operator,
                attempt,
            } => {
                if *attempt > 0 {
                    format!("start {task} {operator}> attempt {attempt}")
                } else {
                    format!("start {task} {operator}>")
                }
            }
            RunEvent::Params { task, params } => format!("params {task} {}", params.len()),
            RunEvent::Log { task, line } => format!("  log {task}: {line}"),
            RunEvent::Succeeded { task, .. } => format!("ok {task}"),
            RunEvent::Resumed { task } => format!("resumed {task}"),
            RunEvent::Mocked { task } => format!("mocked {task}"),
            RunEvent::Skipped { task } => format!("skipped {task}"),
            RunEvent::Failed { task, message, .. } => format!("FAILED {task}: {message}"),
            RunEvent::Retrying {
                task,
                message,
                retry,
                ..
            } => format!("retry {retry} {task}: {message}"),
            RunEvent::Warning { task, message } => format!("warning {task}: {message}"),
        };
        self.0.push(line);
    }
}

/// The session every fixture runs: 2026-12-01T08:00:00Z.
pub fn session() -> Session {
    let t: jiff::Timestamp = "2026-12-01T08:00:00Z".parse().unwrap();
    let z = t.to_zoned(jiff::tz::TimeZone::UTC);
    Session {
        session_time: z.clone(),
        run_time: z,
    }
}

/// Deterministic options: a fixed session uuid, one task at a time, no retry waits.
pub fn options(root: &Path) -> RunOptions {
    let mut o = RunOptions::new(root, session());
    o.session_uuid = "00000000-0000-4000-8000-000000000000".into();
    o.max_parallel = 1;
    o.retry_interval_scale = 0.0;
    o
}

/// Runs `testdata/run/<case>/<file>` in a fresh copy (after `tweak` adjusts the options):
/// the project directory, the report, and the event trace with the directory as `<project>`.
pub fn run_case(
    case: &str,
    file: &str,
    tweak: impl FnOnce(&mut RunOptions),
) -> (PathBuf, RunReport, String) {
    let root = project(case);
    let (wf, sources) = run::load_workflow(&root, &root.join(file)).expect("fixture loads");
    let mut opts = options(&root);
    opts.sources = Some(Arc::new(sources));
    tweak(&mut opts);
    let mut trace = Trace::default();
    let report = run::run_workflow(&wf, &opts, &mut trace);
    let text = trace
        .0
        .join("\n")
        .replace(&root.display().to_string(), "<project>");
    (root, report, text)
}

/// A file of the project, or "" when it does not exist.
pub fn read(root: &Path, file: &str) -> String {
    std::fs::read_to_string(root.join(file)).unwrap_or_default()
}
