//! The `check` run between the command line and the emitters: which drafts, with which
//! settings, checked in parallel, filtered by suppressions and the baseline, in sorted
//! order.
//!
//! Per draft: read → parse → (config `lang`) → suppressions → `check_filtered` with the
//! selected rules and the suppressed raw findings removed → the comparison with its template,
//! if it follows one (under its config's template keys) → severity overrides → findings
//! about suppressions → keys and fingerprints → baseline.

use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use rayon::prelude::*;

use crate::baseline::{self, Baseline, Entry, Key};
use crate::check::check_filtered;
use crate::cli::{CheckArgs, FailOn};
use crate::config::{self, FileSettings, Known, Mode, Overrides, Resolver};
use crate::diagnostic::Diagnostic;
use crate::document::Document;
use crate::emit::FileReport;
use crate::rules::{PackError, RuleSet};
use crate::source::Source;
use crate::suppress::Suppressions;
use crate::walk::{self, Input, WalkOptions};

/// One checked draft.
#[derive(Debug)]
pub struct Outcome {
    pub report: FileReport,
    /// Baseline keys of the reported findings (parallel to `report.diagnostics`).
    pub keys: Vec<Key>,
    pub fail_on: FailOn,
    /// The path as the `--baseline` file records it (empty without one).
    pub baseline_path: String,
    /// Stdin or a file.
    pub input: Input,
    /// Findings the baseline held back.
    pub baselined: usize,
    /// Baseline entries of this draft that matched nothing.
    pub stale: Vec<Entry>,
    /// The draft's template could not be used (a file error; its findings still count).
    pub template_error: Option<String>,
}

/// Everything a run produced, in sorted order.
#[derive(Debug, Default)]
pub struct Run {
    pub outcomes: Vec<Outcome>,
    /// Drafts that could not be read or checked: (path, message), sorted.
    pub errors: Vec<(PathBuf, String)>,
    /// Files skipped without changing the exit code (binary files): (path, message), sorted.
    pub notes: Vec<(PathBuf, String)>,
    /// Every rule set in use (for SARIF's rule list).
    pub rule_sets: Vec<Arc<RuleSet>>,
}

