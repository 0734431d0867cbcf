//! `--format short`: `path:line:col: severity[rule]: message`, one line per finding.

use std::io::{self, Write};

use super::{positions, shown_path, Emitter};
use crate::diagnostic::Diagnostic;
use crate::source::Source;

pub struct Short<'w> {
    out: &'w mut dyn Write,
}

impl<'w> Short<'w> {
    pub fn new(out: &'w mut dyn Write) -> Short<'w> {
        Short { out }
    }
}

impl Emitter for Short<'_> {
    fn file(&mut self, source: &Source, diagnostics: &[Diagnostic]) -> io::Result<()> {
        let path = shown_path(source);
        for d in diagnostics {
            let (l, c, _, _) = positions(source, &d.span);
            writeln!(
                self.out,
                "{path}:{l}:{c}: {}[{}]: {}",
                d.severity.as_str(),
                d.rule,
                d.message
            )?;
        }
        Ok(())
    }
}
