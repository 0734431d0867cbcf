//! Output formats behind one interface. The library never prints on its own: `run` hands
//! each file's findings to an [`Emitter`], which writes to the writer it was given.

mod full;
mod json;
mod short;

use std::io::{self, Write};

use crate::diagnostic::Diagnostic;
use crate::source::Source;

pub use full::Full;
pub use json::Json;
pub use short::Short;

/// Totals over a run.
#[derive(Debug, Default, Clone, Copy)]
pub struct Summary {
    pub errors: usize,
    pub warnings: usize,
    pub infos: usize,
    pub files_checked: usize,
    pub files_with_findings: usize,
    pub file_errors: usize,
}

/// One output format.
pub trait Emitter {
    /// Called once per checked file, in sorted path order, even when it has no findings.
    fn file(&mut self, source: &Source, diagnostics: &[Diagnostic]) -> io::Result<()>;
    /// Called once at the end.
    fn finish(&mut self, _summary: &Summary) -> io::Result<()> {
        Ok(())
    }
}

/// Line and column (1-based, columns in characters) of both ends of a span; the end is
/// exclusive.
pub(crate) fn positions(
    source: &Source,
    span: &std::ops::Range<usize>,
) -> (usize, usize, usize, usize) {
    let (l, c) = source.line_col(span.start);
    let (el, ec) = source.line_col(span.end);
    (l, c, el, ec)
}

pub(crate) fn display_path(source: &Source) -> String {
    source.path.display().to_string()
}

pub(crate) fn write_summary(w: &mut dyn Write, s: &Summary) -> io::Result<()> {
    fn plural(n: usize, one: &str, many: &str) -> String {
        format!("{n} {}", if n == 1 { one } else { many })
    }
    let mut parts = vec![
        plural(s.errors, "error", "errors"),
        plural(s.warnings, "warning", "warnings"),
    ];
    if s.infos > 0 {
        parts.push(plural(s.infos, "info", "infos"));
    }
    writeln!(
        w,
        "{} in {}",
        parts.join(", "),
        plural(s.files_checked, "file", "files")
    )
}
