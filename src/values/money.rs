//! Money: 人民币伍万元整, ¥50,000.00, 5万元, 12,000元, 叁佰元伍角陆分, RMB 360,000,
//! US$420,000, "Four Hundred Twenty Thousand U.S. Dollars", 新臺幣壹萬元整, HK$1,000.
//! An amount needs a currency word or sign before or after it; a bare number is not money.

use std::fmt;
use std::sync::OnceLock;

use regex::Regex;

use super::dec::Dec;
use super::number::{ascii_digit, cn_digit, Num};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Currency {
    Cny,
    Usd,
    Eur,
    Gbp,
    Hkd,
    Jpy,
    Twd,
}

impl Currency {
    pub fn code(self) -> &'static str {
        match self {
            Currency::Cny => "CNY",
            Currency::Usd => "USD",
            Currency::Eur => "EUR",
            Currency::Gbp => "GBP",
            Currency::Hkd => "HKD",
            Currency::Jpy => "JPY",
            Currency::Twd => "TWD",
        }
    }

    pub fn parse(code: &str) -> Option<Currency> {
        Some(match code.to_ascii_uppercase().as_str() {
            "CNY" | "RMB" => Currency::Cny,
            "USD" => Currency::Usd,
            "EUR" => Currency::Eur,
            "GBP" => Currency::Gbp,
            "HKD" => Currency::Hkd,
            "JPY" => Currency::Jpy,
            "TWD" | "NTD" => Currency::Twd,
            _ => return None,
        })
    }

    pub const CODES: &'static [&'static str] = &["CNY", "USD", "EUR", "GBP", "HKD", "JPY", "TWD"];
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Money {
    pub amount: Dec,
    pub currency: Currency,
}

impl fmt::Display for Money {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.currency.code(), self.amount.grouped())
    }
}

fn prefix_re() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| {
        Regex::new(
            r"(?P<cur>人民币|RMB|CNY|Rmb|US\$|U\.S\.\$|US＄|USD|HK\$|HKD|港币|港元|NT\$|NTD|TWD|新台币|EUR|€|GBP|£|JPY|\$|＄|¥|￥)[ \t　]*(?:[(（]?(?:大写|小写)[)）]?[:：]?[ \t　]*)?$",
        )
        .unwrap()
    })
}

fn suffix_re() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| {
        Regex::new(
            r"^[ \t　]*(?P<cur>元|圆|块钱|美元|美金|港元|港币|欧元|英镑|日元|新台币|(?i:U\.S\.[ \t]*dollars?|US[ \t]+dollars?|dollars?|yuan|renminbi)(?-u:\b)|(?:USD|RMB|CNY|EUR|GBP|HKD|JPY)(?-u:\b))",
        )
        .unwrap()
    })
}

fn currency_of(s: &str) -> Currency {
    let l = s.to_lowercase();
    match l.as_str() {
        "人民币" | "rmb" | "cny" | "¥" | "￥" | "元" | "圆" | "块钱" | "yuan" | "renminbi" => {
            Currency::Cny
        }
        "港币" | "港元" | "hk$" | "hkd" => Currency::Hkd,
        "nt$" | "ntd" | "twd" | "新台币" => Currency::Twd,
        "eur" | "€" | "欧元" => Currency::Eur,
        "gbp" | "£" | "英镑" => Currency::Gbp,
        "jpy" | "日元" => Currency::Jpy,
        _ => Currency::Usd,
    }
}

/// Money around the number `n`: (start, end, money) in `text` offsets.
pub(crate) fn at_number(text: &str, n: &Num) -> Option<(usize, usize, Money)> {
    let (base, before) = super::tail(text, n.span.start, 40);
    let prefix = super::captures_if(prefix_re(), before);
    let rest = super::head(text, n.span.end, 48);
    let suffix = super::captures_if(suffix_re(), rest);
    if prefix.is_none() && suffix.is_none() {
        return None;
    }
    let mut start = n.span.start;
    let mut end = n.span.end;
    let mut amount = n.value;
    let prefix_cur = prefix.as_ref().map(|p| {
        start = base + p.get(0).unwrap().start();
        currency_of(&p["cur"])
    });
    let mut currency = prefix_cur;
    if let Some(s) = &suffix {
        let cur = &s["cur"];
        end = n.span.end + s.get(0).unwrap().end();
        let lower = cur.to_lowercase();
        currency = if matches!(cur, "元" | "圆") || lower.starts_with("dollar") {
            // 新台币…元 and HK$…dollars keep the prefix's currency.
            Some(prefix_cur.unwrap_or(currency_of(cur)))
        } else {
            Some(currency_of(cur))
        };
        if matches!(cur, "元" | "圆") {
            let (len, sub) = jiao_fen(&text[end..]);
            end += len;
            if let Some(x) = amount.checked_add(sub) {
                amount = x;
            }
        }
    }
    Some((
        start,
        end,
        Money {
            amount,
            currency: currency.unwrap_or(Currency::Cny),
        },
    ))
}

/// 角 and 分 after 元, and a closing 整/正: (bytes consumed, value in yuan).
fn jiao_fen(rest: &str) -> (usize, Dec) {
    let mut pos = 0;
    let mut value = Dec::ZERO;
    for (unit, shift) in [('角', 1u32), ('分', 2)] {
        let mut p = pos;
        let mut chars = rest[p..].chars();
        let mut c = chars.next();
        if c == Some('零') {
            p += '零'.len_utf8();
            c = chars.next();
        }
        let Some(d) = c.and_then(|c| cn_digit(c).or(ascii_digit(c))) else {
            continue;
        };
        let dlen = c.unwrap().len_utf8();
        if rest[p + dlen..].starts_with(unit) {
            value = value
                .checked_add(Dec::new(d as i128, shift))
                .unwrap_or(value);
            pos = p + dlen + unit.len_utf8();
        }
    }
    if rest[pos..].starts_with('整') || rest[pos..].starts_with('正') {
        pos += '整'.len_utf8();
    }
    (pos, value)
}
