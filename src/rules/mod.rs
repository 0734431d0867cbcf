//! Rule packs: YAML data, validated when read, embedded defaults.

pub mod entity;
mod load;
pub mod pattern;
pub mod schema;

use std::collections::BTreeMap;
use std::path::PathBuf;

use schemars::JsonSchema;
use serde::Deserialize;

pub use entity::{Bound, Check, ValueSpec};
pub(crate) use load::to_pack_error;
pub use load::{load_pack, suggest, PackError};
pub use pattern::{Pattern, Patterns};

use crate::document::LangSet;

/// The default packs, compiled into the binary.
pub const EMBEDDED: &[(&str, &str)] = &[
    ("rules/zh.yaml", include_str!("../../rules/zh.yaml")),
    ("rules/en.yaml", include_str!("../../rules/en.yaml")),
    (
        "rules/template.yaml",
        include_str!("../../rules/template.yaml"),
    ),
];

/// The default order in which overlapping findings win: a seal line left empty is a
/// signature finding, not also a blank.
pub const DEFAULT_PRIORITY: &[&str] =
    &["signature", "percentage", "deadline", "precedence", "blank"];

/// How serious a finding is; `--fail-on` compares against it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// a remark; never fails a run unless `--fail-on info`
    Info,
    /// fails a run only with `--fail-on warning`
    Warning,
    /// the draft is not ready to sign (exit code 1)
    Error,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Info => "info",
        }
    }
    pub fn parse(s: &str) -> Option<Severity> {
        match s {
            "error" => Some(Severity::Error),
            "warning" => Some(Severity::Warning),
            "info" => Some(Severity::Info),
            _ => None,
        }
    }
}

/// What a rule checks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    /// `pattern` must not occur (in units that match `when`)
    Forbid,
    /// where `when` matches (everywhere, without `when`), `must` must match too
    Require,
    /// every field of every party's signature block must be filled
    Signature,
    /// A value in a clause against limits (定金 at most 20% of the price).
    Range,
    /// Built-in cross-checks of values and names (`check:`).
    Consistency,
    /// Reported by the comparison with a template (src/template/), never by `check`.
    Template,
}

impl Kind {
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Forbid => "forbid",
            Kind::Require => "require",
            Kind::Signature => "signature",
            Kind::Range => "range",
            Kind::Consistency => "consistency",
            Kind::Template => "template",
        }
    }

    pub const ALL: [Kind; 6] = [
        Kind::Forbid,
        Kind::Require,
        Kind::Signature,
        Kind::Range,
        Kind::Consistency,
        Kind::Template,
    ];
}

/// What a `template` rule reports.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum TemplateChange {
    /// A template clause missing from the draft.
    Deleted,
    /// A draft clause the template does not have.
    Inserted,
    /// A clause whose text outside its blanks differs.
    Changed,
    /// A clause found elsewhere in the draft than in the template.
    Moved,
}

impl TemplateChange {
    pub fn as_str(self) -> &'static str {
        match self {
            TemplateChange::Deleted => "deleted",
            TemplateChange::Inserted => "inserted",
            TemplateChange::Changed => "changed",
            TemplateChange::Moved => "moved",
        }
    }
}

/// The keys of a `template` rule.
#[derive(Debug, Clone)]
pub struct TemplateSpec {
    pub change: TemplateChange,
    /// Message of the secondary label, in the template. `{old}`, `{new}`, `{clause}`,
    /// `{section}` and `{template}` are filled in, as in `message`.
    pub template_label: Option<String>,
    /// Message used instead of `message` when a fill runs past its blank.
    pub message_spill: Option<String>,
    /// Extra shapes of blanks in a template (drafting notes), besides the findings of the
    /// rules named in `slots_from`.
    pub slots: Patterns,
    /// Categories or ids of rules whose findings in a template are blanks.
    pub slots_from: Vec<String>,
    /// When a fill swallows the template words right after its blank ([金额]元 filled as
    /// 伍万元整(¥50,000)), those words count as kept if the fill ends with a match of one
    /// of these patterns that contains them.
    pub absorb: Patterns,
}

/// The unit a rule looks at.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Unit {
    /// a paragraph, list item, heading or table cell (the default)
    #[default]
    Clause,
    /// a clause split after 。；;！？ and `. `
    Sentence,
    /// a heading and everything under it
    Section,
    /// the whole draft
    Document,
}

/// Where in the document a rule applies.
#[derive(Debug, Clone, Default)]
pub enum Scope {
    #[default]
    Any,
    Body,
    SignatureBlock,
    Heading(Pattern),
}

/// Which parties a signature rule checks.
#[derive(Debug, Clone, Default)]
pub enum Parties {
    #[default]
    Auto,
    List(Vec<String>),
}

