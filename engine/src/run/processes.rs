//! The task processes this process is running. Script operators (`sh>`, `py>`, ...) start
//! their command as the leader of a new process group, so the command and everything it
//! starts (children, grandchildren) can be signalled at once. This registry lists those
//! groups for whoever stops a run: `wf run` kills them on SIGINT / SIGTERM, and records them
//! (through [`set_listener`]) so `wf kill` can find them after the run itself was killed.

use std::process::{Child, Command};
use std::sync::{Mutex, MutexGuard, PoisonError};

/// A running task process group (its leader is the task's command).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TaskProcess {
    /// Full name of the task.
    pub task: String,
    /// The process group id (the pid of the command).
    pub pgid: u32,
}

/// A change in the running task process groups, as [`set_listener`] receives it.
#[derive(Debug)]
pub enum ProcessChange<'a> {
    /// A task's command started.
    Started(&'a TaskProcess),
    /// A task's command ended (the group may keep members that left the task's output).
    Exited(&'a TaskProcess),
}

/// Receives every [`ProcessChange`] (on the operator's worker thread, while the registry is
/// locked: it must not call the functions of this module).
pub type Listener = Box<dyn Fn(ProcessChange<'_>) + Send>;

struct Registry {
    stopped: bool,
    running: Vec<TaskProcess>,
    listener: Option<Listener>,
}

static REGISTRY: Mutex<Registry> = Mutex::new(Registry {
    stopped: false,
    running: Vec::new(),
    listener: None,
});

fn registry() -> MutexGuard<'static, Registry> {
    REGISTRY.lock().unwrap_or_else(PoisonError::into_inner)
}

/// Sets (or removes) the function told about every task process that starts or ends.
pub fn set_listener(listener: Option<Listener>) {
    registry().listener = listener;
}

/// The task process groups running now.
pub fn running() -> Vec<TaskProcess> {
    registry().running.clone()
}

/// Stops this process from starting task processes (a later start fails with "the run is
/// stopping") and returns the groups running now: once it returns, no group is missing.
pub fn stop() -> Vec<TaskProcess> {
    let mut r = registry();
    r.stopped = true;
    r.running.clone()
}

/// Whether [`stop`] was called: the executor then starts no further task.
pub fn is_stopped() -> bool {
    registry().stopped
}

/// A registered task process group: unregistered when dropped.
pub(crate) struct Registered(TaskProcess);

impl Drop for Registered {
    fn drop(&mut self) {
        let mut r = registry();
        // Only this entry: after `wait`, the pid may already lead another task's new group
        // (which then keeps its entry, and its record: no `Exited` for a reused id).
        if let Some(i) = r.running.iter().position(|p| *p == self.0) {
            r.running.remove(i);
        }
        if r.running.iter().any(|p| p.pgid == self.0.pgid) {
            return;
        }
        if let Some(l) = &r.listener {
            l(ProcessChange::Exited(&self.0));
        }
    }
}

/// Starts `cmd` for `task` as the leader of a new process group and registers the group
/// until the returned guard is dropped.
pub(crate) fn spawn(cmd: &mut Command, task: &str) -> std::io::Result<(Child, Registered)> {
    #[cfg(unix)]
    std::os::unix::process::CommandExt::process_group(cmd, 0);
    // The lock is held while spawning, so `stop` never misses a group that is starting.
    let mut r = registry();
    if r.stopped {
        return Err(std::io::Error::other("the run is stopping"));
    }
    let child = cmd.spawn()?;
    let process = TaskProcess {
        task: task.to_string(),
        pgid: child.id(),
    };
    r.running.push(process.clone());
    if let Some(l) = &r.listener {
        l(ProcessChange::Started(&process));
    }
    Ok((child, Registered(process)))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The process group of `pid` (Linux: field 5 of `/proc/PID/stat`).
    #[cfg(target_os = "linux")]
    fn pgid_of(pid: u32) -> Option<u32> {
        let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
        // `pid (comm) state ppid pgrp ...`: comm may hold spaces, so split after `)`.
        let rest = &stat[stat.rfind(')')? + 1..];
        rest.split_whitespace().nth(2)?.parse().ok()
    }

    #[test]
    #[cfg(target_os = "linux")]
    fn a_task_command_leads_its_own_group_while_it_is_registered() {
        let task = "+processes_test+own_group";
        let mut cmd = Command::new("sleep");
        cmd.arg("5");
        let (mut child, guard) = spawn(&mut cmd, task).unwrap();
        let pid = child.id();
        assert_eq!(pgid_of(pid), Some(pid));
        assert_ne!(pgid_of(std::process::id()), Some(pid));
        assert!(running().iter().any(|p| p.task == task && p.pgid == pid));
        child.kill().unwrap();
        child.wait().unwrap();
        drop(guard);
        assert!(!running().iter().any(|p| p.task == task));
    }

    #[test]
    fn an_ended_group_leaves_a_new_group_with_the_same_id_registered() {
        let old = TaskProcess {
            task: "+processes_test+old".into(),
            pgid: 999_999_001,
        };
        let new = TaskProcess {
            task: "+processes_test+new".into(),
            pgid: 999_999_001,
        };
        registry().running.push(old.clone());
        registry().running.push(new.clone());
        drop(Registered(old));
        let left: Vec<TaskProcess> = running()
            .into_iter()
            .filter(|p| p.pgid == 999_999_001)
            .collect();
        assert_eq!(left, vec![new.clone()]);
        drop(Registered(new));
        assert!(!running().iter().any(|p| p.pgid == 999_999_001));
    }
}
