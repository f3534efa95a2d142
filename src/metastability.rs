//! Did goodput recover after a trigger? Recovery means the 5-second moving
//! average of goodput returns to within 10% of a reference and stays there for
//! 10 seconds. The reference is the offered load where the model defines one
//! (the service kind's calls), so a load cut is judged against what is asked of
//! the system after the cut. Where it does not (an on-sale's requests include
//! retries and business errors), either the level before the trigger or the
//! requests' rate will do.
//!
//! A system with no goodput before the trigger has nothing to recover to: its
//! verdict is undefined (`None`), never a vacuous yes.

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
    /// Whether goodput recovered before the run ended; `None` (null) when there
    /// was no goodput before the trigger to recover to.
    pub recovered: Option<bool>,
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

/// What goodput must return to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Reference {
    /// The offered load: calls asked of the system (service models).
    Offered,
    /// The level before the trigger, or the offered rate if that is lower (on-sales,
    /// whose demand drains as fans finish).
    BaselineOrOffered,
}

/// `goodput[i]` and `offered[i]` are per-second counts for second i (from t=0).
pub fn assess(
    goodput: &[f64],
    offered: &[f64],
    trigger: (f64, f64),
    reference: Reference,
) -> Recovery {
    let (start, end) = (
        trigger.0.max(0.0) as usize,
        (trigger.1.ceil() as usize).min(goodput.len()),
    );
    // A trigger may start after the last second (a fault past the horizon): clamp.
    let before_end = start.min(goodput.len());
    let before = mean(&goodput[start.saturating_sub(BASELINE_S).min(before_end)..before_end]);
    let during = mean(&goodput[start.min(end)..end]);
    let after = mean(&goodput[goodput.len().saturating_sub(BASELINE_S)..]);
    let healthy = |t: usize| match reference {
        Reference::Offered => keeps_up(goodput, offered, t),
        Reference::BaselineOrOffered => {
            smoothed(goodput, t) >= (1.0 - TOLERANCE) * before || keeps_up(goodput, offered, t)
        }
    };
    let first = (end.max(SMOOTHING_S - 1)..goodput.len().saturating_sub(HOLD_S))
        .find(|&t| (t..t + HOLD_S).all(healthy));
    Recovery {
        trigger_start_s: trigger.0,
        trigger_end_s: trigger.1,
        goodput_before_per_s: before,
        goodput_during_per_s: during,
        goodput_after_per_s: after,
        recovered: (before > 0.0).then_some(first.is_some()),
        recovery_s: first
            .filter(|_| before > 0.0)
            .map_or(f64::NAN, |t| (t as f64 + 1.0 - trigger.1).max(0.0)),
    }
}

/// The 5-second moving average ending at second `t` (`t ≥ SMOOTHING_S - 1`).
fn smoothed(values: &[f64], t: usize) -> f64 {
    mean(&values[t + 1 - SMOOTHING_S..=t])
}

/// Whether the 5-second average of goodput at second `t` is within 10% of the offered load's.
fn keeps_up(goodput: &[f64], offered: &[f64], t: usize) -> bool {
    smoothed(goodput, t) >= (1.0 - TOLERANCE) * smoothed(offered, t)
}

/// The first second from `from` on whose 5-second average of goodput falls
/// more than 10% below the offered load's: the breach the recovery verdict
/// waits to see undone. `None` if goodput keeps up to the end.
pub fn first_shortfall(goodput: &[f64], offered: &[f64], from: usize) -> Option<usize> {
    let seconds = goodput.len().min(offered.len());
    (from.max(SMOOTHING_S - 1)..seconds).find(|&t| !keeps_up(goodput, offered, t))
}

/// All verdicts as one number: 1 if every trigger recovered, 0 if one never did,
/// NaN if any verdict is undefined or there are no triggers.
pub fn all_recovered(verdicts: &[Recovery]) -> f64 {
    let defined: Option<Vec<bool>> = verdicts.iter().map(|v| v.recovered).collect();
    match defined {
        Some(all) if !all.is_empty() => f64::from(u8::from(all.iter().all(|&r| r))),
        _ => f64::NAN,
    }
}

