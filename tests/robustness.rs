//! Bounded property tests (issue 8): random bytes, random Markdown built from contract
//! fragments, and random YAML go through the real entry points (tests/harness/mod.rs) with
//! no panic, and every emitted span lies on character boundaries inside the file.
//!
//! The seed is fixed and the case counts keep the whole file well under a minute, so CI runs
//! it with `cargo test`. The coverage-guided fuzz targets in fuzz/ explore further.

mod harness;

use proptest::prelude::*;
use proptest::test_runner::{Config, RngAlgorithm, TestRng, TestRunner};

/// A runner with a fixed seed, no persistence files and `cases` cases.
fn runner(cases: u32) -> TestRunner {
    let config = Config {
        cases,
        failure_persistence: None,
        max_shrink_iters: 2_000,
        ..Config::default()
    };
    TestRunner::new_with_rng(
        config,
        TestRng::from_seed(RngAlgorithm::ChaCha, &[0x8a; 32]),
    )
}

fn run<S: Strategy>(cases: u32, strategy: S, test: impl Fn(S::Value)) {
    if let Err(e) = runner(cases).run(&strategy, |v| {
        test(v);
        Ok(())
    }) {
        panic!("{e}");
    }
}

// ---------------------------------------------------------------------------- drafts

/// Bytes that steer decoding and parsing: NUL, BOMs, line ends, UTF-8 lead bytes, GB18030
/// and Big5 lead bytes, zero-width characters, Markdown punctuation.
const INTERESTING: &[u8] = b"\x00\x0d\x0a\x09 _|>-*`<[]()#:!\\~=+.\xef\xbb\xbf\xff\xfe\xe2\x80\x8b\xc2\xa0\xe3\x80\x80\x81\x30\xa4\x40\xb2\xb9";

fn bytes() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        proptest::collection::vec(any::<u8>(), 0..600),
        proptest::collection::vec(proptest::sample::select(INTERESTING), 0..600),
    ]
}

/// Pieces of real drafts and of Markdown syntax; random sequences of them make documents
/// that reach deep into the model (signature blocks, tables, suppressions, front matter).
const FRAGMENTS: &[&str] = &[
    "# 补充协议\n",
    "## 第一条 付款\n",
    "甲方（委托方）：杭州明远电子商务有限公司\n",
    "乙方：____________\n",
    "法定代表人：\n",
    "地址：",
    "联系电话：______\n",
    "甲方应在本协议签订后合理期限内支付服务费用。",
    "乙方应在本协议签订后十五(15)个工作日内支付完毕。",
    "逾期的，按照未支付金额的向乙方支付逾期违约金。",
    "按未付金额的[ ]%支付违约金；",
    "如补充协议与本协议不一致的，以本协议为准。",
    "本协议自双方签字(或盖章)之日起生效。",
    "（以下无正文）\n",
    "甲方(盖章)：",
    "乙方（签字）：           日期：____年__月__日\n",
    "签署日期：　　年　　月　　日\n",
    "| 甲方 | 乙方 |\n|---|---|\n| 签字： | |\n| 日期： | 2025年6月30日 |\n",
    "| a | b\n| - |\n",
    "[具体支付期限]",
    "【 】",
    "×××有限公司",
    "如補充協議與本協議不一致的，以本協議為準。",
    "Party A: ____________\n",
    "The Tenant shall pay the deposit within a reasonable time.",
    "IN WITNESS WHEREOF, the parties have signed.\n",
    "By: ________________\nName:\nTitle:\n",
    "interest at a rate to be agreed",
    "<<Effective Date>>",
    "<!-- clauselint-disable-next-line blank/underscore -- 手写 -->\n",
    "<!-- clauselint-disable deadline -->\n",
    "<!-- clauselint-enable deadline -->\n",
    "<!-- clauselint-disable-line nosuch/rule -->",
    "<!-- clauselint-disabel -->\n",
    "---\nlang: zh\nparties: [甲方, 乙方]\nclauselint:\n  ignore: [blank]\n---\n",
    "---\nlang: [zh, en]\nrequire: [precedence/missing]\n---\n",
    "---\nlang: 42\n",
    "---\n",
    "```\n甲方：____\n```\n",
    "`____`",
    "[附件一](附件一.md)",
    "<https://example.com/a_b_c>",
    "zhang_wei@example.com",
    "MAX___VALUE",
    "[^1]",
    "[^1]: 注释：____\n",
    "- [ ] 待办\n",
    "> ",
    "- ",
    "1. ",
    "    ",
    "**甲方**",
    "__粗体__",
    "\\_\\_\\_",
    "＿＿＿",
    "\u{200b}",
    "\u{feff}",
    "\u{a0}",
    "\u{3000}",
    "\u{2003}",
    "𠀀",
    "😀",
    "\u{301}",
    "\t",
    "\n",
    "\n\n",
    "\r\n",
    "\r",
    "：",
    ":",
    "|",
    "_",
    "[",
    "]",
    "(",
    "（",
    "）",
];

