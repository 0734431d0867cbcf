//! `forbid`: a pattern must not occur in contract text (blanks, vague terms, reversed clauses).

use super::units::{any_match_in, any_may, find_all_in, for_each_unit, need};
use super::{make, Context};
use crate::diagnostic::Diagnostic;
use crate::rules::Rule;

pub(crate) fn run(ctx: &Context, rule: &Rule, out: &mut Vec<Diagnostic>) {
    let scan = &ctx.doc.scan;
    let needs = ctx.needs(rule);
    let (when, pattern, unless) = (
        needs.map(|n| &n.when[..]),
        needs.map(|n| &n.pattern[..]),
        needs.map(|n| &n.unless[..]),
    );
    // A clause where no pattern (or no `when`) can match yields nothing.
    let relevant = |c: usize| {
        (rule.when.is_empty() || any_may(ctx, c, &rule.when, when))
            && any_may(ctx, c, &rule.pattern, pattern)
    };
    for_each_unit(
        ctx,
        rule,
        &relevant,
        &|unit, out| {
            if !rule.when.is_empty() && !any_match_in(ctx, &rule.when, when, &unit) {
                return;
            }
            if any_match_in(ctx, &rule.unless, unless, &unit) {
                return;
            }
            let mut hits = Vec::new();
            for (k, p) in rule.pattern.iter().enumerate() {
                find_all_in(ctx, p, need(pattern, k), &unit, &mut hits);
            }
            for h in &mut hits {
                *h = crate::source::snap(ctx.doc.text(), h.clone());
            }
            hits.sort_by_key(|h| (h.start, h.end));
            hits.dedup();
            for h in hits {
                // `allow` is tried on the scan text and on the original: Markdown may have read
                // part of the match as syntax (the asterisks of `[***]` as emphasis).
                let text = &scan[h.clone()];
                let original = &ctx.doc.text()[h.clone()];
                if rule
                    .allow
                    .iter()
                    .any(|a| a.regex.is_match(text) || a.regex.is_match(original))
                {
                    continue;
                }
                if label_with_value_beside(ctx.doc, &h) {
                    continue;
                }
                out.push(make(rule, h, rule.message.clone()));
            }
        },
        out,
    );
}

/// Is `h` a label ending in a colon that ends its table cell, with the value in the next
/// cell of the row (`| Principal Amount: | $500,000.00 |`)? Then the cell is a label, not
/// an empty field.
fn label_with_value_beside(doc: &crate::document::Document, h: &std::ops::Range<usize>) -> bool {
    let text = doc.text()[h.clone()].trim_end();
    if !text.ends_with([':', '：']) {
        return false;
    }
    doc.clauses_touching(h.start, h.end).into_iter().any(|i| {
        let c = &doc.clauses[i];
        let Some(pos) = doc.cell(c) else {
            return false;
        };
        let ends_cell = c.span.start <= h.start
            && h.end <= c.span.end
            && doc.scan[h.end..c.span.end].trim().is_empty();
        let next = doc.tables[pos.table()].rows[pos.row()]
            .get(pos.col as usize + 1)
            .map(|&n| doc.scan_of(&doc.clauses[n].span).trim());
        ends_cell && next.is_some_and(|t| !t.is_empty())
    })
}

#[cfg(test)]
mod tests {
    use crate::test_support::{check_with, pack};

    #[test]
    fn pattern_hits_are_reported_at_their_own_position() {
        let rules = pack(
            "  - id: blank/underscore\n    kind: forbid\n    message: m\n    pattern: '_{3,}'\n",
        );
        let d = check_with(&rules, "甲方：____ 乙方：______\n");
        assert_eq!(d.len(), 2);
        assert_eq!(d[0].1, "____");
        assert_eq!(d[1].1, "______");
    }

    #[test]
    fn when_unless_and_allow_filter_hits() {
        let rules = pack(
            "  - id: precedence/reversed\n    kind: forbid\n    in: sentence\n    message: m\n    pattern: '以本(协议|合同)为准'\n    when: '补充协议.{0,30}不一致'\n    unless: '未约定'\n  - id: blank/placeholder\n    kind: forbid\n    message: m\n    pattern: '\\[[^\\]]*\\]'\n    allow: 'Reserved'\n",
        );
        let d = check_with(
            &rules,
            "如补充协议与本协议不一致的，以本协议为准。附件与本合同不一致的，以本合同为准。\n\n[Reserved] [Name]\n",
        );
        let got: Vec<&str> = d.iter().map(|x| x.1.as_str()).collect();
        assert_eq!(got, ["以本协议为准", "[Name]"]);
    }

    #[test]
    fn code_links_and_comments_are_not_contract_text() {
        let rules = pack(
            "  - id: blank/underscore\n    kind: forbid\n    message: m\n    pattern: '_{3,}'\n",
        );
        let d = check_with(
            &rules,
            "`a___b` [x](http://e.com/a___b) <!-- ____ --> https://e.com/x___y MAX___VALUE\n\n___\n\n```\n____\n```\n",
        );
        assert!(d.is_empty(), "{d:?}");
    }
}
