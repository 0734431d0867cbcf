//! Configuration files, found the way ruff finds them: each draft uses the nearest
//! `clauselint.yaml` or `.clauselint.yaml` in its own folder or above it (both names in one
//! folder is an error), `--config FILE` names one config for every draft, and `--isolated`
//! ignores them all. Paths and globs in a config are relative to the config's folder.
//! The template keys (`templates`, `template-paths`, `template-free`,
//! `template-alternatives`) become the [`TemplateConfig`] of the drafts the config governs.
//!
//! A config is read in three serde passes over the YAML, as rule packs are (see
//! `rules/load.rs`): a typed pass (unknown keys with a did-you-mean, types, values), a pass
//! that checks pack paths, template paths and ids, and globs, and, once the config's rule
//! packs are loaded, a pass that checks every rule selector against the loaded rules. Errors
//! are raised inside serde visitors, so each one points at the YAML line and column of the
//! key or value at fault.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::fmt;
use std::path::{Component, Path, PathBuf};
use std::sync::{Arc, Mutex};

use ignore::gitignore::{Gitignore, GitignoreBuilder};
use serde::de::{self, DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde::Deserialize;

use crate::cli::{FailOn, RuleArgs};
use crate::document::LangSet;
use crate::rules::{suggest, to_pack_error, PackError, RuleSet, Severity};
use crate::template::{TemplateConfig, TemplatePath};

/// The two names a config file may have.
pub const CONFIG_NAMES: [&str; 2] = ["clauselint.yaml", ".clauselint.yaml"];

/// Built-in rules that are not in any pack: findings about suppression comments.
pub const META_RULES: &[&str] = &[
    "meta/unused-suppression",
    "meta/unknown-rule",
    "meta/invalid-suppression",
];

// ---------------------------------------------------------------------------------------
// Selectors: `all`, a category (`deadline`, `deadline/`) or a rule id (`deadline/vague`).

/// One entry of `select`, `ignore` or `severity`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Selector {
    All,
    Category(String),
    Id(String),
}

impl Selector {
    pub fn parse(s: &str) -> Selector {
        let s = s.trim();
        if s.eq_ignore_ascii_case("all") {
            Selector::All
        } else if let Some(c) = s.strip_suffix('/') {
            Selector::Category(c.to_string())
        } else if s.contains('/') {
            Selector::Id(s.to_string())
        } else {
            Selector::Category(s.to_string())
        }
    }

    /// The specificity with which this selector matches a rule id, if it does: a full id
    /// (2) beats a category (1) beats `all` (0).
    pub fn matches(&self, id: &str) -> Option<u8> {
        match self {
            Selector::All => Some(0),
            Selector::Category(c) => (id.split('/').next() == Some(c.as_str())).then_some(1),
            Selector::Id(i) => (i == id).then_some(2),
        }
    }
}

impl fmt::Display for Selector {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Selector::All => f.write_str("all"),
            Selector::Category(c) => f.write_str(c),
            Selector::Id(i) => f.write_str(i),
        }
    }
}

/// The rule ids and categories a selector may name: the loaded rules and the meta rules.
#[derive(Debug, Default, Clone)]
pub struct Known {
    pub ids: BTreeSet<String>,
    pub categories: BTreeSet<String>,
}

impl Known {
    pub fn of(rules: &RuleSet) -> Known {
        let mut k = Known::default();
        for id in rules
            .rules
            .iter()
            .map(|r| r.id.as_str())
            .chain(META_RULES.iter().copied())
        {
            k.ids.insert(id.to_string());
            k.categories
                .insert(id.split('/').next().unwrap_or(id).to_string());
        }
        k
    }

    /// Is this a rule id, a category or `all`? The error has a did-you-mean.
    pub fn check(&self, s: &str) -> Result<(), String> {
        let (what, found, name) = match Selector::parse(s) {
            Selector::All => return Ok(()),
            Selector::Id(i) => ("rule", self.ids.contains(&i), i),
            Selector::Category(c) => ("rule category", self.categories.contains(&c), c),
        };
        if found {
            return Ok(());
        }
        let cands = self
            .ids
            .iter()
            .chain(self.categories.iter())
            .map(String::as_str);
        match suggest(&name, cands) {
            Some(b) => Err(format!("unknown {what} `{name}`, did you mean `{b}`?")),
            None => Err(format!(
                "unknown {what} `{name}` (`clauselint rules` lists the loaded rules)"
            )),
        }
    }
}

/// Where a selector comes from. A later layer wins over an earlier one whatever the
/// specificity, as a later `select`/`ignore` does in ruff: the config (0), the command line
/// (1), the config's `per-file` entries for this draft (2, so that per-file ignores hold
/// even with `--select`, like ruff's per-file-ignores).
pub type Layer = u8;
pub const LAYER_CONFIG: Layer = 0;
pub const LAYER_CLI: Layer = 1;
pub const LAYER_PER_FILE: Layer = 2;

/// Is a rule on, given the effective select list and every ignore entry, each with its
/// layer? The matching entry of the latest layer decides; within a layer the most specific
/// entry wins (`select: [deadline]` with `ignore: [deadline/vague]` leaves deadline/vague
/// off, `ignore: [deadline]` with `select: [deadline/vague]` leaves only it on), and at
/// equal specificity `ignore` wins. A rule no select entry matches is off.
pub fn is_enabled(select: &[(Selector, Layer)], ignore: &[(Selector, Layer)], id: &str) -> bool {
    let best = |v: &[(Selector, Layer)]| {
        v.iter()
            .filter_map(|(x, l)| x.matches(id).map(|m| (*l, m)))
            .max()
    };
    match (best(select), best(ignore)) {
        (None, _) => false,
        (Some(_), None) => true,
        (Some(s), Some(i)) => s > i,
    }
}

// ---------------------------------------------------------------------------------------
// The file format.

/// A list of strings, written as a YAML list or as one string.
#[derive(Debug, Clone, Default)]
struct StrList(Vec<String>);

