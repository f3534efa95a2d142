//! Controls: small pure state machines that operate the on-sale. Each takes a
//! sample (a time-series value, a queue length, a request's arrival) and returns
//! a decision; the world carries the decision out. None of them schedules events
//! or touches a component, so each is tested alone.

mod adaptive_outflow;
mod alert;
mod autoscaler;
mod breaker_watch;
mod rate_limiter;
mod runbooks;
mod shedding;

pub use adaptive_outflow::AdaptiveOutflow;
pub use alert::{AlertChange, AlertRule};
pub use autoscaler::{Autoscaler, ScaleDecision};
pub use breaker_watch::BreakerWatch;
pub use rate_limiter::RateLimiter;
pub use runbooks::Runbooks;
pub use shedding::Shedding;
