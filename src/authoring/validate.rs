//! `clauselint validate`: every problem of a pack, without checking any draft.
//!
//! The loader (`rules::load_pack`) stays the one authority on what a pack may contain; it
//! stops at the first problem. To find the others, validation blanks out the entry (or the
//! whole rule) at fault and reads the pack again, until it loads. Blanking keeps every
//! other byte where it was, so each problem points into the original YAML. Then the rules
//! that loaded cleanly are run on their own examples.

use std::collections::{BTreeSet, HashSet};
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use regex::Regex;

use super::examples::{self, Diagnosis};
use super::yaml_tree::{self, Node};
use crate::document::LangSet;
use crate::rules::{load_pack, Rule, RuleSet};

/// One problem in a pack, with byte ranges into the pack's text.
#[derive(Debug, Clone)]
pub struct Problem {
    pub span: Range<usize>,
    pub message: String,
    /// Secondary spans in the same file.
    pub labels: Vec<(Range<usize>, String)>,
    pub notes: Vec<String>,
}

impl Problem {
    fn new(span: Range<usize>, message: impl Into<String>) -> Problem {
        Problem {
            span,
            message: message.into(),
            labels: Vec::new(),
            notes: Vec::new(),
        }
    }
}

/// The outcome for one pack file.
#[derive(Debug, Clone)]
pub struct PackReport {
    pub path: PathBuf,
    /// The pack's text (empty if it could not be read).
    pub text: String,
    pub problems: Vec<Problem>,
    /// Rules in the file.
    pub rule_count: usize,
    /// The rules that loaded once the broken parts were left out (for the duplicate-id
    /// checks of the packs validated after this one).
    pub loaded: Vec<Rule>,
}

/// Validate packs in order: ids must be unique (per language) across all of them and across
/// `defaults`, the packs they will be loaded with.
pub fn validate_packs(
    inputs: &[(PathBuf, Result<String, String>)],
    defaults: &RuleSet,
) -> Vec<PackReport> {
    // A file that redefines a default pack (same `pack:` name) is an edited copy of it, not
    // a second pack to load next to it.
    let names: HashSet<String> = inputs
        .iter()
        .filter_map(|(_, t)| t.as_ref().ok())
        .filter_map(|t| yaml_tree::parse(t).ok())
        .filter_map(|n| n.get("pack").and_then(|p| p.as_str().map(str::to_string)))
        .collect();
    let mut existing: Vec<Rule> = defaults
        .rules
        .iter()
        .filter(|r| !names.contains(&r.pack))
        .cloned()
        .collect();
    let mut reports = Vec::new();
    for (path, text) in inputs {
        let report = match text {
            Ok(text) => validate_pack(path, text, &existing),
            Err(e) => PackReport {
                path: path.clone(),
                text: String::new(),
                problems: vec![Problem::new(0..0, format!("cannot read rule pack: {e}"))],
                rule_count: 0,
                loaded: Vec::new(),
            },
        };
        existing.extend(report.loaded.iter().cloned());
        reports.push(report);
    }
    reports
}

