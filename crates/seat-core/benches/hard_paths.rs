//! The hard paths of the core, on the 80k stadium (60 reserved sections of 1,000 seats
//! plus a 20,000 standing pitch), limit 6 unless stated:
//!
//! * `hold_seats`: holding 2 given adjacent seats (a seat-map click), then confirming;
//! * `filtered`: best-available restricted to a section and a price cap;
//! * `split`: 4 seats on a checkerboard venue (no two adjacent free): the split walk;
//! * `split_limit_64`: 64 split seats with the per-order limit at 64;
//! * `attributes`: best-available requiring accessible seats (the scan path);
//! * `ga`: 1–6 standing tickets from the pitch's tiers;
//! * `expiry_storm`: one `handle_timeout` expiring every hold made in the first minute
//!   (14,000 holds of 1–6 seats, about 49,000 of the 60,000 reserved seats);
//! * the one-shot summary before criterion: every call of an Eras-like mixed sale timed
//!   alone, with the slowest single call (the longest head-of-line block) named.
//!
//! `cargo bench -p seat-core --bench hard_paths` (about 30 s).
#![allow(clippy::disallowed_methods, clippy::disallowed_types)] // timing needs a clock

use criterion::{BatchSize, Criterion, criterion_group, criterion_main};
use seat_core::{
    CustomerId, HoldRequest, IdempotencyKey, Limits, OffSaleReason, SeatAttribute,
    SeatAttributeSpec, SeatAttributes, SeatCore, SeatId, SectionId, Venue, VenuePreset,
};
use std::hint::black_box;
use std::time::{Duration, Instant};

const SECOND: i64 = 1_000_000_000;
const TTL: i64 = 8 * 60 * SECOND;

