//! `check: words-digits`: a number written in words and repeated in figures (or the other
//! way round) must say the same number twice: 十五(15)个工作日, 人民币伍万元整(¥50,000),
//! 360,000元（大写：叁拾陆万元整）, "thirty (30) days", "Forty-Two Thousand U.S. Dollars
//! (US$42,000)", 百分之三十(30%).

use std::sync::OnceLock;

use regex::Regex;

use super::super::units::applies;
use super::super::{make, speaks_zh, Context};
use super::fill;
use crate::diagnostic::{Diagnostic, Label};
use crate::rules::Rule;
use crate::source::Span;
use crate::values::{Dec, Form, Value};

fn paren_re() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| {
        Regex::new(
            r"[(（][ \t　]*(?:(?:大写|小写)[)）]?[ \t　]*[:：]?[ \t　]*)?(?P<inner>[^()（）\n]{1,60}?)[ \t　]*[)）]",
        )
        .unwrap()
    })
}

/// A number or an amount written before the bracket is a reference, not a quantity:
/// 附件三(1), 第一(1)条, Section two (2).
fn reference_re() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| {
        Regex::new(r"(?i)(?:第|附件|附表|附录|条|款|项|章|节|编|表|图|section|article|clause|exhibit|schedule|annex|appendix|paragraph|no\.)[ \t　]*$")
            .unwrap()
    })
}

/// One side of the pair: what it says, how it is written, where.
struct Side {
    span: Span,
    form: Form,
    number: Dec,
    kind: SideKind,
}

#[derive(PartialEq, Eq, Clone, Copy)]
enum SideKind {
    Money,
    Percent,
    Plain,
}

fn side_ending_at(ctx: &Context, clause: &Span, end: usize) -> Option<Side> {
    let ents = ctx.entities_in(clause);
    if let Some(e) = ents.iter().find(|e| e.span.end == end) {
        return entity_side(e);
    }
    let numbers = ctx.numbers_in(clause);
    let n = numbers.iter().find(|n| n.span.end == end)?;
    // A number inside a larger entity (the 5 of 5万元) is not the whole quantity.
    if ents.iter().any(|e| {
        e.span.start < n.span.start
            && n.span.end <= e.span.end
            && !matches!(e.value, Value::Duration(_))
    }) {
        return None;
    }
    Some(Side {
        span: n.span.clone(),
        form: n.form,
        number: n.value,
        kind: SideKind::Plain,
    })
}

fn side_exactly(ctx: &Context, clause: &Span, span: &Span) -> Option<Side> {
    if let Some(e) = ctx.entities_in(clause).iter().find(|e| e.span == *span) {
        return entity_side(e);
    }
    let numbers = ctx.numbers_in(clause);
    let n = numbers.iter().find(|n| n.span == *span)?;
    Some(Side {
        span: n.span.clone(),
        form: n.form,
        number: n.value,
        kind: SideKind::Plain,
    })
}

fn entity_side(e: &crate::values::Entity) -> Option<Side> {
    let (number, kind) = match e.value {
        Value::Money(m) => (m.amount, SideKind::Money),
        Value::Percent(p) => (p.value, SideKind::Percent),
        _ => return None,
    };
    Some(Side {
        span: e.span.clone(),
        form: e.form,
        number,
        kind,
    })
}

pub(crate) fn run(ctx: &Context, rule: &Rule, out: &mut Vec<Diagnostic>) {
    let doc = ctx.doc;
    let scan = &doc.scan;
    let zh = speaks_zh(rule);
    for (i, c) in doc.clauses.iter().enumerate() {
        if !applies(ctx, rule, i, c) {
            continue;
        }
        let text = &scan[c.span.clone()];
        for m in paren_re().captures_iter(text) {
            let open = c.span.start + m.get(0).unwrap().start();
            let inner = m.name("inner").unwrap();
            let inner = c.span.start + inner.start()..c.span.start + inner.end();
            let before = scan[c.span.start..open].trim_end_matches([' ', '\t', '　']);
            let a_end = c.span.start + before.len();
            let Some(b) = side_exactly(ctx, &c.span, &inner) else {
                continue;
            };
            let Some(a) = side_ending_at(ctx, &c.span, a_end) else {
                continue;
            };
            if a.form.is_words() == b.form.is_words() {
                continue;
            }
            let compatible =
                a.kind == b.kind || a.kind == SideKind::Plain || b.kind == SideKind::Plain;
            if !compatible || a.number == b.number {
                continue;
            }
            if reference_re().is_match(&scan[c.span.start..a.span.start]) {
                continue;
            }
            let (words, digits) = if a.form.is_words() { (a, b) } else { (b, a) };
            let shown = |s: &Side| match s.kind {
                SideKind::Percent => format!("{}%", s.number),
                _ => s.number.grouped(),
            };
            let (w, d) = (shown(&words), shown(&digits));
            let msg = fill(&rule.message, &[("words", &w), ("digits", &d)]);
            let mut diag = make(rule, digits.span.clone(), msg);
            diag.labels.push(Label {
                file: None,
                span: words.span.clone(),
                message: if zh {
                    format!("文字写作 {w}")
                } else {
                    format!("in words: {w}")
                },
            });
            out.push(diag);
        }
    }
}
