//! The robustness harness shared by the proptests (`tests/robustness.rs`) and the fuzz
//! targets (`fuzz/fuzz_targets/*.rs`, which include this file by path): run an input
//! through everything a real run does and assert what must hold for any input.
//!
//! - a draft's bytes: decode, parse, check with the default rules, suppressions and
//!   severities (the per-draft pipeline of `check`), baseline keys, then every output
//!   format, plain and redacted. Every span lies on character boundaries inside the text;
//!   JSON and SARIF output parses; redacted output holds no CJK character of the draft.
//! - a rule pack's YAML: load it; a pack that loads is run on a few drafts.
//! - a config's YAML: parse and validate it against the default rules.
//!
//! Nothing here may panic on any input; a panic is the failure the callers look for.

#![allow(dead_code)]

use std::path::Path;
use std::sync::{Arc, OnceLock};

use clauselint::cli::Format;
use clauselint::config::{Config, FileSettings, Known, Mode, Overrides, Resolver};
use clauselint::emit::{self, FileReport, RuleMeta, Summary};
use clauselint::redact::Redactor;
use clauselint::rules::RuleSet;
use clauselint::source::{ReadError, Source};

pub const FORMATS: [Format; 9] = [
    Format::Full,
    Format::Short,
    Format::Json,
    Format::JsonLines,
    Format::Sarif,
    Format::Github,
    Format::Gitlab,
    Format::Junit,
    Format::Summary,
];

/// Settings of a draft under `--isolated` with the default rules (no file is read).
fn settings() -> &'static FileSettings {
    static S: OnceLock<FileSettings> = OnceLock::new();
    S.get_or_init(|| {
        let r = Resolver::new(std::env::temp_dir(), Mode::Isolated, Overrides::default())
            .expect("resolver");
        r.settings(Path::new("draft.md")).expect("default settings")
    })
}

fn metas() -> &'static [RuleMeta] {
    static M: OnceLock<Vec<RuleMeta>> = OnceLock::new();
    M.get_or_init(|| RuleMeta::collect([&*settings().rules], &clauselint::suppress::meta_rules()))
}

/// Sample drafts a loaded pack is run on.
const SAMPLES: [&str; 3] = [
    "# 合同\n\n甲方：____\n\n乙方应在[具体期限]内支付。\n\n（以下无正文）\n\n甲方（盖章）：\n\n日期：____年__月__日\n",
    "Party A: ____\n\nThe Tenant shall pay within a reasonable time.\n\nIN WITNESS WHEREOF\n\nBy: ________\n",
    "---\nlang: zh\n---\n\n| 甲方 | 乙方 |\n|---|---|\n| 签字： | |\n\n`code` <!-- c --> [x](y) **b** 协議為準\r\n",
];

/// Check a decoded source the way `check` does and assert the span properties.
pub fn check_source(source: &Source, settings: &FileSettings) -> FileReport {
    static TEMPLATES: OnceLock<clauselint::template::Store> = OnceLock::new();
    let templates = TEMPLATES.get_or_init(|| clauselint::template::Store::new(None, None));
    let (diags, keys, _template_error) =
        match clauselint::pipeline::check_one(source, settings, templates) {
            Ok(r) => r,
            // Invalid front matter: a per-file error, not a panic.
            Err(_) => return empty_report(source),
        };
    assert_eq!(diags.len(), keys.len());
    let text = &source.text;
    for d in &diags {
        for span in std::iter::once(&d.span).chain(d.labels.iter().map(|l| &l.span)) {
            assert!(
                span.start <= span.end && span.end <= text.len(),
                "span {span:?} outside the text ({} bytes), rule {}",
                text.len(),
                d.rule
            );
            assert!(
                text.is_char_boundary(span.start) && text.is_char_boundary(span.end),
                "span {span:?} not on char boundaries, rule {}",
                d.rule
            );
        }
    }
    let fps = clauselint::baseline::fingerprints("draft.md", &keys);
    FileReport {
        source: source.clone(),
        diagnostics: diags,
        fingerprints: fps,
    }
}

fn empty_report(source: &Source) -> FileReport {
    FileReport {
        source: source.clone(),
        diagnostics: Vec::new(),
        fingerprints: Vec::new(),
    }
}

