//! The CI surface (issue 4): output formats, config discovery, selection, walking,
//! suppressions, baseline, several outputs, empty runs, exit behaviour, determinism.

use std::path::Path;

use assert_cmd::Command;
use predicates::prelude::*;

mod common;
use common::{cl, write, ROOT};

fn repo() -> Command {
    cl(Path::new(ROOT))
}

fn stdout(c: &mut Command) -> String {
    String::from_utf8(c.output().unwrap().stdout).unwrap()
}

const SNAP_FILES: &[&str] = &[
    "fixtures/en/vague-deadlines.md",
    "fixtures/zh/defect-deadline-vague.md",
    "fixtures/zh/defect-seal-blank.md",
    "tests/data/ci/suppressions.md",
];

fn format_output(format: &str) -> String {
    let out = repo()
        .args(["check", "--format", format])
        .args(SNAP_FILES)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "{format}: {out:?}");
    String::from_utf8(out.stdout).unwrap()
}

macro_rules! format_snapshot {
    ($name:ident, $format:expr) => {
        #[test]
        fn $name() {
            insta::assert_snapshot!(format_output($format));
        }
    };
}

format_snapshot!(format_full, "full");
format_snapshot!(format_short, "short");
format_snapshot!(format_json, "json");
format_snapshot!(format_json_lines, "json-lines");
format_snapshot!(format_sarif, "sarif");
format_snapshot!(format_github, "github");
format_snapshot!(format_gitlab, "gitlab");
format_snapshot!(format_junit, "junit");
format_snapshot!(format_summary, "summary");

#[test]
fn statistics_is_the_summary_format() {
    let s = stdout(repo().args(["check", "--statistics"]).args(SNAP_FILES));
    assert_eq!(s, format_output("summary"));
}

#[test]
fn json_lines_has_the_json_records_one_per_line() {
    let arr: Vec<serde_json::Value> = serde_json::from_str(&format_output("json")).unwrap();
    let lines: Vec<serde_json::Value> = format_output("json-lines")
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(arr, lines);
}

// ---- SARIF

fn sarif_validator() -> jsonschema::Validator {
    let schema: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(Path::new(ROOT).join("tests/data/sarif-schema-2.1.0.json"))
            .unwrap(),
    )
    .unwrap();
    jsonschema::draft7::options()
        .should_validate_formats(true)
        .build(&schema)
        .unwrap()
}

fn assert_valid_sarif(text: &str) -> serde_json::Value {
    let v: serde_json::Value = serde_json::from_str(text).unwrap();
    let validator = sarif_validator();
    let errors: Vec<String> = validator
        .iter_errors(&v)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect();
    assert!(errors.is_empty(), "SARIF is not valid: {errors:#?}");
    v
}

