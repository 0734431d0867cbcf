//! `signature`: every field of every party's signature block must be filled.
//!
//! The block is what follows the last marker clause ("(以下无正文)", "IN WITNESS WHEREOF",
//! a "Signatures" heading, …), or else the trailing run of label lines and signature tables.
//! Fields are label lines (`甲方(盖章)：value`, `By: ____`), several per line in two-column
//! layouts, or table cells under a party header. Parties are found in the party block at the
//! top ("role: name" lines) and in the block's own labels.

use std::collections::BTreeSet;

use regex::Regex;

use super::prefilter::Need;
use super::units::{applies, need};
use super::{make, Context};
use crate::diagnostic::Diagnostic;
use crate::document::{Clause, ClauseKind, Document};
use crate::rules::{Kind, Parties, Rule, RuleSet};
use crate::source::Span;

/// Markers used for `scope: signature-block` when no signature rule is loaded.
const DEFAULT_MARKERS: &[&str] = &[
    r"[(（]\s*(以下|本页)无正文\s*[)）]",
    r"(?i)\bin witness whereof\b",
    r"(?i)^\s*signatures?( page)?\s*[:：]?\s*$",
    r"^\s*(签署页|签字页|签章页)\s*$",
];

fn default_markers() -> &'static [Regex] {
    static RE: std::sync::OnceLock<Vec<Regex>> = std::sync::OnceLock::new();
    RE.get_or_init(|| {
        DEFAULT_MARKERS
            .iter()
            .map(|m| Regex::new(m).unwrap())
            .collect()
    })
}

/// The marker regexes with their prefilter needs.
fn marker_regexes<'a>(ctx: &'a Context) -> Vec<(&'a Regex, Option<&'a Need>)> {
    let from_rules: Vec<(&Regex, Option<&Need>)> = ctx
        .rules
        .rules
        .iter()
        .filter(|r| r.kind == Kind::Signature)
        .flat_map(|r| {
            let needs = ctx.needs(r).map(|n| &n.markers[..]);
            r.markers
                .iter()
                .enumerate()
                .map(move |(k, p)| (&p.regex, need(needs, k)))
        })
        .collect();
    if from_rules.is_empty() {
        default_markers().iter().map(|m| (m, None)).collect()
    } else {
        from_rules
    }
}

/// The index of the first clause of the signature block. When a marker is the last clause,
/// the block is empty and this is `clauses.len()`.
pub fn signature_block_start(doc: &Document, rules: &RuleSet) -> Option<usize> {
    Context::new(doc, rules).sig_start
}

/// [`signature_block_start`] within a check, with the prefilter at hand.
pub(crate) fn block_start(ctx: &Context) -> Option<usize> {
    let (doc, rules) = (ctx.doc, ctx.rules);
    let markers = marker_regexes(ctx);
    let marked = (0..doc.clauses.len()).rev().find(|&i| {
        let text = doc.scan_of(&doc.clauses[i].span);
        markers
            .iter()
            .any(|(m, n)| ctx.may(i, *n) && m.is_match(text))
    });
    if let Some(i) = marked {
        return Some(i + 1);
    }
    // No marker: the trailing run of label lines and tables, if it holds a field that shows
    // a party signs (a seal or signature line; a date or a phone number alone is a form).
    let sig_rules: Vec<&Rule> = rules
        .rules
        .iter()
        .filter(|r| r.kind == Kind::Signature)
        .collect();
    if sig_rules.is_empty() {
        return None;
    }
    let vocab: Vec<&Vocab> = sig_rules.iter().map(|r| Vocab::of(r)).collect();
    let mut start = None;
    let mut has_field = false;
    for (i, c) in doc.clauses.iter().enumerate().rev() {
        let text = doc.scan_of(&c.span).trim();
        let fieldish = vocab
            .iter()
            .any(|v| v.field_re.is_match(text) || v.role_label(text));
        if fieldish {
            has_field |= vocab.iter().any(|v| v.signing_re.is_match(text));
            start = Some(i);
        } else if is_name_line(text) && !matches!(c.kind, ClauseKind::Heading(_)) {
            // a short party-name line ("ACME CORP.") inside the block
            start = Some(i);
        } else {
            break;
        }
    }
    if has_field {
        start
    } else {
        None
    }
}

