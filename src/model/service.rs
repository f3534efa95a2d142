//! The `service` model kind: open-loop clients calling one service whose latency
//! grows with concurrency, with timeouts and retries. It reproduces the retry
//! collapse of M. Brooker's simulator and the metastable failures of Bronson et
//! al. and Huang et al.

use serde::{Deserialize, Serialize};

use super::duration::Duration;
use super::error::Invalid;
use crate::resilience::{RetryBudgetSpec, RetrySpec};

/// A service model file.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ServiceSpec {
    /// Always `"service"`.
    pub kind: String,
    /// Model name.
    pub name: String,
    /// Free text for humans.
    #[serde(default)]
    pub description: Option<String>,
    /// The run stops here.
    pub horizon: Duration,
    /// Runaway guard.
    #[serde(default = "default_max_events")]
    pub max_events: u64,
    /// Offered load.
    pub load: LoadSpec,
    /// The service.
    pub server: ServerSpec,
    /// The clients' timeouts and retries.
    pub client: ClientSpec,
}

fn default_max_events() -> u64 {
    1_000_000_000
}

/// Poisson calls at a base rate, with spikes.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LoadSpec {
    /// New calls per second.
    pub rate_per_s: f64,
    /// Windows of a different rate.
    #[serde(default)]
    pub spikes: Vec<SpikeSpec>,
}

/// A window with another arrival rate: a trigger.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SpikeSpec {
    /// Start.
    pub at: Duration,
    /// Length.
    pub duration: Duration,
    /// Calls per second during the window.
    pub rate_per_s: f64,
}

/// A service whose latency is `base + per_concurrent × requests in flight`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ServerSpec {
    /// Latency of a request on an idle server.
    pub base_latency: Duration,
    /// Extra latency per request already in flight (abandoned ones included).
    pub latency_per_concurrent: Duration,
    /// Capacity drops: triggers that slow every request started in the window.
    #[serde(default)]
    pub capacity_drops: Vec<CapacityDropSpec>,
}

/// A window of reduced capacity: latency is divided by (1 − fraction).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CapacityDropSpec {
    /// Start.
    pub at: Duration,
    /// Length.
    pub duration: Duration,
    /// Capacity lost, in [0, 1).
    pub fraction: f64,
}

/// Client behaviour.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ClientSpec {
    /// A client abandons an attempt after this long; the server still finishes it.
    pub timeout: Duration,
    /// When and how often to retry.
    pub retry: RetrySpec,
    /// Optional retry budget shared by all clients.
    #[serde(default)]
    pub budget: Option<RetryBudgetSpec>,
}

impl ServiceSpec {
    /// Checks every field.
    pub fn validate(&self) -> Result<(), Invalid> {
        Invalid::check(
            self.kind == "service",
            "kind",
            format!("{:?}", self.kind),
            "\"service\"",
        )?;
        Invalid::check(
            self.horizon.0.0 > 0,
            "horizon",
            self.horizon,
            "a duration > 0",
        )?;
        let rate_ok = |rate: f64| rate.is_finite() && rate > 0.0 && rate <= 1e6;
        Invalid::check(
            rate_ok(self.load.rate_per_s),
            "load.rate_per_s",
            self.load.rate_per_s,
            "a rate in (0, 1e6]",
        )?;
        for (index, spike) in self.load.spikes.iter().enumerate() {
            let field = format!("load.spikes[{index}]");
            Invalid::check(
                spike.at.0.0 >= 0,
                format!("{field}.at"),
                spike.at,
                "a duration ≥ 0",
            )?;
            Invalid::check(
                spike.duration.0.0 > 0,
                format!("{field}.duration"),
                spike.duration,
                "a duration > 0",
            )?;
            Invalid::check(
                rate_ok(spike.rate_per_s),
                format!("{field}.rate_per_s"),
                spike.rate_per_s,
                "a rate in (0, 1e6]",
            )?;
        }
        let server = &self.server;
        Invalid::check(
            server.base_latency.0.0 > 0,
            "server.base_latency",
            server.base_latency,
            "a duration > 0",
        )?;
        Invalid::check(
            server.latency_per_concurrent.0.0 >= 0,
            "server.latency_per_concurrent",
            server.latency_per_concurrent,
            "a duration ≥ 0",
        )?;
        for (index, drop) in server.capacity_drops.iter().enumerate() {
            let field = format!("server.capacity_drops[{index}]");
            Invalid::check(
                drop.at.0.0 >= 0,
                format!("{field}.at"),
                drop.at,
                "a duration ≥ 0",
            )?;
            Invalid::check(
                drop.duration.0.0 > 0,
                format!("{field}.duration"),
                drop.duration,
                "a duration > 0",
            )?;
            Invalid::check(
                (0.0..1.0).contains(&drop.fraction),
                format!("{field}.fraction"),
                drop.fraction,
                "a fraction in [0, 1)",
            )?;
        }
        Invalid::check(
            self.client.timeout.0.0 > 0,
            "client.timeout",
            self.client.timeout,
            "a duration > 0",
        )?;
        self.client.retry.validate("client.retry")?;
        if let Some(budget) = &self.client.budget {
            budget.validate("client.budget")?;
        }
        Ok(())
    }

    /// The trigger windows (spikes and capacity drops), as (start, end) seconds.
    pub fn triggers(&self) -> Vec<(f64, f64)> {
        let spikes = self.load.spikes.iter().map(|s| (s.at, s.duration));
        let drops = self
            .server
            .capacity_drops
            .iter()
            .map(|d| (d.at, d.duration));
        let mut windows: Vec<(f64, f64)> = spikes
            .chain(drops)
            .map(|(at, length)| (at.as_secs_f64(), at.as_secs_f64() + length.as_secs_f64()))
            .collect();
        windows.sort_by(|a, b| a.0.total_cmp(&b.0));
        windows
    }
}
