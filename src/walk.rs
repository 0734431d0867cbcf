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

/// What a walk found: the drafts, the paths that could not be walked or read (errors: exit
/// code 2), and the paths skipped with a note that does not change the exit code (symbolic
/// link loops, broken links met in a walk).
#[derive(Debug, Default)]
pub struct Collected {
    pub inputs: Vec<Input>,
    pub errors: Vec<(PathBuf, String)>,
    pub notes: Vec<(PathBuf, String)>,
}

/// Where a symbolic link leads when it does not lead to a file or folder: a loop (the
/// links of the cycle, in order) or a dangling target.
#[derive(Debug, PartialEq, Eq)]
pub enum BadLink {
    Loop(Vec<PathBuf>),
    Dangling(PathBuf),
}

/// Follow the chain of symbolic links from `p` (lexically, without touching the targets'
/// contents) and say why it does not resolve. `None` when `p` is not a link or resolves.
pub fn bad_link(p: &Path) -> Option<BadLink> {
    let is_link = |q: &Path| std::fs::symlink_metadata(q).is_ok_and(|m| m.file_type().is_symlink());
    if !is_link(p) || std::fs::metadata(p).is_ok() {
        return None;
    }
    let cwd = std::env::current_dir().unwrap_or_default();
    let mut chain: Vec<PathBuf> = Vec::new();
    let mut cur = crate::config::absolute(&cwd, p);
    // The kernel gives up after 40 links; so do we, and call it a loop.
    for _ in 0..40 {
        if let Some(i) = chain.iter().position(|c| *c == cur) {
            let mut cycle = chain.split_off(i);
            cycle.push(cur);
            return Some(BadLink::Loop(cycle));
        }
        let target = match std::fs::read_link(&cur) {
            Ok(t) => t,
            Err(_) if !is_link(&cur) => {
                return Some(BadLink::Dangling(cur));
            }
            Err(_) => return None,
        };
        let parent = cur.parent().map(Path::to_path_buf).unwrap_or_default();
        chain.push(cur);
        cur = crate::config::normalize(&parent.join(target));
        if !is_link(&cur) {
            return match std::fs::metadata(&cur) {
                Ok(_) => None,
                // A missing target, or a folder on the way that is itself a bad link.
                Err(_) => Some(BadLink::Dangling(cur)),
            };
        }
    }
    Some(BadLink::Loop(chain))
}

/// Loops already reported, by their sorted members: a loop reached from several paths is
/// reported once.
#[derive(Default)]
struct Reported(std::collections::BTreeSet<Vec<PathBuf>>);

impl Reported {
    /// The note for a bad link, or `None` when its loop was already reported.
    fn note(&mut self, bad: BadLink) -> Option<String> {
        let cwd = std::env::current_dir().unwrap_or_default();
        let shown = |q: &Path| {
            q.strip_prefix(&cwd)
                .map(Path::to_path_buf)
                .unwrap_or_else(|_| q.to_path_buf())
                .display()
                .to_string()
        };
        match bad {
            BadLink::Loop(cycle) => {
                let mut key = cycle.clone();
                key.sort();
                key.dedup();
                if !self.0.insert(key) {
                    return None;
                }
                let names: Vec<String> = cycle.iter().map(|c| shown(c)).collect();
                Some(format!(
                    "symbolic link loop ({}), skipped",
                    names.join(" → ")
                ))
            }
            BadLink::Dangling(t) => {
                Some(format!("broken symbolic link (to {}), skipped", shown(&t)))
            }
        }
    }
}

/// Expand paths: files are taken as named, directories are walked for *.md and *.markdown
/// with the `ignore` crate, as ripgrep walks: hidden entries are skipped, and .gitignore,
/// .ignore and .git/info/exclude are respected (also outside a git repository), symlinked
/// directories are not followed. The result is sorted and free of duplicates; errors are
/// returned alongside, so one bad path does not stop the run.
pub fn collect_with(paths: &[PathBuf], opts: &WalkOptions) -> (Vec<Input>, Vec<(PathBuf, String)>) {
    let c = collect_all(paths, opts);
    (c.inputs, c.errors)
}

/// [`collect_with`] with the notes: a symbolic link loop (named or met in a walk) is
/// reported once as a note, whichever paths lead into it, and a broken link met in a walk is
/// a note; neither changes the exit code. A broken link named on the command line is an
/// error, as any missing path is.
pub fn collect_all(paths: &[PathBuf], opts: &WalkOptions) -> Collected {
    let mut files = Vec::new();
    let mut errors = Vec::new();
    let mut notes = Vec::new();
    let mut reported = Reported::default();
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
                    walk_dir(p, opts, &mut files, &mut errors, &mut notes, &mut reported);
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
            Err(e) => match bad_link(p) {
                Some(bad @ BadLink::Loop(_)) => {
                    if let Some(n) = reported.note(bad) {
                        notes.push((p.clone(), n));
                    }
                }
                _ => errors.push((p.clone(), e.to_string())),
            },
        }
    }
    files.sort();
    files.dedup();
    let mut inputs: Vec<Input> = files.into_iter().map(Input::File).collect();
    if stdin {
        inputs.push(Input::Stdin);
    }
    Collected {
        inputs,
        errors,
        notes,
    }
}

