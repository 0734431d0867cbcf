//! Template conformance: every draft under tests/data/template/ (except the templates in
//! templates/) follows a template through its front matter and states every finding it must
//! produce, rules and template alike, in a sidecar NAME.expect.yaml:
//! `- {line: N, rule: id, template_line: M}` (template_line for template findings). Actual
//! must equal expected, by rule and line in both files. Insta snapshots fix the output.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use clauselint::diagnostic::Diagnostic;
use clauselint::emit::{Emitter, Full, Json, Short, Summary};
use clauselint::rules::RuleSet;
use clauselint::source::Source;
use clauselint::template::Store;
use codespan_reporting::term::termcolor::NoColor;

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct Expect {
    line: usize,
    rule: String,
    #[serde(default)]
    template_line: Option<usize>,
}

type Key = (usize, String, Option<usize>);

mod common;

fn drafts() -> Vec<PathBuf> {
    common::md_files("tests/data/template", &["templates"])
}

fn check(path: &Path, cli: Option<&str>) -> (Source, Vec<Diagnostic>) {
    let src = Source::read(path).unwrap();
    let rules = RuleSet::embedded();
    let store = Store::new(cli.map(PathBuf::from), None);
    let (diags, err) = clauselint::check_source_with(&src, &rules, &store).unwrap();
    assert!(err.is_none(), "{}: {err:?}", path.display());
    (src, diags)
}

fn keys(src: &Source, diags: &[Diagnostic]) -> BTreeMap<Key, usize> {
    let mut m = BTreeMap::new();
    for d in diags {
        let line = src.line_col(d.span.start).0;
        let tline = d.other_file().map(|(f, l)| f.line_col(l.span.start).0);
        *m.entry((line, d.rule.clone(), tline)).or_insert(0) += 1;
    }
    m
}

#[test]
fn every_conformance_draft_produces_exactly_its_expected_findings() {
    let files = drafts();
    assert!(files.len() >= 12, "conformance drafts missing");
    let mut failures = Vec::new();
    for path in files {
        let sidecar = path.with_extension("expect.yaml");
        let text = std::fs::read_to_string(&sidecar)
            .unwrap_or_else(|_| panic!("{} has no {}", path.display(), sidecar.display()));
        let list: Vec<Expect> = serde_yaml::from_str(&text).unwrap();
        let mut exp = BTreeMap::new();
        for e in list {
            *exp.entry((e.line, e.rule, e.template_line)).or_insert(0) += 1;
        }
        let (src, diags) = check(&path, None);
        let act = keys(&src, &diags);
        if exp != act {
            failures.push(format!(
                "{}:\n  expected {exp:?}\n  actual   {act:?}",
                path.display()
            ));
        }
    }
    assert!(failures.is_empty(), "\n{}\n", failures.join("\n"));
}

/// The drafts of fixtures/ in Traditional characters and full-width punctuation, checked
/// with --template: width and script alone are never a change.
#[test]
fn traditional_and_full_width_drafts_differ_only_where_the_words_do() {
    let t = Some("templates/after-sales-termination.zh-Hans.md");
    for f in [
        "fixtures/zh/filled.md",
        "fixtures/zh/filled.zh-Hant.md",
        "fixtures/zh/filled.fullwidth.md",
        "fixtures/zh/template-unfilled.md",
        "fixtures/zh/template-unfilled.zh-Hant.md",
        "fixtures/zh/template-unfilled.fullwidth.md",
    ] {
        let (_, diags) = check(Path::new(f), t);
        let tpl: Vec<_> = diags
            .iter()
            .filter(|d| d.category() == "template")
            .collect();
        assert!(tpl.is_empty(), "{f}: {tpl:#?}");
    }
    let (src, diags) = check(
        Path::new("fixtures/zh/defect-precedence-reversed.zh-Hant.md"),
        t,
    );
    let tpl: Vec<_> = diags
        .iter()
        .filter(|d| d.category() == "template")
        .collect();
    assert_eq!(tpl.len(), 1, "{tpl:#?}");
    assert_eq!(&src.text[tpl[0].span.clone()], "本協議");
    let (f, l) = tpl[0].other_file().unwrap();
    assert_eq!(&f.text[l.span.clone()], "补充协议");
}

