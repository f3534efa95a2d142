//! Client- and server-side resilience mechanisms, as pure state machines that
//! take `now` and draw from a caller's stream: retry policies with backoff and
//! jitter, retry budgets, and circuit breakers. Policies are serde enums, so a
//! model file picks one by name.

mod breaker;
mod budget;
mod retry;

pub use breaker::{BreakerSpec, BreakerState, CircuitBreaker};
pub use budget::{RetryBudget, RetryBudgetSpec};
pub use retry::{RetryPolicy, RetrySpec};