/// Validate one pack. `existing` are the rules loaded before it (ids must not repeat them).
pub fn validate_pack(path: &Path, text: &str, existing: &[Rule]) -> PackReport {
    let mut report = PackReport {
        path: path.to_path_buf(),
        text: text.to_string(),
        problems: Vec::new(),
        rule_count: 0,
        loaded: Vec::new(),
    };
    if text.trim().is_empty() {
        report.problems.push(Problem::new(
            0..0,
            "the pack is empty: a pack needs `pack:` (its name) and `rules:` (a list)",
        ));
        return report;
    }
    let tree = match yaml_tree::parse(text) {
        Ok(t) => t,
        Err((msg, at)) => {
            report
                .problems
                .push(Problem::new(at..next_char(text, at), msg));
            return report;
        }
    };
    let items: Vec<&yaml_tree::Item> = tree
        .get("rules")
        .map_or(Vec::new(), |r| r.items().iter().collect());
    report.rule_count = items.len();

    let mut structural = structural(path, text, &tree, &items, existing);
    duplicates_of_left_out(&tree, &items, &mut structural);
    report.problems = structural.problems;
    if structural.loaded.is_some() && items.is_empty() {
        let span = tree.entry("rules").map_or(0..0, |e| e.key.span.clone());
        report
            .problems
            .push(Problem::new(span, "the pack has no rules"));
    }
    let Some(rules) = structural.loaded else {
        for it in &items {
            examples_present(&it.node, &mut report.problems);
        }
        report.problems.sort_by_key(|p| (p.span.start, p.span.end));
        return report;
    };

    // Semantic checks on the rules that loaded without a problem of their own. Examples run
    // with their own pack, as `clauselint test` runs them.
    let live: Vec<usize> = (0..items.len())
        .filter(|i| !structural.blanked[*i])
        .collect();
    let set = RuleSet {
        rules: rules.clone(),
        priority: structural.priority.clone().unwrap_or_default(),
        ..RuleSet::default()
    };
    for it in &items {
        examples_present(&it.node, &mut report.problems);
    }
    for (rule, &i) in rules.iter().zip(&live) {
        if structural.broken[i] {
            continue;
        }
        run_examples(rule, &items[i].node, &tree, &set, &mut report.problems);
    }
    report.loaded = rules;
    report.problems.sort_by_key(|p| (p.span.start, p.span.end));
    report
}

struct Structural {
    problems: Vec<Problem>,
    loaded: Option<Vec<Rule>>,
    priority: Option<Vec<String>>,
    /// Rules left out entirely.
    blanked: Vec<bool>,
    /// Rules with a problem of their own (left out, or with an entry left out).
    broken: Vec<bool>,
}

/// `missing field `x`` and `a `forbid` rule needs `x` and `y``: the keys named.
fn missing_keys(message: &str) -> Option<Vec<String>> {
    static RE: OnceLock<Regex> = OnceLock::new();
    let tick = RE.get_or_init(|| Regex::new(r"`([^`]+)`").unwrap());
    if let Some(i) = message.find("missing field `") {
        return Some(
            tick.captures_iter(&message[i..])
                .take(1)
                .map(|c| c[1].to_string())
                .collect(),
        );
    }
    if let Some(i) = message.find(" rule needs ") {
        return Some(
            tick.captures_iter(&message[i..])
                .map(|c| c[1].to_string())
                .collect(),
        );
    }
    None
}

fn did_you_mean(message: &str) -> Option<String> {
    let i = message.find("did you mean `")?;
    let rest = &message[i + "did you mean `".len()..];
    Some(rest[..rest.find('`')?].to_string())
}

/// serde's path names a rule by its index among the rules that are still there; name it
/// by its index in the file.
fn fix_rule_index(message: &str, index: usize) -> String {
    static RE: OnceLock<Regex> = OnceLock::new();
    let re = RE.get_or_init(|| Regex::new(r"^rules\[\d+\]").unwrap());
    re.replace(message, format!("rules[{index}]").as_str())
        .into_owned()
}

