//! Turning an alignment into findings: labels on the draft's words and on the template's,
//! the diff as a note, messages from the template rules.

use std::collections::HashMap;
use std::ops::Range;
use std::sync::Arc;

use regex::Regex;

use super::align::Alignment;
use super::chars::{changes, Hunk};
use super::normalize::{Norm, CELL};
use super::select::Selection;
use super::units::Unit;
use super::Template;
use crate::diagnostic::{Diagnostic, Label};
use crate::document::{Document, LangSet};
use crate::rules::{Rule, RuleSet, TemplateChange};
use crate::source::{Source, Span};

/// How often each run of 2 to 4 Han characters occurs in a document: a run that recurs is
/// a term (补充协议, 本协议), and a change is labelled on whole terms, not on the one
/// character that differs.
#[derive(Debug, Default)]
pub struct TermCounts {
    counts: HashMap<[char; 4], u32>,
}

fn is_han(c: char) -> bool {
    ('\u{4E00}'..='\u{9FFF}').contains(&c) || ('\u{3400}'..='\u{4DBF}').contains(&c)
}

fn key(s: &[char]) -> [char; 4] {
    let mut k = ['\0'; 4];
    k[..s.len()].copy_from_slice(s);
    k
}

impl TermCounts {
    pub fn new(units: &[Unit]) -> TermCounts {
        let mut counts: HashMap<[char; 4], u32> = HashMap::new();
        for u in units {
            let c = &u.norm.chars;
            for i in 0..c.len() {
                for n in 2..=4 {
                    if i + n > c.len() || !c[i..i + n].iter().all(|&x| is_han(x)) {
                        break;
                    }
                    *counts.entry(key(&c[i..i + n])).or_default() += 1;
                }
            }
        }
        TermCounts { counts }
    }

    fn count(&self, s: &[char]) -> u32 {
        if !(2..=4).contains(&s.len()) {
            return 0;
        }
        self.counts.get(&key(s)).copied().unwrap_or(0)
    }

    fn is_term(&self, s: &[char]) -> bool {
        self.count(s) >= 2
    }
}

fn is_numeral(c: char) -> bool {
    c.is_ascii_digit() || "零〇一二两三四五六七八九十百千万亿壹贰叁肆伍陆柒捌玖拾佰仟".contains(c)
}

/// Widen a hunk over equal characters to whole words: a number to all its digits, an
/// English word to all its letters, Han characters to a recurring term.
fn widen(h: &mut Hunk, t: &[char], d: &[char], tc: &TermCounts, dc: &TermCounts) {
    // Numbers (with their separators) and ASCII words: `core` characters, and `joins` that
    // may sit between two of them (the `.` of 0.05, the `,` of 50,000).
    type Class = fn(char) -> bool;
    let classes: [(Class, Class); 2] = [
        (is_numeral, |c| c == '.' || c == ','),
        (|c| c.is_ascii_alphanumeric(), |c| c == '\'' || c == '-'),
    ];
    for (core, joins) in classes {
        let touches = t[h.t.clone()]
            .iter()
            .chain(&d[h.d.clone()])
            .any(|&c| core(c));
        if !touches {
            continue;
        }
        // Left: over equal characters that continue the word.
        while h.t.start > 0 && h.d.start > 0 && t[h.t.start - 1] == d[h.d.start - 1] {
            let c = t[h.t.start - 1];
            let inner = h.t.start >= 2 && core(t[h.t.start - 2]);
            if !(core(c) || (joins(c) && inner)) {
                break;
            }
            h.t.start -= 1;
            h.d.start -= 1;
        }
        // Right.
        while h.t.end < t.len() && h.d.end < d.len() && t[h.t.end] == d[h.d.end] {
            let c = t[h.t.end];
            let inner = t.get(h.t.end + 1).is_some_and(|&n| core(n));
            if !(core(c) || (joins(c) && inner)) {
                break;
            }
            h.t.end += 1;
            h.d.end += 1;
        }
    }
    // Han terms: extend right by up to 3, left by up to 2 equal characters when every
    // non-empty side then reads as a recurring term.
    let term_ok = |tr: Range<usize>, dr: Range<usize>| {
        let ts = &t[tr];
        let ds = &d[dr];
        (ts.is_empty() || tc.is_term(ts)) && (ds.is_empty() || dc.is_term(ds))
    };
    for k in (1..=3).rev() {
        if h.t.end + k > t.len() || h.d.end + k > d.len() {
            continue;
        }
        let ext = &t[h.t.end..h.t.end + k];
        if ext != &d[h.d.end..h.d.end + k] || !ext.iter().all(|&c| is_han(c)) {
            continue;
        }
        if h.t.len() + k > 4 || h.d.len() + k > 4 {
            continue;
        }
        if term_ok(h.t.start..h.t.end + k, h.d.start..h.d.end + k) {
            h.t.end += k;
            h.d.end += k;
            break;
        }
    }
    for k in (1..=2).rev() {
        if h.t.start < k || h.d.start < k {
            continue;
        }
        let ext = &t[h.t.start - k..h.t.start];
        if ext != &d[h.d.start - k..h.d.start] || !ext.iter().all(|&c| is_han(c)) {
            continue;
        }
        if h.t.len() + k > 4 || h.d.len() + k > 4 {
            continue;
        }
        if term_ok(h.t.start - k..h.t.end, h.d.start - k..h.d.end) {
            h.t.start -= k;
            h.d.start -= k;
            break;
        }
    }
}

