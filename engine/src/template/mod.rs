//! Digdag `${...}` templates: the grammar ([`parse`]), static analysis of expressions
//! ([`js`]), evaluation in a sandboxed JavaScript engine ([`eval`]) and the moment.js API
//! that templates use ([`moment`]).
//!
//! Offsets are UTF-8 byte offsets: within the template string for [`parse`] and the
//! `template_*` helpers below, within one expression's code for [`js`]. [`parse::ScalarMap`]
//! maps offsets within a YAML scalar's value to offsets in the file.

#![warn(missing_docs)]

pub mod eval;
pub mod js;
pub mod moment;
pub mod parse;

pub use eval::{render, EvalError, EvalErrorKind, EvalOptions, Evaluator};
pub use js::{analyze, check_syntax, Analysis, IssueKind, Reference, SyntaxIssue};
pub use parse::{parse, ScalarMap, ScalarStyle, Segment, Syntax};

/// The variables every `${...}` of `template` reads (extended syntax), with spans moved
/// from the expression to the template.
pub fn template_references(template: &str) -> Vec<Reference> {
    let mut out = Vec::new();
    for seg in parse(template) {
        let Some(at) = seg.code_range().map(|r| r.start) else {
            continue;
        };
        if let Segment::Expr { code, .. } = seg {
            for mut r in analyze(code).references {
                r.span = r.span.start + at..r.span.end + at;
                r.full_span = r.full_span.start + at..r.full_span.end + at;
                out.push(r);
            }
        }
    }
    out
}

/// Syntax problems of every `${...}` of `template` ([`check_syntax`]: ES2015+ constructs and
/// compile errors), with spans moved to the template.
pub fn template_issues(template: &str) -> Vec<SyntaxIssue> {
    let mut out = Vec::new();
    for seg in parse(template) {
        let Some(at) = seg.code_range().map(|r| r.start) else {
            continue;
        };
        if let Segment::Expr { code, .. } = seg {
            for mut issue in check_syntax(code) {
                issue.span = issue.span.start + at..issue.span.end + at;
                out.push(issue);
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn template_helpers_use_template_offsets() {
        let t = "x ${td.last_results.count} ${moment(session_time).format()}";
        let refs = template_references(t);
        let found: Vec<(&str, &str)> = refs
            .iter()
            .map(|r| (r.name.as_str(), &t[r.span.clone()]))
            .collect();
        assert_eq!(
            found,
            vec![
                ("td", "td"),
                ("moment", "moment"),
                ("session_time", "session_time")
            ]
        );
        assert_eq!(&t[refs[0].full_span.clone()], "td.last_results.count");
        assert!(template_issues(t).is_empty());

        let t = "a ${xs.map(x => x)} ${ok} ${f(}";
        let issues = template_issues(t);
        assert_eq!(issues.len(), 2, "{issues:?}");
        assert_eq!(issues[0].kind, IssueKind::Es2015);
        assert_eq!(&t[issues[0].span.clone()], "=>");
        assert_eq!(issues[1].kind, IssueKind::Syntax);
        assert_eq!(&t[issues[1].span.clone()], "f(");
        // `${secret:...}` and `${}` are not expressions to check.
        assert!(template_issues("${secret:a.b} ${}").is_empty());
    }
}
