//! The examples of the value-layer rules in the default packs do what they say: every
//! `bad` example gives a finding of its rule, every `good` example none.

use clauselint::rules::RuleSet;

const IDS: &[&str] = &[
    "amount/words-digits-mismatch",
    "deposit/over-cap",
    "date/invalid",
    "date/implausible",
    "date/sign-after-termination",
    "party/name-mismatch",
    "deadline/missing",
    "percentage/missing",
];

#[test]
fn value_rule_examples_hold() {
    let rules = RuleSet::embedded();
    let mut failures = Vec::new();
    let mut checked = 0;
    for r in rules.rules.iter().filter(|r| IDS.contains(&r.id.as_str())) {
        for (bad, list) in [(true, &r.examples.bad), (false, &r.examples.good)] {
            for text in list {
                checked += 1;
                let (_, diags) =
                    clauselint::check_text("example.md", &format!("{text}\n"), &rules).unwrap();
                let hits = diags.iter().filter(|d| d.rule == r.id).count();
                if bad != (hits > 0) {
                    failures.push(format!(
                        "{} ({}): {} example gave {hits} findings: {text}",
                        r.id,
                        r.pack,
                        if bad { "bad" } else { "good" }
                    ));
                }
            }
        }
    }
    assert!(checked >= 20, "examples missing: {checked}");
    assert!(failures.is_empty(), "\n{}", failures.join("\n"));
}
