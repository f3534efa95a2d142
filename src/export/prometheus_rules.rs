//! The model's `[[alert]]`s as Prometheus alerting rules over the exported
//! metrics. An alert watches a `timeseries.csv` column; the rule's expression
//! gives that column back (see the catalogue) and `for:` is the alert's window.
//!
//! Evaluated every second over the backfilled series, a rule fires one
//! evaluation after the simulator's alert: the simulator counts the window from
//! the start of the first breached second, Prometheus from the first evaluation
//! that saw the breach (its end).

use std::fmt::Write as _;

use super::ExportError;
use super::catalogue::column_query;
use super::run_output::RunOutput;
use crate::model::AlertSpec;

/// The rules file (YAML). Strings are written as JSON strings, which YAML reads
/// as double-quoted scalars.
pub fn rules(run: &RunOutput) -> Result<String, ExportError> {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "# Alerting rules of the on-sale model {:?}, written by `sellout export --format prometheus-rules`.\n\
         # They read the metrics of `sellout export --format openmetrics`; evaluate every second\n\
         # (the series has one sample per second).\n\
         groups:\n  - name: {}\n    interval: 1s\n    rules:{}",
        run.model_name(),
        quote(&format!("sellout-{}", run.model_name())),
        if run.alerts.is_empty() { " []" } else { "" }
    );
    for alert in &run.alerts {
        rule(&mut out, run, alert)?;
    }
    Ok(out)
}

fn rule(out: &mut String, run: &RunOutput, alert: &AlertSpec) -> Result<(), ExportError> {
    let query = column_query(&run.series, &alert.metric).ok_or_else(|| {
        ExportError::Model(format!(
            "alert {:?} watches {:?}, which timeseries.csv has no column for",
            alert.name, alert.metric
        ))
    })?;
    let (operator, threshold) = match (alert.above, alert.below) {
        (Some(above), _) => (">", above),
        (_, Some(below)) => ("<", below),
        _ => {
            return Err(ExportError::Model(format!(
                "alert {:?} has neither `above` nor `below`",
                alert.name
            )));
        }
    };
    let _ = writeln!(out, "      - alert: {}", quote(&alert.name));
    let _ = writeln!(
        out,
        "        expr: {}",
        quote(&format!("{query} {operator} {threshold}"))
    );
    let _ = writeln!(out, "        for: {}", duration(alert.sustained.span().0));
    let _ = writeln!(out, "        labels:\n          source: \"sellout\"");
    let _ = writeln!(
        out,
        "        annotations:\n          summary: {}",
        quote(&format!(
            "{} {} {threshold} for {} (sellout alert {:?})",
            alert.metric,
            if operator == ">" { "above" } else { "below" },
            duration(alert.sustained.span().0),
            alert.name
        ))
    );
    Ok(())
}

/// A Prometheus duration: whole seconds as `20s`, otherwise milliseconds
/// (the finest unit it reads).
pub fn duration(nanos: i64) -> String {
    let ms = (nanos.max(0) as f64 / 1e6).round() as i64;
    if ms % 1000 == 0 {
        format!("{}s", ms / 1000)
    } else {
        format!("{ms}ms")
    }
}

fn quote(text: &str) -> String {
    serde_json::to_string(text).unwrap_or_else(|_| "\"\"".to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn windows_become_prometheus_durations() {
        assert_eq!(duration(20_000_000_000), "20s");
        assert_eq!(duration(0), "0s");
        assert_eq!(duration(1_500_000_000), "1500ms");
        assert_eq!(duration(480_000_000_000), "480s");
    }
}
