//! Running a rule on its own examples, and saying why an example misbehaves.
//!
//! A rule runs alone, so that its examples test the rule and not its neighbours; the
//! signature rules of the context still take part, because they decide where the signature
//! block starts (`scope: body`, `scope: signature-block`). When a bad example is not
//! reported, the rule is run again with its conditions taken away one at a time (the real
//! engine, not a re-implementation), to name the key that silences it.

use crate::diagnostic::Diagnostic;
use crate::document::{Document, LangSet};
use crate::rules::{Kind, Patterns, Rule, RuleSet, Scope, DEFAULT_PRIORITY};
use crate::source::Source;

/// The findings of one rule on one snippet.
pub struct Outcome {
    pub source: Source,
    /// Only the rule's own findings.
    pub findings: Vec<Diagnostic>,
}

/// What makes an example misbehave: the key at fault (and which regex of a list), and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnosis {
    pub key: Option<&'static str>,
    pub index: Option<usize>,
    pub reason: String,
}

impl Diagnosis {
    fn key(key: &'static str, reason: impl Into<String>) -> Diagnosis {
        Diagnosis {
            key: Some(key),
            index: None,
            reason: reason.into(),
        }
    }
}

/// The rule set an example runs with: the rule itself, first in priority, and the
/// signature rules of the context (other ids only, so every finding is the rule's own).
fn solo_set(rule: &Rule, context: &RuleSet) -> RuleSet {
    let mut rules = vec![rule.clone()];
    rules.extend(
        context
            .rules
            .iter()
            .filter(|r| r.kind == Kind::Signature && r.id != rule.id)
            .cloned(),
    );
    let mut priority = vec![rule.category().to_string()];
    let base: Vec<String> = if context.priority.is_empty() {
        DEFAULT_PRIORITY.iter().map(|s| s.to_string()).collect()
    } else {
        context.priority.clone()
    };
    priority.extend(base.into_iter().filter(|c| c != rule.category()));
    RuleSet {
        rules,
        priority,
        ..RuleSet::default()
    }
}

/// Run one rule on a snippet. `name` is the path shown in diagnostics.
pub fn run(rule: &Rule, context: &RuleSet, name: &str, text: &str) -> Result<Outcome, String> {
    let set = solo_set(rule, context);
    let (source, diags) = crate::check_text(name, text, &set)?;
    let findings = diags.into_iter().filter(|d| d.rule == rule.id).collect();
    Ok(Outcome { source, findings })
}

fn fires(rule: &Rule, context: &RuleSet, text: &str) -> bool {
    run(rule, context, "example", text).is_ok_and(|o| !o.findings.is_empty())
}

/// The languages of a snippet's clauses that hold contract text (empty if none does).
pub fn langs_of(text: &str) -> Result<LangSet, String> {
    let source = Source::new("example", text);
    let doc = Document::parse(&source).map_err(|e| e.message)?;
    Ok(doc
        .clauses
        .iter()
        .filter(|c| {
            !doc.scan_of(&c.span)
                .trim_matches(|ch: char| {
                    ch.is_whitespace() || ch == crate::document::OPAQUE as char
                })
                .is_empty()
        })
        .fold(LangSet::EMPTY, |acc, c| acc.union(c.lang)))
}

fn lang_names(l: LangSet) -> String {
    let n = l.names();
    if n.is_empty() {
        "no".to_string()
    } else {
        n.join(" and ")
    }
}

/// Why a bad example produces no finding of its rule.
pub fn why_silent(rule: &Rule, context: &RuleSet, text: &str) -> Diagnosis {
    let langs = match langs_of(text) {
        Ok(l) => l,
        Err(e) => {
            return Diagnosis {
                key: None,
                index: None,
                reason: format!("the example cannot be read as a draft: {e}"),
            }
        }
    };
    if langs.is_empty() {
        return Diagnosis {
            key: None,
            index: None,
            reason: "the example has no contract text (code, links, HTML comments and URLs are not looked at)".into(),
        };
    }
    if !langs.intersects(rule.lang) {
        return Diagnosis::key(
            "lang",
            format!(
                "the example reads as {} text, and the rule is for {} only",
                lang_names(langs),
                lang_names(rule.lang)
            ),
        );
    }
    match rule.kind {
        Kind::Forbid => why_forbid_silent(rule, context, text),
        Kind::Require => why_require_silent(rule, context, text),
        Kind::Signature => Diagnosis {
            key: Some("fields"),
            index: None,
            reason: "no unfilled field was found: does the example have a signature block (after one of `markers`, or a trailing run of label lines) with a label from `fields`?".into(),
        },
        #[allow(unreachable_patterns)] // kinds added later get the general answer
        _ => Diagnosis {
            key: None,
            index: None,
            reason: format!("the `{}` rule finds nothing in the example", rule.kind.as_str()),
        },
    }
}

/// The rule without the conditions that can silence it.
fn bare(rule: &Rule) -> Rule {
    let mut r = rule.clone();
    r.when = Patterns::default();
    r.unless = Patterns::default();
    r.allow = Patterns::default();
    r.scope = Scope::Any;
    r.clause_kinds = None;
    r
}

type Restore = fn(&mut Rule, &Rule);

/// The conditions, each with the key that sets it, how to put it back, and what it means
/// when it silences the example.
fn conditions() -> [(&'static str, Restore, &'static str); 5] {
    [
        (
            "when",
            |r, o| r.when = o.when.clone(),
            "`when` does not match the example, so the rule does not look at it",
        ),
        (
            "unless",
            |r, o| r.unless = o.unless.clone(),
            "`unless` matches the example, so the rule skips it",
        ),
        (
            "allow",
            |r, o| r.allow = o.allow.clone(),
            "`allow` excuses every match of `pattern` in the example",
        ),
        (
            "scope",
            |r, o| r.scope = o.scope.clone(),
            "`scope` leaves the example out",
        ),
        (
            "clause-kinds",
            |r, o| r.clause_kinds = o.clause_kinds.clone(),
            "`clause-kinds` leaves the example's clauses out",
        ),
    ]
}

