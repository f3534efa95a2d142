//! [`SeatCore`]: the state of one on-sale and the operations every sale needs (hold,
//! confirm, release, expire). The rest of a hold's and an order's life (extend, partial
//! release, cancel, admin holds, prices) is in `lifecycle.rs`; durability (journal,
//! snapshot, digest) in `journal.rs` and `snapshot.rs`.

use crate::best_index::BestIndex;
use crate::expiry::DeadlineQueue;
use crate::free_set::FreeSet;
use crate::hold::{
    Fate, GaLine, Hold, HoldBook, HoldRequest, HoldStatus, NewHold, Suggestion, seats_fingerprint,
};
use crate::ids::{CustomerId, HoldId, IdempotencyKey, OrderId, SeatId};
use crate::journal::{Entry, Op};
use crate::limits::Limits;
use crate::order::{Order, OrderBook};
use crate::refusal::Refusal;
use crate::seat_list::SeatList;
use crate::selection::{Pick, Stock, check_quantity};
use crate::tally::{Move, Tally};
use crate::venue::Venue;
use std::collections::BTreeMap;
use std::sync::Arc;

/// State of one reserved seat.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[repr(u8)]
pub enum SeatState {
    /// On sale.
    Free,
    /// In a live hold.
    Held,
    /// In a confirmed order.
    Sold,
    /// Off sale, held back by the operator (promoter, production); may return to sale.
    AdminHold,
    /// Off sale, killed (e.g. blocked view, camera position); may return to sale.
    Killed,
}

/// One hold that expired.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ExpiredHold {
    /// The hold.
    pub hold: HoldId,
    /// Its owner (`None`: anonymous).
    pub customer: Option<CustomerId>,
    /// Tickets it held, now back on sale.
    pub tickets: u32,
    /// Its deadline.
    pub deadline: i64,
}

/// What one expiry pass released.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Expired {
    /// Holds expired.
    pub holds: u32,
    /// Tickets they held, now back on sale.
    pub tickets: u32,
    /// Each expired hold, in expiry order (deadline, then id).
    pub expired: Vec<ExpiredHold>,
}

/// What a release gave back.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Released {
    /// The released hold.
    pub hold: HoldId,
    /// Tickets back on sale.
    pub tickets: u32,
    /// The hold's owner (`None`: anonymous).
    pub customer: Option<CustomerId>,
}

/// Cumulative counts of what happened to holds.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct HoldStats {
    /// Holds granted.
    pub granted: u64,
    /// Holds confirmed into orders.
    pub confirmed: u64,
    /// Holds released by the caller.
    pub released: u64,
    /// Holds expired at their deadline.
    pub expired: u64,
    /// Orders cancelled afterwards.
    #[cfg_attr(feature = "serde", serde(default))]
    pub cancelled: u64,
}

/// One on-sale: a venue, its seats' states, the live holds and the orders.
///
/// Every mutating call takes `now` (virtual ns), refuses it if it is earlier than a
/// previous call's, and first expires every hold whose deadline is `<= now`.
///
/// Reads that take no `now` (counts, `suggest_seats`, `hold_status`, ...) show the state
/// as of the latest mutating call: a hold past its deadline still counts as held until
/// the next call expires it. [`SeatCore::view`] gives the state at a later `now`
/// without mutating.
#[derive(Clone, Debug)]
pub struct SeatCore {
    /// Shared, immutable: clones of a core (one per replication) share the venue.
    pub(crate) venue: Arc<Venue>,
    pub(crate) limits: Limits,
    /// Latest `now` seen; expiry has run up to it.
    pub(crate) latest: Option<i64>,
    pub(crate) free: FreeSet,
    pub(crate) seat_states: Vec<SeatState>,
    pub(crate) index: BestIndex,
    pub(crate) tally: Tally,
    pub(crate) holds: HoldBook,
    pub(crate) orders: OrderBook,
    pub(crate) deadlines: DeadlineQueue,
    pub(crate) stats: HoldStats,
    /// Current price of each price level (starts at the venue's face values).
    pub(crate) prices: Vec<u64>,
    /// Per GA tier: opened by the operator.
    pub(crate) tiers_opened: Vec<bool>,
    /// Tickets in live holds and active orders, per customer (zero entries removed).
    pub(crate) customer_tickets: BTreeMap<CustomerId, u32>,
    /// Every accepted call, when journaling is on.
    pub(crate) journal: Option<Vec<Entry>>,
    /// Rows touched by the current operation (reused buffer).
    touched_rows: Vec<u32>,
    /// Seats of the hold being made (reused buffer).
    scratch_seats: Vec<SeatId>,
    /// Their prices (reused buffer).
    scratch_prices: Vec<u64>,
}

