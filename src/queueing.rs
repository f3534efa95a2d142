//! Queueing building blocks, reused by every model: a multi-server FIFO
//! [`Station`] with optional capacity, probabilistic [`Routing`], and the
//! per-station statistics that queueing theory can check.

mod routing;
mod station;
mod stats;
mod time_average;

pub use routing::Routing;
pub use station::{Admission, Station, Waiting};
pub use stats::{StationReport, StationStats};
pub use time_average::TimeAverage;