#[test]
fn sarif_validates_against_the_2_1_0_schema() {
    // Every fixture: Chinese and English, tables, CRLF, Traditional, suppressions, and a
    // file that cannot be read (a tool execution notification).
    let out = repo()
        .args([
            "check",
            "--format",
            "sarif",
            "fixtures/",
            "tests/data/ci/",
            "no/such.md",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let v = assert_valid_sarif(std::str::from_utf8(&out.stdout).unwrap());
    let run = &v["runs"][0];
    assert_eq!(run["columnKind"], "utf16CodeUnits");
    assert_eq!(run["tool"]["driver"]["name"], "clauselint");
    assert!(run["results"].as_array().unwrap().len() > 200);
    assert_eq!(run["invocations"][0]["executionSuccessful"], false);
    let rules = run["tool"]["driver"]["rules"].as_array().unwrap();
    assert!(rules.iter().any(|r| r["id"] == "meta/unused-suppression"));
    for r in run["results"].as_array().unwrap() {
        let i = r["ruleIndex"].as_u64().unwrap() as usize;
        assert_eq!(rules[i]["id"], r["ruleId"]);
    }
}

#[test]
fn sarif_columns_are_utf16_code_units() {
    let dir = tempfile::tempdir().unwrap();
    // 𠀀 (U+20000) is two UTF-16 code units; 甲, 乙 and ： one each.
    write(dir.path(), "a.md", "甲𠀀乙：____\n");
    let s = stdout(cl(dir.path()).args(["check", "--format", "sarif", "a.md"]));
    let v = assert_valid_sarif(&s);
    let region = &v["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["region"];
    assert_eq!(region["startColumn"], 6);
    assert_eq!(region["endColumn"], 10);
    let json = stdout(cl(dir.path()).args(["check", "--format", "json", "a.md"]));
    let j: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(j[0]["column"], 5, "json columns count characters");
}

// ---- GitHub

#[test]
fn github_escapes_percent_newlines_colons_and_commas() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "pack.yaml",
        "pack: escape\nrules:\n  - id: blank/tbd-note\n    kind: forbid\n    message: \"rate 50%: see clause 3,\\nthen sign\"\n    pattern: '待定'\n",
    );
    write(dir.path(), "t/a,b:c.md", "付款方式：待定\n");
    let s = stdout(cl(dir.path()).args([
        "check",
        "--no-default-rules",
        "--rules",
        "pack.yaml",
        "--format",
        "github",
        "t",
    ]));
    assert_eq!(
        s,
        "::error file=t/a%2Cb%3Ac.md,line=1,col=6,endLine=1,endColumn=8,title=blank/tbd-note::rate 50%25: see clause 3,%0Athen sign\n"
    );
}

#[test]
fn github_appends_a_job_summary_when_asked() {
    let dir = tempfile::tempdir().unwrap();
    let summary = write(dir.path(), "summary.md", "earlier step\n");
    repo()
        .env("GITHUB_STEP_SUMMARY", &summary)
        .args(["check", "--format", "github"])
        .args(SNAP_FILES)
        .assert()
        .code(1);
    let text = std::fs::read_to_string(&summary).unwrap();
    assert!(
        text.starts_with("earlier step\n"),
        "appends, never truncates"
    );
    insta::assert_snapshot!(text);
    // Two github outputs append one summary.
    std::fs::write(&summary, "").unwrap();
    repo()
        .env("GITHUB_STEP_SUMMARY", &summary)
        .args(["check", "--format", "github", "--output-format"])
        .arg(format!("github={}", dir.path().join("gh.txt").display()))
        .args(SNAP_FILES)
        .assert()
        .code(1);
    let text = std::fs::read_to_string(&summary).unwrap();
    assert_eq!(text.matches("## clauselint").count(), 1);
}

// ---- GitLab

#[test]
fn gitlab_fingerprints_are_unique_and_survive_moved_lines() {
    let dir = tempfile::tempdir().unwrap();
    let block = "甲方：星河科技有限公司\n\n乙方：明远贸易有限公司\n\n（以下无正文）\n\n甲方（盖章）：星河科技有限公司\n\n法定代表人(签字)：\n\n乙方（盖章）：明远贸易有限公司\n\n法定代表人(签字)：\n";
    write(dir.path(), "c.md", format!("# 合同\n\n{block}"));
    let run = |d: &Path| -> Vec<(String, u64)> {
        let s = stdout(cl(d).args(["check", "--format", "gitlab", "c.md"]));
        let v: Vec<serde_json::Value> = serde_json::from_str(&s).unwrap();
        v.iter()
            .map(|e| {
                (
                    e["fingerprint"].as_str().unwrap().to_string(),
                    e["location"]["lines"]["begin"].as_u64().unwrap(),
                )
            })
            .collect()
    };
    let a = run(dir.path());
    assert_eq!(a.len(), 2, "{a:?}");
    assert_ne!(a[0].0, a[1].0, "two identical clauses, two fingerprints");
    write(
        dir.path(),
        "c.md",
        format!("# 合同\n\n鉴于双方友好协商。\n\n另有约定。\n\n{block}"),
    );
    let b = run(dir.path());
    assert_eq!(
        a.iter().map(|x| &x.0).collect::<Vec<_>>(),
        b.iter().map(|x| &x.0).collect::<Vec<_>>(),
        "moving lines does not change fingerprints"
    );
    assert_eq!(b[0].1, a[0].1 + 4);
}

// ---- exit codes, NO_COLOR, quiet, outputs

#[test]
fn exit_codes_zero_one_two_and_their_switches() {
    repo()
        .args(["check", "fixtures/zh/filled.md"])
        .assert()
        .code(0);
    repo()
        .args(["check", "fixtures/zh/defect-seal-blank.md"])
        .assert()
        .code(1);
    repo()
        .args(["check", "--exit-zero", "fixtures/zh/defect-seal-blank.md"])
        .assert()
        .code(0)
        .stdout(predicate::str::contains("signature/unfilled"));
    repo()
        .args([
            "check",
            "--fail-on",
            "never",
            "fixtures/zh/defect-seal-blank.md",
        ])
        .assert()
        .code(0);
    repo()
        .args([
            "check",
            "--fail-on",
            "info",
            "fixtures/zh/defect-deadline-vague.md",
        ])
        .assert()
        .code(1);
    repo()
        .args(["check", "--exit-zero", "no/such.md"])
        .assert()
        .code(2);
    repo()
        .args(["check", "--select", "deadlin", "fixtures/zh/filled.md"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("did you mean `deadline`"));
}

#[test]
fn no_color_and_files_never_get_ansi_escapes() {
    let dir = tempfile::tempdir().unwrap();
    let full = dir.path().join("full.txt");
    let out = repo()
        .env("NO_COLOR", "1")
        .env("CLICOLOR_FORCE", "1")
        .args(["check", "fixtures/zh/defect-seal-blank.md"])
        .arg("--output-format")
        .arg(format!("full={}", full.display()))
        .output()
        .unwrap();
    assert!(!out.stdout.contains(&0x1b));
    let out = repo()
        .args([
            "check",
            "--color",
            "always",
            "fixtures/zh/defect-seal-blank.md",
        ])
        .arg("--output-format")
        .arg(format!("full={}", full.display()))
        .output()
        .unwrap();
    assert!(out.stdout.contains(&0x1b), "stdout honours --color always");
    let file = std::fs::read_to_string(&full).unwrap();
    assert!(!file.contains('\u{1b}'), "a file never gets colour");
    assert!(file.contains("error[signature/unfilled]"));
}

#[test]
fn several_outputs_in_one_run() {
    let dir = tempfile::tempdir().unwrap();
    let sarif = dir.path().join("out.sarif");
    let junit = dir.path().join("out.xml");
    let out = repo()
        .args(["check", "--format", "github"])
        .arg("--output-format")
        .arg(format!("sarif={}", sarif.display()))
        .arg("--output-format")
        .arg(format!("junit={}", junit.display()))
        .args(SNAP_FILES)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        String::from_utf8(out.stdout).unwrap(),
        format_output("github")
    );
    assert_eq!(
        std::fs::read_to_string(&sarif).unwrap(),
        format_output("sarif")
    );
    assert_eq!(
        std::fs::read_to_string(&junit).unwrap(),
        format_output("junit")
    );
    // `FORMAT` alone (or `=-`) goes to stdout; two formats on stdout are a usage error.
    let s = stdout(
        repo()
            .args(["check", "--output-format", "short"])
            .args(SNAP_FILES),
    );
    assert_eq!(s, format_output("short"));
    repo()
        .args(["check", "--format", "json", "--output-format", "short=-"])
        .args(SNAP_FILES)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("only one format can go to stdout"));
    repo()
        .args([
            "check",
            "--output-format",
            "xml=out.xml",
            "fixtures/zh/filled.md",
        ])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("unknown format `xml`"));
}

