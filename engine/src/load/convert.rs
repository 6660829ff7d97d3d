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
use crate::syntax::{Parse, SyntaxKind, SyntaxNode, SyntaxToken};
use std::collections::HashMap;

/// Key prefix marking an `!include` entry until [`super::include`] expands it. Real keys
/// cannot contain a NUL.
pub(crate) const INCLUDE_KEY: &str = "\0include";

struct Converter<'a> {
    file: FileId,
    text: &'a str,
    diagnostics: &'a mut Vec<Diagnostic>,
    anchors: HashMap<String, Value>,
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
    let root = parse.syntax();
    let doc = root.children().find(|n| n.kind() == SyntaxKind::DOCUMENT)?;
    let node = content_children(&doc).next()?;
    let mut c = Converter {
        file,
        text,
        diagnostics,
        anchors: HashMap::new(),
        alias_nodes: 0,
        alias_reported: false,
    };
    let v = c.node(&node);
    if v.is_null()
        && node.kind() == SyntaxKind::SCALAR
        && first_token(&node, SyntaxKind::TAG).is_none()
    {
        // An empty document (`---` alone) is null.
        return Some(v);
    }
    Some(v)
}

/// Child nodes that are YAML nodes (not ERROR).
fn content_children(node: &SyntaxNode) -> impl Iterator<Item = SyntaxNode> {
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

fn first_token(node: &SyntaxNode, kind: SyntaxKind) -> Option<SyntaxToken> {
    node.children_with_tokens()
        .filter_map(|e| e.into_token())
        .find(|t| t.kind() == kind)
}

impl Converter<'_> {
    fn span_of_range(&self, r: rowan::TextRange) -> Span {
        Span::new(self.file, r.start().into(), r.end().into())
    }

    /// Span of a node without leading properties' trailing trivia: from its first to its last
    /// non-trivia token.
    fn node_span(&self, node: &SyntaxNode) -> Span {
        // From the first to the last non-trivia token, stepping from the node's ends (cost:
        // the trivia skipped, not the node's size).
        let range = node.text_range();
        let mut first = node.first_token();
        while let Some(t) = &first {
            if !t.kind().is_trivia() || t.text_range().start() >= range.end() {
                break;
            }
            first = t.next_token();
        }
        let mut last = node.last_token();
        while let Some(t) = &last {
            if !t.kind().is_trivia() || t.text_range().end() <= range.start() {
                break;
            }
            last = t.prev_token();
        }
        match (first, last) {
            (Some(f), Some(l))
                if !f.kind().is_trivia()
                    && !l.kind().is_trivia()
                    && f.text_range().start() < range.end()
                    && l.text_range().end() > range.start()
                    && f.text_range().start() <= l.text_range().start() =>
            {
                Span::new(
                    self.file,
                    f.text_range().start().into(),
                    l.text_range().end().into(),
                )
            }
            _ => self.span_of_range(range),
        }
    }

    fn error(&mut self, rule: &crate::check::Rule, span: Span, msg: String) {
        self.diagnostics.push(Diagnostic::new(rule, span, msg));
    }

    fn node(&mut self, node: &SyntaxNode) -> Value {
        let span = self.node_span(node);
        if node.kind() == SyntaxKind::ALIAS_NODE {
            return self.alias(node, span);
        }
        let anchor = first_token(node, SyntaxKind::ANCHOR);
        let tag = first_token(node, SyntaxKind::TAG);
        let mut value = match node.kind() {
            SyntaxKind::SCALAR => self.scalar(node, tag.as_ref(), span),
            SyntaxKind::BLOCK_MAP | SyntaxKind::FLOW_MAP => self.mapping(node, span),
            SyntaxKind::BLOCK_SEQ | SyntaxKind::FLOW_SEQ => {
                let items = node
                    .children()
                    .filter(|n| matches!(n.kind(), SyntaxKind::ITEM | SyntaxKind::ENTRY))
                    .map(|item| self.item(&item))
                    .collect();
                Value::new(ValueKind::Array(items), span)
            }
            _ => Value::new(ValueKind::Null, span),
        };
        if node.kind() != SyntaxKind::SCALAR {
            if let Some(tag) = &tag {
                self.check_collection_tag(tag, &mut value);
            }
        }
        if let Some(anchor) = anchor {
            let name = anchor.text().trim_start_matches('&').to_string();
            self.anchors.insert(name, value.clone());
        }
        value
    }

    fn check_collection_tag(&mut self, tag: &SyntaxToken, value: &mut Value) {
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
        let span = self.span_of_range(tag.text_range());
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

    fn alias(&mut self, node: &SyntaxNode, span: Span) -> Value {
        let name = node.text().to_string();
        let name = name.trim().trim_start_matches('*');
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

    fn scalar(&mut self, node: &SyntaxNode, tag: Option<&SyntaxToken>, span: Span) -> Value {
        let tok = node
            .children_with_tokens()
            .filter_map(|e| e.into_token())
            .find(|t| {
                matches!(
                    t.kind(),
                    SyntaxKind::PLAIN
                        | SyntaxKind::SINGLE_QUOTED
                        | SyntaxKind::DOUBLE_QUOTED
                        | SyntaxKind::LITERAL
                        | SyntaxKind::FOLDED
                )
            });
        let (string, plain) = match &tok {
            None => (String::new(), true),
            Some(t) => match t.kind() {
                SyntaxKind::PLAIN => (text::plain(t.text()).into_owned(), true),
                SyntaxKind::SINGLE_QUOTED => (text::single_quoted(t.text()), false),
                SyntaxKind::DOUBLE_QUOTED => {
                    let (s, err) = text::double_quoted(t.text());
                    if let Some(err) = err {
                        let sp = self.span_of_range(t.text_range());
                        self.error(
                            &rules::YAML_SYNTAX,
                            sp,
                            format!("while scanning a double-quoted scalar {err}"),
                        );
                    }
                    (s, false)
                }
                _ => {
                    let indent = self.parent_indent(node);
                    (text::block(t.text(), indent), false)
                }
            },
        };
        let kind = match tag.map(|t| t.text()) {
            None => {
                if plain {
                    scalar::resolve_plain(&string)
                } else {
                    ValueKind::String(string)
                }
            }
            Some("!include") => {
                // Only valid as a key; the mapping handles that case before we get here.
                let sp = tag.map_or(span, |t| self.span_of_range(t.text_range()));
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
                let sp = tag.map_or(span, |tk| self.span_of_range(tk.text_range()));
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

    /// Indentation of the block collection that holds `node` (-1 at the top level).
    fn parent_indent(&self, node: &SyntaxNode) -> i64 {
        for anc in node.ancestors().skip(1) {
            if matches!(anc.kind(), SyntaxKind::BLOCK_MAP | SyntaxKind::BLOCK_SEQ) {
                if let Some(first) = anc
                    .children()
                    .find(|c| matches!(c.kind(), SyntaxKind::ENTRY | SyntaxKind::ITEM))
                {
                    let start: usize = first.text_range().start().into();
                    let line_start = self.text[..start].rfind(['\n', '\r']).map_or(0, |i| i + 1);
                    return (start - line_start) as i64;
                }
            }
        }
        -1
    }

    fn item(&mut self, item: &SyntaxNode) -> Value {
        if item.kind() == SyntaxKind::ENTRY {
            // `[a: b]`: a single-pair mapping.
            let span = self.node_span(item);
            let mut obj = Object::default();
            self.entry(item, &mut obj, &mut HashMap::new(), &mut Vec::new());
            return Value::new(ValueKind::Object(obj), span);
        }
        match content_children(item).next() {
            Some(n) => self.node(&n),
            None => {
                let span = self.node_span(item);
                Value::new(ValueKind::Null, Span::new(self.file, span.end, span.end))
            }
        }
    }

    fn mapping(&mut self, node: &SyntaxNode, span: Span) -> Value {
        let mut obj = Object::default();
        let mut seen: HashMap<String, Span> = HashMap::new();
        let mut merges: Vec<Value> = Vec::new();
        for entry in node.children().filter(|n| n.kind() == SyntaxKind::ENTRY) {
            self.entry(&entry, &mut obj, &mut seen, &mut merges);
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
        entry: &SyntaxNode,
        obj: &mut Object,
        seen: &mut HashMap<String, Span>,
        merges: &mut Vec<Value>,
    ) {
        let key_node = entry
            .children()
            .find(|n| n.kind() == SyntaxKind::KEY)
            .and_then(|k| content_children(&k).next());
        let colon = entry
            .children_with_tokens()
            .filter_map(|e| e.into_token())
            .find(|t| t.kind() == SyntaxKind::COLON);
        let value_node = entry
            .children()
            .find(|n| n.kind() == SyntaxKind::VALUE)
            .and_then(|v| content_children(&v).next());
        let entry_span = self.node_span(entry);
        let key_span = key_node.as_ref().map_or(
            Span::new(self.file, entry_span.start, entry_span.start),
            |k| self.node_span(k),
        );
        let value = match &value_node {
            Some(v) => self.node(v),
            None => {
                let at = colon
                    .as_ref()
                    .map_or(entry_span.end, |c| u32::from(c.text_range().end()));
                Value::new(ValueKind::Null, Span::new(self.file, at, at))
            }
        };
        // `!include : file`
        if let Some(k) = &key_node {
            if k.kind() == SyntaxKind::SCALAR
                && first_token(k, SyntaxKind::TAG).is_some_and(|t| t.text() == "!include")
            {
                let n = obj.entries.len();
                obj.entries.push(Entry {
                    key: format!("{INCLUDE_KEY}{n}"),
                    key_span,
                    value,
                });
                return;
            }
        }
        let key_value = match &key_node {
            Some(k) => self.node(k),
            None => Value::new(ValueKind::Null, key_span),
        };
        if key_value.as_str() == Some("<<")
            && key_node
                .as_ref()
                .is_some_and(|k| first_token(k, SyntaxKind::TAG).is_none())
        {
            merges.push(value);
            return;
        }
        let key = match &key_value.kind {
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
            ValueKind::String(s) => s.clone(),
            _ => key_value.to_json(),
        };
        if let Some(first) = seen.get(&key) {
            let d = Diagnostic::new(
                &rules::DUPLICATE_KEY,
                key_span,
                format!("Duplicated keys: [{key}]: the key `{key}` appears twice in this mapping"),
            )
            .with_label(*first, "first defined here");
            self.diagnostics.push(d);
            // digdag rejects the file. Keep both entries so that later checks also report
            // problems inside the second one (an `Object` repeats a key only after S002).
        }
        seen.insert(key.clone(), key_span);
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
