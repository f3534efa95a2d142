//! The journal: every accepted call as data, with its outcome where the outcome is a
//! choice the core made (the seats best-available picked, the hold and order ids). A
//! fresh core that replays a journal reaches the same state — same digest, same holds,
//! same orders — even if a later version of the selection algorithm would pick other
//! seats, because a replayed hold takes the recorded seats rather than choosing again.
//! Ids are checked on replay, so a lost or reordered entry is an error, not a silently
//! re-pointed id.
//!
//! A refused call is journaled as a bare [`Op::Advance`] when it moved the clock (it
//! still expired due holds) and not at all otherwise.

use crate::core::{Claim, SeatCore};
use crate::hold::GaTickets;
use crate::ids::{CustomerId, HoldId, IdempotencyKey, OrderId, PriceLevelId, SeatId};
use crate::lifecycle::OffSaleReason;
use crate::refusal::Refusal;
use crate::selection::Pick;
use crate::venue::SectionKind;
use std::fmt;

/// Version of the journal's serialized form; bumped when an entry's meaning changes.
pub const JOURNAL_FORMAT_VERSION: u32 = 1;

/// One accepted call.
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Entry {
    /// The call's `now`, virtual ns.
    pub now: i64,
    /// What it did.
    pub op: Op,
}

/// What an accepted call did.
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[non_exhaustive]
pub enum Op {
    /// Only the clock moved (an expiry timer, or a refused call).
    Advance,
    /// A new hold, with the tickets chosen for it.
    Hold {
        /// The id it was given.
        hold: HoldId,
        /// Its owner.
        customer: Option<CustomerId>,
        /// Its idempotency key.
        key: Option<IdempotencyKey>,
        /// Fingerprint of the request the key was used for (0 without a key).
        fingerprint: u64,
        /// Its deadline.
        deadline: i64,
        /// Reserved seats, in the order chosen.
        seats: Vec<SeatId>,
        /// GA tickets.
        general_admission: Option<GaTickets>,
        /// Its price, minor units (checked on replay).
        total_price_minor: u64,
    },
    /// A hold confirmed into an order.
    Confirm {
        /// The hold.
        hold: HoldId,
        /// The order id it was given.
        order: OrderId,
    },
    /// A hold given back.
    Release {
        /// The hold.
        hold: HoldId,
    },
    /// Some seats of a hold given back.
    ReleaseSeats {
        /// The hold.
        hold: HoldId,
        /// The seats.
        seats: Vec<SeatId>,
    },
    /// Some GA tickets of a hold given back.
    ReleaseTickets {
        /// The hold.
        hold: HoldId,
        /// How many.
        tickets: u32,
    },
    /// A hold's deadline moved.
    Extend {
        /// The hold.
        hold: HoldId,
        /// The new deadline.
        deadline: i64,
    },
    /// An order cancelled.
    CancelOrder {
        /// The order.
        order: OrderId,
    },
    /// Seats taken off sale.
    TakeOffSale {
        /// The seats.
        seats: Vec<SeatId>,
        /// Why.
        reason: OffSaleReason,
    },
    /// Seats put back on sale.
    ReturnToSale {
        /// The seats.
        seats: Vec<SeatId>,
    },
    /// A price level's price changed.
    SetPrice {
        /// The level.
        level: PriceLevelId,
        /// The new price.
        price_minor: u64,
    },
    /// A GA tier opened by the operator.
    OpenTier {
        /// The tier.
        tier: u32,
    },
}

/// A journal that does not replay: the core refused an entry, or the outcome differed
/// from the one recorded. Fatal for that journal.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum ReplayError {
    /// The core refused entry `index`.
    Refused {
        /// Position in the journal.
        index: usize,
        /// The refusal.
        refusal: Refusal,
    },
    /// Entry `index` gave another outcome than the one recorded.
    Diverged {
        /// Position in the journal.
        index: usize,
        /// What differed.
        detail: String,
    },
}

impl fmt::Display for ReplayError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ReplayError::Refused { index, refusal } => {
                write!(f, "journal entry {index} was refused on replay: {refusal}")
            }
            ReplayError::Diverged { index, detail } => {
                write!(f, "journal entry {index} diverged on replay: {detail}")
            }
        }
    }
}

impl std::error::Error for ReplayError {}

/// Why one entry failed, before its position is known.
enum Failure {
    Refused(Refusal),
    Diverged(String),
}

impl From<Refusal> for Failure {
    fn from(refusal: Refusal) -> Failure {
        Failure::Refused(refusal)
    }
}

fn diverged<T>(detail: String) -> Result<T, Failure> {
    Err(Failure::Diverged(detail))
}

impl SeatCore {
    /// Starts recording every accepted call (see [`Entry`]); a journal already being
    /// kept is left as it is.
    pub fn start_journal(&mut self) {
        self.journal.get_or_insert_with(Vec::new);
    }

    /// The entries recorded since the journal was started or last taken; recording
    /// goes on.
    pub fn take_journal(&mut self) -> Vec<Entry> {
        self.journal
            .as_mut()
            .map(std::mem::take)
            .unwrap_or_default()
    }

