//! Incremental reparsing: after an edit, parse only the top-level entries the edit touches and
//! splice them into the previous tree.
//!
//! A workflow is a mapping at column 0, and a line that starts a key at column 0 ends every
//! block construct before it (plain and block scalars need indentation to continue) and
//! puts the scanner back in a fresh state: the indentation unwound, no pending simple key.
//! So, from the start of one top-level entry to the start of a later one, the text parses the
//! same alone as inside the whole document, unless it leaves something open that the rest
//! would continue: a flow collection or a quoted scalar (these may span lines at any
//! indentation); then [`reparse`] parses from the region's start to the end of the text
//! instead. After a broken flow collection the parser recovered from, the state is fresh
//! again from the next top-level key: the region takes in following entries (up to three)
//! until one starts after the recovery. It splices the region's
//! tree and errors into the old ones (errors before the region kept, those after it moved)
//! and declines (the caller parses everything) whenever that is not certain to equal a full
//! parse: errors about the document as a whole, entries that do not start a plain key line,
//! a document that goes on after the mapping. `tests/corpus.rs` checks that the result equals
//! a full parse, tree and errors, over random edits of every corpus file.

use super::kind::SyntaxKind::{self, BLOCK_MAP, DOCUMENT, ENTRY};
use super::parser::{self, Ending};
use super::{is_printable, Parse, SyntaxError};
use rowan::{GreenNode, GreenNodeData, GreenToken, NodeOrToken};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

type Element = NodeOrToken<GreenNode, GreenToken>;

/// The parse of `new_text`, reusing `old` (the parse of `old_text`) outside the top-level
/// entries the change touches; `None` when that is not certain to equal a full parse.
pub fn reparse(old_text: &str, old: &Parse, new_text: &str) -> Option<Parse> {
    if u32::from(old.green.text_len()) as usize != old_text.len() {
        return None;
    }
    if old_text == new_text {
        return Some(old.clone());
    }
    let (change_start, change_end) = changed_range(old_text, new_text);
    let shape = Shape::of(&old.green)?;
    // An error at the mapping's start is about the document (`%YAML` without `---`), which
    // the region alone cannot reproduce; the errors for a character digdag does not accept
    // and for nesting too deep are reported once per text.
    let map_start = shape.entries.first()?.1;
    if old
        .errors
        .iter()
        .any(|e| e.start as usize <= map_start || once_per_text(e))
    {
        return None;
    }
    // The region's ends are the starts of top-level entries, on lines that start an ordinary
    // key at column 0 (`? key` / `: value` pairs and sequences may join lines there; a new
    // comment line goes with the entry before it).
    let starts_key = |text: &str, at: usize| {
        (at == 0 || text.as_bytes().get(at - 1) == Some(&b'\n'))
            && text
                .get(at..)
                .and_then(|t| t.chars().next())
                .is_none_or(|c| {
                    c.is_alphanumeric() || matches!(c, '+' | '_' | '"' | '\'' | '!' | '$' | '.')
                })
    };
    // The first: the entry the change starts in (or after whose start it lies).
    let mut i = shape
        .entries
        .iter()
        .rposition(|&(_, start)| start <= change_start)?;
    while !(starts_key(old_text, shape.entries[i].1) && starts_key(new_text, shape.entries[i].1)) {
        i = i.checked_sub(1)?;
    }
    let (first_child, region_start) = shape.entries[i];
    // The end: the first entry wholly after the change, if any.
    let ends: Vec<(usize, usize)> = shape.entries[i + 1..]
        .iter()
        .filter(|&&(_, start)| start > change_end && starts_key(old_text, start))
        .copied()
        .collect();
    let mut end_at = 0;
    let mut after = ends.first().copied();
    if !shape.map_is_last {
        // Something follows the mapping (`...`): the region must end before it.
        after?;
    }
    let delta = new_text.len() as i64 - old_text.len() as i64;
    let parse_region = |after: Option<(usize, usize)>| {
        let region_end_old = after.map_or(old_text.len(), |(_, s)| s);
        let region_end = usize::try_from(region_end_old as i64 + delta).ok()?;
        let region = new_text.get(region_start..region_end)?;
        if !region.chars().all(is_printable) {
            return None;
        }
        Some((region_end_old, parser::parse_text_ending(region)))
    };
    let (mut region_end_old, (mut green, mut region_errors, mut ending)) = parse_region(after)?;
    while after.is_some() {
        match ending {
            Ending::Closed => break,
            // After recovering from a broken flow collection, the state is fresh again from
            // the next top-level key: take in entries until one follows the recovery.
            Ending::RecoveredAt(at) if root_entry_after(&green, at) => break,
            Ending::RecoveredAt(_) if end_at + 1 < ends.len().min(4) => {
                end_at += 1;
                after = Some(ends[end_at]);
            }
            // Something left open at the region's end (an unclosed `[`) would continue into
            // the next entry: parse from the region's start to the end of the text instead.
            _ => {
                if !shape.map_is_last {
                    return None;
                }
                after = None;
            }
        }
        (region_end_old, (green, region_errors, ending)) = parse_region(after)?;
    }
    if region_errors.iter().any(once_per_text) {
        return None;
    }
    // The old errors before the region stay, those after it move with the text.
    let mut errors = Vec::with_capacity(old.errors.len() + region_errors.len());
    for e in &old.errors {
        let noticed = e.noticed_at.unwrap_or(e.start) as usize;
        if (e.start as usize) < region_start {
            if noticed >= region_start || e.end as usize > region_start {
                return None;
            }
            errors.push(e.clone());
        }
    }
    let shift = |at: u32, by: i64| u32::try_from(at as i64 + by).ok();
    for e in region_errors {
        errors.push(SyntaxError {
            start: shift(e.start, region_start as i64)?,
            end: shift(e.end, region_start as i64)?,
            noticed_at: match e.noticed_at {
                Some(at) => Some(shift(at, region_start as i64)?),
                None => None,
            },
            message: e.message,
        });
    }
    for e in old.errors.iter().filter(|_| after.is_some()) {
        if e.start as usize >= region_end_old {
            errors.push(SyntaxError {
                start: shift(e.start, delta)?,
                end: shift(e.end, delta)?,
                noticed_at: match e.noticed_at {
                    Some(at) => Some(shift(at, delta)?),
                    None => None,
                },
                message: e.message.clone(),
            });
        }
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
        errors,
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

/// Errors a parse reports only once, at the first place (so a region cannot tell whether
/// another place already reported it).
fn once_per_text(e: &SyntaxError) -> bool {
    e.message.starts_with(super::UNPRINTABLE_MESSAGE)
        || e.message.starts_with(parser::TOO_DEEP_MESSAGE)
}

/// Whether the block mapping of a region's parse has an entry starting after offset `at`.
fn root_entry_after(root: &GreenNode, at: u32) -> bool {
    let Some(map) = root
        .children()
        .next()
        .and_then(NodeOrToken::into_node)
        .and_then(|d| d.children().next())
        .and_then(NodeOrToken::into_node)
        .filter(|m| m.kind() == BLOCK_MAP.into())
    else {
        return false;
    };
    let mut offset = 0u32;
    for c in map.children() {
        if c.kind() == ENTRY.into() && offset > at {
            return true;
        }
        offset += u32::from(c.text_len());
    }
    false
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
    /// when possible, and remembers the result.
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
        if self.capacity > 0 {
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
