//! The simulated parts of the ticketing system, one type per file. Each owns
//! its state, its random stream and samplers, and its time-series columns; its
//! handlers take a request and say what happens next (a delay and its own
//! event, a refusal, or nothing yet). The world routes requests between them.

pub mod access_check;
pub mod app;
pub mod cache;
pub mod cdn;
pub mod database;
pub mod payment;
pub mod queue_polls;
pub mod replicas;
pub mod visitors;
pub mod waiting_room;

/// Millisecond helpers the components' unit tests share.
#[cfg(test)]
mod fixtures {
    use crate::engine::{Span, Time};
    use crate::model::{DistributionSpec, Duration};

    /// A deterministic duration of `ms` milliseconds.
    pub fn det(ms: i64) -> DistributionSpec {
        DistributionSpec::Det {
            value: Duration::from_secs_f64(ms as f64 / 1000.0),
        }
    }

    /// A span of `ms` milliseconds.
    pub fn ms(ms: i64) -> Span {
        Span(ms * 1_000_000)
    }

    /// `ms_after_opening` milliseconds after the opening.
    pub fn at(ms_after_opening: i64) -> Time {
        Time::OPENING + ms(ms_after_opening)
    }
}
