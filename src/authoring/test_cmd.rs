//! `clauselint test`: run each rule's examples and the Markdown test files next to a pack,
//! in the spirit of Semgrep's `--test`.
//!
//! A test file `NAME.test.md` (or `NAME.anything.test.md`) belongs to the pack `NAME.yaml`
//! (or `.yml`) in the same directory. `<!-- expect: RULE[, RULE] -->` on its own line means
//! the next line must produce exactly these findings; a finding on any other line is a
//! failure. A test file is checked with its own pack's rules only, as examples are.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use regex::Regex;

use super::examples;
use crate::rules::{suggest, PackError, Rule, RuleSet};
use crate::source::Source;

/// A pack to test, with its test files.
#[derive(Debug, Clone)]
pub struct Target {
    pub path: PathBuf,
    /// The pack's text, or why it could not be read.
    pub text: Result<String, String>,
    pub test_files: Vec<PathBuf>,
    /// Embedded in the binary (shown as such).
    pub builtin: bool,
}

/// One line of the report: a rule (or a test file with a problem of its own).
#[derive(Debug, Clone)]
pub struct Outcome {
    pub name: String,
    /// What was run: "2 bad, 1 good examples, 3 lines in zh.test.md".
    pub summary: String,
    pub failures: Vec<String>,
}

impl Outcome {
    pub fn passed(&self) -> bool {
        self.failures.is_empty()
    }
}

/// The outcome for one pack.
#[derive(Debug)]
pub struct PackOutcome {
    pub path: PathBuf,
    pub builtin: bool,
    pub name: Option<String>,
    /// The pack did not load (or could not be read): nothing was tested.
    pub error: Option<PackError>,
    /// A test file could not be read or checked (exit code 2, as in `check`).
    pub file_error: bool,
    pub outcomes: Vec<Outcome>,
}

/// What `clauselint test` was asked to test. Each path is a pack, a directory of packs (and
/// their test files), or a test file (its pack is tested). Orphan test files and unreadable
/// paths come back as errors.
pub fn targets(paths: &[PathBuf]) -> (Vec<Target>, Vec<(PathBuf, String)>) {
    let mut out: Vec<Target> = Vec::new();
    let mut errors = Vec::new();
    let add = |pack: PathBuf, out: &mut Vec<Target>| {
        if out.iter().any(|t| t.path == pack) {
            return;
        }
        let text = std::fs::read_to_string(&pack).map_err(|e| e.to_string());
        let test_files = test_files_of(&pack);
        out.push(Target {
            path: pack,
            text,
            test_files,
            builtin: false,
        });
    };
    for p in paths {
        let meta = match std::fs::metadata(p) {
            Ok(m) => m,
            Err(e) => {
                errors.push((p.clone(), e.to_string()));
                continue;
            }
        };
        if meta.is_dir() {
            let packs = match crate::walk::pack_files(p) {
                Ok(v) => v,
                Err(e) => {
                    errors.push((p.clone(), e.to_string()));
                    continue;
                }
            };
            if packs.is_empty() {
                errors.push((
                    p.clone(),
                    "no rule packs (*.yaml, *.yml) in this directory".into(),
                ));
            }
            for pack in &packs {
                add(pack.clone(), &mut out);
            }
            for t in md_test_files(p) {
                if pack_of(&t).is_none() {
                    errors.push((
                        t.clone(),
                        format!(
                            "test file without a pack: expected `{}.yaml` next to it",
                            test_stem(&t).unwrap_or_default()
                        ),
                    ));
                }
            }
        } else if is_test_file(p) {
            match pack_of(p) {
                Some(pack) => add(pack, &mut out),
                None => errors.push((
                    p.clone(),
                    format!(
                        "test file without a pack: expected `{}.yaml` next to it",
                        test_stem(p).unwrap_or_default()
                    ),
                )),
            }
        } else {
            add(p.clone(), &mut out);
        }
    }
    (out, errors)
}

