//! Suppression comments and front matter:
//!
//! - `<!-- clauselint-disable-next-line RULE[, RULE] -- reason -->`: the line after the comment;
//! - `<!-- clauselint-disable-line RULE -->`: the comment's own line;
//! - `<!-- clauselint-disable RULE -->` … `<!-- clauselint-enable RULE -->`: a region (to the
//!   end of the file without an `enable`);
//! - front matter `clauselint: {ignore: [RULE, …]}`: the whole file.
//!
//! RULE is a rule id or a category; no RULE means every rule. Text after `--` is the reason,
//! for the reader. Comments are only read where they are HTML (not in code).
//!
//! A suppression removes a rule's raw findings *before* overlapping findings are resolved
//! (see `check::check_filtered`): a suppressed finding takes no part, so when a suppressed
//! higher-priority finding overlapped a lower-priority one, the lower one is reported. This
//! keeps a suppression equivalent to ignoring the rule at that place; to silence a place
//! completely, name every rule or none.
//!
//! Findings about the comments themselves: `meta/unused-suppression` (warning) for a
//! suppression that suppressed no raw finding, `meta/unknown-rule` (error) for a RULE that
//! is neither a loaded rule nor a category, `meta/invalid-suppression` (error) for a
//! misspelt directive or a malformed front matter entry.

use std::ops::Range;
use std::sync::OnceLock;

use regex::Regex;
use serde::Deserialize;

use crate::config::{Known, Selector};
use crate::diagnostic::Diagnostic;
use crate::document::Document;
use crate::rules::Severity;
use crate::source::Span;

pub const UNUSED: &str = "meta/unused-suppression";
pub const UNKNOWN: &str = "meta/unknown-rule";
pub const INVALID: &str = "meta/invalid-suppression";

const DIRECTIVES: &[&str] = &[
    "clauselint-disable-next-line",
    "clauselint-disable-line",
    "clauselint-disable",
    "clauselint-enable",
];

/// The SARIF descriptions of the meta rules.
pub fn meta_rules() -> Vec<crate::emit::RuleMeta> {
    vec![
        crate::emit::RuleMeta {
            id: UNUSED.into(),
            short: "suppression comment that suppresses nothing".into(),
            help: Some("remove the comment, or the rule from it".into()),
            description: None,
            severity: Severity::Warning,
        },
        crate::emit::RuleMeta {
            id: UNKNOWN.into(),
            short: "unknown rule id in a suppression".into(),
            help: Some("`clauselint rules` lists the rule ids".into()),
            description: None,
            severity: Severity::Error,
        },
        crate::emit::RuleMeta {
            id: INVALID.into(),
            short: "malformed suppression comment or front matter".into(),
            help: Some(format!("the directives are {}", DIRECTIVES.join(", "))),
            description: None,
            severity: Severity::Error,
        },
    ]
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Scope {
    /// 0-based lines, inclusive.
    Lines(usize, usize),
    /// Byte range.
    Bytes(Range<usize>),
    File,
}

#[derive(Debug, Clone)]
struct Suppression {
    /// `None`: every rule.
    selector: Option<Selector>,
    /// Where to point an unused-suppression finding.
    at: Span,
    scope: Scope,
    used: bool,
    what: &'static str,
}

impl Suppression {
    fn covers(&self, d: &Diagnostic, line: usize) -> bool {
        let rule_ok = self
            .selector
            .as_ref()
            .is_none_or(|s| s.matches(&d.rule).is_some());
        rule_ok
            && match &self.scope {
                Scope::Lines(a, b) => (*a..=*b).contains(&line),
                Scope::Bytes(r) => r.contains(&d.span.start),
                Scope::File => true,
            }
    }
}

/// The suppressions of one document, and the findings about them.
#[derive(Debug, Default)]
pub struct Suppressions {
    items: Vec<Suppression>,
    meta: Vec<Diagnostic>,
}

fn meta(rule: &str, severity: Severity, span: Span, message: String, help: &str) -> Diagnostic {
    Diagnostic {
        rule: rule.to_string(),
        severity,
        message,
        help: Some(help.to_string()),
        span,
        labels: Vec::new(),
        notes: Vec::new(),
    }
}

fn comment_re() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| Regex::new(r"(?s)<!--(.*?)-->").unwrap())
}

/// HTML spans joined where only whitespace separates them (a comment over several lines is
/// several HTML events).
fn html_runs(doc: &Document) -> Vec<Span> {
    let text = doc.text();
    let mut out: Vec<Span> = Vec::new();
    for h in &doc.html {
        match out.last_mut() {
            Some(last) if h.start < last.end || text[last.end..h.start].trim().is_empty() => {
                last.end = last.end.max(h.end)
            }
            _ => out.push(h.clone()),
        }
    }
    out
}

