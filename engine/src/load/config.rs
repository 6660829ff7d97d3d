//! The project configuration `wf.toml` (optional, at the project root).
//!
//! ```toml
//! target = "treasure-workflow"   # or "digdag" (the default); `--target` overrides it
//! secrets = ["td.apikey", "slack.webhook_url"]   # known secret keys: `${secret:...}` is checked
//! plugins = ["ecs_task.run"]     # plugin operators: known, their parameters unchecked
//! exclude = ["legacy/*.dig"]     # workflow files not to lint (globs, relative to the project)
//!
//! [params]                       # parameters the workflows get from outside (-p, the server)
//! outdir = "/tmp/out"
//! td = { database = "analytics" }
//!
//! [rules]                        # severities: "error", "warning", "info" or "off"
//! O002 = "error"
//! literal-secret = "off"
//! ```

use super::{Entry, FileSystem, Loader, Object, Value, ValueKind};
use crate::check::registry::{self, INVALID_CONFIG};
use crate::diagnostic::{Diagnostic, Severity};
use crate::schema::Target;
use crate::source::{FileId, Span};
use std::path::Path;

/// File name of the project configuration.
pub const CONFIG_FILE: &str = "wf.toml";

/// What a rule's severity is set to in `[rules]`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RuleSetting {
    Severity(Severity),
    Off,
}

/// A parsed `wf.toml`.
#[derive(Clone, Debug, Default)]
pub struct ProjectConfig {
    pub target: Option<Target>,
    /// Declared parameters (an object), visible to every task.
    pub params: Option<Value>,
    /// Known secret keys, when declared.
    pub secrets: Option<Vec<String>>,
    /// Plugin operators (names without `>`).
    pub plugins: Vec<String>,
    /// Globs of workflow files not to lint.
    pub exclude: Vec<String>,
    /// Severity overrides by rule code.
    pub rules: Vec<(&'static str, RuleSetting)>,
}

impl ProjectConfig {
    /// Applies `[rules]` to a diagnostic: `None` when the rule is off.
    pub fn adjust(&self, mut d: Diagnostic) -> Option<Diagnostic> {
        match self
            .rules
            .iter()
            .find(|(code, _)| *code == d.code)
            .map(|(_, s)| *s)
        {
            Some(RuleSetting::Off) => None,
            Some(RuleSetting::Severity(s)) => {
                d.severity = s;
                Some(d)
            }
            None => Some(d),
        }
    }

