//! The command line: exit codes, formats, colour, stdin, rule packs.

use assert_cmd::Command;
use predicates::prelude::*;

fn cmd() -> Command {
    let mut c = Command::cargo_bin("clauselint").unwrap();
    c.current_dir(env!("CARGO_MANIFEST_DIR"));
    c.env_remove("NO_COLOR").env_remove("CLICOLOR_FORCE");
    c
}

#[test]
fn filled_draft_exits_zero_with_no_output() {
    cmd()
        .args(["check", "fixtures/zh/filled.md"])
        .assert()
        .code(0)
        .stdout("")
        .stderr(predicate::str::contains("0 errors, 0 warnings in 1 file"));
}

#[test]
fn findings_exit_one_and_summary_goes_to_stderr() {
    cmd()
        .args(["check", "fixtures/zh/template-unfilled.md"])
        .assert()
        .code(1)
        .stdout(predicate::str::contains(
            "error[blank/underscore]: 未填写的空白",
        ))
        .stderr(predicate::str::contains("27 errors, 0 warnings in 1 file"));
}

#[test]
fn warnings_fail_only_with_fail_on_warning() {
    cmd()
        .args(["check", "fixtures/zh/defect-deadline-vague.md"])
        .assert()
        .code(0)
        .stdout(predicate::str::contains("warning[deadline/vague]"));
    cmd()
        .args([
            "check",
            "--fail-on",
            "warning",
            "fixtures/zh/defect-deadline-vague.md",
        ])
        .assert()
        .code(1);
}

#[test]
fn short_format_is_one_line_per_finding() {
    let out = cmd()
        .args([
            "check",
            "--format",
            "short",
            "fixtures/zh/defect-seal-blank.md",
        ])
        .assert()
        .code(1)
        .get_output()
        .stdout
        .clone();
    let s = String::from_utf8(out).unwrap();
    assert_eq!(s.lines().count(), 1);
    assert!(s.starts_with("fixtures/zh/defect-seal-blank.md:91:"), "{s}");
    assert!(s.contains(": error[signature/unfilled]: "), "{s}");
}

#[test]
fn json_format_has_the_documented_fields() {
    let out = cmd()
        .args([
            "check",
            "--format",
            "json",
            "fixtures/zh/template-unfilled.md",
        ])
        .assert()
        .code(1)
        .get_output()
        .stdout
        .clone();
    let v: serde_json::Value = serde_json::from_slice(&out).unwrap();
    let arr = v.as_array().unwrap();
    assert_eq!(arr.len(), 27);
    let first = &arr[0];
    for k in [
        "path",
        "rule",
        "severity",
        "message",
        "help",
        "line",
        "column",
        "end_line",
        "end_column",
        "byte_start",
        "byte_end",
        "labels",
    ] {
        assert!(first.get(k).is_some(), "missing {k}");
    }
    // `- 姓名/名称:______________________` : the blank starts after 9 characters.
    assert_eq!(first["line"], 6);
    assert_eq!(first["column"], 9);
    assert_eq!(first["end_column"], 31);
    let text = std::fs::read_to_string("fixtures/zh/template-unfilled.md").unwrap();
    let (s, e) = (
        first["byte_start"].as_u64().unwrap() as usize,
        first["byte_end"].as_u64().unwrap() as usize,
    );
    assert_eq!(&text[s..e], "______________________");
}

#[test]
fn json_on_a_clean_file_is_an_empty_array() {
    cmd()
        .args(["check", "--format", "json", "fixtures/zh/filled.md"])
        .assert()
        .code(0)
        .stdout("[]\n");
}

