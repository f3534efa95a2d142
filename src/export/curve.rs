//! A simulated request rate as load-test stages: a step curve of bounded
//! length that a load tester can follow. Seconds are averaged into buckets
//! (so an hour-long run does not become 3,600 stages), `--speed` shortens the
//! stages, `--rate-scale` multiplies the rates, and equal neighbours merge.
//!
//! Load testers take whole-number rates, so rates are requests per minute,
//! rounded with the rounding error carried into the next stage: the stages
//! issue the simulated total (× rate scale ÷ speed) to within one request.

use super::ExportOptions;

/// Most stages one curve may have before merging (k6 keeps every stage in
/// memory and the script must stay readable).
pub const MAX_STAGES: usize = 300;

/// A constant rate for a while.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Stage {
    /// How long, in real milliseconds.
    pub duration_ms: u64,
    /// Requests per minute during the stage.
    pub per_minute: u64,
}

/// A rate curve as stages, from the start of the run.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Curve {
    /// In time order; no two neighbours share a rate.
    pub stages: Vec<Stage>,
}

impl Curve {
    /// The curve of `per_second` (one count per simulated second), in
    /// buckets of at least `min_bucket_s` simulated seconds.
    pub fn new(per_second: &[f64], options: &ExportOptions, min_bucket_s: usize) -> Curve {
        let bucket_s = per_second
            .len()
            .div_ceil(MAX_STAGES)
            .max(min_bucket_s)
            .max(1);
        let mut stages: Vec<Stage> = Vec::new();
        let mut carry = 0.0;
        let mut start_ms = 0;
        for (index, bucket) in per_second.chunks(bucket_s).enumerate() {
            // Stage boundaries from cumulative time, so rounding never drifts.
            let end_s = (index * bucket_s + bucket.len()) as f64;
            let end_ms = (end_s * 1000.0 / options.speed).round() as u64;
            let duration_ms = end_ms - start_ms;
            start_ms = end_ms;
            if duration_ms == 0 {
                // Shorter than a millisecond at this speed: its requests go to the next stage.
                carry += requests_in(bucket, options);
                continue;
            }
            let wanted = requests_in(bucket, options) + carry;
            let minutes = duration_ms as f64 / 60_000.0;
            let per_minute = (wanted / minutes).round().max(0.0) as u64;
            carry = wanted - per_minute as f64 * minutes;
            push_merged(
                &mut stages,
                Stage {
                    duration_ms,
                    per_minute,
                },
            );
        }
        if stages.is_empty() {
            // The whole run lasts under half a millisecond at this speed: one
            // millisecond-long stage, because k6 and Locust need one.
            let per_minute = (carry * 60_000.0).round().max(0.0) as u64;
            stages.push(Stage {
                duration_ms: 1,
                per_minute,
            });
        }
        Curve { stages }
    }

    /// Requests the stages issue (a rate held for a stage's duration).
    pub fn total_requests(&self) -> f64 {
        self.stages
            .iter()
            .map(|stage| stage.per_minute as f64 * stage.duration_ms as f64 / 60_000.0)
            .sum()
    }

    /// Real duration, in milliseconds.
    pub fn duration_ms(&self) -> u64 {
        self.stages.iter().map(|stage| stage.duration_ms).sum()
    }

    /// Highest rate, in requests per minute.
    pub fn peak_per_minute(&self) -> u64 {
        self.stages
            .iter()
            .map(|stage| stage.per_minute)
            .max()
            .unwrap_or(0)
    }
}

/// Requests a bucket of simulated seconds stands for in the load test: the
/// rate is kept (× rate scale) while `--speed` shortens the time, so a run
/// played 60× faster issues a sixtieth of the requests.
fn requests_in(bucket: &[f64], options: &ExportOptions) -> f64 {
    bucket.iter().sum::<f64>() * options.rate_scale / options.speed
}

fn push_merged(stages: &mut Vec<Stage>, stage: Stage) {
    match stages.last_mut() {
        Some(last) if last.per_minute == stage.per_minute => last.duration_ms += stage.duration_ms,
        _ => stages.push(stage),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn options(speed: f64, rate_scale: f64) -> ExportOptions {
        ExportOptions {
            speed,
            rate_scale,
            ..ExportOptions::default()
        }
    }

    /// An on-sale-like rate: quiet, a spike at the opening that decays, with jitter.
    fn spiky(len: usize) -> Vec<f64> {
        (0..len)
            .map(|t| {
                let after = t.saturating_sub(len / 3) as f64;
                let spike = if t >= len / 3 {
                    900.0 * (-after / 120.0).exp()
                } else {
                    0.0
                };
                (5.0 + spike + (t * 7919 % 13) as f64).floor()
            })
            .collect()
    }

    #[test]
    fn stages_issue_the_simulated_requests_to_within_one() {
        for (len, speed, rate_scale) in [
            (5400, 1.0, 1.0),
            (5400, 60.0, 0.5),
            (5400, 270.0, 0.02),
            (90, 1.0, 3.0),
            (7, 1000.0, 1.0),
            (100_000, 7.0, 1.0),
        ] {
            let rates = spiky(len);
            let curve = Curve::new(&rates, &options(speed, rate_scale), 1);
            let wanted = rates.iter().sum::<f64>() * rate_scale / speed;
            let error = (curve.total_requests() - wanted).abs();
            assert!(
                error <= 1.0,
                "len {len}, speed {speed}, scale {rate_scale}: stages issue {} of {wanted}",
                curve.total_requests()
            );
        }
    }

    #[test]
    fn stages_are_bounded_merged_and_last_as_long_as_the_run_at_speed() {
        let rates = spiky(100_000);
        let curve = Curve::new(&rates, &options(10.0, 1.0), 1);
        assert!(curve.stages.len() <= MAX_STAGES);
        assert!(
            curve
                .stages
                .windows(2)
                .all(|pair| pair[0].per_minute != pair[1].per_minute)
        );
        assert_eq!(curve.duration_ms(), 10_000_000);
        let flat = Curve::new(&[60.0; 1000], &options(1.0, 1.0), 1);
        assert_eq!(
            flat.stages,
            vec![Stage {
                duration_ms: 1_000_000,
                per_minute: 3600
            }]
        );
    }

    #[test]
    fn a_run_shorter_than_a_millisecond_at_speed_still_has_a_stage() {
        let curve = Curve::new(&[3.0], &options(1e6, 1.0), 1);
        assert_eq!(curve.stages.len(), 1);
        assert_eq!(curve.duration_ms(), 1);
    }

    #[test]
    fn the_peak_follows_the_spike_scaled() {
        let rates = spiky(600);
        let curve = Curve::new(&rates, &options(1.0, 0.5), 1);
        let peak = rates.iter().cloned().fold(0.0, f64::max) * 0.5 * 60.0;
        assert!((curve.peak_per_minute() as f64 - peak).abs() <= 1.0 + peak * 0.01);
    }
}
