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

use crate::baseline::{self, Baseline, Entry, Key};
use crate::check::check_filtered;
use crate::cli::{CheckArgs, FailOn};
use crate::config::{self, FileSettings, Known, Mode, Overrides, Resolver};
use crate::diagnostic::Diagnostic;
use crate::document::{Chunking, Document};
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
/// What [`check_one`] found in one draft: its findings, their baseline keys, and a template
/// error (a file error that leaves the findings standing).
pub type Checked = (Vec<Diagnostic>, Vec<Key>, Option<String>);

/// Check one draft: rules, its template if it has one, suppressions, severities.
pub fn check_one(
    source: &Source,
    settings: &FileSettings,
    templates: &crate::template::Store,
) -> Result<Checked, String> {
    check_one_with(source, settings, templates, &Chunking::default())
}

/// [`check_one`], with a large draft parsed in parts of `chunking`'s size, in parallel.
pub fn check_one_with(
    source: &Source,
    settings: &FileSettings,
    templates: &crate::template::Store,
    chunking: &Chunking,
) -> Result<Checked, String> {
    let mut doc = Document::parse_chunked(source, chunking).map_err(|e| {
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
        d.snap_to(&source.text);
    }
    diags.sort_by(|a, b| {
        (a.span.start, a.span.end, &a.rule).cmp(&(b.span.start, b.span.end, &b.rule))
    });
    let keys = baseline::keys(&doc, rules, &diags);
    Ok((diags, keys, template_error))
}

/// The drafts to check, the settings for each, and the run, collected in memory. The
/// `check` command streams instead ([`prepare`], then [`Prepared::check`]).
pub fn run(
    args: &CheckArgs,
    stdin: &mut dyn Read,
    baseline: Option<&Baseline>,
) -> Result<Run, Fatal> {
    let prepared = prepare(args, stdin)?;
    let rule_sets = prepared.rule_sets();
    let mut outcomes = Vec::new();
    let Finished { errors, notes } = prepared.check(baseline, &mut |o| outcomes.push(o));
    Ok(Run {
        outcomes,
        errors,
        notes,
        rule_sets,
    })
}

/// A check run ready to start: the drafts (sorted, sharded), each with its settings, and the
/// errors met while finding them.
pub struct Prepared {
    work: Vec<(Input, Arc<FileSettings>)>,
    errors: Vec<(PathBuf, String)>,
    resolver: Arc<Resolver>,
    cwd: PathBuf,
    stdin_name: Option<PathBuf>,
    stdin_text: Option<Vec<u8>>,
    /// Why stdin could not be read (over `--max-file-size`): a per-file error of `-`.
    stdin_error: Option<String>,
    forced: Option<&'static encoding_rs::Encoding>,
    max_file_size: u64,
    /// Files the walk skipped with a note (symlink loops).
    notes: Vec<(PathBuf, String)>,
    templates: crate::template::Store,
    threads: Option<usize>,
    chunking: Chunking,
}

/// What is left when every draft has been handed out: the drafts that could not be read or
/// checked and the files skipped with a note, both sorted by path.
#[derive(Debug, Default)]
pub struct Finished {
    pub errors: Vec<(PathBuf, String)>,
    pub notes: Vec<(PathBuf, String)>,
}

/// Does `path` belong to shard `shard`? A stable hash of the path as given (relative to the
/// current folder, `/` separators, no `./`), so that every CI job of a matrix splits the
/// same list the same way.
pub fn in_shard(shard: Option<crate::cli::Shard>, cwd: &Path, path: &Path) -> bool {
    let Some(shard) = shard else { return true };
    let abs = config::absolute(cwd, path);
    let rel = abs.strip_prefix(cwd).unwrap_or(&abs);
    let key = rel.to_string_lossy().replace('\\', "/");
    let h = crate::emit::stable_hash(&[&key]);
    let n = u64::from_str_radix(&h[h.len() - 16..], 16).unwrap_or(0);
    n % shard.count == shard.index - 1
}

fn same_settings(a: &FileSettings, b: &FileSettings) -> bool {
    Arc::ptr_eq(&a.rules, &b.rules)
        && a.select == b.select
        && a.ignore == b.ignore
        && a.severity == b.severity
        && a.fail_on == b.fail_on
        && a.lang == b.lang
        && a.config == b.config
        && a.encoding == b.encoding
}

/// Find the drafts and their settings. A broken config or pack stops here, before anything is
/// checked.
pub fn prepare(args: &CheckArgs, stdin: &mut dyn Read) -> Result<Prepared, Fatal> {
    let cwd = std::env::current_dir()
        .map_err(|e| Fatal::Usage(format!("cannot read the current folder: {e}")))?;
    let mode = Mode::of(&args.config_args).map_err(Fatal::Usage)?;
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
        notes: mut walk_notes,
    } = walk::collect_all(&paths, &opts);
    if args.shard.is_some() {
        if inputs.contains(&Input::Stdin) {
            return Err(Fatal::Usage(
                "--shard splits files by path; a draft read from stdin (`-`) cannot be sharded"
                    .into(),
            ));
        }
        inputs.retain(|i| in_shard(args.shard, &cwd, &i.path(None)));
        errors.retain(|(p, _)| in_shard(args.shard, &cwd, p));
        walk_notes.retain(|(p, _)| in_shard(args.shard, &cwd, p));
    }
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

    // Drafts in one folder nearly always share their settings: keep one copy of each run of
    // equal settings, so that the list of drafts stays small however many there are.
    let mut last: Option<Arc<FileSettings>> = None;
    let work: Vec<(Input, Arc<FileSettings>)> = inputs
        .into_iter()
        .zip(settings)
        .map(|(i, s)| {
            let s = s.expect("settings resolved without errors");
            let shared = match &last {
                Some(l) if same_settings(l, &s) => l.clone(),
                _ => Arc::new(s),
            };
            last = Some(shared.clone());
            (i, shared)
        })
        .collect();
    Ok(Prepared {
        work,
        errors,
        resolver,
        cwd,
        stdin_name,
        stdin_text,
        stdin_error,
        forced,
        max_file_size: args.max_file_size,
        notes: walk_notes,
        templates,
        threads: args.threads.filter(|&n| n > 0),
        chunking: Chunking::new(args.chunk_size),
    })
}

