//! clauselint: a linter for contract drafts.
//!
//! The flow: paths are walked into files ([`walk`]), each file is read into a
//! [`source::Source`], parsed into a [`document::Document`] (Markdown model with byte spans),
//! checked against a [`rules::RuleSet`] (YAML packs, validated) by [`check::check`] (a pure
//! function, one module per rule kind) into [`diagnostic::Diagnostic`]s, and handed to an
//! [`emit::Emitter`] (one module per format).

pub mod check;
pub mod cli;
pub mod diagnostic;
pub mod document;
pub mod emit;
pub mod rules;
pub mod source;
pub mod template;
pub mod walk;

#[cfg(test)]
pub(crate) mod test_support;

use std::io::{self, Read, Write};
use std::path::{Path, PathBuf};

use codespan_reporting::diagnostic::{Diagnostic as CsDiagnostic, Label as CsLabel};
use codespan_reporting::files::SimpleFile;
use codespan_reporting::term::termcolor::{Ansi, NoColor, WriteColor};
use codespan_reporting::term::{self, Config};

use cli::{CheckArgs, ColorChoice, Command, FailOn, Format, RuleArgs, RulesArgs, RulesFormat};
use diagnostic::Diagnostic;
use document::Document;
use emit::{Emitter, Summary};
use rules::{PackError, RuleSet, Severity};
use source::Source;

/// Exit codes, as ripgrep and ruff use them.
pub const EXIT_CLEAN: u8 = 0;
pub const EXIT_FINDINGS: u8 = 1;
pub const EXIT_ERROR: u8 = 2;

/// Where the library writes. It never prints by itself.
pub struct Io<'a> {
    pub out: &'a mut dyn Write,
    pub err: &'a mut dyn Write,
    pub stdin: &'a mut dyn Read,
    pub out_is_terminal: bool,
}

/// Run a parsed command line and return the exit code.
pub fn run(cli: cli::Cli, io: Io) -> u8 {
    match cli.command {
        Command::Check(args) => run_check(args, io),
        Command::Rules(args) => run_rules(args, io),
    }
}

/// Check one text against a rule set: the whole pipeline without I/O.
pub fn check_text(
    path: impl Into<PathBuf>,
    text: &str,
    rules: &RuleSet,
) -> Result<(Source, Vec<Diagnostic>), String> {
    let source = Source::new(path, text);
    let diags = check_source(&source, rules)?;
    Ok((source, diags))
}

/// Parse and check a source.
pub fn check_source(source: &Source, rules: &RuleSet) -> Result<Vec<Diagnostic>, String> {
    let doc = Document::parse(source).map_err(|e| {
        let (l, c) = source.line_col(e.span.start);
        format!("{l}:{c}: {}", e.message)
    })?;
    Ok(check::check(&doc, rules))
}

/// Parse and check a source against the rules and, when it follows one, its template
/// (`--template`, front matter `template:`, config). A template that cannot be used is
/// returned beside the rule findings, which still count.
pub fn check_source_with(
    source: &Source,
    rules: &RuleSet,
    templates: &template::Store,
) -> Result<(Vec<Diagnostic>, Option<String>), String> {
    let doc = Document::parse(source).map_err(|e| {
        let (l, c) = source.line_col(e.span.start);
        format!("{l}:{c}: {}", e.message)
    })?;
    let mut diags = check::check(&doc, rules);
    let mut template_error = None;
    match templates.check(&doc, rules) {
        Ok(found) if !found.is_empty() => {
            diags.extend(found);
            diags.sort_by(|a, b| {
                (a.span.start, a.span.end, &a.rule).cmp(&(b.span.start, b.span.end, &b.rule))
            });
        }
        Ok(_) => {}
        Err(e) => template_error = Some(e),
    }
    Ok((diags, template_error))
}

