//! The rest of a hold's and an order's life: extending a hold up to the maximum
//! lifetime, giving back part of a hold, cancelling an order, taking seats off sale and
//! putting them back, changing prices and opening GA tiers. Each is refused as a whole
//! or done as a whole, and journaled like the basic operations.

use crate::core::{SeatCore, SeatState, Seats, move_tickets};
use crate::hold::Hold;
use crate::ids::{CustomerId, HoldId, OrderId, PriceLevelId, SeatId};
use crate::journal::Op;
use crate::refusal::Refusal;
use crate::tally::Move;

/// Why seats are off sale.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub enum OffSaleReason {
    /// Held back for the promoter, artist or production; usually released later.
    AdminHold,
    /// Killed: not sellable (blocked view, camera or mixing desk position).
    Kill,
}

/// What cancelling an order gave back.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Cancelled {
    /// The cancelled order.
    pub order: OrderId,
    /// The hold it was confirmed from.
    pub hold: HoldId,
    /// Its buyer (`None`: anonymous).
    pub customer: Option<CustomerId>,
    /// Tickets back on sale.
    pub tickets: u32,
    /// Revenue given back, minor units.
    pub refund_minor: u64,
}

impl SeatCore {
    /// Moves a live hold's deadline (usually later, e.g. while 3-D Secure runs). The
    /// new deadline must be after `now` and no later than the hold's grant time plus the
    /// maximum hold lifetime ([`crate::Limits::max_hold_ttl_ns`]).
    pub fn extend_hold(
        &mut self,
        now: i64,
        customer: Option<CustomerId>,
        hold: HoldId,
        deadline: i64,
    ) -> Result<Hold, Refusal> {
        let before = self.latest;
        let result = self.extend_inner(now, customer, hold, deadline);
        let op = result.as_ref().ok().map(|_| Op::Extend { hold, deadline });
        self.record(now, before, op);
        result
    }

    fn extend_inner(
        &mut self,
        now: i64,
        customer: Option<CustomerId>,
        hold: HoldId,
        deadline: i64,
    ) -> Result<Hold, Refusal> {
        self.advance(now)?;
        let slot = self.holds.owned_live_slot(hold, customer)?;
        let granted_at = self.holds.slots[slot as usize].granted_at;
        self.check_deadline(now, granted_at, deadline)?;
        let data = &mut self.holds.slots[slot as usize];
        if data.deadline != deadline {
            data.deadline = deadline;
            self.deadlines.push(deadline, hold);
            self.drop_dead_deadlines();
        }
        Ok(self.holds.slots[slot as usize].to_hold())
    }

    /// Gives back some seats of a live reserved hold; the rest stay held until the same
    /// deadline. Refused if a seat is not in the hold or repeated, or if it would give
    /// back nothing or everything (use [`SeatCore::release_for`] for that).
    pub fn release_seats(
        &mut self,
        now: i64,
        customer: Option<CustomerId>,
        hold: HoldId,
        seats: &[SeatId],
    ) -> Result<crate::Released, Refusal> {
        let before = self.latest;
        let result = self.release_seats_inner(now, customer, hold, seats);
        let op = (result.as_ref().ok()).map(|_| Op::ReleaseSeats {
            hold,
            seats: seats.to_vec(),
        });
        self.record(now, before, op);
        result
    }

    fn release_seats_inner(
        &mut self,
        now: i64,
        customer: Option<CustomerId>,
        hold: HoldId,
        seats: &[SeatId],
    ) -> Result<crate::Released, Refusal> {
        self.advance(now)?;
        let slot = self.holds.owned_live_slot(hold, customer)? as usize;
        let data = &self.holds.slots[slot];
        if seats.is_empty() || seats.len() >= data.tickets as usize {
            return Err(Refusal::NotAPartialRelease(hold));
        }
        for (position, &seat) in seats.iter().enumerate() {
            if seats[..position].contains(&seat) {
                return Err(Refusal::DuplicateSeat(seat));
            }
            if !data.seats.contains(&seat) {
                return Err(Refusal::SeatNotInHold { hold, seat });
            }
        }
        let data = &mut self.holds.slots[slot];
        let mut refund = 0;
        let mut position = 0;
        while position < data.seats.len() {
            if seats.contains(&data.seats[position]) {
                data.seats.remove(position);
                refund += data.seat_prices.remove(position);
            } else {
                position += 1;
            }
        }
        data.tickets -= seats.len() as u32;
        data.total_price_minor -= refund;
        let customer = data.customer;
        for &seat in seats {
            self.seat_states[seat.index()] = SeatState::Free;
            self.free.set_free(seat.0);
        }
        let moved = Seats {
            list: seats,
            single_row: None,
        };
        move_tickets(&mut self.tally, &self.venue, Move::Release, moved, &[]);
        self.refresh_rows(moved);
        let tickets = seats.len() as u32;
        self.remove_customer_tickets(customer, tickets);
        Ok(crate::Released {
            hold,
            tickets,
            customer,
        })
    }

