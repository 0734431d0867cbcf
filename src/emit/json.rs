//! `--format json`: one array of objects with fixed field names that tools downstream parse.

use std::io::{self, Write};

use serde::Serialize;

use super::{display_path, positions, Emitter, Summary};
use crate::diagnostic::{Diagnostic, Label};
use crate::source::Source;

/// A secondary span. `path` is the file it points into: the finding's own file, or the
/// template of a template finding.
#[derive(Serialize)]
pub struct JsonLabel {
    pub path: String,
    pub line: usize,
    pub column: usize,
    pub end_line: usize,
    pub end_column: usize,
    pub byte_start: usize,
    pub byte_end: usize,
    pub message: String,
}

impl JsonLabel {
    fn new(default: &Source, l: &Label) -> JsonLabel {
        let file = l.file.as_deref().unwrap_or(default);
        let (line, column, end_line, end_column) = positions(file, &l.span);
        JsonLabel {
            path: display_path(file),
            line,
            column,
            end_line,
            end_column,
            byte_start: l.span.start,
            byte_end: l.span.end,
            message: l.message.clone(),
        }
    }
}

/// Where a template finding points in its template.
#[derive(Serialize)]
pub struct JsonSpan {
    pub line: usize,
    pub column: usize,
    pub end_line: usize,
    pub end_column: usize,
    pub byte_start: usize,
    pub byte_end: usize,
}

/// The record of one finding. Lines and columns are 1-based, columns count characters,
/// `end_column` and `byte_end` are exclusive.
#[derive(Serialize)]
pub struct JsonDiagnostic {
    pub path: String,
    pub rule: String,
    pub severity: &'static str,
    pub message: String,
    pub help: Option<String>,
    pub line: usize,
    pub column: usize,
    pub end_line: usize,
    pub end_column: usize,
    pub byte_start: usize,
    pub byte_end: usize,
    pub labels: Vec<JsonLabel>,
    /// Template findings only: the template's path and the span of the template text.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub template_path: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub template_span: Option<JsonSpan>,
    /// Extra notes (a template finding's diff), when there are any.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<String>,
}

impl JsonDiagnostic {
    pub fn new(source: &Source, d: &Diagnostic) -> JsonDiagnostic {
        let path = display_path(source);
        let (line, column, end_line, end_column) = positions(source, &d.span);
        JsonDiagnostic {
            rule: d.rule.clone(),
            severity: d.severity.as_str(),
            message: d.message.clone(),
            help: d.help.clone(),
            line,
            column,
            end_line,
            end_column,
            byte_start: d.span.start,
            byte_end: d.span.end,
            labels: d.labels.iter().map(|l| JsonLabel::new(source, l)).collect(),
            template_path: d.other_file().map(|(f, _)| display_path(f)),
            template_span: d.other_file().map(|(f, l)| {
                let (line, column, end_line, end_column) = positions(f, &l.span);
                JsonSpan {
                    line,
                    column,
                    end_line,
                    end_column,
                    byte_start: l.span.start,
                    byte_end: l.span.end,
                }
            }),
            notes: d.notes.clone(),
            path,
        }
    }
}

/// Streams the array: `[` before the first record, `]` at the end.
pub struct Json<'w> {
    out: &'w mut dyn Write,
    first: bool,
}

impl<'w> Json<'w> {
    pub fn new(out: &'w mut dyn Write) -> Json<'w> {
        Json { out, first: true }
    }
}

impl Emitter for Json<'_> {
    fn file(&mut self, source: &Source, diagnostics: &[Diagnostic]) -> io::Result<()> {
        for d in diagnostics {
            let rec = JsonDiagnostic::new(source, d);
            self.out
                .write_all(if self.first { b"[\n  " } else { b",\n  " })?;
            self.first = false;
            serde_json::to_writer(&mut *self.out, &rec)?;
        }
        Ok(())
    }

    fn finish(&mut self, _summary: &Summary) -> io::Result<()> {
        if self.first {
            self.out.write_all(b"[]\n")
        } else {
            self.out.write_all(b"\n]\n")
        }
    }
}
