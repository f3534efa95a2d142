//! Engine speed: M/M/1 at ρ = 0.9 with 1,000,000 customers, one thread,
//! statistics on. Throughput is reported in customers per second; each
//! customer is two events (arrival, service end).
//!
//! The event queue alone under an on-sale's shape: a million patience-like
//! timers hours ahead (packed, far buckets) while near-future events churn.
//! And a whole on-sale: `models/baseline.toml` (120k fans), in fans per second.
//!
//! Compare with SimPy: `python3 ../shared/bench/mmc_simpy.py --lam 0.9 --mu 1
//! --c 1 --n 1000000 --quiet-stats` (see README, "Performance").

use std::hint::black_box;
use std::path::Path;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use sellout::cli::mm1_spec;
use sellout::engine::{Compact, EventQueue, Streams, Time};
use sellout::model::{ModelSpec, parse};
use sellout::{network, onsale};

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

/// A timer naming one fan, as an on-sale's patience timer does.
#[derive(Clone, Copy)]
struct Timer(u32);

impl Compact for Timer {
    fn pack(&self) -> Option<u64> {
        Some(u64::from(self.0))
    }

    fn unpack(packed: u64) -> Self {
        Timer(packed as u32)
    }
}

const TIMERS: u32 = 1_000_000;

fn far_timers(c: &mut Criterion) {
    let mut group = c.benchmark_group("event_queue");
    group.sample_size(10);
    group.throughput(Throughput::Elements(u64::from(TIMERS) * 2));
    group.bench_function("1M_far_timers_with_near_churn", |b| {
        b.iter(|| {
            let mut queue = EventQueue::new();
            // A cheap deterministic spread: timers over ~3 h, as patience is.
            let mut state = 0x9e37_79b9_7f4a_7c15_u64;
            for fan in 0..TIMERS {
                state = state.wrapping_mul(6364136223846793005).wrapping_add(1);
                let ahead = (state >> 20) % 10_800_000_000_000;
                queue.push(Time(ahead as i64), Timer(fan));
            }
            // Each pop schedules one near event (a response a millisecond on),
            // as a fan's request would, until the timers are drained.
            let mut popped = 0u32;
            while let Some((now, Timer(fan))) = queue.pop() {
                popped += 1;
                if fan < TIMERS {
                    queue.push(Time(now.0 + 1_000_000), Timer(fan + TIMERS));
                }
            }
            assert_eq!(popped, 2 * TIMERS);
            popped
        })
    });
    group.finish();
}

fn onsale_baseline(c: &mut Criterion) {
    let path = Path::new("models/baseline.toml");
    let text = include_str!("../models/baseline.toml");
    let Ok(ModelSpec::Onsale(model)) = parse(path, text) else {
        panic!("models/baseline.toml is an on-sale model");
    };
    let mut group = c.benchmark_group("onsale");
    group.sample_size(10);
    let metrics = onsale::run(&model, &Streams::new(1, 0), false)
        .expect("baseline runs")
        .metrics;
    let fans = metrics["fans_arrived"] + metrics["bots_arrived"];
    group.throughput(Throughput::Elements(fans as u64));
    group.bench_function("baseline_120k_fans", |b| {
        b.iter(|| {
            onsale::run(black_box(&model), &Streams::new(1, 0), false).expect("baseline runs")
        })
    });
    group.finish();
}

criterion_group!(benches, mm1, far_timers, onsale_baseline);
criterion_main!(benches);