/// A short line that can name a party ("ACME CORP.", "杭州明远电子商务有限公司"), not a
/// sentence of the contract: at most 40 characters, no full stop or clause break inside.
fn is_name_line(text: &str) -> bool {
    let t = text.trim();
    !t.is_empty()
        && t.chars().count() <= 40
        && !t.ends_with(['。', '；', ';', '！', '？', '!', '?'])
        && !t.contains(['，', '。', '；'])
}

/// A rule's field and role vocabulary as regexes.
#[derive(Debug)]
pub struct Vocab {
    /// The name used for an unlabelled signature line.
    first_field: String,
    field_re: Regex,
    /// The fields that show a party signs (`signing-fields`, else every field).
    signing_re: Regex,
    role_re: Regex,
    /// A role label at the start of a line: `甲方(委托方)：`, `**Party A**`, `LANDLORD:`.
    role_line_re: Regex,
}

fn alternation(words: &[String]) -> String {
    let mut w: Vec<&String> = words.iter().filter(|w| !w.trim().is_empty()).collect();
    w.sort_by_key(|s| std::cmp::Reverse(s.chars().count()));
    let alts: Vec<String> = w
        .iter()
        .map(|s| {
            let e = regex::escape(s.trim())
                .replace("\\ ", r"\s+")
                .replace(' ', r"\s+");
            if s.is_ascii() {
                format!(r"\b{e}\b")
            } else {
                e
            }
        })
        .collect();
    if alts.is_empty() {
        "[^\\s\\S]".to_string()
    } else {
        format!("(?:{})", alts.join("|"))
    }
}

impl Vocab {
    /// The rule's vocabulary, compiled on first use.
    fn of(rule: &Rule) -> &Vocab {
        rule.vocab
            .get_or_init(|| std::sync::Arc::new(Vocab::new(rule)))
    }

    fn new(rule: &Rule) -> Vocab {
        let mut roles = rule.roles.clone();
        if let Parties::List(p) = &rule.parties {
            roles.extend(p.iter().cloned());
        }
        let f = alternation(&rule.fields);
        let r = alternation(&roles);
        let signing = match rule.signing_fields.is_empty() {
            true => f.clone(),
            false => alternation(&rule.signing_fields),
        };
        Vocab {
            first_field: rule.fields.first().cloned().unwrap_or_default(),
            field_re: Regex::new(&format!("(?i){f}")).unwrap(),
            signing_re: Regex::new(&format!("(?i){signing}")).unwrap(),
            role_re: Regex::new(&format!("(?i){r}")).unwrap(),
            role_line_re: Regex::new(&format!(
                r"(?i)^[\s*_#>]*(?:{r})\s*(?:[(（][^)）]{{0,16}}[)）])?[\s*_]*(?:[:：]|$)"
            ))
            .unwrap(),
        }
    }

    fn role_label(&self, text: &str) -> bool {
        self.role_line_re.is_match(text)
    }

    fn roles_in(&self, text: &str) -> BTreeSet<String> {
        self.role_re
            .find_iter(text)
            .map(|m| normalise_role(m.as_str()))
            .collect()
    }
}

/// A party: the role aliases that name it (normalised) and how to show it.
#[derive(Debug, Clone, Default)]
struct Party {
    keys: BTreeSet<String>,
    name: String,
}

impl Party {
    fn named(text: &str, vocab: &Vocab) -> Party {
        let text = text
            .trim()
            .trim_matches(|c: char| c == '*' || c == '_' || c == ':' || c == '：')
            .trim();
        let keys = vocab.roles_in(text);
        if keys.is_empty() {
            return Party {
                keys: BTreeSet::from([normalise_role(text)]),
                name: text.to_string(),
            };
        }
        let name = vocab
            .role_re
            .find(text)
            .map_or(text, |m| m.as_str())
            .to_string();
        Party { keys, name }
    }

