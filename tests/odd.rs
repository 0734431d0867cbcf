//! Robustness (issue 8): odd files, odd encodings, odd line endings, odd paths. Every case
//! runs the real binary or the real pipeline and states the documented exit code.

use std::path::{Path, PathBuf};

use assert_cmd::Command;
use clauselint::rules::RuleSet;
use clauselint::source::Source;

mod common;
use common::{cl, positions as findings, write, ROOT};

fn fixture(rel: &str) -> String {
    std::fs::read_to_string(Path::new(ROOT).join(rel)).unwrap()
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
    let mut json = Vec::new();
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
        if format == "json" {
            json = out.stdout;
        }
    }
    let v: serde_json::Value = serde_json::from_slice(&json).unwrap();
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

// --------------------------------------------------------------------------- encodings

/// The findings of a CLI json run as (rule, line, column, end line, end column, bytes).
fn json_findings(dir: &Path, args: &[&str]) -> (Option<i32>, Vec<serde_json::Value>, String) {
    let out = cl(dir)
        .args(["check", "--format", "json"])
        .args(args)
        .output()
        .unwrap();
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let rows = v
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            serde_json::json!([
                d["rule"],
                d["line"],
                d["column"],
                d["end_line"],
                d["end_column"],
                d["byte_start"],
                d["byte_end"]
            ])
        })
        .collect();
    (
        out.status.code(),
        rows,
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn a_gb18030_copy_gets_the_findings_of_the_utf8_copy_at_the_same_positions() {
    let root = Path::new(ROOT);
    let (c1, utf8, _) = json_findings(root, &["fixtures/zh/template-unfilled.md"]);
    let (c2, gb, _) = json_findings(root, &["fixtures/zh/template-unfilled.gb18030.md"]);
    assert_eq!((c1, c2), (Some(1), Some(1)));
    assert!(utf8.len() > 20);
    assert_eq!(gb, utf8);
    // Generated from the UTF-8 fixture, and with every encoding named explicitly.
    let dir = tempfile::tempdir().unwrap();
    let text = fixture("fixtures/zh/template-unfilled.md");
    let (gbk, _, _) = encoding_rs::GB18030.encode(&text);
    write(dir.path(), "gb.md", &gbk);
    let le: Vec<u8> = [0xff, 0xfe]
        .into_iter()
        .chain(text.encode_utf16().flat_map(|u| u.to_le_bytes()))
        .collect();
    write(dir.path(), "le.md", &le);
    let be: Vec<u8> = text.encode_utf16().flat_map(|u| u.to_be_bytes()).collect();
    write(dir.path(), "be-no-bom.md", &be);
    let bom8: Vec<u8> = b"\xef\xbb\xbf"
        .iter()
        .copied()
        .chain(text.bytes())
        .collect();
    write(dir.path(), "bom8.md", &bom8);
    for (name, extra) in [
        ("gb.md", None),
        ("gb.md", Some("gb18030")),
        ("gb.md", Some("GBK")),
        ("le.md", None),
        ("be-no-bom.md", None),
        ("bom8.md", Some("gb18030")),
    ] {
        let mut args = vec![name];
        if let Some(e) = extra {
            args.extend(["--encoding", e]);
        }
        let (code, got, err) = json_findings(dir.path(), &args);
        assert_eq!(code, Some(1), "{name} {extra:?}: {err}");
        assert_eq!(got, utf8, "{name} {extra:?}");
    }
}

#[test]
fn a_config_names_the_encoding_of_its_drafts() {
    let dir = tempfile::tempdir().unwrap();
    let hant = "甲方應在本協議簽訂後十五個工作日內支付服務費用。\n\n聯絡電話：____\n";
    let (big5, _, _) = encoding_rs::BIG5.encode(hant);
    write(dir.path(), "legacy/clauselint.yaml", "encoding: big5\n");
    write(dir.path(), "legacy/a.md", &big5);
    write(dir.path(), "legacy/b.md", "乙方：____\n");
    let out = cl(dir.path())
        .args(["check", "--format", "short", "legacy"])
        .output()
        .unwrap();
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert_eq!(out.status.code(), Some(1), "{stdout}");
    assert!(
        stdout.contains("a.md:3:6: error[blank/underscore]"),
        "{stdout}"
    );
    assert!(
        stdout.contains("b.md:1:4: error[blank/underscore]"),
        "{stdout}"
    );
    // `--encoding` wins over the config: the Big5 draft is not UTF-8 → a per-file error.
    let out = cl(dir.path())
        .args([
            "check",
            "--format",
            "short",
            "--encoding",
            "utf-8",
            "legacy",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(
        stderr.contains("a.md: cannot decode the file as UTF-8 (invalid bytes at byte 0, line 1)"),
        "{stderr}"
    );
    assert!(String::from_utf8(out.stdout).unwrap().contains("b.md:1:4"));
    // An unknown label in a config points at it.
    write(dir.path(), "legacy/clauselint.yaml", "encoding: klingon\n");
    cl(dir.path())
        .args(["check", "legacy"])
        .assert()
        .code(2)
        .stderr(predicates::str::contains("unknown encoding `klingon`"))
        .stderr(predicates::str::contains("clauselint.yaml:1:11"));
}

#[test]
fn binary_files_are_skipped_with_a_note_and_undecodable_ones_are_errors() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "ok.md", "甲方：张三\n");
    write(dir.path(), "image.md", b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0");
    write(dir.path(), "zeros.md", [0u8; 512]);
    let out = cl(dir.path())
        .args(["check", "ok.md", "image.md", "zeros.md"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(stderr.contains("note: image.md: binary file"), "{stderr}");
    assert!(stderr.contains("note: zeros.md: binary file"), "{stderr}");
    // Not GB18030 at byte 4 (line 2): an error, and the good file is still checked.
    write(dir.path(), "bad.md", b"ab\r\n\x81\x20cd");
    cl(dir.path())
        .args([
            "check",
            "--encoding",
            "gb18030",
            "--format",
            "short",
            "bad.md",
            "ok.md",
        ])
        .assert()
        .code(2)
        .stderr(predicates::str::contains(
            "bad.md: cannot decode the file as gb18030 (invalid bytes at byte 4, line 2)",
        ));
}

// ---------------------------------------------------------------------------- odd files

#[test]
fn files_over_max_file_size_are_per_file_errors_and_the_default_is_256_mib() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "small.md", "乙方：____\n");
    write(dir.path(), "big.md", "甲方：____\n".repeat(200));
    cl(dir.path())
        .args(["check", "--format", "short", "--max-file-size", "1KiB", "big.md", "small.md"])
        .assert()
        .code(2)
        .stdout(predicates::str::contains("small.md:1:4"))
        .stderr(predicates::str::contains(
            "error: big.md: file is 2.7 KiB (2800 bytes), larger than --max-file-size 1 KiB (1024 bytes); not read",
        ));
    // Stdin too.
    cl(dir.path())
        .args(["check", "--max-file-size", "100", "-"])
        .write_stdin("甲方：____\n".repeat(20))
        .assert()
        .code(2)
        .stderr(predicates::str::contains("<stdin>: file is"));
    // A sparse 300 MiB file is refused by its size, before anything is read.
    let f = std::fs::File::create(dir.path().join("huge.md")).unwrap();
    f.set_len(300 << 20).unwrap();
    drop(f);
    cl(dir.path())
        .args(["check", "huge.md"])
        .assert()
        .code(2)
        .stderr(predicates::str::contains(
            "huge.md: file is 300 MiB (314572800 bytes), larger than --max-file-size 256 MiB",
        ));
    cl(dir.path())
        .args(["check", "--max-file-size", "ten"])
        .assert()
        .code(2)
        .stderr(predicates::str::contains("invalid size `ten`"));
    cl(dir.path())
        .args(["check", "--help"])
        .assert()
        .stdout(predicates::str::contains("[default: 256MiB]"));
}

#[cfg(unix)]
#[test]
fn an_endless_device_named_on_the_command_line_stops_at_the_limit() {
    // /dev/zero has no size in its metadata: the limit applies while reading.
    cl(Path::new(ROOT))
        .args([
            "check",
            "--max-file-size",
            "1M",
            "/dev/zero",
            "fixtures/zh/filled.md",
        ])
        .timeout(std::time::Duration::from_secs(60))
        .assert()
        .code(2)
        .stderr(predicates::str::contains("/dev/zero: file is"));
}

#[test]
fn empty_and_front_matter_only_files_are_checked_cleanly() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "empty.md", "");
    write(dir.path(), "blank.md", "\n\n   \r\n\t\n");
    write(dir.path(), "bom-only.md", b"\xef\xbb\xbf");
    write(
        dir.path(),
        "fm.md",
        "---\nlang: zh\nparties: [甲方, 乙方]\n---\n",
    );
    write(dir.path(), "fm-crlf-no-eol.md", "---\r\nlang: en\r\n---");
    write(dir.path(), "fm-empty.md", "---\n---\n");
    write(dir.path(), "fm-unclosed.md", "---\nlang: zh\n");
    let names = [
        "empty.md",
        "blank.md",
        "bom-only.md",
        "fm.md",
        "fm-crlf-no-eol.md",
        "fm-empty.md",
        "fm-unclosed.md",
    ];
    for format in FORMATS {
        cl(dir.path())
            .args(["check", "--format", format])
            .args(names)
            .assert()
            .code(0);
    }
    cl(dir.path())
        .args(["check"])
        .args(names)
        .assert()
        .code(0)
        .stderr(predicates::str::contains("0 errors, 0 warnings in 7 files"));
    // Front matter that is not valid YAML is a per-file error (exit 2), not a panic.
    write(dir.path(), "fm-bad.md", "---\nlang: [zh\n---\n甲方：____\n");
    cl(dir.path())
        .args(["check", "fm-bad.md", "fm.md"])
        .assert()
        .code(2)
        .stderr(predicates::str::contains(
            "fm-bad.md: 3:1: invalid front matter",
        ));
}