/// Who makes a hold, and how to recognise a retry of it.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Claim {
    pub(crate) customer: Option<CustomerId>,
    pub(crate) key: Option<IdempotencyKey>,
    pub(crate) fingerprint: u64,
}

impl SeatCore {
    /// A fresh on-sale: every ticket free, no holds, no orders.
    pub fn new(venue: Venue, limits: Limits) -> SeatCore {
        SeatCore::with_shared_venue(Arc::new(venue), limits)
    }

    pub(crate) fn with_shared_venue(venue: Arc<Venue>, limits: Limits) -> SeatCore {
        let free = FreeSet::all_free(venue.seat_count());
        let index = BestIndex::new(&venue, limits.max_tickets_per_order(), &free);
        let tally = Tally::new(
            venue.zones.iter().map(|z| z.capacity),
            venue.tiers.iter().map(|t| t.capacity),
        );
        SeatCore {
            seat_states: vec![SeatState::Free; venue.seat_count() as usize],
            prices: venue.price_levels.iter().map(|p| p.price_minor).collect(),
            tiers_opened: vec![false; venue.tiers.len()],
            venue,
            limits,
            latest: None,
            free,
            index,
            tally,
            holds: HoldBook::default(),
            orders: OrderBook::default(),
            deadlines: DeadlineQueue::default(),
            stats: HoldStats::default(),
            customer_tickets: BTreeMap::new(),
            journal: None,
            touched_rows: Vec::new(),
            scratch_seats: Vec::new(),
            scratch_prices: Vec::new(),
        }
    }

    /// Copies every part of the state but the journal.
    pub(crate) fn clone_state_from(&mut self, other: &SeatCore) {
        self.latest = other.latest;
        self.free.clone_from(&other.free);
        self.seat_states.clone_from(&other.seat_states);
        self.index.clone_from(&other.index);
        self.tally.clone_from(&other.tally);
        self.holds.clone_from(&other.holds);
        self.orders.clone_from(&other.orders);
        self.deadlines.clone_from(&other.deadlines);
        self.stats = other.stats;
        self.prices.clone_from(&other.prices);
        self.tiers_opened.clone_from(&other.tiers_opened);
        self.customer_tickets.clone_from(&other.customer_tickets);
    }

    /// The venue.
    pub fn venue(&self) -> &Venue {
        &self.venue
    }

    /// The limits in force.
    pub fn limits(&self) -> Limits {
        self.limits
    }

    /// Holds the best available tickets for `request` until `deadline`.
    ///
    /// With `request.customer` set, the hold belongs to that customer and counts
    /// towards the per-customer limit. With `request.idempotency_key` set, a retry with
    /// the same (customer, key) returns the first hold (as it is now) instead of holding
    /// again, or the refusal that says what became of it (`AlreadyConfirmed`,
    /// `HoldExpired`, `HoldReleased`); a key first used for a different request is
    /// refused with [`Refusal::IdempotencyKeyReused`]. Refused requests use no key.
    pub fn hold_best_available(
        &mut self,
        now: i64,
        request: &HoldRequest,
        deadline: i64,
    ) -> Result<Hold, Refusal> {
        let claim = Claim {
            customer: request.customer,
            key: request.idempotency_key,
            fingerprint: match request.idempotency_key {
                Some(_) => request.fingerprint(),
                None => 0,
            },
        };
        let before = self.latest;
        let result = self.hold_with(now, claim, request.quantity, deadline, |core| {
            core.stock().select(request)
        });
        self.record_hold(now, before, claim, &result);
        result.map(|(hold, _)| hold)
    }

