//! Digdag's scalar typing (SnakeYAML 1.23 + digdag's `YamlTagResolver`).
//!
//! A plain (unquoted, untagged) scalar is typed by SnakeYAML's implicit resolvers, which digdag
//! replaces in `io.digdag.core.config.YamlTagResolver`:
//!
//! * booleans: only `true`, `True`, `false`, `False` (no `yes`/`on`/`TRUE`);
//! * ints: `INT_EXCEPTING_COLON` — `0b1010`, `0755` (octal), `0x1F`, `1_000`, no sexagesimal;
//! * floats: `FLOAT_EXCEPTING_ZERO_START` — `1.5`, `.5`, `1e3`, `1:30.5` (= 90.5), `.inf`, `.nan`,
//!   but not `0.5` (a leading `0` makes it a string);
//! * nulls: `~`, `null`, `Null`, `NULL` and the empty scalar;
//! * no timestamps (`2015-01-01` stays a string).
//!
//! The typed Java value then goes through Jackson, so infinities and NaN become the strings
//! `"Infinity"`, `"-Infinity"` and `"NaN"`, and integers beyond `i64` stay big integers.
//!
//! Everything here is hand-written matching (no regex engine, no allocation except the result).

use super::value::ValueKind;

/// The tag SnakeYAML's resolver (as configured by digdag) gives a plain scalar.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ImplicitTag {
    /// `tag:yaml.org,2002:null`
    Null,
    /// `tag:yaml.org,2002:bool`
    Bool,
    /// `tag:yaml.org,2002:int`
    Int,
    /// `tag:yaml.org,2002:float`
    Float,
    /// `tag:yaml.org,2002:str`
    Str,
    /// `tag:yaml.org,2002:merge` (`<<`): a merge key; as a value SnakeYAML cannot construct it.
    Merge,
    /// `tag:yaml.org,2002:value` (`=`): SnakeYAML cannot construct it.
    Value,
    /// `tag:yaml.org,2002:yaml` (`!`, `&`, `*` alone; unreachable for real plain scalars).
    Yaml,
}

impl ImplicitTag {
    /// The full tag text, as SnakeYAML prints it in messages.
    pub fn as_str(self) -> &'static str {
        match self {
            ImplicitTag::Null => "tag:yaml.org,2002:null",
            ImplicitTag::Bool => "tag:yaml.org,2002:bool",
            ImplicitTag::Int => "tag:yaml.org,2002:int",
            ImplicitTag::Float => "tag:yaml.org,2002:float",
            ImplicitTag::Str => "tag:yaml.org,2002:str",
            ImplicitTag::Merge => "tag:yaml.org,2002:merge",
            ImplicitTag::Value => "tag:yaml.org,2002:value",
            ImplicitTag::Yaml => "tag:yaml.org,2002:yaml",
        }
    }
}

/// The tag SnakeYAML 1.23 with digdag's `YamlTagResolver` gives the plain scalar `text`.
///
/// Follows `Resolver.resolve`: the resolvers registered for the first character are tried in
/// registration order (bool, int, float, merge, null, value, yaml), then those registered for
/// every value (`NULL`, whose `\0` first-char entry lands there, and `EMPTY`).
pub fn implicit_tag(text: &str) -> ImplicitTag {
    let b = text.as_bytes();
    if let Some(&first) = b.first() {
        match first {
            b'T' | b't' | b'F' | b'f' => {
                if matches!(text, "true" | "True" | "false" | "False") {
                    return ImplicitTag::Bool;
                }
            }
            b'-' | b'+' | b'0'..=b'9' => {
                if is_int(b) {
                    return ImplicitTag::Int;
                }
                if is_float(b) {
                    return ImplicitTag::Float;
                }
            }
            b'.' if is_float(b) => return ImplicitTag::Float,
            b'<' if text == "<<" => return ImplicitTag::Merge,
            b'=' if text == "=" => return ImplicitTag::Value,
            b'!' | b'&' | b'*' if b.len() == 1 => return ImplicitTag::Yaml,
            _ => {}
        }
    }
    if matches!(text, "" | "~" | "null" | "Null" | "NULL" | " ") {
        return ImplicitTag::Null;
    }
    ImplicitTag::Str
}

/// Types a plain (unquoted, untagged) scalar exactly as digdag does.
///
/// Never fails: the rare plain scalars that make SnakeYAML throw (`0b_`, `0x_`, a bare `=`, `<<`
/// as a value) are returned as strings here; use [`try_resolve_plain`] to get the error.
pub fn resolve_plain(text: &str) -> ValueKind {
    match try_resolve_plain(text) {
        Ok(v) => v,
        Err(_) => ValueKind::String(text.to_owned()),
    }
}

/// [`resolve_plain`] of an owned text: a string keeps its allocation.
pub fn resolve_plain_owned(text: String) -> ValueKind {
    match implicit_tag(&text) {
        ImplicitTag::Str => ValueKind::String(text),
        _ => resolve_plain(&text),
    }
}

/// Like [`resolve_plain`], but reports what SnakeYAML throws for the few plain scalars it cannot
/// construct: `Zero length BigInteger` for `0b_`/`0x_` (digits are only underscores), and
/// `could not determine a constructor for the tag tag:yaml.org,2002:value` for `=` (likewise
/// `merge` for a `<<` used as a value; the loader handles `<<` in key position itself).
pub fn try_resolve_plain(text: &str) -> Result<ValueKind, String> {
    match implicit_tag(text) {
        ImplicitTag::Null => Ok(ValueKind::Null),
        ImplicitTag::Bool => Ok(ValueKind::Bool(text.starts_with(['t', 'T']))),
        ImplicitTag::Int => construct_int(text),
        ImplicitTag::Float => construct_float(text),
        ImplicitTag::Str => Ok(ValueKind::String(text.to_owned())),
        tag @ (ImplicitTag::Merge | ImplicitTag::Value | ImplicitTag::Yaml) => Err(format!(
            "could not determine a constructor for the tag {}",
            tag.as_str()
        )),
    }
}

