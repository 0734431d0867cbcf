//! Per-clause language detection: a bilingual 中英对照 draft gets both packs.

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lang {
    Zh,
    En,
}

/// A small set of languages.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct LangSet(u8);

impl LangSet {
    pub const EMPTY: LangSet = LangSet(0);
    pub const ZH: LangSet = LangSet(1);
    pub const EN: LangSet = LangSet(2);
    pub const BOTH: LangSet = LangSet(3);

    pub fn parse(s: &str) -> Option<LangSet> {
        let l = s.trim().to_ascii_lowercase();
        if l == "zh" || l.starts_with("zh-") || l.starts_with("zh_") {
            Some(LangSet::ZH)
        } else if l == "en" || l.starts_with("en-") || l.starts_with("en_") {
            Some(LangSet::EN)
        } else if l == "both" {
            Some(LangSet::BOTH)
        } else {
            None
        }
    }
    pub fn is_empty(self) -> bool {
        self.0 == 0
    }
    pub fn union(self, o: LangSet) -> LangSet {
        LangSet(self.0 | o.0)
    }
    pub fn intersects(self, o: LangSet) -> bool {
        self.0 & o.0 != 0
    }
    pub fn contains(self, l: Lang) -> bool {
        self.intersects(LangSet::from(l))
    }
    pub fn names(self) -> Vec<&'static str> {
        let mut v = Vec::new();
        if self.contains(Lang::Zh) {
            v.push("zh");
        }
        if self.contains(Lang::En) {
            v.push("en");
        }
        v
    }
}

impl From<Lang> for LangSet {
    fn from(l: Lang) -> LangSet {
        match l {
            Lang::Zh => LangSet::ZH,
            Lang::En => LangSet::EN,
        }
    }
}

fn is_han_u32(c: u32) -> bool {
    matches!(c,
        0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xF900..=0xFAFF | 0x20000..=0x2FA1F | 0x3007)
}

/// (Han characters, English words of two or more letters). Walks bytes, decoding only the
/// characters that may be Han: it runs over every clause of every draft.
fn counts(s: &str) -> (usize, usize) {
    let b = s.as_bytes();
    let mut han = 0;
    let mut words = 0;
    let mut run = 0;
    let mut i = 0;
    while i < b.len() {
        let x = b[i];
        if x.is_ascii_alphabetic() {
            run += 1;
            i += 1;
            continue;
        }
        if run >= 2 {
            words += 1;
        }
        run = 0;
        // `s` is valid UTF-8, so a lead byte is followed by its continuation bytes. Lead
        // bytes E5-E9 (U+5000..U+9FFF) are always Han, E4 (U+4000..U+4FFF) unless it is a
        // Yijing hexagram (U+4DC0..U+4DFF): the common case needs no decoding.
        if (0xE5..=0xE9).contains(&x) || (x == 0xE4 && b[i + 1] != 0xB7) {
            han += 1;
            i += 3;
            continue;
        }
        let (c, len) = match x {
            0..=0x7F => (0, 1),
            0xE0..=0xEF => (
                (u32::from(x & 0x0F) << 12)
                    | (u32::from(b[i + 1] & 0x3F) << 6)
                    | u32::from(b[i + 2] & 0x3F),
                3,
            ),
            0xF0.. => (
                (u32::from(x & 0x07) << 18)
                    | (u32::from(b[i + 1] & 0x3F) << 12)
                    | (u32::from(b[i + 2] & 0x3F) << 6)
                    | u32::from(b[i + 3] & 0x3F),
                4,
            ),
            _ => (0, 2),
        };
        if is_han_u32(c) {
            han += 1;
        }
        i += len;
    }
    if run >= 2 {
        words += 1;
    }
    (han, words)
}

/// The languages of a clause, with the counts they come from (for the document's majority).
pub fn detect_counts(s: &str) -> (LangSet, (usize, usize)) {
    let (han, words) = counts(s);
    let mut set = LangSet::EMPTY;
    if han > 0 {
        set = set.union(LangSet::ZH);
    }
    if words >= 2 || (han == 0 && words == 1) {
        set = set.union(LangSet::EN);
    }
    (set, (han, words))
}

/// The language of the document as a whole, from the Han characters and English words of
/// every clause: the one with most text, or both when each has at least a quarter of it.
pub fn majority_of(han: usize, words: usize) -> LangSet {
    let zh = han;
    let en = words * 2;
    let total = zh + en;
    if total == 0 {
        return LangSet::BOTH;
    }
    match (zh * 4 >= total, en * 4 >= total) {
        (true, true) => LangSet::BOTH,
        (true, false) => LangSet::ZH,
        _ => LangSet::EN,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The char-by-char definition `counts` must agree with.
    fn counts_by_char(s: &str) -> (usize, usize) {
        let (mut han, mut words, mut run) = (0, 0, 0);
        for c in s.chars() {
            if c.is_ascii_alphabetic() {
                run += 1;
                continue;
            }
            if run >= 2 {
                words += 1;
            }
            run = 0;
            if is_han_u32(c as u32) {
                han += 1;
            }
        }
        if run >= 2 {
            words += 1;
        }
        (han, words)
    }

    #[test]
    fn byte_counts_agree_with_char_counts() {
        for s in [
            "",
            "甲方 Party A：张三 is a 〇 company𠀀𪚥ab",
            "é ü ß 한국어 日本語のテキスト ＡＢＣ x yz",
            "Party",
            "䷀䷁ 㐀䶵䶿 一鿿 〇 豈 𠀀 ꀀ",
            "乙方应在本协议签订后十五(15)个工作日内支付。",
        ] {
            assert_eq!(counts(s), counts_by_char(s), "{s}");
        }
    }
}
