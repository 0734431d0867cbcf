//! Reading a pack: a typed pass (unknown keys, types, regexes) and a validation pass (keys
//! that do not belong to a rule's kind, required keys, id conventions, duplicate ids). Both
//! passes are serde passes over the YAML, so every error carries the position of the exact
//! key or scalar at fault.

use std::collections::HashSet;
use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use regex::Regex;
use schemars::JsonSchema;
use serde::de::{self, DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde::Deserialize;

use super::entity::{self, Bound, Check, EntitySpec, RuleInfo, UnitSpec, ValueSpec};
use super::pattern::{Pattern, Patterns, LAST_PATTERN_ERROR};
use super::{Examples, Kind, Parties, Rule, Scope, Severity, TemplateChange, TemplateSpec, Unit};
use crate::document::LangSet;

/// A pack that could not be loaded, with the position in its YAML text.
#[derive(Debug, Clone)]
pub struct PackError {
    pub path: PathBuf,
    pub text: String,
    pub message: String,
    /// Byte range in `text` of the offending key or value.
    pub span: std::ops::Range<usize>,
}

impl fmt::Display for PackError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (line, col) = line_col(&self.text, self.span.start);
        write!(
            f,
            "{}:{}:{}: {}",
            self.path.display(),
            line,
            col,
            self.message
        )
    }
}

fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let before = &text[..offset.min(text.len())];
    let line = before.matches('\n').count() + 1;
    let col = before.rsplit('\n').next().unwrap_or("").chars().count() + 1;
    (line, col)
}

pub struct LoadedPack {
    pub name: String,
    pub lang: LangSet,
    pub priority: Option<Vec<String>>,
    pub rules: Vec<Rule>,
}

// The doc comments on these types become the descriptions in `rules/schema.json`.

/// A clauselint rule pack: YAML read by `--rules`, checked by `clauselint validate`.
#[derive(Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(title = "clauselint rule pack", rename = "Pack")]
pub(super) struct RawPack {
    /// The pack's name, shown by `clauselint rules`.
    pack: String,
    /// The default language of the pack's rules: `zh`, `en`, `both`, or a list.
    #[serde(default)]
    #[schemars(with = "Option<super::schema::LangSchema>")]
    lang: Option<RawLang>,
    /// What the pack is for.
    #[serde(default)]
    description: Option<String>,
    /// Category order for overlapping findings (first wins); default `signature`,
    /// `percentage`, `deadline`, `precedence`, `blank`.
    #[serde(default)]
    priority: Option<Vec<String>>,
    /// The rules.
    rules: Vec<RawRule>,
}