    fn same(&self, other: &Party) -> bool {
        !self.keys.is_disjoint(&other.keys)
    }
}

fn normalise_role(s: &str) -> String {
    s.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
}

/// One field found in the block.
struct Field {
    label: Span,
    value: Span,
    /// The label's text, for the message.
    name: String,
    /// The party the label names, if it names one ("甲方(盖章)").
    party: Option<Party>,
    /// The label is a party role and nothing else ("LANDLORD:", "甲方：").
    role_only: bool,
    filled: bool,
}

pub(crate) fn run(ctx: &Context, rule: &Rule, out: &mut Vec<Diagnostic>) {
    let doc = ctx.doc;
    let Some(start) = ctx.sig_start else { return };
    let vocab = Vocab::of(rule);

    let declared = declared_parties(ctx, rule, vocab, start);
    let mut block_parties: Vec<Party> = Vec::new();
    let mut findings: Vec<(Span, String, String)> = Vec::new();
    // Two-column layouts: the parties of the last line that named one per field.
    let mut columns: Vec<Party> = Vec::new();
    let mut current = Party::default();
    let mut last_end = doc
        .clauses
        .get(start.saturating_sub(1))
        .map_or(0, |c| c.span.end);

    // The block's label lines, each parsed into its fields.
    struct Line {
        text_span: Span,
        fields: Vec<Field>,
        first_in_clause: bool,
    }
    let mut lines: Vec<Line> = Vec::new();
    for (i, c) in doc.clauses.iter().enumerate().skip(start) {
        last_end = last_end.max(c.span.end);
        if c.kind == ClauseKind::Cell || !applies(ctx, rule, i, c) {
            continue;
        }
        let mut prev_content = false;
        for line in doc.clause_lines(c) {
            let fields = parse_line(doc, line.clone(), vocab, prev_content);
            lines.push(Line {
                first_in_clause: !prev_content,
                text_span: line.clone(),
                fields,
            });
            prev_content = !doc.scan_of(&line).trim().is_empty();
        }
    }

    for (n, line) in lines.iter().enumerate() {
        let text = doc.scan_of(&line.text_span).trim();
        let fields = &line.fields;
        if fields.is_empty() {
            let short = is_name_line(text);
            if short && vocab.role_re.is_match(text) {
                current = Party::named(text, vocab);
                columns = vec![current.clone()];
                block_parties.push(current.clone());
            } else if short && line.first_in_clause && !text.contains([':', '：']) {
                // A bare party name heading its fields ("ACME CORP."); a label line such as
                // `联系电话：____` or `Phone: 555-0100` is a line of the party above.
                current = Party::named(text, vocab);
                columns = vec![current.clone()];
            }
            continue;
        }
        let named: Vec<Party> = fields.iter().filter_map(|f| f.party.clone()).collect();
        if !named.is_empty() {
            block_parties.extend(named.iter().cloned());
            if named.len() == fields.len() {
                columns = named.clone();
            }
            current = named[0].clone();
        }
        // "LANDLORD:" / "甲方：" with nothing after it and field lines below is a party
        // header, not an empty field.
        // Its value may also stand on the next line ("LANDLORD:\nHarbor Point Properties").
        let header = fields.iter().all(|f| f.role_only && f.value.is_empty())
            && lines.get(n + 1).is_some_and(|next| {
                // The party's name on the line below, in the same paragraph or the next one
                // ("**COMPANY:**" / "LUMENFIELD ROBOTICS, INC.").
                let below_is_value =
                    next.fields.is_empty() && !doc.scan_of(&next.text_span).trim().is_empty();
                below_is_value
                    || (!next.fields.is_empty() && next.fields.iter().all(|f| f.party.is_none()))
            });
        if header {
            continue;
        }
        for (k, f) in fields.iter().enumerate() {
            if f.filled {
                continue;
            }
            let party = match &f.party {
                Some(p) => p,
                None if fields.len() > 1 && columns.len() == fields.len() => &columns[k],
                None => &current,
            };
            let span = if f.value.is_empty() {
                f.label.clone()
            } else {
                f.value.clone()
            };
            findings.push((span, f.name.clone(), party.name.clone()));
        }
    }

    for t in tables_in_block(doc, start) {
        check_table(ctx, rule, vocab, t, &mut findings, &mut block_parties);
    }

    for (span, field, party) in findings {
        out.push(make(rule, span, fill(&rule.message, &party, &field)));
    }

    // A declared party with no line at all in the block: one finding at its end. Only when
    // the block names parties by role, or is empty; a block that names them only by company
    // name cannot be matched to the party block.
    if !block_parties.is_empty() || start >= doc.clauses.len() {
        let msg = rule.message_missing.as_deref().unwrap_or(&rule.message);
        for p in &declared {
            if !block_parties.iter().any(|b| b.same(p)) {
                out.push(make(rule, end_span(doc, last_end), fill(msg, &p.name, "")));
            }
        }
    }
}