/// The packs embedded in the binary (their examples; they have no test files).
pub fn builtin_targets() -> Vec<Target> {
    crate::rules::EMBEDDED
        .iter()
        .map(|(p, t)| Target {
            path: PathBuf::from(p),
            text: Ok(t.to_string()),
            test_files: Vec::new(),
            builtin: true,
        })
        .collect()
}

fn is_test_file(p: &Path) -> bool {
    p.file_name()
        .and_then(|n| n.to_str())
        .is_some_and(|n| n.ends_with(".test.md"))
}

/// `zh` for `zh.test.md` and `zh.signature.test.md`.
fn test_stem(p: &Path) -> Option<String> {
    let name = p.file_name()?.to_str()?;
    let base = name.strip_suffix(".test.md")?;
    Some(base.split('.').next().unwrap_or(base).to_string())
}

fn pack_of(test: &Path) -> Option<PathBuf> {
    let stem = test_stem(test)?;
    let dir = test.parent().unwrap_or(Path::new(""));
    ["yaml", "yml"]
        .iter()
        .map(|e| dir.join(format!("{stem}.{e}")))
        .find(|p| p.is_file())
}

fn md_test_files(dir: &Path) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(dir)
        .map(|rd| {
            rd.filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|p| is_test_file(p))
                .collect()
        })
        .unwrap_or_default();
    v.sort();
    v
}

fn test_files_of(pack: &Path) -> Vec<PathBuf> {
    let Some(stem) = pack.file_stem().and_then(|s| s.to_str()) else {
        return Vec::new();
    };
    let dir = pack.parent().unwrap_or(Path::new(""));
    let dir = if dir.as_os_str().is_empty() {
        Path::new(".")
    } else {
        dir
    };
    md_test_files(dir)
        .into_iter()
        .filter(|t| test_stem(t).as_deref() == Some(stem))
        .map(|t| {
            // Keep the path as the user spelled the pack's directory.
            match pack.parent() {
                Some(p) if !p.as_os_str().is_empty() => p.join(t.file_name().unwrap_or_default()),
                _ => PathBuf::from(t.file_name().unwrap_or_default()),
            }
        })
        .collect()
}

/// Test one pack.
pub fn test_pack(t: &Target) -> PackOutcome {
    let mut po = PackOutcome {
        path: t.path.clone(),
        builtin: t.builtin,
        name: None,
        error: None,
        file_error: false,
        outcomes: Vec::new(),
    };
    let text = match &t.text {
        Ok(s) => s,
        Err(e) => {
            po.error = Some(PackError {
                path: t.path.clone(),
                text: String::new(),
                message: format!("cannot read rule pack: {e}"),
                span: 0..0,
            });
            return po;
        }
    };
    let mut set = RuleSet::default();
    if let Err(e) = set.add_pack(t.path.clone(), text) {
        po.error = Some(e);
        return po;
    }
    po.name = set.packs.first().map(|p| p.name.clone());

    // One line per id, in the pack's order; a zh and an en rule with one id share it.
    let mut order: Vec<String> = Vec::new();
    let mut per: BTreeMap<String, (Vec<String>, Counts)> = BTreeMap::new();
    for r in &set.rules {
        if !order.contains(&r.id) {
            order.push(r.id.clone());
        }
        let entry = per.entry(r.id.clone()).or_default();
        run_examples(r, &set, &mut entry.0, &mut entry.1);
    }
    let mut file_outcomes = Vec::new();
    for f in &t.test_files {
        po.file_error |= !run_test_file(f, &set, &mut per, &mut file_outcomes);
    }
    for id in order {
        let (failures, counts) = per.remove(&id).unwrap_or_default();
        po.outcomes.push(Outcome {
            name: id,
            summary: counts.describe(),
            failures,
        });
    }
    po.outcomes.extend(file_outcomes);
    po
}

#[derive(Debug, Default, Clone)]
struct Counts {
    bad: usize,
    good: usize,
    lines: BTreeMap<String, usize>,
}

impl Counts {
    fn describe(&self) -> String {
        let mut s = format!("{} bad, {} good", self.bad, self.good);
        for (file, n) in &self.lines {
            s.push_str(&format!(
                ", {n} {} in {file}",
                if *n == 1 { "line" } else { "lines" }
            ));
        }
        s
    }
}

