//! Template grammar: a string -> [`Segment`]s, exactly as digdag's `digdag.js` splits it
//! (semantics §4.2), and [`ScalarMap`]: positions in a YAML scalar's value -> positions in
//! the file, so that diagnostics point at the exact `${...}`.

use crate::syntax::{scalar, SyntaxKind, SyntaxNode, SyntaxToken};
use std::ops::Range;

/// One piece of a template string.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Segment<'a> {
    /// Literal text, with every `$$` already replaced by `$`.
    Literal(String),
    /// A `${...}` expression.
    Expr {
        /// The JavaScript text between `${` and the matching `}` (empty for `${}`, which
        /// evaluates to the empty string).
        code: &'a str,
        /// Byte range of the whole `${...}` within the string.
        span: Range<usize>,
    },
}

impl Segment<'_> {
    /// For an expression, the byte range of its code (inside `${` and `}`) within the string.
    pub fn code_range(&self) -> Option<Range<usize>> {
        match self {
            Segment::Literal(_) => None,
            Segment::Expr { span, .. } => Some(span.start + 2..span.end - 1),
        }
    }
}

/// Which of digdag's two template syntaxes to follow.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Syntax {
    /// The extended syntax (GraalJS, digdag's default): nested braces are counted.
    #[default]
    Extended,
    /// The simple syntax (Nashorn, or `eval.extended-syntax: false`): an expression ends at
    /// the first `}`, and `${}` stays literal.
    Simple,
}

/// Whether digdag would evaluate this string at all (it evaluates only strings containing
/// a `$`).
pub fn needs_eval(s: &str) -> bool {
    s.contains('$')
}

/// Splits `input` into segments with digdag's extended syntax.
pub fn parse(input: &str) -> Vec<Segment<'_>> {
    parse_with(input, Syntax::Extended)
}

/// Splits `input` into segments with the given syntax.
pub fn parse_with(input: &str, syntax: Syntax) -> Vec<Segment<'_>> {
    let mut out = Parts::default();
    match syntax {
        Syntax::Extended => parse_extended(input, &mut out),
        Syntax::Simple => parse_simple(input, &mut out),
    }
    out.0
}

#[derive(Default)]
struct Parts<'a>(Vec<Segment<'a>>);

impl<'a> Parts<'a> {
    /// Appends raw literal text (applying `$$` -> `$`), merging with a preceding literal.
    fn literal(&mut self, raw: &str) {
        if raw.is_empty() {
            return;
        }
        let text = raw.replace("$$", "$");
        if let Some(Segment::Literal(prev)) = self.0.last_mut() {
            prev.push_str(&text);
        } else {
            self.0.push(Segment::Literal(text));
        }
    }

    fn expr(&mut self, code: &'a str, span: Range<usize>) {
        self.0.push(Segment::Expr { code, span });
    }
}

/// Whether `rest` starts with `[a-z]+:` (an operator template such as `${secret:key}`).
fn is_operator_template(rest: &[u8]) -> bool {
    let n = rest.iter().take_while(|b| b.is_ascii_lowercase()).count();
    n > 0 && rest.get(n) == Some(&b':')
}

/// The next `${` at or after `from` that digdag's regex would accept; `need_more` requires at
/// least one byte after it (the extended regex's `[\s\S]+`).
fn next_open(b: &[u8], from: usize, need_more: bool) -> Option<usize> {
    let mut i = from;
    while i + 1 < b.len() {
        if b[i] == b'$' && b[i + 1] == b'{' {
            let rest = &b[i + 2..];
            if (!need_more || !rest.is_empty()) && !is_operator_template(rest) {
                return Some(i);
            }
        }
        i += 1;
    }
    None
}

fn parse_extended<'a>(input: &'a str, out: &mut Parts<'a>) {
    let b = input.as_bytes();
    let mut pos = 0;
    while pos < b.len() {
        let Some(open) = next_open(b, pos, true) else {
            out.literal(&input[pos..]);
            return;
        };
        out.literal(&input[pos..open]);
        let body = open + 2;
        let mut depth = 0i32;
        let mut close = None;
        for (i, &c) in b[body..].iter().enumerate() {
            if c == b'{' {
                depth += 1;
            } else if c == b'}' {
                depth -= 1;
                if depth == -1 {
                    close = Some(body + i);
                    break;
                }
            }
        }
        match close {
            // `{`/`}` are ASCII, so these are char boundaries.
            Some(close) => {
                out.expr(&input[body..close], open..close + 1);
                pos = close + 1;
            }
            None => {
                // Unterminated: the rest is literal.
                out.literal(&input[open..]);
                return;
            }
        }
    }
}

