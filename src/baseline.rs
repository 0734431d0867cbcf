//! Baselines and stable finding identities.
//!
//! A finding's key is (path, rule, hash of the normalised text of the flagged clause, the
//! finding's order among that rule's findings in that clause). Line numbers take no part, so
//! an edit elsewhere in the file does not bring a baselined finding back, and a change to the
//! flagged clause does. The clause is the paragraph, list item, heading or table cell that
//! holds the finding's start. A finding about missing text (a `require` rule) sits on its
//! trigger, so the clause holding the trigger is hashed; a document-level `require` finding
//! with no trigger (a rule without `when`, or one forced by front matter `require:`) hashes
//! nothing: it is keyed by the file alone and survives any edit until the rule stops firing.
//! A finding outside every clause (a party missing from the signature block, a suppression
//! comment) hashes its own line.
//!
//! The baseline is filtered *after* overlapping findings are resolved: it records what was
//! reported, so that the same drafts report nothing new. (Taking baselined findings out
//! before the overlap policy would let a finding the baselined one had hidden surface as
//! new.) Paths in a baseline file are relative to the baseline file's folder, so a run from
//! another folder still matches.

use std::collections::HashMap;
use std::io::Write;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::diagnostic::Diagnostic;
use crate::document::Document;
use crate::emit::stable_hash;
use crate::rules::{Kind, RuleSet, Unit};

/// The identity of a finding within its file.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Key {
    pub rule: String,
    /// Hash of the normalised text of the flagged clause (empty: the file itself).
    pub clause: String,
    /// Order among the same rule's findings in the same clause.
    pub index: usize,
}