impl Suppressions {
    /// Read the comments and the front matter of a document. `known` says which rule ids
    /// and categories exist.
    pub fn parse(doc: &Document, known: &Known) -> Suppressions {
        let mut s = Suppressions::default();
        s.front_matter(doc, known);
        let text = doc.text();
        let idx = doc.source.line_index();
        // Open regions: (token, selector, start offset, comment span)
        let mut open: Vec<(String, Option<Selector>, usize, Span)> = Vec::new();
        for run in html_runs(doc) {
            for c in comment_re().captures_iter(&text[run.clone()]) {
                let whole = c.get(0).unwrap();
                let body = c.get(1).unwrap();
                let comment = run.start + whole.start()..run.start + whole.end();
                let body_start = run.start + body.start();
                let body_text = body.as_str();
                let lead = body_text.len() - body_text.trim_start().len();
                let rest = &body_text[lead..];
                if !rest.starts_with("clauselint-") {
                    continue;
                }
                let word_len = rest.find(char::is_whitespace).unwrap_or(rest.len());
                let word = &rest[..word_len];
                let word_span = body_start + lead..body_start + lead + word_len;
                if !DIRECTIVES.contains(&word) {
                    let hint = crate::rules::suggest(word, DIRECTIVES.iter().copied())
                        .map(|b| format!(", did you mean `{b}`?"))
                        .unwrap_or_default();
                    s.meta.push(meta(
                        INVALID,
                        Severity::Error,
                        word_span,
                        format!("unknown suppression directive `{word}`{hint}"),
                        "the directives are clauselint-disable-next-line, clauselint-disable-line, clauselint-disable and clauselint-enable",
                    ));
                    continue;
                }
                // Rules end where the reason (` -- …`) begins.
                let args_start = body_start + lead + word_len;
                let args_all = &text[args_start..body_start + body_text.len()];
                let args = match args_all.find("--") {
                    Some(i) => &args_all[..i],
                    None => args_all,
                };
                let tokens = tokens(args, args_start);
                let first_line = idx.line_of(comment.start);
                let last_line = idx.line_of(comment.end.saturating_sub(1).max(comment.start));
                match word {
                    "clauselint-enable" => {
                        s.enable(&mut open, &tokens, word_span.clone(), comment.start)
                    }
                    _ => {
                        let scope = match word {
                            "clauselint-disable-next-line" => {
                                Some(Scope::Lines(last_line + 1, last_line + 1))
                            }
                            "clauselint-disable-line" => Some(Scope::Lines(first_line, last_line)),
                            _ => None,
                        };
                        let what = if scope.is_some() {
                            "suppression"
                        } else {
                            "disable"
                        };
                        for (sel, at) in s.selectors(&tokens, word_span.clone(), known) {
                            match &scope {
                                Some(sc) => s.items.push(Suppression {
                                    selector: sel,
                                    at,
                                    scope: sc.clone(),
                                    used: false,
                                    what,
                                }),
                                None => {
                                    let key = sel.as_ref().map_or(String::new(), |x| x.to_string());
                                    open.push((key, sel, comment.end, at));
                                }
                            }
                        }
                    }
                }
            }
        }
        for (_, sel, start, at) in open {
            s.items.push(Suppression {
                selector: sel,
                at,
                scope: Scope::Bytes(start..text.len()),
                used: false,
                what: "disable",
            });
        }
        s
    }

    /// Known selectors of a directive with the span of each; unknown ones become findings.
    /// No token means every rule.
    fn selectors(
        &mut self,
        tokens: &[(String, Span)],
        word_span: Span,
        known: &Known,
    ) -> Vec<(Option<Selector>, Span)> {
        if tokens.is_empty() {
            return vec![(None, word_span)];
        }
        let mut out = Vec::new();
        for (t, sp) in tokens {
            match known.check(t) {
                Ok(()) => out.push((Some(Selector::parse(t)), sp.clone())),
                Err(m) => self.meta.push(meta(
                    UNKNOWN,
                    Severity::Error,
                    sp.clone(),
                    format!("suppression: {m}"),
                    "`clauselint rules` lists the rule ids; an unknown id suppresses nothing",
                )),
            }
        }
        out
    }

