//! The model-check harness shared by the property tests and the fuzz target: commands,
//! and a runner that applies each command to the real core and to the naive reference
//! model, then compares the outcomes and the whole observable state.

#![allow(dead_code)] // each including test target uses a different part

pub mod reference;

use reference::Reference;
use seat_core::{
    HoldId, HoldRequest, Limits, PriceLevelId, RowId, SeatCore, SeatId, SectionId, Venue,
};

/// Deadlines are `now + ttl`; a few short TTLs make expiry frequent.
pub const TTLS: [i64; 4] = [1, 5, 40, 400];

/// One step of a command sequence.
#[derive(Clone, Debug)]
pub enum Command {
    /// Move the clock by `delta` (negative: a caller bug the core must refuse).
    Tick { delta: i64 },
    /// Best-available hold.
    HoldBest { request: HoldRequest, ttl: i64 },
    /// Hold these seat ids (some may not exist).
    HoldSeats { seats: Vec<u32>, ttl: i64 },
    /// Read best-available without holding; remember the answer as a stale map.
    Suggest { request: HoldRequest },
    /// Hold the seats of a remembered suggestion (possibly stale).
    HoldStale { pick: usize, ttl: i64 },
    /// Confirm the hold `pick` places back from the next id (0 = unknown, 1 = latest).
    Confirm { pick: u64 },
    /// Release likewise.
    Release { pick: u64 },
    /// Expiry timer (possibly spurious).
    Expire,
    /// Expire exactly at the next deadline, as a simulator's timer would.
    ExpireAtDeadline,
}

pub struct Harness {
    pub core: SeatCore,
    pub reference: Reference,
    pub now: i64,
    pub stale_maps: Vec<Vec<SeatId>>,
    pub steps: u64,
    /// How often each outcome was seen (by its Debug name), to show what was covered.
    pub outcomes: std::collections::BTreeMap<String, u64>,
}

impl Harness {
    pub fn new(venue: Venue, limits: Limits) -> Harness {
        Harness {
            core: SeatCore::new(venue.clone(), limits),
            reference: Reference::new(venue, limits),
            now: -1_000,
            stale_maps: Vec::new(),
            steps: 0,
            outcomes: Default::default(),
        }
    }

    /// Applies one command to both sides; `Err` describes the first disagreement.
    pub fn step(&mut self, command: &Command) -> Result<(), String> {
        self.steps += 1;
        let now = self.now;
        let issued = self.core.holds_issued();
        // `pick` counts back from the next id: 0 = not issued yet, 1 = the latest hold.
        let hold_id = |pick: u64| HoldId(issued + 1 - pick % (issued + 2));
        let mut next_now = now;
        let (core, reference) = (&mut self.core, &mut self.reference);
        let outcomes = &mut self.outcomes;
        let mut same = |what: &str, a: String, b: String| -> Result<(), String> {
            let kind = what.split(' ').next().unwrap_or(what);
            *outcomes
                .entry(format!("{kind}: {}", outcome_name(&a)))
                .or_default() += 1;
            if a == b {
                Ok(())
            } else {
                Err(format!("{what} at now={now}: core {a} vs reference {b}"))
            }
        };
        match command {
            Command::Tick { delta } => {
                // A backwards tick is tried once (must be refused) and then undone.
                let target = now + delta;
                let (a, b) = (core.expire(target), reference.advance(target));
                same("expire", format!("{a:?}"), format!("{b:?}"))?;
                if a.is_ok() {
                    next_now = target;
                }
            }
            Command::HoldBest { request, ttl } => {
                let (a, b) = (
                    core.hold_best_available(now, request, now + ttl),
                    reference.hold_best_available(now, request, now + ttl),
                );
                same(
                    &format!("hold_best_available {request:?}"),
                    format!("{a:?}"),
                    format!("{b:?}"),
                )?;
            }
            Command::HoldSeats { seats, ttl } => {
                let seats: Vec<SeatId> = seats.iter().map(|&s| SeatId(s)).collect();
                let (a, b) = (
                    core.hold_seats(now, &seats, now + ttl),
                    reference.hold_seats(now, &seats, now + ttl),
                );
                same(
                    &format!("hold_seats {seats:?}"),
                    format!("{a:?}"),
                    format!("{b:?}"),
                )?;
            }
            Command::Suggest { request } => {
                let (a, b) = (core.suggest_seats(request), reference.suggest(request));
                same(
                    &format!("suggest_seats {request:?}"),
                    format!("{a:?}"),
                    format!("{b:?}"),
                )?;
                if let Ok(suggestion) = a
                    && !suggestion.seats.is_empty()
                {
                    self.stale_maps.push(suggestion.seats.to_vec());
                }
            }
            Command::HoldStale { pick, ttl } => {
                if self.stale_maps.is_empty() {
                    return Ok(());
                }
                let seats = self.stale_maps[pick % self.stale_maps.len()].clone();
                let (a, b) = (
                    core.hold_seats(now, &seats, now + ttl),
                    reference.hold_seats(now, &seats, now + ttl),
                );
                same(
                    &format!("stale hold_seats {seats:?}"),
                    format!("{a:?}"),
                    format!("{b:?}"),
                )?;
            }
            Command::Confirm { pick } => {
                let id = hold_id(*pick);
                let (a, b) = (core.confirm(now, id), reference.confirm(now, id));
                same(&format!("confirm {id}"), format!("{a:?}"), format!("{b:?}"))?;
            }
            Command::Release { pick } => {
                let id = hold_id(*pick);
                let (a, b) = (core.release(now, id), reference.release(now, id));
                same(&format!("release {id}"), format!("{a:?}"), format!("{b:?}"))?;
            }
            Command::Expire => {
                let (a, b) = (core.handle_timeout(now), reference.advance(now));
                same("handle_timeout", format!("{a:?}"), format!("{b:?}"))?;
            }
            Command::ExpireAtDeadline => {
                if let Some(deadline) = core.poll_timeout() {
                    let target = deadline.max(now);
                    let (a, b) = (core.expire(target), reference.advance(target));
                    same("expire at deadline", format!("{a:?}"), format!("{b:?}"))?;
                    next_now = target;
                }
            }
        }
        self.now = next_now;
        self.compare_state()
    }