impl<'de> Deserialize<'de> for StrList {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = StrList;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a list of strings")
            }
            fn visit_str<E: de::Error>(self, s: &str) -> Result<StrList, E> {
                Ok(StrList(vec![s.to_string()]))
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<StrList, A::Error> {
                let mut v = Vec::new();
                while let Some(s) = seq.next_element::<String>()? {
                    v.push(s);
                }
                Ok(StrList(v))
            }
            fn visit_unit<E: de::Error>(self) -> Result<StrList, E> {
                Ok(StrList(Vec::new()))
            }
        }
        d.deserialize_any(V)
    }
}

#[derive(Deserialize, Clone, Copy)]
#[serde(rename_all = "lowercase")]
enum RawFailOn {
    Error,
    Warning,
    Info,
    Never,
}

impl From<RawFailOn> for FailOn {
    fn from(f: RawFailOn) -> FailOn {
        match f {
            RawFailOn::Error => FailOn::Error,
            RawFailOn::Warning => FailOn::Warning,
            RawFailOn::Info => FailOn::Info,
            RawFailOn::Never => FailOn::Never,
        }
    }
}

/// `auto`, `zh`, `en`, `both` or a list.
struct RawLang(Option<LangSet>);

impl<'de> Deserialize<'de> for RawLang {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = RawLang;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("`auto`, `zh`, `en`, `both` or a list of languages")
            }
            fn visit_str<E: de::Error>(self, s: &str) -> Result<RawLang, E> {
                if s == "auto" {
                    return Ok(RawLang(None));
                }
                LangSet::parse(s).map(|l| RawLang(Some(l))).ok_or_else(|| {
                    E::custom(format!(
                        "unknown language `{s}`, expected `auto`, `zh`, `en` or `both`"
                    ))
                })
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<RawLang, A::Error> {
                let mut set = LangSet::EMPTY;
                while let Some(RawLang(l)) = seq.next_element::<RawLang>()? {
                    set = set.union(l.unwrap_or(LangSet::BOTH));
                }
                Ok(RawLang(Some(set)))
            }
        }
        d.deserialize_any(V)
    }
}

/// An encoding label (`gb18030`, `big5`, `utf-8`, …), validated where it stands.
struct RawEncoding(&'static encoding_rs::Encoding);

impl<'de> Deserialize<'de> for RawEncoding {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl Visitor<'_> for V {
            type Value = RawEncoding;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("an encoding label such as `gb18030`, `big5` or `utf-8`")
            }
            fn visit_str<E: de::Error>(self, s: &str) -> Result<RawEncoding, E> {
                crate::source::encoding_by_label(s)
                    .map(RawEncoding)
                    .ok_or_else(|| {
                        E::custom(format!(
                            "unknown encoding `{s}`, expected a label such as `gb18030`, `gbk`, `big5`, `utf-8`, `utf-16le`"
                        ))
                    })
            }
        }
        d.deserialize_str(V)
    }
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct RawPerFile {
    #[serde(default)]
    select: Option<StrList>,
    #[serde(default)]
    ignore: Option<StrList>,
    #[serde(default)]
    severity: Option<BTreeMap<String, Severity>>,
}

/// `per-file`: a map from glob to overrides, in file order (later entries win).
#[derive(Default)]
struct RawPerFileMap(Vec<(String, RawPerFile)>);

impl<'de> Deserialize<'de> for RawPerFileMap {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = RawPerFileMap;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a map from glob to {select, ignore, severity}")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<RawPerFileMap, A::Error> {
                let mut v = Vec::new();
                while let Some(k) = map.next_key::<String>()? {
                    let val = map.next_value::<Option<RawPerFile>>()?.unwrap_or_default();
                    v.push((k, val));
                }
                Ok(RawPerFileMap(v))
            }
            fn visit_unit<E: de::Error>(self) -> Result<RawPerFileMap, E> {
                Ok(RawPerFileMap::default())
            }
        }
        d.deserialize_any(V)
    }
}

/// One `template-paths` entry.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawTemplatePath {
    glob: String,
    template: String,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct RawConfig {
    #[serde(default)]
    rules: Option<StrList>,
    #[serde(default)]
    default_rules: Option<bool>,
    #[serde(default)]
    select: Option<StrList>,
    #[serde(default)]
    ignore: Option<StrList>,
    #[serde(default)]
    severity: Option<BTreeMap<String, Severity>>,
    #[serde(default)]
    fail_on: Option<RawFailOn>,
    #[serde(default)]
    lang: Option<RawLang>,
    #[serde(default)]
    exclude: Option<StrList>,
    #[serde(default)]
    per_file: Option<RawPerFileMap>,
    #[serde(default)]
    encoding: Option<RawEncoding>,
    #[serde(default)]
    templates: Option<BTreeMap<String, String>>,
    #[serde(default)]
    template_paths: Option<Vec<RawTemplatePath>>,
    #[serde(default)]
    template_free: Option<StrList>,
    #[serde(default)]
    template_alternatives: Option<BTreeMap<String, StrList>>,
}

/// Overrides for drafts that match one `per-file` glob.
#[derive(Debug, Clone)]
pub struct PerFile {
    pub glob: String,
    matcher: Gitignore,
    pub select: Option<Vec<Selector>>,
    pub ignore: Vec<Selector>,
    pub severity: Vec<(Selector, Severity)>,
}

/// A validated config file.
#[derive(Debug, Clone)]
pub struct Config {
    /// The config file, as an absolute, normalised path.
    pub path: PathBuf,
    /// Its folder: the root of its relative paths and globs.
    pub dir: PathBuf,
    /// Extra rule packs, resolved against `dir`.
    pub rules: Vec<PathBuf>,
    pub default_rules: bool,
    pub select: Option<Vec<Selector>>,
    pub ignore: Vec<Selector>,
    pub severity: Vec<(Selector, Severity)>,
    pub fail_on: Option<FailOn>,
    /// `Some(None)`: `auto`; `None`: not set.
    pub lang: Option<Option<LangSet>>,
    exclude: Gitignore,
    pub per_file: Vec<PerFile>,
    /// `encoding`: the encoding of drafts that are not UTF-8 (no guessing).
    pub encoding: Option<&'static encoding_rs::Encoding>,
    /// `templates`, `template-paths`, `template-free`, `template-alternatives`, with
    /// `base_dir` the config's folder.
    pub template: Arc<TemplateConfig>,
}

fn selectors(v: &StrList) -> Vec<Selector> {
    v.0.iter().map(|s| Selector::parse(s)).collect()
}

