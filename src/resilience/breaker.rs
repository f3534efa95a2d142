//! A circuit breaker: closed (calls flow) → open after `failure_threshold`
//! consecutive failures (calls fail fast) → half-open after `open_for` (up to
//! `half_open_probes` trial calls) → closed on a success, open again on a failure.

use serde::{Deserialize, Serialize};

use crate::engine::{Span, Time};
use crate::model::{Duration, Invalid};

/// A breaker as written in a model file.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BreakerSpec {
    /// Consecutive failures that open the breaker.
    pub failure_threshold: u32,
    /// How long it stays open before probing.
    pub open_for: Duration,
    /// Trial calls let through while half-open.
    #[serde(default = "one")]
    pub half_open_probes: u32,
}

fn one() -> u32 {
    1
}

impl BreakerSpec {
    /// Checks the fields; `field` is the spec's path in the model file.
    pub fn validate(&self, field: &str) -> Result<(), Invalid> {
        Invalid::check(
            self.failure_threshold >= 1,
            format!("{field}.failure_threshold"),
            self.failure_threshold,
            "an integer ≥ 1",
        )?;
        Invalid::check(
            self.open_for.0.0 > 0,
            format!("{field}.open_for"),
            self.open_for,
            "a duration > 0",
        )?;
        Invalid::check(
            self.half_open_probes >= 1,
            format!("{field}.half_open_probes"),
            self.half_open_probes,
            "an integer ≥ 1",
        )
    }
}

/// Where the breaker is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BreakerState {
    /// Calls flow.
    Closed,
    /// Calls fail fast until the given time.
    Open {
        /// When probing may start.
        until: Time,
    },
    /// Some trial calls are in flight.
    HalfOpen {
        /// Trial calls let through so far.
        probes: u32,
    },
}

/// The state machine.
#[derive(Clone, Debug)]
pub struct CircuitBreaker {
    threshold: u32,
    open_for: Span,
    probes: u32,
    consecutive_failures: u32,
    state: BreakerState,
}

impl CircuitBreaker {
    /// A closed breaker.
    pub fn new(spec: &BreakerSpec) -> CircuitBreaker {
        CircuitBreaker {
            threshold: spec.failure_threshold,
            open_for: spec.open_for.span(),
            probes: spec.half_open_probes,
            consecutive_failures: 0,
            state: BreakerState::Closed,
        }
    }

    /// The state at `now` (an open breaker whose time is up reads as half-open).
    pub fn state(&self, now: Time) -> BreakerState {
        match self.state {
            BreakerState::Open { until } if now >= until => BreakerState::HalfOpen { probes: 0 },
            state => state,
        }
    }

    /// May a call go through at `now`? Counts half-open probes.
    pub fn allow(&mut self, now: Time) -> bool {
        self.state = self.state(now);
        match &mut self.state {
            BreakerState::Closed => true,
            BreakerState::Open { .. } => false,
            BreakerState::HalfOpen { probes } if *probes < self.probes => {
                *probes += 1;
                true
            }
            BreakerState::HalfOpen { .. } => false,
        }
    }

    /// A call that was let through succeeded.
    pub fn on_success(&mut self) {
        self.consecutive_failures = 0;
        self.state = BreakerState::Closed;
    }

    /// A call that was let through failed at `now`.
    pub fn on_failure(&mut self, now: Time) {
        self.consecutive_failures += 1;
        let half_open = matches!(self.state(now), BreakerState::HalfOpen { .. });
        if half_open || self.consecutive_failures >= self.threshold {
            self.state = BreakerState::Open {
                until: now + self.open_for,
            };
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn breaker() -> CircuitBreaker {
        CircuitBreaker::new(&BreakerSpec {
            failure_threshold: 3,
            open_for: crate::model::Duration::from_secs_f64(10.0),
            half_open_probes: 1,
        })
    }

    fn t(seconds: f64) -> Time {
        Time::from_secs_f64(seconds)
    }

    #[test]
    fn opens_after_consecutive_failures_and_recovers_through_half_open() {
        let mut breaker = breaker();
        for second in 0..2 {
            assert!(breaker.allow(t(second as f64)));
            breaker.on_failure(t(second as f64));
        }
        assert_eq!(
            breaker.state(t(2.0)),
            BreakerState::Closed,
            "two failures are below the threshold"
        );
        breaker.on_success();
        for second in 2..5 {
            assert!(breaker.allow(t(second as f64)));
            breaker.on_failure(t(second as f64));
        }
        assert_eq!(breaker.state(t(4.0)), BreakerState::Open { until: t(14.0) });
        assert!(!breaker.allow(t(13.999)), "open: fail fast");
        assert!(breaker.allow(t(14.0)), "half-open: one probe");
        assert!(!breaker.allow(t(14.5)), "only one probe at a time");
        breaker.on_failure(t(15.0));
        assert_eq!(
            breaker.state(t(15.0)),
            BreakerState::Open { until: t(25.0) },
            "a failed probe re-opens"
        );
        assert!(breaker.allow(t(25.0)));
        breaker.on_success();
        assert_eq!(
            breaker.state(t(25.0)),
            BreakerState::Closed,
            "a successful probe closes"
        );
        assert!(breaker.allow(t(25.1)));
    }
}
