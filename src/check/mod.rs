//! `check(document, rules) -> diagnostics`: a pure function, one module per rule kind.

mod consistency;
mod forbid;
pub(crate) mod prefilter;
mod range;
mod require;
mod signature;
mod units;

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex, OnceLock};

use crate::diagnostic::Diagnostic;
use crate::document::Document;
use crate::rules::{Kind, Rule, RuleSet};
use crate::source::Span;
use crate::values::{self, Entity, Num, Values};

pub use signature::{signature_block_start, Vocab as SignatureVocab};

/// Check one document against a rule set. No I/O; the result is sorted by position.
pub fn check(doc: &Document, rules: &RuleSet) -> Vec<Diagnostic> {
    check_filtered(doc, rules, &|_| true, &mut |_| true)
}

/// [`check`] with only the rules `enabled` accepts run, and the raw findings `keep` rejects
/// (suppressed ones) dropped, both *before* overlapping findings are resolved: a rule that
/// is off or suppressed takes no part, so it cannot hide another rule's finding. The whole
/// rule set still defines the document's structure (signature block markers) and the
/// category priority, so turning a rule off does not move the signature block.
pub fn check_filtered(
    doc: &Document,
    rules: &RuleSet,
    enabled: &dyn Fn(&Rule) -> bool,
    keep: &mut dyn FnMut(&Diagnostic) -> bool,
) -> Vec<Diagnostic> {
    check_with_context(&Context::new(doc, rules), enabled, keep)
}

/// [`check`] with the per-clause work in parallel blocks of `block` clauses (the default
/// is [`BLOCK`]): for tests that the blocks change no finding.
#[doc(hidden)]
pub fn check_in_blocks(doc: &Document, rules: &RuleSet, block: usize) -> Vec<Diagnostic> {
    check_with_context(
        &Context::in_blocks(doc, rules, block),
        &|_| true,
        &mut |_| true,
    )
}

/// [`check`] with every regex run everywhere, the literal prefilter off: for tests that the
/// prefilter only ever skips work and never changes a finding.
#[doc(hidden)]
pub fn check_without_prefilter(doc: &Document, rules: &RuleSet) -> Vec<Diagnostic> {
    let mut ctx = Context::new(doc, rules);
    ctx.presence = prefilter::Presence::default();
    ctx.sig_start = signature::block_start(&ctx);
    check_with_context(&ctx, &|_| true, &mut |_| true)
}

fn check_with_context(
    ctx: &Context,
    enabled: &dyn Fn(&Rule) -> bool,
    keep: &mut dyn FnMut(&Diagnostic) -> bool,
) -> Vec<Diagnostic> {
    let rules = ctx.rules;
    let mut found: Vec<(usize, Diagnostic)> = Vec::new();
    for (order, rule) in rules.rules.iter().enumerate() {
        if !enabled(rule) {
            continue;
        }
        let mut out = Vec::new();
        match rule.kind {
            Kind::Forbid => forbid::run(ctx, rule, &mut out),
            Kind::Require => require::run(ctx, rule, &mut out),
            Kind::Signature => signature::run(ctx, rule, &mut out),
            Kind::Range => range::run(ctx, rule, &mut out),
            Kind::Consistency => consistency::run(ctx, rule, &mut out),
            // Template rules report a comparison with a template (src/template/).
            Kind::Template => {}
        }
        for d in &mut out {
            d.snap_to(ctx.doc.text());
        }
        out.retain(|d| keep(d));
        found.extend(out.into_iter().map(|d| (order, d)));
    }
    resolve_overlaps(found, rules)
}

/// What every rule kind needs to know about a document beyond its clauses.
pub(crate) struct Context<'d, 's> {
    pub doc: &'d Document<'s>,
    /// Index of the first clause of the signature block, if the document has one.
    pub sig_start: Option<usize>,
    /// Date entities of every clause, computed on first use.
    dates: OnceLock<Vec<DateAt>>,
    rules: &'d RuleSet,
    index: Arc<prefilter::Index>,
    /// Which literal factors occur in which clause.
    presence: prefilter::Presence,
    /// Clauses per block of parallel work.
    block: usize,
    /// Values of recently asked clauses, by clause index modulo its length (see
    /// `clause_values`).
    value_cache: Box<[ValueSlot]>,
}

/// A date entity (what [`values::extract`] reports as `Value::Date`), without the room
/// the other kinds of value take.
#[derive(Debug, Clone)]
pub(crate) struct DateAt {
    pub span: Span,
    pub date: values::Date,
}

