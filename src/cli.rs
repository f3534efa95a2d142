//! The command line: `sellout run`, `sellout bench`. Raw flags are parsed by
//! clap here; validation of model files lives in `model`.

use std::path::{Path, PathBuf};
use std::time::Instant;

use anyhow::{Context, Result, bail};
use clap::{Args, Parser, Subcommand};
use indicatif::{ProgressBar, ProgressStyle};

use crate::engine::{Span, Streams};
use crate::model::{
    self, DistributionSpec, Duration, Invalid, ModelError, ModelSpec, NetworkSpec, OnsaleModel,
    SourceSpec, StationSpec,
};
use crate::replication::replicate;
use crate::report::{Provenance, network_summary, onsale_summary, onsale_table, station_table};
use crate::{network, onsale};

/// sellout: a deterministic discrete-event simulator of high-demand ticket on-sales.
///
/// Same model file + same seed = byte-identical outputs, on any machine, with any
/// number of threads. Model files are TOML; see README.md for every key.
#[derive(Parser, Debug)]
#[command(name = "sellout", version, about, long_about)]
pub struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Simulate a model file and write DIR/summary.json (with provenance), then print a table.
    ///
    /// With --replications R > 1, every metric comes with a 95% confidence interval
    /// across replications (Student t). Replication r draws from streams derived
    /// from (seed, r), so results do not depend on --threads.
    Run(RunArgs),
    /// Measure engine speed on M/M/1 at ρ = 0.9 (events/s and customers/s, one thread, statistics on).
    Bench(BenchArgs),
}

#[derive(Args, Debug)]
struct RunArgs {
    /// The model file (TOML), e.g. models/mmc.toml.
    model: PathBuf,
    /// Master seed; replication r uses streams derived from (seed, r).
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// Independent replications; > 1 adds 95% confidence intervals.
    #[arg(long, short = 'r', default_value_t = 1, value_parser = clap::value_parser!(u64).range(1..=1_000_000))]
    replications: u64,
    /// Output directory [default: out/<model name>].
    #[arg(long)]
    out: Option<PathBuf>,
    /// Worker threads for replications [default: all cores]. Results do not depend on it.
    #[arg(long, value_parser = clap::value_parser!(u64).range(1..=1024))]
    threads: Option<u64>,
    /// On-sale models: multiply fans and inventory (population, shows, outflow) by this factor, in (0, 10].
    #[arg(long, default_value_t = 1.0)]
    scale: f64,
    /// On-sale models: also write journeys.csv, one row per fan or bot (replication 0).
    #[arg(long)]
    journeys: bool,
}

#[derive(Args, Debug)]
struct BenchArgs {
    /// Customers to simulate.
    #[arg(long, default_value_t = 1_000_000)]
    customers: u64,
    /// Utilization ρ = λ/μ of the M/M/1 queue, in (0, 1).
    #[arg(long, default_value_t = 0.9)]
    rho: f64,
    /// Seed.
    #[arg(long, default_value_t = 1)]
    seed: u64,
}

/// Parses the command line and runs the chosen command.
pub fn run() -> Result<()> {
    let cli = Cli::parse();
    match cli.command {
        Command::Run(args) => run_model(args),
        Command::Bench(args) => bench(args),
    }
}

fn run_model(args: RunArgs) -> Result<()> {
    if let Some(threads) = args.threads {
        rayon::ThreadPoolBuilder::new()
            .num_threads(threads as usize)
            .build_global()?;
    }
    if !(args.scale > 0.0 && args.scale <= 10.0) {
        return Err(ModelError::Invalid {
            path: args.model.clone(),
            invalid: Invalid::new("--scale", args.scale, "a factor in (0, 10]"),
        }
        .into());
    }
    let loaded = model::load(&args.model)?;
    let provenance = Provenance::new(&loaded, args.seed, args.replications);
    let out_dir = args
        .out
        .clone()
        .unwrap_or_else(|| Path::new("out").join(loaded.spec.name()));
    println!(
        "{} — seed {}, {} replication(s)",
        provenance.model, args.seed, args.replications
    );
    match &loaded.spec {
        ModelSpec::Network(spec) => run_network(spec, &provenance, &out_dir),
        ModelSpec::Onsale(model) => run_onsale(model, &args, &provenance, &out_dir),
    }
}

fn run_network(spec: &NetworkSpec, provenance: &Provenance, out_dir: &Path) -> Result<()> {
    let progress = progress_bar(provenance.replications);
    let results = replicate(
        provenance.seed,
        provenance.replications,
        &progress,
        |streams| network::run(spec, &streams),
    );
    progress.finish_and_clear();
    let reports = collect_runs(results, provenance)?;
    let summary = network_summary(provenance, &reports);
    let path = write_output(
        out_dir,
        "summary.json",
        &serde_json::to_vec_pretty(&summary)?,
    )?;
    print!("{}", station_table(&summary["stations"]));
    if provenance.replications > 1 {
        println!("(± is the half-width of the 95% confidence interval across replications)");
    }
    println!("wrote {}", path.display());
    Ok(())
}

