//! The planner: `plan_graph` (compile plus static expansion of `loop>`/`for_each>`) and the
//! simulation with its critical path on a generated 1,000-task workflow, the whole `wf plan`
//! pipeline from text, and listing ten years of hourly sessions (87,600).
//!
//! Run: `cargo bench -p wf-engine --bench plan`.

use divan::{black_box, Bencher};
use std::path::PathBuf;
use wf_engine::load::{Loader, MemoryFileSystem, Object};
use wf_engine::model::{compile_workflow, Workflow};
use wf_engine::plan::params::ParamResolver;
use wf_engine::plan::{self, PlanOptions, SimOptions, TaskGraph};

fn main() {
    let wf = workflow(&generated_workflow());
    let g = planned(&wf);
    eprintln!(
        "generated workflow: {} lines, {} planned tasks",
        generated_workflow().lines().count(),
        g.tasks.len()
    );
    divan::main();
}

/// A workflow of about 1,000 tasks: 12 groups (sequential, `_parallel: true`, and
/// `_parallel: {limit: 4}` in turn) of 8 subgroups of 8 operator tasks with `_background`
/// and `_after`, plus a `loop>: 12` and a `for_each>` of 4x3 whose `_do` has 3 tasks.
fn generated_workflow() -> String {
    let mut s = String::from("timezone: Asia/Tokyo\n_export:\n  td:\n    database: db\n");
    for g in 0..12 {
        s.push_str(&format!("+group_{g}:\n"));
        match g % 3 {
            1 => s.push_str("  _parallel: true\n"),
            2 => s.push_str("  _parallel:\n    limit: 4\n"),
            _ => {}
        }
        for sg in 0..8 {
            s.push_str(&format!("  +sub_{sg}:\n"));
            if g % 3 == 1 {
                s.push_str("    _parallel: true\n");
            }
            for t in 0..8 {
                s.push_str(&format!("    +task_{t}:\n      sh>: echo {g} {sg} {t}\n"));
                if g % 3 == 0 && t == 3 {
                    s.push_str("      _background: true\n");
                }
                if g % 3 == 1 && t > 0 {
                    s.push_str(&format!("      _after: [+task_{}]\n", t - 1));
                }
            }
        }
    }
    s.push_str("+loop:\n  loop>: 12\n  _parallel: true\n  _do:\n    +a: {sh>: a}\n    +b: {sh>: b}\n    +c: {sh>: c}\n");
    s.push_str("+each:\n  for_each>:\n    x: [1, 2, 3, 4]\n    y: [a, b, c]\n  _do:\n    +a: {sh>: a}\n    +b: {sh>: b}\n    +c: {sh>: c}\n");
    s
}

fn workflow(text: &str) -> Workflow {
    let mut fs = MemoryFileSystem::new();
    let path = PathBuf::from("/p/wf.dig");
    fs.insert(path.clone(), text);
    let mut loader = Loader::new(&fs);
    let (file, value) = loader
        .load_workflow(&path)
        .expect("generated workflow loads");
    let mut diagnostics = Vec::new();
    let wf = compile_workflow("wf", file, &value.expect("a mapping"), &mut diagnostics);
    assert!(diagnostics.is_empty(), "{diagnostics:?}");
    wf
}

fn planned(wf: &Workflow) -> TaskGraph {
    let resolver = ParamResolver::new(Object::default(), None, "Asia/Tokyo");
    plan::plan_graph(
        wf,
        &PlanOptions {
            params: &resolver,
            calls: None,
            max_tasks: 100_000,
        },
    )
}

/// `plan_graph`: the compiled workflow to the expanded task graph.
#[divan::bench]
fn plan_graph_1000_tasks(bencher: Bencher) {
    let wf = workflow(&generated_workflow());
    bencher.bench_local(|| black_box(planned(black_box(&wf))));
}

/// The simulation (1 unit per task, 4 threads) with the critical path.
#[divan::bench]
fn simulate_1000_tasks(bencher: Bencher) {
    let g = planned(&workflow(&generated_workflow()));
    bencher.bench_local(|| {
        black_box(black_box(&g).simulate(&SimOptions {
            duration: &|_| 1,
            max_running: Some(4),
        }))
    });
}

/// What `wf plan --simulate` computes from the text: parse, load, compile, plan, simulate.
#[divan::bench]
fn plan_from_text_1000_tasks(bencher: Bencher) {
    let text = generated_workflow();
    bencher.bench_local(|| {
        let wf = workflow(black_box(&text));
        let g = planned(&wf);
        black_box(g.simulate(&SimOptions {
            duration: &|_| 1,
            max_running: None,
        }))
    });
}

/// Ten years of hourly sessions (87,600) in a zone with DST.
#[divan::bench]
fn sessions_10_years_hourly(bencher: Bencher) {
    let wf =
        workflow("timezone: America/Los_Angeles\nschedule:\n  hourly>: 30:00\n+t:\n  sh>: x\n");
    let tz = plan::workflow_zone(&wf);
    let schedule = plan::workflow_schedule(&wf).expect("schedule");
    let from: jiff::Timestamp = "2026-01-01T00:00:00Z".parse().expect("instant");
    bencher.bench_local(|| {
        let sessions = plan::next_sessions(&schedule, &tz, black_box(from), 87_600);
        assert_eq!(sessions.len(), 87_600);
        black_box(sessions)
    });
}
