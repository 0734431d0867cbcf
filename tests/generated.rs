//! Generated files that are committed must match what the code generates:
//! `rules/schema.json` (the pack format's JSON Schema) and `docs/rules.md` (the default rules
//! with their descriptions and examples). Set `CLAUSELINT_BLESS=1` to rewrite them instead
//! of failing.

use std::path::Path;

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// Compare a committed file with its generated text; rewrite it under CLAUSELINT_BLESS=1.
fn check_generated(rel: &str, generated: &str, how: &str) {
    let path = root().join(rel);
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    if committed == generated {
        return;
    }
    if std::env::var_os("CLAUSELINT_BLESS").is_some_and(|v| v != "0") {
        std::fs::write(&path, generated).unwrap();
        return;
    }
    let first_diff = committed
        .lines()
        .zip(generated.lines())
        .position(|(a, b)| a != b)
        .map_or_else(
            || committed.lines().count().min(generated.lines().count()) + 1,
            |i| i + 1,
        );
    panic!(
        "{rel} is stale (first difference at line {first_diff}); regenerate it with `{how}` \
         or run `CLAUSELINT_BLESS=1 cargo test --test generated`"
    );
}

#[test]
fn schema_json_is_up_to_date() {
    check_generated(
        "rules/schema.json",
        &clauselint::rules::schema::pack_schema_json(),
        clauselint::rules::schema::REGENERATE,
    );
}

#[test]
fn docs_rules_md_is_up_to_date() {
    let set = clauselint::rules::RuleSet::embedded();
    let all: Vec<&clauselint::rules::Rule> = set.rules.iter().collect();
    check_generated(
        "docs/rules.md",
        &clauselint::authoring::docs::rules_markdown(&set, &all),
        clauselint::authoring::docs::REGENERATE,
    );
}

fn yaml_as_json(path: &Path) -> serde_json::Value {
    let text = std::fs::read_to_string(path).unwrap();
    let v: serde_yaml::Value = serde_yaml::from_str(&text).unwrap();
    serde_json::to_value(v).unwrap()
}

fn validator() -> jsonschema::Validator {
    let schema: serde_json::Value =
        serde_json::from_str(&clauselint::rules::schema::pack_schema_json()).unwrap();
    jsonschema::draft7::new(&schema).expect("the schema is a valid draft-07 schema")
}

#[test]
fn schema_accepts_the_default_packs() {
    let v = validator();
    for name in ["rules/zh.yaml", "rules/en.yaml"] {
        let errors: Vec<String> = v
            .iter_errors(&yaml_as_json(&root().join(name)))
            .map(|e| format!("{} at {}", e, e.instance_path()))
            .collect();
        assert!(errors.is_empty(), "{name}: {errors:#?}");
    }
}

#[test]
fn schema_rejects_what_the_loader_rejects() {
    let v = validator();
    // A misspelled key, a key of another kind, a missing required key, an unknown kind, a
    // bad id, and a rule without examples.
    for (name, body) in [
        ("misspelled key", "mesage: m\n    pattern: x"),
        (
            "key of another kind",
            "message: m\n    pattern: x\n    fields: [a]",
        ),
        ("missing pattern", "message: m"),
        (
            "bad severity",
            "message: m\n    pattern: x\n    severity: fatal",
        ),
    ] {
        let yaml = format!(
            "pack: t\nrules:\n  - id: a/b\n    kind: forbid\n    examples: {{bad: [x], good: [y]}}\n    {body}\n"
        );
        let doc: serde_yaml::Value = serde_yaml::from_str(&yaml).unwrap();
        assert!(
            !v.is_valid(&serde_json::to_value(doc).unwrap()),
            "{name} should be rejected:\n{yaml}"
        );
    }
    for (name, yaml) in [
        ("unknown kind", "pack: t\nrules:\n  - id: a/b\n    kind: forbidd\n    message: m\n    examples: {bad: [x], good: [y]}\n"),
        ("bad id", "pack: t\nrules:\n  - id: Blank_X\n    kind: forbid\n    message: m\n    pattern: x\n    examples: {bad: [x], good: [y]}\n"),
        ("no examples", "pack: t\nrules:\n  - id: a/b\n    kind: forbid\n    message: m\n    pattern: x\n"),
        ("no good example", "pack: t\nrules:\n  - id: a/b\n    kind: forbid\n    message: m\n    pattern: x\n    examples: {bad: [x]}\n"),
    ] {
        let doc: serde_yaml::Value = serde_yaml::from_str(yaml).unwrap();
        assert!(
            !v.is_valid(&serde_json::to_value(doc).unwrap()),
            "{name} should be rejected:\n{yaml}"
        );
    }
    let ok = "pack: t\nlang: [zh, en-US]\nrules:\n  - id: a/b\n    kind: forbid\n    message: m\n    pattern: [x, y]\n    scope: {heading: 付款}\n    examples: {bad: [x], good: [z]}\n";
    let doc: serde_yaml::Value = serde_yaml::from_str(ok).unwrap();
    let errors: Vec<String> = v
        .iter_errors(&serde_json::to_value(doc).unwrap())
        .map(|e| e.to_string())
        .collect();
    assert!(errors.is_empty(), "{errors:#?}");
}
