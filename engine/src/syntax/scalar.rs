//! Scalar token text -> the string value SnakeYAML would construct (line folding, escapes,
//! block scalar indentation and chomping).

use std::borrow::Cow;

fn is_ws(c: char) -> bool {
    c == ' ' || c == '\t'
}

/// Splits at line breaks (`\r\n`, `\r`, `\n`, NEL, LS, PS), keeping the normalized break.
fn split_lines(text: &str) -> Vec<(&str, Option<char>)> {
    let mut out = Vec::new();
    let mut start = 0;
    let mut iter = text.char_indices().peekable();
    while let Some((i, c)) = iter.next() {
        let brk = match c {
            '\r' => {
                if let Some(&(_, '\n')) = iter.peek() {
                    iter.next();
                    out.push((&text[start..i], Some('\n')));
                    start = i + 2;
                    continue;
                }
                Some('\n')
            }
            '\n' | '\u{85}' => Some('\n'),
            '\u{2028}' | '\u{2029}' => Some(c),
            _ => None,
        };
        if let Some(b) = brk {
            out.push((&text[start..i], Some(b)));
            start = i + c.len_utf8();
        }
    }
    out.push((&text[start..], None));
    out
}

/// Value of a plain scalar token.
pub fn plain(text: &str) -> Cow<'_, str> {
    if !text.contains(['\n', '\r', '\u{85}', '\u{2028}', '\u{2029}']) {
        return Cow::Borrowed(text);
    }
    let lines = split_lines(text);
    let mut out = String::with_capacity(text.len());
    let mut breaks: Vec<char> = Vec::new();
    for (i, (line, brk)) in lines.iter().enumerate() {
        let l = if i == 0 {
            line.trim_end_matches(is_ws)
        } else {
            line.trim_matches(is_ws)
        };
        if i > 0 {
            if l.is_empty() {
                if let Some(b) = brk {
                    breaks.push(*b);
                }
                continue;
            }
            fold(&mut out, &breaks);
            breaks.clear();
        }
        out.push_str(l);
        if i == 0 {
            // The first break itself is folded with the following ones.
        }
    }
    Cow::Owned(out)
}

/// Appends the folding of a line break followed by `extra` empty lines: a space when there
/// are none, else the extra breaks themselves.
fn fold(out: &mut String, extra: &[char]) {
    if extra.is_empty() {
        out.push(' ');
    } else {
        out.extend(extra.iter());
    }
}

/// Value of a single-quoted scalar token (including its quotes).
pub fn single_quoted(text: &str) -> String {
    let inner = text.strip_prefix('\'').unwrap_or(text);
    let inner = inner.strip_suffix('\'').unwrap_or(inner);
    quoted(inner, false).0
}

/// Value of a double-quoted scalar token, and the first invalid escape if any.
pub fn double_quoted(text: &str) -> (String, Option<String>) {
    let inner = text.strip_prefix('"').unwrap_or(text);
    let inner = if inner.ends_with('"') && !inner.ends_with("\\\"") || inner.ends_with("\\\\\"") {
        &inner[..inner.len() - 1]
    } else {
        inner.strip_suffix('"').unwrap_or(inner)
    };
    quoted(inner, true)
}

/// Shared flow-scalar folding (PyYAML `scan_flow_scalar_spaces/breaks`).
fn quoted(inner: &str, double: bool) -> (String, Option<String>) {
    let mut out = String::with_capacity(inner.len());
    let mut error = None;
    let chars: Vec<char> = inner.chars().collect();
    let mut i = 0;
    let n = chars.len();
    let is_break = |c: char| matches!(c, '\r' | '\n' | '\u{85}' | '\u{2028}' | '\u{2029}');
    // Reads one line break at `i`, returning the normalized break.
    let read_break = |i: &mut usize| -> char {
        let c = chars[*i];
        *i += 1;
        if c == '\r' && *i < n && chars[*i] == '\n' {
            *i += 1;
        }
        match c {
            '\r' | '\n' | '\u{85}' => '\n',
            c => c,
        }
    };
    while i < n {
        let c = chars[i];
        if !double && c == '\'' && i + 1 < n && chars[i + 1] == '\'' {
            out.push('\'');
            i += 2;
        } else if double && c == '\\' {
            i += 1;
            if i >= n {
                out.push('\\');
                break;
            }
            let e = chars[i];
            i += 1;
            let simple = match e {
                '0' => Some('\0'),
                'a' => Some('\x07'),
                'b' => Some('\x08'),
                't' | '\t' => Some('\t'),
                'n' => Some('\n'),
                'v' => Some('\x0b'),
                'f' => Some('\x0c'),
                'r' => Some('\r'),
                'e' => Some('\x1b'),
                ' ' => Some(' '),
                '"' => Some('"'),
                '/' => Some('/'),
                '\\' => Some('\\'),
                'N' => Some('\u{85}'),
                '_' => Some('\u{a0}'),
                'L' => Some('\u{2028}'),
                'P' => Some('\u{2029}'),
                _ => None,
            };
            if let Some(s) = simple {
                out.push(s);
            } else if let Some(len) = match e {
                'x' => Some(2),
                'u' => Some(4),
                'U' => Some(8),
                _ => None,
            } {
                let hex: String = chars[i..(i + len).min(n)].iter().collect();
                match u32::from_str_radix(&hex, 16).ok().and_then(char::from_u32) {
                    Some(ch) if hex.len() == len => out.push(ch),
                    _ => {
                        error.get_or_insert_with(|| format!("invalid escape \\{e}{hex}"));
                    }
                }
                i += len.min(n - i);
            } else if is_break(e) {
                // Escaped line break: join without folding, skip leading blanks.
                i -= 1;
                read_break(&mut i);
                loop {
                    while i < n && is_ws(chars[i]) {
                        i += 1;
                    }
                    if i < n && is_break(chars[i]) {
                        out.push(read_break(&mut i));
                    } else {
                        break;
                    }
                }
            } else {
                error.get_or_insert_with(|| format!("found unknown escape character '{e}'"));
            }
        } else if is_ws(c) || is_break(c) {
            // Whitespace run, possibly followed by line breaks.
            let ws_start = i;
            while i < n && is_ws(chars[i]) {
                i += 1;
            }
            if i < n && is_break(chars[i]) {
                let first = read_break(&mut i);
                let mut breaks = Vec::new();
                loop {
                    while i < n && is_ws(chars[i]) {
                        i += 1;
                    }
                    if i < n && is_break(chars[i]) {
                        breaks.push(read_break(&mut i));
                    } else {
                        break;
                    }
                }
                if first != '\n' {
                    out.push(first);
                }
                if breaks.is_empty() {
                    if first == '\n' {
                        out.push(' ');
                    }
                } else {
                    out.extend(breaks);
                }
            } else {
                out.extend(&chars[ws_start..i]);
            }
        } else {
            out.push(c);
            i += 1;
        }
    }
    (out, error)
}

