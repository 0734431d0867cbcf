//! `--format sarif`: SARIF 2.1.0, as GitHub code scanning and other SARIF viewers read it.
//!
//! One run; `tool.driver.rules` lists every loaded rule (id, shortDescription, help,
//! default level). Regions use `columnKind: utf16CodeUnits`, so a Chinese character is one
//! column and a character outside the BMP two, as the SARIF consumers written in JavaScript
//! and C# count them. Paths are relative URIs against `%SRCROOT%` (the folder clauselint
//! ran in), or `file://` URIs for absolute paths.

use std::collections::BTreeMap;
use std::io::{self, Write};

use serde_json::{json, Value};

use super::{positions, slash_path, utf16_column, Emitter, FileReport, Summary};
use crate::diagnostic::Diagnostic;
use crate::rules::{RuleSet, Severity};
use crate::source::Source;

/// What SARIF says about a rule in `tool.driver.rules`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RuleMeta {
    pub id: String,
    pub short: String,
    pub help: Option<String>,
    pub description: Option<String>,
    pub severity: Severity,
}

impl RuleMeta {
    /// One entry per rule id over several rule sets (the zh definition of an id comes first
    /// in the default packs and gives the short description), sorted by id.
    pub fn collect<'a>(
        sets: impl IntoIterator<Item = &'a RuleSet>,
        extra: &[RuleMeta],
    ) -> Vec<RuleMeta> {
        let mut m: BTreeMap<String, RuleMeta> = BTreeMap::new();
        for set in sets {
            for r in &set.rules {
                m.entry(r.id.clone()).or_insert_with(|| RuleMeta {
                    id: r.id.clone(),
                    short: r.message.clone(),
                    help: r.help.clone(),
                    description: r.description.clone(),
                    severity: r.severity,
                });
            }
        }
        for e in extra {
            m.entry(e.id.clone()).or_insert_with(|| e.clone());
        }
        m.into_values().collect()
    }
}

pub(crate) fn level(s: Severity) -> &'static str {
    match s {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "note",
    }
}

/// Percent-encode a relative path for a URI reference (RFC 3986): unreserved characters
/// and `/` stay, everything else (spaces, Chinese characters, `%`, `#`, `?`) is encoded.
pub(crate) fn uri_path(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for b in path.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' | b'/' => {
                out.push(b as char)
            }
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

fn artifact_location(source: &Source) -> Value {
    let p = slash_path(source);
    if p.starts_with('/') {
        json!({ "uri": format!("file://{}", uri_path(&p)) })
    } else if p.len() > 2 && p.as_bytes()[1] == b':' {
        // A Windows drive path.
        json!({ "uri": format!("file:///{}", uri_path(&p)) })
    } else {
        json!({ "uri": uri_path(p.trim_start_matches("./")), "uriBaseId": "%SRCROOT%" })
    }
}

/// The UTF-16 offset of every line start of one file, so that `charOffset` does not count
/// from the start of the file for every finding (quadratic on a large draft with many
/// findings).
struct Utf16Lines(Vec<usize>);

impl Utf16Lines {
    fn new(source: &Source) -> Utf16Lines {
        let idx = source.line_index();
        let mut starts = Vec::with_capacity(idx.line_count());
        let (mut acc, mut prev) = (0, 0);
        for l in 0..idx.line_count() {
            let s = idx.line_start(l);
            acc += source.text[prev..s].encode_utf16().count();
            starts.push(acc);
            prev = s;
        }
        Utf16Lines(starts)
    }

    fn offset(&self, source: &Source, offset: usize) -> usize {
        let idx = source.line_index();
        let line = idx.line_of(offset);
        self.0[line]
            + source.text[idx.line_start(line)..offset]
                .encode_utf16()
                .count()
    }
}

fn region(source: &Source, lines: &Utf16Lines, span: &std::ops::Range<usize>) -> Value {
    let span = &crate::source::snap(&source.text, span.clone());
    let (line, _, end_line, _) = positions(source, span);
    json!({
        "startLine": line,
        "startColumn": utf16_column(source, span.start),
        "endLine": end_line,
        "endColumn": utf16_column(source, span.end),
        "charOffset": lines.offset(source, span.start),
        "charLength": source.text[span.clone()].encode_utf16().count(),
    })
}