/// One rule. Which keys are allowed and required depends on `kind`.
#[derive(Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
#[schemars(rename = "Rule")]
struct RawRule {
    /// `category/name`, lowercase kebab-case (e.g. `blank/underscore`); unique per language
    /// across all loaded packs.
    #[schemars(regex(pattern = r"^[a-z0-9]+(?:-[a-z0-9]+)*/[a-z0-9]+(?:-[a-z0-9]+)*$"))]
    id: String,
    /// What the rule checks.
    kind: Kind,
    /// `error` (default), `warning` or `info`.
    #[serde(default)]
    severity: Option<Severity>,
    /// The finding's message (zh packs speak Chinese; English lowercase, no trailing
    /// period). Signature rules may use `{party}` and `{field}`.
    message: Option<String>,
    /// A help line printed under the finding: how to fix it.
    #[serde(default)]
    help: Option<String>,
    /// What the rule reports and why it matters (shown by `clauselint explain` and in
    /// docs/rules.md).
    #[serde(default)]
    description: Option<String>,
    /// Snippets the rule must report (`bad`) and leave alone (`good`); run by
    /// `clauselint validate`, `test` and `explain`.
    #[schemars(required)]
    examples: Option<Examples>,
    /// The rule's languages (default: the pack's `lang`).
    #[serde(default)]
    #[schemars(with = "Option<super::schema::LangSchema>")]
    lang: Option<RawLang>,
    /// The unit the rule looks at: `clause` (default), `sentence`, `section`, `document`.
    #[serde(default, rename = "in")]
    unit: Option<Unit>,
    /// Where the rule applies: `body`, `signature-block`, `any` (default) or
    /// `{heading: REGEX}` (only under headings that match).
    #[serde(default)]
    #[schemars(with = "Option<super::schema::ScopeSchema>")]
    scope: Option<RawScope>,
    /// Restrict the rule to these kinds of clause.
    #[serde(default)]
    clause_kinds: Option<Vec<ClauseKindName>>,
    /// forbid: the regex (or regexes) that must not occur. A named group `at` narrows the
    /// reported span.
    #[serde(default)]
    pattern: Option<Patterns>,
    /// forbid, require: only units that match this regex (or any of these) are looked at;
    /// for require, the finding sits on the match (or its `at` group).
    #[serde(default)]
    when: Option<Patterns>,
    /// require: the regex (or any of these) that must occur in every unit that matches
    /// `when`.
    #[serde(default)]
    must: Option<Patterns>,
    /// Skip a unit that also matches this regex (or any of these).
    #[serde(default)]
    unless: Option<Patterns>,
    /// forbid: skip a match whose own text matches this regex (or any of these).
    #[serde(default)]
    allow: Option<Patterns>,
    /// signature: `auto` (parties from the draft) or a list of party labels.
    #[serde(default)]
    #[schemars(with = "Option<super::schema::PartiesSchema>")]
    parties: Option<RawParties>,
    /// signature: the field labels of a signature block (盖章, 签字, 日期, By, Name, …).
    #[serde(default)]
    fields: Option<Vec<String>>,
    /// signature: the party roles to recognise (甲方, 出租方, Buyer, …).
    #[serde(default)]
    roles: Option<Vec<String>>,
    /// signature: the fields that show a party signs (盖章, 签字, Signature, By): a draft
    /// with no block marker has a signature block only where its last label lines hold one
    /// of them. Default: every entry of `fields`.
    #[serde(default)]
    signing_fields: Option<Vec<String>>,
    /// signature: regexes for the lines that start a signature block.
    #[serde(default)]
    markers: Option<Patterns>,
    /// signature: the message for a party with no signature lines (`{party}` is filled in).
    #[serde(default)]
    message_missing: Option<String>,
    /// require/range: the kind of value asked for (duration, percent, money, date), instead of `must`.
    #[serde(default)]
    #[schemars(with = "Option<super::schema::EntitySchema>")]
    entity: Option<EntitySpec>,
    /// require/range/consistency: the lowest value allowed (`1日`, `20%`, or a year).
    #[serde(default)]
    #[schemars(with = "Option<super::schema::BoundSchema>")]
    min: Option<Bound>,
    /// require/range/consistency: the highest value allowed.
    #[serde(default)]
    #[schemars(with = "Option<super::schema::BoundSchema>")]
    max: Option<Bound>,
    /// require/range: the unit a duration or amount must be in (`工作日`, `day`, `CNY`, …).
    #[serde(default, rename = "unit")]
    value_unit: Option<String>,
    /// range: a regex locating the value to check (e.g. the 定金 amount).
    #[serde(default)]
    value: Option<Patterns>,
    /// range: a regex locating the base the value is a share of (e.g. the contract price).
    #[serde(default)]
    of: Option<Patterns>,
    /// consistency: the built-in cross-check to run.
    #[serde(default)]
    #[schemars(with = "Option<super::schema::CheckSchema>")]
    check: Option<Check>,
    /// template: which change the rule reports (deleted, inserted, changed, moved).
    #[serde(default)]
    change: Option<TemplateChange>,
    /// template: the message of the secondary label in the template file.
    #[serde(default)]
    template_label: Option<String>,
    /// template: the message for a fill that runs past its blank.
    #[serde(default)]
    message_spill: Option<String>,
    /// template: extra regexes for blanks in the template, besides those of `slots-from`.
    #[serde(default)]
    slots: Option<Patterns>,
    /// template: rule ids or categories whose findings in the template are its blanks.
    #[serde(default)]
    slots_from: Option<Vec<String>>,
    /// template: regexes for words a fill may restate after its blank (元, 日, days).
    #[serde(default)]
    absorb: Option<Patterns>,
}

/// A kind of clause.
#[derive(Deserialize, Clone, Copy, JsonSchema)]
#[serde(rename_all = "lowercase")]
#[schemars(rename = "ClauseKind")]
enum ClauseKindName {
    /// a paragraph
    Paragraph,
    /// a list item
    Item,
    /// a heading
    Heading,
    /// a table cell
    Cell,
    /// a line ending in a colon that a list or table follows directly
    Intro,
}

