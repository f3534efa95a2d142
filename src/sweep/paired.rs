//! `paired.csv`: each point minus its baseline point, per metric, paired by
//! replication. Replication r of every point ran with the same seed (common
//! random numbers), so the differences cancel most of the fan-to-fan noise and
//! the paired interval is much narrower than the difference of two intervals.
//!
//! The baseline of a later variant's point is the first variant at the same grid
//! values; the first variant's points, and variants outside the grid
//! (`grid = false`), are compared with point 0. Point 0 gets no row.

use std::collections::BTreeMap;

use super::aggregate::{MetricSummary, by_point};
use super::layout::Layout;
use super::record::{RunRecord, number};

/// The header of `paired.csv`.
pub fn header(layout: &Layout) -> Vec<String> {
    let mut header = vec!["point".to_owned(), "variant".to_owned()];
    header.extend(layout.parameters.iter().cloned());
    header.extend(
        [
            "baseline_point",
            "baseline_variant",
            "metric",
            "n",
            "mean_difference",
            "std_dev",
            "ci95_low",
            "ci95_high",
        ]
        .map(str::to_owned),
    );
    header
}

/// Differences `point − baseline` of one metric over the replications where both are defined.
pub fn differences(point: &[&RunRecord], baseline: &[&RunRecord], column: usize) -> Vec<f64> {
    let baseline: BTreeMap<u64, f64> = baseline
        .iter()
        .map(|run| (run.replication, run.metrics[column]))
        .collect();
    point
        .iter()
        .filter_map(|run| {
            let other = *baseline.get(&run.replication)?;
            let difference = run.metrics[column] - other;
            (!difference.is_nan()).then_some(difference)
        })
        .collect()
}

/// `paired.csv` from every record of the sweep, sorted in run order.
pub fn paired_csv(layout: &Layout, records: &[RunRecord]) -> Vec<u8> {
    let points = by_point(layout, records);
    let mut writer = csv::Writer::from_writer(Vec::new());
    writer
        .write_record(header(layout))
        .expect("writing to memory");
    for info in layout
        .points
        .iter()
        .filter(|info| info.baseline != info.point)
    {
        let baseline = &layout.points[info.baseline];
        for (column, metric) in layout.metrics.iter().enumerate() {
            let summary = MetricSummary::of(&differences(
                &points[info.point],
                &points[info.baseline],
                column,
            ));
            let mut row = vec![info.point.to_string(), info.variant.clone()];
            row.extend(info.parameters.iter().cloned());
            row.extend([
                baseline.point.to_string(),
                baseline.variant.clone(),
                metric.clone(),
                summary.n.to_string(),
            ]);
            row.extend(
                [
                    summary.mean,
                    summary.std_dev,
                    summary.ci95_low,
                    summary.ci95_high,
                ]
                .map(number),
            );
            writer.write_record(row).expect("writing to memory");
        }
    }
    writer.into_inner().expect("writing to memory")
}
