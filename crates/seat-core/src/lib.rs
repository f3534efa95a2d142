//! # seat-core: the seat-allocation core of a ticketing service
//!
//! The code a ticketing service would deploy to sell seats, and which the `sellout`
//! simulator runs unchanged in virtual time.
//!
//! ## The contract
//!
//! * **Deterministic.** The same calls with the same arguments give the same results,
//!   on any machine. No clock, no randomness, no I/O, no threads, no `HashMap`
//!   iteration. Ties are broken by ids, never by memory layout.
//! * **Time is passed in.** Every mutating call takes `now`, virtual time in integer
//!   nanoseconds (it may be negative, e.g. before a sale opens). A `now` earlier than a
//!   previous call's is refused with [`Refusal::TimeWentBackwards`]. Hold deadlines are
//!   absolute times on the same clock; a hold is live while `now < deadline`.
//! * **Sans-I/O timers.** [`SeatCore::poll_timeout`] says when the next hold expires;
//!   call [`SeatCore::handle_timeout`] (or [`SeatCore::expire`]) then. Every mutating
//!   call also expires due holds first, so a late or spurious timer changes nothing.
//! * **Refusals are values.** Sold out, seat taken, hold expired, over the limit: each is
//!   a [`Refusal`], and a refused call changes nothing (beyond the expiry above).
//!   A broken invariant is a bug; [`SeatCore::check_invariants`] finds it.
//!
//! ## Architecture
//!
//! ```text
//!  VenueSpec ──Venue::build──▶ Venue (immutable: seats, rows, ranks, prices, GA tiers)
//!                                │
//!                                ▼
//!  SeatCore::new(venue, limits) ─┬─ FreeSet      one bit per seat
//!                                ├─ BestIndex    per row × quantity: best block; min-tree over rows
//!                                ├─ Tally        free/held/sold per (section, price) zone, GA tier, venue
//!                                ├─ HoldBook     hold fates by id, live holds in reusable slots
//!                                ├─ DeadlineQueue min-heap of (deadline, hold)
//!                                └─ OrderBook    append-only orders + checksum
//! ```
//!
//! Best-available (see `selection.rs`) prefers, in order: the best block of adjacent
//! seats in one row that strands no single seat; the best block of adjacent seats; and,
//! if the request allows it, the best individual seats. "Best" is the lowest sum of seat
//! ranks (distance to the stage, or explicit scores), then the lower row id, then the
//! lower seat. GA requests take capacity from the first tier on sale.
//!
//! ## Costs
//!
//! With `Q` = the per-order limit and `R` = reserved rows:
//!
//! * best-available hold: `O(Q log R)` for the tree, plus `O(runs × Q)` to recompute the
//!   touched row when its ranks fall then rise along the row (every distance-ranked
//!   straight row), else `O(row length × Q)`; filtered requests add a range query per
//!   eligible (section, price level) zone; split seating is a best-first walk, `O(q log R)`;
//! * hold of given seats: the same per touched row; confirm: `O(tickets)`;
//!   release/expiry: one row update per touched row; totals: `O(1)`;
//! * memory: the venue (shared between clones), `Q + 1` keys per row, one byte of
//!   state and one bit per seat, and 8 bytes per hold ever issued (so a refused second
//!   confirm can say why); orders are append-only.
//!
//! `cargo bench -p seat-core` measures holds/s and confirms/s at 1k–320k seats.
//!
//! ## Example
//!
//! ```
//! use seat_core::{HoldRequest, Limits, Refusal, SeatCore, VenuePreset};
//!
//! let mut core = SeatCore::new(VenuePreset::Arena.venue(), Limits::default());
//! let ttl_ns = 8 * 60 * 1_000_000_000;
//! let now = 0;
//!
//! // A fan asks for the best four seats together.
//! let hold = core.hold_best_available(now, &HoldRequest::new(4), now + ttl_ns).unwrap();
//! assert_eq!(hold.seats.len(), 4);
//!
//! // Another fan read the same seat map and clicks the same seats: too late.
//! let stale = hold.seats.to_vec();
//! assert_eq!(core.hold_seats(now + 1, &stale, now + ttl_ns), Err(Refusal::SeatTaken(stale[0])));
//!
//! // Payment succeeds; the hold becomes an order, once.
//! let order = core.confirm(now + 2, hold.id).unwrap();
//! assert_eq!(order.total_price_minor, hold.total_price_minor);
//! assert_eq!(core.confirm(now + 3, hold.id), Err(Refusal::AlreadyConfirmed(hold.id)));
//! assert_eq!(core.sold(), 4);
//! core.check_invariants().unwrap();
//! ```
#![warn(missing_docs)]
#![forbid(unsafe_code)]

mod attributes;
mod availability;
mod best_index;
mod core;
mod digest;
mod expiry;
mod free_set;
mod hold;
mod ids;
mod invariants;
mod journal;
mod lifecycle;
mod limits;
mod order;
mod presets;
mod refusal;
mod row_shape;
mod seat_list;
mod selection;
mod snapshot;
mod spec;
mod tally;
mod venue;
mod view;

pub use crate::attributes::{AttributeFilter, SeatAttributes};
pub use crate::availability::{FreeRun, TierAvailability, Totals, ZoneAvailability};
pub use crate::core::{Expired, ExpiredHold, HoldStats, Released, SeatCore, SeatState};
pub use crate::hold::{GaLine, GaTickets, Hold, HoldRequest, HoldStatus, Suggestion};
pub use crate::ids::{
    CustomerId, HoldId, IdempotencyKey, OrderId, PriceLevelId, RowId, SeatId, SectionId,
};
pub use crate::invariants::{Invariant, InvariantViolation};
pub use crate::journal::{Entry, JOURNAL_FORMAT_VERSION, Op, ReplayError};
pub use crate::lifecycle::{Cancelled, OffSaleReason};
pub use crate::limits::{DEFAULT_MAX_HOLD_TTL_NS, Limits, LimitsError, MAX_TICKETS_PER_ORDER};
pub use crate::order::Order;
pub use crate::presets::{VenuePreset, seated_bowl};
pub use crate::refusal::Refusal;
pub use crate::seat_list::SeatList;
pub use crate::snapshot::{
    HoldFate, HoldRecord, LiveHold, RestoreError, SNAPSHOT_FORMAT_VERSION, Snapshot,
};
pub use crate::spec::{
    GeneralAdmissionSpec, LayoutSpec, PriceBandSpec, PriceLevelSpec, SeatAttribute,
    SeatAttributeSpec, SectionSpec, TierSpec, VenueSpec,
};
pub use crate::tally::Counts;
pub use crate::venue::{
    PriceLevel, RANK_MAX, ROW_LENGTH_MAX, Row, SeatInfo, SeatLabel, Section, SectionKind, Tier,
    Venue, VenueError, Zone,
};
pub use crate::view::View;
