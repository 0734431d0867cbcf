//! Template conformance: report every clause of a draft changed beyond its blanks, with
//! spans in the draft and in the template.
//!
//! - [`resolve`](mod@resolve): which template a draft follows (`--template`, front matter, config).
//! - [`slots`]: a template's blanks, found by the loaded blank rules.
//! - [`normalize`]: the text compared, with every character's original bytes.
//! - [`units`]: paragraphs, items, headings and table rows, with numbering and sections.
//! - [`align`]: clause-level alignment (anchors, in-order pairing, moves).
//! - [`chars`]: character-level alignment inside a pair, fills and spills.
//! - [`report`], [`select`]: findings and exceptions (`template-free`,
//!   `template-alternatives`).
//!
//! [`compare`] is pure, like `check`: a parsed draft, a prepared template and the rules in,
//! findings out.

pub mod align;
pub mod chars;
pub mod front_matter;
pub mod normalize;
pub mod report;
pub mod resolve;
pub mod select;
pub mod slots;
pub mod units;

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, OnceLock};

use regex::Regex;

use crate::diagnostic::Diagnostic;
use crate::document::Document;
use crate::rules::{Kind, RuleSet};
use crate::source::Source;

pub use front_matter::TemplateKeys;
pub use resolve::{resolve, LinkedBy, TemplateConfig, TemplatePath};
use units::Unit;

/// A template read, parsed and cut into units once, for every draft that follows it.
#[derive(Debug)]
pub struct Template {
    pub source: Arc<Source>,
    pub units: Vec<Unit>,
    /// Display text of each unit (headings as written), for `{clause}` and selectors.
    pub titles: Vec<String>,
    /// The template's own front matter exceptions.
    pub keys: TemplateKeys,
    counts: OnceLock<report::TermCounts>,
}

impl Template {
    /// Prepare a template: parse it, find its blanks with the rules, build its units.
    pub fn prepare(source: Arc<Source>, rules: &RuleSet) -> Result<Template, String> {
        let (units, keys) = {
            let doc = Document::parse(&source).map_err(|e| {
                let (l, c) = source.line_col(e.span.start);
                format!("{l}:{c}: {}", e.message)
            })?;
            let keys = front_matter::read(&doc)?;
            let slots = slots::find(&doc, rules);
            (units::build(&doc, &slots), keys)
        };
        let titles = report::titles(&units, &source.text);
        Ok(Template {
            source,
            units,
            titles,
            keys,
            counts: OnceLock::new(),
        })
    }

    fn counts(&self) -> &report::TermCounts {
        self.counts
            .get_or_init(|| report::TermCounts::new(&self.units))
    }
}

/// Clauses that may be edited freely and allowed wordings, each with where it came from
/// (for the error when a selector names nothing).
#[derive(Debug, Default, Clone)]
pub struct Exceptions {
    /// (origin, selector)
    pub free: Vec<(String, String)>,
    /// (origin, selector, wordings)
    pub alternatives: Vec<(String, String, Vec<String>)>,
}

impl Exceptions {
    pub fn add(&mut self, origin: &str, keys: &TemplateKeys) {
        self.free
            .extend(keys.free.iter().map(|s| (origin.to_string(), s.clone())));
        self.alternatives.extend(
            keys.alternatives
                .iter()
                .map(|(k, v)| (origin.to_string(), k.clone(), v.clone())),
        );
    }
}

/// Is any template rule loaded? Without one a comparison could report nothing.
pub fn rules_loaded(rules: &RuleSet) -> bool {
    rules.rules.iter().any(|r| r.kind == Kind::Template)
}

