//! `--format full`: rustc-style diagnostics through codespan-reporting. The code is the
//! rule id, the primary label sits on the exact span and `help` becomes a note.

use std::io;

use codespan_reporting::diagnostic::{
    Diagnostic as CsDiagnostic, Label as CsLabel, Severity as CsSeverity,
};
use codespan_reporting::files::SimpleFile;
use codespan_reporting::term::termcolor::WriteColor;
use codespan_reporting::term::{self, Config};

use super::{shown_path, Emitter};
use crate::diagnostic::Diagnostic;
use crate::rules::Severity;
use crate::source::Source;

pub struct Full<'w> {
    out: &'w mut dyn WriteColor,
    config: Config,
}

impl<'w> Full<'w> {
    pub fn new(out: &'w mut dyn WriteColor) -> Full<'w> {
        Full {
            out,
            config: Config::default(),
        }
    }
}

pub(crate) fn severity(s: Severity) -> CsSeverity {
    match s {
        Severity::Error => CsSeverity::Error,
        Severity::Warning => CsSeverity::Warning,
        Severity::Info => CsSeverity::Note,
    }
}

pub(crate) fn to_codespan(d: &Diagnostic) -> CsDiagnostic<()> {
    let mut labels = vec![CsLabel::primary((), d.span.clone())];
    labels.extend(
        d.labels
            .iter()
            .map(|l| CsLabel::secondary((), l.span.clone()).with_message(l.message.clone())),
    );
    let mut notes = Vec::new();
    if let Some(h) = &d.help {
        notes.push(format!("help: {h}"));
    }
    CsDiagnostic::new(severity(d.severity))
        .with_code(d.rule.clone())
        .with_message(d.message.clone())
        .with_labels(labels)
        .with_notes(notes)
}

impl Emitter for Full<'_> {
    fn file(&mut self, source: &Source, diagnostics: &[Diagnostic]) -> io::Result<()> {
        let file = SimpleFile::new(shown_path(source), source.text.as_str());
        for d in diagnostics {
            // codespan slices the text: spans must lie on character boundaries.
            let mut d = d.clone();
            d.snap_to(&source.text);
            term::emit_to_write_style(&mut *self.out, &self.config, &file, &to_codespan(&d))
                .map_err(io::Error::other)?;
        }
        Ok(())
    }
}