fn markdown() -> impl Strategy<Value = String> {
    proptest::collection::vec(proptest::sample::select(FRAGMENTS), 0..60)
        .prop_map(|parts| parts.concat())
}

#[test]
fn random_bytes_never_panic_and_spans_stay_on_char_boundaries() {
    run(1_500, bytes(), |b| harness::draft_bytes(&b));
}

#[test]
fn random_contract_markdown_never_panics_and_spans_stay_on_char_boundaries() {
    run(2_000, markdown(), |text| harness::draft_text(&text));
}

#[test]
fn utf16_and_gb18030_copies_of_random_markdown_decode_to_the_same_text() {
    use clauselint::source::Source;
    run(500, markdown(), |text| {
        let mut le = vec![0xff, 0xfe];
        for u in text.encode_utf16() {
            le.extend(u.to_le_bytes());
        }
        // A leading U+FEFF is a byte order mark, which Source removes.
        let want = text.strip_prefix('\u{feff}').unwrap_or(&text);
        let s = Source::from_bytes("x.md", le).unwrap();
        assert_eq!(s.text, want);
        let forced = clauselint::source::encoding_by_label("gb18030");
        let (gb, _, _) = encoding_rs::GB18030.encode(&text);
        if !gb.contains(&0) {
            let s = Source::from_bytes_as("x.md", gb.into_owned(), forced).unwrap();
            assert_eq!(s.text, want);
        }
        harness::draft_bytes(&encoding_rs::GB18030.encode(&text).0);
    });
}

// ------------------------------------------------------------------------------- YAML

const PACK_FRAGMENTS: &[&str] = &[
    "pack: p\n",
    "lang: [zh]\n",
    "lang: en\n",
    "lang: [klingon]\n",
    "priority: [signature, blank]\n",
    "rules:\n",
    "  - id: blank/x\n",
    "  - id: Bad Id\n",
    "  - id: deadline/vague\n",
    "    kind: forbid\n",
    "    kind: require\n",
    "    kind: signature\n",
    "    kind: nope\n",
    "    severity: warning\n",
    "    severity: fatal\n",
    "    message: 未填写\n",
    "    message: '{party}签署栏「{field}」未填写'\n",
    "    help: h\n",
    "    pattern: '_{3,}'\n",
    "    pattern: ['(?P<at>x)y', '[']\n",
    "    pattern: '(?P<at>)'\n",
    "    pattern: '\\x{1a}+|.{0,3}'\n",
    "    pattern: '(?m)^$'\n",
    "    pattern: ''\n",
    "    when: '应.{0,6}支付'\n",
    "    must: '\\d+日'\n",
    "    unless: '合理'\n",
    "    allow: '^\\[x\\]$'\n",
    "    in: sentence\n",
    "    in: section\n",
    "    in: document\n",
    "    in: galaxy\n",
    "    scope: body\n",
    "    scope: signature-block\n",
    "    scope: {heading: '付款'}\n",
    "    clause-kinds: [paragraph, cell, intro]\n",
    "    fields: ['签字|签名', '盖章']\n",
    "    roles: [甲方, 乙方]\n",
    "    markers: ['以下无正文']\n",
    "    message-missing: '{party}缺少签署栏'\n",
    "    examples: {bad: ['x'], good: ['y']}\n",
    "    mesage: typo\n",
    "&a [1, *a]\n",
    "? [a, b]\n: c\n",
    "- - - - - - - - - - - - - - - - - - - - - - - -\n",
    "{{{{{{{{{{{{{{{{{{{{\n",
    "!!binary aGVsbG8=\n",
    "'unterminated\n",
    "\"\\u0000\"\n",
    "~\n",
    "---\n",
    "...\n",
    "\t",
    "  ",
    "\n",
    ": ",
    "- ",
    "#",
];