fn severities(m: &BTreeMap<String, Severity>) -> Vec<(Selector, Severity)> {
    m.iter().map(|(k, v)| (Selector::parse(k), *v)).collect()
}

/// Compile globs in `.gitignore` syntax, relative to `dir` (`exclude`, `per-file`,
/// `template-paths`).
pub(crate) fn glob_matcher(dir: &Path, globs: &[String]) -> Result<Gitignore, String> {
    let mut b = GitignoreBuilder::new(dir);
    for g in globs {
        b.add_line(None, g)
            .map_err(|e| format!("invalid glob `{g}`: {e}"))?;
    }
    b.build().map_err(|e| e.to_string())
}

fn yaml_error(path: &Path, text: &str, e: serde_yaml::Error) -> PackError {
    to_pack_error(path, text, e)
}

impl Config {
    /// Parse and validate a config's text, short of its rule selectors (which need the
    /// loaded rules: see [`Config::check_selectors`]).
    pub fn parse(path: &Path, text: &str) -> Result<Config, PackError> {
        let dir = path.parent().map(Path::to_path_buf).unwrap_or_default();
        let raw: RawConfig = if is_blank_yaml(text) {
            RawConfig::default()
        } else {
            serde_yaml::from_str(text).map_err(|e| yaml_error(path, text, e))?
        };
        let template_ids: BTreeSet<String> = raw
            .templates
            .iter()
            .flatten()
            .map(|(k, _)| k.clone())
            .collect();
        if !is_blank_yaml(text) {
            let seed = ConfigSeed {
                dir: &dir,
                known: None,
                template_ids: &template_ids,
            };
            seed.deserialize(serde_yaml::Deserializer::from_str(text))
                .map_err(|e| yaml_error(path, text, e))?;
        }
        let exclude = raw.exclude.unwrap_or_default().0;
        let plain = |message: String| PackError {
            path: path.to_path_buf(),
            text: String::new(),
            message,
            span: 0..0,
        };
        let template = TemplateConfig {
            base_dir: dir.clone(),
            origin: path.display().to_string(),
            templates: raw
                .templates
                .unwrap_or_default()
                .into_iter()
                .map(|(id, p)| (id, PathBuf::from(p)))
                .collect(),
            // The second pass has checked the globs at their YAML positions.
            paths: raw
                .template_paths
                .unwrap_or_default()
                .iter()
                .map(|e| TemplatePath::new(&dir, &e.glob, &e.template))
                .collect::<Result<_, _>>()
                .map_err(plain)?,
            free: raw.template_free.unwrap_or_default().0,
            alternatives: raw
                .template_alternatives
                .unwrap_or_default()
                .into_iter()
                .map(|(k, v)| (k, v.0))
                .collect(),
        };
        let mut per_file = Vec::new();
        for (glob, p) in raw.per_file.unwrap_or_default().0 {
            per_file.push(PerFile {
                matcher: glob_matcher(&dir, std::slice::from_ref(&glob)).map_err(|m| {
                    PackError {
                        path: path.to_path_buf(),
                        text: String::new(),
                        message: m,
                        span: 0..0,
                    }
                })?,
                glob,
                select: p.select.as_ref().map(selectors),
                ignore: p.ignore.as_ref().map(selectors).unwrap_or_default(),
                severity: p.severity.as_ref().map(severities).unwrap_or_default(),
            });
        }
        Ok(Config {
            path: path.to_path_buf(),
            rules: raw
                .rules
                .unwrap_or_default()
                .0
                .iter()
                .map(|r| normalize(&dir.join(r)))
                .collect(),
            default_rules: raw.default_rules.unwrap_or(true),
            select: raw.select.as_ref().map(selectors),
            ignore: raw.ignore.as_ref().map(selectors).unwrap_or_default(),
            severity: raw.severity.as_ref().map(severities).unwrap_or_default(),
            fail_on: raw.fail_on.map(FailOn::from),
            lang: raw.lang.map(|l| l.0),
            exclude: glob_matcher(&dir, &exclude).map_err(|m| PackError {
                path: path.to_path_buf(),
                text: String::new(),
                message: m,
                span: 0..0,
            })?,
            per_file,
            template: Arc::new(template),
            dir,
            encoding: raw.encoding.map(|e| e.0),
        })
    }

    /// The third pass: every selector in `select`, `ignore`, `severity` and `per-file` must
    /// name a loaded rule, a category of one, or `all`.
    pub fn check_selectors(&self, text: &str, known: &Known) -> Result<(), PackError> {
        if is_blank_yaml(text) {
            return Ok(());
        }
        let template_ids: BTreeSet<String> = self.template.templates.keys().cloned().collect();
        let seed = ConfigSeed {
            dir: &self.dir,
            known: Some(known),
            template_ids: &template_ids,
        };
        seed.deserialize(serde_yaml::Deserializer::from_str(text))
            .map_err(|e| yaml_error(&self.path, text, e))
    }

    /// Does `exclude` match this path (absolute, normalised) or a folder above it?
    pub fn excludes(&self, abs: &Path, is_dir: bool) -> bool {
        match abs.strip_prefix(&self.dir) {
            Ok(rel) if !rel.as_os_str().is_empty() => self
                .exclude
                .matched_path_or_any_parents(rel, is_dir)
                .is_ignore(),
            _ => false,
        }
    }

    /// The `per-file` entries whose glob matches this draft, in file order.
    pub fn per_file_for(&self, abs: &Path) -> impl Iterator<Item = &PerFile> {
        let rel = abs.strip_prefix(&self.dir).ok().map(Path::to_path_buf);
        self.per_file.iter().filter(move |p| {
            rel.as_ref().is_some_and(|rel| {
                !rel.as_os_str().is_empty()
                    && p.matcher
                        .matched_path_or_any_parents(rel, false)
                        .is_ignore()
            })
        })
    }
}

/// Only comments and blank lines (serde_yaml rejects an empty document for a struct).
fn is_blank_yaml(text: &str) -> bool {
    text.lines().all(|l| {
        let t = l.trim();
        t.is_empty() || t.starts_with('#') || t == "---"
    })
}

// ---- the validation passes

type CheckFn<'a> = &'a dyn Fn(&str) -> Result<(), String>;

