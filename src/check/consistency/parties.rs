//! `check: party-names`: the party named in the party block at the top must be the party
//! that signs. For each role (甲方, 出租方, Party A — the rule's `roles`), the name in the
//! party block (`甲方：X`, or `名称：X` / `姓名：X` under a `甲方（委托方）` line) is compared
//! with the name on the seal line of the signature block (`甲方（盖章）：Y`), and each person
//! field of the rule's `fields` (法定代表人) with its signature line (`法定代表人（签字）：Z`).
//!
//! Names are compared after folding full-width letters, digits and punctuation to
//! half-width, dropping spaces and punctuation and ignoring case. A line that lets someone
//! else sign (`法定代表人或授权代表`, `甲方代表`) is not compared, nor a company against the
//! person who signs for it.

use std::collections::{BTreeSet, HashMap};
use std::sync::{Arc, Mutex, OnceLock};

use regex::Regex;

use super::super::units::applies;
use super::super::{make, speaks_zh, Context};
use super::fill;
use crate::diagnostic::{Diagnostic, Label};
use crate::document::ClauseKind;
use crate::rules::Rule;
use crate::source::Span;

fn alternation(words: &[String]) -> String {
    let mut w: Vec<&String> = words.iter().filter(|w| !w.trim().is_empty()).collect();
    w.sort_by_key(|s| std::cmp::Reverse(s.chars().count()));
    let alts: Vec<String> = w
        .iter()
        .map(|s| {
            let e = regex::escape(s.trim()).replace(' ', r"\s+");
            if s.is_ascii() {
                format!(r"\b{e}\b")
            } else {
                e
            }
        })
        .collect();
    if alts.is_empty() {
        "[^\\s\\S]".into()
    } else {
        format!("(?:{})", alts.join("|"))
    }
}

/// A compiled vocabulary regex (`(?i)` and the alternation of `words`), built once per
/// process: compiling an alternation of fifty roles for every document dominated the run
/// time on a directory of small drafts. The cache is keyed by the words themselves, so that
/// building the pattern text is not paid per document either, and it hands out an `Arc`:
/// a cloned `Regex` starts with an empty cache and rebuilds its lazy DFA on every draft.
fn vocabulary(words: &[String]) -> Arc<Regex> {
    static CACHE: OnceLock<Mutex<HashMap<Vec<String>, Arc<Regex>>>> = OnceLock::new();
    let mut map = CACHE
        .get_or_init(Default::default)
        .lock()
        .unwrap_or_else(|e| e.into_inner());
    if let Some(re) = map.get(words) {
        return re.clone();
    }
    let re =
        Arc::new(Regex::new(&format!("(?i){}", alternation(words))).expect("escaped vocabulary"));
    map.insert(words.to_vec(), re.clone());
    re
}

/// A `label：value` line.
fn label_line_re() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| {
        Regex::new(r"^[ \t　*_#>-]*(?P<label>[^:：\n]{1,40}?)[ \t　*_]*[:：][ \t　*_]*(?P<value>.*?)[ \t　*_]*$")
            .unwrap()
    })
}

/// Labels that hold a name in the party block.
fn name_label_re() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| {
        Regex::new(r"(?i)^(?:姓名/名称|名称/姓名|姓名或名称|名称|姓名|公司名称|单位名称|企业名称|name|company name|legal name)$")
            .unwrap()
    })
}

/// Labels that let someone other than the party or the named person sign.
fn proxy_re() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| {
        Regex::new(r"(?i)或|/|代表|代理|授权|委托|经办|联系|\bor\b|authori[sz]ed|agent|representative of|attorney")
            .unwrap()
    })
}

fn org_re() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| {
        Regex::new(r"(?i)(?:公司|集团|中心|厂|所|院|局|委员会|银行|店|社|合伙企业|协会|学校|大学|医院|\b(?:inc|llc|l\.l\.c|ltd|limited|co|corp|corporation|company|llp|lp|plc|gmbh|ag|bank|group|university)\b\.?)[)）]?$")
            .unwrap()
    })
}