    /// Whether `path` (a workflow file of the project at `root`) is excluded.
    pub fn excludes(&self, root: &Path, path: &Path) -> bool {
        let rel = path
            .strip_prefix(root)
            .unwrap_or(path)
            .to_string_lossy()
            .replace('\\', "/");
        self.exclude.iter().any(|g| glob_match(g, &rel))
    }
}

/// `*` (any run of characters but `/`), `**` (anything) and `?` (one character).
fn glob_match(glob: &str, text: &str) -> bool {
    fn go(g: &[u8], t: &[u8]) -> bool {
        match g.first() {
            None => t.is_empty(),
            Some(b'*') if g.get(1) == Some(&b'*') => (0..=t.len()).any(|i| go(&g[2..], &t[i..])),
            Some(b'*') => (0..=t.len())
                .take_while(|&i| i == 0 || t[i - 1] != b'/')
                .any(|i| go(&g[1..], &t[i..])),
            Some(b'?') => !t.is_empty() && go(&g[1..], &t[1..]),
            Some(c) => t.first() == Some(c) && go(&g[1..], &t[1..]),
        }
    }
    go(glob.as_bytes(), text.as_bytes())
}

/// Span of the first `key` written at the start of a line (for messages about a table key).
fn key_span(text: &str, file: FileId, key: &str) -> Span {
    let mut pos = 0;
    for line in text.split_inclusive('\n') {
        let trimmed = line.trim_start();
        if trimmed.starts_with(key)
            && trimmed[key.len()..]
                .trim_start()
                .starts_with(['=', '.', ']'])
            || trimmed.starts_with(&format!("[{key}]"))
        {
            let start = pos + (line.len() - trimmed.len());
            let start = if trimmed.starts_with('[') {
                start + 1
            } else {
                start
            };
            return Span::new(file, start as u32, (start + key.len()) as u32);
        }
        pos += line.len();
    }
    Span::new(file, 0, 0)
}

fn to_value(v: &toml::Value, span: Span) -> Value {
    let kind = match v {
        toml::Value::String(s) => ValueKind::String(s.clone()),
        toml::Value::Integer(i) => ValueKind::Int(*i),
        toml::Value::Float(f) => ValueKind::Float(*f),
        toml::Value::Boolean(b) => ValueKind::Bool(*b),
        toml::Value::Datetime(d) => ValueKind::String(d.to_string()),
        toml::Value::Array(items) => {
            ValueKind::Array(items.iter().map(|i| to_value(i, span)).collect())
        }
        toml::Value::Table(t) => ValueKind::Object(Object {
            entries: t
                .iter()
                .map(|(k, v)| Entry {
                    key: k.clone(),
                    key_span: span,
                    value: to_value(v, span),
                })
                .collect(),
        }),
    };
    Value::new(kind, span)
}

fn strings(v: &toml::Value) -> Option<Vec<String>> {
    v.as_array()?
        .iter()
        .map(|i| i.as_str().map(str::to_string))
        .collect()
}

/// Reads `<root>/wf.toml` through `loader` if it exists. Problems are added to the loader's
/// diagnostics (code C001).
pub fn load_config(loader: &mut Loader<'_>, fs: &dyn FileSystem, root: &Path) -> ProjectConfig {
    let path = root.join(CONFIG_FILE);
    if !fs.is_file(&path) {
        return ProjectConfig::default();
    }
    let Ok(bytes) = fs.read(&path) else {
        return ProjectConfig::default();
    };
    let text = String::from_utf8_lossy(&bytes).into_owned();
    let file = loader.sources.add(crate::source::SourceFile::new(
        path.clone(),
        text.clone().into(),
        None,
    ));
    let mut config = ProjectConfig::default();
    let mut found: Vec<Diagnostic> = Vec::new();
    let problem = |found: &mut Vec<Diagnostic>, span: Span, msg: String| {
        found.push(Diagnostic::new(&INVALID_CONFIG, span, msg))
    };
    let table: toml::Table = match text.parse() {
        Ok(t) => t,
        Err(e) => {
            let span = e.span().map_or(Span::new(file, 0, 0), |r| {
                Span::new(file, r.start as u32, r.end as u32)
            });
            problem(
                &mut found,
                span,
                format!("{CONFIG_FILE} is not valid TOML: {}", e.message()),
            );
            loader.diagnostics.extend(found);
            return config;
        }
    };
    for (key, v) in &table {
        let span = key_span(&text, file, key);
        match key.as_str() {
            "target" => match v.as_str().and_then(Target::parse) {
                Some(t) => config.target = Some(t),
                None => problem(
                    &mut found,
                    span,
                    "`target` must be \"digdag\" or \"treasure-workflow\"".into(),
                ),
            },
            "params" => match v {
                toml::Value::Table(_) => config.params = Some(to_value(v, span)),
                _ => problem(
                    &mut found,
                    span,
                    "`params` must be a table: `[params]` with `name = value` lines".into(),
                ),
            },
            "secrets" => match strings(v) {
                Some(s) => config.secrets = Some(s),
                None => problem(
                    &mut found,
                    span,
                    "`secrets` must be a list of secret keys".into(),
                ),
            },
            "plugins" => match strings(v) {
                Some(s) => {
                    config.plugins = s
                        .into_iter()
                        .map(|p| p.trim_end_matches('>').to_string())
                        .collect()
                }
                None => problem(
                    &mut found,
                    span,
                    "`plugins` must be a list of operator names".into(),
                ),
            },
            "exclude" => match strings(v) {
                Some(s) => config.exclude = s,
                None => problem(&mut found, span, "`exclude` must be a list of globs".into()),
            },
            "rules" => match v.as_table() {
                Some(t) => {
                    for (rule, setting) in t {
                        let rspan = key_span(&text, file, rule);
                        let Some(r) = registry::find(rule) else {
                            problem(
                                &mut found,
                                rspan,
                                format!("unknown rule '{rule}' (see `wf rules`)"),
                            );
                            continue;
                        };
                        let s = match setting.as_str() {
                            Some("error") => RuleSetting::Severity(Severity::Error),
                            Some("warning") => RuleSetting::Severity(Severity::Warning),
                            Some("info") => RuleSetting::Severity(Severity::Info),
                            Some("off") => RuleSetting::Off,
                            _ => {
                                problem(&mut found, rspan, format!("rule '{rule}' must be set to \"error\", \"warning\", \"info\" or \"off\""));
                                continue;
                            }
                        };
                        config.rules.push((r.code, s));
                    }
                }
                None => problem(
                    &mut found,
                    span,
                    "`rules` must be a table: `[rules]` with `CODE = \"warning\"` lines".into(),
                ),
            },
            other => {
                let known = ["target", "params", "secrets", "plugins", "exclude", "rules"];
                let mut d = Diagnostic::new(
                    &INVALID_CONFIG,
                    span,
                    format!(
                        "unknown key '{other}' in {CONFIG_FILE} (known: {})",
                        known.join(", ")
                    ),
                );
                if let Some(best) = crate::suggest::did_you_mean(other, known).first() {
                    d = d.with_fix(format!("Replace with `{best}`"), span, best.to_string());
                }
                found.push(d);
            }
        }
    }
    loader.diagnostics.extend(found);
    config
}

#[cfg(test)]
mod tests {
    use super::glob_match;

    #[test]
    fn globs() {
        assert!(glob_match("legacy/*.dig", "legacy/a.dig"));
        assert!(!glob_match("legacy/*.dig", "legacy/x/a.dig"));
        assert!(glob_match("**/*.dig", "legacy/x/a.dig"));
        assert!(glob_match("a?.dig", "ab.dig"));
    }
}