impl ClauseKindName {
    fn as_str(self) -> &'static str {
        match self {
            ClauseKindName::Paragraph => "paragraph",
            ClauseKindName::Item => "item",
            ClauseKindName::Heading => "heading",
            ClauseKindName::Cell => "cell",
            ClauseKindName::Intro => "intro",
        }
    }
}

/// `zh`, `en`, `both`, or a list of them.
struct RawLang(LangSet);

impl<'de> Deserialize<'de> for RawLang {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = RawLang;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a language (zh, en) or a list of languages")
            }
            fn visit_str<E: de::Error>(self, s: &str) -> Result<RawLang, E> {
                LangSet::parse(s).map(RawLang).ok_or_else(|| {
                    E::custom(format!("unknown language `{s}`, expected `zh` or `en`"))
                })
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<RawLang, A::Error> {
                let mut set = LangSet::EMPTY;
                while let Some(RawLang(l)) = seq.next_element::<RawLang>()? {
                    set = set.union(l);
                }
                Ok(RawLang(set))
            }
        }
        d.deserialize_any(V)
    }
}

struct RawScope(Scope);

impl<'de> Deserialize<'de> for RawScope {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = RawScope;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("`body`, `signature-block`, `any` or `{heading: REGEX}`")
            }
            fn visit_str<E: de::Error>(self, s: &str) -> Result<RawScope, E> {
                match s {
                    "body" => Ok(RawScope(Scope::Body)),
                    "signature-block" => Ok(RawScope(Scope::SignatureBlock)),
                    "any" => Ok(RawScope(Scope::Any)),
                    _ => Err(E::custom(format!(
                        "unknown scope `{s}`, expected `body`, `signature-block`, `any` or `{{heading: REGEX}}`"
                    ))),
                }
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<RawScope, A::Error> {
                let mut heading = None;
                while let Some(k) = map.next_key::<String>()? {
                    if k == "heading" {
                        heading = Some(map.next_value::<Pattern>()?);
                    } else {
                        return Err(de::Error::custom(format!(
                            "unknown field `{k}` in scope, expected `heading`"
                        )));
                    }
                }
                heading
                    .map(|p| RawScope(Scope::Heading(p)))
                    .ok_or_else(|| de::Error::custom("scope map needs `heading: REGEX`"))
            }
        }
        d.deserialize_any(V)
    }
}

struct RawParties(Parties);

impl<'de> Deserialize<'de> for RawParties {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = RawParties;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("`auto` or a list of party labels")
            }
            fn visit_str<E: de::Error>(self, s: &str) -> Result<RawParties, E> {
                if s == "auto" {
                    Ok(RawParties(Parties::Auto))
                } else {
                    Err(E::custom(format!(
                        "unknown parties `{s}`, expected `auto` or a list"
                    )))
                }
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<RawParties, A::Error> {
                let mut v = Vec::new();
                while let Some(s) = seq.next_element::<String>()? {
                    v.push(s);
                }
                Ok(RawParties(Parties::List(v)))
            }
        }
        d.deserialize_any(V)
    }
}

const COMMON_KEYS: &[&str] = &[
    "id",
    "kind",
    "severity",
    "message",
    "help",
    "description",
    "examples",
    "lang",
    "scope",
    "unless",
    "clause-kinds",
];
const FORBID_KEYS: &[&str] = &["pattern", "when", "allow", "in"];
const REQUIRE_KEYS: &[&str] = &["when", "must", "in"];
const SIGNATURE_KEYS: &[&str] = &[
    "parties",
    "fields",
    "roles",
    "signing-fields",
    "markers",
    "message-missing",
];
const REQUIRE_VALUE_KEYS: &[&str] = &["entity", "min", "max", "unit"];
const RANGE_KEYS: &[&str] = &["when", "in", "value", "of", "entity", "min", "max", "unit"];
const CONSISTENCY_KEYS: &[&str] = &["check", "roles", "fields", "min", "max"];
const TEMPLATE_KEYS: &[&str] = &[
    "change",
    "template-label",
    "message-spill",
    "slots",
    "slots-from",
    "absorb",
];
/// Common keys that mean nothing for a comparison with a template.
const NOT_FOR_TEMPLATE: &[&str] = &["scope", "unless", "clause-kinds"];

