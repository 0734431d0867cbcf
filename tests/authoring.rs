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
        .stderr(predicate::str::contains("3 packs, ").and(predicate::str::contains("no problems")));
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

#[test]
fn test_passes_on_the_default_packs_and_their_test_files() {
    let (code, out) = stdout_of(&["test", "rules/"]);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("rules/zh.yaml (zh-contract)"), "{out}");
    let line =
        regex::Regex::new(r"PASS  blank/underscore +\d+ bad, \d+ good, 3 lines in zh.test.md")
            .unwrap();
    assert!(line.is_match(&out), "{out}");
    assert!(out.contains("1 line in zh.precedence.test.md"), "{out}");
    assert!(!out.contains("FAIL"), "{out}");
    let last = out.lines().last().unwrap();
    let re = regex::Regex::new(r"^\d+ passed, 0 failed$").unwrap();
    assert!(re.is_match(last), "last line: {last:?}");
}

#[test]
fn test_without_paths_runs_the_built_in_examples() {
    let (code, out) = stdout_of(&["test"]);
    assert_eq!(code, 0, "{out}");
    assert!(
        out.contains("rules/zh.yaml (zh-contract, built in)"),
        "{out}"
    );
    assert!(
        out.contains("rules/en.yaml (en-contract, built in)"),
        "{out}"
    );
}

/// The issue's "done when": a user writes a new `forbid` rule in their own repository,
/// tests it with `clauselint test`, and uses it with `--rules`, without touching Rust.
#[test]
fn a_user_writes_tests_and_uses_a_new_forbid_rule() {
    let repo = tempfile::tempdir().unwrap();
    let root = repo.path();
    std::fs::create_dir_all(root.join("rules")).unwrap();
    std::fs::create_dir_all(root.join("contracts")).unwrap();
    let pack = "\
pack: house-rules
lang: zh
rules:
  - id: blank/tbd-zh
    kind: forbid
    severity: error
    message: 内容待定
    help: 写明具体内容
    description: 合同条款写成“待定”“待补充”，说明双方还没有谈妥。
    pattern: '待定|待补充'
    examples:
      bad: ['付款方式：待定']
      good: ['付款方式：银行转账']
";
    std::fs::write(root.join("rules/house.yaml"), pack).unwrap();
    std::fs::write(
        root.join("rules/house.test.md"),
        "# 测试\n\n<!-- expect: blank/tbd-zh -->\n交付地点：待补充\n\n交付地点：杭州市余杭区\n",
    )
    .unwrap();
    std::fs::write(
        root.join("contracts/draft.md"),
        "# 采购合同\n\n1. 付款方式：银行转账。\n2. 交货日期：待定。\n",
    )
    .unwrap();
    let run = |args: &[&str]| {
        let mut c = Command::cargo_bin("clauselint").unwrap();
        c.current_dir(root)
            .env_remove("NO_COLOR")
            .env_remove("CLICOLOR_FORCE");
        let out = c.args(args).output().unwrap();
        (
            out.status.code().unwrap(),
            String::from_utf8(out.stdout).unwrap(),
            String::from_utf8(out.stderr).unwrap(),
        )
    };

    let (code, out, err) = run(&["validate", "rules/"]);
    assert_eq!(code, 0, "{out}{err}");

    let (code, out, _) = run(&["test", "rules/"]);
    assert_eq!(code, 0, "{out}");
    assert!(
        out.contains("PASS  blank/tbd-zh  1 bad, 1 good, 1 line in house.test.md"),
        "{out}"
    );
    assert_eq!(out.lines().last(), Some("1 passed, 0 failed"));

    let (code, out, _) = run(&["explain", "--rules", "rules/house.yaml", "blank/tbd-zh"]);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("bad example 1: reported"), "{out}");

    let (code, out, _) = run(&[
        "check",
        "--format",
        "short",
        "--rules",
        "rules/",
        "contracts/",
    ]);
    assert_eq!(code, 1, "{out}");
    assert!(
        out.contains("contracts/draft.md:4:9: error[blank/tbd-zh]: 内容待定"),
        "{out}"
    );

    // A finding on an unmarked line fails the test, and so does a bad example that the
    // pattern misses.
    std::fs::write(
        root.join("rules/house.test.md"),
        "# 测试\n\n<!-- expect: blank/tbd-zh -->\n交付地点：待补充\n\n验收标准：待定\n",
    )
    .unwrap();
    let (code, out, _) = run(&["test", "rules/"]);
    assert_eq!(code, 1, "{out}");
    assert!(
        out.contains("rules/house.test.md:6:6: unexpected `blank/tbd-zh`: 内容待定"),
        "{out}"
    );
    assert_eq!(out.lines().last(), Some("0 passed, 1 failed"));

    std::fs::write(
        root.join("rules/house.yaml"),
        pack.replace("'待定|待补充'", "'待补充'"),
    )
    .unwrap();
    let (code, out, _) = run(&["test", "rules/house.yaml"]);
    assert_eq!(code, 1, "{out}");
    assert!(
        out.contains("(zh) bad example 1 is not reported: `pattern` does not match the example"),
        "{out}"
    );
    let (code, out, _) = run(&["validate", "rules/house.yaml"]);
    assert_eq!(code, 2, "{out}");
    assert!(
        out.contains("bad example 1 does not produce a `blank/tbd-zh` finding"),
        "{out}"
    );
}

