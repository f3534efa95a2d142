//! `sellout bench`: engine speed on M/M/1, or the speed of any model file.

use std::path::{Path, PathBuf};
use std::time::Instant;

use anyhow::Result;
use clap::Args;

use crate::engine::{Span, Streams};
use crate::model::{DistributionSpec, Duration, ModelSpec, NetworkSpec, SourceSpec, StationSpec};
use crate::network;

#[derive(Args, Debug)]
pub struct BenchArgs {
    /// Customers to simulate.
    #[arg(long, default_value_t = 1_000_000)]
    customers: u64,
    /// Utilization ρ = λ/μ of the M/M/1 queue, in (0, 1).
    #[arg(long, default_value_t = 0.9)]
    rho: f64,
    /// Seed.
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// Time one replication of this model file instead of M/M/1 (events/s,
    /// and fans/s for an on-sale), on one thread, writing nothing.
    #[arg(long, value_name = "FILE")]
    model: Option<PathBuf>,
    /// With --model, an on-sale's `--scale`, in (0, 10].
    #[arg(long, default_value_t = 1.0)]
    scale: f64,
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

/// How this binary was built, printed with every timing so a figure says
/// which build it came from: `scripts/build-pgo.sh` sets `SELLOUT_BUILD`
/// to `profile-guided`, and a plain build prints its profile.
const BUILD: &str = match option_env!("SELLOUT_BUILD") {
    Some(build) => build,
    None if cfg!(debug_assertions) => "debug (not for timing)",
    None => "release",
};

pub fn bench(args: BenchArgs) -> Result<()> {
    if let Some(model) = &args.model {
        return bench_model(model, args.scale, args.seed);
    }
    if !(args.rho > 0.0 && args.rho < 1.0) {
        return Err(super::output::BadInput(format!(
            "--rho {} is out of range: expected 0 < rho < 1 (a stable M/M/1)",
            args.rho
        ))
        .into());
    }
    let spec = mm1_spec(args.customers, args.rho);
    spec.validate()?;
    let started = Instant::now();
    let report = network::run(&spec, &Streams::new(args.seed, 0))?;
    let wall_s = started.elapsed().as_secs_f64();
    let (_, station) = &report.stations[0];
    say!(
        "model            : M/M/1  rho={} customers={} seed={}",
        args.rho,
        args.customers,
        args.seed
    );
    say!("build            : {BUILD}");
    say!("events           : {}", report.events);
    say!("wall_s           : {wall_s:.4}");
    say!("events_per_sec   : {:.0}", report.events as f64 / wall_s);
    say!("customers_per_sec: {:.0}", args.customers as f64 / wall_s);
    say!(
        "wait_mean_s      : {:.4}  (theory {:.4})",
        station.wait_mean_s,
        args.rho / (1.0 - args.rho)
    );
    say!("utilization      : {:.4}", station.utilization);
    Ok(())
}

/// Runs replication 0 of the model at `path` once and prints its speed.
fn bench_model(path: &Path, scale: f64, seed: u64) -> Result<()> {
    let loaded = crate::model::load(path)?;
    check_scale(&loaded.spec, scale)?;
    let spec = super::budget::as_run(&loaded.spec, scale)?;
    let what = path.display().to_string();
    super::budget::preflight(&what, &spec, false, 1, None)?;
    let streams = Streams::new(seed, 0);
    let started = Instant::now();
    let (events, fans) = match &spec {
        ModelSpec::Onsale(model) => {
            let metrics = crate::onsale::run(model, &streams, false)?.metrics;
            let metric = |key: &str| metrics.get(key).copied().unwrap_or(f64::NAN);
            let fans = metric("fans_arrived") + metric("bots_arrived");
            (metric("events"), Some(fans))
        }
        ModelSpec::Network(spec) => (network::run(spec, &streams)?.events as f64, None),
        ModelSpec::Service(spec) => (
            events_of(&crate::service::run(spec, &streams)?.metrics),
            None,
        ),
        ModelSpec::Contention(spec) => (
            events_of(&crate::contention::run(spec, &streams)?.metrics),
            None,
        ),
    };
    let wall_s = started.elapsed().as_secs_f64();
    say!(
        "model            : {what}  ({:?}, scale {scale}, seed {seed}, replication 0)",
        spec.name()
    );
    say!("build            : {BUILD}");
    say!("events           : {events:.0}");
    say!("wall_s           : {wall_s:.4}");
    say!("events_per_sec   : {:.0}", events / wall_s);
    if let Some(fans) = fans {
        say!(
            "fans_per_sec     : {:.0}  ({fans:.0} fans and bots arrived)",
            fans / wall_s
        );
    }
    Ok(())
}

fn events_of(metrics: &std::collections::BTreeMap<String, f64>) -> f64 {
    metrics.get("events").copied().unwrap_or(f64::NAN)
}

/// `--scale` as `run` takes it: in (0, 10], for on-sales, keeping at least one fan.
fn check_scale(spec: &ModelSpec, scale: f64) -> Result<()> {
    let refuse = |why: String| Err(super::output::BadInput(why).into());
    if !(scale > 0.0 && scale <= 10.0) {
        return refuse(format!("--scale {scale}: allowed: a factor in (0, 10]"));
    }
    super::run::check_scale_keeps_a_fan(spec, scale)?;
    match spec {
        ModelSpec::Onsale(_) => Ok(()),
        _ if scale != 1.0 => refuse(format!(
            "--scale applies to on-sale models; this is a {} model",
            super::check::kind(spec)
        )),
        _ => Ok(()),
    }
}
