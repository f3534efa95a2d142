//! Fuzz target: a venue and a command sequence decoded from the input bytes, run against
//! the real core and the naive reference model of the property tests. Any disagreement,
//! broken invariant or panic is a finding.
//!
//! Run (from crates/seat-core/fuzz): `cargo fuzz run commands` (nightly), or on stable
//! `RUSTC_BOOTSTRAP=1 cargo fuzz run commands`.
#![no_main]

use libfuzzer_sys::fuzz_target;
use seat_core::{GeneralAdmissionSpec, Limits, PriceLevelSpec, SectionSpec, TierSpec, Venue, VenueSpec};

#[path = "../../tests/model/mod.rs"]
mod model;

use model::{Command, Harness, TTLS, request};

/// Reads bytes one at a time, yielding zeros once the input runs out.
struct Bytes<'a>(&'a [u8]);

impl Bytes<'_> {
    fn next(&mut self) -> u8 {
        let (&first, rest) = self.0.split_first().unwrap_or((&0, &[]));
        self.0 = rest;
        first
    }

    fn below(&mut self, bound: u8) -> u8 {
        self.next() % bound
    }

    fn done(&self) -> bool {
        self.0.is_empty()
    }
}

const LEVELS: [&str; 3] = ["low", "mid", "high"];

fn venue(bytes: &mut Bytes) -> VenueSpec {
    let mut sections = Vec::new();
    for index in 0..bytes.below(4) {
        let ranks: Vec<Vec<u32>> = (0..1 + bytes.below(4))
            .map(|_| (0..1 + bytes.below(12)).map(|_| u32::from(bytes.below(6))).collect())
            .collect();
        sections.push(SectionSpec {
            name: format!("s{index}"),
            rows: None,
            seats_per_row: None,
            row_lengths: Some(ranks.iter().map(|r| r.len() as u32).collect()),
            price_level: LEVELS[bytes.below(3) as usize].to_string(),
            price_bands: Vec::new(),
            layout: None,
            ranks: Some(ranks),
            rank_offset: 0,
            seat_attributes: Vec::new(),
        });
    }
    let mut general_admission = Vec::new();
    if sections.is_empty() || bytes.below(2) == 1 {
        let tiers = (0..1 + bytes.below(3))
            .map(|_| TierSpec { price_level: LEVELS[bytes.below(3) as usize].to_string(), capacity: 1 + u32::from(bytes.below(8)) })
            .collect();
        general_admission.push(GeneralAdmissionSpec { name: "ga".to_string(), tiers });
    }
    let price_levels = [("low", 1_000), ("mid", 2_500), ("high", 5_000)]
        .iter()
        .map(|&(name, price_minor)| PriceLevelSpec { name: name.to_string(), price_minor })
        .collect();
    VenueSpec { name: "fuzz".to_string(), capacity: None, focal_point_cm: [0, 0], price_levels, sections, general_admission }
}

fn hold_request(bytes: &mut Bytes) -> seat_core::HoldRequest {
    let flags = bytes.next();
    let section = (flags & 1 == 1).then(|| u32::from(bytes.below(6)));
    let level = (flags & 2 == 2).then(|| u32::from(bytes.below(4)));
    let max_price = (flags & 4 == 4).then(|| [999, 1_000, 2_500, 4_999, 5_000][bytes.below(5) as usize]);
    request(u32::from(bytes.below(8)), section, level, max_price, flags & 8 == 8)
}

fn command(bytes: &mut Bytes) -> Command {
    let ttl = |bytes: &mut Bytes| TTLS[bytes.below(TTLS.len() as u8) as usize];
    match bytes.below(9) {
        0 => Command::Tick { delta: i64::from(bytes.next() as i8) },
        1 => Command::HoldBest { request: hold_request(bytes), ttl: ttl(bytes) },
        2 => {
            let seats = (0..bytes.below(5)).map(|_| u32::from(bytes.below(64))).collect();
            Command::HoldSeats { seats, ttl: ttl(bytes) }
        }
        3 => Command::Suggest { request: hold_request(bytes) },
        4 => Command::HoldStale { pick: usize::from(bytes.next()), ttl: ttl(bytes) },
        5 => Command::Confirm { pick: u64::from(bytes.below(6)) },
        6 => Command::Release { pick: u64::from(bytes.below(6)) },
        7 => Command::Expire,
        _ => Command::ExpireAtDeadline,
    }
}

fuzz_target!(|data: &[u8]| {
    let mut bytes = Bytes(data);
    let spec = venue(&mut bytes);
    let limit = 1 + u32::from(bytes.below(6));
    let venue = Venue::build(&spec).expect("decoded venues are valid");
    let mut harness = Harness::new(venue, Limits::new(limit).unwrap());
    let mut steps = 0;
    while !bytes.done() && steps < 2_000 {
        let command = command(&mut bytes);
        if let Err(message) = harness.step(&command) {
            panic!("step {steps} {command:?}: {message}\nlimit {limit}, venue {spec:?}");
        }
        steps += 1;
    }
});
