//! Turning command-line paths into the list of drafts to check, in sorted order.

use std::path::{Path, PathBuf};

/// One thing to check.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum Input {
    File(PathBuf),
    Stdin,
}

impl Input {
    pub fn path(&self, stdin_name: Option<&Path>) -> PathBuf {
        match self {
            Input::File(p) => p.clone(),
            Input::Stdin => stdin_name.map_or_else(|| PathBuf::from("<stdin>"), Path::to_path_buf),
        }
    }
}

fn is_markdown(p: &Path) -> bool {
    matches!(
        p.extension()
            .and_then(|e| e.to_str())
            .map(str::to_ascii_lowercase)
            .as_deref(),
        Some("md" | "markdown")
    )
}

/// Binary office formats that a user may name but that we cannot read yet.
pub fn unsupported_format(p: &Path) -> Option<&'static str> {
    match p
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase)
        .as_deref()
    {
        Some("docx") => Some("Word .docx"),
        Some("doc") => Some("Word .doc"),
        Some("wps") => Some("WPS .wps"),
        Some("pdf") => Some("PDF"),
        Some("odt") => Some("OpenDocument .odt"),
        Some("rtf") => Some("RTF"),
        Some("pages") => Some("Pages"),
        _ => None,
    }
}

/// How directories are walked.
#[derive(Clone, Default)]
pub struct WalkOptions {
    /// Do not read .gitignore, .ignore and git exclude files.
    pub no_ignore: bool,
    /// Called for every entry (file or directory) before it is taken or entered, and for
    /// every path named on the command line: `false` excludes it. Arguments: the path and
    /// whether it is a directory.
    pub exclude: Option<ExcludeFn>,
}

/// A thread-safe exclusion predicate (the config's `exclude` and `--extend-exclude`).
pub type ExcludeFn = std::sync::Arc<dyn Fn(&Path, bool) -> bool + Send + Sync>;

/// Expand paths with the default options (hidden entries skipped, ignore files respected).
pub fn collect(paths: &[PathBuf]) -> (Vec<Input>, Vec<(PathBuf, String)>) {
    collect_with(paths, &WalkOptions::default())
}

/// Expand paths: files are taken as named, directories are walked for *.md and *.markdown
/// with the `ignore` crate, as ripgrep walks: hidden entries are skipped, and .gitignore,
/// .ignore and .git/info/exclude are respected (also outside a git repository), symlinked
/// directories are not followed. The result is sorted and free of duplicates; errors are
/// returned alongside, so one bad path does not stop the run.
pub fn collect_with(paths: &[PathBuf], opts: &WalkOptions) -> (Vec<Input>, Vec<(PathBuf, String)>) {
    let mut files = Vec::new();
    let mut errors = Vec::new();
    let mut stdin = false;
    let excluded = |p: &Path, dir: bool| opts.exclude.as_ref().is_some_and(|f| f(p, dir));
    for p in paths {
        if p.as_os_str() == "-" {
            stdin = true;
            continue;
        }
        match std::fs::metadata(p) {
            Ok(m) if m.is_dir() => {
                if !excluded(p, true) {
                    walk_dir(p, opts, &mut files, &mut errors);
                }
            }
            Ok(_) => {
                if excluded(p, false) {
                    continue;
                }
                if let Some(kind) = unsupported_format(p) {
                    errors.push((
                        p.clone(),
                        format!("{kind} files are not supported yet; export the draft to Markdown first"),
                    ));
                } else {
                    files.push(p.clone());
                }
            }
            Err(e) => errors.push((p.clone(), e.to_string())),
        }
    }
    files.sort();
    files.dedup();
    let mut inputs: Vec<Input> = files.into_iter().map(Input::File).collect();
    if stdin {
        inputs.push(Input::Stdin);
    }
    (inputs, errors)
}

fn walk_dir(
    dir: &Path,
    opts: &WalkOptions,
    files: &mut Vec<PathBuf>,
    errors: &mut Vec<(PathBuf, String)>,
) {
    let respect = !opts.no_ignore;
    let mut b = ignore::WalkBuilder::new(dir);
    b.hidden(true)
        .ignore(respect)
        .git_ignore(respect)
        .git_exclude(respect)
        .git_global(respect)
        .parents(respect)
        .require_git(false)
        .follow_links(false)
        .sort_by_file_name(|a, b| a.cmp(b));
    if let Some(f) = opts.exclude.clone() {
        b.filter_entry(move |e| {
            // The root was checked by the caller.
            e.depth() == 0 || !f(e.path(), e.file_type().is_some_and(|t| t.is_dir()))
        });
    }
    for entry in b.build() {
        let entry = match entry {
            Ok(e) => e,
            Err(e) => {
                errors.push((dir.to_path_buf(), e.to_string()));
                continue;
            }
        };
        let Some(ft) = entry.file_type() else {
            continue;
        };
        if ft.is_dir() || !is_markdown(entry.path()) {
            continue;
        }
        // A symlink to a regular file is taken; one to a directory is not followed.
        if ft.is_file() || std::fs::metadata(entry.path()).is_ok_and(|m| m.is_file()) {
            files.push(entry.into_path());
        }
    }
}

/// The YAML files of a pack argument: the file itself, or a directory's *.yaml and *.yml.
pub fn pack_files(p: &Path) -> std::io::Result<Vec<PathBuf>> {
    if std::fs::metadata(p)?.is_dir() {
        let mut v: Vec<PathBuf> = std::fs::read_dir(p)?
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|f| matches!(f.extension().and_then(|e| e.to_str()), Some("yaml" | "yml")))
            .collect();
        v.sort();
        Ok(v)
    } else {
        Ok(vec![p.to_path_buf()])
    }
}