/// Value of a literal (`|`) or folded (`>`) block scalar token. `parent_indent` is the
/// indentation of the enclosing block collection (-1 at the top level).
pub fn block(text: &str, parent_indent: i64) -> String {
    let lines = split_lines(text);
    let header = lines[0].0;
    let folded = header.starts_with('>');
    let mut chomp: Option<bool> = None; // None = clip, Some(true) = keep, Some(false) = strip
    let mut increment: Option<i64> = None;
    for c in header.chars().skip(1).take(2) {
        match c {
            '+' => chomp = Some(true),
            '-' => chomp = Some(false),
            '1'..='9' => increment = Some(c as i64 - '0' as i64),
            _ => break,
        }
    }
    let body = &lines[1..];
    let min_indent = (parent_indent + 1).max(1);
    let indent = match increment {
        Some(inc) => min_indent + inc - 1,
        None => {
            let mut max_indent = 0i64;
            for (line, _) in body {
                let spaces = line.len() - line.trim_start_matches(' ').len();
                max_indent = max_indent.max(spaces as i64);
                if spaces < line.len() {
                    break;
                }
            }
            min_indent.max(max_indent)
        }
    } as usize;
    let mut out = String::new();
    let mut breaks: Vec<char> = Vec::new();
    let mut line_break: Option<char> = None;
    let mut prev_leading_non_space = false;
    let mut seen_content = false;
    for (line, brk) in body {
        let spaces = line.len() - line.trim_start_matches(' ').len();
        // As in SnakeYAML: a line indented at least `indent` is content (even if blank),
        // except the empty remainder at the end of the text.
        let is_content = spaces >= indent && !(brk.is_none() && line.len() == indent);
        if !is_content {
            // An empty (or short, blank) line: a break.
            if let Some(b) = brk {
                breaks.push(*b);
            }
            continue;
        }
        let content = &line[indent..];
        let leading_non_space = !content.starts_with([' ', '\t']);
        if seen_content {
            if folded && line_break == Some('\n') && prev_leading_non_space && leading_non_space {
                if breaks.is_empty() {
                    out.push(' ');
                }
            } else if let Some(b) = line_break {
                out.push(b);
            }
        }
        out.extend(breaks.drain(..));
        out.push_str(content);
        seen_content = true;
        prev_leading_non_space = leading_non_space;
        line_break = *brk;
    }
    match chomp {
        Some(false) => {}
        None => {
            if let Some(b) = line_break {
                out.push(b);
            }
        }
        Some(true) => {
            if let Some(b) = line_break {
                out.push(b);
            }
            out.extend(breaks);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_folding() {
        assert_eq!(plain("a b"), "a b");
        assert_eq!(plain("a\n  b"), "a b");
        assert_eq!(plain("a\n\n  b"), "a\nb");
        assert_eq!(plain("a \r\n b"), "a b");
    }

    #[test]
    fn quoted_values() {
        assert_eq!(single_quoted("'it''s'"), "it's");
        assert_eq!(single_quoted("'a\n  b'"), "a b");
        assert_eq!(double_quoted(r#""a\tb\u0041""#).0, "a\tbA");
        assert_eq!(double_quoted("\"a \\\n   b\"").0, "a b");
        assert_eq!(double_quoted("\"x\\\n   y\"").0, "xy");
        assert_eq!(
            double_quoted(r#""\q""#).1.as_deref(),
            Some("found unknown escape character 'q'")
        );
        assert_eq!(double_quoted(r#""a\\""#).0, "a\\");
    }

    #[test]
    fn block_scalars() {
        assert_eq!(block("|\n  a\n  b\n", 0), "a\nb\n");
        assert_eq!(block("|-\n  a\n  b\n", 0), "a\nb");
        assert_eq!(block("|+\n  a\n\n", 0), "a\n\n");
        assert_eq!(block(">\n  a\n  b\n\n  c\n", 0), "a b\nc\n");
        assert_eq!(block(">\n  a\n    b\n  c\n", 0), "a\n  b\nc\n");
        assert_eq!(block("|2\n   a\n", 0), " a\n");
        assert_eq!(block("| # comment\n  x\n", 0), "x\n");
        assert_eq!(block("|\n\n  a\n", 0), "\na\n");
    }
}