#[cfg(unix)]
#[test]
fn symbolic_link_loops_are_noted_once_and_do_not_change_the_exit_code() {
    use std::os::unix::fs::symlink;
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    write(d, "drafts/ok.md", "甲方：张三\n");
    symlink("b.md", d.join("drafts/a.md")).unwrap();
    symlink("a.md", d.join("drafts/b.md")).unwrap();
    std::fs::create_dir_all(d.join("drafts/sub")).unwrap();
    symlink("../a.md", d.join("drafts/sub/into.md")).unwrap();
    symlink("self.md", d.join("drafts/self.md")).unwrap();
    symlink("nowhere.md", d.join("drafts/dangling.md")).unwrap();
    // A folder link back up is not followed, so it is no loop for the walk.
    symlink("..", d.join("drafts/sub/up")).unwrap();
    let out = cl(d).args(["check", "drafts"]).output().unwrap();
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    assert_eq!(
        stderr.matches("symbolic link loop").count(),
        2,
        "one note per loop, whichever paths lead into it: {stderr}"
    );
    assert!(
        stderr.contains("note: drafts/a.md: symbolic link loop (drafts/a.md → drafts/b.md → drafts/a.md), skipped"),
        "{stderr}"
    );
    assert!(
        stderr.contains("note: drafts/self.md: symbolic link loop"),
        "{stderr}"
    );
    assert!(
        stderr.contains(
            "note: drafts/dangling.md: broken symbolic link (to drafts/nowhere.md), skipped"
        ),
        "{stderr}"
    );
    assert!(stderr.contains("in 1 file"), "{stderr}");
    // Named on the command line: the same note, and the exit code of the other files.
    write(d, "bad.md", "乙方：____\n");
    cl(d)
        .args(["check", "drafts/a.md", "drafts/b.md", "bad.md"])
        .assert()
        .code(1)
        .stderr(predicates::str::contains("symbolic link loop").count(1));
    cl(d)
        .args(["check", "drafts/a.md", "drafts/ok.md"])
        .assert()
        .code(0);
}

