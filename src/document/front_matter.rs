//! YAML front matter, recognised only when `---` starts the text (after a BOM).
//!
//! pulldown-cmark's metadata option is not used: it also swallows a `---` block in the
//! middle of a document.

use serde::Deserialize;

use super::{DocumentError, LangSet};

/// What clauselint reads from a draft's front matter. Other keys (title, version, …) belong
/// to the user and are ignored.
#[derive(Debug, Default, Clone)]
pub struct FrontMatter {
    /// Overrides language detection for every clause.
    pub lang: Option<LangSet>,
    /// The parties, when they are not to be found from the text.
    pub parties: Vec<String>,
    /// Rule ids of `require` rules to apply as if their trigger were present.
    pub require: Vec<String>,
    /// The span of the front matter block, if any.
    pub span: Option<std::ops::Range<usize>>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct Raw {
    lang: Option<LangSpec>,
    parties: Option<PartiesSpec>,
    require: Vec<String>,
}

#[derive(Deserialize)]
#[serde(untagged)]
enum LangSpec {
    One(String),
    Many(Vec<String>),
}

#[derive(Deserialize)]
#[serde(untagged)]
enum PartiesSpec {
    List(Vec<String>),
    Map(std::collections::BTreeMap<String, serde_yaml::Value>),
}

/// Split front matter off the text. Returns the parsed front matter and the byte offset where
/// the Markdown body begins.
pub fn split(text: &str) -> Result<(FrontMatter, usize), DocumentError> {
    let first_end = match text.find('\n') {
        Some(i) => i,
        None => return Ok((FrontMatter::default(), 0)),
    };
    if text[..first_end].trim_end_matches('\r').trim_end() != "---" {
        return Ok((FrontMatter::default(), 0));
    }
    let mut pos = first_end + 1;
    while pos <= text.len() {
        let end = text[pos..].find('\n').map_or(text.len(), |i| pos + i);
        let line = text[pos..end].trim_end_matches('\r').trim_end();
        if line == "---" || line == "..." {
            let yaml = &text[first_end + 1..pos];
            let body = (end + 1).min(text.len());
            let mut fm = parse(yaml, first_end + 1)?;
            fm.span = Some(0..body);
            return Ok((fm, body));
        }
        if end == text.len() {
            break;
        }
        pos = end + 1;
    }
    // An opening `---` with no closing line is a thematic break, not front matter.
    Ok((FrontMatter::default(), 0))
}

fn parse(yaml: &str, base: usize) -> Result<FrontMatter, DocumentError> {
    if yaml.trim().is_empty() {
        return Ok(FrontMatter::default());
    }
    let raw: Raw = serde_yaml::from_str(yaml).map_err(|e| {
        let at = e.location().map_or(0, |l| l.index()).min(yaml.len());
        let at = (0..=at)
            .rev()
            .find(|&i| yaml.is_char_boundary(i))
            .unwrap_or(0);
        DocumentError {
            span: base + at..base + at,
            message: format!("invalid front matter: {e}"),
        }
    })?;
    let lang = match raw.lang {
        None => None,
        Some(spec) => {
            let list = match spec {
                LangSpec::One(s) => vec![s],
                LangSpec::Many(v) => v,
            };
            let mut set = LangSet::EMPTY;
            for l in &list {
                match LangSet::parse(l) {
                    Some(s) => set = set.union(s),
                    None => {
                        return Err(DocumentError {
                            span: base..base,
                            message: format!(
                                "invalid front matter: unsupported lang `{l}` (expected zh or en)"
                            ),
                        })
                    }
                }
            }
            Some(set)
        }
    };
    let parties = match raw.parties {
        None => Vec::new(),
        Some(PartiesSpec::List(v)) => v,
        Some(PartiesSpec::Map(m)) => m.into_keys().collect(),
    };
    Ok(FrontMatter {
        lang,
        parties,
        require: raw.require,
        span: None,
    })
}
