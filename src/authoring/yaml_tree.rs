//! A YAML tree with byte positions, so that validation can point at any key or value of a
//! pack, and can blank out one entry or one rule and read the pack again.
//!
//! serde_yaml reports positions only on errors. So each scalar's visitor keeps the value
//! aside and raises an error; the enclosing map or sequence visitor catches it, reads the
//! position serde_yaml attached ("at line L column C") and goes on. A scalar's event is
//! consumed before its visitor runs, so the deserializer stays in step.

use std::cell::RefCell;
use std::fmt;
use std::ops::Range;

use serde::de::{self, DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};

/// A node. Positions are byte offsets into the text the tree was read from.
#[derive(Debug, Clone)]
pub struct Node {
    /// A scalar: its text, from its first character (a quote or a block indicator) to its
    /// last. A collection: from its first key or item to the end of its last entry.
    pub span: Range<usize>,
    pub value: Value,
}

#[derive(Debug, Clone)]
pub enum Value {
    /// Any scalar (strings, numbers, booleans; an empty value is an empty string).
    Scalar(String),
    Seq(Vec<Item>),
    Map(Vec<Entry>),
}

/// A sequence item.
#[derive(Debug, Clone)]
pub struct Item {
    pub node: Node,
    /// The whole item, from the start of its line (its `-`) to the start of the next item.
    pub range: Range<usize>,
}

/// A key and its value.
#[derive(Debug, Clone)]
pub struct Entry {
    pub key: Node,
    pub value: Node,
    /// From the key to the start of the next entry's line: what to blank to remove it.
    pub range: Range<usize>,
}

impl Node {
    pub fn as_str(&self) -> Option<&str> {
        match &self.value {
            Value::Scalar(s) => Some(s),
            _ => None,
        }
    }
    pub fn entries(&self) -> &[Entry] {
        match &self.value {
            Value::Map(e) => e,
            _ => &[],
        }
    }
    pub fn items(&self) -> &[Item] {
        match &self.value {
            Value::Seq(i) => i,
            _ => &[],
        }
    }
    /// The entry with this key.
    pub fn entry(&self, key: &str) -> Option<&Entry> {
        self.entries().iter().find(|e| e.key.as_str() == Some(key))
    }
    /// The value of the entry with this key.
    pub fn get(&self, key: &str) -> Option<&Node> {
        self.entry(key).map(|e| &e.value)
    }
    /// The scalars of a value that is a scalar or a sequence of scalars, in order.
    pub fn scalars(&self) -> Vec<&Node> {
        match &self.value {
            Value::Scalar(_) => vec![self],
            Value::Seq(items) => items
                .iter()
                .filter(|i| matches!(i.node.value, Value::Scalar(_)))
                .map(|i| &i.node)
                .collect(),
            Value::Map(_) => Vec::new(),
        }
    }
}

/// Read a YAML document into a positioned tree. Fails with serde_yaml's message and
/// position (a syntax error) when the text is not YAML.
pub fn parse(text: &str) -> Result<Node, (String, usize)> {
    let lines = LineStarts::new(text);
    let de = serde_yaml::Deserializer::from_str(text);
    let raw = match NodeSeed.deserialize(de) {
        Ok(n) => n,
        Err(e) => match caught(&e.to_string()) {
            // The whole document is one scalar.
            Some((value, line, col)) => Raw::Scalar(value, line, col),
            None => {
                let at = e
                    .location()
                    .map_or(0, |l| lines.offset(text, l.line(), l.column()));
                let mut msg = e.to_string();
                if let Some(i) = msg.rfind(" at line ") {
                    msg.truncate(i);
                }
                return Err((msg, at));
            }
        },
    };
    let mut node = build(raw, text, &lines);
    finish(&mut node, text.len(), false, text);
    Ok(node)
}

/// Replace the bytes of `range` (except line breaks) with spaces: positions elsewhere stay
/// the same, so errors in the result point into the original text.
pub fn blank(text: &mut String, range: Range<usize>) {
    let mut bytes = std::mem::take(text).into_bytes();
    let end = range.end.min(bytes.len());
    for b in &mut bytes[range.start.min(end)..end] {
        if *b != b'\n' && *b != b'\r' {
            *b = b' ';
        }
    }
    // Whole characters are replaced by ASCII spaces when the range lies on char boundaries,
    // which every range of a tree does.
    *text = String::from_utf8(bytes)
        .unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned());
}

