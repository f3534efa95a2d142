//! Running the tasks of a sweep on the rayon pool.
//!
//! Replication r of every point runs with the same seed (common random numbers),
//! so differences between points are paired. Results come back in task order
//! whatever the thread count; each finished run is handed to `on_finish` (the
//! journal) as soon as it finishes.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicBool, Ordering};

use indicatif::{ParallelProgressIterator, ProgressBar};
use rayon::prelude::*;

use super::SweepError;
use super::grid::Sweep;
use super::layout::{Layout, run_seed};
use super::record::RunRecord;
use super::shard::Shard;
use crate::engine::Streams;
use crate::runner::run_metrics;

/// One run to do.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct RunTask {
    /// Point index.
    pub point: usize,
    /// Replication index.
    pub replication: u64,
}

/// The runs of a shard, in run order (point-major).
pub fn tasks(layout: &Layout, shard: Shard) -> Vec<RunTask> {
    (0..layout.points.len())
        .flat_map(|point| {
            (0..layout.replications).map(move |replication| RunTask { point, replication })
        })
        .filter(|task| shard.contains(task.point as u64 * layout.replications + task.replication))
        .collect()
}

/// Runs `tasks` in parallel; returns their records in task order, or the first
/// failure in task order. After a failure, tasks not yet started are skipped.
pub fn run_tasks<F>(
    sweep: &Sweep,
    tasks: &[RunTask],
    progress: &ProgressBar,
    on_finish: F,
) -> Result<Vec<RunRecord>, SweepError>
where
    F: Fn(&RunRecord) -> Result<(), SweepError> + Sync,
{
    let failed = AtomicBool::new(false);
    let results: Vec<Option<Result<RunRecord, SweepError>>> = tasks
        .par_iter()
        .progress_with(progress.clone())
        .map(|task| {
            if failed.load(Ordering::Relaxed) {
                return None;
            }
            let result = run_one(sweep, *task).and_then(|record| {
                on_finish(&record)?;
                Ok(record)
            });
            if result.is_err() {
                failed.store(true, Ordering::Relaxed);
            }
            Some(result)
        })
        .collect();
    let mut records = Vec::with_capacity(results.len());
    for result in results {
        match result {
            Some(Ok(record)) => records.push(record),
            Some(Err(error)) => return Err(error),
            None => {}
        }
    }
    Ok(records)
}

/// One run of one point.
pub fn run_one(sweep: &Sweep, task: RunTask) -> Result<RunRecord, SweepError> {
    let point = &sweep.points[task.point];
    let seed = run_seed(sweep.experiment.seed, task.replication);
    let metrics =
        run_metrics(&point.spec, &Streams::new(seed, 0)).map_err(|source| SweepError::Run {
            point: task.point,
            variant: point.info.variant.clone(),
            overrides: point.info.overrides_text(),
            replication: task.replication,
            seed,
            model: sweep.experiment.model_path.clone(),
            error: Box::new(source),
        })?;
    check_metric_names(sweep, &metrics)?;
    Ok(RunRecord {
        point: task.point,
        replication: task.replication,
        seed,
        metrics: sweep
            .experiment
            .metrics
            .iter()
            .map(|name| metrics[name])
            .collect(),
        slo_met: sweep.experiment.slo.met(&metrics),
    })
}

/// Every metric the experiment names must be one the model produces.
fn check_metric_names(sweep: &Sweep, metrics: &BTreeMap<String, f64>) -> Result<(), SweepError> {
    let named = sweep
        .experiment
        .metrics
        .iter()
        .enumerate()
        .map(|(index, name)| (format!("metrics[{index}]"), name))
        .chain(
            sweep
                .experiment
                .slo
                .clauses
                .iter()
                .enumerate()
                .map(|(index, clause)| (format!("slo[{index}]"), &clause.metric)),
        );
    for (field, name) in named {
        if !metrics.contains_key(name) {
            return Err(SweepError::UnknownMetric {
                experiment: sweep.experiment.path.clone(),
                field,
                metric: name.clone(),
                available: metrics.keys().cloned().collect::<Vec<_>>().join(", "),
            });
        }
    }
    Ok(())
}
