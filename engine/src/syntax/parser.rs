//! The YAML parser: tokens from the [`Scanner`] -> a lossless rowan tree.
//!
//! It follows SnakeYAML's parser (so it reports the same errors at the same places) but
//! recovers from every error: the offending tokens go into an `ERROR` node and parsing goes on.

use super::kind::SyntaxKind::{self, *};
use super::scanner::{Scanner, SyntaxError, Tok, Token};
use rowan::{GreenNode, GreenNodeBuilder};

/// Deepest nesting of collections parsed as a tree; deeper input is kept flat in an `ERROR`
/// node (no recursion, so no stack overflow on hostile input).
pub const MAX_DEPTH: usize = 200;

/// The start of the error for nesting beyond [`MAX_DEPTH`], reported once per parse.
pub const TOO_DEEP_MESSAGE: &str = "nesting is deeper than";

struct Parser<'a> {
    text: &'a str,
    scanner: Scanner<'a>,
    builder: GreenNodeBuilder<'static>,
    /// End of the last text put into the tree.
    last: usize,
    errors: Vec<SyntaxError>,
    depth: usize,
    /// Open flow collections.
    flow_depth: usize,
    /// Set when a broken flow collection was abandoned; open flow nodes close until the
    /// parser is back in block context.
    flow_abandoned: bool,
    depth_reported: bool,
}

/// Parses `text` into a green tree and a list of errors. Never fails; every byte of `text`
/// is in exactly one token of the tree.
pub fn parse_text(text: &str) -> (GreenNode, Vec<SyntaxError>) {
    let (green, errors, _) = parse_text_ending(text);
    (green, errors)
}

/// How a text ended, for [`parse_text_ending`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Ending {
    /// Nothing left open: text appended at a new line starts in a fresh state.
    Closed,
    /// Scanning restarted at this offset after a broken flow collection; the state is fresh
    /// again from the next line that starts a key at column 0.
    RecoveredAt(u32),
    /// Inside a flow collection, or with an error reaching the end (an unterminated quoted
    /// scalar): appended text would continue it.
    Open,
}

/// Like [`parse_text`], also telling whether the text ended with something left open that
/// text appended at a new line would continue.
pub fn parse_text_ending(text: &str) -> (GreenNode, Vec<SyntaxError>, Ending) {
    let mut p = Parser {
        text,
        scanner: Scanner::new(text),
        builder: GreenNodeBuilder::new(),
        last: 0,
        errors: Vec::new(),
        depth: 0,
        flow_depth: 0,
        flow_abandoned: false,
        depth_reported: false,
    };
    p.builder.start_node(ROOT.into());
    p.stream();
    p.trivia_to(text.len());
    p.builder.finish_node();
    let flow_open = p.scanner.flow_level() > 0;
    let recovered = p.scanner.recovered_from_flow();
    let mut errors = p.scanner.errors;
    errors.extend(p.errors);
    let reaches_end = |e: &SyntaxError| {
        e.end as usize >= text.len() || e.noticed_at.is_some_and(|at| at as usize >= text.len())
    };
    let ending = if flow_open || errors.iter().any(reaches_end) {
        Ending::Open
    } else {
        recovered.map_or(Ending::Closed, Ending::RecoveredAt)
    };
    // Stable sort: at equal positions the scanner's (more specific) error comes first.
    errors.sort_by_key(|e| e.start);
    // One error per line: the first one; what follows on that line is a consequence.
    let (mut line, mut counted) = (0usize, 0usize);
    let mut last_line = None;
    errors.retain(|e| {
        let upto = (e.start as usize).min(text.len());
        line += text.as_bytes()[counted..upto]
            .iter()
            .filter(|&&b| b == b'\n')
            .count();
        counted = upto;
        let keep = last_line != Some(line);
        last_line = Some(line);
        keep
    });
    (p.builder.finish(), errors, ending)
}

