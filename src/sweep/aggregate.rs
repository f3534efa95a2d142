//! `summary.csv`: per point and metric, the mean, standard deviation, Student-t
//! 95% interval and p5/p50/p95 across replications, plus the fraction of runs
//! meeting the SLO. Tidy (long) form: one row per (point, metric).
//!
//! Statistics use the replications where the metric is defined (not NaN); `n`
//! says how many. Percentiles are statrs' `Data::quantile` (R type 8, median-unbiased).

use statrs::statistics::{Data, OrderStatistics};

use super::layout::Layout;
use super::record::{RunRecord, number};
use crate::statistics::{mean_and_std_dev, t_critical};

/// Statistics of one metric at one point.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct MetricSummary {
    /// Replications where the metric is defined.
    pub n: usize,
    /// Sample mean (NaN when n = 0).
    pub mean: f64,
    /// Sample standard deviation, n − 1 (NaN when n < 2).
    pub std_dev: f64,
    /// Student-t 95% interval for the mean (NaN when n < 2).
    pub ci95_low: f64,
    /// Upper end.
    pub ci95_high: f64,
    /// 5th percentile (type 8).
    pub p5: f64,
    /// Median (type 8).
    pub p50: f64,
    /// 95th percentile (type 8).
    pub p95: f64,
}

impl MetricSummary {
    /// Summarizes samples, ignoring NaN.
    pub fn of(samples: &[f64]) -> MetricSummary {
        let defined: Vec<f64> = samples.iter().copied().filter(|x| !x.is_nan()).collect();
        let n = defined.len();
        let (mean, std_dev) = mean_and_std_dev(&defined);
        let (std_dev, half_width) = if n >= 2 {
            (std_dev, t_critical(0.95, n) * std_dev / (n as f64).sqrt())
        } else {
            (f64::NAN, f64::NAN)
        };
        let mut data = Data::new(defined);
        MetricSummary {
            n,
            mean,
            std_dev,
            ci95_low: mean - half_width,
            ci95_high: mean + half_width,
            p5: data.quantile(0.05),
            p50: data.quantile(0.5),
            p95: data.quantile(0.95),
        }
    }
}

/// The columns before the parameters' and after them.
pub fn header(layout: &Layout) -> Vec<String> {
    let mut header = vec!["point".to_owned(), "variant".to_owned()];
    header.extend(layout.parameters.iter().cloned());
    header.extend(
        [
            "metric",
            "n",
            "mean",
            "std_dev",
            "ci95_low",
            "ci95_high",
            "p5",
            "p50",
            "p95",
            "slo_met_fraction",
        ]
        .map(str::to_owned),
    );
    header
}

/// `summary.csv` from every record of the sweep, sorted in run order.
pub fn summary_csv(layout: &Layout, records: &[RunRecord]) -> Vec<u8> {
    let mut writer = csv::Writer::from_writer(Vec::new());
    writer
        .write_record(header(layout))
        .expect("writing to memory");
    for (point, runs) in by_point(layout, records).iter().enumerate() {
        let info = &layout.points[point];
        let slo_fraction = slo_met_fraction(runs);
        for (column, metric) in layout.metrics.iter().enumerate() {
            let samples: Vec<f64> = runs.iter().map(|run| run.metrics[column]).collect();
            let summary = MetricSummary::of(&samples);
            let mut row = vec![point.to_string(), info.variant.clone()];
            row.extend(info.parameters.iter().cloned());
            row.push(metric.clone());
            row.push(summary.n.to_string());
            row.extend(
                [
                    summary.mean,
                    summary.std_dev,
                    summary.ci95_low,
                    summary.ci95_high,
                    summary.p5,
                    summary.p50,
                    summary.p95,
                    slo_fraction,
                ]
                .map(number),
            );
            writer.write_record(row).expect("writing to memory");
        }
    }
    writer.into_inner().expect("writing to memory")
}

/// Fraction of runs meeting the SLO (NaN without an SLO or without runs).
pub fn slo_met_fraction(runs: &[&RunRecord]) -> f64 {
    let judged: Vec<bool> = runs.iter().filter_map(|run| run.slo_met).collect();
    if judged.is_empty() {
        return f64::NAN;
    }
    judged.iter().filter(|&&met| met).count() as f64 / judged.len() as f64
}

/// The records of each point, in replication order.
pub fn by_point<'a>(layout: &Layout, records: &'a [RunRecord]) -> Vec<Vec<&'a RunRecord>> {
    let mut points = vec![Vec::new(); layout.points.len()];
    for record in records {
        points[record.point].push(record);
    }
    points
}