type ValueSlot = Mutex<Option<(usize, Arc<Values>)>>;

/// At most this many clauses' values are kept: every clause of a short draft, and in a long
/// one those asked about last (a block of parallel work asks about nearby clauses).
const VALUE_CACHE: usize = 1024;

/// Clauses per block of work when a large document is checked in parallel.
pub const BLOCK: usize = 4096;

impl<'d, 's> Context<'d, 's> {
    fn new(doc: &'d Document<'s>, rules: &'d RuleSet) -> Context<'d, 's> {
        Context::in_blocks(doc, rules, BLOCK)
    }

    /// A context whose per-clause work (the prefilter, values, clause and sentence units)
    /// runs in parallel blocks of `block` clauses when the document has more.
    fn in_blocks(doc: &'d Document<'s>, rules: &'d RuleSet, block: usize) -> Context<'d, 's> {
        let block = block.max(1);
        let index = prefilter::Index::of(rules);
        let presence = index.presence(doc, block);
        let mut ctx = Context {
            doc,
            sig_start: None,
            dates: OnceLock::new(),
            rules,
            index,
            presence,
            block,
            value_cache: (0..doc.clauses.len().clamp(1, VALUE_CACHE))
                .map(|_| Mutex::default())
                .collect(),
        };
        ctx.sig_start = signature::block_start(&ctx);
        ctx
    }

    /// The prefilter needs of a rule's patterns (`None`: not indexed, run them everywhere).
    pub(crate) fn needs(&self, rule: &Rule) -> Option<&prefilter::RuleNeeds> {
        self.index.needs(self.rules, rule)
    }

    /// Can a pattern with this need match inside (a span of) this clause?
    pub(crate) fn may(&self, clause: usize, need: Option<&prefilter::Need>) -> bool {
        need.is_none_or(|n| self.presence.may(clause, n))
    }

    /// The date entities of every clause, sorted by position, found on first use (the date
    /// rules look at every clause). They are the dates [`values::extract`] reports: dates are
    /// recognised first and never give way to another kind of value.
    fn dates(&self) -> &[DateAt] {
        self.dates.get_or_init(|| {
            let doc = self.doc;
            let dates_of = |cs: &[crate::document::Clause]| -> Vec<DateAt> {
                let mut out = Vec::new();
                for c in cs {
                    let base = c.span.start;
                    let mut found: Vec<DateAt> =
                        values::date::find_dates(&doc.scan[c.span.clone()])
                            .into_iter()
                            .map(|d| DateAt {
                                span: d.span.start + base..d.span.end + base,
                                date: d.date,
                            })
                            .collect();
                    found.sort_by_key(|e| (e.span.start, e.span.end));
                    out.extend(found);
                }
                out.shrink_to_fit();
                out
            };
            let mut dates: Vec<DateAt> = if doc.clauses.len() > self.block {
                use rayon::prelude::*;
                doc.clauses
                    .par_chunks(self.block)
                    .map(dates_of)
                    .collect::<Vec<_>>()
                    .concat()
            } else {
                dates_of(&doc.clauses)
            };
            dates.sort_by_key(|e| e.span.start);
            dates
        })
    }

    /// The date entities lying wholly inside `span`.
    pub fn dates_in(&self, span: &Span) -> &[DateAt] {
        let all = self.dates();
        let lo = all.partition_point(|e| e.span.start < span.start);
        let hi = lo + all[lo..].partition_point(|e| e.span.end <= span.end);
        &all[lo..hi]
    }

    /// The entities (dates, amounts, percentages, durations) lying wholly inside `span`,
    /// sorted by position. Values are recognised clause by clause, only in the clauses asked
    /// about: a long draft has a million clauses, most of which no rule asks about, and
    /// keeping the values of all of them would take half the draft's size again.
    pub fn entities_in(&self, span: &Span) -> Vec<Entity> {
        self.values_inside(span, |v| &v.entities, |e| &e.span)
    }

    /// The numbers lying wholly inside `span`, as the recognisers find them clause by clause,
    /// in text order.
    pub fn numbers_in(&self, span: &Span) -> Vec<Num> {
        self.values_inside(span, |v| &v.numbers, |n| &n.span)
    }

