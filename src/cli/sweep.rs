//! `sellout sweep`: run an experiment's grid × replications in parallel, durably,
//! and write runs.csv, summary.csv, paired.csv and sweep.json.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use clap::Args;

use super::budget::point_label;
use super::output::{progress_bar, write_output};
use crate::statistics::estimate;
use crate::sweep::execute::tasks;
use crate::sweep::outputs::{shard_files, sweep_files};
use crate::sweep::{
    Journal, Layout, RunRecord, RunTask, Shard, Sweep, SweepLock, experiment, run_tasks,
};

#[derive(Args, Debug)]
pub struct SweepArgs {
    /// The experiment file (TOML), e.g. experiments/waiting-room-outflow/sweep.toml.
    experiment: PathBuf,
    /// Output directory [default: out/<experiment name>]. Rerunning into the same
    /// directory resumes: finished runs are read from its runs.partial.csv.
    #[arg(long)]
    out: Option<PathBuf>,
    /// Worker threads [default: all cores]. Outputs do not depend on it.
    #[arg(long, value_parser = clap::value_parser!(u64).range(1..=1024))]
    threads: Option<u64>,
    /// Run only slice K of N (0 ≤ K < N; runs whose index in run order is K mod N),
    /// e.g. --shard $SLURM_ARRAY_TASK_ID/$SLURM_ARRAY_TASK_COUNT; combine with `sellout merge`.
    #[arg(long, value_name = "K/N")]
    shard: Option<Shard>,
    /// Refuse to start when the largest point's estimated peak memory, times
    /// the threads, exceeds this (512M, 4G, ...) [default: the memory available].
    #[arg(long, value_parser = super::budget::parse_size)]
    max_memory: Option<u64>,
    // --json prints sweep.json (a shard: its manifest JSON) on stdout.
    #[command(flatten)]
    output: super::mode::OutputFlags,
}

/// The thread pool of --threads, or the global one.
pub fn pool(threads: Option<u64>) -> Result<rayon::ThreadPool> {
    let mut builder = rayon::ThreadPoolBuilder::new();
    if let Some(threads) = threads {
        builder = builder.num_threads(threads as usize);
    }
    Ok(builder.build()?)
}

pub fn sweep(args: SweepArgs) -> Result<()> {
    args.output.apply();
    let sweep = Sweep::new(experiment::load(&args.experiment)?)?;
    super::run::warn_inexact_seed("the experiment's seed", sweep.experiment.seed);
    let out_dir = args
        .out
        .clone()
        .unwrap_or_else(|| Path::new("out").join(&sweep.experiment.name));
    let shard = args.shard.unwrap_or(Shard::ALL);
    let fingerprint = sweep.manifest(None, 0).fingerprint;
    // Held until the sweep's files are written: a second sweep into the same
    // directory is refused instead of redoing the runs into the same journal.
    let _lock = SweepLock::acquire(&out_dir)?;
    let (journal, finished) = Journal::open(&out_dir, &sweep.layout, &fingerprint)?;
    let planned = tasks(&sweep.layout, shard);
    let mut done: BTreeMap<RunTask, RunRecord> = finished
        .into_iter()
        .map(|record| (task_of(&record), record))
        .collect();
    done.retain(|task, _| planned.binary_search(task).is_ok());
    let todo: Vec<RunTask> = planned
        .iter()
        .filter(|task| !done.contains_key(task))
        .copied()
        .collect();
    let pool = pool(args.threads)?;
    super::budget::preflight_sweep(
        &args.experiment.display().to_string(),
        sweep
            .points
            .iter()
            .map(|point| (point_label(&point.info), &point.spec)),
        pool.current_num_threads(),
        args.max_memory,
    )?;
    announce(
        &sweep,
        args.shard,
        planned.len(),
        done.len(),
        pool.current_num_threads(),
    );
    let progress = progress_bar(todo.len() as u64);
    let fresh =
        pool.install(|| run_tasks(&sweep, &todo, &progress, |record| journal.append(record)))?;
    progress.finish_and_clear();
    done.extend(fresh.into_iter().map(|record| (task_of(&record), record)));
    let records: Vec<RunRecord> = done.into_values().collect();
    let manifest = sweep.manifest(args.shard, records.len() as u64);
    let files = match args.shard {
        Some(_) => shard_files(&manifest, &records),
        None => sweep_files(&manifest, &records),
    };
    for (name, bytes) in &files {
        write_output(&out_dir, name, bytes)?;
    }
    if let Some((_, manifest)) = files.iter().find(|(name, _)| name.ends_with(".json")) {
        super::mode::print_json(manifest);
    }
    if args.shard.is_none() {
        say_raw!("{}", point_table(&manifest.layout, &records));
    }
    let names: Vec<&str> = files.iter().map(|(name, _)| *name).collect();
    say!("wrote {} in {}", names.join(", "), out_dir.display());
    if args.shard.is_none() {
        plots(&out_dir)?;
    }
    if let Some(shard) = args.shard {
        say!("shard {shard} done; combine all shards with `sellout merge DIR... --out DIR`");
    }
    Ok(())
}

