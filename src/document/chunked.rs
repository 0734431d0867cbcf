//! Large drafts in parts: the text is cut at top-level block boundaries, the parts are parsed
//! in parallel, each once, and a reduce step joins them into the document a single parse of
//! the whole text gives (tests/equivalence.rs compares the two on every fixture with tiny
//! parts).
//!
//! A cut goes before a line that starts a top-level block for certain: a line after a blank
//! line, outside any fenced code block or HTML block of types 1-5 (the only blocks that hold
//! a blank line and go on at the left margin), starting at the margin with a character that
//! cannot continue a list or block quote. Where that cannot be told for sure (a fence or HTML
//! block opened without a blank line before it, or indented by one to three spaces, a lone
//! carriage return) the rest of the text stays in one part.
//!
//! What crosses a cut is joined in the reduce step: the stack of open sections (a heading in
//! a later part closes sections of earlier ones, and clauses before a part's first heading
//! belong to the section open before it), a list or table introduced by the last clause of
//! the previous part, and link reference and footnote definitions: a part that may refer to
//! a label defined in another part is parsed again with those definitions placed before it.

use rayon::prelude::*;

use super::{
    fold, front_matter, lang, mask_urls_and_identifiers, merge, Builder, Clause, Document,
    DocumentError, PartDefs, Section, Span, Table, OPAQUE,
};
use crate::source::Source;

/// Parts of 1 MiB: big enough that their bookkeeping does not show, small enough that two or
/// more threads get work from a large draft and a part's parse tree stays small.
pub const DEFAULT_PART: usize = 1 << 20;

/// How a draft is cut into parts for parsing.
#[derive(Debug, Clone, Copy)]
pub struct Chunking {
    size: usize,
}

impl Default for Chunking {
    fn default() -> Chunking {
        Chunking { size: DEFAULT_PART }
    }
}

impl Chunking {
    /// Parts of about `size` bytes (the default when `None`).
    pub fn new(size: Option<usize>) -> Chunking {
        Chunking {
            size: size.unwrap_or(DEFAULT_PART).max(1),
        }
    }

    /// One part: the whole text.
    pub fn whole() -> Chunking {
        Chunking { size: usize::MAX }
    }

    /// How many parts a draft is cut into.
    pub fn parts(&self, source: &Source) -> usize {
        let start = front_matter::split(&source.text).map_or(0, |(_, s)| s);
        cuts(&source.text, start, self.size).len() - 1
    }
}

/// One part, parsed on its own.
struct Part {
    clauses: Vec<Clause>,
    sections: Vec<Section>,
    tables: Vec<Table>,
    cells: Vec<super::CellPos>,
    masks: Vec<Span>,
    syntax: Vec<Span>,
    html: Vec<Span>,
    /// The part's sections still open at its end.
    stack: Vec<usize>,
    last_closed: Option<usize>,
    touched: bool,
    intro_pending: bool,
    defs: PartDefs,
}

fn parse_part(text: &str, start: usize, end: usize, prefix: &str) -> Part {
    let mut b = Builder::new(text);
    let defs = b.walk_part(start, end, prefix);
    Part {
        clauses: b.clauses,
        sections: b.sections,
        tables: b.tables,
        cells: b.cells,
        masks: b.masks,
        syntax: b.syntax,
        html: b.html,
        stack: b.section_stack,
        last_closed: b.last_closed,
        touched: b.touched,
        intro_pending: b.intro_pending,
        defs,
    }
}

/// Run `f` on every part, in parallel when there are several.
fn map_parts<T: Send>(cuts: &[usize], f: impl Fn(usize, usize, usize) -> T + Sync) -> Vec<T> {
    let n = cuts.len() - 1;
    if n == 1 {
        return vec![f(0, cuts[0], cuts[1])];
    }
    (0..n)
        .into_par_iter()
        .map(|i| f(i, cuts[i], cuts[i + 1]))
        .collect()
}

/// Where a fenced code block or HTML block that may hold blank lines is open.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Open {
    Nothing,
    Fence(u8, usize),
    Html(&'static str),
}

fn is_space(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | 0x0b | 0x0c)
}