/// A string checked inside the visitor, so that the error carries the scalar's position.
struct Check<'a>(CheckFn<'a>);

impl<'de> DeserializeSeed<'de> for Check<'_> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_str(self)
    }
}

impl<'de> Visitor<'de> for Check<'_> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a string")
    }
    fn visit_str<E: de::Error>(self, s: &str) -> Result<(), E> {
        (self.0)(s).map_err(E::custom)
    }
}

/// A list of checked strings, or one.
struct CheckList<'a>(CheckFn<'a>);

impl<'de> DeserializeSeed<'de> for CheckList<'_> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for CheckList<'_> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a list of strings")
    }
    fn visit_str<E: de::Error>(self, s: &str) -> Result<(), E> {
        (self.0)(s).map_err(E::custom)
    }
    fn visit_unit<E: de::Error>(self) -> Result<(), E> {
        Ok(())
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        while seq.next_element_seed(Check(self.0))?.is_some() {}
        Ok(())
    }
}

/// `severity:`, a map whose keys are checked selectors.
struct SeverityMap<'a>(CheckFn<'a>);

impl<'de> DeserializeSeed<'de> for SeverityMap<'_> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for SeverityMap<'_> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a map from rule or category to severity")
    }
    fn visit_unit<E: de::Error>(self) -> Result<(), E> {
        Ok(())
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        while map.next_key_seed(Check(self.0))?.is_some() {
            map.next_value::<IgnoredAny>()?;
        }
        Ok(())
    }
}

/// `per-file:`, a map from checked glob to overrides.
struct PerFileMap<'a> {
    glob: CheckFn<'a>,
    known: Option<&'a Known>,
}

impl<'de> DeserializeSeed<'de> for PerFileMap<'_> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for PerFileMap<'_> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a map from glob to {select, ignore, severity}")
    }
    fn visit_unit<E: de::Error>(self) -> Result<(), E> {
        Ok(())
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        while map.next_key_seed(Check(self.glob))?.is_some() {
            map.next_value_seed(PerFileSeed { known: self.known })?;
        }
        Ok(())
    }
}

struct PerFileSeed<'a> {
    known: Option<&'a Known>,
}

impl<'de> DeserializeSeed<'de> for PerFileSeed<'_> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for PerFileSeed<'_> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("{select, ignore, severity}")
    }
    fn visit_unit<E: de::Error>(self) -> Result<(), E> {
        Ok(())
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        let known_check = |s: &str| self.known.map_or(Ok(()), |k| k.check(s));
        while let Some(k) = map.next_key::<String>()? {
            match k.as_str() {
                "select" | "ignore" => map.next_value_seed(CheckList(&known_check))?,
                "severity" => map.next_value_seed(SeverityMap(&known_check))?,
                _ => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        Ok(())
    }
}

/// `templates:`, a map from id to a checked path.
struct TemplatesMap<'a>(CheckFn<'a>);

impl<'de> DeserializeSeed<'de> for TemplatesMap<'_> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for TemplatesMap<'_> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a map from template id to path")
    }
    fn visit_unit<E: de::Error>(self) -> Result<(), E> {
        Ok(())
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        while map.next_key::<IgnoredAny>()?.is_some() {
            map.next_value_seed(Check(self.0))?;
        }
        Ok(())
    }
}

/// `template-paths:`, a list of `{glob, template}` with both checked.
struct TemplatePaths<'a> {
    glob: CheckFn<'a>,
    template: CheckFn<'a>,
}

impl<'de> DeserializeSeed<'de> for TemplatePaths<'_> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for TemplatePaths<'_> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a list of {glob, template}")
    }
    fn visit_unit<E: de::Error>(self) -> Result<(), E> {
        Ok(())
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        while seq
            .next_element_seed(TemplatePaths {
                glob: self.glob,
                template: self.template,
            })?
            .is_some()
        {}
        Ok(())
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        while let Some(k) = map.next_key::<String>()? {
            match k.as_str() {
                "glob" => map.next_value_seed(Check(self.glob))?,
                "template" => map.next_value_seed(Check(self.template))?,
                _ => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        Ok(())
    }
}

struct ConfigSeed<'a> {
    dir: &'a Path,
    known: Option<&'a Known>,
    /// The ids of `templates:`, which a `template-paths` entry may name.
    template_ids: &'a BTreeSet<String>,
}

impl<'de> DeserializeSeed<'de> for ConfigSeed<'_> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for ConfigSeed<'_> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a clauselint config")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        let dir = self.dir;
        let pack_exists = |s: &str| {
            if dir.join(s).exists() {
                Ok(())
            } else {
                Err(format!(
                    "rule pack `{s}` not found (paths are relative to the config's folder {})",
                    display_dir(dir)
                ))
            }
        };
        let glob_ok = |s: &str| glob_matcher(dir, &[s.to_string()]).map(|_| ());
        let known_check = |s: &str| self.known.map_or(Ok(()), |k| k.check(s));
        let known = self.known;
        let template_file = |s: &str| {
            let p = dir.join(s);
            if p.is_file() {
                Ok(())
            } else if p.is_dir() {
                Err(format!("template `{s}` is a folder, not a file"))
            } else {
                Err(format!(
                    "template `{s}` not found (paths are relative to the config's folder {})",
                    display_dir(dir)
                ))
            }
        };
        let ids = self.template_ids;
        let template_glob = |s: &str| TemplatePath::new(dir, s, "").map(|_| ());
        let template_ref = |s: &str| {
            if ids.contains(s) || dir.join(s).is_file() {
                return Ok(());
            }
            let folder = display_dir(dir);
            Err(match suggest(s, ids.iter().map(String::as_str)) {
                Some(b) => format!("unknown template `{s}`, did you mean `{b}`?"),
                None if ids.is_empty() => format!(
                    "template `{s}` not found (paths are relative to the config's folder {folder}; no `templates:` ids are defined)"
                ),
                None => format!(
                    "template `{s}` is neither an id of `templates:` ({}) nor a file in the config's folder {folder}",
                    ids.iter()
                        .map(|i| format!("`{i}`"))
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            })
        };
        while let Some(k) = map.next_key::<String>()? {
            match k.as_str() {
                "rules" => map.next_value_seed(CheckList(&pack_exists))?,
                "exclude" => map.next_value_seed(CheckList(&glob_ok))?,
                "select" | "ignore" => map.next_value_seed(CheckList(&known_check))?,
                "severity" => map.next_value_seed(SeverityMap(&known_check))?,
                "per-file" => map.next_value_seed(PerFileMap {
                    glob: &glob_ok,
                    known,
                })?,
                "templates" => map.next_value_seed(TemplatesMap(&template_file))?,
                "template-paths" => map.next_value_seed(TemplatePaths {
                    glob: &template_glob,
                    template: &template_ref,
                })?,
                _ => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        Ok(())
    }
}

fn display_dir(dir: &Path) -> String {
    if dir.as_os_str().is_empty() {
        ".".into()
    } else {
        dir.display().to_string()
    }
}

// ---------------------------------------------------------------------------------------
// Paths.

/// Remove `.` and resolve `..` lexically (symlinks are not resolved).
pub fn normalize(p: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for c in p.components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir => {
                if out.file_name().is_some() {
                    out.pop();
                } else if !out.has_root() {
                    out.push("..");
                }
            }
            other => out.push(other.as_os_str()),
        }
    }
    out
}

