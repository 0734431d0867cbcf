//! Output formats behind one interface. The library never prints on its own: `run` hands
//! each file's findings to an [`Emitter`], which writes to the writer it was given.

mod full;
mod github;
mod gitlab;
mod json;
mod json_lines;
mod junit;
pub mod sarif;
mod short;
mod summary;

use std::io::{self, Write};

use codespan_reporting::term::termcolor::WriteColor;

use crate::diagnostic::Diagnostic;
use crate::source::Source;

pub use full::Full;
pub use github::{
    escape_data as github_escape_data, escape_property as github_escape_property, Github,
};
pub use gitlab::Gitlab;
pub use json::{Json, JsonDiagnostic};
pub use json_lines::JsonLines;
pub use junit::Junit;
pub use sarif::{RuleMeta, Sarif};
pub use short::Short;
pub use summary::Summary as SummaryFormat;

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

/// One checked file as the run hands it to the emitters: its findings (sorted by position)
/// and, parallel to them, a stable fingerprint per finding (see [`crate::baseline`]).
#[derive(Debug, Clone)]
pub struct FileReport {
    pub source: Source,
    pub diagnostics: Vec<Diagnostic>,
    pub fingerprints: Vec<String>,
}

/// One output format.
pub trait Emitter {
    /// Called once per checked file, in sorted path order, even when it has no findings.
    fn file(&mut self, source: &Source, diagnostics: &[Diagnostic]) -> io::Result<()>;
    /// Called once per checked file by `check`; formats that need fingerprints override it.
    fn report(&mut self, report: &FileReport) -> io::Result<()> {
        self.file(&report.source, &report.diagnostics)
    }
    /// A file that could not be read or checked (after all files, in path order).
    fn file_error(&mut self, _path: &str, _message: &str) -> io::Result<()> {
        Ok(())
    }
    /// Called once at the end.
    fn finish(&mut self, _summary: &Summary) -> io::Result<()> {
        Ok(())
    }
}

/// The column of a byte offset in UTF-16 code units, 1-based (SARIF's `utf16CodeUnits`):
/// a Chinese character counts 1, a character outside the BMP counts 2.
pub(crate) fn utf16_column(source: &Source, offset: usize) -> usize {
    let offset = crate::source::snap(&source.text, offset..offset).start;
    let idx = source.line_index();
    let start = idx.line_start(idx.line_of(offset));
    source.text[start..offset].encode_utf16().count() + 1
}

/// The path as reported, with `/` separators on every platform (for URIs and fingerprints).
pub(crate) fn slash_path(source: &Source) -> String {
    let p = display_path(source);
    if std::path::MAIN_SEPARATOR == '\\' {
        p.replace('\\', "/")
    } else {
        p
    }
}

/// A stable 128-bit FNV-1a hash, hex-encoded. Stable across runs, platforms and Rust
/// versions (std's hasher promises none of these).
pub fn stable_hash(parts: &[&str]) -> String {
    const OFFSET: u128 = 0x6c62272e07bb014262b821756295c58d;
    const PRIME: u128 = 0x0000000001000000000000000000013B;
    let mut h = OFFSET;
    for (i, part) in parts.iter().enumerate() {
        if i > 0 {
            // A separator that cannot occur in UTF-8 text keeps ("ab","c") apart from ("a","bc").
            h ^= 0xff;
            h = h.wrapping_mul(PRIME);
        }
        for b in part.bytes() {
            h ^= u128::from(b);
            h = h.wrapping_mul(PRIME);
        }
    }
    format!("{h:032x}")
}

/// Emits the `full` format to a writer it owns (stdout with colour, or a file).
pub struct OwnedFull<'w> {
    out: Box<dyn WriteColor + 'w>,
}

impl<'w> OwnedFull<'w> {
    pub fn new(out: Box<dyn WriteColor + 'w>) -> OwnedFull<'w> {
        OwnedFull { out }
    }
}

impl Emitter for OwnedFull<'_> {
    fn file(&mut self, source: &Source, diagnostics: &[Diagnostic]) -> io::Result<()> {
        Full::new(&mut *self.out).file(source, diagnostics)
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

/// Text for line-oriented, human-readable output (full, short, summary, stderr): control
/// characters, which would break the line or reach the terminal (a newline or an escape
/// sequence in a file name), are written as Rust escapes (`\n`, `\t`, `\u{1b}`). Spaces,
/// colons and everything else are kept.
pub fn escape_controls(s: &str) -> std::borrow::Cow<'_, str> {
    if !s.chars().any(char::is_control) {
        return std::borrow::Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        if c.is_control() {
            out.extend(c.escape_debug());
        } else {
            out.push(c);
        }
    }
    std::borrow::Cow::Owned(out)
}

/// The path as the human-readable formats show it ([`escape_controls`]).
pub(crate) fn shown_path(source: &Source) -> String {
    escape_controls(&display_path(source)).into_owned()
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

/// Build the emitter for a format writing to `out`. `rules` feeds SARIF's rule list;
/// `step_summary` is where the github format appends its job summary.
pub fn make<'w>(
    format: crate::cli::Format,
    out: &'w mut dyn Write,
    color: bool,
    rules: &[RuleMeta],
    step_summary: Option<Box<dyn Write + 'w>>,
) -> Box<dyn Emitter + 'w> {
    use crate::cli::Format;
    use codespan_reporting::term::termcolor::{Ansi, NoColor};
    match format {
        Format::Full => {
            let w: Box<dyn WriteColor + 'w> = if color {
                Box::new(Ansi::new(out))
            } else {
                Box::new(NoColor::new(out))
            };
            Box::new(OwnedFull::new(w))
        }
        Format::Short => Box::new(Short::new(out)),
        Format::Json => Box::new(Json::new(out)),
        Format::Sarif => Box::new(Sarif::new(out, rules.to_vec())),
        Format::Github => Box::new(Github::new(out, step_summary)),
        Format::Gitlab => Box::new(Gitlab::new(out)),
        Format::Junit => Box::new(Junit::new(out)),
        Format::JsonLines => Box::new(JsonLines::new(out)),
        Format::Summary => Box::new(SummaryFormat::new(out)),
    }
}
