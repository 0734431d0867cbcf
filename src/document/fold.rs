//! Folding for matching only: Traditional characters are mapped to Simplified ones of the
//! same UTF-8 length, so a folded text has exactly the byte offsets of the original and a
//! span found in it can be reported against the original bytes.

use std::collections::HashMap;
use std::sync::OnceLock;

static TABLE: &str = include_str!("t2s.txt");

fn table() -> &'static HashMap<char, char> {
    static MAP: OnceLock<HashMap<char, char>> = OnceLock::new();
    MAP.get_or_init(|| {
        TABLE
            .lines()
            .filter_map(|line| {
                let mut it = line.split(' ');
                let t = it.next()?.chars().next()?;
                let s = it.next()?.chars().next()?;
                // Only same-width pairs keep offsets stable.
                (t.len_utf8() == s.len_utf8()).then_some((t, s))
            })
            .collect()
    })
}

/// The Simplified form of one character, or the character itself.
pub fn fold_char(c: char) -> char {
    if (c as u32) < 0x2E80 {
        return c;
    }
    table().get(&c).copied().unwrap_or(c)
}

/// Fold a whole string (used for rule patterns, so that a Traditional pattern also matches).
pub fn fold_str(s: &str) -> String {
    s.chars().map(fold_char).collect()
}

/// Fold `text` in place into `out`, which must have the same length; only characters of
/// equal UTF-8 width are replaced, so every byte offset keeps its meaning.
pub fn fold_into(out: &mut String) {
    let mut bytes = std::mem::take(out).into_bytes();
    fold_bytes(&mut bytes);
    *out = String::from_utf8(bytes).expect("folding keeps UTF-8 valid");
}

/// The folded characters all lie in U+4E00..U+A000 (three UTF-8 bytes, lead byte E4-E9).
const DENSE_START: u32 = 0x4E00;
const DENSE_END: u32 = 0xA000;

/// `fold_char` for that range as a flat table: 0 means unchanged.
fn dense() -> &'static [u16] {
    static DENSE: OnceLock<Vec<u16>> = OnceLock::new();
    DENSE.get_or_init(|| {
        let mut v = vec![0u16; (DENSE_END - DENSE_START) as usize];
        for (&t, &s) in table() {
            let (t, s) = (t as u32, s as u32);
            if (DENSE_START..DENSE_END).contains(&t)
                && char::from_u32(s).map_or(0, char::len_utf8) == 3
            {
                v[(t - DENSE_START) as usize] = s as u16;
            }
        }
        v
    })
}

/// Fold UTF-8 text in place, byte for byte: every folded character has the same UTF-8
/// length as the original, so the bytes stay valid UTF-8 with every offset unchanged. This
/// is the hot path of building a document's scan text, so it walks bytes rather than chars.
pub fn fold_bytes(bytes: &mut [u8]) {
    debug_assert!(table()
        .keys()
        .all(|&c| (DENSE_START..DENSE_END).contains(&(c as u32))));
    let dense = dense();
    let n = bytes.len();
    let mut i = 0;
    while i < n {
        let b = bytes[i];
        if b < 0x80 {
            i += 1;
            continue;
        }
        if (0xE4..=0xE9).contains(&b) && i + 2 < n {
            let c = (u32::from(b & 0x0F) << 12)
                | (u32::from(bytes[i + 1] & 0x3F) << 6)
                | u32::from(bytes[i + 2] & 0x3F);
            if (DENSE_START..DENSE_END).contains(&c) {
                let s = u32::from(dense[(c - DENSE_START) as usize]);
                if s != 0 {
                    bytes[i] = 0xE0 | (s >> 12) as u8;
                    bytes[i + 1] = 0x80 | ((s >> 6) & 0x3F) as u8;
                    bytes[i + 2] = 0x80 | (s & 0x3F) as u8;
                }
            }
            i += 3;
            continue;
        }
        i += match b {
            0xF0.. => 4,
            0xE0.. => 3,
            _ => 2,
        };
    }
}

/// Invisible characters: zero-width spaces and joiners, the word joiner, a byte order mark
/// in mid-text, the soft hyphen, the Mongolian vowel separator.
fn is_invisible(c: char) -> bool {
    matches!(
        c,
        '\u{200B}'..='\u{200D}' | '\u{2060}' | '\u{FEFF}' | '\u{00AD}' | '\u{180E}'
    )
}

/// Unicode spaces other than the ideographic space U+3000 (which the packs list as a space
/// of its own): NBSP, the en/em/thin/hair spaces, the narrow NBSP, the math space.
fn is_other_space(c: char) -> bool {
    matches!(
        c,
        '\u{00A0}' | '\u{2000}'..='\u{200A}' | '\u{202F}' | '\u{205F}'
    )
}

/// Characters a blank is made of: an invisible character next to one of them stands for
/// more of the same, so `__\u{200B}__` is still one blank.
fn is_filler(c: char) -> bool {
    matches!(c, '_' | '＿' | '□' | '\u{3000}' | ' ' | '\t')
}

