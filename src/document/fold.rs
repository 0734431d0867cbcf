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
    if !out
        .chars()
        .any(|c| (c as u32) >= 0x2E80 && table().contains_key(&c))
    {
        return;
    }
    let folded: String = out.chars().map(fold_char).collect();
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
    fn ascii_and_full_width_punctuation_are_untouched() {
        assert_eq!(fold_str("a_b（）：，"), "a_b（）：，");
    }
}
