//! The one place where engine types meet LSP types: paths <-> URIs, UTF-8 byte offsets <->
//! UTF-16 positions (`line-index`), text edits, diagnostics, symbols and locations.

use line_index::{LineCol, LineIndex, TextSize, WideEncoding, WideLineCol};
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use tower_lsp_server::ls_types as lsp;
use wf_engine::ide::{
    DocumentAnalysis, Edits, Fold, FoldKind, HintKind, InlayHint, Occurrence, SemanticToken,
    Symbol, SymbolKind, Target, TokenKind, WorkspaceSymbol, WorkspaceSymbolKind,
};
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
    let target_range = match (target.span, &target.text) {
        (Some(span), Some(text)) => LineMap::new(text).range(span.start, span.end),
        (Some(span), None) => files.range(span),
        (None, _) => lsp::Range::default(),
    };
    Some(lsp::LocationLink {
        origin_selection_range: Some(files.range(target.origin)),
        target_uri: uri_of(&target.path)?,
        target_range,
        target_selection_range: target_range,
    })
}

/// The LSP range of a span of one of `sources`' files.
pub fn range_in(sources: &SourceMap, span: Span) -> lsp::Range {
    Files::new(sources).range(span)
}

/// The offset of an LSP position in the analyzed document (`None` when it could not be read).
pub fn offset_in(analysis: &DocumentAnalysis, position: lsp::Position) -> Option<u32> {
    let doc = analysis.file?;
    Some(LineMap::new(&analysis.sources.get(doc).text).offset(position))
}

/// Occurrences as locations (spans index `sources`).
pub fn locations(sources: &SourceMap, occurrences: &[Occurrence]) -> Vec<lsp::Location> {
    let mut files = Files::new(sources);
    occurrences
        .iter()
        .filter_map(|o| files.location(o.span))
        .collect()
}

/// Rename edits as a workspace edit, one list of edits per file.
pub fn workspace_edit(sources: &SourceMap, edits: &Edits) -> lsp::WorkspaceEdit {
    let mut files = Files::new(sources);
    let mut changes: HashMap<lsp::Uri, Vec<lsp::TextEdit>> = HashMap::new();
    for (span, text) in edits {
        let Some(uri) = uri_of(&sources.get(span.file).path) else {
            continue;
        };
        changes.entry(uri).or_default().push(lsp::TextEdit {
            range: files.range(*span),
            new_text: text.clone(),
        });
    }
    lsp::WorkspaceEdit {
        changes: Some(changes),
        ..Default::default()
    }
}

/// Occurrences in the document as highlights: definitions are writes, the rest reads.
pub fn highlights(
    analysis: &DocumentAnalysis,
    occurrences: &[Occurrence],
) -> Vec<lsp::DocumentHighlight> {
    let mut files = Files::new(&analysis.sources);
    occurrences
        .iter()
        .map(|o| lsp::DocumentHighlight {
            range: files.range(o.span),
            kind: Some(if o.definition {
                lsp::DocumentHighlightKind::WRITE
            } else {
                lsp::DocumentHighlightKind::READ
            }),
        })
        .collect()
}

/// Folding ranges (whole lines).
pub fn folding_ranges(folds: &[Fold]) -> Vec<lsp::FoldingRange> {
    folds
        .iter()
        .map(|f| lsp::FoldingRange {
            start_line: f.start_line,
            end_line: f.end_line,
            kind: Some(match f.kind {
                FoldKind::Region => lsp::FoldingRangeKind::Region,
                FoldKind::Comment => lsp::FoldingRangeKind::Comment,
            }),
            ..Default::default()
        })
        .collect()
}

/// Selection ranges: each chain (innermost first) as nested ranges.
pub fn selection_ranges(
    analysis: &DocumentAnalysis,
    chains: &[Vec<Span>],
) -> Vec<lsp::SelectionRange> {
    let mut files = Files::new(&analysis.sources);
    chains
        .iter()
        .map(|chain| {
            let mut out: Option<lsp::SelectionRange> = None;
            for span in chain.iter().rev() {
                out = Some(lsp::SelectionRange {
                    range: files.range(*span),
                    parent: out.map(Box::new),
                });
            }
            out.unwrap_or_default()
        })
        .collect()
}

