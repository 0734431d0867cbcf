//! Rule authoring: the commands that help people who write rule packs (`explain`,
//! `validate`, `test`, `schema`). Each computes a report with pure functions and writes it to
//! the writers it is given.

pub mod docs;
pub mod examples;
pub mod explain;
pub mod test_cmd;
pub mod validate;
pub mod yaml_tree;

use std::io::{self, Write};
use std::path::PathBuf;

use codespan_reporting::diagnostic::{Diagnostic as CsDiagnostic, Label as CsLabel};
use codespan_reporting::files::SimpleFile;
use codespan_reporting::term::termcolor::{Color, ColorSpec, WriteColor};
use codespan_reporting::term::{self, Config};

use crate::cli::{ExplainArgs, TestArgs, ValidateArgs, ValidateFormat};
use crate::rules::RuleSet;
use crate::{Io, EXIT_CLEAN, EXIT_ERROR};

/// `clauselint schema`: the JSON Schema of the pack format.
pub fn run_schema(io: Io) -> u8 {
    match io
        .out
        .write_all(crate::rules::schema::pack_schema_json().as_bytes())
    {
        Ok(()) => EXIT_CLEAN,
        Err(e) => {
            let _ = writeln!(io.err, "error: cannot write output: {e}");
            EXIT_ERROR
        }
    }
}

/// The pack files a list of PACK arguments names, with their texts (or why they could not
/// be read), sorted within each directory and free of duplicates. A directory without
/// packs is an error, never a silent pass.
pub fn read_packs(args: &[PathBuf]) -> Vec<(PathBuf, Result<String, String>)> {
    let mut out: Vec<(PathBuf, Result<String, String>)> = Vec::new();
    for a in args {
        match crate::walk::pack_files(a) {
            Ok(files) if files.is_empty() => out.push((
                a.clone(),
                Err("no rule packs (*.yaml, *.yml) in this directory".into()),
            )),
            Ok(files) => {
                for f in files {
                    if out.iter().any(|(p, _)| *p == f) {
                        continue;
                    }
                    let text = std::fs::read_to_string(&f).map_err(|e| e.to_string());
                    out.push((f, text));
                }
            }
            Err(e) => out.push((a.clone(), Err(e.to_string()))),
        }
    }
    out
}

/// 1-based line and character column of a byte offset.
pub(crate) fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let before = &text[..offset.min(text.len())];
    let line = before.matches('\n').count() + 1;
    let col = before.rsplit('\n').next().unwrap_or("").chars().count() + 1;
    (line, col)
}

/// `clauselint validate`.
pub fn run_validate(args: ValidateArgs, io: Io) -> u8 {
    let inputs = read_packs(&args.packs);
    let defaults = if args.no_default_rules {
        RuleSet::default()
    } else {
        RuleSet::embedded()
    };
    let reports = validate::validate_packs(&inputs, &defaults);
    let color = crate::use_color(args.color, io.out_is_terminal);
    let res = match args.format {
        ValidateFormat::Full => {
            let mut w = crate::color_writer(io.out, color);
            write_problems_full(&reports, &mut *w)
        }
        ValidateFormat::Short => write_problems_short(&reports, io.out),
        ValidateFormat::Json => write_problems_json(&reports, io.out),
    };
    if let Err(e) = res {
        let _ = writeln!(io.err, "error: cannot write output: {e}");
        return EXIT_ERROR;
    }
    let (problems, rules, bad) = validate::count(&reports);
    if args.format != ValidateFormat::Json {
        let packs = plural(reports.len(), "pack", "packs");
        let rules = plural(rules, "rule", "rules");
        let _ = if problems == 0 {
            writeln!(io.err, "{packs}, {rules}: no problems")
        } else {
            writeln!(
                io.err,
                "{} in {} of {packs} ({rules})",
                plural(problems, "problem", "problems"),
                bad.len()
            )
        };
    }
    if problems == 0 {
        EXIT_CLEAN
    } else {
        EXIT_ERROR
    }
}

pub(crate) fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

fn write_problems_full(reports: &[validate::PackReport], w: &mut dyn WriteColor) -> io::Result<()> {
    let config = Config::default();
    for r in reports {
        let file = SimpleFile::new(r.path.display().to_string(), r.text.as_str());
        for p in &r.problems {
            if r.text.is_empty() {
                writeln!(w, "error: {}: {}", r.path.display(), p.message)?;
                continue;
            }
            let mut labels = vec![CsLabel::primary((), p.span.clone())];
            labels.extend(
                p.labels
                    .iter()
                    .map(|(s, m)| CsLabel::secondary((), s.clone()).with_message(m.clone())),
            );
            let d = CsDiagnostic::error()
                .with_code("rules")
                .with_message(&p.message)
                .with_labels(labels)
                .with_notes(p.notes.clone());
            term::emit_to_write_style(w, &config, &file, &d).map_err(io::Error::other)?;
        }
    }
    Ok(())
}

fn write_problems_short(reports: &[validate::PackReport], w: &mut dyn Write) -> io::Result<()> {
    for r in reports {
        for p in &r.problems {
            let (l, c) = line_col(&r.text, p.span.start);
            writeln!(
                w,
                "{}:{l}:{c}: error[rules]: {}",
                r.path.display(),
                p.message
            )?;
        }
    }
    Ok(())
}

