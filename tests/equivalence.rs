//! The speed-ups of issue 7 change no finding: the literal prefilter only skips regexes
//! that cannot match, on every fixture and every example in the default packs.

use std::path::{Path, PathBuf};

use clauselint::document::Document;
use clauselint::rules::RuleSet;
use clauselint::source::Source;

fn fixture_files() -> Vec<PathBuf> {
    fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
        let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().path())
            .collect();
        entries.sort();
        for p in entries {
            if p.is_dir() {
                walk(&p, out);
            } else if p.extension().is_some_and(|e| e == "md") {
                out.push(p);
            }
        }
    }
    let mut v = Vec::new();
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    walk(&root.join("fixtures"), &mut v);
    walk(&root.join("tests/data"), &mut v);
    v
}

/// Every fixture, and every `examples` text of the default packs, as sources.
fn sources(rules: &RuleSet) -> Vec<Source> {
    let mut out: Vec<Source> = fixture_files()
        .iter()
        .map(|p| Source::read(p).unwrap())
        .collect();
    for r in &rules.rules {
        for (i, t) in r.examples.bad.iter().chain(&r.examples.good).enumerate() {
            out.push(Source::new(format!("{}#{i}", r.id), t.as_str()));
        }
    }
    out
}

#[test]
fn the_prefilter_changes_no_finding() {
    let rules = RuleSet::embedded();
    let srcs = sources(&rules);
    assert!(srcs.len() > 60);
    for src in &srcs {
        let Ok(doc) = Document::parse(src) else {
            continue;
        };
        let fast = clauselint::check::check(&doc, &rules);
        let slow = clauselint::check::check_without_prefilter(&doc, &rules);
        assert_eq!(fast, slow, "{}", src.path.display());
    }
}
