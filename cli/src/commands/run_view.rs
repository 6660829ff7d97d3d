//! The live view of `wf run` on a terminal: the task tree (as `wf plan` draws it), each task
//! with its state (pending, running with a spinner and elapsed time, succeeded with its
//! duration, failed, waiting to retry, resumed, skipped), redrawn below the log lines while
//! the run goes on. A tree taller than the terminal is shortened: finished and untouched
//! subtrees collapse into one line, then only the running, failed and recently finished
//! tasks are kept with their ancestors.
//!
//! [`TaskTree`] holds the state (fed with [`RunEvent`]s), [`render`] turns it into lines
//! (pure, unit-tested) and [`Live`] draws them with indicatif.

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};
use wf_engine::model::Task;
use wf_engine::run::RunEvent;

/// What happened to a task so far (times are since the run started).
#[derive(Clone, Debug, PartialEq)]
enum State {
    Pending,
    Running {
        since: Duration,
        attempt: u32,
    },
    RetryWaiting {
        retry: u32,
        until: Duration,
        message: String,
    },
    Succeeded {
        elapsed: Duration,
        at: Duration,
    },
    Failed {
        elapsed: Duration,
        at: Duration,
        message: String,
    },
    Resumed {
        at: Duration,
    },
    Skipped {
        at: Duration,
    },
}

struct Node {
    name: String,
    /// The name below the parent (`+load`, `^sub`), or the full name for a root.
    label: String,
    operator: Option<String>,
    parent: Option<usize>,
    children: Vec<usize>,
    depth: usize,
    state: State,
    mocked: bool,
}

/// The tasks of a run and their states.
#[derive(Default)]
pub struct TaskTree {
    nodes: Vec<Node>,
    by_name: HashMap<String, usize>,
}

impl TaskTree {
    /// The tree of `root` (generated tasks join it as they appear), every task pending.
    pub fn new(root: &Task) -> TaskTree {
        let mut tree = TaskTree::default();
        fn visit(tree: &mut TaskTree, t: &Task) {
            tree.add(&t.full_name, t.operator());
            for c in &t.children {
                visit(tree, c);
            }
        }
        visit(&mut tree, root);
        tree
    }

    /// The task named `name` (`+wf+a^sub+b`), added with its missing ancestors if new.
    pub fn add(&mut self, name: &str, operator: Option<&str>) -> usize {
        if let Some(&i) = self.by_name.get(name) {
            if self.nodes[i].operator.is_none() {
                self.nodes[i].operator = operator.map(str::to_string);
            }
            return i;
        }
        // Task names hold no `+` or `^` of their own: the parent is the name up to the last.
        let cut = name
            .char_indices()
            .rev()
            .find(|&(i, c)| i > 0 && (c == '+' || c == '^'))
            .map(|(i, _)| i);
        let parent = cut.map(|i| self.add(&name[..i], None));
        let (label, depth) = match (cut, parent) {
            (Some(i), Some(p)) => (name[i..].to_string(), self.nodes[p].depth + 1),
            _ => (name.to_string(), 0),
        };
        let id = self.nodes.len();
        self.nodes.push(Node {
            name: name.to_string(),
            label,
            operator: operator.map(str::to_string),
            parent,
            children: Vec::new(),
            depth,
            state: State::Pending,
            mocked: false,
        });
        if let Some(p) = parent {
            self.nodes[p].children.push(id);
        }
        self.by_name.insert(name.to_string(), id);
        id
    }

