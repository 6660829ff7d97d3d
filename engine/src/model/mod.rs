//! The task model: workflows, tasks, options and names.

pub mod names;
pub mod timezone;