#[test]
fn test_files_with_wrong_expectations_fail_with_their_reason() {
    let dir = tempfile::tempdir().unwrap();
    let pack = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("rules/zh.yaml"),
    )
    .unwrap();
    std::fs::write(dir.path().join("zh.yaml"), pack).unwrap();
    std::fs::write(
        dir.path().join("zh.test.md"),
        "# t\n\n<!-- expect: deadline/vague -->\n联系电话：____\n\n<!-- expect: blank/undersore -->\n联系电话：____\n\n<!-- expect: blank/underscore -->\n",
    )
    .unwrap();
    std::fs::write(dir.path().join("orphan.test.md"), "# t\n").unwrap();
    let out = cmd().arg("test").arg(dir.path()).output().unwrap();
    let stdout = String::from_utf8(out.stdout).unwrap();
    let stderr = String::from_utf8(out.stderr).unwrap();
    // An orphan test file is an error (exit 2), never a silent pass.
    assert_eq!(out.status.code(), Some(2), "{stdout}{stderr}");
    assert!(
        stderr.contains("orphan.test.md: test file without a pack"),
        "{stderr}"
    );
    for needle in [
        "zh.test.md:4: expected `deadline/vague`, got `blank/underscore`",
        "zh.test.md:4:6: unexpected extra `blank/underscore`: 未填写的空白",
        "zh.test.md:6: `blank/undersore` is not a rule of this pack; did you mean `blank/underscore`?",
        "zh.test.md:7:6: unexpected extra `blank/underscore`",
        "zh.test.md:9: `expect:` must be directly above the line it speaks of",
    ] {
        assert!(stdout.contains(needle), "no {needle:?} in\n{stdout}");
    }
}

#[test]
fn rules_lists_packs_filters_by_category_and_prints_json_and_markdown() {
    let (code, out) = stdout_of(&["rules", "--category", "precedence"]);
    assert_eq!(code, 0);
    assert!(out.lines().next().unwrap().contains("pack"), "{out}");
    assert!(
        out.contains("precedence/reversed  forbid     error     zh     zh-contract"),
        "{out}"
    );
    assert_eq!(out.lines().count(), 5, "{out}");
    cmd()
        .args(["rules", "--category", "dedline"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("did you mean `deadline`?"));
    let (_, out) = stdout_of(&["rules", "--format", "json", "--category", "blank/tbd"]);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v[0]["pack"], "en-contract");
    assert_eq!(v[0]["examples"]["bad"][0], "Number of named users: TBD");
    let (code, out) = stdout_of(&["rules", "--format", "markdown"]);
    assert_eq!(code, 0);
    let committed = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/rules.md"),
    )
    .unwrap();
    assert_eq!(
        out, committed,
        "docs/rules.md is what `rules --format markdown` prints"
    );
}

#[test]
fn schema_prints_the_committed_schema() {
    let (code, out) = stdout_of(&["schema"]);
    assert_eq!(code, 0);
    let committed = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("rules/schema.json"),
    )
    .unwrap();
    assert_eq!(out, committed);
}

#[test]
fn an_unreadable_test_file_is_an_error_not_a_failure() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("house.yaml"),
        "pack: house\nlang: zh\nrules:\n  - id: blank/tbd-zh\n    kind: forbid\n    message: 内容待定\n    pattern: 待定\n    examples: {bad: ['付款方式：待定'], good: ['付款方式：转账']}\n",
    )
    .unwrap();
    // NUL bytes without a UTF-16 byte order mark: not a text file in any encoding.
    std::fs::write(dir.path().join("house.test.md"), [0x00, 0xd7, 0x3a, 0x5f]).unwrap();
    let out = cmd().arg("test").arg(dir.path()).output().unwrap();
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert_eq!(out.status.code(), Some(2), "{stdout}");
    assert!(stdout.contains("house.test.md"), "{stdout}");
    assert!(stdout.contains("binary file"), "{stdout}");
}
