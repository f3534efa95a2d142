//! Did goodput recover after a trigger? Recovery means the 5-second moving
//! average of goodput returns to within 10% of its level before the trigger (or
//! to the offered, demand-limited rate) and stays there for 10 seconds.

use serde::Serialize;

/// Seconds of goodput before a trigger that define "normal".
const BASELINE_S: usize = 30;
/// Moving-average window.
const SMOOTHING_S: usize = 5;
/// How long goodput must stay recovered.
const HOLD_S: usize = 10;
/// Tolerance below normal.
const TOLERANCE: f64 = 0.10;

/// The verdict on one trigger.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Recovery {
    /// Trigger start, seconds.
    pub trigger_start_s: f64,
    /// Trigger end, seconds.
    pub trigger_end_s: f64,
    /// Mean goodput per second before the trigger.
    pub goodput_before_per_s: f64,
    /// Mean goodput during the trigger.
    pub goodput_during_per_s: f64,
    /// Mean goodput over the last 30 s of the run.
    pub goodput_after_per_s: f64,
    /// True if goodput recovered before the run ended.
    pub recovered: bool,
    /// Seconds from the trigger's end to recovery (NaN if never).
    pub recovery_s: f64,
}

fn mean(values: &[f64]) -> f64 {
    if values.is_empty() {
        f64::NAN
    } else {
        values.iter().sum::<f64>() / values.len() as f64
    }
}

/// `goodput[i]` and `offered[i]` are per-second counts for second i (from t=0).
pub fn assess(goodput: &[f64], offered: &[f64], trigger: (f64, f64)) -> Recovery {
    let (start, end) = (
        trigger.0.max(0.0) as usize,
        (trigger.1.ceil() as usize).min(goodput.len()),
    );
    let before = mean(&goodput[start.saturating_sub(BASELINE_S)..start.min(goodput.len())]);
    let during = mean(&goodput[start.min(end)..end]);
    let after = mean(&goodput[goodput.len().saturating_sub(BASELINE_S)..]);
    let smoothed = |values: &[f64], t: usize| mean(&values[t + 1 - SMOOTHING_S..=t]);
    let healthy = |t: usize| {
        let level = smoothed(goodput, t);
        level >= (1.0 - TOLERANCE) * before || level >= (1.0 - TOLERANCE) * smoothed(offered, t)
    };
    let first = (end.max(SMOOTHING_S - 1)..goodput.len().saturating_sub(HOLD_S))
        .find(|&t| (t..t + HOLD_S).all(healthy));
    Recovery {
        trigger_start_s: trigger.0,
        trigger_end_s: trigger.1,
        goodput_before_per_s: before,
        goodput_during_per_s: during,
        goodput_after_per_s: after,
        recovered: first.is_some(),
        recovery_s: first.map_or(f64::NAN, |t| (t as f64 + 1.0 - trigger.1).max(0.0)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_dip_that_returns_recovers_and_a_collapse_does_not() {
        let offered = vec![100.0; 200];
        let mut dip = vec![100.0; 200];
        dip[60..80].iter_mut().for_each(|g| *g = 10.0);
        let verdict = assess(&dip, &offered, (60.0, 70.0));
        assert!(verdict.recovered);
        assert_eq!(verdict.goodput_before_per_s, 100.0);
        // Goodput is back at second 80; the 5-s average is healthy from second 84 (≥ 90).
        assert_eq!(verdict.recovery_s, 15.0);
        let mut collapse = vec![100.0; 200];
        collapse[60..].iter_mut().for_each(|g| *g = 5.0);
        assert!(!assess(&collapse, &offered, (60.0, 70.0)).recovered);
    }
}
