//! [`SeatCore`]: the state of one on-sale and every operation on it.

use crate::best_index::BestIndex;
use crate::expiry::DeadlineQueue;
use crate::free_set::FreeSet;
use crate::hold::{Fate, GaLine, Hold, HoldBook, HoldRequest, HoldStatus, NewHold, Suggestion};
use crate::ids::{HoldId, OrderId, SeatId};
use crate::limits::Limits;
use crate::order::{Order, OrderBook};
use crate::refusal::Refusal;
use crate::seat_list::SeatList;
use crate::selection::{Pick, Stock, check_quantity};
use crate::tally::{Move, Tally};
use crate::venue::Venue;
use std::sync::Arc;

/// State of one reserved seat.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(u8)]
pub enum SeatState {
    /// On sale.
    Free,
    /// In a live hold.
    Held,
    /// In a confirmed order.
    Sold,
}

/// What one expiry pass released.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Expired {
    /// Holds expired.
    pub holds: u32,
    /// Tickets they held, now back on sale.
    pub tickets: u32,
}

/// What a release gave back.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Released {
    /// The released hold.
    pub hold: HoldId,
    /// Tickets back on sale.
    pub tickets: u32,
}

/// Cumulative counts of what happened to holds.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct HoldStats {
    /// Holds granted.
    pub granted: u64,
    /// Holds confirmed into orders.
    pub confirmed: u64,
    /// Holds released by the caller.
    pub released: u64,
    /// Holds expired at their deadline.
    pub expired: u64,
}

/// One on-sale: a venue, its seats' states, the live holds and the orders.
///
/// Every mutating call takes `now` (virtual ns), refuses it if it is earlier than a
/// previous call's, and first expires every hold whose deadline is `<= now`.
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
    /// Rows touched by the current operation (reused buffer).
    touched_rows: Vec<u32>,
    /// Seats of the hold being made (reused buffer).
    scratch_seats: Vec<SeatId>,
}

impl SeatCore {
    /// A fresh on-sale: every ticket free, no holds, no orders.
    pub fn new(venue: Venue, limits: Limits) -> SeatCore {
        let free = FreeSet::all_free(venue.seat_count());
        let index = BestIndex::new(&venue, limits.max_tickets_per_order(), &free);
        let tally = Tally::new(
            venue.zones.iter().map(|z| z.capacity),
            venue.tiers.iter().map(|t| t.capacity),
        );
        SeatCore {
            seat_states: vec![SeatState::Free; venue.seat_count() as usize],
            venue: Arc::new(venue),
            limits,
            latest: None,
            free,
            index,
            tally,
            holds: HoldBook::default(),
            orders: OrderBook::default(),
            deadlines: DeadlineQueue::default(),
            stats: HoldStats::default(),
            touched_rows: Vec::new(),
            scratch_seats: Vec::new(),
        }
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
    pub fn hold_best_available(
        &mut self,
        now: i64,
        request: &HoldRequest,
        deadline: i64,
    ) -> Result<Hold, Refusal> {
        self.advance(now)?;
        check_deadline(now, deadline)?;
        let pick = self.stock().select(request)?;
        Ok(self.take(pick, deadline))
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
        self.advance(now)?;
        check_deadline(now, deadline)?;
        check_quantity(u32::try_from(seats.len()).unwrap_or(u32::MAX), self.limits)?;
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
        Ok(self.take(Pick::Seats(seats.to_vec()), deadline))
    }

    /// Turns a live hold into an order. A second confirm, or one after the deadline or a
    /// release, is refused: there is never a second sale.
    pub fn confirm(&mut self, now: i64, hold: HoldId) -> Result<Order, Refusal> {
        self.advance(now)?;
        let slot = self.holds.live_slot(hold)?;
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
        Ok(self.orders.order(order))
    }

    /// Gives a live hold's tickets back.
    pub fn release(&mut self, now: i64, hold: HoldId) -> Result<Released, Refusal> {
        self.advance(now)?;
        let slot = self.holds.live_slot(hold)?;
        let tickets = self.end_hold(hold, slot, Fate::Released);
        self.stats.released += 1;
        self.drop_dead_deadlines();
        Ok(Released { hold, tickets })
    }

    /// Expires every hold whose deadline is `<= now`. Calling it early, or twice, does
    /// nothing. Every other mutating call does this first, too.
    pub fn expire(&mut self, now: i64) -> Result<Expired, Refusal> {
        self.advance(now)
    }

    /// Same as [`SeatCore::expire`], in the sans-I/O naming: call it once
    /// [`SeatCore::poll_timeout`] is due.
    pub fn handle_timeout(&mut self, now: i64) -> Result<Expired, Refusal> {
        self.advance(now)
    }

    /// The earliest deadline of a live hold: when [`SeatCore::expire`] next has work.
    pub fn poll_timeout(&self) -> Option<i64> {
        self.deadlines.peek().map(|(deadline, _)| deadline)
    }

    /// What [`SeatCore::hold_best_available`] would pick right now, holding nothing.
    /// Reflects expiry only up to the latest call; many fans reading the same answer
    /// and then calling [`SeatCore::hold_seats`] race for the same seats.
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

    /// Where a hold is in its life.
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

    /// A live hold as it was granted.
    pub fn hold(&self, hold: HoldId) -> Option<Hold> {
        let slot = self.holds.live_slot(hold).ok()?;
        Some(self.holds.slots[slot as usize].to_hold())
    }

    /// A confirmed order.
    pub fn order(&self, order: OrderId) -> Option<Order> {
        let index = order.0.checked_sub(1)?;
        (index < self.orders.records.len() as u64).then(|| self.orders.order(index as u32))
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
        }
    }

