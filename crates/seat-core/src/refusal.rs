//! Refusals: the core's answers when it will not do what was asked. They are values, not
//! panics; the core's state is unchanged by a refused call, except that holds whose
//! deadline has passed are expired first (every call does that).

use crate::ids::{CustomerId, HoldId, OrderId, PriceLevelId, SeatId, SectionId};
use std::fmt;

/// Why an operation was refused.
///
/// [`Refusal::is_caller_error`] separates business outcomes a fan meets (sold out, seat
/// taken, hold expired) from calls a correct caller never makes (time going backwards,
/// unknown ids).
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
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
    /// The hold belongs to another customer (or to none, or the caller named none).
    NotHoldOwner(HoldId),
    /// The idempotency key was first used for a different request (other seats,
    /// quantity, section or price); it names the hold the key belongs to.
    IdempotencyKeyReused(HoldId),
    /// The customer would go over the per-customer ticket limit.
    CustomerLimit {
        /// The customer.
        customer: CustomerId,
        /// Tickets in the customer's live holds and active orders now.
        holding: u32,
        /// Tickets asked for.
        requested: u32,
        /// The per-customer limit.
        limit: u32,
    },
    /// The deadline is later than the maximum hold lifetime allows.
    DeadlineTooFar {
        /// The deadline passed in.
        deadline: i64,
        /// The latest deadline allowed for this hold.
        latest_allowed: i64,
    },
    /// No order with this id was ever confirmed.
    UnknownOrder(OrderId),
    /// The order was already cancelled.
    OrderCancelled(OrderId),
    /// A seat named in a partial release is not in the hold.
    SeatNotInHold {
        /// The hold.
        hold: HoldId,
        /// The seat.
        seat: SeatId,
    },
    /// A partial release would leave the hold empty (use `release`), or releases nothing.
    NotAPartialRelease(HoldId),
    /// No such GA tier.
    UnknownTier(u32),
    /// The seat is not off sale, so it cannot be returned to sale.
    SeatNotOffSale(SeatId),
    /// Tickets are free at an allowed price, but none with the required seat attributes.
    NoSeatsWithAttributes,
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
                | Refusal::NotHoldOwner(_)
                | Refusal::IdempotencyKeyReused(_)
                | Refusal::DeadlineTooFar { .. }
                | Refusal::UnknownOrder(_)
                | Refusal::SeatNotInHold { .. }
                | Refusal::NotAPartialRelease(_)
                | Refusal::UnknownTier(_)
                | Refusal::SeatNotOffSale(_)
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
            Refusal::NotHoldOwner(id) => write!(f, "{id} belongs to another customer"),
            Refusal::IdempotencyKeyReused(id) => {
                write!(
                    f,
                    "the idempotency key was used for {id}, a different request"
                )
            }
            Refusal::CustomerLimit {
                customer,
                holding,
                requested,
                limit,
            } => write!(
                f,
                "{customer} holds or bought {holding} tickets; {requested} more exceed the limit of {limit}"
            ),
            Refusal::DeadlineTooFar {
                deadline,
                latest_allowed,
            } => write!(
                f,
                "hold deadline {deadline} ns is after the latest allowed, {latest_allowed} ns"
            ),
            Refusal::UnknownOrder(id) => write!(f, "unknown {id}"),
            Refusal::OrderCancelled(id) => write!(f, "{id} was cancelled"),
            Refusal::SeatNotInHold { hold, seat } => write!(f, "{seat} is not in {hold}"),
            Refusal::NotAPartialRelease(id) => {
                write!(
                    f,
                    "a partial release of {id} must keep some tickets and give back some"
                )
            }
            Refusal::UnknownTier(tier) => write!(f, "unknown GA tier {tier}"),
            Refusal::SeatNotOffSale(id) => write!(f, "{id} is not off sale"),
            Refusal::NoSeatsWithAttributes => {
                write!(f, "no free tickets with the required seat attributes")
            }
        }
    }
}

impl std::error::Error for Refusal {}