/// `p` made absolute against `cwd` and normalised.
pub fn absolute(cwd: &Path, p: &Path) -> PathBuf {
    if p.is_absolute() {
        normalize(p)
    } else {
        normalize(&cwd.join(p))
    }
}

// ---------------------------------------------------------------------------------------
// Resolution: which config, which rules and which settings for each draft.

/// What the command line says on top of (or instead of) the configs.
#[derive(Debug, Clone, Default)]
pub struct Overrides {
    pub select: Option<Vec<String>>,
    pub ignore: Option<Vec<String>>,
    pub extend_select: Vec<String>,
    pub extend_ignore: Vec<String>,
    pub extend_exclude: Vec<String>,
    pub fail_on: Option<FailOn>,
    pub rules: Vec<PathBuf>,
    pub no_default_rules: bool,
}

/// How configs are found.
#[derive(Debug, Clone)]
pub enum Mode {
    /// The nearest config above each draft.
    Discover,
    /// `--config FILE`.
    Fixed(PathBuf),
    /// `--isolated`.
    Isolated,
}

impl Mode {
    /// The mode `--config` and `--isolated` ask for; a `--config` that is no file is a usage
    /// error.
    pub fn of(args: &crate::cli::ConfigArgs) -> Result<Mode, String> {
        match &args.config {
            _ if args.isolated => Ok(Mode::Isolated),
            Some(c) if !c.is_file() => Err(format!("--config {}: no such file", c.display())),
            Some(c) => Ok(Mode::Fixed(c.clone())),
            None => Ok(Mode::Discover),
        }
    }
}

/// The settings one draft is checked with.
#[derive(Debug, Clone)]
pub struct FileSettings {
    pub rules: Arc<RuleSet>,
    /// The effective select list (the latest of command line, per-file, config, `all`)
    /// with the `--extend-select` entries.
    pub select: Vec<(Selector, Layer)>,
    /// Every ignore entry that applies.
    pub ignore: Vec<(Selector, Layer)>,
    pub severity: Vec<(Selector, Severity)>,
    pub fail_on: FailOn,
    pub lang: Option<LangSet>,
    /// The config in force, if any.
    pub config: Option<PathBuf>,
    /// The config's `encoding` (`--encoding` overrides it).
    pub encoding: Option<&'static encoding_rs::Encoding>,
    /// Its template keys (none without a config, or under `--isolated`).
    pub template: Option<Arc<TemplateConfig>>,
}

impl FileSettings {
    pub fn enabled(&self, id: &str) -> bool {
        is_enabled(&self.select, &self.ignore, id)
    }

    /// The severity a finding of this rule gets: the most specific `severity` entry, else
    /// the rule's own.
    pub fn severity_of(&self, id: &str, own: Severity) -> Severity {
        self.severity
            .iter()
            .filter_map(|(s, v)| s.matches(id).map(|m| (m, *v)))
            // Later entries (per-file ones) win at equal specificity.
            .fold(None, |best: Option<(u8, Severity)>, (m, v)| match best {
                Some((b, _)) if b > m => best,
                _ => Some((m, v)),
            })
            .map_or(own, |(_, v)| v)
    }
}

/// A config error: a pointed YAML diagnostic, or a plain message when `text` is empty.
pub type ConfigError = PackError;

/// (default packs?, extra packs) → rule set (None: a pack failed to load).
type RuleSetCache = HashMap<(bool, Vec<PathBuf>), Option<Arc<RuleSet>>>;

struct LoadedConfig {
    config: Config,
    rules: Arc<RuleSet>,
}

/// Finds, loads and caches configs and rule sets. Safe to share between threads (the walk
/// asks it whether entries are excluded).
pub struct Resolver {
    cwd: PathBuf,
    mode: Mode,
    overrides: Overrides,
    cli_exclude: Gitignore,
    /// folder → nearest config file
    nearest: Mutex<HashMap<PathBuf, Option<PathBuf>>>,
    /// config file → loaded config (None: it failed)
    configs: Mutex<HashMap<PathBuf, Option<Arc<LoadedConfig>>>>,
    /// (default packs?, extra packs) → rule set (None: a pack failed)
    rule_sets: Mutex<RuleSetCache>,
    /// ("config" | "rules", error)
    errors: Mutex<Vec<(&'static str, ConfigError)>>,
}

impl Resolver {
    pub fn new(cwd: PathBuf, mode: Mode, overrides: Overrides) -> Result<Resolver, String> {
        let cli_exclude = glob_matcher(&cwd, &overrides.extend_exclude)
            .map_err(|e| format!("--extend-exclude: {e}"))?;
        Ok(Resolver {
            cwd,
            mode,
            overrides,
            cli_exclude,
            nearest: Mutex::new(HashMap::new()),
            configs: Mutex::new(HashMap::new()),
            rule_sets: Mutex::new(HashMap::new()),
            errors: Mutex::new(Vec::new()),
        })
    }

    pub fn cwd(&self) -> &Path {
        &self.cwd
    }

