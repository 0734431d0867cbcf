use super::*;

fn doc(text: &str) -> (Source, Vec<(ClauseKind, String)>) {
    let src = Source::new("t.md", text);
    let d = Document::parse(&src).unwrap();
    let clauses = d
        .clauses
        .iter()
        .map(|c| (c.kind, src.text[c.span.clone()].to_string()))
        .collect();
    (src.clone(), clauses)
}

fn scan(text: &str) -> String {
    let src = Source::new("t.md", text);
    let d = Document::parse(&src).unwrap();
    d.scan.clone()
}

#[test]
fn clauses_are_paragraphs_items_headings_and_cells() {
    let (_, c) = doc("# 标题\n\n甲方：A公司\n\n- 地址：杭州\n- 电话：1\n\n| 甲方 | 乙方 |\n|---|---|\n| 签字 |  |\n");
    let kinds: Vec<ClauseKind> = c.iter().map(|x| x.0).collect();
    assert_eq!(
        kinds,
        [
            ClauseKind::Heading(1),
            ClauseKind::Paragraph,
            ClauseKind::Item,
            ClauseKind::Item,
            ClauseKind::Cell,
            ClauseKind::Cell,
            ClauseKind::Cell,
            ClauseKind::Cell
        ]
    );
    assert_eq!(c[0].1, "标题");
    assert_eq!(c[2].1, "地址：杭州");
    // The empty cell still has a clause, with an empty or blank span.
    assert_eq!(c[7].1.trim(), "");
}

#[test]
fn tables_record_rows_and_columns() {
    let src = Source::new("t.md", "| | A | B |\n|---|---|---|\n| Name | x | |\n");
    let d = Document::parse(&src).unwrap();
    assert_eq!(d.tables.len(), 1);
    assert_eq!(d.tables[0].rows.len(), 2);
    assert_eq!(d.tables[0].rows[1].len(), 3);
}

#[test]
fn masked_text_is_blanked_with_the_same_length() {
    let text = "见`a___b`与[链接](https://x.com/__a__)和<!-- ____ -->及[^1]。\n\n[^1]: 注释\n";
    let s = scan(text);
    assert_eq!(s.len(), text.len());
    assert!(!s.contains("___"), "{s}");
    assert!(!s.contains("https"), "{s}");
    assert!(s.contains("链接"));
    assert!(
        !s.contains('['),
        "link and footnote brackets are syntax: {s}"
    );
}

#[test]
fn thematic_breaks_code_blocks_and_task_markers_are_not_clauses() {
    let (_, c) = doc("___\n\n```\n____\n```\n\n    ____\n\n- [ ] 选项一\n- [x] 选项二\n");
    let texts: Vec<&str> = c.iter().map(|x| x.1.as_str()).collect();
    assert_eq!(texts, ["[ ] 选项一", "[x] 选项二"]);
    let s = scan("- [ ] 选项一\n");
    assert!(!s.contains('['), "task markers are masked: {s}");
}

#[test]
fn emphasis_markers_are_masked_but_underscore_blanks_are_not() {
    let s = scan("__粗体__ 与 ____ 与 \\_\\_\\_\n");
    assert!(s.starts_with("  粗体  "), "{s}");
    assert!(s.contains("____"));
    assert!(s.contains("\\_\\_\\_"));
}

#[test]
fn traditional_text_is_folded_in_scan_only() {
    let text = "如補充協議與本協議不一致的，以補充協議為準。\n";
    let src = Source::new("t.md", text);
    let d = Document::parse(&src).unwrap();
    assert!(d.scan.contains("以补充协议为准"));
    assert_eq!(d.text(), text);
}

#[test]
fn front_matter_only_at_the_start() {
    let src = Source::new(
        "t.md",
        "---\nlang: en\nparties: [Buyer, Seller]\n---\n甲方：____\n",
    );
    let d = Document::parse(&src).unwrap();
    assert_eq!(d.front_matter.lang, Some(LangSet::EN));
    assert_eq!(d.front_matter.parties, ["Buyer", "Seller"]);
    assert_eq!(d.clauses[0].lang, LangSet::EN);
    assert_eq!(&src.text[d.clauses[0].span.clone()], "甲方：____");

    // A `---` block in the middle is a thematic break and text, not metadata.
    let src = Source::new("t.md", "正文\n\n---\nlang: en\n---\n");
    let d = Document::parse(&src).unwrap();
    assert!(d.front_matter.lang.is_none());
}

#[test]
fn front_matter_after_bom_and_with_crlf() {
    let src = Source::new("t.md", "\u{feff}---\r\nlang: zh\r\n---\r\n正文\r\n");
    let d = Document::parse(&src).unwrap();
    assert_eq!(d.front_matter.lang, Some(LangSet::ZH));
    assert_eq!(&src.text[d.clauses[0].span.clone()], "正文");
}

#[test]
fn invalid_front_matter_is_an_error() {
    let src = Source::new("t.md", "---\nlang: [zh\n---\n正文\n");
    assert!(Document::parse(&src).is_err());
    let src = Source::new("t.md", "---\nlang: fr\n---\n正文\n");
    let e = Document::parse(&src).unwrap_err();
    assert!(e.message.contains("unsupported lang"), "{}", e.message);
}

#[test]
fn sections_nest_by_heading_level() {
    let src = Source::new("t.md", "# A\n\n## B\n\nx\n\n## C\n\ny\n");
    let d = Document::parse(&src).unwrap();
    assert_eq!(d.sections.len(), 3);
    assert_eq!(d.sections[1].parent(), Some(0));
    assert_eq!(d.sections[2].parent(), Some(0));
    let x = d
        .clauses
        .iter()
        .find(|c| &src.text[c.span.clone()] == "x")
        .unwrap();
    assert_eq!(d.section_path(x.section()), [0, 1]);
}

#[test]
fn language_is_detected_per_clause() {
    let src = Source::new(
        "t.md",
        "甲方应支付。\n\nThe Buyer shall pay.\n\n甲方（盖章）Party A (Seal)\n",
    );
    let d = Document::parse(&src).unwrap();
    assert_eq!(d.clauses[0].lang, LangSet::ZH);
    assert_eq!(d.clauses[1].lang, LangSet::EN);
    assert_eq!(d.clauses[2].lang, LangSet::BOTH);
}

#[test]
fn a_list_introduction_is_marked() {
    let src = Source::new(
        "t.md",
        "双方约定如下：\n\n- 一\n\n地址：\n\n<!-- c -->\n\n- 二\n",
    );
    let d = Document::parse(&src).unwrap();
    assert!(d.clauses[0].intro);
    let addr = d
        .clauses
        .iter()
        .find(|c| src.text[c.span.clone()].starts_with("地址"))
        .unwrap();
    assert!(
        !addr.intro,
        "an HTML block between them ends the introduction"
    );
}

#[test]
fn clauses_touching_finds_what_a_scan_of_every_clause_finds() {
    let text =
        "# 一\n\n甲方：A\n\n- 项一\n- 项二\n  - 子项\n\n| a | |\n|---|---|\n| x | y |\n\n末段。\n";
    let src = Source::new("t.md", text);
    let doc = Document::parse(&src).unwrap();
    for lo in 0..=text.len() {
        for hi in lo..=(lo + 12).min(text.len()) {
            let brute: Vec<usize> = (0..doc.clauses.len())
                .filter(|&i| doc.clauses[i].span.start <= hi && doc.clauses[i].span.end >= lo)
                .collect();
            assert_eq!(doc.clauses_touching(lo, hi), brute, "{lo}..{hi}");
        }
    }
}
