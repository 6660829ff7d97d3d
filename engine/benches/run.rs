//! The executor's own overhead: 1,000 sequential `echo>` tasks (goal: under 1 s), and 1,000
//! `sh>` tasks under `_parallel: {limit: 8}` (process start included), run in process without
//! history.
//!
//! Run: `cargo bench -p wf-engine --bench run`.

use std::path::PathBuf;
use wf_engine::run::{self, NoObserver, RunOptions};
use wf_engine::schedule::Session;

fn main() {
    divan::main();
}

fn project(name: &str, text: String) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("wf-bench-run-{name}-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    std::fs::write(dir.join(format!("{name}.dig")), text).expect("write workflow");
    dir
}

fn session() -> Session {
    let z = jiff::Timestamp::UNIX_EPOCH.to_zoned(jiff::tz::TimeZone::UTC);
    Session {
        session_time: z.clone(),
        run_time: z,
    }
}

fn bench_workflow(bencher: divan::Bencher, name: &str, text: String) {
    let dir = project(name, text);
    let (wf, _) = run::load_workflow(&dir, &dir.join(format!("{name}.dig"))).expect("loads");
    let opts = RunOptions::new(&dir, session());
    bencher.bench(|| {
        let report = run::run_workflow(&wf, &opts, &mut NoObserver);
        assert!(report.success);
    });
}

/// 1,000 sequential `echo>` tasks, each with a template (`${session_date}`).
#[divan::bench(sample_count = 10)]
fn echo_1000_sequential(bencher: divan::Bencher) {
    let mut text = String::new();
    for i in 0..1000 {
        text.push_str(&format!(
            "+t{i:04}:\n  echo>: task {i} on ${{session_date}}\n"
        ));
    }
    bench_workflow(bencher, "echo", text);
}

/// 1,000 `sh>` tasks, 8 at a time.
#[divan::bench(sample_count = 3)]
fn sh_1000_parallel_limit_8(bencher: divan::Bencher) {
    let mut text = String::from("_parallel:\n  limit: 8\n");
    for i in 0..1000 {
        text.push_str(&format!("+t{i:04}:\n  sh>: 'true'\n"));
    }
    bench_workflow(bencher, "sh", text);
}
