//! Which template a draft follows.
//!
//! In order: `--template FILE` on the command line (for every draft checked); the draft's
//! front matter `template:` (an id of the config's `templates:` map, or a path relative to
//! the draft's folder, else to the current folder); the first of the config's per-path
//! globs that matches the draft.
//! A draft with none is checked by the rules only.
//!
//! The config file itself is read elsewhere; it hands a [`TemplateConfig`] here. Wiring
//! it takes four steps:
//!
//! 1. accept the keys `templates`, `template-paths`, `template-free` and
//!    `template-alternatives` (shapes in [`TemplateConfig`]'s doc), rejecting unknown keys
//!    inside them like every other key, with the YAML position;
//! 2. check at load time that every `templates:` path is a file and that every
//!    `template-paths` value is a known id or an existing path (errors at the YAML line,
//!    exit 2), since a draft would otherwise fail one by one;
//! 3. build a `TemplateConfig` whose `base_dir` is the config file's folder (paths and
//!    globs in it are relative to that folder);
//! 4. pass it to `template::Store::new(cli_template, Some(config))` in `run_check`, where
//!    `None` is passed today.
//!
//! `glob_match` is a minimal matcher (`*`, `**`, `?`); if the config uses globset for its
//! other globs, compile `template-paths` with it too and swap the one call in [`resolve`].

use std::collections::BTreeMap;
use std::path::{Component, Path, PathBuf};

/// The template part of a configuration file (`clauselint.yaml`):
///
/// ```yaml
/// templates:                    # id -> path, relative to the config file's folder
///   after-sales: templates/after-sales-termination.zh-Hans.md
/// template-paths:               # drafts under a glob follow a template (id or path)
///   - {glob: "contracts/after-sales/**", template: after-sales}
/// template-free: [附件]          # clauses every draft may edit freely
/// template-alternatives: {}     # selector -> allowed wordings
/// ```
#[derive(Debug, Clone, Default)]
pub struct TemplateConfig {
    /// The folder paths in the config are relative to (the config file's folder).
    pub base_dir: PathBuf,
    pub templates: BTreeMap<String, PathBuf>,
    /// (glob, template id or path), first match wins. Globs are matched against the draft
    /// path relative to `base_dir`: `*` within a segment, `**` across segments, `?` one char.
    pub paths: Vec<(String, String)>,
    pub free: Vec<String>,
    pub alternatives: BTreeMap<String, Vec<String>>,
}

/// Where a draft's template link came from (for messages).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LinkedBy {
    CommandLine,
    FrontMatter,
    ConfigGlob,
}

/// The template path for a draft, or `None` when it has none.
pub fn resolve(
    draft: &Path,
    cli: Option<&Path>,
    front_matter: Option<&str>,
    config: Option<&TemplateConfig>,
) -> Result<Option<(PathBuf, LinkedBy)>, String> {
    if let Some(p) = cli {
        return Ok(Some((p.to_path_buf(), LinkedBy::CommandLine)));
    }
    if let Some(v) = front_matter {
        return by_id_or_path(v, draft_dir(draft), config)
            .map(|p| Some((p, LinkedBy::FrontMatter)));
    }
    if let Some(c) = config {
        let rel = relative_to(draft, &c.base_dir);
        let rel = rel.to_string_lossy().replace('\\', "/");
        for (glob, t) in &c.paths {
            if glob_match(glob, &rel) {
                return by_id_or_path(t, &c.base_dir, config)
                    .map(|p| Some((p, LinkedBy::ConfigGlob)));
            }
        }
    }
    Ok(None)
}

fn draft_dir(draft: &Path) -> &Path {
    draft.parent().unwrap_or(Path::new(""))
}

fn by_id_or_path(v: &str, base: &Path, config: Option<&TemplateConfig>) -> Result<PathBuf, String> {
    if let Some(p) = config.and_then(|c| c.templates.get(v).map(|p| c.base_dir.join(p))) {
        return Ok(clean(&p));
    }
    let p = clean(&base.join(v));
    if p.is_file() {
        return Ok(p);
    }
    // A path written from the folder clauselint runs in (a repository's root) is accepted
    // too when it does not exist beside the draft.
    let from_cwd = clean(Path::new(v));
    if from_cwd.is_file() {
        return Ok(from_cwd);
    }
    let known: Vec<&str> = config
        .map(|c| c.templates.keys().map(String::as_str).collect())
        .unwrap_or_default();
    Err(if known.is_empty() {
        format!(
            "template `{v}` not found: no file {} (a front matter path is relative to the draft's folder) nor {}",
            p.display(),
            from_cwd.display()
        )
    } else {
        format!(
            "template `{v}` not found: no file {} and no id `{v}` in the config's templates ({})",
            p.display(),
            known.join(", ")
        )
    })
}