fn token_kind(t: Tok) -> SyntaxKind {
    match t {
        Tok::Directive => DIRECTIVE,
        Tok::DocumentStart => DOC_START,
        Tok::DocumentEnd => DOC_END,
        Tok::BlockEntry => DASH,
        Tok::FlowEntry => COMMA,
        Tok::Key => QUESTION,
        Tok::Value => COLON,
        Tok::FlowSequenceStart => L_BRACKET,
        Tok::FlowSequenceEnd => R_BRACKET,
        Tok::FlowMappingStart => L_BRACE,
        Tok::FlowMappingEnd => R_BRACE,
        Tok::Alias => ALIAS,
        Tok::Anchor => ANCHOR,
        Tok::Tag => TAG,
        Tok::PlainScalar => PLAIN,
        Tok::SingleQuotedScalar => SINGLE_QUOTED,
        Tok::DoubleQuotedScalar => DOUBLE_QUOTED,
        Tok::LiteralScalar => LITERAL,
        Tok::FoldedScalar => FOLDED,
        _ => ERROR_TOKEN,
    }
}

impl<'a> Parser<'a> {
    // ---- tree building ------------------------------------------------------------------

    /// Puts the text between the last token and `pos` into the tree as trivia tokens.
    fn trivia_to(&mut self, pos: usize) {
        let pos = pos.min(self.text.len());
        if pos <= self.last {
            return;
        }
        let bytes = self.text.as_bytes();
        let mut i = self.last;
        while i < pos {
            let start = i;
            let kind = if i == 0 && self.text.starts_with('\u{feff}') {
                i += 3;
                BOM
            } else {
                match bytes[i] {
                    b' ' | b'\t' => {
                        while i < pos && (bytes[i] == b' ' || bytes[i] == b'\t') {
                            i += 1;
                        }
                        WHITESPACE
                    }
                    b'\n' => {
                        i += 1;
                        NEWLINE
                    }
                    b'\r' => {
                        i += 1;
                        if i < pos && bytes[i] == b'\n' {
                            i += 1;
                        }
                        NEWLINE
                    }
                    b'#' => {
                        while i < pos && bytes[i] != b'\n' && bytes[i] != b'\r' {
                            i += 1;
                        }
                        COMMENT
                    }
                    _ => {
                        // Text the scanner dropped during error recovery.
                        while i < pos && !matches!(bytes[i], b' ' | b'\t' | b'\n' | b'\r') {
                            i += 1;
                        }
                        while !self.text.is_char_boundary(i) {
                            i += 1;
                        }
                        ERROR_TOKEN
                    }
                }
            };
            let i_end = i.min(pos);
            self.builder.token(kind.into(), &self.text[start..i_end]);
            i = i_end;
        }
        self.last = pos;
    }

    /// Adds the token's text as a leaf of `kind` (zero-width tokens add nothing).
    fn leaf(&mut self, t: Token, kind: SyntaxKind) {
        let (start, end) = (t.start as usize, t.end as usize);
        if end <= start || start < self.last {
            // Zero-width structure token, or text already emitted.
            return;
        }
        self.trivia_to(start);
        self.builder.token(kind.into(), &self.text[start..end]);
        self.last = end;
    }

    fn bump(&mut self) -> Token {
        let t = self.scanner.next_token();
        self.leaf(t, token_kind(t.kind));
        t
    }

    /// The next significant token. Characters the scanner could not tokenize (already
    /// reported) go into the tree as `ERROR_TOKEN` leaves here, so they cause no second error.
    fn peek(&mut self) -> Token {
        loop {
            let t = self.scanner.peek_token();
            if t.kind != Tok::Error {
                return t;
            }
            self.scanner.next_token();
            self.leaf(t, ERROR_TOKEN);
        }
    }

    fn at(&mut self, kind: Tok) -> bool {
        self.peek().kind == kind
    }

    /// Starts a node at `pos` (trivia before it goes to the parent).
    fn start_at(&mut self, kind: SyntaxKind, pos: u32) {
        self.trivia_to(pos as usize);
        self.builder.start_node(kind.into());
    }

    fn start(&mut self, kind: SyntaxKind) {
        let pos = self.peek().start;
        self.start_at(kind, pos);
    }

    fn finish(&mut self) {
        self.builder.finish_node();
    }

    fn error_at(&mut self, t: Token, message: String) {
        let end = if t.end > t.start {
            t.end
        } else {
            // Point at the character there, or at the end of the text.
            let s = t.start as usize;
            let next = self.text[s.min(self.text.len())..]
                .chars()
                .next()
                .map_or(0, char::len_utf8);
            (s + next) as u32
        };
        self.errors.push(SyntaxError {
            start: t.start,
            end,
            message,
            noticed_at: None,
        });
    }

    // ---- grammar -------------------------------------------------------------------------

