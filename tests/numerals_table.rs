//! Differential test: tests/data/numerals.tsv holds Chinese numerals and RMB amounts with
//! the values an independent implementation (cn2an, via scripts/gen_numerals.py) gives
//! them. Every row must parse to the same value here, found as one number or one amount
//! spanning the whole text.

use clauselint::values::number::{find_numbers, parse_chinese};
use clauselint::values::{extract, Currency, Dec, Value};

fn dec(s: &str) -> Dec {
    let (int, frac) = s.split_once('.').unwrap_or((s, ""));
    let m: i128 = format!("{int}{frac}").parse().unwrap();
    Dec::new(m, frac.len() as u32)
}

#[test]
fn every_row_of_the_cn2an_table_parses_to_the_same_value() {
    let table = include_str!("data/numerals.tsv");
    let mut failures = Vec::new();
    let mut rows = 0;
    for (i, line) in table.lines().enumerate() {
        if line.starts_with('#') || line.trim().is_empty() {
            continue;
        }
        rows += 1;
        let cols: Vec<&str> = line.split('\t').collect();
        assert_eq!(cols.len(), 3, "line {}: {line}", i + 1);
        let (kind, text, want) = (cols[0], cols[1], dec(cols[2]));
        let got = match kind {
            "number" => {
                let parsed = parse_chinese(text);
                let found = find_numbers(text);
                if found.len() != 1 || found[0].span != (0..text.len()) {
                    Err(format!("found {found:?}"))
                } else {
                    parsed.ok_or_else(|| "no parse".to_string())
                }
            }
            "amount" => {
                let v = extract(text);
                match v.entities.as_slice() {
                    [e] if e.span == (0..text.len()) => match e.value {
                        Value::Money(m) if m.currency == Currency::Cny => Ok(m.amount),
                        other => Err(format!("not yuan: {other:?}")),
                    },
                    other => Err(format!("entities {other:?}")),
                }
            }
            _ => panic!("line {}: unknown kind {kind}", i + 1),
        };
        match got {
            Ok(v) if v == want => {}
            Ok(v) => failures.push(format!("line {}: {text}: got {v}, cn2an {want}", i + 1)),
            Err(e) => failures.push(format!("line {}: {text}: {e}", i + 1)),
        }
    }
    assert!(
        rows >= 300,
        "the table must hold at least 300 cases, has {rows}"
    );
    assert!(
        failures.is_empty(),
        "{} of {rows} rows differ:\n{}",
        failures.len(),
        failures.join("\n")
    );
}