/// Fold width, drop spaces and punctuation, ignore case.
pub(crate) fn normalise(s: &str) -> String {
    s.chars()
        .map(|c| match c {
            '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
            '\u{3000}' => ' ',
            other => other,
        })
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .collect()
}

/// Strip a trailing bracketed field word (`（盖章）`) and signature marks (`/s/`).
fn clean(value: &str) -> &str {
    let mut v = value.trim();
    v = v.trim_start_matches("/s/").trim();
    loop {
        let t = v.trim_end();
        let stripped = [
            "（盖章）",
            "(盖章)",
            "（签字）",
            "(签字)",
            "（签章）",
            "(签章)",
            "（公章）",
            "(公章)",
        ]
        .iter()
        .find_map(|s| t.strip_suffix(s));
        match stripped {
            Some(s) => v = s,
            None => return t,
        }
    }
}

fn alias_re() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| {
        Regex::new(r#"(?i)[ \t　]*[(（][^()（）]*(?:简称|以下|下称|称为|hereinafter|referred|“|”|")[^()（）]*[)）][ \t　]*$"#)
            .unwrap()
    })
}

/// A trailing note in brackets about who signs (`（由业主委员会代表签署）`, `(signed by its
/// agent)`), not part of the name. A bracket that is part of a legal name
/// (`（特殊普通合伙）`) says nothing of signing.
fn note_re() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| {
        Regex::new(r"(?i)[ \t　]*[(（][^()（）]*(?:代表|[签簽][署字章]|[盖蓋]章|[授][权權]|[委][托託]|代理|[经經][办辦]|signed|acting|by its|through its|on behalf)[^()（）]*[)）][ \t　]*$")
            .unwrap()
    })
}

fn cut_re() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    // Where a name ends and its description begins: 杭州明远有限公司，统一社会信用代码…;
    // "Acme Inc., a Delaware corporation"; a second column after a wide gap.
    RE.get_or_init(|| {
        Regex::new(r"(?i)[，；。;]|,[ \t]+(?:a|an|the)[ \t]|[ \t]{2,}|\t|　").unwrap()
    })
}

/// The name itself, without field words, descriptions or an alias in brackets.
fn name_part(value: &str) -> &str {
    let mut v = clean(value);
    if let Some(m) = cut_re().find(v) {
        v = v[..m.start()].trim_end();
    }
    while let Some(m) = alias_re().find(v).or_else(|| note_re().find(v)) {
        v = v[..m.start()].trim_end();
    }
    clean(v.trim_matches(|c: char| c == '"' || c == '“' || c == '”' || c == '*'))
}

fn looks_filled(v: &str) -> bool {
    let t = v.trim();
    // A masked name (某某公司, ×××有限公司, XX公司) is a blank, not a name.
    let masked = t.contains("某某") || t.contains("××") || t.contains("ＸＸ") || t.contains("XX");
    !(masked
        || t.is_empty()
        || t.contains("__")
        || t.contains('＿')
        || t.starts_with('[')
        || t.starts_with('【')
        || t.starts_with("{{")
        || t.chars().all(|c| "_＿-—. 　()（）".contains(c)))
}

/// A name in a plausible shape: short, no sentence punctuation.
fn plausible_name(v: &str) -> bool {
    let n = v.chars().count();
    (2..=80).contains(&n) && !v.contains(['，', '。', '；', ';', '！', '？'])
}

/// One named thing on one side: (role keys, what, value span, cleaned value).
#[derive(Debug, Clone)]
struct Entry {
    keys: BTreeSet<String>,
    /// `None` for the party's own name, else the person field (法定代表人).
    field: Option<String>,
    span: Span,
    text: String,
    role: String,
}