fn kind_keys(kind: Kind) -> &'static [&'static str] {
    match kind {
        Kind::Forbid => FORBID_KEYS,
        Kind::Require => REQUIRE_KEYS,
        Kind::Signature => SIGNATURE_KEYS,
        Kind::Range => RANGE_KEYS,
        Kind::Consistency => CONSISTENCY_KEYS,
        Kind::Template => TEMPLATE_KEYS,
    }
}

/// Keys of a kind, including the value-layer keys `require` accepts.
fn kind_accepts(kind: Kind, key: &str) -> bool {
    kind_keys(kind).contains(&key) || kind == Kind::Require && REQUIRE_VALUE_KEYS.contains(&key)
}

fn required_keys(kind: Kind) -> &'static [&'static str] {
    match kind {
        Kind::Forbid => &["pattern"],
        Kind::Require => &["must"],
        Kind::Signature => &["fields"],
        Kind::Range => &["value"],
        Kind::Consistency => &["check"],
        Kind::Template => &["change"],
    }
}

fn all_rule_keys() -> Vec<&'static str> {
    let mut v: Vec<&str> = COMMON_KEYS.to_vec();
    v.extend(FORBID_KEYS);
    v.extend(REQUIRE_KEYS);
    v.extend(SIGNATURE_KEYS);
    v.extend(REQUIRE_VALUE_KEYS);
    v.extend(RANGE_KEYS);
    v.extend(CONSISTENCY_KEYS);
    v.extend(TEMPLATE_KEYS);
    v.sort();
    v.dedup();
    v
}

/// The keys a rule of this kind may have, and the keys it must have (besides `id` and
/// `kind`). The JSON Schema is built from the same tables as the loader.
pub(crate) fn kind_key_table(kind: Kind) -> (Vec<&'static str>, Vec<&'static str>) {
    let mut allowed: Vec<&str> = COMMON_KEYS.to_vec();
    allowed.extend(kind_keys(kind));
    if kind == Kind::Require {
        allowed.extend(REQUIRE_VALUE_KEYS);
    }
    let mut required = vec!["message"];
    // A `require` rule needs `must` or `entity`; the schema cannot say "one of" in this
    // table, so it requires neither and the loader enforces the choice.
    if kind != Kind::Require {
        required.extend(required_keys(kind));
    }
    (allowed, required)
}

fn id_re() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| Regex::new(r"^[a-z0-9]+(?:-[a-z0-9]+)*/[a-z0-9]+(?:-[a-z0-9]+)*$").unwrap())
}

/// Read and validate one pack. `existing` are the rules of packs loaded before it.
pub fn load_pack(path: &Path, text: &str, existing: &[Rule]) -> Result<LoadedPack, PackError> {
    let err = |e: serde_yaml::Error| to_pack_error(path, text, e);
    LAST_PATTERN_ERROR.with(|l| *l.borrow_mut() = None);
    let raw: RawPack = serde_yaml::from_str(text).map_err(err)?;
    let pack_lang = raw.lang.as_ref().map_or(LangSet::BOTH, |l| l.0);
    let _ = &raw.description;

    // Validation pass, with the kinds and languages the typed pass found.
    let info: Vec<(Kind, LangSet)> = raw
        .rules
        .iter()
        .map(|r| (r.kind, r.lang.as_ref().map_or(pack_lang, |l| l.0)))
        .collect();
    let mut seen: Vec<(String, LangSet)> =
        existing.iter().map(|r| (r.id.clone(), r.lang)).collect();
    let seed = PackSeed {
        info: &info,
        seen: &mut seen,
    };
    let de = serde_yaml::Deserializer::from_str(text);
    seed.deserialize(de).map_err(err)?;
    let value_info: Vec<RuleInfo> = raw
        .rules
        .iter()
        .map(|r| RuleInfo {
            kind: r.kind,
            entity: r.entity.clone().unwrap_or_default().0,
            check: r.check,
            has_of: r.of.is_some(),
        })
        .collect();
    entity::validate(text, &value_info).map_err(err)?;

    let name = raw.pack;
    let mut rules = Vec::with_capacity(raw.rules.len());
    for r in raw.rules {
        let lang = r.lang.map_or(pack_lang, |l| l.0);
        rules.push(Rule {
            id: r.id,
            kind: r.kind,
            severity: r.severity.unwrap_or(Severity::Error),
            message: r.message.unwrap_or_default(),
            help: r.help,
            description: r.description,
            examples: r.examples.unwrap_or_default(),
            lang,
            unit: r.unit.unwrap_or_default(),
            scope: r.scope.map(|s| s.0).unwrap_or_default(),
            clause_kinds: r
                .clause_kinds
                .map(|v| v.into_iter().map(|k| k.as_str().to_string()).collect()),
            pattern: r.pattern.unwrap_or_default(),
            when: r.when.unwrap_or_default(),
            must: r.must.unwrap_or_default(),
            unless: r.unless.unwrap_or_default(),
            allow: r.allow.unwrap_or_default(),
            parties: r.parties.map(|p| p.0).unwrap_or_default(),
            fields: r.fields.unwrap_or_default(),
            roles: r.roles.unwrap_or_default(),
            signing_fields: r.signing_fields.unwrap_or_default(),
            markers: r.markers.unwrap_or_default(),
            message_missing: r.message_missing,
            value_spec: value_spec(r.kind, r.entity, r.value_unit, r.min, r.max, r.of.is_some()),
            value: r.value.unwrap_or_default(),
            of: r.of.unwrap_or_default(),
            check: r.check,
            template: r.change.map(|change| TemplateSpec {
                change,
                template_label: r.template_label,
                message_spill: r.message_spill,
                slots: r.slots.unwrap_or_default(),
                slots_from: r.slots_from.unwrap_or_default(),
                absorb: r.absorb.unwrap_or_default(),
            }),
            vocab: Default::default(),
            pack: name.clone(),
            pack_path: path.to_path_buf(),
        });
    }
    Ok(LoadedPack {
        name,
        lang: pack_lang,
        priority: raw.priority,
        rules,
    })
}

