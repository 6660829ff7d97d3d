//! `_retry` (semantics §6.4): `N`, or `{limit, interval, interval_type, max_interval}`.

use crate::load::{Value, ValueKind};
use crate::plan::expand::as_long;
use std::time::Duration;

/// How often and how soon a task is retried.
#[derive(Clone, Debug, PartialEq)]
pub struct RetryPolicy {
    /// Retries after the first attempt.
    pub limit: u32,
    /// Seconds before the first retry.
    pub interval: u64,
    /// Doubling intervals (`interval_type: exponential`).
    pub exponential: bool,
    /// Upper bound of an exponential interval, in seconds.
    pub max_interval: Option<u64>,
}

impl RetryPolicy {
    /// Parses a `_retry` value with digdag's messages.
    pub fn parse(v: &Value) -> Result<RetryPolicy, String> {
        let plain = |limit: i64| RetryPolicy {
            limit: limit.clamp(0, u32::MAX as i64) as u32,
            interval: 0,
            exponential: false,
            max_interval: None,
        };
        match &v.kind {
            ValueKind::Object(o) => {
                let limit = match o.get("limit") {
                    None => return Err("Parameter 'limit' is required but not set".into()),
                    Some(l) => as_long(l)
                        .ok_or_else(|| format!("Invalid _retry format:{}", v.to_json()))?,
                };
                let secs = |key: &str| -> Result<Option<u64>, String> {
                    match o.get(key) {
                        None => Ok(None),
                        Some(x) => as_long(x)
                            .map(|n| Some(n.max(0) as u64))
                            .ok_or_else(|| format!("Invalid _retry format:{}", v.to_json())),
                    }
                };
                let exponential = match o.get("interval_type").and_then(Value::scalar_text) {
                    None => false,
                    Some(t) => match t.to_ascii_lowercase().as_str() {
                        "constant" => false,
                        "exponential" => true,
                        _ => return Err(format!("Invalid retry_interval_type: {t}")),
                    },
                };
                Ok(RetryPolicy {
                    interval: secs("interval")?.unwrap_or(0),
                    max_interval: secs("max_interval")?,
                    exponential,
                    ..plain(limit)
                })
            }
            _ => as_long(v)
                .map(plain)
                .ok_or_else(|| format!("Invalid _retry format:{}", v.to_json())),
        }
    }

    /// The wait before retry number `done + 1` (`done` retries already happened).
    pub fn wait(&self, done: u32) -> Duration {
        let secs = if self.exponential {
            let factor = 1u64.checked_shl(done).unwrap_or(u64::MAX);
            let s = self.interval.saturating_mul(factor);
            self.max_interval.map_or(s, |m| s.min(m))
        } else {
            self.interval
        };
        Duration::from_secs(secs)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::load::json::parse_json;
    use crate::run::params::runtime_span;

    fn p(json: &str) -> Result<RetryPolicy, String> {
        RetryPolicy::parse(&parse_json(json, runtime_span()).unwrap())
    }

    #[test]
    fn forms_and_waits() {
        assert_eq!(p("3").unwrap().limit, 3);
        assert_eq!(p("\"2\"").unwrap().limit, 2);
        let e = p(
            r#"{"limit": 5, "interval": 10, "interval_type": "Exponential", "max_interval": 30}"#,
        )
        .unwrap();
        let waits: Vec<u64> = (0..4).map(|k| e.wait(k).as_secs()).collect();
        assert_eq!(waits, [10, 20, 30, 30]);
        assert_eq!(
            p(r#"{"limit": 1, "interval_type": "linear"}"#).unwrap_err(),
            "Invalid retry_interval_type: linear"
        );
        assert_eq!(p("\"abc\"").unwrap_err(), "Invalid _retry format:\"abc\"");
        assert_eq!(
            p("{}").unwrap_err(),
            "Parameter 'limit' is required but not set"
        );
    }
}