fn first_line(s: &str) -> String {
    let l = s.lines().next().unwrap_or("");
    if s.lines().nth(1).is_some() {
        format!("{l} …")
    } else {
        l.to_string()
    }
}

fn run_examples(rule: &Rule, set: &RuleSet, failures: &mut Vec<String>, counts: &mut Counts) {
    // A template rule needs a template beside its draft; its tests are template/draft pairs
    // (tests/data/template/), not snippets.
    if rule.kind == crate::rules::Kind::Template {
        return;
    }
    let lang = rule.lang.names().join(", ");
    if rule.examples.bad.is_empty() {
        failures.push(format!(
            "({lang}) no bad example: add one the rule must report"
        ));
    }
    if rule.examples.good.is_empty() {
        failures.push(format!(
            "({lang}) no good example: add one the rule must leave alone"
        ));
    }
    for (i, ex) in rule.examples.bad.iter().enumerate() {
        counts.bad += 1;
        match examples::run(rule, set, "bad example", ex) {
            Ok(o) if !o.findings.is_empty() => {}
            Ok(_) => {
                let d = examples::why_silent(rule, set, ex);
                failures.push(format!(
                    "({lang}) bad example {} is not reported: {}\n  │ {}",
                    i + 1,
                    d.reason,
                    first_line(ex)
                ));
            }
            Err(e) => failures.push(format!(
                "({lang}) bad example {} cannot be read: {e}",
                i + 1
            )),
        }
    }
    for (i, ex) in rule.examples.good.iter().enumerate() {
        counts.good += 1;
        match examples::run(rule, set, "good example", ex) {
            Ok(o) if o.findings.is_empty() => {}
            Ok(o) => {
                let flagged: Vec<String> = o
                    .findings
                    .iter()
                    .map(|f| format!("`{}`", o.source.text[f.span.clone()].trim()))
                    .collect();
                failures.push(format!(
                    "({lang}) good example {} is reported ({}) at {}\n  │ {}",
                    i + 1,
                    o.findings[0].message,
                    flagged.join(", "),
                    first_line(ex)
                ));
            }
            Err(e) => failures.push(format!(
                "({lang}) good example {} cannot be read: {e}",
                i + 1
            )),
        }
    }
}

fn expect_re() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| Regex::new(r"^\s*<!--\s*expect:\s*(.*?)\s*-->\s*$").unwrap())
}

/// Rule ids expected on each line (1-based).
pub type Expected = BTreeMap<usize, Vec<String>>;

/// Expected findings per line: the rules named in `<!-- expect: … -->` on the line before.
/// Problems with the comments themselves (line, message) come back separately.
pub fn expectations(text: &str) -> (Expected, Vec<(usize, String)>) {
    let mut m = Expected::new();
    let mut problems = Vec::new();
    let lines: Vec<&str> = text.lines().collect();
    for (i, line) in lines.iter().enumerate() {
        let Some(c) = expect_re().captures(line) else {
            continue;
        };
        let rules: Vec<String> = c[1]
            .split(',')
            .map(|r| r.trim().to_string())
            .filter(|r| !r.is_empty())
            .collect();
        if rules.is_empty() {
            problems.push((i + 1, "`expect:` names no rule".to_string()));
            continue;
        }
        match lines.get(i + 1) {
            Some(next) if !next.trim().is_empty() && !expect_re().is_match(next) => {
                m.entry(i + 2).or_default().extend(rules);
            }
            _ => problems.push((
                i + 1,
                "`expect:` must be directly above the line it speaks of".to_string(),
            )),
        }
    }
    (m, problems)
}

