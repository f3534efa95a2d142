//! Runbooks: which steps an alert triggers, and after what human delay.

use crate::engine::Span;
use crate::model::RunbookSpec;

/// Every runbook step of a model, in file order.
#[derive(Clone, Debug, Default)]
pub struct Runbooks {
    steps: Vec<RunbookSpec>,
}

impl Runbooks {
    /// The steps of a validated spec.
    pub fn new(steps: &[RunbookSpec]) -> Runbooks {
        Runbooks {
            steps: steps.to_vec(),
        }
    }

    /// The steps `alert` triggers, as (step index, delay), in file order.
    pub fn triggered_by<'a>(&'a self, alert: &'a str) -> impl Iterator<Item = (usize, Span)> + 'a {
        self.steps
            .iter()
            .enumerate()
            .filter(move |(_, step)| step.alert == alert)
            .map(|(index, step)| (index, step.delay.span()))
    }

    /// Step `index`.
    pub fn step(&self, index: usize) -> &RunbookSpec {
        &self.steps[index]
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{ActionKind, Duration};

    fn step(alert: &str, delay_s: f64) -> RunbookSpec {
        RunbookSpec {
            alert: alert.into(),
            delay: Duration::from_secs_f64(delay_s),
            action: ActionKind::ScaleOutflow,
            amount: 0.5,
        }
    }

    #[test]
    fn an_alert_triggers_only_its_own_steps_in_file_order() {
        let runbooks = Runbooks::new(&[step("a", 60.0), step("b", 5.0), step("a", 120.0)]);
        let triggered: Vec<_> = runbooks.triggered_by("a").collect();
        assert_eq!(
            triggered,
            vec![(0, Span::from_secs(60)), (2, Span::from_secs(120))]
        );
        assert_eq!(runbooks.triggered_by("c").count(), 0);
    }
}
