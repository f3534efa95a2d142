//! Compiled distributions: a [`DistributionSpec`] turned into something that
//! draws a [`Span`] in a few nanoseconds on the hot path.

use rand::RngExt;
use rand_distr::{Distribution, Exp1, Gamma, LogNormal};

use crate::engine::{Rng, Span};
use crate::model::DistributionSpec;

/// A distribution ready to sample, in nanoseconds.
#[derive(Clone, Debug)]
pub enum Sampler {
    /// Exponential with the given mean.
    Exp {
        /// Mean in nanoseconds.
        mean_ns: f64,
    },
    /// A constant.
    Det(Span),
    /// Log-normal in nanoseconds.
    LogNormal(LogNormal<f64>),
    /// Gamma (and Erlang) in nanoseconds.
    Gamma(Gamma<f64>),
    /// Uniform on [low, low + width] nanoseconds.
    Uniform {
        /// Lower bound.
        low_ns: f64,
        /// Width of the interval.
        width_ns: f64,
    },
}

impl Sampler {
    /// Compiles a validated spec. Parameters are checked by `DistributionSpec::validate`,
    /// so the constructors below cannot fail on a validated model.
    pub fn new(spec: &DistributionSpec) -> Sampler {
        let ns = |d: &crate::model::Duration| d.0.0 as f64;
        match spec {
            DistributionSpec::Exp { mean } => Sampler::Exp { mean_ns: ns(mean) },
            DistributionSpec::Det { value } => Sampler::Det(value.0),
            DistributionSpec::Lognormal { mean, cv } => {
                let sigma_squared = (1.0 + cv * cv).ln();
                let mu = ns(mean).ln() - sigma_squared / 2.0;
                Sampler::LogNormal(
                    LogNormal::new(mu, sigma_squared.sqrt()).expect("validated cv > 0"),
                )
            }
            DistributionSpec::Gamma { mean, shape } => {
                Sampler::Gamma(Gamma::new(*shape, ns(mean) / shape).expect("validated shape > 0"))
            }
            DistributionSpec::Erlang { mean, k } => {
                let shape = f64::from(*k);
                Sampler::Gamma(Gamma::new(shape, ns(mean) / shape).expect("validated k ≥ 1"))
            }
            DistributionSpec::Uniform { min, max } => Sampler::Uniform {
                low_ns: ns(min),
                width_ns: ns(max) - ns(min),
            },
        }
    }

    /// Exponential with mean `mean` (a Poisson process's gaps).
    pub fn exponential(mean: Span) -> Sampler {
        Sampler::Exp {
            mean_ns: mean.0 as f64,
        }
    }

    /// One draw. The exponential, the queueing benches' distribution, is
    /// drawn inline; the others out of line, so a call site stays small.
    #[inline(always)]
    pub fn sample(&self, rng: &mut Rng) -> Span {
        let nanos = match self {
            Sampler::Exp { mean_ns } => {
                let unit: f64 = Exp1.sample(rng);
                unit * mean_ns
            }
            Sampler::Det(span) => return *span,
            _ => self.sample_other(rng),
        };
        span_of(nanos)
    }

    /// A draw, in nanoseconds, of the distributions [`Sampler::sample`] does
    /// not draw inline.
    #[inline(never)]
    fn sample_other(&self, rng: &mut Rng) -> f64 {
        match self {
            Sampler::Exp { mean_ns } => Distribution::<f64>::sample(&Exp1, rng) * mean_ns,
            Sampler::Det(span) => span.0 as f64,
            Sampler::LogNormal(distribution) => distribution.sample(rng),
            Sampler::Gamma(distribution) => distribution.sample(rng),
            Sampler::Uniform { low_ns, width_ns } => low_ns + width_ns * rng.random::<f64>(),
        }
    }
}

/// Nanoseconds rounded half up to a span, without libm's `round` (a call on
/// the hot path); `as` saturates, and durations never go negative.
#[inline(always)]
fn span_of(nanos: f64) -> Span {
    Span(((nanos + 0.5) as i64).max(0))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::Streams;
    use crate::model::Duration;

    fn secs(s: f64) -> Duration {
        Duration::from_secs_f64(s)
    }

    /// Sample mean and variance agree with the spec within 5 standard errors
    /// (fixed seed, so this either always passes or always fails).
    #[test]
    fn moments_match_the_spec() {
        let cases = [
            (DistributionSpec::Exp { mean: secs(2.0) }, 2.0, 4.0),
            (DistributionSpec::Det { value: secs(0.5) }, 0.5, 0.0),
            (
                DistributionSpec::Lognormal {
                    mean: secs(1.0),
                    cv: 0.5,
                },
                1.0,
                0.25,
            ),
            (
                DistributionSpec::Gamma {
                    mean: secs(3.0),
                    shape: 2.0,
                },
                3.0,
                4.5,
            ),
            (
                DistributionSpec::Erlang {
                    mean: secs(1.0),
                    k: 4,
                },
                1.0,
                0.25,
            ),
            (
                DistributionSpec::Uniform {
                    min: secs(1.0),
                    max: secs(3.0),
                },
                2.0,
                4.0 / 12.0,
            ),
        ];
        for (index, (spec, mean, variance)) in cases.into_iter().enumerate() {
            let sampler = Sampler::new(&spec);
            let mut rng = Streams::new(7, 0).get(&format!("case{index}"));
            let n = 200_000;
            let draws: Vec<f64> = (0..n)
                .map(|_| sampler.sample(&mut rng).as_secs_f64())
                .collect();
            let sample_mean = draws.iter().sum::<f64>() / n as f64;
            let sample_var =
                draws.iter().map(|x| (x - sample_mean).powi(2)).sum::<f64>() / (n - 1) as f64;
            let standard_error = (variance / n as f64).sqrt();
            assert!(
                (sample_mean - mean).abs() <= 5.0 * standard_error + 1e-9,
                "{spec:?}: mean {sample_mean} vs {mean} (seed 7, stream case{index})"
            );
            assert!(
                (sample_var - variance).abs() <= 0.05 * variance + 1e-9,
                "{spec:?}: variance {sample_var} vs {variance} (seed 7, stream case{index})"
            );
        }
    }
}
