//! Dates: 2025年6月30日, 二〇二五年六月三十日, 2025-06-30, 2025/6/30, 2025.6.30,
//! June 30, 2025, 30 June 2025, the 30th day of June, 2025; partial forms (2025年6月,
//! June 2025, 6月30日, 每月10日) too, because a deadline may name a month or a day of the
//! month. Dates are kept as written and validated separately: 2025年2月30日 is a date that
//! does not exist, which is a finding, not a non-match.

use std::fmt;
use std::ops::Range;
use std::sync::OnceLock;

use regex::{Captures, Regex};

use super::number::{ascii_digit, parse_chinese};

/// A calendar date as written; any part may be missing (6月30日 has no year).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Date {
    pub year: Option<i32>,
    pub month: Option<u32>,
    pub day: Option<u32>,
}

impl Date {
    pub fn ymd(y: i32, m: u32, d: u32) -> Date {
        Date {
            year: Some(y),
            month: Some(m),
            day: Some(d),
        }
    }

    /// Does this date exist in the calendar? 2025-02-29, June 31 and month 13 do not.
    pub fn is_valid(&self) -> bool {
        if let Some(m) = self.month {
            if !(1..=12).contains(&m) {
                return false;
            }
        }
        if let Some(d) = self.day {
            let max = match self.month {
                Some(m) => days_in_month(self.year, m),
                None => 31,
            };
            if !(1..=max).contains(&d) {
                return false;
            }
        }
        true
    }

    /// A complete date as (year, month, day), for ordering.
    pub fn full(&self) -> Option<(i32, u32, u32)> {
        Some((self.year?, self.month?, self.day?))
    }
}

fn is_leap(y: i32) -> bool {
    (y % 4 == 0 && y % 100 != 0) || y % 400 == 0
}

/// Days in a month; with no year, February may have 29.
pub fn days_in_month(year: Option<i32>, month: u32) -> u32 {
    match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 => match year {
            Some(y) if !is_leap(y) => 28,
            _ => 29,
        },
        _ => 0,
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (self.year, self.month, self.day) {
            (Some(y), Some(m), Some(d)) => write!(f, "{y:04}-{m:02}-{d:02}"),
            (Some(y), Some(m), None) => write!(f, "{y:04}-{m:02}"),
            (None, Some(m), Some(d)) => write!(f, "--{m:02}-{d:02}"),
            (None, None, Some(d)) => write!(f, "---{d:02}"),
            (Some(y), None, _) => write!(f, "{y:04}"),
            _ => f.write_str("?"),
        }
    }
}

/// Parse a small number written in digits (full-width too) or Chinese numerals.
fn small(s: &str) -> Option<u32> {
    let s = s.trim();
    if s.chars().all(|c| ascii_digit(c).is_some()) {
        return s
            .chars()
            .try_fold(0u32, |a, c| Some(a * 10 + ascii_digit(c)?));
    }
    parse_chinese(s)?
        .as_integer()
        .and_then(|v| u32::try_from(v).ok())
}

const MONTHS: &str = "january|february|march|april|may|june|july|august|september|october|november|december|jan|feb|mar|apr|jun|jul|aug|sept|sep|oct|nov|dec";

fn month_number(name: &str) -> Option<u32> {
    let n = name.to_lowercase();
    let key = n.get(..3)?;
    let i = [
        "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec",
    ]
    .iter()
    .position(|m| *m == key)?;
    Some(i as u32 + 1)
}

struct Patterns {
    cn: Regex,
    cn_month_day: Regex,
    cn_day_of_month: Regex,
    iso: Regex,
    en_mdy: Regex,
    en_dmy: Regex,
    en_my: Regex,
}

