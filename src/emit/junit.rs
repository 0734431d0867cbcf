//! `--format junit`: JUnit XML, as CI systems (GitLab, Jenkins, Azure) show test reports.
//! One testsuite per checked file and one failing testcase per finding; a file without
//! findings gets one passing testcase, so that it shows as checked. A file that could not be
//! read is a testsuite with one testcase in error.

use std::fmt::Write as _;
use std::io::{self, Write};

use super::{display_path, positions, Emitter, Summary};
use crate::diagnostic::Diagnostic;
use crate::source::Source;

/// Escape text for XML 1.0 content. Characters XML 1.0 cannot carry at all (most C0
/// controls, U+FFFE, U+FFFF) are written as Rust escapes (`\u{1b}`), so that nothing is
/// lost silently.
pub(crate) fn xml_escape(s: &str) -> String {
    escape(s, false)
}

/// Escape text for an XML 1.0 attribute value: also tab, CR and LF as character references,
/// which a parser would otherwise normalise to spaces (a newline in a file name).
pub(crate) fn xml_attr(s: &str) -> String {
    escape(s, true)
}

fn escape(s: &str, attr: bool) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\t' | '\n' | '\r' if attr => out.push_str(&format!("&#{};", c as u32)),
            '\t' | '\n' | '\r' => out.push(c),
            c if (c as u32) < 0x20 || c == '\u{fffe}' || c == '\u{ffff}' => {
                out.extend(c.escape_unicode())
            }
            c => out.push(c),
        }
    }
    out
}

pub struct Junit<'w> {
    out: &'w mut dyn Write,
    suites: String,
    tests: usize,
    failures: usize,
    errors: usize,
}

impl<'w> Junit<'w> {
    pub fn new(out: &'w mut dyn Write) -> Junit<'w> {
        Junit {
            out,
            suites: String::new(),
            tests: 0,
            failures: 0,
            errors: 0,
        }
    }
}

impl Emitter for Junit<'_> {
    fn file(&mut self, source: &Source, diagnostics: &[Diagnostic]) -> io::Result<()> {
        let path = xml_attr(&display_path(source));
        let n = diagnostics.len();
        let s = &mut self.suites;
        let _ = writeln!(
            s,
            "  <testsuite name=\"{path}\" tests=\"{}\" failures=\"{n}\" errors=\"0\" skipped=\"0\">",
            n.max(1)
        );
        if diagnostics.is_empty() {
            let _ = writeln!(
                s,
                "    <testcase name=\"no findings\" classname=\"{path}\"/>"
            );
        }
        for d in diagnostics {
            let (l, c, _, _) = positions(source, &d.span);
            let _ = writeln!(
                s,
                "    <testcase name=\"{} at {l}:{c}\" classname=\"{path}\">",
                xml_attr(&d.rule)
            );
            let mut body = format!(
                "{}:{l}:{c}: {}[{}]: {}",
                super::shown_path(source),
                d.severity.as_str(),
                d.rule,
                d.message
            );
            if let Some(h) = &d.help {
                body.push_str("\nhelp: ");
                body.push_str(h);
            }
            let _ = writeln!(
                s,
                "      <failure message=\"{}\" type=\"{}\">{}</failure>",
                xml_attr(&d.message),
                d.severity.as_str(),
                xml_escape(&body)
            );
            let _ = writeln!(s, "    </testcase>");
        }
        let _ = writeln!(s, "  </testsuite>");
        self.tests += n.max(1);
        self.failures += n;
        Ok(())
    }

    fn file_error(&mut self, path: &str, message: &str) -> io::Result<()> {
        let path = xml_attr(path);
        let s = &mut self.suites;
        let _ = writeln!(
            s,
            "  <testsuite name=\"{path}\" tests=\"1\" failures=\"0\" errors=\"1\" skipped=\"0\">"
        );
        let _ = writeln!(
            s,
            "    <testcase name=\"read and check\" classname=\"{path}\">"
        );
        let _ = writeln!(
            s,
            "      <error message=\"{}\" type=\"error\"/>",
            xml_attr(message)
        );
        let _ = writeln!(s, "    </testcase>\n  </testsuite>");
        self.tests += 1;
        self.errors += 1;
        Ok(())
    }

    fn finish(&mut self, _summary: &Summary) -> io::Result<()> {
        writeln!(self.out, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>")?;
        writeln!(
            self.out,
            "<testsuites name=\"clauselint\" tests=\"{}\" failures=\"{}\" errors=\"{}\">",
            self.tests, self.failures, self.errors
        )?;
        self.out.write_all(self.suites.as_bytes())?;
        writeln!(self.out, "</testsuites>")
    }
}

#[cfg(test)]
mod tests {
    use super::{xml_attr, xml_escape};

    #[test]
    fn xml_special_and_control_characters() {
        assert_eq!(
            xml_escape("a<b & \"c\" 'd'\u{1}\n"),
            "a&lt;b &amp; &quot;c&quot; &apos;d&apos;\\u{1}\n"
        );
        assert_eq!(xml_attr("a\nb\tc\rd"), "a&#10;b&#9;c&#13;d");
    }
}
