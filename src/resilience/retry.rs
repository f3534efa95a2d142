//! Retry policies (AWS Architecture Blog, "Exponential Backoff And Jitter", 2015).
//!
//! With `base` b, `cap` c and retry number n (0 for the first retry):
//! - `none`: never retry;  `immediate`: 0;  `fixed`: b
//! - `exponential`: min(c, b·2ⁿ)
//! - `full_jitter`: uniform(0, min(c, b·2ⁿ))
//! - `equal_jitter`: t/2 + uniform(0, t/2) with t = min(c, b·2ⁿ)
//! - `decorrelated_jitter`: min(c, uniform(b, 3·previous)), previous starting at b

use rand::RngExt;
use serde::{Deserialize, Serialize};

use crate::engine::{Rng, Span};
use crate::model::{Duration, Invalid};

/// The shape of the delays between attempts.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RetryPolicy {
    /// One attempt only.
    None,
    /// Retry at once.
    Immediate,
    /// Always wait `base`.
    Fixed,
    /// Double the wait each time, no jitter.
    Exponential,
    /// A uniform draw below the exponential wait.
    FullJitter,
    /// Half the exponential wait plus a uniform draw below the other half.
    EqualJitter,
    /// A uniform draw between `base` and three times the previous wait.
    DecorrelatedJitter,
}

/// A retry policy as written in a model file.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RetrySpec {
    /// The policy.
    pub policy: RetryPolicy,
    /// Base delay.
    #[serde(default = "default_base")]
    pub base: Duration,
    /// Longest delay.
    #[serde(default = "default_cap")]
    pub cap: Duration,
    /// Attempts in all, the first included (1 = no retries).
    pub max_attempts: u32,
}

fn default_base() -> Duration {
    Duration::from_secs_f64(0.1)
}

fn default_cap() -> Duration {
    Duration::from_secs_f64(20.0)
}

impl RetrySpec {
    /// Checks the fields; `field` is the spec's path in the model file. At most
    /// 100 attempts.
    pub fn validate(&self, field: &str) -> Result<(), Invalid> {
        self.validate_with_max_attempts(field, 100)
    }

    /// Checks the fields, allowing up to `limit` attempts (a kind whose clients
    /// must eventually succeed, such as `contention`, needs more than 100).
    pub fn validate_with_max_attempts(&self, field: &str, limit: u32) -> Result<(), Invalid> {
        Invalid::check(
            self.base.0.0 >= 0,
            format!("{field}.base"),
            self.base,
            "a duration ≥ 0",
        )?;
        Invalid::check(
            self.cap >= self.base,
            format!("{field}.cap"),
            self.cap,
            format!("a duration ≥ base ({})", self.base),
        )?;
        Invalid::check(
            (1..=limit).contains(&self.max_attempts),
            format!("{field}.max_attempts"),
            self.max_attempts,
            format!("an integer from 1 to {limit}"),
        )
    }

    /// True if another attempt may follow attempt number `attempts_made` (1-based).
    pub fn allows_retry(&self, attempts_made: u32) -> bool {
        self.policy != RetryPolicy::None && attempts_made < self.max_attempts
    }

    /// The delay before retry number `retry` (0-based); `previous` is the last
    /// delay used (for decorrelated jitter; pass `Span::ZERO` the first time).
    pub fn delay(&self, retry: u32, previous: Span, rng: &mut Rng) -> Span {
        let (base, cap) = (self.base.0.0 as f64, self.cap.0.0 as f64);
        let exponential = (base * 2f64.powi(retry.min(62) as i32)).min(cap);
        let nanos = match self.policy {
            RetryPolicy::None | RetryPolicy::Immediate => 0.0,
            RetryPolicy::Fixed => base,
            RetryPolicy::Exponential => exponential,
            RetryPolicy::FullJitter => rng.random::<f64>() * exponential,
            RetryPolicy::EqualJitter => exponential / 2.0 + rng.random::<f64>() * exponential / 2.0,
            RetryPolicy::DecorrelatedJitter => {
                let previous = (previous.0 as f64).max(base);
                (base + rng.random::<f64>() * (3.0 * previous - base)).min(cap)
            }
        };
        Span(nanos as i64)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::Streams;

    fn spec(policy: RetryPolicy) -> RetrySpec {
        RetrySpec {
            policy,
            base: Duration::from_secs_f64(0.1),
            cap: Duration::from_secs_f64(2.0),
            max_attempts: 5,
        }
    }

    fn secs(span: Span) -> f64 {
        span.as_secs_f64()
    }

    #[test]
    fn deterministic_policies_follow_their_closed_form() {
        let mut rng = Streams::new(1, 0).get("retry");
        for retry in 0..8 {
            let expected = (0.1 * 2f64.powi(retry as i32)).min(2.0);
            assert!(
                (secs(spec(RetryPolicy::Exponential).delay(retry, Span::ZERO, &mut rng))
                    - expected)
                    .abs()
                    < 1e-9
            );
            assert_eq!(
                secs(spec(RetryPolicy::Fixed).delay(retry, Span::ZERO, &mut rng)),
                0.1
            );
            assert_eq!(
                spec(RetryPolicy::Immediate).delay(retry, Span::ZERO, &mut rng),
                Span::ZERO
            );
        }
        assert!(!spec(RetryPolicy::None).allows_retry(1));
        assert!(
            spec(RetryPolicy::Fixed).allows_retry(4) && !spec(RetryPolicy::Fixed).allows_retry(5)
        );
    }

    /// Jittered delays stay inside their bounds, and their means match the
    /// closed form within 5 standard errors (seed 2, 20,000 draws per retry).
    #[test]
    fn jittered_policies_respect_bounds_and_means() {
        let mut rng = Streams::new(2, 0).get("retry");
        let n = 20_000;
        for retry in 0..6u32 {
            let t = (0.1 * 2f64.powi(retry as i32)).min(2.0);
            let cases = [
                (RetryPolicy::FullJitter, 0.0, t, t / 2.0),
                (RetryPolicy::EqualJitter, t / 2.0, t, 0.75 * t),
            ];
            for (policy, low, high, mean) in cases {
                let draws: Vec<f64> = (0..n)
                    .map(|_| secs(spec(policy).delay(retry, Span::ZERO, &mut rng)))
                    .collect();
                assert!(
                    draws.iter().all(|d| (low..=high).contains(d)),
                    "{policy:?} retry {retry} out of [{low}, {high}]"
                );
                let sample_mean = draws.iter().sum::<f64>() / n as f64;
                let standard_error = (high - low) / 12f64.sqrt() / (n as f64).sqrt();
                assert!(
                    (sample_mean - mean).abs() < 5.0 * standard_error,
                    "{policy:?} retry {retry}: mean {sample_mean} vs {mean}"
                );
            }
        }
        // Decorrelated: within [base, min(cap, 3·previous)].
        let mut previous = Span::ZERO;
        for retry in 0..50 {
            let delay = spec(RetryPolicy::DecorrelatedJitter).delay(retry, previous, &mut rng);
            let upper = (3.0 * secs(previous).max(0.1)).min(2.0);
            assert!(
                secs(delay) >= 0.1 - 1e-9 && secs(delay) <= upper + 1e-9,
                "decorrelated {delay:?} after {previous:?}"
            );
            previous = delay;
        }
    }
}
