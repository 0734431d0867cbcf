//! The JSON Schema of the pack format, generated from the loader's own types (schemars), so
//! that editors can complete and check packs. `rules/schema.json` is this output; a test
//! keeps it in sync.
//!
//! What serde's derive cannot say is added from the loader's key tables: which keys each
//! `kind` allows and requires.

use std::borrow::Cow;

use schemars::generate::SchemaSettings;
use schemars::{json_schema, JsonSchema, Schema, SchemaGenerator};
use serde::de::value::StrDeserializer;
use serde::Deserialize;
use serde_json::{json, Map, Value};

use super::load::{kind_key_table, RawPack};
use super::{Kind, Pattern, Patterns};

/// How to regenerate the committed file.
pub const REGENERATE: &str = "cargo run -q -- schema > rules/schema.json";

/// The schema as a JSON value.
pub fn pack_schema() -> Value {
    let generator = SchemaSettings::draft07().into_generator();
    let mut v = generator.into_root_schema_for::<RawPack>().to_value();
    tidy(&mut v);
    add_kind_constraints(&mut v);
    v
}

/// What an `Option` adds for serde is noise for an author: an empty `help:` loads as "no
/// help", but an editor should flag it, and `default: null` says nothing. Drop `null` types
/// and `null`/`[]` defaults.
fn tidy(v: &mut Value) {
    match v {
        Value::Object(m) => {
            if m.get("default")
                .is_some_and(|d| d.is_null() || d == &json!([]))
            {
                m.remove("default");
            }
            if let Some(Value::Array(types)) = m.get_mut("type") {
                types.retain(|t| t != "null");
                if types.len() == 1 {
                    let t = types.remove(0);
                    m.insert("type".into(), t);
                }
            }
            if let Some(Value::Array(alts)) = m.get_mut("anyOf") {
                alts.retain(|a| a != &json!({"type": "null"}));
                if alts.len() == 1 {
                    let only = alts.remove(0);
                    m.remove("anyOf");
                    match only {
                        // draft-07 ignores the siblings of `$ref`.
                        Value::Object(o) if o.contains_key("$ref") => {
                            m.insert("allOf".into(), json!([o]));
                        }
                        Value::Object(o) => {
                            for (k, x) in o {
                                m.entry(k).or_insert(x);
                            }
                        }
                        other => {
                            m.insert("allOf".into(), json!([other]));
                        }
                    }
                }
            }
            m.values_mut().for_each(tidy);
        }
        Value::Array(a) => a.iter_mut().for_each(tidy),
        _ => {}
    }
}

/// The schema as the text committed in `rules/schema.json`.
pub fn pack_schema_json() -> String {
    let mut s = serde_json::to_string_pretty(&pack_schema()).expect("a JSON value serializes");
    s.push('\n');
    s
}

/// The kinds, as their YAML names, read from `Kind`'s own schema.
pub fn kind_names() -> Vec<String> {
    let v = SchemaGenerator::default()
        .into_root_schema_for::<Kind>()
        .to_value();
    let mut names = Vec::new();
    collect_strings(&v, &mut names);
    names
}

fn collect_strings(v: &Value, out: &mut Vec<String>) {
    if let Some(c) = v.get("const").and_then(Value::as_str) {
        out.push(c.to_string());
    }
    if let Some(e) = v.get("enum").and_then(Value::as_array) {
        out.extend(e.iter().filter_map(Value::as_str).map(str::to_string));
    }
    for k in ["oneOf", "anyOf"] {
        for alt in v.get(k).and_then(Value::as_array).into_iter().flatten() {
            collect_strings(alt, out);
        }
    }
}

/// For each kind: `if kind is K then` the keys of other kinds are not allowed and K's
/// required keys are required.
fn add_kind_constraints(root: &mut Value) {
    let Some(rule) = root.pointer_mut("/definitions/Rule") else {
        panic!("schema has no Rule definition");
    };
    let all_keys: Vec<String> = rule["properties"]
        .as_object()
        .map(|m| m.keys().cloned().collect())
        .unwrap_or_default();
    let mut all_of = Vec::new();
    for name in kind_names() {
        let kind = Kind::deserialize(StrDeserializer::<serde::de::value::Error>::new(&name))
            .unwrap_or_else(|e| panic!("kind `{name}` from the schema does not parse: {e}"));
        let (allowed, required) = kind_key_table(kind);
        let mut props = Map::new();
        for k in &all_keys {
            if !allowed.contains(&k.as_str()) && k != "id" && k != "kind" {
                props.insert(k.clone(), Value::Bool(false));
            }
        }
        all_of.push(json!({
            "if": {"properties": {"kind": {"const": name}}, "required": ["kind"]},
            "then": {"required": required, "properties": props},
        }));
    }
    rule["allOf"] = Value::Array(all_of);
}

/// A language: `zh`, `en`, `both` (or `zh-CN`, `en_US`, …), or a list.
pub struct LangSchema;

