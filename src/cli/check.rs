//! `sellout check FILE`: validate a model or experiment file without running
//! it, and print what running it would cost (events, memory, time).

use std::path::PathBuf;

use anyhow::Result;
use clap::Args;

use super::budget::{MemoryLimit, as_run, memory_limit};
use crate::estimate::{self, Estimate, bytes_label};
use crate::model::{self, ModelSpec};
use crate::sweep::{Sweep, experiment};

#[derive(Args, Debug)]
pub struct CheckArgs {
    /// A model file or an experiment file (one with a `model = "..."` key).
    file: PathBuf,
    /// Replications the estimate assumes (a model file's `run -r`).
    #[arg(long, short = 'r', default_value_t = 1, value_parser = clap::value_parser!(u64).range(1..=1_000_000))]
    replications: u64,
    /// On-sale models: the `--scale` the run would use, in (0, 10].
    #[arg(long, default_value_t = 1.0)]
    scale: f64,
    /// Model files: the `--set PATH=VALUE` overrides the run would use (repeatable).
    #[arg(long = "set", value_name = "PATH=VALUE", value_parser = crate::model::overrides::parse_assignment)]
    set: Vec<(String, toml::Value)>,
    /// Worker threads the run would use [default: all cores].
    #[arg(long, value_parser = clap::value_parser!(u64).range(1..=1024))]
    threads: Option<u64>,
    /// The memory limit to check against [default: the memory available to this process].
    #[arg(long, value_parser = super::budget::parse_size)]
    max_memory: Option<u64>,
    // --json prints {file, kind, name, events, memory_bytes, seconds, limit_bytes, ...}.
    #[command(flatten)]
    output: super::mode::OutputFlags,
}

pub fn check(args: CheckArgs) -> Result<()> {
    args.output.apply();
    if !(args.scale > 0.0 && args.scale <= 10.0) {
        return Err(super::BadInput(format!(
            "--scale {}: allowed: a factor in (0, 10]",
            args.scale
        ))
        .into());
    }
    let threads = args
        .threads
        .map_or_else(rayon::current_num_threads, |threads| threads as usize);
    let limit = memory_limit(args.max_memory);
    if is_experiment(&args.file) {
        if !args.set.is_empty() {
            return Err(super::BadInput(format!(
                "--set applies to model files; {} is an experiment (put overrides in its `set` table)",
                args.file.display()
            ))
            .into());
        }
        check_experiment(&args, threads, limit.as_ref())
    } else {
        let loaded = model::load_with_overrides(&args.file, &args.set)?;
        let spec = as_run(&loaded.spec, args.scale)?;
        say!(
            "{}: a valid {} model ({:?})",
            args.file.display(),
            kind(&spec),
            spec.name()
        );
        warn(&args.file.display().to_string(), &spec);
        let estimate = estimate::estimate(&spec, false);
        report(&estimate, args.replications, threads, limit.as_ref());
        let fits = super::budget::check_fits(
            &args.file.display().to_string(),
            &estimate,
            args.replications,
            threads,
            limit.as_ref(),
        );
        print_json(
            &args,
            Cost {
                kind: kind(&spec),
                name: spec.name(),
                runs: args.replications,
                threads,
                events: estimate.events,
                memory_bytes: estimate.peak_bytes(args.replications, threads),
                seconds: estimate.seconds(args.replications, threads),
            },
            limit.as_ref(),
            fits.is_ok(),
        )?;
        fits
    }
}

fn check_experiment(args: &CheckArgs, threads: usize, limit: Option<&MemoryLimit>) -> Result<()> {
    let sweep = Sweep::new(experiment::load(&args.file)?)?;
    let runs = sweep.layout.total_runs();
    say!(
        "{}: a valid experiment ({:?}): {} points × {} replications = {} runs",
        args.file.display(),
        sweep.experiment.name,
        sweep.points.len(),
        sweep.layout.replications,
        runs
    );
    for point in &sweep.points {
        warn(&super::budget::point_label(&point.info), &point.spec);
    }
    let estimates: Vec<Estimate> = sweep
        .points
        .iter()
        .map(|point| estimate::estimate(&point.spec, false))
        .collect();
    let replications = sweep.layout.replications as f64;
    let events: f64 = estimates.iter().map(|e| e.events).sum::<f64>() * replications;
    let core_seconds: f64 = estimates.iter().map(|e| e.seconds(1, 1)).sum::<f64>() * replications;
    let Some(largest) = super::budget::largest_sweep_run(&estimates) else {
        return Ok(());
    };
    let concurrent = runs.min(threads as u64);
    say!("  events:  about {}", events_label(events));
    say!(
        "  memory:  about {} at peak ({concurrent} runs at once, the largest point: {})",
        bytes_label(largest.peak_bytes(concurrent, threads)),
        largest.breakdown()
    );
    say!(
        "  time:    {} on {threads} thread(s)",
        duration_label(core_seconds / concurrent as f64)
    );
    say_limit(limit);
    let fits = super::budget::check_fits(
        &format!("{} (its largest point)", args.file.display()),
        &largest,
        concurrent,
        threads,
        limit,
    );
    print_json(
        args,
        Cost {
            kind: "experiment",
            name: &sweep.experiment.name,
            runs,
            threads,
            events,
            memory_bytes: largest.peak_bytes(concurrent, threads),
            seconds: core_seconds / concurrent as f64,
        },
        limit,
        fits.is_ok(),
    )?;
    fits
}