/// The entity kinds, unit and limits of a rule (validated by the passes before).
fn value_spec(
    kind: Kind,
    entity: Option<EntitySpec>,
    unit: Option<String>,
    min: Option<Bound>,
    max: Option<Bound>,
    has_of: bool,
) -> ValueSpec {
    let mut kinds = entity.map(|e| e.0).unwrap_or_default();
    if kind == Kind::Range && kinds.is_empty() && has_of {
        kinds = vec![
            crate::values::EntityKind::Money,
            crate::values::EntityKind::Percent,
        ];
    }
    let unit = match (kinds.as_slice(), unit) {
        ([k], Some(u)) => UnitSpec::parse(*k, &u).ok(),
        _ => None,
    };
    ValueSpec {
        kinds,
        unit,
        min,
        max,
    }
}

pub(crate) fn to_pack_error(path: &Path, text: &str, e: serde_yaml::Error) -> PackError {
    let loc = e.location();
    let mut start = loc
        .as_ref()
        .map_or(0, |l| offset_of(text, l.line(), l.column()));
    let mut message = e.to_string();
    if let Some(i) = message.rfind(" at line ") {
        message.truncate(i);
    }
    message = plain_words(&did_you_mean(&message));
    let mut end = token_end(text, start);
    if message.contains("invalid regex") {
        if let Some(pe) = LAST_PATTERN_ERROR.with(|l| l.borrow_mut().take()) {
            if let Some(at) = offset_in_scalar(text, start, pe.char_offset) {
                start = at;
                end = next_char(text, at);
            }
        }
    }
    PackError {
        path: path.to_path_buf(),
        text: text.to_string(),
        message,
        span: start..end.max(start),
    }
}

/// Byte offset of a 1-based line and 1-based character column.
fn offset_of(text: &str, line: usize, column: usize) -> usize {
    let mut off = 0;
    for (i, l) in text.split_inclusive('\n').enumerate() {
        if i + 1 == line {
            let col = l
                .char_indices()
                .nth(column.saturating_sub(1))
                .map_or(l.len(), |(b, _)| b);
            return off + col;
        }
        off += l.len();
    }
    text.len()
}

fn next_char(text: &str, at: usize) -> usize {
    text[at..].chars().next().map_or(at, |c| at + c.len_utf8())
}

/// The end of the key or scalar starting at `start` (to the end of its line, before a colon).
fn token_end(text: &str, start: usize) -> usize {
    let rest = &text[start.min(text.len())..];
    let line = rest.split('\n').next().unwrap_or("");
    let line = line.trim_end_matches('\r');
    let cut = if line.starts_with('\'') || line.starts_with('"') {
        line.len()
    } else {
        line.find(": ")
            .or_else(|| line.strip_suffix(':').map(|l| l.len()))
            .unwrap_or(line.len())
    };
    start + cut.max(line.chars().next().map_or(0, |c| c.len_utf8()))
}