/// Is this process able to read a file without read permission (root, or CAP_DAC_OVERRIDE)?
#[cfg(unix)]
fn permissions_are_bypassed(dir: &Path) -> bool {
    use std::os::unix::fs::PermissionsExt;
    let p = write(dir, "probe", "x");
    std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o000)).unwrap();
    let readable = std::fs::read(&p).is_ok();
    std::fs::remove_file(&p).unwrap();
    readable
}

#[cfg(unix)]
#[test]
fn unreadable_files_and_folders_are_reported_and_the_run_goes_on() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    write(d, "drafts/ok.md", "乙方：____\n");
    // A socket cannot be opened as a file, by root either: a read error on any machine.
    let _listener = std::os::unix::net::UnixListener::bind(d.join("drafts/socket.md")).unwrap();
    cl(d)
        .args([
            "check",
            "--format",
            "short",
            "drafts/socket.md",
            "drafts/ok.md",
        ])
        .assert()
        .code(2)
        .stdout(predicates::str::contains("drafts/ok.md:1:4"))
        .stderr(predicates::str::contains("error: drafts/socket.md: "));
    // Permissions: a file and a folder nobody may read.
    let secret = write(d, "drafts/secret.md", "甲方：____\n");
    write(d, "drafts/locked/inner.md", "甲方：____\n");
    std::fs::set_permissions(&secret, std::fs::Permissions::from_mode(0o000)).unwrap();
    std::fs::set_permissions(
        d.join("drafts/locked"),
        std::fs::Permissions::from_mode(0o000),
    )
    .unwrap();
    let mut run = cl(d);
    if permissions_are_bypassed(d) {
        // Root reads anything: run a copy of the binary as an unprivileged user instead,
        // when setpriv (util-linux) is there; else say that the assertions are skipped.
        let setpriv = ["/usr/bin/setpriv", "/bin/setpriv"]
            .into_iter()
            .find(|p| Path::new(p).exists());
        let Some(setpriv) = setpriv else {
            eprintln!(
                "note: running as root without setpriv: the permission assertions are \
                 skipped; the socket above covered the read-error path"
            );
            return;
        };
        let bin = d.join("clauselint");
        std::fs::copy(assert_cmd::cargo::cargo_bin("clauselint"), &bin).unwrap();
        for p in [d, &d.join("drafts"), &bin] {
            std::fs::set_permissions(p, std::fs::Permissions::from_mode(0o755)).unwrap();
        }
        std::fs::set_permissions(
            d.join("drafts/ok.md"),
            std::fs::Permissions::from_mode(0o644),
        )
        .unwrap();
        run = Command::new(setpriv);
        run.current_dir(d).args([
            "--reuid=65534",
            "--regid=65534",
            "--clear-groups",
            "./clauselint",
        ]);
    }
    let out = run
        .args(["check", "--format", "short", "drafts"])
        .output()
        .unwrap();
    std::fs::set_permissions(
        d.join("drafts/locked"),
        std::fs::Permissions::from_mode(0o755),
    )
    .unwrap();
    let stdout = String::from_utf8(out.stdout).unwrap();
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(
        stdout.contains("drafts/ok.md:1:4"),
        "the run goes on: {stdout} {stderr}"
    );
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("error: drafts/secret.md: Permission denied"),
        "{stderr}"
    );
    assert!(
        stderr.contains("error: drafts/locked: Permission denied (os error 13)"),
        "{stderr}"
    );
}

