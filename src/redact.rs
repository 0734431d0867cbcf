//! `--redact`: keep confidential contract text out of CI logs.
//!
//! A redacted finding keeps its rule id, severity, location (path, line, column, byte
//! offsets, so also its length) and help; the text of the draft is replaced:
//!
//! - the source text that the `full` format prints as a snippet is masked character by
//!   character with characters of the same UTF-8 length (every byte offset, line and column
//!   stays true, and carets still line up): letters, digits and CJK become `*`, `·`, `＊`
//!   or `🔲`; whitespace and ASCII punctuation (`_`, `|`, `:`) stay, so a blank is still
//!   seen as a blank;
//! - a message that a rule filled in with draft text (a signature field's label, a party
//!   name, a token from a suppression comment) goes back to the rule's template with each
//!   placeholder as `[redacted]`; a message that is the rule's own text stays;
//! - messages about files (front matter errors quote the YAML) have quoted parts and
//!   non-ASCII letters masked.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};

use regex::Regex;

use crate::diagnostic::Diagnostic;
use crate::emit::{FileReport, RuleMeta};
use crate::rules::RuleSet;
use crate::source::Source;

/// What replaces a placeholder's value.
pub const REDACTED: &str = "[redacted]";

/// A character of the same UTF-8 length that shows that text was there.
fn mask_char(c: char) -> char {
    match c.len_utf8() {
        1 => '*',
        2 => '·',
        3 => '＊',
        _ => '🔲',
    }
}

/// Mask a text byte for byte: whitespace and ASCII punctuation stay, every other character
/// becomes a mask character of the same UTF-8 length.
pub fn mask_text(text: &str) -> String {
    let out: String = text
        .chars()
        .map(|c| {
            if c.is_whitespace() || c.is_ascii_punctuation() {
                c
            } else {
                mask_char(c)
            }
        })
        .collect();
    debug_assert_eq!(out.len(), text.len());
    out
}

/// A free-form message about a file: text in quotes or backticks and non-ASCII letters and
/// digits are masked (serde quotes the YAML value it rejects).
pub fn mask_free_text(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut quote: Option<char> = None;
    for c in s.chars() {
        match quote {
            Some(q) if c == q => {
                quote = None;
                out.push(c);
            }
            Some(_) => out.push(if c.is_whitespace() { c } else { '*' }),
            None if c == '"' || c == '`' => {
                quote = Some(c);
                out.push(c);
            }
            None if c.is_alphanumeric() && !c.is_ascii() => out.push('*'),
            None => out.push(c),
        }
    }
    out
}

/// A message template: the text with `{name}` placeholders, and a regex for messages made
/// from it (None without placeholders).
struct Template {
    text: String,
    re: Option<Regex>,
}

impl Template {
    fn new(text: &str) -> Template {
        let placeholder = placeholder_re();
        let re = placeholder.is_match(text).then(|| {
            let mut pat = String::from("^(?s:");
            let mut last = 0;
            for m in placeholder.find_iter(text) {
                pat.push_str(&regex::escape(&text[last..m.start()]));
                pat.push_str(".*?");
                last = m.end();
            }
            pat.push_str(&regex::escape(&text[last..]));
            pat.push_str(")$");
            Regex::new(&pat).expect("escaped template")
        });
        Template {
            text: text.to_string(),
            re,
        }
    }

    fn redacted(&self) -> String {
        placeholder_re()
            .replace_all(&self.text, REDACTED)
            .into_owned()
    }
}

fn placeholder_re() -> &'static Regex {
    static RE: std::sync::OnceLock<Regex> = std::sync::OnceLock::new();
    RE.get_or_init(|| Regex::new(r"\{[A-Za-z_][A-Za-z0-9_-]*\}").unwrap())
}

/// The message templates of every loaded rule, by rule id.
pub struct Redactor {
    templates: HashMap<String, Vec<Template>>,
    /// Masked copies of the other files labels point into (templates), by path: made once
    /// per run, however many drafts follow the same template.
    others: Mutex<HashMap<PathBuf, Arc<Source>>>,
}

