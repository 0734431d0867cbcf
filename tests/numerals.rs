//! Numeral systems: property tests (format a random value, parse it back, get the same
//! value and span) for Arabic, Chinese lower-case, Chinese financial and English words.

use clauselint::values::number::{
    find_numbers, format_arabic, format_chinese, format_english, parse_arabic, parse_chinese,
    parse_english,
};
use clauselint::values::Dec;
use proptest::prelude::*;

fn config() -> ProptestConfig {
    // Bounded so that the suite stays fast; each case is microseconds.
    ProptestConfig {
        cases: 512,
        ..ProptestConfig::default()
    }
}

/// Values spread over every order of magnitude, not just the large ones.
fn magnitude() -> impl Strategy<Value = u64> {
    (0u32..16, any::<u64>()).prop_map(|(digits, r)| r % 10u64.pow(digits + 1))
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn arabic_round_trip(n in magnitude(), grouped in any::<bool>(), full in any::<bool>()) {
        let s = format_arabic(n, grouped, full);
        prop_assert_eq!(parse_arabic(&s), Some(Dec::int(n as i128)), "{}", s);
    }

    #[test]
    fn arabic_decimal_round_trip(m in 0u64..10_000_000_000, e in 0u32..6) {
        let d = Dec::new(m as i128, e);
        let s = d.to_string();
        prop_assert_eq!(parse_arabic(&s), Some(d), "{}", s);
        prop_assert_eq!(parse_arabic(&d.grouped()), Some(d), "{}", d.grouped());
    }

    #[test]
    fn chinese_lower_round_trip(n in magnitude()) {
        let s = format_chinese(n, false);
        prop_assert_eq!(parse_chinese(&s), Some(Dec::int(n as i128)), "{}", s);
    }

    #[test]
    fn chinese_financial_round_trip(n in magnitude()) {
        let s = format_chinese(n, true);
        prop_assert_eq!(parse_chinese(&s), Some(Dec::int(n as i128)), "{}", s);
    }

    #[test]
    fn english_round_trip(n in magnitude().prop_map(|n| n % 1_000_000_000_000_000)) {
        let s = format_english(n);
        prop_assert_eq!(parse_english(&s), Some(Dec::int(n as i128)), "{}", s);
        let upper = s.to_uppercase();
        prop_assert_eq!(parse_english(&upper), Some(Dec::int(n as i128)), "{}", upper);
    }

    /// Found in running text, each form gives its value and exactly its own span.
    #[test]
    fn numbers_are_found_with_their_span(n in 1u64..1_000_000_000_000, which in 0usize..4) {
        let written = match which {
            0 => format_arabic(n, true, false),
            1 => format_chinese(n, false),
            2 => format_chinese(n, true),
            _ => format_english(n),
        };
        let text = if which == 3 {
            format!("a total of {written} units")
        } else {
            format!("共计{written}件货物")
        };
        let found = find_numbers(&text);
        prop_assert_eq!(found.len(), 1, "{} -> {:?}", text, found);
        prop_assert_eq!(&text[found[0].span.clone()], written.as_str());
        prop_assert_eq!(found[0].value, Dec::int(n as i128));
    }
}
