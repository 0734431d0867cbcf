//! Numbers as contracts write them: Arabic digits (half- and full-width, with thousands
//! separators, decimals and a 万/亿 multiplier), Chinese numerals (lower-case 一二三, financial
//! 壹贰叁, digit-by-digit 二〇二五, colloquial 两万五), and English number words
//! ("one hundred and five", "forty-two", "one and one-half").

use std::ops::Range;
use std::sync::OnceLock;

use regex::Regex;

use super::dec::Dec;

/// How a number is written. The words/digits distinction is what the consistency check
/// compares: 十五(15) writes one number twice.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Form {
    Digits,
    ChineseLower,
    ChineseFinancial,
    English,
}

impl Form {
    pub fn is_words(self) -> bool {
        self != Form::Digits
    }
}

/// A number found in text; `span` is a byte range into the text searched.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Num {
    pub span: Range<usize>,
    pub value: Dec,
    pub form: Form,
}

// ------------------------------------------------------------------------------- Arabic

/// The value of a full-width or ASCII digit.
pub fn ascii_digit(c: char) -> Option<u32> {
    match c {
        '0'..='9' => Some(c as u32 - '0' as u32),
        '０'..='９' => Some(c as u32 - '０' as u32),
        _ => None,
    }
}

fn is_sep(c: char) -> bool {
    c == ',' || c == '，'
}

fn is_point(c: char) -> bool {
    c == '.' || c == '．'
}

/// Parse Arabic digits with optional thousands separators (`,` or `，`, groups of three) and
/// one decimal point (`.` or `．`). Full-width digits count as digits.
pub fn parse_arabic(s: &str) -> Option<Dec> {
    let (int, frac) = match s.find(is_point) {
        Some(i) => {
            let p = s[i..].chars().next()?.len_utf8();
            (&s[..i], Some(&s[i + p..]))
        }
        None => (s, None),
    };
    let groups: Vec<&str> = int.split(is_sep).collect();
    if groups.iter().any(|g| g.is_empty()) {
        return None;
    }
    if groups.len() > 1 {
        let first = groups[0].chars().count();
        if !(1..=3).contains(&first) || groups[1..].iter().any(|g| g.chars().count() != 3) {
            return None;
        }
    }
    let mut m: i128 = 0;
    let mut digits = 0usize;
    for c in groups.concat().chars() {
        m = m.checked_mul(10)?.checked_add(ascii_digit(c)? as i128)?;
        digits += 1;
    }
    if digits == 0 || digits > 30 {
        return None;
    }
    let mut e = 0u32;
    if let Some(f) = frac {
        if f.is_empty() || f.chars().count() > 18 {
            return None;
        }
        for c in f.chars() {
            m = m.checked_mul(10)?.checked_add(ascii_digit(c)? as i128)?;
            e += 1;
        }
    }
    Some(Dec::new(m, e))
}

/// Format a whole number in Arabic digits, optionally grouped and in full-width digits.
pub fn format_arabic(n: u64, grouped: bool, full_width: bool) -> String {
    let s = if grouped {
        Dec::int(n as i128).grouped()
    } else {
        n.to_string()
    };
    if full_width {
        s.chars()
            .map(|c| match c {
                '0'..='9' => char::from_u32(c as u32 - '0' as u32 + '０' as u32).unwrap(),
                ',' => '，',
                other => other,
            })
            .collect()
    } else {
        s
    }
}

// ------------------------------------------------------------------------------ Chinese

/// A Chinese digit (lower-case, financial, Traditional and the 〇 used in years).
pub fn cn_digit(c: char) -> Option<u32> {
    Some(match c {
        '零' | '〇' | '○' | 'Ｏ' => 0,
        '一' | '壹' | '弌' => 1,
        '二' | '贰' | '貳' | '两' | '兩' => 2,
        '三' | '叁' | '参' | '參' => 3,
        '四' | '肆' => 4,
        '五' | '伍' => 5,
        '六' | '陆' | '陸' => 6,
        '七' | '柒' => 7,
        '八' | '捌' => 8,
        '九' | '玖' => 9,
        _ => return None,
    })
}