    /// Applies an event that happened `at` (since the run started).
    pub fn apply(&mut self, event: &RunEvent<'_>, at: Duration) {
        match event {
            RunEvent::Started {
                task,
                operator,
                attempt,
            } => {
                let i = self.add(task, Some(operator));
                self.nodes[i].state = State::Running {
                    since: at,
                    attempt: *attempt,
                };
            }
            RunEvent::Succeeded { task, elapsed, .. } => {
                let i = self.add(task, None);
                if !matches!(
                    self.nodes[i].state,
                    State::Resumed { .. } | State::Skipped { .. }
                ) {
                    self.nodes[i].state = State::Succeeded {
                        elapsed: *elapsed,
                        at,
                    };
                }
            }
            RunEvent::Resumed { task } => {
                let i = self.add(task, None);
                self.nodes[i].state = State::Resumed { at };
            }
            RunEvent::Skipped { task } => {
                let i = self.add(task, None);
                self.nodes[i].state = State::Skipped { at };
            }
            RunEvent::Mocked { task } => {
                let i = self.add(task, None);
                self.nodes[i].mocked = true;
            }
            RunEvent::Failed {
                task,
                message,
                elapsed,
            } => {
                let i = self.add(task, None);
                self.nodes[i].state = State::Failed {
                    elapsed: *elapsed,
                    at,
                    message: first_line(message),
                };
            }
            RunEvent::Retrying {
                task,
                message,
                retry,
                wait,
            } => {
                let i = self.add(task, None);
                self.nodes[i].state = State::RetryWaiting {
                    retry: *retry,
                    until: at + *wait,
                    message: first_line(message),
                };
                // A group retry runs the whole subtree again.
                let mut todo = self.nodes[i].children.clone();
                while let Some(c) = todo.pop() {
                    self.nodes[c].state = State::Pending;
                    self.nodes[c].mocked = false;
                    todo.extend(self.nodes[c].children.iter().copied());
                }
            }
            RunEvent::Log { .. } | RunEvent::Params { .. } | RunEvent::Warning { .. } => {}
        }
    }

    /// The own name of `task` below the root (`+extract+count` for `+wf+extract+count`).
    pub fn short_name<'a>(&self, task: &'a str) -> &'a str {
        match self.nodes.first() {
            Some(root) if task.len() > root.name.len() && task.starts_with(&root.name) => {
                &task[root.name.len()..]
            }
            _ => task,
        }
    }
}

fn first_line(s: &str) -> String {
    s.lines().next().unwrap_or_default().to_string()
}

/// Where and when [`render`] draws.
#[derive(Clone, Copy, Debug)]
pub struct Frame {
    /// Terminal columns: longer lines are cut with `…`.
    pub width: usize,
    /// Terminal rows: the view (tree and footer) uses at most `height - 1`.
    pub height: usize,
    /// Time since the run started.
    pub now: Duration,
    /// ANSI colors on the state marks.
    pub color: bool,
}

/// How the leaves below a task are doing.
#[derive(Clone, Copy, Debug, Default)]
struct Counts {
    leaves: usize,
    pending: usize,
    running: usize,
    retrying: usize,
    done: usize,
    failed: usize,
    /// When the first leaf below started.
    first_start: Option<Duration>,
}

impl Counts {
    fn add(&mut self, o: &Counts) {
        self.leaves += o.leaves;
        self.pending += o.pending;
        self.running += o.running;
        self.retrying += o.retrying;
        self.done += o.done;
        self.failed += o.failed;
        self.first_start = match (self.first_start, o.first_start) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        };
    }
}

/// What one line of the view shows.
enum Row {
    /// A task; `collapsed`: its children are hidden and counted on its line.
    Task { node: usize, collapsed: bool },
    /// Hidden children of a shown task, counted.
    Hidden { depth: usize, counts: Counts },
    /// Tasks cut at the bottom.
    More { tasks: usize, running: usize },
}

const SPINNER: [&str; 10] = ["⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"];

/// How many recently finished tasks stay visible when the tree is shortened.
const RECENT: usize = 3;

