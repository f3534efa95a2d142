//! Refusals: the core's answers when it will not do what was asked. They are values, not
//! panics; the core's state is unchanged by a refused call, except that holds whose
//! deadline has passed are expired first (every call does that).

use crate::ids::{HoldId, PriceLevelId, SeatId, SectionId};
use std::fmt;

/// Why an operation was refused.
///
/// [`Refusal::is_caller_error`] separates business outcomes a fan meets (sold out, seat
/// taken, hold expired) from calls a correct caller never makes (time going backwards,
/// unknown ids).
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Refusal {
    /// `now` is earlier than the time of a previous call.
    TimeWentBackwards {
        /// The time passed in.
        now: i64,
        /// The latest time the core has seen.
        latest: i64,
    },
    /// The hold deadline is not after `now`.
    DeadlineNotInFuture {
        /// The deadline passed in.
        deadline: i64,
        /// The time passed in.
        now: i64,
    },
    /// A hold for zero tickets.
    ZeroQuantity,
    /// More tickets than the per-order limit.
    OverLimit {
        /// Tickets asked for.
        requested: u32,
        /// The per-order limit.
        limit: u32,
    },
    /// No such section.
    UnknownSection(SectionId),
    /// No such price level.
    UnknownPriceLevel(PriceLevelId),
    /// No such seat.
    UnknownSeat(SeatId),
    /// The same seat twice in one request.
    DuplicateSeat(SeatId),
    /// A requested seat is held or sold (a stale seat map, or someone was faster).
    SeatTaken(SeatId),
    /// Nothing is free in the section (or in any reserved section, if none was named).
    SoldOut,
    /// Tickets are free, but none at an allowed price.
    NoSeatsAtPrice,
    /// Fewer eligible tickets are free than were asked for.
    NotEnoughSeats {
        /// Eligible tickets free now.
        available: u32,
    },
    /// Enough seats are free, but not side by side in one row, and splitting the party
    /// was not allowed.
    NoAdjacentSeats,
    /// No hold with this id was ever issued.
    UnknownHold(HoldId),
    /// The hold's deadline passed; its tickets went back on sale.
    HoldExpired(HoldId),
    /// The hold was released.
    HoldReleased(HoldId),
    /// The hold was already confirmed; there is no second sale.
    AlreadyConfirmed(HoldId),
}

impl Refusal {
    /// True for calls a correct caller never makes: time going backwards, a deadline not
    /// in the future, zero tickets, unknown ids or a repeated seat. False for outcomes a
    /// fan meets in a real on-sale.
    pub fn is_caller_error(&self) -> bool {
        matches!(
            self,
            Refusal::TimeWentBackwards { .. }
                | Refusal::DeadlineNotInFuture { .. }
                | Refusal::ZeroQuantity
                | Refusal::UnknownSection(_)
                | Refusal::UnknownPriceLevel(_)
                | Refusal::UnknownSeat(_)
                | Refusal::DuplicateSeat(_)
                | Refusal::UnknownHold(_)
        )
    }
}

impl fmt::Display for Refusal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Refusal::TimeWentBackwards { now, latest } => {
                write!(
                    f,
                    "time went backwards: now = {now} ns but the core has seen {latest} ns"
                )
            }
            Refusal::DeadlineNotInFuture { deadline, now } => {
                write!(f, "hold deadline {deadline} ns is not after now = {now} ns")
            }
            Refusal::ZeroQuantity => write!(f, "a hold needs at least one ticket"),
            Refusal::OverLimit { requested, limit } => {
                write!(
                    f,
                    "{requested} tickets exceed the limit of {limit} per order"
                )
            }
            Refusal::UnknownSection(id) => write!(f, "unknown {id}"),
            Refusal::UnknownPriceLevel(id) => write!(f, "unknown {id}"),
            Refusal::UnknownSeat(id) => write!(f, "unknown {id}"),
            Refusal::DuplicateSeat(id) => write!(f, "{id} requested twice"),
            Refusal::SeatTaken(id) => write!(f, "{id} is already held or sold"),
            Refusal::SoldOut => write!(f, "sold out"),
            Refusal::NoSeatsAtPrice => write!(f, "no tickets free at the requested price"),
            Refusal::NotEnoughSeats { available } => {
                write!(f, "only {available} eligible tickets are free")
            }
            Refusal::NoAdjacentSeats => write!(f, "no adjacent seats for the whole party"),
            Refusal::UnknownHold(id) => write!(f, "unknown {id}"),
            Refusal::HoldExpired(id) => write!(f, "{id} expired"),
            Refusal::HoldReleased(id) => write!(f, "{id} was released"),
            Refusal::AlreadyConfirmed(id) => write!(f, "{id} was already confirmed"),
        }
    }
}

impl std::error::Error for Refusal {}
