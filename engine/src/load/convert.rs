//! Syntax tree -> [`Value`], the way digdag's SnakeYAML constructor and Jackson round trip
//! build it: typed scalars, anchors and aliases (bounded), merge keys, stringified keys,
//! duplicate keys reported with both locations, `!include` keys kept for expansion.

use super::scalar;
use super::value::{Entry, Object, Value, ValueKind};
use super::MAX_ALIAS_NODES;
use crate::check::registry as rules;
use crate::diagnostic::Diagnostic;
use crate::source::{FileId, Span};
use crate::syntax::scalar as text;
use crate::syntax::{Parse, SyntaxKind};
use rowan::{GreenNodeData, GreenTokenData, NodeOrToken};
use std::collections::HashMap;

/// A node of the green (immutable) tree with its offset in the file. The converter walks the
/// green tree directly: no red node is allocated per visited node or token.
#[derive(Clone, Copy)]
struct Node<'t> {
    green: &'t GreenNodeData,
    start: u32,
}

/// A token of the green tree with its offset in the file.
#[derive(Clone, Copy)]
struct Token<'t> {
    green: &'t GreenTokenData,
    start: u32,
}

type Element<'t> = NodeOrToken<Node<'t>, Token<'t>>;

impl<'t> Token<'t> {
    fn kind(self) -> SyntaxKind {
        SyntaxKind::from_raw(self.green.kind().0)
    }

    fn text(self) -> &'t str {
        self.green.text()
    }

    fn end(self) -> u32 {
        self.start + u32::from(self.green.text_len())
    }
}

impl<'t> Node<'t> {
    fn kind(self) -> SyntaxKind {
        SyntaxKind::from_raw(self.green.kind().0)
    }

    fn end(self) -> u32 {
        self.start + u32::from(self.green.text_len())
    }

    /// Direct children, nodes and tokens, in order (either end).
    fn elements(self) -> Elements<impl DoubleEndedIterator<Item = GreenElement<'t>>> {
        Elements {
            children: self.green.children(),
            front: self.start,
            back: self.end(),
        }
    }

    /// Direct child nodes.
    fn children(self) -> impl Iterator<Item = Node<'t>> {
        self.elements().filter_map(NodeOrToken::into_node)
    }

    /// The first direct child token of `kind`.
    fn token(self, kind: SyntaxKind) -> Option<Token<'t>> {
        self.elements()
            .filter_map(NodeOrToken::into_token)
            .find(|t| t.kind() == kind)
    }

    /// The first non-trivia token of the subtree.
    fn first_solid(self) -> Option<Token<'t>> {
        self.elements().find_map(|e| match e {
            NodeOrToken::Token(t) => (!t.kind().is_trivia()).then_some(t),
            NodeOrToken::Node(n) => n.first_solid(),
        })
    }

    /// The last non-trivia token of the subtree.
    fn last_solid(self) -> Option<Token<'t>> {
        self.elements().rev().find_map(|e| match e {
            NodeOrToken::Token(t) => (!t.kind().is_trivia()).then_some(t),
            NodeOrToken::Node(n) => n.last_solid(),
        })
    }

    /// The text of the subtree.
    fn text(self, file: &str) -> &str {
        file.get(self.start as usize..self.end() as usize)
            .unwrap_or_default()
    }
}

type GreenElement<'t> = NodeOrToken<&'t GreenNodeData, &'t GreenTokenData>;

/// Children of a green node with their offsets.
struct Elements<I> {
    children: I,
    front: u32,
    back: u32,
}

impl<'t, I: DoubleEndedIterator<Item = GreenElement<'t>>> Iterator for Elements<I> {
    type Item = Element<'t>;
    fn next(&mut self) -> Option<Element<'t>> {
        let start = self.front;
        Some(match self.children.next()? {
            NodeOrToken::Node(green) => {
                self.front += u32::from(green.text_len());
                NodeOrToken::Node(Node { green, start })
            }
            NodeOrToken::Token(green) => {
                self.front += u32::from(green.text_len());
                NodeOrToken::Token(Token { green, start })
            }
        })
    }
}