/// The sweep charts, drawn from the CSVs just written.
pub fn plots(out_dir: &Path) -> Result<()> {
    let written = crate::report::sweep_plots(out_dir).with_context(|| {
        format!(
            "the sweep's CSVs are in {}, but drawing its plots failed",
            out_dir.display()
        )
    })?;
    say!(
        "drew {} plot file(s) (sweep_*.png, sweep_*.svg)",
        written.len()
    );
    Ok(())
}

fn task_of(record: &RunRecord) -> RunTask {
    RunTask {
        point: record.point,
        replication: record.replication,
    }
}

fn announce(sweep: &Sweep, shard: Option<Shard>, planned: usize, done: usize, threads: usize) {
    let layout = &sweep.layout;
    let slice = shard.map_or_else(String::new, |shard| {
        format!(", shard {shard}: {planned} runs")
    });
    say!(
        "{} — seed {}, {} point(s) × {} replication(s) = {} runs{slice}",
        sweep.experiment.name,
        layout.seed,
        layout.points.len(),
        layout.replications,
        layout.total_runs()
    );
    if done > 0 {
        say!("resuming: {done} of {planned} runs already done (from the journal)");
    }
    say!("running {} on {threads} thread(s)", planned - done);
}

/// One line per point: its parameters, the mean ± 95% half-width of each metric
/// and the SLO-met fraction.
pub fn point_table(layout: &Layout, records: &[RunRecord]) -> String {
    let mut header: Vec<String> = vec!["point".into(), "variant".into()];
    header.extend(layout.parameters.iter().cloned());
    header.extend(layout.metrics.iter().cloned());
    header.push("slo_met".into());
    let mut rows = vec![header];
    let points = crate::sweep::aggregate::by_point(layout, records);
    for (info, runs) in layout.points.iter().zip(&points) {
        let mut row = vec![info.point.to_string(), info.variant.clone()];
        row.extend(info.parameters.iter().cloned());
        for column in 0..layout.metrics.len() {
            let samples: Vec<f64> = runs
                .iter()
                .map(|run| run.metrics[column])
                .filter(|value| !value.is_nan())
                .collect();
            row.push(match samples.len() {
                0 => "-".to_owned(),
                1 => format!("{:.4}", samples[0]),
                _ => interval_text(&layout.metrics[column], &samples),
            });
        }
        let fraction = crate::sweep::aggregate::slo_met_fraction(runs);
        row.push(if fraction.is_nan() {
            "-".into()
        } else {
            format!("{:.0}%", fraction * 100.0)
        });
        rows.push(row);
    }
    let mut table = align(&rows);
    if rows.iter().flatten().any(|cell| cell.ends_with("]*")) {
        table.push_str(
            "* the 95% interval reaches past what the metric can be and is clipped there (0; 1 for rates, shares and utilizations)\n",
        );
    }
    table
}

/// `mean ±h`, or `mean [low, high]*` when the interval reaches past what the
/// metric can be (a negative count, a share over 1) and is clipped there. A
/// bound only applies if every sample respects it, so a metric that can be
/// negative is never clipped by its name's guess.
fn interval_text(metric: &str, samples: &[f64]) -> String {
    let estimate = estimate(samples);
    let (mean, half) = (estimate.mean, estimate.half_width());
    let (floor, ceiling) = crate::report::hard_bounds(metric);
    let floor = if samples.iter().all(|&x| x >= floor) {
        floor
    } else {
        f64::NEG_INFINITY
    };
    let ceiling = if samples.iter().all(|&x| x <= ceiling) {
        ceiling
    } else {
        f64::INFINITY
    };
    if mean - half < floor || mean + half > ceiling {
        format!(
            "{mean:.4} [{:.4}, {:.4}]*",
            (mean - half).max(floor),
            (mean + half).min(ceiling)
        )
    } else {
        format!("{mean:.4} ±{half:.4}")
    }
}

fn align(rows: &[Vec<String>]) -> String {
    let columns = rows.iter().map(Vec::len).max().unwrap_or(0);
    let widths: Vec<usize> = (0..columns)
        .map(|column| {
            rows.iter()
                .map(|row| row[column].chars().count())
                .max()
                .unwrap_or(0)
        })
        .collect();
    let mut text = String::new();
    for row in rows {
        let cells: Vec<String> = row
            .iter()
            .zip(&widths)
            .map(|(cell, width)| format!("{cell:>width$}"))
            .collect();
        text.push_str(cells.join("  ").trim_end());
        text.push('\n');
    }
    text
}
