//! Every fixture states its expected findings, as `<!-- expect: rule[, rule] -->` directly
//! above the line it speaks of, or in a sidecar `NAME.expect.yaml`. Actual must equal
//! expected, by rule and line, for every fixture, with the embedded default rules.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use clauselint::rules::RuleSet;
use clauselint::source::Source;

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct Expect {
    line: usize,
    rule: String,
}

mod common;

pub fn fixture_files() -> Vec<PathBuf> {
    common::md_files("fixtures", &[])
}

/// (line, rule) -> count
fn expected(path: &Path, text: &str) -> BTreeMap<(usize, String), usize> {
    let mut m = BTreeMap::new();
    let sidecar = path.with_extension("expect.yaml");
    if sidecar.exists() {
        let list: Vec<Expect> =
            serde_yaml::from_str(&std::fs::read_to_string(&sidecar).unwrap()).unwrap();
        for e in list {
            *m.entry((e.line, e.rule)).or_insert(0) += 1;
        }
        assert!(
            !text.contains("<!-- expect:"),
            "{}: a fixture with a sidecar must not also carry inline expectations",
            path.display()
        );
        return m;
    }
    let re = regex::Regex::new(r"^\s*<!--\s*expect:\s*(.*?)\s*-->\s*$").unwrap();
    for (i, line) in text.lines().enumerate() {
        if let Some(c) = re.captures(line) {
            for rule in c[1].split(',') {
                *m.entry((i + 2, rule.trim().to_string())).or_insert(0) += 1;
            }
        }
    }
    m
}

fn actual(src: &Source, rules: &RuleSet) -> BTreeMap<(usize, String), usize> {
    let diags = clauselint::check_source(src, rules).unwrap();
    let mut m = BTreeMap::new();
    for d in diags {
        let (line, _) = src.line_col(d.span.start);
        *m.entry((line, d.rule)).or_insert(0) += 1;
    }
    m
}

#[test]
fn every_fixture_produces_exactly_its_expected_findings() {
    let rules = RuleSet::embedded();
    let mut failures = Vec::new();
    let files = fixture_files();
    assert!(files.len() >= 20, "fixtures missing");
    for path in files {
        let src = Source::read(&path).unwrap();
        let exp = expected(&path, &src.text);
        let act = actual(&src, &rules);
        if exp != act {
            let mut lines = vec![format!("{}:", path.display())];
            for (k, n) in &exp {
                let a = act.get(k).copied().unwrap_or(0);
                if a < *n {
                    lines.push(format!(
                        "  missing  line {:>4} {} (expected {n}, got {a})",
                        k.0, k.1
                    ));
                }
            }
            for (k, n) in &act {
                let e = exp.get(k).copied().unwrap_or(0);
                if e < *n {
                    lines.push(format!(
                        "  extra    line {:>4} {} (expected {e}, got {n})",
                        k.0, k.1
                    ));
                }
            }
            failures.push(lines.join("\n"));
        }
    }
    assert!(failures.is_empty(), "\n{}\n", failures.join("\n"));
}

/// (rule, line, column, end_line, end_column) of every finding.
fn positions(rel: &str) -> Vec<(String, usize, usize, usize, usize)> {
    let src = Source::read(&Path::new(common::ROOT).join(rel)).unwrap();
    common::positions(&src)
}

#[test]
fn legacy_encodings_give_the_same_findings_at_the_same_positions() {
    let utf8 = positions("fixtures/zh/template-unfilled.md");
    assert_eq!(utf8.len(), 27);
    assert_eq!(positions("fixtures/zh/template-unfilled.gb18030.md"), utf8);
    assert_eq!(
        positions("fixtures/zh/template-unfilled.zh-Hant.big5.md"),
        positions("fixtures/zh/template-unfilled.zh-Hant.md")
    );
    assert!(positions("fixtures/zh/filled.utf16le.md").is_empty());
}
