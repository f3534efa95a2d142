//! Shards: `--shard K/N` runs the runs whose index in run order is K modulo N.
//! Round-robin rather than contiguous blocks, so that every shard gets a share
//! of every point and expensive points do not all land on one machine.

use std::fmt;
use std::str::FromStr;

use super::layout::Manifest;
use super::record::RunRecord;

/// Slice `index` of `count` (0 ≤ index < count).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Shard {
    /// K, from 0 (Slurm array task ids and Kubernetes completion indexes start at 0).
    pub index: u64,
    /// N, the number of shards.
    pub count: u64,
}

impl Shard {
    /// The whole sweep.
    pub const ALL: Shard = Shard { index: 0, count: 1 };

    /// True when the run with this index in run order belongs to the shard.
    pub fn contains(&self, run_index: u64) -> bool {
        run_index % self.count == self.index
    }
}

impl fmt::Display for Shard {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(formatter, "{}/{}", self.index, self.count)
    }
}

impl FromStr for Shard {
    type Err = String;

    fn from_str(text: &str) -> Result<Shard, String> {
        let expected =
            || format!("expected K/N with 0 ≤ K < N, e.g. 0/4 (K counts from 0), found {text:?}");
        let (index, count) = text.split_once('/').ok_or_else(expected)?;
        let index: u64 = index.trim().parse().map_err(|_| expected())?;
        let count: u64 = count.trim().parse().map_err(|_| expected())?;
        if count == 0 || index >= count {
            return Err(expected());
        }
        Ok(Shard { index, count })
    }
}

/// Reads shard directories (each with sweep.json and runs.csv) and combines
/// them into the manifest and records of the whole sweep. Every shard of one
/// split must be there exactly once, all from the same sweep.
pub fn merge_shards(
    dirs: &[std::path::PathBuf],
) -> Result<(Manifest, Vec<RunRecord>), super::SweepError> {
    use super::SweepError;
    let first = dirs.first().ok_or_else(|| SweepError::Mismatch {
        path: ".".into(),
        message: "no shard directories given".to_owned(),
    })?;
    let reference = Manifest::read(first)?;
    let count = shard_of(first, &reference)?.count;
    let mut seen = vec![false; count as usize];
    let mut records = Vec::new();
    for dir in dirs {
        let manifest = Manifest::read(dir)?;
        let mismatch = |message: String| SweepError::Mismatch {
            path: dir.join("sweep.json"),
            message,
        };
        if manifest.fingerprint != reference.fingerprint
            || manifest.layout.replications != reference.layout.replications
        {
            return Err(mismatch(format!(
                "belongs to another sweep than {} (fingerprint or replications differ)",
                first.display()
            )));
        }
        let shard = shard_of(dir, &manifest)?;
        if shard.count != count || std::mem::replace(&mut seen[shard.index as usize], true) {
            return Err(mismatch(format!(
                "shard {shard} does not fit: expected each of 0/{count} .. {}/{count} once",
                count - 1
            )));
        }
        records.extend(shard_records(dir, &manifest, shard)?);
    }
    if let Some(missing) = seen.iter().position(|&seen| !seen) {
        return Err(SweepError::Mismatch {
            path: first.clone(),
            message: format!("shard {missing}/{count} is missing"),
        });
    }
    records.sort_by_key(|record| (record.point, record.replication));
    let mut merged = reference;
    merged.shard = None;
    merged.runs = records.len() as u64;
    Ok((merged, records))
}

fn shard_of(dir: &std::path::Path, manifest: &Manifest) -> Result<Shard, super::SweepError> {
    manifest
        .shard
        .as_deref()
        .map_or(Ok(Shard::ALL), str::parse)
        .map_err(|message| super::SweepError::Mismatch {
            path: dir.join("sweep.json"),
            message: format!("field `shard`: {message}"),
        })
}

/// The runs of one shard directory, checked to be exactly the shard's runs.
fn shard_records(
    dir: &std::path::Path,
    manifest: &Manifest,
    shard: Shard,
) -> Result<Vec<RunRecord>, super::SweepError> {
    let path = dir.join("runs.csv");
    let bytes = std::fs::read(&path).map_err(super::SweepError::io(&path))?;
    let mismatch = |message: String| super::SweepError::Mismatch {
        path: path.clone(),
        message,
    };
    let records = super::record::read_runs_csv(&manifest.layout, &bytes).map_err(mismatch)?;
    let expected = super::execute::tasks(&manifest.layout, shard);
    let found: Vec<super::RunTask> = records
        .iter()
        .map(|record| super::RunTask {
            point: record.point,
            replication: record.replication,
        })
        .collect();
    if found != expected {
        return Err(mismatch(format!(
            "holds {} runs, shard {shard} has {}: is the shard finished?",
            found.len(),
            expected.len()
        )));
    }
    Ok(records)
}
