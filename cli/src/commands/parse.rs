//! `wf parse FILE`: the lossless syntax tree, as JSON or as an indented tree.

use std::path::PathBuf;
use std::process::ExitCode;
use wf_engine::syntax;

/// Arguments of `wf parse`.
#[derive(clap::Args)]
pub struct ParseArgs {
    /// The file to parse.
    file: PathBuf,
    /// Print one JSON object `{"file", "tree", "errors"}` (byte offsets).
    #[arg(long, conflicts_with = "tree")]
    json: bool,
    /// Print the tree as indented text (the default).
    #[arg(long)]
    tree: bool,
}

/// Runs `wf parse`. Exits 0 even when the file has syntax errors.
pub fn run(args: ParseArgs) -> Result<ExitCode, String> {
    let bytes = std::fs::read(&args.file).map_err(|e| format!("{}: {e}", args.file.display()))?;
    let text = String::from_utf8_lossy(&bytes);
    let parse = syntax::parse(&text);
    let root = parse.syntax();
    if args.json {
        let errors: Vec<_> = parse
            .errors
            .iter()
            .map(|e| serde_json::json!({"start": e.start, "end": e.end, "message": e.message}))
            .collect();
        // Written by hand around the streamed tree (a JSON value tree of a huge file would be
        // slow and large).
        let mut out = String::with_capacity(text.len() * 8);
        out.push_str("{\"file\":");
        out.push_str(&serde_json::Value::String(args.file.display().to_string()).to_string());
        out.push_str(",\"tree\":");
        syntax::write_tree_json(&root, &mut out);
        out.push_str(",\"errors\":");
        out.push_str(&serde_json::Value::Array(errors).to_string());
        out.push('}');
        println!("{out}");
    } else {
        print!("{}", syntax::tree_text(&root));
        for e in &parse.errors {
            println!("error {}..{}: {}", e.start, e.end, e.message);
        }
    }
    Ok(ExitCode::SUCCESS)
}