/// `\$\{(?![a-z]+:)((?:\{)|[\s\S]+?)\}`: non-greedy, no nesting.
fn parse_simple<'a>(input: &'a str, out: &mut Parts<'a>) {
    let b = input.as_bytes();
    let mut pos = 0;
    let mut search = 0;
    while let Some(open) = next_open(b, search, false) {
        let body = open + 2;
        // `[\s\S]+?\}`: at least one character, then the first `}`.
        let first_len = input[body..].chars().next().map_or(0, char::len_utf8);
        let close = if b.get(body) == Some(&b'{') && b.get(body + 1) == Some(&b'}') {
            Some(body + 1)
        } else if first_len == 0 {
            None
        } else {
            b[body + first_len..]
                .iter()
                .position(|&c| c == b'}')
                .map(|i| body + first_len + i)
        };
        match close {
            Some(close) => {
                out.literal(&input[pos..open]);
                out.expr(&input[body..close], open..close + 1);
                pos = close + 1;
                search = pos;
            }
            _ => search = open + 1,
        }
    }
    out.literal(&input[pos..]);
}

// ---------------------------------------------------------------------------------------------
// YAML scalar value positions -> file positions.

/// How a YAML scalar is written.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ScalarStyle {
    /// Unquoted.
    Plain,
    /// `'...'`.
    SingleQuoted,
    /// `"..."`.
    DoubleQuoted,
    /// `|` block.
    Literal,
    /// `>` block.
    Folded,
}

impl ScalarStyle {
    /// The style of a scalar token kind, if it is one.
    pub fn of_kind(kind: SyntaxKind) -> Option<ScalarStyle> {
        Some(match kind {
            SyntaxKind::PLAIN => ScalarStyle::Plain,
            SyntaxKind::SINGLE_QUOTED => ScalarStyle::SingleQuoted,
            SyntaxKind::DOUBLE_QUOTED => ScalarStyle::DoubleQuoted,
            SyntaxKind::LITERAL => ScalarStyle::Literal,
            SyntaxKind::FOLDED => ScalarStyle::Folded,
            _ => return None,
        })
    }
}

/// Maps byte ranges of a scalar's *value* (the string digdag sees) to byte ranges of the
/// source token, so a diagnostic about `${x}` inside the value can point at `${x}` in the
/// file. Escapes map to the whole escape sequence and folded line breaks to the break.
/// When the value cannot be traced exactly, every range maps to the whole token.
#[derive(Clone, Debug)]
pub struct ScalarMap {
    /// Offset of the token in the file (added to every mapped position).
    base: usize,
    token_len: usize,
    /// For each byte of the value: the token range of the source text that produced it.
    /// Empty when the mapping is not exact.
    src: Vec<(u32, u32)>,
    exact: bool,
}

impl ScalarMap {
    /// The map of a scalar token's `text` written in `style`. `parent_indent` is the
    /// indentation of the enclosing block collection (-1 at the top level; only used by block
    /// scalars). `base` is the token's offset in the file.
    pub fn new(style: ScalarStyle, text: &str, parent_indent: i64, base: usize) -> ScalarMap {
        let mut tracer = Tracer::default();
        let expected = match style {
            ScalarStyle::Plain => {
                trace_plain(text, &mut tracer);
                scalar::plain(text).into_owned()
            }
            ScalarStyle::SingleQuoted => {
                trace_quoted(text, false, &mut tracer);
                scalar::single_quoted(text)
            }
            ScalarStyle::DoubleQuoted => {
                trace_quoted(text, true, &mut tracer);
                scalar::double_quoted(text).0
            }
            ScalarStyle::Literal | ScalarStyle::Folded => {
                trace_block(text, parent_indent, &mut tracer);
                scalar::block(text, parent_indent)
            }
        };
        let exact = tracer.out == expected && tracer.src.len() == tracer.out.len();
        ScalarMap {
            base,
            token_len: text.len(),
            src: if exact { tracer.src } else { Vec::new() },
            exact,
        }
    }

