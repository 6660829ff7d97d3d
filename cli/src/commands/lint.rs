//! `wf lint PATH...`: every problem in the workflows under the given paths.

use codespan_reporting::diagnostic::{
    Diagnostic as CsDiagnostic, Label as CsLabel, Severity as CsSeverity,
};
use codespan_reporting::files::{Error as FilesError, Files};
use codespan_reporting::term::{self, termcolor};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use wf_engine::check::{lint_projects, LintOptions, ProjectReport};
use wf_engine::load::project::find_projects;
use wf_engine::load::DiskFileSystem;
use wf_engine::source::SourceMap;
use wf_engine::{Diagnostic, Severity};

/// Output formats of `wf lint`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// Source snippets with labels (codespan-reporting).
    Human,
    /// A JSON array of `{file, line, column, end_line, end_column, severity, code, message}`.
    Json,
    /// One line per problem: `file:line:col: severity[code] message`.
    Short,
    /// GitHub Actions workflow commands (`::error file=...`): annotations on pull requests.
    Github,
    /// SARIF 2.1.0, for GitHub code scanning and other SARIF viewers.
    Sarif,
}

/// Arguments of `wf lint`.
#[derive(clap::Args)]
pub struct LintArgs {
    /// Files or directories. A directory is searched for projects: every directory that holds
    /// top-level `.dig` files.
    #[arg(default_value = ".")]
    paths: Vec<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Human)]
    format: Format,
    /// Where the workflows run: `digdag` (default) or `treasure-workflow` (also reports what
    /// the hosted service does not allow, and accepts its `trigger:`).
    /// (Default: the project's `wf.toml` `target`, else digdag.)
    #[arg(long)]
    target: Option<String>,
    /// Apply the safe fixes (misspelled operator, parameter, directive and key names) in place,
    /// then report what is left. Everything else in the files stays byte-identical.
    #[arg(long)]
    fix: bool,
    /// Also exit with 1 when there are warnings (problems digdag only hits at run time).
    #[arg(long)]
    strict: bool,
    /// Color: auto, always or never.
    #[arg(long, default_value = "auto")]
    color: String,
}

