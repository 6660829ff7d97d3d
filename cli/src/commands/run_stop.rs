//! Stopping a run cleanly. `wf run` handles SIGINT (Ctrl-C), SIGTERM (`wf kill`) and SIGHUP:
//! it kills the process groups of the running tasks (SIGTERM, then SIGKILL after
//! [`GRACE`]), records the attempt as killed and exits with 128 + the signal number, saying
//! how to resume. `wf kill` uses the same helpers on the groups a vanished run recorded.

use std::io::Write;
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};
use wf_engine::run::history::History;
use wf_engine::run::processes;

/// How long task processes get between SIGTERM and SIGKILL.
pub const GRACE: Duration = Duration::from_secs(2);

/// How long `wf kill` waits for a `wf run` process to stop its tasks and exit.
pub const KILL_WAIT: Duration = Duration::from_secs(5);

/// Where a run is, for the signal watcher.
enum Phase {
    Preparing,
    Running { attempt: Option<i64> },
    Finished,
    Stopping,
}

/// What the signal watcher of one `wf run` shares with it.
pub struct RunStop {
    phase: Mutex<Phase>,
    /// Set when a signal stops the run: observers ignore events from then on.
    pub stopping: AtomicBool,
    project_root: PathBuf,
    json: bool,
    /// The command that resumes the session.
    resume: Mutex<String>,
    /// Clears the live view before the watcher prints.
    on_stop: Mutex<Option<Box<dyn FnOnce() + Send>>>,
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(PoisonError::into_inner)
}

impl RunStop {
    /// Installs the signal handlers and starts the thread that stops the run on a signal.
    /// When the handlers cannot be installed, a signal ends `wf` as it used to (warned).
    pub fn install(project_root: PathBuf, json: bool) -> Arc<RunStop> {
        let stop = Arc::new(RunStop {
            phase: Mutex::new(Phase::Preparing),
            stopping: AtomicBool::new(false),
            project_root,
            json,
            resume: Mutex::new(String::new()),
            on_stop: Mutex::new(None),
        });
        match sys::Signals::install() {
            Ok(signals) => {
                let watcher = stop.clone();
                let spawned = std::thread::Builder::new()
                    .name("signals".into())
                    .spawn(move || watch(signals, &watcher));
                if let Err(e) = spawned {
                    eprintln!("wf: warning: cannot watch for Ctrl-C: {e}");
                }
            }
            Err(e) => eprintln!("wf: warning: cannot handle Ctrl-C: {e}"),
        }
        stop
    }

    /// The command that resumes the session, printed when the run is stopped.
    pub fn set_resume(&self, command: String) {
        *lock(&self.resume) = command;
    }

    /// Runs `f` (clearing the live view) before the watcher prints anything.
    pub fn on_stop(&self, f: Box<dyn FnOnce() + Send>) {
        *lock(&self.on_stop) = Some(f);
    }

    /// The run starts (`attempt`: its id in the history).
    pub fn running(&self, attempt: Option<i64>) {
        let mut p = lock(&self.phase);
        if !matches!(*p, Phase::Stopping) {
            *p = Phase::Running { attempt };
        }
    }

    /// The run ended. `false` when a signal is stopping it: the watcher ends the process,
    /// so the caller must not record or print anything more.
    pub fn finished(&self) -> bool {
        let mut p = lock(&self.phase);
        if matches!(*p, Phase::Stopping) {
            return false;
        }
        *p = Phase::Finished;
        true
    }
}

