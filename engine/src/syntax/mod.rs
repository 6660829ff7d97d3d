//! Lossless syntax: any text -> a complete rowan tree in which every byte belongs to exactly one
//! token, plus positioned errors.
//!
//! The scanner and parser follow SnakeYAML 1.23 (what digdag uses), so the errors are the ones
//! digdag would report, but parsing never stops at an error.

mod incremental;
pub mod kind;
mod parser;
pub mod scalar;
mod scanner;

pub use incremental::{reparse, ParseCache};
pub use kind::{SyntaxElement, SyntaxKind, SyntaxNode, SyntaxToken, YamlLanguage};
pub use parser::TOO_DEEP_MESSAGE;
pub use scanner::SyntaxError;

use rowan::GreenNode;

/// The result of parsing one text.
#[derive(Clone, Debug)]
pub struct Parse {
    green: GreenNode,
    /// Errors, sorted by position.
    pub errors: Vec<SyntaxError>,
}

impl Parse {
    /// The root node (`ROOT`).
    pub fn syntax(&self) -> SyntaxNode {
        SyntaxNode::new_root(self.green.clone())
    }

    /// The green (immutable, shareable) tree.
    pub fn green(&self) -> &GreenNode {
        &self.green
    }
}

/// Parses `text`. Never fails: errors are in [`Parse::errors`] and the tree covers every byte.
pub fn parse(text: &str) -> Parse {
    let (green, mut errors) = parser::parse_text(text);
    if let Some((pos, c)) = text.char_indices().find(|&(_, c)| !is_printable(c)) {
        errors.push(SyntaxError {
            start: pos as u32,
            end: (pos + c.len_utf8()) as u32,
            message: format!(
                "{UNPRINTABLE_MESSAGE} '{}' (0x{:X}) special characters are not allowed",
                c.escape_default(),
                c as u32
            ),
            noticed_at: None,
        });
        errors.sort_by_key(|e| (e.start, e.end));
    }
    Parse { green, errors }
}

/// The start of the error for a character SnakeYAML's reader does not accept.
const UNPRINTABLE_MESSAGE: &str = "unacceptable code point";

/// Characters SnakeYAML's reader accepts.
fn is_printable(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\r' | '\u{20}'..='\u{7e}' | '\u{85}' | '\u{a0}'..='\u{d7ff}' | '\u{e000}'..='\u{fffd}' | '\u{10000}'..='\u{10ffff}')
}

/// The tree as JSON: `{"kind", "start", "end", "children" | "text"}` with UTF-8 byte offsets.
/// Written directly (no intermediate JSON values) and without recursion, so any tree prints
/// in linear time.
pub fn write_tree_json(node: &SyntaxNode, out: &mut String) {
    use std::fmt::Write as _;
    let mut first_child: Vec<bool> = Vec::new();
    for event in node.preorder_with_tokens() {
        match event {
            rowan::WalkEvent::Enter(el) => {
                if let Some(first) = first_child.last_mut() {
                    if !*first {
                        out.push(',');
                    }
                    *first = false;
                }
                let r = el.text_range();
                let _ = write!(
                    out,
                    "{{\"kind\":\"{}\",\"start\":{},\"end\":{},",
                    el.kind().name(),
                    u32::from(r.start()),
                    u32::from(r.end())
                );
                match &el {
                    rowan::NodeOrToken::Node(_) => {
                        out.push_str("\"children\":[");
                        first_child.push(true);
                    }
                    rowan::NodeOrToken::Token(t) => {
                        out.push_str("\"text\":");
                        crate::load::value::write_json_string(t.text(), out);
                        out.push('}');
                    }
                }
            }
            rowan::WalkEvent::Leave(el) => {
                if el.as_node().is_some() {
                    first_child.pop();
                    out.push_str("]}");
                }
            }
        }
    }
}

/// The tree as a JSON value (see [`write_tree_json`]).
pub fn tree_json(node: &SyntaxNode) -> serde_json::Value {
    let mut out = String::new();
    write_tree_json(node, &mut out);
    serde_json::from_str(&out).unwrap_or(serde_json::Value::Null)
}

/// The tree as indented text, one element per line (`KIND@start..end "text"`).
pub fn tree_text(node: &SyntaxNode) -> String {
    let mut out = String::new();
    let mut depth = 0usize;
    for event in node.preorder_with_tokens() {
        match event {
            rowan::WalkEvent::Enter(el) => {
                let r = el.text_range();
                out.push_str(&"  ".repeat(depth));
                out.push_str(&format!(
                    "{}@{}..{}",
                    el.kind().name(),
                    u32::from(r.start()),
                    u32::from(r.end())
                ));
                if let rowan::NodeOrToken::Token(t) = &el {
                    out.push_str(&format!(" {:?}", t.text()));
                }
                out.push('\n');
                if el.as_node().is_some() {
                    depth += 1;
                }
            }
            rowan::WalkEvent::Leave(el) => {
                if el.as_node().is_some() {
                    depth = depth.saturating_sub(1);
                }
            }
        }
    }
    out
}

#[cfg(test)]
mod tests;