fn boundary(c: char) -> bool {
    matches!(c, ',' | ';' | '。' | ':' | '!' | '?' | '、' | CELL | '\n')
}

/// The phrase around `r` (up to punctuation, at most `max` characters either side, not
/// cutting an English word).
fn phrase(chars: &[char], r: &Range<usize>, max: usize) -> Range<usize> {
    let mut s = r.start;
    while s > 0 && !boundary(chars[s - 1]) && r.start - s < max {
        s -= 1;
    }
    if s > 0 && !boundary(chars[s - 1]) && chars[s - 1].is_ascii_alphanumeric() {
        if let Some(k) = chars[s..r.start].iter().position(|&c| c == ' ') {
            s += k + 1;
        }
    }
    let mut e = r.end;
    while e < chars.len() && !boundary(chars[e]) && e - r.end < max {
        e += 1;
    }
    if e < chars.len() && !boundary(chars[e]) && chars[e].is_ascii_alphanumeric() {
        if let Some(k) = chars[r.end..e].iter().rposition(|&c| c == ' ') {
            e = r.end + k;
        }
    }
    s..e
}

/// Merge changes that only a few characters of the same phrase separate (`thirty (30)` →
/// `ninety (90)` is one change).
fn merge_close(hunks: Vec<Hunk>, t: &[char]) -> Vec<Hunk> {
    let mut out: Vec<Hunk> = Vec::with_capacity(hunks.len());
    for h in hunks {
        if let Some(last) = out.last_mut() {
            let gap = &t[last.t.end.min(h.t.start)..h.t.start];
            if gap.len() <= 3 && !gap.iter().any(|&c| boundary(c)) && h.d.start >= last.d.end {
                last.t.end = h.t.end;
                last.d.end = h.d.end;
                last.spill |= h.spill;
                continue;
            }
        }
        out.push(h);
    }
    out
}

fn shorten(s: &str, max: usize) -> String {
    let n = s.chars().count();
    if n <= max {
        s.to_string()
    } else {
        let mut out: String = s.chars().take(max).collect();
        out.push('…');
        out
    }
}

/// The display text of a unit: its text with line breaks as spaces, shortened.
fn display(text: &str, span: &Span, max: usize) -> String {
    let s: String = text[span.clone()]
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    shorten(s.trim_matches(|c| c == '*' || c == '_'), max)
}

/// Where a clause is: its section heading and number, or its first words.
pub fn address(units: &[Unit], titles: &[String], text: &str, i: usize) -> String {
    let u = &units[i];
    if u.is_heading() {
        return titles[i].clone();
    }
    let own = match &u.number {
        Some(n) => n.clone(),
        None => display(text, &u.span, 16),
    };
    match u.heading {
        Some(h) => format!("{} › {own}", titles[h]),
        None => own,
    }
}

pub fn titles(units: &[Unit], text: &str) -> Vec<String> {
    units.iter().map(|u| display(text, &u.span, 30)).collect()
}

struct Fill<'a> {
    clause: &'a str,
    section: &'a str,
    old: &'a str,
    new: &'a str,
    template: &'a str,
}

fn fill(s: &str, f: &Fill) -> String {
    s.replace("{clause}", f.clause)
        .replace("{section}", f.section)
        .replace("{old}", f.old)
        .replace("{new}", f.new)
        .replace("{template}", f.template)
}