/// Runs `wf lint`: exit 0 without errors, 1 with errors (or warnings with `--strict`), 2 when
/// linting itself failed.
pub fn run(args: LintArgs) -> Result<ExitCode, String> {
    for p in &args.paths {
        if !p.exists() {
            return Err(format!("{}: no such file or directory", p.display()));
        }
    }
    let projects = find_projects(&args.paths).map_err(|e| e.to_string())?;
    let fs = DiskFileSystem;
    let target =
        match &args.target {
            Some(t) => Some(wf_engine::schema::Target::parse(t).ok_or_else(|| {
                format!("unknown --target {t:?} (use digdag or treasure-workflow)")
            })?),
            None => None,
        };
    let options = LintOptions { target };
    let mut reports: Vec<ProjectReport> = lint_projects(&fs, &projects, &options);
    if args.fix {
        let (fixed, files) = apply_fixes(&reports)?;
        if fixed > 0 {
            eprintln!(
                "wf: fixed {fixed} problem{} in {files} file{}",
                plural(fixed),
                plural(files)
            );
            reports = lint_projects(&fs, &projects, &options);
        }
    }
    let mut errors = 0usize;
    let mut warnings = 0usize;
    let mut failed = false;
    for r in &reports {
        for d in &r.diagnostics {
            match d.severity {
                Severity::Error => errors += 1,
                Severity::Warning => warnings += 1,
                Severity::Info => {}
            }
        }
        for (path, e) in &r.unreadable {
            eprintln!("wf: cannot read {}: {e}", path.display());
            failed = true;
        }
    }
    match args.format {
        Format::Json => {
            let items: Vec<serde_json::Value> = reports
                .iter()
                .flat_map(|r| r.diagnostics.iter().map(move |d| json_item(&r.sources, d)))
                .collect();
            let stdout = std::io::stdout();
            let mut out = stdout.lock();
            let _ = serde_json::to_writer_pretty(&mut out, &items);
            let _ = writeln!(out);
        }
        Format::Short => {
            let stdout = std::io::stdout();
            let mut out = stdout.lock();
            for r in &reports {
                for d in &r.diagnostics {
                    let file = r.sources.get(d.span.file);
                    let (line, col) = file.line_char_col(d.span.start);
                    let _ = writeln!(
                        out,
                        "{}:{line}:{col}: {}[{}] {}",
                        display_path(&file.path),
                        d.severity.as_str(),
                        d.code,
                        d.message
                    );
                }
            }
        }
        Format::Github => {
            let stdout = std::io::stdout();
            let mut out = stdout.lock();
            for r in &reports {
                for d in &r.diagnostics {
                    let _ = writeln!(out, "{}", github_line(&r.sources, d));
                }
            }
        }
        Format::Sarif => {
            let stdout = std::io::stdout();
            let mut out = stdout.lock();
            let _ = serde_json::to_writer_pretty(&mut out, &sarif(&reports));
            let _ = writeln!(out);
        }
        Format::Human => {
            let choice = match args.color.as_str() {
                "always" => termcolor::ColorChoice::Always,
                "never" => termcolor::ColorChoice::Never,
                _ if std::io::IsTerminal::is_terminal(&std::io::stdout()) => {
                    termcolor::ColorChoice::Auto
                }
                _ => termcolor::ColorChoice::Never,
            };
            let writer = termcolor::StandardStream::stdout(choice);
            let mut lock = writer.lock();
            let config = term::Config::default();
            for r in &reports {
                let files = SourceFiles(&r.sources);
                for d in &r.diagnostics {
                    let _ = term::emit_to_write_style(
                        &mut lock,
                        &config,
                        &files,
                        &to_codespan(&r.sources, d),
                    );
                }
            }
            let files: usize = reports.iter().map(|r| r.sources.iter().count()).sum();
            let _ = writeln!(
                lock,
                "{} error{}, {} warning{} in {} file{}",
                errors,
                plural(errors),
                warnings,
                plural(warnings),
                files,
                plural(files)
            );
        }
    }
    Ok(if failed {
        ExitCode::from(2)
    } else if errors > 0 || (args.strict && warnings > 0) {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

fn plural(n: usize) -> &'static str {
    if n == 1 {
        ""
    } else {
        "s"
    }
}

/// Path as shown to the user: relative to the current directory when below it.
fn display_path(p: &Path) -> String {
    let cwd = std::env::current_dir().ok();
    match cwd.as_deref().and_then(|c| p.strip_prefix(c).ok()) {
        Some(rel) => rel.display().to_string(),
        None => p.display().to_string(),
    }
}

fn json_item(sources: &SourceMap, d: &Diagnostic) -> serde_json::Value {
    let file = sources.get(d.span.file);
    let (line, column) = file.line_char_col(d.span.start);
    let (end_line, end_column) = file.line_char_col(d.span.end);
    serde_json::json!({
        "file": display_path(&file.path),
        "line": line,
        "column": column,
        "end_line": end_line,
        "end_column": end_column,
        "severity": d.severity.as_str(),
        "code": d.code,
        "message": d.message,
    })
}

fn to_codespan(sources: &SourceMap, d: &Diagnostic) -> CsDiagnostic<u32> {
    let severity = match d.severity {
        Severity::Error => CsSeverity::Error,
        Severity::Warning => CsSeverity::Warning,
        Severity::Info => CsSeverity::Note,
    };
    let rule = wf_engine::check::registry::find(d.code).map_or("", |r| r.name);
    let mut labels = vec![CsLabel::primary(d.span.file.0, d.span.range())];
    for l in &d.labels {
        labels.push(
            CsLabel::secondary(l.span.file.0, l.span.range()).with_message(l.message.clone()),
        );
    }
    let mut notes = Vec::new();
    for site in sources.include_chain(d.span.file) {
        let f = sources.get(site.file);
        let (line, col) = f.line_char_col(site.start);
        notes.push(format!(
            "included from {}:{}:{}",
            display_path(&f.path),
            line,
            col
        ));
    }
    for fix in &d.fixes {
        notes.push(format!("fix: {}", fix.title));
    }
    CsDiagnostic::new(severity)
        .with_code(format!("{} {}", d.code, rule))
        .with_message(d.message.clone())
        .with_labels(labels)
        .with_notes(notes)
}

/// codespan-reporting's view of a [`SourceMap`].
struct SourceFiles<'a>(&'a SourceMap);

impl<'a> Files<'a> for SourceFiles<'a> {
    type FileId = u32;
    type Name = String;
    type Source = &'a str;

    fn name(&'a self, id: u32) -> Result<String, FilesError> {
        Ok(display_path(&self.0.get(wf_engine::FileId(id)).path))
    }

    fn source(&'a self, id: u32) -> Result<&'a str, FilesError> {
        Ok(&self.0.get(wf_engine::FileId(id)).text)
    }

    fn line_index(&'a self, id: u32, byte_index: usize) -> Result<usize, FilesError> {
        Ok(self
            .0
            .get(wf_engine::FileId(id))
            .line_col(byte_index as u32)
            .0 as usize)
    }

    fn line_range(
        &'a self,
        id: u32,
        line_index: usize,
    ) -> Result<std::ops::Range<usize>, FilesError> {
        let f = self.0.get(wf_engine::FileId(id));
        let starts = f.line_starts();
        let start = *starts.get(line_index).ok_or(FilesError::LineTooLarge {
            given: line_index,
            max: starts.len() - 1,
        })? as usize;
        let end = starts
            .get(line_index + 1)
            .map_or(f.text.len(), |&s| s as usize);
        Ok(start..end)
    }
}

/// Escapes GitHub workflow-command data (`%`, CR, LF; and `:`/`,` in properties).
fn gh_escape(s: &str, property: bool) -> String {
    let mut out = s
        .replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A");
    if property {
        out = out.replace(':', "%3A").replace(',', "%2C");
    }
    out
}

fn github_line(sources: &SourceMap, d: &Diagnostic) -> String {
    let file = sources.get(d.span.file);
    let (line, col) = file.line_char_col(d.span.start);
    let (end_line, end_col) = file.line_char_col(d.span.end);
    let level = match d.severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "notice",
    };
    let name = wf_engine::check::registry::find(d.code).map_or("", |r| r.name);
    format!(
        "::{level} file={},line={line},col={col},endLine={end_line},endColumn={end_col},title={}::{}",
        gh_escape(&display_path(&file.path), true),
        gh_escape(&format!("{} {name}", d.code), true),
        gh_escape(&d.message, false)
    )
}

