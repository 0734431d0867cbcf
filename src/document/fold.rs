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
    fn ascii_and_full_width_punctuation_are_untouched() {
        assert_eq!(fold_str("a_b（）：，"), "a_b（）：，");
    }
}
