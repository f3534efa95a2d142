//! The built, immutable venue: every seat with its row, rank and price, and every GA
//! tier. Built once from a [`VenueSpec`]; shared by value with each [`crate::SeatCore`].

use crate::attributes::SeatAttributes;
use crate::ids::{PriceLevelId, RowId, SeatId, SectionId};
use crate::spec::VenueSpec;
use std::fmt;
use std::ops::Range;

mod build;

/// Largest seat rank. Ranks of a block are summed, so this keeps the sum of up to
/// [`crate::MAX_TICKETS_PER_ORDER`] ranks inside 32 bits.
pub const RANK_MAX: u32 = (1 << 24) - 1;

/// Longest row, in seats.
pub const ROW_LENGTH_MAX: u32 = 10_000;

/// A named price.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PriceLevel {
    /// Name from the spec.
    pub name: String,
    /// Face value of one ticket in minor units.
    pub price_minor: u64,
}

/// What a section sells.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SectionKind {
    /// Numbered seats in rows; `rows` indexes [`Venue::rows`].
    Reserved {
        /// The section's rows, front to back.
        rows: Range<u32>,
    },
    /// Capacity without seat numbers; `tiers` indexes [`Venue::tiers`], in release order.
    GeneralAdmission {
        /// The area's tiers, in release order.
        tiers: Range<u32>,
    },
}

/// A reserved section or GA area.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Section {
    /// Name from the spec.
    pub name: String,
    /// Seats or standing tiers.
    pub kind: SectionKind,
    /// Tickets the section can sell.
    pub capacity: u32,
}

/// A reserved row: `len` seats with consecutive ids from `first_seat`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Row {
    /// Section the row belongs to.
    pub section: SectionId,
    /// Position in the section, 0 = front row.
    pub index_in_section: u32,
    /// Id of the row's first seat (seat number 1).
    pub first_seat: SeatId,
    /// Seats in the row.
    pub len: u32,
    /// Price of every seat in the row.
    pub price_level: PriceLevelId,
    /// The (section, price level) zone the row counts towards.
    pub zone: u32,
}

/// One release tier of a GA area.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Tier {
    /// The GA area.
    pub section: SectionId,
    /// Price of the tier's tickets.
    pub price_level: PriceLevelId,
    /// Tickets in the tier.
    pub capacity: u32,
    /// The (section, price level) zone the tier counts towards.
    pub zone: u32,
}

/// A (section, price level) pair with its capacity: the unit availability is counted in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Zone {
    /// The section.
    pub section: SectionId,
    /// The price level.
    pub price_level: PriceLevelId,
    /// Tickets in the zone.
    pub capacity: u32,
}

/// Where a seat is, in the words printed on a ticket.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SeatLabel {
    /// The seat's section.
    pub section: SectionId,
    /// Row number, 1 = front row.
    pub row_number: u32,
    /// Seat number within the row, from 1.
    pub seat_number: u32,
}

/// A venue that failed to build. Every variant is fatal for that spec; the message names
/// the field to fix.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum VenueError {
    /// A field has a value the builder cannot use.
    Invalid {
        /// Path of the field, e.g. `sections[3].price_bands[0].to_row`.
        field: String,
        /// What is wrong with it.
        reason: String,
    },
    /// The stated `capacity` differs from the seats and GA capacity built.
    CapacityMismatch {
        /// `capacity` from the spec.
        stated: u32,
        /// Seats plus GA capacity actually built.
        built: u64,
    },
}

impl fmt::Display for VenueError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            VenueError::Invalid { field, reason } => write!(f, "venue field `{field}`: {reason}"),
            VenueError::CapacityMismatch { stated, built } => write!(
                f,
                "venue field `capacity` says {stated} but the sections and GA tiers add up to {built}"
            ),
        }
    }
}

impl std::error::Error for VenueError {}

/// A built venue. Immutable; cheap enough to clone once per simulation run.
#[derive(Clone, Debug)]
pub struct Venue {
    pub(crate) name: String,
    pub(crate) price_levels: Vec<PriceLevel>,
    pub(crate) sections: Vec<Section>,
    pub(crate) rows: Vec<Row>,
    pub(crate) tiers: Vec<Tier>,
    pub(crate) zones: Vec<Zone>,
    /// Row of each seat.
    pub(crate) seat_rows: Vec<u32>,
    /// Rank of each seat; lower is better.
    pub(crate) seat_ranks: Vec<u32>,
    /// Per row, `len + 1` prefix sums of ranks, starting at `first_seat + row id`;
    /// padded with zeros at the end (see `BestIndex`).
    pub(crate) rank_prefix: Vec<u32>,
    /// Per row, the seat offsets sorted by (rank, offset), starting at `first_seat`.
    pub(crate) rank_order: Vec<u32>,
    /// Attributes of each seat.
    pub(crate) seat_attributes: Vec<SeatAttributes>,
    /// Per row, the union of its seats' attributes.
    pub(crate) row_attributes: Vec<SeatAttributes>,
    /// The spec the venue was built from (snapshots carry it).
    pub(crate) spec: VenueSpec,
}