/// Waits for a signal, then stops the run and ends the process.
fn watch(mut signals: sys::Signals, stop: &RunStop) {
    let sig = signals.wait();
    sys::ignore_sigpipe();
    let previous = std::mem::replace(&mut *lock(&stop.phase), Phase::Stopping);
    stop.stopping.store(true, Ordering::SeqCst);
    if let Some(clear) = lock(&stop.on_stop).take() {
        clear();
    }
    let name = sys::signal_name(sig);
    let mut err = std::io::stderr();
    let Phase::Running { attempt } = previous else {
        let _ = writeln!(err, "wf: {name} received");
        std::process::exit(128 + sig);
    };
    let groups = processes::stop();
    let mut tasks: Vec<&str> = groups.iter().map(|g| g.task.as_str()).collect();
    tasks.dedup();
    if tasks.is_empty() {
        let _ = writeln!(err, "wf: {name} received: stopping the run");
    } else {
        let _ = writeln!(
            err,
            "wf: {name} received: stopping the run and {} running task(s): {}",
            tasks.len(),
            tasks.join(", ")
        );
    }
    let pgids: Vec<u32> = groups.iter().map(|g| g.pgid).collect();
    let outcome = terminate_groups(&pgids, GRACE, &mut || signals.pending());
    if outcome.forced > 0 {
        let _ = writeln!(
            err,
            "wf: {} task process group(s) ignored SIGTERM for {}s: killed them (SIGKILL)",
            outcome.forced,
            GRACE.as_secs()
        );
    }
    let reason = format!("killed by {name}");
    let recorded = attempt.map(|a| {
        History::open(&stop.project_root)
            .and_then(|mut h| h.kill_attempt(a, &reason))
            .map(|()| a)
    });
    if stop.json {
        let event = serde_json::json!({"event": "killed", "signal": name, "tasks": tasks});
        let _ = writeln!(std::io::stdout(), "{event}");
    }
    match recorded {
        Some(Ok(a)) => {
            let _ = writeln!(err, "Killed: attempt {a} is recorded as killed ({reason}).");
        }
        Some(Err(e)) => {
            let _ = writeln!(err, "wf: warning: {e}");
        }
        None => {
            let _ = writeln!(
                err,
                "Killed ({reason}); nothing was recorded (--no-history)."
            );
        }
    }
    let resume = lock(&stop.resume).clone();
    if !resume.is_empty() {
        let _ = writeln!(
            err,
            "Run it again to resume; tasks that succeeded are not run twice:\n  {resume}"
        );
    }
    std::process::exit(128 + sig);
}

/// What [`terminate_groups`] did.
#[derive(Debug, Default)]
pub struct Terminated {
    /// The groups still there after the grace period (or a second signal), which got
    /// SIGKILL.
    pub forced: usize,
}

/// Ends process groups: SIGTERM to each, up to `grace` for them to go (less when `hurry`
/// says so: a second Ctrl-C), then SIGKILL to what is left.
pub fn terminate_groups(
    pgids: &[u32],
    grace: Duration,
    hurry: &mut dyn FnMut() -> bool,
) -> Terminated {
    let mut left: Vec<u32> = pgids
        .iter()
        .copied()
        .filter(|&g| sys::signal_group(g, sys::SIGTERM))
        .collect();
    let until = Instant::now() + grace;
    while !left.is_empty() && Instant::now() < until && !hurry() {
        std::thread::sleep(Duration::from_millis(20));
        left.retain(|&g| sys::group_alive(g));
    }
    let forced = left
        .iter()
        .filter(|&&g| sys::signal_group(g, sys::SIGKILL))
        .count();
    Terminated { forced }
}

/// Whether process group `pgid` still has a member this user may signal.
pub fn group_alive(pgid: u32) -> bool {
    sys::group_alive(pgid)
}

/// Whether the process group `pgid`, recorded when its task started at `started_at`, still
/// holds that task's processes: it is alive, and no process with the pid `pgid` that started
/// later leads it (the id was reused, after the group ended or a reboot, by someone else's
/// group, which must not be killed).
pub fn recorded_group_alive(pgid: u32, started_at: Option<jiff::Timestamp>) -> bool {
    group_alive(pgid)
        && match (started_at, sys::process_start(pgid)) {
            (Some(at), Some(leader)) => leader <= at + jiff::SignedDuration::from_secs(2),
            _ => true,
        }
}

/// Whether process `pid` is alive (not a zombie) and started no later than `not_after`
/// (so a pid reused by another process since is not taken for it; checked where the system
/// tells when a process started).
pub fn process_alive(pid: u32, not_after: Option<jiff::Timestamp>) -> bool {
    sys::process_alive(pid)
        && match (not_after, sys::process_start(pid)) {
            (Some(limit), Some(start)) => start <= limit + jiff::SignedDuration::from_secs(2),
            _ => true,
        }
}

/// Sends SIGTERM (`force`: SIGKILL) to process `pid`; whether it was there.
pub fn signal_process(pid: u32, force: bool) -> bool {
    sys::signal_process(pid, if force { sys::SIGKILL } else { sys::SIGTERM })
}