    /// The map of a scalar token in a parsed tree (`None` if `token` is not a scalar token).
    pub fn from_token(token: &SyntaxToken) -> Option<ScalarMap> {
        let style = ScalarStyle::of_kind(token.kind())?;
        let indent = match style {
            ScalarStyle::Literal | ScalarStyle::Folded => token
                .parent()
                .map_or(-1, |scalar_node| parent_indent(&scalar_node)),
            _ => -1,
        };
        let base = usize::from(token.text_range().start());
        Some(ScalarMap::new(style, token.text(), indent, base))
    }

    /// Whether ranges map exactly (else they map to the whole token).
    pub fn is_exact(&self) -> bool {
        self.exact
    }

    /// The file range of the source text of the value bytes `value`.
    pub fn map(&self, value: Range<usize>) -> Range<usize> {
        let whole = self.base..self.base + self.token_len;
        if !self.exact || value.start > value.end || value.end > self.src.len() {
            return whole;
        }
        if value.start == value.end {
            // An empty range: the start of the char that follows, or the end of the last.
            let at = match self.src.get(value.start) {
                Some(&(s, _)) => s,
                None => self.src.last().map_or(0, |&(_, e)| e),
            } as usize;
            return self.base + at..self.base + at;
        }
        let start = self.src[value.start].0 as usize;
        let end = self.src[value.end - 1].1 as usize;
        self.base + start..self.base + end.max(start)
    }
}

/// Finds the scalar token (plain, quoted or block) inside the file range `range` of a loaded
/// value (which may also cover a tag or anchor).
pub fn scalar_token_in(root: &SyntaxNode, range: Range<usize>) -> Option<SyntaxToken> {
    let len = usize::from(root.text_range().end());
    if range.start > range.end || range.end > len {
        return None;
    }
    let tr = rowan::TextRange::new((range.start as u32).into(), (range.end as u32).into());
    let element = root.covering_element(tr);
    let node = match element {
        rowan::NodeOrToken::Token(t) => {
            if ScalarStyle::of_kind(t.kind()).is_some() {
                return Some(t);
            }
            t.parent()?
        }
        rowan::NodeOrToken::Node(n) => n,
    };
    node.descendants_with_tokens()
        .filter_map(|e| e.into_token())
        .find(|t| {
            ScalarStyle::of_kind(t.kind()).is_some()
                && tr.contains_range(t.text_range())
                && !t.text_range().is_empty()
        })
}

/// Indentation of the block collection that holds `node` (-1 at the top level), as the
/// loader computes it for block scalars.
fn parent_indent(node: &SyntaxNode) -> i64 {
    for anc in node.ancestors().skip(1) {
        if matches!(anc.kind(), SyntaxKind::BLOCK_MAP | SyntaxKind::BLOCK_SEQ) {
            if let Some(first) = anc
                .children()
                .find(|c| matches!(c.kind(), SyntaxKind::ENTRY | SyntaxKind::ITEM))
            {
                // Column = bytes since the previous line break.
                let mut col = 0i64;
                let mut tok = first.first_token().and_then(|t| t.prev_token());
                while let Some(t) = tok {
                    let text = t.text();
                    if let Some(i) = text.rfind(['\n', '\r']) {
                        col += (text.len() - i - 1) as i64;
                        break;
                    }
                    col += text.len() as i64;
                    tok = t.prev_token();
                }
                return col;
            }
        }
    }
    -1
}

/// Builds a value while recording, for each output byte, the source range that produced it.
#[derive(Default)]
struct Tracer {
    out: String,
    src: Vec<(u32, u32)>,
}

impl Tracer {
    fn push(&mut self, c: char, from: usize, to: usize) {
        self.out.push(c);
        for _ in 0..c.len_utf8() {
            self.src.push((from as u32, to as u32));
        }
    }

    fn push_str(&mut self, s: &str, at: usize) {
        for (i, c) in s.char_indices() {
            self.push(c, at + i, at + i + c.len_utf8());
        }
    }
}

fn is_ws(c: char) -> bool {
    c == ' ' || c == '\t'
}

fn is_break(c: char) -> bool {
    matches!(c, '\r' | '\n' | '\u{85}' | '\u{2028}' | '\u{2029}')
}

