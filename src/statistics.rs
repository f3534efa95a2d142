//! Estimates with confidence intervals across replications (Student t).

use serde::Serialize;
use statrs::distribution::{ContinuousCDF, StudentsT};

/// A mean with its 95% confidence interval.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct Estimate {
    /// Sample mean.
    pub mean: f64,
    /// Two-sided 95% confidence interval for the mean: [low, high].
    pub ci95: [f64; 2],
}

impl Estimate {
    /// Half the width of the interval.
    pub fn half_width(&self) -> f64 {
        (self.ci95[1] - self.ci95[0]) / 2.0
    }

    /// True when `value` lies inside the interval.
    pub fn contains(&self, value: f64) -> bool {
        self.ci95[0] <= value && value <= self.ci95[1]
    }
}

/// Mean and sample standard deviation (n − 1); the deviation is 0 for fewer than two samples.
pub fn mean_and_std_dev(samples: &[f64]) -> (f64, f64) {
    let n = samples.len() as f64;
    if samples.is_empty() {
        return (f64::NAN, f64::NAN);
    }
    let mean = samples.iter().sum::<f64>() / n;
    if samples.len() < 2 {
        return (mean, 0.0);
    }
    let variance = samples.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (n - 1.0);
    (mean, variance.sqrt())
}

/// The two-sided Student t critical value for `level` (e.g. 0.95) with `n − 1` degrees of freedom.
pub fn t_critical(level: f64, n: usize) -> f64 {
    let degrees_of_freedom = (n.max(2) - 1) as f64;
    StudentsT::new(0.0, 1.0, degrees_of_freedom)
        .expect("degrees of freedom ≥ 1")
        .inverse_cdf(0.5 + level / 2.0)
}

/// Confidence interval at `level` for the mean of independent samples.
/// With one sample the interval is unbounded (it cannot be estimated).
pub fn confidence_interval(samples: &[f64], level: f64) -> Estimate {
    let (mean, std_dev) = mean_and_std_dev(samples);
    if samples.len() < 2 {
        return Estimate {
            mean,
            ci95: [f64::NEG_INFINITY, f64::INFINITY],
        };
    }
    let half_width = t_critical(level, samples.len()) * std_dev / (samples.len() as f64).sqrt();
    Estimate {
        mean,
        ci95: [mean - half_width, mean + half_width],
    }
}

/// The 95% interval used in reports.
pub fn estimate(samples: &[f64]) -> Estimate {
    confidence_interval(samples, 0.95)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Against hand-computed values: t(0.975, 9) = 2.262157 (tables).
    #[test]
    fn matches_textbook_interval() {
        let samples = [2.0, 4.0, 4.0, 4.0, 5.0, 5.0, 7.0, 9.0, 3.0, 7.0];
        let estimate = estimate(&samples);
        let (mean, std_dev) = (5.0, (40.0f64 / 9.0).sqrt());
        let half_width = 2.262157 * std_dev / 10f64.sqrt();
        assert!((estimate.mean - mean).abs() < 1e-12);
        assert!(
            (estimate.half_width() - half_width).abs() < 1e-5,
            "{estimate:?}"
        );
    }

    #[test]
    fn one_sample_has_no_finite_interval() {
        assert!(estimate(&[3.0]).ci95[1].is_infinite());
    }
}

/// Ranks 1..=n with ties given their average rank.
fn average_ranks(values: &[f64]) -> Vec<f64> {
    small_integer_ranks(values).unwrap_or_else(|| sorted_ranks(values))
}

/// [`average_ranks`] by counting, when every value is a small non-negative
/// integer (an on-sale's admission ranks and 0/1 outcomes): linear time,
/// where sorting the toy on-sale's 100k admitted fans twice cost it ~8%
/// (`sellout bench --model`: 0.915x the time without the sort). `None` for
/// any other value (negative, fractional, NaN, or beyond `4n + 1024`, so the
/// counts stay a few times the values' size).
fn small_integer_ranks(values: &[f64]) -> Option<Vec<f64>> {
    let limit = (4 * values.len() + 1024) as f64;
    let mut counts: Vec<usize> = Vec::new();
    for &value in values {
        if !(value >= 0.0 && value < limit && value.fract() == 0.0) {
            return None;
        }
        let value = value as usize;
        if value >= counts.len() {
            counts.resize(value + 1, 0);
        }
        counts[value] += 1;
    }
    let mut start = 0;
    let rank_of: Vec<f64> = counts
        .iter()
        .map(|&count| {
            let rank = tie_rank(start, (start + count).saturating_sub(1));
            start += count;
            rank
        })
        .collect();
    Some(
        values
            .iter()
            .map(|&value| rank_of[value as usize])
            .collect(),
    )
}

/// The rank of values tied over 0-based sorted positions `start..=end`:
/// their average 1-based position. Both ways of ranking share it, so they
/// agree bit for bit.
fn tie_rank(start: usize, end: usize) -> f64 {
    (start + end) as f64 / 2.0 + 1.0
}

