//! `wf-engine`: all knowledge of Digdag `.dig` workflows.
//!
//! Data flows one way: text -> [`syntax`] -> [`load`] -> [`model`] -> [`check`] -> faces.
//! Faces (the `wf` CLI, the language server) never re-parse text themselves.

pub mod check;
pub mod diagnostic;
pub mod ide;
pub mod load;
pub mod model;
pub mod plan;
pub mod run;
pub mod schedule;
pub mod schema;
pub mod scope;
pub mod source;
pub mod suggest;
pub mod syntax;
pub mod template;

pub use diagnostic::{Diagnostic, Label, Severity};
pub use source::{FileId, Span};
