//! The units compared: each paragraph, list item and heading is one, and each table row is
//! one (its cells joined), in document order, with its normalised text, numbering and the
//! heading of the section it belongs to.

use std::hash::{Hash, Hasher};

use super::normalize::{push_text, strip_numbering, Norm, CELL, SLOT};
use crate::document::{ClauseKind, Document, LangSet};
use crate::source::Span;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UnitKind {
    Heading(u8),
    Paragraph,
    Item,
    Row,
}

#[derive(Debug, Clone)]
pub struct Unit {
    pub kind: UnitKind,
    /// From the first to the last byte of the unit's text.
    pub span: Span,
    pub norm: Norm,
    /// The numbering label (`7`, `3.2`, `a`), from the text or the list item marker.
    pub number: Option<String>,
    /// The unit index of the heading of the innermost section holding this unit (for a
    /// heading: of its parent section).
    pub heading: Option<usize>,
    pub lang: LangSet,
    /// Hash of the normalised text, for exact matching.
    pub key: u64,
    pub slots: usize,
    pub literal: usize,
    /// Character bigrams of the literal text (not across a slot), sorted, for similarity.
    pub grams: Vec<u64>,
}

impl Unit {
    pub fn is_heading(&self) -> bool {
        matches!(self.kind, UnitKind::Heading(_))
    }

    /// A unit that is nothing but blanks: any text fills it.
    pub fn pure_slot(&self) -> bool {
        self.slots > 0 && self.literal == 0
    }
}

impl Unit {
    /// A unit before its section link and its derived fields (key, counts, grams) are set,
    /// which happens once every unit is known.
    fn new(kind: UnitKind, span: Span, norm: Norm, number: Option<String>, lang: LangSet) -> Unit {
        Unit {
            kind,
            span,
            norm,
            number,
            heading: None,
            lang,
            key: 0,
            slots: 0,
            literal: 0,
            grams: Vec::new(),
        }
    }
}

fn hash_chars(chars: &[char]) -> u64 {
    let mut h = std::collections::hash_map::DefaultHasher::new();
    chars.hash(&mut h);
    h.finish()
}

fn grams(chars: &[char]) -> Vec<u64> {
    let mut out = Vec::with_capacity(chars.len());
    let lit = |c: char| c != SLOT && c != CELL && c != ' ';
    for w in chars.windows(2) {
        if lit(w[0]) && lit(w[1]) {
            out.push(((w[0] as u64) << 32) | w[1] as u64);
        }
    }
    if out.is_empty() {
        // One-character units still need something to match on.
        out.extend(chars.iter().filter(|c| lit(**c)).map(|&c| c as u64));
    }
    out.sort_unstable();
    out
}

/// The list marker number of an item (`3.` or `3)` before its text), if any.
fn item_number(text: &str, line_start: usize, start: usize) -> Option<String> {
    let prefix = text[line_start..start].trim_end();
    let digits: String = prefix
        .trim_end_matches(['.', ')'])
        .chars()
        .rev()
        .take_while(|c| c.is_ascii_digit())
        .collect::<Vec<_>>()
        .into_iter()
        .rev()
        .collect();
    if digits.is_empty() || !(prefix.ends_with('.') || prefix.ends_with(')')) {
        return None;
    }
    digits.parse::<u64>().ok().map(|n| n.to_string())
}

/// Build the units of a document. `slots` are the template's blanks (empty for a draft).
pub fn build(doc: &Document, slots: &[Span]) -> Vec<Unit> {
    let text = doc.text();
    let idx = doc.source.line_index();
    let mut units: Vec<Unit> = Vec::with_capacity(doc.clauses.len());
    let mut row_of: Option<(usize, usize)> = None;

    for c in &doc.clauses {
        if let Some(pos) = doc.cell(c) {
            let same_row = row_of == Some((pos.table(), pos.row())) && !units.is_empty();
            if !same_row {
                units.push(Unit::new(
                    UnitKind::Row,
                    c.span.clone(),
                    Norm::default(),
                    None,
                    c.lang,
                ));
                row_of = Some((pos.table(), pos.row()));
            }
            let u = units.last_mut().unwrap();
            if same_row {
                u.norm.chars.push(CELL);
                u.norm.spans.push(c.span.start..c.span.start);
                u.span.end = u.span.end.max(c.span.end);
                u.lang = u.lang.union(c.lang);
            }
            push_text(&mut u.norm, doc, c.span.clone(), slots);
            continue;
        }
        row_of = None;

        for piece in numbered_pieces(doc, c, slots) {
            let mut norm = Norm::default();
            push_text(&mut norm, doc, piece.clone(), slots);
            let mut number = strip_numbering(&mut norm);
            if c.kind == ClauseKind::Item && piece.start == c.span.start {
                let line_start = idx.line_start(idx.line_of(c.span.start));
                if let Some(n) = item_number(text, line_start, c.span.start) {
                    number = Some(n);
                }
            }
            if norm.is_empty() {
                continue;
            }
            let kind = match c.kind {
                ClauseKind::Heading(l) => UnitKind::Heading(l),
                ClauseKind::Item => UnitKind::Item,
                _ => UnitKind::Paragraph,
            };
            units.push(Unit::new(kind, piece, norm, number, c.lang));
        }
    }
    // Rows made only of empty cells carry nothing to compare.
    units.retain(|u| !(u.kind == UnitKind::Row && u.norm.chars.iter().all(|&c| c == CELL)));
    link_headings(doc, &mut units);
    for u in &mut units {
        u.key = hash_chars(&u.norm.chars);
        u.slots = u.norm.chars.iter().filter(|&&c| c == SLOT).count();
        u.literal = u.norm.literal_len();
        u.grams = grams(&u.norm.chars);
    }
    units
}

