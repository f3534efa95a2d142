//! The final files of a sweep, as bytes: one function, so that a fresh sweep,
//! a resumed sweep and a merge of shards produce the same bytes from the same runs.

use super::aggregate::summary_csv;
use super::layout::Manifest;
use super::paired::paired_csv;
use super::record::{RunRecord, runs_csv};

/// `(file name, bytes)` of a whole sweep: runs.csv, summary.csv, paired.csv, sweep.json.
/// `records` must be sorted in run order.
pub fn sweep_files(manifest: &Manifest, records: &[RunRecord]) -> Vec<(&'static str, Vec<u8>)> {
    let layout = &manifest.layout;
    vec![
        ("runs.csv", runs_csv(layout, records)),
        ("summary.csv", summary_csv(layout, records)),
        ("paired.csv", paired_csv(layout, records)),
        ("sweep.json", manifest.to_json()),
    ]
}

/// `(file name, bytes)` of one shard: its runs.csv and sweep.json; `sellout merge`
/// computes the rest once every shard is in.
pub fn shard_files(manifest: &Manifest, records: &[RunRecord]) -> Vec<(&'static str, Vec<u8>)> {
    vec![
        ("runs.csv", runs_csv(&manifest.layout, records)),
        ("sweep.json", manifest.to_json()),
    ]
}
