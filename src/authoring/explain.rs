//! `clauselint explain RULE`: what a rule is, and its examples run live.

use std::io;

use codespan_reporting::term::termcolor::{Color, ColorSpec, WriteColor};

use super::examples;
use crate::emit::Emitter;
use crate::rules::{suggest, Kind, Patterns, Rule, RuleSet, Scope, Unit};

/// What to say when no rule has this id.
pub fn unknown(rules: &RuleSet, id: &str) -> String {
    let in_category: Vec<&str> = rules
        .by_id()
        .into_keys()
        .filter(|k| k.split('/').next() == Some(id.trim_end_matches('/')))
        .collect();
    if !in_category.is_empty() {
        return format!(
            "`{id}` is a category, not a rule; its rules: {}",
            in_category.join(", ")
        );
    }
    let ids = rules.by_id();
    match suggest(id, ids.keys().copied()) {
        Some(s) => format!("unknown rule `{id}`; did you mean `{s}`?"),
        None => format!("unknown rule `{id}`; `clauselint rules` lists the loaded rules"),
    }
}

/// What to say when `rules --category` selects nothing.
pub fn unknown_category(rules: &RuleSet, category: &str) -> String {
    let mut cats: Vec<&str> = rules.rules.iter().map(Rule::category).collect();
    cats.sort();
    cats.dedup();
    match suggest(category, cats.iter().copied()) {
        Some(s) => format!("no rule has the category or id `{category}`; did you mean `{s}`?"),
        None => format!(
            "no rule has the category or id `{category}`; the categories are {}",
            cats.iter()
                .map(|c| format!("`{c}`"))
                .collect::<Vec<_>>()
                .join(", ")
        ),
    }
}

fn heading(w: &mut dyn WriteColor, text: &str) -> io::Result<()> {
    w.set_color(ColorSpec::new().set_bold(true))?;
    write!(w, "{text}")?;
    w.reset()?;
    writeln!(w)
}

fn status(w: &mut dyn WriteColor, ok: bool, text: &str) -> io::Result<()> {
    w.set_color(ColorSpec::new().set_bold(true).set_fg(Some(if ok {
        Color::Green
    } else {
        Color::Red
    })))?;
    write!(w, "{text}")?;
    w.reset()?;
    writeln!(w)
}

fn field(w: &mut dyn WriteColor, key: &str, values: &[String]) -> io::Result<()> {
    for (i, v) in values.iter().enumerate() {
        let k = if i == 0 {
            format!("{key}:")
        } else {
            String::new()
        };
        writeln!(w, "  {k:<17} {v}")?;
    }
    Ok(())
}

fn regexes(p: &Patterns) -> Vec<String> {
    p.iter().map(|p| p.source.clone()).collect()
}

