//! clauselint: a linter for contract drafts.
//!
//! The flow: paths are walked into files ([`walk`]), each file is read into a
//! [`source::Source`], parsed into a [`document::Document`] (Markdown model with byte spans),
//! checked against a [`rules::RuleSet`] (YAML packs, validated) by [`check::check`] (a pure
//! function, one module per rule kind) into [`diagnostic::Diagnostic`]s, and handed to an
//! [`emit::Emitter`] (one module per format).

pub mod baseline;
pub mod check;
pub mod cli;
pub mod config;
pub mod diagnostic;
pub mod document;
pub mod emit;
pub mod pipeline;
pub mod redact;
pub mod rules;
pub mod source;
pub mod suppress;
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
use emit::Summary;
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
        Command::Completions(args) => {
            use clap::CommandFactory;
            let mut cmd = cli::Cli::command();
            clap_complete::generate(args.shell, &mut cmd, "clauselint", io.out);
            EXIT_CLEAN
        }
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
                    // Windows editors may save a byte order mark; YAML would see a second
                    // document.
                    let text = text.strip_prefix('\u{feff}').unwrap_or(&text);
                    if let Err(e) = set.add_pack(f.clone(), text) {
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

/// Print pointed YAML errors (configs and packs) with their diagnostic code.
fn report_yaml_errors(errors: &[(&str, PackError)], w: &mut dyn WriteColor) -> io::Result<()> {
    for (code, e) in errors {
        if e.text.is_empty() {
            writeln!(w, "error: {}: {}", e.path.display(), e.message)?;
            continue;
        }
        let file = SimpleFile::new(e.path.display().to_string(), e.text.as_str());
        let d = CsDiagnostic::error()
            .with_code(*code)
            .with_message(&e.message)
            .with_labels(vec![CsLabel::primary((), e.span.clone())]);
        term::emit_to_write_style(w, &Config::default(), &file, &d).map_err(io::Error::other)?;
    }
    Ok(())
}

fn threshold(f: FailOn) -> Option<Severity> {
    match f {
        FailOn::Error => Some(Severity::Error),
        FailOn::Warning => Some(Severity::Warning),
        FailOn::Info => Some(Severity::Info),
        FailOn::Never => None,
    }
}

/// Where each format goes: (format, None = stdout, Some = file).
fn plan_outputs(args: &CheckArgs) -> Result<Vec<(Format, Option<PathBuf>)>, String> {
    let explicit = if args.statistics {
        Some(Format::Summary)
    } else {
        args.format
    };
    let to_stdout: Vec<Format> = args
        .output_format
        .iter()
        .filter(|o| o.path.is_none())
        .map(|o| o.format)
        .collect();
    let stdout = match (explicit, to_stdout.as_slice()) {
        (None, []) => Format::Full,
        (Some(f), []) => f,
        (None, [f]) => *f,
        _ => return Err("only one format can go to stdout (give the others `=PATH`)".into()),
    };
    let mut plan = vec![(stdout, None)];
    for o in args.output_format.iter().filter(|o| o.path.is_some()) {
        if plan.iter().any(|(_, p)| p == &o.path) {
            return Err(format!(
                "--output-format: {} is named twice",
                o.path.as_ref().unwrap().display()
            ));
        }
        plan.push((o.format, o.path.clone()));
    }
    Ok(plan)
}

fn run_check(args: CheckArgs, io: Io) -> u8 {
    let Io {
        out,
        err,
        stdin,
        out_is_terminal,
    } = io;
    let usage = |err: &mut dyn Write, m: &str| {
        let _ = writeln!(err, "error: {m}");
        EXIT_ERROR
    };
    let plan = match plan_outputs(&args) {
        Ok(p) => p,
        Err(m) => return usage(err, &m),
    };
    let cwd = std::env::current_dir().unwrap_or_default();
    let baseline = match &args.baseline {
        None => None,
        Some(p) => {
            let dir = config::absolute(&cwd, p)
                .parent()
                .map(Path::to_path_buf)
                .unwrap_or_default();
            match baseline::Baseline::read(p, dir) {
                Ok(b) => Some(b),
                Err(m) => return usage(err, &m),
            }
        }
    };

    let mut run = match pipeline::run(&args, stdin, baseline.as_ref()) {
        Ok(r) => r,
        Err(pipeline::Fatal::Yaml(errors)) => {
            let mut w = color_writer(err, false);
            let _ = report_yaml_errors(&errors, &mut *w);
            return EXIT_ERROR;
        }
        Err(pipeline::Fatal::Usage(m)) => return usage(err, &m),
    };
    // --redact: no contract text goes further than this (outputs, baseline, stderr).
    let redactor = args.redact.then(|| {
        redact::Redactor::new(run.rule_sets.iter().map(|r| &**r), &suppress::meta_rules())
    });
    if let Some(r) = &redactor {
        for o in &mut run.outcomes {
            o.report = r.report(&o.report);
        }
        for (_, m) in run.errors.iter_mut().chain(run.notes.iter_mut()) {
            *m = redact::mask_free_text(m);
        }
    }
    // Paths may hold newlines or escape sequences: stderr gets them escaped.
    let esc = |s: &str| emit::escape_controls(s).into_owned();
    // clauselint never writes to a draft: an output that names one is refused.
    let mut targets: Vec<(&str, PathBuf)> = plan
        .iter()
        .filter_map(|(_, p)| p.clone().map(|p| ("--output-format", p)))
        .collect();
    if let Some(p) = &args.write_baseline {
        targets.push(("--write-baseline", p.clone()));
    }
    if plan.iter().any(|(f, _)| *f == Format::Github) {
        if let Some(p) = std::env::var_os("GITHUB_STEP_SUMMARY").filter(|p| !p.is_empty()) {
            targets.push(("GITHUB_STEP_SUMMARY", PathBuf::from(p)));
        }
    }
    if let Some((what, p)) = targets.iter().find(|(_, p)| is_a_draft(&run, p)) {
        return usage(
            err,
            &format!(
                "{what} {} is a draft being checked; clauselint never writes to a draft",
                esc(&p.display().to_string())
            ),
        );
    }
    for (p, e) in &run.errors {
        let _ = writeln!(err, "error: {}: {}", esc(&p.display().to_string()), esc(e));
    }
    for (p, e) in &run.notes {
        let _ = writeln!(err, "note: {}: {}", esc(&p.display().to_string()), esc(e));
    }
    let code_if_errors = if run.errors.is_empty() {
        EXIT_CLEAN
    } else {
        EXIT_ERROR
    };

    if let Some(path) = &args.write_baseline {
        let dir = config::absolute(&cwd, path)
            .parent()
            .map(Path::to_path_buf)
            .unwrap_or_default();
        let named = args.stdin_filename.is_some();
        let mut entries = Vec::new();
        for o in &run.outcomes {
            let p = pipeline::baseline_path(&o.input, named, &dir, &cwd, &o.report.source.path);
            for (d, k) in o.report.diagnostics.iter().zip(&o.keys) {
                entries.push(baseline::Entry {
                    path: p.clone(),
                    rule: k.rule.clone(),
                    clause: k.clause.clone(),
                    index: k.index,
                    message: d.message.clone(),
                });
            }
        }
        let n = entries.len();
        if let Err(e) = baseline::write(path, entries) {
            return usage(
                err,
                &format!("cannot write baseline {}: {e}", path.display()),
            );
        }
        if !args.quiet {
            let _ = writeln!(
                err,
                "wrote {n} findings in {} files to the baseline {}",
                run.outcomes.len(),
                path.display()
            );
        }
        return code_if_errors;
    }

    let mut summary = Summary {
        files_checked: run.outcomes.len(),
        file_errors: run.errors.len(),
        ..Summary::default()
    };
    let mut failing = false;
    for o in &run.outcomes {
        if !o.report.diagnostics.is_empty() {
            summary.files_with_findings += 1;
        }
        let t = threshold(o.fail_on);
        for d in &o.report.diagnostics {
            match d.severity {
                Severity::Error => summary.errors += 1,
                Severity::Warning => summary.warnings += 1,
                Severity::Info => summary.infos += 1,
            }
            failing |= t.is_some_and(|t| d.severity >= t);
        }
    }

    let color = use_color(args.color, out_is_terminal);
    let metas =
        emit::RuleMeta::collect(run.rule_sets.iter().map(|r| &**r), &suppress::meta_rules());
    // Only the first github output appends the job summary, so that it appears once.
    let mut summary_taken = false;
    for (format, path) in &plan {
        let wants_summary =
            *format == Format::Github && !std::mem::replace(&mut summary_taken, true);
        let step_summary: Option<Box<dyn Write>> = match wants_summary {
            true => std::env::var_os("GITHUB_STEP_SUMMARY")
                .filter(|p| !p.is_empty())
                .and_then(|p| {
                    match std::fs::OpenOptions::new()
                        .create(true)
                        .append(true)
                        .open(&p)
                    {
                        Ok(f) => Some(Box::new(io::BufWriter::new(f)) as Box<dyn Write>),
                        Err(e) => {
                            let _ = writeln!(
                                err,
                                "warning: cannot append to GITHUB_STEP_SUMMARY {}: {e}",
                                Path::new(&p).display()
                            );
                            None
                        }
                    }
                }),
            false => None,
        };
        let res = match path {
            None => emit_all(
                &mut *out,
                *format,
                color,
                &metas,
                step_summary,
                &run,
                &summary,
            ),
            Some(p) => std::fs::File::create(p).and_then(|f| {
                let mut w = io::BufWriter::new(f);
                emit_all(&mut w, *format, false, &metas, step_summary, &run, &summary)?;
                w.flush()
            }),
        };
        if let Err(e) = res {
            let target = path
                .as_ref()
                .map_or_else(|| "stdout".to_string(), |p| p.display().to_string());
            return usage(err, &format!("cannot write output to {target}: {e}"));
        }
    }

    if !args.quiet {
        if matches!(plan[0].0, Format::Full | Format::Short) {
            let _ = emit::write_summary(err, &summary);
        }
        let baselined: usize = run.outcomes.iter().map(|o| o.baselined).sum();
        if baselined > 0 {
            let _ = writeln!(
                err,
                "{baselined} findings are in the baseline and not reported"
            );
        }
        let stale: Vec<&baseline::Entry> = run.outcomes.iter().flat_map(|o| &o.stale).collect();
        if !stale.is_empty() {
            let _ = writeln!(
                err,
                "warning: {} baseline entries match no finding any more (fixed, or their clause changed); run --write-baseline again to prune them:",
                stale.len()
            );
            for e in stale {
                let message = match &redactor {
                    Some(r) => r.message(&e.rule, &e.message),
                    None => e.message.clone(),
                };
                let _ = writeln!(err, "  {}: {} ({})", esc(&e.path), e.rule, esc(&message));
            }
        }
        if run.outcomes.is_empty() && run.errors.is_empty() {
            let _ = writeln!(
                err,
                "warning: no files were checked (every path was excluded or ignored, or the file list was empty)"
            );
        }
    }
    if code_if_errors != EXIT_CLEAN {
        code_if_errors
    } else if failing && !args.exit_zero {
        EXIT_FINDINGS
    } else {
        EXIT_CLEAN
    }
}

/// Is `p` (an output about to be written) one of the drafts of this run?
fn is_a_draft(run: &pipeline::Run, p: &Path) -> bool {
    let Ok(target) = std::fs::canonicalize(p) else {
        return false; // not there yet: not a draft
    };
    let drafts = run
        .outcomes
        .iter()
        .filter(|o| matches!(o.input, walk::Input::File(_)))
        .map(|o| o.report.source.path.as_path())
        .chain(run.errors.iter().map(|(p, _)| p.as_path()))
        .chain(run.notes.iter().map(|(p, _)| p.as_path()));
    for d in drafts {
        if std::fs::canonicalize(d).is_ok_and(|d| d == target) {
            return true;
        }
    }
    false
}

fn emit_all(
    out: &mut dyn Write,
    format: Format,
    color: bool,
    metas: &[emit::RuleMeta],
    step_summary: Option<Box<dyn Write + '_>>,
    run: &pipeline::Run,
    summary: &Summary,
) -> io::Result<()> {
    let mut e = emit::make(format, out, color, metas, step_summary);
    for o in &run.outcomes {
        e.report(&o.report)?;
    }
    for (p, m) in &run.errors {
        e.file_error(&p.display().to_string(), m)?;
    }
    e.finish(summary)
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