/// Map a character offset inside a scalar's value to a byte offset in the YAML text, for
/// plain, single-quoted and double-quoted scalars on one line.
fn offset_in_scalar(text: &str, start: usize, char_offset: usize) -> Option<usize> {
    let rest = &text[start..];
    let mut chars = rest.char_indices().peekable();
    let quote = match rest.chars().next()? {
        q @ ('\'' | '"') => {
            chars.next();
            Some(q)
        }
        '|' | '>' => return None,
        _ => None,
    };
    let mut n = 0;
    while let Some((i, c)) = chars.next() {
        if c == '\n' {
            return None;
        }
        if n == char_offset {
            return Some(start + i);
        }
        match (quote, c) {
            (Some('\''), '\'') => {
                chars.next();
            }
            (Some('"'), '\\') => {
                chars.next();
            }
            _ => {}
        }
        n += 1;
    }
    None
}

/// serde names Rust types ("expected struct RawRule"); say what the YAML should be.
fn plain_words(message: &str) -> String {
    [
        (
            "expected struct RawPack",
            "expected a rule pack: a map with `pack` and `rules`",
        ),
        (
            "expected struct RawRule",
            "expected a rule: a map with `id`, `kind`, `message`, …",
        ),
        (
            "expected struct Examples",
            "expected `{bad: [...], good: [...]}`",
        ),
        (
            "expected a YAML tag starting with '!'",
            "expected a single value",
        ),
    ]
    .iter()
    .fold(message.to_string(), |m, (from, to)| m.replace(from, to))
}

/// Turn serde's "unknown field `mesage`, expected one of …" into a did-you-mean.
fn did_you_mean(message: &str) -> String {
    static RE: OnceLock<Regex> = OnceLock::new();
    let re = RE.get_or_init(|| {
        Regex::new(r"unknown (field|variant) `([^`]*)`, expected (?:one of )?(.*)$").unwrap()
    });
    let Some(c) = re.captures(message) else {
        return message.to_string();
    };
    let what = &c[1];
    let got = &c[2];
    let expected: Vec<&str> = c[3]
        .split(['`', ','])
        .map(str::trim)
        .filter(|s| !s.is_empty() && *s != "or")
        .collect();
    let prefix = &message[..c.get(0).unwrap().start()];
    let best = suggest(got, expected.iter().copied());
    let what = if what == "variant" { "value" } else { what };
    match best {
        Some(b) => format!("{prefix}unknown {what} `{got}`, did you mean `{b}`?"),
        None => format!(
            "{prefix}unknown {what} `{got}`, expected one of {}",
            expected
                .iter()
                .map(|e| format!("`{e}`"))
                .collect::<Vec<_>>()
                .join(", ")
        ),
    }
}

/// The closest candidate, if it is close enough to be a typo.
pub fn suggest<'a>(got: &str, candidates: impl Iterator<Item = &'a str>) -> Option<&'a str> {
    candidates
        .map(|c| (strsim::jaro_winkler(got, c), c))
        .filter(|(s, _)| *s > 0.8)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, c)| c)
}

struct PackSeed<'a> {
    info: &'a [(Kind, LangSet)],
    seen: &'a mut Vec<(String, LangSet)>,
}

impl<'de> DeserializeSeed<'de> for PackSeed<'_> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for PackSeed<'_> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a rule pack")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        while let Some(k) = map.next_key::<String>()? {
            if k == "rules" {
                map.next_value_seed(RulesSeed {
                    info: self.info,
                    seen: &mut *self.seen,
                })?;
            } else {
                map.next_value::<IgnoredAny>()?;
            }
        }
        Ok(())
    }
}

struct RulesSeed<'a> {
    info: &'a [(Kind, LangSet)],
    seen: &'a mut Vec<(String, LangSet)>,
}

impl<'de> DeserializeSeed<'de> for RulesSeed<'_> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_seq(self)
    }
}

impl<'de> Visitor<'de> for RulesSeed<'_> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a list of rules")
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        let mut i = 0;
        while let Some(&(kind, lang)) = self.info.get(i) {
            let found = seq.next_element_seed(RuleSeed {
                kind,
                lang,
                seen: &mut *self.seen,
            })?;
            if found.is_none() {
                break;
            }
            i += 1;
        }
        Ok(())
    }
}

