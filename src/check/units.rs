//! The units a rule looks at (clause, sentence, section, document) and regex search over them.
//!
//! A unit is a list of spans of scan text; regexes run on each span separately, so no match
//! crosses from one clause into another or into text that is not contract text.

use rayon::prelude::*;
use regex::Regex;

use super::prefilter::Need;
use super::Context;
use crate::diagnostic::Diagnostic;
use crate::document::{Clause, Document};
use crate::rules::{Pattern, Patterns, Rule, Scope, Unit};
use crate::source::Span;

/// One unit as [`for_each_unit`] hands it out: spans of scan text, each with the clause it
/// lies in (for the prefilter). A clause or sentence unit is one span; a section or document
/// unit is the whole span of each of its clauses, which are not copied out (a document unit
/// of a long draft has a million of them).
pub(crate) struct UnitRef<'a> {
    /// The span of a clause or sentence unit, in clause `one`.
    span: Option<&'a Span>,
    one: usize,
    /// The clauses of a section or document unit (32-bit: a million of them in a long draft).
    many: &'a [u32],
    doc: &'a Document<'a>,
}

impl<'a> UnitRef<'a> {
    /// The unit's spans with their clauses, in document order.
    pub(crate) fn parts(&self) -> impl Iterator<Item = (&'a Span, usize)> + '_ {
        let n = if self.span.is_some() {
            1
        } else {
            self.many.len()
        };
        (0..n).map(move |k| match self.span {
            Some(s) => (s, self.one),
            None => {
                let c = self.many[k] as usize;
                (&self.doc.clauses[c].span, c)
            }
        })
    }

    /// The first span of the unit.
    pub(crate) fn first_span(&self) -> &'a Span {
        self.parts().next().expect("a unit is never empty").0
    }
}

/// The need of the `k`-th pattern of a field, if the rule is indexed.
pub(crate) fn need(needs: Option<&[Need]>, k: usize) -> Option<&Need> {
    needs.and_then(|n| n.get(k))
}

/// Can any pattern of a field match inside this clause?
pub(crate) fn any_may(ctx: &Context, clause: usize, ps: &Patterns, needs: Option<&[Need]>) -> bool {
    (0..ps.0.len()).any(|k| ctx.may(clause, need(needs, k)))
}

/// Per section: is it, or a section it lies in, under a heading matching the rule's
/// `scope: {heading: …}`? Sections come after their parents, so one pass suffices.
fn heading_scope(ctx: &Context, rule: &Rule) -> Option<Vec<bool>> {
    let Scope::Heading(p) = &rule.scope else {
        return None;
    };
    let doc = ctx.doc;
    let mut ok: Vec<bool> = Vec::with_capacity(doc.sections.len());
    for s in &doc.sections {
        let own = p
            .regex
            .is_match(doc.scan_of(&doc.clauses[s.heading()].span));
        ok.push(own || s.parent().is_some_and(|q| ok[q]));
    }
    Some(ok)
}