pub(crate) fn run(ctx: &Context, rule: &Rule, out: &mut Vec<Diagnostic>) {
    let Some(sig) = ctx.sig_start else { return };
    let doc = ctx.doc;
    let role_re = vocabulary(&rule.roles);
    let field_re = vocabulary(&rule.fields);
    let keys_of = |s: &str| -> BTreeSet<String> {
        role_re
            .find_iter(s)
            .map(|m| {
                m.as_str()
                    .split_whitespace()
                    .collect::<Vec<_>>()
                    .join(" ")
                    .to_lowercase()
            })
            .collect()
    };

    let mut top: Vec<Entry> = Vec::new();
    let mut bottom: Vec<Entry> = Vec::new();
    // The party block: before the first heading that follows contract text (the title
    // heading comes first), within the first 60 clauses. When the text before that heading
    // names no party by a label line (a preamble such as "本协议由以下双方签订", then a
    // "协议各方" heading), the block runs on to the next heading.
    let cap = sig.min(60);
    let party_label = |c: &crate::document::Clause| {
        let first = doc.scan_of(&c.span).lines().next().unwrap_or("");
        label_line_re()
            .captures(first)
            .and_then(|m| m.name("label"))
            .is_some_and(|l| !keys_of(l.as_str()).is_empty())
    };
    // One pass: the first heading after any text, and the first after a party label line.
    let (mut after_text, mut after_party) = (None, None);
    let (mut seen_text, mut seen_party) = (false, false);
    for (i, c) in doc.clauses.iter().enumerate().take(cap) {
        if matches!(c.kind, ClauseKind::Heading(_)) {
            if seen_text && after_text.is_none() {
                after_text = Some(i);
            }
            if seen_party {
                after_party = Some(i);
                break;
            }
        } else {
            seen_text = true;
            seen_party |= party_label(c);
        }
    }
    // No party label line anywhere: the first stretch of text, as before.
    let limit = if seen_party { after_party } else { after_text }.unwrap_or(cap);
    for (side, range) in [(0, 0..limit), (1, sig..doc.clauses.len())] {
        let mut current: Option<(BTreeSet<String>, String)> = None;
        for i in range {
            let c = &doc.clauses[i];
            if !applies(ctx, rule, i, c) || c.kind == ClauseKind::Cell {
                continue;
            }
            if matches!(c.kind, ClauseKind::Heading(_)) && side == 0 {
                current = None;
            }
            for line in doc.clause_lines(c) {
                let text = &doc.scan[line.clone()];
                if text.trim().chars().count() > 120 {
                    current = None;
                    continue;
                }
                let caps = label_line_re().captures(text);
                let (label, value) = match &caps {
                    Some(c) => (c.name("label").unwrap(), c.name("value")),
                    None => {
                        // A bare role line heading the party's fields: **甲方（委托方）**
                        let t = text
                            .trim()
                            .trim_matches(|c: char| c == '*' || c == '_' || c == '#');
                        let keys = keys_of(t);
                        if !keys.is_empty() && t.chars().count() <= 24 {
                            let role = role_re.find(t).map_or(t, |m| m.as_str()).to_string();
                            current = Some((keys, role));
                        }
                        continue;
                    }
                };
                let label_text = label.as_str().trim();
                let value_m = value.filter(|v| !v.as_str().trim().is_empty());
                let keys = keys_of(label_text);
                let mut push = |keys: BTreeSet<String>, field: Option<String>, role: String| {
                    let Some(v) = value_m else { return };
                    let cleaned = name_part(v.as_str());
                    if !looks_filled(cleaned)
                        || !plausible_name(cleaned)
                        || cleaned.contains([':', '：'])
                    {
                        return;
                    }
                    // The name is a part of the value (after /s/ and spaces).
                    let Some(offset) = v.as_str().find(cleaned) else {
                        return;
                    };
                    let start = line.start + v.start() + offset;
                    let span = start..start + cleaned.len();
                    let list = if side == 0 { &mut top } else { &mut bottom };
                    list.push(Entry {
                        keys,
                        field,
                        span,
                        text: doc.text()[start..start + cleaned.len()].to_string(),
                        role,
                    });
                };
                if !keys.is_empty() {
                    let role = role_re
                        .find(label_text)
                        .map_or("", |m| m.as_str())
                        .to_string();
                    current = Some((keys.clone(), role.clone()));
                    // 甲方（盖章）：X, 甲方：X, Party A (Seal): X — but not 甲方代表：X.
                    if !proxy_re().is_match(label_text) && !field_re.is_match(label_text) {
                        push(keys, None, role);
                    }
                    continue;
                }
                let Some((ckeys, crole)) = current.clone() else {
                    continue;
                };
                if side == 0 && name_label_re().is_match(label_text) {
                    push(ckeys, None, crole);
                } else if let Some(f) = field_re.find(label_text) {
                    // 法定代表人（签字） is the person; 法定代表人或授权代表 may be anyone.
                    if !proxy_re().is_match(&field_re.replace_all(label_text, "")) {
                        push(ckeys, Some(f.as_str().to_string()), crole);
                    }
                }
            }
        }
    }

    let zh = speaks_zh(rule);
    let mut reported: Vec<Span> = Vec::new();
    for b in &bottom {
        // The first matching entry of the party block: the party block comes first.
        let Some(t) = top
            .iter()
            .find(|t| t.field == b.field && !t.keys.is_disjoint(&b.keys))
        else {
            continue;
        };
        let (nt, nb) = (normalise(&t.text), normalise(&b.text));
        if nt.is_empty() || nb.is_empty() || nt == nb || reported.contains(&b.span) {
            continue;
        }
        // A company and the person who signs for it are not a mismatch.
        if b.field.is_none() && org_re().is_match(&t.text) != org_re().is_match(&b.text) {
            continue;
        }
        reported.push(b.span.clone());
        let field = match (&b.field, zh) {
            (Some(f), _) => f.clone(),
            (None, true) => "名称".to_string(),
            (None, false) => "name".to_string(),
        };
        let role = if b.role.is_empty() {
            t.role.clone()
        } else {
            b.role.clone()
        };
        let msg = fill(&rule.message, &[("party", &role), ("field", &field)]);
        let mut d = make(rule, b.span.clone(), msg);
        d.labels.push(Label {
            file: None,
            span: t.span.clone(),
            message: if zh {
                format!("首部写作「{}」", t.text)
            } else {
                format!("party block: {}", t.text)
            },
        });
        out.push(d);
    }
}

