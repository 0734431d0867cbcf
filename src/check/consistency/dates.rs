//! Date checks: a date that does not exist (`date-valid`), a date outside a plausible
//! window (`date-plausible`, 1949–2100 unless the rule sets `min`/`max` years; never
//! relative to today, so output is reproducible), and a signature date after the
//! termination date the document states (`sign-after-termination`).

use std::sync::OnceLock;

use regex::Regex;

use super::super::units::applies;
use super::super::{make, speaks_zh, Context};
use super::fill;
use crate::check::DateAt;
use crate::diagnostic::{Diagnostic, Label};
use crate::rules::entity::BoundValue;
use crate::rules::{Bound, Rule};
use crate::source::Span;
use crate::values::Value;

/// Date entities of the clauses the rule applies to: (clause index, entity).
fn dates<'c>(ctx: &'c Context, rule: &Rule) -> Vec<(usize, &'c DateAt)> {
    let mut out = Vec::new();
    for (i, c) in ctx.doc.clauses.iter().enumerate() {
        if !applies(ctx, rule, i, c) {
            continue;
        }
        for e in ctx.dates_in(&c.span) {
            out.push((i, e));
        }
    }
    out
}

pub(crate) fn invalid(ctx: &Context, rule: &Rule, out: &mut Vec<Diagnostic>) {
    for (_, e) in dates(ctx, rule) {
        let d = e.date;
        if !d.is_valid() {
            let written = ctx.doc.text()[e.span.clone()].to_string();
            out.push(make(
                rule,
                e.span.clone(),
                fill(&rule.message, &[("date", &written)]),
            ));
        }
    }
}

fn year_of(b: &Option<Bound>, default: i32) -> i32 {
    match b.as_ref().map(|b| &b.value) {
        Some(BoundValue::Number(n)) => n.as_integer().map_or(default, |v| v as i32),
        Some(BoundValue::Value(Value::Date(d))) => d.year.unwrap_or(default),
        _ => default,
    }
}

pub(crate) fn implausible(ctx: &Context, rule: &Rule, out: &mut Vec<Diagnostic>) {
    let min = year_of(&rule.value_spec.min, 1949);
    let max = year_of(&rule.value_spec.max, 2100);
    for (_, e) in dates(ctx, rule) {
        let d = e.date;
        let Some(y) = d.year else { continue };
        if (min..=max).contains(&y) || !d.is_valid() {
            continue;
        }
        let written = ctx.doc.text()[e.span.clone()].to_string();
        let msg = fill(
            &rule.message,
            &[
                ("date", &written),
                ("min", &min.to_string()),
                ("max", &max.to_string()),
            ],
        );
        out.push(make(rule, e.span.clone(), msg));
    }
}

/// Text right after a date that makes it an end date: 止, 终止, 届满, 到期.
fn end_after_re() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| {
        Regex::new(r"^[ \t　]*(?:起[^。；;，,\n]{0,6}?)?(?:止|终止|届满|到期|为止|结束|失效)")
            .unwrap()
    })
}

/// Text right before a date that makes it an end date: 至, 有效期至, "until", "expire on".
fn end_before_re() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| {
        Regex::new(
            r"(?i)(?:(?:^|[^截])至|到期日[为是:：]?|终止日(?:期)?[为是:：]?|届满日[为是:：]?|\buntil|\bthrough|\bend(?:s|ing)? on|\bexpir(?:e|es|ing|ation)(?: date)?(?: on| is|:)?|\bterminat(?:e|es|ing|ion)(?: date)?(?: on| is|:)?)[ \t　]*$",
        )
        .unwrap()
    })
}

pub(crate) fn sign_after_termination(ctx: &Context, rule: &Rule, out: &mut Vec<Diagnostic>) {
    let Some(sig) = ctx.sig_start else { return };
    let scan = &ctx.doc.scan;
    let all = dates(ctx, rule);
    // The latest end date stated in the body.
    let mut end: Option<(&DateAt, (i32, u32, u32))> = None;
    for &(i, e) in &all {
        let d = &e.date;
        if i >= sig || !d.is_valid() {
            continue;
        }
        let Some(full) = d.full() else { continue };
        // An implausible year (a typo such as 2205) is its own finding, not the term.
        if !(1949..=2100).contains(&full.0) {
            continue;
        }
        let (_, before) = crate::values::tail(scan, e.span.start, 48);
        let is_end =
            end_after_re().is_match(&scan[e.span.end..]) || end_before_re().is_match(before);
        if is_end && end.is_none_or(|(_, f)| full > f) {
            end = Some((e, full));
        }
    }
    let Some((end_e, end_d)) = end else { return };
    let zh = speaks_zh(rule);
    let end_text = ctx.doc.text()[end_e.span.clone()].to_string();
    for &(i, e) in &all {
        let d = &e.date;
        if i < sig || !d.is_valid() {
            continue;
        }
        let Some(full) = d.full() else { continue };
        if full <= end_d {
            continue;
        }
        let written = ctx.doc.text()[e.span.clone()].to_string();
        let msg = fill(&rule.message, &[("date", &written), ("end", &end_text)]);
        let mut diag = make(rule, e.span.clone(), msg);
        diag.labels.push(Label {
            file: None,
            span: end_e.span.clone() as Span,
            message: if zh {
                "合同在此日期终止".into()
            } else {
                "the agreement ends on this date".into()
            },
        });
        out.push(diag);
    }
}