/// Streams the log: the tool and its rules are known before the first draft, so they are
/// written first; each result is written as its draft is reported; the invocation (with
/// the file errors, known only at the end) closes the run.
pub struct Sarif<'w> {
    out: &'w mut dyn Write,
    rules: Vec<RuleMeta>,
    index: BTreeMap<String, usize>,
    /// Nothing written yet (the head goes out with the first result or at the end).
    started: bool,
    /// No result written yet.
    first_result: bool,
    notifications: Vec<Value>,
}

impl<'w> Sarif<'w> {
    pub fn new(out: &'w mut dyn Write, rules: Vec<RuleMeta>) -> Sarif<'w> {
        let index = rules
            .iter()
            .enumerate()
            .map(|(i, r)| (r.id.clone(), i))
            .collect();
        Sarif {
            out,
            rules,
            index,
            started: false,
            first_result: true,
            notifications: Vec::new(),
        }
    }

    /// `value` pretty-printed, its lines after the first indented by `indent` spaces.
    fn pretty(value: &Value, indent: usize) -> io::Result<String> {
        let text = serde_json::to_string_pretty(value)?;
        Ok(text.replace('\n', &format!("\n{}", " ".repeat(indent))))
    }

    /// The log up to the opening of the results array.
    fn head(&mut self) -> io::Result<()> {
        if std::mem::replace(&mut self.started, true) {
            return Ok(());
        }
        let tool = json!({
            "driver": {
                "name": "clauselint",
                "version": env!("CARGO_PKG_VERSION"),
                "informationUri": env!("CARGO_PKG_REPOSITORY"),
                "rules": self.rule_descriptors(),
            }
        });
        write!(
            self.out,
            "{{\n  \"$schema\": \"https://json.schemastore.org/sarif-2.1.0.json\",\n  \"version\": \"2.1.0\",\n  \"runs\": [\n    {{\n      \"tool\": {},\n      \"columnKind\": \"utf16CodeUnits\",\n      \"results\": [",
            Self::pretty(&tool, 6)?
        )
    }

    fn push(&mut self, result: &Value) -> io::Result<()> {
        self.head()?;
        let sep = if std::mem::replace(&mut self.first_result, false) {
            "\n        "
        } else {
            ",\n        "
        };
        write!(self.out, "{sep}{}", Self::pretty(result, 8)?)
    }

    fn rule_descriptors(&self) -> Vec<Value> {
        self.rules
            .iter()
            .map(|r| {
                let mut v = json!({
                    "id": r.id,
                    "name": r.id,
                    "shortDescription": { "text": r.short },
                    "defaultConfiguration": { "level": level(r.severity) },
                    "properties": { "tags": [r.id.split('/').next().unwrap_or(&r.id)] },
                });
                if let Some(d) = &r.description {
                    v["fullDescription"] = json!({ "text": d });
                }
                v["help"] = json!({ "text": r.help.clone().unwrap_or_else(|| r.short.clone()) });
                v
            })
            .collect()
    }

    fn result(
        &self,
        source: &Source,
        lines: &Utf16Lines,
        d: &Diagnostic,
        fingerprint: Option<&str>,
    ) -> Value {
        let mut text = d.message.clone();
        if let Some(h) = &d.help {
            text.push_str("\nhelp: ");
            text.push_str(h);
        }
        let mut r = json!({
            "ruleId": d.rule,
            "level": level(d.severity),
            "message": { "text": text },
            "locations": [{
                "physicalLocation": {
                    "artifactLocation": artifact_location(source),
                    "region": region(source, lines, &d.span),
                }
            }],
        });
        if let Some(&i) = self.index.get(&d.rule) {
            r["ruleIndex"] = json!(i);
        }
        if !d.labels.is_empty() {
            r["relatedLocations"] = Value::Array(
                d.labels
                    .iter()
                    .enumerate()
                    .map(|(i, l)| {
                        // A label may point into another file (a template).
                        let file: &Source = l.file.as_deref().unwrap_or(source);
                        json!({
                            "id": i,
                            "message": { "text": l.message },
                            "physicalLocation": {
                                "artifactLocation": artifact_location(file),
                                "region": match &l.file {
                                    None => region(file, lines, &l.span),
                                    Some(_) => region(file, &Utf16Lines::new(file), &l.span),
                                },
                            }
                        })
                    })
                    .collect(),
            );
        }
        if let Some(fp) = fingerprint {
            r["partialFingerprints"] = json!({ "clauselint/v1": fp });
        }
        r
    }
}

impl Emitter for Sarif<'_> {
    fn file(&mut self, source: &Source, diagnostics: &[Diagnostic]) -> io::Result<()> {
        if diagnostics.is_empty() {
            return Ok(());
        }
        let lines = Utf16Lines::new(source);
        for d in diagnostics {
            let r = self.result(source, &lines, d, None);
            self.push(&r)?;
        }
        Ok(())
    }

