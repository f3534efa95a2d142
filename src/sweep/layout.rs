//! What a sweep's outputs are made of, independent of its model specs: the
//! points, the columns, the metrics. It is written to `sweep.json` with the
//! provenance, so that `sellout merge` can rebuild every output from shard
//! directories alone.

use std::path::Path;

use serde::{Deserialize, Serialize};

use super::{SweepError, sha256_hex};
use crate::engine::derive_seed;

/// One point of the sweep: a variant at one combination of grid values.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PointInfo {
    /// Index, in run order.
    pub point: usize,
    /// Variant name (`base` when the experiment has no variants).
    pub variant: String,
    /// The value of each parameter column in the point's model, as written in CSVs
    /// (empty when the model leaves an optional field out).
    pub parameters: Vec<String>,
    /// Every override applied (`set`, grid, variant), path → TOML source.
    pub overrides: Vec<(String, String)>,
    /// The point `paired.csv` compares this one with.
    pub baseline: usize,
}

impl PointInfo {
    /// `path = value, ...` for messages.
    pub fn overrides_text(&self) -> String {
        if self.overrides.is_empty() {
            return "(none)".to_owned();
        }
        self.overrides
            .iter()
            .map(|(path, value)| format!("{path} = {value}"))
            .collect::<Vec<_>>()
            .join(", ")
    }
}

/// The shape of a sweep's outputs.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Layout {
    /// Experiment seed.
    pub seed: u64,
    /// Replications per point.
    pub replications: u64,
    /// Metrics of interest, in column order.
    pub metrics: Vec<String>,
    /// SLO clauses, as written.
    pub slo: Vec<String>,
    /// Parameter columns (dotted paths), in column order.
    pub parameters: Vec<String>,
    /// The points, in run order.
    pub points: Vec<PointInfo>,
}

impl Layout {
    /// Total runs: points × replications.
    pub fn total_runs(&self) -> u64 {
        self.points.len() as u64 * self.replications
    }
}

/// Where the base model and the experiment came from.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Source {
    /// Path as given (the model's is resolved relative to the experiment).
    pub path: String,
    /// Hex SHA-256 of the file's bytes.
    pub sha256: String,
}

/// `sweep.json`: provenance and layout.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Manifest {
    /// Layout version of this file (`report::summary::SCHEMA_VERSION`); 0 in
    /// files from before it was written.
    #[serde(default)]
    pub schema_version: u32,
    /// The experiment's name.
    pub name: String,
    /// The experiment file.
    pub experiment: Source,
    /// The base model file.
    pub model: Source,
    /// `sellout` version that ran the sweep.
    pub sellout_version: String,
    /// Version tag of the random-stream derivation.
    pub streams: String,
    /// How each run is seeded, and how to replay one.
    pub run_seed: String,
    /// Hash of everything that decides a run's result except the replication
    /// count; a journal or shard with another fingerprint belongs to another sweep.
    pub fingerprint: String,
    /// `K/N` for one shard's outputs; null for a whole sweep.
    pub shard: Option<String>,
    /// Runs in this directory's runs.csv.
    pub runs: u64,
    /// Points, columns and metrics.
    pub layout: Layout,
}

/// The stream derivation tag, as in `summary.json` of `sellout run`.
pub const STREAMS: &str = "sha256-chacha8-v1";

/// The seeding rule, written into `sweep.json`.
pub const RUN_SEED_RULE: &str = "replication r of every point runs with seed = derive_seed v2(experiment seed, \"replication:<r>\"), \
     below 2^53 so any tool reads it exactly (common random numbers across points); replay one run with \
     `sellout run MODEL --set PATH=VALUE... --seed <seed>`, one --set per override of the point";

/// Tag of the run-seed derivation; a journal of another derivation belongs to another sweep.
const SEEDS: &str = "derive_seed-v2";

impl Manifest {
    /// The fingerprint of a layout for a base model (replications excluded, so a
    /// sweep may be extended with more replications and keep its finished runs).
    pub fn fingerprint(layout: &Layout, model_sha256: &str) -> String {
        let identity = serde_json::json!({
            "model_sha256": model_sha256,
            "seed": layout.seed,
            "metrics": layout.metrics,
            "slo": layout.slo,
            "parameters": layout.parameters,
            "points": layout.points,
            "sellout_version": env!("CARGO_PKG_VERSION"),
            "streams": STREAMS,
            "seeds": SEEDS,
        });
        sha256_hex(identity.to_string().as_bytes())
    }

    /// The bytes of `sweep.json`.
    pub fn to_json(&self) -> Vec<u8> {
        let mut bytes = serde_json::to_vec_pretty(self).expect("a manifest serializes");
        bytes.push(b'\n');
        bytes
    }

    /// Reads `DIR/sweep.json`.
    pub fn read(dir: &Path) -> Result<Manifest, SweepError> {
        let path = dir.join("sweep.json");
        let bytes = std::fs::read(&path).map_err(SweepError::io(&path))?;
        serde_json::from_slice(&bytes).map_err(|error| SweepError::Mismatch {
            path,
            message: format!("not a sellout sweep.json: {error}"),
        })
    }
}

/// The seed of replication `replication` of every point. Streams are those of
/// replication 0 of this seed, so `sellout run MODEL --seed <seed>` replays the run.
pub fn run_seed(experiment_seed: u64, replication: u64) -> u64 {
    derive_seed(experiment_seed, &format!("replication:{replication}"))
}