    fn enable(
        &mut self,
        open: &mut Vec<(String, Option<Selector>, usize, Span)>,
        tokens: &[(String, Span)],
        word_span: Span,
        at: usize,
    ) {
        fn close(
            open: &mut Vec<(String, Option<Selector>, usize, Span)>,
            i: usize,
            items: &mut Vec<Suppression>,
            at: usize,
        ) {
            let (_, sel, start, sp) = open.remove(i);
            items.push(Suppression {
                selector: sel,
                at: sp,
                scope: Scope::Bytes(start..at),
                used: false,
                what: "disable",
            });
        }
        if tokens.is_empty() {
            if open.is_empty() {
                self.meta.push(meta(
                    UNUSED,
                    Severity::Warning,
                    word_span,
                    "`clauselint-enable` without a `clauselint-disable` before it".into(),
                    "remove the comment",
                ));
            }
            while !open.is_empty() {
                close(open, 0, &mut self.items, at);
            }
            return;
        }
        for (t, sp) in tokens {
            let key = Selector::parse(t).to_string();
            match open.iter().position(|o| o.0 == key) {
                Some(i) => close(open, i, &mut self.items, at),
                None => self.meta.push(meta(
                    UNUSED,
                    Severity::Warning,
                    sp.clone(),
                    format!("`clauselint-enable {t}` without a matching `clauselint-disable {t}`"),
                    "remove it, or disable the same rule or category before it",
                )),
            }
        }
    }

    fn front_matter(&mut self, doc: &Document, known: &Known) {
        #[derive(Deserialize)]
        struct Fm {
            #[serde(default)]
            clauselint: Option<FmClauselint>,
        }
        #[derive(Deserialize)]
        #[serde(deny_unknown_fields)]
        struct FmClauselint {
            #[serde(default)]
            ignore: Vec<String>,
        }
        let Some(span) = &doc.front_matter.span else {
            return;
        };
        let text = doc.text();
        let block = &text[span.clone()];
        // Lines may end in LF, CRLF or a lone CR.
        let eol = |c: char| c == '\n' || c == '\r';
        let Some(nl) = block.find(eol) else { return };
        let yaml_start = nl
            + if block[nl..].starts_with("\r\n") {
                2
            } else {
                1
            };
        let yaml_end = block
            .trim_end_matches(eol)
            .rfind(eol)
            .map_or(block.len(), |i| i + 1)
            .max(yaml_start);
        let yaml = &block[yaml_start..yaml_end];
        if !yaml.contains("clauselint") {
            return;
        }
        let fm: Fm = match serde_yaml::from_str(yaml) {
            Ok(f) => f,
            Err(e) => {
                let pe = crate::rules::to_pack_error(std::path::Path::new(""), yaml, e);
                let at = yaml_start + pe.span.start.min(yaml.len());
                let end = (yaml_start + pe.span.end.min(yaml.len())).max(at);
                self.meta.push(meta(
                    INVALID,
                    Severity::Error,
                    at..end,
                    format!("front matter `clauselint`: {}", pe.message),
                    "write `clauselint: {ignore: [RULE, …]}`",
                ));
                return;
            }
        };
        let Some(c) = fm.clauselint else { return };
        let key_at = yaml.find("clauselint").unwrap_or(0);
        let mut pos = key_at;
        let mut tokens = Vec::new();
        for id in &c.ignore {
            let found = yaml[pos..].find(id.as_str()).map(|i| pos + i);
            let start = found.unwrap_or(key_at);
            let end = if found.is_some() {
                start + id.len()
            } else {
                key_at + "clauselint".len()
            };
            pos = end;
            tokens.push((id.clone(), yaml_start + start..yaml_start + end));
        }
        let key_span = yaml_start + key_at..yaml_start + key_at + "clauselint".len();
        if tokens.is_empty() {
            return;
        }
        for (sel, at) in self.selectors(&tokens, key_span, known) {
            self.items.push(Suppression {
                selector: sel,
                at,
                scope: Scope::File,
                used: false,
                what: "front matter ignore",
            });
        }
    }

    /// Does a suppression cover this raw finding (0-based `line` of its start)? Every
    /// suppression that covers it is marked used.
    pub fn suppresses(&mut self, d: &Diagnostic, line: usize) -> bool {
        let mut hit = false;
        for s in &mut self.items {
            if s.covers(d, line) {
                s.used = true;
                hit = true;
            }
        }
        hit
    }

    /// The findings about the comments: invalid and unknown ones, and the unused ones.
    /// `enabled` tells whether a rule id is on for this file (a suppression of a rule that
    /// is off is unused, and says so).
    pub fn findings(&self, enabled: &dyn Fn(&str) -> bool, known: &Known) -> Vec<Diagnostic> {
        let mut out = self.meta.clone();
        for s in self.items.iter().filter(|s| !s.used) {
            let message = match &s.selector {
                None => format!("unused {}: there is no finding here to suppress", s.what),
                Some(sel) => {
                    let off = match sel {
                        Selector::Id(id) => !enabled(id),
                        Selector::Category(c) => !known
                            .ids
                            .iter()
                            .any(|id| id.split('/').next() == Some(c.as_str()) && enabled(id)),
                        Selector::All => false,
                    };
                    if off {
                        format!("unused {}: `{sel}` is not enabled for this file", s.what)
                    } else {
                        format!("unused {}: there is no `{sel}` finding here", s.what)
                    }
                }
            };
            out.push(meta(
                UNUSED,
                Severity::Warning,
                s.at.clone(),
                message,
                "remove it (a comment can survive into the signed document), or the rule from it",
            ));
        }
        out
    }
}

