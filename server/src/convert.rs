//! The one place where engine types meet LSP types: paths <-> URIs, UTF-8 byte offsets <->
//! UTF-16 positions (`line-index`), text edits, diagnostics, symbols and locations.

use line_index::{LineCol, LineIndex, TextSize, WideEncoding, WideLineCol};
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use tower_lsp_server::ls_types as lsp;
use wf_engine::ide::{DocumentAnalysis, Symbol, SymbolKind, Target};
use wf_engine::source::{FileId, SourceMap, Span};
use wf_engine::Severity;

/// The file path of a `file:` URI (`None` for other schemes).
pub fn path_of(uri: &lsp::Uri) -> Option<PathBuf> {
    if !uri.scheme().as_str().eq_ignore_ascii_case("file") {
        return None;
    }
    let path = uri.to_file_path()?;
    path.is_absolute()
        .then(|| wf_engine::load::normalize_path(&path))
}

/// The `file:` URI of an absolute path.
pub fn uri_of(path: &Path) -> Option<lsp::Uri> {
    if !path.is_absolute() {
        return None;
    }
    lsp::Uri::from_file_path(path)
}

/// Line table of one text: byte offsets <-> LSP positions (UTF-16 columns).
pub struct LineMap<'a> {
    text: &'a str,
    index: LineIndex,
}

impl<'a> LineMap<'a> {
    /// The line table of `text`.
    pub fn new(text: &'a str) -> LineMap<'a> {
        LineMap {
            text,
            index: LineIndex::new(text),
        }
    }

    /// The position of a byte offset (clamped to the text, moved back to a char boundary).
    pub fn position(&self, offset: u32) -> lsp::Position {
        let mut offset = (offset as usize).min(self.text.len());
        while !self.text.is_char_boundary(offset) {
            offset -= 1;
        }
        let line_col = self
            .index
            .try_line_col(TextSize::from(offset as u32))
            .unwrap_or(LineCol { line: 0, col: 0 });
        let wide = self
            .index
            .to_wide(WideEncoding::Utf16, line_col)
            .unwrap_or(WideLineCol {
                line: line_col.line,
                col: line_col.col,
            });
        lsp::Position::new(wide.line, wide.col)
    }

    /// The range of a byte range.
    pub fn range(&self, start: u32, end: u32) -> lsp::Range {
        lsp::Range::new(self.position(start), self.position(end.max(start)))
    }

    /// The byte offset of a position. Like the LSP says, a column past the end of its line
    /// means the end of the line, and a line past the end means the end of the text; a column
    /// inside a surrogate pair moves back to the character's start.
    pub fn offset(&self, pos: lsp::Position) -> u32 {
        let len = self.text.len() as u32;
        let Some(line) = self.index.line(pos.line) else {
            return len;
        };
        let (start, end) = (u32::from(line.start()), u32::from(line.end()));
        // The line's content, without its terminator.
        let content = &self.text[start as usize..end as usize];
        let content_len = content.trim_end_matches('\n').trim_end_matches('\r').len() as u32;
        let col = self
            .index
            .to_utf8(
                WideEncoding::Utf16,
                WideLineCol {
                    line: pos.line,
                    col: pos.character,
                },
            )
            .map_or(content_len, |lc| lc.col.min(content_len));
        let mut offset = (start + col) as usize;
        while !self.text.is_char_boundary(offset) {
            offset -= 1;
        }
        offset as u32
    }
}

/// Applies one `didChange` content change to `text` (a whole-text replacement, or a range edit
/// with UTF-16 positions).
pub fn apply_change(text: &mut String, change: lsp::TextDocumentContentChangeEvent) {
    let Some(range) = change.range else {
        *text = change.text;
        return;
    };
    if text.len() >= u32::MAX as usize {
        return;
    }
    let map = LineMap::new(text);
    let start = map.offset(range.start) as usize;
    let end = (map.offset(range.end) as usize).max(start);
    text.replace_range(start..end, &change.text);
}

/// Line tables of the files of one analysis, built when first needed.
struct Files<'a> {
    sources: &'a SourceMap,
    maps: HashMap<FileId, LineMap<'a>>,
}

