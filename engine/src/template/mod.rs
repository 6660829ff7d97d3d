//! Digdag `${...}` templates: the grammar ([`parse`]), static analysis of expressions
//! ([`js`]), evaluation in a sandboxed JavaScript engine ([`eval`]) and the moment.js API
//! that templates use ([`moment`]).

pub mod eval;
pub mod js;
pub mod moment;
pub mod parse;

pub use eval::{render, EvalError, EvalErrorKind, EvalOptions, Evaluator};
pub use js::{analyze, check_syntax, Analysis, Reference, SyntaxIssue};
pub use parse::{parse, ScalarMap, Segment};
