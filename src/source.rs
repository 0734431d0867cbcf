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
        /// The byte offset of the first invalid sequence, and its 1-based line.
        at: usize,
        line: usize,
    },
    /// Larger than `--max-file-size`.
    TooLarge {
        size: u64,
        limit: u64,
    },
}

impl std::fmt::Display for ReadError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ReadError::Io(e) => write!(f, "{e}"),
            ReadError::Binary => write!(
                f,
                "binary file (NUL bytes and no UTF-16 byte order mark), skipped; if it is UTF-16 text, name it with --encoding utf-16le or utf-16be"
            ),
            ReadError::Undecodable { encoding, at, line } => write!(
                f,
                "cannot decode the file as {encoding} (invalid bytes at byte {at}, line {line}); name its encoding with --encoding (utf-8, utf-16le, utf-16be, gb18030, big5)"
            ),
            ReadError::TooLarge { size, limit } => write!(
                f,
                "file is {} ({size} bytes), larger than --max-file-size {} ({limit} bytes); not read",
                human_size(*size),
                human_size(*limit)
            ),
        }
    }
}

/// A size as people write it: `256 MiB`, `1.5 GiB`, `12 KiB`, `300 B`.
pub fn human_size(n: u64) -> String {
    const UNITS: [&str; 4] = ["KiB", "MiB", "GiB", "TiB"];
    if n < 1024 {
        return format!("{n} B");
    }
    let mut v = n as f64 / 1024.0;
    let mut u = 0;
    while v >= 1024.0 && u + 1 < UNITS.len() {
        v /= 1024.0;
        u += 1;
    }
    if v.fract() == 0.0 {
        format!("{v:.0} {}", UNITS[u])
    } else {
        format!("{v:.1} {}", UNITS[u])
    }
}

/// Parse a size: a number of bytes with an optional unit `K`/`KB`/`KiB`, `M`…, `G`…, `T`…
/// (binary multiples: 1K = 1024 bytes), case-insensitive, spaces allowed.
pub fn parse_size(s: &str) -> Result<u64, String> {
    let t = s.trim();
    let split = t
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(t.len());
    let (num, unit) = t.split_at(split);
    let unit = unit.trim().to_ascii_lowercase();
    let mult: u64 = match unit.trim_end_matches("ib").trim_end_matches('b') {
        "" => 1,
        "k" => 1 << 10,
        "m" => 1 << 20,
        "g" => 1 << 30,
        "t" => 1 << 40,
        _ => {
            return Err(format!(
                "invalid size `{s}` (expected e.g. 256MiB, 10M, 4096)"
            ))
        }
    };
    if unit == "ib" {
        return Err(format!(
            "invalid size `{s}` (expected e.g. 256MiB, 10M, 4096)"
        ));
    }
    let v: f64 = num
        .parse()
        .map_err(|_| format!("invalid size `{s}` (expected e.g. 256MiB, 10M, 4096)"))?;
    let bytes = v * mult as f64;
    if !bytes.is_finite() || bytes < 1.0 || bytes > u64::MAX as f64 {
        return Err(format!("invalid size `{s}`: must be at least 1 byte"));
    }
    Ok(bytes as u64)
}

