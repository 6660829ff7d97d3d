//! `wf secrets set|list|delete`: the project's local secrets file (`.wf/secrets.json`,
//! mode 0600) that `wf run` reads for `${secret:KEY}`.

use std::io::Read;
use std::path::PathBuf;
use std::process::ExitCode;
use wf_engine::run::secrets::{env_name, read_secrets_file, secrets_path, write_file};

/// Arguments of `wf secrets`.
#[derive(clap::Args)]
pub struct SecretsArgs {
    #[command(subcommand)]
    pub action: SecretsAction,
    /// The project directory (default: the current directory).
    #[arg(long, default_value = ".", global = true)]
    pub project: PathBuf,
}

/// What to do with the secrets file.
#[derive(clap::Subcommand)]
pub enum SecretsAction {
    /// Set KEY (the value from the argument, or from standard input when omitted).
    Set { key: String, value: Option<String> },
    /// List the keys (never the values).
    List,
    /// Delete KEY.
    Delete { key: String },
}

/// Runs `wf secrets`.
pub fn run(args: SecretsArgs) -> Result<ExitCode, String> {
    let mut map = read_secrets_file(&args.project)?;
    match args.action {
        SecretsAction::Set { key, value } => {
            let value = match value {
                Some(v) => v,
                None => {
                    let mut s = String::new();
                    std::io::stdin()
                        .read_to_string(&mut s)
                        .map_err(|e| format!("reading the value from standard input: {e}"))?;
                    s.trim_end_matches(['\n', '\r']).to_string()
                }
            };
            map.insert(key.clone(), value);
            write_file(&args.project, &map)?;
            println!("set {key} in {}", secrets_path(&args.project).display());
        }
        SecretsAction::List => {
            for k in map.keys() {
                println!("{k}");
            }
            if map.is_empty() {
                println!(
                    "(no secrets in {}; `${{secret:KEY}}` also reads the environment variable WF_SECRET_KEY, e.g. {})",
                    secrets_path(&args.project).display(),
                    env_name("td.apikey")
                );
            }
        }
        SecretsAction::Delete { key } => {
            if map.remove(&key).is_none() {
                return Err(format!("no secret {key}"));
            }
            write_file(&args.project, &map)?;
            println!("deleted {key}");
        }
    }
    Ok(ExitCode::SUCCESS)
}