#[test]
fn quiet_prints_only_findings() {
    repo()
        .args(["check", "--quiet", "fixtures/zh/defect-seal-blank.md"])
        .assert()
        .code(1)
        .stdout(predicate::str::contains("signature/unfilled"))
        .stderr("");
    let dir = tempfile::tempdir().unwrap();
    cl(dir.path())
        .args(["check", "-q", "."])
        .assert()
        .code(0)
        .stdout("")
        .stderr("");
}

#[test]
fn completions_for_each_shell() {
    for shell in ["bash", "zsh", "fish", "powershell", "elvish"] {
        repo()
            .args(["completions", shell])
            .assert()
            .code(0)
            .stdout(predicate::str::contains("clauselint"))
            .stdout(predicate::str::contains("extend-select"));
    }
    repo().args(["completions", "tcsh"]).assert().code(2);
}

// ---- stdin, files-from, empty runs

#[test]
fn stdin_uses_the_config_of_its_stdin_filename() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "contracts/clauselint.yaml",
        "ignore: [blank/underscore]\n",
    );
    cl(dir.path())
        .args([
            "check",
            "--format",
            "short",
            "--stdin-filename",
            "contracts/x.md",
            "-",
        ])
        .write_stdin("甲方：____\n\n乙方应尽快支付。\n")
        .assert()
        .code(0)
        .stdout("contracts/x.md:3:4: warning[deadline/vague]: 期限约定不明确\n");
    cl(dir.path())
        .args(["check", "--format", "short", "-"])
        .write_stdin("甲方：____\n")
        .assert()
        .code(1)
        .stdout(predicate::str::starts_with(
            "<stdin>:1:4: error[blank/underscore]",
        ));
}

#[test]
fn files_from_a_list_and_an_empty_list_checks_nothing() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "a.md", "甲方：____\n");
    write(dir.path(), "b.md", "乙方应尽快支付。\n");
    cl(dir.path())
        .args(["check", "--format", "short", "--files-from", "-"])
        .write_stdin("b.md\n")
        .assert()
        .code(0)
        .stdout(predicate::str::starts_with("b.md:1:"));
    // An empty list (a pull request that touched no draft) must not check `.`.
    cl(dir.path())
        .args(["check", "--files-from", "-"])
        .write_stdin("")
        .assert()
        .code(0)
        .stdout("")
        .stderr(predicate::str::contains("warning: no files were checked"));
    write(dir.path(), "list.txt", "a.md\nb.md\n");
    cl(dir.path())
        .args(["check", "--format", "short", "--files-from", "list.txt"])
        .assert()
        .code(1)
        .stdout(predicate::str::contains("a.md:1:4:"))
        .stdout(predicate::str::contains("b.md:1:"));
}

#[test]
fn everything_excluded_warns_and_exits_zero() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "clauselint.yaml", "exclude: [archive/]\n");
    write(dir.path(), "archive/old.md", "甲方：____\n");
    cl(dir.path())
        .args(["check", "."])
        .assert()
        .code(0)
        .stderr(predicate::str::contains("no files were checked"));
    // A file named on the command line is excluded too (pre-commit and --files-from name files).
    cl(dir.path())
        .args(["check", "archive/old.md"])
        .assert()
        .code(0)
        .stderr(predicate::str::contains("no files were checked"));
    cl(dir.path())
        .args(["check", "--isolated", "archive/old.md"])
        .assert()
        .code(1);
    write(dir.path(), "new/a.md", "甲方：____\n");
    cl(dir.path())
        .args(["check", "--extend-exclude", "new", "."])
        .assert()
        .code(0)
        .stderr(predicate::str::contains("no files were checked"));
}

// ---- walking

#[test]
fn gitignored_and_hidden_folders_are_skipped() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), ".gitignore", "drafts-old/\n");
    write(dir.path(), "drafts-old/a.md", "甲方：____\n");
    write(dir.path(), ".hidden/b.md", "甲方：____\n");
    write(dir.path(), "current/c.md", "甲方：____\n");
    write(dir.path(), "current/.ignore", "scratch.md\n");
    write(dir.path(), "current/scratch.md", "甲方：____\n");
    let files = |extra: &[&str]| -> Vec<String> {
        let s = stdout(
            cl(dir.path())
                .args(["check", "--format", "short"])
                .args(extra)
                .arg("."),
        );
        s.lines()
            .map(|l| l.split(':').next().unwrap().to_string())
            .collect()
    };
    assert_eq!(files(&[]), ["./current/c.md"]);
    assert_eq!(
        files(&["--no-ignore"]),
        [
            "./current/c.md",
            "./current/scratch.md",
            "./drafts-old/a.md"
        ]
    );
}

