//! The contention table: how much work the clients did and when the last one finished.

use serde_json::Value;

use super::onsale_table::{number, show};

fn value(metrics: &Value, key: &str, format: fn(f64) -> String) -> String {
    show(metrics, key, format)
}

fn count(x: f64) -> String {
    format!("{x:.0}")
}

/// A count: whole numbers as such, means across replications with two decimals.
fn amount(x: f64) -> String {
    if x.fract() == 0.0 {
        format!("{x:.0}")
    } else {
        format!("{x:.2}")
    }
}

fn seconds(x: f64) -> String {
    format!("{x:.3} s")
}

/// The completion line: the time the last client succeeded, or why there is none.
fn completion(metrics: &Value) -> String {
    match number(metrics, "completion_s") {
        Some((mean, _)) if mean.is_finite() => value(metrics, "completion_s", seconds),
        _ => "never: some clients did not succeed (gave up or hit the horizon)".to_owned(),
    }
}

/// A few lines from `summary.json` of a contention model.
pub fn contention_table(summary: &Value) -> String {
    let metrics = &summary["metrics"];
    format!(
        "clients         {} ({} succeeded, {} gave up)\ncompletion      {} (last success); mean {}\nwork            {} calls (writes), {} per client, {} failed; {} reads\n",
        value(metrics, "clients", count),
        value(metrics, "clients_done", amount),
        value(metrics, "gave_up", amount),
        completion(metrics),
        value(metrics, "completion_mean_s", seconds),
        value(metrics, "calls", amount),
        value(metrics, "calls_per_client", |x| format!("{x:.2}")),
        value(metrics, "failed_writes", amount),
        value(metrics, "reads", amount),
    )
}
