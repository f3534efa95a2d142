//! The fuzz target's decoder run in the normal suite: the committed corpus
//! (`fuzz/corpus/commands/`) plus a bounded stream of pseudo-random byte strings, each
//! decoded into a venue, limits and commands and run against the core and the reference
//! model (see `tests/model`). Any disagreement, broken invariant, state change by a
//! refused call, snapshot or replay mismatch, or panic fails the test with the input's
//! bytes in hex so it can be added to the corpus.
//!
//! The longer, coverage-guided run is `cargo fuzz run commands` (see the crate README).
#![allow(clippy::disallowed_methods)] // reads the corpus files and the environment

mod model;

use std::path::Path;

fn hex(data: &[u8]) -> String {
    data.iter().map(|b| format!("{b:02x}")).collect()
}

fn check(data: &[u8]) -> u64 {
    let outcome = std::panic::catch_unwind(|| model::bytes::run(data));
    match outcome {
        Ok(Ok(steps)) => steps,
        Ok(Err(message)) => panic!("input {}:\n{message}", hex(data)),
        Err(_) => panic!("input {} panicked", hex(data)),
    }
}

#[test]
fn committed_corpus_passes() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz/corpus/commands");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .expect("the corpus is committed")
        .map(|entry| entry.unwrap().path())
        .collect();
    files.sort();
    assert!(files.len() >= 8, "corpus has {} inputs", files.len());
    for file in files {
        check(&std::fs::read(&file).unwrap());
    }
}

#[test]
fn random_bytes_drive_the_public_api_without_disagreement() {
    let inputs: u64 = std::env::var("SEAT_CORE_FUZZ_INPUTS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(3_000);
    let mut state = 0x5ea7_c0de_u64;
    let mut steps = 0;
    for _ in 0..inputs {
        let len = 16 + (splitmix(&mut state) % 1_200) as usize;
        let data: Vec<u8> = (0..len).map(|_| splitmix(&mut state) as u8).collect();
        steps += check(&data);
    }
    println!("fuzz-like: {inputs} inputs, {steps} commands");
}

fn splitmix(state: &mut u64) -> u64 {
    *state = state.wrapping_add(0x9e37_79b9_7f4a_7c15);
    let mut z = *state;
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

/// Writes the seed corpus: `cargo test -p seat-core --test fuzz_bytes -- --ignored`.
#[test]
#[ignore = "regenerates fuzz/corpus/commands"]
fn regenerate_seed_corpus() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz/corpus/commands");
    std::fs::create_dir_all(&dir).unwrap();
    let mut state = 17u64;
    for index in 0..16 {
        let len = 64 + index * 96;
        let data: Vec<u8> = (0..len).map(|_| splitmix(&mut state) as u8).collect();
        std::fs::write(dir.join(format!("seed-{index:02}")), data).unwrap();
    }
}
