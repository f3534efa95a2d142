//! Measurements recorded in virtual time.

mod histogram;

pub use histogram::Histogram;
