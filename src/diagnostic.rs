//! Findings, independent of how they are printed.

use crate::rules::Severity;
use crate::source::Span;

/// A secondary span with its own message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Label {
    pub span: Span,
    pub message: String,
}

/// One finding in one file. Spans are byte ranges into the source text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    pub rule: String,
    pub severity: Severity,
    pub message: String,
    pub help: Option<String>,
    pub span: Span,
    pub labels: Vec<Label>,
}

impl Diagnostic {
    /// Move the span and every label onto character boundaries inside `text`
    /// ([`crate::source::snap`]).
    pub fn snap_to(&mut self, text: &str) {
        self.span = crate::source::snap(text, self.span.clone());
        for l in &mut self.labels {
            l.span = crate::source::snap(text, l.span.clone());
        }
    }

    pub fn category(&self) -> &str {
        self.rule.split('/').next().unwrap_or(&self.rule)
    }
}