#[cfg(test)]
mod tests {
    use super::normalise;

    #[test]
    fn names_lose_descriptions_and_aliases() {
        use super::name_part;
        assert_eq!(
            name_part("杭州明远电子商务有限公司（以下简称“甲方”）"),
            "杭州明远电子商务有限公司"
        );
        assert_eq!(
            name_part("杭州明远电子商务有限公司，统一社会信用代码：91330"),
            "杭州明远电子商务有限公司"
        );
        assert_eq!(name_part("Acme Inc., a Delaware corporation"), "Acme Inc.");
        assert_eq!(
            name_part("杭州明远（集团）有限公司（盖章）"),
            "杭州明远（集团）有限公司"
        );
        assert_eq!(name_part("A公司    乙方（盖章）：B公司"), "A公司");
        assert_eq!(
            name_part("臺北市信義區松仁華廈業主大會（由業主委員會代表簽署）"),
            "臺北市信義區松仁華廈業主大會"
        );
        assert_eq!(
            name_part("北京明德律师事务所（特殊普通合伙）"),
            "北京明德律师事务所（特殊普通合伙）"
        );
        assert_eq!(name_part("Acme LLC (acting by its manager)"), "Acme LLC");
    }

    #[test]
    fn normalising_folds_width_space_punctuation_and_case() {
        assert_eq!(
            normalise("ＡＣＭＥ　Trading Co., Ltd."),
            normalise("acme trading co ltd")
        );
        assert_eq!(
            normalise("杭州明远（电子）商务有限公司"),
            normalise("杭州明远(电子)商务 有限公司")
        );
        assert_ne!(
            normalise("杭州明远电子商务有限公司"),
            normalise("杭州明远科技有限公司")
        );
    }
}
