//! The Markdown model of a draft: front matter, clauses, sections and masked ranges, all as
//! byte ranges into the original text.
//!
//! The text is parsed once with pulldown-cmark. Rules never look at pulldown-cmark's event
//! text (escapes and entities change it): they run on [`Document::scan`], a copy of the
//! source with the same length in which everything that is not contract text (code, HTML
//! comments, link targets, Markdown punctuation of emphasis and links) is blanked with
//! spaces and Traditional characters are folded to Simplified ones.

mod chunked;
pub mod fold;
pub mod front_matter;
mod lang;
mod sentences;

use std::ops::Range;

use pulldown_cmark::{Event, LinkType, Options, Parser, Tag, TagEnd};
use regex::Regex;

pub use chunked::{Chunking, DEFAULT_PART};
pub use front_matter::FrontMatter;
pub use lang::{Lang, LangSet};

use crate::source::{Source, Span};

/// What kind of Markdown block a clause comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ClauseKind {
    Paragraph,
    Item,
    Heading(u8),
    Cell,
}

impl ClauseKind {
    pub fn name(self) -> &'static str {
        match self {
            ClauseKind::Paragraph => "paragraph",
            ClauseKind::Item => "item",
            ClauseKind::Heading(_) => "heading",
            ClauseKind::Cell => "cell",
        }
    }
}

/// A unit of contract text: a paragraph, list item, heading or table cell.
#[derive(Debug, Clone)]
pub struct Clause {
    /// From the first to the last byte of inline content. Empty table cells have an empty
    /// span at the cell's position.
    pub span: Span,
    pub kind: ClauseKind,
    /// Innermost section (index into [`Document::sections`], `NONE` for none), see
    /// [`Clause::section`]: in 32 bits, as a long draft has a million clauses.
    section: u32,
    pub lang: LangSet,
    /// A paragraph or item ending in a colon that a list or table follows directly
    /// ("双方约定如下：").
    pub intro: bool,
    /// For table cells: where in [`Document::cells`] its position is (`NONE` for other
    /// clauses), see [`Document::cell`].
    cell: u32,
}

/// Indices in 32 bits: a long draft has a million clauses, and a table of four billion
/// cells would take more than the longest text a line index covers in 32 bits.
impl Clause {
    /// Innermost section (index into [`Document::sections`]).
    pub fn section(&self) -> Option<usize> {
        (self.section != NONE).then_some(self.section as usize)
    }
}

/// "No section", "not a cell" in a [`Clause`].
const NONE: u32 = u32::MAX;

/// A 32-bit index of a [`Clause`] from an optional one.
fn index_or_none(i: Option<usize>) -> u32 {
    i.map_or(NONE, small)
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CellPos {
    pub table: u32,
    pub row: u32,
    pub col: u32,
}

impl CellPos {
    pub fn table(&self) -> usize {
        self.table as usize
    }

    pub fn row(&self) -> usize {
        self.row as usize
    }
}

/// An index that fits in 32 bits (see [`CellPos`]); `u32::MAX` is kept for "none".
fn small(i: usize) -> u32 {
    u32::try_from(i)
        .ok()
        .filter(|&i| i != NONE)
        .expect("fewer than 2^32 - 1 sections, cells, tables, rows and columns")
}

/// A heading and everything under it up to the next heading of the same or a higher level.
#[derive(Debug, Clone)]
pub struct Section {
    pub level: u8,
    /// See [`Section::heading`] and [`Section::parent`]: 32-bit indices, as a long draft
    /// has hundreds of thousands of sections.
    heading: u32,
    parent: u32,
    pub span: Span,
}

impl Section {
    /// The clause of its heading.
    pub fn heading(&self) -> usize {
        self.heading as usize
    }

    /// The section it lies in.
    pub fn parent(&self) -> Option<usize> {
        (self.parent != NONE).then_some(self.parent as usize)
    }
}

/// A table: `rows[r][c]` is a clause index; row 0 is the header.
#[derive(Debug, Clone, Default)]
pub struct Table {
    pub span: Span,
    pub rows: Vec<Vec<usize>>,
}

#[derive(Debug)]
pub struct Document<'s> {
    pub source: &'s Source,
    pub front_matter: FrontMatter,
    /// Where the Markdown body starts (after front matter).
    pub body_start: usize,
    /// Same length as the source; masked bytes are spaces, Traditional folded to Simplified.
    pub scan: String,
    pub clauses: Vec<Clause>,
    pub sections: Vec<Section>,
    pub tables: Vec<Table>,
    /// The positions of the table cells among the clauses (see [`Document::cell`]).
    cells: Vec<CellPos>,
    /// Ranges that are not contract text, sorted and disjoint.
    pub masks: Masks,
    /// The language used for clauses with no letters of their own.
    pub default_lang: LangSet,
    /// Raw HTML (blocks and inline), where HTML comments such as suppression comments live.
    /// Sorted, not merged. Code blocks and inline code are not HTML.
    pub html: Vec<Span>,
    /// Clauses by position, built on first use (see [`Document::clauses_touching`]).
    by_start: std::sync::OnceLock<ClauseIndex>,
}

