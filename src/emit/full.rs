//! `--format full`: rustc-style diagnostics through codespan-reporting. The code is the
//! rule id, the primary label sits on the exact span and `help` becomes a note. Labels in
//! another file (a template) are shown with that file's own snippet in the same diagnostic.

use std::io;

use codespan_reporting::diagnostic::{
    Diagnostic as CsDiagnostic, Label as CsLabel, Severity as CsSeverity,
};
use codespan_reporting::files::SimpleFiles;
use codespan_reporting::term::termcolor::WriteColor;
use codespan_reporting::term::{self, Config};

use super::{escape_controls, shown_path, Emitter};
use crate::diagnostic::{Diagnostic, Label};
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

/// A diagnostic in codespan's terms. `file_of` gives the file id of a label: the reported
/// file for labels without a file of their own, the template's id for the others.
pub(crate) fn to_codespan<F: Copy>(
    d: &Diagnostic,
    own: F,
    file_of: impl Fn(&Label) -> F,
) -> CsDiagnostic<F> {
    let mut labels = vec![CsLabel::primary(own, d.span.clone())];
    labels.extend(
        d.labels.iter().map(|l| {
            CsLabel::secondary(file_of(l), l.span.clone()).with_message(l.message.clone())
        }),
    );
    let mut notes = d.notes.clone();
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
        // Most files have nothing to show: do not index their lines for nothing.
        if diagnostics.is_empty() {
            return Ok(());
        }
        // The reported file is id 0; files that labels point into (templates) are added as
        // they are met, once each, so that one diagnostic can show snippets of both.
        let mut files = SimpleFiles::new();
        let own = files.add(shown_path(source), source.text.as_str());
        let mut others: Vec<(&Source, usize)> = Vec::new();
        for d in diagnostics {
            for l in &d.labels {
                if let Some(f) = &l.file {
                    if !others.iter().any(|(o, _)| std::ptr::eq(*o, f.as_ref())) {
                        let id = files.add(
                            escape_controls(&f.path.display().to_string()).into_owned(),
                            f.text.as_str(),
                        );
                        others.push((f.as_ref(), id));
                    }
                }
            }
        }
        let file_of = |l: &Label| match &l.file {
            None => own,
            Some(f) => others
                .iter()
                .find(|(o, _)| std::ptr::eq(*o, f.as_ref()))
                .map_or(own, |(_, id)| *id),
        };
        for d in diagnostics {
            // codespan slices the text: spans must lie on character boundaries.
            let mut d = d.clone();
            d.snap_to(&source.text);
            term::emit_to_write_style(
                &mut *self.out,
                &self.config,
                &files,
                &to_codespan(&d, own, file_of),
            )
            .map_err(io::Error::other)?;
        }
        Ok(())
    }
}