#[test]
fn colour_follows_flag_and_no_color() {
    let colored = cmd()
        .args([
            "check",
            "--color",
            "always",
            "fixtures/zh/defect-seal-blank.md",
        ])
        .assert()
        .get_output()
        .stdout
        .clone();
    assert!(colored.contains(&0x1b), "expected ANSI escapes");
    let plain = cmd()
        .env("NO_COLOR", "1")
        .env("CLICOLOR_FORCE", "1")
        .args(["check", "fixtures/zh/defect-seal-blank.md"])
        .assert()
        .get_output()
        .stdout
        .clone();
    assert!(
        !plain.contains(&0x1b),
        "NO_COLOR must win with --color auto"
    );
    let forced = cmd()
        .env("CLICOLOR_FORCE", "1")
        .args(["check", "fixtures/zh/defect-seal-blank.md"])
        .assert()
        .get_output()
        .stdout
        .clone();
    assert!(
        forced.contains(&0x1b),
        "CLICOLOR_FORCE forces colour when not a terminal"
    );
}

#[test]
fn stdin_with_a_filename() {
    cmd()
        .args([
            "check",
            "--format",
            "short",
            "--stdin-filename",
            "draft.md",
            "-",
        ])
        .write_stdin("甲方：____\n")
        .assert()
        .code(1)
        .stdout(predicate::str::starts_with(
            "draft.md:1:4: error[blank/underscore]",
        ));
}

#[test]
fn directories_are_walked_in_sorted_order() {
    let out = cmd()
        .args(["check", "--format", "short", "fixtures/"])
        .assert()
        .code(1)
        .get_output()
        .stdout
        .clone();
    let s = String::from_utf8(out).unwrap();
    let paths: Vec<&str> = s.lines().map(|l| l.split(':').next().unwrap()).collect();
    let mut sorted = paths.clone();
    sorted.sort();
    assert_eq!(paths, sorted);
    assert!(paths.iter().any(|p| p.starts_with("fixtures/en/")));
    assert!(paths.iter().any(|p| p.starts_with("fixtures/zh/")));
}

#[test]
fn an_unreadable_path_is_reported_and_the_rest_still_checked() {
    cmd()
        .args([
            "check",
            "--format",
            "short",
            "no/such/file.md",
            "fixtures/zh/defect-seal-blank.md",
        ])
        .assert()
        .code(2)
        .stdout(predicate::str::contains("defect-seal-blank.md:91:"))
        .stderr(predicate::str::contains("no/such/file.md"));
}

#[test]
fn gb18030_drafts_are_decoded_and_positions_are_in_decoded_text() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("gbk.md");
    let (bytes, _, _) = encoding_rs::GB18030.encode("甲方应支付服务费用。\n\n联系电话：____\n");
    std::fs::write(&p, &bytes).unwrap();
    cmd()
        .args(["check", "--format", "short"])
        .arg(&p)
        .assert()
        .code(1)
        .stdout(predicate::str::contains(":3:6: error[blank/underscore]"));
}

#[test]
fn undecodable_input_is_a_file_error_and_binary_is_skipped() {
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("bad.md");
    std::fs::write(&bad, [0xbc, 0xd7, 0xff, 0xff]).unwrap();
    cmd()
        .args(["check", "--encoding", "utf-8"])
        .arg(&bad)
        .arg("fixtures/zh/filled.md")
        .assert()
        .code(2)
        .stderr(predicate::str::contains("cannot decode the file as UTF-8"));
    let bin = dir.path().join("image.md");
    std::fs::write(&bin, [0x89, b'P', b'N', b'G', 0, 0, 0, 1]).unwrap();
    cmd()
        .args(["check"])
        .arg(&bin)
        .arg("fixtures/zh/filled.md")
        .assert()
        .code(0)
        .stderr(predicate::str::contains("binary file"));
    cmd()
        .args(["check", "--encoding", "klingon", "fixtures/zh/filled.md"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("unknown encoding"));
}

#[test]
fn office_formats_get_a_clear_error() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("draft.docx");
    std::fs::write(&p, b"PK\x03\x04").unwrap();
    cmd()
        .args(["check"])
        .arg(&p)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("not supported yet"));
}

