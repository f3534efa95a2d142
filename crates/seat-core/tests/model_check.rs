//! Property test: random venues and random interleaved command sequences with a
//! (mostly) non-decreasing clock, run against the real core and against the naive
//! reference model in `tests/model/reference.rs`. Every outcome and, after every step,
//! all availability must be identical, and `check_invariants` must pass.
//!
//! The default run executes at least 100,000 commands; set `SEAT_CORE_PROPTEST_OPS` for
//! more (e.g. `SEAT_CORE_PROPTEST_OPS=2000000 cargo test --release -p seat-core --test
//! model_check`). A failure prints the venue spec and the shrunk command list.

#![allow(clippy::disallowed_methods)] // the op count comes from the environment

mod model;

use model::{Command, Harness, TTLS, request};
use proptest::prelude::*;
use proptest::test_runner::{Config, TestCaseError, TestRunner};
use seat_core::{
    GeneralAdmissionSpec, LayoutSpec, Limits, PriceBandSpec, PriceLevelSpec, SectionSpec, TierSpec,
    Venue, VenueSpec,
};

const COMMANDS_PER_CASE: usize = 400;
const DEFAULT_OPS: u64 = 100_000;

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

/// A reserved section: 1–4 rows of 1–12 seats, explicit small ranks (many ties) or a
/// geometric layout, a base price and maybe a band.
fn section() -> impl Strategy<Value = SectionSpec> {
    let rows = prop::collection::vec(prop::collection::vec(0u32..6, 1..=12), 1..=4);
    (
        rows,
        any::<bool>(),
        0usize..3,
        prop::option::of((1u32..=4, 0usize..3)),
        -300i64..300,
    )
        .prop_map(|(ranks, geometric, level, band, x)| {
            let row_count = ranks.len() as u32;
            let price_bands = band
                .map(|(to_row, level)| PriceBandSpec {
                    from_row: 1,
                    to_row: to_row.min(row_count),
                    price_level: LEVELS[level].to_string(),
                })
                .into_iter()
                .collect();
            let layout = LayoutSpec {
                front_center_cm: [x, 400],
                seat_step_cm: [50, 0],
                row_step_cm: [0, 80],
            };
            SectionSpec {
                name: String::new(),
                rows: None,
                seats_per_row: None,
                row_lengths: Some(ranks.iter().map(|r| r.len() as u32).collect()),
                price_level: LEVELS[level].to_string(),
                price_bands,
                layout: geometric.then_some(layout),
                ranks: (!geometric).then_some(ranks),
                rank_offset: 0,
            }
        })
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

fn hold_request() -> impl Strategy<Value = seat_core::HoldRequest> {
    let section = prop::option::weighted(0.35, prop_oneof![9 => 0u32..4, 1 => Just(7u32)]);
    let level = prop::option::weighted(0.15, prop_oneof![9 => 0u32..3, 1 => Just(3u32)]);
    let max_price = prop::option::weighted(
        0.2,
        prop::sample::select(vec![999u64, 1_000, 2_500, 4_999, 5_000]),
    );
    (
        0u32..=7,
        section,
        level,
        max_price,
        prop::bool::weighted(0.3),
    )
        .prop_map(|(q, s, l, m, split)| request(q, s, l, m, split))
}

/// Mostly one of the last few holds, sometimes any, sometimes one never issued.
fn hold_pick() -> impl Strategy<Value = u64> {
    prop_oneof![8 => 1u64..=4, 1 => any::<u64>(), 1 => Just(0u64)]
}

fn command() -> impl Strategy<Value = Command> {
    let ttl = prop::sample::select(TTLS.to_vec());
    prop_oneof![
        6 => prop_oneof![Just(0i64), 1i64..=3, 4i64..=60, Just(-1i64)].prop_map(|delta| Command::Tick { delta }),
        10 => (hold_request(), ttl.clone()).prop_map(|(request, ttl)| Command::HoldBest { request, ttl }),
        3 => (prop::collection::vec(0u32..40, 0..=4), ttl.clone()).prop_map(|(seats, ttl)| Command::HoldSeats { seats, ttl }),
        3 => hold_request().prop_map(|request| Command::Suggest { request }),
        3 => (any::<usize>(), ttl).prop_map(|(pick, ttl)| Command::HoldStale { pick, ttl }),
        6 => hold_pick().prop_map(|pick| Command::Confirm { pick }),
        2 => hold_pick().prop_map(|pick| Command::Release { pick }),
        1 => Just(Command::Expire),
        1 => Just(Command::ExpireAtDeadline),
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
        1u32..=6,
        prop::collection::vec(command(), COMMANDS_PER_CASE),
    );
    let executed = std::cell::Cell::new(0u64);
    let outcomes = std::cell::RefCell::new(std::collections::BTreeMap::<String, u64>::new());
    let mut runner = TestRunner::new(config);
    let result = runner.run(&strategy, |(spec, limit, commands)| {
        let venue = Venue::build(&spec).map_err(|e| TestCaseError::fail(e.to_string()))?;
        let mut harness = Harness::new(venue, Limits::new(limit).unwrap());
        for (index, command) in commands.iter().enumerate() {
            if let Err(message) = harness.step(command) {
                let detail =
                    format!("step {index} {command:?}: {message}\nlimit {limit}, venue {spec:?}");
                return Err(TestCaseError::fail(detail));
            }
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
