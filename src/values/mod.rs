//! The value layer: numbers, money, percentages, durations and dates recognised in contract
//! text, with byte spans. Rules ask for them (`require` with `entity:`), compare them
//! (`range`) and cross-check them (`consistency`).
//!
//! Recognisers run on [`crate::document::Document::scan`] text (Traditional folded, Markdown
//! syntax and code blanked), one clause at a time, and return spans into that text.

pub mod date;
pub mod dec;
pub mod duration;
pub mod money;
pub mod number;
pub mod percent;

use std::fmt;
use std::ops::Range;

pub use date::Date;
pub use dec::Dec;
pub use duration::{DayKind, Duration, TimeUnit};
pub use money::{Currency, Money};
pub use number::{Form, Num};
pub use percent::{Percent, Period};

/// The kinds of value a rule can ask for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum EntityKind {
    Duration,
    Percent,
    Money,
    Date,
}

impl EntityKind {
    pub const ALL: [EntityKind; 4] = [
        EntityKind::Duration,
        EntityKind::Percent,
        EntityKind::Money,
        EntityKind::Date,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            EntityKind::Duration => "duration",
            EntityKind::Percent => "percent",
            EntityKind::Money => "money",
            EntityKind::Date => "date",
        }
    }

    pub fn parse(s: &str) -> Option<EntityKind> {
        EntityKind::ALL.into_iter().find(|k| k.as_str() == s)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Value {
    Money(Money),
    Percent(Percent),
    Duration(Duration),
    Date(Date),
}

impl Value {
    pub fn kind(&self) -> EntityKind {
        match self {
            Value::Money(_) => EntityKind::Money,
            Value::Percent(_) => EntityKind::Percent,
            Value::Duration(_) => EntityKind::Duration,
            Value::Date(_) => EntityKind::Date,
        }
    }
}

impl fmt::Display for Value {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Value::Money(m) => m.fmt(f),
            Value::Percent(p) => p.fmt(f),
            Value::Duration(d) => d.fmt(f),
            Value::Date(d) => d.fmt(f),
        }
    }
}

/// A value found in text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entity {
    pub span: Range<usize>,
    pub value: Value,
    /// How its number is written (digits or words); dates count as digits.
    pub form: Form,
}

/// Everything the recognisers found in one stretch of text.
#[derive(Debug, Clone, Default)]
pub struct Values {
    /// Every number, including those inside entities.
    pub numbers: Vec<Num>,
    /// Dates, money, percentages and durations, in text order, without overlaps.
    pub entities: Vec<Entity>,
}

/// At most `max` bytes of `text` before `at`, on a char boundary: (offset, slice).
pub(crate) fn tail(text: &str, at: usize, max: usize) -> (usize, &str) {
    let mut s = at.saturating_sub(max);
    while !text.is_char_boundary(s) {
        s += 1;
    }
    (s, &text[s..at])
}

/// At most `max` bytes of `text` from `at`, on a char boundary. Anchored look-ups after a
/// number use it: a regex that must match at the start should not be handed (and, in the
/// backtracking engine, allocate for) the whole rest of a long clause.
pub(crate) fn head(text: &str, at: usize, max: usize) -> &str {
    let mut e = (at + max).min(text.len());
    while !text.is_char_boundary(e) {
        e -= 1;
    }
    &text[at..e]
}

/// Characters the recognisers' regexes need, found in one pass over a clause: each regex
/// is skipped on a clause that lacks what it needs (most clauses have no date, many no
/// digit), and a byte loop is much cheaper than a substring search per character.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct Features {
    pub ascii_digit: bool,
    /// An ASCII or full-width digit.
    pub digit: bool,
    /// An ASCII letter, or a character that `(?i)` matches with one (ſ, K).
    pub latin: bool,
    pub month: bool,
    pub year: bool,
    /// 日 or 号.
    pub day: bool,
}