struct RuleSeed<'a> {
    kind: Kind,
    lang: LangSet,
    seen: &'a mut Vec<(String, LangSet)>,
}

impl<'de> DeserializeSeed<'de> for RuleSeed<'_> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for RuleSeed<'_> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a rule")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        let mut keys = HashSet::new();
        while let Some(k) = map.next_key_seed(KeySeed { kind: self.kind })? {
            if k == "id" {
                map.next_value_seed(IdSeed {
                    lang: self.lang,
                    seen: &mut *self.seen,
                })?;
            } else {
                map.next_value::<IgnoredAny>()?;
            }
            keys.insert(k);
        }
        let mut missing: Vec<&str> = ["message"]
            .iter()
            .chain(required_keys(self.kind))
            .copied()
            .filter(|k| !keys.contains(*k))
            // `entity` instead of `must`: a value rather than a regex.
            .filter(|k| !(*k == "must" && keys.contains("entity")))
            .collect();
        missing.dedup();
        if !missing.is_empty() {
            return Err(de::Error::custom(format!(
                "a `{}` rule needs {}",
                self.kind.as_str(),
                missing
                    .iter()
                    .map(|k| if *k == "must" && self.kind == Kind::Require {
                        "`must` (or `entity`)".to_string()
                    } else {
                        format!("`{k}`")
                    })
                    .collect::<Vec<_>>()
                    .join(" and ")
            )));
        }
        Ok(())
    }
}

struct KeySeed {
    kind: Kind,
}

impl<'de> DeserializeSeed<'de> for KeySeed {
    type Value = String;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<String, D::Error> {
        // The check runs inside the visitor so that serde_yaml marks the error with the
        // key's own position.
        d.deserialize_str(self)
    }
}

impl<'de> Visitor<'de> for KeySeed {
    type Value = String;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a key")
    }
    fn visit_str<E: de::Error>(self, k: &str) -> Result<String, E> {
        if self.kind == Kind::Template && NOT_FOR_TEMPLATE.contains(&k) {
            return Err(E::custom(format!(
                "key `{k}` does not apply to a `template` rule (it compares whole clauses with a template)"
            )));
        }
        if COMMON_KEYS.contains(&k) || kind_accepts(self.kind, k) {
            return Ok(k.to_string());
        }
        if all_rule_keys().contains(&k) {
            let owners: Vec<&str> = Kind::ALL
                .into_iter()
                .filter(|kd| kind_accepts(*kd, k))
                .map(Kind::as_str)
                .collect();
            return Err(E::custom(format!(
                "key `{k}` does not belong to a `{}` rule (it is for {} rules)",
                self.kind.as_str(),
                owners.join(" and ")
            )));
        }
        // Unknown keys were already rejected by the typed pass.
        Ok(k.to_string())
    }
}

struct IdSeed<'a> {
    lang: LangSet,
    seen: &'a mut Vec<(String, LangSet)>,
}

impl<'de> DeserializeSeed<'de> for IdSeed<'_> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_str(self)
    }
}

