//! Holds: what a caller asks for, what it gets back, and the book of live holds.
//!
//! Hold ids are issued in sequence and never reused; every id's fate (live, confirmed,
//! released, expired) is remembered, so a second confirm is told apart from a confirm
//! after expiry. A live hold's data sits in a slot that is reused once the hold ends, so
//! steady-state holding does not allocate.

use crate::ids::{HoldId, OrderId, PriceLevelId, SeatId, SectionId};
use crate::refusal::Refusal;
use crate::seat_list::SeatList;

/// What a fan asks best-available for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HoldRequest {
    /// Tickets wanted.
    pub quantity: u32,
    /// Only this section (a GA area makes it a GA request); `None` = any reserved section.
    pub section: Option<SectionId>,
    /// Only seats at this price level.
    pub price_level: Option<PriceLevelId>,
    /// Only tickets costing at most this much each, in minor units.
    pub max_price_minor: Option<u64>,
    /// Accept seats that are not side by side when no adjacent block is free.
    pub allow_split: bool,
}

impl HoldRequest {
    /// `quantity` adjacent tickets anywhere in the reserved sections, any price.
    pub fn new(quantity: u32) -> HoldRequest {
        HoldRequest {
            quantity,
            section: None,
            price_level: None,
            max_price_minor: None,
            allow_split: false,
        }
    }

    /// Restricts the request to one section or GA area.
    pub fn in_section(mut self, section: SectionId) -> HoldRequest {
        self.section = Some(section);
        self
    }

    /// Restricts the request to one price level.
    pub fn at_price_level(mut self, level: PriceLevelId) -> HoldRequest {
        self.price_level = Some(level);
        self
    }

    /// Caps the price of each ticket, in minor units.
    pub fn max_price_minor(mut self, max_price_minor: u64) -> HoldRequest {
        self.max_price_minor = Some(max_price_minor);
        self
    }

    /// Accepts split seating as a last resort.
    pub fn allow_split(mut self) -> HoldRequest {
        self.allow_split = true;
        self
    }
}

/// Tickets taken from one GA tier.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct GaLine {
    /// Index into [`crate::Venue::tiers`].
    pub tier: u32,
    /// The tier's price level.
    pub price_level: PriceLevelId,
    /// Tickets from this tier.
    pub tickets: u32,
}

/// The GA part of a hold or order: capacity without seat numbers.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GaTickets {
    /// The GA area.
    pub section: SectionId,
    /// Tickets per tier, in release order.
    pub lines: Vec<GaLine>,
}

/// A granted hold: tickets set aside until `deadline` or until confirmed or released.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Hold {
    /// Id to confirm or release the hold with.
    pub id: HoldId,
    /// Reserved seats, in the order chosen (empty for GA).
    pub seats: SeatList,
    /// GA tickets, if the hold is in a GA area.
    pub general_admission: Option<GaTickets>,
    /// Tickets held.
    pub tickets: u32,
    /// Sum of the tickets' prices, in minor units.
    pub total_price_minor: u64,
    /// Virtual time (ns) at which the hold expires unless confirmed.
    pub deadline: i64,
}

/// What best-available would pick right now, without holding anything.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Suggestion {
    /// Reserved seats, in the order chosen (empty for GA).
    pub seats: SeatList,
    /// GA tickets, if the request is for a GA area.
    pub general_admission: Option<GaTickets>,
    /// Sum of the tickets' prices, in minor units.
    pub total_price_minor: u64,
}

/// Where a hold is in its life.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum HoldStatus {
    /// Holding tickets until `deadline`.
    Live {
        /// Virtual time (ns) of expiry.
        deadline: i64,
    },
    /// Turned into this order.
    Confirmed(OrderId),
    /// Given back by the caller.
    Released,
    /// Its deadline passed.
    Expired,
    /// Never issued.
    Unknown,
}