#[test]
fn parallel_runs_give_identical_sorted_output() {
    let dir = tempfile::tempdir().unwrap();
    let sources: Vec<String> = [
        "fixtures/zh/template-unfilled.md",
        "fixtures/zh/lease-unfilled.md",
        "fixtures/zh/labour-unfilled.md",
        "fixtures/en/services-unfilled.md",
        "fixtures/en/vague-deadlines.md",
        "fixtures/zh/defect-seal-blank.md",
        "fixtures/zh/three-party.md",
        "fixtures/en/bilingual.md",
    ]
    .iter()
    .map(|p| std::fs::read_to_string(Path::new(ROOT).join(p)).unwrap())
    .collect();
    for i in 0..200 {
        // Different sizes and contents, so that drafts finish in a different order than
        // they start.
        let base = &sources[i % sources.len()];
        let extra = "补充条款：乙方应尽快支付。\n\n".repeat(i % 7);
        write(
            dir.path(),
            &format!("batch-{:02}/draft-{i:03}.md", i % 13),
            format!("{base}\n\n{extra}备注：____\n"),
        );
    }
    let run = |threads: Option<&str>| {
        let mut c = cl(dir.path());
        if let Some(t) = threads {
            c.env("RAYON_NUM_THREADS", t);
        }
        let out = c
            .args(["check", "--format", "short", "."])
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(1));
        String::from_utf8(out.stdout).unwrap()
    };
    let first = run(None);
    assert!(first.lines().count() > 2000, "{}", first.lines().count());
    for _ in 0..9 {
        assert_eq!(run(None), first);
    }
    assert_eq!(
        run(Some("1")),
        first,
        "parallel output equals sequential output"
    );
    let keys: Vec<(String, usize, usize)> = first
        .lines()
        .map(|l| {
            let mut it = l.splitn(4, ':');
            (
                it.next().unwrap().to_string(),
                it.next().unwrap().parse().unwrap(),
                it.next().unwrap().parse().unwrap(),
            )
        })
        .collect();
    let mut sorted = keys.clone();
    sorted.sort();
    assert_eq!(keys, sorted, "sorted by file, then position");
}

// ---- config

const DRAFT: &str = "甲方：____\n\n乙方应尽快支付。\n";

#[test]
fn config_is_found_from_a_subfolder_nearest_first() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    write(
        d,
        "clauselint.yaml",
        "ignore: [deadline]\nseverity:\n  blank: warning\n",
    );
    write(d, "contracts/a.md", DRAFT);
    write(d, "contracts/nda/.clauselint.yaml", "select: [deadline]\n");
    write(d, "contracts/nda/b.md", DRAFT);
    write(d, "contracts/nda/deep/c.md", DRAFT);
    cl(&d.join("contracts"))
        .args(["check", "--format", "short", "."])
        .assert()
        .code(0)
        .stdout(
            "./a.md:1:4: warning[blank/underscore]: 未填写的空白\n\
             ./nda/b.md:3:4: warning[deadline/vague]: 期限约定不明确\n\
             ./nda/deep/c.md:3:4: warning[deadline/vague]: 期限约定不明确\n",
        );
    // --config names one config for every draft; --isolated ignores them.
    cl(&d.join("contracts"))
        .args([
            "check",
            "--format",
            "short",
            "--config",
            "../clauselint.yaml",
            "nda/b.md",
        ])
        .assert()
        .code(0)
        .stdout("nda/b.md:1:4: warning[blank/underscore]: 未填写的空白\n");
    cl(&d.join("contracts"))
        .args(["check", "--format", "short", "--isolated", "nda/b.md"])
        .assert()
        .code(1)
        .stdout(predicate::str::contains("error[blank/underscore]"))
        .stdout(predicate::str::contains("warning[deadline/vague]"));
    // The command line replaces (--select) or extends (--extend-select) the config.
    cl(&d.join("contracts"))
        .args([
            "check",
            "--format",
            "short",
            "--extend-select",
            "blank/underscore",
            "nda/b.md",
        ])
        .assert()
        .code(1)
        .stdout(predicate::str::contains("error[blank/underscore]"));
    cl(&d.join("contracts"))
        .args(["check", "--format", "short", "--select", "deadline", "a.md"])
        .assert()
        .code(0)
        .stdout("a.md:3:4: warning[deadline/vague]: 期限约定不明确\n");
}

#[test]
fn both_config_names_in_one_folder_is_an_error() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "clauselint.yaml", "select: [blank]\n");
    write(dir.path(), ".clauselint.yaml", "select: [deadline]\n");
    write(dir.path(), "a.md", DRAFT);
    cl(dir.path())
        .args(["check", "."])
        .assert()
        .code(2)
        .stdout("")
        .stderr(predicate::str::contains(
            "both clauselint.yaml and .clauselint.yaml are in this folder",
        ));
}

#[test]
fn config_errors_point_at_the_yaml_line() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "a.md", DRAFT);
    write(
        dir.path(),
        "clauselint.yaml",
        "select: [blank]\nfail_on: warning\n",
    );
    cl(dir.path())
        .args(["check", "."])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "error[config]: unknown field `fail_on`, did you mean `fail-on`?",
        ))
        .stderr(predicate::str::contains("clauselint.yaml:2:1"));
    write(
        dir.path(),
        "clauselint.yaml",
        "select: [blank]\nper-file:\n  '*.md':\n    ignore: [deadline/vauge]\n",
    );
    cl(dir.path())
        .args(["check", "."])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("did you mean `deadline/vague`?"))
        .stderr(predicate::str::contains("clauselint.yaml:4:14"));
    write(dir.path(), "clauselint.yaml", "rules: [house.yaml]\n");
    cl(dir.path())
        .args(["check", "."])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("rule pack `house.yaml` not found"))
        .stderr(predicate::str::contains("clauselint.yaml:1:9"));
}