/// Types a scalar carrying an explicit tag, as SnakeYAML's `SafeConstructor` does.
///
/// `tag` may be a shorthand (`!!int`), a full tag (`tag:yaml.org,2002:int`) or a verbatim tag
/// (`!<tag:yaml.org,2002:int>`). Supported: `str`, `int`, `float`, `bool`, `null`, `binary`
/// (re-encoded as canonical base64, as Jackson writes a `byte[]`), `timestamp` (epoch
/// milliseconds, as Jackson writes a `java.util.Date`), and the non-specific tag `!` (SnakeYAML
/// resolves it like a plain scalar). Faithful quirks:
///
/// * `!!int` accepts sexagesimal (`!!int 1:30` = 90) and reports Java's `NumberFormatException`
///   text (`For input string: "abc"`, `Zero length BigInteger`, ...; Java 8 wording);
/// * `!!float` accepts anything `Double.valueOf` does (`1.5f`, `1e3`, `0.5`, hex floats);
/// * `!!bool` is case-insensitive over `yes/no/true/false/on/off` and yields **null** for anything
///   else (SnakeYAML's map lookup returns `null`, it does not throw);
/// * `!!null` yields null whatever the text;
/// * `!!timestamp` is `Calendar`-lenient (`2015-13-01` is 2016-01-01) and fails with
///   `Unexpected timestamp: X`; dates before 1582-10-15 are computed in the proleptic Gregorian
///   calendar, where Java would switch to the Julian one.
///
/// Any other tag (`!foo`, `!!set`, `!!omap`, ...) is an error worded like digdag's
/// `could not determine a constructor for the tag !foo`; callers handle `!include` before this.
pub fn resolve_tagged(tag: &str, text: &str) -> Result<ValueKind, String> {
    if tag == "!" {
        return try_resolve_plain(text);
    }
    let name = standard_tag_name(tag);
    match name {
        Some("str") => Ok(ValueKind::String(text.to_owned())),
        Some("int") => construct_int(text),
        Some("float") => construct_float(text),
        Some("bool") => Ok(construct_bool(text)),
        Some("null") => Ok(ValueKind::Null),
        Some("binary") => construct_binary(text),
        Some("timestamp") => construct_timestamp(text)
            .map(ValueKind::Int)
            .ok_or_else(|| format!("Unexpected timestamp: {text}")),
        Some(n) => Err(format!(
            "could not determine a constructor for the tag tag:yaml.org,2002:{n}"
        )),
        None => Err(format!(
            "could not determine a constructor for the tag {tag}"
        )),
    }
}

/// The suffix of a `tag:yaml.org,2002:` tag in any of its spellings.
fn standard_tag_name(tag: &str) -> Option<&str> {
    const LONG: &str = "tag:yaml.org,2002:";
    if let Some(rest) = tag.strip_prefix("!!") {
        return Some(rest);
    }
    if let Some(rest) = tag.strip_prefix(LONG) {
        return Some(rest);
    }
    tag.strip_prefix("!<")
        .and_then(|t| t.strip_suffix('>'))
        .and_then(|t| t.strip_prefix(LONG))
}

// ---------------------------------------------------------------------------------------------
// Implicit resolver matchers (hand-written equivalents of the regexes).

/// `^(?:[-+]?0b[0-1_]+|[-+]?0[0-7_]+|[-+]?(?:0|[1-9][0-9_]*)|[-+]?0x[0-9a-fA-F_]+|[-+]?[1-9][0-9_]*)$`
fn is_int(b: &[u8]) -> bool {
    let r = strip_sign(b);
    match r {
        [] => false,
        [b'0'] => true,
        [b'0', b'b', rest @ ..] => {
            !rest.is_empty() && rest.iter().all(|c| matches!(c, b'0' | b'1' | b'_'))
        }
        [b'0', b'x', rest @ ..] => {
            !rest.is_empty() && rest.iter().all(|c| c.is_ascii_hexdigit() || *c == b'_')
        }
        [b'0', rest @ ..] => rest.iter().all(|c| matches!(c, b'0'..=b'7' | b'_')),
        [b'1'..=b'9', rest @ ..] => rest.iter().all(|c| c.is_ascii_digit() || *c == b'_'),
        _ => false,
    }
}

fn strip_sign(b: &[u8]) -> &[u8] {
    match b {
        [b'+' | b'-', rest @ ..] => rest,
        _ => b,
    }
}

/// `FLOAT_EXCEPTING_ZERO_START`:
/// `^([-+]?(\.[0-9]+|[1-9][0-9_]*(\.[0-9_]*)?)([eE][-+]?[0-9]+)?`
/// `|[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+\.[0-9_]*|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$`
fn is_float(b: &[u8]) -> bool {
    if matches!(b, b".nan" | b".NaN" | b".NAN") {
        return true;
    }
    let r = strip_sign(b);
    if matches!(r, b".inf" | b".Inf" | b".INF") {
        return true;
    }
    is_float_decimal(r) || is_float_sexagesimal(r)
}

/// `(\.[0-9]+|[1-9][0-9_]*(\.[0-9_]*)?)([eE][-+]?[0-9]+)?` after the sign.
fn is_float_decimal(r: &[u8]) -> bool {
    let mut i;
    match r.first() {
        Some(b'.') => {
            i = 1;
            let start = i;
            while i < r.len() && r[i].is_ascii_digit() {
                i += 1;
            }
            if i == start {
                return false;
            }
        }
        Some(b'1'..=b'9') => {
            i = 1;
            while i < r.len() && (r[i].is_ascii_digit() || r[i] == b'_') {
                i += 1;
            }
            if i < r.len() && r[i] == b'.' {
                i += 1;
                while i < r.len() && (r[i].is_ascii_digit() || r[i] == b'_') {
                    i += 1;
                }
            }
        }
        _ => return false,
    }
    if i == r.len() {
        return true;
    }
    if !matches!(r[i], b'e' | b'E') {
        return false;
    }
    i += 1;
    if i < r.len() && matches!(r[i], b'+' | b'-') {
        i += 1;
    }
    i < r.len() && r[i..].iter().all(u8::is_ascii_digit)
}

/// `[0-9][0-9_]*(?::[0-5]?[0-9])+\.[0-9_]*` after the sign.
fn is_float_sexagesimal(r: &[u8]) -> bool {
    if !r.first().is_some_and(u8::is_ascii_digit) {
        return false;
    }
    let mut i = 1;
    while i < r.len() && (r[i].is_ascii_digit() || r[i] == b'_') {
        i += 1;
    }
    let mut groups = 0;
    while i < r.len() && r[i] == b':' {
        i += 1;
        let start = i;
        while i < r.len() && r[i].is_ascii_digit() {
            i += 1;
        }
        match i - start {
            1 => {}
            2 if r[start] <= b'5' => {}
            _ => return false,
        }
        groups += 1;
    }
    if groups == 0 || i >= r.len() || r[i] != b'.' {
        return false;
    }
    r[i + 1..].iter().all(|c| c.is_ascii_digit() || *c == b'_')
}

