//! Where a result came from: enough to replay it exactly.

use serde::Serialize;

/// Recorded in every output file.
#[derive(Clone, Debug, Serialize)]
pub struct Provenance {
    /// The model's `name`.
    pub model: String,
    /// The model file as given on the command line.
    pub model_path: String,
    /// Hex SHA-256 of the model file's bytes.
    pub model_sha256: String,
    /// `--set` overrides applied to the model file, as `path=value`.
    pub overrides: Vec<String>,
    /// The seed; replication r uses streams derived from (seed, r).
    pub seed: u64,
    /// Number of replications.
    pub replications: u64,
    /// `sellout` version that produced the file.
    pub sellout_version: String,
    /// Version tag of the random-stream derivation.
    pub streams: String,
}

impl Provenance {
    /// Provenance for a run of `model` with `seed`.
    pub fn new(model: &crate::model::LoadedModel, seed: u64, replications: u64) -> Provenance {
        Provenance {
            model: model.spec.name().to_owned(),
            model_path: model.path.display().to_string(),
            model_sha256: model.sha256.clone(),
            overrides: model.overrides.clone(),
            seed,
            replications,
            sellout_version: env!("CARGO_PKG_VERSION").to_owned(),
            streams: "sha256-chacha8-v1".to_owned(),
        }
    }

    /// The command that replays this result.
    pub fn replay_command(&self) -> String {
        let sets: String = self
            .overrides
            .iter()
            .map(|assignment| format!(" --set '{assignment}'"))
            .collect();
        format!(
            "sellout run {}{sets} --seed {} --replications {}",
            self.model_path, self.seed, self.replications
        )
    }
}
