//! `wf`: the command-line face of wf-engine.

mod commands;

use clap::{Parser, Subcommand};
use std::process::ExitCode;

/// Lint, plan and run Digdag / Treasure Workflow `.dig` files.
#[derive(Parser)]
#[command(name = "wf", version, about)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// The summary `digdag check` prints, then what `wf lint` found.
    Check(commands::check::CheckArgs),
    /// Report every problem in the workflows under the given paths.
    Lint(commands::lint::LintArgs),
    /// Show the next sessions of a workflow's schedule and the order its tasks run in.
    Plan(commands::plan::PlanArgs),
    /// Run one session of a workflow locally (resumes the session when run again).
    Run(commands::run::RunArgs),
    /// Print the lossless syntax tree of a file.
    Parse(commands::parse::ParseArgs),
    /// List the rules (`--markdown` for the README table).
    Rules(commands::rules::RulesArgs),
    /// Run the language server on standard input and output.
    Lsp(commands::lsp::LspArgs),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Check(args) => commands::check::run(args),
        Command::Lint(args) => commands::lint::run(args),
        Command::Parse(args) => commands::parse::run(args),
        Command::Plan(args) => commands::plan::run(args),
        Command::Run(args) => commands::run::run(args),
        Command::Rules(args) => commands::rules::run(args),
        Command::Lsp(args) => commands::lsp::run(args),
    };
    match result {
        Ok(code) => code,
        Err(e) => {
            eprintln!("wf: {e}");
            ExitCode::from(2)
        }
    }
}
