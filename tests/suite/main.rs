//! All integration tests, compiled into one test binary.

mod cli;
mod components;
mod contention;
mod core_replay;
mod determinism;
mod export;
mod failures;
mod famous;
mod features;
mod features_more;
mod memory;
mod model_errors;
mod onsale;
mod plots;
mod postmortem;
mod queueing_theory;
mod report;
mod robustness;
mod scale;
mod seat_powers;
mod service;
mod sweep;
mod theory;