/// Returns false when the file could not be read or checked.
fn run_test_file(
    path: &Path,
    set: &RuleSet,
    per: &mut BTreeMap<String, (Vec<String>, Counts)>,
    file_outcomes: &mut Vec<Outcome>,
) -> bool {
    let shown = path.display().to_string();
    let name = path
        .file_name()
        .map_or(shown.clone(), |n| n.to_string_lossy().into_owned());
    let mut file_failures = Vec::new();
    let source = match Source::read(path) {
        Ok(s) => s,
        Err(e) => {
            file_outcomes.push(Outcome {
                name: shown,
                summary: "test file".into(),
                failures: vec![format!("cannot read: {e}")],
            });
            return false;
        }
    };
    let diags = match crate::check_source(&source, set) {
        Ok(d) => d,
        Err(e) => {
            file_outcomes.push(Outcome {
                name: shown,
                summary: "test file".into(),
                failures: vec![format!("cannot be checked: {e}")],
            });
            return false;
        }
    };
    let (expected, problems) = expectations(&source.text);
    for (line, p) in problems {
        file_failures.push(format!("{shown}:{line}: {p}"));
    }
    let ids: BTreeSet<&str> = set.rules.iter().map(|r| r.id.as_str()).collect();
    let mut actual: BTreeMap<usize, Vec<(String, usize, String)>> = BTreeMap::new();
    for d in &diags {
        let (l, c) = source.line_col(d.span.start);
        actual
            .entry(l)
            .or_default()
            .push((d.rule.clone(), c, d.message.clone()));
    }
    let lines: BTreeSet<usize> = expected.keys().chain(actual.keys()).copied().collect();
    for line in lines {
        let exp = expected.get(&line).cloned().unwrap_or_default();
        let got = actual.get(&line).cloned().unwrap_or_default();
        for id in &exp {
            if !ids.contains(id.as_str()) {
                let hint = suggest(id, ids.iter().copied())
                    .map(|s| format!("; did you mean `{s}`?"))
                    .unwrap_or_default();
                file_failures.push(format!(
                    "{shown}:{}: `{id}` is not a rule of this pack{hint}",
                    line - 1
                ));
            }
        }
        // Compare as multisets of rule ids.
        let mut remaining = got.clone();
        let mut missing = Vec::new();
        for id in exp.iter().filter(|id| ids.contains(id.as_str())) {
            match remaining.iter().position(|(r, _, _)| r == id) {
                Some(i) => {
                    remaining.remove(i);
                }
                None => missing.push(id.clone()),
            }
        }
        let got_names = if got.is_empty() {
            "nothing".to_string()
        } else {
            got.iter()
                .map(|(r, _, _)| format!("`{r}`"))
                .collect::<Vec<_>>()
                .join(", ")
        };
        for id in &exp {
            if let Some(e) = per.get_mut(id) {
                *e.1.lines.entry(name.clone()).or_default() += 1;
            }
        }
        for id in missing {
            if let Some(e) = per.get_mut(&id) {
                e.0.push(format!("{shown}:{line}: expected `{id}`, got {got_names}"));
            }
        }
        for (id, col, msg) in remaining {
            let what = if exp.is_empty() {
                "unexpected"
            } else {
                "unexpected extra"
            };
            let f = format!("{shown}:{line}:{col}: {what} `{id}`: {msg}");
            match per.get_mut(&id) {
                Some(e) => e.0.push(f),
                None => file_failures.push(f),
            }
        }
    }
    if !file_failures.is_empty() {
        file_outcomes.push(Outcome {
            name: shown,
            summary: "test file".into(),
            failures: file_failures,
        });
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn expectations_speak_of_the_next_line() {
        let (m, p) = expectations(
            "# t\n\n<!-- expect: a/b, c/d -->\n甲方：___\n\n<!-- expect: a/b -->\n\n<!-- expect: -->\nx\n",
        );
        assert_eq!(m.get(&4), Some(&vec!["a/b".to_string(), "c/d".to_string()]));
        assert_eq!(m.len(), 1);
        assert_eq!(p.len(), 2, "{p:?}");
        assert_eq!(p[0].0, 6);
        assert_eq!(p[1].0, 8);
    }

    #[test]
    fn test_file_stems_name_their_pack() {
        assert_eq!(test_stem(Path::new("r/zh.test.md")).as_deref(), Some("zh"));
        assert_eq!(
            test_stem(Path::new("r/zh.signature.test.md")).as_deref(),
            Some("zh")
        );
        assert_eq!(test_stem(Path::new("r/zh.md")), None);
    }
}
