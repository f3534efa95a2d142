//! The service-level objective the postmortem judges each second against. It
//! mirrors the example SLO: holds answer within 2 s at p99, and fewer
//! than 1% of responses are system errors; fans waiting in the queue count
//! too, so fewer than 1% of its status polls may fail.

use crate::report::plots::Timeseries;

/// Hold latency p99 above this breaches the SLO (seconds).
pub const HOLD_P99_LIMIT_S: f64 = 2.0;
/// A share of system errors among responses above this breaches the SLO.
pub const ERROR_RATE_LIMIT: f64 = 0.01;
/// An error-rate breach also needs this many system errors in the second: at
/// small scale one timeout among 90 responses is "over 1%", and a timeline
/// that opens with such blips hides the real incident.
pub const MIN_ERRORS: f64 = 3.0;
/// Seconds the SLO must hold again before the timeline calls it a recovery.
pub const RECOVERY_SUSTAIN_S: usize = 60;

/// Per second: did it breach the SLO? A second without responses breaches
/// only by failed status polls.
pub fn breaches(series: &Timeseries) -> Vec<bool> {
    let empty = vec![f64::NAN; series.len()];
    let hold = series.column("hold_p99_s").unwrap_or(&empty);
    let errors = series.column("errors").unwrap_or(&empty);
    let responses = series.column("responses").unwrap_or(&empty);
    let polls = series.column("queue_polls").unwrap_or(&empty);
    let failed_polls = series.column("queue_poll_errors").unwrap_or(&empty);
    (0..series.len())
        .map(|index| {
            let error_rate = errors[index] / responses[index];
            let poll_failures = failed_polls[index] / polls[index];
            hold[index] > HOLD_P99_LIMIT_S
                || (errors[index] >= MIN_ERRORS && error_rate > ERROR_RATE_LIMIT)
                || (failed_polls[index] >= MIN_ERRORS && poll_failures > ERROR_RATE_LIMIT)
        })
        .collect()
}

/// Index of the first breaching second.
pub fn first_breach(breaches: &[bool]) -> Option<usize> {
    breaches.iter().position(|&breach| breach)
}

/// Index of the first second after `from` that starts a run of
/// [`RECOVERY_SUSTAIN_S`] seconds without a breach.
pub fn recovery(breaches: &[bool], from: usize) -> Option<usize> {
    let mut healthy = 0;
    for (index, &breach) in breaches.iter().enumerate().skip(from) {
        healthy = if breach { 0 } else { healthy + 1 };
        if healthy == RECOVERY_SUSTAIN_S {
            return Some(index + 1 - RECOVERY_SUSTAIN_S);
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recovery_needs_a_sustained_healthy_run() {
        let mut seconds = vec![false; 10];
        seconds.extend([true, false, true]);
        seconds.extend(vec![false; 70]);
        assert_eq!(first_breach(&seconds), Some(10));
        assert_eq!(recovery(&seconds, 10), Some(13));
        assert_eq!(recovery(&seconds[..50], 10), None);
    }
}
