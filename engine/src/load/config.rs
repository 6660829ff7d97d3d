//! The project configuration `.wf.yml` (optional, at the project root). digdag ignores
//! dot-files, so it is never pushed with the project.
//!
//! ```yaml
//! target: treasure-workflow      # or digdag (the default); `--target` overrides it
//! params:                        # parameters the workflows get from outside (-p, the server)
//!   outdir: /tmp/out
//!   td:
//!     database: analytics
//! secrets: [td.apikey, slack.webhook_url]   # known secret keys: `${secret:...}` is checked
//! ```

use super::{FileSystem, Loader, Value, ValueKind};
use crate::check::registry::INVALID_CONFIG;
use crate::diagnostic::Diagnostic;
use crate::schema::Target;
use std::path::Path;

/// File name of the project configuration.
pub const CONFIG_FILE: &str = ".wf.yml";

/// A parsed `.wf.yml`.
#[derive(Clone, Debug, Default)]
pub struct ProjectConfig {
    pub target: Option<Target>,
    /// Declared parameters (an object), visible to every task.
    pub params: Option<Value>,
    /// Known secret keys, when declared.
    pub secrets: Option<Vec<String>>,
}

/// Reads `<root>/.wf.yml` through `loader` if it exists. Problems are added to the loader's
/// diagnostics.
pub fn load_config(loader: &mut Loader<'_>, fs: &dyn FileSystem, root: &Path) -> ProjectConfig {
    let path = root.join(CONFIG_FILE);
    if !fs.is_file(&path) {
        return ProjectConfig::default();
    }
    let Ok(id) = loader.read_file(&path, None) else {
        return ProjectConfig::default();
    };
    let Some(Value {
        kind: ValueKind::Object(obj),
        ..
    }) = loader.parsed(id).and_then(|p| p.value.clone())
    else {
        return ProjectConfig::default();
    };
    let mut config = ProjectConfig::default();
    for e in &obj.entries {
        match e.key.as_str() {
            "target" => match e.value.scalar_text().as_deref().and_then(Target::parse) {
                Some(t) => config.target = Some(t),
                None => loader.diagnostics.push(Diagnostic::new(
                    &INVALID_CONFIG,
                    e.value.span,
                    "`target` must be `digdag` or `treasure-workflow`",
                )),
            },
            "params" => {
                if e.value.as_object().is_some() {
                    config.params = Some(e.value.clone());
                } else {
                    loader.diagnostics.push(Diagnostic::new(
                        &INVALID_CONFIG,
                        e.value.span,
                        "`params` must be a mapping of parameter names to example values",
                    ));
                }
            }
            "secrets" => match e.value.as_array() {
                Some(items) => {
                    config.secrets = Some(items.iter().filter_map(Value::scalar_text).collect())
                }
                None => loader.diagnostics.push(Diagnostic::new(
                    &INVALID_CONFIG,
                    e.value.span,
                    "`secrets` must be a list of secret keys",
                )),
            },
            other => {
                let mut d = Diagnostic::new(
                    &INVALID_CONFIG,
                    e.key_span,
                    format!(
                        "unknown key '{other}' in {CONFIG_FILE} (known: target, params, secrets)"
                    ),
                );
                if let Some(best) =
                    crate::suggest::did_you_mean(other, ["target", "params", "secrets"]).first()
                {
                    d = d.with_fix(
                        format!("Replace with `{best}`"),
                        e.key_span,
                        best.to_string(),
                    );
                }
                loader.diagnostics.push(d);
            }
        }
    }
    config
}