impl<'t, I: DoubleEndedIterator<Item = GreenElement<'t>>> DoubleEndedIterator for Elements<I> {
    fn next_back(&mut self) -> Option<Element<'t>> {
        Some(match self.children.next_back()? {
            NodeOrToken::Node(green) => {
                self.back -= u32::from(green.text_len());
                NodeOrToken::Node(Node {
                    green,
                    start: self.back,
                })
            }
            NodeOrToken::Token(green) => {
                self.back -= u32::from(green.text_len());
                NodeOrToken::Token(Token {
                    green,
                    start: self.back,
                })
            }
        })
    }
}

/// Key prefix marking an `!include` entry until [`super::include`] expands it. Real keys
/// cannot contain a NUL.
pub(crate) const INCLUDE_KEY: &str = "\0include";

struct Converter<'a> {
    file: FileId,
    text: &'a str,
    diagnostics: &'a mut Vec<Diagnostic>,
    anchors: HashMap<String, Value>,
    /// For each enclosing block collection, the column of its first entry (None when it has
    /// none): block scalars are indented relative to the innermost one.
    block_indents: Vec<Option<i64>>,
    /// Value nodes produced by alias expansion so far.
    alias_nodes: usize,
    alias_reported: bool,
}

/// Converts the first document of `parse` (None when there is none or it is empty).
pub(crate) fn convert(
    parse: &Parse,
    file: FileId,
    text: &str,
    diagnostics: &mut Vec<Diagnostic>,
) -> Option<Value> {
    let root = Node {
        green: parse.green(),
        start: 0,
    };
    let doc = root.children().find(|n| n.kind() == SyntaxKind::DOCUMENT)?;
    let node = content_children(doc).next()?;
    let mut c = Converter {
        file,
        text,
        diagnostics,
        anchors: HashMap::new(),
        block_indents: Vec::new(),
        alias_nodes: 0,
        alias_reported: false,
    };
    // An empty document (`---` alone) is null.
    Some(c.node(node))
}