/// Every unit of a rule, in document order, as [`units`] lists them, handed to `f` with the
/// findings list to add to. Clause and sentence units are only produced for clauses
/// `relevant` accepts: a caller passes a test that is false only where the unit could not
/// yield a finding (no pattern can match there), so that such clauses are not even split
/// into sentences. In a large document, clause and sentence units are worked through in
/// blocks of clauses in parallel; the findings come out in the same order.
pub(crate) fn for_each_unit(
    ctx: &Context,
    rule: &Rule,
    relevant: &(dyn Fn(usize) -> bool + Sync),
    f: &(dyn Fn(UnitRef, &mut Vec<Diagnostic>) + Sync),
    out: &mut Vec<Diagnostic>,
) {
    let doc = ctx.doc;
    let under = heading_scope(ctx, rule);
    let takes = |i: usize| {
        let c = &doc.clauses[i];
        match &under {
            Some(ok) => applies_base(ctx, rule, i, c) && c.section().is_some_and(|s| ok[s]),
            None => applies(ctx, rule, i, c),
        }
    };
    match rule.unit {
        Unit::Clause | Unit::Sentence => {
            let sentences = matches!(rule.unit, Unit::Sentence);
            let block = |range: std::ops::Range<usize>, out: &mut Vec<Diagnostic>| {
                for i in range {
                    if !takes(i) || !relevant(i) {
                        continue;
                    }
                    let c = &doc.clauses[i];
                    if sentences {
                        for s in doc.sentences(c) {
                            let unit = UnitRef {
                                span: Some(&s),
                                one: i,
                                many: &[],
                                doc,
                            };
                            f(unit, out);
                        }
                    } else {
                        let unit = UnitRef {
                            span: Some(&c.span),
                            one: i,
                            many: &[],
                            doc,
                        };
                        f(unit, out);
                    }
                }
            };
            let n = doc.clauses.len();
            if n <= ctx.block {
                block(0..n, out);
            } else {
                let parts: Vec<Vec<Diagnostic>> = (0..n.div_ceil(ctx.block))
                    .into_par_iter()
                    .map(|k| {
                        let mut v = Vec::new();
                        block(k * ctx.block..((k + 1) * ctx.block).min(n), &mut v);
                        v
                    })
                    .collect();
                out.extend(parts.into_iter().flatten());
            }
        }
        Unit::Document => {
            let n = (0..doc.clauses.len()).filter(|&i| takes(i)).count();
            let mut ids: Vec<u32> = Vec::with_capacity(n);
            ids.extend((0..doc.clauses.len()).filter(|&i| takes(i)).map(clause_id));
            if !ids.is_empty() {
                let unit = UnitRef {
                    span: None,
                    one: 0,
                    many: &ids,
                    doc,
                };
                f(unit, out);
            }
        }
        Unit::Section => {
            // Each section with its subsections; text before the first heading is a unit too.
            let n = doc.sections.len();
            let mut per: Vec<Vec<u32>> = vec![Vec::new(); n + 1];
            for i in (0..doc.clauses.len()).filter(|&i| takes(i)) {
                let c = &doc.clauses[i];
                let mut cur = c.section();
                if cur.is_none() {
                    per[n].push(clause_id(i));
                }
                // Innermost first here; every section's list is still in document order.
                while let Some(s) = cur {
                    per[s].push(clause_id(i));
                    cur = doc.sections[s].parent();
                }
            }
            for ids in per.iter().filter(|v| !v.is_empty()) {
                let unit = UnitRef {
                    span: None,
                    one: 0,
                    many: ids,
                    doc,
                };
                f(unit, out);
            }
        }
    }
}

/// A clause index in 32 bits (a text under 4 GiB cannot have more clauses).
fn clause_id(i: usize) -> u32 {
    u32::try_from(i).expect("fewer than 2^32 clauses")
}

/// [`find_all`] on the spans of a unit where the prefilter allows a match.
pub(crate) fn find_all_in(
    ctx: &Context,
    p: &Pattern,
    need: Option<&Need>,
    unit: &UnitRef,
    out: &mut Vec<Span>,
) {
    for (s, c) in unit.parts() {
        if ctx.may(c, need) {
            find_all(&ctx.doc.scan, p, std::slice::from_ref(s), out);
        }
    }
}

/// The first match of any pattern in a unit, in text order, on the spans where the
/// prefilter allows a match.
pub(crate) fn find_first_in(
    ctx: &Context,
    ps: &Patterns,
    needs: Option<&[Need]>,
    unit: &UnitRef,
) -> Option<Span> {
    let scan = &ctx.doc.scan;
    let mut best: Option<Span> = None;
    for (k, p) in ps.iter().enumerate() {
        let at = has_at(&p.regex);
        let nd = need(needs, k);
        for (s, c) in unit.parts() {
            if best.as_ref().is_some_and(|b| b.start < s.start) {
                break;
            }
            if !ctx.may(c, nd) {
                continue;
            }
            if let Some(m) = first_in(scan, p, at, s) {
                if best.as_ref().is_none_or(|b| m.start < b.start) {
                    best = Some(m);
                }
                break;
            }
        }
    }
    best
}

/// [`any_match`] on the spans of a unit where the prefilter allows a match.
pub(crate) fn any_match_in(
    ctx: &Context,
    ps: &Patterns,
    needs: Option<&[Need]>,
    unit: &UnitRef,
) -> bool {
    ps.iter().enumerate().any(|(k, p)| {
        let nd = need(needs, k);
        unit.parts()
            .any(|(s, c)| ctx.may(c, nd) && p.regex.is_match(&ctx.doc.scan[s.clone()]))
    })
}

fn first_in(scan: &str, p: &Pattern, at: bool, s: &Span) -> Option<Span> {
    let hay = &scan[s.clone()];
    let found = if at {
        p.regex.captures(hay).map(|c| {
            let m = c.name("at").unwrap_or_else(|| c.get(0).unwrap());
            m.start()..m.end()
        })
    } else {
        p.regex.find(hay).map(|m| m.start()..m.end())
    };
    found.map(|m| s.start + m.start..s.start + m.end)
}