    fn stream(&mut self) {
        let mut documents = 0;
        loop {
            // Extra document end markers.
            while self.at(Tok::DocumentEnd) {
                self.bump();
            }
            let t = self.peek();
            if t.kind == Tok::StreamEnd {
                self.bump();
                break;
            }
            documents += 1;
            if documents == 2 {
                self.error_at(
                    t,
                    "expected a single document in the stream but found another document".into(),
                );
            }
            self.document(documents == 1);
        }
    }

    fn document(&mut self, first: bool) {
        self.start(DOCUMENT);
        let t = self.peek();
        let explicit = matches!(t.kind, Tok::Directive | Tok::DocumentStart);
        if explicit {
            while self.at(Tok::Directive) {
                self.bump();
            }
            if self.at(Tok::DocumentStart) {
                self.bump();
            } else {
                let t = self.peek();
                self.error_at(
                    t,
                    format!(
                        "expected '<document start>', but found {}",
                        t.kind.describe()
                    ),
                );
            }
            let t = self.peek();
            if !matches!(
                t.kind,
                Tok::Directive | Tok::DocumentStart | Tok::DocumentEnd | Tok::StreamEnd
            ) {
                self.node(true, false);
            }
        } else {
            if !first {
                self.error_at(
                    t,
                    format!(
                        "expected '<document start>', but found {}",
                        t.kind.describe()
                    ),
                );
            }
            self.node(true, false);
        }
        if self.at(Tok::DocumentEnd) {
            self.bump();
        }
        // Anything that is not a new document here is junk after the root node.
        loop {
            let t = self.peek();
            match t.kind {
                Tok::StreamEnd | Tok::DocumentStart | Tok::Directive | Tok::DocumentEnd => break,
                _ => {
                    self.error_at(
                        t,
                        format!(
                            "expected '<document start>', but found {}",
                            t.kind.describe()
                        ),
                    );
                    self.recover_one();
                }
            }
        }
        self.finish();
    }

    /// Parses one unexpected thing into an `ERROR` node, always consuming at least one token.
    fn recover_one(&mut self) {
        let t = self.peek();
        self.start(ERROR);
        match t.kind {
            Tok::Alias
            | Tok::Anchor
            | Tok::Tag
            | Tok::FlowSequenceStart
            | Tok::FlowMappingStart
            | Tok::BlockMappingStart
            | Tok::BlockSequenceStart => self.node(true, false),
            k if k.is_scalar() => self.node(true, false),
            _ => {
                self.bump();
            }
        }
        self.finish();
    }

    /// A node: properties then content. `block` allows block collections; `indentless`
    /// allows a `- item` sequence at the parent's indentation (as a mapping value).
    fn node(&mut self, block: bool, indentless: bool) {
        let start = self.peek();
        if start.kind == Tok::Alias {
            self.start(ALIAS_NODE);
            self.bump();
            self.finish();
            return;
        }
        // Properties are emitted inside the content node, so buffer them as tokens first.
        let mut props: Vec<Token> = Vec::new();
        loop {
            let t = self.peek();
            let seen_anchor = props.iter().any(|p| p.kind == Tok::Anchor);
            let seen_tag = props.iter().any(|p| p.kind == Tok::Tag);
            if (t.kind == Tok::Anchor && !seen_anchor) || (t.kind == Tok::Tag && !seen_tag) {
                props.push(self.scanner.next_token());
            } else {
                break;
            }
        }
        let t = self.peek();
        let kind = match t.kind {
            Tok::BlockEntry if indentless => BLOCK_SEQ,
            k if k.is_scalar() => SCALAR,
            Tok::FlowSequenceStart => FLOW_SEQ,
            Tok::FlowMappingStart => FLOW_MAP,
            Tok::BlockSequenceStart if block => BLOCK_SEQ,
            Tok::BlockMappingStart if block => BLOCK_MAP,
            _ => {
                if props.is_empty() {
                    let what = if block { "block" } else { "flow" };
                    self.error_at(
                        t,
                        format!(
                            "while parsing a {what} node expected the node content, but found {}",
                            t.kind.describe()
                        ),
                    );
                }
                // An empty scalar carrying only properties (e.g. the `!include` key).
                SCALAR
            }
        };
        let node_start = props.first().map_or(t.start, |p| p.start);
        self.start_at(kind, node_start);
        for p in props {
            self.leaf(p, token_kind(p.kind));
        }
        match kind {
            SCALAR if t.kind.is_scalar() => {
                self.bump();
            }
            FLOW_SEQ | FLOW_MAP | BLOCK_SEQ | BLOCK_MAP if self.depth >= MAX_DEPTH => {
                self.too_deep()
            }
            FLOW_SEQ => self.nested_flow(|p| p.flow_sequence()),
            FLOW_MAP => self.nested_flow(|p| p.flow_mapping()),
            BLOCK_SEQ if t.kind == Tok::BlockEntry => self.nested(|p| p.indentless_sequence()),
            BLOCK_SEQ => self.nested(|p| p.block_sequence()),
            BLOCK_MAP => self.nested(|p| p.block_mapping()),
            _ => {}
        }
        self.finish();
    }