/// Child nodes that are YAML nodes (not ERROR).
fn content_children(node: Node<'_>) -> impl Iterator<Item = Node<'_>> {
    node.children().filter(|n| {
        matches!(
            n.kind(),
            SyntaxKind::SCALAR
                | SyntaxKind::ALIAS_NODE
                | SyntaxKind::BLOCK_MAP
                | SyntaxKind::BLOCK_SEQ
                | SyntaxKind::FLOW_MAP
                | SyntaxKind::FLOW_SEQ
        )
    })
}

impl Converter<'_> {
    fn token_span(&self, t: Token<'_>) -> Span {
        Span::new(self.file, t.start, t.end())
    }

    /// Span of a node without leading properties' trailing trivia: from its first to its last
    /// non-trivia token.
    fn node_span(&self, node: Node<'_>) -> Span {
        match (node.first_solid(), node.last_solid()) {
            (Some(f), Some(l)) if f.start <= l.start => Span::new(self.file, f.start, l.end()),
            _ => Span::new(self.file, node.start, node.end()),
        }
    }

    fn error(&mut self, rule: &crate::check::Rule, span: Span, msg: String) {
        self.diagnostics.push(Diagnostic::new(rule, span, msg));
    }

    fn node(&mut self, node: Node<'_>) -> Value {
        let span = self.node_span(node);
        if node.kind() == SyntaxKind::ALIAS_NODE {
            return self.alias(node, span);
        }
        let mut anchor = None;
        let mut tag = None;
        let mut scalar = None;
        for t in node.elements().filter_map(NodeOrToken::into_token) {
            match t.kind() {
                SyntaxKind::ANCHOR if anchor.is_none() => anchor = Some(t),
                SyntaxKind::TAG if tag.is_none() => tag = Some(t),
                SyntaxKind::PLAIN
                | SyntaxKind::SINGLE_QUOTED
                | SyntaxKind::DOUBLE_QUOTED
                | SyntaxKind::LITERAL
                | SyntaxKind::FOLDED
                    if scalar.is_none() =>
                {
                    scalar = Some(t)
                }
                _ => {}
            }
        }
        let block = matches!(node.kind(), SyntaxKind::BLOCK_MAP | SyntaxKind::BLOCK_SEQ);
        if block {
            let first = node
                .children()
                .find(|c| matches!(c.kind(), SyntaxKind::ENTRY | SyntaxKind::ITEM));
            let indent = first.map(|f| {
                let start = f.start as usize;
                let line_start = self
                    .text
                    .get(..start)
                    .and_then(|t| t.rfind(['\n', '\r']))
                    .map_or(0, |i| i + 1);
                (start - line_start) as i64
            });
            self.block_indents.push(indent);
        }
        let mut value = match node.kind() {
            SyntaxKind::SCALAR => self.scalar(scalar, tag, span),
            SyntaxKind::BLOCK_MAP | SyntaxKind::FLOW_MAP => self.mapping(node, span),
            SyntaxKind::BLOCK_SEQ | SyntaxKind::FLOW_SEQ => {
                let items = node
                    .children()
                    .filter(|n| matches!(n.kind(), SyntaxKind::ITEM | SyntaxKind::ENTRY))
                    .map(|item| self.item(item))
                    .collect();
                Value::new(ValueKind::Array(items), span)
            }
            _ => Value::new(ValueKind::Null, span),
        };
        if block {
            self.block_indents.pop();
        }
        if node.kind() != SyntaxKind::SCALAR {
            if let Some(tag) = tag {
                self.check_collection_tag(tag, &mut value);
            }
        }
        if let Some(anchor) = anchor {
            let name = anchor.text().trim_start_matches('&').to_string();
            self.anchors.insert(name, value.clone());
        }
        value
    }

    fn check_collection_tag(&mut self, tag: Token<'_>, value: &mut Value) {
        let t = tag.text();
        let ok = matches!(
            t,
            "!!map"
                | "!!seq"
                | "!!omap"
                | "!!set"
                | "!!pairs"
                | "tag:yaml.org,2002:map"
                | "tag:yaml.org,2002:seq"
        );
        let span = self.token_span(tag);
        if t == "!include" {
            self.error(
                &rules::INCLUDE_VALUE_FORM,
                span,
                "`!include` works only as a key (`!include : file.dig`); digdag fails on this form"
                    .into(),
            );
        } else if t == "!!set" {
            // A set becomes the array of its keys.
            if let ValueKind::Object(o) = &value.kind {
                let keys = o
                    .entries
                    .iter()
                    .map(|e| Value::new(ValueKind::String(e.key.clone()), e.key_span))
                    .collect();
                value.kind = ValueKind::Array(keys);
            }
        } else if !ok {
            self.error(
                &rules::UNKNOWN_TAG,
                span,
                format!("could not determine a constructor for the tag {t}"),
            );
        }
    }

    fn alias(&mut self, node: Node<'_>, span: Span) -> Value {
        let text = self.text;
        let name = node.text(text).trim().trim_start_matches('*');
        match self.anchors.get(name) {
            Some(v) => {
                let size = count_nodes(v);
                self.alias_nodes += size;
                if self.alias_nodes > MAX_ALIAS_NODES {
                    if !self.alias_reported {
                        self.alias_reported = true;
                        self.error(
                            &rules::TOO_COMPLEX,
                            span,
                            format!(
                                "alias expansion exceeds {MAX_ALIAS_NODES} values (an alias bomb?)"
                            ),
                        );
                    }
                    return Value::new(ValueKind::Null, span);
                }
                let mut v = v.clone();
                // The alias itself is where this copy appears in the file.
                v.span = span;
                v
            }
            None => {
                self.error(
                    &rules::YAML_SYNTAX,
                    span,
                    format!("found undefined alias {name}"),
                );
                Value::new(ValueKind::Null, span)
            }
        }
    }

    fn scalar(&mut self, tok: Option<Token<'_>>, tag: Option<Token<'_>>, span: Span) -> Value {
        let (string, plain) = match &tok {
            None => (String::new(), true),
            Some(t) => match t.kind() {
                SyntaxKind::PLAIN => (text::plain(t.text()).into_owned(), true),
                SyntaxKind::SINGLE_QUOTED => (text::single_quoted(t.text()), false),
                SyntaxKind::DOUBLE_QUOTED => {
                    let (s, err) = text::double_quoted(t.text());
                    if let Some(err) = err {
                        let sp = self.token_span(*t);
                        self.error(
                            &rules::YAML_SYNTAX,
                            sp,
                            format!("while scanning a double-quoted scalar {err}"),
                        );
                    }
                    (s, false)
                }
                _ => {
                    let indent = self.block_indents.iter().rev().find_map(|i| *i);
                    (text::block(t.text(), indent.unwrap_or(-1)), false)
                }
            },
        };
        let kind = match tag.map(|t| t.text()) {
            None => {
                if plain {
                    scalar::resolve_plain_owned(string)
                } else {
                    ValueKind::String(string)
                }
            }
            Some("!include") => {
                // Only valid as a key; the mapping handles that case before we get here.
                let sp = tag.map_or(span, |t| self.token_span(t));
                self.error(
                    &rules::INCLUDE_VALUE_FORM,
                    sp,
                    "`!include` works only as a key (`!include : file.dig`); digdag fails on this form".into(),
                );
                ValueKind::Null
            }
            Some("!") => ValueKind::String(string),
            Some(t) if t.starts_with("!!") || t.starts_with("tag:yaml.org,2002:") => {
                match scalar::resolve_tagged(t, &string) {
                    Ok(k) => k,
                    Err(msg) => {
                        self.error(&rules::YAML_SYNTAX, span, msg);
                        ValueKind::String(string)
                    }
                }
            }
            Some(t) => {
                let sp = tag.map_or(span, |tk| self.token_span(tk));
                self.error(
                    &rules::UNKNOWN_TAG,
                    sp,
                    format!("could not determine a constructor for the tag {t}"),
                );
                ValueKind::String(string)
            }
        };
        Value::new(kind, span)
    }

    fn item(&mut self, item: Node<'_>) -> Value {
        if item.kind() == SyntaxKind::ENTRY {
            // `[a: b]`: a single-pair mapping.
            let span = self.node_span(item);
            let mut obj = Object::default();
            self.entry(item, &mut obj, &mut HashMap::new(), &mut Vec::new());
            return Value::new(ValueKind::Object(obj), span);
        }
        match content_children(item).next() {
            Some(n) => self.node(n),
            None => {
                let span = self.node_span(item);
                Value::new(ValueKind::Null, Span::new(self.file, span.end, span.end))
            }
        }
    }

    fn mapping(&mut self, node: Node<'_>, span: Span) -> Value {
        let mut obj = Object::default();
        let mut seen: HashMap<String, Span> = HashMap::new();
        let mut merges: Vec<Value> = Vec::new();
        for entry in node.children().filter(|n| n.kind() == SyntaxKind::ENTRY) {
            self.entry(entry, &mut obj, &mut seen, &mut merges);
        }
        // Merge keys: entries of the merged mappings that are not set explicitly.
        for m in merges {
            let sources: Vec<Value> = match m.kind {
                ValueKind::Array(items) => items,
                _ => vec![m],
            };
            for src in sources {
                if let ValueKind::Object(o) = src.kind {
                    for e in o.entries {
                        if obj.position(&e.key).is_none() {
                            obj.entries.push(e);
                        }
                    }
                }
            }
        }
        Value::new(ValueKind::Object(obj), span)
    }

    fn entry(
        &mut self,
        entry: Node<'_>,
        obj: &mut Object,
        seen: &mut HashMap<String, Span>,
        merges: &mut Vec<Value>,
    ) {
        let mut key_node = None;
        let mut colon = None;
        let mut value_node = None;
        for e in entry.elements() {
            match e {
                NodeOrToken::Node(n) if n.kind() == SyntaxKind::KEY && key_node.is_none() => {
                    key_node = Some(content_children(n).next());
                }
                NodeOrToken::Node(n) if n.kind() == SyntaxKind::VALUE && value_node.is_none() => {
                    value_node = Some(content_children(n).next());
                }
                NodeOrToken::Token(t) if t.kind() == SyntaxKind::COLON && colon.is_none() => {
                    colon = Some(t);
                }
                _ => {}
            }
        }
        let key_node = key_node.flatten();
        let value_node = value_node.flatten();
        let entry_span = self.node_span(entry);
        let key_span = key_node.map_or(
            Span::new(self.file, entry_span.start, entry_span.start),
            |k| self.node_span(k),
        );
        let value = match value_node {
            Some(v) => self.node(v),
            None => {
                let at = colon.map_or(entry_span.end, |c| c.end());
                Value::new(ValueKind::Null, Span::new(self.file, at, at))
            }
        };
        // `!include : file`
        let key_tag = key_node.and_then(|k| k.token(SyntaxKind::TAG));
        if let Some(k) = key_node {
            if k.kind() == SyntaxKind::SCALAR && key_tag.is_some_and(|t| t.text() == "!include") {
                let n = obj.entries.len();
                obj.entries.push(Entry {
                    key: format!("{INCLUDE_KEY}{n}"),
                    key_span,
                    value,
                });
                return;
            }
        }
        let key_value = match key_node {
            Some(k) => self.node(k),
            None => Value::new(ValueKind::Null, key_span),
        };
        if key_value.as_str() == Some("<<") && key_node.is_some() && key_tag.is_none() {
            merges.push(value);
            return;
        }
        let key = match key_value.kind {
            ValueKind::String(s) => s,
            ValueKind::Object(_) | ValueKind::Array(_) if key_value.to_json().len() > 4096 => {
                // A collection as a key is stringified (JSON); nested ones would re-escape and
                // double at every level, so large ones are refused.
                self.error(
                    &rules::TOO_COMPLEX,
                    key_span,
                    "a mapping key that is a large collection (digdag turns keys into strings; use a plain key)".into(),
                );
                return;
            }
            ValueKind::Null => {
                self.error(
                    &rules::NULL_KEY,
                    key_span,
                    "Null key for a Map not allowed in JSON: give this entry a key".into(),
                );
                return;
            }
            _ => key_value.to_json(),
        };
        // The latest earlier entry with this key: a scan of small mappings, a hash table for
        // large ones (filled on first need).
        const SCANNED: usize = 16;
        let earlier = if obj.entries.len() < SCANNED {
            obj.entries
                .iter()
                .rev()
                .find(|e| e.key == key)
                .map(|e| e.key_span)
        } else {
            if seen.is_empty() {
                for e in &obj.entries {
                    seen.insert(e.key.clone(), e.key_span);
                }
            }
            seen.get(&key).copied()
        };
        if let Some(first) = earlier {
            let d = Diagnostic::new(
                &rules::DUPLICATE_KEY,
                key_span,
                format!("Duplicated keys: [{key}]: the key `{key}` appears twice in this mapping"),
            )
            .with_label(first, "first defined here");
            self.diagnostics.push(d);
            // digdag rejects the file. Keep both entries so that later checks also report
            // problems inside the second one (an `Object` repeats a key only after S002).
        }
        if !seen.is_empty() {
            seen.insert(key.clone(), key_span);
        }
        obj.entries.push(Entry {
            key,
            key_span,
            value,
        });
    }
}

fn count_nodes(v: &Value) -> usize {
    match &v.kind {
        ValueKind::Array(items) => 1 + items.iter().map(count_nodes).sum::<usize>(),
        ValueKind::Object(o) => {
            1 + o
                .entries
                .iter()
                .map(|e| count_nodes(&e.value))
                .sum::<usize>()
        }
        _ => 1,
    }
}
