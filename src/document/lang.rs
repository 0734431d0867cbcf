//! Per-clause language detection: a bilingual 中英对照 draft gets both packs.

use super::Clause;

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

pub fn is_han(c: char) -> bool {
    matches!(c as u32,
        0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xF900..=0xFAFF | 0x20000..=0x2FA1F | 0x3007)
}

/// (Han characters, English words of two or more letters)
fn counts(s: &str) -> (usize, usize) {
    let mut han = 0;
    let mut words = 0;
    let mut run = 0;
    for c in s.chars() {
        if c.is_ascii_alphabetic() {
            run += 1;
            continue;
        }
        if run >= 2 {
            words += 1;
        }
        run = 0;
        if is_han(c) {
            han += 1;
        }
    }
    if run >= 2 {
        words += 1;
    }
    (han, words)
}

pub fn detect(s: &str) -> LangSet {
    let (han, words) = counts(s);
    let mut set = LangSet::EMPTY;
    if han > 0 {
        set = set.union(LangSet::ZH);
    }
    if words >= 2 || (han == 0 && words == 1) {
        set = set.union(LangSet::EN);
    }
    set
}

/// The language of the document as a whole: the one with most text, or both when each has
/// at least a quarter of it.
pub fn majority(scan: &str, clauses: &[Clause]) -> LangSet {
    let (mut han, mut words) = (0, 0);
    for c in clauses {
        let (h, w) = counts(&scan[c.span.clone()]);
        han += h;
        words += w;
    }
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