    /// Gives back `tickets` of a live GA hold, from its last tier first (the dearest
    /// tier in release order). Refused unless some tickets stay held.
    pub fn release_tickets(
        &mut self,
        now: i64,
        customer: Option<CustomerId>,
        hold: HoldId,
        tickets: u32,
    ) -> Result<crate::Released, Refusal> {
        let before = self.latest;
        let result = self.release_tickets_inner(now, customer, hold, tickets);
        let op = result
            .as_ref()
            .ok()
            .map(|_| Op::ReleaseTickets { hold, tickets });
        self.record(now, before, op);
        result
    }

    fn release_tickets_inner(
        &mut self,
        now: i64,
        customer: Option<CustomerId>,
        hold: HoldId,
        tickets: u32,
    ) -> Result<crate::Released, Refusal> {
        self.advance(now)?;
        let slot = self.holds.owned_live_slot(hold, customer)? as usize;
        let data = &mut self.holds.slots[slot];
        if data.lines.is_empty() || tickets == 0 || tickets >= data.tickets {
            return Err(Refusal::NotAPartialRelease(hold));
        }
        let mut remaining = tickets;
        while remaining > 0 {
            let (Some(line), Some(&price)) = (data.lines.last_mut(), data.line_prices.last())
            else {
                break;
            };
            let take = line.tickets.min(remaining);
            line.tickets -= take;
            remaining -= take;
            data.total_price_minor -= u64::from(take) * price;
            let (zone, tier) = (self.venue.tiers[line.tier as usize].zone, line.tier);
            self.tally.apply(Move::Release, zone, Some(tier), take);
            if line.tickets == 0 {
                data.lines.pop();
                data.line_prices.pop();
            }
        }
        data.tickets -= tickets;
        let customer = data.customer;
        self.remove_customer_tickets(customer, tickets);
        Ok(crate::Released {
            hold,
            tickets,
            customer,
        })
    }

    /// Cancels (refunds) an order: its tickets go back on sale, its revenue is taken
    /// off, and it stops counting towards its buyer's limit. The order record stays,
    /// marked cancelled. An operator's call: no owner check.
    pub fn cancel_order(&mut self, now: i64, order: OrderId) -> Result<Cancelled, Refusal> {
        let before = self.latest;
        let result = self.cancel_inner(now, order);
        let op = result.as_ref().ok().map(|_| Op::CancelOrder { order });
        self.record(now, before, op);
        result
    }

    fn cancel_inner(&mut self, now: i64, order: OrderId) -> Result<Cancelled, Refusal> {
        self.advance(now)?;
        let index = order
            .0
            .checked_sub(1)
            .filter(|&index| index < self.orders.records.len() as u64)
            .ok_or(Refusal::UnknownOrder(order))? as usize;
        if !self.orders.is_active(index) {
            return Err(Refusal::OrderCancelled(order));
        }
        self.orders.cancelled_at[index] = Some(now);
        let record = self.orders.records[index].clone();
        let seats = self.orders.seats_of(&record).to_vec();
        let lines = self.orders.lines_of(&record).to_vec();
        for &seat in &seats {
            debug_assert_eq!(self.seat_states[seat.index()], SeatState::Sold);
            self.seat_states[seat.index()] = SeatState::Free;
            self.free.set_free(seat.0);
        }
        let moved = Seats {
            list: &seats,
            single_row: None,
        };
        move_tickets(&mut self.tally, &self.venue, Move::Refund, moved, &lines);
        self.refresh_rows(moved);
        self.tally.revenue_minor -= record.total_price_minor;
        self.remove_customer_tickets(record.customer, record.tickets);
        self.stats.cancelled += 1;
        Ok(Cancelled {
            order,
            hold: record.hold,
            customer: record.customer,
            tickets: record.tickets,
            refund_minor: record.total_price_minor,
        })
    }