// ------------------------------------------------------------------------------ reading

/// What the serde pass produces: scalars with their line and column.
enum Raw {
    Scalar(String, usize, usize),
    Seq(Vec<Raw>),
    Map(Vec<(Raw, Raw)>),
}

const MARKER: &str = "\u{1}clauselint-yaml-scalar\u{1}";

thread_local! {
    static STASH: RefCell<Option<String>> = const { RefCell::new(None) };
}

/// If this error message is our scalar marker, the scalar's value, line and column.
fn caught(message: &str) -> Option<(String, usize, usize)> {
    if !message.contains(MARKER) {
        return None;
    }
    let value = STASH.with(|s| s.borrow_mut().take())?;
    let (line, col) = match message.rfind(" at line ") {
        Some(i) => {
            let rest = &message[i + " at line ".len()..];
            let mut parts = rest.split(" column ");
            let l = parts.next()?.trim().parse().ok()?;
            let c = parts.next()?.trim().parse().ok()?;
            (l, c)
        }
        // serde_yaml prints no position for line 1, column 1.
        None => (1, 1),
    };
    Some((value, line, col))
}

fn stash<E: de::Error>(value: String) -> E {
    STASH.with(|s| *s.borrow_mut() = Some(value));
    E::custom(MARKER)
}

struct NodeSeed;

impl<'de> DeserializeSeed<'de> for NodeSeed {
    type Value = Raw;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Raw, D::Error> {
        d.deserialize_any(NodeVisitor)
    }
}

struct NodeVisitor;

/// Catch the marker error of a child scalar and turn it into a node.
fn child<E: de::Error>(r: Result<Raw, E>) -> Result<Raw, E> {
    match r {
        Ok(n) => Ok(n),
        Err(e) => match caught(&e.to_string()) {
            Some((v, l, c)) => Ok(Raw::Scalar(v, l, c)),
            None => Err(e),
        },
    }
}