    /// Errors met so far (configs and packs), sorted by file, each once.
    pub fn errors(&self) -> Vec<(&'static str, ConfigError)> {
        let mut v = self.errors.lock().unwrap().clone();
        v.sort_by(|a, b| {
            (&a.1.path, a.1.span.start, &a.1.message).cmp(&(
                &b.1.path,
                b.1.span.start,
                &b.1.message,
            ))
        });
        v.dedup_by(|a, b| a.1.path == b.1.path && a.1.message == b.1.message);
        v
    }

    fn error(&self, code: &'static str, e: ConfigError) {
        self.errors.lock().unwrap().push((code, e));
    }

    /// The nearest config file for a folder (absolute, normalised), if any.
    fn nearest_config(&self, dir: &Path) -> Option<PathBuf> {
        if let Some(hit) = self.nearest.lock().unwrap().get(dir) {
            return hit.clone();
        }
        let found: Vec<PathBuf> = CONFIG_NAMES
            .iter()
            .map(|n| dir.join(n))
            .filter(|p| p.is_file())
            .collect();
        let result = match found.len() {
            0 => dir.parent().and_then(|p| self.nearest_config(p)),
            1 => Some(found[0].clone()),
            _ => {
                self.error(
                    "config",
                    PackError {
                        path: dir.to_path_buf(),
                        text: String::new(),
                        message: format!(
                            "both {} and {} are in this folder; keep one",
                            CONFIG_NAMES[0], CONFIG_NAMES[1]
                        ),
                        span: 0..0,
                    },
                );
                Some(found[0].clone())
            }
        };
        self.nearest
            .lock()
            .unwrap()
            .insert(dir.to_path_buf(), result.clone());
        result
    }

    /// The config that governs a folder.
    fn config_for_dir(&self, dir: &Path) -> Option<Arc<LoadedConfig>> {
        let path = match &self.mode {
            Mode::Isolated => return None,
            Mode::Fixed(p) => absolute(&self.cwd, p),
            Mode::Discover => self.nearest_config(dir)?,
        };
        self.load_config(&path)
    }

    fn load_config(&self, path: &Path) -> Option<Arc<LoadedConfig>> {
        if let Some(hit) = self.configs.lock().unwrap().get(path) {
            return hit.clone();
        }
        let loaded = self.read_config(path);
        self.configs
            .lock()
            .unwrap()
            .insert(path.to_path_buf(), loaded.clone());
        loaded
    }

    fn read_config(&self, path: &Path) -> Option<Arc<LoadedConfig>> {
        let shown = self.shown(path);
        let text = match std::fs::read_to_string(path) {
            // Windows editors may save a byte order mark; YAML would see a second document.
            Ok(t) => match t.strip_prefix('\u{feff}') {
                Some(rest) => rest.to_string(),
                None => t,
            },
            Err(e) => {
                self.error(
                    "config",
                    PackError {
                        path: shown,
                        text: String::new(),
                        message: format!("cannot read config: {e}"),
                        span: 0..0,
                    },
                );
                return None;
            }
        };
        let mut config = match Config::parse(path, &text) {
            Ok(c) => c,
            Err(mut e) => {
                e.path = shown;
                self.error("config", e);
                return None;
            }
        };
        let default = config.default_rules && !self.overrides.no_default_rules;
        let mut packs = config.rules.clone();
        packs.extend(self.overrides.rules.iter().map(|p| absolute(&self.cwd, p)));
        let rules = self.rule_set(default, packs)?;
        if let Err(mut e) = config.check_selectors(&text, &Known::of(&rules)) {
            e.path = shown;
            self.error("config", e);
            return None;
        }
        config.path = path.to_path_buf();
        // Selectors of `template-free` that name nothing are reported against this name.
        Arc::make_mut(&mut config.template).origin = shown.display().to_string();
        Some(Arc::new(LoadedConfig { config, rules }))
    }

    /// A path as the user would write it: relative to the current folder when under it.
    pub fn shown(&self, abs: &Path) -> PathBuf {
        abs.strip_prefix(&self.cwd)
            .map(Path::to_path_buf)
            .unwrap_or_else(|_| abs.to_path_buf())
    }

    fn rule_set(&self, default: bool, packs: Vec<PathBuf>) -> Option<Arc<RuleSet>> {
        let key = (default, packs);
        if let Some(hit) = self.rule_sets.lock().unwrap().get(&key) {
            return hit.clone();
        }
        let args = RuleArgs {
            rules: key.1.iter().map(|p| self.shown(p)).collect(),
            no_default_rules: !default,
        };
        let result = match crate::load_rules(&args) {
            Ok(r) => Some(Arc::new(r)),
            Err(errors) => {
                for e in errors {
                    self.error("rules", e);
                }
                None
            }
        };
        self.rule_sets.lock().unwrap().insert(key, result.clone());
        result
    }

    /// The rule set for drafts that no config governs.
    pub fn base_rules(&self) -> Option<Arc<RuleSet>> {
        let packs = self
            .overrides
            .rules
            .iter()
            .map(|p| absolute(&self.cwd, p))
            .collect();
        self.rule_set(!self.overrides.no_default_rules, packs)
    }

    /// Is this walk entry or command-line path excluded by the config governing its folder
    /// or by `--extend-exclude`?
    pub fn is_excluded(&self, path: &Path, is_dir: bool) -> bool {
        let abs = absolute(&self.cwd, path);
        if let Ok(rel) = abs.strip_prefix(&self.cwd) {
            if !rel.as_os_str().is_empty()
                && self
                    .cli_exclude
                    .matched_path_or_any_parents(rel, is_dir)
                    .is_ignore()
            {
                return true;
            }
        }
        let Some(parent) = abs.parent() else {
            return false;
        };
        self.config_for_dir(parent)
            .is_some_and(|c| c.config.excludes(&abs, is_dir))
    }