fn cn_small_unit(c: char) -> Option<u32> {
    match c {
        '十' | '拾' => Some(10),
        '百' | '佰' => Some(100),
        '千' | '仟' => Some(1000),
        _ => None,
    }
}

fn cn_big_unit(c: char) -> Option<u128> {
    match c {
        '万' | '萬' => Some(10_000),
        '亿' | '億' => Some(100_000_000),
        _ => None,
    }
}

fn is_financial(c: char) -> bool {
    "壹贰貳叁參肆伍陆陸柒捌玖拾佰仟".contains(c)
}

/// Is `c` a character a Chinese numeral can be made of?
pub fn is_cn_numeral_char(c: char) -> bool {
    cn_digit(c).is_some() || cn_small_unit(c).is_some() || cn_big_unit(c).is_some()
}

/// Parse a whole Chinese numeral: 二十五, 一万零五百, 壹拾万零捌仟, 两万五, 二〇二五, 三点一四.
pub fn parse_chinese(s: &str) -> Option<Dec> {
    let (int, frac) = match s.split_once('点') {
        Some((i, f)) => (i, Some(f)),
        None => (s, None),
    };
    let chars: Vec<char> = int.chars().collect();
    if chars.is_empty() {
        return None;
    }
    let mut value = Dec::int(cn_integer(&chars)? as i128);
    if let Some(f) = frac {
        if f.is_empty() {
            return None;
        }
        let mut m: i128 = 0;
        let mut e = 0;
        for c in f.chars() {
            m = m * 10 + cn_digit(c)? as i128;
            e += 1;
            if e > 18 {
                return None;
            }
        }
        value = value.checked_add(Dec::new(m, e))?;
    }
    Some(value)
}

fn cn_integer(chars: &[char]) -> Option<u128> {
    // Digit-by-digit (二〇二五): only digits, at least two of them.
    if chars.len() >= 2 && chars.iter().all(|&c| cn_digit(c).is_some()) {
        if chars.len() > 20 {
            return None;
        }
        return chars
            .iter()
            .try_fold(0u128, |acc, &c| Some(acc * 10 + cn_digit(c)? as u128));
    }
    let mut total: u128 = 0; // completed 万/亿 groups
    let mut section: u128 = 0; // below 万 in the current group
    let mut digit: Option<u32> = None; // pending digit
    let mut last_small: u32 = 100_000; // small units must decrease within a section
    let mut last_unit: u128 = 0; // the last unit seen, for 两万五
    let mut zero_since_unit = false;
    let mut prev_was_digit = false;
    let mut last_big: u128 = u128::MAX;
    for (i, &c) in chars.iter().enumerate() {
        if let Some(d) = cn_digit(c) {
            if d == 0 {
                // 零 marks a gap; it may not be doubled or end the number.
                if digit.is_some_and(|x| x != 0) || i == 0 && chars.len() > 1 {
                    return None;
                }
                zero_since_unit = true;
                digit = Some(0);
            } else {
                if prev_was_digit && digit != Some(0) {
                    return None;
                }
                digit = Some(d);
            }
            prev_was_digit = true;
            continue;
        }
        prev_was_digit = false;
        if let Some(u) = cn_small_unit(c) {
            if u >= last_small {
                return None;
            }
            let n = match digit {
                Some(0) | None if u == 10 => 1, // 十五, 一百一十, 一千零十
                Some(0) | None => return None,  // 百 or 千 with no digit
                Some(d) => d,
            };
            section += (n * u) as u128;
            last_small = u;
            last_unit = u as u128;
            digit = None;
            zero_since_unit = false;
            continue;
        }
        if let Some(b) = cn_big_unit(c) {
            let n = section + digit.unwrap_or(0) as u128;
            if b == 10_000 {
                if n == 0 || last_big == 10_000 {
                    return None;
                }
                total = total.checked_add(n.checked_mul(b)?)?;
            } else {
                // 亿 applies to everything before it (一万亿 = 10^12).
                let whole = total.checked_add(n)?;
                if whole == 0 || last_big == 100_000_000 && n == 0 {
                    return None;
                }
                total = whole.checked_mul(b)?;
            }
            last_big = b;
            section = 0;
            digit = None;
            last_small = 100_000;
            last_unit = b;
            zero_since_unit = false;
            continue;
        }
        return None;
    }
    let mut tail = digit.unwrap_or(0) as u128;
    if tail > 0 && !zero_since_unit && last_unit >= 100 {
        // Elided unit: 两万五 = 25000, 三千五 = 3500, 一百五 = 150.
        tail *= last_unit / 10;
    }
    if chars.len() == 1 && cn_small_unit(chars[0]).is_none() && cn_digit(chars[0]).is_none() {
        return None;
    }
    Some(total + section + tail)
}

