//! Snapshots and the state digest.
//!
//! A [`Snapshot`] is the whole logical state of a core as plain data: the venue spec,
//! the limits, the clock, prices, off-sale seats, every hold ever issued (live ones
//! with their tickets and locked prices) and every order. Indexes are not in it; they
//! are rebuilt on restore, and the restored core must pass `check_invariants`.
//! With the `serde` feature it serializes; `format_version` says which layout it has.
//!
//! [`SeatCore::digest`] folds the same logical state (with the built venue in place of
//! its spec) into 64 bits with FNV-1a over little-endian words: equal on every
//! platform and run for equal states, so a replica can prove it matches the leader.

use crate::attributes::SeatAttributes;
use crate::best_index::BestIndex;
use crate::core::{HoldStats, SeatCore, SeatState, Seats, move_tickets};
use crate::digest::Fnv;
use crate::hold::{Fate, GaLine, GaTickets, NewHold};
use crate::ids::{CustomerId, HoldId, IdempotencyKey, OrderId, SeatId};
use crate::lifecycle::OffSaleReason;
use crate::limits::Limits;
use crate::order::Order;
use crate::spec::VenueSpec;
use crate::tally::Move;
use crate::venue::{SectionKind, Venue, VenueError};
use crate::{InvariantViolation, LimitsError};
use std::fmt;

/// Version of the snapshot layout this crate writes and reads.
pub const SNAPSHOT_FORMAT_VERSION: u32 = 1;

/// The whole state of a core, as plain data.
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Snapshot {
    /// [`SNAPSHOT_FORMAT_VERSION`] when written.
    pub format_version: u32,
    /// The venue.
    pub venue: VenueSpec,
    /// The limits.
    pub limits: Limits,
    /// The latest `now` accepted.
    pub latest: Option<i64>,
    /// Current price of each price level, minor units.
    pub prices_minor: Vec<u64>,
    /// GA tiers the operator opened.
    pub tiers_opened: Vec<u32>,
    /// Seats off sale, by seat id.
    pub off_sale: Vec<(SeatId, OffSaleReason)>,
    /// Every hold ever issued, by id from 1.
    pub holds: Vec<HoldRecord>,
    /// Every order, by id from 1.
    pub orders: Vec<Order>,
    /// Cumulative hold outcomes.
    pub stats: HoldStats,
}

/// One issued hold.
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct HoldRecord {
    /// Its id.
    pub id: HoldId,
    /// Its owner.
    pub customer: Option<CustomerId>,
    /// Its idempotency key, with the fingerprint of the request that used it.
    pub idempotency_key: Option<(IdempotencyKey, u64)>,
    /// What became of it.
    pub fate: HoldFate,
}

/// What became of a hold.
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub enum HoldFate {
    /// Still holding these tickets.
    Live(LiveHold),
    /// Confirmed into this order.
    Confirmed(OrderId),
    /// Released by its owner.
    Released,
    /// Expired.
    Expired,
}

/// A live hold's tickets.
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct LiveHold {
    /// When it was granted (its lifetime is measured from here).
    pub granted_at: i64,
    /// Its deadline.
    pub deadline: i64,
    /// Reserved seats.
    pub seats: Vec<SeatId>,
    /// Each seat's price when held.
    pub seat_prices_minor: Vec<u64>,
    /// GA tickets.
    pub general_admission: Option<GaTickets>,
    /// Each GA line's ticket price when held.
    pub line_prices_minor: Vec<u64>,
}

/// A snapshot that cannot be restored. Fatal for that snapshot.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum RestoreError {
    /// Written by another version of the layout.
    UnsupportedVersion(u32),
    /// The venue spec does not build.
    Venue(VenueError),
    /// The limits are invalid.
    Limits(LimitsError),
    /// The state contradicts itself or the venue.
    Invalid(String),
    /// The rebuilt core breaks an invariant.
    Invariant(InvariantViolation),
}

