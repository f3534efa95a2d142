//! Holds: what a caller asks for, what it gets back, and the book of live holds.
//!
//! Hold ids are issued in sequence and never reused; every id's fate (live, confirmed,
//! released, expired) is remembered, so a second confirm is told apart from a confirm
//! after expiry. A live hold's data sits in a slot that is reused once the hold ends, so
//! steady-state holding does not allocate.

use crate::attributes::{AttributeFilter, SeatAttributes};
use crate::digest::Fnv;
use crate::ids::{CustomerId, HoldId, IdempotencyKey, OrderId, PriceLevelId, SeatId, SectionId};
use crate::refusal::Refusal;
use crate::seat_list::SeatList;
use std::collections::BTreeMap;

/// What a fan asks best-available for.
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
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
    /// The customer the hold is for: only that customer may confirm, extend or release
    /// it, and its tickets count towards the per-customer limit. `None`: anonymous.
    #[cfg_attr(feature = "serde", serde(default))]
    pub customer: Option<CustomerId>,
    /// The client's idempotency key: a retry with the same (customer, key) returns the
    /// first hold instead of holding again.
    #[cfg_attr(feature = "serde", serde(default))]
    pub idempotency_key: Option<IdempotencyKey>,
    /// Seat attributes the seats must have or must not have (reserved seats only).
    #[cfg_attr(feature = "serde", serde(default))]
    pub attributes: AttributeFilter,
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
            customer: None,
            idempotency_key: None,
            attributes: AttributeFilter::default(),
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

    /// Holds for this customer (ownership and the per-customer limit).
    pub fn for_customer(mut self, customer: CustomerId) -> HoldRequest {
        self.customer = Some(customer);
        self
    }

    /// Makes a retry of this request safe: the same (customer, key) gets the same hold.
    pub fn idempotency_key(mut self, key: IdempotencyKey) -> HoldRequest {
        self.idempotency_key = Some(key);
        self
    }

    /// Every seat must have at least one of `attributes`.
    pub fn requiring(mut self, attributes: SeatAttributes) -> HoldRequest {
        self.attributes.require = attributes;
        self
    }

    /// No seat may have any of `attributes`.
    pub fn avoiding(mut self, attributes: SeatAttributes) -> HoldRequest {
        self.attributes.avoid = attributes;
        self
    }

    /// A hash of what is asked for (not who asks, nor the key), to tell a true retry
    /// from a reused key.
    pub(crate) fn fingerprint(&self) -> u64 {
        Fnv::new()
            .u64(1)
            .u32(self.quantity)
            .option(self.section.map(|s| u64::from(s.0)))
            .option(self.price_level.map(|l| u64::from(l.0)))
            .option(self.max_price_minor)
            .u64(u64::from(self.allow_split))
            .u64(u64::from(self.attributes.require.bits()))
            .u64(u64::from(self.attributes.avoid.bits()))
            .finish()
    }
}

/// Fingerprint of a request for exactly these seats.
pub(crate) fn seats_fingerprint(seats: &[SeatId]) -> u64 {
    let mut hash = Fnv::new();
    hash.u64(2).u64(seats.len() as u64);
    for seat in seats {
        hash.u32(seat.0);
    }
    hash.finish()
}

/// Tickets taken from one GA tier.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
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
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
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
    /// The customer the hold belongs to (`None`: anonymous).
    pub customer: Option<CustomerId>,
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
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
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
    /// Price of each seat when it was held (prices may change later).
    pub(crate) seat_prices: Vec<u64>,
    /// Price of one ticket of each GA line when it was held.
    pub(crate) line_prices: Vec<u64>,
    pub(crate) customer: Option<CustomerId>,
    pub(crate) granted_at: i64,
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
    /// Owner of hold id `k` at index `k - 1`.
    pub(crate) owners: Vec<Option<CustomerId>>,
    pub(crate) slots: Vec<HoldSlot>,
    vacant: Vec<u32>,
    pub(crate) live: u32,
    /// (customer, key) → (hold, request fingerprint), for every hold made with a key.
    pub(crate) keys: BTreeMap<(Option<CustomerId>, IdempotencyKey), (HoldId, u64)>,
}

/// The contents of a new hold.
pub(crate) struct NewHold<'a> {
    pub(crate) deadline: i64,
    pub(crate) seats: &'a [SeatId],
    pub(crate) single_row: Option<u32>,
    pub(crate) general_admission: Option<(SectionId, &'a [GaLine])>,
    pub(crate) tickets: u32,
    pub(crate) total_price_minor: u64,
    pub(crate) seat_prices: &'a [u64],
    pub(crate) line_prices: &'a [u64],
    pub(crate) customer: Option<CustomerId>,
    pub(crate) key: Option<(IdempotencyKey, u64)>,
    pub(crate) granted_at: i64,
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
                    seat_prices: Vec::new(),
                    line_prices: Vec::new(),
                    customer: None,
                    granted_at: 0,
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
        data.seat_prices.clear();
        data.seat_prices.extend_from_slice(hold.seat_prices);
        data.line_prices.clear();
        data.line_prices.extend_from_slice(hold.line_prices);
        data.customer = hold.customer;
        data.granted_at = hold.granted_at;
        if let Some((key, fingerprint)) = hold.key {
            self.keys.insert((hold.customer, key), (id, fingerprint));
        }
        self.fates.push(Fate::Live { slot });
        self.owners.push(hold.customer);
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

    /// The owner of an issued hold (`None` inside for anonymous holds).
    pub(crate) fn owner(&self, id: HoldId) -> Option<Option<CustomerId>> {
        let index = id.0.checked_sub(1)?;
        self.owners.get(index as usize).copied()
    }

    /// The slot of a live hold the caller owns, or why not. Unknown ids are refused as
    /// unknown before ownership is looked at; a hold of someone else is refused as
    /// not owned whatever its fate, so a caller learns nothing about others' holds.
    pub(crate) fn owned_live_slot(
        &self,
        id: HoldId,
        caller: Option<CustomerId>,
    ) -> Result<u32, Refusal> {
        match self.owner(id) {
            None => Err(Refusal::UnknownHold(id)),
            Some(owner) if owner != caller => Err(Refusal::NotHoldOwner(id)),
            Some(_) => self.live_slot(id),
        }
    }

    /// Ends a live hold; its slot stays readable until the next insert.
    pub(crate) fn finish(&mut self, id: HoldId, slot: u32, fate: Fate) {
        debug_assert_eq!(self.fates[id.0 as usize - 1], Fate::Live { slot });
        self.fates[id.0 as usize - 1] = fate;
        self.vacant.push(slot);
        self.live -= 1;
    }

    /// Records an ended hold (restoring a snapshot): the next id, with its fate.
    pub(crate) fn push_ended(&mut self, fate: Fate, owner: Option<CustomerId>) {
        debug_assert!(!matches!(fate, Fate::Live { .. }));
        self.fates.push(fate);
        self.owners.push(owner);
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
            customer: self.customer,
        }
    }
}