impl Features {
    pub(crate) fn of(text: &str) -> Features {
        let mut f = Features::default();
        let b = text.as_bytes();
        let mut i = 0;
        while i < b.len() {
            let x = b[i];
            if x < 0x80 {
                f.ascii_digit |= x.is_ascii_digit();
                f.latin |= x.is_ascii_alphabetic();
                i += 1;
                continue;
            }
            // A lead byte (`text` is UTF-8, its continuation bytes follow); only five lead
            // bytes start a character that matters here.
            match x {
                0xE5 => match (b[i + 1], b[i + 2]) {
                    (0xB9, 0xB4) => f.year = true, // 年
                    (0x8F, 0xB7) => f.day = true,  // 号
                    _ => {}
                },
                0xE6 => match (b[i + 1], b[i + 2]) {
                    (0x9C, 0x88) => f.month = true, // 月
                    (0x97, 0xA5) => f.day = true,   // 日
                    _ => {}
                },
                0xEF => f.digit |= b[i + 1] == 0xBC && (0x90..=0x99).contains(&b[i + 2]), // ０-９
                0xE2 => f.latin |= b[i + 1] == 0x84 && b[i + 2] == 0xAA,                  // K
                0xC5 => f.latin |= b[i + 1] == 0xBF,                                      // ſ
                _ => {}
            }
            i += match x {
                0xF0.. => 4,
                0xE0.. => 3,
                _ => 2,
            };
        }
        f.digit |= f.ascii_digit;
        f
    }
}

/// `re.captures(text)` without allocating capture slots when `re` does not match: most
/// numbers have no unit, currency or percent sign next to them, and the look-ups around a
/// number run for every number of every clause.
pub(crate) fn captures_if<'h>(re: &regex::Regex, text: &'h str) -> Option<regex::Captures<'h>> {
    if re.is_match(text) {
        re.captures(text)
    } else {
        None
    }
}

/// Recognise every value in `text`. Spans are offsets into `text`.
pub fn extract(text: &str) -> Values {
    extract_with_dates(text, date::find_dates(text))
}

/// [`extract`] with the dates of `text` already found (what [`date::find_dates`] returns,
/// in any order).
pub fn extract_with_dates(text: &str, dates: Vec<date::FoundDate>) -> Values {
    let numbers = number::find_numbers(text);
    let mut entities: Vec<Entity> = Vec::new();
    let taken = |entities: &[Entity], r: &Range<usize>| {
        entities
            .iter()
            .any(|e| r.start < e.span.end && e.span.start < r.end)
    };
    for d in dates {
        entities.push(Entity {
            span: d.span,
            value: Value::Date(d.date),
            form: Form::Digits,
        });
    }
    // Percentages before money: 百分之三十 is never an amount.
    for n in &numbers {
        if taken(&entities, &n.span) {
            continue;
        }
        if let Some((s, e, value)) = percent::at_number(text, n) {
            let per = percent::period_near(text, s, e);
            entities.push(Entity {
                span: s..e,
                value: Value::Percent(Percent { value, per }),
                form: n.form,
            });
        }
    }
    for n in &numbers {
        if taken(&entities, &n.span) {
            continue;
        }
        if let Some((s, e, m)) = money::at_number(text, n) {
            if !taken(&entities, &(s..e)) {
                entities.push(Entity {
                    span: s..e,
                    value: Value::Money(m),
                    form: n.form,
                });
            }
        }
    }
    for n in &numbers {
        if taken(&entities, &n.span) {
            continue;
        }
        if let Some((e, d)) = duration::at_number(text, n) {
            if !taken(&entities, &(n.span.start..e)) {
                entities.push(Entity {
                    span: n.span.start..e,
                    value: Value::Duration(d),
                    form: n.form,
                });
            }
        }
    }
    entities.sort_by_key(|e| (e.span.start, e.span.end));
    Values { numbers, entities }
}

/// Recognise the values in `span` of `text`, with spans into `text`.
pub fn extract_in(text: &str, span: Range<usize>) -> Values {
    let base = span.start;
    let mut v = extract(&text[span]);
    for n in &mut v.numbers {
        n.span = n.span.start + base..n.span.end + base;
    }
    for e in &mut v.entities {
        e.span = e.span.start + base..e.span.end + base;
    }
    v
}

#[cfg(test)]
mod tests;