fn structural(
    path: &Path,
    text: &str,
    tree: &Node,
    items: &[&yaml_tree::Item],
    existing: &[Rule],
) -> Structural {
    let mut out = Structural {
        problems: Vec::new(),
        loaded: None,
        priority: None,
        blanked: vec![false; items.len()],
        broken: vec![false; items.len()],
    };
    // Keys left out or suggested, per rule (None: the pack's own keys): a later "missing"
    // for them is a consequence, not news.
    let mut accounted: Vec<(Option<usize>, String)> = Vec::new();
    let mut seen: HashSet<(usize, String)> = HashSet::new();
    let mut work = text.to_string();
    let limit = 8 + items.len() * 2 + count_entries(tree);
    for _ in 0..limit {
        let e = match load_pack(path, &work, existing) {
            Ok(pack) => {
                out.priority = pack.priority;
                out.loaded = Some(pack.rules);
                return out;
            }
            Err(e) => e,
        };
        if !seen.insert((e.span.start, e.message.clone())) {
            break;
        }
        let rule = items.iter().position(|it| it.range.contains(&e.span.start));
        let mut problem = Problem::new(e.span.clone(), e.message.clone());
        if let Some(i) = rule {
            problem.message = fix_rule_index(&problem.message, i);
            out.broken[i] = true;
        }
        if problem.message.contains("duplicate rule id `") {
            explain_duplicate(&mut problem, text, items, rule, existing);
        }
        let before = work.clone();
        if let Some(keys) = missing_keys(&e.message) {
            let explained = keys
                .iter()
                .all(|k| accounted.iter().any(|(r, a)| *r == rule && a == k));
            if !explained {
                out.problems.push(problem);
            }
            match rule {
                Some(i) => blank_rule(&mut work, items, i, &mut out.blanked),
                None => break,
            }
        } else if e.message.contains("rule id `") {
            out.problems.push(problem);
            match rule {
                Some(i) => blank_rule(&mut work, items, i, &mut out.blanked),
                None => break,
            }
        } else {
            if let Some(k) = did_you_mean(&e.message) {
                accounted.push((rule, k));
            }
            out.problems.push(problem);
            let map = match rule {
                Some(i) => &items[i].node,
                None => tree,
            };
            match map
                .entries()
                .iter()
                .find(|en| en.range.contains(&e.span.start))
            {
                Some(en) if rule.is_some() || en.key.as_str() != Some("rules") => {
                    if let Some(k) = en.key.as_str() {
                        accounted.push((rule, k.to_string()));
                    }
                    yaml_tree::blank(&mut work, en.range.clone());
                }
                _ => match rule {
                    Some(i) => blank_rule(&mut work, items, i, &mut out.blanked),
                    None => break,
                },
            }
        }
        if work == before || (!items.is_empty() && out.blanked.iter().all(|b| *b)) {
            break;
        }
    }
    out
}

/// The loader never saw the rules that were left out, so a later rule with the same id and
/// language was not reported: report it here.
fn duplicates_of_left_out(tree: &Node, items: &[&yaml_tree::Item], out: &mut Structural) {
    let pack_lang = tree.get("lang").map_or(LangSet::BOTH, lang_of);
    let id_lang = |i: usize| {
        let n = &items[i].node;
        let id = n.get("id")?;
        let lang = n.get("lang").map_or(pack_lang, lang_of);
        Some((id, id.as_str()?.to_string(), lang))
    };
    for i in (0..items.len()).filter(|i| out.blanked[*i]) {
        let Some((first, id, lang)) = id_lang(i) else {
            continue;
        };
        for j in i + 1..items.len() {
            let Some((dup, other, other_lang)) = id_lang(j) else {
                continue;
            };
            let reported = out
                .problems
                .iter()
                .any(|p| p.span == dup.span && p.message.contains("duplicate rule id"));
            if other == id && other_lang.intersects(lang) && !reported {
                let mut p = Problem::new(
                    dup.span.clone(),
                    format!("rules[{j}].id: duplicate rule id `{id}`: an id may be defined once per language across all loaded packs"),
                );
                p.labels
                    .push((first.span.clone(), "first defined here".into()));
                out.problems.push(p);
                out.broken[j] = true;
            }
        }
    }
}

/// A `lang` value as the loader reads it (unknown names are the loader's to report).
fn lang_of(n: &Node) -> LangSet {
    n.scalars()
        .iter()
        .filter_map(|s| s.as_str().and_then(LangSet::parse))
        .fold(LangSet::EMPTY, LangSet::union)
}

fn count_entries(n: &Node) -> usize {
    n.entries().len()
        + n.entries()
            .iter()
            .map(|e| count_entries(&e.value))
            .sum::<usize>()
        + n.items()
            .iter()
            .map(|i| count_entries(&i.node))
            .sum::<usize>()
}

fn blank_rule(work: &mut String, items: &[&yaml_tree::Item], i: usize, blanked: &mut [bool]) {
    yaml_tree::blank(work, items[i].range.clone());
    blanked[i] = true;
}

