//! The service table: goodput before, during and after each trigger, and whether it recovered.

use serde_json::Value;

fn value(metrics: &Value, key: &str) -> String {
    super::onsale_table::show(metrics, key, |x| format!("{x:.2}"))
}

/// A few lines from `summary.json` of a service model.
pub fn service_table(summary: &Value) -> String {
    let metrics = &summary["metrics"];
    let mut out = format!(
        "goodput/s       before {}, during {}, after {}\nrecovered       {} (recovery {} s)\nin flight       {} before the first trigger\nwork            {} attempts per call, {} of completions wasted\n",
        value(metrics, "goodput_before_per_s"),
        value(metrics, "goodput_during_per_s"),
        value(metrics, "goodput_after_per_s"),
        value(metrics, "recovered"),
        value(metrics, "recovery_s"),
        value(metrics, "in_flight_before_mean"),
        value(metrics, "attempts_per_call"),
        value(metrics, "wasted_work_fraction"),
    );
    if let Some(triggers) = summary["triggers"].as_array() {
        for trigger in triggers {
            out.push_str(&format!(
                "trigger         {}s-{}s: recovered {}\n",
                trigger["trigger_start_s"], trigger["trigger_end_s"], trigger["recovered"]
            ));
        }
    }
    out
}