/// Snippets that document a rule and test it: `clauselint validate`, `test` and `explain`
/// run them live.
#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
// The loader accepts a missing list (validate then says what is missing); editors ask for both.
#[schemars(extend("required" = ["bad", "good"]))]
pub struct Examples {
    /// Drafts the rule must report (at least one; `clauselint validate` requires it).
    #[serde(default)]
    #[schemars(length(min = 1))]
    pub bad: Vec<String>,
    /// Drafts the rule must leave alone (at least one; `clauselint validate` requires it).
    #[serde(default)]
    #[schemars(length(min = 1))]
    pub good: Vec<String>,
}

/// A validated rule.
#[derive(Debug, Clone)]
pub struct Rule {
    pub id: String,
    pub kind: Kind,
    pub severity: Severity,
    pub message: String,
    pub help: Option<String>,
    pub description: Option<String>,
    pub examples: Examples,
    pub lang: LangSet,
    pub unit: Unit,
    pub scope: Scope,
    pub clause_kinds: Option<Vec<String>>,
    pub pattern: Patterns,
    pub when: Patterns,
    pub must: Patterns,
    pub unless: Patterns,
    pub allow: Patterns,
    pub parties: Parties,
    pub fields: Vec<String>,
    pub roles: Vec<String>,
    /// signature: the fields that show a party signs; empty means every field.
    pub signing_fields: Vec<String>,
    pub markers: Patterns,
    pub message_missing: Option<String>,
    /// `entity`, `unit`, `min`, `max`: the value a `require` or `range` rule asks for.
    pub value_spec: ValueSpec,
    /// `value` (range): where the checked value is named (`定金`).
    pub value: Patterns,
    /// `of` (range): where the base a percentage limit applies to is named (`合同总价`).
    pub of: Patterns,
    /// `check` (consistency): which cross-check.
    pub check: Option<Check>,
    /// The keys of a `template` rule; `None` for other kinds.
    pub template: Option<TemplateSpec>,
    /// Regexes derived from `fields` and `roles`, built once per rule rather than per
    /// document.
    pub(crate) vocab: std::sync::OnceLock<std::sync::Arc<crate::check::SignatureVocab>>,
    /// The pack the rule came from.
    pub pack: String,
    pub pack_path: PathBuf,
}

impl Rule {
    /// `blank` for `blank/underscore`.
    pub fn category(&self) -> &str {
        self.id.split('/').next().unwrap_or(&self.id)
    }
}

/// Every loaded rule, in load order.
#[derive(Debug, Clone, Default)]
pub struct RuleSet {
    pub rules: Vec<Rule>,
    /// Category order for overlapping findings (first wins).
    pub priority: Vec<String>,
    pub packs: Vec<PackInfo>,
    /// The literal prefilter of these rules, built on first use (see `check::prefilter`).
    pub(crate) prefilter: std::sync::OnceLock<std::sync::Arc<crate::check::prefilter::Index>>,
}

#[derive(Debug, Clone)]
pub struct PackInfo {
    pub name: String,
    pub path: PathBuf,
    pub lang: LangSet,
}

impl RuleSet {
    /// Load the embedded default packs.
    pub fn embedded() -> RuleSet {
        let mut set = RuleSet::default();
        for (path, text) in EMBEDDED {
            set.add_pack(path.into(), text)
                .unwrap_or_else(|e| panic!("embedded pack {path} is invalid: {}", e.message));
        }
        set
    }

    /// Read, validate and add one pack. Ids must be unique per language across packs.
    pub fn add_pack(&mut self, path: PathBuf, text: &str) -> Result<(), PackError> {
        let pack = load_pack(&path, text, &self.rules)?;
        if let Some(p) = pack.priority {
            self.priority = p;
        }
        self.packs.push(PackInfo {
            name: pack.name,
            path,
            lang: pack.lang,
        });
        self.rules.extend(pack.rules);
        self.prefilter = std::sync::OnceLock::new();
        Ok(())
    }

    /// The category rank used when findings overlap; categories not listed rank last.
    pub fn rank(&self, category: &str) -> Option<usize> {
        let list: Vec<&str> = if self.priority.is_empty() {
            DEFAULT_PRIORITY.to_vec()
        } else {
            self.priority.iter().map(String::as_str).collect()
        };
        list.iter().position(|c| *c == category)
    }

    pub fn by_id(&self) -> BTreeMap<&str, Vec<&Rule>> {
        let mut m: BTreeMap<&str, Vec<&Rule>> = BTreeMap::new();
        for r in &self.rules {
            m.entry(r.id.as_str()).or_default().push(r);
        }
        m
    }
}