fn patterns() -> &'static Patterns {
    static P: OnceLock<Patterns> = OnceLock::new();
    P.get_or_init(|| {
        let d = "[0-9０-９]";
        let cn_small = "[〇零一二三四五六七八九十]{1,3}";
        Patterns {
            cn: Regex::new(&format!(
                r"(?P<y>{d}{{4}}|[〇零○一二三四五六七八九]{{4}})[ \t　]*年[ \t　]*(?P<m>{d}{{1,2}}|{cn_small})[ \t　]*月(?:[ \t　]*(?P<d>{d}{{1,2}}|{cn_small})[ \t　]*[日号])?"
            ))
            .unwrap(),
            cn_month_day: Regex::new(&format!(
                r"(?P<m>{d}{{1,2}}|{cn_small})[ \t　]*月[ \t　]*(?P<d>{d}{{1,2}}|{cn_small})[ \t　]*[日号]"
            ))
            .unwrap(),
            cn_day_of_month: Regex::new(&format!(
                r"月[ \t　]*(?P<d>{d}{{1,2}}|{cn_small})[ \t　]*[日号]"
            ))
            .unwrap(),
            iso: Regex::new(
                r"(?P<y>[0-9]{4})(?P<s1>[-/.])(?P<m>[0-9]{1,2})(?P<s2>[-/.])(?P<d>[0-9]{1,2})",
            )
            .unwrap(),
            en_mdy: Regex::new(&format!(
                r"(?i)(?-u:\b)(?P<mn>{MONTHS})\.?[ \t]+(?P<d>[0-9]{{1,2}})(?:st|nd|rd|th)?,?[ \t]+(?P<y>[0-9]{{4}})(?-u:\b)"
            ))
            .unwrap(),
            en_dmy: Regex::new(&format!(
                r"(?i)(?-u:\b)(?P<d>[0-9]{{1,2}})(?:st|nd|rd|th)?[ \t]+(?:day[ \t]+of[ \t]+)?(?P<mn>{MONTHS})\.?,?[ \t]+(?P<y>[0-9]{{4}})(?-u:\b)"
            ))
            .unwrap(),
            en_my: Regex::new(
                r"(?-u:\b)(?P<mn>January|February|March|April|May|June|July|August|September|October|November|December|JANUARY|FEBRUARY|MARCH|APRIL|MAY|JUNE|JULY|AUGUST|SEPTEMBER|OCTOBER|NOVEMBER|DECEMBER),?[ \t]+(?P<y>[0-9]{4})(?-u:\b)",
            )
            .unwrap(),
        }
    })
}

/// A date found in text, with its byte span.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FoundDate {
    pub span: Range<usize>,
    pub date: Date,
}

fn num(c: &Captures, name: &str) -> Option<u32> {
    c.name(name).and_then(|m| small(m.as_str()))
}

fn year(c: &Captures) -> Option<i32> {
    let y = c.name("y")?.as_str();
    if y.chars().all(|c| ascii_digit(c).is_some()) {
        small(y).map(|v| v as i32)
    } else {
        parse_chinese(y)?
            .as_integer()
            .and_then(|v| i32::try_from(v).ok())
    }
}