impl JsonSchema for LangSchema {
    fn schema_name() -> Cow<'static, str> {
        "Lang".into()
    }
    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        let one = json!({
            "anyOf": [
                {"enum": ["zh", "en", "both"]},
                {"type": "string", "pattern": "^(?:[zZ][hH]|[eE][nN])(?:[-_][A-Za-z0-9_-]*)?$"}
            ]
        });
        json_schema!({
            "description": "`zh`, `en`, `both`, or a list of languages",
            "anyOf": [one, {"type": "array", "items": one, "minItems": 1}]
        })
    }
}

/// Where a rule applies.
pub struct ScopeSchema;

impl JsonSchema for ScopeSchema {
    fn schema_name() -> Cow<'static, str> {
        "Scope".into()
    }
    fn json_schema(g: &mut SchemaGenerator) -> Schema {
        let regex = g.subschema_for::<Pattern>();
        json_schema!({
            "description": "`body`, `signature-block`, `any` (default), or `{heading: REGEX}`: only under headings that match",
            "anyOf": [
                {"enum": ["body", "signature-block", "any"]},
                {
                    "type": "object",
                    "properties": {"heading": regex},
                    "required": ["heading"],
                    "additionalProperties": false
                }
            ]
        })
    }
}

/// Which parties a signature rule checks.
pub struct PartiesSchema;

impl JsonSchema for PartiesSchema {
    fn schema_name() -> Cow<'static, str> {
        "Parties".into()
    }
    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "description": "`auto` (the parties named in the draft) or a list of party labels",
            "anyOf": [
                {"const": "auto"},
                {"type": "array", "items": {"type": "string"}}
            ]
        })
    }
}

/// `entity: duration` or a list of entity kinds.
pub struct EntitySchema;

impl JsonSchema for EntitySchema {
    fn schema_name() -> Cow<'static, str> {
        "Entity".into()
    }
    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        let names: Vec<&str> = crate::values::EntityKind::ALL
            .iter()
            .map(|k| k.as_str())
            .collect();
        let one = json!({"enum": names});
        json_schema!({
            "description": "the kind of value the rule asks for, or a list of kinds",
            "anyOf": [one, {"type": "array", "items": one, "minItems": 1}]
        })
    }
}

/// A limit for `min` or `max`.
pub struct BoundSchema;

impl JsonSchema for BoundSchema {
    fn schema_name() -> Cow<'static, str> {
        "Bound".into()
    }
    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "description": "a value written as in a contract (`1日`, `1 day`, `20%`, `万分之五`, `¥1,000`, `2025-06-30`), or a bare number (a year)",
            "anyOf": [{"type": "string"}, {"type": "number"}]
        })
    }
}

/// The built-in cross-checks of the `consistency` kind.
pub struct CheckSchema;

impl JsonSchema for CheckSchema {
    fn schema_name() -> Cow<'static, str> {
        "Check".into()
    }
    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "description": "the built-in cross-check to run",
            "enum": ["words-digits", "party-names", "date-valid", "date-plausible", "sign-after-termination"]
        })
    }
}

impl JsonSchema for Pattern {
    fn schema_name() -> Cow<'static, str> {
        "Regex".into()
    }
    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "type": "string",
            "description": "a regular expression in Rust `regex` syntax (no look-around); Traditional characters match their Simplified forms"
        })
    }
}

impl JsonSchema for Patterns {
    fn schema_name() -> Cow<'static, str> {
        "Regexes".into()
    }
    fn json_schema(g: &mut SchemaGenerator) -> Schema {
        let one = g.subschema_for::<Pattern>();
        json_schema!({
            "description": "a regex, or a list of regexes of which any may match",
            "anyOf": [one, {"type": "array", "items": one}]
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_kind_has_constraints_and_forbid_rejects_signature_keys() {
        let v = pack_schema();
        let all_of = v
            .pointer("/definitions/Rule/allOf")
            .unwrap()
            .as_array()
            .unwrap();
        assert_eq!(all_of.len(), kind_names().len());
        assert!(kind_names().contains(&"forbid".to_string()));
        let forbid = all_of
            .iter()
            .find(|c| c.pointer("/if/properties/kind/const") == Some(&json!("forbid")))
            .unwrap();
        assert_eq!(
            forbid.pointer("/then/properties/fields"),
            Some(&json!(false))
        );
        assert_eq!(forbid.pointer("/then/properties/pattern"), None);
        let req = forbid
            .pointer("/then/required")
            .unwrap()
            .as_array()
            .unwrap();
        assert!(req.contains(&json!("pattern")) && req.contains(&json!("message")));
    }

    #[test]
    fn every_property_is_described() {
        let v = pack_schema();
        for def in ["/definitions/Rule/properties", "/properties"] {
            for (k, p) in v.pointer(def).unwrap().as_object().unwrap() {
                assert!(
                    p.get("description").is_some(),
                    "{def}/{k} has no description: add a doc comment to its field"
                );
            }
        }
    }
}