impl fmt::Display for RestoreError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RestoreError::UnsupportedVersion(v) => write!(
                f,
                "snapshot format_version {v}; this seat-core reads {SNAPSHOT_FORMAT_VERSION}"
            ),
            RestoreError::Venue(error) => write!(f, "snapshot venue: {error}"),
            RestoreError::Limits(error) => write!(f, "snapshot limits: {error}"),
            RestoreError::Invalid(detail) => write!(f, "snapshot state: {detail}"),
            RestoreError::Invariant(violation) => write!(f, "restored state: {violation}"),
        }
    }
}

impl std::error::Error for RestoreError {}

fn invalid<T>(detail: String) -> Result<T, RestoreError> {
    Err(RestoreError::Invalid(detail))
}

impl SeatCore {
    /// The whole state as plain data. O(state).
    pub fn snapshot(&self) -> Snapshot {
        let off_sale = (self.seat_states.iter().enumerate())
            .filter_map(|(seat, state)| {
                let reason = match state {
                    SeatState::AdminHold => OffSaleReason::AdminHold,
                    SeatState::Killed => OffSaleReason::Kill,
                    _ => return None,
                };
                Some((SeatId(seat as u32), reason))
            })
            .collect();
        let mut keys = vec![None; self.holds.fates.len()];
        for (&(_, key), &(hold, fingerprint)) in &self.holds.keys {
            keys[hold.index() - 1] = Some((key, fingerprint));
        }
        let holds = (self.holds.fates.iter().zip(&self.holds.owners).zip(keys))
            .enumerate()
            .map(|(index, ((fate, &customer), idempotency_key))| HoldRecord {
                id: HoldId(index as u64 + 1),
                customer,
                idempotency_key,
                fate: self.hold_fate(*fate),
            })
            .collect();
        Snapshot {
            format_version: SNAPSHOT_FORMAT_VERSION,
            venue: self.venue.spec.clone(),
            limits: self.limits,
            latest: self.latest,
            prices_minor: self.prices.clone(),
            tiers_opened: (0..self.tiers_opened.len() as u32)
                .filter(|&tier| self.tiers_opened[tier as usize])
                .collect(),
            off_sale,
            holds,
            orders: self.orders().collect(),
            stats: self.stats,
        }
    }

    fn hold_fate(&self, fate: Fate) -> HoldFate {
        match fate {
            Fate::Live { slot } => {
                let data = &self.holds.slots[slot as usize];
                HoldFate::Live(LiveHold {
                    granted_at: data.granted_at,
                    deadline: data.deadline,
                    seats: data.seats.clone(),
                    seat_prices_minor: data.seat_prices.clone(),
                    general_admission: data.general_admission.map(|section| GaTickets {
                        section,
                        lines: data.lines.clone(),
                    }),
                    line_prices_minor: data.line_prices.clone(),
                })
            }
            Fate::Confirmed { order } => HoldFate::Confirmed(OrderId(u64::from(order) + 1)),
            Fate::Released => HoldFate::Released,
            Fate::Expired => HoldFate::Expired,
        }
    }

    /// A core in exactly the state of `snapshot` (journaling off). Every id, seat, tier
    /// and count is checked, and the rebuilt core must pass `check_invariants`; a bad
    /// snapshot is an error, never a panic.
    pub fn restore(snapshot: &Snapshot) -> Result<SeatCore, RestoreError> {
        if snapshot.format_version != SNAPSHOT_FORMAT_VERSION {
            return Err(RestoreError::UnsupportedVersion(snapshot.format_version));
        }
        let venue = Venue::build(&snapshot.venue).map_err(RestoreError::Venue)?;
        let given = snapshot.limits;
        let limits = Limits::new(given.max_tickets_per_order())
            .map_err(RestoreError::Limits)?
            .with_max_hold_ttl_ns(given.max_hold_ttl_ns().max(1) as u64);
        let limits = match given.max_tickets_per_customer() {
            Some(tickets) => limits.with_max_tickets_per_customer(tickets),
            None => limits,
        };
        let mut core = SeatCore::new(venue, limits);
        core.restore_state(snapshot)?;
        core.index = BestIndex::new(&core.venue, limits.max_tickets_per_order(), &core.free);
        core.check_invariants().map_err(RestoreError::Invariant)?;
        Ok(core)
    }

