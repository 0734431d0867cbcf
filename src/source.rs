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
    /// The encoding the bytes were decoded from (`UTF-8`, `UTF-16LE`, `GB18030`, `Big5`, …).
    pub encoding: &'static str,
    lines: LineIndex,
}

/// Why a file could not be turned into a [`Source`].
#[derive(Debug)]
pub enum ReadError {
    Io(std::io::Error),
    /// NUL bytes without a UTF-16 byte order mark: not a text file. Callers skip it with a note.
    Binary,
    /// Not valid in the encoding that was detected or asked for.
    Undecodable {
        encoding: &'static str,
    },
}

impl std::fmt::Display for ReadError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ReadError::Io(e) => write!(f, "{e}"),
            ReadError::Binary => write!(f, "binary file (NUL bytes and no UTF-16 byte order mark), skipped"),
            ReadError::Undecodable { encoding } => write!(
                f,
                "cannot decode the file as {encoding}; name its encoding with --encoding (utf-8, utf-16le, utf-16be, gb18030, big5)"
            ),
        }
    }
}

/// Decode a file's bytes. The order of detection: a byte order mark (UTF-8, UTF-16LE/BE),
/// then valid UTF-8, then binary (NUL bytes), then a legacy encoding guessed by chardetng
/// (GB18030 for Simplified drafts, Big5 for Traditional ones, …). `forced` skips the guess.
pub fn decode(
    bytes: &[u8],
    forced: Option<&'static encoding_rs::Encoding>,
) -> Result<(String, &'static str), ReadError> {
    use encoding_rs::{Encoding, UTF_16BE, UTF_16LE, UTF_8};
    if let Some((enc, bom_len)) = Encoding::for_bom(bytes) {
        if forced.is_none() || forced == Some(enc) {
            return decode_with(enc, &bytes[bom_len..]);
        }
    }
    if let Some(enc) = forced {
        let body = if enc == UTF_8 {
            bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes)
        } else {
            bytes
        };
        return decode_with(enc, body);
    }
    if let Ok(s) = std::str::from_utf8(bytes) {
        return Ok((s.to_string(), UTF_8.name()));
    }
    if bytes.contains(&0) {
        // UTF-16 without a BOM is rare in drafts; treat NUL bytes as binary.
        let _ = (UTF_16LE, UTF_16BE);
        return Err(ReadError::Binary);
    }
    let mut det = chardetng::EncodingDetector::new(chardetng::Iso2022JpDetection::Deny);
    det.feed(bytes, true);
    let guess = det.guess(None, chardetng::Utf8Detection::Deny);
    // GB18030 is the superset of GBK that Chinese tools write today.
    let guess = if guess == encoding_rs::GBK {
        encoding_rs::GB18030
    } else {
        guess
    };
    decode_with(guess, bytes)
}

fn decode_with(
    enc: &'static encoding_rs::Encoding,
    bytes: &[u8],
) -> Result<(String, &'static str), ReadError> {
    match enc.decode_without_bom_handling_and_without_replacement(bytes) {
        Some(text) => Ok((text.into_owned(), enc.name())),
        None => Err(ReadError::Undecodable {
            encoding: enc.name(),
        }),
    }
}

/// An encoding named on the command line or in a config (`gb18030`, `gbk`, `big5`, …).
pub fn encoding_by_label(label: &str) -> Option<&'static encoding_rs::Encoding> {
    encoding_rs::Encoding::for_label(label.trim().as_bytes())
}

impl Source {
    /// Build a source from text already in memory (tests). A leading BOM is removed.
    pub fn new(path: impl Into<PathBuf>, text: impl Into<String>) -> Source {
        let mut text = text.into();
        if text.starts_with('\u{feff}') {
            text.drain(..'\u{feff}'.len_utf8());
        }
        let lines = LineIndex::new(&text);
        Source {
            path: path.into(),
            text,
            encoding: "UTF-8",
            lines,
        }
    }

    /// Decode raw bytes (see [`decode`]).
    pub fn from_bytes(path: impl Into<PathBuf>, bytes: Vec<u8>) -> Result<Source, ReadError> {
        Source::from_bytes_as(path, bytes, None)
    }

    /// Decode raw bytes, in `forced` encoding when given.
    pub fn from_bytes_as(
        path: impl Into<PathBuf>,
        bytes: Vec<u8>,
        forced: Option<&'static encoding_rs::Encoding>,
    ) -> Result<Source, ReadError> {
        // Most drafts are UTF-8 without a byte order mark: take the bytes as they are
        // instead of copying them (what `decode` would find too).
        let bytes = if forced.is_none() && encoding_rs::Encoding::for_bom(&bytes).is_none() {
            match String::from_utf8(bytes) {
                Ok(text) => {
                    let mut s = Source::new(path, text);
                    s.encoding = encoding_rs::UTF_8.name();
                    return Ok(s);
                }
                Err(e) => e.into_bytes(),
            }
        } else {
            bytes
        };
        let (text, encoding) = decode(&bytes, forced)?;
        let mut s = Source::new(path, text);
        s.encoding = encoding;
        Ok(s)
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
    starts: Starts,
}

/// Line starts in 32 bits when the text allows (every text under 4 GiB): half the memory
/// of a long draft's index.
#[derive(Debug, Clone)]
enum Starts {
    Small(Vec<u32>),
    Large(Vec<usize>),
}

impl Starts {
    fn len(&self) -> usize {
        match self {
            Starts::Small(v) => v.len(),
            Starts::Large(v) => v.len(),
        }
    }