const CONFIG_FRAGMENTS: &[&str] = &[
    "rules: [rules/house.yaml]\n",
    "default-rules: false\n",
    "default-rules: maybe\n",
    "select: [blank, deadline]\n",
    "select: all\n",
    "ignore: [deadline/vague]\n",
    "ignore: [nosuch/rule]\n",
    "severity:\n  blank/tbd: warning\n",
    "severity: {blank: fatal}\n",
    "fail-on: warning\n",
    "fail_on: warning\n",
    "lang: auto\n",
    "lang: [zh, en]\n",
    "encoding: gb18030\n",
    "encoding: klingon\n",
    "exclude: [archive/, '*.old.md', '[']\n",
    "per-file:\n  'templates/**':\n    ignore: [blank]\n",
    "per-file:\n  '*.md':\n    severity: {deadline/vague: error}\n    select: [x]\n",
    "per-file: ~\n",
    "&a [1, *a]\n",
    "[[[[[[[[[[[[[[[[[[[[[[[[[[\n",
    "? complex\n",
    "---\n",
    "\t",
    "  ",
    "\n",
    ": ",
    "- ",
    "#",
    "\u{feff}",
];

fn yaml(fragments: &'static [&'static str]) -> impl Strategy<Value = String> {
    prop_oneof![
        3 => proptest::collection::vec(proptest::sample::select(fragments), 0..30)
            .prop_map(|p| p.concat()),
        1 => ".{0,300}",
    ]
}

#[test]
fn random_rule_packs_load_or_fail_cleanly_and_run_without_panic() {
    run(1_000, yaml(PACK_FRAGMENTS), |t| harness::pack_text(&t));
}

#[test]
fn random_configs_load_or_fail_cleanly() {
    run(1_000, yaml(CONFIG_FRAGMENTS), |t| harness::config_text(&t));
}

// ------------------------------------------------------------------- deep structures

#[test]
fn ten_thousand_nested_block_quotes_and_lists_do_not_overflow_the_stack() {
    let n = 10_000;
    harness::draft_text(&format!("{}甲方：____\n", "> ".repeat(n)));
    harness::draft_text(&format!("{}乙方：____\n", "- ".repeat(n)));
    harness::draft_text(&format!("{}丙方：____\n", "1. ".repeat(n)));
    let mut lines = String::new();
    for i in 1..=n {
        lines.push_str(&">".repeat(i.min(200)));
        lines.push_str(" 条款\n");
    }
    harness::draft_text(&lines);
    let mut nested = String::new();
    for i in 0..2_000 {
        nested.push_str(&"  ".repeat(i));
        nested.push_str("- 第");
        nested.push_str(&i.to_string());
        nested.push_str("项：____\n");
    }
    harness::draft_text(&nested);
    harness::draft_text(&"[".repeat(n));
    harness::draft_text(&"*".repeat(n));
    harness::draft_text(&"<!--".repeat(n));
    harness::config_text(&"[".repeat(n));
    harness::pack_text(&format!("pack: p\nrules: {}", "[".repeat(n)));
    harness::draft_text(&format!("---\nx: {}\n---\n", "[".repeat(n)));
}
