//! The units a rule looks at (clause, sentence, section, document) and regex search over them.
//!
//! A unit is a list of spans of scan text; regexes run on each span separately, so no match
//! crosses from one clause into another or into text that is not contract text.

use regex::Regex;

use super::Context;
use crate::document::Clause;
use crate::rules::{Pattern, Patterns, Rule, Scope, Unit};
use crate::source::Span;

pub(crate) struct UnitSpans {
    pub spans: Vec<Span>,
}

/// Does this clause take part in this rule (language, scope, clause kind)?
pub(crate) fn applies(ctx: &Context, rule: &Rule, idx: usize, clause: &Clause) -> bool {
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
        Scope::Any => true,
        Scope::Body => ctx.sig_start.is_none_or(|s| idx < s),
        Scope::SignatureBlock => ctx.sig_start.is_some_and(|s| idx >= s),
        Scope::Heading(p) => {
            let doc = ctx.doc;
            doc.section_path(clause.section).iter().any(|&s| {
                let h = &doc.clauses[doc.sections[s].heading];
                p.regex.is_match(doc.scan_of(&h.span))
            })
        }
    }
}

pub(crate) fn units(ctx: &Context, rule: &Rule) -> Vec<UnitSpans> {
    let doc = ctx.doc;
    let clauses = doc
        .clauses
        .iter()
        .enumerate()
        .filter(|(i, c)| applies(ctx, rule, *i, c));
    match rule.unit {
        Unit::Clause => clauses
            .map(|(_, c)| UnitSpans {
                spans: vec![c.span.clone()],
            })
            .collect(),
        Unit::Sentence => clauses
            .flat_map(|(_, c)| doc.sentences(c))
            .map(|s| UnitSpans { spans: vec![s] })
            .collect(),
        Unit::Document => {
            let spans: Vec<Span> = clauses.map(|(_, c)| c.span.clone()).collect();
            if spans.is_empty() {
                Vec::new()
            } else {
                vec![UnitSpans { spans }]
            }
        }
        Unit::Section => {
            // Each section with its subsections; text before the first heading is a unit too.
            let mut per: Vec<Vec<Span>> = vec![Vec::new(); doc.sections.len() + 1];
            for (_, c) in clauses {
                let path = doc.section_path(c.section);
                if path.is_empty() {
                    per[doc.sections.len()].push(c.span.clone());
                }
                for s in path {
                    per[s].push(c.span.clone());
                }
            }
            per.into_iter()
                .filter(|v| !v.is_empty())
                .map(|spans| UnitSpans { spans })
                .collect()
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

/// The first match of any pattern, in text order.
pub(crate) fn find_first(scan: &str, ps: &Patterns, spans: &[Span]) -> Option<Span> {
    let mut best: Option<Span> = None;
    for p in ps.iter() {
        let at = has_at(&p.regex);
        for s in spans {
            if best.as_ref().is_some_and(|b| b.start < s.start) {
                break;
            }
            let hay = &scan[s.clone()];
            let found = if at {
                p.regex.captures(hay).map(|c| {
                    let m = c.name("at").unwrap_or_else(|| c.get(0).unwrap());
                    m.start()..m.end()
                })
            } else {
                p.regex.find(hay).map(|m| m.start()..m.end())
            };
            if let Some(m) = found {
                let m = s.start + m.start..s.start + m.end;
                if best.as_ref().is_none_or(|b| m.start < b.start) {
                    best = Some(m);
                }
                break;
            }
        }
    }
    best
}

pub(crate) fn any_match(scan: &str, ps: &Patterns, spans: &[Span]) -> bool {
    ps.iter()
        .any(|p| spans.iter().any(|s| p.regex.is_match(&scan[s.clone()])))
}