/// Everything about one seat, for client input that may name any seat id.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SeatInfo {
    /// The seat's row.
    pub row: RowId,
    /// Section, row number and seat number.
    pub label: SeatLabel,
    /// Rank; lower is better.
    pub rank: u32,
    /// The seat's price level.
    pub price_level: PriceLevelId,
    /// Face value from the spec, minor units (the on-sale price may have changed since:
    /// see [`crate::SeatCore::price_minor`]).
    pub face_price_minor: u64,
    /// Accessible, companion.
    pub attributes: SeatAttributes,
}

impl Venue {
    /// Builds and checks a venue from its spec.
    pub fn build(spec: &VenueSpec) -> Result<Venue, VenueError> {
        build::build(spec)
    }

    /// Display name from the spec.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// Tickets the venue can sell: reserved seats plus GA capacity.
    pub fn capacity(&self) -> u64 {
        self.zones.iter().map(|zone| u64::from(zone.capacity)).sum()
    }

    /// Number of reserved seats; seat ids are `0..seat_count()`.
    pub fn seat_count(&self) -> u32 {
        self.seat_ranks.len() as u32
    }

    /// All price levels, indexed by [`PriceLevelId`].
    pub fn price_levels(&self) -> &[PriceLevel] {
        &self.price_levels
    }

    /// All sections, indexed by [`SectionId`]: reserved first, then GA areas.
    pub fn sections(&self) -> &[Section] {
        &self.sections
    }

    /// All reserved rows, indexed by [`RowId`].
    pub fn rows(&self) -> &[Row] {
        &self.rows
    }

    /// All GA tiers of all areas.
    pub fn tiers(&self) -> &[Tier] {
        &self.tiers
    }

    /// All (section, price level) zones, sorted by section then price level.
    pub fn zones(&self) -> &[Zone] {
        &self.zones
    }

    /// The section with this name.
    pub fn section_by_name(&self, name: &str) -> Option<SectionId> {
        let index = self.sections.iter().position(|s| s.name == name)?;
        Some(SectionId(index as u32))
    }

    /// The price level with this name.
    pub fn price_level_by_name(&self, name: &str) -> Option<PriceLevelId> {
        let index = self.price_levels.iter().position(|p| p.name == name)?;
        Some(PriceLevelId(index as u32))
    }

    /// The spec the venue was built from.
    pub fn spec(&self) -> &VenueSpec {
        &self.spec
    }

    /// A seat's row, label, rank, price level and attributes; `None` for an unknown
    /// seat. Use this for ids that come from clients.
    pub fn seat(&self, seat: SeatId) -> Option<SeatInfo> {
        let row_id = *self.seat_rows.get(seat.index())?;
        let row = &self.rows[row_id as usize];
        Some(SeatInfo {
            row: RowId(row_id),
            label: SeatLabel {
                section: row.section,
                row_number: row.index_in_section + 1,
                seat_number: seat.0 - row.first_seat.0 + 1,
            },
            rank: self.seat_ranks[seat.index()],
            price_level: row.price_level,
            face_price_minor: self.price_levels[row.price_level.index()].price_minor,
            attributes: self.seat_attributes[seat.index()],
        })
    }

    /// The row a seat is in. Panics on an unknown seat: for client input use
    /// [`Venue::seat`].
    pub fn seat_row(&self, seat: SeatId) -> RowId {
        RowId(self.seat_rows[seat.index()])
    }

    /// A seat's rank: distance to the focal point in cm (plus offset), or the explicit
    /// rank. Lower is better. Panics on an unknown seat: for client input use
    /// [`Venue::seat`].
    pub fn seat_rank(&self, seat: SeatId) -> u32 {
        self.seat_ranks[seat.index()]
    }

    /// A seat's face value in minor units. Panics on an unknown seat: for client input
    /// use [`Venue::seat`].
    pub fn seat_price_minor(&self, seat: SeatId) -> u64 {
        let row = &self.rows[self.seat_rows[seat.index()] as usize];
        self.price_levels[row.price_level.index()].price_minor
    }

    /// Section, row number and seat number of a seat. Panics on an unknown seat: for
    /// client input use [`Venue::seat`].
    pub fn seat_label(&self, seat: SeatId) -> SeatLabel {
        let row = &self.rows[self.seat_rows[seat.index()] as usize];
        SeatLabel {
            section: row.section,
            row_number: row.index_in_section + 1,
            seat_number: seat.0 - row.first_seat.0 + 1,
        }
    }

    /// Whether `section` is a GA area (false for reserved or unknown sections).
    pub fn is_general_admission(&self, section: SectionId) -> bool {
        matches!(
            self.sections.get(section.index()).map(|s| &s.kind),
            Some(SectionKind::GeneralAdmission { .. })
        )
    }
}
