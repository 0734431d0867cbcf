//! `--format github`: GitHub Actions workflow commands, one per finding, which the runner
//! turns into annotations on the pull request:
//!
//! `::error file=PATH,line=L,col=C,endLine=EL,endColumn=EC,title=RULE::MESSAGE`
//!
//! Warnings become `::warning` and info `::notice`. The runner reads `%`, CR and LF as
//! escapes in the message, and also `:` and `,` in property values, so those are
//! percent-encoded. When `GITHUB_STEP_SUMMARY` names a file, a Markdown table of the findings
//! per file is appended to it (the job summary page).

use std::collections::BTreeMap;
use std::io::{self, Write};

use super::{display_path, positions, Emitter, Summary};
use crate::diagnostic::Diagnostic;
use crate::rules::Severity;
use crate::source::Source;

/// Escape the message part of a workflow command.
pub fn escape_data(s: &str) -> String {
    s.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// Escape a property value (`file=`, `title=`): also `:` and `,`.
pub fn escape_property(s: &str) -> String {
    escape_data(s).replace(':', "%3A").replace(',', "%2C")
}

fn command(s: Severity) -> &'static str {
    match s {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "notice",
    }
}

struct Row {
    line: usize,
    column: usize,
    severity: Severity,
    rule: String,
    message: String,
}

pub struct Github<'w> {
    out: &'w mut dyn Write,
    step_summary: Option<Box<dyn Write + 'w>>,
    rows: BTreeMap<String, Vec<Row>>,
    errors: Vec<(String, String)>,
}

impl<'w> Github<'w> {
    /// `step_summary`: where to append the job summary (the file `GITHUB_STEP_SUMMARY`
    /// names), if anywhere.
    pub fn new(out: &'w mut dyn Write, step_summary: Option<Box<dyn Write + 'w>>) -> Github<'w> {
        Github {
            out,
            step_summary,
            rows: BTreeMap::new(),
            errors: Vec::new(),
        }
    }
}

/// A table cell: pipes escaped, line breaks turned into spaces.
fn cell(s: &str) -> String {
    s.replace('\\', "\\\\")
        .replace('|', "\\|")
        .replace(['\r', '\n'], " ")
}

impl Emitter for Github<'_> {
    fn file(&mut self, source: &Source, diagnostics: &[Diagnostic]) -> io::Result<()> {
        let path = display_path(source);
        for d in diagnostics {
            let (l, c, el, ec) = positions(source, &d.span);
            let mut message = d.message.clone();
            if let Some(h) = &d.help {
                message.push_str("\nhelp: ");
                message.push_str(h);
            }
            writeln!(
                self.out,
                "::{} file={},line={l},col={c},endLine={el},endColumn={ec},title={}::{}",
                command(d.severity),
                escape_property(&path),
                escape_property(&d.rule),
                escape_data(&message)
            )?;
            if self.step_summary.is_some() {
                self.rows.entry(path.clone()).or_default().push(Row {
                    line: l,
                    column: c,
                    severity: d.severity,
                    rule: d.rule.clone(),
                    message: d.message.clone(),
                });
            }
        }
        Ok(())
    }

    fn file_error(&mut self, path: &str, message: &str) -> io::Result<()> {
        writeln!(
            self.out,
            "::error file={},title=clauselint::{}",
            escape_property(path),
            escape_data(message)
        )?;
        self.errors.push((path.to_string(), message.to_string()));
        Ok(())
    }

    fn finish(&mut self, summary: &Summary) -> io::Result<()> {
        let Some(w) = self.step_summary.as_mut() else {
            return Ok(());
        };
        let mut s = String::from("## clauselint\n\n");
        s.push_str(&format!(
            "{} errors, {} warnings, {} infos in {} files checked",
            summary.errors, summary.warnings, summary.infos, summary.files_checked
        ));
        if summary.file_errors > 0 {
            s.push_str(&format!(
                "; {} files could not be checked",
                summary.file_errors
            ));
        }
        s.push_str("\n\n");
        for (path, rows) in &self.rows {
            s.push_str(&format!(
                "### `{}`\n\n",
                super::escape_controls(path).replace('`', "'")
            ));
            s.push_str("| line | severity | rule | message |\n|---:|---|---|---|\n");
            for r in rows {
                s.push_str(&format!(
                    "| {}:{} | {} | `{}` | {} |\n",
                    r.line,
                    r.column,
                    r.severity.as_str(),
                    r.rule,
                    cell(&r.message)
                ));
            }
            s.push('\n');
        }
        if !self.errors.is_empty() {
            s.push_str("### files that could not be checked\n\n");
            for (p, m) in &self.errors {
                s.push_str(&format!(
                    "- `{}`: {}\n",
                    super::escape_controls(p).replace('`', "'"),
                    cell(m)
                ));
            }
            s.push('\n');
        }
        w.write_all(s.as_bytes())?;
        w.flush()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_and_properties_are_escaped_as_the_runner_requires() {
        assert_eq!(
            escape_data("50% off:\r\nnext, line"),
            "50%25 off:%0D%0Anext, line"
        );
        assert_eq!(escape_property("a:b,c%d\ne"), "a%3Ab%2Cc%25d%0Ae");
    }
}
