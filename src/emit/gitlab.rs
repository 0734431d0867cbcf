//! `--format gitlab`: a GitLab Code Quality report, a JSON array of
//! `{description, check_name, fingerprint, severity, location: {path, lines: {begin, end}}}`.
//!
//! GitLab merges entries with equal fingerprints and compares fingerprints between the
//! base and the head of a merge request, so each fingerprint is unique within a run, stable
//! across runs, and does not change when unrelated lines move: it is the finding's baseline
//! key (path, rule, hash of the flagged clause, order in that clause; see
//! [`crate::baseline`]) plus its occurrence among identical keys, which tells two identical
//! clauses apart (two empty `法定代表人(签字)` lines) by their order in the file.

use std::collections::HashMap;
use std::io::{self, Write};

use serde_json::json;

use super::{positions, slash_path, stable_hash, Emitter, FileReport, Summary};
use crate::diagnostic::Diagnostic;
use crate::rules::Severity;
use crate::source::Source;

fn severity(s: Severity) -> &'static str {
    match s {
        Severity::Error => "major",
        Severity::Warning => "minor",
        Severity::Info => "info",
    }
}

pub struct Gitlab<'w> {
    out: &'w mut dyn Write,
    first: bool,
}

impl<'w> Gitlab<'w> {
    pub fn new(out: &'w mut dyn Write) -> Gitlab<'w> {
        Gitlab { out, first: true }
    }

    fn write(&mut self, source: &Source, d: &Diagnostic, fingerprint: &str) -> io::Result<()> {
        let (line, _, end_line, _) = positions(source, &d.span);
        let mut description = d.message.clone();
        if let Some(h) = &d.help {
            description.push_str(" (help: ");
            description.push_str(h);
            description.push(')');
        }
        let v = json!({
            "type": "issue",
            "description": description,
            "check_name": d.rule,
            "fingerprint": fingerprint,
            "severity": severity(d.severity),
            "location": {
                "path": slash_path(source),
                "lines": { "begin": line, "end": end_line },
            },
        });
        self.out
            .write_all(if self.first { b"[\n  " } else { b",\n  " })?;
        self.first = false;
        serde_json::to_writer(&mut *self.out, &v)?;
        Ok(())
    }
}

impl Emitter for Gitlab<'_> {
    /// Without fingerprints from the run (an embedding that calls `file` directly), the
    /// flagged line's text stands in for the clause.
    fn file(&mut self, source: &Source, diagnostics: &[Diagnostic]) -> io::Result<()> {
        let path = slash_path(source);
        let idx = source.line_index();
        let mut seen: HashMap<(String, String), usize> = HashMap::new();
        for d in diagnostics {
            let range = idx.line_range(&source.text, idx.line_of(d.span.start));
            let line: String = source.text[range]
                .split_whitespace()
                .collect::<Vec<_>>()
                .join(" ");
            let n = seen.entry((d.rule.clone(), line.clone())).or_insert(0);
            let fp = stable_hash(&[&path, &d.rule, &line, &n.to_string()]);
            *n += 1;
            self.write(source, d, &fp)?;
        }
        Ok(())
    }

    fn report(&mut self, report: &FileReport) -> io::Result<()> {
        if report.fingerprints.len() != report.diagnostics.len() {
            return self.file(&report.source, &report.diagnostics);
        }
        for (d, fp) in report.diagnostics.iter().zip(&report.fingerprints) {
            self.write(&report.source, d, fp)?;
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