    /// Holds exactly these seats (e.g. picked from a seat map that may be stale) until
    /// `deadline`. Refused as a whole if any seat is unknown, repeated or not free; the
    /// first such seat in request order is named.
    pub fn hold_seats(
        &mut self,
        now: i64,
        seats: &[SeatId],
        deadline: i64,
    ) -> Result<Hold, Refusal> {
        self.hold_seats_for(now, None, None, seats, deadline)
    }

    /// [`SeatCore::hold_seats`] for a customer, with an optional idempotency key (see
    /// [`SeatCore::hold_best_available`] for what a retry gets).
    pub fn hold_seats_for(
        &mut self,
        now: i64,
        customer: Option<CustomerId>,
        key: Option<IdempotencyKey>,
        seats: &[SeatId],
        deadline: i64,
    ) -> Result<Hold, Refusal> {
        let claim = Claim {
            customer,
            key,
            fingerprint: key.map_or(0, |_| seats_fingerprint(seats)),
        };
        let before = self.latest;
        let quantity = u32::try_from(seats.len()).unwrap_or(u32::MAX);
        let result = self.hold_with(now, claim, quantity, deadline, |core| {
            core.check_seats_free(seats)?;
            Ok(Pick::Seats(seats.to_vec()))
        });
        self.record_hold(now, before, claim, &result);
        result.map(|(hold, _)| hold)
    }

    /// Unknown, repeated or taken seats, in request order.
    pub(crate) fn check_seats_free(&self, seats: &[SeatId]) -> Result<(), Refusal> {
        for (position, &seat) in seats.iter().enumerate() {
            match self.seat_states.get(seat.index()) {
                None => return Err(Refusal::UnknownSeat(seat)),
                Some(_) if seats[..position].contains(&seat) => {
                    return Err(Refusal::DuplicateSeat(seat));
                }
                Some(SeatState::Free) => {}
                Some(_) => return Err(Refusal::SeatTaken(seat)),
            }
        }
        Ok(())
    }

    /// The shared path of every hold: time, idempotent retry, deadline, quantity, the
    /// customer's limit, then the selection. `Ok((hold, true))` for a new hold.
    fn hold_with(
        &mut self,
        now: i64,
        claim: Claim,
        quantity: u32,
        deadline: i64,
        select: impl FnOnce(&SeatCore) -> Result<Pick, Refusal>,
    ) -> Result<(Hold, bool), Refusal> {
        self.advance(now)?;
        if let Some(key) = claim.key
            && let Some(&(hold, fingerprint)) = self.holds.keys.get(&(claim.customer, key))
        {
            if fingerprint != claim.fingerprint {
                return Err(Refusal::IdempotencyKeyReused(hold));
            }
            let slot = self.holds.live_slot(hold)?;
            return Ok((self.holds.slots[slot as usize].to_hold(), false));
        }
        self.check_deadline(now, now, deadline)?;
        check_quantity(quantity, self.limits)?;
        self.check_customer_limit(claim.customer, quantity)?;
        let pick = select(self)?;
        Ok((self.take(pick, now, deadline, claim), true))
    }

    /// Refuses a customer going over the per-customer limit.
    pub(crate) fn check_customer_limit(
        &self,
        customer: Option<CustomerId>,
        requested: u32,
    ) -> Result<(), Refusal> {
        let (Some(customer), Some(limit)) = (customer, self.limits.max_tickets_per_customer())
        else {
            return Ok(());
        };
        let holding = self.customer_tickets(customer);
        if u64::from(holding) + u64::from(requested) > u64::from(limit) {
            return Err(Refusal::CustomerLimit {
                customer,
                holding,
                requested,
                limit,
            });
        }
        Ok(())
    }

