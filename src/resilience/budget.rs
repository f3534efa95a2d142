//! A retry budget (Google SRE): a token bucket that earns `ratio` tokens per
//! success and spends one per retry, so retries stay near `ratio` of traffic
//! however bad things get.

use serde::{Deserialize, Serialize};

use crate::model::Invalid;

/// A retry budget as written in a model file.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RetryBudgetSpec {
    /// Tokens earned per successful request (e.g. 0.1: retries ≤ ~10% of successes).
    pub ratio: f64,
    /// Most tokens the bucket holds (and holds at the start).
    pub max_tokens: f64,
}

impl RetryBudgetSpec {
    /// Checks the fields; `field` is the spec's path in the model file.
    pub fn validate(&self, field: &str) -> Result<(), Invalid> {
        Invalid::check(
            (0.0..=1.0).contains(&self.ratio),
            format!("{field}.ratio"),
            self.ratio,
            "a number in [0, 1]",
        )?;
        Invalid::check(
            self.max_tokens.is_finite() && self.max_tokens >= 1.0,
            format!("{field}.max_tokens"),
            self.max_tokens,
            "a number ≥ 1",
        )
    }
}

/// The bucket.
#[derive(Clone, Debug)]
pub struct RetryBudget {
    spec: RetryBudgetSpec,
    tokens: f64,
}

impl RetryBudget {
    /// A full bucket.
    pub fn new(spec: &RetryBudgetSpec) -> RetryBudget {
        RetryBudget {
            spec: spec.clone(),
            tokens: spec.max_tokens,
        }
    }

    /// A request succeeded.
    pub fn on_success(&mut self) {
        self.tokens = (self.tokens + self.spec.ratio).min(self.spec.max_tokens);
    }

    /// Spends a token for a retry if one is there.
    pub fn try_retry(&mut self) -> bool {
        if self.tokens >= 1.0 {
            self.tokens -= 1.0;
            true
        } else {
            false
        }
    }

    /// Tokens left.
    pub fn tokens(&self) -> f64 {
        self.tokens
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retries_are_capped_by_successes() {
        let mut budget = RetryBudget::new(&RetryBudgetSpec {
            ratio: 0.1,
            max_tokens: 5.0,
        });
        let drained = (0..100).filter(|_| budget.try_retry()).count();
        assert_eq!(drained, 5, "a full bucket allows max_tokens retries");
        for _ in 0..100 {
            budget.on_success();
        }
        assert_eq!(
            (0..100).filter(|_| budget.try_retry()).count(),
            5,
            "capped at max_tokens"
        );
        for _ in 0..30 {
            budget.on_success();
        }
        assert_eq!(
            (0..100).filter(|_| budget.try_retry()).count(),
            3,
            "30 successes x 0.1 = 3 retries"
        );
    }
}
