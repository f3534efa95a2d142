//! # sellout
//!
//! A deterministic discrete-event simulator of high-demand ticket on-sales.
//!
//! ```text
//! model.toml ──model::load──▶ ModelSpec ──build──▶ world (components by value)
//!                                                   │
//!        engine::EventQueue (time, seq) ◀──schedule─┤
//!              │ pop                                │
//!              └──▶ Model::dispatch(now, event) ── the one match on the event enum
//!                                                   │
//!                         queueing::Station stats, seat-core calls with `now`
//!                                                   │
//!                  run end ──▶ report ──▶ summary.json, table
//! ```
//!
//! * [`engine`]: integer virtual time, the (time, sequence) event queue, the run
//!   loop with limits, named random streams. Knows nothing about tickets.
//! * [`queueing`]: stations, routing and the statistics queueing theory checks.
//! * [`model`]: model files, with errors that name the field.
//! * [`network`]: the `network` model kind.
//! * [`replication`] and [`report`]: many seeded runs, confidence intervals, outputs.
#![warn(missing_docs)]

pub mod cli;
pub mod contention;
pub mod engine;
pub mod estimate;
pub mod export;
pub mod metastability;
pub mod metrics;
pub mod model;
pub mod network;
pub mod onsale;
pub mod queueing;
pub mod replication;
pub mod report;
pub mod resilience;
pub mod runner;
pub mod sampler;
pub mod service;
pub mod statistics;
pub mod sweep;
