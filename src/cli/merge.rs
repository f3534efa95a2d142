//! `sellout merge`: combine the outputs of `sellout sweep --shard K/N` into the
//! files one single-machine sweep writes, byte for byte.

use std::path::PathBuf;

use anyhow::Result;
use clap::Args;

use super::output::write_output;
use super::sweep::{plots, point_table};
use crate::sweep::merge_shards;
use crate::sweep::outputs::sweep_files;

#[derive(Args, Debug)]
pub struct MergeArgs {
    /// Shard output directories, one per shard K/N (any order).
    #[arg(required = true)]
    dirs: Vec<PathBuf>,
    /// Where to write runs.csv, summary.csv, paired.csv and sweep.json.
    #[arg(long)]
    out: PathBuf,
}

pub fn merge(args: MergeArgs) -> Result<()> {
    let (manifest, records) = merge_shards(&args.dirs)?;
    for (name, bytes) in sweep_files(&manifest, &records) {
        write_output(&args.out, name, &bytes)?;
    }
    say_raw!("{}", point_table(&manifest.layout, &records));
    say!(
        "merged {} shard(s), {} runs, into {}",
        args.dirs.len(),
        records.len(),
        args.out.display()
    );
    plots(&args.out)
}
