//! When each task of a [`TaskGraph`] would start and finish under assumed durations, as
//! digdag's executor schedules them (semantics §6.2), and the critical path.
//!
//! A group starts as soon as it is ready and ends when its last child ends. An operator task
//! runs for its duration once it is ready (and, with a thread limit, once a thread is free);
//! the tasks it generates (`^sub`) become ready when it has run, and it ends when they end. A
//! task is ready when its parent has started (for a `^sub`: when the generating operator has
//! run) and all its upstream siblings have ended.

use super::graph::{PlannedKind, PlannedTask, TaskGraph, Timing};
use std::cmp::Reverse;
use std::collections::{BTreeSet, BinaryHeap};

/// How to simulate.
pub struct SimOptions<'a> {
    /// How many units each operator task runs (groups take no time of their own).
    pub duration: &'a dyn Fn(&PlannedTask) -> u64,
    /// At most this many operator tasks run at once (`digdag run --max-task-threads`);
    /// `None`: no limit beyond the graph's own (`_parallel: {limit: N}` batches).
    pub max_running: Option<usize>,
}

/// The result of [`TaskGraph::simulate`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Simulation {
    /// Start and end of every task, by index.
    pub timing: Vec<Timing>,
    /// Whether each task is on the critical path: the chain of tasks whose durations add up to
    /// the end of the whole workflow (shortening any of them would end it sooner).
    pub critical: Vec<bool>,
    /// When the root ends.
    pub makespan: u64,
}

/// What made a task start when it did.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum StartCause {
    /// Its parent started (or, under a generating operator, finished running).
    Parent,
    /// This upstream sibling ended last.
    Upstream(usize),
    /// It waited for a thread, which this operator task freed.
    Thread(usize),
}

#[derive(Clone, Copy, Debug)]
enum Step {
    /// All upstreams have ended and the parent is open.
    Ready(usize, StartCause),
    /// Children may start (a group started; an operator finished running).
    Open(usize),
    /// The task (and everything under it) has ended.
    Finish(usize),
}

/// Assumed durations from a YAML or JSON file (`wf plan --simulate --durations FILE`): a
/// mapping of task name to units. A name matches a task whose full name ends with it, as
/// digdag's `+task` patterns do (`+load` matches `+wf+daily+load`); the longest matching name
/// wins. `default: N` sets the duration of every other operator task (1 otherwise).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Durations {
    entries: Vec<(String, u64)>,
    default: u64,
}

impl Default for Durations {
    fn default() -> Self {
        Durations {
            entries: Vec::new(),
            default: 1,
        }
    }
}

impl Durations {
    /// Durations for task names (suffix patterns, as in the file) and a default.
    pub fn new(entries: Vec<(String, u64)>, default: u64) -> Durations {
        Durations { entries, default }
    }

    /// Parses the file text; errors name the line.
    pub fn parse(text: &str) -> Result<Durations, String> {
        let fs = crate::load::MemoryFileSystem::new();
        let mut loader = crate::load::Loader::new(&fs);
        let path = std::path::Path::new("durations");
        let id = loader.add_text(path, text.as_bytes().to_vec(), None);
        let file = loader.sources.get(id);
        let at = |span: crate::Span| {
            let (line, col) = file.line_col(span.start);
            format!("line {}, column {}", line + 1, col + 1)
        };
        if let Some(d) = loader.diagnostics.first() {
            return Err(format!("{}: {}", at(d.span), d.message));
        }
        let value = loader.parsed(id).and_then(|p| p.value.clone());
        let Some(object) = value.as_ref().and_then(|v| v.as_object()) else {
            return Err("expected a mapping of task names to durations, e.g. `+load: 5`".into());
        };
        let mut out = Durations::default();
        for e in &object.entries {
            let units = match &e.value.kind {
                crate::load::ValueKind::Int(i) if *i >= 0 => *i as u64,
                _ => {
                    return Err(format!(
                    "{}: the duration of `{}` must be a whole number of units (0 or more), not {}",
                    at(e.value.span),
                    e.key,
                    e.value.to_json()
                ))
                }
            };
            if e.key == "default" {
                out.default = units;
            } else if e.key.starts_with('+') || e.key.starts_with('^') {
                out.entries.push((e.key.clone(), units));
            } else {
                return Err(format!(
                    "{}: `{}` is not a task name: names start with `+` (`+load`, `+wf+group+load`), or use `default`",
                    at(e.key_span),
                    e.key
                ));
            }
        }
        Ok(out)
    }

