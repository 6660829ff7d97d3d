//! Applying the fixes diagnostics carry (`wf lint --fix`, editor code actions).

use crate::check::registry::{self, FixKind};
use crate::diagnostic::{Diagnostic, Fix};
use crate::source::FileId;

/// Whether `wf lint --fix` applies this diagnostic's fix: its rule's fixes only rename a
/// misspelled key, name or value to the one the rule is sure of ([`FixKind::Safe`] in the
/// registry), and it carries exactly one.
pub fn is_safe(d: &Diagnostic) -> bool {
    d.fixes.len() == 1 && registry::find(d.code).is_some_and(|r| r.fix == FixKind::Safe)
}

/// Applies `fixes` (all in one file) to `text`: non-overlapping edits only (the first one
/// wins), everything else byte-identical. Returns the new text and how many were applied.
pub fn apply(text: &str, fixes: &[&Fix]) -> (String, usize) {
    let mut edits: Vec<&Fix> = fixes
        .iter()
        .copied()
        .filter(|f| {
            let (s, e) = (f.span.start as usize, f.span.end as usize);
            s <= e && e <= text.len() && text.is_char_boundary(s) && text.is_char_boundary(e)
        })
        .collect();
    edits.sort_by_key(|f| (f.span.start, f.span.end));
    let mut out = String::with_capacity(text.len());
    let mut pos = 0usize;
    let mut applied = 0;
    for f in edits {
        let (s, e) = (f.span.start as usize, f.span.end as usize);
        if s < pos {
            continue; // overlaps an edit already applied
        }
        out.push_str(&text[pos..s]);
        out.push_str(&f.replacement);
        pos = e;
        applied += 1;
    }
    out.push_str(&text[pos..]);
    (out, applied)
}

/// The safe fixes of `diagnostics` in `file`.
pub fn safe_fixes_in(diagnostics: &[Diagnostic], file: FileId) -> Vec<&Fix> {
    diagnostics
        .iter()
        .filter(|d| is_safe(d))
        .flat_map(|d| d.fixes.iter())
        .filter(|f| f.span.file == file)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::Span;

    fn fix(start: u32, end: u32, r: &str) -> Fix {
        Fix {
            title: String::new(),
            span: Span::new(FileId(0), start, end),
            replacement: r.into(),
        }
    }

    #[test]
    fn applies_sorted_non_overlapping_edits() {
        let a = fix(0, 5, "_parallel");
        let b = fix(11, 13, "XY");
        let c = fix(12, 14, "overlaps");
        let (out, n) = apply("parel: a\n  cd: x", &[&b, &a, &c]);
        assert_eq!(n, 2);
        assert_eq!(out, "_parallel: a\n  XY: x");
    }
}
