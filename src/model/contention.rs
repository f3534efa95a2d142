//! The `contention` model kind: N clients update one row with optimistic
//! concurrency control (read the version, write conditioned on it) and back off
//! after a failed write. It reproduces M. Brooker's simulator from "Exponential
//! Backoff And Jitter" (AWS Architecture Blog, 2015).

use serde::{Deserialize, Serialize};

use super::duration::Duration;
use super::error::Invalid;
use crate::resilience::RetrySpec;

/// Most clients in one model: bounds memory (a few words per client) and the
/// event queue (at most one pending event per client).
pub const MAX_CLIENTS: u32 = 100_000;

/// Most writes one client may make. Without backoff the last of N clients
/// needs about N writes, so this is above `MAX_CLIENTS`.
pub const MAX_WRITES_PER_CLIENT: u32 = 1_000_000;

/// Longest horizon, network delay and backoff cap: one day (virtual time stays
/// far from the ends of `i64` nanoseconds).
const MAX_SPAN_NANOS: i64 = 86_400 * 1_000_000_000;

/// Most rows in `timeseries.csv` (horizon / timeseries_interval).
const MAX_ROWS: i64 = 1_000_000;

/// A contention model file.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ContentionSpec {
    /// Always `"contention"`.
    pub kind: String,
    /// Model name.
    pub name: String,
    /// Free text for humans.
    #[serde(default)]
    pub description: Option<String>,
    /// Clients that each update the row once; all start at t = 0.
    pub clients: u32,
    /// The run stops here; clients not done by then count as not done.
    pub horizon: Duration,
    /// Runaway guard.
    #[serde(default = "default_max_events")]
    pub max_events: u64,
    /// Width of a `timeseries.csv` row.
    #[serde(default = "default_interval")]
    pub timeseries_interval: Duration,
    /// Delay of every network leg (request or reply).
    pub network: NetworkDelaySpec,
    /// The wait after a failed write, before the next read; `max_attempts`
    /// counts writes. `immediate` is "no backoff"; `none` gives up after one
    /// failed write.
    pub retry: RetrySpec,
}

fn default_max_events() -> u64 {
    1_000_000_000
}

fn default_interval() -> Duration {
    Duration::from_secs_f64(0.1)
}

/// One network leg takes |Normal(mean, sd)|.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NetworkDelaySpec {
    /// Mean of the normal before folding.
    pub mean: Duration,
    /// Standard deviation of the normal before folding.
    pub sd: Duration,
}

impl ContentionSpec {
    /// Checks every field.
    pub fn validate(&self) -> Result<(), Invalid> {
        Invalid::check(
            self.kind == "contention",
            "kind",
            format!("{:?}", self.kind),
            "\"contention\"",
        )?;
        Invalid::check(
            (1..=MAX_CLIENTS).contains(&self.clients),
            "clients",
            self.clients,
            format!("an integer from 1 to {MAX_CLIENTS}"),
        )?;
        let day = "a duration > 0 and at most 1 day";
        Invalid::check(
            self.horizon.0.0 > 0 && self.horizon.0.0 <= MAX_SPAN_NANOS,
            "horizon",
            self.horizon,
            day,
        )?;
        Invalid::check(self.max_events >= 1, "max_events", self.max_events, "≥ 1")?;
        let interval = self.timeseries_interval.0.0;
        Invalid::check(
            interval > 0 && self.horizon.0.0 / interval <= MAX_ROWS,
            "timeseries_interval",
            self.timeseries_interval,
            format!(
                "a duration > 0 and at least horizon / {MAX_ROWS} ({})",
                Duration(crate::engine::Span(self.horizon.0.0 / MAX_ROWS))
            ),
        )?;
        Invalid::check(
            self.network.mean.0.0 > 0 && self.network.mean.0.0 <= MAX_SPAN_NANOS,
            "network.mean",
            self.network.mean,
            day,
        )?;
        Invalid::check(
            self.network.sd.0.0 >= 0 && self.network.sd.0.0 <= MAX_SPAN_NANOS,
            "network.sd",
            self.network.sd,
            "a duration ≥ 0 and at most 1 day",
        )?;
        self.retry
            .validate_with_max_attempts("retry", MAX_WRITES_PER_CLIENT)?;
        Invalid::check(
            self.retry.cap.0.0 <= MAX_SPAN_NANOS,
            "retry.cap",
            self.retry.cap,
            "a duration ≥ base and at most 1 day",
        )
    }
}
