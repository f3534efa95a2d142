//! Replications: many independent runs of one model, in parallel, collected in
//! replication order so that results never depend on the thread count.

use indicatif::{ParallelProgressIterator, ProgressBar};
use rayon::prelude::*;

use std::sync::Arc;

use crate::engine::Streams;
use crate::engine::progress::{Tracker, track};

/// Runs `run` for replications `0..count` of `seed` on the rayon pool and
/// returns the results in replication order. `progress` ticks once per finished run.
pub fn replicate<T, F>(seed: u64, count: u64, progress: &ProgressBar, run: F) -> Vec<T>
where
    T: Send,
    F: Fn(Streams) -> T + Sync,
{
    (0..count)
        .into_par_iter()
        .progress_with(progress.clone())
        .map(|replication| run(Streams::new(seed, replication)))
        .collect()
}

/// Like [`replicate`], reporting each run's clock to `tracker` as it goes
/// (see [`crate::engine::progress`]), for a bar that moves within long runs.
pub fn replicate_tracked<T, F>(seed: u64, count: u64, tracker: &Arc<Tracker>, run: F) -> Vec<T>
where
    T: Send,
    F: Fn(Streams) -> T + Sync,
{
    (0..count)
        .into_par_iter()
        .map(|replication| track(tracker, || run(Streams::new(seed, replication))))
        .collect()
}
