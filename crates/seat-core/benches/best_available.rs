//! Best-available throughput: seated bowls of 1k, 20k, 80k and 320k seats, requests for
//! 1–6 adjacent seats, each hold confirmed (90%) or abandoned to expire (10%).
//!
//! Virtual time advances so that each venue sells out in about an hour with 8-minute
//! holds, so abandoned holds really expire (and release a second wave) while the venue
//! is still selling. When a request is refused (sold out, no adjacent seats) the bench
//! swaps in a fresh copy of the empty venue; that reset is part of the measured time.
//!
//! `cargo bench -p seat-core` first prints a one-shot summary of 1,000,000 requests per
//! size (holds/s, confirms/s, hold+confirm pairs/s), then criterion measures each part.
#![allow(clippy::disallowed_methods, clippy::disallowed_types)] // timing needs a clock

use criterion::{BatchSize, Criterion, Throughput, criterion_group, criterion_main};
use seat_core::{HoldRequest, Limits, SeatCore, Venue, seated_bowl};
use std::hint::black_box;
use std::time::{Duration, Instant};

const SIZES_THOUSANDS: [u32; 4] = [1, 20, 80, 320];
const REQUESTS: usize = 1_000_000;
const HOLD_TTL_NS: i64 = 8 * 60 * 1_000_000_000;
const SALE_NS: i64 = 3_600 * 1_000_000_000;

