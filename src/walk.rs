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

/// Expand paths: files are taken as named, directories are walked for *.md and *.markdown
/// (hidden entries skipped, symlinked directories not followed). The result is sorted and
/// free of duplicates; errors are returned alongside, so one bad path does not stop the run.
pub fn collect(paths: &[PathBuf]) -> (Vec<Input>, Vec<(PathBuf, String)>) {
    let mut files = Vec::new();
    let mut errors = Vec::new();
    let mut stdin = false;
    for p in paths {
        if p.as_os_str() == "-" {
            stdin = true;
            continue;
        }
        match std::fs::metadata(p) {
            Ok(m) if m.is_dir() => walk_dir(p, &mut files, &mut errors),
            Ok(_) => {
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

fn walk_dir(dir: &Path, files: &mut Vec<PathBuf>, errors: &mut Vec<(PathBuf, String)>) {
    let entries = match std::fs::read_dir(dir) {
        Ok(e) => e,
        Err(e) => {
            errors.push((dir.to_path_buf(), e.to_string()));
            return;
        }
    };
    let mut children: Vec<PathBuf> = entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
    children.sort();
    for c in children {
        let hidden = c
            .file_name()
            .and_then(|n| n.to_str())
            .is_some_and(|n| n.starts_with('.'));
        if hidden {
            continue;
        }
        let Ok(meta) = std::fs::symlink_metadata(&c) else {
            continue;
        };
        if meta.is_dir() {
            walk_dir(&c, files, errors);
        } else if is_markdown(&c)
            && (meta.is_file() || std::fs::metadata(&c).is_ok_and(|m| m.is_file()))
        {
            files.push(c);
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
