//! Exceptions: clauses that may be edited freely (`template-free`) and other wordings
//! allowed for a clause (`template-alternatives`), named by heading or number.
//!
//! A selector names a section of the template by its heading (`七、其他条款`, `其他条款`),
//! by its number (`七`, `7`, `第七条`, `3.2`) or by a heading prefix followed by a numeral or
//! punctuation (`附件` names `附件一` and `附件：报价单`); a section includes its heading
//! and everything under it. `SECTION.N` or `SECTION/N` names the clause numbered N in that
//! section (`七.2`, `7/2`, `其他条款.2`).

use std::collections::BTreeMap;

use super::normalize::{norm_char, number_label, Norm};
use super::units::Unit;
use super::Template;
use crate::document::{fold, Document};
use crate::rules::RuleSet;
use crate::source::Source;

/// What the exceptions allow, per template unit.
#[derive(Debug, Default)]
pub struct Selection {
    pub free: Vec<bool>,
    pub alternatives: BTreeMap<usize, Vec<Norm>>,
}

fn normal(s: &str) -> String {
    s.chars()
        .filter_map(|c| norm_char(fold::fold_char(c)))
        .filter(|c| !matches!(c, '*' | '`' | '#'))
        .collect()
}

fn is_numeral(c: char) -> bool {
    c.is_ascii_digit() || "零〇一二两三四五六七八九十百千壹贰叁肆伍陆柒捌玖拾佰仟".contains(c)
}

fn is_han(c: char) -> bool {
    ('\u{4E00}'..='\u{9FFF}').contains(&c) || ('\u{3400}'..='\u{4DBF}').contains(&c)
}

/// Heading units named by a selector (no item part).
fn headings(units: &[Unit], titles: &[String], sel: &str) -> Vec<usize> {
    let s = normal(sel);
    if s.is_empty() {
        return Vec::new();
    }
    let as_number = number_label(&s);
    let mut out = Vec::new();
    for (i, u) in units.iter().enumerate() {
        if !u.is_heading() {
            continue;
        }
        let h0: String = u.norm.chars.iter().collect();
        let full = normal(&titles[i]);
        let by_text = s == h0 || s == full;
        let by_number = u.number.as_deref() == Some(as_number.as_str())
            && s.chars()
                .all(|c| is_numeral(c) || matches!(c, '.' | '第' | '条' | '章' | '节' | '、'));
        let by_prefix = [&h0, &full].iter().any(|h| {
            h.strip_prefix(&s).is_some_and(|rest| {
                rest.chars()
                    .next()
                    .is_some_and(|c| is_numeral(c) || !is_han(c) && !c.is_ascii_alphanumeric())
            })
        });
        if by_text || by_number || by_prefix {
            out.push(i);
        }
    }
    out
}

/// Units under heading `h` (transitively), and `h` itself.
fn section(units: &[Unit], h: usize) -> Vec<usize> {
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
        if inside {
            out.push(i);
        }
    }
    out
}

/// The template units a selector names, or an error when it names none.
pub fn units_named(units: &[Unit], titles: &[String], sel: &str) -> Vec<usize> {
    let hs = headings(units, titles, sel);
    if !hs.is_empty() {
        let mut out: Vec<usize> = hs.into_iter().flat_map(|h| section(units, h)).collect();
        out.sort_unstable();
        out.dedup();
        return out;
    }
    // SECTION.N or SECTION/N: the clause numbered N in that section.
    let trimmed = sel.trim();
    if let Some(cut) = trimmed.rfind(['.', '/', '．', '／']) {
        let (sec, item) = (&trimmed[..cut], &trimmed[cut..]);
        let item = number_label(&normal(item.trim_start_matches(['.', '/', '．', '／'])));
        let hs = headings(units, titles, sec);
        let mut out: Vec<usize> = units
            .iter()
            .enumerate()
            .filter(|(_, u)| u.number.as_deref() == Some(item.as_str()))
            .filter(|(_, u)| u.heading.is_some_and(|h| hs.contains(&h)))
            .map(|(i, _)| i)
            .collect();
        out.sort_unstable();
        return out;
    }
    Vec::new()
}