    /// The values of one kind (`pick`) lying wholly inside `span`, from every clause that
    /// overlaps it, sorted by position.
    fn values_inside<T: Clone>(
        &self,
        span: &Span,
        pick: impl Fn(&Values) -> &[T],
        at: impl Fn(&T) -> &Span,
    ) -> Vec<T> {
        let doc = self.doc;
        let mut out: Vec<T> = Vec::new();
        for i in doc.clauses_touching(span.start, span.end) {
            let c = &doc.clauses[i].span;
            if !(c.start < span.end && span.start < c.end) {
                continue;
            }
            let values = self.clause_values(i);
            out.extend(
                pick(&values)
                    .iter()
                    .filter(|x| span.start <= at(x).start && at(x).end <= span.end)
                    .cloned(),
            );
        }
        out.sort_by_key(|x| at(x).start);
        out
    }

    /// The values of one clause (what `values::extract_in` finds there), kept in a small
    /// cache: a check asks about the same clause several times in a row, and rules are
    /// checked one after another, so the values of a short draft are recognised once.
    fn clause_values(&self, i: usize) -> Arc<Values> {
        let slot = &self.value_cache[i % self.value_cache.len()];
        if let Some((j, v)) = &*slot.lock().unwrap_or_else(|e| e.into_inner()) {
            if *j == i {
                return v.clone();
            }
        }
        // The dates are those of the date rules' list, found once for every clause.
        let span = self.doc.clauses[i].span.clone();
        let base = span.start;
        let dates = self
            .dates_in(&span)
            .iter()
            .map(|d| values::date::FoundDate {
                span: d.span.start - base..d.span.end - base,
                date: d.date,
            })
            .collect();
        let mut v = values::extract_with_dates(&self.doc.scan[span], dates);
        for n in &mut v.numbers {
            n.span = n.span.start + base..n.span.end + base;
        }
        for e in &mut v.entities {
            e.span = e.span.start + base..e.span.end + base;
        }
        let v = Arc::new(v);
        *slot.lock().unwrap_or_else(|e| e.into_inner()) = Some((i, v.clone()));
        v
    }
}

/// Does this rule speak Chinese (for the wording of labels generated in code)?
pub(crate) fn speaks_zh(rule: &Rule) -> bool {
    rule.lang.contains(crate::document::Lang::Zh) && !rule.lang.contains(crate::document::Lang::En)
}

pub(crate) fn make(rule: &Rule, span: Span, message: String) -> Diagnostic {
    Diagnostic {
        rule: rule.id.clone(),
        severity: rule.severity,
        message,
        help: rule.help.clone(),
        span,
        labels: Vec::new(),
        notes: Vec::new(),
    }
}

fn overlaps(a: &Span, b: &Span) -> bool {
    // An empty span (an empty table cell) still occupies its position.
    let a = a.start..a.end.max(a.start + 1);
    let b = b.start..b.end.max(b.start + 1);
    a.start < b.end && b.start < a.end
}

/// One defect, one finding: among overlapping findings of ranked categories (and of the
/// same category) only the best survives: higher category priority, then the longer span
/// (a date skeleton over its three underscore runs), then the rule loaded first.
fn resolve_overlaps(found: Vec<(usize, Diagnostic)>, rules: &RuleSet) -> Vec<Diagnostic> {
    let mut cands: Vec<(Option<usize>, usize, Diagnostic)> = found
        .into_iter()
        .map(|(order, d)| (rules.rank(d.category()), order, d))
        .collect();
    cands.sort_by(|a, b| {
        let ra = a.0.unwrap_or(usize::MAX);
        let rb = b.0.unwrap_or(usize::MAX);
        ra.cmp(&rb)
            .then((b.2.span.len()).cmp(&a.2.span.len()))
            .then(a.1.cmp(&b.1))
            .then(a.2.span.start.cmp(&b.2.span.start))
    });
    // Accepted findings indexed by start offset, for a local overlap search.
    let mut accepted: BTreeMap<usize, Vec<(Option<usize>, Diagnostic)>> = BTreeMap::new();
    let mut max_len = 0usize;
    for (rank, _, d) in cands {
        let lo = d.span.start.saturating_sub(max_len);
        let hi = d.span.end;
        let conflict = accepted.range(lo..=hi).any(|(_, v)| {
            v.iter().any(|(r, a)| {
                overlaps(&a.span, &d.span)
                    && (a.category() == d.category() || (r.is_some() && rank.is_some()))
            })
        });
        if !conflict {
            max_len = max_len.max(d.span.len());
            accepted.entry(d.span.start).or_default().push((rank, d));
        }
    }
    let mut out: Vec<Diagnostic> = accepted.into_values().flatten().map(|(_, d)| d).collect();
    out.sort_by(|a, b| {
        (a.span.start, a.span.end, &a.rule).cmp(&(b.span.start, b.span.end, &b.rule))
    });
    out
}