const CN_LOWER: [char; 10] = ['零', '一', '二', '三', '四', '五', '六', '七', '八', '九'];
const CN_UPPER: [char; 10] = ['零', '壹', '贰', '叁', '肆', '伍', '陆', '柒', '捌', '玖'];

/// Format a whole number as a Chinese numeral: lower-case (十五, 一万零五百) or financial
/// (壹拾伍, 壹万零伍佰). Lower-case drops the 一 of a leading 十, as people write.
pub fn format_chinese(n: u64, financial: bool) -> String {
    let digits = if financial { CN_UPPER } else { CN_LOWER };
    if n == 0 {
        return digits[0].to_string();
    }
    let mut out = String::new();
    cn_format(n, financial, true, &mut out);
    out
}

fn cn_format(n: u64, financial: bool, leading: bool, out: &mut String) {
    let digits = if financial { CN_UPPER } else { CN_LOWER };
    for (size, name) in [(100_000_000u64, '亿'), (10_000, '万')] {
        if n >= size {
            cn_format(n / size, financial, leading, out);
            out.push(name);
            let low = n % size;
            if low > 0 {
                if low < size / 10 {
                    out.push(digits[0]);
                }
                cn_format(low, financial, false, out);
            }
            return;
        }
    }
    let units = if financial {
        ['拾', '佰', '仟']
    } else {
        ['十', '百', '千']
    };
    let mut zero = false;
    let mut started = false;
    for (pos, div) in [1000u64, 100, 10, 1].iter().enumerate() {
        let d = (n / div) % 10;
        if d == 0 {
            zero = started;
            continue;
        }
        if zero {
            out.push(digits[0]);
            zero = false;
        }
        let unit = 3 - pos; // 3=千, 2=百, 1=十, 0=none
        let leading_ten = !financial && leading && !started && unit == 1 && d == 1;
        if !leading_ten {
            out.push(digits[d as usize]);
        }
        if unit > 0 {
            out.push(units[unit - 1]);
        }
        started = true;
    }
}

// ------------------------------------------------------------------------------ English

fn en_small(w: &str) -> Option<u64> {
    Some(match w {
        "zero" => 0,
        "one" => 1,
        "two" => 2,
        "three" => 3,
        "four" => 4,
        "five" => 5,
        "six" => 6,
        "seven" => 7,
        "eight" => 8,
        "nine" => 9,
        "ten" => 10,
        "eleven" => 11,
        "twelve" => 12,
        "thirteen" => 13,
        "fourteen" => 14,
        "fifteen" => 15,
        "sixteen" => 16,
        "seventeen" => 17,
        "eighteen" => 18,
        "nineteen" => 19,
        _ => return None,
    })
}

fn en_tens(w: &str) -> Option<u64> {
    Some(match w {
        "twenty" => 20,
        "thirty" => 30,
        "forty" | "fourty" => 40,
        "fifty" => 50,
        "sixty" => 60,
        "seventy" => 70,
        "eighty" => 80,
        "ninety" => 90,
        _ => return None,
    })
}

