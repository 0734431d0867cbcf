//! Durations: 十五(15)个工作日, 30日, 三个月, 2年, 48小时, "thirty (30) days",
//! "ten (10) business days", "one (1) year". Business days and calendar days are told apart;
//! a plain 日/天/"days" is calendar time, as the Civil Code counts it, but is kept distinct
//! (`Unspecified`) so that a rule can insist on the word.

use std::fmt;
use std::sync::OnceLock;

use regex::Regex;

use super::dec::Dec;
use super::number::{parse_arabic, Num};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum TimeUnit {
    Minute,
    Hour,
    Day,
    Week,
    Month,
    Year,
}

impl TimeUnit {
    pub fn as_str(self) -> &'static str {
        match self {
            TimeUnit::Minute => "minute",
            TimeUnit::Hour => "hour",
            TimeUnit::Day => "day",
            TimeUnit::Week => "week",
            TimeUnit::Month => "month",
            TimeUnit::Year => "year",
        }
    }
}

/// What kind of day a day count counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DayKind {
    /// 工作日, 营业日, business/working/banking days.
    Business,
    /// 自然日, 日历日, calendar/consecutive days.
    Calendar,
    /// 日, 天, days: calendar days by default, but not said.
    Unspecified,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Duration {
    pub amount: Dec,
    pub unit: TimeUnit,
    pub days: DayKind,
}

impl Duration {
    /// Length in days, for comparing durations of different units: an hour is 1/24 day, a
    /// week 7, a month 30, a year 365, a business day 1 (documented approximations).
    pub fn approx_days(&self) -> f64 {
        let a = self.amount.to_f64();
        match self.unit {
            TimeUnit::Minute => a / 1440.0,
            TimeUnit::Hour => a / 24.0,
            TimeUnit::Day => a,
            TimeUnit::Week => a * 7.0,
            TimeUnit::Month => a * 30.0,
            TimeUnit::Year => a * 365.0,
        }
    }
}

impl fmt::Display for Duration {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let unit = match (self.unit, self.days) {
            (TimeUnit::Day, DayKind::Business) => "business day",
            (TimeUnit::Day, DayKind::Calendar) => "calendar day",
            (u, _) => u.as_str(),
        };
        let plural = if self.amount == Dec::int(1) { "" } else { "s" };
        write!(f, "{} {unit}{plural}", self.amount)
    }
}

fn cn_unit_re() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| {
        Regex::new(
            r"^[ \t　]*(?:[(（][ \t　]*(?P<fig>[0-9０-９][0-9０-９,，.．]*)[ \t　]*[)）])?[ \t　]*(?P<ge>个)?[ \t　]*(?P<u>银行工作日|工作日|工作天|营业日|自然日|日历日|日历天|历日|日|天|周|星期|月|年|小时|钟头|分钟)",
        )
        .unwrap()
    })
}

fn en_unit_re() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| {
        Regex::new(
            r"(?i)^[ \t]*(?:\([ \t]*(?P<fig>[0-9][0-9,.]*)[ \t]*\))?[ \t]*(?:(?P<kind>business|working|banking|calendar|consecutive)[ \t]+)?(?P<u>days?|weeks?|months?|years?|hours?|minutes?)(?-u:\b)",
        )
        .unwrap()
    })
}

/// A duration starting at the number `n` of `text`: (end offset, duration).
pub(crate) fn at_number(text: &str, n: &Num) -> Option<(usize, Duration)> {
    let rest = super::head(text, n.span.end, 64);
    if let Some(c) = super::captures_if(cn_unit_re(), rest) {
        let unit_s = c.name("u").unwrap().as_str();
        let amount = match c.name("fig") {
            Some(f) => parse_arabic(f.as_str())?,
            None => n.value,
        };
        let before = text[..n.span.start].trim_end_matches([' ', '\t', '　']);
        let after = &rest[c.get(0).unwrap().end()..];
        let (unit, days) = match unit_s {
            "工作日" | "工作天" | "营业日" | "银行工作日" => {
                (TimeUnit::Day, DayKind::Business)
            }
            "自然日" | "日历日" | "日历天" | "历日" => {
                (TimeUnit::Day, DayKind::Calendar)
            }
            "日" | "天" => {
                // 6月30日, 每月10日: a day of a month, not a count of days.
                if before.ends_with('月') {
                    return None;
                }
                (TimeUnit::Day, DayKind::Unspecified)
            }
            "周" | "星期" => {
                if after.starts_with('年') {
                    return None; // 三周年: an anniversary
                }
                (TimeUnit::Week, DayKind::Unspecified)
            }
            "月" => {
                // 2025年6月 or 6月30日 is a date; 3月 without 个 is a count only when small.
                if c.name("ge").is_none()
                    && (before.ends_with('年')
                        || n.value > Dec::int(12)
                        || after
                            .trim_start_matches([' ', '\t', '　'])
                            .starts_with(|ch: char| {
                                ch.is_ascii_digit() || super::number::is_cn_numeral_char(ch)
                            }))
                {
                    return None;
                }
                (TimeUnit::Month, DayKind::Unspecified)
            }
            "年" => {
                // 2025年 is a year, 二〇二五年 too.
                if amount >= Dec::int(1000) || text[n.span.clone()].contains(['〇', '○']) {
                    return None;
                }
                (TimeUnit::Year, DayKind::Unspecified)
            }
            "小时" | "钟头" => (TimeUnit::Hour, DayKind::Unspecified),
            "分钟" => (TimeUnit::Minute, DayKind::Unspecified),
            _ => return None,
        };
        let end = n.span.end + c.get(0).unwrap().end();
        return Some((end, Duration { amount, unit, days }));
    }
    if let Some(c) = super::captures_if(en_unit_re(), rest) {
        let amount = match c.name("fig") {
            Some(f) => parse_arabic(f.as_str())?,
            None => n.value,
        };
        let u = c.name("u").unwrap().as_str().to_lowercase();
        let unit = match u.trim_end_matches('s') {
            "day" => TimeUnit::Day,
            "week" => TimeUnit::Week,
            "month" => TimeUnit::Month,
            "year" => TimeUnit::Year,
            "hour" => TimeUnit::Hour,
            "minute" => TimeUnit::Minute,
            _ => return None,
        };
        let days = match c.name("kind").map(|k| k.as_str().to_lowercase()).as_deref() {
            Some("business" | "working" | "banking") => DayKind::Business,
            Some("calendar" | "consecutive") => DayKind::Calendar,
            _ => DayKind::Unspecified,
        };
        if unit != TimeUnit::Day && days != DayKind::Unspecified {
            return None;
        }
        let end = n.span.end + c.get(0).unwrap().end();
        return Some((end, Duration { amount, unit, days }));
    }
    None
}
