//! Rules: the registry of diagnostic codes, and the checks that produce them.

pub mod registry;

pub use registry::{Rule, RULES};
