//! JSON text -> [`Value`], keeping key order (digdag parses JSON strings with Jackson into
//! ordered objects: `for_each>: '{"a": [1, 2]}'`, `py>` outputs, `-P` files written as JSON).

use super::value::{Entry, Object, Value, ValueKind};
use crate::source::Span;

/// Parses one JSON document. Every value gets `span` (the place the text came from).
/// Duplicate keys keep the last value, as Jackson does.
pub fn parse_json(text: &str, span: Span) -> Result<Value, String> {
    let mut p = JsonParser {
        bytes: text.as_bytes(),
        text,
        pos: 0,
        span,
        depth: 0,
    };
    p.ws();
    let v = p.value()?;
    p.ws();
    if p.pos != p.bytes.len() {
        return Err(p.error("unexpected text after the JSON value"));
    }
    Ok(v)
}

/// Converts a `serde_json` value (whose objects may have lost their order) to a [`Value`].
pub fn from_serde(v: &serde_json::Value, span: Span) -> Value {
    let kind = match v {
        serde_json::Value::Null => ValueKind::Null,
        serde_json::Value::Bool(b) => ValueKind::Bool(*b),
        serde_json::Value::Number(n) => match n.as_i64() {
            Some(i) => ValueKind::Int(i),
            None => match n.as_f64() {
                Some(f) if n.is_f64() => ValueKind::Float(f),
                _ => ValueKind::BigInt(n.to_string()),
            },
        },
        serde_json::Value::String(s) => ValueKind::String(s.clone()),
        serde_json::Value::Array(items) => {
            ValueKind::Array(items.iter().map(|i| from_serde(i, span)).collect())
        }
        serde_json::Value::Object(map) => ValueKind::Object(Object {
            entries: map
                .iter()
                .map(|(k, v)| Entry {
                    key: k.clone(),
                    key_span: span,
                    value: from_serde(v, span),
                })
                .collect(),
        }),
    };
    Value::new(kind, span)
}

const MAX_JSON_DEPTH: usize = 512;

struct JsonParser<'a> {
    bytes: &'a [u8],
    text: &'a str,
    pos: usize,
    span: Span,
    depth: usize,
}

