//! A checked file's text and the mapping from byte offsets to lines and columns.
//!
//! Everything inside clauselint works with byte ranges into [`Source::text`]; lines and
//! columns are computed only when a diagnostic is emitted.

use std::ops::Range;
use std::path::{Path, PathBuf};

/// A byte range into a source text.
pub type Span = Range<usize>;

/// The text of one draft, decoded to UTF-8, with a byte order mark removed.
#[derive(Debug, Clone)]
pub struct Source {
    /// The path as given on the command line or found by the walk (used in reports).
    pub path: PathBuf,
    /// The decoded text; byte offsets in diagnostics index into it.
    pub text: String,
    lines: LineIndex,
}

/// Why a file could not be turned into a [`Source`].
#[derive(Debug)]
pub enum ReadError {
    Io(std::io::Error),
    NotUtf8 { valid_up_to: usize },
}

impl std::fmt::Display for ReadError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ReadError::Io(e) => write!(f, "{e}"),
            ReadError::NotUtf8 { valid_up_to } => write!(
                f,
                "file is not valid UTF-8 (first invalid byte at offset {valid_up_to}); other encodings are not supported yet"
            ),
        }
    }
}

impl Source {
    /// Build a source from text already in memory (stdin, tests). A leading BOM is removed.
    pub fn new(path: impl Into<PathBuf>, text: impl Into<String>) -> Source {
        let mut text = text.into();
        if text.starts_with('\u{feff}') {
            text.drain(..'\u{feff}'.len_utf8());
        }
        let lines = LineIndex::new(&text);
        Source {
            path: path.into(),
            text,
            lines,
        }
    }

    /// Decode raw bytes read from a file.
    pub fn from_bytes(path: impl Into<PathBuf>, bytes: Vec<u8>) -> Result<Source, ReadError> {
        match String::from_utf8(bytes) {
            Ok(text) => Ok(Source::new(path, text)),
            Err(e) => Err(ReadError::NotUtf8 {
                valid_up_to: e.utf8_error().valid_up_to(),
            }),
        }
    }

    /// Read a file. The file is opened read-only and never written.
    pub fn read(path: &Path) -> Result<Source, ReadError> {
        let bytes = std::fs::read(path).map_err(ReadError::Io)?;
        Source::from_bytes(path, bytes)
    }

    pub fn line_index(&self) -> &LineIndex {
        &self.lines
    }

    /// 1-based line and 1-based column (in characters) of a byte offset.
    pub fn line_col(&self, offset: usize) -> (usize, usize) {
        self.lines.line_col(&self.text, offset)
    }
}

/// Start offsets of every line. `\n`, `\r\n` and a lone `\r` all end a line.
#[derive(Debug, Clone)]
pub struct LineIndex {
    starts: Vec<usize>,
}

impl LineIndex {
    pub fn new(text: &str) -> LineIndex {
        let bytes = text.as_bytes();
        let mut starts = vec![0];
        let mut i = 0;
        while i < bytes.len() {
            match bytes[i] {
                b'\n' => starts.push(i + 1),
                b'\r' if bytes.get(i + 1) != Some(&b'\n') => starts.push(i + 1),
                _ => {}
            }
            i += 1;
        }
        LineIndex { starts }
    }

    /// The 0-based line holding `offset`.
    pub fn line_of(&self, offset: usize) -> usize {
        match self.starts.binary_search(&offset) {
            Ok(i) => i,
            Err(i) => i - 1,
        }
    }

    pub fn line_start(&self, line: usize) -> usize {
        self.starts[line]
    }

    pub fn line_count(&self) -> usize {
        self.starts.len()
    }

    /// The byte range of a 0-based line, without its terminator.
    pub fn line_range(&self, text: &str, line: usize) -> Span {
        let start = self.starts[line];
        let mut end = self.starts.get(line + 1).copied().unwrap_or(text.len());
        let bytes = text.as_bytes();
        while end > start && matches!(bytes[end - 1], b'\n' | b'\r') {
            end -= 1;
        }
        start..end
    }

    pub fn line_col(&self, text: &str, offset: usize) -> (usize, usize) {
        let offset = offset.min(text.len());
        let line = self.line_of(offset);
        let start = self.starts[line];
        let col = text[start..offset].chars().count();
        (line + 1, col + 1)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bom_is_removed_and_offsets_start_after_it() {
        let s = Source::new("a.md", "\u{feff}甲方\n乙方");
        assert_eq!(s.text, "甲方\n乙方");
        assert_eq!(s.line_col(0), (1, 1));
        assert_eq!(s.line_col(7), (2, 1));
        assert_eq!(s.line_col(10), (2, 2));
    }

    #[test]
    fn crlf_and_lone_cr_end_lines() {
        let s = Source::new("a.md", "a\r\nb\rc\nd");
        assert_eq!(s.line_col(3), (2, 1));
        assert_eq!(s.line_col(5), (3, 1));
        assert_eq!(s.line_col(7), (4, 1));
        assert_eq!(s.line_index().line_range(&s.text, 0), 0..1);
    }

    #[test]
    fn invalid_utf8_is_an_error_not_a_guess() {
        let err = Source::from_bytes("x.md", vec![0xff, 0xfe, 0x41]);
        assert!(matches!(err, Err(ReadError::NotUtf8 { .. })));
    }
}
