//! `summary.json`: per-station metrics, as plain numbers for one replication or
//! as `{ "mean": x, "ci95": [lo, hi] }` across several.

use serde::Serialize;
use serde_json::{Map, Value, json};

use super::provenance::Provenance;
use crate::contention::ContentionReport;
use crate::network::NetworkReport;
use crate::onsale::OnsaleReport;
use crate::service::ServiceReport;
use crate::statistics::estimate;

/// Turns one report per replication into one JSON object: numbers for a single
/// replication, estimates with confidence intervals otherwise. Field order
/// follows the first report (serde_json's map is sorted, hence deterministic).
pub fn aggregate_metrics<T: Serialize>(reports: &[T]) -> Value {
    let objects: Vec<Map<String, Value>> = reports
        .iter()
        .map(|report| match serde_json::to_value(report) {
            Ok(Value::Object(map)) => map,
            _ => Map::new(),
        })
        .collect();
    let Some(first) = objects.first() else {
        return Value::Object(Map::new());
    };
    if objects.len() == 1 {
        return Value::Object(first.clone());
    }
    let mut aggregated = Map::new();
    for key in first.keys() {
        let samples: Vec<f64> = objects
            .iter()
            .filter_map(|object| object.get(key)?.as_f64())
            .collect();
        if samples.len() == objects.len() {
            aggregated.insert(
                key.clone(),
                serde_json::to_value(estimate(&samples)).unwrap_or(Value::Null),
            );
        }
    }
    Value::Object(aggregated)
}

/// The whole `summary.json` of a network model run.
pub fn network_summary(provenance: &Provenance, reports: &[NetworkReport]) -> Value {
    let station_names = reports
        .first()
        .map(|report| report.stations.iter().map(|(name, _)| name.clone()));
    let mut stations = Map::new();
    for (index, name) in station_names.into_iter().flatten().enumerate() {
        let per_replication: Vec<_> = reports
            .iter()
            .map(|report| &report.stations[index].1)
            .collect();
        stations.insert(name, aggregate_metrics(&per_replication));
    }
    let runs: Vec<Value> = reports
        .iter()
        .enumerate()
        .map(|(replication, report)| json!({ "replication": replication, "events": report.events, "end_s": report.end_s }))
        .collect();
    json!({
        "provenance": provenance,
        "kind": "network",
        "stations": stations,
        "runs": runs,
    })
}

/// The whole `summary.json` of an on-sale run.
pub fn onsale_summary(provenance: &Provenance, reports: &[OnsaleReport], scale: f64) -> Value {
    let metrics: Vec<_> = reports.iter().map(|report| &report.metrics).collect();
    json!({
        "provenance": provenance,
        "kind": "onsale",
        "scale": scale,
        "invariants": "ok",
        "metrics": aggregate_metrics(&metrics),
    })
}

/// The whole `summary.json` of a service run: metrics across replications and
/// replication 0's verdict on every trigger.
pub fn service_summary(provenance: &Provenance, reports: &[ServiceReport]) -> Value {
    let metrics: Vec<_> = reports.iter().map(|report| &report.metrics).collect();
    json!({
        "provenance": provenance,
        "kind": "service",
        "metrics": aggregate_metrics(&metrics),
        "triggers": reports.first().map(|report| &report.recoveries),
    })
}

/// The whole `summary.json` of a contention run: work and completion across replications.
pub fn contention_summary(provenance: &Provenance, reports: &[ContentionReport]) -> Value {
    let metrics: Vec<_> = reports.iter().map(|report| &report.metrics).collect();
    json!({
        "provenance": provenance,
        "kind": "contention",
        "metrics": aggregate_metrics(&metrics),
    })
}