    fn report(&mut self, report: &FileReport) -> io::Result<()> {
        if report.diagnostics.is_empty() {
            return Ok(());
        }
        let lines = Utf16Lines::new(&report.source);
        for (i, d) in report.diagnostics.iter().enumerate() {
            let r = self.result(
                &report.source,
                &lines,
                d,
                report.fingerprints.get(i).map(String::as_str),
            );
            self.push(&r)?;
        }
        Ok(())
    }

    fn file_error(&mut self, path: &str, message: &str) -> io::Result<()> {
        self.notifications.push(json!({
            "level": "error",
            "message": { "text": format!("{path}: {message}") },
        }));
        Ok(())
    }

    fn finish(&mut self, _summary: &Summary) -> io::Result<()> {
        self.head()?;
        let close = if self.first_result { "]" } else { "\n      ]" };
        let invocations = json!([{
            "executionSuccessful": self.notifications.is_empty(),
            "toolExecutionNotifications": self.notifications,
        }]);
        writeln!(
            self.out,
            "{close},\n      \"invocations\": {}\n    }}\n  ]\n}}",
            Self::pretty(&invocations, 6)?
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn results_are_written_as_drafts_are_reported_not_at_the_end() {
        let mut buf = Vec::new();
        {
            let mut e = Sarif::new(&mut buf, Vec::new());
            let d = Diagnostic {
                rule: "blank/underscore".into(),
                severity: Severity::Error,
                message: "unfilled blank".into(),
                help: None,
                span: 4..8,
                labels: Vec::new(),
                notes: Vec::new(),
            };
            e.file(&Source::new("a.md", "甲方：____\n"), &[d]).unwrap();
            // Dropped here without `finish`: what was reported is already out.
        }
        let text = String::from_utf8(buf).unwrap();
        assert!(text.contains("\"ruleId\": \"blank/underscore\""), "{text}");
        let mut empty = Vec::new();
        Sarif::new(&mut empty, Vec::new())
            .finish(&Summary::default())
            .unwrap();
        let v: Value = serde_json::from_slice(&empty).unwrap();
        assert_eq!(v["runs"][0]["results"], json!([]));
        assert_eq!(
            v["runs"][0]["invocations"][0]["executionSuccessful"],
            json!(true)
        );
    }

    #[test]
    fn utf16_columns_count_bmp_chars_once_and_astral_chars_twice() {
        // 𠀀 (U+20000) is outside the BMP: two UTF-16 units, one char, four bytes.
        let s = Source::new("a.md", "甲𠀀乙___\n");
        let start = "甲𠀀乙".len();
        assert_eq!(utf16_column(&s, 0), 1);
        assert_eq!(utf16_column(&s, start), 5);
        assert_eq!(s.line_col(start), (1, 4));
    }

    #[test]
    fn char_offsets_count_utf16_units_from_the_file_start() {
        let s = Source::new("a.md", "甲𠀀\r\n乙\r丙___\n");
        let lines = Utf16Lines::new(&s);
        for (i, _) in s.text.char_indices() {
            assert_eq!(
                lines.offset(&s, i),
                s.text[..i].encode_utf16().count(),
                "{i}"
            );
        }
    }

    #[test]
    fn uri_paths_are_percent_encoded() {
        assert_eq!(uri_path("合同/a b.md"), "%E5%90%88%E5%90%8C/a%20b.md");
        assert_eq!(uri_path("x/50%.md"), "x/50%25.md");
    }
}
