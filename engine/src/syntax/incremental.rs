//! Incremental reparsing: after an edit, parse only the top-level entries the edit touches and
//! splice them into the previous tree.
//!
//! A workflow is a mapping at column 0, and a line that starts a key at column 0 ends every
//! block construct before it (plain and block scalars need indentation to continue; an open
//! flow collection or quoted scalar would make the region fail to parse on its own). So the
//! text from the start of one top-level entry to the start of a later one parses the same
//! alone as inside the whole document. [`reparse`] uses that only when it is sure: the old
//! parse and the re-parsed region are error-free and have the expected shape; otherwise it
//! declines and the caller parses everything. `tests/incremental_parse.rs` checks the result
//! equals a full parse on random edits of every corpus file.

use super::kind::SyntaxKind::{self, BLOCK_MAP, DOCUMENT, ENTRY};
use super::{is_printable, parser, Parse};
use rowan::{GreenNode, GreenNodeData, GreenToken, NodeOrToken};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

type Element = NodeOrToken<GreenNode, GreenToken>;

/// The parse of `new_text`, reusing `old` (the parse of `old_text`) outside the top-level
/// entries the change touches; `None` when that is not certain to equal a full parse.
pub fn reparse(old_text: &str, old: &Parse, new_text: &str) -> Option<Parse> {
    if !old.errors.is_empty() || u32::from(old.green.text_len()) as usize != old_text.len() {
        return None;
    }
    if old_text == new_text {
        return Some(old.clone());
    }
    let (change_start, change_end) = changed_range(old_text, new_text);
    let shape = Shape::of(&old.green)?;
    // The entry the change starts in (or after whose start it lies).
    let i = shape
        .entries
        .iter()
        .rposition(|&(_, start)| start <= change_start)?;
    let (first_child, region_start) = shape.entries[i];
    if region_start != 0 && old_text.as_bytes()[region_start - 1] != b'\n' {
        return None;
    }
    // The first entry wholly after the change, if any, at column 0.
    let after = shape.entries[i + 1..]
        .iter()
        .find(|&&(_, start)| start > change_end)
        .copied();
    if let Some((_, start)) = after {
        if old_text.as_bytes()[start - 1] != b'\n' {
            return None;
        }
    } else if !shape.map_is_last {
        return None;
    }
    let region_end_old = after.map_or(old_text.len(), |(_, s)| s);
    let region_end = (region_end_old + new_text.len()).checked_sub(old_text.len())?;
    let region = new_text.get(region_start..region_end)?;
    if !region.chars().all(is_printable) {
        return None;
    }
    let (green, errors) = parser::parse_text(region);
    if !errors.is_empty() {
        return None;
    }
    let (entries, trailing) = region_entries(&green)?;

    let map_children = shape.map.children().map(to_owned);
    let new_map: Vec<Element> = match after {
        Some((k, _)) => map_children
            .clone()
            .take(first_child)
            .chain(entries)
            .chain(trailing)
            .chain(map_children.skip(k))
            .collect(),
        None => map_children.take(first_child).chain(entries).collect(),
    };
    let new_map = GreenNode::new(BLOCK_MAP.into(), new_map);
    let new_document = shape
        .document
        .replace_child(shape.map_index, NodeOrToken::Node(new_map));
    let root = &old.green;
    let new_root: Vec<Element> = if after.is_some() {
        root.children()
            .enumerate()
            .map(|(n, c)| {
                if n == shape.document_index {
                    NodeOrToken::Node(new_document.clone())
                } else {
                    to_owned(c)
                }
            })
            .collect()
    } else {
        // The region ran to the end: its trailing trivia replaces the old.
        root.children()
            .take(shape.document_index)
            .map(to_owned)
            .chain([NodeOrToken::Node(new_document)])
            .chain(trailing_of(&green))
            .collect()
    };
    Some(Parse {
        green: GreenNode::new(root.kind(), new_root),
        errors: Vec::new(),
    })
}

/// The byte range of `old` that differs from `new` (common prefix and suffix removed), on
/// character boundaries.
fn changed_range(old: &str, new: &str) -> (usize, usize) {
    let (a, b) = (old.as_bytes(), new.as_bytes());
    let mut prefix = a.iter().zip(b).take_while(|(x, y)| x == y).count();
    while !old.is_char_boundary(prefix) {
        prefix -= 1;
    }
    let max_suffix = a.len().min(b.len()) - prefix;
    let mut suffix = a
        .iter()
        .rev()
        .zip(b.iter().rev())
        .take(max_suffix)
        .take_while(|(x, y)| x == y)
        .count();
    while !old.is_char_boundary(a.len() - suffix) {
        suffix -= 1;
    }
    (prefix, a.len() - suffix)
}