/// Load the rule set a command asks for.
pub fn load_rules(args: &RuleArgs) -> Result<RuleSet, Vec<PackError>> {
    let mut set = if args.no_default_rules {
        RuleSet::default()
    } else {
        RuleSet::embedded()
    };
    let mut errors = Vec::new();
    for p in &args.rules {
        let files = match walk::pack_files(p) {
            Ok(f) => f,
            Err(e) => {
                errors.push(PackError {
                    path: p.clone(),
                    text: String::new(),
                    message: format!("cannot read rule pack: {e}"),
                    span: 0..0,
                });
                continue;
            }
        };
        for f in files {
            match std::fs::read_to_string(&f) {
                Ok(text) => {
                    if let Err(e) = set.add_pack(f.clone(), &text) {
                        errors.push(e);
                    }
                }
                Err(e) => errors.push(PackError {
                    path: f.clone(),
                    text: String::new(),
                    message: format!("cannot read rule pack: {e}"),
                    span: 0..0,
                }),
            }
        }
    }
    if errors.is_empty() {
        Ok(set)
    } else {
        Err(errors)
    }
}

/// Print pack errors as codespan diagnostics pointing into the YAML.
pub fn report_pack_errors(errors: &[PackError], w: &mut dyn WriteColor) -> io::Result<()> {
    for e in errors {
        if e.text.is_empty() {
            writeln!(w, "error: {}: {}", e.path.display(), e.message)?;
            continue;
        }
        let file = SimpleFile::new(e.path.display().to_string(), e.text.as_str());
        let d = CsDiagnostic::error()
            .with_code("rules")
            .with_message(&e.message)
            .with_labels(vec![CsLabel::primary((), e.span.clone())]);
        term::emit_to_write_style(w, &Config::default(), &file, &d).map_err(io::Error::other)?;
    }
    Ok(())
}

fn use_color(choice: ColorChoice, is_terminal: bool) -> bool {
    match choice {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => {
            if std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty()) {
                false
            } else if std::env::var_os("CLICOLOR_FORCE").is_some_and(|v| !v.is_empty() && v != "0")
            {
                true
            } else {
                is_terminal
            }
        }
    }
}

fn color_writer<'a>(w: &'a mut dyn Write, color: bool) -> Box<dyn WriteColor + 'a> {
    if color {
        Box::new(Ansi::new(w))
    } else {
        Box::new(NoColor::new(w))
    }
}

fn run_check(args: CheckArgs, io: Io) -> u8 {
    let Io {
        out,
        err,
        stdin,
        out_is_terminal,
    } = io;
    let color = use_color(args.color, out_is_terminal);
    let rules = match load_rules(&args.rule_args) {
        Ok(r) => r,
        Err(errors) => {
            let mut w = color_writer(err, false);
            let _ = report_pack_errors(&errors, &mut *w);
            return EXIT_ERROR;
        }
    };

    if let Some(t) = &args.template {
        if !template::rules_loaded(&rules) {
            let _ = writeln!(
                err,
                "error: --template {}: no template rules are loaded (--no-default-rules leaves out rules/template.yaml; add a pack with `kind: template` rules)",
                t.display()
            );
            return EXIT_ERROR;
        }
        if !t.is_file() {
            let _ = writeln!(err, "error: --template {}: no such file", t.display());
            return EXIT_ERROR;
        }
    }
    // The config file's `templates:` and per-path globs will be handed in here.
    let templates = template::Store::new(args.template.clone(), None);

    let (inputs, walk_errors) = walk::collect(&args.paths);
    let mut summary = Summary::default();
    let mut worst: Option<Severity> = None;
    let mut file_errors: Vec<(PathBuf, String)> = walk_errors;

    let mut full_writer;
    let mut emitter: Box<dyn Emitter + '_> = match args.format {
        Format::Full => {
            full_writer = color_writer(out, color);
            Box::new(emit::Full::new(&mut *full_writer))
        }
        Format::Short => Box::new(emit::Short::new(out)),
        Format::Json => Box::new(emit::Json::new(out)),
    };

    let mut stdin_used = false;
    for input in inputs {
        let source = match &input {
            walk::Input::Stdin => {
                if stdin_used {
                    continue;
                }
                stdin_used = true;
                let mut buf = Vec::new();
                let name = args
                    .stdin_filename
                    .clone()
                    .unwrap_or_else(|| PathBuf::from("<stdin>"));
                match stdin.read_to_end(&mut buf) {
                    Ok(_) => Source::from_bytes(name, buf).map_err(|e| e.to_string()),
                    Err(e) => Err(e.to_string()),
                }
            }
            walk::Input::File(p) => Source::read(p).map_err(|e| e.to_string()),
        };
        let path = input.path(args.stdin_filename.as_deref());
        let source = match source {
            Ok(s) => s,
            Err(e) => {
                file_errors.push((path, e));
                continue;
            }
        };
        let diags = match check_source_with(&source, &rules, &templates) {
            Ok((d, None)) => d,
            Ok((d, Some(e))) => {
                file_errors.push((path, e));
                d
            }
            Err(e) => {
                file_errors.push((path, e));
                continue;
            }
        };
        summary.files_checked += 1;
        if !diags.is_empty() {
            summary.files_with_findings += 1;
        }
        for d in &diags {
            match d.severity {
                Severity::Error => summary.errors += 1,
                Severity::Warning => summary.warnings += 1,
                Severity::Info => summary.infos += 1,
            }
            worst = worst.max(Some(d.severity));
        }
        if let Err(e) = emitter.file(&source, &diags) {
            let _ = writeln!(err, "error: cannot write output: {e}");
            return EXIT_ERROR;
        }
    }
    summary.file_errors = file_errors.len();
    if let Err(e) = emitter.finish(&summary) {
        let _ = writeln!(err, "error: cannot write output: {e}");
        return EXIT_ERROR;
    }
    drop(emitter);
    for (p, e) in &file_errors {
        let _ = writeln!(err, "error: {}: {e}", p.display());
    }
    if matches!(args.format, Format::Full | Format::Short) {
        let _ = emit::write_summary(err, &summary);
    }
    if !file_errors.is_empty() {
        return EXIT_ERROR;
    }
    let threshold = match args.fail_on {
        FailOn::Error => Severity::Error,
        FailOn::Warning => Severity::Warning,
        FailOn::Info => Severity::Info,
    };
    if worst.is_some_and(|w| w >= threshold) {
        EXIT_FINDINGS
    } else {
        EXIT_CLEAN
    }
}

