//! An on-sale run's output directory as the exporters read it: summary.json
//! (kind and provenance), timeseries.csv (per-second rows) and, for the
//! rules, the `[[alert]]`s of the model file the run records.

use std::path::{Path, PathBuf};

use serde_json::Value;

use super::ExportError;
use crate::model::{AlertSpec, ModelSpec};
use crate::onsale::Endpoint;
use crate::report::plots::Timeseries;

/// What an export reads from a run.
#[derive(Clone, Debug)]
pub struct RunOutput {
    /// summary.json.
    pub summary: Value,
    /// timeseries.csv.
    pub series: Timeseries,
    /// The model's alert rules (empty until [`RunOutput::with_alerts`]).
    pub alerts: Vec<AlertSpec>,
}

impl RunOutput {
    /// Reads and checks `dir`.
    pub fn read(dir: &Path) -> Result<RunOutput, ExportError> {
        if !dir.is_dir() {
            return Err(ExportError::NotADirectory(dir.to_owned()));
        }
        let summary = read_summary(&dir.join("summary.json"))?;
        let path = dir.join("timeseries.csv");
        let bytes = std::fs::read(&path).map_err(|error| ExportError::Missing {
            path: path.clone(),
            reason: error.to_string(),
        })?;
        let series = Timeseries::parse(&path, &bytes)
            .map_err(|error| ExportError::corrupt(&path, strip_path(&path, &error.to_string())))?;
        RunOutput::new(summary, series, &path)
    }

    /// A run from parsed parts; `path` names timeseries.csv in errors.
    pub fn new(summary: Value, series: Timeseries, path: &Path) -> Result<RunOutput, ExportError> {
        check_series(&series, path)?;
        Ok(RunOutput {
            summary,
            series,
            alerts: Vec::new(),
        })
    }

    /// The same run with the model's alert rules.
    pub fn with_alerts(self, alerts: Vec<AlertSpec>) -> RunOutput {
        RunOutput { alerts, ..self }
    }

    /// The model's name, from the provenance.
    pub fn model_name(&self) -> &str {
        self.summary["provenance"]["model"]
            .as_str()
            .unwrap_or("onsale")
    }

    /// The seed, from the provenance.
    pub fn seed(&self) -> u64 {
        self.summary["provenance"]["seed"].as_u64().unwrap_or(0)
    }

    /// Seconds since the opening at the end of each row (row t covers (t-1, t]).
    pub fn t_s(&self) -> &[f64] {
        self.series.t_s()
    }

    /// The endpoints with a request-count column, in file (journey) order.
    pub fn endpoints(&self) -> Vec<Endpoint> {
        Endpoint::ALL
            .into_iter()
            .filter(|endpoint| self.series.column(&requests_column(*endpoint)).is_some())
            .collect()
    }

    /// Requests issued per second to `endpoint`.
    pub fn endpoint_requests(&self, endpoint: Endpoint) -> &[f64] {
        self.series
            .column(&requests_column(endpoint))
            .unwrap_or(&[])
    }

    /// Requests issued per second to all endpoints.
    pub fn total_requests(&self) -> Vec<f64> {
        let mut total = vec![0.0; self.series.len()];
        for endpoint in self.endpoints() {
            for (sum, value) in total.iter_mut().zip(self.endpoint_requests(endpoint)) {
                *sum += value;
            }
        }
        total
    }
}

/// The per-second request-count column of `endpoint`, e.g. `hold_requests`.
pub fn requests_column(endpoint: Endpoint) -> String {
    format!("{}_requests", endpoint.name())
}