    /// The settings for one draft (a file, or the name given to stdin). `None` when its
    /// config or rule packs failed to load (the errors are in [`Resolver::errors`]).
    pub fn settings(&self, path: &Path) -> Option<FileSettings> {
        let abs = absolute(&self.cwd, path);
        let dir = abs.parent().unwrap_or(&abs).to_path_buf();
        let loaded = self.config_for_dir(&dir);
        if loaded.is_none() && !matches!(self.mode, Mode::Isolated) {
            // Either no config (fine) or a config that failed (reported).
            let failed = match &self.mode {
                Mode::Fixed(_) => true,
                Mode::Discover => self.nearest_config(&dir).is_some(),
                Mode::Isolated => false,
            };
            if failed {
                return None;
            }
        }
        let o = &self.overrides;
        let (rules, config) = match &loaded {
            Some(l) => (l.rules.clone(), Some(&l.config)),
            None => (self.base_rules()?, None),
        };
        let per_file: Vec<&PerFile> = config
            .map(|c| c.per_file_for(&abs).collect())
            .unwrap_or_default();
        let parse = |v: &[String], l: Layer| -> Vec<(Selector, Layer)> {
            v.iter().map(|x| (Selector::parse(x), l)).collect()
        };
        let tag = |v: &[Selector], l: Layer| -> Vec<(Selector, Layer)> {
            v.iter().map(|x| (x.clone(), l)).collect()
        };
        let mut select = match &o.select {
            Some(s) => parse(s, LAYER_CLI),
            None => match per_file.iter().rev().find_map(|p| p.select.as_ref()) {
                Some(s) => tag(s, LAYER_PER_FILE),
                None => match config.and_then(|c| c.select.as_ref()) {
                    Some(s) => tag(s, LAYER_CONFIG),
                    None => vec![(Selector::All, LAYER_CONFIG)],
                },
            },
        };
        select.extend(parse(&o.extend_select, LAYER_CLI));
        let mut ignore = match &o.ignore {
            Some(s) => parse(s, LAYER_CLI),
            None => config
                .map(|c| tag(&c.ignore, LAYER_CONFIG))
                .unwrap_or_default(),
        };
        ignore.extend(parse(&o.extend_ignore, LAYER_CLI));
        for p in &per_file {
            ignore.extend(tag(&p.ignore, LAYER_PER_FILE));
        }
        let mut severity = config.map(|c| c.severity.clone()).unwrap_or_default();
        for p in &per_file {
            severity.extend(p.severity.iter().cloned());
        }
        Some(FileSettings {
            rules,
            select,
            ignore,
            severity,
            fail_on: o
                .fail_on
                .or_else(|| config.and_then(|c| c.fail_on))
                .unwrap_or(FailOn::Error),
            lang: config.and_then(|c| c.lang).flatten(),
            config: config.map(|c| self.shown(&c.path)),
            encoding: config.and_then(|c| c.encoding),
            template: config.map(|c| c.template.clone()),
        })
    }

    /// Check the command line's selectors against every rule set that was used.
    pub fn check_cli_selectors(&self) -> Result<(), String> {
        let sets: Vec<Arc<RuleSet>> = self
            .rule_sets
            .lock()
            .unwrap()
            .values()
            .flatten()
            .cloned()
            .collect();
        let mut known = Known::default();
        for s in &sets {
            let k = Known::of(s);
            known.ids.extend(k.ids);
            known.categories.extend(k.categories);
        }
        if sets.is_empty() {
            known = Known::of(&RuleSet::default());
        }
        let o = &self.overrides;
        let lists: [(&str, &[String]); 4] = [
            ("--select", o.select.as_deref().unwrap_or(&[])),
            ("--ignore", o.ignore.as_deref().unwrap_or(&[])),
            ("--extend-select", &o.extend_select),
            ("--extend-ignore", &o.extend_ignore),
        ];
        for (flag, list) in lists {
            for s in list {
                known.check(s).map_err(|e| format!("{flag}: {e}"))?;
            }
        }
        Ok(())
    }