impl JsonParser<'_> {
    fn error(&self, what: &str) -> String {
        format!("invalid JSON at character {}: {what}", self.pos + 1)
    }

    fn ws(&mut self) {
        while let Some(b) = self.bytes.get(self.pos) {
            if matches!(b, b' ' | b'\t' | b'\n' | b'\r') {
                self.pos += 1;
            } else {
                break;
            }
        }
    }

    fn value(&mut self) -> Result<Value, String> {
        let kind = match self.bytes.get(self.pos) {
            None => return Err(self.error("expected a value")),
            Some(b'{') => self.object()?,
            Some(b'[') => self.array()?,
            Some(b'"') => ValueKind::String(self.string()?),
            Some(b't') => self.word("true", ValueKind::Bool(true))?,
            Some(b'f') => self.word("false", ValueKind::Bool(false))?,
            Some(b'n') => self.word("null", ValueKind::Null)?,
            Some(b'-' | b'0'..=b'9') => self.number()?,
            Some(_) => return Err(self.error("expected a value")),
        };
        Ok(Value::new(kind, self.span))
    }

    fn word(&mut self, w: &str, kind: ValueKind) -> Result<ValueKind, String> {
        if self.text[self.pos..].starts_with(w) {
            self.pos += w.len();
            Ok(kind)
        } else {
            Err(self.error("expected a value"))
        }
    }

    fn enter(&mut self) -> Result<(), String> {
        self.depth += 1;
        if self.depth > MAX_JSON_DEPTH {
            return Err(self.error("nested too deeply"));
        }
        Ok(())
    }

    fn object(&mut self) -> Result<ValueKind, String> {
        self.enter()?;
        self.pos += 1;
        let mut obj = Object::default();
        self.ws();
        if self.bytes.get(self.pos) == Some(&b'}') {
            self.pos += 1;
            self.depth -= 1;
            return Ok(ValueKind::Object(obj));
        }
        loop {
            self.ws();
            if self.bytes.get(self.pos) != Some(&b'"') {
                return Err(self.error("expected a key string"));
            }
            let key = self.string()?;
            self.ws();
            if self.bytes.get(self.pos) != Some(&b':') {
                return Err(self.error("expected ':'"));
            }
            self.pos += 1;
            self.ws();
            let value = self.value()?;
            match obj.position(&key) {
                Some(i) => obj.entries[i].value = value,
                None => obj.entries.push(Entry {
                    key,
                    key_span: self.span,
                    value,
                }),
            }
            self.ws();
            match self.bytes.get(self.pos) {
                Some(b',') => self.pos += 1,
                Some(b'}') => {
                    self.pos += 1;
                    self.depth -= 1;
                    return Ok(ValueKind::Object(obj));
                }
                _ => return Err(self.error("expected ',' or '}'")),
            }
        }
    }

    fn array(&mut self) -> Result<ValueKind, String> {
        self.enter()?;
        self.pos += 1;
        let mut items = Vec::new();
        self.ws();
        if self.bytes.get(self.pos) == Some(&b']') {
            self.pos += 1;
            self.depth -= 1;
            return Ok(ValueKind::Array(items));
        }
        loop {
            self.ws();
            items.push(self.value()?);
            self.ws();
            match self.bytes.get(self.pos) {
                Some(b',') => self.pos += 1,
                Some(b']') => {
                    self.pos += 1;
                    self.depth -= 1;
                    return Ok(ValueKind::Array(items));
                }
                _ => return Err(self.error("expected ',' or ']'")),
            }
        }
    }

    fn string(&mut self) -> Result<String, String> {
        self.pos += 1;
        let mut out = String::new();
        loop {
            let start = self.pos;
            while let Some(&b) = self.bytes.get(self.pos) {
                if b == b'"' || b == b'\\' || b < 0x20 {
                    break;
                }
                self.pos += 1;
            }
            out.push_str(&self.text[start..self.pos]);
            match self.bytes.get(self.pos) {
                Some(b'"') => {
                    self.pos += 1;
                    return Ok(out);
                }
                Some(b'\\') => {
                    self.pos += 1;
                    let c = match self.bytes.get(self.pos) {
                        Some(b'"') => '"',
                        Some(b'\\') => '\\',
                        Some(b'/') => '/',
                        Some(b'b') => '\u{8}',
                        Some(b'f') => '\u{c}',
                        Some(b'n') => '\n',
                        Some(b'r') => '\r',
                        Some(b't') => '\t',
                        Some(b'u') => {
                            let hi = self.hex4()?;
                            if (0xD800..0xDC00).contains(&hi)
                                && self.text[self.pos + 1..].starts_with("\\u")
                            {
                                self.pos += 2;
                                let lo = self.hex4()?;
                                let cp =
                                    0x10000 + ((hi - 0xD800) << 10) + (lo.wrapping_sub(0xDC00));
                                char::from_u32(cp).unwrap_or('\u{FFFD}')
                            } else {
                                char::from_u32(hi).unwrap_or('\u{FFFD}')
                            }
                        }
                        _ => return Err(self.error("invalid escape")),
                    };
                    out.push(c);
                    self.pos += 1;
                }
                _ => return Err(self.error("unterminated string")),
            }
        }
    }

    /// Reads `XXXX` after `\u` (pos on the `u`); leaves pos on the last hex digit.
    fn hex4(&mut self) -> Result<u32, String> {
        let digits = self
            .text
            .get(self.pos + 1..self.pos + 5)
            .ok_or_else(|| self.error("invalid \\u escape"))?;
        let v = u32::from_str_radix(digits, 16).map_err(|_| self.error("invalid \\u escape"))?;
        self.pos += 4;
        Ok(v)
    }

    fn number(&mut self) -> Result<ValueKind, String> {
        let start = self.pos;
        if self.bytes.get(self.pos) == Some(&b'-') {
            self.pos += 1;
        }
        let mut float = false;
        while let Some(&b) = self.bytes.get(self.pos) {
            match b {
                b'0'..=b'9' => {}
                b'.' | b'e' | b'E' | b'+' | b'-' => float = true,
                _ => break,
            }
            self.pos += 1;
        }
        let t = &self.text[start..self.pos];
        if !float {
            if let Ok(i) = t.parse::<i64>() {
                return Ok(ValueKind::Int(i));
            }
            if t.len() > 1
                && t.trim_start_matches('-')
                    .bytes()
                    .all(|b| b.is_ascii_digit())
            {
                return Ok(ValueKind::BigInt(t.to_string()));
            }
        }
        t.parse::<f64>()
            .map(ValueKind::Float)
            .map_err(|_| self.error("invalid number"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::FileId;

    fn rt(s: &str) -> String {
        match parse_json(s, Span::new(FileId(0), 0, 0)) {
            Ok(v) => v.to_json(),
            Err(e) => format!("ERR {e}"),
        }
    }

    #[test]
    fn keeps_order_and_types() {
        assert_eq!(
            rt(r#" {"b": [1, 2.5, "x"], "a": {"z": null, "y": true}} "#),
            r#"{"b":[1,2.5,"x"],"a":{"z":null,"y":true}}"#
        );
        assert_eq!(rt(r#""\u00e9\ud83d\ude00\n""#), "\"é😀\\n\"");
        assert_eq!(rt("123456789012345678901234"), "123456789012345678901234");
        assert_eq!(rt(r#"{"a":1,"a":2}"#), r#"{"a":2}"#);
    }

    #[test]
    fn errors_have_positions() {
        assert_eq!(
            rt("[1,"),
            "ERR invalid JSON at character 4: expected a value"
        );
        assert_eq!(
            rt("{\"a\" 1}"),
            "ERR invalid JSON at character 6: expected ':'"
        );
        assert_eq!(
            rt("[1] x"),
            "ERR invalid JSON at character 5: unexpected text after the JSON value"
        );
        assert!(rt(&"[".repeat(10_000)).starts_with("ERR"));
    }
}
