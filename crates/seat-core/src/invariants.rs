//! `check_invariants`: recount everything from first principles and compare with what
//! the core keeps incrementally. O(seats + holds + orders); meant for the end of a
//! simulated run and for tests, not for every call in production.

use crate::core::{SeatCore, SeatState};
use crate::hold::Fate;
use crate::ids::SeatId;
use crate::tally::{Counts, Move, Tally};
use std::fmt;

/// Which invariant broke. A broken invariant is a bug in the core: fatal.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Invariant {
    /// Per zone, tier and venue: free + held + sold = capacity, matching the seats.
    Conservation,
    /// A seat is in at most one live hold or order, and its state says which.
    SeatOwnership,
    /// No live hold has a deadline at or before the latest expiry time.
    HoldDeadline,
    /// Orders never change after confirmation; revenue is their sum.
    OrderIntegrity,
    /// The best-available index and the deadline queue match the seats and holds.
    Index,
}

/// A broken invariant and what was found.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InvariantViolation {
    /// The invariant.
    pub invariant: Invariant,
    /// What was found.
    pub detail: String,
}

impl fmt::Display for InvariantViolation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "seat-core invariant {:?} broken: {}",
            self.invariant, self.detail
        )
    }
}

impl std::error::Error for InvariantViolation {}

fn violation(invariant: Invariant, detail: String) -> Result<(), InvariantViolation> {
    Err(InvariantViolation { invariant, detail })
}

impl SeatCore {
    /// Recounts the whole state and checks every invariant; the simulator calls this at
    /// the end of every run.
    pub fn check_invariants(&self) -> Result<(), InvariantViolation> {
        self.check_ownership()?;
        self.check_conservation()?;
        self.check_deadlines()?;
        self.check_orders()?;
        if let Err(detail) = self.index.verify(&self.venue, &self.free) {
            return violation(Invariant::Index, detail);
        }
        Ok(())
    }

    /// Each held seat in exactly one live hold, each sold seat in exactly one order.
    fn check_ownership(&self) -> Result<(), InvariantViolation> {
        let mut owners = vec![SeatState::Free; self.seat_states.len()];
        let held = self
            .holds
            .live_slots()
            .flat_map(|slot| slot.seats.iter().map(|&s| (s, SeatState::Held)));
        let active = (self.orders.records.iter().enumerate())
            .filter(|(index, _)| self.orders.is_active(*index));
        let sold = active.flat_map(|(_, order)| {
            let seats = self.orders.seats_of(order).iter();
            seats.map(|&s| (s, SeatState::Sold))
        });
        for (seat, state) in held.chain(sold) {
            match owners.get_mut(seat.index()) {
                Some(owner @ SeatState::Free) => *owner = state,
                Some(_) => {
                    return violation(
                        Invariant::SeatOwnership,
                        format!("{seat} is in two holds or orders"),
                    );
                }
                None => {
                    return violation(Invariant::SeatOwnership, format!("{seat} does not exist"));
                }
            }
        }
        for (index, (&owner, &state)) in owners.iter().zip(&self.seat_states).enumerate() {
            let free_bit = self.free.is_free(index as u32);
            let off_sale = matches!(state, SeatState::AdminHold | SeatState::Killed);
            let owner_agrees = owner == state || (off_sale && owner == SeatState::Free);
            if !owner_agrees || free_bit != (state == SeatState::Free) {
                let seat = SeatId(index as u32);
                let detail = format!(
                    "{seat} is {state:?} (free bit {free_bit}) but its holds and orders say {owner:?}"
                );
                return violation(Invariant::SeatOwnership, detail);
            }
        }
        Ok(())
    }

    /// The incremental tally equals one rebuilt from the live holds and the orders.
    fn check_conservation(&self) -> Result<(), InvariantViolation> {
        let venue = &self.venue;
        let mut expected = Tally::new(
            venue.zones.iter().map(|z| z.capacity),
            venue.tiers.iter().map(|t| t.capacity),
        );
        let mut record = |movements: &[Move], seats: &[SeatId], lines: &[crate::hold::GaLine]| {
            for &movement in movements {
                for &seat in seats {
                    let zone = venue.rows[venue.seat_rows[seat.index()] as usize].zone;
                    expected.apply(movement, zone, None, 1);
                }
                for line in lines {
                    expected.apply(
                        movement,
                        venue.tiers[line.tier as usize].zone,
                        Some(line.tier),
                        line.tickets,
                    );
                }
            }
        };
        for slot in self.holds.live_slots() {
            record(&[Move::Hold], &slot.seats, &slot.lines);
        }
        for (index, order) in self.orders.records.iter().enumerate() {
            if self.orders.is_active(index) {
                let (seats, lines) = (self.orders.seats_of(order), self.orders.lines_of(order));
                record(&[Move::Hold, Move::Sell], seats, lines);
            }
        }
        let off_sale: Vec<SeatId> = (self.seat_states.iter().enumerate())
            .filter(|(_, state)| matches!(state, SeatState::AdminHold | SeatState::Killed))
            .map(|(seat, _)| SeatId(seat as u32))
            .collect();
        record(&[Move::TakeOff], &off_sale, &[]);
        expected.revenue_minor = self.tally.revenue_minor;
        let all: Vec<&Counts> = self
            .tally
            .zones
            .iter()
            .chain(&self.tally.tiers)
            .chain([&self.tally.total])
            .collect();
        if let Some(counts) = all.iter().find(|c| !c.is_balanced()) {
            return violation(
                Invariant::Conservation,
                format!("free + held + sold != capacity in {counts:?}"),
            );
        }
        if expected != self.tally {
            let detail = format!(
                "kept counts {:?} differ from recount {:?}",
                self.tally.total, expected.total
            );
            return violation(Invariant::Conservation, detail);
        }
        Ok(())
    }

