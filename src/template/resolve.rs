//! Which template a draft follows.
//!
//! In order: `--template FILE` on the command line (for every draft checked); the draft's
//! front matter `template:` (an id of the config's `templates:` map, or a path relative to
//! the draft's folder, else to the current folder); the first of the config's
//! `template-paths` globs that matches the draft.
//! A draft with none is checked by the rules only.
//!
//! The config file is read and validated in `config.rs`: the keys `templates`,
//! `template-paths`, `template-free` and `template-alternatives` (shapes in
//! [`TemplateConfig`]'s doc) are typed like every other key, unknown keys inside a
//! `template-paths` entry are rejected at their YAML position, and every `templates:` path
//! and `template-paths` value is checked at load time (an id or an existing file), so that a
//! bad one is one config error (exit 2) rather than an error on every draft. Each config
//! yields one `TemplateConfig` whose `base_dir` is the config file's folder; a draft gets the
//! one of the config that governs it (`FileSettings::template`, none under `--isolated`), and
//! [`Store::check_with`](super::Store::check_with) hands it here.
//!
//! `template-paths` globs use the same `.gitignore` syntax and the same matcher as the
//! config's `exclude` and `per-file` globs, so one glob means one thing throughout the file.

use std::collections::BTreeMap;
use std::path::{Component, Path, PathBuf};

use ignore::gitignore::Gitignore;

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
    /// The config file as shown in messages; empty: "config".
    pub origin: String,
    pub templates: BTreeMap<String, PathBuf>,
    /// First match wins.
    pub paths: Vec<TemplatePath>,
    pub free: Vec<String>,
    pub alternatives: BTreeMap<String, Vec<String>>,
}

/// One `template-paths` entry: drafts matching `glob` follow `template` (an id of
/// `templates` or a path relative to the config's folder).
#[derive(Debug, Clone)]
pub struct TemplatePath {
    pub glob: String,
    pub template: String,
    matcher: Gitignore,
}

impl TemplatePath {
    /// Compile a glob, relative to `base_dir`, in `.gitignore` syntax (as `exclude` and
    /// `per-file`): `leases/**` and `leases/` match everything under `leases`, `*.md` a
    /// Markdown file at any depth, `leases/*.md` one directly in `leases`.
    pub fn new(base_dir: &Path, glob: &str, template: &str) -> Result<TemplatePath, String> {
        let g = glob.trim();
        if g.is_empty() || g.starts_with('#') || g.starts_with('!') {
            // In .gitignore syntax these match nothing (a blank line, a comment, a negation).
            return Err(format!(
                "glob `{glob}` would match no draft (empty, a comment or a negation)"
            ));
        }
        Ok(TemplatePath {
            glob: glob.to_string(),
            template: template.to_string(),
            matcher: crate::config::glob_matcher(base_dir, &[glob.to_string()])?,
        })
    }

