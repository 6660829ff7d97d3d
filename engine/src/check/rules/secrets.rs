//! `${secret:key}` (V004): when the project declares its secrets (`wf.toml` `secrets`), every
//! key a task uses must be among them (digdag fails with `Secret not found for key`).

use super::{RuleContext, TaskScope};
use crate::check::registry::UNKNOWN_SECRET;
use crate::diagnostic::Diagnostic;
use crate::load::Value;
use crate::source::Span;

/// The keys of every `${secret:KEY}` in `s`, with their byte ranges in `s`.
pub fn secret_keys(s: &str) -> Vec<(String, std::ops::Range<usize>)> {
    let mut out = Vec::new();
    let mut from = 0;
    while let Some(i) = s[from..].find("${") {
        let start = from + i + 2;
        let Some(end_rel) = s[start..].find('}') else {
            break;
        };
        let inner = &s[start..start + end_rel];
        if let Some((cmd, key)) = inner.split_once(':') {
            if cmd.trim() == "secret" && !key.is_empty() {
                let key_start = start + cmd.len() + 1;
                out.push((key.trim().to_string(), key_start..start + end_rel));
            }
        }
        from = start + end_rel + 1;
    }
    out
}

/// Runs V004.
pub fn check(cx: &RuleContext<'_>, scopes: &[TaskScope<'_>], out: &mut Vec<Diagnostic>) {
    let Some(known) = cx.secrets else { return };
    let mut seen = std::collections::HashSet::new();
    for (t, _) in scopes {
        let mut values: Vec<&Value> = t.params.iter().map(|e| &e.value).collect();
        if let Some(e) = &t.options.export {
            values.push(e);
        }
        for v in values {
            v.for_each_string(&mut |s, span| {
                for (key, range) in secret_keys(s) {
                    if known.contains(&key) || !seen.insert((span, key.clone())) {
                        continue;
                    }
                    let at = match (cx.scalar_map)(span) {
                        Some(m) => {
                            let r = m.map(range.clone());
                            Span::new(span.file, r.start as u32, r.end as u32)
                        }
                        None => span,
                    };
                    let mut d = Diagnostic::new(
                        &UNKNOWN_SECRET,
                        at,
                        format!("secret `{key}` is not in the project's `wf.toml` `secrets` (digdag fails with `Secret not found for key: '{key}'` unless it is set)"),
                    );
                    if let Some(best) =
                        crate::suggest::did_you_mean(&key, known.iter().map(String::as_str)).first()
                    {
                        d.message.push_str(&format!(" (did you mean `{best}`?)"));
                        d = d.with_fix(format!("Replace with `{best}`"), at, best.to_string());
                    }
                    out.push(d);
                }
            });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::secret_keys;

    #[test]
    fn finds_secret_keys() {
        let got = secret_keys("curl -H ${secret:slack.token} ${x} ${ secret : a.b }");
        let keys: Vec<&str> = got.iter().map(|(k, _)| k.as_str()).collect();
        assert_eq!(keys, vec!["slack.token", "a.b"]);
    }
}