/// What `check` estimated, for --json.
struct Cost<'a> {
    kind: &'a str,
    name: &'a str,
    /// Replications of a model, or runs of an experiment.
    runs: u64,
    threads: usize,
    events: f64,
    memory_bytes: f64,
    seconds: f64,
}

/// Under --json, one object: the file, its kind and name, the estimate and the limit.
fn print_json(args: &CheckArgs, cost: Cost, limit: Option<&MemoryLimit>, fits: bool) -> Result<()> {
    let document = serde_json::json!({
        "file": args.file.display().to_string(),
        "valid": true,
        "kind": cost.kind,
        "name": cost.name,
        "runs": cost.runs,
        "threads": cost.threads,
        "events": cost.events.round() as u64,
        "memory_bytes": cost.memory_bytes.round() as u64,
        "seconds": cost.seconds,
        "limit_bytes": limit.map(|limit| limit.bytes.round() as u64),
        "limit_source": limit.map(|limit| limit.source.as_str()),
        "fits": fits,
    });
    super::mode::print_json(&serde_json::to_vec_pretty(&document)?);
    Ok(())
}

/// An experiment names its base model with a `model` key; a model file never has one.
fn is_experiment(path: &std::path::Path) -> bool {
    let Ok(bytes) = model::read_input(path) else {
        return false;
    };
    let Ok(text) = String::from_utf8(bytes) else {
        return false;
    };
    toml::from_str::<toml::Table>(&text)
        .is_ok_and(|table| table.get("model").is_some_and(toml::Value::is_str))
}

fn report(estimate: &Estimate, replications: u64, threads: usize, limit: Option<&MemoryLimit>) {
    say!(
        "  events:  about {} per replication",
        events_label(estimate.events)
    );
    say!(
        "  memory:  about {} at peak with {replications} replication(s) ({})",
        bytes_label(estimate.peak_bytes(replications, threads)),
        estimate.breakdown()
    );
    say!(
        "  time:    {} on {threads} thread(s)",
        duration_label(estimate.seconds(replications, threads))
    );
    say_limit(limit);
}

fn say_limit(limit: Option<&MemoryLimit>) {
    match limit {
        Some(limit) => say!("  limit:   {} ({})", bytes_label(limit.bytes), limit.source),
        None => say!("  limit:   none known (give --max-memory to check against one)"),
    }
    say!(
        "  (estimates from the model's size; good to about 2× for memory, 3× for events and time)"
    );
}

fn warn(what: &str, spec: &ModelSpec) {
    for warning in estimate::warnings(spec) {
        warn!("{what}: {warning}");
    }
}

pub(super) fn kind(spec: &ModelSpec) -> &'static str {
    match spec {
        ModelSpec::Network(_) => "network",
        ModelSpec::Onsale(_) => "onsale",
        ModelSpec::Service(_) => "service",
        ModelSpec::Contention(_) => "contention",
    }
}

fn events_label(events: f64) -> String {
    if events >= 1e6 {
        format!("{:.1}M", events / 1e6)
    } else if events >= 1e3 {
        format!("{:.0}k", events / 1e3)
    } else {
        format!("{events:.0}")
    }
}

fn duration_label(seconds: f64) -> String {
    if seconds < 1.0 {
        "under a second".to_owned()
    } else if seconds < 120.0 {
        format!("about {seconds:.0} s")
    } else if seconds < 7200.0 {
        format!("about {:.0} min", seconds / 60.0)
    } else {
        format!("about {:.1} h", seconds / 3600.0)
    }
}
