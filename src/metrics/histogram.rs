//! A log-linear histogram of non-negative integers (nanoseconds, usually).
//!
//! Values below 128 are counted exactly; above, each power of two is split into
//! 128 equal buckets, so any reported quantile is within 0.4% of a value that was
//! recorded (bucket midpoints). Recording is a leading-zeros count and an add:
//! cheap enough to run for every customer on the engine's hot path.

/// Sub-buckets per power of two, as a power of two.
const SUB_BITS: u32 = 7;
const SUB_COUNT: u64 = 1 << SUB_BITS;

/// Counts of values in log-linear buckets, with exact count, sum, min and max.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Histogram {
    counts: Vec<u64>,
    count: u64,
    sum: u128,
    min: u64,
    max: u64,
}

#[inline]
fn bucket_of(value: u64) -> usize {
    if value < SUB_COUNT {
        return value as usize;
    }
    let top_bit = 63 - value.leading_zeros();
    let mantissa = value >> (top_bit - SUB_BITS);
    (((top_bit - SUB_BITS + 1) as u64) * SUB_COUNT + (mantissa - SUB_COUNT)) as usize
}

/// The smallest value and the width of bucket `index`.
fn bucket_bounds(index: usize) -> (u64, u64) {
    let index = index as u64;
    if index < SUB_COUNT {
        return (index, 1);
    }
    let octave = index / SUB_COUNT;
    let mantissa = SUB_COUNT + index % SUB_COUNT;
    (mantissa << (octave - 1), 1 << (octave - 1))
}

impl Histogram {
    /// An empty histogram.
    pub fn new() -> Histogram {
        Histogram::default()
    }

    /// Records one value.
    #[inline]
    pub fn record(&mut self, value: u64) {
        let bucket = bucket_of(value);
        match self.counts.get_mut(bucket) {
            Some(count) => *count += 1,
            None => self.grow_and_count(bucket),
        }
        self.min = if self.count == 0 {
            value
        } else {
            self.min.min(value)
        };
        self.max = self.max.max(value);
        self.count += 1;
        self.sum += u128::from(value);
    }

    #[cold]
    fn grow_and_count(&mut self, bucket: usize) {
        self.counts.resize(bucket + 1, 0);
        self.counts[bucket] += 1;
    }

    /// Values recorded.
    pub fn count(&self) -> u64 {
        self.count
    }

    /// True when nothing was recorded.
    pub fn is_empty(&self) -> bool {
        self.count == 0
    }

    /// Exact mean, or 0 when empty.
    pub fn mean(&self) -> f64 {
        if self.count == 0 {
            0.0
        } else {
            self.sum as f64 / self.count as f64
        }
    }

    /// Exact maximum (0 when empty).
    pub fn max(&self) -> u64 {
        self.max
    }

    /// The value at quantile `q` in [0, 1] (nearest rank), to within 0.4%; 0 when empty.
    ///
    /// Only buckets between the minimum's and the maximum's can hold counts,
    /// and a high quantile is found from the top: the on-sale asks p50 and p99
    /// of every endpoint every virtual second, and a scan of all buckets
    /// (thousands for nanosecond latencies) was a tenth of a run's time.
    pub fn quantile(&self, q: f64) -> f64 {
        if self.count == 0 {
            return 0.0;
        }
        let rank = ((q.clamp(0.0, 1.0) * self.count as f64).ceil() as u64).max(1);
        let index = if q > 0.5 {
            self.bucket_from_top(rank)
        } else {
            self.bucket_from_bottom(rank)
        };
        let (low, width) = bucket_bounds(index);
        let midpoint = low as f64 + (width - 1) as f64 / 2.0;
        midpoint.clamp(self.min as f64, self.max as f64)
    }

    /// The first bucket at which `rank` values have been seen, counting up.
    fn bucket_from_bottom(&self, rank: u64) -> usize {
        let (first, last) = (bucket_of(self.min), bucket_of(self.max));
        let mut seen = 0;
        for index in first..=last {
            seen += self.counts[index];
            if seen >= rank {
                return index;
            }
        }
        last
    }

