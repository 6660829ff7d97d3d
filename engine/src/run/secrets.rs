//! Secrets for local runs: `${secret:KEY}` values come from the environment
//! (`WF_SECRET_<KEY>`, the key upper-cased with `.` and `-` as `_`) or from the project's
//! secrets file `.wf/secrets.json`, which must not be readable by other users. Every known
//! secret value is masked in logs, errors and outputs.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// The secrets a run can use.
#[derive(Clone, Debug, Default)]
pub struct Secrets {
    file: BTreeMap<String, String>,
    env: BTreeMap<String, String>,
}

/// The secrets file of a project.
pub fn secrets_path(project_root: &Path) -> PathBuf {
    project_root.join(".wf").join("secrets.json")
}

/// The environment variable that holds secret `key`.
pub fn env_name(key: &str) -> String {
    let mut s = String::from("WF_SECRET_");
    for c in key.chars() {
        s.push(match c {
            '.' | '-' => '_',
            c => c.to_ascii_uppercase(),
        });
    }
    s
}

impl Secrets {
    /// Reads the project's secrets file (if any) and the `WF_SECRET_*` environment. A
    /// secrets file readable by group or others is refused.
    pub fn load(project_root: &Path) -> Result<Secrets, String> {
        let mut s = Secrets {
            file: read_file(&secrets_path(project_root))?,
            env: BTreeMap::new(),
        };
        for (k, v) in std::env::vars() {
            if k.starts_with("WF_SECRET_") && !v.is_empty() {
                s.env.insert(k, v);
            }
        }
        Ok(s)
    }

    /// Secrets from a map (tests).
    pub fn from_map(map: impl IntoIterator<Item = (String, String)>) -> Secrets {
        Secrets {
            file: map.into_iter().collect(),
            env: BTreeMap::new(),
        }
    }

    /// The value of `key`: the environment first, then the secrets file.
    pub fn get(&self, key: &str) -> Option<&str> {
        self.env
            .get(&env_name(key))
            .or_else(|| self.file.get(key))
            .map(String::as_str)
    }

    /// Keys of the secrets file.
    pub fn file_keys(&self) -> impl Iterator<Item = &str> {
        self.file.keys().map(String::as_str)
    }

    /// Replaces every `${secret:KEY}` in `text` as digdag's `UserSecretTemplate` does; other
    /// `${prefix:...}` forms are errors (`Invalid parametrization`).
    pub fn substitute(&self, text: &str) -> Result<String, String> {
        let mut out = String::with_capacity(text.len());
        let mut rest = text;
        while let Some(start) = rest.find("${") {
            let after = &rest[start + 2..];
            // `${ cmd : key }` with a non-empty key; otherwise the text stays as it is.
            let Some(colon) = after.find(':') else { break };
            let Some(close_rel) = after[colon + 1..].find('}') else {
                break;
            };
            let cmd = &after[..colon];
            if cmd.contains('}') || close_rel == 0 {
                out.push_str(&rest[..start + 2]);
                rest = after;
                continue;
            }
            let key = &after[colon + 1..colon + 1 + close_rel];
            let whole = &rest[start..start + 2 + colon + 1 + close_rel + 1];
            if cmd.trim() != "secret" {
                return Err(format!("Invalid parametrization: '{whole}'"));
            }
            let key = key.trim();
            let value = self
                .get(key)
                .ok_or_else(|| format!("Secret not found for key: '{key}'"))?;
            out.push_str(&rest[..start]);
            out.push_str(value);
            rest = &rest[start + whole.len()..];
        }
        out.push_str(rest);
        Ok(out)
    }

    /// `text` with every known secret value replaced by `***`.
    pub fn mask(&self, text: &str) -> String {
        let mut out = text.to_string();
        let mut values: Vec<&str> = self
            .file
            .values()
            .chain(self.env.values())
            .map(String::as_str)
            .filter(|v| v.len() >= 3)
            .collect();
        // Longest first, so a secret that contains another is masked whole.
        values.sort_by_key(|v| std::cmp::Reverse(v.len()));
        for v in values {
            if out.contains(v) {
                out = out.replace(v, "***");
            }
        }
        out
    }

