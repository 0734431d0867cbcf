//! Helpers for unit tests of rule kinds.

use crate::check::check;
use crate::document::Document;
use crate::rules::RuleSet;
use crate::source::Source;

/// A rule set from the body of a pack's `rules:` list.
pub fn pack(rules_yaml: &str) -> RuleSet {
    let mut set = RuleSet::default();
    let text = format!("pack: test\nrules:\n{rules_yaml}");
    if let Err(e) = set.add_pack("test.yaml".into(), &text) {
        panic!("bad test pack: {e}");
    }
    set
}

/// (rule id, flagged text) for each finding.
pub fn check_with(rules: &RuleSet, text: &str) -> Vec<(String, String)> {
    let src = Source::new("t.md", text);
    let doc = Document::parse(&src).expect("parse");
    check(&doc, rules)
        .into_iter()
        .map(|d| (d.rule, src.text[d.span].to_string()))
        .collect()
}