impl<'de> Visitor<'de> for NodeVisitor {
    type Value = Raw;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("any YAML value")
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<Raw, E> {
        Err(stash(v.to_string()))
    }
    fn visit_bool<E: de::Error>(self, v: bool) -> Result<Raw, E> {
        Err(stash(v.to_string()))
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Raw, E> {
        Err(stash(v.to_string()))
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Raw, E> {
        Err(stash(v.to_string()))
    }
    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Raw, E> {
        Err(stash(v.to_string()))
    }
    fn visit_unit<E: de::Error>(self) -> Result<Raw, E> {
        Err(stash(String::new()))
    }
    fn visit_none<E: de::Error>(self) -> Result<Raw, E> {
        Err(stash(String::new()))
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Raw, A::Error> {
        let mut items = Vec::new();
        loop {
            match seq.next_element_seed(NodeSeed) {
                Ok(None) => break,
                Ok(Some(n)) => items.push(n),
                Err(e) => items.push(child(Err(e))?),
            }
        }
        Ok(Raw::Seq(items))
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Raw, A::Error> {
        let mut entries = Vec::new();
        loop {
            let key = match map.next_key_seed(NodeSeed) {
                Ok(None) => break,
                Ok(Some(k)) => k,
                Err(e) => child(Err(e))?,
            };
            let value = child(map.next_value_seed(NodeSeed))?;
            entries.push((key, value));
        }
        Ok(Raw::Map(entries))
    }
}

// ------------------------------------------------------------------------------ positions

struct LineStarts(Vec<usize>);

impl LineStarts {
    fn new(text: &str) -> LineStarts {
        let mut v = vec![0];
        v.extend(text.match_indices('\n').map(|(i, _)| i + 1));
        LineStarts(v)
    }
    /// Byte offset of a 1-based line and 1-based character column.
    fn offset(&self, text: &str, line: usize, col: usize) -> usize {
        let Some(&start) = self.0.get(line.saturating_sub(1)) else {
            return text.len();
        };
        text[start..]
            .char_indices()
            .nth(col.saturating_sub(1))
            .map_or(text.len(), |(i, _)| start + i)
    }
}

fn build(raw: Raw, text: &str, lines: &LineStarts) -> Node {
    match raw {
        Raw::Scalar(v, l, c) => {
            let at = lines.offset(text, l, c);
            Node {
                span: at..at,
                value: Value::Scalar(v),
            }
        }
        Raw::Seq(items) => {
            let items: Vec<Item> = items
                .into_iter()
                .map(|r| {
                    let node = build(r, text, lines);
                    Item {
                        range: node.span.clone(),
                        node,
                    }
                })
                .collect();
            let start = items.first().map_or(0, |i| i.node.span.start);
            Node {
                span: start..start,
                value: Value::Seq(items),
            }
        }
        Raw::Map(entries) => {
            let entries: Vec<Entry> = entries
                .into_iter()
                .map(|(k, v)| {
                    let key = build(k, text, lines);
                    let mut value = build(v, text, lines);
                    if matches!(&value.value, Value::Seq(i) if i.is_empty())
                        || matches!(&value.value, Value::Map(e) if e.is_empty())
                    {
                        value.span = key.span.start..key.span.start;
                    }
                    Entry {
                        range: key.span.clone(),
                        key,
                        value,
                    }
                })
                .collect();
            let start = entries.first().map_or(0, |e| e.key.span.start);
            Node {
                span: start..start,
                value: Value::Map(entries),
            }
        }
    }
}

fn line_start(text: &str, at: usize) -> usize {
    text[..at].rfind('\n').map_or(0, |i| i + 1)
}

fn same_line(text: &str, a: usize, b: usize) -> bool {
    let (a, b) = (a.min(b), a.max(b));
    !text[a..b].contains('\n')
}

/// The character before `at`, skipping whitespace.
fn prev_char(text: &str, at: usize) -> Option<char> {
    text[..at].chars().rev().find(|c| !c.is_whitespace())
}

/// Where a block sequence item begins: the start of the line holding its `-`.
fn item_start(text: &str, at: usize) -> usize {
    let ls = line_start(text, at);
    if text[ls..at].trim_start().starts_with('-') {
        return ls;
    }
    if ls > 0 {
        let prev = line_start(text, ls - 1);
        if text[prev..ls].trim() == "-" {
            return prev;
        }
    }
    ls
}

/// Set collection extents and entry and item ranges, given where the node must end, and
/// scalar ends (plain scalars in a flow collection stop at `,`, `]` and `}`).
fn finish(node: &mut Node, end: usize, flow: bool, text: &str) {
    match &mut node.value {
        Value::Scalar(_) => {
            let s = node.span.start;
            node.span = s..scalar_end(text, s, flow).min(end.max(s));
        }
        Value::Seq(items) => {
            let is_flow = flow
                || items
                    .first()
                    .is_some_and(|i| prev_char(text, i.node.span.start) == Some('['));
            let starts: Vec<usize> = items
                .iter()
                .map(|i| {
                    if is_flow {
                        i.node.span.start
                    } else {
                        item_start(text, i.node.span.start)
                    }
                })
                .collect();
            for (i, item) in items.iter_mut().enumerate() {
                let next = starts.get(i + 1).copied().unwrap_or(end).max(starts[i]);
                item.range = starts[i]..next;
                finish(&mut item.node, next, is_flow, text);
                if is_flow {
                    item.range = item.node.span.clone();
                }
            }
            node.span.end = if is_flow {
                items.last().map_or(node.span.start, |i| i.node.span.end)
            } else {
                end
            };
        }
        Value::Map(entries) => {
            let is_flow = flow
                || entries
                    .first()
                    .is_some_and(|e| prev_char(text, e.key.span.start) == Some('{'));
            let n = entries.len();
            for i in 0..n {
                let key_start = entries[i].key.span.start;
                let next = if i + 1 < n {
                    let k = entries[i + 1].key.span.start;
                    if is_flow || same_line(text, key_start, k) {
                        k
                    } else {
                        line_start(text, k)
                    }
                } else {
                    end
                }
                .max(key_start);
                let e = &mut entries[i];
                finish(&mut e.key, next, is_flow, text);
                finish(&mut e.value, next, is_flow, text);
                e.range = key_start..next;
            }
            node.span.end = if is_flow {
                entries.last().map_or(node.span.start, |e| e.value.span.end)
            } else {
                end
            };
        }
    }
}

/// The end of the scalar that starts at `start`.
fn scalar_end(text: &str, start: usize, flow: bool) -> usize {
    let rest = &text[start..];
    let mut chars = rest.char_indices();
    match rest.chars().next() {
        Some('\'') => {
            chars.next();
            while let Some((i, c)) = chars.next() {
                if c == '\'' {
                    if rest[i + 1..].starts_with('\'') {
                        chars.next();
                    } else {
                        return start + i + 1;
                    }
                }
            }
            text.len()
        }
        Some('"') => {
            chars.next();
            while let Some((i, c)) = chars.next() {
                match c {
                    '\\' => {
                        chars.next();
                    }
                    '"' => return start + i + 1,
                    _ => {}
                }
            }
            text.len()
        }
        Some('|' | '>') => {
            let ls = line_start(text, start);
            let indent = indent_of(&text[ls..]);
            let mut last = start + rest.find('\n').unwrap_or(rest.len());
            let mut pos = last;
            while pos < text.len() {
                let line_end = text[pos + 1..]
                    .find('\n')
                    .map_or(text.len(), |i| pos + 1 + i);
                let line = &text[(pos + 1).min(text.len())..line_end];
                if line.trim().is_empty() {
                    pos = line_end;
                    continue;
                }
                if indent_of(line) <= indent {
                    break;
                }
                last = line_end;
                pos = line_end;
            }
            last.min(text.len())
        }
        _ => {
            let line = rest.split('\n').next().unwrap_or("");
            let mut cut = line.len();
            // A plain scalar never holds `: ` or ` #` (a key ends at its colon).
            for stop in [": ", " #", ":\t"] {
                if let Some(i) = line.find(stop) {
                    cut = cut.min(i);
                }
            }
            if line.trim_end().ends_with(':') {
                cut = cut.min(line.trim_end().len() - 1);
            }
            if flow {
                if let Some(i) = line.find([',', ']', '}']) {
                    cut = cut.min(i);
                }
            }
            start + line[..cut].trim_end().len()
        }
    }
}

fn indent_of(line: &str) -> usize {
    line.len() - line.trim_start_matches(' ').len()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(text: &str, n: &Node) -> String {
        text[n.span.clone()].to_string()
    }

    #[test]
    fn scalars_keys_and_items_have_their_positions() {
        let text = "pack: 测试\nrules:\n  - id: a/b\n    kind: forbid\n    pattern: ['甲(', \"b\\\"c\", d]\n    examples:\n      bad: [x]\n  -\n    id: c/d\n    description: |\n      第一行\n      第二行\n    kind: require\npriority: [a]\n";
        let root = parse(text).unwrap();
        assert_eq!(at(text, root.get("pack").unwrap()), "测试");
        let rules = root.get("rules").unwrap().items();
        assert_eq!(rules.len(), 2);
        let r0 = &rules[0].node;
        assert_eq!(at(text, &r0.entry("id").unwrap().key), "id");
        let pats = r0.get("pattern").unwrap().scalars();
        let got: Vec<String> = pats.iter().map(|p| at(text, p)).collect();
        assert_eq!(got, ["'甲('", "\"b\\\"c\"", "d"]);
        assert_eq!(pats[1].as_str(), Some("b\"c"));
        // Item ranges run from the dash line to the next item; the lone `-` line belongs to
        // the second item.
        assert!(text[rules[0].range.clone()].starts_with("  - id: a/b"));
        assert!(text[rules[0].range.clone()].ends_with("bad: [x]\n"));
        assert!(text[rules[1].range.clone()].starts_with("  -\n    id: c/d"));
        assert!(text[rules[1].range.clone()].ends_with("kind: require\n"));
        let d = rules[1].node.get("description").unwrap();
        assert_eq!(at(text, d), "|\n      第一行\n      第二行");
        // An entry's range reaches the next entry's line.
        let e = rules[0].node.entry("kind").unwrap();
        assert_eq!(&text[e.range.clone()], "kind: forbid\n");
    }

    #[test]
    fn first_scalar_of_the_file_and_blanking() {
        let text = "pack: t\nrules: []\n";
        let root = parse(text).unwrap();
        assert_eq!(root.entries()[0].key.span, 0..4);
        let mut t = text.to_string();
        blank(&mut t, root.entries()[0].range.clone());
        assert_eq!(t, "       \nrules: []\n");
    }

    #[test]
    fn syntax_errors_carry_a_position() {
        let (msg, at) = parse("pack: t\nrules:\n  - id: [a\n").unwrap_err();
        assert!(!msg.is_empty());
        assert!(at > 0, "{msg}");
    }
}