    /// The same bucket, counting down: the one below which fewer than `rank`
    /// values lie while it and those above hold more than `count − rank`.
    fn bucket_from_top(&self, rank: u64) -> usize {
        let (first, last) = (bucket_of(self.min), bucket_of(self.max));
        let at_most_above = self.count - rank;
        let mut above = 0;
        for index in (first..=last).rev() {
            if above + self.counts[index] > at_most_above {
                return index;
            }
            above += self.counts[index];
        }
        first
    }

    /// Adds every value of `other`.
    pub fn merge(&mut self, other: &Histogram) {
        if other.counts.len() > self.counts.len() {
            self.counts.resize(other.counts.len(), 0);
        }
        for (mine, theirs) in self.counts.iter_mut().zip(&other.counts) {
            *mine += theirs;
        }
        if other.count > 0 {
            self.min = if self.count == 0 {
                other.min
            } else {
                self.min.min(other.min)
            };
            self.max = self.max.max(other.max);
        }
        self.count += other.count;
        self.sum += other.sum;
    }

    /// Forgets everything but keeps the allocation.
    pub fn clear(&mut self) {
        // Only buckets between the minimum's and the maximum's hold counts.
        if self.count > 0 {
            self.counts[bucket_of(self.min)..=bucket_of(self.max)].fill(0);
        }
        self.count = 0;
        self.sum = 0;
        self.min = 0;
        self.max = 0;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn buckets_tile_the_integers() {
        let mut expected_low = 0;
        for index in 0..(SUB_COUNT as usize * 40) {
            let (low, width) = bucket_bounds(index);
            assert_eq!(low, expected_low, "bucket {index}");
            assert_eq!(bucket_of(low), index);
            assert_eq!(bucket_of(low + width - 1), index);
            expected_low = low + width;
        }
    }

    proptest! {
        /// Against a naive reference: sort the values and take the nearest rank.
        #[test]
        fn quantiles_are_within_half_a_percent(values in prop::collection::vec(0u64..u64::MAX / 2, 1..300), q in 0.0f64..=1.0) {
            let mut histogram = Histogram::new();
            values.iter().for_each(|&v| histogram.record(v));
            let mut sorted = values.clone();
            sorted.sort_unstable();
            let rank = ((q * sorted.len() as f64).ceil() as usize).max(1);
            let exact = sorted[rank - 1] as f64;
            let estimate = histogram.quantile(q);
            prop_assert!((estimate - exact).abs() <= exact * 0.004 + 0.5, "q={} exact={} estimate={}", q, exact, estimate);
            let mean = values.iter().map(|&v| v as f64).sum::<f64>() / values.len() as f64;
            prop_assert!((histogram.mean() - mean).abs() <= mean * 1e-12 + 1e-9);
        }

        /// The bounded scans give the bucket a scan of every bucket gives,
        /// after clears too (which only zero the occupied range).
        #[test]
        fn bounded_scans_equal_a_full_scan(rounds in prop::collection::vec(prop::collection::vec(0u64..1 << 36, 1..60), 1..4), q in 0.0f64..=1.0) {
            let mut histogram = Histogram::new();
            for values in rounds {
                histogram.clear();
                values.iter().for_each(|&v| histogram.record(v));
                let rank = ((q * histogram.count as f64).ceil() as u64).max(1);
                let mut seen = 0;
                let full = histogram.counts.iter().position(|&count| { seen += count; seen >= rank }).unwrap();
                prop_assert_eq!(histogram.bucket_from_bottom(rank), full);
                prop_assert_eq!(histogram.bucket_from_top(rank), full);
                prop_assert_eq!(histogram.counts.iter().sum::<u64>(), values.len() as u64);
            }
        }

        #[test]
        fn merge_equals_recording_both(a in prop::collection::vec(0u64..1 << 40, 0..50), b in prop::collection::vec(0u64..1 << 40, 0..50)) {
            let mut left = Histogram::new();
            let mut right = Histogram::new();
            let mut both = Histogram::new();
            a.iter().for_each(|&v| { left.record(v); both.record(v) });
            b.iter().for_each(|&v| { right.record(v); both.record(v) });
            left.merge(&right);
            prop_assert_eq!(left.quantile(0.5), both.quantile(0.5));
            prop_assert_eq!(left.count(), both.count());
            prop_assert_eq!(left.max(), both.max());
        }
    }
}