/// Why a run could not start: pointed YAML errors (config or packs), or a plain message.
#[derive(Debug)]
pub enum Fatal {
    Yaml(Vec<(&'static str, PackError)>),
    Usage(String),
}

/// The path a baseline in `dir` records for a draft.
pub fn baseline_path(input: &Input, named: bool, dir: &Path, cwd: &Path, path: &Path) -> String {
    match input {
        Input::Stdin if !named => "<stdin>".to_string(),
        _ => baseline::key_path(dir, &config::absolute(cwd, path)),
    }
}

/// One check of one draft's text with its settings; no I/O.
/// What [`check_one`] found in one draft: its findings, their baseline keys, and a template
/// error (a file error that leaves the findings standing).
pub type Checked = (Vec<Diagnostic>, Vec<Key>, Option<String>);

/// Check one draft: rules, its template if it has one, suppressions, severities.
pub fn check_one(
    source: &Source,
    settings: &FileSettings,
    templates: &crate::template::Store,
) -> Result<Checked, String> {
    let mut doc = Document::parse(source).map_err(|e| {
        let (l, c) = source.line_col(e.span.start);
        format!("{l}:{c}: {}", e.message)
    })?;
    if let Some(l) = settings.lang {
        if doc.front_matter.lang.is_none() {
            doc.set_lang(l);
        }
    }
    let rules = &*settings.rules;
    let known = Known::of(rules);
    let mut sup = Suppressions::parse(&doc, &known);
    let idx = source.line_index();
    let mut diags = check_filtered(&doc, rules, &|r| settings.enabled(&r.id), &mut |d| {
        !sup.suppresses(d, idx.line_of(d.span.start))
    });
    let mut template_error = None;
    match templates.check_with(&doc, rules, settings.template.as_deref()) {
        Ok(found) => diags.extend(found.into_iter().filter(|d| {
            settings.enabled(&d.rule) && !sup.suppresses(d, idx.line_of(d.span.start))
        })),
        Err(e) => template_error = Some(e),
    }
    diags.extend(
        sup.findings(&|id| settings.enabled(id), &known)
            .into_iter()
            .filter(|d| settings.enabled(&d.rule)),
    );
    for d in &mut diags {
        d.severity = settings.severity_of(&d.rule, d.severity);
    }
    diags.sort_by(|a, b| {
        (a.span.start, a.span.end, &a.rule).cmp(&(b.span.start, b.span.end, &b.rule))
    });
    let keys = baseline::keys(&doc, rules, &diags);
    Ok((diags, keys, template_error))
}

/// The drafts to check, the settings for each, and the run.
pub fn run(
    args: &CheckArgs,
    stdin: &mut dyn Read,
    baseline: Option<&Baseline>,
) -> Result<Run, Fatal> {
    let cwd = std::env::current_dir()
        .map_err(|e| Fatal::Usage(format!("cannot read the current folder: {e}")))?;
    let mode = if args.isolated {
        Mode::Isolated
    } else if let Some(c) = &args.config {
        if !c.is_file() {
            return Err(Fatal::Usage(format!(
                "--config {}: no such file",
                c.display()
            )));
        }
        Mode::Fixed(c.clone())
    } else {
        Mode::Discover
    };
    let overrides = Overrides {
        select: args.select.clone(),
        ignore: args.ignore.clone(),
        extend_select: args.extend_select.clone(),
        extend_ignore: args.extend_ignore.clone(),
        extend_exclude: args.extend_exclude.clone(),
        fail_on: args.fail_on,
        rules: args.rule_args.rules.clone(),
        no_default_rules: args.rule_args.no_default_rules,
    };
    let resolver = Arc::new(Resolver::new(cwd.clone(), mode, overrides).map_err(Fatal::Usage)?);

    // Which paths: the command line, `--files-from`, or `.`.
    let mut paths = args.paths.clone();
    let mut stdin_text: Option<Vec<u8>> = None;
    if let Some(list) = &args.files_from {
        let text = if list.as_os_str() == "-" {
            if paths.iter().any(|p| p.as_os_str() == "-") {
                return Err(Fatal::Usage(
                    "`--files-from -` reads the list from stdin, so `-` cannot also be a draft"
                        .into(),
                ));
            }
            let mut buf = Vec::new();
            stdin
                .read_to_end(&mut buf)
                .map_err(|e| Fatal::Usage(format!("cannot read stdin: {e}")))?;
            buf
        } else {
            std::fs::read(list)
                .map_err(|e| Fatal::Usage(format!("--files-from {}: {e}", list.display())))?
        };
        let text = String::from_utf8_lossy(&text);
        let sep = if text.contains('\0') { '\0' } else { '\n' };
        paths.extend(
            text.split(sep)
                .map(|l| l.trim_end_matches('\r'))
                .filter(|l| !l.trim().is_empty())
                .map(PathBuf::from),
        );
    } else if paths.is_empty() {
        paths.push(PathBuf::from("."));
    }

    let r = resolver.clone();
    let opts = WalkOptions {
        no_ignore: args.no_ignore,
        exclude: Some(Arc::new(move |p: &Path, dir: bool| r.is_excluded(p, dir))),
    };
    let (mut inputs, mut errors) = walk::collect_with(&paths, &opts);
    let stdin_name = args.stdin_filename.clone();
    if inputs.contains(&Input::Stdin) {
        if let Some(n) = &stdin_name {
            if resolver.is_excluded(n, false) {
                inputs.retain(|i| *i != Input::Stdin);
            }
        }
    }

    // Settings for every draft, before anything is checked: a broken config stops the run.
    let settings: Vec<Option<FileSettings>> = inputs
        .iter()
        .map(|i| resolver.settings(&i.path(stdin_name.as_deref())))
        .collect();
    if resolver.base_rules().is_none() || !resolver.errors().is_empty() {
        return Err(Fatal::Yaml(resolver.errors()));
    }
    resolver.check_cli_selectors().map_err(Fatal::Usage)?;

    if inputs.contains(&Input::Stdin) {
        let mut buf = Vec::new();
        stdin
            .read_to_end(&mut buf)
            .map_err(|e| Fatal::Usage(format!("cannot read stdin: {e}")))?;
        stdin_text = Some(buf);
    }

    let forced = match args.encoding.as_deref() {
        None => None,
        Some(label) => Some(crate::source::encoding_by_label(label).ok_or_else(|| {
            Fatal::Usage(format!(
                "unknown encoding `{label}` (try utf-8, utf-16le, utf-16be, gb18030, big5)"
            ))
        })?),
    };

    if let Some(t) = &args.template {
        let rules = resolver.base_rules().expect("checked above");
        if !crate::template::rules_loaded(&rules) {
            return Err(Fatal::Usage(format!(
                "--template {}: no template rules are loaded (--no-default-rules leaves out rules/template.yaml; add a pack with `kind: template` rules)",
                t.display()
            )));
        }
        if !t.is_file() {
            return Err(Fatal::Usage(format!(
                "--template {}: no such file",
                t.display()
            )));
        }
    }
    // Templates are prepared once per run and shared; the config keys (`templates:`,
    // `template-paths`, exceptions) are each draft's own, in its settings.
    let templates = crate::template::Store::new(args.template.clone(), None);

    let work: Vec<(Input, FileSettings)> = inputs
        .into_iter()
        .zip(settings)
        .map(|(i, s)| (i, s.expect("settings resolved without errors")))
        .collect();
    // Err((path, message, is_note)): a note (binary file) does not change the exit code.
    let results: Vec<Result<Outcome, (PathBuf, String, bool)>> = work
        .par_iter()
        .map(|(input, settings)| {
            let path = input.path(stdin_name.as_deref());
            let source = match input {
                Input::Stdin => Source::from_bytes_as(
                    path.clone(),
                    stdin_text.clone().unwrap_or_default(),
                    forced,
                ),
                Input::File(p) => std::fs::read(p)
                    .map_err(crate::source::ReadError::Io)
                    .and_then(|bytes| Source::from_bytes_as(p, bytes, forced)),
            };
            let source = source.map_err(|e| {
                let note = matches!(e, crate::source::ReadError::Binary);
                (path.clone(), e.to_string(), note)
            })?;
            let (diags, keys, template_error) =
                check_one(&source, settings, &templates).map_err(|e| (path.clone(), e, false))?;
            let baseline_path = match baseline {
                Some(b) => baseline_path(input, stdin_name.is_some(), &b.dir, &cwd, &path),
                None => String::new(),
            };
            let (hit, stale) = match baseline {
                Some(b) => b.filter(&baseline_path, &keys),
                None => (vec![false; diags.len()], Vec::new()),
            };
            let fingerprints = baseline::fingerprints(&crate::emit::slash_path(&source), &keys);
            let mut kept = Vec::new();
            let mut kept_keys = Vec::new();
            let mut kept_fps = Vec::new();
            let mut baselined = 0;
            for (((d, k), fp), h) in diags.into_iter().zip(keys).zip(fingerprints).zip(hit) {
                if h {
                    baselined += 1;
                } else {
                    kept.push(d);
                    kept_keys.push(k);
                    kept_fps.push(fp);
                }
            }
            Ok(Outcome {
                report: FileReport {
                    source,
                    diagnostics: kept,
                    fingerprints: kept_fps,
                },
                keys: kept_keys,
                fail_on: settings.fail_on,
                baseline_path,
                input: input.clone(),
                baselined,
                stale,
                template_error,
            })
        })
        .collect();

    let mut outcomes = Vec::with_capacity(results.len());
    let mut notes = Vec::new();
    for r in results {
        match r {
            Ok(o) => {
                if let Some(e) = &o.template_error {
                    errors.push((o.report.source.path.clone(), e.clone()));
                }
                outcomes.push(o)
            }
            Err((p, m, true)) => notes.push((p, m)),
            Err((p, m, false)) => errors.push((p, m)),
        }
    }
    errors.sort();
    notes.sort();
    Ok(Run {
        outcomes,
        errors,
        notes,
        rule_sets: resolver.rule_sets(),
    })
}
