//! Secret-looking literals (V005): a password, API key, token or AWS key written in the file
//! (in `_export` or a parameter) instead of `${secret:...}`.

use super::RuleContext;
use crate::check::registry::LITERAL_SECRET;
use crate::diagnostic::Diagnostic;
use crate::load::{Value, ValueKind};
use crate::source::Span;

/// Key names whose literal values are secrets.
const SECRET_KEYS: &[&str] = &[
    "password",
    "passwd",
    "apikey",
    "api_key",
    "secret",
    "secret_key",
    "secret_access_key",
    "access_token",
    "token",
    "auth_token",
    "private_key",
    "client_secret",
    "webhook_url",
];

fn secret_key(key: &str) -> bool {
    let k = key.to_ascii_lowercase();
    SECRET_KEYS.iter().any(|s| {
        k == *s
            || k.strip_suffix(s)
                .is_some_and(|head| head.ends_with('_') || head.ends_with('.'))
    })
}

/// Why `s` looks like a credential by its shape alone, if it does.
fn secret_shape(s: &str) -> Option<&'static str> {
    let t = s.trim();
    let bytes = t.as_bytes();
    // AWS access key id: AKIA + 16 upper-case letters or digits.
    if let Some(i) = t.find("AKIA") {
        let rest = &t[i + 4..];
        if rest.len() >= 16
            && rest[..16]
                .bytes()
                .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit())
        {
            return Some("an AWS access key id");
        }
    }
    // Treasure Data API key: digits, '/', 40 hex digits.
    if let Some((id, key)) = t.split_once('/') {
        if !id.is_empty()
            && id.bytes().all(|b| b.is_ascii_digit())
            && key.len() == 40
            && key.bytes().all(|b| b.is_ascii_hexdigit())
        {
            return Some("a Treasure Data API key");
        }
    }
    if t.starts_with("https://hooks.slack.com/services/") {
        return Some("a Slack webhook URL");
    }
    if t.starts_with("xoxb-")
        || t.starts_with("xoxp-")
        || (t.starts_with("ghp_") && bytes.len() > 30)
    {
        return Some("an access token");
    }
    None
}

fn walk(key: &str, v: &Value, out: &mut Vec<(Span, String)>) {
    match &v.kind {
        ValueKind::String(s) if !s.contains("${") && !s.trim().is_empty() => {
            if let Some(why) = secret_shape(s) {
                out.push((v.span, format!("this looks like {why} written in the file")));
            } else if secret_key(key) {
                out.push((v.span, format!("`{key}` is written in the file")));
            }
        }
        ValueKind::Object(o) => {
            for e in &o.entries {
                walk(&e.key, &e.value, out);
            }
        }
        ValueKind::Array(items) => {
            for i in items {
                walk(key, i, out);
            }
        }
        _ => {}
    }
}

/// Runs V005.
pub fn check(cx: &RuleContext<'_>, out: &mut Vec<Diagnostic>) {
    let mut found: Vec<(Span, String)> = Vec::new();
    super::all_tasks(&cx.workflow.root, &mut |t| {
        for e in &t.params {
            walk(&e.key, &e.value, &mut found);
        }
        if let Some(export) = &t.options.export {
            walk("_export", export, &mut found);
        }
    });
    found.sort();
    found.dedup();
    for (span, what) in found {
        out.push(Diagnostic::new(
            &LITERAL_SECRET,
            span,
            format!("{what}: anyone who can read the project can read it; store it as a secret and write `${{secret:name}}` instead"),
        ));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shapes_and_keys() {
        assert!(secret_shape("AKIAIOSFODNN7EXAMPLE").is_some());
        assert!(secret_shape("1234/0123456789abcdef0123456789abcdef01234567").is_some());
        assert!(secret_shape("https://hooks.slack.com/services/T0/B0/x").is_some());
        assert!(secret_shape("analytics").is_none());
        assert!(
            secret_key("password") && secret_key("db_password") && secret_key("slack.webhook_url")
        );
        assert!(!secret_key("database") && !secret_key("password_override_enabled"));
    }
}
