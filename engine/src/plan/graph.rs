//! Workflow -> flat task list with parent links and upstream (dependency) links, exactly as
//! digdag's compiler orders and links them.

use crate::model::{Parallel, Task, TaskKind, Workflow};
use crate::source::Span;

/// Whether a planned task runs an operator or only groups children.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PlannedKind {
    Group,
    /// The operator name (`sh`, `td`, `call`, `loop`, ...). Operators that generate tasks at
    /// run time (`call>`, `loop>`, `if>`, ...) are single operator tasks here, as in digdag.
    Operator(String),
}

/// One task of the compiled graph.
#[derive(Clone, Debug)]
pub struct PlannedTask {
    /// Position in digdag's creation order (pre-order; 0 is the root).
    pub index: usize,
    /// Full name (`+wf+group+task`).
    pub name: String,
    /// Index of the parent task (None for the root).
    pub parent: Option<usize>,
    pub kind: PlannedKind,
    /// Indexes of sibling tasks that must succeed first (a set, in ascending order).
    pub upstream: Vec<usize>,
    /// Where the task is defined.
    pub span: Span,
}

/// The compiled graph of one workflow.
#[derive(Clone, Debug)]
pub struct TaskGraph {
    pub workflow: String,
    pub tasks: Vec<PlannedTask>,
}

/// When a task starts and ends in a simulation, in duration units.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Timing {
    pub start: u64,
    pub end: u64,
}

/// Compiles `wf` the way digdag's `WorkflowCompiler` does: pre-order indexes, sibling
/// dependencies from sequential order, `_background`, `_parallel` (batches for `{limit: N}`)
/// and `_after`. `_error` tasks are not part of the graph (digdag generates them on failure).
pub fn compile_graph(wf: &Workflow) -> TaskGraph {
    let mut tasks = Vec::new();
    add(&wf.root, None, &mut tasks);
    TaskGraph {
        workflow: wf.name.clone(),
        tasks,
    }
}

fn add(task: &Task, parent: Option<usize>, out: &mut Vec<PlannedTask>) -> usize {
    let index = out.len();
    let kind = match &task.kind {
        TaskKind::Group => PlannedKind::Group,
        TaskKind::Operator { name, .. } => PlannedKind::Operator(name.clone()),
    };
    out.push(PlannedTask {
        index,
        name: task.full_name.clone(),
        parent,
        kind,
        upstream: Vec::new(),
        span: task.name_span,
    });
    let mode = task
        .options
        .parallel
        .as_ref()
        .map_or(Parallel::Sequential, |(p, _)| p.clone());
    let mut child_indexes = Vec::with_capacity(task.children.len());
    for child in &task.children {
        child_indexes.push(add(child, Some(index), out));
    }
    link_siblings(task, &child_indexes, &mode, out);
    index
}

fn link_siblings(task: &Task, idx: &[usize], mode: &Parallel, out: &mut [PlannedTask]) {
    for (i, ups) in sibling_upstreams(task, mode).into_iter().enumerate() {
        out[idx[i]].upstream = ups.into_iter().map(|j| idx[j]).collect();
    }
}

/// For each child of `task` (a group running its children in `mode`), the positions of the
/// earlier siblings it directly depends on (sorted, unique), by digdag's compiler rules.
pub fn sibling_upstreams(task: &Task, mode: &Parallel) -> Vec<Vec<usize>> {
    let n_children = task.children.len();
    let mut ups: Vec<Vec<usize>> = vec![Vec::new(); n_children];
    match mode {
        Parallel::Sequential => {
            let mut before: Vec<usize> = Vec::new();
            for (i, child) in task.children.iter().enumerate() {
                if child.options.background.is_some_and(|(b, _)| b) {
                    before.push(i);
                } else {
                    ups[i].extend(before.iter().copied());
                    before = vec![i];
                }
            }
        }
        Parallel::All | Parallel::Limit(_) => {
            if let Parallel::Limit(n) = mode {
                if *n > 0 {
                    let n = *n as usize;
                    for (i, up) in ups.iter_mut().enumerate() {
                        let chunk = i / n;
                        if chunk > 0 {
                            up.extend((chunk - 1) * n..chunk * n);
                        }
                    }
                }
            }
            for (i, child) in task.children.iter().enumerate() {
                for (after, _) in &child.options.after {
                    if let Some(j) = (0..i).find(|&j| task.children[j].name == *after) {
                        ups[i].push(j);
                    }
                }
            }
        }
    }
    for up in &mut ups {
        up.sort_unstable();
        up.dedup();
    }
    ups
}

