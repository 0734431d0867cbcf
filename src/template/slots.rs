//! The blanks (slots) of a template. A template's blanks are exactly what the loaded rules
//! would report as unfilled in it: the findings of the rule categories named by the template
//! rules' `slots-from` (by default `blank` and `signature`: ____, [具体…], 【 】, {{var}},
//! 年　月　日 skeletons, ×××, empty fields, empty signature fields), plus the drafting notes of
//! their `slots` patterns. A user pack that adds a blank rule adds a slot shape.

use crate::check;
use crate::document::Document;
use crate::rules::{Kind, RuleSet};
use crate::source::Span;

/// Blank-looking characters: a finding without any is a label (an empty field), whose blank
/// is the empty position after it.
fn looks_blank(s: &str) -> bool {
    s.chars().any(|c| {
        matches!(
            c,
            '_' | '＿'
                | '['
                | '【'
                | '{'
                | '〔'
                | '×'
                | 'Ｘ'
                | 'X'
                | '□'
                | '('
                | '（'
                | '　'
                | ' '
                | '<'
        )
    })
}

/// Sorted, disjoint byte ranges of the blanks of `doc`. A zero-width range is a blank at
/// that position (the value of `地址：` is expected right after the colon).
pub fn find(doc: &Document, rules: &RuleSet) -> Vec<Span> {
    let specs: Vec<_> = rules
        .rules
        .iter()
        .filter(|r| r.kind == Kind::Template)
        .filter_map(|r| r.template.as_ref().map(|t| (r, t)))
        .collect();
    let from: Vec<&str> = specs
        .iter()
        .flat_map(|(_, t)| t.slots_from.iter().map(String::as_str))
        .collect();

    let mut slots: Vec<Span> = Vec::new();
    if !from.is_empty() {
        let subset = RuleSet {
            rules: rules
                .rules
                .iter()
                .filter(|r| r.kind != Kind::Template)
                .filter(|r| from.iter().any(|f| *f == r.id || *f == r.category()))
                .cloned()
                .collect(),
            priority: rules.priority.clone(),
            packs: rules.packs.clone(),
            ..RuleSet::default()
        };
        let text = doc.text();
        for d in check::check(doc, &subset) {
            let s = &text[d.span.clone()];
            let trimmed = s.trim_end();
            let label = trimmed.ends_with(':')
                || trimmed.ends_with('：')
                || (d.category() == "signature" && !looks_blank(s));
            if label {
                slots.push(d.span.end..d.span.end);
            } else {
                slots.push(d.span.clone());
            }
        }
    }

    // Drafting notes, on the scan text of each clause of a matching language.
    for (rule, spec) in &specs {
        if spec.slots.is_empty() {
            continue;
        }
        for c in &doc.clauses {
            if !c.lang.intersects(rule.lang) {
                continue;
            }
            let scan = doc.scan_of(&c.span);
            for p in spec.slots.iter() {
                for caps in p.regex.captures_iter(scan) {
                    let m = caps.name("at").or_else(|| caps.get(0)).unwrap();
                    if m.start() < m.end() {
                        slots.push(c.span.start + m.start()..c.span.start + m.end());
                    }
                }
            }
        }
    }

    // Empty table cells of a template are blanks too.
    for c in &doc.clauses {
        if doc.cell(c).is_some() && doc.text()[c.span.clone()].trim().is_empty() {
            slots.push(c.span.clone());
        }
    }
    merge(slots)
}

/// Sort and merge overlapping ranges; a zero-width range inside or at the edge of another
/// one is dropped.
fn merge(mut slots: Vec<Span>) -> Vec<Span> {
    slots.sort_by_key(|s| (s.start, s.end));
    let mut out: Vec<Span> = Vec::with_capacity(slots.len());
    for s in slots {
        if let Some(last) = out.last_mut() {
            let touches = s.start < last.end
                || (s.start == last.end && (s.start == s.end || last.start == last.end));
            if touches {
                last.end = last.end.max(s.end);
                continue;
            }
        }
        out.push(s);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::Source;

    fn slots_of(text: &str) -> Vec<String> {
        let src = Source::new("t.md", text);
        let doc = Document::parse(&src).unwrap();
        find(&doc, &RuleSet::embedded())
            .into_iter()
            .map(|s| {
                if s.is_empty() {
                    format!(
                        "@{}",
                        &text[..s.start]
                            .chars()
                            .rev()
                            .take(3)
                            .collect::<Vec<_>>()
                            .into_iter()
                            .rev()
                            .collect::<String>()
                    )
                } else {
                    text[s].to_string()
                }
            })
            .collect()
    }

    #[test]
    fn every_blank_shape_the_rules_know_is_a_slot() {
        let s = slots_of(
            "# 合同\n\n- 地址:________\n- 电话：\n\n付款期限为[具体支付期限]，方式为【 】，金额 {{amount}} 元。\n\n签订日期：____年__月__日\n\n甲方：×××有限公司\n\n本合同自双方签字之日起生效，一式两份，双方各执一份，具有同等法律效力。\n",
        );
        assert_eq!(
            s,
            vec![
                "________",
                "@电话：",
                "[具体支付期限]",
                "【 】",
                "{{amount}}",
                "____年__月__日",
                "×××",
            ]
        );
    }

    #[test]
    fn drafting_notes_take_the_phrase_they_speak_of() {
        let s =
            slots_of("鉴于双方达成了相关合作协议（如有，需明确协议名称及编号），现经协商一致：\n");
        assert_eq!(
            s,
            vec!["鉴于双方达成了相关合作协议（如有，需明确协议名称及编号）"]
        );
        // Contract text in brackets is not a note.
        assert!(slots_of("乙方有权收取服务费用（如有）。\n").is_empty());
    }

    #[test]
    fn empty_signature_fields_are_slots_after_their_label() {
        let s = slots_of("（以下无正文）\n\n甲方（盖章）：\n\n日期：____年__月__日\n");
        assert_eq!(s, vec!["@章）：", "____年__月__日"]);
    }
}
