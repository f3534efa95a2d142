//! `sellout run`: simulate a model file, write its outputs, print its table.

use std::path::{Path, PathBuf};

use anyhow::Result;
use clap::Args;

use super::output::{BadInput, csv_bytes, prepare_output_dir, replicate_runs, write_output};
use crate::model::{
    self, ContentionSpec, Invalid, ModelError, ModelSpec, NetworkSpec, OnsaleModel, ServiceSpec,
};
use crate::report::{
    Provenance, contention_summary, contention_table, network_summary, onsale_summary,
    onsale_table, service_summary, service_table, station_table,
};
use crate::{contention, network, onsale, service};

#[derive(Args, Debug)]
pub struct RunArgs {
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
    /// On-sale models: multiply demand and capacity together (fans, inventory, pools, outflow) by this factor, in (0, 10], so the load stays the full run's.
    #[arg(long, default_value_t = 1.0)]
    scale: f64,
    /// Override a model value before running, as a sweep's `set` does:
    /// `--set app.servers=60 --set waiting_room.mode=fifo` (repeatable; the
    /// value is TOML, or a plain string). Recorded in summary.json's provenance.
    #[arg(long = "set", value_name = "PATH=VALUE", value_parser = crate::model::overrides::parse_assignment)]
    set: Vec<(String, toml::Value)>,
    /// On-sale models: also write journeys.csv, one row per fan or bot (replication 0).
    #[arg(long)]
    journeys: bool,
    /// Refuse to start when the estimated peak memory exceeds this (512M, 4G, ...)
    /// [default: the memory available to this process].
    #[arg(long, value_parser = super::budget::parse_size)]
    max_memory: Option<u64>,
    #[command(flatten)]
    output: super::mode::OutputFlags,
}

pub fn run_model(args: RunArgs) -> Result<()> {
    args.output.apply();
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
    let loaded = model::load_with_overrides(&args.model, &args.set)?;
    check_flags_apply(&args, &loaded.spec)?;
    let provenance = Provenance::new(&loaded, args.seed, args.replications);
    warn_inexact_seed("--seed", args.seed);
    let out_dir = args
        .out
        .clone()
        .unwrap_or_else(|| Path::new("out").join(loaded.spec.name()));
    check_scale_keeps_a_fan(&loaded.spec, args.scale)?;
    let running = super::budget::as_run(&loaded.spec, args.scale)?;
    super::budget::preflight(
        &args.model.display().to_string(),
        &running,
        args.journeys,
        args.replications,
        args.max_memory,
    )?;
    prepare_output_dir(&out_dir)?;
    say!(
        "{} — seed {}, {} replication(s)",
        provenance.model,
        args.seed,
        args.replications
    );
    match &running {
        ModelSpec::Network(spec) => run_network(spec, &provenance, &out_dir),
        ModelSpec::Onsale(model) => run_onsale(model, &args, &provenance, &out_dir),
        ModelSpec::Service(spec) => run_service(spec, &provenance, &out_dir),
        ModelSpec::Contention(spec) => run_contention(spec, &provenance, &out_dir),
    }
}

fn run_network(spec: &NetworkSpec, provenance: &Provenance, out_dir: &Path) -> Result<()> {
    let reports = replicate_runs(provenance, |streams| {
        if streams.replication() == 0 {
            network::run_recorded(spec, &streams)
        } else {
            network::run(spec, &streams)
        }
    })?;
    let summary = network_summary(provenance, &reports);
    write_summary_and_timeseries(out_dir, &summary, &reports[0].timeseries.to_csv()?)?;
    write_output(out_dir, "incidents.csv", &incidents_csv(&[])?)?;
    say_raw!("{}", station_table(&summary["stations"]));
    if provenance.replications > 1 {
        say!("(± is the half-width of the 95% confidence interval across replications)");
    }
    say!(
        "wrote {}/summary.json, timeseries.csv and incidents.csv (replication 0)",
        out_dir.display()
    );
    super::report::report_run(out_dir)
}

fn run_onsale(
    model: &OnsaleModel,
    args: &RunArgs,
    provenance: &Provenance,
    out_dir: &Path,
) -> Result<()> {
    let reports = replicate_runs(provenance, |streams| {
        onsale::run(model, &streams, args.journeys && streams.replication() == 0)
    })?;
    let summary = onsale_summary(provenance, &reports, args.scale);
    write_summary_and_timeseries(out_dir, &summary, &reports[0].timeseries.to_csv()?)?;
    write_output(
        out_dir,
        "incidents.csv",
        &incidents_csv(&reports[0].incidents)?,
    )?;
    if args.journeys {
        write_output(out_dir, "journeys.csv", &csv_bytes(&reports[0].journeys)?)?;
    }
    say_raw!("{}", onsale_table(&summary["metrics"]));
    if provenance.replications > 1 {
        say!("(± is the half-width of the 95% confidence interval across replications)");
    }
    say!(
        "wrote {}/summary.json and timeseries.csv (replication 0)",
        out_dir.display()
    );
    super::report::report_run(out_dir)?;
    Ok(())
}