/// The clauses in order of their start (`None`: clause order, as nearly always), and the
/// longest clause's length.
#[derive(Debug, Default)]
struct ClauseIndex {
    order: Option<Vec<usize>>,
    max_len: usize,
}

#[derive(Debug)]
pub struct DocumentError {
    pub span: Span,
    pub message: String,
}

impl<'s> Document<'s> {
    /// Parse a source. Fails only on front matter that is not valid YAML.
    pub fn parse(source: &'s Source) -> Result<Document<'s>, DocumentError> {
        Document::parse_chunked(source, &Chunking::whole())
    }

    /// Set every clause's language, as front matter `lang:` does (a config's `lang` for a
    /// draft whose front matter does not say).
    pub fn set_lang(&mut self, lang: LangSet) {
        self.default_lang = lang;
        for c in &mut self.clauses {
            c.lang = lang;
        }
    }

    pub fn text(&self) -> &str {
        &self.source.text
    }

    /// For a table cell: its table, row and column.
    pub fn cell(&self, clause: &Clause) -> Option<CellPos> {
        (clause.cell != NONE).then(|| self.cells[clause.cell as usize])
    }

    /// The scan text (folded, masked) of a span.
    pub fn scan_of(&self, span: &Span) -> &str {
        &self.scan[span.clone()]
    }

    /// Sentences of a clause: split after 。；;！？!? and after `. ` in English.
    pub fn sentences(&self, clause: &Clause) -> Vec<Span> {
        sentences::split(&self.scan, clause.span.clone())
    }

    /// The lines of a clause (a paragraph can hold several label lines).
    pub fn clause_lines(&self, clause: &Clause) -> Vec<Span> {
        let idx = self.source.line_index();
        let first = idx.line_of(clause.span.start);
        let last = idx.line_of(clause.span.end.saturating_sub(1).max(clause.span.start));
        (first..=last)
            .map(|l| {
                let r = idx.line_range(&self.source.text, l);
                r.start.max(clause.span.start)..r.end.min(clause.span.end)
            })
            .filter(|r| r.start <= r.end)
            .collect()
    }

    /// Indices of the sections whose heading path leads to `section` (outermost first).
    pub fn section_path(&self, section: Option<usize>) -> Vec<usize> {
        let mut path = Vec::new();
        let mut cur = section;
        while let Some(s) = cur {
            path.push(s);
            cur = self.sections[s].parent();
        }
        path.reverse();
        path
    }

    /// The clauses that start at or before `hi` and end at or after `lo`, in clause order,
    /// found in logarithmic time (a long draft has hundreds of thousands of clauses, and
    /// findings and value look-ups ask for the clause at a position).
    pub fn clauses_touching(&self, lo: usize, hi: usize) -> Vec<usize> {
        let idx = self.by_start.get_or_init(|| {
            let sorted = self
                .clauses
                .windows(2)
                .all(|w| w[0].span.start <= w[1].span.start);
            let order = (!sorted).then(|| {
                let mut order: Vec<usize> = (0..self.clauses.len()).collect();
                order.sort_by_key(|&i| (self.clauses[i].span.start, i));
                order
            });
            let max_len = self.clauses.iter().map(|c| c.span.len()).max().unwrap_or(0);
            ClauseIndex { order, max_len }
        });
        let start = |i: usize| self.clauses[i].span.start;
        let candidates = |p: usize, at: &dyn Fn(usize) -> usize| -> Vec<usize> {
            (0..p)
                .rev()
                .map(at)
                .take_while(|&i| start(i) + idx.max_len >= lo)
                .filter(|&i| self.clauses[i].span.end >= lo)
                .collect()
        };
        let mut out = match &idx.order {
            Some(order) => candidates(order.partition_point(|&i| start(i) <= hi), &|k| order[k]),
            // Sorted by start with ties in clause order: the same as sorting (start, index).
            None => candidates(self.clauses.partition_point(|c| c.span.start <= hi), &|k| k),
        };
        out.sort_unstable();
        out
    }

    pub fn is_masked(&self, offset: usize) -> bool {
        self.masks.contains(offset)
    }
}

/// Sorted, disjoint ranges of the text, in 32-bit offsets when the text is under 4 GiB (a
/// long draft has a million masks).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Masks {
    Small(Vec<[u32; 2]>),
    Large(Vec<Span>),
}