impl<'a> Files<'a> {
    fn new(sources: &'a SourceMap) -> Files<'a> {
        Files {
            sources,
            maps: HashMap::new(),
        }
    }

    fn range(&mut self, span: Span) -> lsp::Range {
        let sources = self.sources;
        self.maps
            .entry(span.file)
            .or_insert_with(|| LineMap::new(&sources.get(span.file).text))
            .range(span.start, span.end)
    }

    fn location(&mut self, span: Span) -> Option<lsp::Location> {
        let uri = uri_of(&self.sources.get(span.file).path)?;
        Some(lsp::Location::new(uri, self.range(span)))
    }
}

/// The diagnostics to publish for the analyzed document: severity, code, `wf` as source, and
/// the labels as related information.
pub fn diagnostics(analysis: &DocumentAnalysis) -> Vec<lsp::Diagnostic> {
    let mut files = Files::new(&analysis.sources);
    analysis
        .document_diagnostics()
        .into_iter()
        .map(|d| {
            let related: Vec<lsp::DiagnosticRelatedInformation> = d
                .labels
                .iter()
                .filter_map(|l| {
                    Some(lsp::DiagnosticRelatedInformation {
                        location: files.location(l.span)?,
                        message: l.message.clone(),
                    })
                })
                .collect();
            lsp::Diagnostic {
                range: files.range(d.span),
                severity: Some(match d.severity {
                    Severity::Error => lsp::DiagnosticSeverity::ERROR,
                    Severity::Warning => lsp::DiagnosticSeverity::WARNING,
                    Severity::Info => lsp::DiagnosticSeverity::INFORMATION,
                }),
                code: Some(lsp::NumberOrString::String(d.code.to_string())),
                source: Some("wf".to_string()),
                message: d.message,
                related_information: (!related.is_empty()).then_some(related),
                ..Default::default()
            }
        })
        .collect()
}

/// Engine completions as LSP completion items.
pub fn completions(items: Vec<wf_engine::ide::Completion>) -> Vec<lsp::CompletionItem> {
    use wf_engine::ide::CompletionKind as K;
    items
        .into_iter()
        .map(|c| lsp::CompletionItem {
            kind: Some(match c.kind {
                K::Variable => lsp::CompletionItemKind::VARIABLE,
                K::Operator => lsp::CompletionItemKind::FUNCTION,
                K::Parameter => lsp::CompletionItemKind::PROPERTY,
                K::Directive => lsp::CompletionItemKind::KEYWORD,
                K::Value => lsp::CompletionItemKind::VALUE,
            }),
            detail: (!c.detail.is_empty()).then(|| c.detail.clone()),
            documentation: (!c.documentation.is_empty()).then(|| {
                lsp::Documentation::MarkupContent(lsp::MarkupContent {
                    kind: lsp::MarkupKind::Markdown,
                    value: c.documentation.clone(),
                })
            }),
            insert_text: Some(c.insert_text.clone()),
            insert_text_format: Some(if c.snippet {
                lsp::InsertTextFormat::SNIPPET
            } else {
                lsp::InsertTextFormat::PLAIN_TEXT
            }),
            label: c.label,
            ..Default::default()
        })
        .collect()
}

/// An engine hover as an LSP hover (markdown).
pub fn hover(analysis: &DocumentAnalysis, h: &wf_engine::ide::Hover) -> lsp::Hover {
    let mut files = Files::new(&analysis.sources);
    lsp::Hover {
        contents: lsp::HoverContents::Markup(lsp::MarkupContent {
            kind: lsp::MarkupKind::Markdown,
            value: h.markdown.clone(),
        }),
        range: Some(files.range(h.span)),
    }
}

/// Quick fixes for the diagnostics of the document that touch `range`: one code action per
/// fix a diagnostic carries (a rename of a misspelled name is marked preferred).
pub fn code_actions(
    analysis: &DocumentAnalysis,
    range: lsp::Range,
) -> Vec<lsp::CodeActionOrCommand> {
    let Some(doc) = analysis.file else {
        return Vec::new();
    };
    let mut files = Files::new(&analysis.sources);
    let Some(uri) = uri_of(&analysis.sources.get(doc).path) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for d in analysis.document_diagnostics() {
        if d.fixes.is_empty() || d.span.file != doc {
            continue;
        }
        let r = files.range(d.span);
        // Only diagnostics whose range meets the requested one.
        if r.end < range.start || r.start > range.end {
            continue;
        }
        let lsp_diagnostic = lsp::Diagnostic {
            range: r,
            code: Some(lsp::NumberOrString::String(d.code.to_string())),
            source: Some("wf".to_string()),
            message: d.message.clone(),
            ..Default::default()
        };
        for f in &d.fixes {
            if f.span.file != doc {
                continue;
            }
            let edit = lsp::TextEdit {
                range: files.range(f.span),
                new_text: f.replacement.clone(),
            };
            let mut changes = HashMap::new();
            changes.insert(uri.clone(), vec![edit]);
            out.push(lsp::CodeActionOrCommand::CodeAction(lsp::CodeAction {
                title: f.title.clone(),
                kind: Some(lsp::CodeActionKind::QUICKFIX),
                diagnostics: Some(vec![lsp_diagnostic.clone()]),
                edit: Some(lsp::WorkspaceEdit {
                    changes: Some(changes),
                    ..Default::default()
                }),
                is_preferred: Some(wf_engine::check::fix::is_safe(&d)),
                ..Default::default()
            }));
        }
    }
    out
}

/// The outline: tasks as nested document symbols, with the operator and full name as detail.
pub fn document_symbols(
    analysis: &DocumentAnalysis,
    symbols: &[Symbol],
) -> Vec<lsp::DocumentSymbol> {
    fn one(files: &mut Files<'_>, s: &Symbol) -> lsp::DocumentSymbol {
        let (kind, detail) = match &s.kind {
            SymbolKind::Group => (lsp::SymbolKind::NAMESPACE, s.full_name.clone()),
            SymbolKind::Operator(op) => {
                (lsp::SymbolKind::FUNCTION, format!("{op}> {}", s.full_name))
            }
        };
        let children: Vec<lsp::DocumentSymbol> = s.children.iter().map(|c| one(files, c)).collect();
        #[allow(deprecated)] // `deprecated` must be set to build the struct
        lsp::DocumentSymbol {
            name: s.name.clone(),
            detail: Some(detail),
            kind,
            tags: None,
            deprecated: None,
            range: files.range(s.range),
            selection_range: files.range(s.selection),
            children: (!children.is_empty()).then_some(children),
        }
    }
    let mut files = Files::new(&analysis.sources);
    symbols.iter().map(|s| one(&mut files, s)).collect()
}

/// A definition target as a link from what the cursor was on.
pub fn location_link(analysis: &DocumentAnalysis, target: &Target) -> Option<lsp::LocationLink> {
    let mut files = Files::new(&analysis.sources);
    let target_range = match target.span {
        Some(span) => files.range(span),
        None => lsp::Range::default(),
    };
    Some(lsp::LocationLink {
        origin_selection_range: Some(files.range(target.origin)),
        target_uri: uri_of(&target.path)?,
        target_range,
        target_selection_range: target_range,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use lsp::{Position, Range, TextDocumentContentChangeEvent};

    #[test]
    fn positions_count_utf16_units() {
        let text = "a: é𝄞x\r\nb: 1\n";
        let m = LineMap::new(text);
        // é is 2 bytes / 1 unit, 𝄞 is 4 bytes / 2 units.
        let x = text.find('x').unwrap() as u32;
        assert_eq!(m.position(x), Position::new(0, 6));
        assert_eq!(m.offset(Position::new(0, 6)), x);
        // Inside the surrogate pair: back to the character start.
        assert_eq!(m.offset(Position::new(0, 5)), x - 4);
        // Past the end of the line: the end of the line, before `\r\n`.
        assert_eq!(m.offset(Position::new(0, 99)), x + 1);
        assert_eq!(
            m.position(text.find('b').unwrap() as u32),
            Position::new(1, 0)
        );
        // Past the end of the text.
        assert_eq!(m.offset(Position::new(9, 0)), text.len() as u32);
        assert_eq!(m.position(9999), Position::new(2, 0));
        // Inside a multi-byte character: back to its start.
        assert_eq!(m.position(4), Position::new(0, 3));
    }

    #[test]
    fn range_edits() {
        let mut text = "+a:\n  sh>: é\n".to_string();
        let edit = |sl, sc, el, ec, t: &str| TextDocumentContentChangeEvent {
            range: Some(Range::new(Position::new(sl, sc), Position::new(el, ec))),
            range_length: None,
            text: t.to_string(),
        };
        apply_change(&mut text, edit(1, 7, 1, 8, "ok"));
        assert_eq!(text, "+a:\n  sh>: ok\n");
        apply_change(&mut text, edit(2, 0, 2, 0, "+b:\n  echo>: x"));
        assert_eq!(text, "+a:\n  sh>: ok\n+b:\n  echo>: x");
        apply_change(&mut text, edit(0, 1, 3, 2, "z"));
        assert_eq!(text, "+zecho>: x");
        // Reversed and out-of-range positions do not panic.
        apply_change(&mut text, edit(5, 5, 0, 0, "!"));
        assert_eq!(text, "+zecho>: x!");
        apply_change(
            &mut text,
            TextDocumentContentChangeEvent {
                range: None,
                range_length: None,
                text: "new".into(),
            },
        );
        assert_eq!(text, "new");
    }

    #[test]
    fn uris() {
        let uri: lsp::Uri = "file:///p/a%20b/wf.dig".parse().unwrap();
        assert_eq!(path_of(&uri), Some(PathBuf::from("/p/a b/wf.dig")));
        assert_eq!(uri_of(Path::new("/p/a b/wf.dig")), Some(uri));
        let untitled: lsp::Uri = "untitled:Untitled-1".parse().unwrap();
        assert_eq!(path_of(&untitled), None);
    }
}
