//! `check(document, rules) -> diagnostics`: a pure function, one module per rule kind.

mod forbid;
mod require;
mod signature;
mod units;

use std::collections::BTreeMap;

use crate::diagnostic::Diagnostic;
use crate::document::Document;
use crate::rules::{Kind, Rule, RuleSet};
use crate::source::Span;

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
    let ctx = Context::new(doc, rules);
    let mut found: Vec<(usize, Diagnostic)> = Vec::new();
    for (order, rule) in rules.rules.iter().enumerate() {
        if !enabled(rule) {
            continue;
        }
        let mut out = Vec::new();
        match rule.kind {
            Kind::Forbid => forbid::run(&ctx, rule, &mut out),
            Kind::Require => require::run(&ctx, rule, &mut out),
            Kind::Signature => signature::run(&ctx, rule, &mut out),
        }
        for d in &mut out {
            d.snap_to(doc.text());
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
}

impl<'d, 's> Context<'d, 's> {
    fn new(doc: &'d Document<'s>, rules: &RuleSet) -> Context<'d, 's> {
        let sig_start = signature_block_start(doc, rules);
        Context { doc, sig_start }
    }
}

pub(crate) fn make(rule: &Rule, span: Span, message: String) -> Diagnostic {
    Diagnostic {
        rule: rule.id.clone(),
        severity: rule.severity,
        message,
        help: rule.help.clone(),
        span,
        labels: Vec::new(),
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