// ------------------------------------------------------------------------- odd paths

fn percent_decode(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' && i + 2 < b.len() {
            out.push(u8::from_str_radix(&s[i + 1..i + 3], 16).unwrap());
            i += 3;
        } else {
            out.push(b[i]);
            i += 1;
        }
    }
    String::from_utf8(out).unwrap()
}

#[cfg(unix)]
#[test]
fn paths_with_spaces_newlines_and_colons_are_escaped_in_every_format() {
    let dir = tempfile::tempdir().unwrap();
    let name = "合同 a:b,c%d\nnext\tline`e\u{1b}[31m.md";
    write(dir.path(), name, "甲方：____\n");
    let escaped = "合同 a:b,c%d\\nnext\\tline`e\\u{1b}[31m.md";
    let run = |format: &str| {
        let out = cl(dir.path())
            .args(["check", "--format", format, name])
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(1), "{format}");
        String::from_utf8(out.stdout).unwrap()
    };
    for format in ["json", "json-lines", "gitlab"] {
        let out = run(format);
        let v: serde_json::Value = if format == "json-lines" {
            serde_json::from_str(out.trim_end()).unwrap()
        } else {
            serde_json::from_str::<serde_json::Value>(&out).unwrap()[0].clone()
        };
        let path = if format == "gitlab" {
            &v["location"]["path"]
        } else {
            &v["path"]
        };
        assert_eq!(path, name, "{format} carries the exact path");
    }
    let sarif: serde_json::Value = serde_json::from_str(&run("sarif")).unwrap();
    let uri = sarif["runs"][0]["results"][0]["locations"][0]["physicalLocation"]
        ["artifactLocation"]["uri"]
        .as_str()
        .unwrap();
    assert!(!uri.contains(['\n', ' ', ':', '\u{1b}']), "{uri}");
    assert_eq!(percent_decode(uri), name);
    let github = run("github");
    assert_eq!(
        github.lines().count(),
        1,
        "one workflow command: {github:?}"
    );
    let file = github
        .strip_prefix("::error file=")
        .and_then(|r| r.split(",line=").next())
        .unwrap();
    assert!(!file.contains([':', ',', '\n']), "{file}");
    assert_eq!(percent_decode(file), name);
    let junit = run("junit");
    assert!(
        junit.contains("name=\"合同 a:b,c%d&#10;next&#9;line`e\\u{1b}[31m.md\""),
        "{junit}"
    );
    assert!(!junit.contains('\u{1b}'));
    for format in ["full", "short", "summary"] {
        let out = run(format);
        assert!(out.contains(escaped), "{format}: {out}");
        assert!(
            !out.contains(['\u{1b}', '\t']) && !out.contains("d\nnext"),
            "{format}: {out:?}"
        );
    }
    assert_eq!(
        run("short"),
        format!("{escaped}:1:4: error[blank/underscore]: 未填写的空白\n")
    );
    // stderr too: a file error names the path escaped.
    cl(dir.path())
        .args(["check", "--encoding", "utf-8", "--max-file-size", "4", name])
        .assert()
        .code(2)
        .stderr(predicates::str::contains(format!(
            "error: {escaped}: file is"
        )));
}

