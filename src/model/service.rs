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

/// Poisson calls at a base rate, changed by a schedule and by spikes.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LoadSpec {
    /// New calls per second: the healthy level, and the rate until the first
    /// schedule step.
    pub rate_per_s: f64,
    /// Steps and ramps, in time order: from `at` the rate is `rate_per_s`,
    /// reached at once or, with `ramp`, linearly over that long.
    #[serde(default)]
    pub schedule: Vec<ScheduleStep>,
    /// Windows of a different rate (they override the schedule).
    #[serde(default)]
    pub spikes: Vec<SpikeSpec>,
}

/// A change of the offered rate.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ScheduleStep {
    /// When the change starts.
    pub at: Duration,
    /// The new rate, calls per second (0 stops the load).
    pub rate_per_s: f64,
    /// How long the move from the previous rate takes; none is a step.
    #[serde(default)]
    pub ramp: Option<Duration>,
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
    /// Refuse new attempts while the server is this full (none: never).
    #[serde(default)]
    pub shed: Option<ShedSpec>,
    /// How long a refused attempt takes to reach the client (its network round trip).
    #[serde(default = "zero")]
    pub reject_latency: Duration,
}

fn zero() -> Duration {
    Duration::from_secs_f64(0.0)
}

/// Load shedding at the door: an attempt is refused when either bound is reached.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ShedSpec {
    /// Most requests in flight (abandoned ones included) before refusing.
    #[serde(default)]
    pub max_in_flight: Option<u64>,
    /// Most queueing delay a new attempt would see (what the requests in flight
    /// add to its latency, at the current capacity) before refusing.
    #[serde(default)]
    pub max_queue_delay: Option<Duration>,
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
        self.validate_schedule(&rate_ok)?;
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
        self.validate_shedding()?;
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

    fn validate_schedule(&self, rate_ok: &dyn Fn(f64) -> bool) -> Result<(), Invalid> {
        let mut previous: Option<(Duration, Duration)> = None; // (at, end of its ramp)
        for (index, step) in self.load.schedule.iter().enumerate() {
            let field = format!("load.schedule[{index}]");
            let in_order = previous.is_none_or(|(at, end)| step.at > at && step.at >= end);
            Invalid::check(
                in_order && step.at.0.0 >= 0,
                format!("{field}.at"),
                step.at,
                "a time ≥ 0, after the previous step's time and the end of its ramp",
            )?;
            Invalid::check(
                step.rate_per_s == 0.0 || rate_ok(step.rate_per_s),
                format!("{field}.rate_per_s"),
                step.rate_per_s,
                "0 or a rate in (0, 1e6]",
            )?;
            let ramp = step.ramp.unwrap_or(Duration::from_secs_f64(0.0));
            Invalid::check(
                ramp.0.0 >= 0 && ramp.0.0 <= self.horizon.0.0,
                format!("{field}.ramp"),
                ramp,
                format!("a duration from 0 to the horizon ({})", self.horizon),
            )?;
            previous = Some((step.at, Duration(step.at.0 + ramp.0)));
        }
        Ok(())
    }

    fn validate_shedding(&self) -> Result<(), Invalid> {
        Invalid::check(
            self.server.reject_latency.0.0 >= 0 && self.server.reject_latency <= self.horizon,
            "server.reject_latency",
            self.server.reject_latency,
            format!("a duration from 0 to the horizon ({})", self.horizon),
        )?;
        let Some(shed) = &self.server.shed else {
            return Ok(());
        };
        Invalid::check(
            shed.max_in_flight.is_some() || shed.max_queue_delay.is_some(),
            "server.shed",
            "{ }",
            "max_in_flight, max_queue_delay or both",
        )?;
        if let Some(limit) = shed.max_in_flight {
            Invalid::check(
                (1..=10_000_000).contains(&limit),
                "server.shed.max_in_flight",
                limit,
                "an integer from 1 to 10000000",
            )?;
        }
        if let Some(delay) = shed.max_queue_delay {
            Invalid::check(
                delay.0.0 > 0,
                "server.shed.max_queue_delay",
                delay,
                "a duration > 0",
            )?;
        }
        Ok(())
    }

    /// The offered rate the schedule sets at `seconds` (spikes aside).
    pub fn scheduled_rate(&self, seconds: f64) -> f64 {
        let mut level = self.load.rate_per_s;
        for step in &self.load.schedule {
            let start = step.at.as_secs_f64();
            if seconds < start {
                break;
            }
            let ramp = step.ramp.map_or(0.0, Duration::as_secs_f64);
            level = if ramp > 0.0 && seconds < start + ramp {
                level + (step.rate_per_s - level) * (seconds - start) / ramp
            } else {
                step.rate_per_s
            };
        }
        level
    }

    /// The highest rate the load ever asks for.
    pub fn peak_rate(&self) -> f64 {
        let spikes = self.load.spikes.iter().map(|s| s.rate_per_s);
        let steps = self.load.schedule.iter().map(|s| s.rate_per_s);
        spikes.chain(steps).fold(self.load.rate_per_s, f64::max)
    }

    /// Windows where the schedule asks for more than the healthy rate, as
    /// (start, end) seconds. A ramp's window starts where it crosses the rate.
    pub fn schedule_surges(&self) -> Vec<(f64, f64)> {
        let base = self.load.rate_per_s;
        let horizon = self.horizon.as_secs_f64();
        // Corners of the piecewise-linear rate: (time, level).
        let mut corners = vec![(0.0, base)];
        for step in &self.load.schedule {
            let start = step.at.as_secs_f64();
            let ramp = step.ramp.map_or(0.0, Duration::as_secs_f64);
            corners.push((start, self.scheduled_rate(start - 1e-9)));
            corners.push((start + ramp, step.rate_per_s));
        }
        corners.push((
            horizon.max(corners.last().map_or(0.0, |c| c.0)),
            self.scheduled_rate(horizon),
        ));
        let mut windows: Vec<(f64, f64)> = Vec::new();
        for pair in corners.windows(2) {
            let ((t0, v0), (t1, v1)) = (pair[0], pair[1]);
            if t1 <= t0 || (v0 <= base && v1 <= base) {
                continue;
            }
            let crossing = |from: f64, to: f64| t0 + (t1 - t0) * (base - from) / (to - from);
            let start = if v0 > base { t0 } else { crossing(v0, v1) };
            let end = if v1 > base { t1 } else { crossing(v0, v1) };
            match windows.last_mut() {
                Some(last) if last.1 >= start => last.1 = end,
                _ => windows.push((start, end)),
            }
        }
        windows.retain(|w| w.0 < horizon);
        windows
    }

    /// The trigger windows (spikes, capacity drops and scheduled surges above
    /// the healthy rate), as (start, end) seconds. A scheduled cut is a lever,
    /// not a trigger.
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
            .chain(self.schedule_surges())
            .collect();
        windows.sort_by(|a, b| a.0.total_cmp(&b.0));
        windows
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{ModelSpec, parse};

    fn spec(load: &str) -> ServiceSpec {
        let text = format!(
            "kind = \"service\"\nname = \"s\"\nhorizon = \"300s\"\n[load]\n{load}\n[server]\nbase_latency = \"1s\"\nlatency_per_concurrent = \"10ms\"\n[client]\ntimeout = \"3s\"\nretry = {{ policy = \"none\", max_attempts = 1 }}\n"
        );
        match parse(std::path::Path::new("s.toml"), &text) {
            Ok(ModelSpec::Service(spec)) => spec,
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn the_schedule_steps_and_ramps() {
        let spec = spec(
            "rate_per_s = 40.0\nschedule = [{ at = \"60s\", rate_per_s = 100.0 }, { at = \"100s\", rate_per_s = 20.0, ramp = \"40s\" }]",
        );
        let rate = |t| spec.scheduled_rate(t);
        assert_eq!(rate(59.9), 40.0);
        assert_eq!(rate(60.0), 100.0);
        assert_eq!(rate(99.0), 100.0);
        assert_eq!(rate(110.0), 80.0);
        assert_eq!(rate(140.0), 20.0);
        assert_eq!(rate(299.0), 20.0);
        assert_eq!(spec.peak_rate(), 100.0);
        // Above 40/s from the step at 60 s until the ramp crosses 40 at 100 + 40·60/80 = 130 s.
        assert_eq!(spec.triggers(), vec![(60.0, 130.0)]);
    }

    #[test]
    fn a_cut_is_not_a_trigger_and_a_ramp_up_starts_one_where_it_crosses() {
        let cut = spec("rate_per_s = 40.0\nschedule = [{ at = \"60s\", rate_per_s = 10.0 }]");
        assert!(cut.triggers().is_empty());
        let ramp = spec(
            "rate_per_s = 40.0\nschedule = [{ at = \"0s\", rate_per_s = 20.0 }, { at = \"100s\", rate_per_s = 60.0, ramp = \"40s\" }, { at = \"200s\", rate_per_s = 40.0 }]",
        );
        assert_eq!(ramp.triggers(), vec![(120.0, 200.0)]);
    }

    #[test]
    fn schedules_out_of_order_and_empty_shedding_are_refused() {
        let text = |load: &str, server: &str| {
            format!(
                "kind = \"service\"\nname = \"s\"\nhorizon = \"300s\"\n[load]\n{load}\n[server]\nbase_latency = \"1s\"\nlatency_per_concurrent = \"10ms\"\n{server}\n[client]\ntimeout = \"3s\"\nretry = {{ policy = \"none\", max_attempts = 1 }}\n"
            )
        };
        let field = |text: String| match parse(std::path::Path::new("s.toml"), &text) {
            Err(crate::model::ModelError::Invalid { invalid, .. }) => invalid.field,
            other => panic!("{other:?}"),
        };
        let overlapping = "rate_per_s = 40.0\nschedule = [{ at = \"60s\", rate_per_s = 10.0, ramp = \"30s\" }, { at = \"80s\", rate_per_s = 5.0 }]";
        assert_eq!(field(text(overlapping, "")), "load.schedule[1].at");
        let negative = "rate_per_s = 40.0\nschedule = [{ at = \"60s\", rate_per_s = -1.0 }]";
        assert_eq!(field(text(negative, "")), "load.schedule[0].rate_per_s");
        assert_eq!(
            field(text("rate_per_s = 40.0", "shed = { }")),
            "server.shed"
        );
        assert_eq!(
            field(text("rate_per_s = 40.0", "shed = { max_in_flight = 0 }")),
            "server.shed.max_in_flight"
        );
    }
}
