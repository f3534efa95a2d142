//! Fuzz target: a venue, limits and a command sequence decoded from the input bytes
//! (`tests/model/bytes.rs`), run against the real core and the naive reference model of
//! the property tests. Any disagreement, broken invariant, state change by a refused
//! call, snapshot or replay mismatch, or panic is a finding.
//!
//! Run (from crates/seat-core/fuzz): `cargo fuzz run commands corpus/commands` (nightly),
//! or on stable `RUSTC_BOOTSTRAP=1 cargo fuzz run commands corpus/commands`. The normal
//! test suite runs the committed corpus and a bounded random stream (`tests/fuzz_bytes.rs`).
#![no_main]

use libfuzzer_sys::fuzz_target;

#[path = "../../tests/model/mod.rs"]
mod model;

fuzz_target!(|data: &[u8]| {
    if let Err(message) = model::bytes::run(data) {
        panic!("{message}");
    }
});