pub struct Reporter<'a> {
    pub rules: &'a RuleSet,
    pub tpl: &'a Template,
    pub draft: &'a Document<'a>,
    pub d_units: &'a [Unit],
    pub sel: &'a Selection,
    pub absorb: Vec<&'a Regex>,
    pub d_counts: TermCounts,
    pub d_titles: Vec<String>,
    pub out: Vec<Diagnostic>,
}

impl<'a> Reporter<'a> {
    /// The template rule for a change, in the unit's language (Chinese first for a unit in
    /// both); `None` when no such rule is loaded (the user left it out).
    fn rule(&self, change: TemplateChange, lang: LangSet) -> Option<&'a Rule> {
        let of_change = || {
            self.rules
                .rules
                .iter()
                .filter(move |r| r.template.as_ref().is_some_and(|t| t.change == change))
        };
        let zh = LangSet::parse("zh").unwrap_or(LangSet::EMPTY);
        let prefer = if lang.intersects(zh) { zh } else { lang };
        of_change()
            .find(|r| r.lang.intersects(prefer))
            .or_else(|| of_change().find(|r| r.lang.intersects(lang)))
            .or_else(|| of_change().next())
    }

    fn t_source(&self) -> Arc<Source> {
        self.tpl.source.clone()
    }

    #[allow(clippy::too_many_arguments)]
    fn push(
        &mut self,
        rule: &Rule,
        spill: bool,
        span: Span,
        t_span: Span,
        f: &Fill,
        notes: Vec<String>,
    ) {
        let spec = rule.template.as_ref();
        let message = match (spill, spec.and_then(|s| s.message_spill.as_ref())) {
            (true, Some(m)) => fill(m, f),
            _ => fill(&rule.message, f),
        };
        let t_label = spec
            .and_then(|s| s.template_label.as_deref())
            .map(|l| fill(l, f))
            .unwrap_or_default();
        self.out.push(Diagnostic {
            rule: rule.id.clone(),
            severity: rule.severity,
            message,
            help: rule.help.as_ref().map(|h| fill(h, f)),
            span,
            labels: vec![Label::in_file(self.t_source(), t_span, t_label)],
            notes,
        });
    }

    fn template_path(&self) -> String {
        self.tpl.source.path.display().to_string()
    }

    /// Changed text inside paired clauses.
    pub fn changed(&mut self, ti: usize, di: usize) {
        if self.sel.free[ti] {
            return;
        }
        let t = &self.tpl.units[ti];
        let d = &self.d_units[di];
        let mut hunks = changes(&t.norm, &d.norm, &self.absorb);
        if hunks.is_empty() {
            return;
        }
        if let Some(alts) = self.sel.alternatives.get(&ti) {
            if alts
                .iter()
                .any(|a| changes(a, &d.norm, &self.absorb).is_empty())
            {
                return;
            }
        }
        let Some(rule) = self.rule(TemplateChange::Changed, t.lang) else {
            return;
        };
        let t_text = self.tpl.source.text.as_str();
        let d_text = self.draft.text();
        let clause = address(&self.tpl.units, &self.tpl.titles, t_text, ti);
        let template = self.template_path();
        for h in &mut hunks {
            widen(
                h,
                &t.norm.chars,
                &d.norm.chars,
                self.tpl.counts(),
                &self.d_counts,
            );
        }
        let hunks = merge_close(hunks, &t.norm.chars);
        // A clause rewritten through and through is one finding on the whole clause.
        let changed: usize = hunks.iter().map(|h| h.t.len().max(h.d.len())).sum();
        let rewritten = hunks.len() > 3 || changed * 2 > t.norm.len().max(d.norm.len());
        if rewritten && hunks.len() > 1 {
            let old = t.norm.original(t_text, 0..t.norm.len());
            let new = d.norm.original(d_text, 0..d.norm.len());
            let notes = vec![format!(
                "- {}\n+ {}",
                shorten(&old, 120),
                shorten(&new, 120)
            )];
            let f = Fill {
                clause: &clause,
                section: "",
                old: &shorten(&old, 40),
                new: &shorten(&new, 40),
                template: &template,
            };
            let spill = hunks.iter().any(|h| h.spill);
            self.push(rule, spill, d.span.clone(), t.span.clone(), &f, notes);
            return;
        }
        for h in hunks {
            let note = diff_note(&t.norm, t_text, &h.t, &d.norm, d_text, &h.d);
            let old = t.norm.original(t_text, h.t.clone());
            let new = d.norm.original(d_text, h.d.clone());
            let f = Fill {
                clause: &clause,
                section: "",
                old: &shorten(&old, 40),
                new: &shorten(&new, 40),
                template: &template,
            };
            let span = d.norm.byte_range(&h.d);
            let t_span = t.norm.byte_range(&h.t);
            self.push(rule, h.spill, span, t_span, &f, vec![note]);
        }
    }

    pub fn moved(&mut self, ti: usize, di: usize) {
        if self.sel.free[ti] {
            return;
        }
        let t = &self.tpl.units[ti];
        let d = &self.d_units[di];
        let Some(rule) = self.rule(TemplateChange::Moved, t.lang) else {
            return;
        };
        let t_text = self.tpl.source.text.as_str();
        let clause = address(&self.tpl.units, &self.tpl.titles, t_text, ti);
        let section = d
            .heading
            .map_or_else(|| "—".to_string(), |h| self.d_titles[h].clone());
        let template = self.template_path();
        let f = Fill {
            clause: &clause,
            section: &section,
            old: "",
            new: "",
            template: &template,
        };
        self.push(rule, false, d.span.clone(), t.span.clone(), &f, Vec::new());
    }

    /// A deleted template unit (or a whole deleted section, `last` its last unit), labelled
    /// at `at` in the draft.
    pub fn deleted(&mut self, ti: usize, last: usize, at: usize) {
        let t = &self.tpl.units[ti];
        let Some(rule) = self.rule(TemplateChange::Deleted, t.lang) else {
            return;
        };
        let t_text = self.tpl.source.text.as_str();
        let clause = address(&self.tpl.units, &self.tpl.titles, t_text, ti);
        let template = self.template_path();
        let old = t.norm.original(t_text, 0..t.norm.len());
        let f = Fill {
            clause: &clause,
            section: "",
            old: &shorten(&old, 40),
            new: "",
            template: &template,
        };
        let t_span = t.span.start..self.tpl.units[last].span.end;
        let notes = vec![format!("- {}", shorten(&old, 120))];
        self.push(rule, false, at..at, t_span, &f, notes);
    }

    /// An inserted draft unit (or a whole new section up to `last`), with the template
    /// position `at` where it has nothing.
    pub fn inserted(&mut self, di: usize, last: usize, at: usize) {
        let d = &self.d_units[di];
        let Some(rule) = self.rule(TemplateChange::Inserted, d.lang) else {
            return;
        };
        let d_text = self.draft.text();
        let clause = address(self.d_units, &self.d_titles, d_text, di);
        let template = self.template_path();
        let new = d.norm.original(d_text, 0..d.norm.len());
        let f = Fill {
            clause: &clause,
            section: "",
            old: "",
            new: &shorten(&new, 40),
            template: &template,
        };
        let span = d.span.start..self.d_units[last].span.end;
        let notes = vec![format!("+ {}", shorten(&new, 120))];
        self.push(rule, false, span, at..at, &f, notes);
    }
}