#[test]
fn config_keys_rules_default_rules_fail_on_and_lang() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::copy(
        Path::new(ROOT).join("tests/data/packs/house.yaml"),
        d.join("house.yaml"),
    )
    .unwrap();
    write(
        d,
        "team/clauselint.yaml",
        "rules: [../house.yaml]\ndefault-rules: false\nfail-on: warning\n",
    );
    write(d, "team/a.md", "付款方式：待定\n\n甲方：____\n");
    cl(d)
        .args(["check", "--format", "short", "team"])
        .assert()
        .code(1)
        .stdout("team/a.md:1:6: warning[blank/tbd-zh]: 内容待定\n");
    // lang: a config's language applies where the draft's front matter does not say.
    write(d, "en/clauselint.yaml", "lang: en\n");
    write(
        d,
        "en/a.md",
        "甲方应尽快支付。\n\nThe Buyer shall pay within a reasonable time.\n",
    );
    write(d, "en/b.md", "---\nlang: zh\n---\n甲方应尽快支付。\n");
    cl(d)
        .args(["check", "--format", "short", "en"])
        .assert()
        .code(0)
        .stdout(
            "en/a.md:3:21: warning[deadline/vague]: vague time limit for payment or delivery\n\
             en/b.md:4:4: warning[deadline/vague]: 期限约定不明确\n",
        );
}

#[test]
fn per_file_overrides() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    write(
        d,
        "clauselint.yaml",
        "per-file:\n  'templates/**':\n    ignore: [blank]\n  '*.strict.md':\n    severity:\n      deadline/vague: error\n  'nda/':\n    select: [deadline]\n",
    );
    write(d, "templates/t.md", DRAFT);
    write(d, "x.strict.md", DRAFT);
    write(d, "y.md", DRAFT);
    write(d, "nda/z.md", DRAFT);
    cl(d)
        .args(["check", "--format", "short", "."])
        .assert()
        .code(1)
        .stdout(
            "./nda/z.md:3:4: warning[deadline/vague]: 期限约定不明确\n\
             ./templates/t.md:3:4: warning[deadline/vague]: 期限约定不明确\n\
             ./x.strict.md:1:4: error[blank/underscore]: 未填写的空白\n\
             ./x.strict.md:3:4: error[deadline/vague]: 期限约定不明确\n\
             ./y.md:1:4: error[blank/underscore]: 未填写的空白\n\
             ./y.md:3:4: warning[deadline/vague]: 期限约定不明确\n",
        );
}

// ---- selection and overlap

#[test]
fn an_ignored_rule_takes_no_part_in_overlap_resolution() {
    // An empty seal line is a signature finding, which hides the underscore blank under it;
    // with the signature rules off, the blank is reported.
    let s = stdout(repo().args([
        "check",
        "--format",
        "short",
        "fixtures/zh/defect-seal-blank.md",
    ]));
    assert_eq!(s.lines().count(), 1);
    assert!(s.contains(":91:8: error[signature/unfilled]"));
    let s = stdout(repo().args([
        "check",
        "--format",
        "short",
        "--ignore",
        "signature",
        "fixtures/zh/defect-seal-blank.md",
    ]));
    assert_eq!(
        s,
        "fixtures/zh/defect-seal-blank.md:91:8: error[blank/underscore]: 未填写的空白\n"
    );
}

// ---- suppressions

#[test]
fn suppressions_unused_and_unknown() {
    repo()
        .args(["check", "--format", "short", "tests/data/ci/suppressions.md"])
        .assert()
        .code(1)
        .stdout(
            "tests/data/ci/suppressions.md:12:5: warning[deadline/vague]: 期限约定不明确\n\
             tests/data/ci/suppressions.md:14:35: warning[meta/unused-suppression]: unused suppression: there is no `blank/tbd` finding here\n\
             tests/data/ci/suppressions.md:15:6: error[blank/underscore]: 未填写的空白\n\
             tests/data/ci/suppressions.md:17:35: error[meta/unknown-rule]: suppression: unknown rule `blank/undersore`, did you mean `blank/underscore`?\n\
             tests/data/ci/suppressions.md:18:5: error[blank/underscore]: 未填写的空白\n",
        );
    // Meta findings are rules like the others: they can be ignored.
    repo()
        .args([
            "check",
            "--format",
            "short",
            "--ignore",
            "meta/unused-suppression",
            "tests/data/ci/suppressions.md",
        ])
        .assert()
        .stdout(predicate::str::contains("unused-suppression").not());
}

#[test]
fn a_suppressed_higher_priority_finding_does_not_hide_a_lower_one() {
    let dir = tempfile::tempdir().unwrap();
    let seal = "# 合同\n\n甲方：星河科技有限公司\n\n（以下无正文）\n\n甲方（盖章）：____________\n";
    write(dir.path(), "a.md", seal);
    let s = stdout(cl(dir.path()).args(["check", "--format", "short", "a.md"]));
    assert_eq!(s.lines().count(), 1);
    assert!(s.contains("signature/unfilled"), "{s}");
    let suppressed = seal.replace(
        "甲方（盖章）",
        "<!-- clauselint-disable-next-line signature/unfilled -- 以电子签章代替 -->\n甲方（盖章）",
    );
    write(dir.path(), "a.md", &suppressed);
    let s = stdout(cl(dir.path()).args(["check", "--format", "short", "a.md"]));
    assert_eq!(s, "a.md:8:8: error[blank/underscore]: 未填写的空白\n");
    let all = seal.replace(
        "甲方（盖章）",
        "<!-- clauselint-disable-next-line signature, blank -->\n甲方（盖章）",
    );
    write(dir.path(), "a.md", &all);
    cl(dir.path())
        .args(["check", "--format", "short", "a.md"])
        .assert()
        .code(0)
        .stdout("");
}

#[test]
fn front_matter_ignore_for_a_whole_file() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "a.md",
        "---\ntitle: 模板\nclauselint:\n  ignore: [blank, precedence/reversed]\n---\n\n甲方：____\n\n乙方应尽快支付。\n",
    );
    cl(dir.path())
        .args(["check", "--format", "short", "a.md"])
        .assert()
        .code(0)
        .stdout(
            "a.md:4:19: warning[meta/unused-suppression]: unused front matter ignore: there is no `precedence/reversed` finding here\n\
             a.md:9:4: warning[deadline/vague]: 期限约定不明确\n",
        );
}