fn run_onsale(
    model: &OnsaleModel,
    args: &RunArgs,
    provenance: &Provenance,
    out_dir: &Path,
) -> Result<()> {
    let scaled = OnsaleModel {
        spec: model.spec.scaled(args.scale),
        venue: model.venue.clone(),
    };
    let progress = progress_bar(provenance.replications);
    let results = replicate(
        provenance.seed,
        provenance.replications,
        &progress,
        |streams| {
            onsale::run(
                &scaled,
                &streams,
                args.journeys && streams.replication() == 0,
            )
        },
    );
    progress.finish_and_clear();
    let reports = collect_runs(results, provenance)?;
    let summary = onsale_summary(provenance, &reports, args.scale);
    write_output(
        out_dir,
        "summary.json",
        &serde_json::to_vec_pretty(&summary)?,
    )?;
    write_output(
        out_dir,
        "timeseries.csv",
        &csv_bytes(&reports[0].timeseries)?,
    )?;
    if args.journeys {
        write_output(out_dir, "journeys.csv", &csv_bytes(&reports[0].journeys)?)?;
    }
    print!("{}", onsale_table(&summary["metrics"]));
    if provenance.replications > 1 {
        println!("(± is the half-width of the 95% confidence interval across replications)");
    }
    println!(
        "wrote {}/summary.json and timeseries.csv (replication 0)",
        out_dir.display()
    );
    Ok(())
}

/// CSV with a header from the row type's field names.
fn csv_bytes<T: serde::Serialize>(rows: &[T]) -> Result<Vec<u8>> {
    let mut writer = csv::Writer::from_writer(Vec::new());
    for row in rows {
        writer.serialize(row)?;
    }
    Ok(writer
        .into_inner()
        .map_err(|error| anyhow::anyhow!("{error}"))?)
}

/// The first failed replication fails the command, naming the seed that replays it.
fn collect_runs<T, E: std::error::Error + Send + Sync + 'static>(
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

/// A bar on a terminal, nothing otherwise (indicatif hides itself off a TTY).
fn progress_bar(total: u64) -> ProgressBar {
    let bar = ProgressBar::new(total);
    if let Ok(style) =
        ProgressStyle::with_template("{bar:30} {pos}/{len} runs  {per_sec}  ETA {eta}")
    {
        bar.set_style(style);
    }
    bar
}

/// The one place that writes result files: atomically, via a temporary file.
fn write_output(dir: &Path, name: &str, bytes: &[u8]) -> Result<PathBuf> {
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

/// M/M/1 with `customers` arrivals at rate ρ and unit service rate.
pub fn mm1_spec(customers: u64, rho: f64) -> NetworkSpec {
    NetworkSpec {
        kind: None,
        name: "bench-mm1".into(),
        description: None,
        horizon: Duration(Span(i64::MAX / 2)),
        warmup: Duration::default(),
        max_events: u64::MAX,
        sources: vec![SourceSpec {
            name: "arrivals".into(),
            rate_per_s: Some(rho),
            interarrival: None,
            to: "server".into(),
            limit: Some(customers),
        }],
        stations: vec![StationSpec {
            name: "server".into(),
            servers: 1,
            service: DistributionSpec::Exp {
                mean: Duration::from_secs_f64(1.0),
            },
            capacity: None,
            route: vec![],
        }],
    }
}

fn bench(args: BenchArgs) -> Result<()> {
    if !(args.rho > 0.0 && args.rho < 1.0) {
        bail!("--rho {} is out of range: expected 0 < rho < 1", args.rho);
    }
    let spec = mm1_spec(args.customers, args.rho);
    spec.validate()?;
    let started = Instant::now();
    let report = network::run(&spec, &Streams::new(args.seed, 0))?;
    let wall_s = started.elapsed().as_secs_f64();
    let (_, station) = &report.stations[0];
    println!(
        "model            : M/M/1  rho={} customers={} seed={}",
        args.rho, args.customers, args.seed
    );
    println!("events           : {}", report.events);
    println!("wall_s           : {wall_s:.4}");
    println!("events_per_sec   : {:.0}", report.events as f64 / wall_s);
    println!("customers_per_sec: {:.0}", args.customers as f64 / wall_s);
    println!(
        "wait_mean_s      : {:.4}  (theory {:.4})",
        station.wait_mean_s,
        args.rho / (1.0 - args.rho)
    );
    println!("utilization      : {:.4}", station.utilization);
    Ok(())
}
