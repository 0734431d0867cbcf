//! Helpers shared by the integration tests (each test file is its own crate and uses a
//! part of them).
#![allow(dead_code)]

use std::path::{Path, PathBuf};

use assert_cmd::Command;
use clauselint::rules::RuleSet;
use clauselint::source::Source;

pub const ROOT: &str = env!("CARGO_MANIFEST_DIR");

/// The binary, run in `dir`, with no colour or CI variables inherited.
pub fn cl(dir: &Path) -> Command {
    let mut c = Command::cargo_bin("clauselint").unwrap();
    c.current_dir(dir);
    for v in [
        "NO_COLOR",
        "CLICOLOR_FORCE",
        "GITHUB_STEP_SUMMARY",
        "RAYON_NUM_THREADS",
    ] {
        c.env_remove(v);
    }
    c
}

/// Write `bytes` to `dir/rel`, creating its folders.
pub fn write(dir: &Path, rel: &str, bytes: impl AsRef<[u8]>) -> PathBuf {
    let p = dir.join(rel);
    std::fs::create_dir_all(p.parent().unwrap()).unwrap();
    std::fs::write(&p, bytes).unwrap();
    p
}

/// Every `.md` file below `dir` (relative to the repository), sorted, skipping folders
/// named in `skip`.
pub fn md_files(dir: &str, skip: &[&str]) -> Vec<PathBuf> {
    fn walk(dir: &Path, skip: &[&str], out: &mut Vec<PathBuf>) {
        let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().path())
            .collect();
        entries.sort();
        for p in entries {
            if p.is_dir() {
                if !p.file_name().is_some_and(|n| skip.iter().any(|s| n == *s)) {
                    walk(&p, skip, out);
                }
            } else if p.extension().is_some_and(|e| e == "md") {
                out.push(p);
            }
        }
    }
    let mut v = Vec::new();
    walk(&Path::new(ROOT).join(dir), skip, &mut v);
    v
}

/// (rule, line, column, end line, end column) of every finding, with the default rules.
pub fn positions(src: &Source) -> Vec<(String, usize, usize, usize, usize)> {
    let rules = RuleSet::embedded();
    clauselint::check_source(src, &rules)
        .unwrap()
        .into_iter()
        .map(|d| {
            let (l, c) = src.line_col(d.span.start);
            let (el, ec) = src.line_col(d.span.end);
            (d.rule, l, c, el, ec)
        })
        .collect()
}