/// The semantic token types, in legend order (see [`semantic_tokens`]).
const TOKEN_TYPES: [(TokenKind, lsp::SemanticTokenType); 7] = [
    (TokenKind::Task, lsp::SemanticTokenType::FUNCTION),
    (TokenKind::Operator, lsp::SemanticTokenType::KEYWORD),
    (TokenKind::Directive, lsp::SemanticTokenType::MACRO),
    (TokenKind::Parameter, lsp::SemanticTokenType::PROPERTY),
    (TokenKind::Variable, lsp::SemanticTokenType::VARIABLE),
    (TokenKind::Secret, lsp::SemanticTokenType::ENUM_MEMBER),
    (
        TokenKind::TemplateDelimiter,
        lsp::SemanticTokenType::OPERATOR,
    ),
];

/// The legend the server announces: task names are `function`s, operators `keyword`s,
/// directives `macro`s, parameters `property`s, variables `variable`s (`declaration` where
/// exported, `defaultLibrary` for built-ins), secret keys `enumMember`s, `${` `}` `operator`s.
pub fn semantic_tokens_legend() -> lsp::SemanticTokensLegend {
    lsp::SemanticTokensLegend {
        token_types: TOKEN_TYPES.iter().map(|(_, t)| t.clone()).collect(),
        token_modifiers: vec![
            lsp::SemanticTokenModifier::DECLARATION,
            lsp::SemanticTokenModifier::DEFAULT_LIBRARY,
        ],
    }
}

/// Engine tokens (sorted, one line each) in LSP's relative encoding with UTF-16 lengths.
pub fn semantic_tokens(
    analysis: &DocumentAnalysis,
    tokens: &[SemanticToken],
) -> lsp::SemanticTokens {
    let Some(doc) = analysis.file else {
        return lsp::SemanticTokens::default();
    };
    let text = &analysis.sources.get(doc).text;
    let map = LineMap::new(text);
    let mut data = Vec::with_capacity(tokens.len());
    let (mut line, mut col) = (0u32, 0u32);
    for t in tokens {
        let start = map.position(t.span.start);
        let length = text
            .get(t.span.range())
            .map_or(0, |s| s.encode_utf16().count() as u32);
        let Some(token_type) = TOKEN_TYPES.iter().position(|(k, _)| *k == t.kind) else {
            continue;
        };
        let delta_line = start.line - line;
        let delta_start = if delta_line == 0 {
            start.character - col
        } else {
            start.character
        };
        data.push(lsp::SemanticToken {
            delta_line,
            delta_start,
            length,
            token_type: token_type as u32,
            token_modifiers_bitset: u32::from(t.declaration) | (u32::from(t.builtin) << 1),
        });
        line = start.line;
        col = start.character;
    }
    lsp::SemanticTokens {
        result_id: None,
        data,
    }
}

/// Workspace symbols (spans index `sources`).
pub fn workspace_symbols(
    sources: &SourceMap,
    symbols: &[WorkspaceSymbol],
) -> Vec<lsp::WorkspaceSymbol> {
    let mut files = Files::new(sources);
    symbols
        .iter()
        .filter_map(|s| {
            let location = files.location(s.span)?;
            let (kind, detail) = match &s.kind {
                WorkspaceSymbolKind::Workflow => (lsp::SymbolKind::FILE, String::new()),
                WorkspaceSymbolKind::Group => (lsp::SymbolKind::NAMESPACE, String::new()),
                WorkspaceSymbolKind::Operator(op) => {
                    (lsp::SymbolKind::FUNCTION, format!(" ({op}>)"))
                }
            };
            Some(lsp::WorkspaceSymbol {
                name: s.name.clone(),
                kind,
                tags: None,
                container_name: Some(format!("{}{detail}", s.container)),
                location: lsp::OneOf::Left(location),
                data: None,
            })
        })
        .collect()
}

/// Inlay hints in `range` of the document, shown after the text they describe.
pub fn inlay_hints(
    analysis: &DocumentAnalysis,
    hints: &[InlayHint],
    range: lsp::Range,
) -> Vec<lsp::InlayHint> {
    let Some(doc) = analysis.file else {
        return Vec::new();
    };
    let map = LineMap::new(&analysis.sources.get(doc).text);
    hints
        .iter()
        .filter_map(|h| {
            let position = map.position(h.offset);
            if position < range.start || position > range.end {
                return None;
            }
            Some(lsp::InlayHint {
                position,
                label: lsp::InlayHintLabel::String(match h.kind {
                    HintKind::NextRun => h.label.clone(),
                    HintKind::Expansion => format!("→ {}", h.label),
                }),
                kind: None,
                text_edits: None,
                tooltip: Some(lsp::InlayHintTooltip::MarkupContent(lsp::MarkupContent {
                    kind: lsp::MarkupKind::Markdown,
                    value: h.tooltip.clone(),
                })),
                padding_left: Some(true),
                padding_right: None,
                data: None,
            })
        })
        .collect()
}

