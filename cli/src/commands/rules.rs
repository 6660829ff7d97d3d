//! `wf rules`: the rule registry.

use std::process::ExitCode;
use wf_engine::check::registry;

/// Arguments of `wf rules`.
#[derive(clap::Args)]
pub struct RulesArgs {
    /// Print the Markdown table the README uses.
    #[arg(long)]
    markdown: bool,
}

/// Prints every rule.
pub fn run(args: RulesArgs) -> Result<ExitCode, String> {
    if args.markdown {
        print!("{}", registry::markdown_table());
    } else {
        for r in registry::RULES {
            println!(
                "{}  {:<28} {:<8} {}",
                r.code,
                r.name,
                r.severity.as_str(),
                r.summary
            );
        }
    }
    Ok(ExitCode::SUCCESS)
}
