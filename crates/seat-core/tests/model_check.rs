//! Property test: random venues and random interleaved command sequences with a
//! (mostly) non-decreasing clock, run against the real core and against the naive
//! reference model in `tests/model/reference.rs`, which reads each venue spec itself
//! (`tests/model/venue.rs`) and must agree with `Venue::build` seat by seat (row, rank,
//! price level, attributes) and zone by zone before the commands run. Every outcome
//! and, after every step, all availability must be identical, and `check_invariants`
//! must pass; refused calls must leave the state digest unchanged; snapshots restore to
//! an equal core; and each case's journal replays into a fresh core with an equal digest
//! and the same orders.
//!
//! Coverage: per-order limits from 1 to 64 (one and several 8-key lines per tree node,
//! the stack and heap buffers of the unimodal path), rows of 1–12 seats and now and then
//! a row of up to `ROW_LENGTH_MAX` seats, explicit ranks (many ties, non-unimodal) and
//! distance ranks (unimodal), rank offsets (small ones reorder sections; large ones push
//! a long row's rank sum past 2^32), up to three price bands per section (overlapping:
//! the later band wins), split seating, GA tiers, customers, idempotency keys,
//! per-customer limits, short maximum hold lifetimes, extensions, partial releases,
//! cancellations, admin holds and kills, price changes, opened tiers and seat attributes.
//!
//! The default run executes at least 1,000,000 commands (about 20 s in release); set
//! `SEAT_CORE_PROPTEST_OPS` for more or fewer. A failure prints the venue spec and the
//! shrunk command list.

#![allow(clippy::disallowed_methods)] // the op count comes from the environment

mod model;

use model::{Command, Harness, PRICES, RequestParts, TTLS, request};
use proptest::prelude::*;
use proptest::test_runner::{Config, TestCaseError, TestRunner};
use seat_core::{
    GeneralAdmissionSpec, LayoutSpec, Limits, PriceBandSpec, PriceLevelSpec, ROW_LENGTH_MAX,
    SeatAttribute, SeatAttributeSpec, SectionSpec, TierSpec, VenueSpec,
};

const COMMANDS_PER_CASE: usize = 400;
const DEFAULT_OPS: u64 = 1_000_000;

fn price_levels() -> Vec<PriceLevelSpec> {
    [("low", 1_000), ("mid", 2_500), ("high", 5_000)]
        .iter()
        .map(|&(name, price_minor)| PriceLevelSpec {
            name: name.to_string(),
            price_minor,
        })
        .collect()
}

const LEVELS: [&str; 3] = ["low", "mid", "high"];

/// Row lengths: mostly 1–12 seats; rarely one long row (up to the maximum).
fn row_length() -> impl Strategy<Value = usize> {
    prop_oneof![
        60 => 1usize..=12,
        2 => 13usize..=80,
        1 => prop_oneof![Just(ROW_LENGTH_MAX as usize), 200usize..=ROW_LENGTH_MAX as usize],
    ]
}

/// A rank offset: mostly none, often small (it then reorders sections whose explicit
/// ranks are 0–5), sometimes large enough that a long row's rank sum passes 2^32.
fn rank_offset() -> impl Strategy<Value = u32> {
    prop_oneof![5 => Just(0u32), 4 => 1u32..=8, 1 => 1_000u32..=16_000_000]
}

/// A reserved section: 1–4 rows, explicit small ranks (many ties) or a geometric
/// layout, a base price, up to three price bands (overlapping ones too, where the later
/// band wins), a rank offset, maybe accessible and companion seats.
fn section() -> impl Strategy<Value = SectionSpec> {
    let rows = prop::collection::vec(row_length(), 1..=4);
    (
        rows,
        any::<u64>(),
        any::<bool>(),
        0usize..3,
        prop::collection::vec((1u32..=4, 1u32..=4, 0usize..3), 0..=3),
        -300i64..300,
        prop::collection::vec((1u32..=4, 1u32..=12, any::<bool>()), 0..=4),
        rank_offset(),
    )
        .prop_map(
            |(lengths, seed, geometric, level, bands, x, marks, offset)| {
                let row_count = lengths.len() as u32;
                let mut state = seed;
                let ranks: Vec<Vec<u32>> = lengths
                    .iter()
                    .map(|&len| {
                        (0..len)
                            .map(|_| (splitmix(&mut state) % 6) as u32)
                            .collect()
                    })
                    .collect();
                let price_bands = bands
                    .into_iter()
                    .map(|(a, b, level)| PriceBandSpec {
                        from_row: a.min(b).min(row_count),
                        to_row: a.max(b).min(row_count),
                        price_level: LEVELS[level].to_string(),
                    })
                    .collect();
                let layout = LayoutSpec {
                    front_center_cm: [x, 400],
                    seat_step_cm: [50, 0],
                    row_step_cm: [0, 80],
                };
                let seat_attributes = marks
                    .into_iter()
                    .map(|(row, seat, accessible)| {
                        let row = row.min(row_count);
                        let len = lengths[row as usize - 1] as u32;
                        SeatAttributeSpec {
                            row,
                            seats: vec![seat.min(len), (seat + 1).min(len)],
                            attribute: if accessible {
                                SeatAttribute::Accessible
                            } else {
                                SeatAttribute::Companion
                            },
                        }
                    })
                    .collect();
                SectionSpec {
                    name: String::new(),
                    rows: None,
                    seats_per_row: None,
                    row_lengths: Some(lengths.iter().map(|&l| l as u32).collect()),
                    price_level: LEVELS[level].to_string(),
                    price_bands,
                    layout: geometric.then_some(layout),
                    ranks: (!geometric).then_some(ranks),
                    rank_offset: offset,
                    seat_attributes,
                }
            },
        )
}

