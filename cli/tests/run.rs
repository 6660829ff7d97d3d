//! End-to-end tests of `wf run` and the run-history commands through the real binary:
//! exit codes, resume after a failure, and resume after the process is killed at random
//! points.

use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::Duration;
use wf_engine::run::history::History;

mod common;
use common::{scratch_dir, wf, wf_in};

fn temp_project(name: &str) -> PathBuf {
    scratch_dir(&format!("wf-cli-run-{name}"))
}

/// Timings and the temporary directory out of a run's output.
fn normalize(s: &str, dir: &Path) -> String {
    let mut out = String::new();
    for line in s.replace(&dir.display().to_string(), "<project>").lines() {
        let mut l = line.to_string();
        // `   0.05s ▶ ...` -> `▶ ...`
        if let Some(rest) = l.trim_start().split_once("s ") {
            if rest.0.parse::<f64>().is_ok() {
                l = rest.1.to_string();
            }
        }
        // `(0.05s)` and `in 0.05s`
        let re_paren = |x: &str| -> String {
            let mut o = String::new();
            let mut it = x.split(' ').peekable();
            while let Some(w) = it.next() {
                let t =
                    w.trim_matches(|c| c == '(' || c == ')' || c == ';' || c == ',' || c == ':');
                let w = if t.ends_with('s') && t[..t.len() - 1].parse::<f64>().is_ok() {
                    w.replace(t, "<t>")
                } else {
                    w.to_string()
                };
                o.push_str(&w);
                if it.peek().is_some() {
                    o.push(' ');
                }
            }
            o
        };
        out.push_str(&re_paren(&l));
        out.push('\n');
    }
    out
}

#[test]
fn readme_example_runs_and_resumes() {
    let dir = temp_project("example");
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("../testdata/examples/hello_run");
    for f in ["hello_run.dig", "tasks.py"] {
        std::fs::copy(src.join(f), dir.join(f)).unwrap();
    }
    let (code, _, err) = wf_in(
        &dir,
        &[
            "run",
            "hello_run.dig",
            "--session",
            "2026-12-01",
            "--max-parallel",
            "1",
        ],
    );
    assert_eq!(code, 0, "{err}");
    insta::assert_snapshot!("first_run", normalize(&err, &dir));
    let (code, _, err) = wf_in(&dir, &["run", "hello_run.dig", "--max-parallel", "1"]);
    assert_eq!(code, 0, "{err}");
    assert!(
        err.contains("session 2026-12-01T00:00:00+09:00 (resuming: 11 task(s) already succeeded)"),
        "{err}"
    );
    assert!(err.contains("Success: 0 task(s) ran, 8 resumed"), "{err}");
    // The planner simulates with the durations this run measured.
    let (code, out, err) = wf_in(
        &dir,
        &[
            "plan",
            "hello_run.dig",
            "--simulate",
            "--durations",
            "history",
        ],
    );
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("durations from history"), "{out}");
    assert!(out.contains("critical path: +hello_run+prepare"), "{out}");
    let (code, out, _) = wf_in(&dir, &["tasks", "2"]);
    assert_eq!(code, 0);
    assert!(
        out.lines()
            .skip(1)
            .all(|l| l.starts_with("resumed") || l.starts_with("success")),
        "{out}"
    );
}

#[test]
fn failure_exits_1_with_the_task_its_log_and_how_to_retry() {
    let dir = temp_project("fail");
    std::fs::write(
        dir.join("wf.dig"),
        "+ok:\n  echo>: fine\n+bad:\n  sh>: 'echo about to fail; echo details >&2; exit 7'\n+later:\n  echo>: never\n",
    )
    .unwrap();
    let (code, _, err) = wf_in(&dir, &["run", "wf.dig", "--session", "2026-01-02 03:04:05"]);
    assert_eq!(code, 1);
    insta::assert_snapshot!(normalize(&err, &dir));
    // Fixed, it resumes: +ok is not run again.
    std::fs::write(
        dir.join("wf.dig"),
        "+ok:\n  echo>: fine\n+bad:\n  sh>: 'echo fixed'\n+later:\n  echo>: now\n",
    )
    .unwrap();
    let (code, _, err) = wf_in(&dir, &["run", "wf.dig", "--session", "2026-01-02 03:04:05"]);
    assert_eq!(code, 0, "{err}");
    assert!(err.contains("↷ +wf+ok"), "{err}");
    assert!(err.contains("▶ +wf+bad sh>"), "{err}");
}

#[test]
fn tasks_that_cannot_run_locally_stop_the_run_before_it_starts() {
    let dir = temp_project("unrunnable");
    std::fs::write(dir.join("load.yml"), "in: {}").unwrap();
    std::fs::write(dir.join("wf.dig"), "+q:\n  embulk>: load.yml\n").unwrap();
    let (code, _, err) = wf_in(&dir, &["run", "wf.dig"]);
    assert_eq!(code, 2);
    assert_eq!(
        err,
        "wf: these tasks cannot run locally:\n  * +wf+q: embulk> needs the embulk command; mock it with --mock\ngive them results with --mock FILE, or use --dry-run\n"
    );
    let (code, _, err) = wf_in(&dir, &["run", "wf.dig", "--dry-run", "--no-history"]);
    assert_eq!(code, 0, "{err}");
}