fn walk_dir(
    dir: &Path,
    opts: &WalkOptions,
    files: &mut Vec<PathBuf>,
    errors: &mut Vec<(PathBuf, String)>,
    notes: &mut Vec<(PathBuf, String)>,
    reported: &mut Reported,
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
                // Report the entry that failed (an unreadable folder), not the walk's root,
                // and the system's message without the path repeated.
                let (path, e) = error_path(dir, e);
                let message = match e.io_error().and_then(os_error) {
                    Some(code) => std::io::Error::from_raw_os_error(code).to_string(),
                    None => e.to_string(),
                };
                errors.push((path, message));
                continue;
            }
        };
        let Some(ft) = entry.file_type() else {
            continue;
        };
        if ft.is_dir() || !is_markdown(entry.path()) {
            continue;
        }
        // A symlink to a regular file is taken; one to a directory is not followed; one
        // that leads nowhere (a loop, a missing target) gets a note.
        if ft.is_file() || std::fs::metadata(entry.path()).is_ok_and(|m| m.is_file()) {
            files.push(entry.into_path());
        } else if ft.is_symlink() {
            if let Some(bad) = bad_link(entry.path()) {
                if let Some(n) = reported.note(bad) {
                    notes.push((entry.into_path(), n));
                }
            }
        }
    }
}

/// The system error code of an I/O error, also when it is wrapped (walkdir wraps it with
/// the path in its message).
fn os_error(e: &std::io::Error) -> Option<i32> {
    e.raw_os_error().or_else(|| {
        let inner = e.get_ref()?.source()?;
        inner.downcast_ref::<std::io::Error>()?.raw_os_error()
    })
}

/// The path an error of the walk is about, and the error without it.
fn error_path(root: &Path, e: ignore::Error) -> (PathBuf, ignore::Error) {
    match e {
        ignore::Error::WithPath { path, err } => (path, error_path(root, *err).1),
        ignore::Error::WithDepth { err, .. } => error_path(root, *err),
        ignore::Error::WithLineNumber { err, line } => {
            let (p, inner) = error_path(root, *err);
            (
                p,
                ignore::Error::WithLineNumber {
                    line,
                    err: Box::new(inner),
                },
            )
        }
        other => (root.to_path_buf(), other),
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_walk_error_is_reported_at_the_entry_that_failed() {
        let io = std::io::Error::from(std::io::ErrorKind::PermissionDenied);
        let e = ignore::Error::WithDepth {
            depth: 2,
            err: Box::new(ignore::Error::WithPath {
                path: PathBuf::from("contracts/secret"),
                err: Box::new(ignore::Error::Io(io)),
            }),
        };
        let (p, e) = error_path(Path::new("contracts"), e);
        assert_eq!(p, PathBuf::from("contracts/secret"));
        assert!(e.io_error().is_some());
        assert!(!e.to_string().contains("contracts/secret"), "{e}");
    }

    #[cfg(unix)]
    #[test]
    fn bad_links_are_told_apart() {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        std::os::unix::fs::symlink("b.md", d.join("a.md")).unwrap();
        std::os::unix::fs::symlink("a.md", d.join("b.md")).unwrap();
        std::os::unix::fs::symlink("a.md", d.join("into.md")).unwrap();
        std::os::unix::fs::symlink("gone.md", d.join("dangling.md")).unwrap();
        std::fs::write(d.join("real.md"), "x").unwrap();
        std::os::unix::fs::symlink("real.md", d.join("good.md")).unwrap();
        let abs = |n: &str| crate::config::normalize(&d.join(n));
        assert_eq!(
            bad_link(&d.join("a.md")),
            Some(BadLink::Loop(vec![abs("a.md"), abs("b.md"), abs("a.md")]))
        );
        assert_eq!(
            bad_link(&d.join("into.md")),
            Some(BadLink::Loop(vec![abs("a.md"), abs("b.md"), abs("a.md")]))
        );
        assert_eq!(
            bad_link(&d.join("dangling.md")),
            Some(BadLink::Dangling(abs("gone.md")))
        );
        assert_eq!(bad_link(&d.join("good.md")), None);
        assert_eq!(bad_link(&d.join("real.md")), None);
        let mut r = Reported::default();
        assert!(r.note(bad_link(&d.join("a.md")).unwrap()).is_some());
        assert!(r.note(bad_link(&d.join("b.md")).unwrap()).is_none());
        assert!(r.note(bad_link(&d.join("into.md")).unwrap()).is_none());
    }
}
