//! The speed-ups of issue 7 change no finding: the literal prefilter only skips regexes
//! that cannot match, on every fixture and every example in the default packs.

use std::path::PathBuf;

use clauselint::document::Document;
use clauselint::rules::RuleSet;
use clauselint::source::Source;

mod common;

fn fixture_files() -> Vec<PathBuf> {
    let mut v = common::md_files("fixtures", &[]);
    v.extend(common::md_files("tests/data", &[]));
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

/// Drafts whose structure crosses part boundaries: sections closed in a later part, a list
/// introduced by the last clause of the part before, references to definitions in other
/// parts, blocks that hold blank lines.
const CROSSING: &[&str] = &[
    "# 合同\n\n## 一、总则\n\n### 1.1\n\n正文一。\n\n# 附件\n\n正文二。\n\n## 二\n\n正文三。\n",
    "双方约定如下：\n\n- 甲方应支付。\n- 乙方应交付。\n\n付款方式：\n\n| 项目 | 金额 |\n|---|---|\n| 货款 | ____ |\n",
    "见[附件][fj]与脚注[^1]，以及[说明]。\n\n正文 ____ 。\n\n[fj]: https://example.com/a___b\n\n[^1]: 脚注内容 ____ 。\n\n[说明]: /x\n",
    "[^a]: 先定义 ____\n\n后引用[^a]和[^A]。\n\n再引用[^b]。\n",
    "```\n代码 ____\n\n仍是代码 ____\n```\n\n正文 ____\n\n<!--\n\n注释 ____\n\n-->\n\n正文二 ____\n\n<!-- clauselint-disable-next-line blank -->\n甲方：____\n",
    "---\ntitle: x\nparties: [甲方, 乙方]\n---\n\n# 协议\n\n甲方：A公司\n\n乙方：\n\n（以下无正文）\n\n甲方（盖章）：\n\n乙方（盖章）：B公司\n",
    "Party A: ____\n\nThe fee shall be paid within ____ days. See [Schedule 1].\n\n> quoted ____\n\n    code ____\n\nIN WITNESS WHEREOF\n\nBy: ____\n",
];

fn documents_equal(a: &Document, b: &Document, what: &str) {
    assert_eq!(a.scan, b.scan, "{what}: scan");
    assert_eq!(
        format!("{:?}", a.clauses),
        format!("{:?}", b.clauses),
        "{what}: clauses"
    );
    assert_eq!(
        format!("{:?}", a.sections),
        format!("{:?}", b.sections),
        "{what}: sections"
    );
    assert_eq!(
        format!("{:?}", a.tables),
        format!("{:?}", b.tables),
        "{what}: tables"
    );
    let cells = |d: &Document| d.clauses.iter().map(|c| d.cell(c)).collect::<Vec<_>>();
    assert_eq!(cells(a), cells(b), "{what}: cells");
    assert_eq!(a.masks, b.masks, "{what}: masks");
    assert_eq!(a.html, b.html, "{what}: html");
    assert_eq!(a.default_lang, b.default_lang, "{what}: language");
    assert_eq!(a.body_start, b.body_start, "{what}: body");
}

#[test]
fn a_draft_parsed_in_parts_is_the_draft_parsed_whole() {
    let rules = RuleSet::embedded();
    let mut srcs = sources(&rules);
    for (i, t) in CROSSING.iter().enumerate() {
        srcs.push(Source::new(format!("crossing-{i}.md"), *t));
    }
    let mut parted = 0;
    for src in &srcs {
        let Ok(whole) = Document::parse(src) else {
            continue;
        };
        for size in [1, 7, 64, 300] {
            let chunking = clauselint::document::Chunking::new(Some(size));
            let parts = Document::parse_chunked(src, &chunking).unwrap();
            let what = format!("{} in parts of {size}", src.path.display());
            documents_equal(&whole, &parts, &what);
            // Per-clause work in parallel blocks of a few clauses, too.
            assert_eq!(
                clauselint::check::check(&whole, &rules),
                clauselint::check::check_in_blocks(&parts, &rules, size.min(5)),
                "{what}: findings"
            );
        }
        if clauselint::document::Chunking::new(Some(1)).parts(src) > 2 {
            parted += 1;
        }
    }
    // The comparison means something only if drafts were really cut.
    assert!(
        parted > srcs.len() / 2,
        "only {parted} drafts were cut into parts"
    );
}