// ---------------------------------------------------------------------------------------------
// Constructors (SnakeYAML 1.23 `SafeConstructor`), with Java's number parsing.

/// `ConstructYamlInt`.
fn construct_int(text: &str) -> Result<ValueKind, String> {
    let value = text.replace('_', "");
    let (negative, rest) = split_sign(&value).ok_or_else(|| index_error(0))?;
    if rest == "0" {
        return Ok(ValueKind::Int(0));
    }
    if let Some(digits) = rest.strip_prefix("0b") {
        java_create_number(negative, digits, 2)
    } else if let Some(digits) = rest.strip_prefix("0x") {
        java_create_number(negative, digits, 16)
    } else if let Some(digits) = rest.strip_prefix('0') {
        java_create_number(negative, digits, 8)
    } else if rest.contains(':') {
        // int arithmetic with Java's silent wrap-around.
        let mut val: i32 = 0;
        let mut bes: i32 = 1;
        for part in java_split_colon(rest).iter().rev() {
            let p = java_parse_long(part)?;
            val = (i64::from(val).wrapping_add(p.wrapping_mul(i64::from(bes)))) as i32;
            bes = bes.wrapping_mul(60);
        }
        java_create_number(negative, &val.to_string(), 10)
    } else {
        java_create_number(negative, rest, 10)
    }
}

/// `ConstructYamlFloat`, then Jackson's rendering of non-finite doubles as strings.
fn construct_float(text: &str) -> Result<ValueKind, String> {
    let value = text.replace('_', "");
    let (negative, rest) = split_sign(&value).ok_or_else(|| index_error(0))?;
    let sign = if negative { -1.0 } else { 1.0 };
    let lower = rest.to_lowercase();
    let f = if lower == ".inf" {
        sign * f64::INFINITY
    } else if lower == ".nan" {
        f64::NAN
    } else if rest.contains(':') {
        let mut val = 0.0f64;
        let mut bes: i32 = 1;
        for part in java_split_colon(rest).iter().rev() {
            val += java_parse_double(part)? * f64::from(bes);
            bes = bes.wrapping_mul(60);
        }
        sign * val
    } else {
        java_parse_double(rest)? * sign
    };
    Ok(double_value(f))
}

/// A Java `Double` after the Jackson round trip.
fn double_value(f: f64) -> ValueKind {
    if f.is_nan() {
        ValueKind::String("NaN".to_owned())
    } else if f.is_infinite() {
        ValueKind::String(if f > 0.0 { "Infinity" } else { "-Infinity" }.to_owned())
    } else {
        ValueKind::Float(f)
    }
}

/// `ConstructYamlBool`: a lookup in `{yes,no,true,false,on,off}` of the lower-cased text;
/// a miss is Java `null`.
fn construct_bool(text: &str) -> ValueKind {
    match text.to_lowercase().as_str() {
        "yes" | "true" | "on" => ValueKind::Bool(true),
        "no" | "false" | "off" => ValueKind::Bool(false),
        _ => ValueKind::Null,
    }
}

/// SnakeYAML splits off one leading sign; `None` for the empty string (`charAt(0)` throws).
fn split_sign(value: &str) -> Option<(bool, &str)> {
    match value.as_bytes().first()? {
        b'-' => Some((true, &value[1..])),
        b'+' => Some((false, &value[1..])),
        _ => Some((false, value)),
    }
}

fn index_error(i: usize) -> String {
    format!("String index out of range: {i}")
}

/// Java's `String.split(":")`: keeps leading empty parts, drops trailing ones.
fn java_split_colon(s: &str) -> Vec<&str> {
    let mut parts: Vec<&str> = s.split(':').collect();
    while parts.last() == Some(&"") {
        parts.pop();
    }
    parts
}

fn for_input(s: &str) -> String {
    format!("For input string: \"{s}\"")
}

/// `Long.parseLong(s)` (ASCII digits).
fn java_parse_long(s: &str) -> Result<i64, String> {
    let (negative, digits) = match s.as_bytes().first() {
        Some(b'-') => (true, &s[1..]),
        Some(b'+') => (false, &s[1..]),
        _ => (false, s),
    };
    if digits.is_empty() || !digits.bytes().all(|c| c.is_ascii_digit()) {
        return Err(for_input(s));
    }
    let mut v: i64 = 0;
    for c in digits.bytes() {
        let d = i64::from(c - b'0');
        v = v
            .checked_mul(10)
            .and_then(|v| {
                if negative {
                    v.checked_sub(d)
                } else {
                    v.checked_add(d)
                }
            })
            .ok_or_else(|| for_input(s))?;
    }
    Ok(v)
}

/// SnakeYAML's `createNumber`: `Integer.valueOf`, else `Long.valueOf`, else `new BigInteger`
/// on `"-" + digits` or `digits`. All three accept the same syntax, so this is BigInteger's
/// parse, typed as `Int` when it fits in a long.
fn java_create_number(negative: bool, digits: &str, radix: u32) -> Result<ValueKind, String> {
    let number = if negative {
        format!("-{digits}")
    } else {
        digits.to_owned()
    };
    java_big_integer(&number, radix)
}