/// Remove `.` and resolvable `..` components, for readable paths in reports.
pub fn clean(p: &Path) -> PathBuf {
    let mut out: Vec<Component> = Vec::new();
    for c in p.components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir => match out.last() {
                Some(Component::Normal(_)) => {
                    out.pop();
                }
                Some(Component::RootDir | Component::Prefix(_)) => {}
                _ => out.push(c),
            },
            _ => out.push(c),
        }
    }
    let p: PathBuf = out.iter().collect();
    if p.as_os_str().is_empty() {
        PathBuf::from(".")
    } else {
        p
    }
}

/// `p` relative to `base`, for glob matching; both are made absolute when one is not (a
/// config found upward from the current folder, drafts named relative to it).
fn relative_to(p: &Path, base: &Path) -> PathBuf {
    let p = clean(p);
    let base = clean(base);
    if base == Path::new(".") && p.is_relative() {
        return p;
    }
    if let Ok(r) = p.strip_prefix(&base) {
        return r.to_path_buf();
    }
    let abs = |x: &Path| std::fs::canonicalize(x).unwrap_or_else(|_| x.to_path_buf());
    match abs(&p).strip_prefix(abs(&base)) {
        Ok(r) => r.to_path_buf(),
        Err(_) => p,
    }
}

/// `*` matches within a path segment, `**` any number of segments, `?` one character.
pub fn glob_match(glob: &str, path: &str) -> bool {
    fn seg_match(p: &[char], s: &[char]) -> bool {
        match (p.first(), s.first()) {
            (None, None) => true,
            (Some('*'), _) => seg_match(&p[1..], s) || (!s.is_empty() && seg_match(p, &s[1..])),
            (Some('?'), Some(_)) => seg_match(&p[1..], &s[1..]),
            (Some(a), Some(b)) if a == b => seg_match(&p[1..], &s[1..]),
            _ => false,
        }
    }
    fn go(g: &[&str], p: &[&str]) -> bool {
        match g.first() {
            None => p.is_empty(),
            Some(&"**") => go(&g[1..], p) || (!p.is_empty() && go(g, &p[1..])),
            Some(seg) => {
                !p.is_empty()
                    && seg_match(
                        &seg.chars().collect::<Vec<_>>(),
                        &p[0].chars().collect::<Vec<_>>(),
                    )
                    && go(&g[1..], &p[1..])
            }
        }
    }
    let g: Vec<&str> = glob.trim_start_matches("./").split('/').collect();
    let p: Vec<&str> = path.trim_start_matches("./").split('/').collect();
    go(&g, &p)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn globs() {
        assert!(glob_match("leases/**", "leases/2024/a.md"));
        assert!(glob_match("leases/*.md", "leases/a.md"));
        assert!(!glob_match("leases/*.md", "leases/2024/a.md"));
        assert!(glob_match("**/after-sales-*.md", "x/y/after-sales-1.md"));
        assert!(!glob_match("leases/**", "sales/a.md"));
    }

    #[test]
    fn command_line_then_front_matter_then_config() {
        let dir = tempfile::tempdir().unwrap();
        let t = dir.path().join("t.md");
        std::fs::write(&t, "# T\n").unwrap();
        let draft = dir.path().join("sub/d.md");
        let cfg = TemplateConfig {
            base_dir: dir.path().to_path_buf(),
            templates: [("lease".to_string(), PathBuf::from("t.md"))].into(),
            paths: vec![("sub/**".into(), "lease".into())],
            ..Default::default()
        };
        let cli = resolve(&draft, Some(Path::new("x.md")), Some("../t.md"), Some(&cfg)).unwrap();
        assert_eq!(cli, Some((PathBuf::from("x.md"), LinkedBy::CommandLine)));
        let fm = resolve(&draft, None, Some("../t.md"), None).unwrap();
        assert_eq!(fm, Some((clean(&t), LinkedBy::FrontMatter)));
        let id = resolve(&draft, None, Some("lease"), Some(&cfg)).unwrap();
        assert_eq!(id, Some((clean(&t), LinkedBy::FrontMatter)));
        let glob = resolve(&draft, None, None, Some(&cfg)).unwrap();
        assert_eq!(glob, Some((clean(&t), LinkedBy::ConfigGlob)));
        assert_eq!(
            resolve(&dir.path().join("other.md"), None, None, Some(&cfg)).unwrap(),
            None
        );
        // A config with a relative base, a draft named by an absolute path: still matched.
        let rel_cfg = TemplateConfig {
            base_dir: PathBuf::from("."),
            paths: vec![("**/sub/*.md".into(), t.display().to_string())],
            ..Default::default()
        };
        let glob = resolve(&draft, None, None, Some(&rel_cfg)).unwrap();
        assert_eq!(glob.map(|g| g.1), Some(LinkedBy::ConfigGlob));
        let e = resolve(&draft, None, Some("nope"), Some(&cfg)).unwrap_err();
        assert!(
            e.contains("template `nope` not found") && e.contains("lease"),
            "{e}"
        );
    }
}