/// Compare a draft with its template. Findings are sorted by position in the draft.
pub fn compare(
    draft: &Document,
    tpl: &Template,
    rules: &RuleSet,
    exceptions: &Exceptions,
) -> Result<Vec<Diagnostic>, String> {
    let mut exceptions = exceptions.clone();
    exceptions.add(
        &format!("{} (front matter)", tpl.source.path.display()),
        &tpl.keys,
    );
    let sel = select::select(tpl, rules, &exceptions.free, &exceptions.alternatives)?;
    let d_units = units::build(draft, &[]);
    let a = align::align(&tpl.units, &d_units);

    // A draft that shares almost nothing with its template was linked to the wrong one:
    // one clear error instead of a finding for every clause. Measured on the template's
    // wording: the share of its literal text in clauses found (nearly) as they are.
    let total: usize = tpl.units.iter().map(|u| u.literal).sum();
    let kept: usize = a
        .pairs
        .iter()
        .chain(&a.moved)
        .filter(|(ti, di)| align::similarity(&tpl.units[*ti], &d_units[*di]) >= 0.8)
        .map(|(ti, _)| tpl.units[*ti].literal)
        .sum();
    if total >= 200 && kept * 10 < total * 3 {
        return Err(format!(
            "does not follow template {}: only {}% of the template's wording was found; is it the right template?",
            tpl.source.path.display(),
            kept * 100 / total
        ));
    }

    let absorb: Vec<&Regex> = rules
        .rules
        .iter()
        .filter_map(|r| r.template.as_ref())
        .flat_map(|t| t.absorb.iter().map(|p| &p.regex))
        .collect();
    let d_titles = report::titles(&d_units, draft.text());
    let mut r = report::Reporter {
        rules,
        tpl,
        draft,
        d_units: &d_units,
        sel: &sel,
        absorb,
        d_counts: report::TermCounts::new(&d_units),
        d_titles,
        out: Vec::new(),
    };
    report::report(&mut r, &a);
    let mut out = r.out;
    out.sort_by(|a, b| {
        (
            a.span.start,
            a.span.end,
            &a.rule,
            &a.labels.first().map(|l| l.span.start),
        )
            .cmp(&(
                b.span.start,
                b.span.end,
                &b.rule,
                &b.labels.first().map(|l| l.span.start),
            ))
    });
    Ok(out)
}

/// Templates by path, each read and prepared once per run, shared by every draft (and
/// every thread) that follows it.
pub struct Store {
    /// `--template FILE`, for every draft.
    pub cli: Option<PathBuf>,
    /// The config [`Store::check`] uses. A run over drafts governed by different configs
    /// passes each draft's own to [`Store::check_with`] instead.
    pub config: Option<TemplateConfig>,
    cache: Mutex<HashMap<PathBuf, Result<Arc<Template>, String>>>,
}

impl Store {
    pub fn new(cli: Option<PathBuf>, config: Option<TemplateConfig>) -> Store {
        Store {
            cli,
            config,
            cache: Mutex::new(HashMap::new()),
        }
    }

