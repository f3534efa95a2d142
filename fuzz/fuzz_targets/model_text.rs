//! Model text → parse and validate → estimate → (if small) simulate.
//!
//! Whatever the bytes, nothing may panic: a bad model is an `Err` naming the
//! field. Models the estimate calls small are also simulated, one replication,
//! so validation holes that only show up in a run (a value that passes the
//! checks and then divides by zero) are found too.

#![no_main]

use std::path::Path;

use libfuzzer_sys::fuzz_target;
use sellout::engine::Streams;
use sellout::model::{ModelSpec, parse};

/// Simulate only what finishes in milliseconds, so the fuzzer stays fast.
const MAX_EVENTS: f64 = 2e5;
const MAX_BYTES: f64 = 64e6;

fuzz_target!(|bytes: &[u8]| {
    let Ok(text) = std::str::from_utf8(bytes) else {
        return;
    };
    // Venue files are resolved next to this path; none exists, which is an Err.
    let Ok(spec) = parse(Path::new("/nonexistent/fuzz.toml"), text) else {
        return;
    };
    let estimate = sellout::estimate::estimate(&spec, false);
    let _ = sellout::estimate::warnings(&spec);
    if estimate.events > MAX_EVENTS || estimate.working_bytes() > MAX_BYTES {
        return;
    }
    let streams = Streams::new(1, 0);
    match &spec {
        ModelSpec::Onsale(model) => drop(sellout::onsale::run(model, &streams, false)),
        ModelSpec::Service(spec) => drop(sellout::service::run(spec, &streams)),
        ModelSpec::Network(spec) => drop(sellout::network::run(spec, &streams)),
        ModelSpec::Contention(spec) => drop(sellout::contention::run(spec, &streams)),
    }
});