/// The lines of the view: the tree, then a footer with the elapsed time and counts.
pub fn render(tree: &TaskTree, frame: &Frame) -> Vec<String> {
    let n = tree.nodes.len();
    // Children always come after their parent: one backward pass sums the leaves.
    let mut counts = vec![Counts::default(); n];
    for i in (0..n).rev() {
        let node = &tree.nodes[i];
        if node.children.is_empty() {
            let c = &mut counts[i];
            c.leaves = 1;
            match &node.state {
                State::Pending => c.pending = 1,
                State::Running { since, .. } => {
                    c.running = 1;
                    c.first_start = Some(*since);
                }
                State::RetryWaiting { .. } => c.retrying = 1,
                State::Failed { .. } => c.failed = 1,
                State::Succeeded { .. } | State::Resumed { .. } | State::Skipped { .. } => {
                    c.done = 1
                }
            }
            if let State::Succeeded { at, elapsed } | State::Failed { at, elapsed, .. } =
                &node.state
            {
                c.first_start = Some(at.saturating_sub(*elapsed));
            }
        }
        if let Some(p) = node.parent {
            let c = counts[i];
            counts[p].add(&c);
        }
    }
    let roots: Vec<usize> = (0..n).filter(|&i| tree.nodes[i].parent.is_none()).collect();
    let max_rows = frame.height.saturating_sub(2).max(1);

    // 1. Everything.
    let mut rows = Vec::new();
    for &r in &roots {
        full_rows(tree, r, &mut rows, &|_| false);
    }
    // 2. Finished or untouched subtrees collapsed.
    if rows.len() > max_rows {
        rows.clear();
        let collapse = |i: usize| {
            let c = &counts[i];
            !tree.nodes[i].children.is_empty()
                && ((c.done == c.leaves && is_done(&tree.nodes[i].state))
                    || (c.pending == c.leaves && tree.nodes[i].state == State::Pending))
        };
        for &r in &roots {
            full_rows(tree, r, &mut rows, &collapse);
        }
    }
    // 3. Only what runs, failed or just finished, with its ancestors and the counts of
    //    what is hidden; 4. without the finished tasks and the counts; 5. cut at the bottom.
    if rows.len() > max_rows {
        rows = active_rows(tree, &counts, &roots, RECENT, true);
    }
    if rows.len() > max_rows {
        rows = active_rows(tree, &counts, &roots, 0, false);
    }
    if rows.len() > max_rows {
        let cut: Vec<Row> = rows.split_off(max_rows.saturating_sub(1));
        let mut tasks = 0;
        let mut running = 0;
        for r in &cut {
            if let Row::Task { node, .. } = r {
                tasks += 1;
                running += usize::from(matches!(tree.nodes[*node].state, State::Running { .. }));
            }
        }
        rows.push(Row::More { tasks, running });
    }

    let mut lines: Vec<String> = rows
        .iter()
        .map(|row| row_line(tree, &counts, row, frame))
        .collect();
    let total = roots.iter().fold(Counts::default(), |mut acc, &r| {
        acc.add(&counts[r]);
        acc
    });
    let mut footer = format!("{} elapsed", duration(frame.now));
    for (n, what) in [
        (total.running, "running"),
        (total.retrying, "waiting to retry"),
        (total.done, "done"),
        (total.failed, "failed"),
        (total.pending, "pending"),
    ] {
        if n > 0 || what == "running" {
            footer.push_str(&format!(" · {n} {what}"));
        }
    }
    lines.push(fit(&footer, frame.width));
    lines
}

fn is_done(s: &State) -> bool {
    matches!(
        s,
        State::Succeeded { .. } | State::Resumed { .. } | State::Skipped { .. }
    )
}

fn full_rows(tree: &TaskTree, i: usize, rows: &mut Vec<Row>, collapse: &dyn Fn(usize) -> bool) {
    let collapsed = collapse(i);
    rows.push(Row::Task { node: i, collapsed });
    if !collapsed {
        for &c in &tree.nodes[i].children {
            full_rows(tree, c, rows, collapse);
        }
    }
}

/// The rows of the running, waiting and failed tasks, the `recent` last finished ones, their
/// ancestors and (with `hidden`) one line per parent counting what is not shown.
fn active_rows(
    tree: &TaskTree,
    counts: &[Counts],
    roots: &[usize],
    recent: usize,
    hidden: bool,
) -> Vec<Row> {
    let n = tree.nodes.len();
    let mut keep = vec![false; n];
    let mut finished: Vec<(Duration, usize)> = Vec::new();
    for (i, node) in tree.nodes.iter().enumerate() {
        match &node.state {
            // A task whose generated children run is shown through them.
            State::Running { .. } | State::RetryWaiting { .. } | State::Failed { .. } => {
                keep[i] = node.children.is_empty() || counts[i].running + counts[i].retrying == 0;
            }
            State::Succeeded { at, .. } if node.children.is_empty() => finished.push((*at, i)),
            _ => {}
        }
    }
    finished.sort_by_key(|&(at, _)| std::cmp::Reverse(at));
    for &(_, i) in finished.iter().take(recent) {
        keep[i] = true;
    }
    for i in (0..n).rev() {
        if keep[i] {
            if let Some(p) = tree.nodes[i].parent {
                keep[p] = true;
            }
        }
    }
    let mut rows = Vec::new();
    for &r in roots {
        kept_rows(tree, r, &keep, counts, hidden, &mut rows);
    }
    rows
}

