//! A literal prefilter, so that a rule whose literals are absent from a clause costs nothing
//! there.
//!
//! From each pattern we extract *required factors*: sets of literals of which one must occur
//! inside every match. `以本(协议|合同)为准` needs `以本`, one of `协议`/`合同`, and `为准`;
//! `(?m)^[ \t　]*(?P<at>[\p{Han}…]{1,12}[:：])…` needs `:` or `：`. A pattern without such a
//! factor (it can match anything) is always run.
//!
//! Per document, one Aho-Corasick pass over each clause's scan text records which factors
//! occur inside that clause. A pattern can match inside a span of a clause (the clause
//! itself, one of its sentences) only if every one of its factors occurs inside the clause,
//! so the regex is run only on spans of clauses where that holds. This is a necessary
//! condition, never a sufficient one: the findings are exactly those of running every
//! regex everywhere.
//!
//! Only `pattern`, `when` and signature `markers` are indexed: `must` and `unless` run only
//! in units that already passed those. The index (literals, factors, each rule's patterns)
//! is built once per rule set.

use std::collections::HashMap;
use std::sync::Arc;

use aho_corasick::{AhoCorasick, AhoCorasickKind, MatchKind};
use regex_syntax::hir::literal::Extractor;
use regex_syntax::hir::{Class, Hir, HirKind};

use crate::document::fold::fold_str;
use crate::document::Document;
use crate::rules::{Pattern, Patterns, Rule, RuleSet};

/// The factors (indices into the index's factor table) a pattern needs; empty: none known,
/// the pattern may match anywhere.
#[derive(Debug, Clone, Default)]
pub(crate) struct Need(Vec<u32>);

/// The needs of one rule's patterns, field by field, parallel to the rule's pattern lists.
#[derive(Debug, Clone, Default)]
pub(crate) struct RuleNeeds {
    pub pattern: Vec<Need>,
    pub when: Vec<Need>,
    pub must: Vec<Need>,
    pub unless: Vec<Need>,
    pub markers: Vec<Need>,
}

/// Literals and factors of a whole rule set.
#[derive(Debug)]
pub(crate) struct Index {
    ac: Option<AhoCorasick>,
    /// Literal id → the factors it belongs to.
    lit_factors: Vec<Vec<u32>>,
    factors: usize,
    rules: Vec<RuleNeeds>,
    /// What the index was built from: each pattern's source (address and length), so that a
    /// rule set changed after the index was built is noticed.
    key: Vec<(usize, usize)>,
}

fn fields(r: &Rule) -> [&Patterns; 5] {
    [&r.pattern, &r.when, &r.must, &r.unless, &r.markers]
}

fn key_of(rules: &RuleSet) -> Vec<(usize, usize)> {
    rules
        .rules
        .iter()
        .flat_map(|r| fields(r).into_iter().flat_map(|ps| ps.iter()))
        .map(|p| (p.source.as_ptr() as usize, p.source.len()))
        .collect()
}

impl Index {
    /// The index of a rule set, built on first use and kept in the rule set.
    pub(crate) fn of(rules: &RuleSet) -> Arc<Index> {
        let cached = rules
            .prefilter
            .get_or_init(|| Arc::new(Index::build(rules)));
        if cached.key == key_of(rules) {
            cached.clone()
        } else {
            // The rules were changed in place after the index was built.
            Arc::new(Index::build(rules))
        }
    }

    fn build(rules: &RuleSet) -> Index {
        let mut literals: Vec<Vec<u8>> = Vec::new();
        let mut lit_ids: HashMap<Vec<u8>, u32> = HashMap::new();
        // A factor is a sorted set of literal ids; equal factors are shared.
        let mut factor_ids: HashMap<Vec<u32>, u32> = HashMap::new();
        let mut lit_factors: Vec<Vec<u32>> = Vec::new();
        let mut need_of = |p: &Pattern| -> Need {
            let mut need = Vec::new();
            for factor in required_factors(&p.source) {
                // The automaton matches ASCII letters in either case, so the case variants
                // of `(?i)` literals collapse into one (a case-sensitive literal then also
                // matches its other case: a weaker filter, never a wrong one).
                let mut ids: Vec<u32> = factor
                    .into_iter()
                    .map(|lit| lit.to_ascii_lowercase())
                    .map(|lit| {
                        *lit_ids.entry(lit.clone()).or_insert_with(|| {
                            literals.push(lit);
                            lit_factors.push(Vec::new());
                            (literals.len() - 1) as u32
                        })
                    })
                    .collect();
                ids.sort_unstable();
                ids.dedup();
                let next = factor_ids.len() as u32;
                let f = *factor_ids.entry(ids.clone()).or_insert(next);
                if f == next {
                    for &l in &ids {
                        lit_factors[l as usize].push(f);
                    }
                }
                need.push(f);
            }
            need.sort_unstable();
            need.dedup();
            Need(need)
        };
        let rule_needs: Vec<RuleNeeds> = rules
            .rules
            .iter()
            .map(|r| {
                let mut needs = |ps: &Patterns| ps.iter().map(&mut need_of).collect::<Vec<Need>>();
                let (pattern, when, markers) =
                    (needs(&r.pattern), needs(&r.when), needs(&r.markers));
                // `must` and `unless` run only in units that passed `when` or `pattern`,
                // which the prefilter already narrowed: looking for their literals in every
                // clause would cost more than it saves.
                let (must, unless) = (
                    vec![Need::default(); r.must.0.len()],
                    vec![Need::default(); r.unless.0.len()],
                );
                RuleNeeds {
                    pattern,
                    when,
                    must,
                    unless,
                    markers,
                }
            })
            .collect();
        let ac = if literals.is_empty() {
            None
        } else {
            Some(
                AhoCorasick::builder()
                    .match_kind(MatchKind::Standard)
                    .ascii_case_insensitive(true)
                    .kind(Some(AhoCorasickKind::DFA))
                    .build(&literals)
                    .expect("literal sets are small"),
            )
        };
        Index {
            ac,
            lit_factors,
            factors: factor_ids.len(),
            rules: rule_needs,
            key: key_of(rules),
        }
    }