    fn nested(&mut self, f: impl FnOnce(&mut Self)) {
        self.depth += 1;
        f(self);
        self.depth -= 1;
    }

    fn nested_flow(&mut self, f: impl FnOnce(&mut Self)) {
        self.flow_depth += 1;
        self.nested(f);
        self.flow_depth -= 1;
        if self.flow_depth == 0 {
            self.flow_abandoned = false;
        }
    }

    /// Consumes a collection nested deeper than [`MAX_DEPTH`] flat, without recursion.
    fn too_deep(&mut self) {
        let t = self.peek();
        if !self.depth_reported {
            self.depth_reported = true;
            self.error_at(t, format!("{TOO_DEEP_MESSAGE} {MAX_DEPTH} levels"));
        }
        self.builder.start_node(ERROR.into());
        let mut level = 0usize;
        loop {
            let t = self.peek();
            match t.kind {
                Tok::StreamEnd => break,
                Tok::BlockMappingStart
                | Tok::BlockSequenceStart
                | Tok::FlowMappingStart
                | Tok::FlowSequenceStart => level += 1,
                Tok::BlockEnd | Tok::FlowMappingEnd | Tok::FlowSequenceEnd => {
                    if level == 0 {
                        break;
                    }
                    level -= 1;
                }
                _ => {}
            }
            self.bump();
            if level == 0 {
                break;
            }
        }
        self.finish();
    }

    fn block_mapping(&mut self) {
        self.scanner.next_token(); // BlockMappingStart (zero-width)
        loop {
            let t = self.peek();
            match t.kind {
                Tok::Key | Tok::Value => self.block_entry(),
                Tok::BlockEnd => {
                    self.scanner.next_token();
                    break;
                }
                Tok::StreamEnd | Tok::DocumentStart | Tok::DocumentEnd => {
                    if self.errors.is_empty() && self.scanner.errors.is_empty() {
                        self.error_at(
                            t,
                            format!(
                                "while parsing a block mapping expected <block end>, but found {}",
                                t.kind.describe()
                            ),
                        );
                    }
                    break;
                }
                _ => {
                    self.error_at(
                        t,
                        format!(
                            "while parsing a block mapping expected <block end>, but found {}",
                            t.kind.describe()
                        ),
                    );
                    self.recover_one();
                }
            }
        }
    }

    fn block_entry(&mut self) {
        let t = self.peek();
        self.start_at(ENTRY, t.start);
        if t.kind == Tok::Key {
            self.start_at(KEY, t.start);
            self.bump();
            if !matches!(self.peek().kind, Tok::Key | Tok::Value | Tok::BlockEnd) {
                self.node(true, true);
            }
            self.finish();
        }
        if self.at(Tok::Value) {
            self.bump();
            if !matches!(self.peek().kind, Tok::Key | Tok::Value | Tok::BlockEnd) {
                self.start(VALUE);
                self.node(true, true);
                self.finish();
            }
        }
        self.finish();
    }

    fn block_sequence(&mut self) {
        self.scanner.next_token(); // BlockSequenceStart (zero-width)
        loop {
            let t = self.peek();
            match t.kind {
                Tok::BlockEntry => {
                    self.start_at(ITEM, t.start);
                    self.bump();
                    if !matches!(self.peek().kind, Tok::BlockEntry | Tok::BlockEnd) {
                        self.node(true, false);
                    }
                    self.finish();
                }
                Tok::BlockEnd => {
                    self.scanner.next_token();
                    break;
                }
                Tok::StreamEnd | Tok::DocumentStart | Tok::DocumentEnd => {
                    if self.errors.is_empty() && self.scanner.errors.is_empty() {
                        self.error_at(t, format!("while parsing a block collection expected <block end>, but found {}", t.kind.describe()));
                    }
                    break;
                }
                _ => {
                    self.error_at(
                        t,
                        format!(
                            "while parsing a block collection expected <block end>, but found {}",
                            t.kind.describe()
                        ),
                    );
                    self.recover_one();
                }
            }
        }
    }