/// `new BigInteger(s, radix)` with its error messages (Java 8 wording), then narrowed.
fn java_big_integer(s: &str, radix: u32) -> Result<ValueKind, String> {
    let chars: Vec<char> = s.chars().collect();
    let len = chars.len();
    if len == 0 {
        return Err("Zero length BigInteger".to_owned());
    }
    let minus = chars.iter().rposition(|&c| c == '-');
    let plus = chars.iter().rposition(|&c| c == '+');
    let mut negative = false;
    let mut cursor = 0;
    if let Some(i) = minus {
        if i != 0 || plus.is_some() {
            return Err("Illegal embedded sign character".to_owned());
        }
        negative = true;
        cursor = 1;
    } else if let Some(i) = plus {
        if i != 0 {
            return Err("Illegal embedded sign character".to_owned());
        }
        cursor = 1;
    }
    if cursor == len {
        return Err("Zero length BigInteger".to_owned());
    }
    while cursor < len && chars[cursor].to_digit(radix) == Some(0) {
        cursor += 1;
    }
    if cursor == len {
        return Ok(ValueKind::Int(0));
    }
    // Digit groups exactly as BigInteger parses them, so the failing group is Java's.
    let per_group = match radix {
        2 => 30,
        8 => 10,
        10 => 9,
        _ => 7, // 16
    };
    let num_digits = len - cursor;
    let mut group_len = num_digits % per_group;
    if group_len == 0 {
        group_len = per_group;
    }
    let mut magnitude = BigDecimal::default();
    while cursor < len {
        let group = &chars[cursor..cursor + group_len];
        if group.iter().any(|c| c.to_digit(radix).is_none()) {
            return Err(for_input(&group.iter().collect::<String>()));
        }
        for c in group {
            magnitude.mul_add(radix, c.to_digit(radix).unwrap_or(0));
        }
        cursor += group_len;
        group_len = per_group;
    }
    Ok(magnitude.into_value(negative))
}

/// An unsigned integer as little-endian base-10^9 limbs, for radix conversion of big literals.
#[derive(Default)]
struct BigDecimal {
    limbs: Vec<u32>,
}

impl BigDecimal {
    const BASE: u64 = 1_000_000_000;

    fn mul_add(&mut self, mul: u32, add: u32) {
        let mut carry = u64::from(add);
        for limb in &mut self.limbs {
            let v = u64::from(*limb) * u64::from(mul) + carry;
            *limb = (v % Self::BASE) as u32;
            carry = v / Self::BASE;
        }
        while carry > 0 {
            self.limbs.push((carry % Self::BASE) as u32);
            carry /= Self::BASE;
        }
    }

    fn into_value(self, negative: bool) -> ValueKind {
        let mut text = String::new();
        if negative {
            text.push('-');
        }
        match self.limbs.split_last() {
            None => return ValueKind::Int(0),
            Some((top, rest)) => {
                text.push_str(&top.to_string());
                for limb in rest.iter().rev() {
                    text.push_str(&format!("{limb:09}"));
                }
            }
        }
        match text.parse::<i64>() {
            Ok(i) => ValueKind::Int(i),
            Err(_) => ValueKind::BigInt(text),
        }
    }
}

/// `Double.parseDouble(s)`: Java's `FloatingDecimal` grammar (trimmed; optional sign; `NaN`,
/// `Infinity`, decimal with optional exponent, hexadecimal with binary exponent; an optional
/// final `f`/`F`/`d`/`D`).
fn java_parse_double(s: &str) -> Result<f64, String> {
    let t = s.trim_matches(|c: char| c <= ' ');
    if t.is_empty() {
        return Err("empty String".to_owned());
    }
    parse_java_double(t).ok_or_else(|| for_input(t))
}

fn parse_java_double(t: &str) -> Option<f64> {
    let b = t.as_bytes();
    let (negative, r) = match b.first()? {
        b'-' => (true, &b[1..]),
        b'+' => (false, &b[1..]),
        _ => (false, b),
    };
    let sign = if negative { -1.0 } else { 1.0 };
    match r {
        b"NaN" => return Some(f64::NAN),
        b"Infinity" => return Some(sign * f64::INFINITY),
        [b'0', b'x' | b'X', rest @ ..] => return parse_hex_double(rest).map(|v| sign * v),
        _ => {}
    }
    let r = match r.last() {
        Some(b'f' | b'F' | b'd' | b'D') => &r[..r.len() - 1],
        _ => r,
    };
    let mut i = 0;
    let mut digits = 0;
    while i < r.len() && r[i].is_ascii_digit() {
        i += 1;
        digits += 1;
    }
    if i < r.len() && r[i] == b'.' {
        i += 1;
        while i < r.len() && r[i].is_ascii_digit() {
            i += 1;
            digits += 1;
        }
    }
    if digits == 0 {
        return None;
    }
    let mantissa_end = i;
    if i < r.len() && matches!(r[i], b'e' | b'E') {
        i += 1;
        if i < r.len() && matches!(r[i], b'+' | b'-') {
            i += 1;
        }
        let start = i;
        while i < r.len() && r[i].is_ascii_digit() {
            i += 1;
        }
        if i == start {
            return None;
        }
    }
    if i != r.len() {
        return None;
    }
    // Rust's parser wants a digit on both sides of the point.
    let mut normalized = String::with_capacity(r.len() + 3);
    if negative {
        normalized.push('-');
    }
    let mantissa = std::str::from_utf8(&r[..mantissa_end]).ok()?;
    if mantissa.starts_with('.') {
        normalized.push('0');
    }
    normalized.push_str(mantissa);
    if mantissa.ends_with('.') {
        normalized.push('0');
    }
    normalized.push_str(std::str::from_utf8(&r[mantissa_end..]).ok()?);
    normalized.parse::<f64>().ok()
}

/// The part of a Java hex float after `0x`: `hex* [. hex*] (p|P) [+-] digits+ [fFdD]`, with at
/// least one hex digit. Rounds once from a 64-bit mantissa (exact for mantissas up to 64 bits).
fn parse_hex_double(r: &[u8]) -> Option<f64> {
    let r = match r.last() {
        Some(b'f' | b'F' | b'd' | b'D') => &r[..r.len() - 1],
        _ => r,
    };
    let mut i = 0;
    let mut mantissa: u64 = 0;
    let mut exp_adjust: i64 = 0;
    let mut digits = 0;
    let mut after_point = false;
    while i < r.len() {
        let c = r[i];
        if c == b'.' && !after_point {
            after_point = true;
        } else if let Some(d) = (c as char).to_digit(16) {
            digits += 1;
            if mantissa >> 60 == 0 {
                mantissa = (mantissa << 4) | u64::from(d);
                if after_point {
                    exp_adjust -= 4;
                }
            } else if !after_point {
                exp_adjust += 4;
            }
        } else {
            break;
        }
        i += 1;
    }
    if digits == 0 || i >= r.len() || !matches!(r[i], b'p' | b'P') {
        return None;
    }
    let exp_text = std::str::from_utf8(&r[i + 1..]).ok()?;
    let exp_digits = exp_text.strip_prefix(['+', '-']).unwrap_or(exp_text);
    if exp_digits.is_empty() || !exp_digits.bytes().all(|c| c.is_ascii_digit()) {
        return None;
    }
    let exp: i64 = exp_text.parse().unwrap_or(if exp_text.starts_with('-') {
        i64::MIN / 2
    } else {
        i64::MAX / 2
    });
    let e = exp.saturating_add(exp_adjust).clamp(-2000, 2000) as i32;
    let mut v = mantissa as f64;
    // Scale in steps that stay representable.
    let mut e = e;
    while e > 0 {
        let step = e.min(1000);
        v *= 2f64.powi(step);
        e -= step;
    }
    while e < 0 {
        let step = e.max(-1000);
        v *= 2f64.powi(step);
        e -= step;
    }
    Some(v)
}