    /// Live holds are in the deadline queue, none is overdue, and the queue top is live.
    fn check_deadlines(&self) -> Result<(), InvariantViolation> {
        let mut queued: Vec<(i64, u64)> = self.deadlines.entries().map(|(d, h)| (d, h.0)).collect();
        queued.sort_unstable();
        for slot in self.holds.live_slots() {
            if self.latest.is_some_and(|latest| slot.deadline <= latest) {
                let detail = format!(
                    "{} outlived its deadline {} (latest time {:?})",
                    slot.id, slot.deadline, self.latest
                );
                return violation(Invariant::HoldDeadline, detail);
            }
            if queued.binary_search(&(slot.deadline, slot.id.0)).is_err() {
                return violation(
                    Invariant::Index,
                    format!("{} is missing from the deadline queue", slot.id),
                );
            }
        }
        let live = self
            .holds
            .fates
            .iter()
            .filter(|f| matches!(f, Fate::Live { .. }))
            .count() as u32;
        if live != self.holds.live || queued.len() < live as usize {
            return violation(
                Invariant::Index,
                format!("{live} live holds, {} counted", self.holds.live),
            );
        }
        if let Some((deadline, hold)) = self.deadlines.peek()
            && !self.is_current_deadline(deadline, hold)
        {
            let detail = format!("deadline queue top {hold} is not live at {deadline}");
            return violation(Invariant::Index, detail);
        }
        self.check_hold_contents()
    }

    /// Each live hold's tickets and price add up; per-customer counts match a recount;
    /// no live hold outlives the maximum hold lifetime.
    fn check_hold_contents(&self) -> Result<(), InvariantViolation> {
        let mut customers = std::collections::BTreeMap::new();
        for slot in self.holds.live_slots() {
            let tickets = slot.seats.len() as u64
                + slot.lines.iter().map(|l| u64::from(l.tickets)).sum::<u64>();
            let price = slot.seat_prices.iter().sum::<u64>()
                + (slot.lines.iter().zip(&slot.line_prices))
                    .map(|(line, price)| u64::from(line.tickets) * price)
                    .sum::<u64>();
            let shaped = slot.seat_prices.len() == slot.seats.len()
                && slot.line_prices.len() == slot.lines.len();
            let lifetime_ok = slot.deadline <= self.limits.latest_deadline(slot.granted_at);
            if tickets != u64::from(slot.tickets)
                || price != slot.total_price_minor
                || !shaped
                || !lifetime_ok
                || self.holds.owner(slot.id) != Some(slot.customer)
            {
                let detail = format!("{} tickets, prices, owner or lifetime disagree", slot.id);
                return violation(Invariant::OrderIntegrity, detail);
            }
            if let Some(customer) = slot.customer {
                *customers.entry(customer).or_insert(0u32) += slot.tickets;
            }
        }
        for (index, order) in self.orders.records.iter().enumerate() {
            if let (true, Some(customer)) = (self.orders.is_active(index), order.customer) {
                *customers.entry(customer).or_insert(0u32) += order.tickets;
            }
        }
        if customers != self.customer_tickets {
            return violation(
                Invariant::Conservation,
                "per-customer ticket counts differ from a recount".to_string(),
            );
        }
        Ok(())
    }

    /// Orders are as they were confirmed, and revenue is their sum.
    fn check_orders(&self) -> Result<(), InvariantViolation> {
        if self.orders.recompute_checksum() != self.orders.checksum {
            return violation(
                Invariant::OrderIntegrity,
                "an order changed after confirmation".to_string(),
            );
        }
        let revenue: u64 = (self.orders.records.iter().enumerate())
            .filter(|(index, _)| self.orders.is_active(*index))
            .map(|(_, order)| order.total_price_minor)
            .sum();
        if revenue != self.tally.revenue_minor {
            let detail = format!(
                "revenue {} but orders sum to {revenue}",
                self.tally.revenue_minor
            );
            return violation(Invariant::OrderIntegrity, detail);
        }
        for (index, order) in self.orders.records.iter().enumerate() {
            if self.holds.fate(order.hold)
                != Some(Fate::Confirmed {
                    order: index as u32,
                })
            {
                return violation(
                    Invariant::OrderIntegrity,
                    format!("{} does not point at order {index}", order.hold),
                );
            }
        }
        Ok(())
    }
}