/// Whitespace runs collapsed to one space, ends trimmed: re-wrapping a paragraph or moving
/// it does not change its key.
pub fn normalise(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn short_hash(text: &str) -> String {
    stable_hash(&[text])[..16].to_string()
}

/// Is this a document-level `require` finding with no trigger?
fn untriggered(doc: &Document, rules: &RuleSet, d: &Diagnostic) -> bool {
    let mut same = rules
        .rules
        .iter()
        .filter(|r| r.id == d.rule && r.kind == Kind::Require);
    let Some(rule) = same.next() else {
        return false;
    };
    if rule.when.is_empty() {
        return matches!(rule.unit, Unit::Document);
    }
    if !matches!(rule.unit, Unit::Document) {
        return false;
    }
    // Forced by front matter: a trigger covers the finding's span if one matches there.
    let line = doc.source.line_index().line_of(d.span.start);
    let range = doc.source.line_index().line_range(doc.text(), line);
    let hay = &doc.scan[range.clone()];
    !rule.when.iter().any(|p| {
        p.regex.captures_iter(hay).any(|c| {
            let m = c.name("at").unwrap_or_else(|| c.get(0).unwrap());
            range.start + m.start() <= d.span.start && d.span.end <= range.start + m.end()
        })
    })
}

/// The key of every finding of a file, parallel to `diags` (sorted by position).
pub fn keys(doc: &Document, rules: &RuleSet, diags: &[Diagnostic]) -> Vec<Key> {
    let idx = doc.source.line_index();
    let text = doc.text();
    // (rule, anchor) → next index, where the anchor is the clause index or the line.
    let mut counters: HashMap<(String, Anchor), usize> = HashMap::new();
    // anchor → hash of its normalised text, computed once: a long clause with many findings
    // would otherwise be normalised once per finding (quadratic).
    let mut hashes: HashMap<Anchor, String> = HashMap::new();
    let mut out = Vec::with_capacity(diags.len());
    for d in diags {
        let anchor = if d.rule.starts_with("meta/") {
            Anchor::Line(idx.line_of(d.span.start))
        } else if untriggered(doc, rules, d) {
            Anchor::File
        } else if let Some(c) = clause_of(doc, d.span.start) {
            Anchor::Clause(c)
        } else {
            Anchor::Line(idx.line_of(d.span.start))
        };
        let clause = hashes
            .entry(anchor)
            .or_insert_with(|| match anchor {
                Anchor::File => String::new(),
                Anchor::Clause(c) => short_hash(&normalise(&text[doc.clauses[c].span.clone()])),
                Anchor::Line(line) => short_hash(&normalise(&text[idx.line_range(text, line)])),
            })
            .clone();
        let n = counters.entry((d.rule.clone(), anchor)).or_insert(0);
        out.push(Key {
            rule: d.rule.clone(),
            clause,
            index: *n,
        });
        *n += 1;
    }
    out
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Anchor {
    Clause(usize),
    Line(usize),
    File,
}

/// The innermost clause whose span holds `at` (an empty table cell holds its position).
fn clause_of(doc: &Document, at: usize) -> Option<usize> {
    doc.clauses_touching(at, at)
        .into_iter()
        .map(|i| (i, &doc.clauses[i]))
        .filter(|(_, c)| c.span.start <= at && (at < c.span.end || c.span.start == c.span.end))
        .filter(|(_, c)| c.span.start != c.span.end || c.span.start == at)
        .min_by_key(|(_, c)| c.span.len())
        .map(|(i, _)| i)
}

/// Fingerprints for GitLab and SARIF: the key plus the occurrence among equal keys in the
/// file, so that two identical clauses get different fingerprints by their order.
pub fn fingerprints(path: &str, keys: &[Key]) -> Vec<String> {
    let mut seen: HashMap<&Key, usize> = HashMap::new();
    keys.iter()
        .map(|k| {
            let n = seen.entry(k).or_insert(0);
            let fp = stable_hash(&[
                path,
                &k.rule,
                &k.clause,
                &k.index.to_string(),
                &n.to_string(),
            ]);
            *n += 1;
            fp
        })
        .collect()
}

/// One recorded finding. `message` is for the reader of the file and takes no part in
/// matching.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq, PartialOrd, Ord)]
#[serde(deny_unknown_fields)]
pub struct Entry {
    pub path: String,
    pub rule: String,
    pub clause: String,
    pub index: usize,
    #[serde(default)]
    pub message: String,
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    #[serde(rename = "clauselint-baseline")]
    version: u32,
    entries: Vec<Entry>,
}

const VERSION: u32 = 1;

/// The path of a draft as a baseline records it: relative to the baseline's folder, with
/// `/` separators.
pub fn key_path(baseline_dir: &Path, draft_abs: &Path) -> String {
    let rel = relative(baseline_dir, draft_abs);
    let s = rel.to_string_lossy().to_string();
    if std::path::MAIN_SEPARATOR == '\\' {
        s.replace('\\', "/")
    } else {
        s
    }
}

/// `to` relative to the folder `from` (both absolute and normalised), lexically.
fn relative(from: &Path, to: &Path) -> PathBuf {
    let f: Vec<_> = from.components().collect();
    let t: Vec<_> = to.components().collect();
    let common = f.iter().zip(&t).take_while(|(a, b)| a == b).count();
    if common == 0 {
        return to.to_path_buf();
    }
    let mut out = PathBuf::new();
    for _ in common..f.len() {
        out.push("..");
    }
    for c in &t[common..] {
        out.push(c.as_os_str());
    }
    out
}

/// A baseline read from disk: entries per path, as a multiset.
#[derive(Debug, Default)]
pub struct Baseline {
    /// Absolute folder of the baseline file.
    pub dir: PathBuf,
    by_path: HashMap<String, Vec<Entry>>,
}

impl Baseline {
    pub fn read(path: &Path, abs_dir: PathBuf) -> Result<Baseline, String> {
        let text = std::fs::read_to_string(path)
            .map_err(|e| format!("cannot read baseline {}: {e}", path.display()))?;
        let file: File = serde_json::from_str(&text)
            .map_err(|e| format!("{}: not a clauselint baseline: {e}", path.display()))?;
        if file.version != VERSION {
            return Err(format!(
                "{}: baseline version {} is not supported (expected {VERSION}); write it again with --write-baseline",
                path.display(),
                file.version
            ));
        }
        let mut by_path: HashMap<String, Vec<Entry>> = HashMap::new();
        for e in file.entries {
            by_path.entry(e.path.clone()).or_default().push(e);
        }
        Ok(Baseline {
            dir: abs_dir,
            by_path,
        })
    }

    /// Which findings of one file the baseline holds (`true`: baselined, not to be
    /// reported), and the file's entries that matched nothing (stale).
    pub fn filter(&self, path: &str, keys: &[Key]) -> (Vec<bool>, Vec<Entry>) {
        let Some(entries) = self.by_path.get(path) else {
            return (vec![false; keys.len()], Vec::new());
        };
        let mut left: Vec<Option<&Entry>> = entries.iter().map(Some).collect();
        let mut hit = Vec::with_capacity(keys.len());
        for k in keys {
            let found = left.iter_mut().find(|e| {
                e.is_some_and(|e| e.rule == k.rule && e.clause == k.clause && e.index == k.index)
            });
            match found {
                Some(slot) => {
                    *slot = None;
                    hit.push(true);
                }
                None => hit.push(false),
            }
        }
        (hit, left.into_iter().flatten().cloned().collect())
    }
}

/// Write a baseline (sorted, so that it diffs well).
pub fn write(path: &Path, mut entries: Vec<Entry>) -> std::io::Result<()> {
    entries.sort();
    let file = File {
        version: VERSION,
        entries,
    };
    let mut w = std::io::BufWriter::new(std::fs::File::create(path)?);
    serde_json::to_writer_pretty(&mut w, &file)?;
    w.write_all(b"\n")?;
    w.flush()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check::check;
    use crate::source::Source;

    fn keys_of(text: &str) -> Vec<Key> {
        let rules = RuleSet::embedded();
        let src = Source::new("a.md", text);
        let doc = Document::parse(&src).unwrap();
        let d = check(&doc, &rules);
        keys(&doc, &rules, &d)
    }

    #[test]
    fn keys_ignore_lines_but_not_the_clause() {
        let a = keys_of("# 合同\n\n甲方应尽快支付。\n\n乙方：____\n");
        let b = keys_of("# 合同\n\n新增一条。\n\n另一条。\n\n甲方应尽快支付。\n\n乙方：____\n");
        assert_eq!(a, b);
        let c = keys_of("# 合同\n\n甲方应尽快付清全部款项。\n\n乙方：____\n");
        assert_ne!(a[0], c[0]);
        assert_eq!(a[1], c[1]);
    }

    #[test]
    fn identical_clauses_share_a_key_and_get_distinct_fingerprints() {
        let k = keys_of("甲方：____\n\n甲方：____\n");
        assert_eq!(k.len(), 2);
        assert_eq!(k[0], k[1]);
        let fp = fingerprints("a.md", &k);
        assert_ne!(fp[0], fp[1]);
        assert_eq!(fp, fingerprints("a.md", &k));
        assert_ne!(fp, fingerprints("b.md", &k));
    }

    #[test]
    fn two_findings_in_one_clause_are_ordered() {
        let k = keys_of("甲方：____ 乙方：____\n");
        assert_eq!((k[0].index, k[1].index), (0, 1));
        assert_eq!(k[0].clause, k[1].clause);
    }

    #[test]
    fn relative_paths() {
        assert_eq!(key_path(Path::new("/r"), Path::new("/r/a/b.md")), "a/b.md");
        assert_eq!(
            key_path(Path::new("/r/ci"), Path::new("/r/a/b.md")),
            "../a/b.md"
        );
    }
}