fn kept_rows(
    tree: &TaskTree,
    i: usize,
    keep: &[bool],
    counts: &[Counts],
    with_hidden: bool,
    rows: &mut Vec<Row>,
) {
    rows.push(Row::Task {
        node: i,
        collapsed: false,
    });
    let mut hidden = Counts::default();
    for &c in &tree.nodes[i].children {
        if keep[c] {
            kept_rows(tree, c, keep, counts, with_hidden, rows);
        } else {
            hidden.add(&counts[c]);
        }
    }
    if with_hidden && hidden.leaves > 0 {
        rows.push(Row::Hidden {
            depth: tree.nodes[i].depth + 1,
            counts: hidden,
        });
    }
}

/// `0.4s`, `12.3s`, `4m05s`, `2h03m`.
fn duration(d: Duration) -> String {
    let s = d.as_secs();
    if s < 60 {
        format!("{:.1}s", d.as_secs_f64())
    } else if s < 3600 {
        format!("{}m{:02}s", s / 60, s % 60)
    } else {
        format!("{}h{:02}m", s / 3600, (s % 3600) / 60)
    }
}

fn plural(n: usize, what: &str) -> String {
    format!("{n} {what}{}", if n == 1 { "" } else { "s" })
}

fn row_line(tree: &TaskTree, counts: &[Counts], row: &Row, frame: &Frame) -> String {
    let (depth, mark, color, text) = match row {
        Row::Task { node, collapsed } => {
            let node_ref = &tree.nodes[*node];
            let c = &counts[*node];
            let (mark, color, detail) = task_state(node_ref, c, frame.now);
            let mut text = node_ref.label.clone();
            if let Some(op) = &node_ref.operator {
                text.push_str(&format!("  {op}>"));
            }
            if !detail.is_empty() {
                text.push_str("  ");
                text.push_str(&detail);
            }
            if *collapsed {
                text.push_str(&format!("  [{}]", plural(c.leaves, "task")));
            }
            (node_ref.depth, mark, color, text)
        }
        Row::Hidden { depth, counts: c } => {
            let mut parts = Vec::new();
            for (n, what) in [
                (c.running, "running"),
                (c.retrying, "waiting to retry"),
                (c.done, "done"),
                (c.failed, "failed"),
                (c.pending, "pending"),
            ] {
                if n > 0 {
                    parts.push(format!("{n} {what}"));
                }
            }
            (
                *depth,
                "…".to_string(),
                "2",
                format!("{}: {}", plural(c.leaves, "more task"), parts.join(", ")),
            )
        }
        Row::More { tasks, running } => (
            0,
            "…".to_string(),
            "2",
            format!(
                "{} not shown ({running} running); the terminal is too small",
                plural(*tasks, "more task")
            ),
        ),
    };
    let indent = "  ".repeat(depth + 1);
    let plain = fit(&format!("{indent}{mark} {text}"), frame.width);
    if !frame.color {
        return plain;
    }
    // The mark sits right after the indentation (when the cut left it).
    match plain
        .strip_prefix(&indent)
        .and_then(|r| r.strip_prefix(&mark))
    {
        Some(rest) => format!("{indent}\x1b[{color}m{mark}\x1b[0m{rest}"),
        None => plain,
    }
}

