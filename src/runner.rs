//! One replication of any model kind, reduced to flat named metrics: the unit
//! of work of replications and sweeps.

use std::collections::BTreeMap;

use crate::engine::{StopError, Streams};
use crate::model::ModelSpec;
use crate::onsale::RunCheckError;
use crate::{contention, network, onsale, service};

/// A replication that failed. Exit code 1; callers add the seed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum RunError {
    /// A network model hit a limit.
    #[error(transparent)]
    Network(#[from] StopError),
    /// An on-sale model failed a limit or an end-of-run check.
    #[error(transparent)]
    Onsale(#[from] RunCheckError),
}

/// Flat metrics of one replication. Network models name theirs
/// `<station>.<metric>` (e.g. `desk.wait_mean_s`); on-sale models use the keys of
/// `summary.json` (e.g. `tickets_sold`, `latency_hold_p99_s`, `error_rate`);
/// service models report goodput and recovery (e.g. `goodput_after_per_s`, `recovered`);
/// contention models report work and completion (e.g. `calls`, `completion_s`).
pub fn run_metrics(spec: &ModelSpec, streams: &Streams) -> Result<BTreeMap<String, f64>, RunError> {
    match spec {
        ModelSpec::Network(network_spec) => {
            let report = network::run(network_spec, streams)?;
            let mut metrics = BTreeMap::new();
            for (station, station_report) in &report.stations {
                if let Ok(serde_json::Value::Object(fields)) = serde_json::to_value(station_report)
                {
                    for (key, value) in fields {
                        metrics.insert(
                            format!("{station}.{key}"),
                            value.as_f64().unwrap_or(f64::NAN),
                        );
                    }
                }
            }
            metrics.insert("events".to_owned(), report.events as f64);
            Ok(metrics)
        }
        ModelSpec::Onsale(model) => Ok(onsale::run(model, streams, false)?.metrics),
        ModelSpec::Service(service_spec) => Ok(service::run(service_spec, streams)?.metrics),
        ModelSpec::Contention(contention_spec) => {
            Ok(contention::run(contention_spec, streams)?.metrics)
        }
    }
}