/// `ConstructYamlTimestamp` as epoch milliseconds. Matches SnakeYAML's `YMD_REGEXP`
/// (`yyyy-m?m-d?d`) or `TIMESTAMP_REGEXP`
/// (`yyyy-m?m-d?d(T|t|[ \t]+)h?h:mm:ss(.f*)?([ \t]*(Z|[-+]h?h(:(mm)?)?))?`), then applies the
/// fields like a lenient `GregorianCalendar`.
fn construct_timestamp(text: &str) -> Option<i64> {
    let b = text.as_bytes();
    let mut i = 0;
    let year = take_digits(b, &mut i, 4, 4)?;
    expect(b, &mut i, b'-')?;
    let month = take_digits(b, &mut i, 1, 2)?;
    expect(b, &mut i, b'-')?;
    let day = take_digits(b, &mut i, 1, 2)?;
    let date_days = |year: i64, month: i64, day: i64| {
        let months = year * 12 + month - 1;
        days_from_civil(months.div_euclid(12), months.rem_euclid(12) + 1) + day - 1
    };
    if i == b.len() {
        return Some(date_days(year, month, day) * 86_400_000);
    }
    if matches!(b[i], b'T' | b't') {
        i += 1;
    } else {
        let start = i;
        while i < b.len() && matches!(b[i], b' ' | b'\t') {
            i += 1;
        }
        if i == start {
            return None;
        }
    }
    let hour = take_digits(b, &mut i, 1, 2)?;
    expect(b, &mut i, b':')?;
    let minute = take_digits(b, &mut i, 2, 2)?;
    expect(b, &mut i, b':')?;
    let second_start = i;
    take_digits(b, &mut i, 2, 2)?;
    if i < b.len() && b[i] == b'.' {
        i += 1;
        while i < b.len() && b[i].is_ascii_digit() {
            i += 1;
        }
    }
    let fractions: f64 = text[second_start..i].parse().ok()?;
    let sec = fractions.floor() as i64;
    let millis = ((fractions - sec as f64) * 1000.0).round() as i64;
    let mut offset_minutes = 0;
    if i < b.len() {
        while i < b.len() && matches!(b[i], b' ' | b'\t') {
            i += 1;
        }
        match b.get(i)? {
            b'Z' => i += 1,
            b'+' | b'-' => {
                let negative = b[i] == b'-';
                i += 1;
                let h = take_digits(b, &mut i, 1, 2)?;
                let mut m = 0;
                if i < b.len() && b[i] == b':' {
                    i += 1;
                    if i < b.len() {
                        m = take_digits(b, &mut i, 2, 2)?;
                    }
                }
                // `TimeZone.getTimeZone("GMT+hhmm")` falls back to GMT when out of range.
                if h <= 23 && m <= 59 {
                    offset_minutes = if negative { -(h * 60 + m) } else { h * 60 + m };
                }
            }
            _ => return None,
        }
        if i != b.len() {
            return None;
        }
    }
    let seconds = ((hour * 60 + minute - offset_minutes) * 60) + sec;
    Some(date_days(year, month, day) * 86_400_000 + seconds * 1000 + millis)
}

/// Between `min` and `max` ASCII digits at `*i` (greedy), as a number.
fn take_digits(b: &[u8], i: &mut usize, min: usize, max: usize) -> Option<i64> {
    let start = *i;
    let mut v = 0i64;
    while *i < b.len() && *i - start < max && b[*i].is_ascii_digit() {
        v = v * 10 + i64::from(b[*i] - b'0');
        *i += 1;
    }
    (*i - start >= min).then_some(v)
}

fn expect(b: &[u8], i: &mut usize, c: u8) -> Option<()> {
    (b.get(*i) == Some(&c)).then(|| *i += 1)
}

/// Days from 1970-01-01 to the first of `month` (1-12) of `year`, proleptic Gregorian.
fn days_from_civil(year: i64, month: i64) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (month + 9) % 12;
    let doy = (153 * mp + 2) / 5;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// `ConstructYamlBinary`: whitespace removed, decoded with SnakeYAML's `Base64Coder`, then
/// written back by Jackson as canonical base64.
fn construct_binary(text: &str) -> Result<ValueKind, String> {
    let input: Vec<u8> = text
        .chars()
        .filter(|c| !matches!(c, ' ' | '\t' | '\n' | '\u{b}' | '\u{c}' | '\r'))
        .map(|c| if c.is_ascii() { c as u8 } else { 0xff })
        .collect();
    let bytes = base64_decode(&input)?;
    Ok(ValueKind::String(base64_encode(&bytes)))
}

fn base64_value(c: u8) -> Option<u32> {
    match c {
        b'A'..=b'Z' => Some(u32::from(c - b'A')),
        b'a'..=b'z' => Some(u32::from(c - b'a') + 26),
        b'0'..=b'9' => Some(u32::from(c - b'0') + 52),
        b'+' => Some(62),
        b'/' => Some(63),
        _ => None,
    }
}

