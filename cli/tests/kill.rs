//! Stopping a run through the real binary: `wf kill`, Ctrl-C (SIGINT) and a `wf run` killed
//! with SIGKILL. Each time, no process the task started (its command, a grandchild that
//! ignores SIGTERM) may survive, the attempt is recorded as killed, and the session resumes.
#![cfg(unix)]

use std::path::{Path, PathBuf};
use std::process::{Child, Output, Stdio};
use std::time::{Duration, Instant};
use wf_engine::run::history::History;

mod common;
use common::{scratch_dir, wf, wf_in};

/// `+t` starts a grandchild that ignores SIGTERM, then sleeps in the foreground.
const SLOW: &str = "+first:
  echo>: one
+t:
  sh>: |
    (trap '' TERM; sleep 301) &
    echo $! > grandchild.pid
    echo started
    sleep 300
+after:
  echo>: done
";

/// The same workflow once `+t` is quick.
const QUICK: &str = "+first:\n  echo>: one\n+t:\n  sh>: echo quick\n+after:\n  echo>: done\n";

fn temp_project(name: &str) -> PathBuf {
    let dir = scratch_dir(&format!("wf-cli-kill-{name}"));
    std::fs::write(dir.join("wf.dig"), SLOW).unwrap();
    dir
}

fn start_run(dir: &Path) -> Child {
    wf().args(["run", "wf.dig", "--session", "2026-01-01"])
        .current_dir(dir)
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap()
}

