//! `sellout bench`: engine speed on M/M/1.

use std::time::Instant;

use anyhow::Result;
use clap::Args;

use crate::engine::{Span, Streams};
use crate::model::{DistributionSpec, Duration, NetworkSpec, SourceSpec, StationSpec};
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

pub fn bench(args: BenchArgs) -> Result<()> {
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