// ------------------------------------------------------------------------------ safety

/// Content, modification time and permissions of every file under `dir`.
fn snapshot(
    dir: &Path,
) -> Vec<(
    PathBuf,
    Vec<u8>,
    std::time::SystemTime,
    std::fs::Permissions,
)> {
    let mut v = Vec::new();
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            v.extend(snapshot(&p));
        } else {
            let m = std::fs::metadata(&p).unwrap();
            v.push((
                p.clone(),
                std::fs::read(&p).unwrap(),
                m.modified().unwrap(),
                m.permissions(),
            ));
        }
    }
    v.sort_by(|a, b| a.0.cmp(&b.0));
    v
}

#[test]
fn checked_drafts_are_never_written_content_and_mtime_unchanged() {
    let dir = tempfile::tempdir().unwrap();
    let drafts = dir.path().join("drafts");
    for rel in [
        "fixtures/zh/template-unfilled.md",
        "fixtures/zh/template-unfilled.gb18030.md",
        "fixtures/zh/template-unfilled.crlf.md",
        "fixtures/zh/filled.utf16le.md",
        "fixtures/en/services-unfilled.md",
    ] {
        let p = drafts.join(Path::new(rel).file_name().unwrap());
        std::fs::create_dir_all(&drafts).unwrap();
        std::fs::copy(Path::new(ROOT).join(rel), &p).unwrap();
        // An old modification time, so that any write would show even on coarse clocks.
        let f = std::fs::File::options().append(true).open(&p).unwrap();
        f.set_modified(
            std::time::SystemTime::UNIX_EPOCH + std::time::Duration::from_secs(1_000_000_000),
        )
        .unwrap();
    }
    write(
        &drafts,
        "suppressed.md",
        "<!-- clauselint-disable-next-line blank -->\n甲方：____\n",
    );
    let before = snapshot(&drafts);
    let out = dir.path().join("out");
    std::fs::create_dir_all(&out).unwrap();
    for format in FORMATS {
        cl(dir.path())
            .args(["check", "--format", format, "drafts"])
            .env("GITHUB_STEP_SUMMARY", out.join("summary.md"))
            .assert()
            .code(1);
    }
    cl(dir.path())
        .args(["check", "--write-baseline", "out/baseline.json", "drafts"])
        .assert()
        .code(0);
    cl(dir.path())
        .args([
            "check",
            "--baseline",
            "out/baseline.json",
            "--output-format",
            "sarif=out/x.sarif",
            "drafts",
        ])
        .assert()
        .code(0);
    cl(dir.path())
        .args(["check", "--redact", "--statistics", "drafts"])
        .assert()
        .code(1);
    // Outputs that name a draft are refused before anything is written.
    let target = "drafts/template-unfilled.md";
    for args in [
        vec!["--output-format", "json=drafts/template-unfilled.md"],
        vec![
            "--output-format",
            "junit=./drafts/../drafts/template-unfilled.md",
        ],
        vec!["--write-baseline", target],
    ] {
        cl(dir.path())
            .args(["check"])
            .args(&args)
            .arg("drafts")
            .assert()
            .code(2)
            .stderr(predicates::str::contains(
                "clauselint never writes to a draft",
            ));
    }
    cl(dir.path())
        .args(["check", "--format", "github", "drafts"])
        .env("GITHUB_STEP_SUMMARY", dir.path().join(target))
        .assert()
        .code(2)
        .stderr(predicates::str::contains("GITHUB_STEP_SUMMARY"));
    assert_eq!(snapshot(&drafts), before, "no draft changed");
}

fn is_han(c: char) -> bool {
    matches!(c as u32, 0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xF900..=0xFAFF | 0x20000..=0x3134F)
}