// ---- baseline

#[test]
fn baseline_round_trip_survives_inserted_lines_and_reports_stale_entries() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let original =
        std::fs::read_to_string(Path::new(ROOT).join("fixtures/zh/template-unfilled.md")).unwrap();
    write(d, "drafts/t.md", &original);
    cl(d)
        .args(["check", "--write-baseline", "ci/baseline.json", "drafts"])
        .assert()
        .failure()
        .stderr(predicate::str::contains("cannot write baseline"));
    std::fs::create_dir(d.join("ci")).unwrap();
    cl(d)
        .args(["check", "--write-baseline", "ci/baseline.json", "drafts"])
        .assert()
        .code(0)
        .stdout("")
        .stderr(predicate::str::contains("wrote 27 findings in 1 files"));
    let b: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(d.join("ci/baseline.json")).unwrap())
            .unwrap();
    assert_eq!(b["entries"].as_array().unwrap().len(), 27);
    assert_eq!(
        b["entries"][0]["path"], "../drafts/t.md",
        "relative to the baseline"
    );
    assert!(!b.to_string().contains("\"line\""), "no line numbers");

    let check = |dir: &Path| {
        let out = cl(dir)
            .args(["check", "--format", "short", "--baseline"])
            .arg(d.join("ci/baseline.json"))
            .arg(d.join("drafts"))
            .output()
            .unwrap();
        (
            out.status.code().unwrap(),
            String::from_utf8(out.stdout).unwrap(),
            String::from_utf8(out.stderr).unwrap(),
        )
    };
    let (code, out, err) = check(d);
    assert_eq!((code, out.as_str()), (0, ""), "{err}");
    assert!(err.contains("27 findings are in the baseline"), "{err}");
    // From another folder, with absolute paths: still matches.
    assert_eq!(check(&d.join("ci")).0, 0);

    // Lines inserted above the baselined findings do not bring them back.
    let inserted = original.replacen(
        "**甲方(委托方)**",
        "本协议由双方友好协商订立。\n\n双方确认如下事项。\n\n**甲方(委托方)**",
        1,
    );
    assert_ne!(inserted, original);
    write(d, "drafts/t.md", &inserted);
    let (code, out, _) = check(d);
    assert_eq!((code, out.as_str()), (0, ""));

    // A new finding is reported; a changed clause is reported again; a fixed one is stale.
    let edited = inserted
        .replacen("双方确认如下事项。", "双方确认如下事项：____。", 1)
        .replacen("- 姓名/名称:______________________", "- 姓名/名称:张三", 1)
        .replacen(
            "- 法定代表人:____________________",
            "- 法定代表人(签字):____________________",
            1,
        );
    write(d, "drafts/t.md", &edited);
    let (code, out, err) = check(d);
    assert_eq!(code, 1);
    assert_eq!(out.lines().count(), 2, "{out}");
    assert!(out.contains("drafts/t.md:5:"), "{out}");
    assert!(out.contains("drafts/t.md:13:"), "{out}");
    assert!(
        err.contains("warning: 2 baseline entries match no finding any more"),
        "{err}"
    );
}

#[test]
fn a_broken_baseline_is_a_usage_error() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "b.json", "{\"entries\": 3}");
    write(dir.path(), "a.md", DRAFT);
    cl(dir.path())
        .args(["check", "--baseline", "b.json", "a.md"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("not a clauselint baseline"));
}

// ---- the config's template keys: `templates`, `template-paths`, `template-free`,
// `template-alternatives`

const TPL_CONFIG: &str = "templates:\n  after-sales: templates/after-sales.md\ntemplate-paths:\n  - {glob: \"leases/**\", template: after-sales}\n";

fn root_file(rel: &str) -> String {
    std::fs::read_to_string(Path::new(ROOT).join(rel)).unwrap()
}

/// A repository with the after-sales template and a config (`TPL_CONFIG` + `extra`) that
/// links every draft under `leases/` to it; the draft with the reversed precedence clause
/// is under `leases/` and under `other/`.
fn template_repo(extra: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    write(
        d,
        "templates/after-sales.md",
        root_file("templates/after-sales-termination.zh-Hans.md"),
    );
    write(d, "clauselint.yaml", format!("{TPL_CONFIG}{extra}"));
    let reversed = root_file("fixtures/zh/defect-precedence-reversed.md");
    write(d, "leases/2025/a.md", &reversed);
    write(d, "other/b.md", &reversed);
    dir
}

/// (exit code, stdout lines of template findings, stdout, stderr) of a short-format run.
fn run_short(dir: &Path, args: &[&str]) -> (i32, Vec<String>, String, String) {
    let out = cl(dir)
        .args(["check", "--format", "short"])
        .args(args)
        .output()
        .unwrap();
    let stdout = String::from_utf8(out.stdout).unwrap();
    let tpl = stdout
        .lines()
        .filter(|l| l.contains("[template/"))
        .map(str::to_string)
        .collect();
    (
        out.status.code().unwrap(),
        tpl,
        stdout,
        String::from_utf8(out.stderr).unwrap(),
    )
}