/// Every date in `text`, in order, without overlaps.
pub fn find_dates(text: &str) -> Vec<FoundDate> {
    let p = patterns();
    let mut out: Vec<FoundDate> = Vec::new();
    // Each pattern needs a character most clauses lack (月, 年, an ASCII digit): checking
    // for it first spares the regex searches on those clauses.
    let f = super::Features::of(text);
    let has_year = f.month && f.year;
    let has_day = f.month && f.day;
    let has_digit = f.ascii_digit;
    // Every pattern needs at least one character, so the empty text stands for "skip".
    let gated = |re: &'static Regex, on: bool| re.captures_iter(if on { text } else { "" });
    let push = |span: Range<usize>, date: Date, out: &mut Vec<FoundDate>| {
        if out
            .iter()
            .any(|o| span.start < o.span.end && o.span.start < span.end)
        {
            return;
        }
        out.push(FoundDate { span, date });
    };
    for c in gated(&p.cn, has_year) {
        let m = c.get(0).unwrap();
        let date = Date {
            year: year(&c),
            month: num(&c, "m"),
            day: num(&c, "d"),
        };
        push(m.range(), date, &mut out);
    }
    for c in gated(&p.iso, has_digit) {
        let m = c.get(0).unwrap();
        if c["s1"] != c["s2"] {
            continue;
        }
        // Not part of a longer run of digits and separators (a version or account number).
        let before = text[..m.start()].chars().next_back();
        let after = &text[m.end()..];
        if before.is_some_and(|b| b.is_ascii_alphanumeric() || "-/.".contains(b))
            || after.chars().next().is_some_and(|a| a.is_ascii_digit())
            || after.len() >= 2
                && "-/.".contains(&after[..1])
                && after[1..].starts_with(|a: char| a.is_ascii_digit())
        {
            continue;
        }
        let date = Date {
            year: year(&c),
            month: num(&c, "m"),
            day: num(&c, "d"),
        };
        push(m.range(), date, &mut out);
    }
    for re in [&p.en_mdy, &p.en_dmy] {
        for c in gated(re, has_digit) {
            let m = c.get(0).unwrap();
            let date = Date {
                year: year(&c),
                month: month_number(&c["mn"]),
                day: num(&c, "d"),
            };
            push(m.range(), date, &mut out);
        }
    }
    for c in gated(&p.en_my, has_digit) {
        let m = c.get(0).unwrap();
        let date = Date {
            year: year(&c),
            month: month_number(&c["mn"]),
            day: None,
        };
        push(m.range(), date, &mut out);
    }
    for c in gated(&p.cn_month_day, has_day) {
        let m = c.get(0).unwrap();
        // 2025年6月30日 was taken above; a month number right after 年 is part of it.
        let before = text[..m.start()].trim_end_matches([' ', '\t', '　']);
        let year_before = before
            .strip_suffix('年')
            .map(|b| b.trim_end_matches([' ', '\t', '　']))
            .is_some_and(|b| {
                b.ends_with(|c: char| {
                    ascii_digit(c).is_some() || super::number::is_cn_numeral_char(c)
                })
            });
        if year_before || before.ends_with(|c: char| ascii_digit(c).is_some()) {
            continue;
        }
        let date = Date {
            year: None,
            month: num(&c, "m"),
            day: num(&c, "d"),
        };
        push(m.range(), date, &mut out);
    }
    for c in gated(&p.cn_day_of_month, has_day) {
        // 每月10日, 次月5日, 每季度首月5日: a day of an unnamed month.
        let d = c.name("d").unwrap();
        let m = c.get(0).unwrap();
        let before = &text[..m.start()];
        if before
            .ends_with(|c: char| ascii_digit(c).is_some() || super::number::is_cn_numeral_char(c))
        {
            continue;
        }
        let date = Date {
            year: None,
            month: None,
            day: small(d.as_str()),
        };
        push(d.start()..m.end(), date, &mut out);
    }
    out.sort_by_key(|d| d.span.start);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dates(t: &str) -> Vec<(String, String, bool)> {
        find_dates(t)
            .into_iter()
            .map(|d| (t[d.span].to_string(), d.date.to_string(), d.date.is_valid()))
            .collect()
    }

    fn one(t: &str) -> (String, bool) {
        let v = dates(t);
        assert_eq!(v.len(), 1, "{t}: {v:?}");
        (v[0].1.clone(), v[0].2)
    }

    #[test]
    fn chinese_dates() {
        assert_eq!(one("签订日期：2025年6月30日"), ("2025-06-30".into(), true));
        assert_eq!(one("二〇二五年六月三十日"), ("2025-06-30".into(), true));
        assert_eq!(one("２０２５年６月３０日"), ("2025-06-30".into(), true));
        assert_eq!(one("2025 年 6 月 30 日"), ("2025-06-30".into(), true));
        assert_eq!(one("于2025年7月前"), ("2025-06".replace("06", "07"), true));
        assert_eq!(one("2025年2月30日"), ("2025-02-30".into(), false));
        assert_eq!(one("2024年2月29日"), ("2024-02-29".into(), true));
        assert_eq!(one("2025年2月29日"), ("2025-02-29".into(), false));
        assert_eq!(one("2025年13月1日"), ("2025-13-01".into(), false));
        assert_eq!(one("每年6月30日前"), ("--06-30".into(), true));
        assert_eq!(one("应于每月10日前支付"), ("---10".into(), true));
        assert_eq!(one("每季度首月5日前"), ("---05".into(), true));
    }

    #[test]
    fn numeric_and_english_dates() {
        assert_eq!(one("2025-06-30"), ("2025-06-30".into(), true));
        assert_eq!(one("2025/6/30"), ("2025-06-30".into(), true));
        assert_eq!(one("2025.6.30"), ("2025-06-30".into(), true));
        assert_eq!(one("June 30, 2025"), ("2025-06-30".into(), true));
        assert_eq!(one("30 June 2025"), ("2025-06-30".into(), true));
        assert_eq!(
            one("the 30th day of June, 2025"),
            ("2025-06-30".into(), true)
        );
        assert_eq!(one("Sept. 3, 2025"), ("2025-09-03".into(), true));
        assert_eq!(one("JUNE 31, 2025"), ("2025-06-31".into(), false));
        assert_eq!(one("by March 2026"), ("2026-03".into(), true));
    }

    #[test]
    fn not_dates() {
        assert!(dates("GB 4706.1-2005、MY-KF-2023-018、0571-88236617").is_empty());
        assert!(dates("2025-06/30").is_empty());
        assert!(dates("1.2.3.4").is_empty());
        assert!(dates("you may 2025").is_empty());
        assert!(dates("十二(12)个月").is_empty());
        assert!(dates("v2025.6.30.1").is_empty());
    }

    #[test]
    fn spans_are_exact() {
        let t = "本协议于2025年6月30日签订，有效期至2026年6月30日止。";
        let got = dates(t);
        assert_eq!(got[0].0, "2025年6月30日");
        assert_eq!(got[1].0, "2026年6月30日");
    }
}