/// Say where the id was defined first.
fn explain_duplicate(
    problem: &mut Problem,
    text: &str,
    items: &[&yaml_tree::Item],
    rule: Option<usize>,
    existing: &[Rule],
) {
    let id = &text[problem.span.clone()];
    let id = id.trim_matches(['\'', '"']);
    let earlier = rule.and_then(|i| {
        items[..i]
            .iter()
            .find_map(|it| it.node.get("id").filter(|n| n.as_str() == Some(id)))
    });
    if let Some(first) = earlier {
        problem
            .labels
            .push((first.span.clone(), "first defined here".into()));
    } else if let Some(r) = existing.iter().find(|r| r.id == id) {
        let builtin = crate::rules::EMBEDDED
            .iter()
            .any(|(p, _)| Path::new(p) == r.pack_path);
        problem.notes.push(format!(
            "`{id}` ({}) is already defined in pack `{}` ({}{})",
            r.lang.names().join(", "),
            r.pack,
            r.pack_path.display(),
            if builtin {
                ", built into clauselint; `--no-default-rules` validates a pack on its own"
            } else {
                ""
            }
        ));
    }
}

fn next_char(text: &str, at: usize) -> usize {
    let at = at.min(text.len());
    text[at..].chars().next().map_or(at, |c| at + c.len_utf8())
}

/// Every rule has at least one bad and one good example (checked on the YAML, so that a
/// rule with other problems is told this too).
fn examples_present(node: &Node, problems: &mut Vec<Problem>) {
    let Some(id) = node.get("id").filter(|n| n.as_str().is_some()) else {
        return;
    };
    let name = id.as_str().unwrap_or_default();
    // A template rule compares a draft with a template: a snippet alone cannot show it.
    // Its behaviour is tested with template/draft pairs (tests/data/template/).
    if node.get("kind").and_then(|k| k.as_str()) == Some("template") {
        return;
    }
    let Some(examples) = node.entry("examples") else {
        let mut p = Problem::new(id.span.clone(), format!("rule `{name}` has no examples"));
        p.notes.push(
            "add `examples: {bad: [...], good: [...]}`: snippets the rule must report and snippets it must leave alone; `validate`, `test` and `explain` run them".into(),
        );
        problems.push(p);
        return;
    };
    if !matches!(examples.value.value, yaml_tree::Value::Map(_)) {
        // Not a map: the loader says what it should be.
        return;
    }
    for (list, what) in [("bad", "report"), ("good", "leave alone")] {
        if examples
            .value
            .get(list)
            .is_none_or(|l| l.scalars().is_empty())
        {
            let span = examples
                .value
                .entry(list)
                .map_or(examples.key.span.clone(), |e| e.key.span.clone());
            let mut p = Problem::new(span, format!("rule `{name}` has no `{list}` example"));
            p.notes
                .push(format!("add at least one snippet the rule must {what}"));
            problems.push(p);
        }
    }
}

/// Bad examples are reported, good ones are not.
fn run_examples(rule: &Rule, node: &Node, tree: &Node, set: &RuleSet, problems: &mut Vec<Problem>) {
    let Some(examples) = node.entry("examples") else {
        return;
    };
    let nodes =
        |list: &str| -> Vec<&Node> { examples.value.get(list).map_or(Vec::new(), |l| l.scalars()) };
    for (i, (ex, n)) in rule.examples.bad.iter().zip(nodes("bad")).enumerate() {
        let fired = examples::run(rule, set, "bad example", ex).map(|o| !o.findings.is_empty());
        match fired {
            Ok(true) => {}
            Ok(false) => {
                let d = examples::why_silent(rule, set, ex);
                let mut p = Problem::new(
                    n.span.clone(),
                    format!(
                        "bad example {} does not produce a `{}` finding",
                        i + 1,
                        rule.id
                    ),
                );
                attach(&mut p, &d, node, tree);
                problems.push(p);
            }
            Err(e) => problems.push(Problem::new(
                n.span.clone(),
                format!("bad example {} cannot be read as a draft: {e}", i + 1),
            )),
        }
    }
    for (i, (ex, n)) in rule.examples.good.iter().zip(nodes("good")).enumerate() {
        match examples::run(rule, set, "good example", ex) {
            Ok(o) if o.findings.is_empty() => {}
            Ok(o) => {
                let d = examples::why_reported(rule, set, ex);
                let flagged: Vec<String> = o
                    .findings
                    .iter()
                    .map(|f| format!("`{}`", o.source.text[f.span.clone()].trim()))
                    .collect();
                let mut p = Problem::new(
                    n.span.clone(),
                    format!(
                        "good example {} produces a `{}` finding: {} at {}",
                        i + 1,
                        rule.id,
                        o.findings[0].message,
                        flagged.join(", ")
                    ),
                );
                attach(&mut p, &d, node, tree);
                problems.push(p);
            }
            Err(e) => problems.push(Problem::new(
                n.span.clone(),
                format!("good example {} cannot be read as a draft: {e}", i + 1),
            )),
        }
    }
}

