//! `--format json-lines`: one JSON object per line, with the fields of `--format json`, so a
//! consumer can stream findings (`jq -c`, log shippers) without parsing one large array.

use std::io::{self, Write};

use super::{Emitter, JsonDiagnostic};
use crate::diagnostic::Diagnostic;
use crate::source::Source;

pub struct JsonLines<'w> {
    out: &'w mut dyn Write,
}

impl<'w> JsonLines<'w> {
    pub fn new(out: &'w mut dyn Write) -> JsonLines<'w> {
        JsonLines { out }
    }
}

impl Emitter for JsonLines<'_> {
    fn file(&mut self, source: &Source, diagnostics: &[Diagnostic]) -> io::Result<()> {
        for d in diagnostics {
            serde_json::to_writer(&mut *self.out, &JsonDiagnostic::new(source, d))?;
            self.out.write_all(b"\n")?;
        }
        Ok(())
    }
}