    /// The duration of `task` (groups take no time of their own).
    pub fn of(&self, task: &PlannedTask) -> u64 {
        if task.kind == PlannedKind::Group {
            return 0;
        }
        self.entries
            .iter()
            .filter(|(name, _)| task.name.ends_with(name.as_str()))
            .max_by_key(|(name, _)| name.len())
            .map_or(self.default, |(_, units)| *units)
    }

    /// Names in the file that match no task of `g` (probably misspelled).
    pub fn unmatched<'a>(&'a self, g: &TaskGraph) -> Vec<&'a str> {
        self.entries
            .iter()
            .map(|(name, _)| name.as_str())
            .filter(|name| !g.tasks.iter().any(|t| t.name.ends_with(name)))
            .collect()
    }
}

impl TaskGraph {
    /// Simulates the run (see the module documentation).
    pub fn simulate(&self, opts: &SimOptions<'_>) -> Simulation {
        let n = self.tasks.len();
        let mut timing = vec![Timing { start: 0, end: 0 }; n];
        if n == 0 {
            return Simulation {
                timing,
                critical: Vec::new(),
                makespan: 0,
            };
        }
        let mut children: Vec<Vec<usize>> = vec![Vec::new(); n];
        let mut downstream: Vec<Vec<usize>> = vec![Vec::new(); n];
        for t in &self.tasks {
            if let Some(p) = t.parent {
                children[p].push(t.index);
            }
            for &u in &t.upstream {
                downstream[u].push(t.index);
            }
        }
        let mut waiting_ups: Vec<usize> = self.tasks.iter().map(|t| t.upstream.len()).collect();
        let mut open_children: Vec<usize> = children.iter().map(Vec::len).collect();
        let mut opened = vec![false; n];
        let mut start_cause = vec![StartCause::Parent; n];
        let mut ready_at = vec![0u64; n];

        let mut now = 0u64;
        let mut steps: Vec<Step> = vec![Step::Ready(0, StartCause::Parent)];
        let mut waiting: BTreeSet<usize> = BTreeSet::new();
        let mut running: BinaryHeap<Reverse<(u64, usize)>> = BinaryHeap::new();
        let limit = opts.max_running.unwrap_or(usize::MAX).max(1);
        let mut freed_by: Option<usize> = None;
        loop {
            while let Some(step) = steps.pop() {
                match step {
                    Step::Ready(i, cause) => {
                        start_cause[i] = cause;
                        ready_at[i] = now;
                        match self.tasks[i].kind {
                            PlannedKind::Group => {
                                timing[i].start = now;
                                steps.push(Step::Open(i));
                            }
                            PlannedKind::Operator(_) => {
                                waiting.insert(i);
                            }
                        }
                    }
                    Step::Open(i) => {
                        opened[i] = true;
                        if children[i].is_empty() {
                            steps.push(Step::Finish(i));
                        }
                        // Reverse: the stack pops them in creation order.
                        for &c in children[i].iter().rev() {
                            if waiting_ups[c] == 0 {
                                steps.push(Step::Ready(c, StartCause::Parent));
                            }
                        }
                    }
                    Step::Finish(i) => {
                        timing[i].end = now;
                        for &d in downstream[i].iter().rev() {
                            waiting_ups[d] -= 1;
                            if waiting_ups[d] == 0 {
                                steps.push(Step::Ready(d, StartCause::Upstream(i)));
                            }
                        }
                        if let Some(p) = self.tasks[i].parent {
                            open_children[p] -= 1;
                            if open_children[p] == 0 && opened[p] {
                                steps.push(Step::Finish(p));
                            }
                        }
                    }
                }
            }
            // Start waiting operator tasks, in creation order, while threads are free.
            while running.len() < limit {
                let Some(i) = waiting.pop_first() else { break };
                timing[i].start = now;
                if now > ready_at[i] {
                    if let Some(j) = freed_by {
                        start_cause[i] = StartCause::Thread(j);
                    }
                }
                running.push(Reverse((now + (opts.duration)(&self.tasks[i]), i)));
            }
            let Some(Reverse((t, i))) = running.pop() else {
                break;
            };
            now = t;
            freed_by = Some(i);
            // An operator task's own run has ended: what it generates may start.
            steps.push(Step::Open(i));
            while let Some(&Reverse((t2, j))) = running.peek() {
                if t2 != now {
                    break;
                }
                running.pop();
                steps.push(Step::Open(j));
            }
            // Keep creation order among tasks finishing together.
            steps.sort_by(|a, b| match (a, b) {
                (Step::Open(x), Step::Open(y)) => y.cmp(x),
                _ => std::cmp::Ordering::Equal,
            });
        }
        let makespan = timing[0].end;
        let critical = self.critical_path(&timing, &start_cause, &children);
        Simulation {
            timing,
            critical,
            makespan,
        }
    }