    /// Everything observable must agree, and the core's own invariants must hold.
    pub fn compare_state(&self) -> Result<(), String> {
        let (core, reference) = (&self.core, &self.reference);
        core.check_invariants().map_err(|v| v.to_string())?;
        let counts: Vec<_> = core.availability().iter().map(|z| z.counts).collect();
        if counts != reference.zone_counts() {
            return Err(format!(
                "zone counts: core {counts:?} vs reference {:?}",
                reference.zone_counts()
            ));
        }
        if core.revenue_minor() != reference.revenue_minor() {
            return Err(format!(
                "revenue: core {} vs reference {}",
                core.revenue_minor(),
                reference.revenue_minor()
            ));
        }
        if core.poll_timeout() != reference.poll_timeout() {
            return Err(format!(
                "poll_timeout: core {:?} vs reference {:?}",
                core.poll_timeout(),
                reference.poll_timeout()
            ));
        }
        for row in 0..core.venue().rows().len() as u32 {
            let runs: Vec<(u32, u32)> = core
                .free_runs(RowId(row))
                .iter()
                .map(|r| (r.first_seat.0, r.len))
                .collect();
            if runs != reference.free_runs(row) {
                return Err(format!(
                    "free runs of row {row}: core {runs:?} vs reference {:?}",
                    reference.free_runs(row)
                ));
            }
        }
        for section in 0..core.venue().sections().len() as u32 {
            for tier in core.tier_availability(SectionId(section)) {
                let expected = reference.tier_counts(tier.tier);
                if tier.counts != expected {
                    return Err(format!(
                        "tier {}: core {:?} vs reference {expected:?}",
                        tier.tier, tier.counts
                    ));
                }
            }
        }
        for id in 1..=core.holds_issued() + 1 {
            let id = HoldId(id);
            if core.hold_status(id) != reference.hold_status(id) {
                return Err(format!(
                    "{id} status: core {:?} vs reference {:?}",
                    core.hold_status(id),
                    reference.hold_status(id)
                ));
            }
        }
        Ok(())
    }
}

/// `Ok` or the refusal's variant name, from a result's Debug text.
fn outcome_name(debug: &str) -> &str {
    match debug.strip_prefix("Err(") {
        Some(rest) => rest.split(['(', ' ', '{', ')']).next().unwrap_or(rest),
        None => "Ok",
    }
}

/// A request built from small numbers, as both the property test and the fuzzer draw
/// them: section/price-level indices may point one past the end (unknown ids).
pub fn request(
    quantity: u32,
    section: Option<u32>,
    price_level: Option<u32>,
    max_price: Option<u64>,
    split: bool,
) -> HoldRequest {
    HoldRequest {
        quantity,
        section: section.map(SectionId),
        price_level: price_level.map(PriceLevelId),
        max_price_minor: max_price,
        allow_split: split,
    }
}
