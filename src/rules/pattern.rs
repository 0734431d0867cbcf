//! Regexes in rule packs. A pattern is compiled when the pack is read, so a broken regex is a
//! pack error located at its YAML scalar, never a silent non-match.

use std::cell::RefCell;

use regex::{Regex, RegexBuilder};
use serde::de::{self, Deserializer, SeqAccess, Visitor};
use serde::Deserialize;

use crate::document::fold::fold_str;

/// One compiled pattern. Its source is kept for listings and explanations.
#[derive(Debug, Clone)]
pub struct Pattern {
    pub source: String,
    pub regex: Regex,
}

impl Pattern {
    pub fn new(source: &str) -> Result<Pattern, PatternError> {
        // Traditional characters in a pattern are folded like the text they run on.
        let folded = fold_str(source);
        match RegexBuilder::new(&folded)
            .size_limit(1 << 24)
            .dfa_size_limit(1 << 24)
            .build()
        {
            Ok(regex) => Ok(Pattern {
                source: source.to_string(),
                regex,
            }),
            Err(e) => {
                let offset = regex_syntax::Parser::new()
                    .parse(&folded)
                    .err()
                    .map(|se| match &se {
                        regex_syntax::Error::Parse(p) => p.span().start.offset,
                        regex_syntax::Error::Translate(t) => t.span().start.offset,
                        _ => 0,
                    })
                    .unwrap_or(0);
                let message = match &e {
                    regex::Error::Syntax(s) => s
                        .lines()
                        .rev()
                        .find(|l| l.starts_with("error:"))
                        .map(|l| l.trim_start_matches("error:").trim().to_string())
                        .unwrap_or_else(|| s.clone()),
                    other => other.to_string(),
                };
                // Byte offset in the folded pattern equals the offset in the source pattern.
                let char_offset = folded[..offset.min(folded.len())].chars().count();
                Err(PatternError {
                    char_offset,
                    message,
                })
            }
        }
    }
}

#[derive(Debug, Clone)]
pub struct PatternError {
    /// Where inside the pattern the problem is, in characters.
    pub char_offset: usize,
    pub message: String,
}

thread_local! {
    /// The last pattern error raised while deserializing, so the loader can map its offset
    /// inside the pattern to a YAML column. serde errors carry only a message and the
    /// scalar's position.
    pub(crate) static LAST_PATTERN_ERROR: RefCell<Option<PatternError>> = const { RefCell::new(None) };
}

fn compile_error<E: de::Error>(e: PatternError) -> E {
    let msg = format!("invalid regex: {}", e.message);
    LAST_PATTERN_ERROR.with(|l| *l.borrow_mut() = Some(e));
    E::custom(msg)
}

impl<'de> Deserialize<'de> for Pattern {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        // Compiling inside the visitor lets serde_yaml mark the error with the scalar's
        // position.
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Pattern;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a regex")
            }
            fn visit_str<E: de::Error>(self, s: &str) -> Result<Pattern, E> {
                Pattern::new(s).map_err(compile_error)
            }
        }
        d.deserialize_str(V)
    }
}

/// A regex, or a list of regexes of which any may match.
#[derive(Debug, Clone, Default)]
pub struct Patterns(pub Vec<Pattern>);

impl Patterns {
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
    pub fn iter(&self) -> impl Iterator<Item = &Pattern> {
        self.0.iter()
    }
}

impl<'de> Deserialize<'de> for Patterns {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Patterns;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a regex or a list of regexes")
            }
            fn visit_str<E: de::Error>(self, s: &str) -> Result<Patterns, E> {
                Pattern::new(s)
                    .map(|p| Patterns(vec![p]))
                    .map_err(compile_error)
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Patterns, A::Error> {
                let mut v = Vec::new();
                while let Some(p) = seq.next_element::<Pattern>()? {
                    v.push(p);
                }
                Ok(Patterns(v))
            }
        }
        d.deserialize_any(V)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn broken_regex_reports_offset_inside_pattern() {
        let e = Pattern::new("应在(内").unwrap_err();
        assert!(e.message.contains("unclosed group"), "{}", e.message);
        assert_eq!(e.char_offset, 2);
    }

    #[test]
    fn traditional_pattern_matches_simplified_scan_text() {
        let p = Pattern::new("以補充協議為準").unwrap();
        assert!(p.regex.is_match("以补充协议为准"));
    }
}
