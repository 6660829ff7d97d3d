//! Semantic tokens: what each name in the document is, from the task model (task names,
//! operators, directives, parameters, `_export` variables) and the templates (`${` `}`,
//! variables read, `${secret:...}` keys).

use super::project::{template_pieces, TemplatePart};
use super::{DocumentAnalysis, View};
use crate::check::rules::all_tasks;
use crate::load::ValueKind;
use crate::model::TaskKind;
use crate::source::Span;
use crate::syntax::SyntaxKind;

/// What a token is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum TokenKind {
    /// A task name: a `+task` key or a name in `_after`.
    Task,
    /// An operator key (`td>`).
    Operator,
    /// A directive (`_retry`, `_export`, `timezone`, `schedule`, ...).
    Directive,
    /// A parameter of the task's operator.
    Parameter,
    /// A variable: an `_export` key, or a name read inside `${...}`.
    Variable,
    /// The key of `${secret:key}`.
    Secret,
    /// `${` and `}`.
    TemplateDelimiter,
}

/// One token of the document.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SemanticToken {
    /// Never spans a line break.
    pub span: Span,
    pub kind: TokenKind,
    /// Where the name is defined (a task key, an `_export` key).
    pub declaration: bool,
    /// A built-in variable.
    pub builtin: bool,
}

/// The semantic tokens of the document, sorted, not overlapping, each on one line.
pub fn semantic_tokens(analysis: &DocumentAnalysis) -> Vec<SemanticToken> {
    let (Some(doc), Some(model)) = (analysis.file, analysis.model.as_ref()) else {
        return Vec::new();
    };
    let view = View::of_analysis(analysis);
    let mut out: Vec<SemanticToken> = Vec::new();
    let mut push = |span: Span, kind: TokenKind, declaration: bool, builtin: bool| {
        if span.file == doc && span.start < span.end {
            out.push(SemanticToken {
                span,
                kind,
                declaration,
                builtin,
            });
        }
    };
    all_tasks(&model.root, &mut |t| {
        let is_root = std::ptr::eq(t, &model.root);
        if !is_root && t.name.starts_with('+') {
            push(t.name_span, TokenKind::Task, true, false);
        }
        for (_, span) in &t.options.after {
            push(*span, TokenKind::Task, false, false);
        }
        if let TaskKind::Operator { name_span, .. } = &t.kind {
            push(*name_span, TokenKind::Operator, false, false);
        }
        for (_, span) in &t.directive_keys {
            push(*span, TokenKind::Directive, false, false);
        }
        let operator_task = matches!(t.kind, TaskKind::Operator { .. });
        for e in &t.params {
            if operator_task && !e.key.ends_with('>') {
                push(e.key_span, TokenKind::Parameter, false, false);
            }
        }
        let mut parts = Vec::new();
        for e in &t.params {
            template_pieces(&view, &e.value, &mut parts);
        }
        if let Some(export) = &t.options.export {
            if let ValueKind::Object(o) = &export.kind {
                for e in &o.entries {
                    push(e.key_span, TokenKind::Variable, true, false);
                }
            }
            template_pieces(&view, export, &mut parts);
        }
        for part in parts {
            match part {
                TemplatePart::Delimiter(p) if p.exact => {
                    push(p.span, TokenKind::TemplateDelimiter, false, false)
                }
                TemplatePart::Variable { name, root, .. } if root.exact => {
                    let builtin = crate::schema::builtin_variable(&name).is_some();
                    push(root.span, TokenKind::Variable, false, builtin);
                }
                TemplatePart::Secret { piece, .. } if piece.exact => {
                    push(piece.span, TokenKind::Secret, false, false)
                }
                _ => {}
            }
        }
    });
    // Top-level keys the model keeps as options: `timezone`, `schedule`, `sla`.
    let root = view.tree(doc);
    for entry in root.descendants().filter(|n| n.kind() == SyntaxKind::ENTRY) {
        let depth = entry
            .ancestors()
            .filter(|a| {
                matches!(
                    a.kind(),
                    SyntaxKind::BLOCK_MAP | SyntaxKind::FLOW_MAP | SyntaxKind::BLOCK_SEQ
                )
            })
            .count();
        if depth != 1 {
            continue;
        }
        let Some(key) = entry.children().find(|c| c.kind() == SyntaxKind::KEY) else {
            continue;
        };
        let text = key.text().to_string();
        if matches!(text.trim(), "timezone" | "schedule" | "sla") {
            let r = key.text_range();
            let lead = (text.len() - text.trim_start().len()) as u32;
            let start = u32::from(r.start()) + lead;
            push(
                Span::new(doc, start, start + text.trim().len() as u32),
                TokenKind::Directive,
                false,
                false,
            );
        }
    }
    let text = &analysis.sources.get(doc).text;
    out.retain(|t| {
        text.get(t.span.range())
            .is_some_and(|s| !s.contains(['\n', '\r']))
    });
    out.sort_by_key(|t| (t.span.start, std::cmp::Reverse(t.span.end)));
    let mut kept: Vec<SemanticToken> = Vec::with_capacity(out.len());
    for t in out {
        if kept.last().is_none_or(|l| l.span.end <= t.span.start) {
            kept.push(t);
        }
    }
    kept
}
