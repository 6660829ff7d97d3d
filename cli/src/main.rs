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
    /// Print the lossless syntax tree of a file.
    Parse(commands::parse::ParseArgs),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Parse(args) => commands::parse::run(args),
    };
    match result {
        Ok(code) => code,
        Err(e) => {
            eprintln!("wf: {e}");
            ExitCode::from(2)
        }
    }
}
