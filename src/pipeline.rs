//! The `check` run between the command line and the emitters: which drafts, with which
//! settings, checked in parallel, filtered by suppressions and the baseline, in sorted
//! order.
//!
//! Per draft: read → parse → (config `lang`) → suppressions → `check_filtered` with the
//! selected rules and the suppressed raw findings removed → severity overrides → findings
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

/// A path from the bytes of a file list: exact on Unix, UTF-8 (lossy) elsewhere.
fn path_from_bytes(b: &[u8]) -> PathBuf {
    #[cfg(unix)]
    {
        use std::os::unix::ffi::OsStrExt;
        PathBuf::from(std::ffi::OsStr::from_bytes(b))
    }
    #[cfg(not(unix))]
    {
        PathBuf::from(String::from_utf8_lossy(b).into_owned())
    }
}

/// The path a baseline in `dir` records for a draft.
pub fn baseline_path(input: &Input, named: bool, dir: &Path, cwd: &Path, path: &Path) -> String {
    match input {
        Input::Stdin if !named => "<stdin>".to_string(),
        _ => baseline::key_path(dir, &config::absolute(cwd, path)),
    }
}

/// One check of one draft's text with its settings; no I/O.
pub fn check_one(
    source: &Source,
    settings: &FileSettings,
) -> Result<(Vec<Diagnostic>, Vec<Key>), String> {
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
    diags.extend(
        sup.findings(&|id| settings.enabled(id), &known)
            .into_iter()
            .filter(|d| settings.enabled(&d.rule)),
    );
    for d in &mut diags {
        d.severity = settings.severity_of(&d.rule, d.severity);
        d.snap_to(&source.text);
    }
    diags.sort_by(|a, b| {
        (a.span.start, a.span.end, &a.rule).cmp(&(b.span.start, b.span.end, &b.rule))
    });
    let keys = baseline::keys(&doc, rules, &diags);
    Ok((diags, keys))
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
        // Paths are bytes (git prints them so with -z): no lossy conversion on Unix.
        let sep = if text.contains(&0) { 0 } else { b'\n' };
        paths.extend(
            text.split(|&b| b == sep)
                .map(|l| l.strip_suffix(b"\r").unwrap_or(l))
                .filter(|l| !l.iter().all(u8::is_ascii_whitespace))
                .map(path_from_bytes),
        );
    } else if paths.is_empty() {
        paths.push(PathBuf::from("."));
    }

    let r = resolver.clone();
    let opts = WalkOptions {
        no_ignore: args.no_ignore,
        exclude: Some(Arc::new(move |p: &Path, dir: bool| r.is_excluded(p, dir))),
    };
    let walk::Collected {
        mut inputs,
        mut errors,
        notes: walk_notes,
    } = walk::collect_all(&paths, &opts);
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

    // Stdin over the size limit is a per-file error like any other draft.
    let mut stdin_error = None;
    if inputs.contains(&Input::Stdin) {
        match crate::source::read_limited(&mut *stdin, args.max_file_size, 0) {
            Ok(buf) => stdin_text = Some(buf),
            Err(crate::source::ReadError::Io(e)) => {
                return Err(Fatal::Usage(format!("cannot read stdin: {e}")))
            }
            Err(e) => stdin_error = Some(e.to_string()),
        }
    }

    let forced = match args.encoding.as_deref() {
        None => None,
        Some(label) => Some(crate::source::encoding_by_label(label).ok_or_else(|| {
            Fatal::Usage(format!(
                "unknown encoding `{label}` (try utf-8, utf-16le, utf-16be, gb18030, big5)"
            ))
        })?),
    };

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
            // `--encoding` first, else the draft's config.
            let forced = forced.or(settings.encoding);
            let source = match input {
                Input::Stdin => {
                    if let Some(e) = &stdin_error {
                        return Err((path.clone(), e.clone(), false));
                    }
                    Source::from_bytes_as(
                        path.clone(),
                        stdin_text.clone().unwrap_or_default(),
                        forced,
                    )
                }
                Input::File(p) => crate::source::read_file(p, args.max_file_size)
                    .and_then(|bytes| Source::from_bytes_as(p, bytes, forced)),
            };
            let source = source.map_err(|e| {
                let note = matches!(e, crate::source::ReadError::Binary);
                (path.clone(), e.to_string(), note)
            })?;
            let (diags, keys) =
                check_one(&source, settings).map_err(|e| (path.clone(), e, false))?;
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
            })
        })
        .collect();

    let mut outcomes = Vec::with_capacity(results.len());
    let mut notes = walk_notes;
    for r in results {
        match r {
            Ok(o) => outcomes.push(o),
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
