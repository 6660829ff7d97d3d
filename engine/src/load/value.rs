//! [`Value`]: a loaded YAML value typed digdag's way, where every node keeps its file and span.

use crate::source::Span;
use std::fmt::Write as _;

/// A loaded value with the span it came from (in the file that holds it, which may be an
/// included file).
#[derive(Clone, Debug, PartialEq)]
pub struct Value {
    pub kind: ValueKind,
    pub span: Span,
}

/// The JSON-like shape digdag sees after its YAML -> Jackson round trip.
#[derive(Clone, Debug, PartialEq)]
pub enum ValueKind {
    Null,
    Bool(bool),
    Int(i64),
    /// An integer beyond `i64`, kept as its decimal text.
    BigInt(String),
    Float(f64),
    String(String),
    Array(Vec<Value>),
    Object(Object),
}

/// An insertion-ordered mapping (key order matters in digdag: it is the task order).
/// Keys are unique, except after a `duplicate-key` (S002) error, where both entries are kept
/// so that later checks see both.
#[derive(Clone, Debug, PartialEq, Default)]
pub struct Object {
    pub entries: Vec<Entry>,
}

/// One `key: value` pair of an [`Object`].
#[derive(Clone, Debug, PartialEq)]
pub struct Entry {
    pub key: String,
    /// Span of the key text.
    pub key_span: Span,
    pub value: Value,
}

impl Object {
    /// The value of `key`, if present.
    pub fn get(&self, key: &str) -> Option<&Value> {
        self.entry(key).map(|e| &e.value)
    }

    /// The entry of `key`, if present.
    pub fn entry(&self, key: &str) -> Option<&Entry> {
        self.entries.iter().find(|e| e.key == key)
    }

    /// Position of `key`, if present.
    pub fn position(&self, key: &str) -> Option<usize> {
        self.entries.iter().position(|e| e.key == key)
    }

    /// Iterates entries in order.
    pub fn iter(&self) -> std::slice::Iter<'_, Entry> {
        self.entries.iter()
    }

    /// Number of entries.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether there are no entries.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }
}

impl Value {
    /// A value of `kind` at `span`.
    pub fn new(kind: ValueKind, span: Span) -> Value {
        Value { kind, span }
    }

    /// The object, if this is one.
    pub fn as_object(&self) -> Option<&Object> {
        match &self.kind {
            ValueKind::Object(o) => Some(o),
            _ => None,
        }
    }

    /// The string, if this is one.
    pub fn as_str(&self) -> Option<&str> {
        match &self.kind {
            ValueKind::String(s) => Some(s),
            _ => None,
        }
    }

    /// The array items, if this is an array.
    pub fn as_array(&self) -> Option<&[Value]> {
        match &self.kind {
            ValueKind::Array(a) => Some(a),
            _ => None,
        }
    }

    /// Whether this is `null`.
    pub fn is_null(&self) -> bool {
        matches!(self.kind, ValueKind::Null)
    }

    /// Whether this is a scalar (not an object or array).
    pub fn is_scalar(&self) -> bool {
        !matches!(self.kind, ValueKind::Object(_) | ValueKind::Array(_))
    }

    /// Calls `f` with every string inside this value (objects and arrays recursed), with its
    /// span.
    pub fn for_each_string<'a>(&'a self, f: &mut dyn FnMut(&'a str, Span)) {
        match &self.kind {
            ValueKind::String(s) => f(s, self.span),
            ValueKind::Array(items) => items.iter().for_each(|i| i.for_each_string(f)),
            ValueKind::Object(o) => o.entries.iter().for_each(|e| e.value.for_each_string(f)),
            _ => {}
        }
    }

