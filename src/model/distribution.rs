//! Random durations as written in model files:
//! `{ dist = "exp", mean = "1s" }`, `{ dist = "lognormal", mean = "80ms", cv = 1.5 }`.

use serde::{Deserialize, Serialize};

use super::duration::Duration;
use super::error::Invalid;

/// A distribution of non-negative durations.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "dist", rename_all = "lowercase", deny_unknown_fields)]
pub enum DistributionSpec {
    /// Exponential with the given mean (memoryless; M in Kendall notation).
    Exp {
        /// Mean duration.
        mean: Duration,
    },
    /// Always the same value (D in Kendall notation).
    #[serde(alias = "fixed", alias = "deterministic")]
    Det {
        /// The value.
        value: Duration,
    },
    /// Log-normal, given by its mean and coefficient of variation (std dev / mean).
    Lognormal {
        /// Mean duration.
        mean: Duration,
        /// Coefficient of variation, > 0.
        cv: f64,
    },
    /// Gamma with the given mean and shape k (scale = mean / k).
    Gamma {
        /// Mean duration.
        mean: Duration,
        /// Shape, > 0. Shape 1 is exponential.
        shape: f64,
    },
    /// Erlang-k: the sum of k exponential phases, total mean as given.
    Erlang {
        /// Mean duration.
        mean: Duration,
        /// Number of phases, ≥ 1.
        k: u32,
    },
    /// Uniform on [min, max].
    Uniform {
        /// Lower bound.
        min: Duration,
        /// Upper bound, ≥ min.
        max: Duration,
    },
}

impl DistributionSpec {
    /// Mean in seconds.
    pub fn mean_secs(&self) -> f64 {
        match self {
            Self::Exp { mean }
            | Self::Lognormal { mean, .. }
            | Self::Gamma { mean, .. }
            | Self::Erlang { mean, .. } => mean.as_secs_f64(),
            Self::Det { value } => value.as_secs_f64(),
            Self::Uniform { min, max } => (min.as_secs_f64() + max.as_secs_f64()) / 2.0,
        }
    }

    /// Checks parameters; `field` is the path of this distribution in the model file.
    pub fn validate(&self, field: &str) -> Result<(), Invalid> {
        let non_negative = |name: &str, d: &Duration| {
            Invalid::check(d.0.0 >= 0, format!("{field}.{name}"), d, "a duration ≥ 0")
        };
        let positive = |name: &str, d: &Duration| {
            Invalid::check(d.0.0 > 0, format!("{field}.{name}"), d, "a duration > 0")
        };
        match self {
            Self::Exp { mean } => positive("mean", mean),
            Self::Det { value } => non_negative("value", value),
            Self::Lognormal { mean, cv } => {
                positive("mean", mean)?;
                // Beyond cv = 100 the lognormal's σ² = ln(1 + cv²) makes draws overflow.
                Invalid::check(
                    *cv > 0.0 && *cv <= 100.0,
                    format!("{field}.cv"),
                    cv,
                    "a number in (0, 100]",
                )
            }
            Self::Gamma { mean, shape } => {
                positive("mean", mean)?;
                Invalid::check(
                    (0.001..=1e6).contains(shape),
                    format!("{field}.shape"),
                    shape,
                    "a number from 0.001 to 1000000",
                )
            }
            Self::Erlang { mean, k } => {
                positive("mean", mean)?;
                Invalid::check(*k >= 1, format!("{field}.k"), k, "an integer ≥ 1")
            }
            Self::Uniform { min, max } => {
                non_negative("min", min)?;
                Invalid::check(
                    max >= min,
                    format!("{field}.max"),
                    max,
                    format!("a duration ≥ min ({min})"),
                )
            }
        }
    }
}