/// Print one rule: its facts, its description, and each example with what it produces.
/// Returns whether every example behaves.
pub fn explain(rule: &Rule, context: &RuleSet, w: &mut dyn WriteColor) -> io::Result<bool> {
    heading(w, &format!("{}: {}", rule.id, rule.message))?;
    writeln!(w)?;
    field(w, "kind", &[rule.kind.as_str().into()])?;
    field(w, "severity", &[rule.severity.as_str().into()])?;
    field(
        w,
        "pack",
        &[format!("{} ({})", rule.pack, rule.pack_path.display())],
    )?;
    field(w, "lang", &[rule.lang.names().join(", ")])?;
    if let Some(h) = &rule.help {
        field(w, "help", std::slice::from_ref(h))?;
    }
    if rule.unit != Unit::Clause {
        let unit = match rule.unit {
            Unit::Sentence => "sentence",
            Unit::Section => "section",
            _ => "document",
        };
        field(w, "in", &[unit.into()])?;
    }
    match &rule.scope {
        Scope::Any => {}
        Scope::Body => field(w, "scope", &["body".into()])?,
        Scope::SignatureBlock => field(w, "scope", &["signature-block".into()])?,
        Scope::Heading(p) => field(w, "scope", &[format!("heading: {}", p.source)])?,
    }
    if let Some(k) = &rule.clause_kinds {
        field(w, "clause-kinds", &[k.join(", ")])?;
    }
    for (key, p) in [
        ("pattern", &rule.pattern),
        ("when", &rule.when),
        ("must", &rule.must),
        ("unless", &rule.unless),
        ("allow", &rule.allow),
        ("markers", &rule.markers),
    ] {
        field(w, key, &regexes(p))?;
    }
    if rule.kind == Kind::Signature {
        field(w, "fields", &[rule.fields.join(", ")])?;
        if !rule.signing_fields.is_empty() {
            field(w, "signing-fields", &[rule.signing_fields.join(", ")])?;
        }
        if !rule.roles.is_empty() {
            field(w, "roles", &[rule.roles.join(", ")])?;
        }
        if let Some(m) = &rule.message_missing {
            field(w, "message-missing", std::slice::from_ref(m))?;
        }
    }
    writeln!(w)?;
    match &rule.description {
        Some(d) => writeln!(w, "{}", d.trim_end())?,
        None => writeln!(w, "(no description)")?,
    }

    let mut all_ok = true;
    // A diagnostic ends with a blank line; other sections need one before them.
    let mut after_diagnostic = false;
    if rule.examples.bad.is_empty() && rule.examples.good.is_empty() {
        writeln!(w)?;
        status(w, false, "no examples")?;
        return Ok(false);
    }
    for (i, ex) in rule.examples.bad.iter().enumerate() {
        let name = format!("bad example {}", i + 1);
        if !std::mem::take(&mut after_diagnostic) {
            writeln!(w)?;
        }
        match examples::run(rule, context, &name, ex) {
            Ok(o) if !o.findings.is_empty() => {
                status(w, true, &format!("{name}: reported"))?;
                crate::emit::Full::new(&mut *w).file(&o.source, &o.findings)?;
                after_diagnostic = true;
            }
            Ok(_) => {
                all_ok = false;
                let d = examples::why_silent(rule, context, ex);
                status(
                    w,
                    false,
                    &format!("{name}: NOT reported, but it should be: {}", d.reason),
                )?;
                snippet(w, ex)?;
            }
            Err(e) => {
                all_ok = false;
                status(w, false, &format!("{name}: cannot be read: {e}"))?;
            }
        }
    }
    for (i, ex) in rule.examples.good.iter().enumerate() {
        let name = format!("good example {}", i + 1);
        if !std::mem::take(&mut after_diagnostic) {
            writeln!(w)?;
        }
        match examples::run(rule, context, &name, ex) {
            Ok(o) if o.findings.is_empty() => {
                status(w, true, &format!("{name}: clean"))?;
                snippet(w, ex)?;
            }
            Ok(o) => {
                all_ok = false;
                status(
                    w,
                    false,
                    &format!("{name}: reported, but it should be clean"),
                )?;
                crate::emit::Full::new(&mut *w).file(&o.source, &o.findings)?;
                after_diagnostic = true;
            }
            Err(e) => {
                all_ok = false;
                status(w, false, &format!("{name}: cannot be read: {e}"))?;
            }
        }
    }
    Ok(all_ok)
}

/// A snippet shown like the source lines of a diagnostic.
fn snippet(w: &mut dyn WriteColor, text: &str) -> io::Result<()> {
    let lines: Vec<&str> = text.lines().collect();
    let width = lines.len().to_string().len();
    writeln!(w, "{:width$} │", "")?;
    for (i, l) in lines.iter().enumerate() {
        if l.is_empty() {
            writeln!(w, "{:>width$} │", i + 1)?;
        } else {
            writeln!(w, "{:>width$} │ {l}", i + 1)?;
        }
    }
    writeln!(w, "{:width$} │", "")?;
    Ok(())
}