/// Emit a report in every format; JSON-based formats must parse.
pub fn emit_all(report: &FileReport) {
    for f in FORMATS {
        let out = render(report, f);
        match f {
            Format::Json | Format::Sarif | Format::Gitlab => {
                serde_json::from_slice::<serde_json::Value>(&out)
                    .unwrap_or_else(|e| panic!("{f:?} output is not JSON: {e}"));
            }
            Format::JsonLines => {
                for line in out.split(|&b| b == b'\n').filter(|l| !l.is_empty()) {
                    serde_json::from_slice::<serde_json::Value>(line)
                        .unwrap_or_else(|e| panic!("json-lines output is not JSON: {e}"));
                }
            }
            _ => {}
        }
        std::str::from_utf8(&out).expect("output is UTF-8");
    }
}

pub fn render(report: &FileReport, format: Format) -> Vec<u8> {
    let mut buf = Vec::new();
    {
        let mut e = emit::make(format, &mut buf, false, metas(), None);
        e.report(report).expect("emit");
        e.finish(&Summary {
            files_checked: 1,
            ..Summary::default()
        })
        .expect("finish");
    }
    buf
}

/// Any bytes as a draft.
pub fn draft_bytes(bytes: &[u8]) {
    match Source::from_bytes("draft.md", bytes.to_vec()) {
        Ok(source) => draft_source(&source),
        Err(ReadError::Binary | ReadError::Undecodable { .. }) => {}
        Err(e @ (ReadError::Io(_) | ReadError::TooLarge { .. })) => {
            panic!("decoding bytes in memory cannot fail with: {e}")
        }
    }
}

/// Any text as a draft.
pub fn draft_text(text: &str) {
    draft_source(&Source::new("draft.md", text))
}

fn draft_source(source: &Source) {
    let report = check_source(source, settings());
    emit_all(&report);
    redacted(&report);
}

/// Every character of the rules' own text (messages, help, descriptions).
fn rule_text() -> &'static std::collections::HashSet<char> {
    static T: OnceLock<std::collections::HashSet<char>> = OnceLock::new();
    T.get_or_init(|| {
        let mut s = String::new();
        for r in &settings().rules.rules {
            s.push_str(&r.message);
            s.push_str(r.help.as_deref().unwrap_or(""));
            s.push_str(r.description.as_deref().unwrap_or(""));
            s.push_str(r.message_missing.as_deref().unwrap_or(""));
        }
        for m in metas() {
            s.push_str(&m.short);
            s.push_str(m.help.as_deref().unwrap_or(""));
        }
        s.chars().collect()
    })
}

/// `--redact`: the same findings at the same places, and no letter of the draft that the
/// rules' text does not hold, in any format.
pub fn redacted(report: &FileReport) {
    let r = Redactor::new([&*settings().rules], &clauselint::suppress::meta_rules());
    let red = r.report(report);
    assert_eq!(red.source.text.len(), report.source.text.len());
    assert_eq!(red.diagnostics.len(), report.diagnostics.len());
    for (a, b) in red.diagnostics.iter().zip(&report.diagnostics) {
        assert_eq!((&a.rule, &a.span), (&b.rule, &b.span));
    }
    let allowed = rule_text();
    for f in FORMATS {
        let out = String::from_utf8(render(&red, f)).expect("UTF-8");
        if let Some(c) = out
            .chars()
            .find(|&c| c.is_alphabetic() && !c.is_ascii() && !allowed.contains(&c))
        {
            panic!("{f:?}: redacted output holds {c:?} from the draft:\n{out}");
        }
    }
}

/// Any text as a rule pack; a pack that loads is run on the sample drafts.
pub fn pack_text(text: &str) {
    let mut set = RuleSet::default();
    if set.add_pack("pack.yaml".into(), text).is_err() {
        return;
    }
    let mut with_defaults = RuleSet::embedded();
    let defaults_ok = with_defaults.add_pack("pack.yaml".into(), text).is_ok();
    let mut s = settings().clone();
    for rules in [Some(set), defaults_ok.then_some(with_defaults)]
        .into_iter()
        .flatten()
    {
        s.rules = Arc::new(rules);
        for sample in SAMPLES {
            let source = Source::new("draft.md", sample);
            check_source(&source, &s);
        }
    }
}

/// Any text as a config file (in a folder with no rule packs).
pub fn config_text(text: &str) {
    let path = std::env::temp_dir()
        .join("clauselint-fuzz-no-such-dir")
        .join("clauselint.yaml");
    if let Ok(c) = Config::parse(&path, text) {
        let _ = c.check_selectors(text, &Known::of(&settings().rules));
        let abs = path.with_file_name("a/b.md");
        let _ = c.excludes(&abs, false);
        let _ = c.per_file_for(&abs).count();
    }
}