#[test]
fn config_globs_link_drafts_to_a_template_by_id() {
    let dir = template_repo("");
    let d = dir.path();
    let (code, tpl, out, err) = run_short(d, &["leases", "other"]);
    assert_eq!(code, 1, "{err}");
    assert_eq!(
        tpl,
        vec![
            "leases/2025/a.md:82:76: error[template/changed]: 条款与模板不一致：七、其他条款 › 2 (template templates/after-sales.md:80:76)"
        ],
        "{out}"
    );
    // The draft outside `leases/` is checked by the rules only.
    assert!(
        out.contains("other/b.md:82:") && out.contains("[precedence/reversed]"),
        "{out}"
    );
    // The same draft named from inside its folder, and by an absolute path.
    let (_, tpl, out, _) = run_short(&d.join("leases"), &["2025/a.md"]);
    assert_eq!(tpl.len(), 1, "{out}");
    let abs = d.join("leases/2025/a.md");
    let (_, tpl, out, _) = run_short(Path::new(ROOT), &[abs.to_str().unwrap()]);
    assert_eq!(tpl.len(), 1, "{out}");
    // --isolated ignores the config, and with it the mapping.
    let (code, tpl, out, _) = run_short(d, &["--isolated", "leases"]);
    assert_eq!((code, tpl.len()), (1, 0), "{out}");
    // --config names the config for drafts anywhere; its globs stay relative to its folder.
    let (_, tpl, out, _) = run_short(
        &d.join("other"),
        &["--config", "../clauselint.yaml", "../leases", "b.md"],
    );
    assert_eq!(tpl.len(), 1, "{out}");
    assert!(tpl[0].starts_with("../leases/2025/a.md:82:"), "{out}");
}

#[test]
fn front_matter_names_a_config_id_and_the_command_line_wins_over_both() {
    let dir = template_repo("");
    let d = dir.path();
    let reversed = root_file("fixtures/zh/defect-precedence-reversed.md");
    write(
        d,
        "notes/c.md",
        format!("---\ntemplate: after-sales\n---\n{reversed}"),
    );
    let (code, tpl, out, err) = run_short(d, &["notes/c.md"]);
    assert_eq!(code, 1, "{err}");
    assert_eq!(tpl.len(), 1, "{out}");
    assert!(tpl[0].starts_with("notes/c.md:85:76:"), "{out}");

    // A variant of the template with the reversed wording: a draft under `leases/` that
    // names it in its front matter follows it, not the glob's template...
    let variant = root_file("templates/after-sales-termination.zh-Hans.md")
        .replace("以补充协议为准", "以本协议为准");
    write(d, "templates/variant.md", &variant);
    write(
        d,
        "leases/v.md",
        format!("---\ntemplate: ../templates/variant.md\n---\n{reversed}"),
    );
    let (code, tpl, out, err) = run_short(d, &["leases/v.md"]);
    assert_eq!((code, tpl.len()), (1, 0), "{out}{err}");
    // ...and --template overrides both.
    let (_, tpl, out, _) = run_short(
        d,
        &["--template", "templates/after-sales.md", "leases/v.md"],
    );
    assert_eq!(tpl.len(), 1, "{out}");
}

#[test]
fn template_free_in_the_config_frees_a_clause_for_every_draft() {
    let (_, tpl, out, _) = run_short(template_repo("").path(), &["leases"]);
    assert_eq!(tpl.len(), 1, "{out}");
    let dir = template_repo("template-free: 七、其他条款\n");
    let (code, tpl, out, err) = run_short(dir.path(), &["leases"]);
    assert_eq!((code, tpl.len()), (1, 0), "{out}{err}");
    assert!(out.contains("[precedence/reversed]"), "{out}");
    // A selector that names nothing in the template is an error that names the config.
    let dir = template_repo("template-free: [八、附则]\n");
    let (code, _, _, err) = run_short(dir.path(), &["leases"]);
    assert_eq!(code, 2);
    assert!(
        err.contains("clauselint.yaml: template-free `八、附则` names no heading"),
        "{err}"
    );
}

#[test]
fn config_exceptions_apply_to_the_templates_that_have_the_clause() {
    let dir = template_repo("");
    let d = dir.path();
    write(
        d,
        "templates/purchase.md",
        root_file("tests/data/template/templates/purchase.zh.md"),
    );
    // The purchase draft without its front matter: the config links it.
    let purchase = root_file("tests/data/template/purchase-table.md");
    write(
        d,
        "purchase/p.md",
        purchase.splitn(3, "---\n").nth(2).unwrap(),
    );
    let config = |free: &str| {
        format!(
            "templates:\n  after-sales: templates/after-sales.md\n  purchase: templates/purchase.md\ntemplate-paths:\n  - {{glob: \"leases/**\", template: after-sales}}\n  - {{glob: \"purchase/**\", template: purchase}}\n{free}"
        )
    };
    let lines = |tpl: &[String]| -> Vec<String> {
        tpl.iter()
            .map(|l| l.split(": ").next().unwrap().to_string())
            .collect()
    };
    let owned = |v: &[&str]| -> Vec<String> { v.iter().map(|s| s.to_string()).collect() };
    let all = vec![
        "leases/2025/a.md:82:76",
        "purchase/p.md:9:3",
        "purchase/p.md:19:30",
    ];
    write(d, "clauselint.yaml", config(""));
    let (code, tpl, out, err) = run_short(d, &["leases", "purchase"]);
    assert_eq!((code, lines(&tpl)), (1, owned(&all)), "{out}{err}");
    // Each selector names a clause of one template only: it frees it there and is no
    // error for the drafts of the other.
    for (free, left) in [
        ("template-free: [七、其他条款]\n", &all[1..]),
        ("template-free: 货物清单\n", &[all[0], all[2]][..]),
    ] {
        write(d, "clauselint.yaml", config(free));
        let (code, tpl, out, err) = run_short(d, &["leases", "purchase"]);
        assert_eq!((code, lines(&tpl)), (1, owned(left)), "{free}{out}{err}");
        assert!(!err.contains("error:"), "{free}{err}");
    }
    // A selector that names nothing in any of the config's templates is still an error.
    write(
        d,
        "clauselint.yaml",
        config("template-alternatives: {八.1: x}\n"),
    );
    let (code, _, _, err) = run_short(d, &["leases", "purchase"]);
    assert_eq!(code, 2);
    assert_eq!(
        err.matches("template-alternatives `八.1` names no heading")
            .count(),
        2,
        "{err}"
    );
}