    /// Whether calls are being journaled.
    pub fn is_journaling(&self) -> bool {
        self.journal.is_some()
    }

    /// Replays journal entries in order (into a fresh core, or one restored from the
    /// snapshot the journal continues). Stops at the first entry that is refused or
    /// whose outcome differs from the recorded one.
    pub fn replay<'a>(
        &mut self,
        entries: impl IntoIterator<Item = &'a Entry>,
    ) -> Result<(), ReplayError> {
        for (index, entry) in entries.into_iter().enumerate() {
            self.apply(entry).map_err(|failure| match failure {
                Failure::Refused(refusal) => ReplayError::Refused { index, refusal },
                Failure::Diverged(detail) => ReplayError::Diverged { index, detail },
            })?;
        }
        Ok(())
    }

    fn apply(&mut self, entry: &Entry) -> Result<(), Failure> {
        let now = entry.now;
        let owner = |core: &SeatCore, hold: HoldId| {
            core.holds
                .owner(hold)
                .ok_or(Failure::Refused(Refusal::UnknownHold(hold)))
        };
        match &entry.op {
            Op::Advance => {
                self.expire(now)?;
            }
            Op::Hold { .. } => self.apply_hold(entry)?,
            Op::Confirm { hold, order } => {
                let customer = owner(self, *hold)?;
                let confirmed = self.confirm_as(now, customer, *hold, false)?;
                if confirmed.id != *order {
                    return diverged(format!("{hold} became {} not {order}", confirmed.id));
                }
            }
            Op::Release { hold } => {
                self.release_for(now, owner(self, *hold)?, *hold)?;
            }
            Op::ReleaseSeats { hold, seats } => {
                self.release_seats(now, owner(self, *hold)?, *hold, seats)?;
            }
            Op::ReleaseTickets { hold, tickets } => {
                self.release_tickets(now, owner(self, *hold)?, *hold, *tickets)?;
            }
            Op::Extend { hold, deadline } => {
                self.extend_hold(now, owner(self, *hold)?, *hold, *deadline)?;
            }
            Op::CancelOrder { order } => {
                self.cancel_order(now, *order)?;
            }
            Op::TakeOffSale { seats, reason } => {
                self.take_off_sale(now, seats, *reason)?;
            }
            Op::ReturnToSale { seats } => {
                self.return_to_sale(now, seats)?;
            }
            Op::SetPrice { level, price_minor } => {
                self.set_price(now, *level, *price_minor)?;
            }
            Op::OpenTier { tier } => self.open_tier(now, *tier)?,
        }
        Ok(())
    }

    /// Grants the recorded tickets, checking that the hold would be granted today.
    fn apply_hold(&mut self, entry: &Entry) -> Result<(), Failure> {
        let Op::Hold {
            hold,
            customer,
            key,
            fingerprint,
            deadline,
            seats,
            general_admission,
            total_price_minor,
        } = &entry.op
        else {
            return diverged("not a hold".to_string());
        };
        let now = entry.now;
        self.advance(now)?;
        let expected = HoldId(self.holds.issued() + 1);
        if *hold != expected {
            return diverged(format!("the next hold id is {expected}, not {hold}"));
        }
        if let Some(key) = key
            && self.holds.keys.contains_key(&(*customer, *key))
        {
            return diverged(format!("{key} of {customer:?} was already used"));
        }
        self.check_deadline(now, now, *deadline)?;
        let pick = match general_admission {
            None => {
                self.check_seats_free(seats)?;
                Pick::Seats(seats.clone())
            }
            Some(tickets) => self.check_general_admission(tickets)?,
        };
        let quantity = seats.len() as u32
            + (general_admission.iter())
                .flat_map(|ga| &ga.lines)
                .map(|line| line.tickets)
                .sum::<u32>();
        crate::selection::check_quantity(quantity, self.limits)?;
        self.check_customer_limit(*customer, quantity)?;
        let claim = Claim {
            customer: *customer,
            key: *key,
            fingerprint: *fingerprint,
        };
        let granted = self.take(pick, now, *deadline, claim);
        if granted.total_price_minor != *total_price_minor {
            return diverged(format!(
                "{hold} costs {} not {total_price_minor}",
                granted.total_price_minor
            ));
        }
        if let Some(journal) = &mut self.journal {
            journal.push(entry.clone());
        }
        Ok(())
    }

    /// Recorded GA tickets: a GA area, its own tiers, at their price levels, free.
    fn check_general_admission(&self, tickets: &GaTickets) -> Result<Pick, Failure> {
        let section = self.venue.sections.get(tickets.section.index());
        let Some(SectionKind::GeneralAdmission { tiers }) = section.map(|s| &s.kind) else {
            return diverged(format!("{} is not a GA area", tickets.section));
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
                return diverged(format!("GA line {line:?} cannot be held"));
            }
        }
        Ok(Pick::General {
            section: tickets.section,
            lines: tickets.lines.clone(),
        })
    }
}