    /// Walks back from the root's end: a task ends with its last child (or its own run), and
    /// starts with its parent, its last upstream, or the task that freed its thread. Ties go
    /// to the task created first.
    fn critical_path(
        &self,
        timing: &[Timing],
        start_cause: &[StartCause],
        children: &[Vec<usize>],
    ) -> Vec<bool> {
        let mut critical = vec![false; self.tasks.len()];
        // (task, whether we explain its end (true) or its start (false)).
        let mut at = Some((0usize, true));
        let mut guard = 0usize;
        while let Some((i, explain_end)) = at {
            guard += 1;
            if guard > 4 * self.tasks.len() + 4 {
                break; // cannot happen in a DAG; never loop forever
            }
            critical[i] = true;
            at = if explain_end {
                match children[i]
                    .iter()
                    .find(|&&c| timing[c].end == timing[i].end)
                {
                    Some(&c) => Some((c, true)),
                    None => Some((i, false)),
                }
            } else {
                match start_cause[i] {
                    StartCause::Upstream(_) => self.tasks[i]
                        .upstream
                        .iter()
                        .find(|&&u| timing[u].end == timing[i].start)
                        .map(|&u| (u, true)),
                    StartCause::Thread(j) => Some((j, false)),
                    StartCause::Parent => self.tasks[i].parent.map(|p| (p, false)),
                }
            };
        }
        critical
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check::lint_project;
    use crate::load::MemoryFileSystem;
    use crate::plan::compile_graph;
    use std::path::Path;

    fn graph(text: &str) -> TaskGraph {
        let mut fs = MemoryFileSystem::new();
        fs.insert("/p/wf.dig", text);
        let report = lint_project(&fs, Path::new("/p"), &[Path::new("/p/wf.dig").into()]);
        assert!(report.diagnostics.is_empty(), "{:?}", report.diagnostics);
        compile_graph(&report.workflows[0])
    }

    fn run(g: &TaskGraph, durations: &[(&str, u64)], threads: Option<usize>) -> String {
        let duration = |t: &PlannedTask| {
            durations
                .iter()
                .find(|(n, _)| t.name.ends_with(n))
                .map_or(1, |(_, d)| *d)
        };
        let sim = g.simulate(&SimOptions {
            duration: &duration,
            max_running: threads,
        });
        g.tasks
            .iter()
            .map(|t| {
                let tm = sim.timing[t.index];
                let mark = if sim.critical[t.index] { " *" } else { "" };
                format!("{} {}..{}{mark}\n", t.name, tm.start, tm.end)
            })
            .collect()
    }

    #[test]
    fn parallel_branches_critical_path_is_the_longest() {
        let g = graph(
            "+prep: {sh>: a}\n+fan:\n  _parallel: true\n  +fast: {sh>: b}\n  +slow:\n    +s1: {sh>: c}\n    +s2: {sh>: d}\n+done: {sh>: e}\n",
        );
        assert_eq!(
            run(&g, &[("+fast", 1)], None),
            "+wf 0..4 *\n\
             +wf+prep 0..1 *\n\
             +wf+fan 1..3 *\n\
             +wf+fan+fast 1..2\n\
             +wf+fan+slow 1..3 *\n\
             +wf+fan+slow+s1 1..2 *\n\
             +wf+fan+slow+s2 2..3 *\n\
             +wf+done 3..4 *\n"
        );
        // A tie goes to the branch written first.
        let out = run(&g, &[("+fast", 2)], None);
        assert!(
            out.contains("+wf+fan+fast 1..3 *\n+wf+fan+slow 1..3\n"),
            "{out}"
        );
        // With `+fast` taking 5 units it becomes the critical branch.
        let out = run(&g, &[("+fast", 5)], None);
        assert!(out.contains("+wf+fan+fast 1..6 *\n"), "{out}");
        assert!(out.contains("+wf+fan+slow 1..3\n"), "{out}");
        assert!(out.contains("+wf+done 6..7 *\n"), "{out}");
    }

    #[test]
    fn thread_limit_queues_ready_tasks_in_creation_order() {
        let g = graph("_parallel: true\n+a: {sh>: a}\n+b: {sh>: b}\n+c: {sh>: c}\n");
        assert_eq!(
            run(&g, &[("+c", 3)], Some(2)),
            "+wf 0..4 *\n+wf+a 0..1 *\n+wf+b 0..1\n+wf+c 1..4 *\n"
        );
        assert_eq!(
            run(&g, &[("+c", 3)], None),
            "+wf 0..3 *\n+wf+a 0..1\n+wf+b 0..1\n+wf+c 0..3 *\n"
        );
    }

    #[test]
    fn batches_wait_for_the_slowest_of_the_previous_batch() {
        let g = graph("_parallel: {limit: 2}\n+a: {sh>: a}\n+b: {sh>: b}\n+c: {sh>: c}\n");
        assert_eq!(
            run(&g, &[("+b", 4)], None),
            "+wf 0..5 *\n+wf+a 0..1\n+wf+b 0..4 *\n+wf+c 4..5 *\n"
        );
    }

    #[test]
    fn durations_file_matches_name_suffixes_longest_first() {
        let g = graph("+a: {sh>: a}\n+g:\n  +a: {sh>: b}\n  +b: {sh>: c}\n");
        let d = Durations::parse("default: 2\n+a: 5\n+g+a: 7\n+missing: 1\n").expect("parse");
        let names: Vec<(String, u64)> = g.tasks.iter().map(|t| (t.name.clone(), d.of(t))).collect();
        assert_eq!(
            names,
            [
                ("+wf", 0),
                ("+wf+a", 5),
                ("+wf+g", 0),
                ("+wf+g+a", 7),
                ("+wf+g+b", 2)
            ]
            .map(|(n, u)| (n.to_string(), u))
        );
        assert_eq!(d.unmatched(&g), ["+missing"]);
        // JSON is YAML too.
        assert!(Durations::parse(r#"{"+a": 3}"#).is_ok());
    }

    #[test]
    fn bad_durations_files_say_where() {
        assert_eq!(
            Durations::parse("+a: 1\n+b: 1.5\n"),
            Err("line 2, column 5: the duration of `+b` must be a whole number of units (0 or more), not 1.5".into())
        );
        assert_eq!(
            Durations::parse("+a: -1\n"),
            Err("line 1, column 5: the duration of `+a` must be a whole number of units (0 or more), not -1".into())
        );
        assert!(Durations::parse("load: 1\n")
            .is_err_and(|e| e.starts_with("line 1, column 1: `load` is not a task name")));
        assert!(Durations::parse("- 1\n").is_err_and(|e| e.starts_with("expected a mapping")));
        assert!(Durations::parse("+a: [1\n").is_err_and(|e| e.starts_with("line ")));
    }

    #[test]
    fn empty_groups_and_background_tasks() {
        let g = graph("+empty: {}\n+bg:\n  _background: true\n  sh>: x\n+next: {sh>: y}\n");
        assert_eq!(
            run(&g, &[("+bg", 3)], None),
            "+wf 0..4 *\n+wf+empty 0..0\n+wf+bg 0..3 *\n+wf+next 3..4 *\n"
        );
    }
}