/// `- template phrase` / `+ draft phrase` around a change.
fn diff_note(
    t: &Norm,
    t_text: &str,
    tr: &Range<usize>,
    d: &Norm,
    d_text: &str,
    dr: &Range<usize>,
) -> String {
    let tp = phrase(&t.chars, tr, 24);
    let dp = phrase(&d.chars, dr, 24);
    let render = |n: &Norm, text: &str, p: Range<usize>| {
        let mut s = String::new();
        if p.start > 0 && !boundary(n.chars[p.start - 1]) {
            s.push('…');
        }
        s.push_str(&n.original(text, p.clone()));
        if p.end < n.chars.len() && !boundary(n.chars[p.end]) {
            s.push('…');
        }
        s
    };
    format!("- {}\n+ {}", render(t, t_text, tp), render(d, d_text, dp))
}

/// Units of a section rooted at heading `h` (itself first), in `units`.
pub fn section_of(units: &[Unit], h: usize) -> Vec<usize> {
    let mut out = vec![h];
    for (i, u) in units.iter().enumerate().skip(h + 1) {
        let mut cur = u.heading;
        let mut inside = false;
        while let Some(x) = cur {
            if x == h {
                inside = true;
                break;
            }
            cur = units[x].heading;
        }
        if !inside {
            break;
        }
        out.push(i);
    }
    out
}

