//! `summary.json`: every metric as `{ "mean", "ci95", "n", "undefined" }`,
//! the same shape whatever the replication count (schemas/summary.schema.json).

use serde::Serialize;
use serde_json::{Map, Value, json};

use super::provenance::Provenance;
use crate::contention::ContentionReport;
use crate::network::NetworkReport;
use crate::onsale::OnsaleReport;
use crate::service::ServiceReport;
use crate::statistics::estimate;

/// Version of the layout of `summary.json` and `sweep.json`; bumped when a key
/// is renamed, removed or changes meaning (adding a key does not bump it).
pub const SCHEMA_VERSION: u32 = 1;

/// One metric across replications.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct MetricEstimate {
    /// Mean over the replications where the metric is defined; null when none is.
    pub mean: Option<f64>,
    /// Student-t 95% interval for the mean; null with fewer than 2 defined values.
    pub ci95: Option<[f64; 2]>,
    /// Replications where the metric is defined.
    pub n: usize,
    /// Replications where it is not ("never sold out", "never recovered").
    pub undefined: usize,
}

impl MetricEstimate {
    /// Estimates from one value per replication (`None` or NaN: undefined there).
    pub fn of(values: &[Option<f64>]) -> MetricEstimate {
        let defined: Vec<f64> = values
            .iter()
            .filter_map(|value| value.filter(|x| !x.is_nan()))
            .collect();
        let estimate = estimate(&defined);
        MetricEstimate {
            mean: (!defined.is_empty()).then_some(estimate.mean),
            ci95: (defined.len() >= 2).then_some(estimate.ci95),
            n: defined.len(),
            undefined: values.len() - defined.len(),
        }
    }
}

/// A metric as read back from a `summary.json`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct MetricReading {
    /// The mean (or the value, from one replication).
    pub mean: f64,
    /// The 95% interval, when at least two replications define the metric.
    pub ci95: Option<(f64, f64)>,
    /// Replications where the metric is defined (1 for a plain number).
    pub n: u64,
    /// Replications where the metric is undefined (0 in files without the count).
    pub undefined: u64,
}

/// Reads `metrics[key]`: the object [`MetricEstimate`] writes, or a plain
/// number (files written before schema version 1). `None` when the key is
/// absent or no replication defines it.
pub fn read_metric(metrics: &Value, key: &str) -> Option<MetricReading> {
    match metrics.get(key)? {
        Value::Number(number) => Some(MetricReading {
            mean: number.as_f64()?,
            ci95: None,
            n: 1,
            undefined: 0,
        }),
        Value::Object(object) => {
            let bound = |index: usize| object.get("ci95")?.get(index)?.as_f64();
            Some(MetricReading {
                mean: object.get("mean")?.as_f64()?,
                ci95: bound(0).zip(bound(1)),
                n: object.get("n").and_then(Value::as_u64).unwrap_or(1),
                undefined: object.get("undefined").and_then(Value::as_u64).unwrap_or(0),
            })
        }
        _ => None,
    }
}

/// Turns one report per replication into one JSON object of [`MetricEstimate`]s,
/// keyed as the reports' fields (serde_json's map is sorted, hence deterministic).
/// Every key of any replication is kept, so none disappears when one
/// replication leaves a metric undefined.
pub fn aggregate_metrics<T: Serialize>(reports: &[T]) -> Value {
    let objects: Vec<Map<String, Value>> = reports
        .iter()
        .map(|report| match serde_json::to_value(report) {
            Ok(Value::Object(map)) => map,
            _ => Map::new(),
        })
        .collect();
    let keys: std::collections::BTreeSet<&String> =
        objects.iter().flat_map(|object| object.keys()).collect();
    let aggregated = keys.into_iter().map(|key| {
        let values: Vec<Option<f64>> = objects
            .iter()
            .map(|object| object.get(key).and_then(Value::as_f64))
            .collect();
        let estimate = serde_json::to_value(MetricEstimate::of(&values)).unwrap_or(Value::Null);
        (key.clone(), estimate)
    });
    Value::Object(aggregated.collect())
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
        "schema_version": SCHEMA_VERSION,
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
        "schema_version": SCHEMA_VERSION,
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
        "schema_version": SCHEMA_VERSION,
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
        "schema_version": SCHEMA_VERSION,
        "kind": "contention",
        "metrics": aggregate_metrics(&metrics),
    })
}