/// Point a diagnosis at its key (or at the regex in its list), in the rule or, for `lang`,
/// in the pack.
fn attach(p: &mut Problem, d: &Diagnosis, rule: &Node, tree: &Node) {
    let target = d.key.and_then(|k| {
        let entry = rule
            .entry(k)
            .or_else(|| if k == "lang" { tree.entry(k) } else { None })?;
        let scalars = entry.value.scalars();
        Some(match d.index.and_then(|i| scalars.get(i)) {
            Some(s) => s.span.clone(),
            None => entry.key.span.clone(),
        })
    });
    match target {
        Some(span) => p.labels.push((span, d.reason.clone())),
        None => p.notes.push(d.reason.clone()),
    }
}

/// Problem counts for a summary line.
pub fn count(reports: &[PackReport]) -> (usize, usize, BTreeSet<PathBuf>) {
    let problems = reports.iter().map(|r| r.problems.len()).sum();
    let rules = reports.iter().map(|r| r.rule_count).sum();
    let bad = reports
        .iter()
        .filter(|r| !r.problems.is_empty())
        .map(|r| r.path.clone())
        .collect();
    (problems, rules, bad)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn problems(text: &str) -> Vec<(usize, usize, String)> {
        let r = validate_pack(Path::new("t.yaml"), text, &[]);
        r.problems
            .iter()
            .map(|p| {
                let before = &text[..p.span.start];
                let line = before.matches('\n').count() + 1;
                let col = before.rsplit('\n').next().unwrap().chars().count() + 1;
                (line, col, p.message.clone())
            })
            .collect()
    }

    const OK: &str = "    examples: {bad: ['甲方：____'], good: ['甲方：杭州明远']}\n";

    #[test]
    fn a_clean_pack_has_no_problems() {
        let text = format!("pack: t\nlang: zh\nrules:\n  - id: blank/u\n    kind: forbid\n    message: m\n    pattern: '_{{3,}}'\n{OK}");
        assert_eq!(problems(&text), []);
    }

    #[test]
    fn every_problem_of_a_pack_is_reported_at_its_place() {
        let text = format!(
            "pack: t\nlang: zh\nrules:\n  - id: blank/a\n    kind: forbid\n    mesage: m\n    pattern: 'a(b'\n{OK}  - id: Blank_B\n    kind: forbid\n    message: m\n    pattern: x\n{OK}  - id: blank/c\n    kind: forbidd\n    message: m\n{OK}  - id: blank/d\n    kind: forbid\n    message: m\n    pattern: x\n    fields: [盖章]\n{OK}  - id: blank/a\n    kind: forbid\n    message: m\n    pattern: y\n{OK}"
        );
        let got = problems(&text);
        let msgs: Vec<String> = got
            .iter()
            .map(|(l, c, m)| format!("{l}:{c}: {m}"))
            .collect();
        let has = |pos: &str, needle: &str| {
            assert!(
                msgs.iter()
                    .any(|m| m.starts_with(pos) && m.contains(needle)),
                "no `{needle}` at {pos} in {msgs:#?}"
            )
        };
        has(
            "6:5:",
            "rules[0]: unknown field `mesage`, did you mean `message`?",
        );
        has("7:16:", "invalid regex: unclosed group");
        has("9:9:", "`category/name`");
        has("15:11:", "rules[2]");
        has("15:11:", "did you mean `forbid`");
        has("22:5:", "key `fields` does not belong to a `forbid` rule");
        // A duplicate of a rule that was itself broken is still a duplicate.
        has("24:9:", "duplicate rule id `blank/a`");
        // The misspelled `message` is not reported a second time as missing.
        assert!(
            !msgs.iter().any(|m| m.contains("needs `message`")),
            "{msgs:#?}"
        );
        assert_eq!(msgs.len(), 6, "{msgs:#?}");
    }

    #[test]
    fn examples_are_required_and_run() {
        let text = "pack: t\nlang: zh\nrules:\n  - id: blank/a\n    kind: forbid\n    message: m\n    pattern: '_{3,}'\n  - id: blank/b\n    kind: forbid\n    message: m\n    pattern: '_{3,}'\n    examples:\n      bad: ['甲方：__']\n      good: ['乙方：____']\n  - id: blank/c\n    kind: forbid\n    message: m\n    pattern: '_{3,}'\n    examples: {bad: ['甲方：____']}\n";
        let got = problems(text);
        let msgs: Vec<String> = got
            .iter()
            .map(|(l, c, m)| format!("{l}:{c}: {m}"))
            .collect();
        assert_eq!(msgs.len(), 4, "{msgs:#?}");
        assert!(
            msgs[0].starts_with("4:9: rule `blank/a` has no examples"),
            "{msgs:#?}"
        );
        assert!(
            msgs[1].starts_with("13:13: bad example 1 does not produce"),
            "{msgs:#?}"
        );
        assert!(
            msgs[2].starts_with("14:14: good example 1 produces a `blank/b` finding: m at `____`"),
            "{msgs:#?}"
        );
        assert!(
            msgs[3].starts_with("19:5: rule `blank/c` has no `good` example"),
            "{msgs:#?}"
        );
    }

    #[test]
    fn flow_style_lists_and_odd_shapes() {
        let msgs = |t: &str| -> Vec<String> {
            problems(t)
                .into_iter()
                .map(|(l, c, m)| format!("{l}:{c}: {m}"))
                .collect()
        };
        // Flow maps, a regex inside a flow list and inside `scope`.
        let got = msgs("pack: x\nlang: zh\nrules:\n  - {id: a/b, kind: forbid, mesage: m, pattern: x}\n  - {id: a/c, kind: forbid, message: m, pattern: ['ok', \"\\\\d(\"], scope: {heading: '[付款'}, examples: {bad: [x], good: [y]}}\n");
        assert_eq!(got.len(), 4, "{got:#?}");
        assert!(
            got[0].starts_with("4:10: rule `a/b` has no examples"),
            "{got:#?}"
        );
        assert!(
            got[1].starts_with("4:29: rules[0]: unknown field `mesage`"),
            "{got:#?}"
        );
        assert!(
            got[2].starts_with("5:61: rules[1].pattern[1]: invalid regex: unclosed group"),
            "{got:#?}"
        );
        assert!(
            got[3].starts_with("5:84: rules[1].scope.heading: invalid regex"),
            "{got:#?}"
        );
        // A rule that is not a map does not hide the next one.
        let got = msgs("pack: x\nrules:\n  - just a string\n  - id: a/b\n    kind: forbid\n    message: m\n    pattern: x\n    examples: {bad: [y], good: [z]}\n");
        assert_eq!(got.len(), 2, "{got:#?}");
        assert!(
            got[0].starts_with(
                "3:5: rules[0]: invalid type: string \"just a string\", expected a rule"
            ),
            "{got:#?}"
        );
        assert!(
            got[1].starts_with("8:22: bad example 1 does not produce"),
            "{got:#?}"
        );
        // Empty packs are problems, not silent passes.
        assert_eq!(msgs("pack: x\nrules: []\n"), ["2:1: the pack has no rules"]);
        assert_eq!(msgs("\n").len(), 1);
    }

    #[test]
    fn yaml_syntax_errors_are_one_problem() {
        let got = problems("pack: t\nrules:\n  - id: [a\n");
        assert_eq!(got.len(), 1, "{got:?}");
    }
}
