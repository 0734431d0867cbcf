//! `range`: a value named in a clause must lie within limits.
//!
//! `value` is a regex naming the value (`定金`); the value is the first entity of the
//! rule's `entity` kinds after it, in the same sentence. Without `of`, `min`/`max` are
//! limits of the same kind (a daily rate of at most 万分之五). With `of`, they are
//! percentages of a base named by the `of` regex (`合同总价`): a value written as a
//! percentage of that base is compared directly; an amount is divided by the base amount
//! stated in the same clause. When the clause states no base, the rule says nothing: it
//! cannot know, and a guess would be a false alarm.

use std::cmp::Ordering;

use super::units::{any_match, each_unit, find_all};
use super::{make, speaks_zh, Context};
use crate::diagnostic::{Diagnostic, Label};
use crate::rules::entity::{Bound, BoundValue, Miss};
use crate::rules::Rule;
use crate::source::Span;
use crate::values::{Dec, Entity, Value};

const STOPS: [char; 6] = ['。', '；', ';', '！', '？', '\n'];

/// The sentence of `scan` around `at`, within `outer`.
fn sentence(scan: &str, outer: &Span, at: usize) -> Span {
    let start = scan[outer.start..at].rfind(STOPS).map_or(outer.start, |i| {
        let p = outer.start + i;
        p + scan[p..].chars().next().map_or(1, char::len_utf8)
    });
    let end = scan[at..outer.end]
        .find(STOPS)
        .map_or(outer.end, |i| at + i);
    start..end
}

pub(crate) fn run(ctx: &Context, rule: &Rule, out: &mut Vec<Diagnostic>) {
    let scan = &ctx.doc.scan;
    let spec = &rule.value_spec;
    let mut seen: Vec<Span> = Vec::new();
    each_unit(ctx, rule, |spans| {
        if !rule.when.is_empty() && !any_match(scan, &rule.when, spans) {
            return;
        }
        if any_match(scan, &rule.unless, spans) {
            return;
        }
        for outer in spans {
            let mut labels_at = Vec::new();
            for p in rule.value.iter() {
                find_all(scan, p, std::slice::from_ref(outer), &mut labels_at);
            }
            labels_at.sort_by_key(|s| s.start);
            for label in labels_at {
                let sent = sentence(scan, outer, label.start);
                let Some(v) = ctx
                    .entities_in(&(label.end..sent.end))
                    .into_iter()
                    .find(|e| spec.kinds.contains(&e.value.kind()))
                else {
                    continue;
                };
                if seen.contains(&v.span) {
                    continue;
                }
                let finding = if rule.of.is_empty() {
                    absolute(rule, &v)
                } else {
                    relative(ctx, rule, outer, &sent, label.end, &v)
                };
                if let Some(d) = finding {
                    seen.push(v.span.clone());
                    out.push(d);
                }
            }
        }
    });
}

fn fill(rule: &Rule, value: &str, limit: &str, ratio: &str) -> String {
    rule.message
        .replace("{value}", value)
        .replace("{limit}", limit)
        .replace("{ratio}", ratio)
}

/// `min`/`max` of the value's own kind.
fn absolute(rule: &Rule, v: &Entity) -> Option<Diagnostic> {
    let spec = &rule.value_spec;
    let miss = match spec.check(v)? {
        Ok(()) => return None,
        Err(m) => m,
    };
    let limit = match miss {
        Miss::BelowMin => spec.min.as_ref(),
        Miss::AboveMax => spec.max.as_ref(),
        Miss::Unit => return None,
    }
    .map_or(String::new(), |b| b.text.clone());
    let msg = fill(rule, &v.value.to_string(), &limit, "");
    Some(make(rule, v.span.clone(), msg))
}

fn percent_of(b: &Option<Bound>) -> Option<Dec> {
    match &b.as_ref()?.value {
        BoundValue::Value(Value::Percent(p)) => Some(p.value),
        _ => None,
    }
}

