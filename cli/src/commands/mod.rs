//! One module per subcommand.

pub mod check;
pub mod history;
pub mod lint;
pub mod lsp;
pub mod parse;
pub mod plan;
pub mod rules;
pub mod run;
pub mod secrets;