#[test]
fn redacted_output_holds_no_chinese_character_from_the_drafts_in_any_format() {
    let dir = tempfile::tempdir().unwrap();
    for (rel, name) in [
        ("fixtures/zh/template-unfilled.md", "a.md"),
        ("fixtures/zh/defect-seal-blank.md", "b.md"),
        ("fixtures/zh/three-party.md", "c.md"),
        ("fixtures/zh/hant-service-defects.md", "d.md"),
        ("fixtures/en/services-unfilled.md", "e.md"),
    ] {
        std::fs::copy(Path::new(ROOT).join(rel), dir.path().join(name)).unwrap();
    }
    // A party name in a signature message, a draft word in a suppression comment, and
    // front matter that does not parse (serde quotes the value).
    write(
        dir.path(),
        "f.md",
        "# 保密协议\n\n甲方：杭州明远电子商务有限公司\n\n乙方：北京星河数据科技有限公司\n\n<!-- clauselint-disable-next-line 保密专用 -->\n联系电话：____\n\n（以下无正文）\n\n甲方（盖章）：\n\n乙方（盖章）：\n",
    );
    write(dir.path(), "g.md", "---\nlang: 中文方言\n---\n甲方：____\n");
    // Every Han character a redacted output may hold comes from the rules' own text.
    let rules = RuleSet::embedded();
    let mut allowed = String::new();
    for r in &rules.rules {
        allowed.push_str(&r.message);
        allowed.push_str(r.help.as_deref().unwrap_or(""));
        allowed.push_str(r.description.as_deref().unwrap_or(""));
        allowed.push_str(r.message_missing.as_deref().unwrap_or(""));
    }
    let leaked_from_draft = |out: &str| -> Vec<char> {
        let mut v: Vec<char> = out
            .chars()
            .filter(|&c| is_han(c) && !allowed.contains(c))
            .collect();
        v.dedup();
        v
    };
    let names = ["a.md", "b.md", "c.md", "d.md", "e.md", "f.md", "g.md"];
    let plain = cl(dir.path())
        .args(["check", "--format", "full"])
        .args(names)
        .output()
        .unwrap();
    let plain =
        String::from_utf8(plain.stdout).unwrap() + &String::from_utf8(plain.stderr).unwrap();
    assert!(
        !leaked_from_draft(&plain).is_empty() && plain.contains("保密专用"),
        "without --redact the draft text shows (so the check below can fail)"
    );
    for format in FORMATS {
        let out = cl(dir.path())
            .args(["check", "--redact", "--format", format])
            .args(names)
            .env("GITHUB_STEP_SUMMARY", dir.path().join("summary.out"))
            .output()
            .unwrap();
        assert_eq!(
            out.status.code(),
            Some(2),
            "{format}: g.md has invalid front matter"
        );
        let all = String::from_utf8(out.stdout).unwrap() + &String::from_utf8(out.stderr).unwrap();
        let leaked = leaked_from_draft(&all);
        assert!(leaked.is_empty(), "{format}: {leaked:?} in\n{all}");
        for secret in [
            "杭州明远",
            "北京星河",
            "保密专用",
            "中文方言",
            "甲方(盖章)",
            "乙方（盖章）",
        ] {
            assert!(!all.contains(secret), "{format}: {secret}");
        }
        // Every Han character of the output is rule text, whatever the drafts hold.
        assert!(all
            .chars()
            .filter(|&c| is_han(c))
            .all(|c| allowed.contains(c)));
    }
    let summary = std::fs::read_to_string(dir.path().join("summary.out")).unwrap();
    assert!(leaked_from_draft(&summary).is_empty(), "{summary}");
    // Positions are those of the plain run.
    let (_, plain_json, _) = json_findings(dir.path(), &names);
    let (_, redacted_json, _) =
        json_findings(dir.path(), &[&["--redact"][..], &names[..]].concat());
    assert_eq!(plain_json, redacted_json);
}

// ---------------------------------------------------------------------------- the corpus

/// One odd file: name, bytes, extra arguments, the documented exit code, and a piece of
/// stderr (or stdout, for findings) that must show.
struct Case {
    name: &'static str,
    bytes: Vec<u8>,
    args: &'static [&'static str],
    code: i32,
    shows: &'static str,
}

fn utf16(text: &str, le: bool, bom: bool) -> Vec<u8> {
    let mut v = Vec::new();
    if bom {
        v.extend(if le { [0xff, 0xfe] } else { [0xfe, 0xff] });
    }
    for u in text.encode_utf16() {
        v.extend(if le { u.to_le_bytes() } else { u.to_be_bytes() });
    }
    v
}