/// Waits up to `limit` for process `pid` to end; whether it did.
pub fn wait_exit(pid: u32, limit: Duration) -> bool {
    let until = Instant::now() + limit;
    loop {
        if !sys::process_alive(pid) {
            return true;
        }
        if Instant::now() >= until {
            return false;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

#[cfg(unix)]
mod sys {
    use std::io::Read;
    use std::os::fd::{AsRawFd, IntoRawFd};
    use std::sync::atomic::{AtomicI32, Ordering};

    pub use libc::{SIGKILL, SIGTERM};

    /// The write end of the pipe the signal handler writes the signal number to.
    static WRITE_FD: AtomicI32 = AtomicI32::new(-1);

    #[cfg(any(target_os = "linux", target_os = "android"))]
    fn errno() -> *mut libc::c_int {
        // SAFETY: returns the calling thread's errno location; no precondition.
        unsafe { libc::__errno_location() }
    }

    #[cfg(any(target_os = "macos", target_os = "ios", target_os = "freebsd"))]
    fn errno() -> *mut libc::c_int {
        // SAFETY: returns the calling thread's errno location; no precondition.
        unsafe { libc::__error() }
    }

    #[cfg(not(any(
        target_os = "linux",
        target_os = "android",
        target_os = "macos",
        target_os = "ios",
        target_os = "freebsd"
    )))]
    fn errno() -> *mut libc::c_int {
        std::ptr::null_mut()
    }

    extern "C" fn on_signal(sig: libc::c_int) {
        let fd = WRITE_FD.load(Ordering::Relaxed);
        if fd < 0 {
            return;
        }
        let byte = sig as u8;
        let e = errno();
        // SAFETY: write(2) is async-signal-safe; `fd` is a pipe kept open for the life of
        // the process; errno is restored for the interrupted code.
        unsafe {
            let saved = if e.is_null() { 0 } else { *e };
            libc::write(fd, (&byte as *const u8).cast(), 1);
            if !e.is_null() {
                *e = saved;
            }
        }
    }

    /// Signals delivered to this process, read from a self-pipe.
    pub struct Signals {
        read: std::io::PipeReader,
    }

    impl Signals {
        /// Catches SIGINT, SIGTERM and SIGHUP unless they are ignored (task commands started
        /// later get the default dispositions back when they exec).
        pub fn install() -> std::io::Result<Signals> {
            let (read, write) = std::io::pipe()?;
            let fd = write.into_raw_fd();
            // SAFETY: plain fcntl/sigaction calls on a descriptor we own and a handler that
            // only calls async-signal-safe functions.
            unsafe {
                let flags = libc::fcntl(fd, libc::F_GETFL);
                libc::fcntl(fd, libc::F_SETFL, flags | libc::O_NONBLOCK);
                WRITE_FD.store(fd, Ordering::Relaxed);
                for sig in [libc::SIGINT, libc::SIGTERM, libc::SIGHUP] {
                    // A signal ignored by whoever started us stays ignored (`nohup`, a
                    // background job of a shell without job control).
                    let mut old: libc::sigaction = std::mem::zeroed();
                    if libc::sigaction(sig, std::ptr::null(), &mut old) == 0
                        && old.sa_sigaction == libc::SIG_IGN
                    {
                        continue;
                    }
                    let mut action: libc::sigaction = std::mem::zeroed();
                    action.sa_sigaction = on_signal as *const () as libc::sighandler_t;
                    action.sa_flags = libc::SA_RESTART;
                    libc::sigemptyset(&mut action.sa_mask);
                    if libc::sigaction(sig, &action, std::ptr::null_mut()) != 0 {
                        return Err(std::io::Error::last_os_error());
                    }
                }
            }
            Ok(Signals { read })
        }

        /// Blocks until a signal arrives; returns its number.
        pub fn wait(&mut self) -> i32 {
            let mut byte = [0u8; 1];
            loop {
                match self.read.read(&mut byte) {
                    Ok(1) => return i32::from(byte[0]),
                    Ok(_) => return libc::SIGTERM,
                    Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
                    Err(_) => return libc::SIGTERM,
                }
            }
        }

        /// Whether another signal arrived (without waiting).
        pub fn pending(&mut self) -> bool {
            let mut fds = libc::pollfd {
                fd: self.read.as_raw_fd(),
                events: libc::POLLIN,
                revents: 0,
            };
            // SAFETY: one valid pollfd, no wait.
            let ready = unsafe { libc::poll(&mut fds, 1, 0) } > 0;
            if ready {
                let _ = self.wait();
            }
            ready
        }
    }

    /// Writes to a closed pipe fail instead of ending the process half-way through a stop.
    pub fn ignore_sigpipe() {
        // SAFETY: sets a signal disposition; no other effect.
        unsafe {
            libc::signal(libc::SIGPIPE, libc::SIG_IGN);
        }
    }

    pub fn signal_name(sig: i32) -> &'static str {
        match sig {
            libc::SIGINT => "SIGINT",
            libc::SIGTERM => "SIGTERM",
            libc::SIGHUP => "SIGHUP",
            _ => "a signal",
        }
    }

    /// A process or group id we may signal: never 0 or 1 (`kill(0)` and `kill(-1)` mean
    /// "my group" and "every process").
    fn id(n: u32) -> Option<libc::pid_t> {
        libc::pid_t::try_from(n).ok().filter(|&p| p > 1)
    }

    pub fn signal_group(pgid: u32, sig: i32) -> bool {
        // SAFETY: kill(2) on a negative id > 1 signals exactly that process group.
        id(pgid).is_some_and(|g| unsafe { libc::kill(-g, sig) } == 0)
    }

    /// A member of the group may be signalled, and (where `/proc` tells) one of them is not
    /// a zombie: a zombie leader waits for its parent, not for us.
    pub fn group_alive(pgid: u32) -> bool {
        signal_group(pgid, 0) && live_member(pgid).unwrap_or(true)
    }

    #[cfg(target_os = "linux")]
    fn live_member(pgid: u32) -> Option<bool> {
        let procs = std::fs::read_dir("/proc").ok()?;
        Some(procs.filter_map(Result::ok).any(|e| {
            e.file_name()
                .to_str()
                .and_then(|n| n.parse::<u32>().ok())
                .and_then(stat)
                .is_some_and(|s| s.pgrp == pgid && s.state != 'Z')
        }))
    }

    #[cfg(not(target_os = "linux"))]
    fn live_member(_pgid: u32) -> Option<bool> {
        None
    }

    pub fn signal_process(pid: u32, sig: i32) -> bool {
        // SAFETY: kill(2) on one process id > 1.
        id(pid).is_some_and(|p| unsafe { libc::kill(p, sig) } == 0)
    }

    /// Alive and not a zombie (a zombie waits for a parent that is not us).
    pub fn process_alive(pid: u32) -> bool {
        signal_process(pid, 0) && stat(pid).is_none_or(|s| s.state != 'Z')
    }

    struct Stat {
        state: char,
        pgrp: u32,
        /// Clock ticks after boot.
        start_ticks: u64,
    }

    #[cfg(target_os = "linux")]
    fn stat(pid: u32) -> Option<Stat> {
        let text = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
        // `pid (comm) state ppid pgrp ... starttime(22nd)`: comm may hold spaces.
        let fields: Vec<&str> = text[text.rfind(')')? + 1..].split_whitespace().collect();
        Some(Stat {
            state: fields.first()?.chars().next()?,
            pgrp: fields.get(2)?.parse().ok()?,
            start_ticks: fields.get(19)?.parse().ok()?,
        })
    }

    #[cfg(not(target_os = "linux"))]
    fn stat(_pid: u32) -> Option<Stat> {
        None
    }

    /// When process `pid` started (Linux; `None` elsewhere).
    pub fn process_start(pid: u32) -> Option<jiff::Timestamp> {
        let ticks = stat(pid)?.start_ticks;
        let boot: i64 = std::fs::read_to_string("/proc/stat")
            .ok()?
            .lines()
            .find_map(|l| l.strip_prefix("btime "))?
            .trim()
            .parse()
            .ok()?;
        // SAFETY: sysconf has no precondition.
        let hz = unsafe { libc::sysconf(libc::_SC_CLK_TCK) };
        if hz <= 0 {
            return None;
        }
        let ms = boot * 1000 + (ticks as i64 * 1000) / hz as i64;
        jiff::Timestamp::from_millisecond(ms).ok()
    }
}

#[cfg(not(unix))]
mod sys {
    pub const SIGTERM: i32 = 15;
    pub const SIGKILL: i32 = 9;

    pub struct Signals;

    impl Signals {
        pub fn install() -> std::io::Result<Signals> {
            Err(std::io::Error::other("signals are handled on Unix only"))
        }
        pub fn wait(&mut self) -> i32 {
            SIGTERM
        }
        pub fn pending(&mut self) -> bool {
            false
        }
    }

    pub fn ignore_sigpipe() {}

    pub fn signal_name(_: i32) -> &'static str {
        "a signal"
    }

    pub fn signal_group(_: u32, _: i32) -> bool {
        false
    }

    pub fn group_alive(_: u32) -> bool {
        false
    }

    pub fn signal_process(_: u32, _: i32) -> bool {
        false
    }

    pub fn process_alive(_: u32) -> bool {
        false
    }

    pub fn process_start(_: u32) -> Option<jiff::Timestamp> {
        None
    }
}