    /// Jackson's type word used in digdag messages: `string`, `number`, `boolean`, `array`,
    /// `object` or `null`.
    pub fn type_word(&self) -> &'static str {
        match self.kind {
            ValueKind::Null => "null",
            ValueKind::Bool(_) => "boolean",
            ValueKind::Int(_) | ValueKind::BigInt(_) | ValueKind::Float(_) => "number",
            ValueKind::String(_) => "string",
            ValueKind::Array(_) => "array",
            ValueKind::Object(_) => "object",
        }
    }

    /// Scalar text as digdag's `Config.get(key, String.class)` would see it (strings as-is,
    /// numbers and booleans as their JSON text); `None` for null, objects and arrays.
    pub fn scalar_text(&self) -> Option<String> {
        match &self.kind {
            ValueKind::String(s) => Some(s.clone()),
            ValueKind::Null | ValueKind::Object(_) | ValueKind::Array(_) => None,
            _ => Some(self.to_json()),
        }
    }

    /// Compact JSON text, as Jackson prints it in digdag's messages (`{"a":1,"b":"x"}`).
    pub fn to_json(&self) -> String {
        let mut out = String::new();
        self.write_json(&mut out);
        out
    }

    fn write_json(&self, out: &mut String) {
        match &self.kind {
            ValueKind::Null => out.push_str("null"),
            ValueKind::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
            ValueKind::Int(i) => {
                let _ = write!(out, "{i}");
            }
            ValueKind::BigInt(s) => out.push_str(s),
            ValueKind::Float(f) => write_float(*f, out),
            ValueKind::String(s) => write_json_string(s, out),
            ValueKind::Array(items) => {
                out.push('[');
                for (i, v) in items.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    v.write_json(out);
                }
                out.push(']');
            }
            ValueKind::Object(o) => {
                out.push('{');
                for (i, e) in o.entries.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    write_json_string(&e.key, out);
                    out.push(':');
                    e.value.write_json(out);
                }
                out.push('}');
            }
        }
    }
}

/// Java's `Double.toString`-like rendering used by Jackson (`1000.0`, `0.5`, `1.0E10`).
fn write_float(f: f64, out: &mut String) {
    if f.is_nan() {
        out.push_str("\"NaN\"");
    } else if f.is_infinite() {
        out.push_str(if f > 0.0 {
            "\"Infinity\""
        } else {
            "\"-Infinity\""
        });
    } else if f == f.trunc() && f.abs() < 1e7 {
        let _ = write!(out, "{f:.1}");
    } else if f.abs() >= 1e-3 && f.abs() < 1e7 {
        let _ = write!(out, "{f}");
    } else {
        let s = format!("{f:E}");
        // Rust prints `1E10`; Java prints `1.0E10`.
        match s.split_once('E') {
            Some((m, e)) if !m.contains('.') => {
                let _ = write!(out, "{m}.0E{e}");
            }
            _ => out.push_str(&s),
        }
    }
}

/// Writes `s` as a JSON string literal.
pub fn write_json_string(s: &str, out: &mut String) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if (c as u32) < 0x20 => {
                let _ = write!(out, "\\u{:04x}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::FileId;

    fn v(kind: ValueKind) -> Value {
        Value::new(kind, Span::new(FileId(0), 0, 0))
    }

    #[test]
    fn json_text_matches_jackson() {
        let obj = v(ValueKind::Object(Object {
            entries: vec![
                Entry {
                    key: "echo>".into(),
                    key_span: Span::new(FileId(0), 0, 0),
                    value: v(ValueKind::String("a \"b\"".into())),
                },
                Entry {
                    key: "n".into(),
                    key_span: Span::new(FileId(0), 0, 0),
                    value: v(ValueKind::Array(vec![
                        v(ValueKind::Int(1)),
                        v(ValueKind::Float(1000.0)),
                        v(ValueKind::Float(1.5)),
                        v(ValueKind::Null),
                        v(ValueKind::Bool(true)),
                    ])),
                },
            ],
        }));
        assert_eq!(
            obj.to_json(),
            r#"{"echo>":"a \"b\"","n":[1,1000.0,1.5,null,true]}"#
        );
    }
}
