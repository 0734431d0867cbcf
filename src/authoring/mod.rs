//! Rule authoring: the commands that help people who write rule packs (`explain`,
//! `validate`, `test`, `schema`). Each computes a report with pure functions and writes it to
//! the writers it is given.

use crate::{Io, EXIT_CLEAN, EXIT_ERROR};

/// `clauselint schema`: the JSON Schema of the pack format.
pub fn run_schema(io: Io) -> u8 {
    match io
        .out
        .write_all(crate::rules::schema::pack_schema_json().as_bytes())
    {
        Ok(()) => EXIT_CLEAN,
        Err(e) => {
            let _ = writeln!(io.err, "error: cannot write output: {e}");
            EXIT_ERROR
        }
    }
}
