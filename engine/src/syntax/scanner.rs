//! YAML scanner: a port of the SnakeYAML 1.23 / PyYAML scanner that digdag uses, so that what it
//! accepts and rejects (tabs, simple keys, plain scalars in flow context) is digdag's.
//!
//! It produces significant tokens with byte spans only; the text between two tokens is trivia
//! (spaces, comments, line breaks) that the tree builder re-lexes. Unlike SnakeYAML it never
//! stops at an error: it records it and carries on, so later stages still see the whole file.

use std::collections::VecDeque;

/// Significant token kinds (structure tokens such as `BlockMappingStart` are zero-width).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Tok {
    StreamEnd,
    Directive,
    DocumentStart,
    DocumentEnd,
    BlockSequenceStart,
    BlockMappingStart,
    BlockEnd,
    FlowSequenceStart,
    FlowSequenceEnd,
    FlowMappingStart,
    FlowMappingEnd,
    BlockEntry,
    FlowEntry,
    /// `?` (explicit) or zero-width (implicit simple key).
    Key,
    Value,
    Alias,
    Anchor,
    Tag,
    PlainScalar,
    SingleQuotedScalar,
    DoubleQuotedScalar,
    LiteralScalar,
    FoldedScalar,
    /// A character that cannot start any token.
    Error,
}

impl Tok {
    /// How SnakeYAML names the token in "expected X, but found Y" messages.
    pub fn describe(self) -> &'static str {
        match self {
            Tok::StreamEnd => "<stream end>",
            Tok::Directive => "<directive>",
            Tok::DocumentStart => "<document start>",
            Tok::DocumentEnd => "<document end>",
            Tok::BlockSequenceStart => "<block sequence start>",
            Tok::BlockMappingStart => "<block mapping start>",
            Tok::BlockEnd => "<block end>",
            Tok::FlowSequenceStart => "'['",
            Tok::FlowSequenceEnd => "']'",
            Tok::FlowMappingStart => "'{'",
            Tok::FlowMappingEnd => "'}'",
            Tok::BlockEntry => "'-'",
            Tok::FlowEntry => "','",
            Tok::Key => "'?'",
            Tok::Value => "':'",
            Tok::Alias => "<alias>",
            Tok::Anchor => "<anchor>",
            Tok::Tag => "<tag>",
            Tok::PlainScalar
            | Tok::SingleQuotedScalar
            | Tok::DoubleQuotedScalar
            | Tok::LiteralScalar
            | Tok::FoldedScalar => "<scalar>",
            Tok::Error => "<error>",
        }
    }

    /// Whether this is one of the scalar kinds.
    pub fn is_scalar(self) -> bool {
        matches!(
            self,
            Tok::PlainScalar
                | Tok::SingleQuotedScalar
                | Tok::DoubleQuotedScalar
                | Tok::LiteralScalar
                | Tok::FoldedScalar
        )
    }
}

/// A significant token and its byte range.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Token {
    pub kind: Tok,
    pub start: u32,
    pub end: u32,
}

/// A scanner or parser error with a byte range.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SyntaxError {
    pub start: u32,
    pub end: u32,
    pub message: String,
    /// Where SnakeYAML noticed the problem, when that is elsewhere (its "problem mark").
    pub noticed_at: Option<u32>,
}

#[derive(Clone, Copy, Debug)]
struct SimpleKey {
    token_number: usize,
    required: bool,
    pos: usize,
    line: usize,
    col: usize,
}

/// Longest simple key SnakeYAML accepts.
const MAX_SIMPLE_KEY: usize = 1024;

/// Deepest flow nesting the scanner tracks (each level costs work on every token).
const MAX_FLOW_LEVEL: usize = 256;

