//! Time-weighted averages of a piecewise-constant quantity (queue length,
//! busy servers), counting only time after the warm-up.

use crate::engine::Time;

/// Integrates a step function exactly, in integer nanosecond-units.
#[derive(Clone, Debug)]
pub struct TimeAverage {
    warmup_end: Time,
    last_change: Time,
    value: u64,
    area: u128,
}

impl TimeAverage {
    /// Starts at value 0; time before `warmup_end` is not counted.
    pub fn new(warmup_end: Time) -> TimeAverage {
        TimeAverage {
            warmup_end,
            last_change: warmup_end,
            value: 0,
            area: 0,
        }
    }

    /// The quantity changes to `value` at `now`.
    #[inline]
    pub fn set(&mut self, now: Time, value: u64) {
        self.accumulate(now);
        self.value = value;
    }

    #[inline]
    fn accumulate(&mut self, now: Time) {
        let from = self.last_change.max(self.warmup_end);
        if now > from {
            self.area += u128::from(self.value) * (now.0 - from.0) as u128;
        }
        self.last_change = now;
    }

    /// The current value.
    pub fn value(&self) -> u64 {
        self.value
    }

    /// Mean over [warmup_end, end]; 0 for an empty window.
    pub fn mean(&self, end: Time) -> f64 {
        let mut copy = self.clone();
        copy.accumulate(end);
        let window = end.0.saturating_sub(self.warmup_end.0);
        if window <= 0 {
            0.0
        } else {
            copy.area as f64 / window as f64
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ignores_the_warmup_and_weights_by_time() {
        let mut average = TimeAverage::new(Time(10));
        average.set(Time(0), 100); // 100 during [0,10): warm-up, ignored
        average.set(Time(12), 2); // 100 during [10,12)
        average.set(Time(20), 0); // 2 during [12,20)
        // (100*2 + 2*8 + 0*10) / 20
        assert_eq!(average.mean(Time(30)), 216.0 / 20.0);
    }
}
