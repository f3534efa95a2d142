//! The on-sale table: what an architect asks first. Did it sell out, how fast,
//! how many errors, how long fans waited.

use serde_json::Value;

use super::summary::{MetricReading, read_metric};

/// A metric as (mean, half-width of its 95% interval when it has one).
pub(super) fn number(metrics: &Value, key: &str) -> Option<(f64, Option<f64>)> {
    read_metric(metrics, key).map(mean_and_half_width)
}

fn mean_and_half_width(reading: MetricReading) -> (f64, Option<f64>) {
    (
        reading.mean,
        reading.ci95.map(|(low, high)| (high - low) / 2.0),
    )
}

/// A metric formatted as `x` or `x ±h`; `n/a` when undefined (null or absent).
pub(super) fn show(metrics: &Value, key: &str, format: fn(f64) -> String) -> String {
    show_spread(metrics, key, format, format)
}

/// Like [`show`], with the half-width in its own format: a clock time's
/// interval is a duration (`T+5m15s ±2.00s`, not `±T+0m02s`). A metric some
/// replications leave undefined says in how many it is defined.
fn show_spread(
    metrics: &Value,
    key: &str,
    format: fn(f64) -> String,
    spread: fn(f64) -> String,
) -> String {
    let reading = read_metric(metrics, key);
    let shown = estimate_text(reading, key, format, spread);
    match reading {
        Some(reading) if reading.undefined > 0 => format!(
            "{shown} (defined in {} of {} runs)",
            reading.n,
            reading.n + reading.undefined
        ),
        _ => shown,
    }
}

/// A Student-t interval can reach past what the metric can be (an error rate
/// of 0.2% ±0.3% over few replications): such an interval is clipped at the
/// bound and printed as one, `0.20% [0.00%, 0.50%] (clipped at 0)`, so
/// nobody reads a negative count or a share over 100%.
fn estimate_text(
    reading: Option<MetricReading>,
    key: &str,
    format: fn(f64) -> String,
    spread: fn(f64) -> String,
) -> String {
    let (floor, ceiling) = hard_bounds(key);
    match reading.map(mean_and_half_width) {
        Some((value, None)) => format(value),
        Some((value, Some(half))) if value - half < floor || value + half > ceiling => {
            let (low, high) = ((value - half).max(floor), (value + half).min(ceiling));
            let bound = if value - half < floor { floor } else { ceiling };
            format!(
                "{} [{}, {}] (clipped at {bound})",
                format(value),
                format(low),
                format(high)
            )
        }
        Some((value, Some(half))) => format!("{} ±{}", format(value), spread(half)),
        None => "n/a".to_owned(),
    }
}

/// What a metric can be, from its name: correlations in [-1, 1]; rates,
/// shares, fractions and utilizations in [0, 1]; clock times (`*_s` of events
/// relative to the opening) anything; every other metric (counts, durations,
/// amounts) at least 0.
pub fn hard_bounds(key: &str) -> (f64, f64) {
    const EVENT_TIMES: [&str; 3] = ["first_sold_out_s", "last_sale_s", "first_sale_s"];
    if key.contains("spearman") {
        (-1.0, 1.0)
    } else if ["_rate", "_share", "_fraction", "utilization", "sold_out"]
        .iter()
        .any(|suffix| key.ends_with(suffix))
    {
        (0.0, 1.0)
    } else if EVENT_TIMES.contains(&key) {
        (f64::NEG_INFINITY, f64::INFINITY)
    } else {
        (0.0, f64::INFINITY)
    }
}