    /// Tickets a customer has in live holds and active orders (as of the latest call).
    pub fn customer_tickets(&self, customer: CustomerId) -> u32 {
        self.customer_tickets.get(&customer).copied().unwrap_or(0)
    }

    pub(crate) fn add_customer_tickets(&mut self, customer: Option<CustomerId>, tickets: u32) {
        if let Some(customer) = customer {
            *self.customer_tickets.entry(customer).or_insert(0) += tickets;
        }
    }

    pub(crate) fn remove_customer_tickets(&mut self, customer: Option<CustomerId>, tickets: u32) {
        if let Some(customer) = customer
            && let Some(count) = self.customer_tickets.get_mut(&customer)
        {
            debug_assert!(*count >= tickets, "customer tickets go negative");
            *count = count.saturating_sub(tickets);
            if *count == 0 {
                self.customer_tickets.remove(&customer);
            }
        }
    }

    /// Turns a live hold into an order. A second confirm, or one after the deadline or a
    /// release, is refused: there is never a second sale. Only anonymous holds can be
    /// confirmed this way; a customer's hold needs [`SeatCore::confirm_for`].
    pub fn confirm(&mut self, now: i64, hold: HoldId) -> Result<Order, Refusal> {
        self.confirm_as(now, None, hold, false)
    }

    /// Confirms a hold for its owner (`None`: an anonymous hold), idempotently: a
    /// retried confirm of a hold this caller already confirmed returns the same order
    /// (with `cancelled_at` set if the order was cancelled since).
    pub fn confirm_for(
        &mut self,
        now: i64,
        customer: Option<CustomerId>,
        hold: HoldId,
    ) -> Result<Order, Refusal> {
        self.confirm_as(now, customer, hold, true)
    }

    pub(crate) fn confirm_as(
        &mut self,
        now: i64,
        customer: Option<CustomerId>,
        hold: HoldId,
        idempotent: bool,
    ) -> Result<Order, Refusal> {
        let before = self.latest;
        let result = self.confirm_inner(now, customer, hold, idempotent);
        let op = match &result {
            Ok((order, true)) => Some(Op::Confirm {
                hold,
                order: order.id,
            }),
            _ => None,
        };
        self.record(now, before, op);
        result.map(|(order, _)| order)
    }

    fn confirm_inner(
        &mut self,
        now: i64,
        customer: Option<CustomerId>,
        hold: HoldId,
        idempotent: bool,
    ) -> Result<(Order, bool), Refusal> {
        self.advance(now)?;
        let slot = match self.holds.owned_live_slot(hold, customer) {
            Ok(slot) => slot,
            Err(Refusal::AlreadyConfirmed(_)) if idempotent => {
                let Some(Fate::Confirmed { order }) = self.holds.fate(hold) else {
                    return Err(Refusal::AlreadyConfirmed(hold));
                };
                return Ok((self.orders.order(order), false));
            }
            Err(refusal) => return Err(refusal),
        };
        let data = &self.holds.slots[slot as usize];
        for &seat in &data.seats {
            debug_assert_eq!(self.seat_states[seat.index()], SeatState::Held);
            self.seat_states[seat.index()] = SeatState::Sold;
        }
        let seats = Seats {
            list: &data.seats,
            single_row: data.single_row,
        };
        move_tickets(&mut self.tally, &self.venue, Move::Sell, seats, &data.lines);
        self.tally.revenue_minor += data.total_price_minor;
        let order = self.orders.append(data, now);
        self.holds.finish(hold, slot, Fate::Confirmed { order });
        self.stats.confirmed += 1;
        self.drop_dead_deadlines();
        Ok((self.orders.order(order), true))
    }

    /// Gives a live anonymous hold's tickets back.
    pub fn release(&mut self, now: i64, hold: HoldId) -> Result<Released, Refusal> {
        self.release_for(now, None, hold)
    }