/// [`average_ranks`] for any values.
///
/// Sorts (value, index) pairs by the value's total order as an integer: the
/// pairs sort in place, where indices sorted by looking their values up read
/// memory at random (a big on-sale ranks over a million admitted fans). Tied
/// values share one rank, so the order among them does not matter.
fn sorted_ranks(values: &[f64]) -> Vec<f64> {
    let mut order: Vec<(u64, usize)> = values
        .iter()
        .enumerate()
        .map(|(index, value)| (total_order_key(*value), index))
        .collect();
    order.sort_unstable();
    let mut ranks = vec![0.0; values.len()];
    let mut start = 0;
    while start < order.len() {
        let value = values[order[start].1];
        let mut end = start;
        while end + 1 < order.len() && values[order[end + 1].1] == value {
            end += 1;
        }
        let average = tie_rank(start, end);
        for &(_, index) in &order[start..=end] {
            ranks[index] = average;
        }
        start = end + 1;
    }
    ranks
}

/// An integer in the order of [`f64::total_cmp`].
fn total_order_key(value: f64) -> u64 {
    let bits = value.to_bits();
    // Negative: flip all bits (larger magnitude sorts first); positive: set the sign bit.
    if bits >> 63 == 1 {
        !bits
    } else {
        bits | (1 << 63)
    }
}

fn pearson(x: &[f64], y: &[f64]) -> f64 {
    let (mean_x, _) = mean_and_std_dev(x);
    let (mean_y, _) = mean_and_std_dev(y);
    let covariance: f64 = x
        .iter()
        .zip(y)
        .map(|(a, b)| (a - mean_x) * (b - mean_y))
        .sum();
    let spread_x: f64 = x.iter().map(|a| (a - mean_x).powi(2)).sum::<f64>().sqrt();
    let spread_y: f64 = y.iter().map(|b| (b - mean_y).powi(2)).sum::<f64>().sqrt();
    // A constant side has no ranking to agree with: undefined, not 0.
    if spread_x == 0.0 || spread_y == 0.0 || x.len() < 2 {
        f64::NAN
    } else {
        covariance / (spread_x * spread_y)
    }
}

/// Spearman's rank correlation (ties get average ranks); NaN when either side
/// is constant or there are fewer than two pairs.
pub fn spearman(x: &[f64], y: &[f64]) -> f64 {
    assert_eq!(x.len(), y.len(), "paired samples");
    pearson(&average_ranks(x), &average_ranks(y))
}

#[cfg(test)]
mod rank_tests {
    use super::*;

    #[test]
    fn total_order_keys_sort_as_total_cmp() {
        let mut values = vec![
            f64::NEG_INFINITY,
            -1e300,
            -1.0,
            -f64::MIN_POSITIVE,
            -0.0,
            0.0,
            5e-324,
            1.0,
            1e300,
            f64::INFINITY,
            f64::NAN,
            -f64::NAN,
        ];
        let mut by_key = values.clone();
        values.sort_by(f64::total_cmp);
        by_key.sort_by_key(|value| total_order_key(*value));
        let bits = |v: &[f64]| v.iter().map(|x| x.to_bits()).collect::<Vec<_>>();
        assert_eq!(bits(&by_key), bits(&values));
    }

    proptest::proptest! {
        /// Counting ranks small non-negative integers (with ties, and -0.0
        /// tied with 0.0) exactly as sorting does, bit for bit; and a value
        /// it cannot count (negative, fractional, too large) leaves ranking
        /// to the sort.
        #[test]
        fn counted_ranks_equal_sorted_ranks(
            values in proptest::collection::vec(0u32..60, 0..200),
            odd in proptest::option::of((0usize..200, proptest::prop_oneof![
                proptest::strategy::Just(-0.0f64), proptest::strategy::Just(-1.0), proptest::strategy::Just(0.5),
                proptest::strategy::Just(1e9), proptest::strategy::Just(f64::NAN)
            ])),
        ) {
            let mut values: Vec<f64> = values.into_iter().map(f64::from).collect();
            if let Some((at, value)) = odd.filter(|(at, _)| *at < values.len()) {
                values[at] = value;
            }
            let bits = |v: &[f64]| v.iter().map(|x| x.to_bits()).collect::<Vec<_>>();
            let sorted = sorted_ranks(&values);
            proptest::prop_assert_eq!(bits(&average_ranks(&values)), bits(&sorted));
            let countable = values.iter().all(|v| *v >= 0.0 && v.fract() == 0.0 && *v < 1e6);
            proptest::prop_assert_eq!(small_integer_ranks(&values).is_some(), countable);
        }
    }

    #[test]
    fn spearman_of_monotone_and_reversed_and_tied() {
        let x = [1.0, 2.0, 3.0, 4.0, 5.0];
        assert!((spearman(&x, &[10.0, 20.0, 30.0, 40.0, 1000.0]) - 1.0).abs() < 1e-12);
        assert!((spearman(&x, &[5.0, 4.0, 3.0, 2.0, 1.0]) + 1.0).abs() < 1e-12);
        // Hand-computed with average ranks: y ranks [1.5, 1.5, 3.5, 3.5, 5].
        let rho = spearman(&x, &[0.0, 0.0, 1.0, 1.0, 2.0]);
        assert!((rho - 0.9486832980505138).abs() < 1e-12, "{rho}");
        assert!(spearman(&x, &[1.0; 5]).is_nan());
        assert!(spearman(&[], &[]).is_nan());
    }
}