    /// Does the glob match a draft path relative to the config's folder?
    pub fn matches(&self, rel: &Path) -> bool {
        !rel.as_os_str().is_empty()
            && rel.is_relative()
            && self
                .matcher
                .matched_path_or_any_parents(rel, false)
                .is_ignore()
    }
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
        if let Some(rel) = relative_to(draft, &c.base_dir) {
            if let Some(tp) = c.paths.iter().find(|tp| tp.matches(&rel)) {
                return by_id_or_path(&tp.template, &c.base_dir, config)
                    .map(|p| Some((shown(&p), LinkedBy::ConfigGlob)));
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
        return Ok(shown(&clean(&p)));
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

/// Every template file a config names (`templates:` paths, `template-paths` files), as
/// [`resolve`] gives them.
pub fn config_templates(c: &TemplateConfig) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = c
        .templates
        .values()
        .map(|p| shown(&clean(&c.base_dir.join(p))))
        .chain(
            c.paths
                .iter()
                .filter(|tp| !c.templates.contains_key(&tp.template))
                .map(|tp| shown(&clean(&c.base_dir.join(&tp.template)))),
        )
        .collect();
    v.sort();
    v.dedup();
    v
}

/// A path from the config (absolute: the config's folder is) as the user would write it:
/// relative to the current folder when under it, as drafts and configs are shown.
fn shown(p: &Path) -> PathBuf {
    let rel = std::env::current_dir()
        .ok()
        .and_then(|cwd| p.strip_prefix(cwd).ok().map(Path::to_path_buf));
    match rel {
        Some(r) if p.is_absolute() && !r.as_os_str().is_empty() => r,
        _ => p.to_path_buf(),
    }
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

/// `p` relative to `base`, for glob matching, or `None` when it is not under `base` (a
/// config's globs speak only of drafts in its folder, as its `per-file` globs do). Relative
/// paths are taken from the current folder; symlinks are resolved as a last resort.
fn relative_to(p: &Path, base: &Path) -> Option<PathBuf> {
    let p = clean(p);
    let base = clean(base);
    if base == Path::new(".") && p.is_relative() {
        return (!p.starts_with("..")).then_some(p);
    }
    if let Ok(r) = p.strip_prefix(&base) {
        return Some(r.to_path_buf());
    }
    if p.is_relative() || base.is_relative() {
        if let Ok(cwd) = std::env::current_dir() {
            let abs = |x: &Path| {
                if x.is_absolute() {
                    x.to_path_buf()
                } else {
                    clean(&cwd.join(x))
                }
            };
            if let Ok(r) = abs(&p).strip_prefix(abs(&base)) {
                return Some(r.to_path_buf());
            }
        }
    }
    let canon = |x: &Path| std::fs::canonicalize(x).ok();
    let (cp, cb) = (canon(&p)?, canon(&base)?);
    cp.strip_prefix(cb).ok().map(Path::to_path_buf)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tp(glob: &str, template: &str) -> TemplatePath {
        TemplatePath::new(Path::new("/repo"), glob, template).unwrap()
    }

    #[test]
    fn globs_use_gitignore_syntax() {
        let m = |g: &str, p: &str| tp(g, "t").matches(Path::new(p));
        assert!(m("leases/**", "leases/2024/a.md"));
        assert!(m("leases/", "leases/2024/a.md"));
        assert!(m("leases/*.md", "leases/a.md"));
        assert!(!m("leases/*.md", "leases/2024/a.md"));
        assert!(m("**/after-sales-*.md", "x/y/after-sales-1.md"));
        assert!(m("after-sales-*.md", "x/y/after-sales-1.md"));
        assert!(!m("/after-sales-*.md", "x/y/after-sales-1.md"));
        assert!(!m("leases/**", "sales/a.md"));
        assert!(!m("leases/**", "subleases/a.md"));
        assert!(!m("leases/**", "/repo/leases/a.md"));
        for bad in ["", "  ", "#leases", "!leases/**"] {
            assert!(
                TemplatePath::new(Path::new("/repo"), bad, "t").is_err(),
                "{bad:?}"
            );
        }
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
            paths: vec![TemplatePath::new(dir.path(), "sub/**", "lease").unwrap()],
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
        // A glob speaks only of drafts under the config's folder.
        let elsewhere = tempfile::tempdir().unwrap();
        assert_eq!(
            resolve(&elsewhere.path().join("sub/d.md"), None, None, Some(&cfg)).unwrap(),
            None
        );
        // A config with a relative base, a draft named relative to it: matched.
        let rel_cfg = TemplateConfig {
            base_dir: PathBuf::from("."),
            paths: vec![
                TemplatePath::new(Path::new("."), "**/sub/*.md", &t.display().to_string()).unwrap(),
            ],
            ..Default::default()
        };
        let glob = resolve(Path::new("./a/sub/d.md"), None, None, Some(&rel_cfg)).unwrap();
        assert_eq!(glob.map(|g| g.1), Some(LinkedBy::ConfigGlob));
        let e = resolve(&draft, None, Some("nope"), Some(&cfg)).unwrap_err();
        assert!(
            e.contains("template `nope` not found") && e.contains("lease"),
            "{e}"
        );
    }

    #[test]
    fn a_relative_draft_is_matched_against_an_absolute_config_folder() {
        let cwd = std::env::current_dir().unwrap();
        let cfg = TemplateConfig {
            base_dir: cwd.clone(),
            paths: vec![TemplatePath::new(&cwd, "leases/**", "t.md").unwrap()],
            ..Default::default()
        };
        let rel = relative_to(Path::new("leases/2024/a.md"), &cfg.base_dir).unwrap();
        assert_eq!(rel, Path::new("leases/2024/a.md"));
        assert!(cfg.paths[0].matches(&rel));
        assert_eq!(relative_to(Path::new("../x/a.md"), &cwd.join("sub")), None);
    }
}