    /// Gives a live hold's tickets back, for its owner (`None`: an anonymous hold).
    pub fn release_for(
        &mut self,
        now: i64,
        customer: Option<CustomerId>,
        hold: HoldId,
    ) -> Result<Released, Refusal> {
        let before = self.latest;
        let result = self.release_inner(now, customer, hold);
        let op = result.as_ref().ok().map(|_| Op::Release { hold });
        self.record(now, before, op);
        result
    }

    fn release_inner(
        &mut self,
        now: i64,
        customer: Option<CustomerId>,
        hold: HoldId,
    ) -> Result<Released, Refusal> {
        self.advance(now)?;
        let slot = self.holds.owned_live_slot(hold, customer)?;
        let tickets = self.end_hold(hold, slot, Fate::Released);
        self.stats.released += 1;
        self.drop_dead_deadlines();
        Ok(Released {
            hold,
            tickets,
            customer,
        })
    }

    /// Expires every hold whose deadline is `<= now`. Calling it early, or twice, does
    /// nothing. Every other mutating call does this first, too.
    pub fn expire(&mut self, now: i64) -> Result<Expired, Refusal> {
        let before = self.latest;
        let result = self.advance(now);
        self.record(now, before, None);
        result
    }

    /// Same as [`SeatCore::expire`], in the sans-I/O naming: call it once
    /// [`SeatCore::poll_timeout`] is due.
    pub fn handle_timeout(&mut self, now: i64) -> Result<Expired, Refusal> {
        self.expire(now)
    }

    /// The earliest deadline of a live hold: when [`SeatCore::expire`] next has work.
    pub fn poll_timeout(&self) -> Option<i64> {
        self.deadlines.peek().map(|(deadline, _)| deadline)
    }

    /// What [`SeatCore::hold_best_available`] would pick right now, holding nothing.
    /// Reflects expiry only up to the latest call (see [`SeatCore::view`]); many fans
    /// reading the same answer and then calling [`SeatCore::hold_seats`] race for the
    /// same seats.
    pub fn suggest_seats(&self, request: &HoldRequest) -> Result<Suggestion, Refusal> {
        let pick = self.stock().select(request)?;
        let (seats, general_admission) = match &pick {
            Pick::General { section, lines } => {
                let tickets = crate::hold::GaTickets {
                    section: *section,
                    lines: lines.clone(),
                };
                (SeatList::new(), Some(tickets))
            }
            _ => (SeatList::from(self.pick_seats(&pick).as_slice()), None),
        };
        let lines = general_admission.as_ref().map_or(&[][..], |ga| &ga.lines);
        let total_price_minor = self.price_of(&seats, lines);
        Ok(Suggestion {
            seats,
            general_admission,
            total_price_minor,
        })
    }

    /// Where a hold is in its life (as of the latest call).
    pub fn hold_status(&self, hold: HoldId) -> HoldStatus {
        match self.holds.fate(hold) {
            None => HoldStatus::Unknown,
            Some(Fate::Live { slot }) => HoldStatus::Live {
                deadline: self.holds.slots[slot as usize].deadline,
            },
            Some(Fate::Confirmed { order }) => HoldStatus::Confirmed(OrderId(u64::from(order) + 1)),
            Some(Fate::Released) => HoldStatus::Released,
            Some(Fate::Expired) => HoldStatus::Expired,
        }
    }

    /// A live hold as it is now (as of the latest call).
    pub fn hold(&self, hold: HoldId) -> Option<Hold> {
        let slot = self.holds.live_slot(hold).ok()?;
        Some(self.holds.slots[slot as usize].to_hold())
    }

    /// A confirmed order (cancelled or not).
    pub fn order(&self, order: OrderId) -> Option<Order> {
        let index = order.0.checked_sub(1)?;
        (index < self.orders.records.len() as u64).then(|| self.orders.order(index as u32))
    }

