//! Hover: the documentation of what is under the cursor, from the catalog (`schema`): an
//! operator key (`td>`), a parameter of the task's operator, a directive (`_retry`), a
//! schedule kind or option, or a built-in variable inside `${...}`.

use super::DocumentAnalysis;
use crate::check::rules::all_tasks;
use crate::load::{Value, ValueKind};
use crate::model::TaskKind;
use crate::schema;
use crate::source::Span;

/// Hover text (markdown) and the span it describes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Hover {
    pub markdown: String,
    pub span: Span,
}

/// What to show for the document position `offset` (UTF-8 bytes).
pub fn hover_at(analysis: &DocumentAnalysis, offset: u32) -> Option<Hover> {
    let doc = analysis.file?;
    let model = analysis.model.as_ref()?;
    let at = |s: Span| s.file == doc && s.start <= offset && offset < s.end.max(s.start + 1);
    let mut found: Option<Hover> = None;
    all_tasks(&model.root, &mut |t| {
        if found.is_some() {
            return;
        }
        if let TaskKind::Operator {
            name, name_span, ..
        } = &t.kind
        {
            let spec = schema::operator(name);
            if at(*name_span) {
                found = spec.map(|s| Hover {
                    markdown: s.hover_markdown(),
                    span: *name_span,
                });
                return;
            }
            for e in &t.params {
                if at(e.key_span) {
                    found = spec.and_then(|s| s.param(&e.key)).map(|p| Hover {
                        markdown: p.hover_markdown(name),
                        span: e.key_span,
                    });
                    return;
                }
            }
        }
        for (key, span) in &t.directive_keys {
            if at(*span) {
                found = schema::directive(key).map(|d| Hover {
                    markdown: d.hover_markdown(),
                    span: *span,
                });
                return;
            }
        }
        // `${name}` in the task's values: built-in variables.
        for e in &t.params {
            if let Some(h) = variable_hover(analysis, &e.value, offset, &at) {
                found = Some(h);
                return;
            }
        }
    });
    if found.is_some() {
        return found;
    }
    // Schedule keys.
    if let Some(Value {
        kind: ValueKind::Object(o),
        ..
    }) = &model.root.options.schedule
    {
        for e in &o.entries {
            if at(e.key_span) {
                let h = match e.key.strip_suffix('>') {
                    Some(kind) => schema::schedule_kind(kind).map(|k| k.hover_markdown()),
                    None => schema::schedule_option(&e.key).map(|p| p.hover_markdown("schedule")),
                };
                return h.map(|markdown| Hover {
                    markdown,
                    span: e.key_span,
                });
            }
        }
    }
    None
}

/// The built-in variable under the cursor inside a string value, if any.
fn variable_hover(
    analysis: &DocumentAnalysis,
    v: &Value,
    offset: u32,
    at: &dyn Fn(Span) -> bool,
) -> Option<Hover> {
    match &v.kind {
        ValueKind::String(s) if s.contains("${") && at(v.span) => {
            let text = &analysis.sources.get(v.span.file).text;
            let is_ident = |c: char| c.is_ascii_alphanumeric() || c == '_';
            let o = (offset as usize).min(text.len());
            let start = text[..o].rfind(|c: char| !is_ident(c)).map_or(0, |i| i + 1);
            let end = text[o..]
                .find(|c: char| !is_ident(c))
                .map_or(text.len(), |i| o + i);
            let word = &text[start..end];
            let var = schema::builtin_variable(word)?;
            Some(Hover {
                markdown: var.hover_markdown(),
                span: Span::new(v.span.file, start as u32, end as u32),
            })
        }
        ValueKind::Array(items) => items
            .iter()
            .find_map(|i| variable_hover(analysis, i, offset, at)),
        ValueKind::Object(o) => o
            .entries
            .iter()
            .find_map(|e| variable_hover(analysis, &e.value, offset, at)),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ide::{analyze_document, OverlayFileSystem};
    use std::path::Path;

    fn hover(text_with_cursor: &str) -> Option<String> {
        let offset = text_with_cursor.find("$0").expect("cursor") as u32;
        let text = text_with_cursor.replace("$0", "");
        let mut fs =
            OverlayFileSystem::new(std::sync::Arc::new(crate::load::MemoryFileSystem::new()));
        fs.set(Path::new("/p/wf.dig"), text.into());
        let analysis = analyze_document(&fs, Path::new("/p/wf.dig"));
        hover_at(&analysis, offset).map(|h| h.markdown)
    }

    #[test]
    fn operator_parameter_directive_schedule_and_variable() {
        let op = hover("+a:\n  t$0d>: q.sql\n  database: x\n").expect("operator hover");
        assert!(op.contains("td>"), "{op}");
        let param = hover("+a:\n  td>: q.sql\n  eng$0ine: presto\n").expect("param hover");
        assert!(param.contains("presto"), "{param}");
        let dir = hover("+a:\n  _ret$0ry: 3\n  sh>: x\n").expect("directive hover");
        assert!(dir.contains("_retry"), "{dir}");
        let sched =
            hover("schedule:\n  dai$0ly>: 07:00:00\n+a:\n  echo>: x\n").expect("schedule hover");
        assert!(sched.contains("daily"), "{sched}");
        let var = hover("+a:\n  echo>: ${session_d$0ate}\n").expect("variable hover");
        assert!(var.contains("session_date"), "{var}");
        assert_eq!(hover("+a:\n  echo>: he$0llo\n"), None);
    }
}