    /// Checks that time does not go backwards, then expires due holds.
    fn advance(&mut self, now: i64) -> Result<Expired, Refusal> {
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
            let slot = self
                .holds
                .live_slot(hold)
                .expect("the queue top is always live");
            expired.tickets += self.end_hold(hold, slot, Fate::Expired);
            expired.holds += 1;
            self.stats.expired += 1;
            self.drop_dead_deadlines();
        }
        Ok(expired)
    }

    /// Pops queue entries of holds that are no longer live, so the top is live.
    fn drop_dead_deadlines(&mut self) {
        while let Some((_, hold)) = self.deadlines.peek() {
            if matches!(self.holds.fate(hold), Some(Fate::Live { .. })) {
                break;
            }
            self.deadlines.pop();
        }
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

    fn price_of(&self, seats: &[SeatId], lines: &[GaLine]) -> u64 {
        let seats_price: u64 = seats
            .iter()
            .map(|&seat| self.venue.seat_price_minor(seat))
            .sum();
        let lines_price: u64 = lines
            .iter()
            .map(|line| u64::from(line.tickets) * self.venue.price_minor(line.price_level))
            .sum();
        seats_price + lines_price
    }

    /// Holds the picked tickets and records the hold.
    fn take(&mut self, pick: Pick, deadline: i64) -> Hold {
        let mut seats = std::mem::take(&mut self.scratch_seats);
        seats.clear();
        let (general_admission, total_price_minor, known_row) = match pick {
            Pick::Block { row, start, len } => {
                let r = &self.venue.rows[row as usize];
                let first = r.first_seat.0 + start;
                seats.extend((first..first + len).map(SeatId));
                let price = u64::from(len) * self.venue.price_minor(r.price_level);
                (None, price, Some(row))
            }
            Pick::Seats(list) => {
                seats.extend_from_slice(&list);
                (None, self.price_of(&seats, &[]), None)
            }
            Pick::General { section, lines } => {
                let price = self.price_of(&[], &lines);
                (Some((section, lines)), price, None)
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
        let general_admission = general_admission
            .as_ref()
            .map(|(section, lines)| (*section, lines.as_slice()));
        let new = NewHold {
            deadline,
            seats: &seats,
            single_row,
            general_admission,
            tickets,
            total_price_minor,
        };
        let slot = self.holds.insert(new);
        self.scratch_seats = seats;
        let data = &self.holds.slots[slot as usize];
        self.deadlines.push(deadline, data.id);
        self.stats.granted += 1;
        data.to_hold()
    }

    /// Puts a live hold's tickets back on sale and records its fate; returns the tickets.
    fn end_hold(&mut self, hold: HoldId, slot: u32, fate: Fate) -> u32 {
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
        let tickets = data.tickets;
        let list = std::mem::take(&mut self.holds.slots[slot as usize].seats);
        self.refresh_rows(Seats {
            list: &list,
            single_row,
        });
        self.holds.slots[slot as usize].seats = list;
        self.holds.finish(hold, slot, fate);
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
    fn refresh_rows(&mut self, seats: Seats<'_>) {
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
}

fn check_deadline(now: i64, deadline: i64) -> Result<(), Refusal> {
    if deadline <= now {
        return Err(Refusal::DeadlineNotInFuture { deadline, now });
    }
    Ok(())
}

/// A hold's seats, with their common row when they share one.
#[derive(Clone, Copy)]
struct Seats<'a> {
    list: &'a [SeatId],
    single_row: Option<u32>,
}

/// Moves the tally for a hold's seats (zone by zone, a run of seats in one row at a
/// time) and GA lines (tier by tier).
fn move_tickets(
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