/// [`fold_spaces`] on UTF-8 bytes (a part of the scan text, cut at a character boundary).
/// Every character it folds is encoded with a lead byte C2, E1, E2 or EF, so text without
/// them is left at the cost of one byte search.
pub fn fold_spaces_in(bytes: &mut [u8]) {
    if !bytes
        .iter()
        .any(|&b| matches!(b, 0xC2 | 0xE1 | 0xE2 | 0xEF))
    {
        return;
    }
    let Ok(s) = std::str::from_utf8(bytes) else {
        debug_assert!(false, "a part of the scan text is UTF-8");
        return;
    };
    // Curly quotes share the lead byte E2: copy the part only when there is work to do.
    if !has_foldable_space(s) {
        return;
    }
    let mut t = s.to_string();
    fold_spaces(&mut t);
    bytes.copy_from_slice(t.as_bytes());
}

/// Does `s` hold a character [`fold_spaces`] changes?
fn has_foldable_space(s: &str) -> bool {
    !s.is_ascii() && s.chars().any(|c| is_invisible(c) || is_other_space(c))
}

/// Fold spaces and invisible characters in the scan text, in place and byte for byte:
///
/// - NBSP and the other Unicode spaces become ASCII spaces (one per byte), so that every
///   pattern that allows a space allows them (U+3000 stays: the packs write `[ \t　]`);
/// - an invisible character (U+200B, U+FEFF in mid-text, …) takes the form of the blank it
///   stands in, the character before it or else after it when that is `_`, `＿`, `□`,
///   U+3000 or a space, so that a zero-width space inside a blank does not split it; else
///   it becomes ASCII spaces.
///
/// ASCII spaces replace a multi-byte character, so a match may start or end inside one;
/// reported spans are snapped onto character boundaries ([`crate::source::snap`]).
pub fn fold_spaces(out: &mut String) {
    if !has_foldable_space(out) {
        return;
    }
    let text = out.as_str();
    let blank = |x: Option<char>| {
        x.filter(|&x| is_filler(x) || is_other_space(x)).map(|x| {
            if is_other_space(x) {
                ' '
            } else {
                x
            }
        })
    };
    let mut folded = String::with_capacity(text.len());
    // The last visible character, and the first visible one after the current run of
    // invisible ones (found once per run, so a long run stays linear).
    let mut last_visible: Option<char> = None;
    let mut run_end = 0;
    let mut next_visible: Option<char> = None;
    for (i, c) in text.char_indices() {
        if !is_invisible(c) {
            if is_other_space(c) {
                folded.extend(std::iter::repeat_n(' ', c.len_utf8()));
            } else {
                folded.push(c);
            }
            last_visible = Some(c);
            continue;
        }
        if run_end <= i {
            let rest = text[i..].char_indices().find(|&(_, x)| !is_invisible(x));
            run_end = rest.map_or(text.len(), |(j, _)| i + j);
            next_visible = rest.map(|(_, x)| x);
        }
        // The nearest visible character before, else after, if it is part of a blank.
        let filler = blank(last_visible).or_else(|| blank(next_visible));
        let len = c.len_utf8();
        match filler {
            Some(f) if len % f.len_utf8() == 0 => {
                folded.extend(std::iter::repeat_n(f, len / f.len_utf8()))
            }
            _ => folded.extend(std::iter::repeat_n(' ', len)),
        }
    }
    debug_assert_eq!(folded.len(), out.len());
    *out = folded;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn traditional_folds_to_simplified_with_same_length() {
        let t = "如補充協議與本協議不一致的，以補充協議為準";
        let s = fold_str(t);
        assert_eq!(s, "如补充协议与本协议不一致的，以补充协议为准");
        assert_eq!(s.len(), t.len());
    }

    #[test]
    fn byte_folding_agrees_with_char_folding() {
        let t = "如補充協議與本協議不一致的，以補充協議為準 a_b（）😀 乾隆 台灣 錢";
        let mut b = t.as_bytes().to_vec();
        fold_bytes(&mut b);
        assert_eq!(String::from_utf8(b).unwrap(), fold_str(t));
        // Every entry of the table, one after another.
        let all: String = table().keys().collect();
        let mut b = all.as_bytes().to_vec();
        fold_bytes(&mut b);
        assert_eq!(String::from_utf8(b).unwrap(), fold_str(&all));
    }

    #[test]
    fn spaces_and_invisible_characters_fold_byte_for_byte() {
        let fold = |s: &str| {
            let mut t = s.to_string();
            fold_spaces(&mut t);
            assert_eq!(t.len(), s.len(), "{s:?}");
            t
        };
        assert_eq!(fold("年\u{a0}月"), "年  月");
        assert_eq!(fold("a\u{2003}b\u{202f}c"), "a   b   c");
        assert_eq!(fold("年\u{3000}月"), "年\u{3000}月");
        assert_eq!(fold("__\u{200b}__"), "_______");
        assert_eq!(fold("＿\u{200b}＿"), "＿＿＿");
        assert_eq!(fold("（\u{200b}）"), "（   ）");
        assert_eq!(fold("签字：\u{feff}\u{200b}\n"), "签字：      \n");
        assert_eq!(fold("年\u{200b}__月"), "年_____月");
        assert_eq!(fold("甲\u{200d}方"), "甲   方");
        assert_eq!(fold("__\u{ad}_"), "_____");
        assert_eq!(fold("\u{3000}\u{200b}"), "\u{3000}\u{3000}");
        assert_eq!(fold("□\u{ad}"), "□  ");
        assert_eq!(fold("plain 甲方"), "plain 甲方");
    }

    #[test]
    fn ascii_and_full_width_punctuation_are_untouched() {
        assert_eq!(fold_str("a_b（）：，"), "a_b（）：，");
    }
}