/// A paragraph whose later lines start with their own numbering (`第三十条 有下列情形之一的：`
/// then `（一）…`, `（二）…` on lines of the same paragraph) or with a field label (`地址：`,
/// `联系电话：` under a party's name) is one unit per such line, like a list: deleting `（二）`
/// and renumbering the rest is one deletion, a line added after the last one is an
/// insertion rather than part of the last line, and a blank at the end of one field does
/// not take in the next field's label. Other clauses are one unit.
fn numbered_pieces(doc: &Document, c: &crate::document::Clause, slots: &[Span]) -> Vec<Span> {
    if c.kind != ClauseKind::Paragraph {
        return vec![c.span.clone()];
    }
    let lines = doc.clause_lines(c);
    if lines.len() < 2 {
        return vec![c.span.clone()];
    }
    let mut cuts: Vec<usize> = Vec::new();
    for line in &lines[1..] {
        let mut norm = Norm::default();
        push_text(&mut norm, doc, line.clone(), slots);
        if !norm.is_empty()
            && (starts_with_label(&norm.chars) || strip_numbering(&mut norm).is_some())
        {
            cuts.push(line.start);
        }
    }
    let mut pieces = Vec::with_capacity(cuts.len() + 1);
    let mut start = c.span.start;
    for cut in cuts {
        pieces.push(start..cut);
        start = cut;
    }
    pieces.push(start..c.span.end);
    pieces
}

/// Does a normalised line start with a short field label and its colon (`联系电话:`,
/// `Address:`)? Such lines of one paragraph (a party block) are fields of their own: a
/// renamed label is a change of its line, not a fill of the blank on the line before.
fn starts_with_label(chars: &[char]) -> bool {
    let Some(colon) = chars.iter().take(17).position(|&c| c == ':') else {
        return false;
    };
    colon > 0
        && !chars[..colon]
            .iter()
            .any(|&c| matches!(c, ',' | '.' | ';' | '。' | '、' | '"' | SLOT))
}

/// Set each unit's `heading` to the unit index of the heading of its innermost section.
fn link_headings(doc: &Document, units: &mut [Unit]) {
    // Heading clause start offset -> unit index.
    let mut by_start = std::collections::HashMap::new();
    for (i, u) in units.iter().enumerate() {
        if u.is_heading() {
            by_start.insert(u.span.start, i);
        }
    }
    for u in units.iter_mut() {
        let clause = doc
            .clauses
            .partition_point(|c| c.span.start < u.span.start)
            .min(doc.clauses.len().saturating_sub(1));
        let Some(c) = doc.clauses.get(clause) else {
            continue;
        };
        let section = match c.kind {
            ClauseKind::Heading(_) if c.span.start == u.span.start => {
                c.section().and_then(|s| doc.sections[s].parent())
            }
            _ => c.section(),
        };
        u.heading = section
            .map(|s| doc.clauses[doc.sections[s].heading()].span.start)
            .and_then(|start| by_start.get(&start).copied());
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::Source;

    #[test]
    fn units_have_numbers_sections_and_rows() {
        let text = "# 合同\n\n## 七、其他条款\n\n1. 本协议一式两份。\n2. 本协议自签字之日起生效。\n\n| 甲方 | 乙方 |\n|---|---|\n| 盖章： | |\n";
        let src = Source::new("t.md", text);
        let doc = Document::parse(&src).unwrap();
        let units = build(&doc, &[]);
        let texts: Vec<String> = units
            .iter()
            .map(|u| u.norm.chars.iter().collect())
            .collect();
        assert_eq!(
            texts,
            vec![
                "合同",
                "其他条款",
                "本协议一式两份。",
                "本协议自签字之日起生效。",
                format!("甲方{CELL}乙方").as_str(),
                format!("盖章:{CELL}").as_str(),
            ]
        );
        assert_eq!(units[1].number.as_deref(), Some("7"));
        assert_eq!(units[3].number.as_deref(), Some("2"));
        assert_eq!(units[1].heading, Some(0));
        assert_eq!(units[2].heading, Some(1));
        assert_eq!(units[4].kind, UnitKind::Row);
        assert_eq!(units[0].heading, None);
    }
}
