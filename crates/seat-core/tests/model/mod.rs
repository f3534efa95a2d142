//! The model-check harness shared by the property tests, the byte-driven fuzz test and
//! the cargo-fuzz target: commands, and a runner that applies each command to the real
//! core and to the naive reference model, then compares the outcomes and the whole
//! observable state. Along the way it checks that refused calls change nothing (by
//! digest), that a snapshot restores to an equal core, and (at the end of a case) that
//! the journal replays into a fresh core with an equal digest and identical orders.

#![allow(dead_code)] // each including test target uses a different part

pub mod bytes;
pub mod reference;
pub mod venue;

use reference::Reference;
use seat_core::{
    AttributeFilter, CustomerId, HoldId, HoldRequest, IdempotencyKey, Limits, OffSaleReason,
    OrderId, PriceLevelId, RowId, SeatAttributes, SeatCore, SeatId, SectionId, Venue, VenueSpec,
};

/// Deadlines are `now + ttl`; a few short TTLs make expiry frequent.
pub const TTLS: [i64; 4] = [1, 5, 40, 400];

/// Prices a price change may set.
pub const PRICES: [u64; 4] = [500, 1_000, 2_500, 7_000];

/// One step of a command sequence.
#[derive(Clone, Debug)]
pub enum Command {
    /// Move the clock by `delta` (negative: a caller bug the core must refuse).
    Tick {
        delta: i64,
    },
    /// Best-available hold (the request may carry a customer and a key).
    HoldBest {
        request: HoldRequest,
        ttl: i64,
    },
    /// Hold these seat ids (some may not exist), maybe for a customer with a key.
    HoldSeats {
        seats: Vec<u32>,
        ttl: i64,
        customer: Option<u64>,
        key: Option<u64>,
    },
    /// Read best-available without holding; remember the answer as a stale map.
    Suggest {
        request: HoldRequest,
    },
    /// Hold the seats of a remembered suggestion (possibly stale).
    HoldStale {
        pick: usize,
        ttl: i64,
    },
    /// Confirm the hold `pick` places back from the next id (0 = unknown, 1 = latest),
    /// as `customer` (`None`: the anonymous `confirm`), idempotently or not.
    Confirm {
        pick: u64,
        customer: Option<u64>,
        idempotent: bool,
    },
    /// Release likewise.
    Release {
        pick: u64,
        customer: Option<u64>,
    },
    /// Give back the seats of a hold at the positions set in `mask` (or GA tickets).
    ReleasePart {
        pick: u64,
        customer: Option<u64>,
        mask: u8,
    },
    /// Move a hold's deadline to `now + delta`.
    Extend {
        pick: u64,
        customer: Option<u64>,
        delta: i64,
    },
    /// Cancel the order `pick` places back from the next order id.
    Cancel {
        pick: u64,
    },
    /// Take seats off sale, or put them back.
    OffSale {
        seats: Vec<u32>,
        kill: bool,
    },
    OnSale {
        seats: Vec<u32>,
    },
    /// Change a price level's price.
    SetPrice {
        level: u32,
        price: u64,
    },
    /// Open a GA tier.
    OpenTier {
        tier: u32,
    },
    /// Send the latest best-available request again (a client retry).
    Retry {
        ttl: i64,
    },
    /// Expiry timer (possibly spurious).
    Expire,
    /// Expire exactly at the next deadline, as a simulator's timer would.
    ExpireAtDeadline,
    /// Snapshot the core and go on with the restored copy (digests must match).
    Restore,
}

pub struct Harness {
    pub core: SeatCore,
    pub reference: Reference,
    /// The venue and limits, to replay the journal into a fresh core.
    pub venue: Venue,
    pub limits: Limits,
    /// Journal entries from before the latest restore (a restore starts a new core).
    pub journal_prefix: Vec<seat_core::Entry>,
    pub now: i64,
    pub stale_maps: Vec<Vec<SeatId>>,
    pub last_request: Option<HoldRequest>,
    pub steps: u64,
    /// How often each outcome was seen (by its Debug name), to show what was covered.
    pub outcomes: std::collections::BTreeMap<String, u64>,
}

/// A command's caller: `Some(OWNER)` stands for the hold's owner.
pub const OWNER: u64 = 7;

fn customer(id: Option<u64>) -> Option<CustomerId> {
    id.map(CustomerId)
}

