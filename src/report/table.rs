//! The short table printed after a run.

use serde_json::Value;

/// Columns: (metric key, header).
const COLUMNS: [(&str, &str); 7] = [
    ("served", "served"),
    ("blocked_fraction", "blocked"),
    ("wait_mean_s", "wait_mean_s"),
    ("sojourn_mean_s", "sojourn_mean_s"),
    ("utilization", "util"),
    ("queue_len_mean", "Lq"),
    ("in_system_mean", "L"),
];

fn format_number(x: f64) -> String {
    if x == x.trunc() && x.abs() < 1e15 {
        format!("{x:.0}")
    } else if x.abs() >= 100.0 {
        format!("{x:.1}")
    } else {
        format!("{x:.4}")
    }
}

/// One row per station of `summary["stations"]`; ± is the 95% CI half-width.
pub fn station_table(stations: &Value) -> String {
    let mut rows = vec![
        std::iter::once("station".to_owned())
            .chain(COLUMNS.iter().map(|(_, h)| h.to_string()))
            .collect::<Vec<_>>(),
    ];
    if let Some(map) = stations.as_object() {
        for (name, metrics) in map {
            let cells = COLUMNS
                .iter()
                .map(|(key, _)| super::onsale_table::show(metrics, key, format_number));
            rows.push(std::iter::once(name.clone()).chain(cells).collect());
        }
    }
    let widths: Vec<usize> = (0..rows[0].len())
        .map(|column| {
            rows.iter()
                .map(|row| row[column].chars().count())
                .max()
                .unwrap_or(0)
        })
        .collect();
    let mut out = String::new();
    for row in &rows {
        let line: Vec<String> = row
            .iter()
            .zip(&widths)
            .enumerate()
            .map(|(i, (text, width))| {
                if i == 0 {
                    format!("{text:<width$}")
                } else {
                    format!("{text:>width$}")
                }
            })
            .collect();
        out.push_str(line.join("  ").trim_end());
        out.push('\n');
    }
    out
}