fn why_forbid_silent(rule: &Rule, context: &RuleSet, text: &str) -> Diagnosis {
    let b = bare(rule);
    if !fires(&b, context, text) {
        return Diagnosis::key("pattern", "`pattern` does not match the example");
    }
    for (key, restore, reason) in conditions() {
        let mut r = b.clone();
        restore(&mut r, rule);
        if !fires(&r, context, text) {
            return Diagnosis::key(key, reason);
        }
    }
    Diagnosis {
        key: None,
        index: None,
        reason:
            "`when`, `unless`, `allow`, `scope` and `clause-kinds` together leave the example out"
                .into(),
    }
}

fn why_require_silent(rule: &Rule, context: &RuleSet, text: &str) -> Diagnosis {
    let mut b = bare(rule);
    b.when = rule.when.clone();
    b.must = Patterns::default();
    if !fires(&b, context, text) {
        return Diagnosis::key(
            "when",
            "`when` does not match the example, so nothing is required of it",
        );
    }
    for (key, restore, reason) in conditions() {
        if key == "when" || key == "allow" {
            continue;
        }
        let mut r = b.clone();
        restore(&mut r, rule);
        if !fires(&r, context, text) {
            return Diagnosis::key(key, reason);
        }
    }
    // The trigger is there and nothing skips it: `must` is satisfied.
    let index = (0..rule.must.0.len()).find(|&i| {
        let mut r = rule.clone();
        r.must = Patterns(vec![rule.must.0[i].clone()]);
        !fires(&r, context, text)
    });
    Diagnosis {
        key: Some("must"),
        index: index.filter(|_| rule.must.0.len() > 1),
        reason: "`must` matches the example, so the requirement is met".into(),
    }
}

/// Why a good example is reported: the key (and regex) that produces the finding.
pub fn why_reported(rule: &Rule, context: &RuleSet, text: &str) -> Diagnosis {
    match rule.kind {
        Kind::Forbid => {
            let index = (0..rule.pattern.0.len()).find(|&i| {
                let mut r = rule.clone();
                r.pattern = Patterns(vec![rule.pattern.0[i].clone()]);
                fires(&r, context, text)
            });
            Diagnosis {
                key: Some("pattern"),
                index: index.filter(|_| rule.pattern.0.len() > 1),
                reason: "`pattern` matches the example".into(),
            }
        }
        Kind::Require => Diagnosis::key(
            "must",
            if rule.when.is_empty() {
                "no regex of `must` matches the example"
            } else {
                "`when` matches the example and no regex of `must` does"
            },
        ),
        Kind::Signature => Diagnosis {
            key: None,
            index: None,
            reason: "the example has a signature field the rule takes for unfilled".into(),
        },
        #[allow(unreachable_patterns)] // kinds added later get the general answer
        _ => Diagnosis {
            key: None,
            index: None,
            reason: format!("the `{}` rule reports the example", rule.kind.as_str()),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_support::pack;

    fn rule(set: &RuleSet) -> &Rule {
        &set.rules[0]
    }

    #[test]
    fn a_rule_runs_alone_and_reports_only_itself() {
        let set = pack("  - id: blank/underscore\n    kind: forbid\n    message: m\n    pattern: '_{3,}'\n  - id: blank/tbd\n    kind: forbid\n    message: m\n    pattern: TBD\n");
        let o = run(rule(&set), &set, "x", "甲方：____ TBD\n").unwrap();
        assert_eq!(o.findings.len(), 1);
        assert_eq!(o.findings[0].rule, "blank/underscore");
    }

    #[test]
    fn silent_bad_examples_name_the_key_at_fault() {
        let set = pack("  - id: precedence/reversed\n    kind: forbid\n    lang: zh\n    message: m\n    pattern: '以本协议为准'\n    when: '补充协议'\n    unless: '未约定'\n");
        let r = rule(&set);
        let d = |t: &str| why_silent(r, &set, t).key;
        assert_eq!(d("以补充协议为准。"), Some("pattern"));
        assert_eq!(d("如附件与本协议不一致的，以本协议为准。"), Some("when"));
        assert_eq!(d("补充协议未约定的，以本协议为准。"), Some("unless"));
        assert_eq!(d("This Agreement shall prevail."), Some("lang"));
        assert_eq!(d("`以本协议为准`"), None);
    }

    #[test]
    fn require_rules_blame_when_unless_or_must() {
        let set = pack("  - id: deadline/missing\n    kind: require\n    in: sentence\n    message: m\n    when: '应在(?P<at>.{0,20}?)支付'\n    must: ['\\d+日', '\\d+天']\n    unless: '合理期限'\n");
        let r = rule(&set);
        assert_eq!(why_silent(r, &set, "甲方应付款。").key, Some("when"));
        assert_eq!(
            why_silent(r, &set, "甲方应在合理期限内支付。").key,
            Some("unless")
        );
        let d = why_silent(r, &set, "甲方应在签订后10天内支付。");
        assert_eq!((d.key, d.index), (Some("must"), Some(1)));
    }

    #[test]
    fn reported_good_examples_name_the_pattern() {
        let set = pack("  - id: blank/mask\n    kind: forbid\n    message: m\n    pattern: ['×{2,}', 'X{3,}']\n");
        let d = why_reported(rule(&set), &set, "甲方：XXX公司\n");
        assert_eq!((d.key, d.index), (Some("pattern"), Some(1)));
    }
}
