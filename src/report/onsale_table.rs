//! The on-sale table: what an architect asks first. Did it sell out, how fast,
//! how many errors, how long fans waited.

use serde_json::Value;

/// A metric that is a number, or `{ mean, ci95 }` as (mean, half-width).
pub(super) fn number(metrics: &Value, key: &str) -> Option<(f64, Option<f64>)> {
    match metrics.get(key)? {
        Value::Number(number) => Some((number.as_f64()?, None)),
        Value::Object(estimate) => {
            let mean = estimate.get("mean")?.as_f64()?;
            let bounds = estimate.get("ci95")?.as_array()?;
            let half = (bounds.get(1)?.as_f64()? - bounds.first()?.as_f64()?) / 2.0;
            Some((mean, Some(half)))
        }
        _ => None,
    }
}

/// A metric formatted as `x` or `x ±h`; `-` when absent.
pub(super) fn show(metrics: &Value, key: &str, format: fn(f64) -> String) -> String {
    match number(metrics, key) {
        Some((value, None)) => format(value),
        Some((value, Some(half))) => format!("{} ±{}", format(value), format(half)),
        None => "-".to_owned(),
    }
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
            show(metrics, "first_sold_out_s", clock)
        )
    } else if sold_out > 0.0 {
        format!("in {} of runs", percent(sold_out))
    } else {
        "no".to_owned()
    };
    let rows = [
        ("sold out", sell_out_line),
        ("last sale", show(metrics, "last_sale_s", clock)),
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
                "{} of {} requests (timeouts {}, rejected {}, seat taken {})",
                show(metrics, "error_rate", percent),
                get("requests"),
                get("errors_timeout"),
                get("errors_rejected"),
                get("errors_seat_taken")
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
    rows.iter()
        .map(|(label, value)| format!("{label:<15} {value}\n"))
        .collect()
}