    fn indentless_sequence(&mut self) {
        while self.at(Tok::BlockEntry) {
            let t = self.peek();
            self.start_at(ITEM, t.start);
            self.bump();
            if !matches!(
                self.peek().kind,
                Tok::BlockEntry | Tok::Key | Tok::Value | Tok::BlockEnd
            ) {
                self.node(true, false);
            }
            self.finish();
        }
    }

    /// Abandons a broken flow collection: the scanner resumes in block context on the next
    /// line, and every open flow node closes.
    fn abandon_flow(&mut self, at: Token) {
        self.flow_abandoned = true;
        if at.kind != Tok::StreamEnd {
            self.scanner.recover_from_flow(at.start);
        }
    }

    fn flow_sequence(&mut self) {
        self.flow_collection(true);
    }

    fn flow_mapping(&mut self) {
        self.flow_collection(false);
    }

    fn is_node_start(&self, k: Tok) -> bool {
        k.is_scalar()
            || matches!(
                k,
                Tok::Alias
                    | Tok::Anchor
                    | Tok::Tag
                    | Tok::FlowMappingStart
                    | Tok::FlowSequenceStart
            )
    }

    /// `[ ... ]` (`seq`) or `{ ... }`, following SnakeYAML's flow productions; on an error the
    /// collection is abandoned (see [`Parser::abandon_flow`]).
    fn flow_collection(&mut self, seq: bool) {
        let (end, what, close) = if seq {
            (Tok::FlowSequenceEnd, "sequence", ']')
        } else {
            (Tok::FlowMappingEnd, "mapping", '}')
        };
        self.bump(); // [ or {
        let mut first = true;
        loop {
            if self.flow_abandoned {
                return;
            }
            let t = self.peek();
            if t.kind == end {
                self.bump();
                return;
            }
            if !first {
                if t.kind == Tok::FlowEntry {
                    self.bump();
                } else {
                    self.error_at(
                        t,
                        format!(
                            "while parsing a flow {what} expected ',' or '{close}', but got {}",
                            t.kind.describe()
                        ),
                    );
                    self.abandon_flow(t);
                    return;
                }
            }
            first = false;
            let t = self.peek();
            match t.kind {
                k if k == end => continue,
                Tok::StreamEnd => {
                    self.error_at(
                        t,
                        format!("while parsing a flow {what} expected ',' or '{close}', but got <stream end>"),
                    );
                    self.abandon_flow(t);
                    return;
                }
                // `[a: b]` is a single-pair mapping; `{a: b}` an entry.
                Tok::Key => self.flow_pair(t, end, true),
                // `{: v}`: an empty key.
                Tok::Value if !seq => self.flow_pair(t, end, false),
                k if self.is_node_start(k) => {
                    if seq {
                        self.start_at(ITEM, t.start);
                        self.node(false, false);
                        self.finish();
                    } else {
                        // `{a, b}`: a key with an empty value.
                        self.start_at(ENTRY, t.start);
                        self.start_at(KEY, t.start);
                        self.node(false, false);
                        self.finish();
                        self.finish();
                    }
                }
                _ => {
                    self.error_at(
                        t,
                        format!(
                            "while parsing a flow node expected the node content, but found {}",
                            t.kind.describe()
                        ),
                    );
                    self.abandon_flow(t);
                    return;
                }
            }
        }
    }

    /// A flow entry `key: value` starting at the `Key` (or, with `has_key` false, the `Value`)
    /// token `t`, inside a collection that ends with `end`.
    fn flow_pair(&mut self, t: Token, end: Tok, has_key: bool) {
        self.start_at(ENTRY, t.start);
        if has_key {
            self.start_at(KEY, t.start);
            self.bump();
            if !matches!(self.peek().kind, Tok::Value | Tok::FlowEntry) && self.peek().kind != end {
                self.node(false, false);
            }
            self.finish();
        }
        if self.at(Tok::Value) {
            self.bump();
            if self.peek().kind != Tok::FlowEntry && self.peek().kind != end {
                self.start(VALUE);
                self.node(false, false);
                self.finish();
            }
        }
        self.finish();
    }
}
