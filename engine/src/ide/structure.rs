//! The document's structure from its lossless syntax tree: folding ranges (mappings, lists,
//! block scalars, runs of comments) and selection ranges (word, `${...}`, scalar, key or value,
//! entry, mapping, ... up to the whole file).

use super::DocumentAnalysis;
use crate::source::Span;
use crate::syntax::{SyntaxKind, SyntaxNode, SyntaxToken};
use rowan::{TextRange, TextSize, TokenAtOffset};

/// What a folding range folds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FoldKind {
    /// A mapping entry, list item or flow collection spanning lines.
    Region,
    /// Consecutive comment lines.
    Comment,
}

/// A range of lines (0-based, inclusive) that an editor can fold.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Fold {
    pub start_line: u32,
    pub end_line: u32,
    pub kind: FoldKind,
}

/// The range of `node` without leading and trailing trivia (whitespace, newlines, comments).
fn significant(node: &SyntaxNode) -> Option<TextRange> {
    let mut first: Option<TextRange> = None;
    let mut last: Option<TextRange> = None;
    for t in node
        .descendants_with_tokens()
        .filter_map(|e| e.into_token())
    {
        if t.kind().is_trivia() {
            continue;
        }
        if first.is_none() {
            first = Some(t.text_range());
        }
        last = Some(t.text_range());
    }
    Some(TextRange::new(first?.start(), last?.end()))
}

/// Folding ranges of the document: every entry, list item and flow collection that spans more
/// than one line (from its first line to the line of its last non-comment token), and runs of
/// two or more comment lines.
pub fn folding_ranges(analysis: &DocumentAnalysis) -> Vec<Fold> {
    let Some(doc) = analysis.file else {
        return Vec::new();
    };
    let file = analysis.sources.get(doc);
    let root = crate::syntax::parse(&file.text).syntax();
    let line = |offset: TextSize| file.line_col(u32::from(offset)).0;
    let mut out: Vec<Fold> = Vec::new();
    for node in root.descendants() {
        if !matches!(
            node.kind(),
            SyntaxKind::ENTRY | SyntaxKind::ITEM | SyntaxKind::FLOW_MAP | SyntaxKind::FLOW_SEQ
        ) {
            continue;
        }
        let Some(r) = significant(&node) else {
            continue;
        };
        let (start, end) = (line(r.start()), line(r.end()));
        if end > start && !out.iter().any(|f| f.start_line == start) {
            out.push(Fold {
                start_line: start,
                end_line: end,
                kind: FoldKind::Region,
            });
        }
    }
    // Runs of whole-line comments.
    let mut run: Option<(u32, u32)> = None;
    let flush = |run: &mut Option<(u32, u32)>, out: &mut Vec<Fold>| {
        if let Some((s, e)) = run.take() {
            if e > s {
                out.push(Fold {
                    start_line: s,
                    end_line: e,
                    kind: FoldKind::Comment,
                });
            }
        }
    };
    for (i, text) in file.text.lines().enumerate() {
        let i = i as u32;
        if text.trim_start().starts_with('#') {
            run = match run {
                Some((s, e)) if e + 1 == i => Some((s, i)),
                _ => {
                    flush(&mut run, &mut out);
                    Some((i, i))
                }
            };
        } else {
            flush(&mut run, &mut out);
        }
    }
    flush(&mut run, &mut out);
    out.sort_by_key(|f| (f.start_line, f.end_line));
    out
}

/// For each offset, the ranges a "expand selection" steps through, innermost first: the word
/// (a variable name inside `${...}`), the `${...}`, the scalar, then each enclosing key, value,
/// entry and collection, up to the whole document. Each range contains the one before it.
pub fn selection_ranges(analysis: &DocumentAnalysis, offsets: &[u32]) -> Vec<Vec<Span>> {
    let Some(doc) = analysis.file else {
        return offsets.iter().map(|_| Vec::new()).collect();
    };
    let text = &analysis.sources.get(doc).text;
    let root = crate::syntax::parse(text).syntax();
    offsets
        .iter()
        .map(|&offset| {
            let offset = offset.min(text.len() as u32);
            let mut ranges: Vec<TextRange> = Vec::new();
            let push = |r: TextRange, ranges: &mut Vec<TextRange>| {
                let grows = ranges
                    .last()
                    .is_none_or(|l| r.contains_range(*l) && r != *l);
                if grows {
                    ranges.push(r);
                }
            };
            let Some(token) = token_at(&root, offset) else {
                return vec![Span::new(doc, 0, text.len() as u32)];
            };
            if is_scalar(&token) {
                for r in template_ranges(&token, offset) {
                    push(r, &mut ranges);
                }
            }
            if !token.kind().is_trivia() {
                push(token.text_range(), &mut ranges);
            }
            let mut node = token.parent();
            while let Some(n) = node {
                if let Some(r) = significant(&n) {
                    if r.contains_inclusive(TextSize::from(offset)) {
                        push(r, &mut ranges);
                    }
                }
                node = n.parent();
            }
            push(root.text_range(), &mut ranges);
            ranges
                .into_iter()
                .map(|r| Span::new(doc, u32::from(r.start()), u32::from(r.end())))
                .collect()
        })
        .collect()
}

fn is_scalar(t: &SyntaxToken) -> bool {
    matches!(
        t.kind(),
        SyntaxKind::PLAIN
            | SyntaxKind::SINGLE_QUOTED
            | SyntaxKind::DOUBLE_QUOTED
            | SyntaxKind::LITERAL
            | SyntaxKind::FOLDED
    )
}

/// The token at `offset`, preferring a significant one (the word the cursor touches).
fn token_at(root: &SyntaxNode, offset: u32) -> Option<SyntaxToken> {
    match root.token_at_offset(TextSize::from(offset)) {
        TokenAtOffset::None => None,
        TokenAtOffset::Single(t) => Some(t),
        TokenAtOffset::Between(a, b) => {
            if !b.kind().is_trivia() {
                Some(b)
            } else {
                Some(a)
            }
        }
    }
}

/// Inside a scalar: the identifier at `offset` and the `${...}` around it (raw text of the
/// token; a `${` and its `}` on the same scalar).
fn template_ranges(token: &SyntaxToken, offset: u32) -> Vec<TextRange> {
    let text = token.text();
    let base = u32::from(token.text_range().start());
    let at = (offset.saturating_sub(base) as usize).min(text.len());
    let mut out = Vec::new();
    if !text.is_char_boundary(at) {
        return out;
    }
    let Some(open) = text[..at.min(text.len())].rfind("${") else {
        return out;
    };
    let Some(close) = text[open..].find('}').map(|i| open + i) else {
        return out;
    };
    if at > close + 1 {
        return out;
    }
    let ident = |c: char| c.is_ascii_alphanumeric() || c == '_' || c == '$';
    let start = text[..at].rfind(|c| !ident(c)).map_or(0, |i| i + 1);
    let end = text[at..]
        .find(|c| !ident(c))
        .map_or(text.len(), |i| at + i);
    let range = |s: usize, e: usize| {
        TextRange::new(
            TextSize::from(base + s as u32),
            TextSize::from(base + e as u32),
        )
    };
    if start < end && start >= open + 2 && end <= close {
        out.push(range(start, end));
    }
    out.push(range(open, close + 1));
    out
}
