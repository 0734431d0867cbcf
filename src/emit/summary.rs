//! `--format summary` (`--statistics`): a count per rule and per file instead of the
//! findings, for a first look at a large repository.

use std::collections::BTreeMap;
use std::io::{self, Write};

use super::{shown_path, write_summary, Emitter, Summary as Totals};
use crate::diagnostic::Diagnostic;
use crate::source::Source;

#[derive(Default)]
pub struct Summary<'w> {
    out: Option<&'w mut dyn Write>,
    /// rule → (severity, count)
    rules: BTreeMap<String, (&'static str, usize)>,
    /// path → [errors, warnings, infos]
    files: Vec<(String, [usize; 3])>,
}

impl<'w> Summary<'w> {
    pub fn new(out: &'w mut dyn Write) -> Summary<'w> {
        Summary {
            out: Some(out),
            rules: BTreeMap::new(),
            files: Vec::new(),
        }
    }
}

impl Emitter for Summary<'_> {
    fn file(&mut self, source: &Source, diagnostics: &[Diagnostic]) -> io::Result<()> {
        if diagnostics.is_empty() {
            return Ok(());
        }
        let mut counts = [0usize; 3];
        for d in diagnostics {
            let e = self
                .rules
                .entry(d.rule.clone())
                .or_insert((d.severity.as_str(), 0));
            e.1 += 1;
            counts[match d.severity {
                crate::rules::Severity::Error => 0,
                crate::rules::Severity::Warning => 1,
                crate::rules::Severity::Info => 2,
            }] += 1;
        }
        self.files.push((shown_path(source), counts));
        Ok(())
    }

    fn finish(&mut self, totals: &Totals) -> io::Result<()> {
        let Some(out) = self.out.as_mut() else {
            return Ok(());
        };
        let mut rules: Vec<(&String, &(&str, usize))> = self.rules.iter().collect();
        // Most frequent first; ties by id, so the order is stable.
        rules.sort_by(|a, b| b.1 .1.cmp(&a.1 .1).then(a.0.cmp(b.0)));
        let w = rules.iter().map(|r| r.0.len()).max().unwrap_or(4).max(4);
        writeln!(out, "{:>6}  {:<w$}  severity", "count", "rule")?;
        for (id, (sev, n)) in &rules {
            writeln!(out, "{n:>6}  {id:<w$}  {sev}")?;
        }
        writeln!(out)?;
        self.files.sort_by(|a, b| a.0.cmp(&b.0));
        writeln!(
            out,
            "{:>6}  {:>8}  {:>5}  file",
            "errors", "warnings", "infos"
        )?;
        for (p, [e, wn, i]) in &self.files {
            writeln!(out, "{e:>6}  {wn:>8}  {i:>5}  {p}")?;
        }
        writeln!(out)?;
        write_summary(&mut **out, totals)
    }
}