#[test]
fn a_workflow_with_errors_does_not_run() {
    let dir = temp_project("invalid");
    std::fs::write(dir.join("wf.dig"), "+a:\n  echo>: x\n  +b:\n    echo>: y\n").unwrap();
    let (code, _, err) = wf_in(&dir, &["run", "wf.dig"]);
    assert_eq!(code, 2);
    assert!(err.contains("wf.dig:3:3: error[M006]"), "{err}");
}

/// A tiny deterministic generator (the seed is printed, so a failure can be replayed).
struct Lcg(u64);

impl Lcg {
    fn next(&mut self, n: u64) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (self.0 >> 33) % n
    }
}

#[test]
fn killed_runs_resume_and_no_succeeded_task_runs_twice() {
    let dir = temp_project("kill");
    let mut text = String::from("_parallel:\n  limit: 4\n");
    for i in 0..100 {
        text.push_str(&format!(
            // 100 tasks x 50 ms, 4 at a time: at least 1.25 s, so the first kill interrupts.
            "+t{i:03}:\n  sh>: 'sleep 0.05; echo $task_name >> ran.txt'\n"
        ));
    }
    std::fs::write(dir.join("wf.dig"), text).unwrap();
    let seed = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_nanos() as u64;
    eprintln!("seed {seed}");
    let mut rng = Lcg(seed);
    let mut kills = 0;
    let mut finished = false;
    for _ in 0..12 {
        let mut child = wf()
            .args(["run", "wf.dig", "--session", "2026-01-01"])
            .current_dir(&dir)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(Duration::from_millis(30 + rng.next(300)));
        match child.try_wait().unwrap() {
            Some(status) => {
                assert!(status.success());
                finished = true;
                break;
            }
            None => {
                child.kill().unwrap();
                child.wait().unwrap();
                kills += 1;
            }
        }
    }
    if !finished {
        let (code, _, err) = wf_in(&dir, &["run", "wf.dig", "--session", "2026-01-01"]);
        assert_eq!(code, 0, "{err}");
    }
    assert!(kills > 0, "the run was never interrupted (seed {seed})");
    // Every task succeeded exactly once over all attempts; later attempts resumed it.
    let h = History::open(&dir).unwrap();
    let attempts = h.attempts(100).unwrap();
    let mut successes = std::collections::HashMap::<String, usize>::new();
    for a in &attempts {
        for t in h.tasks(a.id).unwrap() {
            if t.state == "success" && t.name.starts_with("+wf+t") {
                *successes.entry(t.name).or_default() += 1;
            }
        }
    }
    assert_eq!(successes.len(), 100, "seed {seed}");
    let twice: Vec<_> = successes.iter().filter(|(_, &n)| n != 1).collect();
    assert!(
        twice.is_empty(),
        "succeeded more than once: {twice:?} (seed {seed})"
    );
    assert_eq!(attempts[0].status, "success");
    // Killed attempts are marked interrupted by the next run (one killed just after it
    // finished keeps its own status).
    assert!(
        attempts[1..]
            .iter()
            .all(|a| a.status == "interrupted" || a.status == "success"),
        "{attempts:?} (seed {seed})"
    );
}

#[test]
fn an_interrupted_task_uses_up_its_retries() {
    let dir = temp_project("interrupted");
    let kill_while_running = |dir: &Path| {
        let mut child = wf()
            .args(["run", "wf.dig", "--session", "2026-01-01"])
            .current_dir(dir)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        // The task sleeps 8 s: wait until it has started, then kill the run (the orphaned
        // `sleep` ends by itself).
        for _ in 0..100 {
            std::thread::sleep(Duration::from_millis(100));
            let started = History::open(dir)
                .ok()
                .and_then(|h| h.attempts(1).ok())
                .and_then(|a| a.first().map(|a| a.id))
                .and_then(|id| History::open(dir).ok()?.tasks(id).ok())
                .is_some_and(|t| t.iter().any(|t| t.name == "+wf+t" && t.state == "running"));
            if started {
                break;
            }
        }
        child.kill().unwrap();
        child.wait().unwrap();
    };
    std::fs::write(dir.join("wf.dig"), "+t:\n  _retry: 1\n  sh>: sleep 8\n").unwrap();
    kill_while_running(&dir);
    // One interruption: the next run is retry 1 of 1.
    std::fs::write(dir.join("wf.dig"), "+t:\n  _retry: 1\n  sh>: sleep 8\n").unwrap();
    kill_while_running(&dir);
    // Two interruptions used up `_retry: 1`: the task fails without running.
    std::fs::write(dir.join("wf.dig"), "+t:\n  _retry: 1\n  sh>: 'true'\n").unwrap();
    let (code, _, err) = wf_in(&dir, &["run", "wf.dig", "--session", "2026-01-01"]);
    assert_eq!(code, 1, "{err}");
    assert!(
        err.contains("interrupted 2 time(s) while running (the run was killed); its _retry limit of 1 is used up"),
        "{err}"
    );
    // A fresh session is not affected.
    let (code, _, err) = wf_in(&dir, &["run", "wf.dig", "--session", "2026-01-02"]);
    assert_eq!(code, 0, "{err}");
}