/// The mark, its color and the detail of a task's line.
fn task_state(node: &Node, c: &Counts, now: Duration) -> (String, &'static str, String) {
    let spinner = SPINNER[(now.as_millis() / 100) as usize % SPINNER.len()].to_string();
    let running = |since: Duration, attempt: u32| {
        let mut d = duration(now.saturating_sub(since));
        if attempt > 0 {
            d.push_str(&format!(" (retry {attempt})"));
        }
        (spinner.clone(), "36", d)
    };
    match &node.state {
        State::Running { since, attempt } => running(*since, *attempt),
        State::RetryWaiting {
            retry,
            until,
            message,
        } => (
            "↻".into(),
            "33",
            format!(
                "failed: {message}; retry {retry} in {}",
                duration(until.saturating_sub(now))
            ),
        ),
        State::Succeeded { elapsed, .. } => {
            let mocked = if node.mocked { " (mocked)" } else { "" };
            ("✔".into(), "32", format!("{}{mocked}", duration(*elapsed)))
        }
        State::Failed {
            elapsed, message, ..
        } => (
            "✘".into(),
            "31",
            format!("failed after {}: {message}", duration(*elapsed)),
        ),
        State::Resumed { .. } => ("↷".into(), "2", "resumed".into()),
        State::Skipped { .. } => ("↷".into(), "2", "skipped (--end)".into()),
        // A group runs while something below it has started.
        State::Pending => match c.first_start {
            Some(since) if c.pending < c.leaves => running(since, 0),
            _ => ("·".into(), "2", String::new()),
        },
    }
}

/// `s` cut to `width` characters (the last one `…`).
fn fit(s: &str, width: usize) -> String {
    if s.chars().count() <= width {
        return s.to_string();
    }
    let mut out: String = s.chars().take(width.saturating_sub(1)).collect();
    out.push('…');
    out
}

/// The terminal's size (rows, columns) from standard error, if it is a terminal.
fn terminal_size() -> Option<(usize, usize)> {
    #[cfg(unix)]
    {
        // SAFETY: TIOCGWINSZ fills a winsize for a terminal descriptor; nothing else.
        let mut ws: libc::winsize = unsafe { std::mem::zeroed() };
        let ok = unsafe { libc::ioctl(libc::STDERR_FILENO, libc::TIOCGWINSZ, &mut ws) } == 0;
        if ok && ws.ws_row > 0 && ws.ws_col > 0 {
            return Some((usize::from(ws.ws_row), usize::from(ws.ws_col)));
        }
    }
    None
}

struct Shared {
    tree: Mutex<TaskTree>,
    bar: indicatif::ProgressBar,
    started: Instant,
    color: bool,
    stopped: AtomicBool,
}

impl Shared {
    fn draw(&self) {
        let (height, width) = terminal_size().unwrap_or((24, 80));
        let frame = Frame {
            width,
            height,
            now: self.started.elapsed(),
            color: self.color,
        };
        let lines = render(
            &self.tree.lock().unwrap_or_else(PoisonError::into_inner),
            &frame,
        );
        self.bar.set_message(lines.join("\n"));
    }
}

/// The view drawn on the terminal: the tree redrawn ten times a second, lines printed above.
pub struct Live {
    shared: Arc<Shared>,
    ticker: Option<std::thread::JoinHandle<()>>,
}

impl Live {
    /// Starts drawing `tree` on standard error (`started`: when the run started).
    pub fn start(tree: TaskTree, started: Instant, color: bool) -> Live {
        let bar = indicatif::ProgressBar::new_spinner();
        if let Ok(style) = indicatif::ProgressStyle::with_template("{msg}") {
            bar.set_style(style);
        }
        let shared = Arc::new(Shared {
            tree: Mutex::new(tree),
            bar,
            started,
            color,
            stopped: AtomicBool::new(false),
        });
        shared.draw();
        let ticking = shared.clone();
        let ticker = std::thread::Builder::new()
            .name("live-view".into())
            .spawn(move || {
                while !ticking.stopped.load(Ordering::SeqCst) {
                    std::thread::sleep(Duration::from_millis(100));
                    if !ticking.stopped.load(Ordering::SeqCst) {
                        ticking.draw();
                    }
                }
            })
            .ok();
        Live { shared, ticker }
    }

    /// Updates the tree with an event that happened `at`.
    pub fn apply(&self, event: &RunEvent<'_>, at: Duration) {
        self.shared
            .tree
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .apply(event, at);
    }