fn run_service(spec: &ServiceSpec, provenance: &Provenance, out_dir: &Path) -> Result<()> {
    let reports = replicate_runs(provenance, |streams| service::run(spec, &streams))?;
    let summary = service_summary(provenance, &reports);
    write_summary_and_timeseries(out_dir, &summary, &csv_bytes(&reports[0].timeseries)?)?;
    write_output(
        out_dir,
        "incidents.csv",
        &incidents_csv(&reports[0].incidents)?,
    )?;
    say_raw!("{}", service_table(&summary));
    say!(
        "wrote {}/summary.json, timeseries.csv and incidents.csv (replication 0)",
        out_dir.display()
    );
    super::report::report_run(out_dir)
}

fn run_contention(spec: &ContentionSpec, provenance: &Provenance, out_dir: &Path) -> Result<()> {
    let reports = replicate_runs(provenance, |streams| contention::run(spec, &streams))?;
    let summary = contention_summary(provenance, &reports);
    let timeseries = if reports[0].timeseries.is_empty() {
        b"t_s,reads,writes,failed_writes,succeeded,gave_up,clients_waiting\n".to_vec()
    } else {
        csv_bytes(&reports[0].timeseries)?
    };
    write_summary_and_timeseries(out_dir, &summary, &timeseries)?;
    write_output(out_dir, "incidents.csv", &incidents_csv(&[])?)?;
    say_raw!("{}", contention_table(&summary));
    if provenance.replications > 1 {
        say!("(± is the half-width of the 95% confidence interval across replications)");
    }
    say!(
        "wrote {}/summary.json, timeseries.csv and incidents.csv (replication 0)",
        out_dir.display()
    );
    super::report::report_run(out_dir)
}

/// Flags for one kind given to another: `--journeys` has nothing to write
/// (exit 2); `--scale` is ignored with a warning, so that one command line can
/// run every shipped model.
fn check_flags_apply(args: &RunArgs, spec: &ModelSpec) -> Result<()> {
    let kind = match spec {
        ModelSpec::Onsale(_) => return Ok(()),
        ModelSpec::Network(_) => "network",
        ModelSpec::Service(_) => "service",
        ModelSpec::Contention(_) => "contention",
    };
    if args.journeys {
        return Err(BadInput(format!(
            "--journeys applies to on-sale models only (a journey is a fan's or bot's path through a sale); {} is a {kind} model, which has no journeys to write",
            args.model.display()
        ))
        .into());
    }
    if args.scale != 1.0 {
        warn!(
            "--scale applies to on-sale models only (it multiplies an on-sale's demand and capacity); {} is a {kind} model, so --scale {} is ignored",
            args.model.display(),
            args.scale
        );
    }
    Ok(())
}

/// incidents.csv, with its header even when nothing happened.
fn incidents_csv(incidents: &[onsale::Incident]) -> Result<Vec<u8>> {
    if incidents.is_empty() {
        return Ok(b"t_s,kind,component,detail\n".to_vec());
    }
    csv_bytes(incidents)
}

/// summary.json and replication 0's timeseries.csv, written by every kind that has a time series.
fn write_summary_and_timeseries(
    out_dir: &Path,
    summary: &serde_json::Value,
    timeseries: &[u8],
) -> Result<()> {
    let summary = serde_json::to_vec_pretty(summary)?;
    write_output(out_dir, "summary.json", &summary)?;
    super::mode::print_json(&summary);
    write_output(out_dir, "timeseries.csv", timeseries)?;
    Ok(())
}

/// Warns that a seed above 2^53 will not survive tools that read numbers as
/// doubles (R, Excel, JavaScript): the seed in the outputs would not replay.
pub(super) fn warn_inexact_seed(what: &str, seed: u64) {
    if seed > crate::engine::MAX_EXACT_SEED {
        warn!(
            "{what} {seed} is above 2^53 (9007199254740992): R, Excel and JavaScript read it as a nearby number, so a seed read back from the outputs with them will not replay this run; seeds up to 2^53 − 1 are read exactly"
        );
    }
}

/// An on-sale scaled by `scale` must keep at least one fan.
pub(super) fn check_scale_keeps_a_fan(spec: &ModelSpec, scale: f64) -> Result<()> {
    if let ModelSpec::Onsale(model) = spec {
        let fans = model.spec.demand.population as f64 * scale;
        if fans < 1.0 {
            return Err(BadInput(format!(
                "--scale {scale} leaves {fans:.3} of the model's {} fans; allowed: a factor in (0, 10] that keeps at least 1 (≥ {:.3e})",
                model.spec.demand.population,
                1.0 / model.spec.demand.population as f64
            ))
            .into());
        }
    }
    Ok(())
}