/// The end marker of an HTML block of types 1-5 starting with `<` + `rest`, as pulldown-cmark
/// recognises them (`firstpass::get_html_end_tag`).
fn html_end(rest: &[u8]) -> Option<&'static str> {
    for (tag, end) in [
        (&b"pre"[..], "</pre>"),
        (b"style", "</style>"),
        (b"script", "</script>"),
        (b"textarea", "</textarea>"),
    ] {
        if rest.len() < tag.len() {
            break;
        }
        if !rest[..tag.len()].eq_ignore_ascii_case(tag) {
            continue;
        }
        match rest.get(tag.len()) {
            None => return Some(end),
            Some(&s) if (0x09..=0x0d).contains(&s) || s == b' ' || s == b'>' => return Some(end),
            _ => {}
        }
    }
    for (tag, end) in [(&b"!--"[..], "-->"), (b"?", "?>"), (b"![CDATA[", "]]>")] {
        if rest.starts_with(tag) {
            return Some(end);
        }
    }
    if rest.len() > 1 && rest[0] == b'!' && rest[1].is_ascii_alphabetic() {
        return Some(">");
    }
    None
}

/// A fence opening `line` (at the margin), as pulldown-cmark's `scan_code_fence` reads it.
fn fence(line: &[u8]) -> Option<(u8, usize)> {
    let c = *line.first()?;
    if c != b'`' && c != b'~' {
        return None;
    }
    let n = line.iter().take_while(|&&b| b == c).count();
    if n < 3 || (c == b'`' && line[n..].contains(&b'`')) {
        return None;
    }
    Some((c, n))
}

/// Does `line` close a fence of `n` × `c` (up to three spaces, the fence, spaces)?
fn closes(line: &[u8], c: u8, n: usize) -> bool {
    let lead = line.iter().take_while(|&&b| b == b' ').count();
    if lead > 3 || line.get(lead) == Some(&b'\t') {
        return false;
    }
    let rest = &line[lead..];
    let k = rest.iter().take_while(|&&b| b == c).count();
    k >= n && rest[k..].iter().all(|&b| b == b' ')
}

/// Where to cut `text[start..]` into parts of at least `size` bytes: the part boundaries,
/// from `start` to `text.len()`.
fn cuts(text: &str, start: usize, size: usize) -> Vec<usize> {
    let b = text.as_bytes();
    let mut out = vec![start];
    if b.len() - start > size && !has_lone_cr(&b[start..]) {
        let mut open = Open::Nothing;
        let mut prev_blank = true;
        let mut last = start;
        let mut pos = start;
        while pos < b.len() {
            let end = memchr::memchr(b'\n', &b[pos..]).map_or(b.len(), |i| pos + i + 1);
            let mut line = &b[pos..end];
            line = line.strip_suffix(b"\n").unwrap_or(line);
            line = line.strip_suffix(b"\r").unwrap_or(line);
            let blank = line.iter().all(|&x| is_space(x));
            match open {
                Open::Fence(c, n) => {
                    if closes(line, c, n) {
                        open = Open::Nothing;
                    }
                }
                Open::Html(marker) => {
                    if contains(&b[pos..end], marker.as_bytes()) {
                        open = Open::Nothing;
                    }
                }
                Open::Nothing if !blank => {
                    let first = line[0];
                    // A fence or HTML block that the structure around it might swallow: no
                    // more cuts.
                    let lead = line.iter().take_while(|&&x| x == b' ').count();
                    let rest = &line[lead..];
                    let opener = fence(rest).is_some()
                        || (rest.first() == Some(&b'<') && html_end(&rest[1..]).is_some());
                    if opener && (lead > 0 || !prev_blank) {
                        if lead < 4 {
                            break;
                        }
                    } else if opener {
                        // At the margin after a blank line: a top-level block that opens.
                        if let Some((c, n)) = fence(line) {
                            open = Open::Fence(c, n);
                        } else if let Some(marker) = html_end(&line[1..]) {
                            if !contains(&b[pos..end], marker.as_bytes()) {
                                open = Open::Html(marker);
                            }
                        }
                    }
                    let starts_block = prev_blank
                        && !is_space(first)
                        && !matches!(first, b'-' | b'+' | b'*' | b'>' | b'0'..=b'9');
                    if starts_block && pos - last >= size {
                        out.push(pos);
                        last = pos;
                    }
                }
                Open::Nothing => {}
            }
            prev_blank = blank;
            pos = end;
        }
    }
    out.push(b.len());
    out
}

fn has_lone_cr(b: &[u8]) -> bool {
    memchr::memchr_iter(b'\r', b).any(|i| b.get(i + 1) != Some(&b'\n'))
}

