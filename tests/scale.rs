//! Running over many files (issue 7): `--shard I/N` splits a run with nothing checked twice
//! or missed, `--threads` changes nothing in the output, and output streams in path order.

use std::collections::BTreeSet;

use assert_cmd::Command;
use predicates::prelude::*;

fn cmd() -> Command {
    let mut c = Command::cargo_bin("clauselint").unwrap();
    c.current_dir(env!("CARGO_MANIFEST_DIR"));
    c.env_remove("NO_COLOR").env_remove("CLICOLOR_FORCE");
    c
}

/// A folder with every fixture, a binary `.md` (skipped with a note) and a `.docx` (an
/// error when named), so that errors and notes are sharded too.
fn corpus() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures");
    let mut stack = vec![root.clone()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            } else {
                let to = dir
                    .path()
                    .join("drafts")
                    .join(p.strip_prefix(&root).unwrap());
                std::fs::create_dir_all(to.parent().unwrap()).unwrap();
                std::fs::copy(&p, to).unwrap();
            }
        }
    }
    std::fs::write(dir.path().join("drafts/scan.md"), b"\x89PNG\0\0\x01").unwrap();
    std::fs::write(dir.path().join("signed.docx"), b"PK\x03\x04").unwrap();
    dir
}

/// (stdout, stderr) of a check over the corpus.
fn run_in(dir: &std::path::Path, extra: &[&str]) -> (String, String) {
    let out = cmd()
        .current_dir(dir)
        .args(["check", "--format", "short", "drafts", "signed.docx"])
        .args(extra)
        .output()
        .unwrap();
    assert!(
        matches!(out.status.code(), Some(0..=2)),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    (
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
    )
}

fn lines(s: &str) -> Vec<String> {
    s.lines().map(str::to_string).collect()
}

/// `error: PATH: …` and `note: PATH: …` lines of stderr.
fn problems(stderr: &str) -> Vec<String> {
    stderr
        .lines()
        .filter(|l| l.starts_with("error: ") || l.starts_with("note: "))
        .map(str::to_string)
        .collect()
}

/// K of the summary line `N errors, M warnings in K files`.
fn files_checked(stderr: &str) -> usize {
    let re = regex::Regex::new(r"(?m)^\d+ errors?, \d+ warnings? in (\d+) files?$").unwrap();
    let c = re
        .captures(stderr)
        .unwrap_or_else(|| panic!("no summary line in {stderr}"));
    c[1].parse().unwrap()
}

#[test]
fn the_shards_together_are_the_whole_run() {
    let dir = corpus();
    let run = |extra: &[&str]| run_in(dir.path(), extra);
    let (all_out, all_err) = run(&[]);
    assert!(
        all_err.contains("note: ") && all_err.contains("error: "),
        "{all_err}"
    );
    let all_findings = lines(&all_out);
    assert!(
        all_findings.len() > 100,
        "too few findings to test sharding"
    );
    let total = files_checked(&all_err);
    for n in [1, 2, 3, 7] {
        let mut union: Vec<String> = Vec::new();
        let mut union_problems: Vec<String> = Vec::new();
        let mut files = 0;
        let mut seen: BTreeSet<String> = BTreeSet::new();
        for i in 1..=n {
            let (out, err) = run(&["--shard", &format!("{i}/{n}")]);
            files += files_checked(&err);
            // A file's findings all come from one shard.
            let paths: BTreeSet<String> = out
                .lines()
                .map(|l| l.split(':').next().unwrap().to_string())
                .collect();
            assert!(
                seen.is_disjoint(&paths),
                "shard {i}/{n} repeats a file of an earlier shard"
            );
            seen.extend(paths);
            union.extend(lines(&out));
            union_problems.extend(problems(&err));
        }
        assert_eq!(files, total, "{n} shards checked another number of files");
        union.sort();
        let mut expected = all_findings.clone();
        expected.sort();
        assert_eq!(union, expected, "the union of {n} shards");
        union_problems.sort();
        let mut expected = problems(&all_err);
        expected.sort();
        assert_eq!(
            union_problems, expected,
            "file errors and notes of {n} shards"
        );
    }
}

#[test]
fn sharding_is_stable_and_splits_the_files() {
    let dir = corpus();
    let run = |extra: &[&str]| run_in(dir.path(), extra);
    let a = run(&["--shard", "2/3"]);
    let b = run(&["--shard", "2/3"]);
    assert_eq!(a, b);
    let (_, all_err) = run(&[]);
    let total = files_checked(&all_err);
    let part = files_checked(&a.1);
    assert!(part > 0 && part < total, "{part} of {total}");
}

#[test]
fn bad_shards_are_usage_errors() {
    for bad in ["0/3", "4/3", "1/0", "2", "a/b", "1/-2"] {
        cmd()
            .args(["check", "--shard", bad, "fixtures"])
            .assert()
            .code(2)
            .stderr(predicate::str::contains("I/N"));
    }
    cmd()
        .args(["check", "--shard", "1/2", "-"])
        .write_stdin("甲方：\n")
        .assert()
        .code(2)
        .stderr(predicate::str::contains("stdin"));
}

#[test]
fn the_thread_count_changes_nothing() {
    let one = cmd()
        .args(["check", "--format", "json", "-j", "1", "fixtures"])
        .output()
        .unwrap();
    for j in ["2", "5"] {
        let many = cmd()
            .args(["check", "--format", "json", "--threads", j, "fixtures"])
            .output()
            .unwrap();
        assert_eq!(one.stdout, many.stdout, "--threads {j}");
        assert_eq!(one.stderr, many.stderr, "--threads {j}");
    }
}

#[test]
fn every_output_gets_every_file_in_path_order() {
    let dir = tempfile::tempdir().unwrap();
    let sarif = dir.path().join("out.sarif");
    let out = cmd()
        .args(["check", "--format", "short", "-j", "3", "fixtures"])
        .arg("--output-format")
        .arg(format!("sarif={}", sarif.display()))
        .output()
        .unwrap();
    let short = String::from_utf8(out.stdout).unwrap();
    let paths: Vec<&str> = short
        .lines()
        .map(|l| l.split(':').next().unwrap())
        .collect();
    let mut sorted = paths.clone();
    sorted.sort();
    assert_eq!(paths, sorted, "findings are in path order");
    let v: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&sarif).unwrap()).unwrap();
    let results = v["runs"][0]["results"].as_array().unwrap();
    assert_eq!(results.len(), short.lines().count());
}

#[test]
fn drafts_checked_in_tiny_parts_report_the_same() {
    let whole = cmd()
        .args(["check", "--format", "json", "fixtures", "tests/data"])
        .output()
        .unwrap();
    for size in ["1", "100"] {
        let parts = cmd()
            .args(["check", "--format", "json", "--chunk-size", size])
            .args(["fixtures", "tests/data"])
            .output()
            .unwrap();
        assert_eq!(
            String::from_utf8_lossy(&whole.stdout),
            String::from_utf8_lossy(&parts.stdout),
            "--chunk-size {size}"
        );
        assert_eq!(whole.status.code(), parts.status.code());
    }
}
