//! The per-second series as OpenMetrics text, ready for
//! `promtool tsdb create-blocks-from openmetrics`: one metric family per
//! quantity, every sample with an integer-second timestamp from `--start`
//! (the opening, T+0), and a final `# EOF`.

use std::fmt::Write as _;

use super::ExportOptions;
use super::catalogue::{Metric, MetricKind, catalogue};
use super::run_output::RunOutput;

/// The exposition's text.
pub fn exposition(run: &RunOutput, options: &ExportOptions) -> String {
    let metrics = catalogue(&run.series);
    // A family's series must be contiguous: group the columns by family, in
    // the order families first appear in the file.
    let mut families: Vec<&str> = Vec::new();
    for metric in &metrics {
        if !families.contains(&metric.family.as_str()) {
            families.push(&metric.family);
        }
    }
    let timestamps: Vec<i64> = run
        .t_s()
        .iter()
        .map(|t| options.start_unix_s + *t as i64)
        .collect();
    let mut out = String::new();
    for family in families {
        let members: Vec<&Metric> = metrics.iter().filter(|m| m.family == family).collect();
        descriptor(&mut out, members[0]);
        for metric in members {
            let values = run.series.column(&metric.column).unwrap_or(&[]);
            samples(&mut out, metric, values, &timestamps);
        }
    }
    out.push_str("# EOF\n");
    out
}

fn descriptor(out: &mut String, metric: &Metric) {
    let kind = if metric.is_counter() {
        "counter"
    } else {
        "gauge"
    };
    let _ = writeln!(out, "# TYPE {} {kind}", metric.family);
    if let Some(unit) = metric.unit {
        let _ = writeln!(out, "# UNIT {} {unit}", metric.family);
    }
    let _ = writeln!(out, "# HELP {} {}", metric.family, metric.help);
}

/// One line per second. A counter of per-second counts is their running sum
/// from the first row, so `irate` over two neighbouring samples gives the
/// row back.
fn samples(out: &mut String, metric: &Metric, values: &[f64], timestamps: &[i64]) {
    let name = metric.selector();
    let mut running = 0.0;
    for (value, timestamp) in values.iter().zip(timestamps) {
        let sample = match metric.kind {
            MetricKind::Counter => {
                running += value;
                running
            }
            MetricKind::RunningTotal | MetricKind::Gauge => *value,
        };
        let _ = writeln!(out, "{name} {} {timestamp}", number(sample));
    }
}

/// Whole numbers without a fraction, NaN as OpenMetrics spells it.
fn number(value: f64) -> String {
    if value.is_nan() {
        "NaN".to_owned()
    } else if value.fract() == 0.0 && value.abs() < 1e15 {
        format!("{}", value as i64)
    } else {
        format!("{value}")
    }
}
