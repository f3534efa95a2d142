//! The circuit breaker on the app's calls to the primary, reporting each change
//! of state so the incident timeline can show it.

use crate::engine::Time;
use crate::resilience::{BreakerSpec, BreakerState, CircuitBreaker};

/// A breaker (or none) and the state changes it reports.
#[derive(Clone, Debug)]
pub struct BreakerWatch {
    breaker: Option<CircuitBreaker>,
}

fn state_name(state: BreakerState) -> &'static str {
    match state {
        BreakerState::Closed => "closed",
        BreakerState::Open { .. } => "open",
        BreakerState::HalfOpen { .. } => "half_open",
    }
}

impl BreakerWatch {
    /// A closed breaker, or none without a spec.
    pub fn new(spec: Option<&BreakerSpec>) -> BreakerWatch {
        BreakerWatch {
            breaker: spec.map(CircuitBreaker::new),
        }
    }

    /// May a call go through at `now`? Returns the new state's name if it changed.
    pub fn allow(&mut self, now: Time) -> (bool, Option<&'static str>) {
        let Some(breaker) = self.breaker.as_mut() else {
            return (true, None);
        };
        let before = state_name(breaker.state(now));
        let allowed = breaker.allow(now);
        (allowed, changed(before, state_name(breaker.state(now))))
    }

    /// The outcome of a call it let through; the new state's name if it changed.
    pub fn record(&mut self, now: Time, success: bool) -> Option<&'static str> {
        let breaker = self.breaker.as_mut()?;
        let before = state_name(breaker.state(now));
        if success {
            breaker.on_success();
        } else {
            breaker.on_failure(now);
        }
        changed(before, state_name(breaker.state(now)))
    }
}

fn changed(before: &'static str, after: &'static str) -> Option<&'static str> {
    (before != after).then_some(after)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::Span;
    use crate::model::Duration;

    #[test]
    fn reports_open_after_the_threshold_then_half_open_then_closed() {
        let spec = BreakerSpec {
            failure_threshold: 3,
            open_for: Duration::from_secs_f64(10.0),
            half_open_probes: 1,
        };
        let mut watch = BreakerWatch::new(Some(&spec));
        let t0 = Time::OPENING;
        assert_eq!(watch.record(t0, false), None);
        assert_eq!(watch.record(t0, false), None);
        assert_eq!(watch.record(t0, false), Some("open"));
        assert_eq!(watch.allow(t0 + Span::from_secs(9)), (false, None));
        // After open_for the first call is a probe; the state reads half-open already.
        assert_eq!(watch.allow(t0 + Span::from_secs(10)), (true, None));
        assert_eq!(watch.record(t0 + Span::from_secs(10), true), Some("closed"));
    }

    #[test]
    fn no_breaker_allows_everything_and_reports_nothing() {
        let mut watch = BreakerWatch::new(None);
        assert_eq!(watch.allow(Time::OPENING), (true, None));
        assert_eq!(watch.record(Time::OPENING, false), None);
    }
}
