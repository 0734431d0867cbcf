//! The template keys of a draft's (or a template's) front matter:
//!
//! ```yaml
//! template: templates/after-sales-termination.zh-Hans.md   # a path (from the draft's folder) or an id
//! template-free: [七、其他条款, 附件]                          # clauses that may be edited freely
//! template-alternatives:                                     # other wordings allowed per clause
//!   七.1: [本协议一式[份数]份，甲乙双方各执一份，具有同等法律效力。]
//! ```
//!
//! Read here rather than in `document::front_matter` so that the template feature stays in
//! its own module; other keys are ignored, as there.

use std::collections::BTreeMap;

use serde::Deserialize;

use crate::document::Document;

#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct TemplateKeys {
    pub template: Option<String>,
    pub free: Vec<String>,
    pub alternatives: BTreeMap<String, Vec<String>>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct Raw {
    template: Option<String>,
    #[serde(rename = "template-free")]
    free: Option<OneOrMany>,
    #[serde(rename = "template-alternatives")]
    alternatives: Option<BTreeMap<String, OneOrMany>>,
}

#[derive(Deserialize)]
#[serde(untagged)]
enum OneOrMany {
    One(String),
    Many(Vec<String>),
}

impl OneOrMany {
    fn into_vec(self) -> Vec<String> {
        match self {
            OneOrMany::One(s) => vec![s],
            OneOrMany::Many(v) => v,
        }
    }
}

/// Read the template keys. An error names the line and column in the document.
pub fn read(doc: &Document) -> Result<TemplateKeys, String> {
    let Some(span) = &doc.front_matter.span else {
        return Ok(TemplateKeys::default());
    };
    let text = doc.text();
    let block = &text[span.clone()];
    // Between the opening `---` line and the closing `---`/`...` line.
    let body_start = block.find('\n').map_or(block.len(), |i| i + 1);
    let mut body_end = block.len();
    let trimmed = block.trim_end_matches(['\n', '\r']);
    if let Some(i) = trimmed.rfind('\n') {
        body_end = i + 1;
    }
    let yaml = &block[body_start..body_end.max(body_start)];
    if yaml.trim().is_empty() {
        return Ok(TemplateKeys::default());
    }
    let raw: Raw = serde_yaml::from_str(yaml).map_err(|e| {
        let at = e.location().map_or(0, |l| l.index()).min(yaml.len());
        let (line, col) = doc.source.line_col(span.start + body_start + at);
        let mut msg = e.to_string();
        if let Some(i) = msg.rfind(" at line ") {
            msg.truncate(i);
        }
        format!("{line}:{col}: invalid front matter: {msg}")
    })?;
    Ok(TemplateKeys {
        template: raw.template.filter(|t| !t.trim().is_empty()),
        free: raw.free.map(OneOrMany::into_vec).unwrap_or_default(),
        alternatives: raw
            .alternatives
            .unwrap_or_default()
            .into_iter()
            .map(|(k, v)| (k, v.into_vec()))
            .collect(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::Source;

    #[test]
    fn keys_are_read_and_others_ignored() {
        let src = Source::new(
            "d.md",
            "---\ntitle: x\ntemplate: ../t.md\ntemplate-free: 七、其他条款\ntemplate-alternatives:\n  七.1: [一式三份]\n---\n# 合同\n",
        );
        let doc = Document::parse(&src).unwrap();
        let k = read(&doc).unwrap();
        assert_eq!(k.template.as_deref(), Some("../t.md"));
        assert_eq!(k.free, vec!["七、其他条款"]);
        assert_eq!(k.alternatives["七.1"], vec!["一式三份"]);
    }

    #[test]
    fn a_wrong_type_is_an_error_at_its_line() {
        let src = Source::new("d.md", "---\ntitle: x\ntemplate: [a, b]\n---\n# 合同\n");
        let doc = Document::parse(&src).unwrap();
        let e = read(&doc).unwrap_err();
        assert!(e.starts_with("3:"), "{e}");
    }
}