    /// The needs of a rule of the indexed set (found by address), or `None` for a rule from
    /// elsewhere, whose patterns are then always run.
    pub(crate) fn needs(&self, rules: &RuleSet, rule: &Rule) -> Option<&RuleNeeds> {
        let i = rules.rules.iter().position(|r| std::ptr::eq(r, rule))?;
        self.rules.get(i)
    }

    /// Which factors occur inside each clause of a document (in parallel blocks of `block`
    /// clauses when it has more).
    pub(crate) fn presence(&self, doc: &Document, block: usize) -> Presence {
        let words = self.factors.div_ceil(64);
        let mut bits = vec![0u64; words * doc.clauses.len()];
        let Some(ac) = &self.ac else {
            return Presence {
                words,
                ids: Vec::new(),
                rows: bits,
            };
        };
        let fill = |first: usize, rows: &mut [u64]| {
            for (k, row) in rows.chunks_mut(words.max(1)).enumerate() {
                let c = &doc.clauses[first + k];
                let hay = &doc.scan.as_bytes()[c.span.clone()];
                for m in ac.find_overlapping_iter(hay) {
                    for &f in &self.lit_factors[m.pattern().as_usize()] {
                        row[f as usize / 64] |= 1 << (f % 64);
                    }
                }
            }
        };
        if words == 0 {
            // No factor at all: nothing to record.
        } else if doc.clauses.len() > block {
            use rayon::prelude::*;
            bits.par_chunks_mut(block * words)
                .enumerate()
                .for_each(|(k, rows)| fill(k * block, rows));
        } else {
            fill(0, &mut bits);
        }
        Presence::shared(words, bits)
    }
}

/// Which factors occur inside which clause of one document.
#[derive(Debug, Default)]
pub(crate) struct Presence {
    words: usize,
    /// Per clause, its row in `rows`; empty: clause `i` has row `i`.
    ids: Vec<u32>,
    /// Rows of `words` words, one bit per factor.
    rows: Vec<u64>,
}

impl Presence {
    /// Rows that many clauses share stored once: most clauses of a draft hold the same few
    /// combinations of literals (none, most often), and a long draft has a million clauses.
    /// Where distinct rows are more than half the clauses, the rows stay as they are.
    fn shared(words: usize, bits: Vec<u64>) -> Presence {
        let plain = |bits| Presence {
            words,
            ids: Vec::new(),
            rows: bits,
        };
        let n = bits.len() / words.max(1);
        if words == 0 || n < 64 || u32::try_from(n).is_err() {
            return plain(bits);
        }
        let mut seen: std::collections::HashMap<&[u64], u32> = Default::default();
        let mut ids: Vec<u32> = Vec::with_capacity(n);
        let mut rows: Vec<u64> = Vec::new();
        for row in bits.chunks(words) {
            let next = seen.len() as u32;
            let id = *seen.entry(row).or_insert(next);
            if id == next {
                if seen.len() > n / 2 {
                    drop(seen);
                    return plain(bits);
                }
                rows.extend_from_slice(row);
            }
            ids.push(id);
        }
        rows.shrink_to_fit();
        Presence { words, ids, rows }
    }
}

impl Presence {
    /// Can a pattern with this need match inside (a span of) this clause?
    pub(crate) fn may(&self, clause: usize, need: &Need) -> bool {
        // An empty presence (no index, or the prefilter turned off) rules nothing out.
        if need.0.is_empty() || self.words == 0 {
            return true;
        }
        let r = if self.ids.is_empty() {
            clause
        } else {
            match self.ids.get(clause) {
                Some(&r) => r as usize,
                None => return true,
            }
        };
        let Some(row) = self.rows.get(r * self.words..(r + 1) * self.words) else {
            return true;
        };
        need.0
            .iter()
            .all(|&f| row[f as usize / 64] & (1 << (f % 64)) != 0)
    }
}