/// Where the top-level entries of a parse are: `ROOT` = trivia, one `DOCUMENT`, trivia; the
/// document's root node a block mapping.
struct Shape<'g> {
    document_index: usize,
    document: &'g GreenNodeData,
    map_index: usize,
    map: &'g GreenNodeData,
    /// Whether the mapping is the document's last child (no `...` after it).
    map_is_last: bool,
    /// (child index in the mapping, start offset) of each `ENTRY`.
    entries: Vec<(usize, usize)>,
}

impl<'g> Shape<'g> {
    fn of(root: &'g GreenNode) -> Option<Shape<'g>> {
        let mut document = None;
        let mut offset = 0usize;
        for (n, c) in root.children().enumerate() {
            match c {
                NodeOrToken::Node(d) if d.kind() == DOCUMENT.into() && document.is_none() => {
                    document = Some((n, d, offset))
                }
                NodeOrToken::Node(_) => return None,
                NodeOrToken::Token(_) => {}
            }
            offset += len(c);
        }
        let (document_index, document, mut offset) = document?;
        let mut map = None;
        let count = document.children().len();
        for (n, c) in document.children().enumerate() {
            if let NodeOrToken::Node(m) = c {
                if map.is_some() || m.kind() != BLOCK_MAP.into() {
                    return None;
                }
                map = Some((n, m, offset));
            }
            if map.is_none() {
                offset += len(c);
            }
        }
        let (map_index, map, mut offset) = map?;
        let mut entries = Vec::new();
        for (n, c) in map.children().enumerate() {
            if c.kind() == ENTRY.into() {
                entries.push((n, offset));
            }
            offset += len(c);
        }
        Some(Shape {
            document_index,
            document,
            map_index,
            map,
            map_is_last: map_index + 1 == count,
            entries,
        })
    }
}

/// The children of a region's block mapping and the trivia after its document, when the
/// region parsed as `ROOT(DOCUMENT(BLOCK_MAP(ENTRY ...)) trivia*)` starting at its first byte.
fn region_entries(root: &GreenNode) -> Option<(Vec<Element>, Vec<Element>)> {
    let mut children = root.children();
    let document = children.next()?.into_node()?;
    if document.kind() != DOCUMENT.into() || children.any(|c| c.as_node().is_some()) {
        return None;
    }
    let mut inner = document.children();
    let map = inner.next()?.into_node()?;
    if map.kind() != BLOCK_MAP.into() || inner.next().is_some() {
        return None;
    }
    if map.children().next()?.kind() != SyntaxKind::ENTRY.into() {
        return None;
    }
    Some((map.children().map(to_owned).collect(), trailing_of(root)))
}

/// The trivia tokens after a parse's document.
fn trailing_of(root: &GreenNode) -> Vec<Element> {
    root.children()
        .skip_while(|c| c.as_node().is_none())
        .skip(1)
        .map(to_owned)
        .collect()
}

fn len(c: NodeOrToken<&GreenNodeData, &rowan::GreenTokenData>) -> usize {
    u32::from(c.text_len()) as usize
}

fn to_owned(c: NodeOrToken<&GreenNodeData, &rowan::GreenTokenData>) -> Element {
    match c {
        NodeOrToken::Node(n) => NodeOrToken::Node(n.to_owned()),
        NodeOrToken::Token(t) => NodeOrToken::Token(t.to_owned()),
    }
}

/// The last parses of a few files, so that parsing a file again after an edit re-parses only
/// what changed ([`reparse`]). Shared by the analyses of a language server session; any
/// thread may use it.
#[derive(Debug)]
pub struct ParseCache {
    /// Most recently used last.
    entries: Mutex<Vec<(PathBuf, Arc<str>, Parse)>>,
    capacity: usize,
}

impl ParseCache {
    /// Keeps the parses of up to `capacity` files.
    pub fn new(capacity: usize) -> ParseCache {
        ParseCache {
            entries: Mutex::new(Vec::new()),
            capacity,
        }
    }

    /// Parses `text`, the content of `path`, from the cached parse of an earlier content
    /// when possible; remembers the result when it is error-free.
    pub fn parse(&self, path: &Path, text: &Arc<str>) -> Parse {
        let previous =
            self.lock().iter().rev().find_map(|(p, t, parse)| {
                (p.as_path() == path).then(|| (t.clone(), parse.clone()))
            });
        let parse = previous
            .and_then(|(old_text, old)| reparse(&old_text, &old, text))
            .unwrap_or_else(|| super::parse(text));
        let mut entries = self.lock();
        entries.retain(|(p, _, _)| p.as_path() != path);
        if parse.errors.is_empty() && self.capacity > 0 {
            if entries.len() >= self.capacity {
                entries.remove(0);
            }
            entries.push((path.to_path_buf(), text.clone(), parse.clone()));
        }
        parse
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Vec<(PathBuf, Arc<str>, Parse)>> {
        // A panic while holding the lock leaves a consistent list: use it.
        self.entries.lock().unwrap_or_else(|e| e.into_inner())
    }
}

impl Default for ParseCache {
    fn default() -> ParseCache {
        ParseCache::new(16)
    }
}