/// The command that shows the plan of a workflow (`wf.plan`, handled by the server).
pub const PLAN_COMMAND: &str = "wf.plan";
/// The command that runs a workflow (`wf.run`, handled by the client, e.g. with `wf run`).
pub const RUN_COMMAND: &str = "wf.run";

/// The code lenses of a workflow document: "Plan" and "Run" above its first line, each calling
/// its command with the document's URI.
pub fn code_lenses(uri: &lsp::Uri) -> Vec<lsp::CodeLens> {
    let at = lsp::Range::default();
    [("Plan", PLAN_COMMAND), ("Run", RUN_COMMAND)]
        .into_iter()
        .map(|(title, command)| lsp::CodeLens {
            range: at,
            command: Some(lsp::Command {
                title: title.to_string(),
                command: command.to_string(),
                arguments: Some(vec![serde_json::Value::String(uri.as_str().to_string())]),
            }),
            data: None,
        })
        .collect()
}

/// The semantic tokens last sent for each document, so that `semanticTokens/full/delta`
/// can answer with what changed since then.
#[derive(Debug, Default)]
pub struct SemanticTokensCache {
    next_id: u64,
    /// By document: the result id and the tokens sent with it.
    last: HashMap<PathBuf, (String, Vec<lsp::SemanticToken>)>,
}

impl SemanticTokensCache {
    /// Records `tokens` as the latest result for `path` and returns them with a new result
    /// id (`semanticTokens/full`).
    pub fn full(&mut self, path: &Path, mut tokens: lsp::SemanticTokens) -> lsp::SemanticTokens {
        tokens.result_id = Some(self.record(path, &tokens.data));
        tokens
    }

    /// The reply to `semanticTokens/full/delta`: the edits that turn the result `previous`
    /// into `tokens` when `previous` is the latest result sent for `path`, else `tokens` in
    /// full. Either way `tokens` become the latest result, under a new id.
    pub fn delta(
        &mut self,
        path: &Path,
        previous: &str,
        tokens: lsp::SemanticTokens,
    ) -> lsp::SemanticTokensFullDeltaResult {
        let edits = match self.last.get(path) {
            Some((id, old)) if id == previous => Some(semantic_token_edits(old, &tokens.data)),
            _ => None,
        };
        let result_id = Some(self.record(path, &tokens.data));
        match edits {
            Some(edits) => {
                lsp::SemanticTokensFullDeltaResult::TokensDelta(lsp::SemanticTokensDelta {
                    result_id,
                    edits,
                })
            }
            None => lsp::SemanticTokensFullDeltaResult::Tokens(lsp::SemanticTokens {
                result_id,
                data: tokens.data,
            }),
        }
    }

    /// Forgets a closed document.
    pub fn forget(&mut self, path: &Path) {
        self.last.remove(path);
    }

    fn record(&mut self, path: &Path, data: &[lsp::SemanticToken]) -> String {
        self.next_id += 1;
        let id = self.next_id.to_string();
        self.last
            .insert(path.to_path_buf(), (id.clone(), data.to_vec()));
        id
    }
}