fn splitmix(state: &mut u64) -> u64 {
    *state = state.wrapping_add(0x9e37_79b9_7f4a_7c15);
    let mut z = *state;
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

fn stadium(limit: u32) -> SeatCore {
    SeatCore::new(VenuePreset::Stadium.venue(), Limits::new(limit).unwrap())
}

/// The stadium with two accessible spaces and two companion seats in the back row of
/// every section.
fn stadium_with_accessible_seats() -> SeatCore {
    let mut spec = VenuePreset::Stadium.spec();
    for section in &mut spec.sections {
        let back = section.rows.unwrap_or(1);
        for (seats, attribute) in [
            (vec![1, 2], SeatAttribute::Accessible),
            (vec![3, 4], SeatAttribute::Companion),
        ] {
            section.seat_attributes.push(SeatAttributeSpec {
                row: back,
                seats,
                attribute,
            });
        }
    }
    SeatCore::new(Venue::build(&spec).unwrap(), Limits::new(6).unwrap())
}

/// Times `call` once per iteration on a core that `refill` resets when `call` fails.
fn per_call(
    c: &mut Criterion,
    name: &str,
    fresh: &SeatCore,
    mut call: impl FnMut(&mut SeatCore, i64, u64) -> bool,
) {
    let mut core = fresh.clone();
    let (mut now, mut n) = (0i64, 0u64);
    c.bench_function(name, |b| {
        b.iter_custom(|iterations| {
            let mut spent = Duration::ZERO;
            for _ in 0..iterations {
                now += 1;
                n += 1;
                let started = Instant::now();
                let ok = call(&mut core, now, n);
                spent += started.elapsed();
                if !ok {
                    core.clone_from(fresh);
                    now = 0;
                }
            }
            spent
        })
    });
}

fn bench(c: &mut Criterion) {
    worst_single_call();
    let fresh = stadium(6);
    let seats = fresh.venue().seat_count();
    per_call(c, "hold_seats_then_confirm", &fresh, |core, now, n| {
        let first = ((n * 2) % u64::from(seats - 1)) as u32;
        let pair = [SeatId(first), SeatId(first + 1)];
        match core.hold_seats(now, &pair, now + TTL) {
            Ok(hold) => core.confirm(now, hold.id).is_ok(),
            Err(_) => core.free() > 20_000 + 1_000,
        }
    });
    let sections = fresh.venue().sections().len() as u64 - 1;
    per_call(c, "filtered_section_and_price", &fresh, |core, now, n| {
        let request = HoldRequest::new(1 + (n % 6) as u32)
            .in_section(SectionId((n % sections) as u32))
            .max_price_minor(15_000);
        match core.hold_best_available(now, &request, now + TTL) {
            Ok(hold) => black_box(core.confirm(now, hold.id)).is_ok(),
            Err(_) => core.free() > 30_000,
        }
    });
    for (name, limit, quantity) in [("split_4", 6, 4), ("split_limit_64", 64, 64)] {
        let mut board = stadium(limit);
        let checkerboard: Vec<SeatId> = (0..seats).step_by(2).map(SeatId).collect();
        board
            .take_off_sale(0, &checkerboard, OffSaleReason::Kill)
            .unwrap();
        per_call(c, name, &board, |core, now, _| {
            let request = HoldRequest::new(quantity).allow_split();
            let hold = core.hold_best_available(now, &request, now + TTL).unwrap();
            // Give the seats back (untimed would be better; it is one row refresh per seat).
            core.release(now, hold.id).is_ok()
        });
    }
    let accessible = stadium_with_accessible_seats();
    per_call(
        c,
        "attributes_require_accessible",
        &accessible,
        |core, now, _| {
            let request = HoldRequest::new(2).requiring(SeatAttributes::ACCESSIBLE);
            core.hold_best_available(now, &request, now + TTL).is_ok()
        },
    );
    let pitch = fresh.venue().section_by_name("pitch").unwrap();
    per_call(c, "ga_pitch", &fresh, |core, now, n| {
        let request = HoldRequest::new(1 + (n % 6) as u32).in_section(pitch);
        match core.hold_best_available(now, &request, now + TTL) {
            Ok(hold) => black_box(core.confirm(now, hold.id)).is_ok(),
            Err(_) => false,
        }
    });
    expiry_storm(c, &fresh);
}

/// 20,000 holds made over the first minute, all expiring in one call.
fn expiry_storm(c: &mut Criterion, fresh: &SeatCore) {
    const HOLDS: u64 = 14_000;
    let mut loaded = fresh.clone();
    let mut state = 1;
    for k in 0..HOLDS {
        let now = (k as i64) * 60 * SECOND / HOLDS as i64;
        let request = HoldRequest::new(1 + (splitmix(&mut state) % 6) as u32).allow_split();
        loaded
            .hold_best_available(now, &request, now + TTL)
            .unwrap();
    }
    let last_deadline = 60 * SECOND + TTL;
    c.bench_function("expiry_storm_14k_holds", |b| {
        b.iter_batched(
            || loaded.clone(),
            |mut core| {
                let expired = core.handle_timeout(last_deadline).unwrap();
                assert_eq!(u64::from(expired.holds), HOLDS);
                core
            },
            BatchSize::LargeInput,
        )
    });
}

/// Every call of a mixed Eras-like sale at 80k, timed alone: the slowest call of each
/// kind, and the slowest of all.
fn worst_single_call() {
    let mut core = stadium(6);
    let pitch = core.venue().section_by_name("pitch").unwrap();
    let mut state = 2022u64;
    let mut now = 0i64;
    let mut pending = Vec::new();
    let mut times: std::collections::BTreeMap<&str, Vec<Duration>> = Default::default();
    let mut record =
        |kind: &'static str, spent: Duration| times.entry(kind).or_default().push(spent);
    for step in 0..400_000u64 {
        now += (splitmix(&mut state) % 20) as i64 * SECOND / 1_000;
        let draw = splitmix(&mut state);
        let customer = CustomerId(draw % 100_000);
        let started = Instant::now();
        let kind = if core.poll_timeout().is_some_and(|d| d <= now) {
            black_box(core.handle_timeout(now).unwrap());
            "handle_timeout"
        } else {
            match draw % 10 {
                0..=4 => {
                    let mut request = HoldRequest::new(1 + (draw >> 8) as u32 % 6)
                        .for_customer(customer)
                        .idempotency_key(IdempotencyKey(step));
                    if draw >> 16 & 3 == 0 {
                        request = request.in_section(pitch);
                    }
                    if draw >> 18 & 7 == 0 {
                        request = request.allow_split();
                    }
                    if let Ok(hold) = core.hold_best_available(now, &request, now + TTL) {
                        pending.push((hold.id, hold.customer));
                    }
                    "hold_best_available"
                }
                5..=7 if !pending.is_empty() => {
                    let (hold, owner) = pending.swap_remove((draw >> 8) as usize % pending.len());
                    if draw >> 20 & 7 != 0 {
                        let _ = core.confirm_for(now, owner, hold);
                    }
                    "confirm_for"
                }
                8 if core.order_count() > 0 => {
                    let _ = core.cancel_order(
                        now,
                        seat_core::OrderId(1 + (draw >> 8) % core.order_count()),
                    );
                    "cancel_order"
                }
                _ => {
                    let suggestion = core.suggest_seats(&HoldRequest::new(2));
                    if let Ok(suggestion) = suggestion {
                        let _ = core.hold_seats(now, &suggestion.seats, now + TTL);
                    }
                    "suggest+hold_seats"
                }
            }
        };
        record(kind, started.elapsed());
        if core.free() < 2_000 {
            core = stadium(6);
            now = 0;
            pending.clear();
        }
    }
    println!("every call of a 400,000-call mixed sale at 80k, timed alone (wall µs):");
    println!(
        "  {:<22} {:>7} {:>8} {:>8} {:>8} {:>8}",
        "call", "count", "p50", "p99", "p99.9", "max"
    );
    for (kind, spent) in &mut times {
        spent.sort_unstable();
        let at = |q: f64| spent[((spent.len() - 1) as f64 * q) as usize].as_secs_f64() * 1e6;
        println!(
            "  {kind:<22} {:>7} {:>8.2} {:>8.2} {:>8.2} {:>8.1}",
            spent.len(),
            at(0.5),
            at(0.99),
            at(0.999),
            at(1.0)
        );
    }
}

criterion_group! {
    name = benches;
    config = Criterion::default()
        .sample_size(10)
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(2));
    targets = bench
}
criterion_main!(benches);