#[test]
fn unknown_key_in_a_pack_points_at_its_yaml_line() {
    cmd()
        .args([
            "check",
            "--rules",
            "tests/data/packs/unknown-key.yaml",
            "fixtures/zh/filled.md",
        ])
        .assert()
        .code(2)
        .stdout("")
        .stderr(predicate::str::contains(
            "unknown field `mesage`, did you mean `message`?",
        ))
        .stderr(predicate::str::contains(
            "tests/data/packs/unknown-key.yaml:6:5",
        ));
}

#[test]
fn broken_regex_points_at_the_bad_part_of_the_pattern() {
    cmd()
        .args([
            "check",
            "--rules",
            "tests/data/packs/broken-regex.yaml",
            "fixtures/zh/filled.md",
        ])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("invalid regex: unclosed group"))
        .stderr(predicate::str::contains(
            "tests/data/packs/broken-regex.yaml:7:17",
        ));
}

#[test]
fn key_of_another_kind_and_duplicate_ids_are_rejected() {
    cmd()
        .args([
            "check",
            "--rules",
            "tests/data/packs/wrong-kind-key.yaml",
            "fixtures/zh/filled.md",
        ])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "key `fields` does not belong to a `forbid` rule",
        ))
        .stderr(predicate::str::contains("wrong-kind-key.yaml:7:5"));
    cmd()
        .args([
            "check",
            "--rules",
            "tests/data/packs/duplicate-id.yaml",
            "fixtures/zh/filled.md",
        ])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "duplicate rule id `blank/underscore`",
        ));
}

#[test]
fn a_new_forbid_rule_is_yaml_only() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("d.md");
    std::fs::write(&p, "付款方式：待定\n").unwrap();
    cmd()
        .args([
            "check",
            "--format",
            "short",
            "--no-default-rules",
            "--rules",
            "tests/data/packs/house.yaml",
        ])
        .arg(&p)
        .assert()
        .code(0)
        .stdout(predicate::str::contains("warning[blank/tbd-zh]: 内容待定"));
}

#[test]
fn rules_lists_every_loaded_rule() {
    cmd()
        .args(["rules"])
        .assert()
        .code(0)
        .stdout(predicate::str::contains("signature/unfilled"))
        .stdout(predicate::str::contains("precedence/reversed"));
    let out = cmd()
        .args(["rules", "--format", "json", "--category", "deadline"])
        .assert()
        .code(0)
        .get_output()
        .stdout
        .clone();
    let v: serde_json::Value = serde_json::from_slice(&out).unwrap();
    assert!(v
        .as_array()
        .unwrap()
        .iter()
        .all(|r| r["id"].as_str().unwrap().starts_with("deadline/")));
    assert_eq!(v.as_array().unwrap().len(), 4);
}

#[test]
fn usage_errors_exit_two() {
    cmd().args(["check", "--format", "xml"]).assert().code(2);
    cmd().args(["frobnicate"]).assert().code(2);
}

const TEMPLATE: &str = "templates/after-sales-termination.zh-Hans.md";

#[test]
fn template_flag_compares_every_draft_with_the_template() {
    cmd()
        .args(["check", "--template", TEMPLATE, "fixtures/zh/filled.md"])
        .assert()
        .code(0)
        .stdout("");
    cmd()
        .args([
            "check",
            "--template",
            TEMPLATE,
            "fixtures/zh/defect-precedence-reversed.md",
        ])
        .assert()
        .code(1)
        .stdout(predicate::str::contains("error[template/changed]"))
        .stdout(predicate::str::contains("error[precedence/reversed]"))
        .stdout(predicate::str::contains(
            "┌─ templates/after-sales-termination.zh-Hans.md:80:76",
        ))
        .stdout(predicate::str::contains("- 以补充协议为准"))
        .stdout(predicate::str::contains("+ 以本协议为准"));
}