    fn get(&self, i: usize) -> Option<usize> {
        match self {
            Starts::Small(v) => v.get(i).map(|&x| x as usize),
            Starts::Large(v) => v.get(i).copied(),
        }
    }

    /// The number of starts at or before `offset`.
    fn count_le(&self, offset: usize) -> usize {
        match self {
            Starts::Small(v) => v.partition_point(|&x| x as usize <= offset),
            Starts::Large(v) => v.partition_point(|&x| x <= offset),
        }
    }
}

impl LineIndex {
    pub fn new(text: &str) -> LineIndex {
        let bytes = text.as_bytes();
        let ends = memchr::memchr2_iter(b'\n', b'\r', bytes)
            .filter(|&i| bytes[i] == b'\n' || bytes.get(i + 1) != Some(&b'\n'))
            .map(|i| i + 1);
        let starts = if u32::try_from(bytes.len()).is_ok() {
            let mut v: Vec<u32> = std::iter::once(0).chain(ends.map(|i| i as u32)).collect();
            v.shrink_to_fit();
            Starts::Small(v)
        } else {
            Starts::Large(std::iter::once(0).chain(ends).collect())
        };
        LineIndex { starts }
    }

    /// The 0-based line holding `offset`.
    pub fn line_of(&self, offset: usize) -> usize {
        // The first start is 0, so at least one start is at or before any offset.
        self.starts.count_le(offset) - 1
    }

    pub fn line_start(&self, line: usize) -> usize {
        self.starts.get(line).expect("a line of the text")
    }

    pub fn line_count(&self) -> usize {
        self.starts.len()
    }

    /// The byte range of a 0-based line, without its terminator.
    pub fn line_range(&self, text: &str, line: usize) -> Span {
        let start = self.line_start(line);
        let mut end = self.starts.get(line + 1).unwrap_or(text.len());
        let bytes = text.as_bytes();
        while end > start && matches!(bytes[end - 1], b'\n' | b'\r') {
            end -= 1;
        }
        start..end
    }

    pub fn line_col(&self, text: &str, offset: usize) -> (usize, usize) {
        let offset = offset.min(text.len());
        let line = self.line_of(offset);
        let start = self.line_start(line);
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
    fn utf16_with_bom_is_decoded() {
        let mut le = vec![0xff, 0xfe];
        for u in "甲方：___".encode_utf16() {
            le.extend(u.to_le_bytes());
        }
        let s = Source::from_bytes("x.md", le).unwrap();
        assert_eq!(s.text, "甲方：___");
        assert_eq!(s.encoding, "UTF-16LE");
        let mut be = vec![0xfe, 0xff];
        for u in "乙方".encode_utf16() {
            be.extend(u.to_be_bytes());
        }
        assert_eq!(Source::from_bytes("x.md", be).unwrap().text, "乙方");
    }

    #[test]
    fn gb18030_and_big5_are_detected() {
        let text = "甲方应在本协议签订后十五个工作日内支付服务费用。如补充协议与本协议不一致的，以补充协议为准。";
        let (gbk, _, _) = encoding_rs::GB18030.encode(text);
        let s = Source::from_bytes("x.md", gbk.into_owned()).unwrap();
        assert_eq!(s.text, text);
        assert_eq!(s.encoding, "gb18030");
        let hant = "甲方應在本協議簽訂後十五個工作日內支付服務費用。如補充協議與本協議不一致的，以補充協議為準。";
        let (big5, _, _) = encoding_rs::BIG5.encode(hant);
        let s = Source::from_bytes("x.md", big5.into_owned()).unwrap();
        assert_eq!(s.text, hant);
        assert_eq!(s.encoding, "Big5");
    }

    #[test]
    fn nul_bytes_without_bom_are_binary() {
        assert!(matches!(
            Source::from_bytes("x.md", vec![0x89, b'P', b'N', b'G', 0, 0, 1]),
            Err(ReadError::Binary)
        ));
    }

    #[test]
    fn a_forced_encoding_that_does_not_fit_is_an_error() {
        let forced = encoding_by_label("utf-8");
        let err = Source::from_bytes_as("x.md", vec![0xbc, 0xd7, 0xff], forced);
        assert!(matches!(err, Err(ReadError::Undecodable { .. })));
    }
}