/// A path as a SARIF `artifactLocation.uri`: relative to the current directory when below it
/// (with `/` separators), else a `file://` URI; every byte outside `A-Z a-z 0-9 - . _ ~ /` is
/// percent-encoded, so spaces, `#`, `%`, `:` and non-ASCII names stay valid URI references.
fn sarif_uri(path: &Path) -> String {
    fn encode(s: &str) -> String {
        let mut out = String::with_capacity(s.len());
        for b in s.bytes() {
            if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~' | b'/') {
                out.push(b as char);
            } else {
                out.push_str(&format!("%{b:02X}"));
            }
        }
        out
    }
    let shown = display_path(path);
    let slashed = shown.replace('\\', "/");
    if !Path::new(&shown).is_absolute() {
        return encode(&slashed);
    }
    // `C:/dir/x.dig` (Windows): the drive letter keeps its `:`.
    let bytes = slashed.as_bytes();
    if bytes.len() >= 2 && bytes[0].is_ascii_alphabetic() && bytes[1] == b':' {
        return format!("file:///{}:{}", &slashed[..1], encode(&slashed[2..]));
    }
    format!("file://{}", encode(&slashed))
}

/// A SARIF region (1-based lines, columns in characters: the run's `columnKind` is
/// `unicodeCodePoints`; the end column is the one after the last character).
fn sarif_region(sources: &SourceMap, span: wf_engine::Span) -> serde_sarif::sarif::Region {
    let file = sources.get(span.file);
    let (line, col) = file.line_char_col(span.start);
    let (end_line, end_col) = file.line_char_col(span.end);
    serde_sarif::sarif::Region::builder()
        .start_line(line as i64)
        .start_column(col as i64)
        .end_line(end_line as i64)
        .end_column(end_col as i64)
        .build()
}

fn sarif_location(
    sources: &SourceMap,
    span: wf_engine::Span,
    message: Option<&str>,
) -> serde_sarif::sarif::Location {
    use serde_sarif::sarif as s;
    let physical = s::PhysicalLocation::builder()
        .artifact_location(
            s::ArtifactLocation::builder()
                .uri(sarif_uri(&sources.get(span.file).path))
                .build(),
        )
        .region(sarif_region(sources, span))
        .build();
    match message {
        Some(m) => s::Location::builder()
            .physical_location(physical)
            .message(s::Message::builder().text(m).build())
            .build(),
        None => s::Location::builder().physical_location(physical).build(),
    }
}

/// The SARIF level of a severity.
fn sarif_level(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "note",
    }
}