/// Every error kind with a count, system errors (those in the error rate)
/// first, so the parts visibly add up to the total.
fn error_breakdown(metrics: &Value) -> String {
    const SYSTEM: [&str; 8] = [
        "timeout",
        "rejected",
        "shed",
        "rate_limited",
        "unavailable",
        "server_error",
        "breaker_open",
        "payment_timeout",
    ];
    const BUSINESS: [&str; 5] = [
        "seat_taken",
        "no_tickets",
        "hold_expired",
        "payment_declined",
        "access_denied",
    ];
    let list = |kinds: &[&str]| {
        let present: Vec<String> = kinds
            .iter()
            .filter_map(|kind| {
                let key = format!("errors_{kind}");
                let (value, _) = number(metrics, &key)?;
                (value > 0.0)
                    .then(|| format!("{} {}", kind.replace('_', " "), show(metrics, &key, count)))
            })
            .collect();
        if present.is_empty() {
            "none".to_owned()
        } else {
            present.join(", ")
        }
    };
    format!(
        "system errors: {}; not in the rate: {}",
        list(&SYSTEM),
        list(&BUSINESS)
    )
}

fn count(x: f64) -> String {
    format!("{x:.0}")
}

fn clock(seconds: f64) -> String {
    let sign = if seconds < 0.0 { "-" } else { "+" };
    let whole = seconds.abs().round() as u64;
    format!("T{sign}{}m{:02}s", whole / 60, whole % 60)
}

fn duration(seconds: f64) -> String {
    if seconds.abs() >= 60.0 {
        format!("{:.1}m", seconds / 60.0)
    } else {
        format!("{seconds:.2}s")
    }
}

fn percent(fraction: f64) -> String {
    format!("{:.2}%", fraction * 100.0)
}