fn contains(hay: &[u8], needle: &[u8]) -> bool {
    memchr::memmem::find(hay, needle).is_some()
}

/// Parts that use a link or footnote label defined in another part are parsed again with
/// those definitions placed before them. `None` if a definition did not take (the caller
/// then parses the whole text at once).
fn with_foreign_definitions(text: &str, cuts: &[usize], parts: Vec<Part>) -> Option<Vec<Part>> {
    let key = |s: &String| s.to_lowercase();
    let mut links: Vec<String> = parts.iter().flat_map(|p| p.defs.links.clone()).collect();
    let mut notes: Vec<String> = parts
        .iter()
        .flat_map(|p| p.defs.footnotes.clone())
        .collect();
    links.sort_by_key(key);
    links.dedup_by_key(|s| key(s));
    notes.sort_by_key(key);
    notes.dedup_by_key(|s| key(s));
    let foreign = |p: &Part| -> (Vec<&String>, Vec<&String>) {
        let own_links: Vec<String> = p.defs.links.iter().map(key).collect();
        let own_notes: Vec<String> = p.defs.footnotes.iter().map(key).collect();
        (
            links
                .iter()
                .filter(|l| !own_links.contains(&key(l)))
                .collect(),
            notes
                .iter()
                .filter(|l| !own_notes.contains(&key(l)))
                .collect(),
        )
    };
    let redo: Vec<Option<Part>> = map_parts(cuts, |i, a, b| {
        let (fl, ff) = foreign(&parts[i]);
        if (fl.is_empty() && ff.is_empty()) || !text.as_bytes()[a..b].contains(&b'[') {
            return None;
        }
        let mut prefix = String::new();
        for l in &fl {
            prefix.push_str(&format!("[{l}]: x\n\n"));
        }
        for l in &ff {
            prefix.push_str(&format!("[^{l}]: x\n\n"));
        }
        let p = parse_part(text, a, b, &prefix);
        Some(p)
    });
    let mut out = Vec::with_capacity(parts.len());
    for (old, new) in parts.into_iter().zip(redo) {
        match new {
            None => out.push(old),
            Some(p) => {
                let (fl, ff) = foreign(&old);
                if p.defs.prefix_links != fl.len() || p.defs.prefix_footnotes != ff.len() {
                    return None;
                }
                out.push(p);
            }
        }
    }
    Some(out)
}

impl<'s> Document<'s> {
    /// [`Document::parse`], with a large text cut into parts that are parsed in parallel and
    /// joined: the result is the same document.
    pub fn parse_chunked(
        source: &'s Source,
        chunking: &Chunking,
    ) -> Result<Document<'s>, DocumentError> {
        // Lone CRs (classic Mac files, mixed line endings) are read as LF: pulldown-cmark
        // does not end an HTML comment block at a lone CR, and patterns match `\n`. One
        // byte for one byte, so every offset keeps its meaning in the original text.
        let norm = super::lone_cr_to_lf(&source.text);
        let text: &str = &norm;
        let (front_matter, body_start) = front_matter::split(text)?;
        let mut cuts = cuts(text, body_start, chunking.size);
        let mut parts = map_parts(&cuts, |_, a, b| parse_part(text, a, b, ""));
        let defined = |parts: &[Part]| {
            parts
                .iter()
                .any(|p| !p.defs.links.is_empty() || !p.defs.footnotes.is_empty())
        };
        if parts.len() > 1 && defined(&parts) {
            match with_foreign_definitions(text, &cuts, parts) {
                Some(p) => parts = p,
                None => {
                    cuts = vec![body_start, text.len()];
                    parts = vec![parse_part(text, body_start, text.len(), "")];
                }
            }
        }
        Ok(assemble(
            source,
            text,
            front_matter,
            body_start,
            &cuts,
            parts,
        ))
    }
}