/// `Base64Coder.decode(char[])` with its messages.
fn base64_decode(input: &[u8]) -> Result<Vec<u8>, String> {
    if !input.chunks_exact(4).remainder().is_empty() {
        return Err("Length of Base64 encoded input string is not a multiple of 4.".to_owned());
    }
    let mut end = input.len();
    while end > 0 && input[end - 1] == b'=' {
        end -= 1;
    }
    let out_len = end * 3 / 4;
    let mut out = Vec::with_capacity(out_len);
    let illegal = || "Illegal character in Base64 encoded data.".to_owned();
    let mut ip = 0;
    while ip < end {
        let i0 = input[ip];
        let i1 = input.get(ip + 1).copied().unwrap_or(b'=');
        ip += 2;
        let i2 = if ip < end { input[ip] } else { b'A' };
        if ip < end {
            ip += 1;
        }
        let i3 = if ip < end { input[ip] } else { b'A' };
        if ip < end {
            ip += 1;
        }
        let b0 = base64_value(i0).ok_or_else(illegal)?;
        let b1 = base64_value(i1).ok_or_else(illegal)?;
        let b2 = base64_value(i2).ok_or_else(illegal)?;
        let b3 = base64_value(i3).ok_or_else(illegal)?;
        let o0 = ((b0 << 2) | (b1 >> 4)) as u8;
        let o1 = (((b1 & 0xf) << 4) | (b2 >> 2)) as u8;
        let o2 = (((b2 & 3) << 6) | b3) as u8;
        for o in [o0, o1, o2] {
            if out.len() < out_len {
                out.push(o);
            }
        }
    }
    Ok(out)
}

