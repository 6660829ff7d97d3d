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
    /// Sessions in the project's run history, newest first.
    Sessions(commands::history::ListArgs),
    /// Attempts (runs) in the project's run history, newest first.
    Attempts(commands::history::ListArgs),
    /// One attempt: workflow, session, status, parameters, task counts.
    Attempt(commands::history::AttemptArgs),
    /// The tasks of an attempt with their state, retries and errors.
    Tasks(commands::history::AttemptArgs),
    /// The log lines of an attempt (of one task with `+task`).
    Logs(commands::history::LogsArgs),
    /// Run an attempt's session again; tasks that succeeded are not run twice.
    Retry(commands::history::RetryArgs),
    /// Stop a running attempt.
    Kill(commands::history::AttemptArgs),
    /// Manage the project's local secrets for `${secret:KEY}`.
    Secrets(commands::secrets::SecretsArgs),
    /// Print the lossless syntax tree of a file.
    Parse(commands::parse::ParseArgs),
    /// List the rules (`--markdown` for the README table).
    Rules(commands::rules::RulesArgs),
    /// Run the language server on standard input and output.
    Lsp(commands::lsp::LspArgs),
}

fn main() -> ExitCode {
    // `wf tasks 3 | head` ends quietly when the reader goes away, like other Unix tools
    // (Rust ignores SIGPIPE by default, which turns a closed pipe into a panic in `println!`).
    #[cfg(unix)]
    // SAFETY: restoring the default disposition of SIGPIPE at start-up, before any thread
    // exists, has no other effect.
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
    }
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Check(args) => commands::check::run(args),
        Command::Lint(args) => commands::lint::run(args),
        Command::Parse(args) => commands::parse::run(args),
        Command::Plan(args) => commands::plan::run(args),
        Command::Run(args) => commands::run::run(args),
        Command::Sessions(args) => commands::history::sessions(args),
        Command::Attempts(args) => commands::history::attempts(args),
        Command::Attempt(args) => commands::history::attempt(args),
        Command::Tasks(args) => commands::history::tasks(args),
        Command::Logs(args) => commands::history::logs(args),
        Command::Retry(args) => commands::history::retry(args),
        Command::Kill(args) => commands::history::kill(args),
        Command::Secrets(args) => commands::secrets::run(args),
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