/// Lines of `text`: (start, end of content, break char normalized, end of break).
fn lines(text: &str) -> Vec<(usize, usize, Option<char>, usize)> {
    let mut out = Vec::new();
    let mut start = 0;
    let mut iter = text.char_indices().peekable();
    while let Some((i, c)) = iter.next() {
        if !is_break(c) {
            continue;
        }
        let mut end = i + c.len_utf8();
        if c == '\r' {
            if let Some(&(_, '\n')) = iter.peek() {
                iter.next();
                end += 1;
            }
        }
        let norm = match c {
            '\r' | '\n' | '\u{85}' => '\n',
            c => c,
        };
        out.push((start, i, Some(norm), end));
        start = end;
    }
    out.push((start, text.len(), None, text.len()));
    out
}

fn trace_plain(text: &str, t: &mut Tracer) {
    let ls = lines(text);
    // (break char, source range) of breaks pending since the last content.
    let mut breaks: Vec<(char, usize, usize)> = Vec::new();
    let mut prev_break: Option<(usize, usize)> = None;
    for (i, &(start, end, brk, brk_end)) in ls.iter().enumerate() {
        let line = &text[start..end];
        let trimmed_start = if i == 0 {
            0
        } else {
            line.len() - line.trim_start_matches(is_ws).len()
        };
        let content = line[trimmed_start..].trim_end_matches(is_ws);
        if i > 0 {
            if content.is_empty() {
                if let Some(b) = brk {
                    breaks.push((b, end, brk_end));
                }
                continue;
            }
            if breaks.is_empty() {
                let (s, e) = prev_break.unwrap_or((start, start));
                t.push(' ', s, e);
            } else {
                for (c, s, e) in breaks.drain(..) {
                    t.push(c, s, e);
                }
            }
        }
        t.push_str(content, start + trimmed_start);
        prev_break = Some((end, brk_end));
    }
}

fn trace_quoted(text: &str, double: bool, t: &mut Tracer) {
    let quote = if double { '"' } else { '\'' };
    let inner_start = usize::from(text.starts_with(quote));
    let mut inner_end = text.len();
    // As `scalar::single_quoted`/`double_quoted`: strip one closing quote if present.
    if text[inner_start..].ends_with(quote) {
        inner_end -= 1;
    }
    let chars: Vec<(usize, char)> = text[inner_start..inner_end]
        .char_indices()
        .map(|(i, c)| (i + inner_start, c))
        .collect();
    let n = chars.len();
    let end_of = |i: usize| -> usize { chars.get(i).map_or(inner_end, |&(p, _)| p) };
    let read_break = |i: &mut usize| -> char {
        let c = chars[*i].1;
        *i += 1;
        if c == '\r' && *i < n && chars[*i].1 == '\n' {
            *i += 1;
        }
        match c {
            '\r' | '\n' | '\u{85}' => '\n',
            c => c,
        }
    };
    let mut i = 0;
    while i < n {
        let (pos, c) = chars[i];
        if !double && c == '\'' && i + 1 < n && chars[i + 1].1 == '\'' {
            t.push('\'', pos, end_of(i + 2));
            i += 2;
        } else if double && c == '\\' {
            i += 1;
            if i >= n {
                t.push('\\', pos, end_of(i));
                break;
            }
            let e = chars[i].1;
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
                t.push(s, pos, end_of(i));
            } else if let Some(len) = match e {
                'x' => Some(2),
                'u' => Some(4),
                'U' => Some(8),
                _ => None,
            } {
                let hex: String = chars[i..(i + len).min(n)].iter().map(|x| x.1).collect();
                let next = i + len.min(n - i);
                if let Some(ch) = u32::from_str_radix(&hex, 16).ok().and_then(char::from_u32) {
                    if hex.len() == len {
                        t.push(ch, pos, end_of(next));
                    }
                }
                i = next;
            } else if is_break(e) {
                i -= 1;
                read_break(&mut i);
                loop {
                    while i < n && is_ws(chars[i].1) {
                        i += 1;
                    }
                    if i < n && is_break(chars[i].1) {
                        let at = chars[i].0;
                        let b = read_break(&mut i);
                        t.push(b, at, end_of(i));
                    } else {
                        break;
                    }
                }
            }
        } else if is_ws(c) || is_break(c) {
            let ws_start = i;
            while i < n && is_ws(chars[i].1) {
                i += 1;
            }
            if i < n && is_break(chars[i].1) {
                let first_at = chars[i].0;
                let first = read_break(&mut i);
                let first_end = end_of(i);
                let mut breaks = Vec::new();
                loop {
                    while i < n && is_ws(chars[i].1) {
                        i += 1;
                    }
                    if i < n && is_break(chars[i].1) {
                        let at = chars[i].0;
                        let b = read_break(&mut i);
                        breaks.push((b, at, end_of(i)));
                    } else {
                        break;
                    }
                }
                if first != '\n' {
                    t.push(first, first_at, first_end);
                }
                if breaks.is_empty() {
                    if first == '\n' {
                        t.push(' ', first_at, first_end);
                    }
                } else {
                    for (b, s, e) in breaks {
                        t.push(b, s, e);
                    }
                }
            } else {
                for &(p, ch) in &chars[ws_start..i] {
                    t.push(ch, p, p + ch.len_utf8());
                }
            }
        } else {
            t.push(c, pos, pos + c.len_utf8());
            i += 1;
        }
    }
}

