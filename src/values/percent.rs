//! Percentages and rates: 5%, 0.05%, 3‰, 百分之五, 千分之三, 万分之五, "5 percent",
//! "one and one-half percent", with the period of a rate when the clause states one
//! (每日万分之五, 年利率4%, "1.5% per month", "for each day of delay").

use std::fmt;
use std::sync::OnceLock;

use regex::Regex;

use super::dec::Dec;
use super::number::Num;

/// The period a rate is charged per.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Period {
    Day,
    Month,
    Year,
}

impl Period {
    pub fn as_str(self) -> &'static str {
        match self {
            Period::Day => "day",
            Period::Month => "month",
            Period::Year => "year",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Percent {
    /// In percent: 万分之五 is 0.05, 3‰ is 0.3.
    pub value: Dec,
    pub per: Option<Period>,
}

impl fmt::Display for Percent {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}%", self.value)?;
        if let Some(p) = self.per {
            write!(f, " per {}", p.as_str())?;
        }
        Ok(())
    }
}

fn before_re() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| Regex::new(r"(?P<base>[百千万萬])分之[ \t　]*$").unwrap())
}

fn after_re() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| {
        Regex::new(
            r"(?i)^[ \t　]*(?:(?P<sym>[%％‰‱])|(?P<word>percent|per[ \t]?cent|per[ \t]+centum)(?-u:\b))",
        )
        .unwrap()
    })
}

/// A percentage around the number `n`: (start, end, percent) in `text` offsets.
pub(crate) fn at_number(text: &str, n: &Num) -> Option<(usize, usize, Dec)> {
    let (base, before) = super::tail(text, n.span.start, 24);
    if let Some(c) = super::captures_if(before_re(), before) {
        let shift = match &c["base"] {
            "百" => 0,
            "千" => 1,
            _ => 2,
        };
        let start = base + c.get(0).unwrap().start();
        return Some((start, n.span.end, n.value.shift_down(shift)));
    }
    let rest = super::head(text, n.span.end, 48);
    if let Some(c) = super::captures_if(after_re(), rest) {
        let end = n.span.end + c.get(0).unwrap().end();
        let value = match c.name("sym").map(|s| s.as_str()) {
            Some("‰") => n.value.shift_down(1),
            Some("‱") => n.value.shift_down(2),
            _ => n.value,
        };
        return Some((n.span.start, end, value));
    }
    None
}

fn period_before_re() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| {
        Regex::new(
            r"(?i)(?P<day>每(?:逾期|迟延|延迟|延期|超期|拖延|迟付|晚付)?(?:一|1|壹)?(?:个)?(?:日|天)|日利率|日息|日费率|按日|daily)|(?P<month>每(?:逾期)?(?:一|1)?个?月|月利率|月息|按月|monthly)|(?P<year>每年|年利率|年息|年化|年费率|按年|annual(?:ly)?|per annum)",
        )
        .unwrap()
    })
}

fn period_after_re() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| {
        Regex::new(
            r"(?i)(?P<day>/[ \t]*(?:日|天|day)|每(?:日|天)|per[ \t]+(?:day|diem)|(?:for[ \t]+)?(?:each|every|a)[ \t]+(?:calendar[ \t]+|business[ \t]+)?day(?-u:\b)|daily)|(?P<month>/[ \t]*(?:月|month)|每月|per[ \t]+month|(?:for[ \t]+)?(?:each|every|a)[ \t]+month(?-u:\b)|monthly)|(?P<year>/[ \t]*(?:年|year)|每年|per[ \t]+(?:annum|year)|(?:for[ \t]+)?(?:each|every|a)[ \t]+year(?-u:\b)|annually)",
        )
        .unwrap()
    })
}

fn period_of(c: &regex::Captures) -> Period {
    if c.name("day").is_some() {
        Period::Day
    } else if c.name("month").is_some() {
        Period::Month
    } else {
        Period::Year
    }
}

/// The rate period stated near a percentage, within its sentence: the nearest of a phrase
/// before it (每逾期一日，…万分之五; 年利率4%) or after it ("1.5% per month").
pub(crate) fn period_near(text: &str, start: usize, end: usize) -> Option<Period> {
    const STOPS: [char; 6] = ['。', '；', ';', '！', '？', '\n'];
    let sent_start = text[..start].rfind(STOPS).map_or(0, |i| {
        i + text[i..].chars().next().map_or(1, |c| c.len_utf8())
    });
    let mut win_start = start.saturating_sub(60).max(sent_start);
    while !text.is_char_boundary(win_start) {
        win_start += 1;
    }
    let before = &text[win_start..start];
    let b = period_before_re()
        .captures_iter(before)
        .last()
        .map(|c| (start - (win_start + c.get(0).unwrap().end()), period_of(&c)));
    let sent_end = text[end..].find(STOPS).map_or(text.len(), |i| end + i);
    let mut win_end = (end + 60).min(sent_end);
    while !text.is_char_boundary(win_end) {
        win_end -= 1;
    }
    let after = &text[end..win_end];
    let a = super::captures_if(period_after_re(), after)
        .map(|c| (c.get(0).unwrap().start(), period_of(&c)));
    match (b, a) {
        (Some(b), Some(a)) => Some(if a.0 < b.0 { a.1 } else { b.1 }),
        (Some(b), None) => Some(b.1),
        (None, Some(a)) => Some(a.1),
        (None, None) => None,
    }
}
