//! Time-weighted averages of piecewise-constant quantities (queue length,
//! busy servers), counting only time after the warm-up. `N` quantities that
//! change together share one clock, so an update costs one branch.

use crate::engine::Time;

/// Integrates `N` step functions exactly, in integer nanosecond-units.
#[derive(Clone, Debug)]
pub struct TimeAverage<const N: usize = 1> {
    warmup_end: Time,
    last_change: Time,
    values: [u64; N],
    areas: [u128; N],
}

impl<const N: usize> TimeAverage<N> {
    /// Starts at values 0; time before `warmup_end` is not counted.
    pub fn new(warmup_end: Time) -> Self {
        TimeAverage {
            warmup_end,
            last_change: warmup_end,
            values: [0; N],
            areas: [0; N],
        }
    }

    /// The quantities change to `values` at `now`.
    #[inline]
    pub fn set(&mut self, now: Time, values: [u64; N]) {
        self.accumulate(now);
        self.values = values;
    }

    #[inline]
    fn accumulate(&mut self, now: Time) {
        let from = self.last_change.max(self.warmup_end);
        if now > from {
            // The gap between two i64 times fits a u64 (the warm-up end may
            // be Time(i64::MIN), "no warm-up"), and a u64 by a u64 is one
            // multiply where the i128 difference made it three.
            let elapsed = now.0.wrapping_sub(from.0) as u64;
            for (area, value) in self.areas.iter_mut().zip(self.values) {
                *area += u128::from(value) * u128::from(elapsed);
            }
        }
        self.last_change = now;
    }

    /// The current values.
    pub fn values(&self) -> [u64; N] {
        self.values
    }

    /// Means over [warmup_end, end]; 0 for an empty window.
    pub fn means(&self, end: Time) -> [f64; N] {
        let mut copy = self.clone();
        copy.accumulate(end);
        let window = end.0.saturating_sub(self.warmup_end.0);
        copy.areas.map(|area| {
            if window <= 0 {
                0.0
            } else {
                area as f64 / window as f64
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ignores_the_warmup_and_weights_by_time() {
        let mut average = TimeAverage::new(Time(10));
        average.set(Time(0), [100, 1]); // during [0,10): warm-up, ignored
        average.set(Time(12), [2, 3]); // [100, 1] during [10,12)
        average.set(Time(20), [0, 0]); // [2, 3] during [12,20)
        // (100*2 + 2*8 + 0*10) / 20 and (1*2 + 3*8) / 20
        assert_eq!(average.means(Time(30)), [216.0 / 20.0, 26.0 / 20.0]);
    }
}