fn en_scale(w: &str) -> Option<u64> {
    Some(match w {
        "thousand" => 1_000,
        "million" => 1_000_000,
        "billion" => 1_000_000_000,
        "trillion" => 1_000_000_000_000,
        _ => return None,
    })
}

/// The regex alternation of English number words, for finding them in text.
pub(crate) const EN_WORDS: &str = "zero|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|fifteen|sixteen|seventeen|eighteen|nineteen|twenty|thirty|forty|fourty|fifty|sixty|seventy|eighty|ninety|hundred|thousand|million|billion|trillion";

/// Parse English number words: "thirty", "one hundred and five", "Forty-Two Thousand",
/// "one and one-half" (1.5), "two and a quarter" (2.25), "one-half" (0.5).
pub fn parse_english(s: &str) -> Option<Dec> {
    let lower = s.to_lowercase();
    let words: Vec<&str> = lower
        .split(|c: char| c.is_whitespace() || c == '-' || c == '‑')
        .filter(|w| !w.is_empty())
        .collect();
    // A fraction tail: "and one-half", "and a half", "and one-quarter", "and three-quarters".
    let (words, frac) = split_fraction(&words)?;
    if words.is_empty() {
        return frac;
    }
    let mut total: u64 = 0;
    let mut current: u64 = 0;
    let mut last: Option<&str> = None; // "small", "tens", "hundred", "scale"
    let mut last_scale = u64::MAX;
    let mut i = 0;
    while i < words.len() {
        let w = words[i];
        if w == "and" {
            // Only between hundred/scale and a smaller number: "one hundred and five".
            if !matches!(last, Some("hundred" | "scale")) || i + 1 == words.len() {
                return None;
            }
            i += 1;
            continue;
        }
        if let Some(n) = en_small(w) {
            if matches!(last, Some("small")) {
                return None;
            }
            if matches!(last, Some("tens")) && (n == 0 || n >= 10) {
                return None;
            }
            current += n;
            last = Some("small");
        } else if let Some(n) = en_tens(w) {
            if matches!(last, Some("small" | "tens")) {
                return None;
            }
            current += n;
            last = Some("tens");
        } else if w == "hundred" {
            if current == 0 || current % 100 != current || matches!(last, Some("hundred")) {
                return None;
            }
            current *= 100;
            last = Some("hundred");
        } else if let Some(sc) = en_scale(w) {
            if current == 0 || sc >= last_scale || current >= 1000 {
                return None;
            }
            total = total.checked_add(current.checked_mul(sc)?)?;
            current = 0;
            last_scale = sc;
            last = Some("scale");
        } else {
            return None;
        }
        i += 1;
    }
    let int = Dec::int((total + current) as i128);
    match frac {
        Some(f) => int.checked_add(f),
        None => Some(int),
    }
}

fn split_fraction<'a>(words: &[&'a str]) -> Option<(Vec<&'a str>, Option<Dec>)> {
    let n = words.len();
    let frac_of = |w: &str| match w {
        "half" => Some(Dec::new(5, 1)),
        "quarter" => Some(Dec::new(25, 2)),
        "quarters" => Some(Dec::new(75, 2)),
        _ => None,
    };
    if n >= 2 {
        if let Some(f) = frac_of(words[n - 1]) {
            let lead = words[n - 2];
            let ok = match words[n - 1] {
                "quarters" => lead == "three",
                _ => lead == "one" || lead == "a",
            };
            if !ok {
                return None;
            }
            let rest = &words[..n - 2];
            return match rest.last() {
                Some(&"and") => Some((rest[..rest.len() - 1].to_vec(), Some(f))),
                Some(_) => None,
                None => Some((Vec::new(), Some(f))),
            };
        }
    }
    Some((words.to_vec(), None))
}

const EN_ONES: [&str; 20] = [
    "zero",
    "one",
    "two",
    "three",
    "four",
    "five",
    "six",
    "seven",
    "eight",
    "nine",
    "ten",
    "eleven",
    "twelve",
    "thirteen",
    "fourteen",
    "fifteen",
    "sixteen",
    "seventeen",
    "eighteen",
    "nineteen",
];
const EN_TENS: [&str; 10] = [
    "", "", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety",
];