impl Masks {
    /// The masks of a text from lists that are each sorted and merged, in text order:
    /// ranges that touch across two lists are merged too. Each list is freed once copied.
    fn join(text_len: usize, lists: Vec<Vec<Span>>) -> Masks {
        let n = lists.iter().map(Vec::len).sum();
        let ranges = lists.into_iter().flatten();
        if u32::try_from(text_len).is_ok() {
            let mut v: Vec<[u32; 2]> = Vec::with_capacity(n);
            for m in ranges {
                match v.last_mut() {
                    Some(last) if m.start <= last[1] as usize => {
                        last[1] = last[1].max(m.end as u32)
                    }
                    _ => v.push([m.start as u32, m.end as u32]),
                }
            }
            v.shrink_to_fit();
            Masks::Small(v)
        } else {
            let mut v: Vec<Span> = Vec::with_capacity(n);
            v.extend(ranges);
            Masks::Large(merge(v))
        }
    }

    pub fn len(&self) -> usize {
        match self {
            Masks::Small(v) => v.len(),
            Masks::Large(v) => v.len(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The `i`-th range.
    pub fn get(&self, i: usize) -> Option<Span> {
        match self {
            Masks::Small(v) => v.get(i).map(|m| m[0] as usize..m[1] as usize),
            Masks::Large(v) => v.get(i).cloned(),
        }
    }

    /// Does a range hold `offset`?
    pub fn contains(&self, offset: usize) -> bool {
        let i = match self {
            Masks::Small(v) => v.partition_point(|m| m[1] as usize <= offset),
            Masks::Large(v) => v.partition_point(|m| m.end <= offset),
        };
        self.get(i).is_some_and(|m| m.start <= offset)
    }
}

/// `text` with every CR that is not followed by LF replaced by LF (same length).
fn lone_cr_to_lf(text: &str) -> std::borrow::Cow<'_, str> {
    let b = text.as_bytes();
    let lone = |i: usize| b[i] == b'\r' && b.get(i + 1) != Some(&b'\n');
    if !b.contains(&b'\r') || !(0..b.len()).any(lone) {
        return std::borrow::Cow::Borrowed(text);
    }
    let out: Vec<u8> = (0..b.len())
        .map(|i| if lone(i) { b'\n' } else { b[i] })
        .collect();
    // An ASCII byte replaced by an ASCII byte: still UTF-8.
    std::borrow::Cow::Owned(String::from_utf8(out).expect("ASCII for ASCII"))
}

/// The byte that stands for masked content in the scan text (ASCII SUB): not a space, not
/// a letter, matched by no pattern of the default packs.
pub const OPAQUE: u8 = 0x1a;

/// Is this inline HTML real markup (a comment, a closing tag, a known element)? A
/// placeholder such as `<Effective Date>` is parsed as an HTML tag by CommonMark but is
/// contract text.
fn is_markup(html: &str) -> bool {
    const TAGS: &[&str] = &[
        "a",
        "abbr",
        "b",
        "big",
        "blockquote",
        "br",
        "center",
        "cite",
        "code",
        "dd",
        "del",
        "details",
        "div",
        "dl",
        "dt",
        "em",
        "font",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "hr",
        "i",
        "img",
        "ins",
        "kbd",
        "li",
        "mark",
        "ol",
        "p",
        "pre",
        "q",
        "s",
        "samp",
        "small",
        "span",
        "strike",
        "strong",
        "sub",
        "summary",
        "sup",
        "table",
        "tbody",
        "td",
        "th",
        "thead",
        "tr",
        "tt",
        "u",
        "ul",
        "var",
        "wbr",
    ];
    let h = html.trim_start();
    if h.starts_with("<!") || h.starts_with("</") || h.starts_with("<?") {
        return true;
    }
    let name: String = h
        .trim_start_matches('<')
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric())
        .collect::<String>()
        .to_ascii_lowercase();
    TAGS.contains(&name.as_str())
}

/// Merge sorted ranges that touch or overlap and drop empty ones, in place (a long draft
/// has a million masks), returning the vector at its new length.
fn merge(mut masks: Vec<Span>) -> Vec<Span> {
    let mut n = 0;
    for k in 0..masks.len() {
        let m = masks[k].clone();
        if m.start >= m.end {
            continue;
        }
        if n > 0 && m.start <= masks[n - 1].end {
            masks[n - 1].end = masks[n - 1].end.max(m.end);
        } else {
            masks[n] = m;
            n += 1;
        }
    }
    masks.truncate(n);
    masks.shrink_to_fit();
    masks
}

/// Bare URLs, e-mail addresses and identifiers with underscores (`MAX___VALUE`) are not
/// blanks. pulldown-cmark does not recognise bare URLs, so they are masked here.
fn mask_urls_and_identifiers(text: &str, clauses: &[Clause], masks: &mut Vec<Span>) {
    use std::sync::OnceLock;
    static RE: OnceLock<Regex> = OnceLock::new();
    let re = RE.get_or_init(|| {
        Regex::new(
            r"(?x)
            (?:https?|ftp)://[^\s<>()（）\[\]【】，。；：、]+
            | www\.[A-Za-z0-9-]+\.[^\s<>()（）\[\]【】，。；：、]+
            | [A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+
            | [A-Za-z0-9]+(?:_+[A-Za-z0-9]+)+
            ",
        )
        .unwrap()
    });
    for c in clauses {
        for m in re.find_iter(&text[c.span.clone()]) {
            masks.push(c.span.start + m.start()..c.span.start + m.end());
        }
    }
}

/// The definitions a part of a document holds, which references in other parts can use.
#[derive(Debug, Default)]
struct PartDefs {
    /// Link reference definition labels.
    links: Vec<String>,
    footnotes: Vec<String>,
    /// Definitions the prefix of foreign labels produced (to check that it produced them all).
    prefix_links: usize,
    prefix_footnotes: usize,
}

/// Inline containers whose own syntax (not their children) is masked.
struct InlineFrame {
    range: Span,
    covered: Vec<Span>,
    mask_all: bool,
}

struct OpenClause {
    kind: ClauseKind,
    start: Option<usize>,
    end: usize,
    fallback: Span,
    cell: Option<CellPos>,
}

struct Builder<'t> {
    text: &'t str,
    /// Content that is not contract text.
    masks: Vec<Span>,
    /// Markdown punctuation around contract text (emphasis markers, link syntax).
    syntax: Vec<Span>,
    clauses: Vec<Clause>,
    sections: Vec<Section>,
    tables: Vec<Table>,
    cells: Vec<CellPos>,
    open: Vec<OpenClause>,
    inline: Vec<InlineFrame>,
    /// Section stack: indices into `sections`.
    section_stack: Vec<usize>,
    /// Index of the last clause closed, to mark list introductions.
    last_closed: Option<usize>,
    /// `last_closed` was set (or reset) in this walk; before that, a list or table that
    /// starts it introduces the last clause of the text before (see `chunked`).
    touched: bool,
    /// A list or table started before `last_closed` was touched.
    intro_pending: bool,
    table_stack: Vec<usize>,
    html: Vec<Span>,
}

impl<'t> Builder<'t> {
    fn new(text: &'t str) -> Builder<'t> {
        Builder {
            text,
            masks: Vec::new(),
            syntax: Vec::new(),
            clauses: Vec::new(),
            sections: Vec::new(),
            tables: Vec::new(),
            cells: Vec::new(),
            open: Vec::new(),
            inline: Vec::new(),
            section_stack: Vec::new(),
            last_closed: None,
            touched: false,
            intro_pending: false,
            table_stack: Vec::new(),
            html: Vec::new(),
        }
    }

    /// Parse `text[start..end]` as a document of its own, with `prefix` (definitions that
    /// other parts hold, see `chunked`) parsed before it and its events dropped. Returns the
    /// link reference and footnote definitions of the part itself, and how many of each the
    /// prefix defined.
    fn walk_part(&mut self, start: usize, end: usize, prefix: &str) -> PartDefs {
        let mut opts = Options::empty();
        opts.insert(Options::ENABLE_TABLES);
        opts.insert(Options::ENABLE_FOOTNOTES);
        opts.insert(Options::ENABLE_STRIKETHROUGH);
        opts.insert(Options::ENABLE_TASKLISTS);
        let owned;
        let body = if prefix.is_empty() {
            &self.text[start..end]
        } else {
            owned = format!("{prefix}{}", &self.text[start..end]);
            owned.as_str()
        };
        let skip = prefix.len();
        let parser = Parser::new_ext(body, opts);
        let mut defs = PartDefs::default();
        for (label, def) in parser.reference_definitions().iter() {
            if def.span.start < skip {
                defs.prefix_links += 1;
            } else {
                defs.links.push(label.to_string());
            }
        }
        for (event, range) in parser.into_offset_iter() {
            if range.start < skip {
                if let Event::Start(Tag::FootnoteDefinition(_)) = event {
                    defs.prefix_footnotes += 1;
                }
                continue;
            }
            if let Event::Start(Tag::FootnoteDefinition(label)) = &event {
                defs.footnotes.push(label.to_string());
            }
            let range = range.start - skip + start..range.end - skip + start;
            self.event(event, range);
        }
        while !self.open.is_empty() {
            self.close_clause();
        }
        defs
    }

    fn current_section(&self) -> Option<usize> {
        self.section_stack.last().copied()
    }

    fn open_clause(&mut self, kind: ClauseKind, range: Span, cell: Option<CellPos>) {
        self.open.push(OpenClause {
            kind,
            start: None,
            end: range.start,
            fallback: range,
            cell,
        });
    }

    fn close_clause(&mut self) {
        let Some(c) = self.open.pop() else { return };
        let span = match c.start {
            Some(s) => s..c.end,
            None => {
                if c.kind != ClauseKind::Cell {
                    return;
                }
                cell_span(self.text, c.fallback.clone())
            }
        };
        let idx = self.clauses.len();
        self.clauses.push(Clause {
            span,
            kind: c.kind,
            section: index_or_none(self.current_section()),
            lang: LangSet::EMPTY,
            intro: false,
            cell: index_or_none(c.cell.map(|_| self.cells.len())),
        });
        if let Some(pos) = c.cell {
            self.cells.push(pos);
            let t = &mut self.tables[pos.table()];
            while t.rows.len() <= pos.row() {
                t.rows.push(Vec::new());
            }
            t.rows[pos.row()].push(idx);
        }
        self.set_last_closed(Some(idx));
    }

    /// Item clauses are tight list text; a block inside an item ends that text.
    fn close_item_text(&mut self) {
        if matches!(self.open.last(), Some(o) if o.kind == ClauseKind::Item) {
            self.close_clause();
            // Re-open so that text after a nested block is not lost; it will be a new clause.
            let pos = self.clauses.last().map(|c| c.span.end).unwrap_or(0);
            self.open_clause(ClauseKind::Item, pos..pos, None);
        }
    }

    fn inline(&mut self, range: Span) {
        if let Some(f) = self.inline.last_mut() {
            f.covered.push(range.clone());
        }
        if let Some(o) = self.open.last_mut() {
            if o.start.is_none() {
                o.start = Some(range.start);
            }
            o.end = o.end.max(range.end);
        }
    }

    fn set_last_closed(&mut self, c: Option<usize>) {
        self.last_closed = c;
        self.touched = true;
    }

    fn mark_intro(&mut self) {
        if !self.touched {
            self.intro_pending = true;
        }
        if let Some(i) = self.last_closed {
            let c = &mut self.clauses[i];
            let t = self.text[c.span.clone()].trim_end();
            if t.ends_with(':') || t.ends_with('：') {
                c.intro = true;
            }
        }
    }

    fn event(&mut self, event: Event<'_>, range: Span) {
        match event {
            Event::Start(tag) => self.start(tag, range),
            Event::End(tag) => self.end(tag, range),
            Event::Text(_) => self.inline(range),
            Event::Code(_) | Event::InlineMath(_) | Event::DisplayMath(_) => {
                self.masks.push(range.clone());
                self.inline(range);
            }
            Event::InlineHtml(html) => {
                self.html.push(range.clone());
                if is_markup(&html) {
                    self.masks.push(range.clone());
                }
                self.inline(range);
            }
            Event::Html(_) => {
                self.html.push(range.clone());
                self.masks.push(range.clone());
                if !self.open.is_empty() {
                    self.inline(range);
                }
            }
            Event::FootnoteReference(_) | Event::TaskListMarker(_) => {
                self.masks.push(range.clone());
                self.inline(range);
            }
            Event::SoftBreak | Event::HardBreak => {
                if let Some(f) = self.inline.last_mut() {
                    f.covered.push(range);
                }
            }
            Event::Rule => self.set_last_closed(None),
        }
    }

    fn start(&mut self, tag: Tag<'_>, range: Span) {
        match tag {
            Tag::Paragraph => {
                self.close_item_text();
                self.open_clause(ClauseKind::Paragraph, range, None);
            }
            Tag::Heading { level, .. } => {
                let level = level as u8;
                while let Some(&top) = self.section_stack.last() {
                    if self.sections[top].level >= level {
                        self.sections[top].span.end = range.start;
                        self.section_stack.pop();
                    } else {
                        break;
                    }
                }
                let idx = self.sections.len();
                self.sections.push(Section {
                    level,
                    heading: small(self.clauses.len()),
                    parent: index_or_none(self.current_section()),
                    span: range.start..range.end,
                });
                self.section_stack.push(idx);
                self.open_clause(ClauseKind::Heading(level), range, None);
            }
            Tag::Item => {
                self.close_item_text();
                self.open_clause(ClauseKind::Item, range, None);
            }
            Tag::List(_) | Tag::Table(_) => {
                self.mark_intro();
                self.close_item_text();
                if let Tag::Table(_) = tag {
                    self.table_stack.push(self.tables.len());
                    self.tables.push(Table {
                        span: range,
                        rows: Vec::new(),
                    });
                }
            }
            Tag::TableHead | Tag::TableRow => {
                if let Some(&t) = self.table_stack.last() {
                    let row = self.tables[t].rows.len();
                    self.tables[t].rows.push(Vec::new());
                    let _ = row;
                }
            }
            Tag::TableCell => {
                if let Some(&t) = self.table_stack.last() {
                    let row = self.tables[t].rows.len().saturating_sub(1);
                    let col = self.tables[t].rows.get(row).map_or(0, |r| r.len());
                    self.open_clause(
                        ClauseKind::Cell,
                        range,
                        Some(CellPos {
                            table: small(t),
                            row: small(row),
                            col: small(col),
                        }),
                    );
                }
            }
            Tag::CodeBlock(_) | Tag::HtmlBlock | Tag::MetadataBlock(_) => {
                self.close_item_text();
                self.masks.push(range);
            }
            Tag::BlockQuote(_) | Tag::FootnoteDefinition(_) | Tag::DefinitionList => {
                self.close_item_text();
                if let Tag::FootnoteDefinition(_) = tag {
                    // Mask the `[^label]:` marker itself.
                    if let Some(colon) = self.text[range.clone()].find("]:") {
                        self.masks.push(range.start..range.start + colon + 2);
                    }
                }
            }
            Tag::DefinitionListTitle | Tag::DefinitionListDefinition => {
                self.open_clause(ClauseKind::Paragraph, range, None);
            }
            Tag::Emphasis
            | Tag::Strong
            | Tag::Strikethrough
            | Tag::Superscript
            | Tag::Subscript => self.inline.push(InlineFrame {
                range,
                covered: Vec::new(),
                mask_all: false,
            }),
            Tag::Link { link_type, .. } => self.inline.push(InlineFrame {
                range,
                covered: Vec::new(),
                mask_all: matches!(link_type, LinkType::Autolink | LinkType::Email),
            }),
            Tag::Image { .. } => self.inline.push(InlineFrame {
                range,
                covered: Vec::new(),
                mask_all: true,
            }),
        }
    }

    fn end(&mut self, tag: TagEnd, range: Span) {
        match tag {
            TagEnd::Paragraph
            | TagEnd::Heading(_)
            | TagEnd::TableCell
            | TagEnd::DefinitionListTitle
            | TagEnd::DefinitionListDefinition => self.close_clause(),
            TagEnd::Item => {
                if matches!(self.open.last(), Some(o) if o.kind == ClauseKind::Item) {
                    self.close_clause();
                }
            }
            TagEnd::Table => {
                self.table_stack.pop();
                self.set_last_closed(None);
            }
            // Only a clause directly followed by a list or table introduces it.
            TagEnd::List(_) | TagEnd::BlockQuote(_) | TagEnd::HtmlBlock | TagEnd::CodeBlock => {
                self.set_last_closed(None);
            }
            TagEnd::Emphasis
            | TagEnd::Strong
            | TagEnd::Strikethrough
            | TagEnd::Superscript
            | TagEnd::Subscript
            | TagEnd::Link
            | TagEnd::Image => {
                if let Some(frame) = self.inline.pop() {
                    if frame.mask_all {
                        self.masks.push(frame.range.clone());
                    } else if !underscore_blanks(self.text, &frame.range) {
                        self.syntax.extend(gaps(&frame.range, frame.covered));
                    }
                    self.inline(frame.range);
                }
            }
            _ => {}
        }
        let _ = range;
    }
}

/// Is this emphasis made of blanks? CommonMark reads `：____，传真：____` as strong emphasis
/// (an underscore run between punctuation can both open and close), but two runs of three
/// or more underscores that face punctuation or spaces across the "emphasised" text are two
/// blanks to fill in. `___Time is of the essence___` (text right inside the runs) and
/// `__bold__` stay emphasis.
fn underscore_blanks(text: &str, range: &Span) -> bool {
    let b = text.as_bytes();
    if range.start >= range.end || b.get(range.start) != Some(&b'_') || b[range.end - 1] != b'_' {
        return false;
    }
    // The whole underscore run around a position.
    let run = |at: usize| {
        let start = b[..at]
            .iter()
            .rposition(|&c| c != b'_')
            .map_or(0, |i| i + 1);
        let end = b[at..]
            .iter()
            .position(|&c| c != b'_')
            .map_or(b.len(), |i| at + i);
        start..end
    };
    let open = run(range.start);
    let close = run(range.end - 1);
    if open.len() < 3 || close.len() < 3 || open == close {
        return false;
    }
    let blankish = |c: Option<char>| c.is_none_or(|c| c.is_whitespace() || is_punct(c));
    blankish(text[open.end..].chars().next()) && blankish(text[..close.start].chars().next_back())
}

/// ASCII or Unicode punctuation (full-width included), as CommonMark counts it.
fn is_punct(c: char) -> bool {
    c.is_ascii_punctuation()
        || matches!(c as u32, 0x2010..=0x2027 | 0x3000..=0x303F | 0xFF01..=0xFF0F | 0xFF1A..=0xFF20 | 0xFF3B..=0xFF40 | 0xFF5B..=0xFF65)
}

/// The parts of `range` not covered by `covered`.
fn gaps(range: &Span, mut covered: Vec<Span>) -> Vec<Span> {
    covered.sort_by_key(|r| r.start);
    let mut out = Vec::new();
    let mut pos = range.start;
    for c in covered {
        if c.start > pos {
            out.push(pos..c.start);
        }
        pos = pos.max(c.end);
    }
    if pos < range.end {
        out.push(pos..range.end);
    }
    out
}

/// The span of an empty cell: the blank between its pipes, or the position before the pipe.
fn cell_span(text: &str, range: Range<usize>) -> Span {
    let s = &text[range.clone()];
    let trimmed = s.trim_matches(|c: char| c == '|' || c.is_whitespace());
    if trimmed.is_empty() {
        let start = range.start + s.find(|c: char| c != '|').unwrap_or(0);
        let end = range.start + s.trim_end_matches('|').len();
        if start < end {
            return start..end;
        }
        return range.start..range.start;
    }
    let lead = s.len()
        - s.trim_start_matches(|c: char| c == '|' || c.is_whitespace())
            .len();
    range.start + lead..range.start + lead + trimmed.len()
}

#[cfg(test)]
mod tests;