impl Harness {
    /// The core gets the venue `Venue::build` makes of `spec`; the reference reads the
    /// spec itself. The two readings must agree seat by seat before anything runs.
    pub fn new(spec: &VenueSpec, limits: Limits) -> Result<Harness, String> {
        let venue = Venue::build(spec).map_err(|e| format!("venue does not build: {e}"))?;
        let reference = Reference::new(spec, limits)?;
        reference.venue.check_against(&venue)?;
        let mut core = SeatCore::new(venue.clone(), limits);
        core.start_journal();
        Ok(Harness {
            core,
            reference,
            venue,
            limits,
            journal_prefix: Vec::new(),
            now: -1_000,
            stale_maps: Vec::new(),
            last_request: None,
            steps: 0,
            outcomes: Default::default(),
        })
    }

    /// Applies one command to both sides; `Err` describes the first disagreement.
    pub fn step(&mut self, command: &Command) -> Result<(), String> {
        self.steps += 1;
        let now = self.now;
        // Every other step, expire first, so a refused call must leave the digest as it
        // was; on the others the call's own expiry is exercised.
        let before = if self.steps.is_multiple_of(2) {
            let (a, b) = (self.core.expire(now), self.reference.advance(now));
            if format!("{a:?}") != format!("{b:?}") {
                return Err(format!(
                    "pre-expire at {now}: core {a:?} vs reference {b:?}"
                ));
            }
            Some(self.core.digest())
        } else {
            None
        };
        let (next_now, refused) = self.apply(command)?;
        if let (Some(digest), true) = (before, refused)
            && self.core.digest() != digest
        {
            return Err(format!("refused {command:?} changed the state"));
        }
        self.now = next_now;
        self.compare_state()
    }

