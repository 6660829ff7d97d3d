//! `wf lsp`: the language server on standard input and output.

/// Arguments of `wf lsp`.
#[derive(clap::Args)]
pub struct LspArgs {
    /// Accepted for editors that pass it; standard input and output are always used.
    #[arg(long)]
    stdio: bool,
}

/// Runs the language server until the client exits.
pub fn run(args: LspArgs) -> Result<std::process::ExitCode, String> {
    let _ = args.stdio;
    wf_server::run_stdio().map_err(|e| format!("language server: {e}"))?;
    Ok(std::process::ExitCode::SUCCESS)
}