impl Prepared {
    /// Every rule set in use (for SARIF's rule list).
    pub fn rule_sets(&self) -> Vec<Arc<RuleSet>> {
        self.resolver.rule_sets()
    }

    /// Does `p` name one of this run's drafts (one to check, or one that could not be read)?
    /// An output about to be written there is refused. A path that does not exist yet is
    /// no draft.
    pub fn names_draft(&self, p: &Path) -> bool {
        let Ok(target) = std::fs::canonicalize(p) else {
            return false;
        };
        self.work
            .iter()
            .filter_map(|(i, _)| match i {
                Input::File(p) => Some(p.as_path()),
                Input::Stdin => None,
            })
            .chain(self.errors.iter().map(|(p, _)| p.as_path()))
            .chain(self.notes.iter().map(|(p, _)| p.as_path()))
            .any(|d| std::fs::canonicalize(d).is_ok_and(|d| d == target))
    }

    /// How many drafts will be checked.
    pub fn len(&self) -> usize {
        self.work.len()
    }

    pub fn is_empty(&self) -> bool {
        self.work.is_empty()
    }

    /// Check every draft, in parallel, and hand each outcome to `each` in path order as soon
    /// as it and every draft before it are done. At most a few drafts per thread are in
    /// flight, so memory does not grow with the number of files.
    pub fn check(self, baseline: Option<&Baseline>, each: &mut dyn FnMut(Outcome)) -> Finished {
        let Prepared {
            work,
            mut errors,
            resolver: _,
            cwd,
            stdin_name,
            stdin_text,
            stdin_error,
            forced,
            max_file_size,
            mut notes,
            templates,
            threads,
            chunking,
        } = self;
        let pool = crate::stream::pool(threads);
        let window = 4 * pool.current_num_threads();
        // Err((path, message, is_note)): a note (binary file) does not change the exit code.
        crate::stream::in_order(
            &pool,
            &work,
            window,
            |(input, settings)| {
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
                    Input::File(p) => crate::source::read_file(p, max_file_size)
                        .and_then(|bytes| Source::from_bytes_as(p, bytes, forced)),
                };
                let source = source.map_err(|e| {
                    let note = matches!(e, crate::source::ReadError::Binary);
                    (path.clone(), e.to_string(), note)
                })?;
                let (diags, keys, template_error) =
                    check_one_with(&source, settings, &templates, &chunking)
                        .map_err(|e| (path.clone(), e, false))?;
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
            },
            |r: Result<Outcome, (PathBuf, String, bool)>| match r {
                Ok(o) => {
                    if let Some(e) = &o.template_error {
                        errors.push((o.report.source.path.clone(), e.clone()));
                    }
                    each(o)
                }
                Err((p, m, true)) => notes.push((p, m)),
                Err((p, m, false)) => errors.push((p, m)),
            },
        );
        errors.sort();
        notes.sort();
        Finished { errors, notes }
    }
}
