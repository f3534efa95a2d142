//! What every command shares: the progress bar, the one place that writes
//! files, CSV encoding, and turning failed replications into errors with seeds.

use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use indicatif::{ProgressBar, ProgressStyle};

use crate::report::Provenance;

/// CSV with a header from the row type's field names.
pub fn csv_bytes<T: serde::Serialize>(rows: &[T]) -> Result<Vec<u8>> {
    let mut writer = csv::Writer::from_writer(Vec::new());
    for row in rows {
        writer.serialize(row)?;
    }
    writer
        .into_inner()
        .map_err(|error| anyhow::anyhow!("{error}"))
}

/// Input the user must fix (a wrong directory, a wrong flag): exit code 2.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct BadInput(pub String);

/// Runs every replication of `provenance` with a progress bar, in replication
/// order; the first failure fails the command with the seed that replays it.
pub fn replicate_runs<T, E, F>(provenance: &Provenance, run: F) -> Result<Vec<T>>
where
    T: Send,
    E: std::error::Error + Send + Sync + 'static,
    F: Fn(crate::engine::Streams) -> std::result::Result<T, E> + Sync,
{
    let results = super::progress::with_run_progress(provenance.replications, |tracker| {
        crate::replication::replicate_tracked(
            provenance.seed,
            provenance.replications,
            tracker,
            run,
        )
    });
    collect_runs(results, provenance)
}

/// The first failed replication fails the command, naming the seed that replays it.
pub fn collect_runs<T, E: std::error::Error + Send + Sync + 'static>(
    results: Vec<Result<T, E>>,
    provenance: &Provenance,
) -> Result<Vec<T>> {
    results
        .into_iter()
        .enumerate()
        .map(|(replication, result)| {
            result.with_context(|| {
                format!(
                    "replication {replication} of model {:?} failed (seed {}); replay: {}",
                    provenance.model,
                    provenance.seed,
                    provenance.replay_command()
                )
            })
        })
        .collect()
}

/// A bar on a terminal, nothing otherwise (indicatif hides itself off a TTY)
/// or under --quiet and --json.
pub fn progress_bar(total: u64) -> ProgressBar {
    if !super::mode::human() {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::new(total);
    if let Ok(style) =
        ProgressStyle::with_template("{bar:30} {pos}/{len} runs  {per_sec}  ETA {eta}")
    {
        bar.set_style(style);
    }
    bar
}

/// The one place that writes result files: atomically, via a temporary file.
/// Checks before any simulation that `dir` exists or can be made, and takes
/// files: a bad `--out` is bad input (exit 2), found in a moment, not after the run.
pub fn prepare_output_dir(dir: &Path) -> Result<()> {
    let unusable = |error: std::io::Error| {
        anyhow::Error::new(BadInput(format!(
            "--out {}: cannot write there ({error}); give a directory that exists or can be created",
            dir.display()
        )))
    };
    std::fs::create_dir_all(dir).map_err(unusable)?;
    let probe = dir.join(".sellout-write-probe");
    std::fs::write(&probe, b"").map_err(unusable)?;
    std::fs::remove_file(&probe).map_err(unusable)?;
    Ok(())
}

pub fn write_output(dir: &Path, name: &str, bytes: &[u8]) -> Result<PathBuf> {
    std::fs::create_dir_all(dir)
        .with_context(|| format!("cannot create output directory {}", dir.display()))?;
    let path = dir.join(name);
    let temporary = dir.join(format!(".{name}.tmp"));
    std::fs::write(&temporary, bytes)
        .with_context(|| format!("cannot write {}", temporary.display()))?;
    std::fs::rename(&temporary, &path)
        .with_context(|| format!("cannot write {}", path.display()))?;
    Ok(path)
}