/// The longest recovery, NaN if any trigger never recovered (or is undefined).
pub fn slowest_recovery_s(verdicts: &[Recovery]) -> f64 {
    verdicts
        .iter()
        .map(|v| v.recovery_s)
        .try_fold(f64::NEG_INFINITY, |slowest, s| {
            (!s.is_nan()).then(|| slowest.max(s))
        })
        .filter(|s| s.is_finite())
        .unwrap_or(f64::NAN)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_dip_that_returns_recovers_and_a_collapse_does_not() {
        let offered = vec![100.0; 200];
        let mut dip = vec![100.0; 200];
        dip[60..80].iter_mut().for_each(|g| *g = 10.0);
        let verdict = assess(&dip, &offered, (60.0, 70.0), Reference::Offered);
        assert_eq!(verdict.recovered, Some(true));
        assert_eq!(verdict.goodput_before_per_s, 100.0);
        // Goodput is back at second 80; the 5-s average is healthy from second 84 (≥ 90).
        assert_eq!(verdict.recovery_s, 15.0);
        let mut collapse = vec![100.0; 200];
        collapse[60..].iter_mut().for_each(|g| *g = 5.0);
        let never = assess(&collapse, &offered, (60.0, 70.0), Reference::Offered);
        assert_eq!(never.recovered, Some(false));
        assert!(never.recovery_s.is_nan());
        assert!(slowest_recovery_s(&[verdict.clone(), never.clone()]).is_nan());
        assert_eq!(all_recovered(&[verdict.clone(), never]), 0.0);
        assert_eq!(slowest_recovery_s(&[verdict.clone(), verdict]), 15.0);
    }

    #[test]
    fn no_goodput_before_the_trigger_is_no_verdict() {
        let offered = vec![100.0; 200];
        let mut dead_then_fine = vec![0.0; 200];
        dead_then_fine[90..].iter_mut().for_each(|g| *g = 100.0);
        let verdict = assess(&dead_then_fine, &offered, (60.0, 70.0), Reference::Offered);
        assert_eq!(verdict.recovered, None);
        assert!(verdict.recovery_s.is_nan());
        assert!(all_recovered(&[verdict]).is_nan());
        assert!(all_recovered(&[]).is_nan());
    }

    #[test]
    fn the_shortfall_is_the_first_unhealthy_5_second_average() {
        let offered = vec![100.0; 100];
        let mut goodput = vec![100.0; 100];
        goodput[60..70].iter_mut().for_each(|g| *g = 0.0);
        // 5-s means: second 60 is 80 (unhealthy at < 90).
        assert_eq!(first_shortfall(&goodput, &offered, 50), Some(60));
        assert_eq!(first_shortfall(&goodput, &offered, 80), None);
        assert_eq!(first_shortfall(&goodput, &offered, 500), None);
    }

    /// A load cut: offered falls from 100 to 20 after a collapse. Goodput back
    /// at 20 is healthy against what is asked, and 10 is not, although both are
    /// above the collapsed level of the 30 s before the cut.
    #[test]
    fn recovery_is_judged_against_the_offered_load() {
        let mut offered = vec![100.0; 200];
        offered[120..].iter_mut().for_each(|o| *o = 20.0);
        let mut goodput = vec![100.0; 200];
        goodput[60..].iter_mut().for_each(|g| *g = 5.0);
        goodput[150..].iter_mut().for_each(|g| *g = 20.0);
        let rescued = assess(&goodput, &offered, (60.0, 70.0), Reference::Offered);
        assert_eq!(rescued.recovered, Some(true));
        // Healthy from the first 5-s window wholly at 20 (second 154): 85 s after the end.
        assert_eq!(rescued.recovery_s, 85.0);
        goodput[150..].iter_mut().for_each(|g| *g = 10.0);
        let stuck = assess(&goodput, &offered, (60.0, 70.0), Reference::Offered);
        assert_eq!(stuck.recovered, Some(false));
    }
}