    /// Every order, in id order.
    pub fn orders(&self) -> impl Iterator<Item = Order> + '_ {
        (0..self.orders.records.len() as u32).map(|index| self.orders.order(index))
    }

    /// Number of confirmed orders; their ids are `1..=order_count()`.
    pub fn order_count(&self) -> u64 {
        self.orders.records.len() as u64
    }

    /// Number of holds ever granted; their ids are `1..=holds_issued()`.
    pub fn holds_issued(&self) -> u64 {
        self.holds.issued()
    }

    /// Number of live holds.
    pub fn live_holds(&self) -> u32 {
        self.holds.live
    }

    /// Cumulative hold outcomes.
    pub fn hold_stats(&self) -> HoldStats {
        self.stats
    }

    /// State of a reserved seat, or `None` for an unknown seat.
    pub fn seat_state(&self, seat: SeatId) -> Option<SeatState> {
        self.seat_states.get(seat.index()).copied()
    }

    /// The latest `now` the core has accepted.
    pub fn latest_time(&self) -> Option<i64> {
        self.latest
    }

    pub(crate) fn stock(&self) -> Stock<'_> {
        Stock {
            venue: &self.venue,
            free: &self.free,
            index: &self.index,
            tally: &self.tally,
            limits: self.limits,
            prices: &self.prices,
            tiers_opened: &self.tiers_opened,
        }
    }

    /// Checks that time does not go backwards, then expires due holds.
    pub(crate) fn advance(&mut self, now: i64) -> Result<Expired, Refusal> {
        if let Some(latest) = self.latest
            && now < latest
        {
            return Err(Refusal::TimeWentBackwards { now, latest });
        }
        self.latest = Some(now);
        let mut expired = Expired::default();
        while let Some((deadline, hold)) = self.deadlines.peek() {
            if deadline > now {
                break;
            }
            self.deadlines.pop();
            let Ok(slot) = self.holds.live_slot(hold) else {
                debug_assert!(false, "the queue top is always live");
                continue;
            };
            let customer = self.holds.slots[slot as usize].customer;
            let tickets = self.end_hold(hold, slot, Fate::Expired);
            expired.tickets += tickets;
            expired.holds += 1;
            expired.expired.push(ExpiredHold {
                hold,
                customer,
                tickets,
                deadline,
            });
            self.stats.expired += 1;
            self.drop_dead_deadlines();
        }
        Ok(expired)
    }

    /// Pops queue entries that are no longer current (the hold ended, or its deadline
    /// moved), so the top is a live hold's current deadline.
    pub(crate) fn drop_dead_deadlines(&mut self) {
        while let Some((deadline, hold)) = self.deadlines.peek() {
            if self.is_current_deadline(deadline, hold) {
                break;
            }
            self.deadlines.pop();
        }
    }

    pub(crate) fn is_current_deadline(&self, deadline: i64, hold: HoldId) -> bool {
        match self.holds.fate(hold) {
            Some(Fate::Live { slot }) => self.holds.slots[slot as usize].deadline == deadline,
            _ => false,
        }
    }

    /// A deadline must be after `now` and within the longest hold lifetime of a hold
    /// granted at `granted_at`.
    pub(crate) fn check_deadline(
        &self,
        now: i64,
        granted_at: i64,
        deadline: i64,
    ) -> Result<(), Refusal> {
        if deadline <= now {
            return Err(Refusal::DeadlineNotInFuture { deadline, now });
        }
        let latest_allowed = self.limits.latest_deadline(granted_at);
        if deadline > latest_allowed {
            return Err(Refusal::DeadlineTooFar {
                deadline,
                latest_allowed,
            });
        }
        Ok(())
    }

    /// Seats of a reserved pick.
    fn pick_seats(&self, pick: &Pick) -> Vec<SeatId> {
        match pick {
            Pick::Block { row, start, len } => {
                let first = self.venue.rows[*row as usize].first_seat.0 + start;
                (first..first + len).map(SeatId).collect()
            }
            Pick::Seats(seats) => seats.clone(),
            Pick::General { .. } => Vec::new(),
        }
    }

    /// Current price of a seat.
    pub(crate) fn seat_price(&self, seat: SeatId) -> u64 {
        let row = &self.venue.rows[self.venue.seat_rows[seat.index()] as usize];
        self.prices[row.price_level.index()]
    }

    fn price_of(&self, seats: &[SeatId], lines: &[GaLine]) -> u64 {
        let seats_price: u64 = seats.iter().map(|&seat| self.seat_price(seat)).sum();
        let lines_price: u64 = lines
            .iter()
            .map(|line| u64::from(line.tickets) * self.prices[line.price_level.index()])
            .sum();
        seats_price + lines_price
    }

    /// Holds the picked tickets at today's prices and records the hold.
    pub(crate) fn take(&mut self, pick: Pick, now: i64, deadline: i64, claim: Claim) -> Hold {
        let mut seats = std::mem::take(&mut self.scratch_seats);
        let mut prices = std::mem::take(&mut self.scratch_prices);
        seats.clear();
        prices.clear();
        let (general_admission, known_row) = match pick {
            Pick::Block { row, start, len } => {
                let r = &self.venue.rows[row as usize];
                let first = r.first_seat.0 + start;
                seats.extend((first..first + len).map(SeatId));
                let price = self.prices[r.price_level.index()];
                prices.extend(std::iter::repeat_n(price, len as usize));
                (None, Some(row))
            }
            Pick::Seats(list) => {
                seats.extend_from_slice(&list);
                prices.extend(list.iter().map(|&seat| self.seat_price(seat)));
                (None, None)
            }
            Pick::General { section, lines } => {
                let line_prices = lines.iter().map(|l| self.prices[l.price_level.index()]);
                prices.extend(line_prices);
                (Some((section, lines)), None)
            }
        };
        let lines = general_admission
            .as_ref()
            .map_or(&[][..], |(_, lines)| lines.as_slice());
        for &seat in &seats {
            self.seat_states[seat.index()] = SeatState::Held;
            self.free.set_taken(seat.0);
        }
        let single_row = known_row.or_else(|| self.single_row(&seats));
        let moved = Seats {
            list: &seats,
            single_row,
        };
        move_tickets(&mut self.tally, &self.venue, Move::Hold, moved, lines);
        self.refresh_rows(moved);
        let tickets = seats.len() as u32 + lines.iter().map(|line| line.tickets).sum::<u32>();
        let (seat_prices, line_prices) = if lines.is_empty() {
            (&prices[..], &[][..])
        } else {
            (&[][..], &prices[..])
        };
        let total_price_minor = seat_prices.iter().sum::<u64>()
            + (lines.iter().zip(line_prices))
                .map(|(line, price)| u64::from(line.tickets) * price)
                .sum::<u64>();
        let new = NewHold {
            deadline,
            seats: &seats,
            single_row,
            general_admission: general_admission
                .as_ref()
                .map(|(section, lines)| (*section, lines.as_slice())),
            tickets,
            total_price_minor,
            seat_prices,
            line_prices,
            customer: claim.customer,
            key: claim.key.map(|key| (key, claim.fingerprint)),
            granted_at: now,
        };
        let slot = self.holds.insert(new);
        self.scratch_seats = seats;
        self.scratch_prices = prices;
        self.add_customer_tickets(claim.customer, tickets);
        let data = &self.holds.slots[slot as usize];
        self.deadlines.push(deadline, data.id);
        self.stats.granted += 1;
        data.to_hold()
    }

    /// Puts a live hold's tickets back on sale and records its fate; returns the tickets.
    pub(crate) fn end_hold(&mut self, hold: HoldId, slot: u32, fate: Fate) -> u32 {
        let data = &self.holds.slots[slot as usize];
        for &seat in &data.seats {
            debug_assert_eq!(self.seat_states[seat.index()], SeatState::Held);
            self.seat_states[seat.index()] = SeatState::Free;
            self.free.set_free(seat.0);
        }
        let single_row = data.single_row;
        let seats = Seats {
            list: &data.seats,
            single_row,
        };
        move_tickets(
            &mut self.tally,
            &self.venue,
            Move::Release,
            seats,
            &data.lines,
        );
        let (tickets, customer) = (data.tickets, data.customer);
        let list = std::mem::take(&mut self.holds.slots[slot as usize].seats);
        self.refresh_rows(Seats {
            list: &list,
            single_row,
        });
        self.holds.slots[slot as usize].seats = list;
        self.holds.finish(hold, slot, fate);
        self.remove_customer_tickets(customer, tickets);
        tickets
    }

    /// The row all these seats are in, if they share one.
    fn single_row(&self, seats: &[SeatId]) -> Option<u32> {
        let row = self.venue.seat_rows[seats.first()?.index()];
        let first = self.venue.rows[row as usize].first_seat.0;
        let in_row =
            |seat: &SeatId| (first..first + self.venue.rows[row as usize].len).contains(&seat.0);
        seats.iter().all(in_row).then_some(row)
    }

    /// Recomputes the best-available index for every row these seats are in.
    pub(crate) fn refresh_rows(&mut self, seats: Seats<'_>) {
        if let Some(row) = seats.single_row {
            self.index.refresh_row(&self.venue, &self.free, row);
            return;
        }
        let seats = seats.list;
        self.touched_rows.clear();
        self.touched_rows
            .extend(seats.iter().map(|&seat| self.venue.seat_rows[seat.index()]));
        self.touched_rows.sort_unstable();
        self.touched_rows.dedup();
        for &row in &self.touched_rows {
            self.index.refresh_row(&self.venue, &self.free, row);
        }
    }

    /// Appends to the journal, if on: `op` for an accepted call that changed state, or
    /// a bare time step when the call moved the clock (a refused call still expires).
    pub(crate) fn record(&mut self, now: i64, before: Option<i64>, op: Option<Op>) {
        if let Some(journal) = &mut self.journal {
            match op {
                Some(op) => journal.push(Entry { now, op }),
                None if self.latest != before => journal.push(Entry {
                    now,
                    op: Op::Advance,
                }),
                None => {}
            }
        }
    }

    fn record_hold(
        &mut self,
        now: i64,
        before: Option<i64>,
        claim: Claim,
        result: &Result<(Hold, bool), Refusal>,
    ) {
        if self.journal.is_none() {
            return;
        }
        let op = match result {
            Ok((hold, true)) => Some(Op::Hold {
                hold: hold.id,
                customer: claim.customer,
                key: claim.key,
                fingerprint: claim.fingerprint,
                deadline: hold.deadline,
                seats: hold.seats.to_vec(),
                general_admission: hold.general_admission.clone(),
                total_price_minor: hold.total_price_minor,
            }),
            _ => None,
        };
        self.record(now, before, op);
    }
}

/// A hold's seats, with their common row when they share one.
#[derive(Clone, Copy)]
pub(crate) struct Seats<'a> {
    pub(crate) list: &'a [SeatId],
    pub(crate) single_row: Option<u32>,
}

/// Moves the tally for a hold's seats (zone by zone, a run of seats in one row at a
/// time) and GA lines (tier by tier).
pub(crate) fn move_tickets(
    tally: &mut Tally,
    venue: &Venue,
    movement: Move,
    seats: Seats<'_>,
    lines: &[GaLine],
) {
    if let Some(row) = seats.single_row {
        tally.apply(
            movement,
            venue.rows[row as usize].zone,
            None,
            seats.list.len() as u32,
        );
    } else {
        let mut rest = seats.list;
        while let Some(&first) = rest.first() {
            let row = venue.seat_rows[first.index()];
            let same_row = rest
                .iter()
                .take_while(|s| venue.seat_rows[s.index()] == row)
                .count();
            tally.apply(
                movement,
                venue.rows[row as usize].zone,
                None,
                same_row as u32,
            );
            rest = &rest[same_row..];
        }
    }
    for line in lines {
        let zone = venue.tiers[line.tier as usize].zone;
        tally.apply(movement, zone, Some(line.tier), line.tickets);
    }
}