/// A live hold's data.
#[derive(Clone, Debug)]
pub(crate) struct HoldSlot {
    pub(crate) id: HoldId,
    pub(crate) deadline: i64,
    pub(crate) seats: Vec<SeatId>,
    /// The row of every seat, when they share one (saves a per-seat lookup later).
    pub(crate) single_row: Option<u32>,
    pub(crate) general_admission: Option<SectionId>,
    pub(crate) lines: Vec<GaLine>,
    pub(crate) tickets: u32,
    pub(crate) total_price_minor: u64,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Fate {
    Live { slot: u32 },
    Confirmed { order: u32 },
    Released,
    Expired,
}

/// Every hold ever issued: fates by id, live data in reusable slots.
#[derive(Clone, Debug, Default)]
pub(crate) struct HoldBook {
    /// Fate of hold id `k` at index `k - 1`.
    pub(crate) fates: Vec<Fate>,
    pub(crate) slots: Vec<HoldSlot>,
    vacant: Vec<u32>,
    pub(crate) live: u32,
}

/// The contents of a new hold.
pub(crate) struct NewHold<'a> {
    pub(crate) deadline: i64,
    pub(crate) seats: &'a [SeatId],
    pub(crate) single_row: Option<u32>,
    pub(crate) general_admission: Option<(SectionId, &'a [GaLine])>,
    pub(crate) tickets: u32,
    pub(crate) total_price_minor: u64,
}

impl HoldBook {
    /// Stores a new live hold and returns its slot.
    pub(crate) fn insert(&mut self, hold: NewHold<'_>) -> u32 {
        let id = HoldId(self.fates.len() as u64 + 1);
        let slot = match self.vacant.pop() {
            Some(slot) => slot,
            None => {
                self.slots.push(HoldSlot {
                    id,
                    deadline: 0,
                    seats: Vec::new(),
                    single_row: None,
                    general_admission: None,
                    lines: Vec::new(),
                    tickets: 0,
                    total_price_minor: 0,
                });
                self.slots.len() as u32 - 1
            }
        };
        let data = &mut self.slots[slot as usize];
        data.id = id;
        data.deadline = hold.deadline;
        data.seats.clear();
        data.seats.extend_from_slice(hold.seats);
        data.single_row = hold.single_row;
        data.lines.clear();
        data.general_admission = hold.general_admission.map(|(section, lines)| {
            data.lines.extend_from_slice(lines);
            section
        });
        data.tickets = hold.tickets;
        data.total_price_minor = hold.total_price_minor;
        self.fates.push(Fate::Live { slot });
        self.live += 1;
        slot
    }

    /// The slot of a live hold, or why there is none.
    pub(crate) fn live_slot(&self, id: HoldId) -> Result<u32, Refusal> {
        let fate =
            id.0.checked_sub(1)
                .and_then(|index| self.fates.get(index as usize));
        match fate {
            None => Err(Refusal::UnknownHold(id)),
            Some(Fate::Live { slot }) => Ok(*slot),
            Some(Fate::Confirmed { .. }) => Err(Refusal::AlreadyConfirmed(id)),
            Some(Fate::Released) => Err(Refusal::HoldReleased(id)),
            Some(Fate::Expired) => Err(Refusal::HoldExpired(id)),
        }
    }

    pub(crate) fn fate(&self, id: HoldId) -> Option<Fate> {
        let index = id.0.checked_sub(1)?;
        self.fates.get(index as usize).copied()
    }

    /// Ends a live hold; its slot stays readable until the next insert.
    pub(crate) fn finish(&mut self, id: HoldId, slot: u32, fate: Fate) {
        debug_assert_eq!(self.fates[id.0 as usize - 1], Fate::Live { slot });
        self.fates[id.0 as usize - 1] = fate;
        self.vacant.push(slot);
        self.live -= 1;
    }

    /// Ids issued so far.
    pub(crate) fn issued(&self) -> u64 {
        self.fates.len() as u64
    }

    /// The live holds' slots, in hold-id order.
    pub(crate) fn live_slots(&self) -> impl Iterator<Item = &HoldSlot> {
        self.fates.iter().filter_map(|fate| match fate {
            Fate::Live { slot } => Some(&self.slots[*slot as usize]),
            _ => None,
        })
    }
}

impl HoldSlot {
    /// The hold as returned to the caller.
    pub(crate) fn to_hold(&self) -> Hold {
        Hold {
            id: self.id,
            seats: SeatList::from(self.seats.as_slice()),
            general_admission: self.general_admission.map(|section| GaTickets {
                section,
                lines: self.lines.clone(),
            }),
            tickets: self.tickets,
            total_price_minor: self.total_price_minor,
            deadline: self.deadline,
        }
    }
}