    fn restore_state(&mut self, snapshot: &Snapshot) -> Result<(), RestoreError> {
        self.latest = snapshot.latest;
        if snapshot.prices_minor.len() != self.prices.len() {
            return invalid(format!(
                "{} prices for {} levels",
                snapshot.prices_minor.len(),
                self.prices.len()
            ));
        }
        self.prices.clone_from(&snapshot.prices_minor);
        for &tier in &snapshot.tiers_opened {
            match self.tiers_opened.get_mut(tier as usize) {
                Some(opened) => *opened = true,
                None => return invalid(format!("unknown GA tier {tier}")),
            }
        }
        for &(seat, reason) in &snapshot.off_sale {
            self.claim_seats(&[seat], "off sale")?;
            let state = match reason {
                OffSaleReason::AdminHold => SeatState::AdminHold,
                OffSaleReason::Kill => SeatState::Killed,
            };
            self.mark(&[seat], state, &[Move::TakeOff], &[]);
        }
        for (index, record) in snapshot.holds.iter().enumerate() {
            self.restore_hold(index, record)?;
        }
        for (index, order) in snapshot.orders.iter().enumerate() {
            self.restore_order(index, order, snapshot)?;
        }
        self.stats = snapshot.stats;
        Ok(())
    }

    /// Checks that seats exist, are distinct and free.
    fn claim_seats(&self, seats: &[SeatId], what: &str) -> Result<(), RestoreError> {
        self.check_seats_free(seats)
            .or_else(|refusal| invalid(format!("{what}: {refusal}")))
    }

    /// Checks GA lines: tiers of this GA area, at their price levels, with room.
    fn claim_lines(&self, tickets: &GaTickets, what: &str) -> Result<(), RestoreError> {
        let section = self.venue.sections.get(tickets.section.index());
        let Some(SectionKind::GeneralAdmission { tiers }) = section.map(|s| &s.kind) else {
            return invalid(format!("{what}: {} is not a GA area", tickets.section));
        };
        for (position, line) in tickets.lines.iter().enumerate() {
            let fits = tiers.contains(&line.tier)
                && !tickets.lines[..position]
                    .iter()
                    .any(|l| l.tier == line.tier)
                && self.venue.tiers[line.tier as usize].price_level == line.price_level
                && line.tickets > 0
                && line.tickets <= self.tally.tiers[line.tier as usize].free;
            if !fits {
                return invalid(format!("{what}: GA line {line:?} does not fit"));
            }
        }
        Ok(())
    }

    /// Sets seats' state and free bits and moves the tally (seats and GA lines).
    fn mark(&mut self, seats: &[SeatId], state: SeatState, moves: &[Move], lines: &[GaLine]) {
        for &seat in seats {
            self.seat_states[seat.index()] = state;
            if state == SeatState::Free {
                self.free.set_free(seat.0);
            } else {
                self.free.set_taken(seat.0);
            }
        }
        let moved = Seats {
            list: seats,
            single_row: None,
        };
        for &movement in moves {
            move_tickets(&mut self.tally, &self.venue, movement, moved, lines);
        }
    }