    /// Every rule set loaded so far (for SARIF's rule list), in a stable order.
    pub fn rule_sets(&self) -> Vec<Arc<RuleSet>> {
        let m = self.rule_sets.lock().unwrap();
        let mut keys: Vec<&(bool, Vec<PathBuf>)> = m.keys().collect();
        keys.sort();
        keys.iter()
            .filter_map(|k| m.get(*k).cloned().flatten())
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<Config, PackError> {
        Config::parse(Path::new("/tmp/clauselint-test/clauselint.yaml"), text)
    }

    fn at(e: &PackError) -> (usize, usize) {
        let before = &e.text[..e.span.start];
        (
            before.matches('\n').count() + 1,
            before.rsplit('\n').next().unwrap().chars().count() + 1,
        )
    }

    #[test]
    fn selectors_by_specificity() {
        let s = |v: &[&str]| {
            v.iter()
                .map(|x| (Selector::parse(x), LAYER_CONFIG))
                .collect::<Vec<_>>()
        };
        let cli = |v: &[&str]| {
            v.iter()
                .map(|x| (Selector::parse(x), LAYER_CLI))
                .collect::<Vec<_>>()
        };
        // A later layer wins whatever the specificity.
        assert!(is_enabled(
            &cli(&["deadline"]),
            &s(&["deadline"]),
            "deadline/vague"
        ));
        assert!(!is_enabled(
            &s(&["deadline/vague"]),
            &cli(&["deadline"]),
            "deadline/vague"
        ));
        assert!(is_enabled(&s(&["all"]), &[], "blank/tbd"));
        assert!(!is_enabled(&s(&["deadline"]), &[], "blank/tbd"));
        assert!(!is_enabled(
            &s(&["deadline"]),
            &s(&["deadline/vague"]),
            "deadline/vague"
        ));
        assert!(is_enabled(
            &s(&["deadline"]),
            &s(&["deadline/vague"]),
            "deadline/missing"
        ));
        assert!(is_enabled(
            &s(&["deadline/vague"]),
            &s(&["deadline"]),
            "deadline/vague"
        ));
        assert!(!is_enabled(
            &s(&["deadline"]),
            &s(&["deadline/"]),
            "deadline/vague"
        ));
    }

    #[test]
    fn unknown_key_points_at_its_line_with_a_suggestion() {
        let e = parse("select: [blank]\nignroe: [deadline]\n")
            .err()
            .unwrap();
        assert!(
            e.message
                .contains("unknown field `ignroe`, did you mean `ignore`?"),
            "{}",
            e.message
        );
        assert_eq!(at(&e), (2, 1));
        let e = parse("per-file:\n  'a/*.md':\n    selct: [blank]\n")
            .err()
            .unwrap();
        assert!(e.message.contains("did you mean `select`"), "{}", e.message);
        assert_eq!(at(&e).0, 3);
        let e = parse("fail-on: warn\n").err().unwrap();
        assert!(
            e.message.contains("did you mean `warning`"),
            "{}",
            e.message
        );
    }

    #[test]
    fn unknown_selectors_point_at_the_value() {
        let c = parse("select: [blank]\nseverity:\n  deadline/vauge: error\n").unwrap();
        let known = Known::of(&RuleSet::embedded());
        let text = "select: [blank]\nseverity:\n  deadline/vauge: error\n";
        let e = c.check_selectors(text, &known).err().unwrap();
        assert!(
            e.message.contains("did you mean `deadline/vague`"),
            "{}",
            e.message
        );
        assert_eq!(at(&e), (3, 3));
        let text = "ignore:\n  - blank\n  - deadlin\n";
        let e = parse(text)
            .unwrap()
            .check_selectors(text, &known)
            .err()
            .unwrap();
        assert!(
            e.message.contains("unknown rule category `deadlin`"),
            "{}",
            e.message
        );
        assert_eq!(at(&e), (3, 5));
    }

    #[test]
    fn encoding_is_a_validated_label() {
        let c = parse("encoding: GBK\n").unwrap();
        assert_eq!(c.encoding, Some(encoding_rs::GBK));
        assert_eq!(parse("lang: zh\n").unwrap().encoding, None);
        let e = parse("lang: zh\nencoding: klingon\n").unwrap_err();
        assert!(
            e.message.contains("unknown encoding `klingon`"),
            "{}",
            e.message
        );
        assert_eq!(at(&e), (2, 11));
        let e = parse("encodng: gbk\n").unwrap_err();
        assert!(
            e.message.contains("did you mean `encoding`"),
            "{}",
            e.message
        );
    }

    #[test]
    fn missing_pack_and_empty_config() {
        let e = parse("rules: [no-such-pack.yaml]\n").err().unwrap();
        assert!(
            e.message
                .contains("rule pack `no-such-pack.yaml` not found"),
            "{}",
            e.message
        );
        assert_eq!(at(&e), (1, 9));
        let c = parse("# nothing yet\n").unwrap();
        assert!(c.default_rules && c.select.is_none());
    }

    #[test]
    fn excludes_and_per_file_globs_are_relative_to_the_config() {
        let c = parse("exclude: [archive/, '*.draft.md']\nper-file:\n  'templates/**':\n    ignore: [blank]\n").unwrap();
        let root = Path::new("/tmp/clauselint-test");
        assert!(c.excludes(&root.join("archive"), true));
        assert!(c.excludes(&root.join("archive/old/x.md"), false));
        assert!(c.excludes(&root.join("sub/x.draft.md"), false));
        assert!(!c.excludes(&root.join("sub/archive.md"), false));
        assert_eq!(c.per_file_for(&root.join("templates/a/b.md")).count(), 1);
        assert_eq!(c.per_file_for(&root.join("a/templates.md")).count(), 0);
    }

    #[test]
    fn template_keys_are_typed_and_their_paths_checked() {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        std::fs::create_dir_all(d.join("templates")).unwrap();
        std::fs::write(d.join("templates/lease.md"), "# 租赁合同\n").unwrap();
        let path = d.join("clauselint.yaml");
        let text = "templates:\n  lease: templates/lease.md\ntemplate-paths:\n  - {glob: 'leases/**', template: lease}\n  - glob: '*.lease.md'\n    template: templates/lease.md\ntemplate-free: 附件\ntemplate-alternatives:\n  七.1: 一式三份\n  七.2: [一式两份, 一式四份]\n";
        let c = Config::parse(&path, text).unwrap();
        let t = &c.template;
        assert_eq!(t.base_dir, d);
        assert_eq!(t.templates["lease"], PathBuf::from("templates/lease.md"));
        let paths: Vec<(&str, &str)> = t
            .paths
            .iter()
            .map(|p| (p.glob.as_str(), p.template.as_str()))
            .collect();
        assert_eq!(
            paths,
            vec![("leases/**", "lease"), ("*.lease.md", "templates/lease.md")]
        );
        assert!(t.paths[1].matches(Path::new("a/b/x.lease.md")));
        assert_eq!(t.free, vec!["附件"]);
        assert_eq!(t.alternatives["七.1"], vec!["一式三份"]);
        assert_eq!(t.alternatives["七.2"], vec!["一式两份", "一式四份"]);

        let err = |text: &str| {
            let e = Config::parse(&path, text).err().unwrap();
            let at = at(&e);
            (e.message, at)
        };
        let (m, pos) = err("templates:\n  lease: templates/leese.md\n");
        assert!(m.contains("template `templates/leese.md` not found"), "{m}");
        assert_eq!(pos, (2, 10));
        let (m, pos) =
            err("templates:\n  lease: templates/lease.md\ntemplate-paths:\n  - {glob: 'x/**', template: leese}\n");
        assert!(m.contains("did you mean `lease`?"), "{m}");
        assert_eq!(pos, (4, 30));
        let (m, pos) = err("template-paths:\n  - glob: 'x/**'\n    templates: lease\n");
        assert!(
            m.contains("unknown field `templates`, did you mean `template`?"),
            "{m}"
        );
        assert_eq!(pos, (3, 5));
        let (m, _) = err("template-paths:\n  - glob: 'x/**'\n");
        assert!(m.contains("missing field `template`"), "{m}");
        let (m, pos) = err("template-alternatives:\n  七.1: {a: b}\n");
        assert!(m.contains("a list of strings"), "{m}");
        assert_eq!(pos.0, 2);
        // Ids defined after the globs that name them are known all the same.
        let c = Config::parse(
            &path,
            "template-paths:\n  - {glob: 'x/**', template: lease}\ntemplates:\n  lease: templates/lease.md\n",
        )
        .unwrap();
        assert_eq!(c.template.paths.len(), 1);
    }

    #[test]
    fn normalize_is_lexical() {
        assert_eq!(
            normalize(Path::new("/a/b/../c/./d")),
            PathBuf::from("/a/c/d")
        );
        assert_eq!(normalize(Path::new("../x/../y")), PathBuf::from("../y"));
        assert_eq!(normalize(Path::new("/..")), PathBuf::from("/"));
    }
}