impl<'de> Visitor<'de> for IdSeed<'_> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a rule id")
    }
    fn visit_str<E: de::Error>(self, id: &str) -> Result<(), E> {
        if !id_re().is_match(id) {
            return Err(E::custom(format!(
                "rule id `{id}` does not follow the `category/name` convention (lowercase kebab-case, e.g. `blank/underscore`)"
            )));
        }
        if self
            .seen
            .iter()
            .any(|(s, l)| s == id && l.intersects(self.lang))
        {
            return Err(E::custom(format!(
                "duplicate rule id `{id}`: an id may be defined once per language across all loaded packs"
            )));
        }
        self.seen.push((id.to_string(), self.lang));
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn load(text: &str) -> Result<LoadedPack, PackError> {
        load_pack(Path::new("t.yaml"), text, &[])
    }

    fn at(e: &PackError) -> (usize, usize) {
        line_col(&e.text, e.span.start)
    }

    #[test]
    fn unknown_key_is_pointed_with_a_suggestion() {
        let e =
            load("pack: t\nrules:\n  - id: a/b\n    kind: forbid\n    mesage: x\n    pattern: y\n")
                .err()
                .unwrap();
        assert!(
            e.message
                .contains("unknown field `mesage`, did you mean `message`"),
            "{}",
            e.message
        );
        assert_eq!(at(&e), (5, 5));
    }

    #[test]
    fn broken_regex_points_inside_the_pattern() {
        let e = load(
            "pack: t\nrules:\n  - id: a/b\n    kind: forbid\n    message: m\n    pattern: 'ab(c'\n",
        )
        .err()
        .unwrap();
        assert!(e.message.contains("invalid regex"), "{}", e.message);
        assert!(e.message.contains("unclosed group"), "{}", e.message);
        assert_eq!(at(&e), (6, 17));
    }

    #[test]
    fn key_of_another_kind_is_rejected_at_the_key() {
        let e = load("pack: t\nrules:\n  - id: a/b\n    kind: forbid\n    message: m\n    pattern: x\n    fields: [a]\n")
            .err()
            .unwrap();
        assert!(
            e.message.contains("does not belong to a `forbid` rule"),
            "{}",
            e.message
        );
        assert_eq!(at(&e), (7, 5));
    }

    #[test]
    fn unknown_kind_is_rejected() {
        let e = load("pack: t\nrules:\n  - id: a/b\n    kind: forbidd\n    message: m\n")
            .err()
            .unwrap();
        assert!(e.message.contains("did you mean `forbid`"), "{}", e.message);
        assert_eq!(at(&e).0, 4);
    }

    #[test]
    fn duplicate_ids_in_one_language_are_rejected_but_not_across_languages() {
        let dup = "pack: t\nlang: zh\nrules:\n  - id: a/b\n    kind: forbid\n    message: m\n    pattern: x\n  - id: a/b\n    kind: forbid\n    message: m\n    pattern: y\n";
        let e = load(dup).err().unwrap();
        assert!(
            e.message.contains("duplicate rule id `a/b`"),
            "{}",
            e.message
        );
        assert_eq!(at(&e), (8, 9));
        let ok = "pack: t\nrules:\n  - id: a/b\n    lang: zh\n    kind: forbid\n    message: m\n    pattern: x\n  - id: a/b\n    lang: en\n    kind: forbid\n    message: m\n    pattern: y\n";
        assert!(load(ok).is_ok());
    }

    #[test]
    fn missing_message_and_bad_id_are_errors() {
        let e = load("pack: t\nrules:\n  - id: a/b\n    kind: require\n    when: x\n")
            .err()
            .unwrap();
        assert!(
            e.message.contains("needs `message` and `must`"),
            "{}",
            e.message
        );
        let e = load("pack: t\nrules:\n  - id: Blank_Underscore\n    kind: forbid\n    message: m\n    pattern: x\n")
            .err()
            .unwrap();
        assert!(e.message.contains("category/name"), "{}", e.message);
    }

    #[test]
    fn template_rules_take_their_own_keys_only() {
        let ok = load("pack: t\nrules:\n  - id: template/changed\n    kind: template\n    change: changed\n    message: m\n    slots-from: [blank]\n    absorb: '元$'\n")
            .unwrap();
        let spec = ok.rules[0].template.as_ref().unwrap();
        assert_eq!(spec.change, TemplateChange::Changed);
        assert_eq!(spec.slots_from, vec!["blank".to_string()]);
        assert_eq!(spec.absorb.iter().count(), 1);

        let e =
            load("pack: t\nrules:\n  - id: template/changed\n    kind: template\n    message: m\n")
                .err()
                .unwrap();
        assert!(e.message.contains("needs `change`"), "{}", e.message);

        let e = load("pack: t\nrules:\n  - id: template/changed\n    kind: template\n    change: changed\n    message: m\n    pattern: x\n")
            .err()
            .unwrap();
        assert!(
            e.message.contains("does not belong to a `template` rule"),
            "{}",
            e.message
        );
        assert_eq!(at(&e), (7, 5));

        let e = load("pack: t\nrules:\n  - id: template/changed\n    kind: template\n    change: changed\n    message: m\n    scope: body\n")
            .err()
            .unwrap();
        assert!(
            e.message.contains("does not apply to a `template` rule"),
            "{}",
            e.message
        );

        let e = load("pack: t\nrules:\n  - id: template/changed\n    kind: template\n    change: edited\n    message: m\n")
            .err()
            .unwrap();
        assert!(
            e.message.contains("unknown value `edited`"),
            "{}",
            e.message
        );
    }
}