    fn restore_hold(&mut self, index: usize, record: &HoldRecord) -> Result<(), RestoreError> {
        let what = format!("hold {index}");
        if record.id != HoldId(index as u64 + 1) {
            return invalid(format!("{what} has id {}", record.id));
        }
        if let Some((key, fingerprint)) = record.idempotency_key
            && self
                .holds
                .keys
                .insert((record.customer, key), (record.id, fingerprint))
                .is_some()
        {
            return invalid(format!("{what}: {key} used twice"));
        }
        let live = match &record.fate {
            HoldFate::Live(live) => live,
            ended => {
                let fate = match ended {
                    HoldFate::Confirmed(order)
                        if order.0 >= 1 && order.0 <= u64::from(u32::MAX) =>
                    {
                        Fate::Confirmed {
                            order: (order.0 - 1) as u32,
                        }
                    }
                    HoldFate::Released => Fate::Released,
                    HoldFate::Expired => Fate::Expired,
                    _ => return invalid(format!("{what}: bad fate {ended:?}")),
                };
                self.holds.push_ended(fate, record.customer);
                return Ok(());
            }
        };
        self.claim_seats(&live.seats, &what)?;
        let lines = live
            .general_admission
            .as_ref()
            .map_or(&[][..], |ga| &ga.lines);
        if let Some(tickets) = &live.general_admission {
            self.claim_lines(tickets, &what)?;
        }
        let tickets =
            live.seats.len() as u64 + lines.iter().map(|l| u64::from(l.tickets)).sum::<u64>();
        if live.seat_prices_minor.len() != live.seats.len()
            || live.line_prices_minor.len() != lines.len()
            || tickets == 0
            || tickets > u64::from(self.limits.max_tickets_per_order())
            || (!live.seats.is_empty() && !lines.is_empty())
        {
            return invalid(format!("{what}: tickets and prices do not match"));
        }
        let total = live
            .seat_prices_minor
            .iter()
            .try_fold(0u64, |sum, &p| sum.checked_add(p));
        let total = (lines.iter().zip(&live.line_prices_minor))
            .try_fold(total.unwrap_or(u64::MAX), |sum, (line, &price)| {
                sum.checked_add(u64::from(line.tickets).checked_mul(price)?)
            })
            .filter(|_| total.is_some())
            .ok_or_else(|| RestoreError::Invalid(format!("{what}: price overflows")))?;
        self.mark(&live.seats, SeatState::Held, &[Move::Hold], lines);
        let hold = NewHold {
            deadline: live.deadline,
            seats: &live.seats,
            single_row: None,
            general_admission: live
                .general_admission
                .as_ref()
                .map(|ga| (ga.section, &ga.lines[..])),
            tickets: tickets as u32,
            total_price_minor: total,
            seat_prices: &live.seat_prices_minor,
            line_prices: &live.line_prices_minor,
            customer: record.customer,
            key: None, // inserted above
            granted_at: live.granted_at,
        };
        self.holds.insert(hold);
        self.deadlines.push(live.deadline, record.id);
        self.add_customer_tickets(record.customer, tickets as u32);
        Ok(())
    }

    fn restore_order(
        &mut self,
        index: usize,
        order: &Order,
        snapshot: &Snapshot,
    ) -> Result<(), RestoreError> {
        let what = format!("order {index}");
        let hold = order
            .hold
            .0
            .checked_sub(1)
            .and_then(|i| snapshot.holds.get(i as usize));
        let linked = hold.is_some_and(|h| {
            h.fate == HoldFate::Confirmed(order.id) && h.customer == order.customer
        });
        if order.id != OrderId(index as u64 + 1) || !linked {
            return invalid(format!(
                "{what}: id {} or hold {} do not match",
                order.id, order.hold
            ));
        }
        let lines = order
            .general_admission
            .as_ref()
            .map_or(&[][..], |ga| &ga.lines);
        let tickets =
            order.seats.len() as u64 + lines.iter().map(|l| u64::from(l.tickets)).sum::<u64>();
        if tickets != u64::from(order.tickets) {
            return invalid(format!(
                "{what}: {} tickets recorded, {tickets} found",
                order.tickets
            ));
        }
        if order.cancelled_at.is_none() {
            self.claim_seats(&order.seats, &what)?;
            if let Some(tickets) = &order.general_admission {
                self.claim_lines(tickets, &what)?;
            }
            self.mark(
                &order.seats,
                SeatState::Sold,
                &[Move::Hold, Move::Sell],
                lines,
            );
            self.tally.revenue_minor = (self.tally.revenue_minor)
                .checked_add(order.total_price_minor)
                .ok_or_else(|| RestoreError::Invalid(format!("{what}: revenue overflows")))?;
            self.add_customer_tickets(order.customer, order.tickets);
        } else if order
            .seats
            .iter()
            .any(|s| s.index() >= self.seat_states.len())
        {
            return invalid(format!("{what}: unknown seat"));
        }
        self.orders.push_restored(order);
        Ok(())
    }