    /// Takes free seats off sale (admin holds or kills). Refused as a whole if a seat
    /// is unknown, repeated or not free. Returns the seats taken off.
    pub fn take_off_sale(
        &mut self,
        now: i64,
        seats: &[SeatId],
        reason: OffSaleReason,
    ) -> Result<u32, Refusal> {
        let before = self.latest;
        let result = self
            .advance(now)
            .and_then(|_| self.check_seats_free_all(seats));
        let op = result.as_ref().ok().map(|_| Op::TakeOffSale {
            seats: seats.to_vec(),
            reason,
        });
        if result.is_ok() {
            let state = match reason {
                OffSaleReason::AdminHold => SeatState::AdminHold,
                OffSaleReason::Kill => SeatState::Killed,
            };
            self.move_off_sale(seats, state, Move::TakeOff);
        }
        self.record(now, before, op);
        result.map(|_| seats.len() as u32)
    }

    /// Puts off-sale seats back on sale. Refused as a whole if a seat is unknown,
    /// repeated or not off sale. Returns the seats put back.
    pub fn return_to_sale(&mut self, now: i64, seats: &[SeatId]) -> Result<u32, Refusal> {
        let before = self.latest;
        let result = self.advance(now).and_then(|_| {
            for (position, &seat) in seats.iter().enumerate() {
                match self.seat_states.get(seat.index()) {
                    None => return Err(Refusal::UnknownSeat(seat)),
                    Some(_) if seats[..position].contains(&seat) => {
                        return Err(Refusal::DuplicateSeat(seat));
                    }
                    Some(SeatState::AdminHold | SeatState::Killed) => {}
                    Some(_) => return Err(Refusal::SeatNotOffSale(seat)),
                }
            }
            Ok(())
        });
        let op = (result.as_ref().ok()).map(|_| Op::ReturnToSale {
            seats: seats.to_vec(),
        });
        if result.is_ok() {
            self.move_off_sale(seats, SeatState::Free, Move::PutBack);
        }
        self.record(now, before, op);
        result.map(|_| seats.len() as u32)
    }

    fn check_seats_free_all(&self, seats: &[SeatId]) -> Result<(), Refusal> {
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

    fn move_off_sale(&mut self, seats: &[SeatId], state: SeatState, movement: Move) {
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
        // `move_tickets` walks runs of seats in one row; unsorted lists are fine.
        move_tickets(&mut self.tally, &self.venue, movement, moved, &[]);
        self.refresh_rows(moved);
    }

    /// Sets the price of a price level for holds made from now on (live holds and
    /// orders keep the price they were made at). Returns the previous price.
    pub fn set_price(
        &mut self,
        now: i64,
        level: PriceLevelId,
        price_minor: u64,
    ) -> Result<u64, Refusal> {
        let before = self.latest;
        let result = self.advance(now).and_then(|_| {
            let price = self
                .prices
                .get_mut(level.index())
                .ok_or(Refusal::UnknownPriceLevel(level))?;
            Ok(std::mem::replace(price, price_minor))
        });
        let op = (result.as_ref().ok()).map(|_| Op::SetPrice { level, price_minor });
        self.record(now, before, op);
        result
    }

    /// The current price of a price level, minor units (`None` for an unknown level).
    pub fn price_minor(&self, level: PriceLevelId) -> Option<u64> {
        self.prices.get(level.index()).copied()
    }

    /// Puts a GA tier on sale now, whatever earlier tiers still hold (an operator's
    /// tier release). Opening an open tier does nothing.
    pub fn open_tier(&mut self, now: i64, tier: u32) -> Result<(), Refusal> {
        let before = self.latest;
        let result = self.advance(now).and_then(|_| {
            let opened =
                (self.tiers_opened.get_mut(tier as usize)).ok_or(Refusal::UnknownTier(tier))?;
            *opened = true;
            Ok(())
        });
        let op = result.as_ref().ok().map(|_| Op::OpenTier { tier });
        self.record(now, before, op);
        result
    }

    /// Whether the operator opened a GA tier.
    pub fn is_tier_opened(&self, tier: u32) -> bool {
        self.tiers_opened
            .get(tier as usize)
            .copied()
            .unwrap_or(false)
    }
}