/// Decode a file's bytes. The order of detection:
///
/// 1. a byte order mark (UTF-8, UTF-16LE, UTF-16BE) always wins;
/// 2. `forced` UTF-16 (`--encoding utf-16le`), for files without a byte order mark;
/// 3. valid UTF-8 (a legacy-encoded Chinese text is never valid UTF-8, so this holds even
///    when a legacy encoding is forced);
/// 4. NUL bytes: UTF-16 without a byte order mark when the NULs fall as UTF-16 puts them
///    and the text decodes cleanly, else binary ([`ReadError::Binary`]);
/// 5. `forced` (`--encoding`, a config's `encoding`), else a legacy encoding guessed by
///    chardetng (GB18030 for Simplified drafts, Big5 for Traditional ones, …).
pub fn decode(
    bytes: &[u8],
    forced: Option<&'static encoding_rs::Encoding>,
) -> Result<(String, &'static str), ReadError> {
    use encoding_rs::{Encoding, UTF_16BE, UTF_16LE, UTF_8};
    if let Some((enc, bom_len)) = Encoding::for_bom(bytes) {
        return decode_with(enc, &bytes[bom_len..]);
    }
    if let Some(enc) = forced.filter(|e| *e == UTF_16LE || *e == UTF_16BE) {
        return decode_with(enc, bytes);
    }
    let utf8 = std::str::from_utf8(bytes);
    let has_nul = bytes.contains(&0);
    if let Ok(s) = utf8 {
        if !has_nul {
            return Ok((s.to_string(), UTF_8.name()));
        }
    }
    if has_nul {
        if let Some(r) = utf16_without_bom(bytes) {
            return Ok(r);
        }
        return match utf8 {
            // Valid UTF-8 with a stray NUL is still text (a silent skip would lose it).
            Ok(s) if forced.is_none_or(|f| f == UTF_8) && !looks_binary(bytes) => {
                Ok((s.to_string(), UTF_8.name()))
            }
            _ => Err(ReadError::Binary),
        };
    }
    if let Some(enc) = forced {
        return decode_with(enc, bytes);
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

/// NUL bytes beyond a stray one (more than one, and more than one in a hundred bytes), or
/// control bytes that text does not carry: a binary file even when it is valid UTF-8.
fn looks_binary(bytes: &[u8]) -> bool {
    let nul = bytes.iter().filter(|&&b| b == 0).count();
    let ctrl = bytes
        .iter()
        .filter(|&&b| b < 0x20 && !matches!(b, b'\t' | b'\n' | b'\r' | 0x0c | 0))
        .count();
    (nul > 1 && nul * 100 > bytes.len()) || ctrl * 20 > bytes.len()
}

/// UTF-16 without a byte order mark: NUL bytes mostly at odd offsets (LE: the high byte of
/// ASCII characters) or mostly at even ones (BE), and the text decodes with no error and no
/// control characters other than line breaks and tabs.
fn utf16_without_bom(bytes: &[u8]) -> Option<(String, &'static str)> {
    use encoding_rs::{UTF_16BE, UTF_16LE};
    if bytes.len() < 4 || bytes.len() % 2 != 0 {
        return None;
    }
    let even = bytes.iter().step_by(2).filter(|&&b| b == 0).count();
    let odd = bytes.iter().skip(1).step_by(2).filter(|&&b| b == 0).count();
    let enc = if odd >= 4 * even.max(1) {
        UTF_16LE
    } else if even >= 4 * odd.max(1) {
        UTF_16BE
    } else {
        return None;
    };
    let text = enc.decode_without_bom_handling_and_without_replacement(bytes)?;
    let clean = text
        .chars()
        .all(|c| !c.is_control() || matches!(c, '\t' | '\n' | '\r' | '\u{c}'));
    clean.then(|| (text.into_owned(), enc.name()))
}

fn decode_with(
    enc: &'static encoding_rs::Encoding,
    bytes: &[u8],
) -> Result<(String, &'static str), ReadError> {
    match enc.decode_without_bom_handling_and_without_replacement(bytes) {
        Some(text) => Ok((text.into_owned(), enc.name())),
        None => {
            let at = first_malformed(enc, bytes);
            let line = 1 + bytes[..at.min(bytes.len())]
                .iter()
                .filter(|&&b| b == b'\n')
                .count();
            Err(ReadError::Undecodable {
                encoding: enc.name(),
                at,
                line,
            })
        }
    }
}

/// The byte offset where the first malformed sequence starts (for the error message).
fn first_malformed(enc: &'static encoding_rs::Encoding, bytes: &[u8]) -> usize {
    use encoding_rs::DecoderResult;
    let mut dec = enc.new_decoder_without_bom_handling();
    let mut out = String::with_capacity(4096);
    let mut pos = 0;
    loop {
        out.clear();
        let (res, read) = dec.decode_to_string_without_replacement(&bytes[pos..], &mut out, true);
        match res {
            DecoderResult::InputEmpty => return bytes.len(),
            DecoderResult::OutputFull => pos += read,
            DecoderResult::Malformed(bad, _) => {
                return (pos + read).saturating_sub(usize::from(bad));
            }
        }
    }
}

/// `span` moved onto character boundaries of `text` (the start down, the end up) and into
/// the text. Patterns run on a scan text in which some multi-byte characters are stood in
/// for by ASCII bytes (masks, folded spaces), so a match may begin or end inside one of
/// them; every reported span goes through here.
pub fn snap(text: &str, span: Span) -> Span {
    let floor = |mut i: usize| {
        i = i.min(text.len());
        while !text.is_char_boundary(i) {
            i -= 1;
        }
        i
    };
    let start = floor(span.start);
    let mut end = span.end.clamp(start, text.len());
    while !text.is_char_boundary(end) {
        end += 1;
    }
    start..end
}

/// Read at most `limit` bytes from `r`; more is [`ReadError::TooLarge`] (`size` is then
/// the size known from metadata, or `limit + 1`).
pub fn read_limited(r: impl std::io::Read, limit: u64, size: u64) -> Result<Vec<u8>, ReadError> {
    use std::io::Read;
    if size > limit {
        return Err(ReadError::TooLarge { size, limit });
    }
    let mut bytes = Vec::with_capacity(usize::try_from(size).unwrap_or(0));
    r.take(limit.saturating_add(1))
        .read_to_end(&mut bytes)
        .map_err(ReadError::Io)?;
    if bytes.len() as u64 > limit {
        return Err(ReadError::TooLarge {
            size: size.max(bytes.len() as u64),
            limit,
        });
    }
    Ok(bytes)
}

/// Read a file, opened read-only, refusing more than `limit` bytes before reading them (by
/// its metadata) and while reading them (a device or a growing file).
pub fn read_file(path: &Path, limit: u64) -> Result<Vec<u8>, ReadError> {
    let f = std::fs::File::open(path).map_err(ReadError::Io)?;
    let size = f.metadata().map_err(ReadError::Io)?.len();
    read_limited(f, limit, size)
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
        // Most drafts are UTF-8 without a byte order mark or NUL byte: take the bytes as they
        // are instead of copying them (what `decode` would find too). A NUL byte may mean
        // UTF-16 without a byte order mark, or a binary file: `decode` tells which.
        let bytes = if forced.is_none()
            && encoding_rs::Encoding::for_bom(&bytes).is_none()
            && memchr::memchr(0, &bytes).is_none()
        {
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
        let offset = snap(text, offset..offset).start;
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
    fn spans_snap_onto_char_boundaries_inside_the_text() {
        let t = "甲a乙";
        assert_eq!(snap(t, 1..2), 0..3);
        assert_eq!(snap(t, 3..5), 3..7);
        assert_eq!(snap(t, 4..4), 4..4);
        assert_eq!(snap(t, 5..99), 4..7);
        assert_eq!(snap(t, 99..99), 7..7);
        assert_eq!(snap(t, std::ops::Range { start: 6, end: 2 }), 4..4);
        let s = Source::new("a.md", t);
        assert_eq!(s.line_col(2), (1, 1));
    }

    #[test]
    fn nul_bytes_without_bom_are_binary() {
        assert!(matches!(
            Source::from_bytes("x.md", vec![0x89, b'P', b'N', b'G', 0, 0, 1]),
            Err(ReadError::Binary)
        ));
    }

    #[test]
    fn a_forced_encoding_that_does_not_fit_is_an_error_with_its_position() {
        let forced = encoding_by_label("utf-8");
        let err = Source::from_bytes_as("x.md", b"ab\ncd\xbc\xd7\xff".to_vec(), forced);
        match err {
            Err(ReadError::Undecodable { encoding, at, line }) => {
                assert_eq!((encoding, at, line), ("UTF-8", 5, 2));
            }
            other => panic!("{other:?}"),
        }
        // GB18030: 0x81 0x20 is no valid pair.
        let forced = encoding_by_label("gb18030");
        let err = Source::from_bytes_as("x.md", b"\xc4\xe3\n\x81\x20".to_vec(), forced);
        assert!(
            matches!(err, Err(ReadError::Undecodable { at: 3, line: 2, .. })),
            "{err:?}"
        );
    }

    #[test]
    fn a_byte_order_mark_wins_over_a_forced_encoding_and_utf8_over_a_forced_legacy_one() {
        let gb = encoding_by_label("gb18030");
        let s = Source::from_bytes_as("x.md", "\u{feff}甲方".as_bytes().to_vec(), gb).unwrap();
        assert_eq!((s.text.as_str(), s.encoding), ("甲方", "UTF-8"));
        let s = Source::from_bytes_as("x.md", "乙方：____".as_bytes().to_vec(), gb).unwrap();
        assert_eq!((s.text.as_str(), s.encoding), ("乙方：____", "UTF-8"));
        let (bytes, _, _) = encoding_rs::GB18030.encode("乙方：____");
        let s = Source::from_bytes_as("x.md", bytes.into_owned(), gb).unwrap();
        assert_eq!((s.text.as_str(), s.encoding), ("乙方：____", "gb18030"));
    }

    #[test]
    fn utf16_without_bom_is_recognised_by_its_nul_bytes() {
        let text = "# 协议\n\n甲方：____\n一二三 Party A: ____\n";
        let le: Vec<u8> = text.encode_utf16().flat_map(|u| u.to_le_bytes()).collect();
        let be: Vec<u8> = text.encode_utf16().flat_map(|u| u.to_be_bytes()).collect();
        let s = Source::from_bytes("x.md", le.clone()).unwrap();
        assert_eq!((s.text.as_str(), s.encoding), (text, "UTF-16LE"));
        let s = Source::from_bytes("x.md", be).unwrap();
        assert_eq!((s.text.as_str(), s.encoding), (text, "UTF-16BE"));
        let forced = encoding_by_label("utf-16le");
        let s = Source::from_bytes_as("x.md", le, forced).unwrap();
        assert_eq!(s.text, text);
    }

    #[test]
    fn utf8_with_a_stray_nul_is_text_but_a_mostly_nul_file_is_binary() {
        let s = Source::from_bytes("x.md", "甲方：____\0\n".as_bytes().to_vec()).unwrap();
        assert_eq!(s.text, "甲方：____\0\n");
        assert!(matches!(
            Source::from_bytes("x.md", vec![0; 64]),
            Err(ReadError::Binary)
        ));
        assert!(matches!(
            Source::from_bytes("x.md", b"\x01\x02\x03\x00abc".to_vec()),
            Err(ReadError::Binary)
        ));
    }

    #[test]
    fn reading_stops_at_the_limit() {
        let data = [b'a'; 100];
        assert_eq!(read_limited(&data[..], 100, 0).unwrap().len(), 100);
        assert!(matches!(
            read_limited(&data[..], 99, 0),
            Err(ReadError::TooLarge {
                size: 100,
                limit: 99
            })
        ));
        assert!(matches!(
            read_limited(&data[..], 99, 5000),
            Err(ReadError::TooLarge {
                size: 5000,
                limit: 99
            })
        ));
        // An endless reader (a device) stops one byte past the limit.
        assert!(matches!(
            read_limited(std::io::repeat(b'x'), 1 << 20, 0),
            Err(ReadError::TooLarge { limit: 1048576, .. })
        ));
    }

    #[test]
    fn sizes_parse_with_binary_units() {
        assert_eq!(parse_size("256MiB"), Ok(256 << 20));
        assert_eq!(parse_size("256 mb"), Ok(256 << 20));
        assert_eq!(parse_size("10M"), Ok(10 << 20));
        assert_eq!(parse_size("1.5k"), Ok(1536));
        assert_eq!(parse_size("4096"), Ok(4096));
        assert_eq!(parse_size("2G"), Ok(2 << 30));
        assert!(parse_size("0").is_err());
        assert!(parse_size("ten").is_err());
        assert!(parse_size("5 parsecs").is_err());
        assert!(parse_size("iB").is_err());
        assert_eq!(human_size(256 << 20), "256 MiB");
        assert_eq!(human_size(1536), "1.5 KiB");
        assert_eq!(human_size(12), "12 B");
    }
}