/// Interpolate `{party}` and `{field}`, dropping brackets left empty.
fn fill(template: &str, party: &str, field: &str) -> String {
    let s = template.replace("{party}", party).replace("{field}", field);
    let s = s
        .replace(" ()", "")
        .replace("（）", "")
        .replace("「」", "")
        .replace("``", "");
    s.split(' ')
        .filter(|w| !w.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

/// The last line of the block, as a span.
fn end_span(doc: &Document, end: usize) -> Span {
    let idx = doc.source.line_index();
    let line = idx.line_of(end.saturating_sub(1));
    idx.line_range(doc.text(), line)
}

fn declared_parties(ctx: &Context, rule: &Rule, vocab: &Vocab, sig_start: usize) -> Vec<Party> {
    let doc = ctx.doc;
    let explicit: &[String] = if !doc.front_matter.parties.is_empty() {
        &doc.front_matter.parties
    } else if let Parties::List(p) = &rule.parties {
        p
    } else {
        &[]
    };
    if !explicit.is_empty() {
        return explicit.iter().map(|p| Party::named(p, vocab)).collect();
    }
    // The party block: role-label lines in the first part of the document.
    let limit = sig_start.min(40).min(doc.clauses.len() / 2 + 1);
    let mut out: Vec<Party> = Vec::new();
    for (i, c) in doc.clauses.iter().enumerate().take(limit) {
        if !applies(ctx, rule, i, c) || c.kind == ClauseKind::Cell {
            continue;
        }
        for line in doc.clause_lines(c) {
            if let Some(m) = vocab.role_line_re.find(doc.scan_of(&line)) {
                let p = Party::named(m.as_str(), vocab);
                if !p.keys.is_empty() && !out.iter().any(|o| o.same(&p)) {
                    out.push(p);
                }
            }
        }
    }
    out
}

fn is_colon(c: char) -> bool {
    c == ':' || c == '：'
}

/// Is this value still a blank: empty, underscores, a placeholder, a date skeleton, or only
/// a bracketed field word such as "（盖章）"?
fn unfilled(value: &str, vocab: &Vocab) -> bool {
    let v = value.trim_matches(|c: char| c.is_whitespace() || c == '\u{3000}');
    if v.is_empty() || v.contains("__") || v.contains('＿') {
        return true;
    }
    let stripped: String = vocab
        .field_re
        .replace_all(v, "")
        .chars()
        .filter(|c| {
            !(c.is_whitespace()
                || matches!(
                    c,
                    '_' | '＿'
                        | '-'
                        | '—'
                        | '.'
                        | '·'
                        | '…'
                        | '/'
                        | '年'
                        | '月'
                        | '日'
                        | '('
                        | ')'
                        | '（'
                        | '）'
                        | '['
                        | ']'
                        | '【'
                        | '】'
                        | '{'
                        | '}'
                        | '<'
                        | '>'
                        | '\u{3000}'
                ))
        })
        .collect();
    if stripped.is_empty() {
        return true;
    }
    (v.starts_with('[') && v.ends_with(']'))
        || (v.starts_with('【') && v.ends_with('】'))
        || (v.starts_with("{{") && v.ends_with("}}"))
        || (v.starts_with("<<") && v.ends_with(">>"))
}

/// A redaction mark (`[***]`) in a publicly filed contract: the value exists but is withheld.
/// Markdown may read the asterisks as emphasis, so this looks at the original text.
fn is_redaction(original: &str) -> bool {
    let v = original.trim().trim_start_matches("/s/").trim();
    let inner = v.strip_prefix('[').and_then(|v| v.strip_suffix(']'));
    inner.is_some_and(|i| !i.trim().is_empty() && i.trim().chars().all(|c| c == '*' || c == '•'))
}

/// Split one line into its fields.
fn parse_line(doc: &Document, line: Span, vocab: &Vocab, prev_content: bool) -> Vec<Field> {
    let scan = &doc.scan;
    let text = &scan[line.clone()];
    let colons: Vec<usize> = text
        .char_indices()
        .filter(|&(i, c)| is_colon(c) && !(c == ':' && digit_around(text, i)))
        .map(|(i, _)| i)
        .collect();
    let mut out = Vec::new();
    // A line of underscores alone is an unlabelled signature line ("________" above
    // "Name:"); a `___` line on its own in Markdown is a thematic break and never gets here.
    let bare = text.trim();
    if bare.chars().filter(|&c| c == '_' || c == '＿').count() >= 3
        && bare
            .chars()
            .all(|c| c == '_' || c == '＿' || c == '\\' || c.is_whitespace())
    {
        let lead = text.len() - text.trim_start().len();
        let span = line.start + lead..line.start + lead + bare.len();
        out.push(Field {
            label: span.clone(),
            value: span,
            name: vocab.first_field.clone(),
            party: None,
            role_only: false,
            filled: false,
        });
        return out;
    }
    if colons.is_empty() {
        // Colon-less labels: "甲方（盖章）" alone, or a caption under a signature line.
        for seg in segments(text) {
            let s = &text[seg.clone()];
            if !vocab.field_re.is_match(s) {
                continue;
            }
            let rest = vocab
                .role_re
                .replace_all(&vocab.field_re.replace_all(s, ""), "")
                .to_string();
            if !rest
                .chars()
                .all(|c| c.is_whitespace() || "()（）*_[]【】/、&和及或".contains(c))
            {
                continue;
            }
            let span = line.start + seg.start..line.start + seg.end;
            out.push(Field {
                label: span.clone(),
                value: span.end..span.end,
                name: s.trim().to_string(),
                party: party_in(s, vocab),
                role_only: false,
                filled: prev_content,
            });
        }
        return out;
    }
    // Label starts: the first at the line start, later ones after the last blank or
    // underscore before their colon.
    let mut labels: Vec<(usize, usize)> = Vec::new(); // (label start, colon) in line offsets
    for (k, &colon) in colons.iter().enumerate() {
        let floor = if k == 0 {
            0
        } else {
            colons[k - 1] + text[colons[k - 1]..].chars().next().unwrap().len_utf8()
        };
        let start = if k == 0 {
            0
        } else {
            let seg = &text[floor..colon];
            match seg.rfind(|c: char| c.is_whitespace() || c == '_' || c == '＿' || c == '\u{3000}')
            {
                Some(p) => floor + p + seg[p..].chars().next().unwrap().len_utf8(),
                None => floor,
            }
        };
        let label = &text[start..colon];
        if vocab.field_re.is_match(label) || vocab.role_re.is_match(label) {
            labels.push((start, colon));
        }
    }
    for (k, &(ls, colon)) in labels.iter().enumerate() {
        let vstart = colon + text[colon..].chars().next().unwrap().len_utf8();
        let vend = labels.get(k + 1).map_or(text.len(), |n| n.0);
        let raw = &text[vstart..vend];
        let lead = raw.len() - raw.trim_start().len();
        let trimmed = raw.trim();
        let value = line.start + vstart + lead..line.start + vstart + lead + trimmed.len();
        let label_text = text[ls..colon].trim();
        let label = line.start + ls + (text[ls..colon].len() - text[ls..colon].trim_start().len())
            ..line.start + colon + text[colon..].chars().next().unwrap().len_utf8();
        out.push(Field {
            label,
            value: value.clone(),
            name: label_text
                .trim_matches(|c: char| c == '*' || c == '_' || c.is_whitespace())
                .to_string(),
            party: party_in(label_text, vocab),
            role_only: !vocab.field_re.is_match(label_text),
            filled: !unfilled(trimmed, vocab)
                || doc.text().get(value.clone()).is_some_and(is_redaction),
        });
    }
    out
}

fn party_in(label: &str, vocab: &Vocab) -> Option<Party> {
    vocab
        .role_re
        .is_match(label)
        .then(|| Party::named(label, vocab))
}

fn digit_around(text: &str, i: usize) -> bool {
    let before = text[..i]
        .chars()
        .next_back()
        .is_some_and(|c| c.is_ascii_digit());
    let after = text[i + 1..]
        .chars()
        .next()
        .is_some_and(|c| c.is_ascii_digit());
    before && after
}

/// Parts of a line separated by two or more spaces, a tab or an ideographic space.
fn segments(text: &str) -> Vec<Span> {
    let mut out = Vec::new();
    let mut start = None;
    let mut gap = 0;
    let mut last_end = 0;
    for (i, c) in text.char_indices() {
        let sep = c == '\t' || c == '\u{3000}' || c == ' ';
        if sep {
            gap += if c == ' ' { 1 } else { 2 };
            if gap >= 2 {
                if let Some(s) = start.take() {
                    out.push(s..last_end);
                }
            }
        } else {
            if start.is_none() {
                start = Some(i);
            }
            gap = 0;
            last_end = i + c.len_utf8();
        }
    }
    if let Some(s) = start {
        out.push(s..last_end);
    }
    out
}

fn tables_in_block(doc: &Document, start: usize) -> Vec<usize> {
    let mut v: Vec<usize> = doc
        .clauses
        .iter()
        .skip(start)
        .filter_map(|c| doc.cell(c).map(|p| p.table()))
        .collect();
    v.dedup();
    v
}

fn cell_text<'a>(doc: &'a Document, c: &Clause) -> &'a str {
    doc.scan_of(&c.span).trim()
}

