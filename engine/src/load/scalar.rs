//! Digdag's scalar typing (SnakeYAML 1.23 + digdag's `YamlTagResolver`).
//! (Temporary minimal version; replaced by the full resolver.)

use super::value::ValueKind;

/// Types a plain scalar.
pub fn resolve_plain(text: &str) -> ValueKind {
    match text {
        "" | "~" | "null" | "Null" | "NULL" => ValueKind::Null,
        "true" | "True" => ValueKind::Bool(true),
        "false" | "False" => ValueKind::Bool(false),
        _ => match text.parse::<i64>() {
            Ok(i) if !text.starts_with('0') || text == "0" => ValueKind::Int(i),
            _ => ValueKind::String(text.to_string()),
        },
    }
}

/// Types a scalar with a standard tag.
pub fn resolve_tagged(tag: &str, text: &str) -> Result<ValueKind, String> {
    match tag {
        "!!str" | "tag:yaml.org,2002:str" => Ok(ValueKind::String(text.to_string())),
        _ => Ok(resolve_plain(text)),
    }
}