/// splitmix64: a fixed, dependency-free stream of request sizes and outcomes.
fn splitmix(state: &mut u64) -> u64 {
    *state = state.wrapping_add(0x9e37_79b9_7f4a_7c15);
    let mut z = *state;
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

/// One request: how many seats, and whether the fan pays.
#[derive(Clone, Copy)]
struct Request {
    quantity: u32,
    confirms: bool,
}

fn requests(count: usize) -> Vec<Request> {
    let mut state = 42;
    (0..count)
        .map(|_| {
            let draw = splitmix(&mut state);
            Request {
                quantity: 1 + (draw % 6) as u32,
                confirms: !(draw >> 32).is_multiple_of(10),
            }
        })
        .collect()
}

/// A selling venue plus the clock and counters of the run.
struct Sale {
    empty: SeatCore,
    core: SeatCore,
    now: i64,
    step_ns: i64,
    holds: u64,
    confirms: u64,
    resets: u64,
    /// Wall time spent replacing a sold-out core with a fresh copy.
    reset_time: Duration,
}

impl Sale {
    fn new(thousands: u32) -> Sale {
        let venue = Venue::build(&seated_bowl(thousands)).expect("bowl builds");
        // About 3.5 seats per request: the venue sells out in about SALE_NS.
        let step_ns = SALE_NS * 7 / (2 * i64::from(venue.seat_count()));
        let empty = SeatCore::new(venue, Limits::new(6).unwrap());
        Sale {
            core: empty.clone(),
            empty,
            now: 0,
            step_ns,
            holds: 0,
            confirms: 0,
            resets: 0,
            reset_time: Duration::ZERO,
        }
    }

    fn serve(&mut self, request: Request, confirm: bool) {
        self.now += self.step_ns;
        if self
            .core
            .poll_timeout()
            .is_some_and(|deadline| deadline <= self.now)
        {
            black_box(self.core.handle_timeout(self.now).unwrap());
        }
        let wanted = HoldRequest::new(request.quantity);
        match self
            .core
            .hold_best_available(self.now, &wanted, self.now + HOLD_TTL_NS)
        {
            Ok(hold) => {
                self.holds += 1;
                if confirm && request.confirms {
                    black_box(self.core.confirm(self.now, hold.id).unwrap());
                    self.confirms += 1;
                }
            }
            Err(_) => {
                // Sold out (or no adjacent seats left): the next show goes on sale.
                let started = Instant::now();
                self.core.clone_from(&self.empty);
                self.reset_time += started.elapsed();
                self.now = 0;
                self.resets += 1;
            }
        }
    }
}

/// Sizes to run, from `SEAT_CORE_BENCH_SIZES` (e.g. "80" or "1,20,80,320").
fn sizes() -> Vec<u32> {
    match std::env::var("SEAT_CORE_BENCH_SIZES") {
        Ok(list) => list
            .split(',')
            .map(|s| s.trim().parse().expect("sizes in thousands"))
            .collect(),
        Err(_) => SIZES_THOUSANDS.to_vec(),
    }
}

/// CPU time of this thread in ns (Linux `/proc/thread-self/schedstat`), so the summary is
/// also meaningful on a busy machine where wall time includes waiting for a core.
fn cpu_ns() -> Option<f64> {
    let text = std::fs::read_to_string("/proc/thread-self/schedstat").ok()?;
    text.split_whitespace().next()?.parse().ok()
}

fn summary(stream: &[Request]) {
    println!(
        "one-shot: {REQUESTS} requests of 1-6 seats, 90% confirmed, 10% expire (rates per wall s / per CPU s)"
    );
    for thousands in sizes() {
        let mut sale = Sale::new(thousands);
        let (started, cpu_started) = (Instant::now(), cpu_ns());
        for &request in stream {
            sale.serve(request, true);
        }
        let wall = started.elapsed().as_secs_f64();
        let cpu = cpu_ns()
            .zip(cpu_started)
            .map_or(wall, |(end, start)| (end - start) / 1e9);
        let rate = |count: u64| format!("{:>8.0}/{:<8.0}", count as f64 / wall, count as f64 / cpu);
        println!(
            "  {:>4}k seats: wall {:>5.0} ms cpu {:>5.0} ms  holds/s {}  confirms/s {}  hold+confirm pairs/s {}  ({} resets took {:.0} ms)",
            thousands,
            wall * 1e3,
            cpu * 1e3,
            rate(sale.holds),
            rate(sale.confirms),
            rate(sale.confirms),
            sale.resets,
            sale.reset_time.as_secs_f64() * 1e3,
        );
        sale.core
            .check_invariants()
            .expect("invariants hold after the run");
    }
}

fn bench(c: &mut Criterion) {
    let stream = requests(REQUESTS);
    summary(&stream);
    const CHUNK: usize = 10_000;
    for (name, confirm) in [("hold_confirm_expire", true), ("hold_only", false)] {
        let mut group = c.benchmark_group(name);
        group.throughput(Throughput::Elements(CHUNK as u64));
        for thousands in sizes() {
            let mut sale = Sale::new(thousands);
            let mut cursor = 0;
            group.bench_function(format!("{thousands}k_seats"), |b| {
                b.iter_custom(|iterations| {
                    let started = Instant::now();
                    for _ in 0..iterations {
                        for _ in 0..CHUNK {
                            sale.serve(stream[cursor], confirm);
                            cursor = (cursor + 1) % stream.len();
                        }
                    }
                    started.elapsed()
                })
            });
        }
        group.finish();
    }
    confirm_bench(c, &stream);
}

/// Confirms alone: the holds are made in the (untimed) setup.
fn confirm_bench(c: &mut Criterion, stream: &[Request]) {
    const HOLDS: usize = 5_000;
    let mut group = c.benchmark_group("confirm");
    for thousands in sizes() {
        let empty = Sale::new(thousands).empty;
        let setup = || {
            let mut core = empty.clone();
            let wanted = |i: usize| HoldRequest::new(stream[i].quantity);
            let holds: Vec<_> = (0..HOLDS)
                .filter_map(|i| core.hold_best_available(0, &wanted(i), HOLD_TTL_NS).ok())
                .map(|hold| hold.id)
                .collect();
            (core, holds)
        };
        // A small venue fills before HOLDS requests: count the holds actually made.
        group.throughput(Throughput::Elements(setup().1.len() as u64));
        group.bench_function(format!("{thousands}k_seats"), |b| {
            b.iter_batched(
                setup,
                |(mut core, holds)| {
                    for hold in holds {
                        black_box(core.confirm(1, hold).unwrap());
                    }
                    core
                },
                BatchSize::LargeInput,
            )
        });
    }
    group.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default()
        .sample_size(10)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(3));
    targets = bench
}
criterion_main!(benches);