/// A signature table: party names in the header and field labels in the first column, or
/// the transpose; or cells that are label lines themselves.
fn check_table(
    ctx: &Context,
    rule: &Rule,
    vocab: &Vocab,
    t: usize,
    findings: &mut Vec<(Span, String, String)>,
    block_parties: &mut Vec<Party>,
) {
    let doc = ctx.doc;
    let table = &doc.tables[t];
    if table.rows.is_empty() {
        return;
    }
    let any_lang = table
        .rows
        .iter()
        .flatten()
        .any(|&i| doc.clauses[i].lang.intersects(rule.lang));
    if !any_lang {
        return;
    }
    let text = |i: usize| cell_text(doc, &doc.clauses[i]);
    let header: Vec<&str> = table.rows[0].iter().map(|&i| text(i)).collect();
    let body = &table.rows[1..];
    // A field label is a short cell naming a field ("Signature", "日期"); a party cell such
    // as "Acme Inc., by Jane Doe, CEO" mentions "by" but is no label.
    let is_label = |s: &str| vocab.field_re.is_match(s) && s.chars().count() <= 24;
    let first_col_fields = body
        .iter()
        .filter(|r| r.first().is_some_and(|&i| is_label(text(i))))
        .count();
    let header_fields = header.iter().skip(1).filter(|h| is_label(h)).count();
    let first_ratio = first_col_fields as f64 / body.len().max(1) as f64;
    let header_ratio = header_fields as f64 / header.len().saturating_sub(1).max(1) as f64;
    let label = |s: &str| s.trim_end_matches([':', '：']).trim().to_string();
    let mut flag = |ci: usize, field: String, party: &Party| {
        let c = &doc.clauses[ci];
        if unfilled(doc.scan_of(&c.span), vocab) && !is_redaction(&doc.text()[c.span.clone()]) {
            findings.push((c.span.clone(), field, party.name.clone()));
        }
    };

    if first_col_fields > 0 && first_ratio >= 0.5 && first_ratio >= header_ratio {
        // Columns are parties, rows are fields.
        let parties: Vec<Party> = header.iter().map(|h| Party::named(h, vocab)).collect();
        block_parties.extend(
            parties
                .iter()
                .skip(1)
                .filter(|p| vocab.role_re.is_match(&p.name))
                .cloned(),
        );
        for row in body {
            let Some(&first) = row.first() else { continue };
            if !is_label(text(first)) {
                continue;
            }
            for (col, &ci) in row.iter().enumerate().skip(1) {
                let party = parties.get(col).cloned().unwrap_or_default();
                flag(ci, label(text(first)), &party);
            }
        }
    } else if header_fields > 0 {
        // Rows are parties, columns are fields.
        for row in body {
            let party = Party::named(row.first().map_or("", |&i| text(i)), vocab);
            if vocab.role_re.is_match(&party.name) {
                block_parties.push(party.clone());
            }
            for (col, &ci) in row.iter().enumerate().skip(1) {
                let h = header.get(col).copied().unwrap_or("");
                if is_label(h) {
                    flag(ci, label(h), &party);
                }
            }
        }
    } else {
        // Cells that are label lines: | 甲方(盖章)：____ | 乙方(盖章)：____ |
        for row in &table.rows {
            for (col, &ci) in row.iter().enumerate() {
                let c = &doc.clauses[ci];
                for f in parse_line(doc, c.span.clone(), vocab, false) {
                    if let Some(p) = &f.party {
                        block_parties.push(p.clone());
                    }
                    if !f.filled {
                        let party = f.party.clone().unwrap_or_else(|| {
                            header
                                .get(col)
                                .map(|h| Party::named(h, vocab))
                                .unwrap_or_default()
                        });
                        let span = if f.value.is_empty() {
                            f.label.clone()
                        } else {
                            f.value.clone()
                        };
                        findings.push((span, f.name.clone(), party.name));
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::RuleSet;
    use crate::test_support::check_with;

    /// (flagged text, message) of the signature findings with the default packs.
    fn sig(text: &str) -> Vec<(String, String)> {
        let rules = RuleSet::embedded();
        let src = crate::source::Source::new("t.md", text);
        let doc = crate::document::Document::parse(&src).unwrap();
        crate::check::check(&doc, &rules)
            .into_iter()
            .filter(|d| d.rule == "signature/unfilled")
            .map(|d| (src.text[d.span].to_string(), d.message))
            .collect()
    }

    #[test]
    fn each_empty_field_once_and_filled_ones_silent() {
        let got = sig("正文。\n\n（以下无正文）\n\n甲方(盖章)：____\n\n法定代表人(签字)：张三\n\n日期：____年__月__日\n");
        let texts: Vec<&str> = got.iter().map(|g| g.0.as_str()).collect();
        assert_eq!(texts, ["____", "____年__月__日"]);
        assert_eq!(got[0].1, "甲方签署栏「甲方(盖章)」未填写");
        assert_eq!(got[1].1, "甲方签署栏「日期」未填写");
    }

    #[test]
    fn two_columns_on_one_line_are_two_parties() {
        let got = sig("（本页无正文）\n\n出租方（签章）：李四            承租方（签字）：\n\n日期：2025年1月1日            日期：\n");
        let msgs: Vec<&str> = got.iter().map(|g| g.1.as_str()).collect();
        assert_eq!(
            msgs,
            [
                "承租方签署栏「承租方（签字）」未填写",
                "承租方签署栏「日期」未填写"
            ]
        );
    }

    #[test]
    fn colon_less_seal_labels_are_empty_fields() {
        let got = sig("（以下无正文）\n\n用人单位（盖章）\n\n劳动者（签字）：王五\n");
        assert_eq!(got.len(), 1);
        assert_eq!(got[0].0, "用人单位（盖章）");
    }

    #[test]
    fn a_party_missing_from_the_block_is_one_finding_at_its_end() {
        let got = sig("甲方：A公司\n\n乙方：B公司\n\n丙方：C公司\n\n正文。\n\n（以下无正文）\n\n甲方(盖章)：A公司\n\n乙方(盖章)：B公司\n");
        assert_eq!(got.len(), 1);
        assert_eq!(got[0].0, "乙方(盖章)：B公司");
        assert_eq!(got[0].1, "丙方没有签署栏");
    }

    #[test]
    fn english_label_lines_under_party_headers() {
        let got = sig("IN WITNESS WHEREOF, the parties have signed.\n\n**ACME CORP.**\n\nBy: /s/ Jane Doe\nName: Jane Doe\nTitle: ____\n\n**BETA LLC**\n\nBy: ________\nName: [Name]\n");
        let msgs: Vec<&str> = got.iter().map(|g| g.1.as_str()).collect();
        assert_eq!(
            msgs,
            [
                "unfilled signature field `Title` (ACME CORP.)",
                "unfilled signature field `By` (BETA LLC)",
                "unfilled signature field `Name` (BETA LLC)"
            ]
        );
    }

    #[test]
    fn signature_tables_in_both_orientations() {
        let cols = sig("IN WITNESS WHEREOF:\n\n| | Buyer | Seller |\n|---|---|---|\n| Signature | /s/ A | |\n| Date | 2025-01-01 | |\n");
        assert_eq!(cols.len(), 2);
        assert!(cols[0].1.contains("`Signature` (Seller)"), "{cols:?}");
        let rows = sig("IN WITNESS WHEREOF:\n\n| Party | Signature | Date |\n|---|---|---|\n| Landlord | /s/ A | 2025-01-01 |\n| Tenant | | 2025-01-01 |\n");
        assert_eq!(rows.len(), 1);
        assert!(rows[0].1.contains("`Signature` (Tenant)"), "{rows:?}");
    }

    #[test]
    fn a_block_without_marker_is_the_trailing_run_of_label_lines() {
        let got = sig("# 委托协议\n\n委托方：甲公司\n\n受托方：乙公司\n\n第一条 双方同意委托事项，具体内容详见附件，本条款为完整条款，不存在任何空白。\n\n委托方（盖章）：甲公司\n\n受托方（盖章）：\n");
        assert_eq!(got.len(), 1);
        assert!(got[0].1.contains("受托方"), "{got:?}");
    }

    #[test]
    fn no_block_no_signature_findings() {
        assert!(
            sig("甲方：A公司\n\n乙方：B公司\n\n本协议自双方签字(或盖章)之日起生效。\n").is_empty()
        );
    }

    #[test]
    fn an_empty_seal_line_is_not_also_a_blank() {
        let rules = RuleSet::embedded();
        let got = check_with(&rules, "（以下无正文）\n\n甲方(盖章)：____________\n");
        assert_eq!(got.len(), 1);
        assert_eq!(got[0].0, "signature/unfilled");
    }

    #[test]
    fn a_contact_line_in_the_block_is_not_a_party() {
        let got = sig("正文。\n\n（以下无正文）\n\n甲方（盖章）：A公司\n\n联系电话：____\n\n日期：____年__月__日\n\nParty B\n\nPhone: 555\n\nBy: ____\n");
        let msgs: Vec<&str> = got.iter().map(|g| g.1.as_str()).collect();
        assert_eq!(
            msgs,
            [
                "甲方签署栏「日期」未填写",
                "unfilled signature field `By` (Party B)"
            ]
        );
    }

    #[test]
    fn without_a_marker_a_form_that_no_one_signs_has_no_block() {
        // Trailing label lines with a date but no seal or signature field.
        assert!(sig("甲方：A公司\n\n联系电话：0571-1\n\n开始日期：____\n").is_empty());
        assert!(sig("Customer: Acme\n\nPhone: 555\n\nDate: ________\n").is_empty());
        // With one, the same lines are a block.
        assert_eq!(
            sig("甲方：A公司\n\n甲方（签字）：\n\n日期：____\n").len(),
            2
        );
    }
}