impl Redactor {
    /// Templates from the rule sets (`message`, `message-missing`) and from rules described
    /// elsewhere (the meta rules: their short description).
    pub fn new<'a>(sets: impl IntoIterator<Item = &'a RuleSet>, extra: &[RuleMeta]) -> Redactor {
        let mut templates: HashMap<String, Vec<Template>> = HashMap::new();
        let mut add = |id: &str, text: &str| {
            let v = templates.entry(id.to_string()).or_default();
            if !v.iter().any(|t| t.text == text) {
                v.push(Template::new(text));
            }
        };
        for set in sets {
            for r in &set.rules {
                add(&r.id, &r.message);
                if let Some(m) = &r.message_missing {
                    add(&r.id, m);
                }
                if let Some(t) = &r.template {
                    for m in [&t.message_spill, &t.template_label].into_iter().flatten() {
                        add(&r.id, m);
                    }
                }
            }
        }
        for m in extra {
            add(&m.id, &m.short);
        }
        Redactor {
            templates,
            others: Mutex::new(HashMap::new()),
        }
    }

    /// A finding's message with no draft text: the message itself when it is a template of
    /// its rule, else the template it was made from with `[redacted]` placeholders, else
    /// the rule's first template (redacted), else a plain `[redacted]`.
    pub fn message(&self, rule: &str, message: &str) -> String {
        let Some(ts) = self.templates.get(rule) else {
            return REDACTED.to_string();
        };
        if let Some(t) = ts.iter().find(|t| t.re.is_none() && t.text == message) {
            return t.text.clone();
        }
        if let Some(t) = ts
            .iter()
            .find(|t| t.re.as_ref().is_some_and(|re| re.is_match(message)))
        {
            return t.redacted();
        }
        ts.first()
            .map_or_else(|| REDACTED.to_string(), Template::redacted)
    }

    /// A finding with its messages redacted (spans and everything else unchanged). Notes
    /// (a template finding's diff) are masked like the text.
    pub fn diagnostic(&self, d: &Diagnostic) -> Diagnostic {
        let mut d = d.clone();
        d.message = self.message(&d.rule, &d.message);
        for l in &mut d.labels {
            if !l.message.is_empty() {
                l.message = self.message(&d.rule, &l.message);
            }
        }
        for n in &mut d.notes {
            *n = mask_text(n);
        }
        d
    }

    /// A file's report with its text masked and its messages redacted. A label into another
    /// file (a template) points into a masked copy of that file, made once per run.
    pub fn report(&self, r: &FileReport) -> FileReport {
        let mut diagnostics: Vec<Diagnostic> =
            r.diagnostics.iter().map(|d| self.diagnostic(d)).collect();
        for l in diagnostics.iter_mut().flat_map(|d| d.labels.iter_mut()) {
            if let Some(f) = &l.file {
                let mut others = self.others.lock().unwrap_or_else(|e| e.into_inner());
                let m = others
                    .entry(f.path.clone())
                    .or_insert_with(|| Arc::new(masked(f)));
                l.file = Some(m.clone());
            }
        }
        FileReport {
            source: masked(&r.source),
            diagnostics,
            fingerprints: r.fingerprints.clone(),
        }
    }
}

/// A copy of a source with its text masked ([`mask_text`]).
fn masked(s: &Source) -> Source {
    let mut m = Source::new(s.path.clone(), mask_text(&s.text));
    m.encoding = s.encoding;
    m
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn masking_keeps_every_offset_and_the_shape_of_blanks() {
        let t = "甲方：杭州明远 Acme\t“Co.”\n乙方(盖章)：____ 𠀀é\r\n";
        let m = mask_text(t);
        assert_eq!(m.len(), t.len());
        assert_eq!(m, "＊＊＊＊＊＊＊ ****\t＊**.＊\n＊＊(＊＊)＊____ 🔲·\r\n");
        for (i, _) in t.char_indices() {
            assert!(m.is_char_boundary(i));
        }
    }

    #[test]
    fn filled_templates_go_back_to_their_placeholders() {
        let rules = RuleSet::embedded();
        let r = Redactor::new([&rules], &crate::suppress::meta_rules());
        assert_eq!(
            r.message("blank/underscore", "未填写的空白"),
            "未填写的空白"
        );
        let sig = r.message("signature/unfilled", "乙方签署栏「乙方(盖章)」未填写");
        assert!(
            !sig.contains("乙方(盖章)") && sig.contains(REDACTED),
            "{sig}"
        );
        assert_eq!(
            r.message(
                "signature/unfilled",
                "unfilled signature field `By:` (Party B)"
            ),
            "unfilled signature field `[redacted]` ([redacted])"
        );
        assert_eq!(
            r.message("signature/unfilled", "丙方没有签署栏"),
            "[redacted]没有签署栏"
        );
        assert_eq!(
            r.message(
                "meta/unknown-rule",
                "unknown rule `甲方` in a suppression, did you mean `blank`?"
            ),
            "unknown rule id in a suppression"
        );
        assert_eq!(r.message("nosuch/rule", "杭州明远"), REDACTED);
    }

    #[test]
    fn free_text_masks_quotes_and_non_ascii_letters() {
        assert_eq!(
            mask_free_text(
                "3:1: invalid front matter: invalid type: string \"甲方 Acme\", expected a map"
            ),
            "3:1: invalid front matter: invalid type: string \"** ****\", expected a map"
        );
        assert_eq!(
            mask_free_text("unsupported lang `中文`"),
            "unsupported lang `**`"
        );
        assert_eq!(mask_free_text("合同.md → b.md"), "**.md → b.md");
    }
}
