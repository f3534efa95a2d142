//! The service table: goodput before, during and after each trigger, and whether it recovered.

use serde_json::Value;

fn value(metrics: &Value, key: &str) -> String {
    super::onsale_table::show(metrics, key, |x| format!("{x:.2}"))
}

/// The recovery line: "yes, 12.00 s after the trigger ended", "never", "no
/// baseline" (nothing to recover to), or the share of replications that recovered.
fn recovery(summary: &Value) -> String {
    let metrics = &summary["metrics"];
    let triggers = summary["triggers"].as_array().map_or(0, Vec::len);
    if triggers == 0 {
        return "no trigger".to_owned();
    }
    match super::onsale_table::number(metrics, "recovered") {
        None => "no baseline (no goodput before the trigger)".to_owned(),
        Some((recovered, None)) if recovered >= 1.0 => {
            format!(
                "yes, {} s after the trigger ended",
                value(metrics, "recovery_s")
            )
        }
        Some((_, None)) => "never".to_owned(),
        Some((share, Some(_))) if share <= 0.0 => "never, in any replication".to_owned(),
        Some((share, Some(_))) if share >= 1.0 => format!(
            "in every replication, {} s after the trigger ended",
            value(metrics, "recovery_s")
        ),
        Some((share, Some(_))) => format!(
            "in {:.0}% of replications; the others never did",
            share * 100.0
        ),
    }
}

/// A few lines from `summary.json` of a service model.
pub fn service_table(summary: &Value) -> String {
    let metrics = &summary["metrics"];
    let mut out = format!(
        "goodput/s       before {}, during {}, after {}\nrecovered       {}\nin flight       {} before the first trigger\nwork            {} attempts per call, {} of completions wasted\n",
        value(metrics, "goodput_before_per_s"),
        value(metrics, "goodput_during_per_s"),
        value(metrics, "goodput_after_per_s"),
        recovery(summary),
        value(metrics, "in_flight_before_mean"),
        value(metrics, "attempts_per_call"),
        value(metrics, "wasted_work_fraction"),
    );
    if let Some(triggers) = summary["triggers"].as_array() {
        for trigger in triggers {
            out.push_str(&format!(
                "trigger         {}s-{}s: {}\n",
                trigger["trigger_start_s"],
                trigger["trigger_end_s"],
                match trigger["recovered"].as_bool() {
                    Some(true) => "recovered",
                    Some(false) => "never recovered",
                    None => "no baseline",
                }
            ));
        }
    }
    out
}