/// The normalised text of an allowed wording, with its blanks as slots.
fn alternative_norm(text: &str, rules: &RuleSet) -> Norm {
    let src = Source::new("<alternative>", text.to_string());
    let Ok(doc) = Document::parse(&src) else {
        return Norm::default();
    };
    let slots = super::slots::find(&doc, rules);
    let mut norm = Norm::default();
    for u in super::units::build(&doc, &slots) {
        norm.chars.extend(u.norm.chars);
        norm.spans.extend(u.norm.spans);
    }
    norm
}

/// Apply `free` and `alternatives` selectors to a template. `origin` says where they come
/// from, for the error when one names nothing.
pub fn select(
    tpl: &Template,
    rules: &RuleSet,
    free: &[(String, String)],
    alternatives: &[(String, String, Vec<String>)],
) -> Result<Selection, String> {
    let mut out = Selection {
        free: vec![false; tpl.units.len()],
        alternatives: BTreeMap::new(),
    };
    for (origin, sel) in free {
        let named = units_named(&tpl.units, &tpl.titles, sel);
        if named.is_empty() {
            return Err(unknown(origin, "template-free", sel, tpl));
        }
        for i in named {
            out.free[i] = true;
        }
    }
    for (origin, sel, texts) in alternatives {
        let named = units_named(&tpl.units, &tpl.titles, sel);
        if named.is_empty() {
            return Err(unknown(origin, "template-alternatives", sel, tpl));
        }
        let norms: Vec<Norm> = texts.iter().map(|t| alternative_norm(t, rules)).collect();
        for i in named {
            out.alternatives
                .entry(i)
                .or_default()
                .extend(norms.iter().cloned());
        }
    }
    Ok(out)
}

fn unknown(origin: &str, key: &str, sel: &str, tpl: &Template) -> String {
    format!(
        "{origin}: {key} `{sel}` names no heading or numbered clause of template {}",
        tpl.source.path.display()
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;

    fn template(text: &str) -> Template {
        Template::prepare(Arc::new(Source::new("t.md", text)), &RuleSet::embedded()).unwrap()
    }

    fn named(t: &Template, sel: &str) -> Vec<String> {
        units_named(&t.units, &t.titles, sel)
            .into_iter()
            .map(|i| t.titles[i].clone())
            .collect()
    }

    #[test]
    fn selectors_name_sections_and_numbered_clauses() {
        let t = template(
            "# 合同\n\n## 六、争议解决\n\n1. 协商解决。\n\n## 七、其他条款\n\n1. 本协议一式两份。\n2. 本协议自签字之日起生效。\n\n## 附件一：报价单\n\n报价见下表。\n\n## 附件清单\n\n无。\n",
        );
        let seven = vec![
            "七、其他条款",
            "本协议一式两份。",
            "本协议自签字之日起生效。",
        ];
        for sel in [
            "七、其他条款",
            "其他条款",
            "七",
            "7",
            "第七条",
            " 七、其他条款 ",
        ] {
            assert_eq!(named(&t, sel), seven, "{sel}");
        }
        for sel in ["七.2", "7/2", "其他条款.2", "七、其他条款．2"] {
            assert_eq!(named(&t, sel), vec!["本协议自签字之日起生效。"], "{sel}");
        }
        assert_eq!(named(&t, "附件"), vec!["附件一：报价单", "报价见下表。"]);
        assert!(named(&t, "八、附则").is_empty());
        assert!(named(&t, "七.9").is_empty());
    }

    #[test]
    fn a_selector_naming_nothing_is_an_error() {
        let t = template("# 合同\n\n## 七、其他条款\n\n1. 本协议一式两份。\n");
        let e = select(
            &t,
            &RuleSet::embedded(),
            &[("d.md".into(), "八".into())],
            &[],
        )
        .unwrap_err();
        assert!(e.contains("template-free `八` names no heading"), "{e}");
    }
}
