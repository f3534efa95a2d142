//! Engine speed: M/M/1 at ρ = 0.9 with 1,000,000 customers, one thread,
//! statistics on. Throughput is reported in customers per second; each
//! customer is two events (arrival, service end).
//!
//! Compare with SimPy: `python3 ../shared/bench/mmc_simpy.py --lam 0.9 --mu 1
//! --c 1 --n 1000000 --quiet-stats` (see README, "Performance").

use std::hint::black_box;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use sellout::cli::mm1_spec;
use sellout::engine::Streams;
use sellout::network;

const CUSTOMERS: u64 = 1_000_000;

fn mm1(c: &mut Criterion) {
    let spec = mm1_spec(CUSTOMERS, 0.9);
    let mut group = c.benchmark_group("engine");
    group.sample_size(10);
    group.throughput(Throughput::Elements(CUSTOMERS));
    group.bench_function("mm1_rho0.9_1M_customers", |b| {
        b.iter(|| {
            let report =
                network::run(black_box(&spec), &Streams::new(1, 0)).expect("bench model runs");
            assert_eq!(report.events, 2 * CUSTOMERS);
            report
        })
    });
    group.finish();
}

criterion_group!(benches, mm1);
criterion_main!(benches);