fn trace_block(text: &str, parent_indent: i64, t: &mut Tracer) {
    let ls = lines(text);
    let header = &text[ls[0].0..ls[0].1];
    let folded = header.starts_with('>');
    let mut chomp: Option<bool> = None;
    let mut increment: Option<i64> = None;
    for c in header.chars().skip(1).take(2) {
        match c {
            '+' => chomp = Some(true),
            '-' => chomp = Some(false),
            '1'..='9' => increment = Some(c as i64 - '0' as i64),
            _ => break,
        }
    }
    let body = &ls[1..];
    let min_indent = (parent_indent + 1).max(1);
    let indent = match increment {
        Some(inc) => min_indent + inc - 1,
        None => {
            let mut max_indent = 0i64;
            for &(s, e, _, _) in body {
                let line = &text[s..e];
                let spaces = line.len() - line.trim_start_matches(' ').len();
                max_indent = max_indent.max(spaces as i64);
                if spaces < line.len() {
                    break;
                }
            }
            min_indent.max(max_indent)
        }
    }
    .max(0) as usize;
    let mut breaks: Vec<(char, usize, usize)> = Vec::new();
    let mut line_break: Option<(char, usize, usize)> = None;
    let mut prev_leading_non_space = false;
    let mut seen_content = false;
    for &(s, e, brk, brk_end) in body {
        let line = &text[s..e];
        let spaces = line.len() - line.trim_start_matches(' ').len();
        let is_content = spaces >= indent && !(brk.is_none() && line.len() == indent);
        if !is_content {
            if let Some(b) = brk {
                breaks.push((b, e, brk_end));
            }
            continue;
        }
        let content = &line[indent..];
        let leading_non_space = !content.starts_with([' ', '\t']);
        if seen_content {
            if folded
                && line_break.map(|b| b.0) == Some('\n')
                && prev_leading_non_space
                && leading_non_space
            {
                if breaks.is_empty() {
                    if let Some((_, bs, be)) = line_break {
                        t.push(' ', bs, be);
                    }
                }
            } else if let Some((b, bs, be)) = line_break {
                t.push(b, bs, be);
            }
        }
        for (b, bs, be) in breaks.drain(..) {
            t.push(b, bs, be);
        }
        t.push_str(content, s + indent);
        seen_content = true;
        prev_leading_non_space = leading_non_space;
        line_break = brk.map(|b| (b, e, brk_end));
    }
    match chomp {
        Some(false) => {}
        None => {
            if let Some((b, bs, be)) = line_break {
                t.push(b, bs, be);
            }
        }
        Some(true) => {
            if let Some((b, bs, be)) = line_break {
                t.push(b, bs, be);
            }
            for (b, bs, be) in breaks {
                t.push(b, bs, be);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lit(s: &str) -> Segment<'_> {
        Segment::Literal(s.to_string())
    }

    fn ex(code: &str, span: Range<usize>) -> Segment<'_> {
        Segment::Expr { code, span }
    }

    /// Renders segments as digdag would with each expression replaced by `<code>`.
    fn show(input: &str, syntax: Syntax) -> String {
        parse_with(input, syntax)
            .iter()
            .map(|s| match s {
                Segment::Literal(t) => t.clone(),
                Segment::Expr { code, .. } => format!("<{code}>"),
            })
            .collect()
    }

    #[test]
    fn extended_basics() {
        assert_eq!(parse("plain"), vec![lit("plain")]);
        assert_eq!(parse(""), vec![]);
        assert_eq!(parse("${a}"), vec![ex("a", 0..4)]);
        assert_eq!(
            parse("p${1}m$$m${2}s"),
            vec![
                lit("p"),
                ex("1", 1..5),
                lit("m$m"),
                ex("2", 9..13),
                lit("s")
            ]
        );
        assert_eq!(parse("${}"), vec![ex("", 0..3)]);
        assert_eq!(parse("${}").first().unwrap().code_range(), Some(2..2));
    }

    #[test]
    fn extended_matches_digdag_template_fixture() {
        // digdag-core/src/test/resources/io/digdag/core/agent/eval/template*.dig
        let s = |i| show(i, Syntax::Extended);
        assert_eq!(s("$"), "$");
        assert_eq!(s("$$"), "$");
        assert_eq!(s("p$$s"), "p$s");
        assert_eq!(s("${"), "${");
        assert_eq!(s("${v"), "${v");
        assert_eq!(s("p${v"), "p${v");
        assert_eq!(s("}"), "}");
        assert_eq!(s("p${1}s"), "p<1>s");
    }

    #[test]
    fn extended_details() {
        let s = |i| show(i, Syntax::Extended);
        // `$$` applies to literal text only.
        assert_eq!(s("$${n}"), "$<n>");
        assert_eq!(s("$$$"), "$$");
        assert_eq!(s("$$$${x}"), "$$<x>");
        // Operator templates stay literal, but only lowercase words.
        assert_eq!(s("${secret:a.b} ${x}"), "${secret:a.b} <x>");
        assert_eq!(s("${Secret:a}"), "<Secret:a>");
        assert_eq!(s("${a_b:c}"), "<a_b:c>");
        // Nested braces are counted, string literals are not understood.
        assert_eq!(s("${ {a:1}.a }"), "< {a:1}.a >");
        assert_eq!(
            s("${f(function(){return 1})}x"),
            "<f(function(){return 1})>x"
        );
        assert_eq!(s(r#"${"}"}"#), r#"<">"}"#);
        assert_eq!(s(r#"${"{"}"#), r#"${"{"}"#);
        // Unterminated: the rest is literal, with `$$` applied.
        assert_eq!(s("a${b$$c"), "a${b$c");
        assert_eq!(s("${x}${"), "<x>${");
        // Non-ASCII around and inside.
        assert_eq!(s("é${'ü'}ß"), "é<'ü'>ß");
        assert_eq!(parse("é${x}"), vec![lit("é"), ex("x", 2..6)]);
    }

    #[test]
    fn simple_syntax() {
        let s = |i| show(i, Syntax::Simple);
        assert_eq!(s("${a}b${c}"), "<a>b<c>");
        assert_eq!(s("${}"), "${}");
        assert_eq!(s("${}}"), "<}>");
        assert_eq!(s("${{}"), "<{>");
        assert_eq!(s("${ {a:1}.a }"), "< {a:1>.a }");
        assert_eq!(s("${secret:x}${y}"), "${secret:x}<y>");
        assert_eq!(s("p$$${v"), "p$${v");
        // At least one character (not byte) before the closing brace.
        assert_eq!(s("${é}"), "<é>");
        assert_eq!(s("$$${é$$${}}x"), "$<é$$${>}x");
    }

    fn map_of(style: ScalarStyle, token: &str, indent: i64) -> ScalarMap {
        let m = ScalarMap::new(style, token, indent, 100);
        assert!(m.is_exact(), "not exact: {token:?}");
        m
    }

    /// Value range of the first `needle` in the value, mapped to the token text.
    fn source_of<'t>(token: &'t str, m: &ScalarMap, value: &str, needle: &str) -> &'t str {
        let at = value.find(needle).expect("needle in value");
        let r = m.map(at..at + needle.len());
        &token[r.start - 100..r.end - 100]
    }

    #[test]
    fn scalar_map_plain_and_quoted() {
        let tok = "a ${x}\n    b ${y}";
        let m = map_of(ScalarStyle::Plain, tok, -1);
        assert_eq!(source_of(tok, &m, "a ${x} b ${y}", "${y}"), "${y}");
        assert_eq!(source_of(tok, &m, "a ${x} b ${y}", "} b"), "}\n    b");

        let tok = r#""t\t${a}\u00e9${b}""#;
        let m = map_of(ScalarStyle::DoubleQuoted, tok, -1);
        let value = "t\t${a}é${b}";
        assert_eq!(source_of(tok, &m, value, "${b}"), "${b}");
        assert_eq!(source_of(tok, &m, value, "\t${a}"), "\\t${a}");
        assert_eq!(source_of(tok, &m, value, "é"), "\\u00e9");

        let tok = "'it''s ${x}'";
        let m = map_of(ScalarStyle::SingleQuoted, tok, -1);
        assert_eq!(source_of(tok, &m, "it's ${x}", "${x}"), "${x}");
        assert_eq!(source_of(tok, &m, "it's ${x}", "'"), "''");
    }

    #[test]
    fn scalar_map_blocks() {
        let tok = "|\n  select ${a}\n  from ${b}\n";
        let m = map_of(ScalarStyle::Literal, tok, 0);
        let value = "select ${a}\nfrom ${b}\n";
        assert_eq!(source_of(tok, &m, value, "${b}"), "${b}");
        let tok = ">-\n  one ${a}\n  two ${b}\n\n  three\n";
        let m = map_of(ScalarStyle::Folded, tok, 0);
        let value = "one ${a} two ${b}\nthree";
        assert_eq!(scalar::block(tok, 0), value);
        assert_eq!(source_of(tok, &m, value, "${b}"), "${b}");
        assert_eq!(source_of(tok, &m, value, "three"), "three");
    }

    #[test]
    fn scalar_map_fallback_and_bounds() {
        // An invalid escape is dropped from the value (the loader reports it); the rest maps.
        let tok = r#""a\qb""#;
        let m = ScalarMap::new(ScalarStyle::DoubleQuoted, tok, -1, 10);
        assert!(m.is_exact());
        assert_eq!(m.map(1..2), 14..15);
        // Out of range: the whole token.
        assert_eq!(m.map(0..9), 10..10 + tok.len());
        let m = ScalarMap::new(ScalarStyle::Plain, "abc", -1, 10);
        assert_eq!(m.map(5..9), 10..13);
        assert_eq!(m.map(3..3), 13..13);
    }

    #[test]
    fn scalar_token_lookup_in_file() {
        let text = "+t:\n  echo>: |\n    hi ${name}\n  x: !!str \"${y}\"\n";
        let parse = crate::syntax::parse(text);
        let root = parse.syntax();
        let block_at = text.find('|').unwrap();
        let tok = scalar_token_in(&root, block_at..text.find("  x").unwrap()).unwrap();
        let m = ScalarMap::from_token(&tok).unwrap();
        assert!(m.is_exact());
        let value = "hi ${name}\n";
        let at = value.find("${name}").unwrap();
        let r = m.map(at..at + 7);
        assert_eq!(&text[r], "${name}");
        let tag_at = text.find("!!str").unwrap();
        let tok = scalar_token_in(&root, tag_at..text.len() - 1).unwrap();
        let m = ScalarMap::from_token(&tok).unwrap();
        assert_eq!(&text[m.map(0..4)], "${y}");
    }

    /// Every string over a small alphabet: no panics, spans on char boundaries, and the
    /// pieces cover the input in order.
    #[test]
    fn exhaustive_small_inputs_never_panic() {
        let alphabet = ['$', '{', '}', 'a', ':', '"', 'é', '\n'];
        let mut inputs = vec![String::new()];
        for _ in 0..5 {
            let mut next = Vec::new();
            for s in &inputs {
                for c in alphabet {
                    next.push(format!("{s}{c}"));
                }
            }
            for s in &next {
                for syntax in [Syntax::Extended, Syntax::Simple] {
                    let mut last = 0;
                    for seg in parse_with(s, syntax) {
                        if let Segment::Expr { code, span } = &seg {
                            assert!(span.start >= last && span.end <= s.len(), "{s:?}");
                            assert_eq!(&s[seg.code_range().unwrap()], *code);
                            last = span.end;
                        }
                    }
                }
                for style in [
                    ScalarStyle::Plain,
                    ScalarStyle::SingleQuoted,
                    ScalarStyle::DoubleQuoted,
                    ScalarStyle::Literal,
                    ScalarStyle::Folded,
                ] {
                    let m = ScalarMap::new(style, s, 0, 0);
                    let r = m.map(0..1);
                    assert!(r.start <= r.end && r.end <= s.len(), "{s:?} {style:?}");
                }
            }
            inputs = next;
        }
    }
}