/// The reduce step: join the parts, build the scan text, detect languages.
fn assemble<'s>(
    source: &'s Source,
    text: &str,
    front_matter: front_matter::FrontMatter,
    body_start: usize,
    cuts: &[usize],
    parts: Vec<Part>,
) -> Document<'s> {
    // Sized once: a long draft has hundreds of thousands of clauses, and doubling a vector
    // of them would hold up to twice their memory.
    let total = |f: fn(&Part) -> usize| parts.iter().map(f).sum::<usize>();
    let mut clauses: Vec<Clause> = Vec::with_capacity(total(|p| p.clauses.len()));
    let mut sections: Vec<Section> = Vec::with_capacity(total(|p| p.sections.len()));
    let mut tables: Vec<Table> = Vec::with_capacity(total(|p| p.tables.len()));
    let mut cells: Vec<super::CellPos> = Vec::with_capacity(total(|p| p.cells.len()));
    let mut html: Vec<Span> = Vec::with_capacity(total(|p| p.html.len()));
    // Per part: its masks and syntax, and where its clauses are.
    let mut regions: Vec<(Vec<Span>, Vec<Span>, std::ops::Range<usize>)> = Vec::new();
    // Sections open before the current part (global indices), innermost last.
    let mut stack: Vec<usize> = Vec::new();
    let mut last_closed: Option<usize> = None;
    for p in parts {
        let (c0, s0, t0, k0) = (clauses.len(), sections.len(), tables.len(), cells.len());
        let outer = stack.last().copied();
        if p.intro_pending {
            if let Some(i) = last_closed {
                let c = &mut clauses[i];
                let t = text[c.span.clone()].trim_end();
                if t.ends_with(':') || t.ends_with('：') {
                    c.intro = true;
                }
            }
        }
        if p.touched {
            last_closed = p.last_closed.map(|i| i + c0);
        }
        for s in p.sections {
            let parent = match s.parent() {
                Some(q) => Some(q + s0),
                None => {
                    // A heading at the top of its part closes the sections before it that
                    // are not above it.
                    while let Some(&top) = stack.last() {
                        if sections[top].level >= s.level {
                            sections[top].span.end = s.span.start;
                            stack.pop();
                        } else {
                            break;
                        }
                    }
                    stack.last().copied()
                }
            };
            sections.push(Section {
                level: s.level,
                heading: super::small(s.heading() + c0),
                parent: super::index_or_none(parent),
                span: s.span,
            });
        }
        stack.extend(p.stack.iter().map(|&s| s + s0));
        for mut c in p.clauses {
            c.section = super::index_or_none(match c.section() {
                Some(s) => Some(s + s0),
                None => outer,
            });
            if c.cell != super::NONE {
                c.cell = super::small(c.cell as usize + k0);
            }
            clauses.push(c);
        }
        for mut pos in p.cells {
            pos.table = super::small(pos.table() + t0);
            cells.push(pos);
        }
        for mut t in p.tables {
            for row in &mut t.rows {
                for i in row {
                    *i += c0;
                }
            }
            tables.push(t);
        }
        html.extend(p.html);
        regions.push((p.masks, p.syntax, c0..clauses.len()));
    }
    for &s in &stack {
        sections[s].span.end = text.len();
    }
    html.sort_by_key(|h| (h.start, h.end));

    // Masks, then the scan text, part by part: each part's masks lie inside it.
    let mut bytes = text.as_bytes().to_vec();
    let (head, mut rest) = bytes.split_at_mut(body_start);
    fold::fold_bytes(head);
    fold::fold_spaces_in(head);
    let mut slices = Vec::with_capacity(regions.len());
    for w in cuts.windows(2) {
        let (s, r) = rest.split_at_mut(w[1] - w[0]);
        slices.push(s);
        rest = r;
    }
    let per_part: Vec<Vec<Span>> = slices
        .into_par_iter()
        .zip(regions.into_par_iter())
        .zip(cuts.par_windows(2))
        .map(|((slice, (mut masks, syntax, range)), w)| {
            mask_urls_and_identifiers(text, &clauses[range], &mut masks);
            fill_scan(slice, w[0], &masks, &syntax);
            masks.extend(syntax);
            masks.sort_by_key(|m| (m.start, m.end));
            merge(masks)
        })
        .collect();
    let scan = String::from_utf8(bytes).expect("masks lie on char boundaries");
    // Each part's masks are merged and the parts are in order: one more pass merges
    // masks that touch across a cut.
    let masks = super::Masks::join(text.len(), per_part);

    // Languages, clause by clause, and the document's majority.
    // Each clause keeps its own languages for now; the counts are only summed (a list of
    // them would take half the clauses' memory again on a long draft).
    let own = |c: &mut Clause| -> (usize, usize) {
        let (l, counts) = lang::detect_counts(&scan[c.span.clone()]);
        c.lang = l;
        counts
    };
    let (han, words) = if clauses.len() > 4096 {
        clauses
            .par_iter_mut()
            .map(own)
            .reduce(|| (0, 0), |(h, w), (a, b)| (h + a, w + b))
    } else {
        clauses
            .iter_mut()
            .map(own)
            .fold((0, 0), |(h, w), (a, b)| (h + a, w + b))
    };
    let default_lang = match &front_matter.lang {
        Some(l) => *l,
        None => lang::majority_of(han, words),
    };
    for c in clauses.iter_mut() {
        c.lang = match &front_matter.lang {
            Some(fl) => *fl,
            None if c.lang.is_empty() => default_lang,
            None => c.lang,
        };
    }
    Document {
        source,
        front_matter,
        body_start,
        scan,
        clauses,
        sections,
        tables,
        cells,
        masks,
        default_lang,
        html,
        by_start: Default::default(),
    }
}