/// What the run recorded once `+t` runs: the attempt, the task's process group and the
/// grandchild's pid.
fn wait_until_running(dir: &Path, run: &mut Child) -> (i64, u32, u32) {
    let until = Instant::now() + Duration::from_secs(30);
    loop {
        assert!(run.try_wait().unwrap().is_none(), "wf run ended early");
        let recorded = History::open(dir).ok().and_then(|h| {
            let a = h.attempts(1).ok()?.first()?.id;
            let p = h.processes(a).ok()?.first().cloned()?;
            Some((a, p))
        });
        let grandchild = std::fs::read_to_string(dir.join("grandchild.pid"))
            .ok()
            .and_then(|s| s.trim().parse::<u32>().ok());
        if let (Some((a, p)), Some(g)) = (recorded, grandchild) {
            assert_eq!(p.task, "+wf+t");
            return (a, u32::try_from(p.pgid).unwrap(), g);
        }
        assert!(Instant::now() < until, "+t never started");
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// Whether a process of group `pgid` (or process `pid`) is alive, zombies aside (Linux).
fn alive(id: i32) -> bool {
    // SAFETY: signal 0 only checks that the target exists.
    if unsafe { libc::kill(id, 0) } != 0 {
        return false;
    }
    if !cfg!(target_os = "linux") {
        return true;
    }
    let Ok(procs) = std::fs::read_dir("/proc") else {
        return true;
    };
    procs.filter_map(Result::ok).any(|e| {
        let Some(pid) = e.file_name().to_str().and_then(|n| n.parse::<i32>().ok()) else {
            return false;
        };
        let Ok(stat) = std::fs::read_to_string(format!("/proc/{pid}/stat")) else {
            return false;
        };
        let Some(close) = stat.rfind(')') else {
            return false;
        };
        let fields: Vec<&str> = stat[close + 1..].split_whitespace().collect();
        let pgrp: i32 = fields.get(2).and_then(|f| f.parse().ok()).unwrap_or(0);
        let member = if id < 0 { pgrp == -id } else { pid == id };
        member && fields.first() != Some(&"Z")
    })
}

fn group_alive(pgid: u32) -> bool {
    alive(-(pgid as i32))
}

fn process_alive(pid: u32) -> bool {
    alive(pid as i32)
}

fn finish(run: Child) -> (Option<i32>, String) {
    let Output { status, stderr, .. } = run.wait_with_output().unwrap();
    (status.code(), String::from_utf8_lossy(&stderr).into_owned())
}

fn assert_gone(pgid: u32, grandchild: u32) {
    assert!(!group_alive(pgid), "process group {pgid} survived");
    assert!(
        !process_alive(grandchild),
        "grandchild {grandchild} survived"
    );
}

/// The second run resumes: `+first` is not run again, `+t` runs (now quick) and the
/// session succeeds; the killed `+t` did not use up a retry.
fn assert_resumes(dir: &Path) {
    std::fs::write(dir.join("wf.dig"), QUICK).unwrap();
    let (code, _, err) = wf_in(dir, &["run", "wf.dig", "--session", "2026-01-01"]);
    assert_eq!(code, 0, "{err}");
    assert!(
        err.contains("resuming: 1 task(s) already succeeded"),
        "{err}"
    );
    assert!(err.contains("↷ +wf+first"), "{err}");
    assert!(err.contains("▶ +wf+t sh>\n"), "{err}");
}

fn attempt_status(dir: &Path, attempt: i64) -> String {
    let (code, out, err) = wf_in(dir, &["attempts"]);
    assert_eq!(code, 0, "{err}");
    out.lines()
        .find(|l| l.split_whitespace().next() == Some(&attempt.to_string()))
        .and_then(|l| l.split_whitespace().nth(2))
        .unwrap_or_default()
        .to_string()
}

#[test]
fn wf_kill_stops_the_run_and_every_process_its_task_started() {
    let dir = temp_project("kill");
    let mut run = start_run(&dir);
    let (attempt, pgid, grandchild) = wait_until_running(&dir, &mut run);
    assert!(group_alive(pgid) && process_alive(grandchild));
    let (code, out, err) = wf_in(&dir, &["kill", &attempt.to_string()]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(
        out,
        format!(
            "attempt {attempt}: wf run (process {}) exited on SIGTERM, stopping 1 running task(s): +wf+t\n\
             attempt {attempt} is killed; resume its session with: wf retry {attempt}\n",
            run.id()
        )
    );
    let (code, err) = finish(run);
    assert_eq!(code, Some(143), "{err}");
    assert!(
        err.contains("wf: SIGTERM received: stopping the run and 1 running task(s): +wf+t\n"),
        "{err}"
    );
    // The grandchild ignores SIGTERM: it took SIGKILL after the grace period.
    assert!(
        err.contains("1 task process group(s) ignored SIGTERM for 2s: killed them (SIGKILL)"),
        "{err}"
    );
    assert!(
        err.contains(&format!(
            "Killed: attempt {attempt} is recorded as killed (killed by SIGTERM).\n\
             Run it again to resume; tasks that succeeded are not run twice:\n  \
             wf run wf.dig --session 2026-01-01T00:00:00+00:00\n"
        )),
        "{err}"
    );
    assert_gone(pgid, grandchild);
    assert_eq!(attempt_status(&dir, attempt), "killed");
    let (_, tasks, _) = wf_in(&dir, &["tasks", &attempt.to_string()]);
    assert!(tasks.contains("killed by SIGTERM"), "{tasks}");
    assert!(
        tasks
            .lines()
            .any(|l| l.starts_with("killed") && l.ends_with("+wf+t")),
        "{tasks}"
    );
    // Nothing is left to kill.
    let (code, _, err) = wf_in(&dir, &["kill", &attempt.to_string()]);
    assert_eq!(code, 2);
    assert_eq!(
        err,
        format!("wf: attempt {attempt} is not running (status: killed)\n")
    );
    assert_resumes(&dir);
}

#[test]
fn ctrl_c_kills_the_running_tasks_and_says_how_to_resume() {
    let dir = temp_project("sigint");
    let mut run = start_run(&dir);
    let (attempt, pgid, grandchild) = wait_until_running(&dir, &mut run);
    // SAFETY: sends SIGINT to the wf run process this test started.
    assert_eq!(unsafe { libc::kill(run.id() as i32, libc::SIGINT) }, 0);
    let (code, err) = finish(run);
    assert_eq!(code, Some(130), "{err}");
    assert!(err.contains("wf: SIGINT received"), "{err}");
    assert!(err.contains("Run it again to resume"), "{err}");
    assert_gone(pgid, grandchild);
    assert_eq!(attempt_status(&dir, attempt), "killed");
    assert_resumes(&dir);
}

#[test]
fn wf_kill_after_the_run_itself_was_killed_stops_what_it_left() {
    let dir = temp_project("sigkill");
    let mut run = start_run(&dir);
    let (attempt, pgid, grandchild) = wait_until_running(&dir, &mut run);
    let pid = run.id();
    run.kill().unwrap();
    run.wait().unwrap();
    // The task's processes lead their own group: SIGKILL to wf run does not reach them.
    assert!(group_alive(pgid) && process_alive(grandchild));
    let (code, out, err) = wf_in(&dir, &["kill", &attempt.to_string()]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(
        out,
        format!(
            "attempt {attempt}: its wf run (process {pid}) is gone (killed or crashed)\n\
             attempt {attempt}: killed 1 task process group(s) it left running (1 needed SIGKILL): +wf+t\n\
             attempt {attempt} is killed; resume its session with: wf retry {attempt}\n"
        )
    );
    assert_gone(pgid, grandchild);
    assert_eq!(attempt_status(&dir, attempt), "killed");
    assert_resumes(&dir);
}
