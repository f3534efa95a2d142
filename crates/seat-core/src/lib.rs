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
//!   Every call that takes an id (seat, hold, order, section, price level, tier)
//!   refuses one it does not know; nothing panics on client input ([`Venue::seat`] is
//!   the checked seat lookup). A broken invariant is a bug;
//!   [`SeatCore::check_invariants`] finds it.
//! * **Reads show the latest call.** Counts, `suggest_seats` and `hold_status` take no
//!   `now`: a hold past its deadline counts as held until the next mutating call.
//!   [`SeatCore::view`]`(now)` shows the state at `now` without mutating.
//! * **Identity and retries.** A hold may carry a [`CustomerId`] (ownership, a
//!   per-customer ticket limit across holds and orders) and an [`IdempotencyKey`]: a
//!   retried hold returns the first hold, a retried [`SeatCore::confirm_for`] the order.
//!   Holds are numbered 1, 2, 3, … as before; the journal records each id and replay
//!   checks it, so a lost entry is an error rather than a silently re-pointed id.
//! * **Durable.** [`SeatCore::start_journal`] records every accepted call with the seats
//!   chosen ([`Entry`]); [`SeatCore::replay`] rebuilds the state from it, even under a
//!   different selection algorithm. [`SeatCore::snapshot`] / [`SeatCore::restore`] copy
//!   the whole state as plain data (serde with the `serde` feature,
//!   [`SNAPSHOT_FORMAT_VERSION`]); [`SeatCore::digest`] is a stable 64-bit FNV-1a digest
//!   of it, equal on every platform, so a replica can prove it matches the leader.
//! * **Lifecycle.** Holds can be extended up to [`Limits::max_hold_ttl_ns`] (every
//!   deadline is checked against it; one day by default) and partly released; orders
//!   can be cancelled (seats back on sale); seats can be taken off sale (admin holds,
//!   kills) and put back; prices change while on sale (live holds keep theirs); the
//!   operator can open a GA tier early; best-available can require or avoid accessible
//!   and companion seats.
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
//!                                ├─ OrderBook    append-only orders + checksum, cancellations
//!                                ├─ prices, opened tiers, tickets per customer
//!                                └─ journal      accepted calls with their outcomes (opt-in)
//!
//!  snapshot() ──▶ Snapshot (plain data) ──restore()──▶ SeatCore (indexes rebuilt, checked)
//!  take_journal() ──▶ [Entry] ──replay()──▶ same digest, same orders
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
//! * seat attributes (require/avoid): a scan of the eligible rows, `O(seats × Q)`;
//! * expiry: `O(log holds)` per expired hold plus its row updates; a storm of `k` holds
//!   is `k` of those in one call;
//! * extend, partial release, cancel, take off sale: one row update per touched row;
//!   price change and tier opening: `O(1)`;
//! * snapshot, restore, digest, `check_invariants`: `O(seats + holds + orders)`;
//!   `view(now)`: free when nothing is due, else one copy of the state;
//! * memory: the venue (shared between clones), `Q + 1` keys per row, one byte of
//!   state and one bit per seat, and about 24 bytes per hold ever issued (its fate and
//!   owner, so a refused second confirm can say why); orders are append-only.
//!
//! Measured on the 80k stadium (2-core shared machine, December 2026;
//! `cargo bench -p seat-core --bench hard_paths`):
//!
//! | call | time |
//! |---|---|
//! | `hold_seats` of 2 given seats + `confirm` | 0.36 µs |
//! | best-available with section and price filters (+ confirm) | 0.52 µs |
//! | GA, 1–6 tickets from the tiers (+ confirm) | 0.25 µs |
//! | split seating, 4 seats, checkerboard venue (+ release) | 2.4 µs |
//! | split seating, 64 seats at limit 64 (+ release) | 16.5 µs |
//! | best-available requiring accessible seats (scan path) | 8.3 µs |
//! | expiry storm: 14,000 holds (49k seats) in one `handle_timeout` | 2.4 ms (170 ns per hold) |
//!
//! The worst single call is the expiry storm. In a 400,000-call mixed sale timed call by
//! call, p99.9 is under 10 µs for every call; the few slowest (0.1–2.7 ms) are vector
//! growth and the machine's other load, not the algorithms.
//! `cargo bench -p seat-core --bench best_available` measures holds/s and confirms/s at
//! 1k–320k seats.
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
//!
//! A service's view: customers, retries, a journal and a replica.
//!
//! ```
//! use seat_core::{CustomerId, HoldRequest, IdempotencyKey, Limits, SeatCore, VenuePreset};
//!
//! let limits = Limits::new(6).unwrap().with_max_tickets_per_customer(8);
//! let mut leader = SeatCore::new(VenuePreset::Club.venue(), limits);
//! leader.start_journal();
//! let fan = CustomerId(42);
//! let request = HoldRequest::new(2).for_customer(fan).idempotency_key(IdempotencyKey(7));
//! let hold = leader.hold_best_available(0, &request, 60_000_000_000).unwrap();
//! // The client timed out and sends the same request again: the same hold, no ghost.
//! assert_eq!(leader.hold_best_available(1, &request, 61_000_000_000), Ok(hold.clone()));
//! // 3-D Secure is slow: extend, then confirm; a repeated confirm returns the order.
//! leader.extend_hold(2, Some(fan), hold.id, 120_000_000_000).unwrap();
//! let order = leader.confirm_for(3, Some(fan), hold.id).unwrap();
//! assert_eq!(leader.confirm_for(4, Some(fan), hold.id), Ok(order));
//!
//! // A replica replays the journal; a new node restores a snapshot. Both match.
//! let mut replica = SeatCore::new(VenuePreset::Club.venue(), limits);
//! replica.replay(&leader.take_journal()).unwrap();
//! let restored = SeatCore::restore(&leader.snapshot()).unwrap();
//! assert_eq!(replica.digest(), leader.digest());
//! assert_eq!(restored.digest(), leader.digest());
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
