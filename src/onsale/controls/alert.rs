//! An alert rule as a pure state machine: it observes one time-series value per
//! second and says when it fires (breached for the whole window) and resolves.

use crate::engine::{Span, Time};
use crate::model::AlertSpec;

/// An alert rule and whether it is breached or firing.
pub struct AlertRule {
    spec: AlertSpec,
    breached_since: Option<Time>,
    firing: bool,
}

/// What an observation did to an alert.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AlertChange {
    /// Breached for the whole window: it fires now.
    Fires,
    /// Back within bounds: it resolves now.
    Resolves,
}

impl AlertRule {
    /// A quiet rule.
    pub fn new(spec: AlertSpec) -> AlertRule {
        AlertRule {
            spec,
            breached_since: None,
            firing: false,
        }
    }

    /// The value of the metric over the second that ends at `now`.
    pub fn observe(&mut self, now: Time, value: f64) -> Option<AlertChange> {
        let breached = match (self.spec.above, self.spec.below) {
            (Some(above), _) => value > above,
            (_, Some(below)) => value < below,
            _ => false,
        };
        if !breached {
            self.breached_since = None;
            let resolves = std::mem::take(&mut self.firing);
            return resolves.then_some(AlertChange::Resolves);
        }
        // The row covers the second ending now: the breach began at its start.
        let since = *self.breached_since.get_or_insert(now - Span::from_secs(1));
        if !self.firing && now.since(since) >= self.spec.sustained.span() {
            self.firing = true;
            return Some(AlertChange::Fires);
        }
        None
    }
}

impl AlertRule {
    /// The rule's name, as runbooks refer to it.
    pub fn name(&self) -> &str {
        &self.spec.name
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Duration;

    fn rule(sustained_s: f64) -> AlertRule {
        AlertRule::new(AlertSpec {
            name: "p99".into(),
            metric: "hold_p99_s".into(),
            above: Some(2.0),
            below: None,
            sustained: Duration::from_secs_f64(sustained_s),
        })
    }

    /// A scripted metric: 1 s until second 100, 5 s from then on, back to 1 s at 200.
    fn scripted(t: i64) -> f64 {
        if (100..200).contains(&t) { 5.0 } else { 1.0 }
    }

    #[test]
    fn fires_exactly_when_the_breach_has_lasted_the_window_and_resolves_at_once() {
        for window in [0.0, 1.0, 30.0, 60.0] {
            let mut alert = rule(window);
            let mut changes = Vec::new();
            // Row t covers the second (t-1, t]; the breach starts with row 101.
            for t in 1..=300 {
                if let Some(change) = alert.observe(Time::from_secs_f64(t as f64), scripted(t - 1))
                {
                    changes.push((t, change));
                }
            }
            let fires_at = 100 + (window as i64).max(1);
            assert_eq!(
                changes,
                vec![(fires_at, AlertChange::Fires), (201, AlertChange::Resolves)],
                "window {window}s"
            );
        }
    }

    #[test]
    fn a_short_breach_never_fires() {
        let mut alert = rule(30.0);
        let fired = (1..=300).any(|t| {
            let value = if (100..120).contains(&t) { 5.0 } else { 1.0 };
            alert.observe(Time::from_secs_f64(t as f64), value) == Some(AlertChange::Fires)
        });
        assert!(!fired, "a 20 s breach fired a 30 s alert");
    }
}