/// The human-readable summary of `summary["metrics"]`.
pub fn onsale_table(metrics: &Value) -> String {
    let get = |key| show(metrics, key, count);
    let sold_out = number(metrics, "sold_out").map(|(v, _)| v).unwrap_or(0.0);
    let sell_out_line = if sold_out >= 1.0 {
        format!(
            "yes: inventory first hit zero at {}",
            show_spread(metrics, "first_sold_out_s", clock, duration)
        )
    } else if sold_out > 0.0 {
        format!("in {} of runs", percent(sold_out))
    } else {
        "no".to_owned()
    };
    let mut rows = vec![
        ("sold out", sell_out_line),
        (
            "last sale",
            show_spread(metrics, "last_sale_s", clock, duration),
        ),
        (
            "tickets sold",
            format!(
                "{} of {} (revenue {})",
                get("tickets_sold"),
                get("capacity"),
                show(metrics, "revenue", |x| format!("{x:.2}"))
            ),
        ),
        (
            "second wave",
            format!(
                "{} tickets sold after the first sell-out; {} returned by expired holds",
                get("tickets_after_first_sold_out"),
                get("tickets_expired")
            ),
        ),
        (
            "errors",
            format!(
                "{} of {} requests ({})",
                show(metrics, "error_rate", percent),
                get("requests"),
                error_breakdown(metrics)
            ),
        ),
        (
            "time in queue",
            format!(
                "mean {}, p95 {}",
                show(metrics, "time_in_queue_mean_s", duration),
                show(metrics, "time_in_queue_p95_s", duration)
            ),
        ),
        (
            "hold latency",
            format!(
                "p50 {}, p99 {}",
                show(metrics, "latency_hold_p50_s", duration),
                show(metrics, "latency_hold_p99_s", duration)
            ),
        ),
        (
            "fans",
            format!(
                "arrived {}, admitted {}, bought {}",
                get("fans_arrived"),
                get("fans_admitted"),
                get("fans_bought")
            ),
        ),
        (
            "fans who left",
            format!(
                "in queue {}, sold out {}, after errors {}, token expired {}, cart abandoned {}, payment failed {}, active at horizon {}",
                get("fans_gave_up_in_queue"),
                get("fans_left_sold_out"),
                get("fans_gave_up_after_errors"),
                get("fans_token_expired"),
                get("fans_abandoned_cart"),
                get("fans_payment_failed"),
                get("fans_active_at_horizon")
            ),
        ),
        (
            "bots",
            format!(
                "arrived {}, share of tickets {}",
                get("bots_arrived"),
                show(metrics, "bot_ticket_share", percent)
            ),
        ),
        (
            "fairness",
            format!(
                "Spearman(admission rank, bought) {}",
                show(metrics, "fairness_rank_success_spearman", |x| format!(
                    "{x:.3}"
                ))
            ),
        ),
    ];
    // Site-wide figures (runs from before they existed lack them).
    if read_metric(metrics, "visitors").is_some() {
        let site = format!(
            "{} people, {} system requests, {} of interactions errored ({} failed status polls)",
            get("visitors"),
            get("system_requests"),
            show(metrics, "interaction_error_rate", percent),
            get("queue_poll_errors")
        );
        let after_errors = rows
            .iter()
            .position(|(label, _)| *label == "errors")
            .map_or(0, |i| i + 1);
        rows.insert(after_errors, ("site", site));
    }
    rows.iter()
        .map(|(label, value)| format!("{label:<15} {value}\n"))
        .collect()
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    /// db-failover's case: 13,762 "unavailable" errors made the rate, but the
    /// line listed only timeouts, rejections and seat-taken.
    #[test]
    fn the_error_line_lists_every_kind_and_its_parts_add_up() {
        let metrics = json!({
            "error_rate": 0.0458, "requests": 300_524.0,
            "errors_timeout": 34.0, "errors_rejected": 0.0, "errors_unavailable": 13_762.0,
            "errors_seat_taken": 3_436.0, "errors_no_tickets": 12.0,
        });
        let table = onsale_table(&metrics);
        let line = table.lines().find(|l| l.starts_with("errors")).unwrap();
        assert!(line.contains("timeout 34"), "{line}");
        assert!(line.contains("unavailable 13762"), "{line}");
        assert!(
            line.contains("not in the rate: seat taken 3436, no tickets 12"),
            "{line}"
        );
        assert!(
            !line.contains("rejected"),
            "zero counts are left out: {line}"
        );
        // The system errors listed are the rate's numerator: (34 + 13,762) / 300,524.
        assert!(((34.0 + 13_762.0) / 300_524.0 - 0.0458f64).abs() < 1e-3);
    }

    #[test]
    fn intervals_past_a_hard_bound_are_clipped_and_say_so() {
        let metrics = json!({
            "error_rate": { "mean": 0.002, "ci95": [-0.001, 0.005] },
            "bot_ticket_share": { "mean": 0.99, "ci95": [0.97, 1.01] },
            "requests": { "mean": 10.0, "ci95": [-2.0, 22.0] },
            "fans_arrived": { "mean": 10.0, "ci95": [8.0, 12.0] },
            "fairness_rank_success_spearman": { "mean": -0.9, "ci95": [-1.2, -0.6] },
        });
        let table = onsale_table(&metrics);
        assert!(
            table.contains("0.20% [0.00%, 0.50%] (clipped at 0)"),
            "{table}"
        );
        assert!(
            table.contains("99.00% [97.00%, 100.00%] (clipped at 1)"),
            "{table}"
        );
        assert!(table.contains("10 [0, 22] (clipped at 0)"), "{table}");
        assert!(table.contains("arrived 10 ±2"), "{table}");
        assert!(
            table.contains("-0.900 [-1.000, -0.600] (clipped at -1)"),
            "{table}"
        );
    }

    #[test]
    fn clock_intervals_are_durations_and_undefined_is_n_a() {
        let metrics = json!({
            "sold_out": { "mean": 1.0, "ci95": [1.0, 1.0] },
            "first_sold_out_s": { "mean": 315.0, "ci95": [313.0, 317.0] },
            "last_sale_s": null,
        });
        let table = onsale_table(&metrics);
        assert!(table.contains("T+5m15s ±2.00s"), "{table}");
        assert!(!table.contains("±T+"), "{table}");
        let last = table.lines().find(|l| l.starts_with("last sale")).unwrap();
        assert!(last.ends_with("n/a"), "{last}");
    }
}