    /// A 64-bit digest of the whole logical state (venue, limits, clock, prices, seats,
    /// holds, orders, counts): equal for equal states on every platform and run.
    /// O(state); for comparing replicas and replays, not for every call.
    pub fn digest(&self) -> u64 {
        let mut hash = Fnv::new();
        hash.u64(self.venue.digest());
        let limits = self.limits;
        hash.u32(limits.max_tickets_per_order())
            .option(limits.max_tickets_per_customer().map(u64::from))
            .i64(limits.max_hold_ttl_ns())
            .option(self.latest.map(|t| t as u64));
        self.prices.iter().for_each(|&p| ignore(hash.u64(p)));
        self.tiers_opened
            .iter()
            .for_each(|&o| ignore(hash.u64(u64::from(o))));
        self.seat_states
            .iter()
            .for_each(|&s| ignore(hash.u64(s as u64)));
        for (index, (fate, owner)) in self.holds.fates.iter().zip(&self.holds.owners).enumerate() {
            hash.u64(index as u64).option(owner.map(|c| c.0));
            match *fate {
                Fate::Live { slot } => {
                    let data = &self.holds.slots[slot as usize];
                    hash.u64(0)
                        .i64(data.granted_at)
                        .i64(data.deadline)
                        .u32(data.tickets);
                    hash.u64(data.total_price_minor);
                    data.seats.iter().for_each(|s| ignore(hash.u32(s.0)));
                    data.seat_prices.iter().for_each(|&p| ignore(hash.u64(p)));
                    hash.option(data.general_admission.map(|s| u64::from(s.0)));
                    for (line, &price) in data.lines.iter().zip(&data.line_prices) {
                        hash.u32(line.tier).u32(line.tickets).u64(price);
                    }
                }
                Fate::Confirmed { order } => ignore(hash.u64(1).u32(order)),
                Fate::Released => ignore(hash.u64(2)),
                Fate::Expired => ignore(hash.u64(3)),
            }
        }
        for (&(customer, key), &(hold, fingerprint)) in &self.holds.keys {
            hash.option(customer.map(|c| c.0))
                .u64(key.0)
                .u64(hold.0)
                .u64(fingerprint);
        }
        hash.u64(self.orders.checksum);
        self.orders
            .cancelled_at
            .iter()
            .for_each(|&c| ignore(hash.option(c.map(|t| t as u64))));
        let stats = self.stats;
        for count in [
            stats.granted,
            stats.confirmed,
            stats.released,
            stats.expired,
            stats.cancelled,
        ] {
            hash.u64(count);
        }
        let counts = self.tally.zones.iter().chain(&self.tally.tiers);
        for c in counts.chain([&self.tally.total]) {
            hash.u32(c.free).u32(c.held).u32(c.sold).u32(c.off_sale);
        }
        hash.u64(self.tally.revenue_minor);
        hash.finish()
    }
}

impl Venue {
    /// A 64-bit digest of the built venue (names, prices, sections, rows, tiers, seat
    /// ranks and attributes); stable across platforms and runs.
    pub fn digest(&self) -> u64 {
        let mut hash = Fnv::new();
        hash.str(&self.name);
        for level in &self.price_levels {
            hash.str(&level.name).u64(level.price_minor);
        }
        for section in &self.sections {
            let (kind, range) = match &section.kind {
                SectionKind::Reserved { rows } => (0, rows),
                SectionKind::GeneralAdmission { tiers } => (1, tiers),
            };
            hash.str(&section.name)
                .u64(kind)
                .u32(range.start)
                .u32(range.end)
                .u32(section.capacity);
        }
        for row in &self.rows {
            hash.u32(row.section.0)
                .u32(row.index_in_section)
                .u32(row.first_seat.0);
            hash.u32(row.len).u32(row.price_level.0).u32(row.zone);
        }
        for tier in &self.tiers {
            hash.u32(tier.section.0)
                .u32(tier.price_level.0)
                .u32(tier.capacity)
                .u32(tier.zone);
        }
        self.seat_ranks.iter().for_each(|&r| ignore(hash.u32(r)));
        let attributes = self
            .seat_attributes
            .iter()
            .map(|a| SeatAttributes::bits(*a));
        attributes.for_each(|bits| ignore(hash.u64(u64::from(bits))));
        hash.finish()
    }
}

/// Discards the `&mut Fnv` a chain of mixes returns.
fn ignore(_: &mut Fnv) {}
