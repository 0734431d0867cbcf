//! Robustness (issue 8): odd files, odd encodings, odd line endings, odd paths. Every case
//! runs the real binary or the real pipeline and states the documented exit code.

use std::path::{Path, PathBuf};

use assert_cmd::Command;
use clauselint::rules::RuleSet;
use clauselint::source::Source;

const ROOT: &str = env!("CARGO_MANIFEST_DIR");

/// The binary, run in `dir`, with no colour or CI variables inherited.
fn cl(dir: &Path) -> Command {
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

fn fixture(rel: &str) -> String {
    std::fs::read_to_string(Path::new(ROOT).join(rel)).unwrap()
}

fn write(dir: &Path, rel: &str, bytes: impl AsRef<[u8]>) -> PathBuf {
    let p = dir.join(rel);
    std::fs::create_dir_all(p.parent().unwrap()).unwrap();
    std::fs::write(&p, bytes).unwrap();
    p
}

/// (rule, line, column, end line, end column) of every finding, with the default rules.
fn findings(src: &Source) -> Vec<(String, usize, usize, usize, usize)> {
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

// ------------------------------------------------------------------------ line endings

#[test]
fn cr_only_and_mixed_line_endings_give_the_findings_of_lf() {
    let lf = fixture("fixtures/zh/template-unfilled.md");
    let want = findings(&Source::new("lf.md", lf.clone()));
    assert!(want.len() > 20, "the fixture has many findings");
    let cr = lf.replace('\n', "\r");
    assert_eq!(findings(&Source::new("cr.md", cr)), want, "CR only");
    // Mixed: LF, CRLF and CR in turn.
    // (A CR, an empty line and an LF would be one CRLF: after a lone CR the next ending
    // of an empty line is a CR again.)
    let mut mixed = String::new();
    let mut last = "";
    for (i, line) in lf.split('\n').enumerate() {
        if i > 0 {
            let mut eol = ["\n", "\r\n", "\r"][i % 3];
            if last == "\r" && mixed.ends_with('\r') {
                eol = "\r";
            }
            mixed.push_str(eol);
            last = eol;
        }
        mixed.push_str(line);
    }
    let b = mixed.as_bytes();
    let crlf = b.windows(2).filter(|w| w == b"\r\n").count();
    let cr = b.iter().filter(|&&c| c == b'\r').count() - crlf;
    let lf_only = b.iter().filter(|&&c| c == b'\n').count() - crlf;
    assert!(
        crlf > 10 && cr > 10 && lf_only > 10,
        "all three endings occur"
    );
    assert_eq!(findings(&Source::new("mixed.md", mixed)), want, "mixed");
}

#[test]
fn front_matter_and_its_suppressions_work_with_cr_line_endings() {
    let dir = tempfile::tempdir().unwrap();
    let lf = "---\nlang: zh\nclauselint:\n  ignore: [blank/underscore]\n---\n\n联系电话：____\n\n本合同自双方签字之日起生效。\n\n[具体支付期限]\n";
    write(dir.path(), "lf.md", lf);
    write(dir.path(), "cr.md", lf.replace('\n', "\r"));
    let run = |name: &str| {
        let out = cl(dir.path())
            .args(["check", "--format", "short", name])
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(1), "{name}");
        String::from_utf8(out.stdout).unwrap().replace(name, "X")
    };
    let lf_out = run("lf.md");
    assert_eq!(lf_out, "X:11:1: error[blank/placeholder]: 未替换的占位符\n");
    assert_eq!(
        run("cr.md"),
        lf_out,
        "suppressed by the front matter in both"
    );
}

// ------------------------------------------------------------------ spans and boundaries

const FORMATS: [&str; 9] = [
    "full",
    "short",
    "json",
    "json-lines",
    "sarif",
    "github",
    "gitlab",
    "junit",
    "summary",
];

#[test]
fn a_pattern_that_matches_inside_a_masked_character_reports_whole_characters() {
    let root = Path::new(ROOT);
    for format in FORMATS {
        let out = cl(root)
            .args([
                "check",
                "--no-default-rules",
                "--rules",
                "tests/data/odd/opaque-pack.yaml",
                "--format",
                format,
                "tests/data/odd/masked-multibyte.md",
            ])
            .output()
            .unwrap();
        assert_eq!(
            out.status.code(),
            Some(1),
            "{format}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    let out = cl(root)
        .args([
            "check",
            "--no-default-rules",
            "--rules",
            "tests/data/odd/opaque-pack.yaml",
            "--format",
            "json",
            "tests/data/odd/masked-multibyte.md",
        ])
        .output()
        .unwrap();
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let text = fixture("tests/data/odd/masked-multibyte.md");
    let mut opaque = 0;
    for d in v.as_array().unwrap() {
        let (s, e) = (
            d["byte_start"].as_u64().unwrap() as usize,
            d["byte_end"].as_u64().unwrap() as usize,
        );
        assert!(
            text.is_char_boundary(s) && text.is_char_boundary(e) && s < e,
            "{d}"
        );
        if d["rule"] == "odd/opaque" {
            opaque += 1;
        }
    }
    assert!(
        opaque >= 2,
        "the pattern matched inside masked characters: {v}"
    );
}
