//! Monte Carlo sweeps: many seeded runs over a grid of model variants, in
//! parallel, with outputs that do not depend on the thread count, the shard
//! split or interruptions.
//!
//! ```text
//! sweep.toml ──experiment──▶ Experiment ──grid+overrides──▶ points (one ModelSpec each)
//!                                                             │
//!   tasks (point, replication) ──shard──▶ this machine's slice │
//!        │ rayon, one run each: streams of derive_seed(seed, "replication:<r>")
//!        ▼                       (the same for every point: common random numbers)
//!   journal (runs.partial.csv, fsync'd per run) ──resume──▶ skip finished tasks
//!        │ sorted in run order
//!        ▼
//!   runs.csv ──aggregate──▶ summary.csv   ──paired──▶ paired.csv   + sweep.json
//! ```
//!
//! Exporters return bytes; the CLI writes them.

pub mod aggregate;
pub mod execute;
pub mod experiment;
pub mod grid;
pub mod journal;
pub mod layout;
pub mod lock;
pub mod outputs;
pub use crate::model::overrides;
pub mod paired;
pub mod planner;
pub mod record;
pub mod shard;
pub mod slo;

use std::path::PathBuf;

pub use execute::{RunTask, run_tasks};
pub use experiment::{Experiment, PlanSpec};
pub use grid::{Point, Sweep};
pub use journal::Journal;
pub use layout::run_seed;
pub use layout::{Layout, Manifest, PointInfo};
pub use lock::SweepLock;
pub use record::RunRecord;
pub use shard::{Shard, merge_shards};
pub use slo::{Clause, Slo};

use crate::model::{Invalid, ModelError};
use crate::runner::RunError;

/// Why a sweep, merge or plan could not finish.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum SweepError {
    /// The experiment file cannot be read. Bad input.
    #[error("cannot read experiment file {}: {error}", path.display())]
    Read {
        /// The file.
        path: PathBuf,
        /// Why.
        error: std::io::Error,
    },
    /// The experiment file is not valid TOML or has a misnamed or mistyped field. Bad input.
    #[error("{}: field `{field}`: {message}", path.display())]
    Parse {
        /// The file.
        path: PathBuf,
        /// Dotted path of the field.
        field: String,
        /// What the parser said.
        message: String,
    },
    /// A field of the experiment file (or a flag) has a value that is not allowed. Bad input.
    #[error("{}: {invalid}", path.display())]
    Invalid {
        /// The file (or the flag's command).
        path: PathBuf,
        /// The field, value and allowed range.
        invalid: Invalid,
    },
    /// The base model is invalid. Bad input.
    #[error("{}: field `model`: {error}", experiment.display())]
    BaseModel {
        /// The experiment file.
        experiment: PathBuf,
        /// What the model loader said.
        error: Box<ModelError>,
    },
    /// The model of one point after its overrides, is invalid. Bad input.
    #[error("{}: point {point} (variant `{variant}`, overrides {overrides}): {error}", experiment.display())]
    Model {
        /// The experiment file.
        experiment: PathBuf,
        /// Point index.
        point: usize,
        /// Variant name.
        variant: String,
        /// The overrides applied, `path = value` separated by commas.
        overrides: String,
        /// What the model parser said.
        error: Box<ModelError>,
    },
    /// A metric named in the experiment is not produced by the model. Bad input.
    #[error(
        "{}: field `{field}`: the model produces no metric {metric:?}; it produces: {available}",
        experiment.display()
    )]
    UnknownMetric {
        /// The experiment file.
        experiment: PathBuf,
        /// The field naming it (`metrics[2]`, `slo[0]`).
        field: String,
        /// The metric.
        metric: String,
        /// The metrics the model produces, comma-separated.
        available: String,
    },
    /// Existing outputs (a journal or shard directories) do not fit this experiment. Bad input.
    #[error("{}: {message}", path.display())]
    Mismatch {
        /// The file that does not fit.
        path: PathBuf,
        /// What does not fit and how to fix it.
        message: String,
    },
    /// A run failed. Names the seed and the overrides that replay it.
    #[error(
        "run of point {point} (variant `{variant}`, overrides {overrides}), replication {replication} failed (seed {seed}); \
         replay: apply the overrides to {} and run `sellout run MODEL --seed {seed}`: {error}",
        model.display()
    )]
    Run {
        /// Point index.
        point: usize,
        /// Variant name.
        variant: String,
        /// The overrides of the point.
        overrides: String,
        /// Replication index.
        replication: u64,
        /// The run's seed.
        seed: u64,
        /// The base model file.
        model: PathBuf,
        /// What failed.
        error: Box<RunError>,
    },
    /// Reading or writing a sweep file failed.
    #[error("{}: {error}", path.display())]
    Io {
        /// The file.
        path: PathBuf,
        /// Why.
        error: std::io::Error,
    },
    /// The planner's SLO is not met even at the parameter's maximum.
    #[error("{message}")]
    PlanUnmet {
        /// What was tried.
        message: String,
    },
}

impl SweepError {
    /// True for errors in the input (experiment file, flags, existing outputs): exit code 2.
    pub fn is_bad_input(&self) -> bool {
        !matches!(
            self,
            SweepError::Run { .. } | SweepError::Io { .. } | SweepError::PlanUnmet { .. }
        )
    }

    pub(crate) fn io(path: impl Into<PathBuf>) -> impl FnOnce(std::io::Error) -> SweepError {
        let path = path.into();
        move |error| SweepError::Io { path, error }
    }
}

/// Hex SHA-256 of bytes.
pub(crate) fn sha256_hex(bytes: &[u8]) -> String {
    use sha2::{Digest, Sha256};
    Sha256::digest(bytes)
        .iter()
        .map(|byte| format!("{byte:02x}"))
        .collect()
}