/// The edits that turn the token list `old` into `new`: none when they are equal, else one
/// edit replacing what lies between their common prefix and common suffix (whole tokens;
/// positions count integers, five per token, as the protocol does). Since tokens are encoded
/// relative to the previous one, an edit in one place of a document changes only the tokens
/// there (and the line delta of the first one after it), so that one edit is small.
pub fn semantic_token_edits(
    old: &[lsp::SemanticToken],
    new: &[lsp::SemanticToken],
) -> Vec<lsp::SemanticTokensEdit> {
    let prefix = old.iter().zip(new).take_while(|(a, b)| a == b).count();
    let suffix = old[prefix..]
        .iter()
        .rev()
        .zip(new[prefix..].iter().rev())
        .take_while(|(a, b)| a == b)
        .count();
    let deleted = old.len() - prefix - suffix;
    let inserted = &new[prefix..new.len() - suffix];
    if deleted == 0 && inserted.is_empty() {
        return Vec::new();
    }
    vec![lsp::SemanticTokensEdit {
        start: (prefix * 5) as u32,
        delete_count: (deleted * 5) as u32,
        data: (!inserted.is_empty()).then(|| inserted.to_vec()),
    }]
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

    #[test]
    fn semantic_token_edits_turn_old_into_new() {
        let tok = |n: u32| lsp::SemanticToken {
            delta_line: n,
            delta_start: n % 3,
            length: 1 + n % 5,
            token_type: n % 7,
            token_modifiers_bitset: 0,
        };
        let apply = |old: &[lsp::SemanticToken], edits: &[lsp::SemanticTokensEdit]| {
            let mut out = old.to_vec();
            for e in edits.iter().rev() {
                let (start, count) = (e.start as usize / 5, e.delete_count as usize / 5);
                out.splice(start..start + count, e.data.clone().unwrap_or_default());
            }
            out
        };
        let base: Vec<lsp::SemanticToken> = (0..8).map(tok).collect();
        assert!(semantic_token_edits(&base, &base).is_empty());
        // Every way of replacing a slice of `base` by other tokens.
        for start in 0..=base.len() {
            for end in start..=base.len() {
                for inserted in 0..3u32 {
                    let mut new = base[..start].to_vec();
                    new.extend((0..inserted).map(|i| tok(100 + i)));
                    new.extend_from_slice(&base[end..]);
                    let edits = semantic_token_edits(&base, &new);
                    assert_eq!(apply(&base, &edits), new);
                    let changed = (end - start) as u32 + inserted;
                    assert_eq!(edits.len(), usize::from(changed > 0));
                    for e in &edits {
                        // Integers, five per token; never more than what changed.
                        assert_eq!(e.start % 5, 0);
                        assert!(e.delete_count <= (end - start) as u32 * 5);
                        assert!(e.data.as_ref().map_or(0, Vec::len) <= inserted as usize);
                    }
                }
            }
        }
        // Everything replaced, and from or to nothing.
        let other: Vec<lsp::SemanticToken> = (50..53).map(tok).collect();
        assert_eq!(apply(&base, &semantic_token_edits(&base, &other)), other);
        assert_eq!(apply(&[], &semantic_token_edits(&[], &other)), other);
        assert!(apply(&base, &semantic_token_edits(&base, &[])).is_empty());
    }

    #[test]
    fn semantic_tokens_cache_answers_deltas_for_the_latest_result_only() {
        let tok = |line: u32| lsp::SemanticToken {
            delta_line: line,
            length: 3,
            ..Default::default()
        };
        let tokens = |data: Vec<lsp::SemanticToken>| lsp::SemanticTokens {
            result_id: None,
            data,
        };
        let mut cache = SemanticTokensCache::default();
        let a = Path::new("/p/a.dig");
        let first = cache.full(a, tokens(vec![tok(0), tok(1)]));
        let id = first.result_id.clone().unwrap();
        let reply = cache.delta(a, &id, tokens(vec![tok(0), tok(2)]));
        let lsp::SemanticTokensFullDeltaResult::TokensDelta(delta) = reply else {
            panic!("expected a delta: {reply:?}");
        };
        assert_eq!(
            delta.edits,
            [lsp::SemanticTokensEdit {
                start: 5,
                delete_count: 5,
                data: Some(vec![tok(2)])
            }]
        );
        assert_ne!(delta.result_id.as_ref(), Some(&id));
        // The first id is superseded; another document's id does not apply either.
        for (path, previous) in [(a, id.as_str()), (Path::new("/p/b.dig"), "2")] {
            let reply = cache.delta(path, previous, tokens(vec![tok(0)]));
            assert!(
                matches!(reply, lsp::SemanticTokensFullDeltaResult::Tokens(ref t) if t.data == [tok(0)]),
                "{reply:?}"
            );
        }
        cache.forget(a);
        let reply = cache.delta(a, "4", tokens(vec![]));
        assert!(matches!(
            reply,
            lsp::SemanticTokensFullDeltaResult::Tokens(_)
        ));
    }
}