    /// Read and prepare a template, or return the one already prepared.
    pub fn get(&self, path: &Path, rules: &RuleSet) -> Result<Arc<Template>, String> {
        let key = std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf());
        if let Some(t) = self.cache.lock().unwrap().get(&key) {
            return t.clone();
        }
        let prepared = Source::read(path)
            .map_err(|e| format!("cannot read template {}: {e}", path.display()))
            .and_then(|s| {
                Template::prepare(Arc::new(s), rules)
                    .map_err(|e| format!("template {}: {e}", path.display()))
            })
            .map(Arc::new);
        self.cache
            .lock()
            .unwrap()
            .entry(key)
            .or_insert(prepared)
            .clone()
    }

    /// Compare a parsed draft with the template it follows, if any, under the store's own
    /// config. `Ok(vec![])` for a draft without a template.
    pub fn check(&self, draft: &Document, rules: &RuleSet) -> Result<Vec<Diagnostic>, String> {
        self.check_with(draft, rules, self.config.as_ref())
    }

    /// [`Store::check`] under the config that governs this draft (its `templates:` ids,
    /// `template-paths` globs and exceptions), or none.
    pub fn check_with(
        &self,
        draft: &Document,
        rules: &RuleSet,
        config: Option<&TemplateConfig>,
    ) -> Result<Vec<Diagnostic>, String> {
        let keys = front_matter::read(draft)?;
        let Some((path, _)) = resolve(
            &draft.source.path,
            self.cli.as_deref(),
            keys.template.as_deref(),
            config,
        )?
        else {
            return Ok(Vec::new());
        };
        if !rules_loaded(rules) {
            return Err(format!(
                "template {} given, but no template rules are loaded (the embedded pack rules/template.yaml is left out by --no-default-rules; add a pack with `kind: template` rules)",
                path.display()
            ));
        }
        // A template checked against itself (a walk over a folder holding both).
        if let (Ok(a), Ok(b)) = (
            std::fs::canonicalize(&path),
            std::fs::canonicalize(&draft.source.path),
        ) {
            if a == b {
                return Ok(Vec::new());
            }
        }
        let tpl = self.get(&path, rules)?;
        let mut ex = Exceptions::default();
        if let Some(c) = config {
            let origin = if c.origin.is_empty() {
                "config".to_string()
            } else {
                c.origin.clone()
            };
            let applies = |sel: &str| self.config_selector_applies(c, &tpl, sel, rules);
            ex.free.extend(
                c.free
                    .iter()
                    .filter(|s| applies(s))
                    .map(|s| (origin.clone(), s.clone())),
            );
            ex.alternatives.extend(
                c.alternatives
                    .iter()
                    .filter(|(k, _)| applies(k))
                    .map(|(k, v)| (origin.clone(), k.clone(), v.clone())),
            );
        }
        ex.add("front matter", &keys);
        compare(draft, &tpl, rules, &ex)
    }

    /// A config's `template-free` and `template-alternatives` speak for every draft it
    /// governs, whichever template the draft follows. A selector that names nothing in
    /// this draft's template but names something in another of the config's templates
    /// (`templates:` and `template-paths` files) has nothing to free here and is left out;
    /// one that names nothing in any of them is kept, so that [`select::select`] reports it
    /// (a typo is an error, never a silent pass).
    fn config_selector_applies(
        &self,
        c: &TemplateConfig,
        tpl: &Template,
        sel: &str,
        rules: &RuleSet,
    ) -> bool {
        let names = |t: &Template| !select::units_named(&t.units, &t.titles, sel).is_empty();
        if names(tpl) {
            return true;
        }
        // A template that cannot be prepared is reported on the drafts that follow it.
        !resolve::config_templates(c)
            .iter()
            .filter_map(|p| self.get(p, rules).ok())
            .any(|t| names(&t))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_store_and_findings_can_cross_threads() {
        fn shared<T: Send + Sync>() {}
        shared::<Store>();
        shared::<Template>();
        shared::<Diagnostic>();
    }

    fn run(tpl: &str, draft: &str) -> Vec<(String, String, String)> {
        let rules = RuleSet::embedded();
        let t = Template::prepare(Arc::new(Source::new("t.md", tpl)), &rules).unwrap();
        let src = Source::new("d.md", draft);
        let doc = Document::parse(&src).unwrap();
        compare(&doc, &t, &rules, &Exceptions::default())
            .unwrap()
            .into_iter()
            .map(|d| {
                let (f, l) = d.other_file().unwrap();
                (
                    d.rule.clone(),
                    src.text[d.span.clone()].to_string(),
                    f.text[l.span.clone()].to_string(),
                )
            })
            .collect()
    }

    const TPL: &str = "# 合同\n\n## 一、付款\n\n1. 甲方应在收到发票后[具体期限]内支付服务费用。\n2. 逾期付款的，每逾期一日按未付金额的万分之五支付违约金。\n\n## 二、其他条款\n\n1. 本协议一式两份，双方各执一份。\n2. 本协议自双方签字之日起生效。\n";

    #[test]
    fn the_templates_own_front_matter_frees_a_section() {
        let draft = TPL
            .replace("[具体期限]", "十(10)日")
            .replace("一式两份", "一式四份");
        assert_eq!(
            run(TPL, &draft),
            vec![("template/changed".into(), "四".into(), "两".into())]
        );
        let free = format!("---\ntemplate-free: [二、其他条款]\n---\n{TPL}");
        assert!(run(&free, &draft).is_empty());
    }

    #[test]
    fn labels_cover_whole_terms_and_numbers() {
        let tpl = "# 合同\n\n1. 如补充协议与本协议不一致的，以补充协议为准。补充协议经双方签字生效。\n2. 违约金为合同总额的百分之二十。\n";
        let draft = "# 合同\n\n1. 如补充协议与本协议不一致的，以本协议为准。补充协议经双方签字生效。\n2. 违约金为合同总额的百分之十五。\n";
        assert_eq!(
            run(tpl, draft),
            vec![
                (
                    "template/changed".into(),
                    "本协议".into(),
                    "补充协议".into()
                ),
                ("template/changed".into(), "十五".into(), "二十".into()),
            ]
        );
    }

    #[test]
    fn a_deleted_and_a_new_section_are_one_finding_each() {
        let draft = "# 合同\n\n## 一、付款\n\n1. 甲方应在收到发票后十(10)日内支付服务费用。\n2. 逾期付款的，每逾期一日按未付金额的万分之五支付违约金。\n\n## 二、知识产权\n\n1. 成果归甲方所有。\n2. 乙方不得另作他用。\n";
        let found = run(TPL, draft);
        let rules: Vec<&str> = found.iter().map(|f| f.0.as_str()).collect();
        assert_eq!(
            rules,
            vec!["template/deleted", "template/inserted"],
            "{found:#?}"
        );
        assert!(found[0].2.starts_with("二、其他条款") && found[0].2.ends_with("之日起生效。"));
        assert!(found[1].1.starts_with("二、知识产权") && found[1].1.ends_with("另作他用。"));
    }
}
