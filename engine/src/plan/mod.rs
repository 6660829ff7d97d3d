//! The task graph digdag's `WorkflowCompiler` builds (semantics §6.1), and when each task
//! would start and finish under assumed durations. The executor will run this same graph.

mod calls;
pub mod expand;
mod graph;
pub mod params;
pub mod render;
mod session;
mod simulate;

pub use calls::{declared_params, plan_project_graph, ProjectCalls};
pub use graph::{
    compile_graph, plan_graph, sibling_upstreams, CallLoader, Expansion, PlanOptions, PlannedKind,
    PlannedTask, TaskGraph, Timing,
};
pub use session::{
    describe_schedule, next_sessions, session_at, sessions_between, workflow_schedule,
    workflow_zone, workflow_zone_name,
};
pub use simulate::{Durations, SimOptions, Simulation};
