//! Normalisation for matching only. A clause becomes a sequence of characters in which
//! punctuation width, whitespace, Markdown syntax (emphasis, escapes, link targets: what the
//! document model masks) and Traditional/Simplified forms no longer differ. Every character
//! keeps the byte range it came from, so whatever is found is reported on the original
//! bytes.

use crate::document::{fold, Document};
use crate::source::Span;

/// Stands for one blank (slot) of a template; never produced from draft text.
pub const SLOT: char = '\u{FFFC}';
/// Separates the cells of a table row.
pub const CELL: char = '\u{1F}';

/// A clause's compared text: one entry per character kept, with its original byte range.
#[derive(Debug, Clone, Default)]
pub struct Norm {
    pub chars: Vec<char>,
    pub spans: Vec<Span>,
}

impl Norm {
    pub fn len(&self) -> usize {
        self.chars.len()
    }

    pub fn is_empty(&self) -> bool {
        self.chars.is_empty()
    }

    pub fn has_slots(&self) -> bool {
        self.chars.contains(&SLOT)
    }

    /// Characters that are not slots or cell separators.
    pub fn literal_len(&self) -> usize {
        self.chars
            .iter()
            .filter(|&&c| c != SLOT && c != CELL)
            .count()
    }

    /// The original byte range of `range` (norm indices); empty at `at` when the range is
    /// empty, where `at` is the start of the char at `range.start` or the end of the last.
    pub fn byte_range(&self, range: &std::ops::Range<usize>) -> Span {
        if range.start < range.end {
            self.spans[range.start].start..self.spans[range.end - 1].end
        } else {
            let at = self.position(range.start);
            at..at
        }
    }

    /// The byte position before norm index `i` (or after the last char).
    pub fn position(&self, i: usize) -> usize {
        if i < self.spans.len() {
            self.spans[i].start
        } else {
            self.spans.last().map_or(0, |s| s.end)
        }
    }

    /// The original text of `range`, character by character (so Markdown syntax between
    /// them is left out), with each slot shown as the template wrote it. Whitespace that
    /// matching ignored (next to punctuation, around a slot, a line break) is shown as one
    /// space.
    pub fn original(&self, text: &str, range: std::ops::Range<usize>) -> String {
        let mut out = String::new();
        let mut prev_end: Option<usize> = None;
        for i in range {
            let span = &self.spans[i];
            if let Some(end) = prev_end {
                let gap = text.get(end..span.start).unwrap_or("");
                if self.chars[i] != ' '
                    && !out.ends_with(' ')
                    && gap.chars().any(char::is_whitespace)
                {
                    out.push(' ');
                }
            }
            match self.chars[i] {
                CELL => out.push_str(" | "),
                ' ' => out.push(' '),
                _ => out.push_str(&text[span.clone()]),
            }
            if span.end > span.start {
                prev_end = Some(span.end);
            }
        }
        out
    }

    fn push(&mut self, c: char, span: Span) {
        self.chars.push(c);
        self.spans.push(span);
    }

    /// Remove the first `n` entries (a numbering prefix).
    fn drop_front(&mut self, n: usize) {
        self.chars.drain(..n);
        self.spans.drain(..n);
    }
}

/// The matching form of one character (already folded to Simplified), or `None` when it
/// is whitespace.
pub fn norm_char(c: char) -> Option<char> {
    if c.is_whitespace() {
        return None;
    }
    Some(match c {
        // Where a character-by-character Traditional→Simplified fold lands on a form that
        // Simplified text does not use in contracts: 諮詢 folds to 谘询, written 咨询;
        // 隨著 keeps 著 where Simplified writes 随着; 鉅額 folds to 钜额, written 巨额.
        // Both sides are normalised alike, so merging the pair is safe for matching.
        '谘' => '咨',
        '着' => '著',
        '钜' => '巨',
        // Full-width ASCII forms: （ → (, ： → :, ， → ,, Ａ → A, ０ → 0, ～ → ~.
        '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
        '\u{FF61}' => '。',
        '\u{FF64}' => '、',
        '“' | '”' | '„' | '「' | '」' | '﹁' | '﹂' => '"',
        '‘' | '’' | '『' | '』' | '﹃' | '﹄' => '\'',
        '‐' | '‑' | '‒' | '–' | '−' => '-',
        '〜' => '~',
        '・' | '･' => '·',
        '￥' => '¥',
        _ => c,
    })
}