/// Format a whole number in English words: "four hundred twenty thousand", "forty-two".
pub fn format_english(n: u64) -> String {
    if n == 0 {
        return "zero".into();
    }
    fn below_thousand(n: u64, out: &mut Vec<String>) {
        if n >= 100 {
            out.push(EN_ONES[(n / 100) as usize].into());
            out.push("hundred".into());
        }
        let r = n % 100;
        if r == 0 {
        } else if r < 20 {
            out.push(EN_ONES[r as usize].into());
        } else if r % 10 == 0 {
            out.push(EN_TENS[(r / 10) as usize].into());
        } else {
            out.push(format!(
                "{}-{}",
                EN_TENS[(r / 10) as usize],
                EN_ONES[(r % 10) as usize]
            ));
        }
    }
    let scales = [
        (1_000_000_000_000u64, "trillion"),
        (1_000_000_000, "billion"),
        (1_000_000, "million"),
        (1_000, "thousand"),
    ];
    let mut out = Vec::new();
    let mut rest = n;
    for (s, name) in scales {
        if rest >= s {
            if rest / s >= 1000 {
                // Beyond the largest scale word: "one thousand trillion".
                out.push(format_english(rest / s));
            } else {
                below_thousand(rest / s, &mut out);
            }
            out.push(name.into());
            rest %= s;
        }
    }
    below_thousand(rest, &mut out);
    out.join(" ")
}

// ------------------------------------------------------------------------------ finding

fn arabic_re() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| Regex::new(r"[0-9０-９][0-9０-９,，.．]*[0-9０-９]|[0-9０-９]").unwrap())
}

fn chinese_re() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| {
        Regex::new(
            "[零〇○一二两兩三四五六七八九十百千万萬亿億壹贰貳叁参參肆伍陆陸柒捌玖拾佰仟]+(?:点[零〇○一二三四五六七八九]+)?",
        )
        .unwrap()
    })
}

fn english_re() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| {
        let w = EN_WORDS;
        Regex::new(&format!(
            r"(?i)(?-u:\b)(?:(?:{w})(?:(?:[ \t]+|[ \t]*[-‑][ \t]*|[ \t]+and[ \t]+)(?:{w}))*(?:[ \t]+and[ \t]+(?:one|a)[ \t]*[-‑ ][ \t]*(?:half|quarter)|[ \t]+and[ \t]+three[ \t]*[-‑ ][ \t]*quarters)?|(?:one|a)[-‑ ](?:half|quarter))(?-u:\b)"
        ))
        .unwrap()
    })
}

/// A 万/亿 (optionally after 十/百/千) right after Arabic digits: 5万, 1.2亿, 3千万.
fn multiplier(rest: &str) -> Option<(usize, i128)> {
    let mut chars = rest.char_indices();
    let mut factor: i128 = 1;
    let mut end = 0;
    if let Some((_, c)) = chars.clone().next() {
        if let Some(u) = cn_small_unit(c) {
            factor = u as i128;
            chars.next();
            end = c.len_utf8();
        }
    }
    if let Some((i, c)) = chars.next() {
        if let Some(b) = cn_big_unit(c) {
            factor *= b as i128;
            end = i + c.len_utf8();
        }
    }
    // 百分之/千分之/万分之 are not multipliers.
    if rest[end..].starts_with("分之") || end == 0 {
        return None;
    }
    (factor > 1).then_some((end, factor))
}