/// The model's `[[alert]]`s. They are not in the run directory, so they come
/// from the model file: `model`, or the path the run's provenance records
/// (relative to the working directory, as `sellout run` was given it). The
/// file must be the one that ran: its SHA-256 must match the provenance.
pub fn model_alerts(summary: &Value, model: Option<&Path>) -> Result<Vec<AlertSpec>, ExportError> {
    let provenance = &summary["provenance"];
    let recorded = provenance["model_path"].as_str().map(PathBuf::from);
    let Some(path) = model.map(Path::to_owned).or(recorded) else {
        return Err(ExportError::Model(
            "summary.json records no model_path: pass the model file that ran with --model FILE"
                .to_owned(),
        ));
    };
    // A run made with `--set` ran the file as edited: apply the same overrides.
    let overrides = recorded_overrides(provenance)?;
    let loaded = crate::model::load_with_overrides(&path, &overrides).map_err(|error| {
        ExportError::Model(format!(
            "the alerts come from the model file that ran, and {} cannot be used ({error}); pass it with --model FILE",
            path.display()
        ))
    })?;
    if let Some(sha256) = provenance["model_sha256"].as_str()
        && sha256 != loaded.sha256
    {
        return Err(ExportError::Model(format!(
            "{} has changed since the run (SHA-256 {} now, {sha256} in summary.json): pass the file that ran with --model FILE, or rerun it",
            path.display(),
            loaded.sha256
        )));
    }
    match loaded.spec {
        ModelSpec::Onsale(model) => Ok(model.spec.alerts.clone()),
        _ => Err(ExportError::Model(format!(
            "{} is not an on-sale model (kind = \"onsale\")",
            path.display()
        ))),
    }
}

/// The `--set` assignments the provenance records (none before they existed).
fn recorded_overrides(provenance: &Value) -> Result<Vec<(String, toml::Value)>, ExportError> {
    let Some(assignments) = provenance["overrides"].as_array() else {
        return Ok(Vec::new());
    };
    assignments
        .iter()
        .map(|assignment| {
            let text = assignment.as_str().unwrap_or_default();
            crate::model::overrides::parse_assignment(text).map_err(|error| {
                ExportError::Model(format!(
                    "summary.json records the override {assignment} ({error}); rerun the model"
                ))
            })
        })
        .collect()
}

fn read_summary(path: &Path) -> Result<Value, ExportError> {
    let bytes = std::fs::read(path).map_err(|error| ExportError::Missing {
        path: path.to_owned(),
        reason: error.to_string(),
    })?;
    let summary: Value = serde_json::from_slice(&bytes).map_err(|error| {
        ExportError::corrupt(path, format!("not the JSON `sellout run` writes ({error})"))
    })?;
    match summary["kind"].as_str() {
        Some("onsale") => Ok(summary),
        _ => Err(ExportError::NotOnsale {
            path: path.to_owned(),
            kind: summary["kind"].to_string(),
        }),
    }
}

/// Rows one second apart, and request counts that are whole numbers ≥ 0:
/// load-test stages and counters are built from them.
fn check_series(series: &Timeseries, path: &Path) -> Result<(), ExportError> {
    if series.is_empty() {
        return Err(ExportError::corrupt(path, "no rows"));
    }
    if let Some(pair) = series
        .t_s()
        .windows(2)
        .position(|pair| !(pair[1] - pair[0] == 1.0))
    {
        return Err(ExportError::corrupt(
            path,
            format!(
                "line {}: t_s must grow by one second per row (an on-sale's per-second series)",
                pair + 3
            ),
        ));
    }
    let endpoints: Vec<String> = Endpoint::ALL.into_iter().map(requests_column).collect();
    if !endpoints.iter().any(|name| series.column(name).is_some()) {
        return Err(ExportError::corrupt(
            path,
            "no per-endpoint request columns (event_page_requests, hold_requests, ...): it was written by an older sellout",
        ));
    }
    for name in
        endpoints
            .iter()
            .map(String::as_str)
            .chain(["t_s", "errors", "arrivals", "responses"])
    {
        let Some(values) = series.column(name) else {
            continue;
        };
        if let Some(row) = values
            .iter()
            .position(|value| !(value.is_finite() && (name == "t_s" || *value >= 0.0)))
        {
            return Err(ExportError::corrupt(
                path,
                format!(
                    "line {}, column {name}: {} is not a count",
                    row + 2,
                    values[row]
                ),
            ));
        }
    }
    Ok(())
}

/// Timeseries errors already start with the path; the export's error adds it again.
fn strip_path(path: &Path, message: &str) -> String {
    message
        .strip_prefix(&format!("{}: ", path.display()))
        .unwrap_or(message)
        .to_owned()
}