#[test]
fn template_findings_in_json_carry_the_template_path_and_span() {
    let out = cmd()
        .args([
            "check",
            "--format",
            "json",
            "--template",
            TEMPLATE,
            "fixtures/zh/defect-precedence-reversed.md",
        ])
        .assert()
        .code(1)
        .get_output()
        .stdout
        .clone();
    let v: serde_json::Value = serde_json::from_slice(&out).unwrap();
    let t = v
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["rule"] == "template/changed")
        .unwrap();
    assert_eq!(t["template_path"], TEMPLATE);
    assert_eq!(t["template_span"]["line"], 80);
    assert_eq!(t["labels"][0]["path"], TEMPLATE);
    let text = std::fs::read_to_string(TEMPLATE).unwrap();
    let (s, e) = (
        t["template_span"]["byte_start"].as_u64().unwrap() as usize,
        t["template_span"]["byte_end"].as_u64().unwrap() as usize,
    );
    assert_eq!(&text[s..e], "补充协议");
    // Findings of the rules have neither field.
    let r = v
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["rule"] == "precedence/reversed")
        .unwrap();
    assert!(r.get("template_path").is_none());
}

#[test]
fn template_errors_exit_two() {
    cmd()
        .args(["check", "--template", "no/such.md", "fixtures/zh/filled.md"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("no such file"));
    cmd()
        .args([
            "check",
            "--no-default-rules",
            "--rules",
            "tests/data/packs/house.yaml",
            "--template",
            TEMPLATE,
            "fixtures/zh/filled.md",
        ])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("no template rules are loaded"));
    // A draft of another contract: one clear error, not a finding per clause.
    cmd()
        .args([
            "check",
            "--template",
            TEMPLATE,
            "fixtures/zh/lease-filled.md",
        ])
        .assert()
        .code(2)
        .stdout("")
        .stderr(predicate::str::contains("does not follow template"));
}

#[test]
fn a_front_matter_template_that_is_missing_is_an_error_but_rules_still_report() {
    let dir = tempfile::tempdir().unwrap();
    let draft = dir.path().join("d.md");
    std::fs::write(
        &draft,
        "---\ntemplate: nowhere.md\n---\n# 合同\n\n联系电话：____\n",
    )
    .unwrap();
    cmd()
        .args(["check", "--format", "short"])
        .arg(&draft)
        .assert()
        .code(2)
        .stdout(predicate::str::contains("blank/underscore"))
        .stderr(predicate::str::contains("template `nowhere.md` not found"));
}

#[test]
fn a_template_free_selector_that_names_nothing_is_an_error() {
    let dir = tempfile::tempdir().unwrap();
    let draft = dir.path().join("d.md");
    let filled = std::fs::read_to_string("fixtures/zh/filled.md").unwrap();
    let root = env!("CARGO_MANIFEST_DIR");
    std::fs::write(
        &draft,
        format!("---\ntemplate: {root}/{TEMPLATE}\ntemplate-free: [八、附则]\n---\n{filled}"),
    )
    .unwrap();
    cmd()
        .args(["check"])
        .arg(&draft)
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "template-free `八、附则` names no heading",
        ));
}

#[test]
fn template_rules_are_listed_and_read_from_stdin_too() {
    let out = cmd()
        .args(["rules", "--format", "json", "--category", "template"])
        .assert()
        .code(0)
        .get_output()
        .stdout
        .clone();
    let v: serde_json::Value = serde_json::from_slice(&out).unwrap();
    let ids: Vec<&str> = v
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["id"].as_str().unwrap())
        .collect();
    for id in [
        "template/deleted",
        "template/inserted",
        "template/changed",
        "template/moved",
    ] {
        assert_eq!(
            ids.iter().filter(|i| **i == id).count(),
            2,
            "{id}: zh and en"
        );
    }
    let text = std::fs::read_to_string("fixtures/zh/defect-precedence-reversed.md").unwrap();
    cmd()
        .args([
            "check",
            "--format",
            "short",
            "--template",
            TEMPLATE,
            "--stdin-filename",
            "draft.md",
            "-",
        ])
        .write_stdin(text)
        .assert()
        .code(1)
        .stdout(predicate::str::contains(
            "draft.md:82:76: error[template/changed]",
        ));
}