fn corpus() -> Vec<Case> {
    let blank = "# 协议\n\n联系电话：____\n";
    let hant = "# 協議\n\n聯絡電話：____\n";
    let c = |name, bytes: Vec<u8>, args, code, shows| Case {
        name,
        bytes,
        args,
        code,
        shows,
    };
    let found = "error[blank/underscore]";
    vec![
        c("empty.md", vec![], &[], 0, "in 1 file"),
        c("bom-only.md", b"\xef\xbb\xbf".to_vec(), &[], 0, "in 1 file"),
        c("blank-lines.md", b"\n\r\n\r\n \t\n".to_vec(), &[], 0, "in 1 file"),
        c("front-matter-only.md", b"---\nlang: zh\n---\n".to_vec(), &[], 0, "in 1 file"),
        c("front-matter-unclosed.md", b"---\nlang: zh\n".to_vec(), &[], 0, "in 1 file"),
        c("front-matter-invalid.md", b"---\nlang: [zh\n---\n".to_vec(), &[], 2, "invalid front matter"),
        c("utf8-bom-crlf.md", [&b"\xef\xbb\xbf"[..], blank.replace('\n', "\r\n").as_bytes()].concat(), &[], 1, found),
        c("cr-only.md", blank.replace('\n', "\r").into_bytes(), &[], 1, found),
        c("mixed-eol.md", b"# a\r\n\r\nb\n\r\xe7\x94\xb2\xe6\x96\xb9\xef\xbc\x9a____\r".to_vec(), &[], 1, found),
        c("utf16le-bom.md", utf16(blank, true, true), &[], 1, found),
        c("utf16be-bom.md", utf16(blank, false, true), &[], 1, found),
        c("utf16le-no-bom.md", utf16(blank, true, false), &[], 1, found),
        c("gb18030.md", encoding_rs::GB18030.encode(blank).0.into_owned(), &[], 1, found),
        c("big5.md", encoding_rs::BIG5.encode(hant).0.into_owned(), &[], 1, found),
        c("gbk-forced.md", encoding_rs::GBK.encode(blank).0.into_owned(), &["--encoding", "gbk"], 1, found),
        c("undecodable.md", b"\xbc\xd7\xff\xff".to_vec(), &["--encoding", "utf-8"], 2, "cannot decode the file as UTF-8"),
        c("stray-nul.md", format!("{blank}\0\n").into_bytes(), &[], 1, found),
        c("binary.md", b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR".to_vec(), &[], 0, "note: binary.md: binary file"),
        c("zeros.md", vec![0; 4096], &[], 0, "note: zeros.md: binary file"),
        c("zero-width.md", "联系电话：__\u{200b}__\n".into(), &[], 1, found),
        c("nbsp.md", "# 协议\n\n1. 开始日期：\u{a0}\u{a0}年\u{a0}\u{a0}月\u{a0}\u{a0}日\n\n2. 甲方应于本协议签订后十五(15)个工作日内支付服务费用。\n\n（以下无正文）\n\n甲方（盖章）：杭州明远电子商务有限公司\n".into(), &[], 1, "error[blank/date]"),
        c("ideographic-space.md", "# 协议\n\n1. 开始日期：\u{3000}\u{3000}年\u{3000}\u{3000}月\u{3000}\u{3000}日\n\n2. 甲方应于本协议签订后十五(15)个工作日内支付服务费用。\n\n（以下无正文）\n\n甲方（盖章）：杭州明远电子商务有限公司\n".into(), &[], 1, "error[blank/date]"),
        c("nested-quotes.md", format!("{}联系电话：____\n", "> ".repeat(10_000)).into_bytes(), &[], 1, found),
        c("nested-lists.md", format!("{}联系电话：____\n", "- ".repeat(10_000)).into_bytes(), &[], 1, found),
        c("nested-ordered.md", format!("{}联系电话：____\n", "1. ".repeat(10_000)).into_bytes(), &[], 1, found),
        c("long-line.md", "甲方：____，".repeat(20_000).into_bytes(), &["--format", "short"], 1, found),
        c("over-limit.md", blank.repeat(100).into_bytes(), &["--max-file-size", "1K"], 2, "larger than --max-file-size"),
        c("draft.docx", b"PK\x03\x04".to_vec(), &[], 2, "Word .docx files are not supported yet"),
        c("draft.doc", b"\xd0\xcf\x11\xe0".to_vec(), &[], 2, "Word .doc files are not supported yet"),
        c("draft.wps", b"\xd0\xcf\x11\xe0".to_vec(), &[], 2, "WPS .wps files are not supported yet"),
        c("draft.pdf", b"%PDF-1.7\n".to_vec(), &[], 2, "PDF files are not supported yet"),
        c("DRAFT.PDF", b"%PDF-1.7\n".to_vec(), &[], 2, "PDF files are not supported yet"),
    ]
}

#[test]
fn every_odd_file_runs_with_its_documented_exit_code() {
    let dir = tempfile::tempdir().unwrap();
    for case in corpus() {
        write(dir.path(), case.name, &case.bytes);
        let out = cl(dir.path())
            .arg("check")
            .args(case.args)
            .arg(case.name)
            .timeout(std::time::Duration::from_secs(120))
            .output()
            .unwrap();
        let all = String::from_utf8_lossy(&out.stdout).into_owned()
            + &String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(case.code), "{}: {all}", case.name);
        assert!(all.contains(case.shows), "{}: {all}", case.name);
        assert!(!all.contains("panicked"), "{}: {all}", case.name);
    }
    // A walk over the whole corpus takes the Markdown files only (office files are not
    // picked), reports each binary with a note and each bad file with an error, and goes on.
    std::fs::remove_file(dir.path().join("over-limit.md")).unwrap();
    let out = cl(dir.path())
        .args(["check", "--format", "short", "."])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(!stderr.contains("not supported"), "{stderr}");
    assert!(stderr.contains("front-matter-invalid.md"), "{stderr}");
    assert_eq!(stderr.matches("binary file").count(), 2, "{stderr}");
}

