//! Any text as a rule pack: validated loading, and a pack that loads is run on drafts.
#![no_main]

#[path = "../../tests/harness/mod.rs"]
mod harness;

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        harness::pack_text(text);
    }
});