    /// Whether there is any secret value to mask.
    pub fn is_empty(&self) -> bool {
        self.file.is_empty() && self.env.is_empty()
    }
}

fn read_file(path: &Path) -> Result<BTreeMap<String, String>, String> {
    let meta = match std::fs::metadata(path) {
        Ok(m) => m,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(BTreeMap::new()),
        Err(e) => return Err(format!("{}: {e}", path.display())),
    };
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = meta.permissions().mode();
        if mode & 0o077 != 0 {
            return Err(format!(
                "{}: the secrets file is readable by other users (mode {:o}); run `chmod 600 {}`",
                path.display(),
                mode & 0o777,
                path.display()
            ));
        }
    }
    let _ = meta;
    let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let json: serde_json::Value = serde_json::from_str(&text)
        .map_err(|e| format!("{}: not a JSON object of strings: {e}", path.display()))?;
    let obj = json
        .as_object()
        .ok_or_else(|| format!("{}: not a JSON object of strings", path.display()))?;
    let mut map = BTreeMap::new();
    for (k, v) in obj {
        let v = v
            .as_str()
            .ok_or_else(|| format!("{}: the value of {k:?} is not a string", path.display()))?;
        map.insert(k.clone(), v.to_string());
    }
    Ok(map)
}

/// Writes the secrets file with mode 0600 (`wf secrets set/delete`).
pub fn write_file(project_root: &Path, map: &BTreeMap<String, String>) -> Result<(), String> {
    let path = secrets_path(project_root);
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    }
    let text = serde_json::to_string_pretty(map).map_err(|e| e.to_string())?;
    let tmp = path.with_extension("json.tmp");
    {
        use std::io::Write;
        let mut opts = std::fs::OpenOptions::new();
        opts.write(true).create(true).truncate(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt;
            opts.mode(0o600);
        }
        let mut f = opts
            .open(&tmp)
            .map_err(|e| format!("{}: {e}", tmp.display()))?;
        f.write_all(text.as_bytes())
            .and_then(|_| f.sync_all())
            .map_err(|e| format!("{}: {e}", tmp.display()))?;
    }
    std::fs::rename(&tmp, &path).map_err(|e| format!("{}: {e}", path.display()))
}

/// Reads the secrets file for `wf secrets` (same permission rule as runs).
pub fn read_secrets_file(project_root: &Path) -> Result<BTreeMap<String, String>, String> {
    read_file(&secrets_path(project_root))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn secrets() -> Secrets {
        Secrets::from_map([
            ("td.apikey".to_string(), "1/abcdef".to_string()),
            ("pw".to_string(), "hunter22".to_string()),
        ])
    }

    #[test]
    fn substitutes_secret_references() {
        let s = secrets();
        assert_eq!(
            s.substitute("curl -H ${secret:td.apikey} ${ secret : pw } ${x} $y")
                .unwrap(),
            "curl -H 1/abcdef hunter22 ${x} $y"
        );
        assert_eq!(
            s.substitute("${secret:nope}").unwrap_err(),
            "Secret not found for key: 'nope'"
        );
        assert_eq!(
            s.substitute("a ${foo:bar} b").unwrap_err(),
            "Invalid parametrization: '${foo:bar}'"
        );
    }

    #[test]
    fn masks_values_longest_first() {
        let s = secrets();
        assert_eq!(s.mask("key=1/abcdef pw=hunter22!"), "key=*** pw=***!");
    }

    #[test]
    fn env_names() {
        assert_eq!(env_name("td.apikey"), "WF_SECRET_TD_APIKEY");
        assert_eq!(env_name("my-key"), "WF_SECRET_MY_KEY");
    }
}