#[test]
fn configs_and_packs_saved_with_a_byte_order_mark_and_crlf_are_read() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "clauselint.yaml",
        "\u{feff}select: [blank, house]\r\nfail-on: warning\r\n",
    );
    write(
        dir.path(),
        "house.yaml",
        "\u{feff}pack: house\r\nlang: [zh]\r\nrules:\r\n  - id: house/tbd\r\n    kind: forbid\r\n    severity: warning\r\n    message: 内容待定\r\n    pattern: '待定'\r\n",
    );
    write(dir.path(), "a.md", "# 协议\n\n价格待定。\n");
    cl(dir.path())
        .args([
            "check",
            "--format",
            "short",
            "--rules",
            "house.yaml",
            "a.md",
        ])
        .assert()
        .code(1)
        .stdout("a.md:3:3: warning[house/tbd]: 内容待定\n");
}

#[cfg(unix)]
#[test]
fn files_from_takes_paths_as_bytes() {
    use std::os::unix::ffi::OsStrExt;
    let dir = tempfile::tempdir().unwrap();
    // A file name that is not UTF-8 (GBK bytes of 合同), as old archives hold.
    let name = std::ffi::OsStr::from_bytes(b"\xba\xcf\xcd\xac.md");
    std::fs::write(dir.path().join(name), "乙方：____\n").unwrap();
    write(dir.path(), "a b.md", "甲方：____\n");
    let mut list = b"\xba\xcf\xcd\xac.md".to_vec();
    list.extend(b"\0a b.md\0");
    write(dir.path(), "list", &list);
    let out = cl(dir.path())
        .args(["check", "--format", "short", "--files-from", "list"])
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(stdout.contains("a b.md:1:4"), "{stdout}");
    assert!(
        stdout.contains(".md:1:4: error[blank/underscore]"),
        "{stdout}"
    );
    assert_eq!(stdout.lines().count(), 2, "{stdout}");
}

#[test]
fn redacted_template_findings_hold_no_text_of_the_draft_or_the_template() {
    // Template findings show the template's words too (a second snippet, a diff note).
    let dir = tempfile::tempdir().unwrap();
    let tpl = Path::new(ROOT).join("templates/after-sales-termination.zh-Hans.md");
    std::fs::copy(&tpl, dir.path().join("t.md")).unwrap();
    for (rel, name) in [
        ("tests/data/template/fill-spills.md", "a.md"),
        ("tests/data/template/copies.md", "b.md"),
        ("tests/data/template/clause-deleted.md", "c.md"),
    ] {
        let text = std::fs::read_to_string(Path::new(ROOT).join(rel)).unwrap();
        write(dir.path(), name, &text);
    }
    let rules = RuleSet::embedded();
    let mut allowed = String::new();
    for r in &rules.rules {
        let spec = r.template.as_ref();
        for t in [
            Some(&r.message),
            r.help.as_ref(),
            r.message_missing.as_ref(),
            r.description.as_ref(),
            spec.and_then(|t| t.message_spill.as_ref()),
            spec.and_then(|t| t.template_label.as_ref()),
        ] {
            allowed.push_str(t.map_or("", String::as_str));
        }
    }
    let names = ["a.md", "b.md", "c.md"];
    let run = |extra: &[&str], format: &str| {
        let out = cl(dir.path())
            .args(["check", "--template", "t.md", "--format", format])
            .args(extra)
            .args(names)
            .output()
            .unwrap();
        String::from_utf8(out.stdout).unwrap() + &String::from_utf8(out.stderr).unwrap()
    };
    let plain = run(&[], "full");
    assert!(
        plain.contains("template/") && plain.contains("一式"),
        "without --redact template findings show both texts:\n{plain}"
    );
    for format in FORMATS {
        let all = run(&["--redact"], format);
        assert!(
            all.contains("template/"),
            "{format}: no template finding\n{all}"
        );
        let leaked: Vec<char> = all
            .chars()
            .filter(|&c| is_han(c) && !allowed.contains(c))
            .collect();
        assert!(leaked.is_empty(), "{format}: {leaked:?} in\n{all}");
    }
}