/// Limits as percentages of a base named by `of`.
fn relative(
    ctx: &Context,
    rule: &Rule,
    outer: &Span,
    sent: &Span,
    after: usize,
    v: &Entity,
) -> Option<Diagnostic> {
    let scan = &ctx.doc.scan;
    let zh = speaks_zh(rule);
    let spec = &rule.value_spec;
    let (ratio, base_label): (Dec, Label) = match v.value {
        Value::Percent(p) => {
            // 定金为合同总价款的30%: the base must be named in the sentence.
            let mut of_hits = Vec::new();
            for p in rule.of.iter() {
                find_all(scan, p, std::slice::from_ref(sent), &mut of_hits);
            }
            let base = of_hits
                .into_iter()
                .find(|h| h.start >= after && h.end <= v.span.start)?;
            let label = Label {
                file: None,
                span: base,
                message: if zh {
                    "基数".into()
                } else {
                    "the base".into()
                },
            };
            (p.value, label)
        }
        Value::Money(m) => {
            // The base amount: the first amount after an `of` name, in the same clause.
            let mut of_hits = Vec::new();
            for p in rule.of.iter() {
                find_all(scan, p, std::slice::from_ref(outer), &mut of_hits);
            }
            of_hits.sort_by_key(|h| h.start);
            let base = of_hits.iter().find_map(|h| {
                let s = sentence(scan, outer, h.start);
                ctx.entities_in(&(h.end..s.end))
                    .iter()
                    .find(|e| {
                        matches!(e.value, Value::Money(_)) || matches!(e.value, Value::Percent(_))
                    })
                    .filter(|e| e.span != v.span)
                    .and_then(|e| match e.value {
                        Value::Money(b) if b.currency == m.currency && b.amount > Dec::ZERO => {
                            Some((e.clone(), b.amount))
                        }
                        _ => None,
                    })
            })?;
            // ratio in percent = amount * 100 / base, kept exact by comparing products below.
            let label = Label {
                file: None,
                span: base.0.span.clone(),
                message: if zh {
                    format!("基数 {}", base.0.value)
                } else {
                    format!("base: {}", base.0.value)
                },
            };
            let pct = m.amount.to_f64() * 100.0 / base.1.to_f64();
            let over = |limit: Dec| {
                // amount * 100 vs limit * base, exactly.
                let lhs = m.amount.checked_mul_int(100)?;
                let rhs = limit.checked_mul(base.1)?;
                Some(lhs.cmp(&rhs))
            };
            let max_hit = percent_of(&spec.max).and_then(over) == Some(Ordering::Greater);
            let min_hit = percent_of(&spec.min).and_then(over) == Some(Ordering::Less);
            return report(rule, v, &base_label_text(pct), max_hit, min_hit, label);
        }
        _ => return None,
    };
    let max_hit = percent_of(&spec.max).is_some_and(|l| ratio > l);
    let min_hit = percent_of(&spec.min).is_some_and(|l| ratio < l);
    report(rule, v, &format!("{ratio}%"), max_hit, min_hit, base_label)
}

fn base_label_text(pct: f64) -> String {
    let s = format!("{pct:.2}");
    let s = s.trim_end_matches('0').trim_end_matches('.');
    format!("{s}%")
}

fn report(
    rule: &Rule,
    v: &Entity,
    ratio: &str,
    max_hit: bool,
    min_hit: bool,
    label: Label,
) -> Option<Diagnostic> {
    let spec = &rule.value_spec;
    let limit = if max_hit {
        spec.max.as_ref()?.text.clone()
    } else if min_hit {
        spec.min.as_ref()?.text.clone()
    } else {
        return None;
    };
    let mut d = make(
        rule,
        v.span.clone(),
        fill(rule, &v.value.to_string(), &limit, ratio),
    );
    d.labels.push(label);
    Some(d)
}

#[cfg(test)]
mod tests {
    use crate::test_support::{check_with, pack};

    const CAP: &str = "  - id: deposit/over-cap\n    kind: range\n    message: '{ratio}'\n    value: 定金\n    of: 总价款\n    max: 20%\n";

    #[test]
    fn amount_over_a_share_of_the_base_is_reported() {
        let rules = pack(CAP);
        let d = check_with(&rules, "总价款为人民币100万元，定金为人民币200,001元。\n");
        assert_eq!(d.len(), 1);
        assert_eq!(d[0].1, "人民币200,001元");
        assert!(check_with(&rules, "总价款为人民币100万元，定金为人民币20万元。\n").is_empty());
        // Another currency is not comparable: silent.
        assert!(check_with(&rules, "总价款为人民币100万元，定金为US$300,000。\n").is_empty());
    }

    #[test]
    fn silent_without_a_base_in_the_clause() {
        let rules = pack(CAP);
        assert!(check_with(
            &rules,
            "买方应支付定金人民币30万元。\n\n总价款为人民币100万元。\n"
        )
        .is_empty());
    }

    #[test]
    fn absolute_limits_of_the_values_own_kind() {
        let rules = pack("  - id: rate/cap\n    kind: range\n    message: '{value} > {limit}'\n    value: 违约金\n    entity: percent\n    max: 万分之五\n");
        let d = check_with(
            &rules,
            "违约金按每日千分之一计算。违约金按每日万分之五计算。\n",
        );
        assert_eq!(d.len(), 1);
        assert_eq!(d[0].1, "千分之一");
    }
}
