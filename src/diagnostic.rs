//! Findings, independent of how they are printed.

use std::sync::Arc;

use crate::rules::Severity;
use crate::source::{Source, Span};

/// A secondary span with its own message.
///
/// A label points into the diagnostic's own file unless `file` names another one: a
/// template finding labels the draft (primary) and the template (secondary) in one
/// diagnostic. Every emitter must honour `file`; a span is meaningless in the wrong text.
#[derive(Debug, Clone)]
pub struct Label {
    pub span: Span,
    pub message: String,
    /// The file the span points into, when it is not the file being reported.
    pub file: Option<Arc<Source>>,
}

impl Label {
    /// A label in the diagnostic's own file.
    pub fn new(span: Span, message: impl Into<String>) -> Label {
        Label {
            span,
            message: message.into(),
            file: None,
        }
    }

    /// A label in another file (a template).
    pub fn in_file(file: Arc<Source>, span: Span, message: impl Into<String>) -> Label {
        Label {
            span,
            message: message.into(),
            file: Some(file),
        }
    }
}

impl PartialEq for Label {
    fn eq(&self, other: &Label) -> bool {
        self.span == other.span
            && self.message == other.message
            && match (&self.file, &other.file) {
                (None, None) => true,
                (Some(a), Some(b)) => Arc::ptr_eq(a, b) || a.path == b.path,
                _ => false,
            }
    }
}

impl Eq for Label {}

/// One finding in one file. Spans are byte ranges into the source text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    pub rule: String,
    pub severity: Severity,
    pub message: String,
    pub help: Option<String>,
    pub span: Span,
    pub labels: Vec<Label>,
    /// Extra notes printed after the labels (a template finding's diff). Empty for most
    /// findings.
    pub notes: Vec<String>,
}

impl Diagnostic {
    /// Move the span and every label onto character boundaries inside `text`, or inside
    /// the other file a label points into ([`crate::source::snap`]).
    pub fn snap_to(&mut self, text: &str) {
        self.span = crate::source::snap(text, self.span.clone());
        for l in &mut self.labels {
            let t = l.file.as_ref().map_or(text, |f| f.text.as_str());
            l.span = crate::source::snap(t, l.span.clone());
        }
    }

    pub fn category(&self) -> &str {
        self.rule.split('/').next().unwrap_or(&self.rule)
    }

    /// The other file a label points into (the template of a template finding), and the
    /// first such label.
    pub fn other_file(&self) -> Option<(&Arc<Source>, &Label)> {
        self.labels
            .iter()
            .find_map(|l| l.file.as_ref().map(|f| (f, l)))
    }
}