    /// Runs a command on both sides; returns the next `now` and whether it was refused.
    fn apply(&mut self, command: &Command) -> Result<(i64, bool), String> {
        let now = self.now;
        let issued = self.core.holds_issued();
        // `pick` counts back from the next id: 0 = not issued yet, 1 = the latest hold.
        let hold_id = |pick: u64| HoldId(issued + 1 - pick % (issued + 2));
        let orders = self.core.order_count();
        let order_id = |pick: u64| OrderId(orders + 1 - pick % (orders + 2));
        let mut next_now = now;
        let mut refused = false;
        let holds = &self.reference.holds;
        let caller = |pick: u64, c: &Option<u64>| match c {
            Some(OWNER) => holds
                .get((hold_id(pick).0 as usize).wrapping_sub(1))
                .and_then(|h| h.hold.customer.map(|c| c.0)),
            other => *other,
        };
        let command = &match command {
            Command::Confirm {
                pick,
                customer,
                idempotent,
            } => Command::Confirm {
                pick: *pick,
                customer: caller(*pick, customer),
                idempotent: *idempotent,
            },
            Command::Release { pick, customer } => Command::Release {
                pick: *pick,
                customer: caller(*pick, customer),
            },
            Command::ReleasePart {
                pick,
                customer,
                mask,
            } => Command::ReleasePart {
                pick: *pick,
                customer: caller(*pick, customer),
                mask: *mask,
            },
            Command::Extend {
                pick,
                customer,
                delta,
            } => Command::Extend {
                pick: *pick,
                customer: caller(*pick, customer),
                delta: *delta,
            },
            Command::Retry { ttl } => match &self.last_request {
                Some(request) => Command::HoldBest {
                    request: request.clone(),
                    ttl: *ttl,
                },
                None => return Ok((now, false)),
            },
            Command::HoldBest { request, .. } => {
                self.last_request = Some(request.clone());
                command.clone()
            }
            other => other.clone(),
        };
        let (core, reference) = (&mut self.core, &mut self.reference);
        let outcomes = &mut self.outcomes;
        let mut same = |what: &str, a: String, b: String| -> Result<(), String> {
            let kind = what.split(' ').next().unwrap_or(what);
            *outcomes
                .entry(format!("{kind}: {}", outcome_name(&a)))
                .or_default() += 1;
            refused = a.starts_with("Err(");
            if a == b {
                Ok(())
            } else {
                Err(format!("{what} at now={now}: core {a} vs reference {b}"))
            }
        };
        let seat_ids = |seats: &[u32]| seats.iter().map(|&s| SeatId(s)).collect::<Vec<_>>();
        match command {
            Command::Tick { delta } => {
                // A backwards tick is tried once (must be refused) and then undone.
                let target = now + delta;
                let (a, b) = (core.expire(target), reference.advance(target));
                if a.is_ok() {
                    next_now = target;
                }
                same("expire", format!("{a:?}"), format!("{b:?}"))?;
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
            Command::HoldSeats {
                seats,
                ttl,
                customer: c,
                key,
            } => {
                let seats = seat_ids(seats);
                let key = key.map(IdempotencyKey);
                let (a, b) = (
                    core.hold_seats_for(now, customer(*c), key, &seats, now + ttl),
                    reference.hold_seats(now, customer(*c), key, &seats, now + ttl),
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
                    return Ok((now, false));
                }
                let seats = self.stale_maps[pick % self.stale_maps.len()].clone();
                let (a, b) = (
                    core.hold_seats(now, &seats, now + ttl),
                    reference.hold_seats(now, None, None, &seats, now + ttl),
                );
                same(
                    &format!("stale hold_seats {seats:?}"),
                    format!("{a:?}"),
                    format!("{b:?}"),
                )?;
            }
            Command::Confirm {
                pick,
                customer: c,
                idempotent,
            } => {
                let id = hold_id(*pick);
                let a = match (c, idempotent) {
                    (None, false) => core.confirm(now, id),
                    _ => core.confirm_for(now, customer(*c), id),
                };
                let b = reference.confirm(now, customer(*c), id, *idempotent || c.is_some());
                same(&format!("confirm {id}"), format!("{a:?}"), format!("{b:?}"))?;
            }
            Command::Release { pick, customer: c } => {
                let id = hold_id(*pick);
                let a = match c {
                    None => core.release(now, id),
                    Some(_) => core.release_for(now, customer(*c), id),
                };
                let b = reference.release(now, customer(*c), id);
                same(&format!("release {id}"), format!("{a:?}"), format!("{b:?}"))?;
            }
            Command::ReleasePart {
                pick,
                customer: c,
                mask,
            } => {
                let id = hold_id(*pick);
                let hold = reference.hold(id);
                if hold.as_ref().is_some_and(|h| h.general_admission.is_some()) {
                    let tickets = u32::from(*mask % 8);
                    let (a, b) = (
                        core.release_tickets(now, customer(*c), id, tickets),
                        reference.release_tickets(now, customer(*c), id, tickets),
                    );
                    same(
                        &format!("release_tickets {id} {tickets}"),
                        format!("{a:?}"),
                        format!("{b:?}"),
                    )?;
                } else {
                    let seats: Vec<SeatId> = match &hold {
                        Some(h) => (h.seats.iter().enumerate())
                            .filter(|(i, _)| mask >> (i % 8) & 1 == 1)
                            .map(|(_, &s)| s)
                            .collect(),
                        None => vec![SeatId(u32::from(*mask))],
                    };
                    let (a, b) = (
                        core.release_seats(now, customer(*c), id, &seats),
                        reference.release_seats(now, customer(*c), id, &seats),
                    );
                    same(
                        &format!("release_seats {id} {seats:?}"),
                        format!("{a:?}"),
                        format!("{b:?}"),
                    )?;
                }
            }
            Command::Extend {
                pick,
                customer: c,
                delta,
            } => {
                let id = hold_id(*pick);
                let (a, b) = (
                    core.extend_hold(now, customer(*c), id, now + delta),
                    reference.extend(now, customer(*c), id, now + delta),
                );
                same(
                    &format!("extend_hold {id}"),
                    format!("{a:?}"),
                    format!("{b:?}"),
                )?;
            }
            Command::Cancel { pick } => {
                let id = order_id(*pick);
                let (a, b) = (core.cancel_order(now, id), reference.cancel(now, id));
                same(
                    &format!("cancel_order {id}"),
                    format!("{a:?}"),
                    format!("{b:?}"),
                )?;
            }
            Command::OffSale { seats, kill } => {
                let seats = seat_ids(seats);
                let reason = if *kill {
                    OffSaleReason::Kill
                } else {
                    OffSaleReason::AdminHold
                };
                let (a, b) = (
                    core.take_off_sale(now, &seats, reason),
                    reference.take_off_sale(now, &seats, reason),
                );
                same(
                    &format!("take_off_sale {seats:?}"),
                    format!("{a:?}"),
                    format!("{b:?}"),
                )?;
            }
            Command::OnSale { seats } => {
                let seats = seat_ids(seats);
                let (a, b) = (
                    core.return_to_sale(now, &seats),
                    reference.return_to_sale(now, &seats),
                );
                same(
                    &format!("return_to_sale {seats:?}"),
                    format!("{a:?}"),
                    format!("{b:?}"),
                )?;
            }
            Command::SetPrice { level, price } => {
                let level = PriceLevelId(*level);
                let (a, b) = (
                    core.set_price(now, level, *price),
                    reference.set_price(now, level, *price),
                );
                same(
                    &format!("set_price {level}"),
                    format!("{a:?}"),
                    format!("{b:?}"),
                )?;
            }
            Command::OpenTier { tier } => {
                let (a, b) = (core.open_tier(now, *tier), reference.open_tier(now, *tier));
                same(
                    &format!("open_tier {tier}"),
                    format!("{a:?}"),
                    format!("{b:?}"),
                )?;
            }
            Command::Retry { .. } => unreachable!("rewritten as HoldBest"),
            Command::Expire => {
                let (a, b) = (core.handle_timeout(now), reference.advance(now));
                same("handle_timeout", format!("{a:?}"), format!("{b:?}"))?;
            }
            Command::ExpireAtDeadline => {
                if let Some(deadline) = core.poll_timeout() {
                    let target = deadline.max(now);
                    // The view at the deadline must equal the state after expiring.
                    let view_counts = core.view(target).totals();
                    let (a, b) = (core.expire(target), reference.advance(target));
                    same("expire at deadline", format!("{a:?}"), format!("{b:?}"))?;
                    if view_counts != core.totals() {
                        return Err(format!(
                            "view({target}) {view_counts:?} vs after expiry {:?}",
                            core.totals()
                        ));
                    }
                    next_now = target;
                }
            }
            Command::Restore => {
                let digest = core.digest();
                self.journal_prefix.extend(core.take_journal());
                let snapshot = core.snapshot();
                let mut restored = SeatCore::restore(&snapshot).map_err(|e| e.to_string())?;
                if restored.digest() != digest || restored.snapshot() != snapshot {
                    return Err("restored snapshot differs from the original".to_string());
                }
                restored.start_journal();
                *core = restored;
            }
        }
        Ok((next_now, refused))
    }

    /// Everything observable must agree, and the core's own invariants must hold.
    pub fn compare_state(&self) -> Result<(), String> {
        let (core, reference) = (&self.core, &self.reference);
        core.check_invariants().map_err(|v| v.to_string())?;
        let zones = core.availability();
        if zones != reference.zone_availability() {
            return Err(format!(
                "zones: core {zones:?} vs reference {:?}",
                reference.zone_availability()
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
        for row in 0..reference.venue.rows.len() as u32 {
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
        for section in 0..reference.venue.sections.len() as u32 {
            let tiers = core.tier_availability(SectionId(section));
            if tiers != reference.tier_availability(section) {
                return Err(format!(
                    "tiers of section {section}: core {tiers:?} vs reference {:?}",
                    reference.tier_availability(section)
                ));
            }
        }
        for id in 1..=core.holds_issued() + 1 {
            let id = HoldId(id);
            if core.hold_status(id) != reference.hold_status(id)
                || core.hold(id) != reference.hold(id)
            {
                return Err(format!(
                    "{id}: core {:?} {:?} vs reference {:?} {:?}",
                    core.hold_status(id),
                    core.hold(id),
                    reference.hold_status(id),
                    reference.hold(id)
                ));
            }
        }
        for customer in 0..4 {
            let customer = CustomerId(customer);
            if core.customer_tickets(customer) != reference.customer_tickets(customer) {
                return Err(format!("{customer} tickets differ"));
            }
        }
        let orders: Vec<_> = core.orders().collect();
        if orders != reference.orders {
            return Err(format!(
                "orders: core {orders:?} vs reference {:?}",
                reference.orders
            ));
        }
        Ok(())
    }

    /// The journal of the whole case replays into a fresh core with an equal digest
    /// and the same orders.
    pub fn check_replay(&mut self) -> Result<(), String> {
        let mut journal = std::mem::take(&mut self.journal_prefix);
        journal.extend(self.core.take_journal());
        let mut replica = SeatCore::new(self.venue.clone(), self.limits);
        replica.replay(&journal).map_err(|e| e.to_string())?;
        if replica.digest() != self.core.digest() {
            return Err(format!(
                "replay of {} entries gives another digest",
                journal.len()
            ));
        }
        if !replica.orders().eq(self.core.orders()) {
            return Err("replay gives other orders".to_string());
        }
        self.journal_prefix = journal;
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

/// The parts of a request as the property test and the fuzzers draw them: section and
/// price-level indices may point one past the end (unknown ids); `who` is a customer
/// and an idempotency key; `attributes` packs require (low 2 bits) and avoid (next 2).
pub struct RequestParts {
    pub quantity: u32,
    pub section: Option<u32>,
    pub price_level: Option<u32>,
    pub max_price: Option<u64>,
    pub split: bool,
    pub customer: Option<u64>,
    pub key: Option<u64>,
    pub attributes: u8,
}

pub fn request(parts: RequestParts) -> HoldRequest {
    let mut request = HoldRequest::new(parts.quantity);
    request.section = parts.section.map(SectionId);
    request.price_level = parts.price_level.map(PriceLevelId);
    request.max_price_minor = parts.max_price;
    request.allow_split = parts.split;
    request.customer = parts.customer.map(CustomerId);
    request.idempotency_key = parts.key.map(IdempotencyKey);
    request.attributes = AttributeFilter {
        require: SeatAttributes::from_bits(parts.attributes & 3),
        avoid: SeatAttributes::from_bits(parts.attributes >> 2 & 3),
    };
    request
}