/// Does this clause take part in this rule (language, scope, clause kind)?
pub(crate) fn applies(ctx: &Context, rule: &Rule, idx: usize, clause: &Clause) -> bool {
    if !applies_base(ctx, rule, idx, clause) {
        return false;
    }
    match &rule.scope {
        Scope::Heading(p) => {
            let doc = ctx.doc;
            doc.section_path(clause.section()).iter().any(|&s| {
                let h = &doc.clauses[doc.sections[s].heading()];
                p.regex.is_match(doc.scan_of(&h.span))
            })
        }
        _ => true,
    }
}

/// [`applies`] without the heading scope, which [`for_each_unit`] works out per section.
fn applies_base(ctx: &Context, rule: &Rule, idx: usize, clause: &Clause) -> bool {
    if !clause.lang.intersects(rule.lang) {
        return false;
    }
    if let Some(kinds) = &rule.clause_kinds {
        let name = if clause.intro {
            "intro"
        } else {
            clause.kind.name()
        };
        if !kinds.iter().any(|k| k == name) {
            return false;
        }
    }
    match &rule.scope {
        Scope::Any | Scope::Heading(_) => true,
        Scope::Body => ctx.sig_start.is_none_or(|s| idx < s),
        Scope::SignatureBlock => ctx.sig_start.is_some_and(|s| idx >= s),
    }
}

/// Every unit of a rule as a list of spans, handed to `f` one at a time in document order.
/// `forbid` and `require` use [`for_each_unit`], which skips what the prefilter rules out;
/// this is the plain walk. Units are not collected first: a long draft has a million clause
/// units, and a list of them all would hold a vector per clause.
pub(crate) fn each_unit(ctx: &Context, rule: &Rule, mut f: impl FnMut(&[Span])) {
    let doc = ctx.doc;
    let clauses = doc
        .clauses
        .iter()
        .enumerate()
        .filter(|(i, c)| applies(ctx, rule, *i, c));
    match rule.unit {
        Unit::Clause => {
            for (_, c) in clauses {
                f(std::slice::from_ref(&c.span));
            }
        }
        Unit::Sentence => {
            for (_, c) in clauses {
                for s in doc.sentences(c) {
                    f(std::slice::from_ref(&s));
                }
            }
        }
        Unit::Document => {
            let spans: Vec<Span> = clauses.map(|(_, c)| c.span.clone()).collect();
            if !spans.is_empty() {
                f(&spans);
            }
        }
        Unit::Section => {
            // Each section with its subsections; text before the first heading is a unit too.
            let mut per: Vec<Vec<Span>> = vec![Vec::new(); doc.sections.len() + 1];
            for (_, c) in clauses {
                let path = doc.section_path(c.section());
                if path.is_empty() {
                    per[doc.sections.len()].push(c.span.clone());
                }
                for s in path {
                    per[s].push(c.span.clone());
                }
            }
            for spans in per.iter().filter(|v| !v.is_empty()) {
                f(spans);
            }
        }
    }
}

fn has_at(re: &Regex) -> bool {
    re.capture_names().any(|n| n == Some("at"))
}

/// Every match of `p` in the spans. A named group `at` narrows the reported span, and the
/// rest of the match is context only: the next search resumes after the `at` group, so
/// context may overlap the next match (the regex crate has no look-ahead).
pub(crate) fn find_all(scan: &str, p: &Pattern, spans: &[Span], out: &mut Vec<Span>) {
    let at = has_at(&p.regex);
    for s in spans {
        let hay = &scan[s.clone()];
        if at {
            let mut pos = 0;
            while pos <= hay.len() {
                let Some(c) = p.regex.captures_at(hay, pos) else {
                    break;
                };
                let whole = c.get(0).unwrap();
                let m = c.name("at").unwrap_or(whole);
                if m.start() < m.end() {
                    out.push(s.start + m.start()..s.start + m.end());
                }
                let next = if m.end() > pos {
                    m.end()
                } else {
                    whole.end().max(pos + 1)
                };
                pos = next;
                while pos < hay.len() && !hay.is_char_boundary(pos) {
                    pos += 1;
                }
            }
        } else {
            for m in p.regex.find_iter(hay) {
                if m.start() == m.end() {
                    continue;
                }
                out.push(s.start + m.start()..s.start + m.end());
            }
        }
    }
}

pub(crate) fn any_match(scan: &str, ps: &Patterns, spans: &[Span]) -> bool {
    ps.iter()
        .any(|p| spans.iter().any(|s| p.regex.is_match(&scan[s.clone()])))
}
