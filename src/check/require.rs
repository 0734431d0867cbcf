//! `require`: where `when` occurs, `must` must occur too, in the same unit.
//!
//! In a clause or sentence the finding sits on the trigger (or its `at` group, the cut
//! slot). In a section or document it sits on the first trigger, or on line 1 when the rule
//! has no trigger.
//!
//! With `entity:` a value satisfies the rule instead of (or besides) a `must` regex: a
//! duration, percentage, amount or date recognised in the unit, within `unit`, `min` and
//! `max`. A value of the right kind that misses its limits is shown as a secondary label.

use super::units::{any_match_in, any_may, find_first_in, for_each_unit};
use super::{make, speaks_zh, Context};
use crate::diagnostic::{Diagnostic, Label};
use crate::rules::entity::Miss;
use crate::rules::{Rule, Unit};

pub(crate) fn run(ctx: &Context, rule: &Rule, out: &mut Vec<Diagnostic>) {
    let doc = ctx.doc;
    let forced = doc.front_matter.require.contains(&rule.id);
    let needs = ctx.needs(rule);
    let (when, must, unless) = (
        needs.map(|n| &n.when[..]),
        needs.map(|n| &n.must[..]),
        needs.map(|n| &n.unless[..]),
    );
    // A clause (or sentence) unit without a trigger yields nothing.
    let relevant = |c: usize| rule.when.is_empty() || any_may(ctx, c, &rule.when, when);
    for_each_unit(
        ctx,
        rule,
        &relevant,
        &|unit, out| {
            let trigger = if rule.when.is_empty() {
                None
            } else {
                match find_first_in(ctx, &rule.when, when, &unit) {
                    Some(t) => Some(t),
                    None if forced && matches!(rule.unit, Unit::Document) => None,
                    None => return,
                }
            };
            if any_match_in(ctx, &rule.unless, unless, &unit)
                || any_match_in(ctx, &rule.must, must, &unit)
            {
                return;
            }
            let mut missed: Vec<Label> = Vec::new();
            if !rule.value_spec.is_empty() {
                let mut satisfied = false;
                for (span, _) in unit.parts() {
                    for e in ctx.entities_in(span) {
                        match rule.value_spec.check(&e) {
                            Some(Ok(())) => satisfied = true,
                            Some(Err(miss)) => missed.push(Label {
                                file: None,
                                span: e.span.clone(),
                                message: miss_message(rule, &miss),
                            }),
                            None => {}
                        }
                    }
                }
                if satisfied {
                    return;
                }
            }
            let span = trigger.unwrap_or_else(|| match rule.unit {
                Unit::Clause | Unit::Sentence => unit.first_span().clone(),
                Unit::Section => first_line(doc, unit.first_span().start),
                Unit::Document => first_line(doc, 0),
            });
            let mut d = make(rule, span, rule.message.clone());
            d.labels = missed;
            out.push(d);
        },
        out,
    );
}

fn miss_message(rule: &Rule, miss: &Miss) -> String {
    let spec = &rule.value_spec;
    let bound =
        |b: &Option<crate::rules::Bound>| b.as_ref().map_or("", |b| b.text.as_str()).to_string();
    let zh = speaks_zh(rule);
    match (miss, zh) {
        (Miss::Unit, true) => "单位不符合要求".to_string(),
        (Miss::Unit, false) => "not in the required unit".to_string(),
        (Miss::BelowMin, true) => format!("低于下限 {}", bound(&spec.min)),
        (Miss::BelowMin, false) => format!("below the minimum of {}", bound(&spec.min)),
        (Miss::AboveMax, true) => format!("超过上限 {}", bound(&spec.max)),
        (Miss::AboveMax, false) => format!("above the maximum of {}", bound(&spec.max)),
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

#[cfg(test)]
mod entity_tests {
    use crate::test_support::{check_with, pack};

    /// The example of README.md, "Writing rules".
    const RECTIFY: &str = "  - id: deadline/rectification\n    kind: require\n    in: sentence\n    message: m\n    when: '应在(?P<at>[^。；;]{0,30}?)整改'\n    entity: duration\n    min: 1日\n    unit: day\n";

    #[test]
    fn a_duration_within_limits_satisfies_the_rule() {
        let rules = pack(RECTIFY);
        assert!(check_with(&rules, "乙方应在接到通知后十(10)日内整改。\n").is_empty());
        assert!(check_with(&rules, "乙方应在接到通知后5个工作日内整改。\n").is_empty());
    }

    #[test]
    fn a_missing_or_too_short_duration_is_a_finding_with_a_label() {
        let rules = pack(RECTIFY);
        let d = check_with(&rules, "乙方应在接到通知后立即整改。\n");
        assert_eq!(d.len(), 1);
        // 12 hours is below one day, and not in days: the value is labelled.
        let src = crate::source::Source::new("t.md", "乙方应在接到通知后12小时内整改。\n");
        let doc = crate::document::Document::parse(&src).unwrap();
        let diags = crate::check::check(&doc, &rules);
        assert_eq!(diags.len(), 1);
        assert_eq!(diags[0].labels.len(), 1);
        assert_eq!(&src.text[diags[0].labels[0].span.clone()], "12小时");
    }

    #[test]
    fn percent_entity_with_a_daily_unit() {
        let rules = pack("  - id: rate/daily\n    kind: require\n    in: sentence\n    message: m\n    when: '每逾期一日'\n    entity: percent\n    unit: day\n    max: 万分之五\n");
        assert!(check_with(&rules, "每逾期一日，按未付金额的万分之五支付违约金。\n").is_empty());
        assert_eq!(
            check_with(&rules, "每逾期一日，按未付金额的千分之五支付违约金。\n").len(),
            1
        );
        assert_eq!(
            check_with(&rules, "每逾期一日，按未付金额的一定比例支付违约金。\n").len(),
            1
        );
    }
}
