//! HPA-like autoscaling as a pure state machine: every sync period it takes the
//! metric and the instance counts and returns how many instances to add, or the
//! size to shrink to.

use crate::engine::{Span, Time};
use crate::model::{AutoscaleSpec, ScaleMetric};

/// The autoscaler's settings and its recent recommendations.
#[derive(Clone, Debug)]
pub struct Autoscaler {
    spec: AutoscaleSpec,
    /// (time, desired instances), for scale-down stabilisation.
    recommendations: Vec<(Time, u32)>,
}

/// One sync's decision.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ScaleDecision {
    /// Start this many instances (they serve after the boot delay).
    Add(u32),
    /// Serve with this many instances from now.
    ShrinkTo(u32),
    /// Leave the pool as it is.
    Hold,
}

impl Autoscaler {
    /// An autoscaler of a validated spec.
    pub fn new(spec: &AutoscaleSpec) -> Autoscaler {
        Autoscaler {
            spec: spec.clone(),
            recommendations: Vec::new(),
        }
    }

    /// What it watches.
    pub fn metric(&self) -> ScaleMetric {
        self.spec.metric
    }

    /// Time from a decision until a new instance serves.
    pub fn boot(&self) -> Span {
        self.spec.boot.span()
    }

    /// True when `since_start` falls on a sync tick.
    pub fn syncs_at(&self, since_start: Span) -> bool {
        since_start.0 % self.spec.sync.span().0.max(1) == 0
    }

    /// Seconds of history a utilization decision averages over (one sync period).
    pub fn window_s(&self) -> usize {
        (self.spec.sync.as_secs_f64().round() as usize).max(1)
    }

    /// desired = ceil(current × metric / target) within [min, max]; growth is
    /// limited per step, and shrinking goes only to the highest recommendation of
    /// the stabilisation window, and not while instances boot.
    pub fn decide(&mut self, now: Time, metric: f64, serving: u32, booting: u32) -> ScaleDecision {
        let spec = &self.spec;
        let current = serving + booting;
        let desired =
            ((f64::from(current) * metric / spec.target).ceil() as u32).clamp(spec.min, spec.max);
        self.recommendations.push((now, desired));
        let horizon = now - spec.stabilization.span();
        self.recommendations.retain(|(time, _)| *time >= horizon);
        if desired > current {
            let limit =
                ((f64::from(current) * spec.max_factor).ceil() as u32).max(current + spec.max_add);
            return ScaleDecision::Add(desired.min(limit) - current);
        }
        let floor = self
            .recommendations
            .iter()
            .map(|(_, d)| *d)
            .max()
            .unwrap_or(desired);
        if floor < current && booting == 0 {
            ScaleDecision::ShrinkTo(floor.max(spec.min))
        } else {
            ScaleDecision::Hold
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Duration;

    fn autoscaler() -> Autoscaler {
        Autoscaler::new(&AutoscaleSpec {
            metric: ScaleMetric::Utilization,
            target: 0.5,
            sync: Duration::from_secs_f64(15.0),
            max_factor: 2.0,
            max_add: 4,
            boot: Duration::from_secs_f64(100.0),
            stabilization: Duration::from_secs_f64(300.0),
            min: 2,
            max: 40,
        })
    }

    fn at(seconds: i64) -> Time {
        Time::OPENING + Span::from_secs(seconds)
    }

    #[test]
    fn grows_to_the_proportional_size_but_at_most_double_or_plus_four() {
        let mut a = autoscaler();
        // 10 at 100% with a 50% target wants 20: allowed (max(2×10, 10+4) = 20).
        assert_eq!(a.decide(at(0), 1.0, 10, 0), ScaleDecision::Add(10));
        // 3 at 100% wants 6: allowed (max(6, 7)).
        assert_eq!(a.decide(at(15), 1.0, 3, 0), ScaleDecision::Add(3));
        // 20 at 100% wants 40, capped at max 40: allowed (2×20).
        assert_eq!(a.decide(at(30), 1.0, 20, 0), ScaleDecision::Add(20));
        // Instances still booting count as current.
        assert_eq!(a.decide(at(45), 1.0, 10, 10), ScaleDecision::Add(20));
    }

    #[test]
    fn shrinks_only_to_the_highest_recommendation_of_the_window() {
        let mut a = autoscaler();
        assert_eq!(a.decide(at(0), 0.5, 10, 0), ScaleDecision::Hold);
        // Load halves: desired 5, but 10 was recommended within 300 s.
        assert_eq!(a.decide(at(15), 0.25, 10, 0), ScaleDecision::Hold);
        // 301 s after the high recommendation it has left the window.
        assert_eq!(a.decide(at(301), 0.25, 10, 0), ScaleDecision::ShrinkTo(5));
        // Never while instances boot, never below min.
        assert_eq!(a.decide(at(700), 0.0, 10, 1), ScaleDecision::Hold);
        assert_eq!(a.decide(at(1100), 0.0, 10, 0), ScaleDecision::ShrinkTo(2));
    }

    #[test]
    fn syncs_on_multiples_of_the_period_only() {
        let a = autoscaler();
        assert!(a.syncs_at(Span::from_secs(30)));
        assert!(!a.syncs_at(Span::from_secs(31)));
    }
}
