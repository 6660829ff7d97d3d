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

/// Prints every rule: code, name, severity, summary and whether a fix exists (`--markdown`: the
/// README table, with an example of each).
pub fn run(args: RulesArgs) -> Result<ExitCode, String> {
    if args.markdown {
        print!("{}", registry::markdown_table());
    } else {
        for r in registry::RULES {
            let fix = match r.fix {
                registry::FixKind::None => "",
                registry::FixKind::QuickFix => " (quick fix)",
                registry::FixKind::Safe => " (wf lint --fix)",
            };
            println!(
                "{}  {:<28} {:<8} {}{fix}",
                r.code,
                r.name,
                r.severity.as_str(),
                r.summary
            );
        }
    }
    Ok(ExitCode::SUCCESS)
}
