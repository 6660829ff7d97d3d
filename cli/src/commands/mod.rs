//! One module per subcommand.

pub mod check;
pub mod history;
pub mod lint;
pub mod lsp;
pub mod parse;
pub mod plan;
pub mod rules;
pub mod run;
pub mod run_stop;
pub mod run_view;
pub mod secrets;
