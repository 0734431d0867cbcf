//! `require`: where `when` occurs, `must` must occur too, in the same unit.
//!
//! In a clause or sentence the finding sits on the trigger (or its `at` group, the cut
//! slot). In a section or document it sits on the first trigger, or on line 1 when the rule
//! has no trigger.

use super::units::{any_match, find_first, units};
use super::{make, Context};
use crate::diagnostic::Diagnostic;
use crate::rules::{Rule, Unit};

pub(crate) fn run(ctx: &Context, rule: &Rule, out: &mut Vec<Diagnostic>) {
    let doc = ctx.doc;
    let scan = &doc.scan;
    let forced = doc.front_matter.require.contains(&rule.id);
    for unit in units(ctx, rule) {
        let trigger = if rule.when.is_empty() {
            None
        } else {
            match find_first(scan, &rule.when, &unit.spans) {
                Some(t) => Some(t),
                None if forced && matches!(rule.unit, Unit::Document) => None,
                None => continue,
            }
        };
        if any_match(scan, &rule.unless, &unit.spans) || any_match(scan, &rule.must, &unit.spans) {
            continue;
        }
        let span = trigger.unwrap_or_else(|| match rule.unit {
            Unit::Clause | Unit::Sentence => unit.spans[0].clone(),
            Unit::Section => first_line(doc, unit.spans[0].start),
            Unit::Document => first_line(doc, 0),
        });
        out.push(make(rule, span, rule.message.clone()));
    }
}

fn first_line(doc: &crate::document::Document, at: usize) -> std::ops::Range<usize> {
    let idx = doc.source.line_index();
    let line = idx.line_of(at);
    let r = idx.line_range(doc.text(), line);
    if r.is_empty() {
        r.start..r.start
    } else {
        r
    }
}

#[cfg(test)]
mod tests {
    use crate::test_support::{check_with, pack};

    const DEADLINE: &str = "  - id: deadline/missing\n    kind: require\n    in: sentence\n    message: m\n    when: '应在(?P<at>.{0,20}?)支付'\n    must: '\\d+日'\n    unless: '合理期限'\n";

    #[test]
    fn trigger_without_must_is_a_finding_at_the_trigger() {
        let rules = pack(DEADLINE);
        let d = check_with(
            &rules,
            "甲方应在签订后支付完毕。乙方应在签订后10日内支付。\n",
        );
        assert_eq!(d.len(), 1);
        assert_eq!(d[0].1, "签订后");
    }

    #[test]
    fn unless_silences_the_unit() {
        let rules = pack(DEADLINE);
        assert!(check_with(&rules, "甲方应在合理期限内支付。\n").is_empty());
    }

    #[test]
    fn document_scope_looks_everywhere() {
        let rules = pack("  - id: precedence/missing\n    kind: require\n    in: document\n    message: m\n    when: '补充协议'\n    must: '以补充协议为准'\n");
        assert_eq!(check_with(&rules, "# 一\n\n可签订补充协议。\n").len(), 1);
        assert!(check_with(
            &rules,
            "# 一\n\n可签订补充协议。\n\n# 二\n\n不一致的，以补充协议为准。\n"
        )
        .is_empty());
        assert!(check_with(&rules, "# 一\n\n无关条款。\n").is_empty());
    }
}