/// The scanner state.
pub struct Scanner<'a> {
    text: &'a str,
    bytes: &'a [u8],
    pos: usize,
    line: usize,
    col: usize,
    done: bool,
    flow_level: usize,
    recovered_from_flow: Option<u32>,
    tokens: VecDeque<Token>,
    tokens_taken: usize,
    indent: isize,
    indents: Vec<isize>,
    allow_simple_key: bool,
    /// Possible simple keys, indexed by flow level.
    possible_simple_keys: Vec<Option<SimpleKey>>,
    /// Errors found so far.
    pub errors: Vec<SyntaxError>,
}

fn is_break(c: char) -> bool {
    matches!(c, '\r' | '\n' | '\u{85}' | '\u{2028}' | '\u{2029}')
}

/// `\0 \t\r\n...`: end of input, blank or break.
fn is_blank_or_end(c: char) -> bool {
    matches!(c, '\0' | ' ' | '\t') || is_break(c)
}

impl<'a> Scanner<'a> {
    /// A scanner over `text`.
    pub fn new(text: &'a str) -> Scanner<'a> {
        let mut s = Scanner {
            text,
            bytes: text.as_bytes(),
            pos: 0,
            line: 0,
            col: 0,
            done: false,
            flow_level: 0,
            recovered_from_flow: None,
            tokens: VecDeque::new(),
            tokens_taken: 0,
            indent: -1,
            indents: Vec::new(),
            allow_simple_key: true,
            possible_simple_keys: vec![None],
            errors: Vec::new(),
        };
        if text.starts_with('\u{feff}') {
            s.pos = 3;
        }
        s
    }

    // ---- character access -------------------------------------------------------------

    /// The character `n` characters ahead; `'\0'` at the end (a literal NUL reads as U+FFFD).
    #[inline]
    fn peek_at(&self, n: usize) -> char {
        let mut p = self.pos;
        let mut i = 0;
        loop {
            if p >= self.bytes.len() {
                return '\0';
            }
            let b = self.bytes[p];
            let (c, len) = if b < 0x80 {
                (b as char, 1)
            } else {
                let c = self.text[p..].chars().next().unwrap_or('\u{fffd}');
                (c, c.len_utf8())
            };
            if i == n {
                return if c == '\0' { '\u{fffd}' } else { c };
            }
            i += 1;
            p += len;
        }
    }

    /// The character at byte offset `p` and its length; `('\0', 0)` at the end.
    #[inline]
    fn char_at(&self, p: usize) -> (char, usize) {
        match self.bytes.get(p) {
            None => ('\0', 0),
            Some(0) => ('\u{fffd}', 1),
            Some(&b) if b < 0x80 => (b as char, 1),
            Some(_) => {
                let c = self.text[p..].chars().next().unwrap_or('\u{fffd}');
                (c, c.len_utf8())
            }
        }
    }

    #[inline]
    fn peek(&self) -> char {
        match self.bytes.get(self.pos) {
            None => '\0',
            Some(0) => '\u{fffd}',
            Some(&b) if b < 0x80 => b as char,
            Some(_) => self.text[self.pos..].chars().next().unwrap_or('\u{fffd}'),
        }
    }

    /// Advances one character, tracking line and column like SnakeYAML (CRLF is one break).
    #[inline]
    fn forward1(&mut self) {
        let Some(&b) = self.bytes.get(self.pos) else {
            return;
        };
        let c = if b < 0x80 {
            b as char
        } else {
            self.text[self.pos..].chars().next().unwrap_or('\u{fffd}')
        };
        self.pos += c.len_utf8();
        if c == '\n'
            || c == '\u{85}'
            || c == '\u{2028}'
            || c == '\u{2029}'
            || (c == '\r' && self.peek() != '\n')
        {
            self.line += 1;
            self.col = 0;
        } else if c != '\u{feff}' {
            self.col += 1;
        }
    }

    fn forward(&mut self, n: usize) {
        for _ in 0..n {
            self.forward1();
        }
    }

    /// How many flow collections are open at this point of the text.
    pub fn flow_level(&self) -> usize {
        self.flow_level
    }

    /// Where scanning last restarted after a broken flow collection
    /// ([`Self::recover_from_flow`]), if it did.
    pub fn recovered_from_flow(&self) -> Option<u32> {
        self.recovered_from_flow
    }

    fn error(&mut self, start: usize, end: usize, message: impl Into<String>) {
        let end = end.max(start).min(self.bytes.len());
        let start = start.min(end);
        self.errors.push(SyntaxError {
            start: start as u32,
            end: end as u32,
            message: message.into(),
            noticed_at: None,
        });
    }

    /// Span of the character at `pos` (for one-character error ranges).
    fn char_end(&self, pos: usize) -> usize {
        if pos >= self.text.len() {
            return pos;
        }
        pos + self.text[pos..].chars().next().map_or(1, char::len_utf8)
    }

    // ---- public token interface -----------------------------------------------------------

    /// The next token without consuming it.
    pub fn peek_token(&mut self) -> Token {
        while self.need_more_tokens() {
            self.fetch_more_tokens();
        }
        match self.tokens.front() {
            Some(t) => *t,
            None => Token {
                kind: Tok::StreamEnd,
                start: self.bytes.len() as u32,
                end: self.bytes.len() as u32,
            },
        }
    }

    /// Consumes and returns the next token.
    pub fn next_token(&mut self) -> Token {
        let t = self.peek_token();
        if self.tokens.pop_front().is_some() {
            self.tokens_taken += 1;
        }
        t
    }

    /// Error recovery for an unterminated or broken flow collection: drops the queued tokens,
    /// leaves flow context and restarts scanning in block context at the start of the line
    /// after `after` (the parser then closes its open flow nodes).
    pub fn recover_from_flow(&mut self, after: u32) {
        let mut p = (after as usize).min(self.bytes.len());
        while p < self.bytes.len() && self.bytes[p] != b'\n' && self.bytes[p] != b'\r' {
            p += 1;
        }
        // Rewind to `after` and walk to the line end to keep line/col right: positions before
        // `after` are already consumed, so we only walk forward from the current position
        // when `after` is ahead of it.
        self.tokens.clear();
        if p > self.pos {
            while self.pos < p {
                self.forward1();
            }
        }
        self.flow_level = 0;
        self.recovered_from_flow = Some(self.pos as u32);
        self.possible_simple_keys.truncate(1);
        self.possible_simple_keys[0] = None;
        self.allow_simple_key = true;
        self.done = false;
    }

    // ---- token production ------------------------------------------------------------------

    fn need_more_tokens(&mut self) -> bool {
        if self.done {
            return false;
        }
        if self.tokens.is_empty() {
            return true;
        }
        self.stale_possible_simple_keys();
        self.next_possible_simple_key() == Some(self.tokens_taken)
    }

    fn next_possible_simple_key(&self) -> Option<usize> {
        self.possible_simple_keys
            .iter()
            .flatten()
            .map(|k| k.token_number)
            .min()
    }

    fn push(&mut self, kind: Tok, start: usize, end: usize) {
        self.tokens.push_back(Token {
            kind,
            start: start as u32,
            end: end as u32,
        });
    }

    fn fetch_more_tokens(&mut self) {
        self.scan_to_next_token();
        self.stale_possible_simple_keys();
        self.unwind_indent(self.col as isize);
        let c = self.peek();
        if c == '\0' {
            self.fetch_stream_end();
            return;
        }
        let next = self.peek_at(1);
        match c {
            '%' if self.col == 0 => return self.fetch_directive(),
            '-' if self.check_document_marker('-') => {
                return self.fetch_document_indicator(Tok::DocumentStart)
            }
            '.' if self.check_document_marker('.') => {
                return self.fetch_document_indicator(Tok::DocumentEnd)
            }
            '[' => return self.fetch_flow_collection_start(Tok::FlowSequenceStart),
            '{' => return self.fetch_flow_collection_start(Tok::FlowMappingStart),
            ']' => return self.fetch_flow_collection_end(Tok::FlowSequenceEnd),
            '}' => return self.fetch_flow_collection_end(Tok::FlowMappingEnd),
            ',' => return self.fetch_flow_entry(),
            '-' if is_blank_or_end(next) => return self.fetch_block_entry(),
            '?' if self.flow_level > 0 || is_blank_or_end(next) => return self.fetch_key(),
            ':' if self.flow_level > 0 || is_blank_or_end(next) => return self.fetch_value(),
            '*' => return self.fetch_anchor(Tok::Alias),
            '&' => return self.fetch_anchor(Tok::Anchor),
            '!' => return self.fetch_tag(),
            '|' if self.flow_level == 0 => return self.fetch_block_scalar(Tok::LiteralScalar),
            '>' if self.flow_level == 0 => return self.fetch_block_scalar(Tok::FoldedScalar),
            '\'' => return self.fetch_flow_scalar(Tok::SingleQuotedScalar),
            '"' => return self.fetch_flow_scalar(Tok::DoubleQuotedScalar),
            _ => {}
        }
        if self.check_plain() {
            return self.fetch_plain();
        }
        // A character that cannot start any token: report it, skip it, carry on.
        let start = self.pos;
        let shown = match c {
            '\t' => "'\\t'".to_string(),
            c => format!("'{c}'"),
        };
        self.error(
            start,
            self.char_end(start),
            format!("while scanning for the next token found character {shown} that cannot start any token"),
        );
        self.forward1();
        self.push(Tok::Error, start, self.pos);
    }

    fn check_document_marker(&self, c: char) -> bool {
        self.col == 0
            && self.peek_at(1) == c
            && self.peek_at(2) == c
            && is_blank_or_end(self.peek_at(3))
    }

    fn check_plain(&self) -> bool {
        let c = self.peek();
        let special = is_blank_or_end(c) || "-?:,[]{}#&*!|>'\"%@`".contains(c);
        !special
            || (!is_blank_or_end(self.peek_at(1))
                && (c == '-' || (self.flow_level == 0 && (c == '?' || c == ':'))))
    }

    // ---- simple keys ------------------------------------------------------------------

    fn stale_possible_simple_keys(&mut self) {
        for level in 0..self.possible_simple_keys.len() {
            if let Some(key) = self.possible_simple_keys[level] {
                if key.line != self.line || self.pos - key.pos > MAX_SIMPLE_KEY {
                    if key.required {
                        self.error(
                            key.pos,
                            self.char_end(key.pos),
                            "while scanning a simple key could not find expected ':'",
                        );
                        if let Some(e) = self.errors.last_mut() {
                            e.noticed_at = Some(self.pos as u32);
                        }
                    }
                    self.possible_simple_keys[level] = None;
                }
            }
        }
    }

    fn save_possible_simple_key(&mut self) {
        let required = self.flow_level == 0 && self.indent == self.col as isize;
        if self.allow_simple_key {
            self.remove_possible_simple_key();
            let token_number = self.tokens_taken + self.tokens.len();
            let key = SimpleKey {
                token_number,
                required,
                pos: self.pos,
                line: self.line,
                col: self.col,
            };
            self.possible_simple_keys[self.flow_level] = Some(key);
        }
    }

    fn remove_possible_simple_key(&mut self) {
        if let Some(key) = self.possible_simple_keys[self.flow_level].take() {
            if key.required {
                self.error(
                    key.pos,
                    self.char_end(key.pos),
                    "while scanning a simple key could not find expected ':'",
                );
            }
        }
    }

    // ---- indentation ------------------------------------------------------------------

    fn unwind_indent(&mut self, col: isize) {
        if self.flow_level > 0 {
            return;
        }
        while self.indent > col {
            let p = self.pos;
            self.indent = self.indents.pop().unwrap_or(-1);
            self.push(Tok::BlockEnd, p, p);
        }
    }

    fn add_indent(&mut self, col: isize) -> bool {
        if self.indent < col {
            self.indents.push(self.indent);
            self.indent = col;
            true
        } else {
            false
        }
    }

    // ---- fetchers -----------------------------------------------------------------------

    fn fetch_stream_end(&mut self) {
        self.unwind_indent(-1);
        self.remove_possible_simple_key();
        self.allow_simple_key = false;
        for k in self.possible_simple_keys.iter_mut() {
            *k = None;
        }
        let p = self.pos;
        self.push(Tok::StreamEnd, p, p);
        self.done = true;
    }

    fn fetch_directive(&mut self) {
        self.unwind_indent(-1);
        self.remove_possible_simple_key();
        self.allow_simple_key = false;
        let start = self.pos;
        while !matches!(self.peek(), '\0') && !is_break(self.peek()) && self.peek() != '#' {
            self.forward1();
        }
        let text = self.text[start..self.pos].trim_end();
        let end = start + text.len();
        let name = text[1..].split([' ', '\t']).next().unwrap_or("");
        if name.is_empty() {
            self.error(start, end, "while scanning a directive expected alphabetic or numeric character, but found ' '");
        }
        self.push(Tok::Directive, start, end);
    }

    fn fetch_document_indicator(&mut self, kind: Tok) {
        self.unwind_indent(-1);
        self.remove_possible_simple_key();
        self.allow_simple_key = false;
        let start = self.pos;
        self.forward(3);
        self.push(kind, start, self.pos);
    }

    fn fetch_flow_collection_start(&mut self, kind: Tok) {
        if self.flow_level >= MAX_FLOW_LEVEL {
            // Bound the per-token work on hostile input (`[[[[...`): deeper brackets are errors.
            let start = self.pos;
            self.error(
                start,
                start + 1,
                format!("flow collections nest deeper than {MAX_FLOW_LEVEL} levels"),
            );
            self.forward1();
            self.push(Tok::Error, start, self.pos);
            return;
        }
        self.save_possible_simple_key();
        self.flow_level += 1;
        self.possible_simple_keys.push(None);
        self.allow_simple_key = true;
        let start = self.pos;
        self.forward1();
        self.push(kind, start, self.pos);
    }

    fn fetch_flow_collection_end(&mut self, kind: Tok) {
        self.remove_possible_simple_key();
        if self.flow_level > 0 {
            self.flow_level -= 1;
            self.possible_simple_keys.pop();
        }
        self.allow_simple_key = false;
        let start = self.pos;
        self.forward1();
        self.push(kind, start, self.pos);
    }

    fn fetch_flow_entry(&mut self) {
        self.allow_simple_key = true;
        self.remove_possible_simple_key();
        let start = self.pos;
        self.forward1();
        self.push(Tok::FlowEntry, start, self.pos);
    }

    fn fetch_block_entry(&mut self) {
        let start = self.pos;
        if self.flow_level == 0 {
            if !self.allow_simple_key {
                self.error(
                    start,
                    self.char_end(start),
                    "sequence entries are not allowed here",
                );
            }
            if self.add_indent(self.col as isize) {
                self.push(Tok::BlockSequenceStart, start, start);
            }
        }
        // In flow context SnakeYAML lets the parser complain about the '-'.
        self.allow_simple_key = true;
        self.remove_possible_simple_key();
        self.forward1();
        self.push(Tok::BlockEntry, start, self.pos);
    }

    fn fetch_key(&mut self) {
        let start = self.pos;
        if self.flow_level == 0 {
            if !self.allow_simple_key {
                self.error(
                    start,
                    self.char_end(start),
                    "mapping keys are not allowed here",
                );
            }
            if self.add_indent(self.col as isize) {
                self.push(Tok::BlockMappingStart, start, start);
            }
        }
        self.allow_simple_key = self.flow_level == 0;
        self.remove_possible_simple_key();
        self.forward1();
        self.push(Tok::Key, start, self.pos);
    }

    fn fetch_value(&mut self) {
        let start = self.pos;
        if let Some(key) = self.possible_simple_keys[self.flow_level].take() {
            // Insert KEY (and maybe BLOCK-MAPPING-START) before the key's first token.
            let idx = key.token_number - self.tokens_taken;
            self.tokens.insert(
                idx,
                Token {
                    kind: Tok::Key,
                    start: key.pos as u32,
                    end: key.pos as u32,
                },
            );
            if self.flow_level == 0 && self.add_indent(key.col as isize) {
                self.tokens.insert(
                    idx,
                    Token {
                        kind: Tok::BlockMappingStart,
                        start: key.pos as u32,
                        end: key.pos as u32,
                    },
                );
            }
            self.allow_simple_key = false;
        } else {
            if self.flow_level == 0 {
                if !self.allow_simple_key {
                    self.error(
                        start,
                        self.char_end(start),
                        "mapping values are not allowed here",
                    );
                }
                if self.add_indent(self.col as isize) {
                    self.push(Tok::BlockMappingStart, start, start);
                }
            }
            self.allow_simple_key = self.flow_level == 0;
            self.remove_possible_simple_key();
        }
        self.forward1();
        self.push(Tok::Value, start, self.pos);
    }

    fn fetch_anchor(&mut self, kind: Tok) {
        self.save_possible_simple_key();
        self.allow_simple_key = false;
        let start = self.pos;
        self.forward1();
        let name_start = self.pos;
        while {
            let c = self.peek();
            c.is_ascii_alphanumeric() || c == '-' || c == '_'
        } {
            self.forward1();
        }
        let what = if kind == Tok::Alias {
            "an alias"
        } else {
            "an anchor"
        };
        let c = self.peek();
        if self.pos == name_start || !(is_blank_or_end(c) || "?:,]}%@`".contains(c)) {
            let shown = match c {
                '\0' => "<end>".to_string(),
                '\n' | '\r' => "'\\n'".to_string(),
                c => format!("'{c}'"),
            };
            let at = self.pos;
            self.error(
                at,
                self.char_end(at),
                format!("while scanning {what} expected alphabetic or numeric character, but found {shown}"),
            );
            // Skip the rest of the broken word so it yields one error, not one per character.
            while !is_blank_or_end(self.peek()) {
                self.forward1();
            }
            self.push(Tok::Error, start, self.pos);
            return;
        }
        self.push(kind, start, self.pos);
    }

    fn fetch_tag(&mut self) {
        self.save_possible_simple_key();
        self.allow_simple_key = false;
        let start = self.pos;
        if self.peek_at(1) == '<' {
            // Verbatim tag `!<...>`.
            self.forward(2);
            while !is_blank_or_end(self.peek()) && self.peek() != '>' {
                self.forward1();
            }
            if self.peek() == '>' {
                self.forward1();
            } else {
                self.error(start, self.pos, "while scanning a tag expected '>'");
            }
        } else {
            while !is_blank_or_end(self.peek()) {
                self.forward1();
            }
        }
        if !is_blank_or_end(self.peek()) {
            self.error(
                self.pos,
                self.char_end(self.pos),
                "while scanning a tag expected ' '",
            );
        }
        self.push(Tok::Tag, start, self.pos);
    }

    fn fetch_flow_scalar(&mut self, kind: Tok) {
        self.save_possible_simple_key();
        self.allow_simple_key = false;
        let start = self.pos;
        let single = kind == Tok::SingleQuotedScalar;
        let quote = if single { '\'' } else { '"' };
        self.forward1();
        loop {
            let c = self.peek();
            if c == '\0' {
                self.error(
                    start,
                    self.pos,
                    "while scanning a quoted scalar found unexpected end of stream",
                );
                break;
            }
            if single && c == '\'' && self.peek_at(1) == '\'' {
                self.forward(2);
                continue;
            }
            if c == quote {
                self.forward1();
                break;
            }
            if !single && c == '\\' {
                let e = self.peek_at(1);
                if is_break(e) {
                    self.forward1();
                    continue;
                }
                let esc_start = self.pos;
                self.forward1();
                let len = match e {
                    'x' => 2,
                    'u' => 4,
                    'U' => 8,
                    _ => 0,
                };
                if len > 0 {
                    self.forward1();
                    for _ in 0..len {
                        if self.peek().is_ascii_hexdigit() {
                            self.forward1();
                        } else {
                            self.error(
                                esc_start,
                                self.char_end(self.pos),
                                format!(
                                    "while scanning a double-quoted scalar expected escape sequence of {len} hexadecimal numbers, but found {:?}",
                                    self.peek()
                                ),
                            );
                            break;
                        }
                    }
                } else if "0abt\tnvfre \"/\\N_LP".contains(e) && e != '\0' {
                    self.forward1();
                } else {
                    self.error(
                        esc_start,
                        self.char_end(self.pos),
                        format!("while scanning a double-quoted scalar found unknown escape character '{e}'"),
                    );
                    if e != '\0' {
                        self.forward1();
                    }
                }
                continue;
            }
            if is_break(c) && self.col == 0 {
                // unreachable: col is 0 only after a break was consumed
            }
            if is_break(c) {
                self.forward1();
                // A document marker inside a quoted scalar is an error.
                if (self.check_document_marker('-') || self.check_document_marker('.'))
                    && self.col == 0
                {
                    self.error(
                        start,
                        self.pos,
                        "while scanning a quoted scalar found unexpected document separator",
                    );
                    break;
                }
                continue;
            }
            self.forward1();
        }
        self.push(kind, start, self.pos);
    }

    fn fetch_block_scalar(&mut self, kind: Tok) {
        self.allow_simple_key = true;
        self.remove_possible_simple_key();
        let start = self.pos;
        self.forward1();
        // Indicators: chomping [+-] and indentation [1-9], in either order.
        let mut increment: Option<usize> = None;
        for _ in 0..2 {
            let c = self.peek();
            if c == '+' || c == '-' {
                self.forward1();
            } else if c.is_ascii_digit() {
                if c == '0' {
                    self.error(
                        self.pos,
                        self.pos + 1,
                        "while scanning a block scalar expected indentation indicator in the range 1-9, but found 0",
                    );
                }
                increment = Some((c as u8 - b'0') as usize);
                self.forward1();
            }
        }
        // Ignored line: spaces, optional comment, line break.
        while self.peek() == ' ' {
            self.forward1();
        }
        if self.peek() == '#' {
            while !is_break(self.peek()) && self.peek() != '\0' {
                self.forward1();
            }
        }
        let c = self.peek();
        if !is_break(c) && c != '\0' {
            let p = self.pos;
            self.error(
                p,
                self.char_end(p),
                format!("while scanning a block scalar expected a comment or a line break, but found '{c}'"),
            );
            while !is_break(self.peek()) && self.peek() != '\0' {
                self.forward1();
            }
        }
        if is_break(self.peek()) {
            self.forward1();
        }
        let min_indent = (self.indent + 1).max(1) as usize;
        let mut end = self.pos;
        let indent = match increment {
            None => {
                let mut max_indent = 0;
                while self.peek() == ' ' || is_break(self.peek()) {
                    if self.peek() == ' ' {
                        self.forward1();
                        max_indent = max_indent.max(self.col);
                    } else {
                        self.forward1();
                        end = self.pos;
                    }
                }
                min_indent.max(max_indent)
            }
            Some(inc) => {
                let indent = min_indent + inc - 1;
                end = self.block_scalar_breaks(indent, end);
                indent
            }
        };
        while self.col == indent && self.peek() != '\0' {
            while !is_break(self.peek()) && self.peek() != '\0' {
                self.forward1();
            }
            if is_break(self.peek()) {
                self.forward1();
            }
            end = self.pos;
            end = self.block_scalar_breaks(indent, end);
        }
        self.push(kind, start, end);
    }

    fn block_scalar_breaks(&mut self, indent: usize, mut end: usize) -> usize {
        while self.col < indent && self.peek() == ' ' {
            self.forward1();
        }
        while is_break(self.peek()) {
            self.forward1();
            end = self.pos;
            while self.col < indent && self.peek() == ' ' {
                self.forward1();
            }
        }
        end
    }

    fn fetch_plain(&mut self) {
        self.save_possible_simple_key();
        self.allow_simple_key = false;
        let start = self.pos;
        let mut end = self.pos;
        let indent = self.indent + 1;
        loop {
            if self.peek() == '#' {
                break;
            }
            // Scan one run of non-space characters with a byte cursor (linear time).
            let mut p = self.pos;
            let mut chars = 0usize;
            loop {
                let (c, len) = self.char_at(p);
                if is_blank_or_end(c)
                    || (c == ':' && {
                        let (n, _) = self.char_at(p + len);
                        is_blank_or_end(n) || (self.flow_level > 0 && ",[]{}".contains(n))
                    })
                    || (self.flow_level > 0 && ",?[]{}".contains(c))
                {
                    break;
                }
                p += len;
                chars += 1;
            }
            if chars == 0 {
                break;
            }
            self.allow_simple_key = false;
            // No line break inside the run: only the column moves.
            self.pos = p;
            self.col += chars;
            end = self.pos;
            if !self.plain_spaces()
                || self.peek() == '#'
                || (self.flow_level == 0 && (self.col as isize) < indent)
            {
                break;
            }
        }
        self.push(Tok::PlainScalar, start, end);
    }

    /// Skips spaces and line breaks inside a plain scalar; false when the scalar must end.
    fn plain_spaces(&mut self) -> bool {
        let mut any = false;
        while self.peek() == ' ' || self.peek() == '\t' {
            self.forward1();
            any = true;
        }
        if is_break(self.peek()) {
            self.forward1();
            self.allow_simple_key = true;
            if self.check_document_marker('-') || self.check_document_marker('.') {
                return false;
            }
            while self.peek() == ' ' || is_break(self.peek()) {
                self.forward1();
                if self.col == 0
                    && (self.check_document_marker('-') || self.check_document_marker('.'))
                {
                    return false;
                }
            }
            return true;
        }
        any
    }

    /// Skips spaces, comments and line breaks. Like SnakeYAML, tabs are not skipped here (only
    /// inside plain scalars), so `key:\tvalue` is an error as it is for digdag.
    fn scan_to_next_token(&mut self) {
        loop {
            while self.peek() == ' ' {
                self.forward1();
            }
            if self.peek() == '#' {
                while !is_break(self.peek()) && self.peek() != '\0' {
                    self.forward1();
                }
            }
            if is_break(self.peek()) {
                self.forward1();
                if self.flow_level == 0 {
                    self.allow_simple_key = true;
                }
            } else {
                break;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(text: &str) -> Vec<Tok> {
        let mut s = Scanner::new(text);
        let mut out = Vec::new();
        loop {
            let t = s.next_token();
            out.push(t.kind);
            if t.kind == Tok::StreamEnd {
                break;
            }
        }
        out
    }

    #[test]
    fn simple_mapping() {
        use Tok::*;
        assert_eq!(
            kinds("a: 1\nb:\n  c: d\n"),
            vec![
                BlockMappingStart,
                Key,
                PlainScalar,
                Value,
                PlainScalar,
                Key,
                PlainScalar,
                Value,
                BlockMappingStart,
                Key,
                PlainScalar,
                Value,
                PlainScalar,
                BlockEnd,
                BlockEnd,
                StreamEnd
            ]
        );
    }

    #[test]
    fn flow_plain_scalar_stops_at_brace() {
        let mut s = Scanner::new("a: [${x}] y\n");
        while s.next_token().kind != Tok::StreamEnd {}
        assert!(s.errors.is_empty());
    }
}
