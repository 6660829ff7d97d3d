//! The task graph digdag's `WorkflowCompiler` builds (semantics §6.1), and when each task
//! would start and finish under assumed durations. The executor will run this same graph.

pub mod expand;
mod graph;
mod session;

pub use graph::{compile_graph, sibling_upstreams, PlannedKind, PlannedTask, TaskGraph, Timing};
pub use session::{
    describe_schedule, next_sessions, sessions_between, workflow_schedule, workflow_zone,
};