#[test]
fn the_reversed_precedence_sentence_points_at_both_words() {
    let (src, diags) = check(
        Path::new("tests/data/template/precedence-reversed.md"),
        None,
    );
    let d = diags.iter().find(|d| d.rule == "template/changed").unwrap();
    assert_eq!(&src.text[d.span.clone()], "本协议");
    let (f, l) = d.other_file().unwrap();
    assert_eq!(
        f.path,
        Path::new("templates/after-sales-termination.zh-Hans.md")
    );
    assert_eq!(&f.text[l.span.clone()], "补充协议");
    assert_eq!(
        d.notes,
        vec!["- 以补充协议为准\n+ 以本协议为准".to_string()]
    );
    assert!(diags.iter().any(|d| d.rule == "precedence/reversed"));
}

#[test]
fn numbers_and_spills_are_labelled_on_the_words_that_changed() {
    let cases = [
        ("late-fee-days.md", "三", "一"),
        ("copies.md", "三", "两"),
        (
            "fill-spills.md",
            "三(3)年,期满后乙方不再承担保密义务",
            "[具体保密期限]年",
        ),
    ];
    for (f, new, old) in cases {
        let (src, diags) = check(&Path::new("tests/data/template").join(f), None);
        assert_eq!(diags.len(), 1, "{f}: {diags:#?}");
        let d = &diags[0];
        assert_eq!(&src.text[d.span.clone()], new, "{f}");
        let (t, l) = d.other_file().unwrap();
        assert_eq!(&t.text[l.span.clone()], old, "{f}");
    }
}

fn render(path: &str, format: &str) -> String {
    let (src, diags) = check(Path::new(path), None);
    let mut buf: Vec<u8> = Vec::new();
    {
        let mut nc;
        let mut e: Box<dyn Emitter + '_> = match format {
            "full" => {
                nc = NoColor::new(&mut buf);
                Box::new(Full::new(&mut nc))
            }
            "short" => Box::new(Short::new(&mut buf)),
            "json" => Box::new(Json::new(&mut buf)),
            _ => unreachable!(),
        };
        e.file(&src, &diags).unwrap();
        e.finish(&Summary::default()).unwrap();
    }
    String::from_utf8(buf).unwrap()
}

#[test]
fn full_output_shows_both_files() {
    for (name, path) in [
        ("full_precedence_reversed", "precedence-reversed.md"),
        ("full_clause_deleted", "clause-deleted.md"),
        ("full_clause_inserted", "clause-inserted.md"),
        ("full_fill_spills", "fill-spills.md"),
        ("full_moved", "moved.md"),
        ("full_en_changed", "en/changed.md"),
    ] {
        insta::assert_snapshot!(name, render(&format!("tests/data/template/{path}"), "full"));
    }
}

#[test]
fn json_carries_the_template_path_and_span() {
    insta::assert_snapshot!(
        "json_precedence_reversed",
        render("tests/data/template/precedence-reversed.md", "json")
    );
    insta::assert_snapshot!(
        "short_clause_inserted",
        render("tests/data/template/clause-inserted.md", "short")
    );
}

/// A template that repeats its chapters (the same headings and clauses three times, told
/// apart only by their numbers), and an unfilled copy with one word changed in the first
/// chapter and one in the last: exactly those two changes, no moves.
#[test]
fn repeated_chapters_report_only_the_edits() {
    let path = Path::new("tests/data/template-repeated/repeated-chapters.md");
    let (src, diags) = check(path, None);
    let got: Vec<(usize, String, Option<usize>)> = keys(&src, &diags)
        .into_keys()
        .filter(|k| k.1.starts_with("template/"))
        .collect();
    assert_eq!(
        got,
        vec![
            (38, "template/changed".to_string(), Some(35)),
            (350, "template/changed".to_string(), Some(347)),
        ]
    );
}