    /// The own name of `task` below the root.
    pub fn short_name<'a>(&self, task: &'a str) -> &'a str {
        self.shared
            .tree
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .short_name(task)
    }

    /// Prints a line above the tree.
    pub fn println(&self, line: &str) {
        self.shared.bar.println(line);
    }

    /// A function that stops the view and clears it (for a signal stopping the run).
    pub fn clearer(&self) -> Box<dyn FnOnce() + Send> {
        let shared = self.shared.clone();
        Box::new(move || {
            shared.stopped.store(true, Ordering::SeqCst);
            shared.bar.finish_and_clear();
        })
    }

    /// Draws the final state and leaves it on the terminal.
    pub fn finish(mut self) {
        self.stop_ticker();
        self.shared.draw();
        self.shared.bar.finish();
    }

    fn stop_ticker(&mut self) {
        self.shared.stopped.store(true, Ordering::SeqCst);
        if let Some(t) = self.ticker.take() {
            let _ = t.join();
        }
    }
}

impl Drop for Live {
    /// A run that ends early (an error before it started) leaves no view behind.
    fn drop(&mut self) {
        self.stop_ticker();
        if !self.shared.bar.is_finished() {
            self.shared.bar.finish_and_clear();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use wf_engine::run::TaskResult;

    fn ms(n: u64) -> Duration {
        Duration::from_millis(n)
    }

    fn frame(now: u64, height: usize) -> Frame {
        Frame {
            width: 100,
            height,
            now: ms(now),
            color: false,
        }
    }

    fn tree(tasks: &[(&str, Option<&str>)]) -> TaskTree {
        let mut t = TaskTree::default();
        for (name, op) in tasks {
            t.add(name, *op);
        }
        t
    }

    fn started(t: &mut TaskTree, task: &str, op: &str, attempt: u32, at: u64) {
        t.apply(
            &RunEvent::Started {
                task,
                operator: op,
                attempt,
            },
            ms(at),
        );
    }

    fn succeeded(t: &mut TaskTree, task: &str, elapsed: u64, at: u64) {
        t.apply(
            &RunEvent::Succeeded {
                task,
                result: &TaskResult::default(),
                elapsed: ms(elapsed),
            },
            ms(at),
        );
    }

    fn failed(t: &mut TaskTree, task: &str, message: &str, elapsed: u64, at: u64) {
        t.apply(
            &RunEvent::Failed {
                task,
                message,
                elapsed: ms(elapsed),
            },
            ms(at),
        );
    }

    #[test]
    fn in_progress_with_a_retry_and_generated_tasks() {
        let mut t = tree(&[
            ("+wf", None),
            ("+wf+prepare", Some("echo")),
            ("+wf+extract", None),
            ("+wf+extract+regions", Some("for_each")),
            ("+wf+extract+count", Some("py")),
            ("+wf+report", Some("sh")),
        ]);
        t.apply(
            &RunEvent::Resumed {
                task: "+wf+prepare",
            },
            ms(0),
        );
        succeeded(&mut t, "+wf+prepare", 0, 0);
        started(&mut t, "+wf+extract+regions", "for_each", 0, 100);
        started(
            &mut t,
            "+wf+extract+regions^sub+for-0=region=0=jp",
            "sh",
            0,
            150,
        );
        succeeded(
            &mut t,
            "+wf+extract+regions^sub+for-0=region=0=jp",
            1200,
            1350,
        );
        started(
            &mut t,
            "+wf+extract+regions^sub+for-0=region=1=us",
            "sh",
            0,
            150,
        );
        started(&mut t, "+wf+extract+count", "py", 0, 100);
        t.apply(
            &RunEvent::Retrying {
                task: "+wf+extract+count",
                message: "Python command failed with code 1: boom (RuntimeError)\nTraceback",
                retry: 1,
                wait: ms(2000),
            },
            ms(900),
        );
        let before_retry = render(&t, &frame(1500, 40)).join("\n");
        started(&mut t, "+wf+extract+count", "py", 1, 2900);
        let retrying = render(&t, &frame(4200, 40)).join("\n");
        insta::assert_snapshot!(format!("{before_retry}\n---\n{retrying}"));
    }

    #[test]
    fn a_failure_with_an_error_task_and_a_mock() {
        let mut t = tree(&[
            ("+wf", None),
            ("+wf+load", Some("td")),
            ("+wf+check", Some("sh")),
            ("+wf+never", Some("echo")),
        ]);
        started(&mut t, "+wf+load", "td", 0, 0);
        t.apply(&RunEvent::Mocked { task: "+wf+load" }, ms(1));
        succeeded(&mut t, "+wf+load", 1, 1);
        started(&mut t, "+wf+check", "sh", 0, 10);
        failed(
            &mut t,
            "+wf+check",
            "Command failed with code 7",
            62_500,
            62_510,
        );
        started(&mut t, "+wf^error", "echo", 0, 62_520);
        succeeded(&mut t, "+wf^error", 5, 62_525);
        failed(&mut t, "+wf", "a task in the group failed", 62_530, 62_530);
        insta::assert_snapshot!(render(&t, &frame(62_600, 40)).join("\n"));
    }

    /// 3 groups of 20 tasks: the first finished, the second half done, the third untouched.
    fn large() -> TaskTree {
        let mut t = tree(&[("+big", None)]);
        for g in 0..3 {
            for i in 0..20 {
                t.add(&format!("+big+g{g}+t{i:02}"), Some("sh"));
            }
        }
        let mut at = 0;
        for i in 0..20 {
            started(&mut t, &format!("+big+g0+t{i:02}"), "sh", 0, at);
            at += 100;
            succeeded(&mut t, &format!("+big+g0+t{i:02}"), 100, at);
        }
        succeeded(&mut t, "+big+g0", at, at);
        for i in 0..10 {
            started(&mut t, &format!("+big+g1+t{i:02}"), "sh", 0, at);
            at += 100;
            succeeded(&mut t, &format!("+big+g1+t{i:02}"), 100, at);
        }
        for i in 10..14 {
            started(&mut t, &format!("+big+g1+t{i:02}"), "sh", 0, at + i);
        }
        failed(
            &mut t,
            "+big+g1+t10",
            "Command failed with code 1",
            50,
            at + 60,
        );
        t
    }

    #[test]
    fn a_large_tree_collapses_finished_and_untouched_groups() {
        let t = large();
        // 64 tasks do not fit 40 rows: +g0 (finished) and +g2 (untouched) collapse.
        insta::assert_snapshot!(render(&t, &frame(3100, 40)).join("\n"));
    }

    #[test]
    fn a_large_tree_in_a_small_terminal_keeps_what_runs() {
        let t = large();
        insta::assert_snapshot!(render(&t, &frame(3100, 14)).join("\n"));
        // Smaller still: the counts of hidden tasks go, then the bottom is cut.
        let tiny = render(&t, &frame(3100, 6));
        assert_eq!(tiny.len(), 5, "{tiny:#?}");
        insta::assert_snapshot!("tiny", tiny.join("\n"));
    }

    #[test]
    fn long_lines_are_cut_to_the_terminal_width_and_marks_are_colored() {
        let mut t = tree(&[("+wf", None), ("+wf+a_rather_long_task_name", Some("sh"))]);
        failed(
            &mut t,
            "+wf+a_rather_long_task_name",
            "Command failed with code 1",
            10,
            10,
        );
        let lines = render(
            &t,
            &Frame {
                width: 40,
                height: 10,
                now: ms(20),
                color: true,
            },
        );
        assert_eq!(
            lines[1],
            "    \x1b[31m✘\x1b[0m +a_rather_long_task_name  sh>  fa…"
        );
        assert!(lines.iter().all(|l| !l.contains('\n')));
    }

    #[test]
    fn a_group_retry_sets_its_subtree_back_to_pending() {
        let mut t = tree(&[("+wf", None), ("+wf+g", None), ("+wf+g+a", Some("sh"))]);
        started(&mut t, "+wf+g+a", "sh", 0, 0);
        failed(&mut t, "+wf+g+a", "Command failed with code 1", 10, 10);
        t.apply(
            &RunEvent::Retrying {
                task: "+wf+g",
                message: "a task in the group failed",
                retry: 1,
                wait: ms(1000),
            },
            ms(20),
        );
        let lines = render(&t, &frame(500, 10));
        assert_eq!(lines[2], "      · +a  sh>", "{lines:#?}");
        assert!(lines[1].contains("↻ +g  failed: a task in the group failed; retry 1 in 0.5s"));
    }
}