fn splitmix(state: &mut u64) -> u64 {
    *state = state.wrapping_add(0x9e37_79b9_7f4a_7c15);
    let mut z = *state;
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

fn general_admission() -> impl Strategy<Value = GeneralAdmissionSpec> {
    prop::collection::vec((0usize..3, 1u32..=8), 1..=3).prop_map(|tiers| GeneralAdmissionSpec {
        name: String::new(),
        tiers: tiers
            .into_iter()
            .map(|(level, capacity)| TierSpec {
                price_level: LEVELS[level].to_string(),
                capacity,
            })
            .collect(),
    })
}

fn venue() -> impl Strategy<Value = VenueSpec> {
    (
        prop::collection::vec(section(), 0..=3),
        prop::collection::vec(general_admission(), 0..=1),
    )
        .prop_filter("a venue needs tickets", |(s, g)| {
            !s.is_empty() || !g.is_empty()
        })
        .prop_map(|(mut sections, mut general_admission)| {
            for (i, s) in sections.iter_mut().enumerate() {
                s.name = format!("s{i}");
            }
            for (i, g) in general_admission.iter_mut().enumerate() {
                g.name = format!("ga{i}");
            }
            VenueSpec {
                name: "random".to_string(),
                capacity: None,
                focal_point_cm: [0, 0],
                price_levels: price_levels(),
                sections,
                general_admission,
            }
        })
}

/// Per-order limits, weighted to the boundaries of the index's layout.
fn limits() -> impl Strategy<Value = Limits> {
    let per_order = prop_oneof![
        6 => 1u32..=6,
        1 => prop::sample::select(vec![7u32, 8, 9, 15, 16, 17, 31, 32, 33, 63, 64]),
    ];
    (
        per_order,
        prop::option::weighted(0.3, 2u32..=12),
        prop::bool::weighted(0.3),
    )
        .prop_map(|(per_order, per_customer, short_ttl)| {
            let mut limits = Limits::new(per_order).unwrap();
            if let Some(tickets) = per_customer {
                limits = limits.with_max_tickets_per_customer(tickets);
            }
            if short_ttl {
                limits = limits.with_max_hold_ttl_ns(300);
            }
            limits
        })
}

fn who() -> impl Strategy<Value = (Option<u64>, Option<u64>)> {
    (
        prop::option::weighted(0.4, 0u64..3),
        prop::option::weighted(0.3, 0u64..3),
    )
}

fn hold_request() -> impl Strategy<Value = seat_core::HoldRequest> {
    let section = prop::option::weighted(0.35, prop_oneof![9 => 0u32..4, 1 => Just(7u32)]);
    let level = prop::option::weighted(0.15, prop_oneof![9 => 0u32..3, 1 => Just(3u32)]);
    let max_price = prop::option::weighted(
        0.2,
        prop::sample::select(vec![999u64, 1_000, 2_500, 4_999, 5_000]),
    );
    let quantity = prop_oneof![8 => 0u32..=7, 1 => 8u32..=65];
    let attributes = prop_oneof![8 => Just(0u8), 1 => 0u8..16];
    (
        quantity,
        section,
        level,
        max_price,
        prop::bool::weighted(0.3),
        who(),
        attributes,
    )
        .prop_map(
            |(quantity, section, price_level, max_price, split, (customer, key), attributes)| {
                request(RequestParts {
                    quantity,
                    section,
                    price_level,
                    max_price,
                    split,
                    customer,
                    key,
                    attributes,
                })
            },
        )
}

/// Mostly one of the last few holds, sometimes any, sometimes one never issued.
fn hold_pick() -> impl Strategy<Value = u64> {
    prop_oneof![8 => 1u64..=4, 1 => any::<u64>(), 1 => Just(0u64)]
}

fn seats() -> impl Strategy<Value = Vec<u32>> {
    prop::collection::vec(prop_oneof![9 => 0u32..40, 1 => 0u32..20_000], 0..=4)
}

fn command() -> impl Strategy<Value = Command> {
    let ttl = prop::sample::select(TTLS.to_vec());
    let customer =
        prop_oneof![3 => Just(Some(model::OWNER)), 2 => prop::option::weighted(0.4, 0u64..3)];
    prop_oneof![
        6 => prop_oneof![Just(0i64), 1i64..=3, 4i64..=60, Just(-1i64)].prop_map(|delta| Command::Tick { delta }),
        10 => (hold_request(), ttl.clone()).prop_map(|(request, ttl)| Command::HoldBest { request, ttl }),
        2 => ttl.clone().prop_map(|ttl| Command::Retry { ttl }),
        3 => (seats(), ttl.clone(), who()).prop_map(|(seats, ttl, (customer, key))| Command::HoldSeats { seats, ttl, customer, key }),
        3 => hold_request().prop_map(|request| Command::Suggest { request }),
        3 => (any::<usize>(), ttl).prop_map(|(pick, ttl)| Command::HoldStale { pick, ttl }),
        6 => (hold_pick(), customer.clone(), any::<bool>()).prop_map(|(pick, customer, idempotent)| Command::Confirm { pick, customer, idempotent }),
        2 => (hold_pick(), customer.clone()).prop_map(|(pick, customer)| Command::Release { pick, customer }),
        2 => (hold_pick(), customer.clone(), any::<u8>()).prop_map(|(pick, customer, mask)| Command::ReleasePart { pick, customer, mask }),
        2 => (hold_pick(), customer, prop_oneof![Just(0i64), 1i64..=600]).prop_map(|(pick, customer, delta)| Command::Extend { pick, customer, delta }),
        1 => hold_pick().prop_map(|pick| Command::Cancel { pick }),
        1 => (seats(), any::<bool>()).prop_map(|(seats, kill)| Command::OffSale { seats, kill }),
        1 => seats().prop_map(|seats| Command::OnSale { seats }),
        1 => (0u32..4, prop::sample::select(PRICES.to_vec())).prop_map(|(level, price)| Command::SetPrice { level, price }),
        1 => (0u32..4).prop_map(|tier| Command::OpenTier { tier }),
        1 => Just(Command::Expire),
        1 => Just(Command::ExpireAtDeadline),
        1 => Just(Command::Restore),
    ]
}

fn total_ops() -> u64 {
    std::env::var("SEAT_CORE_PROPTEST_OPS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(DEFAULT_OPS)
}

#[test]
fn core_matches_the_reference_model() {
    let cases = total_ops().div_ceil(COMMANDS_PER_CASE as u64) as u32;
    let config = Config {
        cases,
        failure_persistence: None,
        max_shrink_iters: 2_000,
        ..Config::default()
    };
    let strategy = (
        venue(),
        limits(),
        prop::collection::vec(command(), COMMANDS_PER_CASE),
    );
    let executed = std::cell::Cell::new(0u64);
    let outcomes = std::cell::RefCell::new(std::collections::BTreeMap::<String, u64>::new());
    let mut runner = TestRunner::new(config);
    let result = runner.run(&strategy, |(spec, limits, commands)| {
        let mut harness = Harness::new(&spec, limits)
            .map_err(|e| TestCaseError::fail(format!("{e}\nvenue {spec:?}")))?;
        for (index, command) in commands.iter().enumerate() {
            if let Err(message) = harness.step(command) {
                let detail = format!(
                    "step {index} {command:?}: {message}\nlimits {limits:?}, venue {spec:?}"
                );
                return Err(TestCaseError::fail(detail));
            }
        }
        if let Err(message) = harness.check_replay() {
            return Err(TestCaseError::fail(format!(
                "{message}\nlimits {limits:?}, venue {spec:?}"
            )));
        }
        executed.set(executed.get() + harness.steps);
        for (name, count) in harness.outcomes {
            *outcomes.borrow_mut().entry(name).or_default() += count;
        }
        Ok(())
    });
    if let Err(error) = result {
        panic!("{error}");
    }
    assert!(
        executed.get() >= total_ops(),
        "ran {} commands, wanted {}",
        executed.get(),
        total_ops()
    );
    println!(
        "model check: {} commands in {cases} cases; outcomes:",
        executed.get()
    );
    for (name, count) in outcomes.borrow().iter() {
        println!("  {name:<40} {count}");
    }
}
