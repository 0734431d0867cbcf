//! `--format json`: one array of objects with fixed field names that tools downstream parse.

use std::io::{self, Write};

use serde::Serialize;

use super::{display_path, positions, Emitter, Summary};
use crate::diagnostic::Diagnostic;
use crate::source::Source;

#[derive(Serialize)]
pub struct JsonLabel {
    pub path: String,
    pub line: usize,
    pub column: usize,
    pub end_line: usize,
    pub end_column: usize,
    pub message: String,
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
            labels: d
                .labels
                .iter()
                .map(|l| {
                    let (line, column, end_line, end_column) = positions(source, &l.span);
                    JsonLabel {
                        path: path.clone(),
                        line,
                        column,
                        end_line,
                        end_column,
                        message: l.message.clone(),
                    }
                })
                .collect(),
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
