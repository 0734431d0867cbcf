//! Any bytes as a draft: decoding, Markdown parsing, every default rule, suppressions,
//! baseline keys and every output format (plain and redacted), with the span properties
//! asserted (see tests/harness/mod.rs).
#![no_main]

#[path = "../../tests/harness/mod.rs"]
mod harness;

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    harness::draft_bytes(data);
});
