//! Digdag `${...}` templates: the grammar ([`parse`]), static analysis of expressions
//! ([`js`]), evaluation in a sandboxed JavaScript engine ([`eval`]) and the moment.js subset
//! that templates use ([`moment`]).

pub mod parse;
