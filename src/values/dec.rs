//! An exact decimal for contract values: 50,000.00, 0.05%, 1.5 months. Floating point would
//! make ¥50,000.00 and 伍万元整 compare by accident; this type compares them exactly.

use std::cmp::Ordering;
use std::fmt;

/// `m / 10^e`, normalised so that `m` has no trailing zero digit when `e > 0`.
#[derive(Clone, Copy, Debug)]
pub struct Dec {
    m: i128,
    e: u32,
}

/// Scales above this are rounded away; no contract writes 19 decimal places.
const MAX_SCALE: u32 = 18;

impl Dec {
    pub const ZERO: Dec = Dec { m: 0, e: 0 };

    pub fn int(n: i128) -> Dec {
        Dec { m: n, e: 0 }
    }

    /// `m / 10^e`.
    pub fn new(m: i128, e: u32) -> Dec {
        let mut d = Dec { m, e };
        while d.e > MAX_SCALE {
            d.m /= 10;
            d.e -= 1;
        }
        d.normalise()
    }

    fn normalise(mut self) -> Dec {
        while self.e > 0 && self.m % 10 == 0 {
            self.m /= 10;
            self.e -= 1;
        }
        if self.m == 0 {
            self.e = 0;
        }
        self
    }

    pub fn mantissa(self) -> i128 {
        self.m
    }

    pub fn scale(self) -> u32 {
        self.e
    }

    pub fn is_integer(self) -> bool {
        self.e == 0
    }

    /// The integer value, if this is a whole number.
    pub fn as_integer(self) -> Option<i128> {
        self.is_integer().then_some(self.m)
    }

    pub fn checked_mul_int(self, k: i128) -> Option<Dec> {
        Some(Dec::new(self.m.checked_mul(k)?, self.e))
    }

    pub fn checked_add(self, o: Dec) -> Option<Dec> {
        let e = self.e.max(o.e);
        let a = self.m.checked_mul(10i128.checked_pow(e - self.e)?)?;
        let b = o.m.checked_mul(10i128.checked_pow(e - o.e)?)?;
        Some(Dec::new(a.checked_add(b)?, e))
    }

    pub fn checked_mul(self, o: Dec) -> Option<Dec> {
        Some(Dec::new(self.m.checked_mul(o.m)?, self.e + o.e))
    }

    /// Divide by `10^k` (exact).
    pub fn shift_down(self, k: u32) -> Dec {
        Dec::new(self.m, self.e + k)
    }

    pub fn to_f64(self) -> f64 {
        self.m as f64 / 10f64.powi(self.e as i32)
    }

    /// Digits with thousands separators: `50,000`, `1,234.5`.
    pub fn grouped(self) -> String {
        let plain = self.to_string();
        let (int, frac) = match plain.split_once('.') {
            Some((i, f)) => (i, Some(f)),
            None => (plain.as_str(), None),
        };
        let (sign, digits) = match int.strip_prefix('-') {
            Some(d) => ("-", d),
            None => ("", int),
        };
        let mut out = String::new();
        for (i, c) in digits.chars().enumerate() {
            if i > 0 && (digits.len() - i) % 3 == 0 {
                out.push(',');
            }
            out.push(c);
        }
        match frac {
            Some(f) => format!("{sign}{out}.{f}"),
            None => format!("{sign}{out}"),
        }
    }
}

impl PartialEq for Dec {
    fn eq(&self, o: &Dec) -> bool {
        self.cmp(o) == Ordering::Equal
    }
}

impl Eq for Dec {}

impl PartialOrd for Dec {
    fn partial_cmp(&self, o: &Dec) -> Option<Ordering> {
        Some(self.cmp(o))
    }
}

impl Ord for Dec {
    fn cmp(&self, o: &Dec) -> Ordering {
        let e = self.e.max(o.e);
        let scale = |d: &Dec| 10i128.checked_pow(e - d.e).and_then(|p| d.m.checked_mul(p));
        match (scale(self), scale(o)) {
            (Some(a), Some(b)) => a.cmp(&b),
            _ => self.to_f64().total_cmp(&o.to_f64()),
        }
    }
}

impl fmt::Display for Dec {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.e == 0 {
            return write!(f, "{}", self.m);
        }
        let neg = self.m < 0;
        let digits = self.m.unsigned_abs().to_string();
        let e = self.e as usize;
        let padded = if digits.len() <= e {
            format!("{}{}", "0".repeat(e - digits.len() + 1), digits)
        } else {
            digits
        };
        let (i, frac) = padded.split_at(padded.len() - e);
        write!(f, "{}{}.{}", if neg { "-" } else { "" }, i, frac)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn equal_values_with_different_scales_are_equal() {
        assert_eq!(Dec::new(5000000, 2), Dec::int(50000));
        assert_eq!(Dec::new(5, 4), Dec::new(50, 5));
        assert!(Dec::new(5, 2) < Dec::int(1));
    }

    #[test]
    fn display_and_grouping() {
        assert_eq!(Dec::new(5, 2).to_string(), "0.05");
        assert_eq!(Dec::new(15, 1).to_string(), "1.5");
        assert_eq!(Dec::int(420000).grouped(), "420,000");
        assert_eq!(Dec::new(123456789, 2).grouped(), "1,234,567.89");
        assert_eq!(Dec::int(999).grouped(), "999");
    }

    #[test]
    fn arithmetic() {
        let a = Dec::new(15, 1).checked_add(Dec::new(25, 2)).unwrap();
        assert_eq!(a, Dec::new(175, 2));
        assert_eq!(Dec::int(5).shift_down(4), Dec::new(5, 4));
        assert_eq!(
            Dec::new(5, 1).checked_mul(Dec::int(10000)).unwrap(),
            Dec::int(5000)
        );
    }
}