/// Every number in `text`, in order, without overlaps. Chinese runs that are not well-formed
/// numerals (万一, 千万) are skipped; they are words, not numbers.
pub fn find_numbers(text: &str) -> Vec<Num> {
    let mut out = Vec::new();
    // Cheap gates before the regexes: most clauses hold no digit, and Chinese ones no
    // Latin letter (the English words match case-insensitively, so ſ and K count).
    let f = super::Features::of(text);
    let gate = |on: bool| if on { text } else { "" };
    for m in arabic_re().find_iter(gate(f.digit)) {
        let prev = text[..m.start()].chars().next_back();
        if prev.is_some_and(|c| c.is_ascii_alphabetic()) && !text[..m.start()].ends_with("US") {
            // Part of an identifier (A1, MY-KF-2023): still a number, but keep it plain.
        }
        push_arabic(text, m.start(), m.as_str(), &mut out);
    }
    for m in chinese_re().find_iter(text) {
        if let Some(v) = parse_chinese(m.as_str()) {
            let form = if m.as_str().chars().any(is_financial) {
                Form::ChineseFinancial
            } else {
                Form::ChineseLower
            };
            out.push(Num {
                span: m.range(),
                value: v,
                form,
            });
        }
    }
    static FRACTION: OnceLock<Regex> = OnceLock::new();
    let fraction = FRACTION
        .get_or_init(|| Regex::new(r"(?i)^[ \t]*[-‑ ][ \t]*(?:half|quarters?)(?-u:\b)").unwrap());
    for m in english_re().find_iter(gate(f.latin)) {
        let mut span = m.range();
        // "one and one-half": the repetition ate "and one", leaving "-half" outside.
        if let Some(f) = fraction.find(super::head(text, span.end, 24)) {
            span.end += f.end();
        }
        if let Some(v) = parse_english(&text[span.clone()]) {
            out.push(Num {
                span,
                value: v,
                form: Form::English,
            });
        }
    }
    out.sort_by_key(|n| (n.span.start, std::cmp::Reverse(n.span.end)));
    let mut kept: Vec<Num> = Vec::with_capacity(out.len());
    for n in out {
        if kept.last().is_some_and(|k| n.span.start < k.span.end) {
            continue;
        }
        kept.push(n);
    }
    kept
}

