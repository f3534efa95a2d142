//! Confirmed orders. Append-only: an order's seats and lines are copied into shared
//! arenas at confirmation and never written again. A running checksum taken at append
//! time lets `check_invariants` prove that no order changed afterwards.

use crate::hold::{GaLine, GaTickets, HoldSlot};
use crate::ids::{CustomerId, HoldId, OrderId, SeatId, SectionId};
use crate::seat_list::SeatList;
use std::ops::Range;

/// A confirmed sale. Never changes after confirmation, except that the operator may
/// cancel it (`cancelled_at`), which puts its tickets back on sale.
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Order {
    /// The order's id.
    pub id: OrderId,
    /// The hold it was confirmed from.
    pub hold: HoldId,
    /// Reserved seats sold (empty for GA).
    pub seats: SeatList,
    /// GA tickets sold, if any.
    pub general_admission: Option<GaTickets>,
    /// Tickets sold.
    pub tickets: u32,
    /// Revenue of the order, in minor units.
    pub total_price_minor: u64,
    /// Virtual time (ns) of confirmation.
    pub confirmed_at: i64,
    /// The customer who bought it (`None`: anonymous).
    pub customer: Option<CustomerId>,
    /// Virtual time (ns) the order was cancelled and refunded, if it was.
    pub cancelled_at: Option<i64>,
}

#[derive(Clone, Debug)]
pub(crate) struct OrderRecord {
    pub(crate) hold: HoldId,
    pub(crate) seats: Range<u32>,
    pub(crate) general_admission: Option<SectionId>,
    pub(crate) lines: Range<u32>,
    pub(crate) tickets: u32,
    pub(crate) total_price_minor: u64,
    pub(crate) confirmed_at: i64,
    pub(crate) customer: Option<CustomerId>,
}

#[derive(Clone, Debug, Default)]
pub(crate) struct OrderBook {
    pub(crate) records: Vec<OrderRecord>,
    /// Per order, when it was cancelled (kept apart: records never change).
    pub(crate) cancelled_at: Vec<Option<i64>>,
    pub(crate) seats: Vec<SeatId>,
    pub(crate) lines: Vec<GaLine>,
    /// Checksum of every order as it was appended.
    pub(crate) checksum: u64,
}

impl OrderBook {
    /// Appends the order confirmed from `hold`; returns its index (id - 1).
    pub(crate) fn append(&mut self, hold: &HoldSlot, confirmed_at: i64) -> u32 {
        let seats_start = self.seats.len() as u32;
        self.seats.extend_from_slice(&hold.seats);
        let lines_start = self.lines.len() as u32;
        self.lines.extend_from_slice(&hold.lines);
        let record = OrderRecord {
            hold: hold.id,
            seats: seats_start..self.seats.len() as u32,
            general_admission: hold.general_admission,
            lines: lines_start..self.lines.len() as u32,
            tickets: hold.tickets,
            total_price_minor: hold.total_price_minor,
            confirmed_at,
            customer: hold.customer,
        };
        self.checksum = self.checksum.wrapping_mul(PRIME) ^ self.digest(&record);
        self.records.push(record);
        self.cancelled_at.push(None);
        self.records.len() as u32 - 1
    }

    /// Appends an order from a snapshot, as `append` would have.
    pub(crate) fn push_restored(&mut self, order: &Order) {
        let seats_start = self.seats.len() as u32;
        self.seats.extend_from_slice(&order.seats);
        let lines_start = self.lines.len() as u32;
        let lines = order.general_admission.iter().flat_map(|ga| &ga.lines);
        self.lines.extend(lines);
        let record = OrderRecord {
            hold: order.hold,
            seats: seats_start..self.seats.len() as u32,
            general_admission: order.general_admission.as_ref().map(|ga| ga.section),
            lines: lines_start..self.lines.len() as u32,
            tickets: order.tickets,
            total_price_minor: order.total_price_minor,
            confirmed_at: order.confirmed_at,
            customer: order.customer,
        };
        self.checksum = self.checksum.wrapping_mul(PRIME) ^ self.digest(&record);
        self.records.push(record);
        self.cancelled_at.push(order.cancelled_at);
    }

    /// The order at `index`, as returned to callers.
    pub(crate) fn order(&self, index: u32) -> Order {
        let record = &self.records[index as usize];
        Order {
            id: OrderId(u64::from(index) + 1),
            hold: record.hold,
            seats: SeatList::from(
                &self.seats[record.seats.start as usize..record.seats.end as usize],
            ),
            general_admission: record.general_admission.map(|section| GaTickets {
                section,
                lines: self.lines[record.lines.start as usize..record.lines.end as usize].to_vec(),
            }),
            tickets: record.tickets,
            total_price_minor: record.total_price_minor,
            confirmed_at: record.confirmed_at,
            customer: record.customer,
            cancelled_at: self.cancelled_at[index as usize],
        }
    }

    /// Seats of an order.
    pub(crate) fn seats_of(&self, record: &OrderRecord) -> &[SeatId] {
        &self.seats[record.seats.start as usize..record.seats.end as usize]
    }

    /// GA lines of an order.
    pub(crate) fn lines_of(&self, record: &OrderRecord) -> &[GaLine] {
        &self.lines[record.lines.start as usize..record.lines.end as usize]
    }

    /// Whether order index `index` is active (not cancelled).
    pub(crate) fn is_active(&self, index: usize) -> bool {
        self.cancelled_at[index].is_none()
    }

    /// The checksum recomputed from the stored orders.
    pub(crate) fn recompute_checksum(&self) -> u64 {
        self.records.iter().fold(0, |sum, record| {
            sum.wrapping_mul(PRIME) ^ self.digest(record)
        })
    }

    /// FNV-1a over an order's fields and contents.
    fn digest(&self, record: &OrderRecord) -> u64 {
        let seats = &self.seats[record.seats.start as usize..record.seats.end as usize];
        let lines = &self.lines[record.lines.start as usize..record.lines.end as usize];
        let mut hash = 0xcbf2_9ce4_8422_2325u64;
        let mut mix = |value: u64| hash = (hash ^ value).wrapping_mul(PRIME);
        mix(record.hold.0);
        mix(u64::from(record.seats.start) << 32 | u64::from(record.seats.end));
        mix(u64::from(record.lines.start) << 32 | u64::from(record.lines.end));
        mix(record
            .general_admission
            .map_or(u64::MAX, |s| u64::from(s.0)));
        mix(u64::from(record.tickets));
        mix(record.total_price_minor);
        mix(record.confirmed_at as u64);
        mix(record.customer.map_or(u64::MAX, |c| c.0));
        seats.iter().for_each(|seat| mix(u64::from(seat.0)));
        lines
            .iter()
            .for_each(|line| mix(u64::from(line.tier) << 32 | u64::from(line.tickets)));
        hash
    }
}

const PRIME: u64 = 0x0000_0100_0000_01b3;