fn write_problems_json(reports: &[validate::PackReport], w: &mut dyn Write) -> io::Result<()> {
    let mut all = Vec::new();
    for r in reports {
        for p in &r.problems {
            let pos = |s: &std::ops::Range<usize>| {
                let (l, c) = line_col(&r.text, s.start);
                let (el, ec) = line_col(&r.text, s.end);
                (l, c, el, ec)
            };
            let (l, c, el, ec) = pos(&p.span);
            let labels: Vec<serde_json::Value> = p
                .labels
                .iter()
                .map(|(s, m)| {
                    let (l, c, el, ec) = pos(s);
                    serde_json::json!({"line": l, "column": c, "end_line": el, "end_column": ec, "message": m})
                })
                .collect();
            all.push(serde_json::json!({
                "path": r.path.display().to_string(), "severity": "error", "message": p.message,
                "line": l, "column": c, "end_line": el, "end_column": ec,
                "byte_start": p.span.start, "byte_end": p.span.end,
                "labels": labels, "notes": p.notes,
            }));
        }
    }
    serde_json::to_writer_pretty(&mut *w, &all).map_err(io::Error::other)?;
    writeln!(w)
}

/// `clauselint explain RULE`.
pub fn run_explain(args: ExplainArgs, io: Io) -> u8 {
    let rules = match crate::rules_in_force(&args.rule_args, &args.config_args, io.err) {
        Ok(r) => r,
        Err(code) => return code,
    };
    let matching: Vec<&crate::rules::Rule> =
        rules.rules.iter().filter(|r| r.id == args.rule).collect();
    if matching.is_empty() {
        let _ = writeln!(io.err, "error: {}", explain::unknown(&rules, &args.rule));
        return EXIT_ERROR;
    }
    let color = crate::use_color(args.color, io.out_is_terminal);
    let mut w = crate::color_writer(io.out, color);
    for (i, r) in matching.iter().enumerate() {
        let res = (if i > 0 { writeln!(w) } else { Ok(()) })
            .and_then(|_| explain::explain(r, &rules, &mut *w));
        if let Err(e) = res {
            let _ = writeln!(io.err, "error: cannot write output: {e}");
            return EXIT_ERROR;
        }
    }
    EXIT_CLEAN
}

/// `clauselint test`.
pub fn run_test(args: TestArgs, io: Io) -> u8 {
    let (targets, path_errors) = if args.paths.is_empty() {
        (test_cmd::builtin_targets(), Vec::new())
    } else {
        test_cmd::targets(&args.paths)
    };
    let color = crate::use_color(args.color, io.out_is_terminal);
    let mut w = crate::color_writer(io.out, color);
    let mut passed = 0;
    let mut failed = 0;
    let mut load_errors = Vec::new();
    let mut file_errors = false;
    for t in &targets {
        let po = test_cmd::test_pack(t);
        let res = write_pack_outcome(&po, &mut *w);
        if let Err(e) = res {
            let _ = writeln!(io.err, "error: cannot write output: {e}");
            return EXIT_ERROR;
        }
        passed += po.outcomes.iter().filter(|o| o.passed()).count();
        failed += po.outcomes.iter().filter(|o| !o.passed()).count();
        file_errors |= po.file_error;
        if let Some(e) = po.error {
            load_errors.push(e);
        }
    }
    let _ = writeln!(w);
    let _ = writeln!(w, "{passed} passed, {failed} failed");
    drop(w);
    if !load_errors.is_empty() {
        let mut ew = crate::color_writer(io.err, false);
        let _ = crate::report_pack_errors(&load_errors, &mut *ew);
    }
    for (p, e) in &path_errors {
        let _ = writeln!(io.err, "error: {}: {e}", p.display());
    }
    if !load_errors.is_empty() || !path_errors.is_empty() || file_errors {
        EXIT_ERROR
    } else if failed > 0 {
        crate::EXIT_FINDINGS
    } else {
        EXIT_CLEAN
    }
}

fn write_pack_outcome(po: &test_cmd::PackOutcome, w: &mut dyn WriteColor) -> io::Result<()> {
    let mut title = po.path.display().to_string();
    match (&po.name, po.builtin) {
        (Some(n), true) => title.push_str(&format!(" ({n}, built in)")),
        (Some(n), false) => title.push_str(&format!(" ({n})")),
        _ => {}
    }
    w.set_color(ColorSpec::new().set_bold(true))?;
    write!(w, "{title}")?;
    w.reset()?;
    writeln!(w)?;
    if po.error.is_some() {
        w.set_color(ColorSpec::new().set_bold(true).set_fg(Some(Color::Red)))?;
        write!(w, "  ERROR")?;
        w.reset()?;
        writeln!(
            w,
            " the pack does not load (see below); `clauselint validate {}` lists every problem",
            po.path.display()
        )?;
        return Ok(());
    }
    let width = po
        .outcomes
        .iter()
        .map(|o| o.name.chars().count())
        .max()
        .unwrap_or(0);
    for o in &po.outcomes {
        let (label, c) = if o.passed() {
            ("PASS", Color::Green)
        } else {
            ("FAIL", Color::Red)
        };
        w.set_color(ColorSpec::new().set_bold(true).set_fg(Some(c)))?;
        write!(w, "  {label}")?;
        w.reset()?;
        writeln!(w, "  {:<width$}  {}", o.name, o.summary)?;
        for f in &o.failures {
            for (i, l) in f.lines().enumerate() {
                let indent = if i == 0 { "        - " } else { "          " };
                writeln!(w, "{indent}{l}")?;
            }
        }
    }
    Ok(())
}