/// Sets of literals of which one occurs inside every match of `pattern` (folded as the rule
/// loader folds it). Unparsable patterns (they never get here) have none.
pub(crate) fn required_factors(pattern: &str) -> Vec<Vec<Vec<u8>>> {
    let Ok(hir) = regex_syntax::Parser::new().parse(&fold_str(pattern)) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    factors(&hir, &mut out);
    // A lone ASCII letter, digit or space is everywhere in English text: such a factor
    // filters nothing and costs an automaton match at almost every character.
    out.retain(|f| {
        !f.iter().any(
            |l| matches!(l.as_slice(), [b] if b.is_ascii_alphanumeric() || b.is_ascii_whitespace()),
        )
    });
    out
}

/// A class small enough to spell out (`[:：]`, `[(（]`, a case-folded letter).
fn small_class(c: &Class) -> bool {
    match c {
        Class::Unicode(u) => {
            u.ranges()
                .iter()
                .map(|r| r.end() as usize - r.start() as usize + 1)
                .sum::<usize>()
                <= 10
        }
        Class::Bytes(b) => {
            b.ranges()
                .iter()
                .map(|r| r.end() as usize - r.start() as usize + 1)
                .sum::<usize>()
                <= 10
        }
    }
}

fn literalish(h: &Hir) -> bool {
    match h.kind() {
        HirKind::Literal(_) => true,
        HirKind::Class(c) => small_class(c),
        _ => false,
    }
}

fn factors(hir: &Hir, out: &mut Vec<Vec<Vec<u8>>>) {
    match hir.kind() {
        HirKind::Capture(c) => factors(&c.sub, out),
        HirKind::Repetition(r) if r.min >= 1 => factors(&r.sub, out),
        HirKind::Repetition(_) | HirKind::Empty | HirKind::Look(_) => {}
        HirKind::Concat(subs) => {
            // Runs of literals and small classes make longer literals (`(?i)in witness`
            // is a run of classes); other parts are searched for factors of their own.
            let mut run: Vec<Hir> = Vec::new();
            for s in subs {
                if literalish(s) {
                    run.push(s.clone());
                    continue;
                }
                if !run.is_empty() {
                    push_factor(&Hir::concat(std::mem::take(&mut run)), out);
                }
                factors(s, out);
            }
            if !run.is_empty() {
                push_factor(&Hir::concat(run), out);
            }
        }
        HirKind::Literal(_) | HirKind::Class(_) | HirKind::Alternation(_) => push_factor(hir, out),
    }
}

/// The prefixes of `hir`'s matches as one factor, when they are finitely many and none is
/// empty (every match of `hir` starts with one of them).
fn push_factor(hir: &Hir, out: &mut Vec<Vec<Vec<u8>>>) {
    let seq = Extractor::new().extract(hir);
    let Some(lits) = seq.literals() else { return };
    if lits.is_empty() || lits.iter().any(|l| l.as_bytes().is_empty()) {
        return;
    }
    out.push(lits.iter().map(|l| l.as_bytes().to_vec()).collect());
}

#[cfg(test)]
mod tests {
    use super::*;

    fn strs(p: &str) -> Vec<Vec<String>> {
        required_factors(p)
            .into_iter()
            .map(|f| {
                let mut v: Vec<String> = f
                    .into_iter()
                    .map(|l| String::from_utf8_lossy(&l).into_owned())
                    .collect();
                v.sort();
                v
            })
            .collect()
    }

    #[test]
    fn literals_alternations_and_classes_are_factors() {
        assert_eq!(
            strs("以本(协议|合同)为准"),
            [vec!["以本"], vec!["协议", "合同"], vec!["为准"]]
        );
        assert_eq!(strs("(?:\\\\?_){3,}|＿{2,}").len(), 1);
        assert_eq!(
            strs(r"(?m)^[ \t　]*(?P<at>[\p{Han}A-Za-z/、（）()]{1,12}[:：])[ \t　]*(?:\z|\r?\n)"),
            [vec![":", "："]]
        );
    }

    #[test]
    fn optional_parts_and_open_classes_are_not_factors() {
        assert!(strs("a?").is_empty());
        assert!(strs(r"\p{Han}+").is_empty());
        assert!(strs("x*|y").is_empty());
    }

    #[test]
    fn case_insensitive_words_keep_their_variants() {
        let f = strs(r"(?i)\bin witness whereof\b");
        assert_eq!(f.len(), 1);
        assert!(f[0].iter().any(|l| l.starts_with("IN W")), "{f:?}");
        assert!(f[0].iter().any(|l| l.starts_with("in w")), "{f:?}");
    }

    #[test]
    fn traditional_patterns_are_folded_first() {
        assert_eq!(strs("補充協議"), [vec!["补充协议"]]);
    }
}