/// Does whitespace between `p` and `c` separate words? Only between two ASCII letters or
/// digits: `or consequential` is not `orconsequential`, but whitespace next to punctuation
/// is layout, so `indirect, incidental` matches `indirect，incidental` and `thirty (30) days`
/// matches `thirty（30）days`; `甲方 ：杭州` and `party , without` lose their spaces too.
fn separates(p: char, c: char) -> bool {
    p.is_ascii_alphanumeric() && c.is_ascii_alphanumeric()
}

/// Append the normalised text of `span` of `doc` to `out`. `slots` (sorted, disjoint byte
/// ranges) become one [`SLOT`] each; a zero-width slot is a blank at that position (an
/// empty field after its label).
pub fn push_text(out: &mut Norm, doc: &Document, span: Span, slots: &[Span]) {
    let text = doc.text();
    let scan = doc.scan.as_bytes();
    let mut slot_i = slots.partition_point(|s| s.start < span.start);
    let mut pending_space: Option<Span> = None;
    let mut skip_until = span.start;
    let mut chars = text[span.clone()].char_indices().peekable();
    while let Some((rel, oc)) = chars.next() {
        let b = span.start + rel;
        // Slots starting here (a zero-width one is a blank right before this char).
        while let Some(s) = slots.get(slot_i) {
            if s.start > b {
                break;
            }
            out.push(SLOT, s.clone());
            pending_space = None;
            skip_until = skip_until.max(s.end);
            slot_i += 1;
        }
        if b < skip_until {
            continue;
        }
        // Masked bytes are spaces in the scan text: not contract text.
        if scan[b] == b' ' && oc != ' ' {
            continue;
        }
        // A Markdown escape: the backslash is syntax.
        if oc == '\\' && chars.peek().is_some_and(|(_, n)| n.is_ascii_punctuation()) {
            continue;
        }
        let folded = fold::fold_char(oc);
        let Some(c) = norm_char(folded) else {
            if pending_space.is_none() {
                pending_space = Some(b..b + oc.len_utf8());
            }
            continue;
        };
        if let Some(ws) = pending_space.take() {
            if let Some(&p) = out.chars.last() {
                if separates(p, c) {
                    out.push(' ', ws);
                }
            }
        }
        out.push(c, b..b + oc.len_utf8());
    }
    // Slots at the very end (an empty field label ends the clause).
    while let Some(s) = slots.get(slot_i) {
        if s.start > span.end {
            break;
        }
        out.push(SLOT, s.clone());
        slot_i += 1;
    }
}

/// Chinese numerals to a number (一 → 1, 十二 → 12, 二十 → 20, 一百零五 → 105).
pub fn chinese_number(s: &str) -> Option<u64> {
    let digit = |c: char| -> Option<u64> {
        Some(match c {
            '零' | '〇' => 0,
            '一' | '壹' => 1,
            '二' | '两' | '贰' => 2,
            '三' | '叁' => 3,
            '四' | '肆' => 4,
            '五' | '伍' => 5,
            '六' | '陆' => 6,
            '七' | '柒' => 7,
            '八' | '捌' => 8,
            '九' | '玖' => 9,
            _ => return None,
        })
    };
    let mut total = 0u64;
    let mut section = 0u64;
    let mut num = 0u64;
    let mut any = false;
    for c in s.chars() {
        if let Some(d) = digit(c) {
            num = d;
            any = true;
            continue;
        }
        let unit = match c {
            '十' | '拾' => 10,
            '百' | '佰' => 100,
            '千' | '仟' => 1000,
            '万' => 10_000,
            _ => return None,
        };
        any = true;
        if unit == 10_000 {
            total += (section + num) * unit;
            section = 0;
        } else {
            section += if num == 0 { 1 } else { num } * unit;
        }
        num = 0;
    }
    any.then_some(total + section + num)
}