/// The SARIF 2.1.0 log of every report: one run, the registry as the driver's rules (with their
/// default level), each diagnostic as a result with its labels and include sites as related
/// locations and its fixes as SARIF fixes.
fn sarif(reports: &[ProjectReport]) -> serde_sarif::sarif::Sarif {
    use serde_sarif::sarif as s;
    let registry = wf_engine::check::registry::RULES;
    let rules: Vec<s::ReportingDescriptor> = registry
        .iter()
        .map(|r| {
            s::ReportingDescriptor::builder()
                .id(r.code)
                .name(r.name)
                .short_description(
                    s::MultiformatMessageString::builder()
                        .text(r.summary)
                        .build(),
                )
                .default_configuration(
                    s::ReportingConfiguration::builder()
                        .level(serde_json::json!(sarif_level(r.severity)))
                        .build(),
                )
                .build()
        })
        .collect();
    let mut results = Vec::new();
    for r in reports {
        for d in &r.diagnostics {
            let mut related: Vec<s::Location> = d
                .labels
                .iter()
                .map(|l| sarif_location(&r.sources, l.span, Some(&l.message)))
                .collect();
            related.extend(
                r.sources
                    .include_chain(d.span.file)
                    .into_iter()
                    .map(|site| sarif_location(&r.sources, site, Some("included from here"))),
            );
            let fixes: Vec<s::Fix> = d
                .fixes
                .iter()
                .map(|f| {
                    let replacement = s::Replacement::builder()
                        .deleted_region(sarif_region(&r.sources, f.span))
                        .inserted_content(
                            s::ArtifactContent::builder()
                                .text(f.replacement.clone())
                                .build(),
                        )
                        .build();
                    s::Fix::builder()
                        .description(s::Message::builder().text(f.title.clone()).build())
                        .artifact_changes(vec![s::ArtifactChange::builder()
                            .artifact_location(
                                s::ArtifactLocation::builder()
                                    .uri(sarif_uri(&r.sources.get(f.span.file).path))
                                    .build(),
                            )
                            .replacements(vec![replacement])
                            .build()])
                        .build()
                })
                .collect();
            let level = match d.severity {
                Severity::Error => s::ResultLevel::Error,
                Severity::Warning => s::ResultLevel::Warning,
                Severity::Info => s::ResultLevel::Note,
            };
            let index = registry.iter().position(|rule| rule.code == d.code);
            let mut result = s::Result::builder()
                .rule_id(d.code)
                .level(level)
                .message(s::Message::builder().text(d.message.clone()).build())
                .locations(vec![sarif_location(&r.sources, d.span, None)])
                .build();
            result.rule_index = index.map(|i| i as i64);
            if !related.is_empty() {
                result.related_locations = Some(related);
            }
            if !fixes.is_empty() {
                result.fixes = Some(fixes);
            }
            results.push(result);
        }
    }
    let driver = s::ToolComponent::builder()
        .name("wf")
        .version(env!("CARGO_PKG_VERSION"))
        .rules(rules)
        .build();
    let run = s::Run::builder()
        .tool(driver)
        .results(results)
        .column_kind(serde_json::json!("unicodeCodePoints"))
        .build();
    s::Sarif::builder()
        .version(serde_json::json!("2.1.0"))
        .schema("https://json.schemastore.org/sarif-2.1.0.json")
        .runs(vec![run])
        .build()
}

/// Writes the safe fixes of every report to disk; returns (fixes applied, files changed).
fn apply_fixes(reports: &[ProjectReport]) -> Result<(usize, usize), String> {
    let mut total = 0;
    let mut files = 0;
    let mut done = std::collections::HashSet::new();
    for r in reports {
        for (id, file) in r.sources.iter() {
            if !done.insert(file.path.clone()) {
                continue;
            }
            // A file that is not valid UTF-8 was read lossily: never write it back.
            if r.diagnostics
                .iter()
                .any(|d| d.span.file == id && d.code == "S006")
            {
                continue;
            }
            let fixes = wf_engine::check::fix::safe_fixes_in(&r.diagnostics, id);
            if fixes.is_empty() {
                continue;
            }
            let (text, n) = wf_engine::check::fix::apply(&file.text, &fixes);
            if n > 0 && *text != *file.text {
                std::fs::write(&file.path, text)
                    .map_err(|e| format!("{}: {e}", file.path.display()))?;
                total += n;
                files += 1;
            }
        }
    }
    Ok((total, files))
}