fn base64_encode(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let n = chunk.len();
        let v = (u32::from(chunk[0]) << 16)
            | (u32::from(chunk.get(1).copied().unwrap_or(0)) << 8)
            | u32::from(chunk.get(2).copied().unwrap_or(0));
        for k in 0..4 {
            if k <= n {
                out.push(ALPHABET[((v >> (18 - 6 * k)) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(x: &str) -> ValueKind {
        ValueKind::String(x.to_owned())
    }

    #[test]
    fn booleans_only_four_spellings() {
        assert_eq!(resolve_plain("true"), ValueKind::Bool(true));
        assert_eq!(resolve_plain("True"), ValueKind::Bool(true));
        assert_eq!(resolve_plain("false"), ValueKind::Bool(false));
        assert_eq!(resolve_plain("False"), ValueKind::Bool(false));
        for x in [
            "TRUE", "FALSE", "yes", "Yes", "no", "No", "on", "On", "off", "OFF", "y", "n",
        ] {
            assert_eq!(resolve_plain(x), s(x), "{x}");
        }
    }

    #[test]
    fn nulls() {
        for x in ["", "~", "null", "Null", "NULL", " "] {
            assert_eq!(resolve_plain(x), ValueKind::Null, "{x:?}");
        }
        for x in ["nULL", "nil", "None", "~~"] {
            assert_eq!(resolve_plain(x), s(x), "{x}");
        }
    }

    #[test]
    fn decimal_ints() {
        assert_eq!(resolve_plain("10"), ValueKind::Int(10));
        assert_eq!(resolve_plain("-3"), ValueKind::Int(-3));
        assert_eq!(resolve_plain("+3"), ValueKind::Int(3));
        assert_eq!(resolve_plain("0"), ValueKind::Int(0));
        assert_eq!(resolve_plain("-0"), ValueKind::Int(0));
        assert_eq!(resolve_plain("1_000"), ValueKind::Int(1000));
        assert_eq!(resolve_plain("1__0_"), ValueKind::Int(10));
        assert_eq!(
            resolve_plain("9223372036854775807"),
            ValueKind::Int(i64::MAX)
        );
        assert_eq!(
            resolve_plain("-9223372036854775808"),
            ValueKind::Int(i64::MIN)
        );
    }

    #[test]
    fn big_integers() {
        assert_eq!(
            resolve_plain("9223372036854775808"),
            ValueKind::BigInt("9223372036854775808".into())
        );
        assert_eq!(
            resolve_plain("123456789012345678901234567890"),
            ValueKind::BigInt("123456789012345678901234567890".into())
        );
        assert_eq!(
            resolve_plain("-123456789012345678901234567890"),
            ValueKind::BigInt("-123456789012345678901234567890".into())
        );
        // 2^64 written in hex and in octal.
        assert_eq!(
            resolve_plain("0x10000000000000000"),
            ValueKind::BigInt("18446744073709551616".into())
        );
        assert_eq!(
            resolve_plain("02000000000000000000000"),
            ValueKind::BigInt("18446744073709551616".into())
        );
        assert_eq!(
            resolve_plain("-0b10000000000000000000000000000000000000000000000000000000000000001"),
            ValueKind::BigInt("-18446744073709551617".into())
        );
    }

    #[test]
    fn octal_hex_binary() {
        assert_eq!(resolve_plain("0755"), ValueKind::Int(493));
        assert_eq!(resolve_plain("010"), ValueKind::Int(8));
        assert_eq!(resolve_plain("-010"), ValueKind::Int(-8));
        assert_eq!(resolve_plain("00"), ValueKind::Int(0));
        assert_eq!(resolve_plain("0_7"), ValueKind::Int(7));
        assert_eq!(resolve_plain("0x1F"), ValueKind::Int(31));
        assert_eq!(resolve_plain("0xff_ff"), ValueKind::Int(65535));
        assert_eq!(resolve_plain("-0x10"), ValueKind::Int(-16));
        assert_eq!(resolve_plain("0b101"), ValueKind::Int(5));
        assert_eq!(resolve_plain("+0b1_1"), ValueKind::Int(3));
        // Not valid octal and not a decimal either: strings.
        assert_eq!(resolve_plain("09"), s("09"));
        assert_eq!(resolve_plain("08"), s("08"));
        // Upper-case prefixes are not ints.
        assert_eq!(resolve_plain("0X1F"), s("0X1F"));
        assert_eq!(resolve_plain("0B1"), s("0B1"));
        assert_eq!(resolve_plain("0x"), s("0x"));
        assert_eq!(resolve_plain("0b"), s("0b"));
        assert_eq!(resolve_plain("0xg"), s("0xg"));
    }

    #[test]
    fn no_sexagesimal_ints() {
        for x in ["10:00:00", "30:00", "07:00:00", "1:30", "-1:30"] {
            assert_eq!(resolve_plain(x), s(x), "{x}");
        }
    }

    #[test]
    fn floats() {
        assert_eq!(resolve_plain("1.5"), ValueKind::Float(1.5));
        assert_eq!(resolve_plain(".5"), ValueKind::Float(0.5));
        assert_eq!(resolve_plain("-.5"), ValueKind::Float(-0.5));
        assert_eq!(resolve_plain("1e3"), ValueKind::Float(1000.0));
        assert_eq!(resolve_plain("1E+3"), ValueKind::Float(1000.0));
        assert_eq!(resolve_plain("1.0e3"), ValueKind::Float(1000.0));
        assert_eq!(resolve_plain("2.5e-1"), ValueKind::Float(0.25));
        assert_eq!(resolve_plain("1."), ValueKind::Float(1.0));
        assert_eq!(resolve_plain("1.e2"), ValueKind::Float(100.0));
        assert_eq!(resolve_plain("1_000.5"), ValueKind::Float(1000.5));
        assert_eq!(resolve_plain("1.5_"), ValueKind::Float(1.5));
        assert_eq!(resolve_plain("+1.5"), ValueKind::Float(1.5));
        assert_eq!(resolve_plain(".5e3"), ValueKind::Float(500.0));
    }

    #[test]
    fn zero_start_floats_are_strings() {
        for x in ["0.5", "-0.5", "0.25", "0.5e3", "00.5", "0e1", "0.0"] {
            assert_eq!(resolve_plain(x), s(x), "{x}");
        }
        // Exponent without digits, underscores after a leading dot, bare dot: strings.
        for x in ["1e", "1e+", ".", ".5_", "1.5e3_", "1..5", "e3", "1.5.5"] {
            assert_eq!(resolve_plain(x), s(x), "{x}");
        }
    }

    #[test]
    fn sexagesimal_floats() {
        assert_eq!(resolve_plain("1:30.5"), ValueKind::Float(90.5));
        assert_eq!(resolve_plain("-1:30.5"), ValueKind::Float(-90.5));
        assert_eq!(resolve_plain("1:00:00.0"), ValueKind::Float(3600.0));
        assert_eq!(resolve_plain("0:30."), ValueKind::Float(30.0));
        assert_eq!(resolve_plain("1:5.25"), ValueKind::Float(65.25));
        // A group is one digit or two digits starting with 0-5.
        assert_eq!(resolve_plain("1:60.0"), s("1:60.0"));
        assert_eq!(resolve_plain("1:123.0"), s("1:123.0"));
        assert_eq!(resolve_plain("1:30"), s("1:30"));
        assert_eq!(resolve_plain("1:.5"), s("1:.5"));
    }

    #[test]
    fn inf_and_nan_become_strings() {
        for x in [".inf", ".Inf", ".INF", "+.inf"] {
            assert_eq!(resolve_plain(x), s("Infinity"), "{x}");
        }
        assert_eq!(resolve_plain("-.inf"), s("-Infinity"));
        for x in [".nan", ".NaN", ".NAN"] {
            assert_eq!(resolve_plain(x), s("NaN"), "{x}");
        }
        // No sign allowed on nan; odd spellings stay strings.
        for x in ["-.nan", "+.nan", ".iNf", "inf", "nan", "Infinity", "NaN"] {
            assert_eq!(resolve_plain(x), s(x), "{x}");
        }
        // Overflow to infinity goes through Jackson as a string too.
        assert_eq!(resolve_plain("1e400"), s("Infinity"));
    }

    #[test]
    fn no_timestamps() {
        for x in ["2015-01-01", "2015-01-01 00:00:00", "2015-01-01T00:00:00Z"] {
            assert_eq!(resolve_plain(x), s(x), "{x}");
        }
    }

    #[test]
    fn ordinary_strings() {
        for x in [
            "hello", "echo>", "+task", "-", "+", "--5", "1a", "1 2", "tru", "<", "<<<", "==",
        ] {
            assert_eq!(resolve_plain(x), s(x), "{x}");
        }
    }

    #[test]
    fn implicit_tags() {
        assert_eq!(implicit_tag("<<"), ImplicitTag::Merge);
        assert_eq!(implicit_tag("="), ImplicitTag::Value);
        assert_eq!(implicit_tag("*"), ImplicitTag::Yaml);
        assert_eq!(implicit_tag("1"), ImplicitTag::Int);
        assert_eq!(implicit_tag("1.0"), ImplicitTag::Float);
        assert_eq!(implicit_tag("0b_"), ImplicitTag::Int);
        assert_eq!(implicit_tag("x"), ImplicitTag::Str);
        assert_eq!(ImplicitTag::Merge.as_str(), "tag:yaml.org,2002:merge");
    }

    #[test]
    fn plain_scalars_snakeyaml_cannot_construct() {
        assert_eq!(
            try_resolve_plain("="),
            Err("could not determine a constructor for the tag tag:yaml.org,2002:value".into())
        );
        assert_eq!(
            try_resolve_plain("<<"),
            Err("could not determine a constructor for the tag tag:yaml.org,2002:merge".into())
        );
        for x in ["0b_", "0x_", "-0x__", "+0b_"] {
            assert_eq!(
                try_resolve_plain(x),
                Err("Zero length BigInteger".into()),
                "{x}"
            );
            assert_eq!(resolve_plain(x), s(x), "{x}");
        }
        assert_eq!(try_resolve_plain("0_"), Ok(ValueKind::Int(0)));
    }

    #[test]
    fn tagged_str_null_bool() {
        assert_eq!(resolve_tagged("!!str", "123"), Ok(s("123")));
        assert_eq!(
            resolve_tagged("tag:yaml.org,2002:str", "true"),
            Ok(s("true"))
        );
        assert_eq!(resolve_tagged("!<tag:yaml.org,2002:str>", ""), Ok(s("")));
        assert_eq!(resolve_tagged("!!null", "anything"), Ok(ValueKind::Null));
        assert_eq!(resolve_tagged("!!bool", "yes"), Ok(ValueKind::Bool(true)));
        assert_eq!(resolve_tagged("!!bool", "OFF"), Ok(ValueKind::Bool(false)));
        assert_eq!(resolve_tagged("!!bool", "TRUE"), Ok(ValueKind::Bool(true)));
        assert_eq!(resolve_tagged("!!bool", "maybe"), Ok(ValueKind::Null));
    }

    #[test]
    fn tagged_int() {
        assert_eq!(resolve_tagged("!!int", "42"), Ok(ValueKind::Int(42)));
        assert_eq!(resolve_tagged("!!int", "1:30"), Ok(ValueKind::Int(90)));
        assert_eq!(
            resolve_tagged("!!int", "-1:00:00"),
            Ok(ValueKind::Int(-3600))
        );
        assert_eq!(
            resolve_tagged("!!int", "09"),
            Err("For input string: \"9\"".into())
        );
        assert_eq!(
            resolve_tagged("!!int", "abc"),
            Err("For input string: \"abc\"".into())
        );
        assert_eq!(
            resolve_tagged("!!int", "1.5"),
            Err("For input string: \"1.5\"".into())
        );
        // BigInteger parses in 9-digit groups, the first one short.
        assert_eq!(
            resolve_tagged("!!int", "abcdefghijkl"),
            Err("For input string: \"abc\"".into())
        );
        assert_eq!(
            resolve_tagged("!!int", ""),
            Err("String index out of range: 0".into())
        );
        assert_eq!(
            resolve_tagged("!!int", "-"),
            Err("Zero length BigInteger".into())
        );
        assert_eq!(
            resolve_tagged("!!int", "0x"),
            Err("Zero length BigInteger".into())
        );
        assert_eq!(
            resolve_tagged("!!int", "--5"),
            Err("Illegal embedded sign character".into())
        );
        assert_eq!(resolve_tagged("!!int", "+-5"), Ok(ValueKind::Int(-5)));
        assert_eq!(
            resolve_tagged("!!int", "1:x"),
            Err("For input string: \"x\"".into())
        );
        assert_eq!(
            resolve_tagged("tag:yaml.org,2002:int", "0o7"),
            Err("For input string: \"o7\"".into())
        );
    }

    #[test]
    fn tagged_float() {
        assert_eq!(resolve_tagged("!!float", "0.5"), Ok(ValueKind::Float(0.5)));
        assert_eq!(resolve_tagged("!!float", "1"), Ok(ValueKind::Float(1.0)));
        assert_eq!(
            resolve_tagged("!!float", "1_000"),
            Ok(ValueKind::Float(1000.0))
        );
        assert_eq!(resolve_tagged("!!float", "1.5f"), Ok(ValueKind::Float(1.5)));
        assert_eq!(
            resolve_tagged("!!float", "1:30"),
            Ok(ValueKind::Float(90.0))
        );
        assert_eq!(resolve_tagged("!!float", "-.nan"), Ok(s("NaN")));
        assert_eq!(resolve_tagged("!!float", "-.INF"), Ok(s("-Infinity")));
        assert_eq!(resolve_tagged("!!float", "Infinity"), Ok(s("Infinity")));
        assert_eq!(
            resolve_tagged("!!float", "0x1p3"),
            Ok(ValueKind::Float(8.0))
        );
        assert_eq!(
            resolve_tagged("!!float", "0x1.8p1"),
            Ok(ValueKind::Float(3.0))
        );
        assert_eq!(
            resolve_tagged("!!float", "abc"),
            Err("For input string: \"abc\"".into())
        );
        assert_eq!(
            resolve_tagged("!!float", "1e"),
            Err("For input string: \"1e\"".into())
        );
        assert_eq!(resolve_tagged("!!float", "-"), Err("empty String".into()));
        assert_eq!(
            resolve_tagged("!!float", ""),
            Err("String index out of range: 0".into())
        );
        assert_eq!(
            resolve_tagged("!!float", "0x1"),
            Err("For input string: \"0x1\"".into())
        );
    }

    #[test]
    fn tagged_binary() {
        assert_eq!(resolve_tagged("!!binary", "aGVsbG8="), Ok(s("aGVsbG8=")));
        assert_eq!(resolve_tagged("!!binary", "aGVs\n bG8="), Ok(s("aGVsbG8=")));
        assert_eq!(resolve_tagged("!!binary", "aGk="), Ok(s("aGk=")));
        assert_eq!(
            resolve_tagged("!!binary", "abc"),
            Err("Length of Base64 encoded input string is not a multiple of 4.".into())
        );
        assert_eq!(
            resolve_tagged("!!binary", "ab!d"),
            Err("Illegal character in Base64 encoded data.".into())
        );
    }

    #[test]
    fn tagged_timestamp() {
        let t = |x: &str| resolve_tagged("!!timestamp", x);
        assert_eq!(t("1970-01-01"), Ok(ValueKind::Int(0)));
        assert_eq!(t("2015-01-01"), Ok(ValueKind::Int(1_420_070_400_000)));
        assert_eq!(t("2015-1-1"), Ok(ValueKind::Int(1_420_070_400_000)));
        assert_eq!(t("2000-02-29"), Ok(ValueKind::Int(951_782_400_000)));
        // Lenient calendar: month 13 and day 32 roll over.
        assert_eq!(t("2014-13-01"), Ok(ValueKind::Int(1_420_070_400_000)));
        assert_eq!(t("2014-12-32"), Ok(ValueKind::Int(1_420_070_400_000)));
        assert_eq!(t("2015-01-00"), Ok(ValueKind::Int(1_419_984_000_000)));
        assert_eq!(t("1969-12-31"), Ok(ValueKind::Int(-86_400_000)));
        // Times, fractions and zones (YAML spec examples).
        assert_eq!(
            t("2001-12-14t21:59:43.10-05:00"),
            Ok(ValueKind::Int(1_008_385_183_100))
        );
        assert_eq!(
            t("2001-12-14 21:59:43.10 -5"),
            Ok(ValueKind::Int(1_008_385_183_100))
        );
        assert_eq!(
            t("2001-12-15T02:59:43.1Z"),
            Ok(ValueKind::Int(1_008_385_183_100))
        );
        assert_eq!(
            t("2001-12-15 2:59:43.10"),
            Ok(ValueKind::Int(1_008_385_183_100))
        );
        assert_eq!(
            t("2015-01-01T09:00:00+09:"),
            Ok(ValueKind::Int(1_420_070_400_000))
        );
        assert_eq!(
            t("2015-01-01T09:00:00+0900"),
            Err("Unexpected timestamp: 2015-01-01T09:00:00+0900".into())
        );
        for bad in [
            "2015-01",
            "15-01-01",
            "2015-01-01T",
            "2015-01-01 10:00",
            "2015-01-01 10:00:00 ",
            "x",
        ] {
            assert_eq!(t(bad), Err(format!("Unexpected timestamp: {bad}")), "{bad}");
        }
    }

    #[test]
    fn non_specific_and_unknown_tags() {
        assert_eq!(resolve_tagged("!", "123"), Ok(ValueKind::Int(123)));
        assert_eq!(resolve_tagged("!", "x"), Ok(s("x")));
        assert_eq!(
            resolve_tagged("!foo", "x"),
            Err("could not determine a constructor for the tag !foo".into())
        );
        assert_eq!(
            resolve_tagged("!!set", "a"),
            Err("could not determine a constructor for the tag tag:yaml.org,2002:set".into())
        );
    }
}
