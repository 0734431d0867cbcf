//! clauselint: a linter for contract drafts.
//!
//! The flow: paths are walked into files ([`walk`]), each file is read into a
//! [`source::Source`], parsed into a [`document::Document`] (Markdown model with byte spans),
//! checked against a [`rules::RuleSet`] (YAML packs, validated) by [`check::check`] (a pure
//! function, one module per rule kind) into [`diagnostic::Diagnostic`]s, and handed to an
//! [`emit::Emitter`] (one module per format).

pub mod authoring;
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
pub mod stream;
pub mod suppress;
pub mod template;
pub mod values;
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
        Command::Schema => authoring::run_schema(io),
        Command::Explain(args) => authoring::run_explain(args, io),
        Command::Validate(args) => authoring::run_validate(args, io),
        Command::Test(args) => authoring::run_test(args, io),
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

pub(crate) fn use_color(choice: ColorChoice, is_terminal: bool) -> bool {
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

pub(crate) fn color_writer<'a>(w: &'a mut dyn Write, color: bool) -> Box<dyn WriteColor + 'a> {
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

    let prepared = match pipeline::prepare(&args, stdin) {
        Ok(p) => p,
        Err(pipeline::Fatal::Yaml(errors)) => {
            let mut w = color_writer(err, false);
            let _ = report_yaml_errors(&errors, &mut *w);
            return EXIT_ERROR;
        }
        Err(pipeline::Fatal::Usage(m)) => return usage(err, &m),
    };
    // --redact: no contract text goes further than the pipeline (outputs, baseline, stderr).
    let redactor = args.redact.then(|| {
        redact::Redactor::new(
            prepared.rule_sets().iter().map(|r| &**r),
            &suppress::meta_rules(),
        )
    });
    let redact_outcome = |o: &mut pipeline::Outcome| {
        if let Some(r) = &redactor {
            o.report = r.report(&o.report);
        }
    };
    // Paths may hold newlines or escape sequences: stderr gets them escaped.
    let esc = |s: &str| emit::escape_controls(s).into_owned();
    let report_file_problems = |err: &mut dyn Write, fin: &mut pipeline::Finished| {
        if redactor.is_some() {
            for (_, m) in fin.errors.iter_mut().chain(fin.notes.iter_mut()) {
                *m = redact::mask_free_text(m);
            }
        }
        for (p, e) in &fin.errors {
            let _ = writeln!(err, "error: {}: {}", esc(&p.display().to_string()), esc(e));
        }
        for (p, e) in &fin.notes {
            let _ = writeln!(err, "note: {}: {}", esc(&p.display().to_string()), esc(e));
        }
        if fin.errors.is_empty() {
            EXIT_CLEAN
        } else {
            EXIT_ERROR
        }
    };
    // clauselint never writes to a draft: an output that names one is refused before
    // anything is written.
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
    if let Some((what, p)) = targets.iter().find(|(_, p)| prepared.names_draft(p)) {
        return usage(
            err,
            &format!(
                "{what} {} is a draft being checked; clauselint never writes to a draft",
                esc(&p.display().to_string())
            ),
        );
    }

    if let Some(path) = &args.write_baseline {
        let dir = config::absolute(&cwd, path)
            .parent()
            .map(Path::to_path_buf)
            .unwrap_or_default();
        let named = args.stdin_filename.is_some();
        let mut entries = Vec::new();
        let mut files = 0;
        let mut fin = prepared.check(baseline.as_ref(), &mut |mut o| {
            redact_outcome(&mut o);
            files += 1;
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
        });
        let code_if_errors = report_file_problems(err, &mut fin);
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
                "wrote {n} findings in {files} files to the baseline {}",
                path.display()
            );
        }
        return code_if_errors;
    }

    // Every output is opened before the first draft is checked, and each draft's findings
    // go to every output as soon as it and the drafts before it are done.
    let mut file_outs: Vec<Option<io::BufWriter<std::fs::File>>> = Vec::new();
    for (_, path) in &plan {
        match path {
            None => file_outs.push(None),
            Some(p) => match std::fs::File::create(p) {
                Ok(f) => file_outs.push(Some(io::BufWriter::new(f))),
                Err(e) => {
                    return usage(err, &format!("cannot write output to {}: {e}", p.display()))
                }
            },
        }
    }
    let color = use_color(args.color, out_is_terminal);
    let metas = emit::RuleMeta::collect(
        prepared.rule_sets().iter().map(|r| &**r),
        &suppress::meta_rules(),
    );
    let mut stdout = Some(&mut *out);
    // (emitter, where it writes, its first write error)
    let mut outputs: Vec<(Box<dyn emit::Emitter + '_>, String, Option<io::Error>)> = Vec::new();
    // Only the first github output appends the job summary, so that it appears once.
    let mut summary_taken = false;
    for ((format, path), file) in plan.iter().zip(file_outs.iter_mut()) {
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
        let target = path
            .as_ref()
            .map_or_else(|| "stdout".to_string(), |p| p.display().to_string());
        let emitter = match file {
            Some(w) => emit::make(*format, w, false, &metas, step_summary),
            None => emit::make(
                *format,
                stdout.take().expect("one output goes to stdout"),
                color,
                &metas,
                step_summary,
            ),
        };
        outputs.push((emitter, target, None));
    }

    let mut summary = Summary::default();
    let mut failing = false;
    let mut baselined = 0;
    let mut stale: Vec<baseline::Entry> = Vec::new();
    let mut fin = prepared.check(baseline.as_ref(), &mut |mut o| {
        redact_outcome(&mut o);
        summary.files_checked += 1;
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
        baselined += o.baselined;
        stale.extend(o.stale);
        for (e, _, failed) in outputs.iter_mut().filter(|o| o.2.is_none()) {
            if let Err(x) = e.report(&o.report) {
                *failed = Some(x);
            }
        }
    });
    let code_if_errors = report_file_problems(err, &mut fin);
    summary.file_errors = fin.errors.len();
    for (e, _, failed) in outputs.iter_mut().filter(|o| o.2.is_none()) {
        let res = fin
            .errors
            .iter()
            .try_for_each(|(p, m)| e.file_error(&p.display().to_string(), m))
            .and_then(|_| e.finish(&summary));
        if let Err(x) = res {
            *failed = Some(x);
        }
    }
    let write_error = outputs
        .into_iter()
        .find_map(|(_, target, failed)| failed.map(|e| (target, e)));
    if let Some((target, e)) = write_error {
        return usage(err, &format!("cannot write output to {target}: {e}"));
    }
    for (p, w) in plan.iter().zip(file_outs.iter_mut()) {
        if let Some(Err(e)) = w.as_mut().map(|w| w.flush()) {
            let target =
                p.1.as_ref()
                    .map_or(String::new(), |p| p.display().to_string());
            return usage(err, &format!("cannot write output to {target}: {e}"));
        }
    }

    if !args.quiet {
        if matches!(plan[0].0, Format::Full | Format::Short) {
            let _ = emit::write_summary(err, &summary);
        }
        if baselined > 0 {
            let _ = writeln!(
                err,
                "{baselined} findings are in the baseline and not reported"
            );
        }
        if !stale.is_empty() {
            let _ = writeln!(
                err,
                "warning: {} baseline entries match no finding any more (fixed, or their clause changed); run --write-baseline again to prune them:",
                stale.len()
            );
            for e in &stale {
                let message = match &redactor {
                    Some(r) => r.message(&e.rule, &e.message),
                    None => e.message.clone(),
                };
                let _ = writeln!(err, "  {}: {} ({})", esc(&e.path), e.rule, esc(&message));
            }
        }
        if summary.files_checked == 0 && fin.errors.is_empty() {
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

/// The rules `check` would apply to a draft in the current folder: the default packs and
/// `--rules`, with the packs of the config in force (the nearest clauselint.yaml above the
/// current folder, `--config FILE`, or none with `--isolated`). Problems are reported on
/// `err`, and the exit code returned.
pub fn rules_in_force(
    rule_args: &RuleArgs,
    config_args: &cli::ConfigArgs,
    err: &mut dyn Write,
) -> Result<std::sync::Arc<RuleSet>, u8> {
    let fail = |err: &mut dyn Write, m: &str| {
        let _ = writeln!(err, "error: {m}");
        EXIT_ERROR
    };
    let cwd = std::env::current_dir()
        .map_err(|e| fail(err, &format!("cannot read the current folder: {e}")))?;
    let mode = config::Mode::of(config_args).map_err(|m| fail(err, &m))?;
    let overrides = config::Overrides {
        rules: rule_args.rules.clone(),
        no_default_rules: rule_args.no_default_rules,
        ..Default::default()
    };
    let resolver =
        config::Resolver::new(cwd.clone(), mode, overrides).map_err(|m| fail(err, &m))?;
    // A draft in the current folder (it need not exist).
    match resolver.settings(&cwd.join("draft.md")) {
        Some(s) if resolver.errors().is_empty() => Ok(s.rules),
        _ => {
            let mut w = color_writer(err, false);
            let _ = report_yaml_errors(&resolver.errors(), &mut *w);
            Err(EXIT_ERROR)
        }
    }
}

fn run_rules(args: RulesArgs, io: Io) -> u8 {
    let rules = match rules_in_force(&args.rule_args, &args.config_args, io.err) {
        Ok(r) => r,
        Err(code) => return code,
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
    if selected.is_empty() {
        if let Some(c) = &args.category {
            let _ = writeln!(
                io.err,
                "error: {}",
                authoring::explain::unknown_category(&rules, c)
            );
            return EXIT_ERROR;
        }
    }
    let res = match args.format {
        RulesFormat::Markdown => io
            .out
            .write_all(authoring::docs::rules_markdown(&rules, &selected).as_bytes()),
        RulesFormat::Json => {
            let v: Vec<serde_json::Value> = selected
                .iter()
                .map(|r| {
                    serde_json::json!({
                        "id": r.id, "kind": r.kind.as_str(), "severity": r.severity.as_str(),
                        "lang": r.lang.names(), "pack": r.pack, "message": r.message,
                        "help": r.help, "description": r.description,
                        "pack_path": r.pack_path.display().to_string(),
                        "examples": {"bad": r.examples.bad, "good": r.examples.good},
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