/// Rule tokens separated by commas or whitespace, with their byte spans.
fn tokens(args: &str, base: usize) -> Vec<(String, Span)> {
    let mut out = Vec::new();
    let mut start = None;
    for (i, c) in args
        .char_indices()
        .chain(std::iter::once((args.len(), ' ')))
    {
        let sep = c == ',' || c.is_whitespace();
        match (sep, start) {
            (false, None) => start = Some(i),
            (true, Some(s)) => {
                out.push((args[s..i].to_string(), base + s..base + i));
                start = None;
            }
            _ => {}
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::RuleSet;
    use crate::source::Source;

    fn run(text: &str) -> (Suppressions, Known, Source) {
        let src = Source::new("t.md", text);
        let known = Known::of(&RuleSet::embedded());
        let s = {
            let doc = Document::parse(&src).unwrap();
            Suppressions::parse(&doc, &known)
        };
        (s, known, src)
    }

    fn diag(rule: &str, span: Span) -> Diagnostic {
        meta(rule, Severity::Error, span, String::new(), "")
    }

    #[test]
    fn next_line_region_and_unknown() {
        let text = "<!-- clauselint-disable-next-line blank/underscore -- 手写 -->\n甲方：____\n\n<!-- clauselint-disable deadline -->\n应尽快支付。\n<!-- clauselint-enable deadline -->\n\n<!-- clauselint-disable-next-line blank/undersore -->\n乙方：____\n";
        let (mut s, known, src) = run(text);
        let first = text.find("____").unwrap();
        assert!(s.suppresses(&diag("blank/underscore", first..first + 4), 1));
        assert!(!s.suppresses(&diag("blank/tbd", first..first + 4), 1));
        let vague = text.find("尽快").unwrap();
        assert!(s.suppresses(&diag("deadline/vague", vague..vague + 6), 4));
        let second = text.rfind("____").unwrap();
        assert!(!s.suppresses(&diag("blank/underscore", second..second + 4), 8));
        let f = s.findings(&|_| true, &known);
        assert_eq!(f.len(), 1, "{f:?}");
        assert_eq!(f[0].rule, UNKNOWN);
        assert_eq!(&src.text[f[0].span.clone()], "blank/undersore");
        assert!(
            f[0].message.contains("did you mean `blank/underscore`"),
            "{}",
            f[0].message
        );
    }

    #[test]
    fn unused_and_misspelt_directives_are_reported() {
        let text = "<!-- clauselint-disable-next-line blank/tbd -->\n甲方：张三\n\n<!-- clauselint-disable-nextline blank -->\n\n<!-- clauselint-enable blank -->\n";
        let (s, known, src) = run(text);
        let f = s.findings(&|_| true, &known);
        let rules: Vec<&str> = f.iter().map(|d| d.rule.as_str()).collect();
        assert_eq!(rules, [INVALID, UNUSED, UNUSED], "{f:?}");
        assert!(f[0]
            .message
            .contains("did you mean `clauselint-disable-next-line`"));
        assert_eq!(&src.text[f[2].span.clone()], "blank/tbd");
    }

    #[test]
    fn comments_in_code_are_not_directives() {
        let (s, known, _) = run("```\n<!-- clauselint-disable-next-line nonsense -->\n```\n\n`<!-- clauselint-disable -->`\n");
        assert!(s.findings(&|_| true, &known).is_empty());
    }

    #[test]
    fn front_matter_ignore_covers_the_file_and_checks_its_keys() {
        let (mut s, known, _) =
            run("---\ntitle: x\nclauselint:\n  ignore: [blank/tbd, signature]\n---\n\n正文\n");
        assert!(s.suppresses(&diag("signature/unfilled", 20..21), 9));
        let f = s.findings(&|_| true, &known);
        assert_eq!(f.len(), 1);
        assert!(f[0].message.contains("`blank/tbd`"), "{}", f[0].message);
        let (s, known, src) = run("---\nclauselint:\n  ignor: [blank]\n---\n\n正文\n");
        let f = s.findings(&|_| true, &known);
        assert_eq!(f[0].rule, INVALID);
        assert!(
            f[0].message.contains("did you mean `ignore`"),
            "{}",
            f[0].message
        );
        assert_eq!(src.line_col(f[0].span.start), (3, 3));
    }
}