fn push_arabic(text: &str, start: usize, token: &str, out: &mut Vec<Num>) {
    let emit = |s: usize, tok: &str, out: &mut Vec<Num>| {
        if let Some(v) = parse_arabic(tok) {
            let mut end = s + tok.len();
            let mut value = v;
            if let Some((len, f)) = multiplier(&text[end..]) {
                if let Some(x) = value.checked_mul_int(f) {
                    value = x;
                    end += len;
                }
            }
            out.push(Num {
                span: s..end,
                value,
                form: Form::Digits,
            });
        }
    };
    if parse_arabic(token).is_some() {
        emit(start, token, out);
        return;
    }
    // Not one number (1，2，3 or 2025.6.30 or 4706.1-2005): every digit run on its own,
    // keeping a decimal point between two runs when there is exactly one.
    let mut pos = 0;
    for piece in token.split(|c: char| is_sep(c) || is_point(c)) {
        if !piece.is_empty() {
            emit(start + pos, piece, out);
        }
        pos += piece.len();
        if let Some(c) = token[pos..].chars().next() {
            pos += c.len_utf8();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cn(s: &str) -> Option<String> {
        parse_chinese(s).map(|d| d.to_string())
    }

    #[test]
    fn arabic_with_separators_and_full_width() {
        assert_eq!(parse_arabic("50,000.00"), Some(Dec::int(50000)));
        assert_eq!(parse_arabic("１２，０００"), Some(Dec::int(12000)));
        assert_eq!(parse_arabic("0.05"), Some(Dec::new(5, 2)));
        assert_eq!(parse_arabic("1,2345"), None);
        assert_eq!(parse_arabic("12,00"), None);
        assert_eq!(parse_arabic("1.2.3"), None);
    }

    #[test]
    fn chinese_lower_and_financial() {
        assert_eq!(cn("二十五").as_deref(), Some("25"));
        assert_eq!(cn("十五").as_deref(), Some("15"));
        assert_eq!(cn("一万零五百").as_deref(), Some("10500"));
        assert_eq!(cn("一百零一").as_deref(), Some("101"));
        assert_eq!(cn("一千零十").as_deref(), Some("1010"));
        assert_eq!(cn("两千").as_deref(), Some("2000"));
        assert_eq!(cn("壹拾万零捌仟").as_deref(), Some("108000"));
        assert_eq!(cn("贰拾捌万陆仟伍佰").as_deref(), Some("286500"));
        assert_eq!(cn("一亿零五万").as_deref(), Some("100050000"));
        assert_eq!(cn("一万亿").as_deref(), Some("1000000000000"));
        assert_eq!(cn("二〇二五").as_deref(), Some("2025"));
        assert_eq!(cn("两万五").as_deref(), Some("25000"));
        assert_eq!(cn("一百五").as_deref(), Some("150"));
        assert_eq!(cn("三点一四").as_deref(), Some("3.14"));
        assert_eq!(cn("零点五").as_deref(), Some("0.5"));
        assert_eq!(cn("萬"), None);
        assert_eq!(cn("万一"), None);
        assert_eq!(cn("十十"), None);
        assert_eq!(cn("一百二千"), None);
        assert_eq!(cn("五五万"), None);
        assert_eq!(cn("百"), None);
    }

    #[test]
    fn chinese_formatting() {
        assert_eq!(format_chinese(15, false), "十五");
        assert_eq!(format_chinese(10500, false), "一万零五百");
        assert_eq!(format_chinese(108000, true), "壹拾万捌仟");
        assert_eq!(format_chinese(100800, true), "壹拾万零捌佰");
        assert_eq!(format_chinese(100050000, false), "一亿零五万");
        assert_eq!(format_chinese(1010, false), "一千零一十");
        assert_eq!(format_chinese(100000000, false), "一亿");
        assert_eq!(format_chinese(1_0000_0000_0000, false), "一万亿");
        assert_eq!(format_chinese(1_0001_0000_0000, false), "一万零一亿");
    }

    #[test]
    fn english_words() {
        let en = |s: &str| parse_english(s).map(|d| d.to_string());
        assert_eq!(en("thirty").as_deref(), Some("30"));
        assert_eq!(en("Forty-Two Thousand").as_deref(), Some("42000"));
        assert_eq!(
            en("Four Hundred Twenty Thousand").as_deref(),
            Some("420000")
        );
        assert_eq!(en("one hundred and five").as_deref(), Some("105"));
        assert_eq!(en("one and one-half").as_deref(), Some("1.5"));
        assert_eq!(en("one-half").as_deref(), Some("0.5"));
        assert_eq!(en("two and three-quarters").as_deref(), Some("2.75"));
        assert_eq!(en("one two"), None);
        assert_eq!(en("thousand"), None);
        assert_eq!(en("twenty eleven"), None);
        assert_eq!(format_english(42), "forty-two");
        assert_eq!(format_english(420000), "four hundred twenty thousand");
    }

    #[test]
    fn finding_numbers_in_text() {
        let t = "十五(15)个工作日，人民币5万元，thirty (30) days，编号MY-2023-018，1，2，3";
        let got: Vec<(String, String)> = find_numbers(t)
            .into_iter()
            .map(|n| (t[n.span].to_string(), n.value.to_string()))
            .collect();
        let want = [
            ("十五", "15"),
            ("15", "15"),
            ("5万", "50000"),
            ("thirty", "30"),
            ("30", "30"),
            ("2023", "2023"),
            ("018", "18"),
            ("1", "1"),
            ("2", "2"),
            ("3", "3"),
        ];
        let want: Vec<(String, String)> = want
            .iter()
            .map(|(a, b)| (a.to_string(), b.to_string()))
            .collect();
        assert_eq!(got, want);
    }

    #[test]
    fn words_that_are_not_numbers_are_skipped() {
        let got: Vec<String> = find_numbers("万一发生争议，千万不要")
            .into_iter()
            .map(|n| n.value.to_string())
            .collect();
        // 万一 and 千万 as words: 千万 parses (ten million) only as a whole run.
        assert!(!got.contains(&"1000".to_string()), "{got:?}");
    }
}