impl TaskGraph {
    /// Children of task `i`, in order.
    pub fn children(&self, i: usize) -> impl Iterator<Item = &PlannedTask> {
        self.tasks.iter().filter(move |t| t.parent == Some(i))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check::lint_project;
    use crate::load::MemoryFileSystem;
    use std::path::Path;

    fn graph(text: &str) -> String {
        let mut fs = MemoryFileSystem::new();
        fs.insert("/p/wf.dig", text);
        let report = lint_project(
            &fs,
            Path::new("/p"),
            &[Path::new("/p/wf.dig").to_path_buf()],
        );
        assert!(report.diagnostics.is_empty(), "{:?}", report.diagnostics);
        let g = compile_graph(&report.workflows[0]);
        let timing = g
            .simulate(&crate::plan::SimOptions {
                duration: &|_| 1,
                max_running: None,
            })
            .timing;
        g.tasks
            .iter()
            .map(|t| {
                let up: Vec<&str> = t
                    .upstream
                    .iter()
                    .map(|&u| g.tasks[u].name.as_str())
                    .collect();
                format!(
                    "{} {} <- {:?} [{}..{}]\n",
                    t.index, t.name, up, timing[t.index].start, timing[t.index].end
                )
            })
            .collect()
    }

    #[test]
    fn sequential_with_background() {
        let g = graph("+a:\n  echo>: a\n+b:\n  _background: true\n  echo>: b\n+c:\n  echo>: c\n+d:\n  echo>: d\n");
        assert_eq!(
            g,
            "0 +wf <- [] [0..3]\n\
             1 +wf+a <- [] [0..1]\n\
             2 +wf+b <- [] [0..1]\n\
             3 +wf+c <- [\"+wf+a\", \"+wf+b\"] [1..2]\n\
             4 +wf+d <- [\"+wf+c\"] [2..3]\n"
        );
    }

    #[test]
    fn parallel_limit_is_batches_and_after_adds_edges() {
        let g = graph(
            "+g:\n  _parallel: {limit: 2}\n  +a: {echo>: a}\n  +b: {echo>: b}\n  +c: {echo>: c}\n  +d:\n    _after: [+a]\n    echo>: d\n  +e: {echo>: e}\n+after:\n  echo>: x\n",
        );
        assert_eq!(
            g,
            "0 +wf <- [] [0..4]\n\
             1 +wf+g <- [] [0..3]\n\
             2 +wf+g+a <- [] [0..1]\n\
             3 +wf+g+b <- [] [0..1]\n\
             4 +wf+g+c <- [\"+wf+g+a\", \"+wf+g+b\"] [1..2]\n\
             5 +wf+g+d <- [\"+wf+g+a\", \"+wf+g+b\"] [1..2]\n\
             6 +wf+g+e <- [\"+wf+g+c\", \"+wf+g+d\"] [2..3]\n\
             7 +wf+after <- [\"+wf+g\"] [3..4]\n"
        );
    }

    #[test]
    fn parallel_true_zero_limit_and_disabled() {
        let g = graph(
            "_parallel: true\n+a: {echo>: a}\n+b:\n  _parallel: {limit: 0}\n  +x: {echo>: x}\n  +y: {echo>: y}\n+off:\n  _disable: true\n  +never: {echo>: n}\n",
        );
        assert_eq!(
            g,
            "0 +wf <- [] [0..1]\n\
             1 +wf+a <- [] [0..1]\n\
             2 +wf+b <- [] [0..1]\n\
             3 +wf+b+x <- [] [0..1]\n\
             4 +wf+b+y <- [] [0..1]\n\
             5 +wf+off <- [] [0..0]\n"
        );
    }
}
