//! Per-station statistics after the warm-up: counts, wait and sojourn
//! (mean and percentiles), utilization and time-average queue lengths.
//!
//! Customer statistics count customers who arrive at or after the end of the
//! warm-up; time averages integrate over [warm-up end, run end].

use serde::Serialize;

use super::time_average::TimeAverage;
use crate::engine::Time;
use crate::metrics::Histogram;

/// Accumulators of one station.
#[derive(Clone, Debug)]
pub struct StationStats {
    warmup_end: Time,
    arrivals: u64,
    blocked: u64,
    wait: Histogram,
    sojourn: Histogram,
    /// [queue length, busy servers]
    levels: TimeAverage<2>,
}

/// What a station reports at the end of a run. Times in seconds.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct StationReport {
    /// Arrivals after the warm-up, blocked or not.
    pub arrivals: u64,
    /// Arrivals after the warm-up that completed service before the run ended.
    pub served: u64,
    /// Fraction of arrivals turned away because the station was full.
    pub blocked_fraction: f64,
    /// Admitted arrivals per second (λ of Little's law).
    pub arrival_rate_per_s: f64,
    /// Completions per second.
    pub throughput_per_s: f64,
    /// Mean time from arrival to start of service (Wq).
    pub wait_mean_s: f64,
    /// Median wait.
    pub wait_p50_s: f64,
    /// 95th percentile of wait.
    pub wait_p95_s: f64,
    /// 99th percentile of wait.
    pub wait_p99_s: f64,
    /// Mean time from arrival to departure (W).
    pub sojourn_mean_s: f64,
    /// Median sojourn.
    pub sojourn_p50_s: f64,
    /// 95th percentile of sojourn.
    pub sojourn_p95_s: f64,
    /// 99th percentile of sojourn.
    pub sojourn_p99_s: f64,
    /// Mean fraction of servers busy.
    pub utilization: f64,
    /// Time-average number waiting (Lq).
    pub queue_len_mean: f64,
    /// Time-average number in the station (L).
    pub in_system_mean: f64,
}

fn quantile_secs(histogram: &Histogram, quantile: f64) -> f64 {
    histogram.quantile(quantile) / 1e9
}

fn ratio(numerator: f64, denominator: f64) -> f64 {
    if denominator > 0.0 {
        numerator / denominator
    } else {
        0.0
    }
}

impl StationStats {
    /// Empty statistics that ignore customers arriving before `warmup_end`.
    pub fn new(warmup_end: Time) -> StationStats {
        StationStats {
            warmup_end,
            arrivals: 0,
            blocked: 0,
            wait: Histogram::new(),
            sojourn: Histogram::new(),
            levels: TimeAverage::new(warmup_end),
        }
    }

    #[inline]
    pub(super) fn on_arrival(&mut self, now: Time, blocked: bool) {
        if now >= self.warmup_end {
            self.arrivals += 1;
            self.blocked += u64::from(blocked);
        }
    }

    #[inline]
    pub(super) fn on_service_start(&mut self, now: Time, arrived: Time) {
        if arrived >= self.warmup_end {
            self.wait.record((now.0 - arrived.0) as u64);
        }
    }

    #[inline]
    pub(super) fn on_departure(&mut self, now: Time, arrived: Time) {
        if arrived >= self.warmup_end {
            self.sojourn.record((now.0 - arrived.0) as u64);
        }
    }

    #[inline]
    pub(super) fn on_levels(&mut self, now: Time, queue_len: u64, busy: u64) {
        self.levels.set(now, [queue_len, busy]);
    }

    /// The report for a run that ended at `end`, for a station of `servers` servers.
    pub fn report(&self, end: Time, servers: u32) -> StationReport {
        let window_s = end.0.saturating_sub(self.warmup_end.0).max(0) as f64 / 1e9;
        let [queue_len_mean, busy_mean] = self.levels.means(end);
        StationReport {
            arrivals: self.arrivals,
            served: self.sojourn.count(),
            blocked_fraction: ratio(self.blocked as f64, self.arrivals as f64),
            arrival_rate_per_s: ratio((self.arrivals - self.blocked) as f64, window_s),
            throughput_per_s: ratio(self.sojourn.count() as f64, window_s),
            wait_mean_s: self.wait.mean() / 1e9,
            wait_p50_s: quantile_secs(&self.wait, 0.50),
            wait_p95_s: quantile_secs(&self.wait, 0.95),
            wait_p99_s: quantile_secs(&self.wait, 0.99),
            sojourn_mean_s: self.sojourn.mean() / 1e9,
            sojourn_p50_s: quantile_secs(&self.sojourn, 0.50),
            sojourn_p95_s: quantile_secs(&self.sojourn, 0.95),
            sojourn_p99_s: quantile_secs(&self.sojourn, 0.99),
            utilization: busy_mean / f64::from(servers),
            queue_len_mean,
            in_system_mean: queue_len_mean + busy_mean,
        }
    }
}
