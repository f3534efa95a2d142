//! Adaptive waiting-room outflow: AIMD on backend health. Each period the
//! outflow is cut to 70% when the hold p99 or the error rate is over target,
//! and otherwise grows by a tenth of the maximum.

use crate::model::AdaptiveOutflowSpec;

/// The controller's settings.
#[derive(Clone, Debug)]
pub struct AdaptiveOutflow {
    spec: AdaptiveOutflowSpec,
}

/// One period's decision.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct OutflowDecision {
    /// The new outflow per minute.
    pub per_min: f64,
    /// True when the backend was unhealthy (the outflow was cut).
    pub cut: bool,
}

impl AdaptiveOutflow {
    /// The controller of a validated spec.
    pub fn new(spec: &AdaptiveOutflowSpec) -> AdaptiveOutflow {
        AdaptiveOutflow { spec: spec.clone() }
    }

    /// Seconds of history one decision looks at (the period).
    pub fn period_s(&self) -> f64 {
        self.spec.period.as_secs_f64()
    }

    /// The period as a span.
    pub fn period(&self) -> crate::engine::Span {
        self.spec.period.span()
    }

    /// The next outflow from the last period's worst hold p99 (s) and its
    /// responses and system errors.
    pub fn decide(
        &self,
        current: f64,
        hold_p99_s: f64,
        responses: u64,
        errors: u64,
    ) -> OutflowDecision {
        let error_rate = errors as f64 / responses.max(1) as f64;
        let cut = hold_p99_s > self.spec.target_hold_p99.as_secs_f64()
            || error_rate > self.spec.max_error_rate;
        let next = if cut {
            current * 0.7
        } else {
            current + 0.1 * self.spec.max_per_min
        };
        OutflowDecision {
            per_min: next.clamp(self.spec.min_per_min, self.spec.max_per_min),
            cut,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Duration;

    fn controller() -> AdaptiveOutflow {
        AdaptiveOutflow::new(&AdaptiveOutflowSpec {
            target_hold_p99: Duration::from_secs_f64(2.0),
            max_error_rate: 0.05,
            period: Duration::from_secs_f64(10.0),
            min_per_min: 100.0,
            max_per_min: 5000.0,
        })
    }

    #[test]
    fn cuts_multiplicatively_when_latency_or_errors_are_over_target() {
        let c = controller();
        assert_eq!(
            c.decide(2000.0, 2.5, 100, 0),
            OutflowDecision {
                per_min: 1400.0,
                cut: true
            }
        );
        assert_eq!(
            c.decide(2000.0, 0.1, 100, 6),
            OutflowDecision {
                per_min: 1400.0,
                cut: true
            }
        );
    }

    #[test]
    fn grows_additively_when_healthy_and_stays_within_bounds() {
        let c = controller();
        assert_eq!(
            c.decide(2000.0, 0.1, 100, 5),
            OutflowDecision {
                per_min: 2500.0,
                cut: false
            }
        );
        assert_eq!(c.decide(4900.0, 0.1, 0, 0).per_min, 5000.0);
        assert_eq!(c.decide(120.0, 9.0, 0, 0).per_min, 100.0);
    }
}
