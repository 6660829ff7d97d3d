//! [`Diagnostic`]: what every check produces and every face shows.

use crate::source::Span;

/// How bad a problem is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Digdag would reject the workflow (or fail it at run time for certain).
    Error,
    /// Probably a mistake; digdag only logs it or fails later.
    Warning,
    /// A suggestion.
    Info,
}

impl Severity {
    /// `error`, `warning` or `info`.
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Info => "info",
        }
    }
}

/// A secondary location that explains a diagnostic (the first occurrence of a duplicate key, ...).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Label {
    pub span: Span,
    pub message: String,
}

/// A text edit that fixes a diagnostic.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Fix {
    /// What the fix does, shown in editors ("Replace with `_parallel`").
    pub title: String,
    /// The range to replace.
    pub span: Span,
    /// The new text.
    pub replacement: String,
}

/// One problem found in a workflow.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Diagnostic {
    /// Stable rule code from the registry ([`crate::check::registry`]).
    pub code: &'static str,
    pub severity: Severity,
    /// Where the problem is.
    pub span: Span,
    pub message: String,
    /// Related locations.
    pub labels: Vec<Label>,
    /// Suggested fixes.
    pub fixes: Vec<Fix>,
}

impl Diagnostic {
    /// A diagnostic of `rule` (severity from the registry) at `span`.
    pub fn new(rule: &crate::check::Rule, span: Span, message: impl Into<String>) -> Diagnostic {
        Diagnostic {
            code: rule.code,
            severity: rule.severity,
            span,
            message: message.into(),
            labels: Vec::new(),
            fixes: Vec::new(),
        }
    }

    /// Adds a related location.
    pub fn with_label(mut self, span: Span, message: impl Into<String>) -> Diagnostic {
        self.labels.push(Label {
            span,
            message: message.into(),
        });
        self
    }

    /// Adds a fix.
    pub fn with_fix(
        mut self,
        title: impl Into<String>,
        span: Span,
        replacement: impl Into<String>,
    ) -> Diagnostic {
        self.fixes.push(Fix {
            title: title.into(),
            span,
            replacement: replacement.into(),
        });
        self
    }
}