/// Report everything an alignment found.
pub fn report(r: &mut Reporter, a: &Alignment) {
    let t_units = &r.tpl.units;
    let n_t = t_units.len();
    // Template unit -> draft unit, for pairs and moves.
    let mut t_to_d: Vec<Option<usize>> = vec![None; n_t];
    for &(ti, di) in a.pairs.iter().chain(&a.moved) {
        t_to_d[ti] = Some(di);
    }
    let mut d_to_t: Vec<Option<usize>> = vec![None; r.d_units.len()];
    for &(ti, di) in a.pairs.iter().chain(&a.moved) {
        d_to_t[di] = Some(ti);
    }

    for &(ti, di) in &a.pairs {
        r.changed(ti, di);
    }
    for &(ti, di) in &a.moved {
        // A clause that moved together with its section is reported once, on the heading.
        let with_section = match (t_units[ti].heading, r.d_units[di].heading) {
            (Some(th), Some(dh)) => a.moved.contains(&(th, dh)),
            _ => false,
        };
        if !with_section {
            r.moved(ti, di);
        }
        r.changed(ti, di);
    }

    // Deleted: a whole deleted section is one finding on its heading.
    let deleted: std::collections::BTreeSet<usize> = a.deleted.iter().copied().collect();
    let mut done = std::collections::BTreeSet::new();
    for &ti in &a.deleted {
        if done.contains(&ti) || r.sel.free[ti] {
            continue;
        }
        let mut last = ti;
        if t_units[ti].is_heading() {
            let sec = section_of(t_units, ti);
            if sec
                .iter()
                .all(|i| deleted.contains(i) || t_units[*i].pure_slot())
            {
                last = *sec.last().unwrap();
                done.extend(sec);
            }
        }
        // Where it belongs in the draft: after the draft unit of the previous template unit
        // when that one is in the same section (or is its heading), else before the next
        // one that is there.
        let paired = |i: usize| {
            a.pairs
                .binary_search_by_key(&i, |p| p.0)
                .ok()
                .map(|k| a.pairs[k].1)
        };
        let prev = (0..ti).rev().find_map(|i| paired(i).map(|d| (i, d)));
        let next = (last + 1..n_t).find_map(paired);
        let at = match (prev, next) {
            // After the previous clause of its section, or after its section's heading.
            (Some((pi, d)), _)
                if (t_units[pi].heading == t_units[ti].heading && !t_units[pi].is_heading())
                    || t_units[ti].heading == Some(pi) =>
            {
                r.d_units[d].span.end
            }
            (_, Some(d)) => r.d_units[d].span.start,
            (Some((_, d)), None) => r.d_units[d].span.end,
            (None, None) => r.draft.body_start,
        };
        r.deleted(ti, last, at);
    }

    // Inserted: a whole new section is one finding on its heading. Clauses inserted in a
    // section that may be edited freely are fine.
    let inserted: std::collections::BTreeSet<usize> = a.inserted.iter().copied().collect();
    let mut done = std::collections::BTreeSet::new();
    let d_units = r.d_units;
    for &di in &a.inserted {
        if done.contains(&di) {
            continue;
        }
        let free_section = {
            let mut cur = d_units[di].heading;
            let mut free = false;
            while let Some(h) = cur {
                if d_to_t[h].is_some_and(|ti| r.sel.free[ti]) {
                    free = true;
                    break;
                }
                cur = d_units[h].heading;
            }
            free
        };
        if free_section {
            continue;
        }
        let mut last = di;
        if d_units[di].is_heading() {
            let sec = section_of(d_units, di);
            if sec.iter().all(|i| inserted.contains(i)) {
                last = *sec.last().unwrap();
                done.extend(sec);
            }
        }
        // Where the template has nothing: after the template unit of the previous paired
        // draft unit, else before the next one.
        let prev = (0..di).rev().find_map(|j| d_to_t[j]);
        let at = match prev {
            Some(ti) => t_units[ti].span.end,
            None => match (last + 1..d_units.len()).find_map(|j| d_to_t[j]) {
                Some(ti) => t_units[ti].span.start,
                None => t_units.first().map_or(0, |u| u.span.start),
            },
        };
        r.inserted(di, last, at);
    }
}
