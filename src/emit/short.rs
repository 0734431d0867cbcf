//! `--format short`: `path:line:col: severity[rule]: message`, one line per finding. A
//! template finding ends with ` (template PATH:LINE:COL)`.

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
            write!(
                self.out,
                "{path}:{l}:{c}: {}[{}]: {}",
                d.severity.as_str(),
                d.rule,
                d.message
            )?;
            // A template finding also names where it points in the template.
            if let Some((f, label)) = d.other_file() {
                let (tl, tc, _, _) = positions(f, &label.span);
                write!(self.out, " (template {}:{tl}:{tc})", shown_path(f))?;
            }
            writeln!(self.out)?;
        }
        Ok(())
    }
}