#[test]
fn template_alternatives_in_the_config_allow_a_wording() {
    let late = root_file("fixtures/zh/filled.md").replacen("每逾期一日", "每逾期三日", 1);
    let alt = "template-alternatives:\n  甲方违约责任.1: 若甲方未按照本协议约定支付服务费用,每逾期三日,应按照未支付金额的[比例]向乙方支付逾期违约金。逾期超过[天数]日的,乙方有权解除本协议,并要求甲方支付已完成服务对应的费用及逾期违约金。\n";
    for (extra, expected) in [("", 1), (alt, 0)] {
        let dir = template_repo(extra);
        write(dir.path(), "leases/late.md", &late);
        let (code, tpl, out, err) = run_short(dir.path(), &["leases/late.md"]);
        assert_eq!(tpl.len(), expected, "{extra}\n{out}{err}");
        assert_eq!(code, expected as i32, "{out}{err}");
    }
}

#[test]
fn template_keys_in_the_config_are_checked_at_their_yaml_position() {
    let cases: &[(&str, &str, &str)] = &[
        (
            "templates:\n  lease: templates/leese.md\n",
            "template `templates/leese.md` not found (paths are relative to the config's folder",
            "clauselint.yaml:2:10",
        ),
        (
            "templates:\n  lease: templates\n",
            "template `templates` is a folder, not a file",
            "clauselint.yaml:2:10",
        ),
        (
            "templates:\n  lease: templates/after-sales.md\ntemplate-paths:\n  - glob: \"leases/**\"\n    templat: lease\n",
            "unknown field `templat`, did you mean `template`?",
            "clauselint.yaml:5:5",
        ),
        (
            "templates:\n  lease: templates/after-sales.md\ntemplate-paths:\n  - {glob: \"leases/**\", template: leese}\n",
            "unknown template `leese`, did you mean `lease`?",
            "clauselint.yaml:4:35",
        ),
        (
            "templates:\n  lease: templates/after-sales.md\ntemplate-paths:\n  - {glob: \"leases/**\", template: nda}\n",
            "template `nda` is neither an id of `templates:` (`lease`) nor a file in the config's folder",
            "clauselint.yaml:4:35",
        ),
        (
            "template-paths:\n  - {glob: \"leases/**\", template: templates/missing.md}\n",
            "template `templates/missing.md` not found (paths are relative to the config's folder",
            "clauselint.yaml:2:35",
        ),
        (
            "template-paths:\n  - {glob: \"!leases/**\", template: templates/after-sales.md}\n",
            "glob `!leases/**` would match no draft",
            "clauselint.yaml:2:12",
        ),
        (
            "template-path:\n  - {glob: \"leases/**\", template: lease}\n",
            "unknown field `template-path`, did you mean `template-paths`?",
            "clauselint.yaml:1:1",
        ),
    ];
    for (config, message, at) in cases {
        let dir = template_repo("");
        write(dir.path(), "clauselint.yaml", config);
        cl(dir.path())
            .args(["check", "leases"])
            .assert()
            .code(2)
            .stdout("")
            .stderr(predicate::str::contains("error[config]"))
            .stderr(predicate::str::contains(*message))
            .stderr(predicate::str::contains(*at));
    }
    // A path in `template-paths` is as good as an id.
    let dir = template_repo("");
    write(
        dir.path(),
        "clauselint.yaml",
        "template-paths:\n  - {glob: \"leases/**\", template: templates/after-sales.md}\n",
    );
    let (code, tpl, out, err) = run_short(dir.path(), &["leases"]);
    assert_eq!((code, tpl.len()), (1, 1), "{out}{err}");
}

#[test]
fn rules_and_explain_show_the_rules_of_the_config_in_force() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let pack =
        std::fs::read_to_string(Path::new(ROOT).join("tests/data/packs/house.yaml")).unwrap();
    write(d, "packs/house.yaml", pack);
    write(d, "clauselint.yaml", "rules: [packs/house.yaml]\n");
    std::fs::create_dir_all(d.join("sub")).unwrap();
    let listed = |dir: &Path, extra: &[&str]| {
        let out = cl(dir).arg("rules").args(extra).output().unwrap();
        assert_eq!(out.status.code(), Some(0), "{extra:?}");
        String::from_utf8(out.stdout).unwrap()
    };
    // From the config's folder and from below it, the config's pack is in force.
    assert!(listed(d, &[]).contains("blank/tbd-zh"));
    assert!(listed(&d.join("sub"), &[]).contains("blank/tbd-zh"));
    assert!(!listed(d, &["--isolated"]).contains("blank/tbd-zh"));
    assert!(listed(d, &[]).contains("blank/underscore"));
    cl(d)
        .args(["explain", "blank/tbd-zh"])
        .assert()
        .code(0)
        .stdout(predicate::str::contains("待定"));
    cl(d)
        .args(["explain", "blank/tbd-zh", "--isolated"])
        .assert()
        .code(2);
    // Another config named on the command line; a broken one is an error at its line.
    write(d, "other.yaml", "default-rules: false\n");
    let other = listed(d, &["--config", "other.yaml"]);
    assert!(!other.contains("blank/underscore"), "{other}");
    write(d, "bad.yaml", "rules: [packs/house.yaml]\nrulez: []\n");
    cl(d)
        .args(["rules", "--config", "bad.yaml"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("rulez").and(predicate::str::contains("bad.yaml:2:1")));
}