fn is_cn_numeral(c: char) -> bool {
    "零〇一二两三四五六七八九十百千壹贰叁肆伍陆柒捌玖拾佰仟".contains(c)
}

/// A numbering label in a normal form: `七` and `7` are both `7`, `(a)` is `a`.
pub fn number_label(raw: &str) -> String {
    let t: String = raw
        .chars()
        .filter(|c| !matches!(c, '(' | ')' | '（' | '）' | '、' | ' ' | '第' | ':'))
        .collect();
    let t = t.trim_end_matches('.');
    let t = t
        .strip_suffix("部分")
        .or_else(|| t.strip_suffix(['条', '章', '节', '款', '项', '篇']))
        .unwrap_or(t)
        .to_string();
    if let Some(n) = chinese_number(&t) {
        return n.to_string();
    }
    if t.chars().all(|c| c.is_ascii_digit()) {
        if let Ok(n) = t.parse::<u64>() {
            return n.to_string();
        }
    }
    t.to_lowercase()
}

/// Split a leading numbering (第三条, 七、, (一), 1., 3.2, Article 5) off a normalised
/// clause. Returns the label, or `None` when the clause does not start with numbering.
/// Numbering is structure, not wording: renumbering after a deleted clause is not a change.
pub fn strip_numbering(norm: &mut Norm) -> Option<String> {
    let c = &norm.chars;
    let n = c.len();
    let mut i;
    let label: String;
    if n >= 3 && c[0] == '第' {
        let mut j = 1;
        while j < n && (is_cn_numeral(c[j]) || c[j].is_ascii_digit()) {
            j += 1;
        }
        if j == 1 || j >= n || !"条章节款项部篇".contains(c[j]) {
            return None;
        }
        label = c[1..j].iter().collect();
        i = j + 1;
        if c[j] == '部' && i < n && c[i] == '分' {
            i += 1;
        }
    } else if n >= 2 && is_cn_numeral(c[0]) {
        let mut j = 0;
        while j < n && j < 4 && is_cn_numeral(c[j]) {
            j += 1;
        }
        if j >= n || !matches!(c[j], '、' | '.') {
            return None;
        }
        label = c[..j].iter().collect();
        i = j + 1;
    } else if n >= 3 && c[0] == '(' {
        let mut j = 1;
        while j < n
            && j <= 4
            && (is_cn_numeral(c[j]) || c[j].is_ascii_digit() || c[j].is_ascii_lowercase())
        {
            j += 1;
        }
        if j == 1 || j >= n || c[j] != ')' {
            return None;
        }
        let inner: String = c[1..j].iter().collect();
        // (a), (iv), (12), (三) — but not a word in brackets.
        let roman = inner.chars().all(|ch| "ivxl".contains(ch));
        if inner.chars().all(|ch| ch.is_ascii_lowercase()) && inner.len() > 1 && !roman {
            return None;
        }
        label = inner;
        i = j + 1;
    } else if c[0].is_ascii_digit() {
        let mut j = 0;
        let mut dotted = false;
        loop {
            while j < n && c[j].is_ascii_digit() {
                j += 1;
            }
            if j + 1 < n && c[j] == '.' && c[j + 1].is_ascii_digit() {
                dotted = true;
                j += 1;
                continue;
            }
            break;
        }
        label = c[..j].iter().collect();
        if j < n && matches!(c[j], '.' | '、' | ')' | ' ') {
            i = j + 1;
        } else if dotted && j < n && !c[j].is_ascii_punctuation() && c[j] != '%' {
            i = j;
        } else {
            return None;
        }
    } else {
        let word: String = c.iter().take(8).collect::<String>().to_lowercase();
        let kw = ["article", "section", "clause"]
            .into_iter()
            .find(|k| word.starts_with(k))?;
        let mut j = kw.len();
        if j < n && c[j] == ' ' {
            j += 1;
        }
        let s = j;
        while j < n && (c[j].is_ascii_digit() || (c[j] == '.' && j > s)) {
            j += 1;
        }
        if j == s {
            return None;
        }
        label = c[s..j]
            .iter()
            .collect::<String>()
            .trim_end_matches('.')
            .to_string();
        i = j;
        if i < n && matches!(c[i], '.' | ':') {
            i += 1;
        }
    }
    while i < n && matches!(norm.chars[i], ' ' | '.' | ':' | '、') {
        i += 1;
    }
    if i >= n {
        // A clause that is only a number is text, not numbering.
        return None;
    }
    norm.drop_front(i);
    Some(number_label(&label))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::Source;

    fn norm_of(text: &str) -> (Norm, String) {
        let src = Source::new("t.md", text);
        let doc = Document::parse(&src).unwrap();
        let mut n = Norm::default();
        for c in &doc.clauses {
            push_text(&mut n, &doc, c.span.clone(), &[]);
        }
        let s = n.chars.iter().collect();
        (n, s)
    }

    #[test]
    fn width_whitespace_emphasis_and_script_do_not_count() {
        let (_, a) = norm_of("如补充协议与本协议不一致的,以补充协议为准。\n");
        let (_, b) = norm_of("如**補充協議**與本協議不一致的，以補充協議為準。\n");
        let (_, c) = norm_of("如补充协议 与本协议\n不一致的， 以补充协议为准。\n");
        assert_eq!(a, b);
        assert_eq!(a, c);
    }

    #[test]
    fn spaces_between_english_words_are_one_space() {
        let (_, a) = norm_of("The  Supplier *shall*\nnot  assign.\n");
        assert_eq!(a, "The Supplier shall not assign.");
    }

    #[test]
    fn every_char_keeps_its_original_bytes() {
        let text = "甲方：**杭州**（盖章）\n";
        let (n, s) = norm_of(text);
        assert_eq!(s, "甲方:杭州(盖章)");
        assert_eq!(&text[n.spans[2].clone()], "：");
        assert_eq!(&text[n.spans[3].clone()], "杭");
        assert_eq!(n.original(text, 2..5), "：杭州");
    }

    #[test]
    fn slots_become_one_token() {
        let text = "应在[具体期限]内支付。\n";
        let src = Source::new("t.md", text);
        let doc = Document::parse(&src).unwrap();
        let start = text.find('[').unwrap();
        let end = text.find(']').unwrap() + 1;
        let mut n = Norm::default();
        let slots: Vec<Span> = std::iter::once(start..end).collect();
        push_text(&mut n, &doc, doc.clauses[0].span.clone(), &slots);
        let s: String = n.chars.iter().collect();
        assert_eq!(s, format!("应在{SLOT}内支付。"));
        assert_eq!(n.spans[2], start..end);
    }

    #[test]
    fn numbering_is_split_off() {
        for (text, rest, label) in [
            ("第七条 其他条款", "其他条款", "7"),
            ("七、其他条款", "其他条款", "7"),
            ("(三)保密", "保密", "3"),
            ("3.2 付款方式", "付款方式", "3.2"),
            ("1.1本协议", "本协议", "1.1"),
            ("## 12. Governing law", "Governing law", "12"),
            ("Article 5. Term", "Term", "5"),
            ("(a) the Supplier", "the Supplier", "a"),
        ] {
            let (mut n, _) = norm_of(&format!("{text}\n"));
            assert_eq!(strip_numbering(&mut n).as_deref(), Some(label), "{text}");
            assert_eq!(n.chars.iter().collect::<String>(), rest, "{text}");
        }
        for text in [
            "2025年6月30日",
            "3.5%的利率",
            "(如有)补充",
            "一式两份",
            "本协议",
        ] {
            let (mut n, s) = norm_of(&format!("{text}\n"));
            assert_eq!(strip_numbering(&mut n), None, "{text}");
            assert_eq!(n.chars.iter().collect::<String>(), s);
        }
    }

    #[test]
    fn chinese_numbers() {
        assert_eq!(chinese_number("七"), Some(7));
        assert_eq!(chinese_number("十二"), Some(12));
        assert_eq!(chinese_number("二十"), Some(20));
        assert_eq!(chinese_number("一百零五"), Some(105));
        assert_eq!(chinese_number("协议"), None);
    }
}
