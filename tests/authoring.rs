//! The rule-authoring commands: `validate`, `test`, `explain`, `rules`, `schema`.

use assert_cmd::Command;
use predicates::prelude::*;

fn cmd() -> Command {
    let mut c = Command::cargo_bin("clauselint").unwrap();
    c.current_dir(env!("CARGO_MANIFEST_DIR"));
    c.env_remove("NO_COLOR").env_remove("CLICOLOR_FORCE");
    c
}

fn stdout_of(args: &[&str]) -> (i32, String) {
    let out = cmd().args(args).output().unwrap();
    (
        out.status.code().unwrap(),
        String::from_utf8(out.stdout).unwrap(),
    )
}

#[test]
fn validate_the_default_packs_is_clean() {
    cmd()
        .args(["validate", "rules/"])
        .assert()
        .code(0)
        .stdout("")
        .stderr(predicate::str::contains("2 packs, ").and(predicate::str::contains("no problems")));
}

#[test]
fn validate_points_a_misspelled_key_at_its_line_and_column() {
    cmd()
        .args(["validate", "tests/data/packs/unknown-key.yaml"])
        .assert()
        .code(2)
        .stdout(predicate::str::contains(
            "unknown field `mesage`, did you mean `message`",
        ))
        .stdout(predicate::str::contains(
            "┌─ tests/data/packs/unknown-key.yaml:6:5",
        ))
        .stdout(predicate::str::contains(
            "6 │     mesage: 未填写\n  │     ^^^^^^",
        ));
}

#[test]
fn validate_points_a_broken_regex_at_the_bad_part() {
    // `    pattern: '应在(期限待定'`: the unclosed `(` is the 17th character.
    cmd()
        .args(["validate", "--format", "short", "tests/data/packs/broken-regex.yaml"])
        .assert()
        .code(2)
        .stdout(predicate::str::contains(
            "tests/data/packs/broken-regex.yaml:7:17: error[rules]: rules[0].pattern: invalid regex: unclosed group",
        ));
}

#[test]
fn validate_fails_when_a_bad_example_does_not_fire() {
    let (code, out) = stdout_of(&["validate", "tests/data/packs/silent-example.yaml"]);
    assert_eq!(code, 2, "{out}");
    assert!(
        out.contains("error[rules]: bad example 1 does not produce a `blank/tbd-zh` finding"),
        "{out}"
    );
    // The example is underlined, and the key that silences it is named.
    assert!(
        out.contains("┌─ tests/data/packs/silent-example.yaml:11:13"),
        "{out}"
    );
    assert!(
        out.contains("`when` does not match the example, so the rule does not look at it"),
        "{out}"
    );
    assert!(out.contains(" 9 │     when: '付款'"), "{out}");
}

#[test]
fn validate_reports_every_problem_of_a_pack() {
    let (code, out) = stdout_of(&[
        "validate",
        "--format",
        "short",
        "tests/data/packs/many-problems.yaml",
    ]);
    assert_eq!(code, 2);
    let lines: Vec<&str> = out.lines().collect();
    let p = "tests/data/packs/many-problems.yaml";
    let expected = [
        format!("{p}:7:5: error[rules]: rules[0]: unknown field `mesage`, did you mean `message`?"),
        format!("{p}:14:17: error[rules]: rules[1].pattern: invalid regex: unclosed group"),
        format!("{p}:17:9: error[rules]: rules[2].id: rule id `Blank_Mask` does not follow the `category/name` convention"),
        format!("{p}:27:5: error[rules]: rules[3]: key `fields` does not belong to a `forbid` rule"),
        format!("{p}:30:9: error[rules]: rule `blank/unsure` has no examples"),
        format!("{p}:35:9: error[rules]: rules[5].id: duplicate rule id `blank/tbd-zh`"),
    ];
    assert_eq!(lines.len(), expected.len(), "{out}");
    for (l, e) in lines.iter().zip(&expected) {
        assert!(l.starts_with(e.as_str()), "expected {e}\n     got {l}");
    }
}

#[test]
fn validate_checks_ids_against_the_default_packs_unless_told_not_to() {
    cmd()
        .args(["validate", "tests/data/packs/duplicate-id.yaml"])
        .assert()
        .code(2)
        .stdout(predicate::str::contains(
            "duplicate rule id `blank/underscore`",
        ))
        .stdout(predicate::str::contains(
            "already defined in pack `zh-contract`",
        ));
    let (code, out) = stdout_of(&[
        "validate",
        "--no-default-rules",
        "--format",
        "short",
        "tests/data/packs/duplicate-id.yaml",
    ]);
    assert_eq!(code, 2);
    assert!(!out.contains("duplicate rule id"), "{out}");
    assert!(out.contains("has no examples"), "{out}");
}

#[test]
fn validate_json_and_unreadable_packs() {
    let (code, out) = stdout_of(&[
        "validate",
        "--format",
        "json",
        "tests/data/packs/unknown-key.yaml",
    ]);
    assert_eq!(code, 2);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    let typo = v
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["message"].as_str().unwrap().contains("mesage"))
        .unwrap();
    assert_eq!(
        (typo["line"].as_u64(), typo["column"].as_u64()),
        (Some(6), Some(5))
    );
    cmd()
        .args(["validate", "no/such/pack.yaml"])
        .assert()
        .code(2)
        .stdout(predicate::str::contains("no/such/pack.yaml"));
    let dir = tempfile::tempdir().unwrap();
    cmd()
        .args(["validate"])
        .arg(dir.path())
        .assert()
        .code(2)
        .stdout(predicate::str::contains("no rule packs"));
}

#[test]
fn explain_shows_the_rule_and_runs_its_examples() {
    let (code, out) = stdout_of(&["explain", "blank/underscore"]);
    assert_eq!(code, 0, "{out}");
    for needle in [
        "blank/underscore: 未填写的空白",
        "kind:             forbid",
        "severity:         error",
        "pack:             zh-contract (rules/zh.yaml)",
        "下划线空白",
        "bad example 1: reported\nerror[blank/underscore]: 未填写的空白\n  ┌─ bad example 1:1:6",
        "good example 1: clean",
        // The English rule with the same id is explained too.
        "blank/underscore: unfilled blank",
        "error[blank/underscore]: unfilled blank",
    ] {
        assert!(out.contains(needle), "no {needle:?} in\n{out}");
    }
}

#[test]
fn explain_unknown_ids_get_a_suggestion() {
    cmd()
        .args(["explain", "blank/underscor"])
        .assert()
        .code(2)
        .stdout("")
        .stderr(predicate::str::contains(
            "unknown rule `blank/underscor`; did you mean `blank/underscore`?",
        ));
    cmd()
        .args(["explain", "deadline"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "`deadline` is a category, not a rule; its rules: deadline/missing, deadline/vague",
        ));
    cmd()
        .args(["explain", "zzz/qqq"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("`clauselint rules` lists"));
}

#[test]
fn explain_says_when_an_example_misbehaves() {
    let (code, out) = stdout_of(&[
        "explain",
        "--rules",
        "tests/data/packs/silent-example.yaml",
        "--no-default-rules",
        "blank/tbd-zh",
    ]);
    assert_eq!(code, 0);
    assert!(
        out.contains("bad example 1: NOT reported, but it should be: `when` does not match"),
        "{out}"
    );
}