/// Fold one part's bytes (`slice` starts at `base` in the text) and blank its Markdown
/// syntax and masked content. Masks lie on char boundaries and whole characters are replaced
/// by ASCII bytes, so the scan text stays valid UTF-8 with the original offsets. Markdown
/// punctuation (emphasis markers, link brackets and targets) becomes spaces; content that is
/// not contract text (code, HTML, URLs, identifiers, footnote references, checkboxes)
/// becomes an opaque filler, so that `地址：`code`` or `邮箱：a_b@c.com` is not an empty
/// field and `（`x`）` is not an empty bracket.
fn fill_scan(slice: &mut [u8], base: usize, masks: &[Span], syntax: &[Span]) {
    fold::fold_bytes(slice);
    fold::fold_spaces_in(slice);
    for m in syntax {
        slice[m.start - base..m.end - base].fill(b' ');
    }
    for m in masks {
        slice[m.start - base..m.end - base].fill(OPAQUE);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parts_of(text: &str) -> Vec<&str> {
        let c = cuts(text, 0, 1);
        c.windows(2).map(|w| &text[w[0]..w[1]]).collect()
    }

    #[test]
    fn cuts_go_before_blocks_after_blank_lines() {
        assert_eq!(
            parts_of("# A\n\npara\ngraph\n\n## B\n"),
            ["# A\n\n", "para\ngraph\n\n", "## B\n"]
        );
    }

    #[test]
    fn no_cut_inside_lists_quotes_or_indented_text() {
        assert_eq!(
            parts_of("- a\n\n- b\n\n  c\n\n> q\n\n1. x\n"),
            ["- a\n\n- b\n\n  c\n\n> q\n\n1. x\n"]
        );
        assert_eq!(parts_of("- a\n\nb\n"), ["- a\n\n", "b\n"]);
    }

    #[test]
    fn no_cut_inside_fences_or_html_blocks() {
        assert_eq!(
            parts_of("a\n\n```\nx\n\ny\n```\n\nz\n"),
            ["a\n\n", "```\nx\n\ny\n```\n\n", "z\n"]
        );
        assert_eq!(
            parts_of("a\n\n<!--\n\nhidden\n\n-->\n\nz\n"),
            ["a\n\n", "<!--\n\nhidden\n\n-->\n\n", "z\n"]
        );
        // A closing fence must match: ~~~ does not close ```.
        assert_eq!(parts_of("```\nx\n\n~~~\n\ny\n"), ["```\nx\n\n~~~\n\ny\n"]);
        // A one-line comment closes on its own line.
        assert_eq!(parts_of("<!-- c -->\n\nz\n"), ["<!-- c -->\n\n", "z\n"]);
    }

    #[test]
    fn doubtful_structure_stops_cutting() {
        // A fence indented by two spaces may belong to a list item before it.
        assert_eq!(
            parts_of("a\n\n  ```\n\nb\n\nc\n"),
            ["a\n\n  ```\n\nb\n\nc\n"]
        );
        assert_eq!(
            parts_of("a\n\nb\n\n  ```\n\nc\n"),
            ["a\n\n", "b\n\n  ```\n\nc\n"]
        );
        // A fence right after text, without a blank line.
        assert_eq!(parts_of("a\n```\n\nb\n\nc\n"), ["a\n```\n\nb\n\nc\n"]);
        // A lone carriage return.
        assert_eq!(parts_of("a\r\rb\n\nc\n"), ["a\r\rb\n\nc\n"]);
    }
}