fn run_rules(args: RulesArgs, io: Io) -> u8 {
    let rules = match load_rules(&args.rule_args) {
        Ok(r) => r,
        Err(errors) => {
            let mut w = color_writer(io.err, false);
            let _ = report_pack_errors(&errors, &mut *w);
            return EXIT_ERROR;
        }
    };
    let selected: Vec<&rules::Rule> = rules
        .rules
        .iter()
        .filter(|r| {
            args.category
                .as_deref()
                .is_none_or(|c| r.id == c || r.category() == c.trim_end_matches('/'))
        })
        .collect();
    let res = match args.format {
        RulesFormat::Json => {
            let v: Vec<serde_json::Value> = selected
                .iter()
                .map(|r| {
                    serde_json::json!({
                        "id": r.id, "kind": r.kind.as_str(), "severity": r.severity.as_str(),
                        "lang": r.lang.names(), "pack": r.pack, "message": r.message,
                        "help": r.help, "description": r.description,
                    })
                })
                .collect();
            serde_json::to_writer_pretty(&mut *io.out, &v)
                .map_err(io::Error::other)
                .and_then(|_| writeln!(io.out))
        }
        RulesFormat::Text => write_rules_table(io.out, &selected),
    };
    match res {
        Ok(()) => EXIT_CLEAN,
        Err(e) => {
            let _ = writeln!(io.err, "error: cannot write output: {e}");
            EXIT_ERROR
        }
    }
}

fn write_rules_table(w: &mut dyn Write, rules: &[&rules::Rule]) -> io::Result<()> {
    let width = rules.iter().map(|r| r.id.len()).max().unwrap_or(2).max(2);
    writeln!(
        w,
        "{:<width$}  {:<9}  {:<8}  {:<5}  {:<11}  message",
        "id", "kind", "severity", "lang", "pack"
    )?;
    for r in rules {
        writeln!(
            w,
            "{:<width$}  {:<9}  {:<8}  {:<5}  {:<11}  {}",
            r.id,
            r.kind.as_str(),
            r.severity.as_str(),
            r.lang.names().join(","),
            r.pack,
            r.message
        )?;
    }
    Ok(())
}

/// Convenience for tests and embedding: is this path something we refuse to read as text?
pub fn unsupported_format(path: &Path) -> Option<&'static str> {
    walk::unsupported_format(path)
}
