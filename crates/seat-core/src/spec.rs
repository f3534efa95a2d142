//! The plain-data description of a venue, as written in a venue TOML file.
//!
//! A spec refers to price levels by name; [`crate::Venue::build`] resolves the names,
//! computes seat ranks and checks everything, naming the field to fix on error.
//! Lengths are integers in centimetres and prices integers in minor units (pence,
//! cents), so building a venue involves no floating point and gives the same ranks on
//! every machine.

#[cfg(feature = "serde")]
use serde::{Deserialize, Serialize};

/// A whole venue: price levels, reserved sections and general-admission areas.
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(
    feature = "serde",
    derive(Serialize, Deserialize),
    serde(deny_unknown_fields)
)]
pub struct VenueSpec {
    /// Display name, e.g. `"stadium-80k"`.
    pub name: String,
    /// The capacity the author states; building fails if the seats and GA capacity
    /// do not add up to it. `None` skips the check.
    #[cfg_attr(
        feature = "serde",
        serde(default, skip_serializing_if = "Option::is_none")
    )]
    pub capacity: Option<u32>,
    /// The focal point seat quality is measured from (usually the stage), in cm.
    #[cfg_attr(feature = "serde", serde(default))]
    pub focal_point_cm: [i64; 2],
    /// Every price level a seat or tier may refer to.
    pub price_levels: Vec<PriceLevelSpec>,
    /// Reserved-seating sections, in the order their ids are assigned.
    #[cfg_attr(feature = "serde", serde(default))]
    pub sections: Vec<SectionSpec>,
    /// General-admission (standing) areas; their section ids follow the reserved ones.
    #[cfg_attr(feature = "serde", serde(default))]
    pub general_admission: Vec<GeneralAdmissionSpec>,
}

/// A named price.
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(
    feature = "serde",
    derive(Serialize, Deserialize),
    serde(deny_unknown_fields)
)]
pub struct PriceLevelSpec {
    /// Name the sections and tiers refer to.
    pub name: String,
    /// Face value of one ticket in minor units (pence, cents).
    pub price_minor: u64,
}

/// A reserved section of rows of seats.
///
/// Give either `rows` + `seats_per_row`, or `row_lengths`. Give seat quality either as
/// a `layout` (rank = distance to the venue's focal point) or as explicit `ranks`.
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(
    feature = "serde",
    derive(Serialize, Deserialize),
    serde(deny_unknown_fields)
)]
pub struct SectionSpec {
    /// Display name, unique across sections and GA areas.
    pub name: String,
    /// Number of rows (with `seats_per_row`).
    #[cfg_attr(
        feature = "serde",
        serde(default, skip_serializing_if = "Option::is_none")
    )]
    pub rows: Option<u32>,
    /// Seats in every row (with `rows`).
    #[cfg_attr(
        feature = "serde",
        serde(default, skip_serializing_if = "Option::is_none")
    )]
    pub seats_per_row: Option<u32>,
    /// Seats in each row, front row first (instead of `rows` + `seats_per_row`).
    #[cfg_attr(
        feature = "serde",
        serde(default, skip_serializing_if = "Option::is_none")
    )]
    pub row_lengths: Option<Vec<u32>>,
    /// Price level of every row not covered by a band.
    pub price_level: String,
    /// Row ranges priced differently from `price_level`; later bands win.
    #[cfg_attr(
        feature = "serde",
        serde(default, skip_serializing_if = "Vec::is_empty")
    )]
    pub price_bands: Vec<PriceBandSpec>,
    /// Where the seats are; rank = distance to the focal point in cm + `rank_offset`.
    #[cfg_attr(
        feature = "serde",
        serde(default, skip_serializing_if = "Option::is_none")
    )]
    pub layout: Option<LayoutSpec>,
    /// Explicit rank of each seat, per row (lower is better); instead of `layout`.
    #[cfg_attr(
        feature = "serde",
        serde(default, skip_serializing_if = "Option::is_none")
    )]
    pub ranks: Option<Vec<Vec<u32>>>,
    /// Added to every computed rank, e.g. to push an upper tier behind a lower one.
    #[cfg_attr(feature = "serde", serde(default, skip_serializing_if = "is_zero"))]
    pub rank_offset: u32,
    /// Seats with attributes (accessible spaces, companion seats).
    #[cfg_attr(
        feature = "serde",
        serde(default, skip_serializing_if = "Vec::is_empty")
    )]
    pub seat_attributes: Vec<SeatAttributeSpec>,
}

/// Seats of one row that share an attribute.
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(
    feature = "serde",
    derive(Serialize, Deserialize),
    serde(deny_unknown_fields)
)]
pub struct SeatAttributeSpec {
    /// Row number, 1 = front row.
    pub row: u32,
    /// Seat numbers in the row, from 1.
    pub seats: Vec<u32>,
    /// The attribute those seats have.
    pub attribute: SeatAttribute,
}

/// One seat attribute, as written in a venue file.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[cfg_attr(
    feature = "serde",
    derive(Serialize, Deserialize),
    serde(rename_all = "lowercase")
)]
pub enum SeatAttribute {
    /// A wheelchair-accessible space.
    Accessible,
    /// A companion seat.
    Companion,
}

#[cfg(feature = "serde")]
fn is_zero(value: &u32) -> bool {
    *value == 0
}

/// Rows `from_row..=to_row` (1-based, front row is 1) priced at `price_level`.
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(
    feature = "serde",
    derive(Serialize, Deserialize),
    serde(deny_unknown_fields)
)]
pub struct PriceBandSpec {
    /// First row of the band, 1-based.
    pub from_row: u32,
    /// Last row of the band, 1-based, inclusive.
    pub to_row: u32,
    /// Price level of the band's rows.
    pub price_level: String,
}

/// Straight rows: seat `s` of row `r` sits at
/// `front_center_cm + r * row_step_cm + (s - (len - 1) / 2) * seat_step_cm`,
/// so every row is centred on the same line.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[cfg_attr(
    feature = "serde",
    derive(Serialize, Deserialize),
    serde(deny_unknown_fields)
)]
pub struct LayoutSpec {
    /// Centre of the front row, in cm.
    pub front_center_cm: [i64; 2],
    /// From one seat to the next along a row, in cm (its length is the seat pitch).
    pub seat_step_cm: [i64; 2],
    /// From one row to the next, away from the stage, in cm.
    pub row_step_cm: [i64; 2],
}

/// A standing area sold by capacity, in tiers released one after another.
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(
    feature = "serde",
    derive(Serialize, Deserialize),
    serde(deny_unknown_fields)
)]
pub struct GeneralAdmissionSpec {
    /// Display name, unique across sections and GA areas.
    pub name: String,
    /// Tiers in release order: tier `k + 1` is on sale only while tiers `0..=k` have
    /// no free capacity (Oasis 2024: £148 standing, then £355 once those were gone).
    pub tiers: Vec<TierSpec>,
}

/// One release tier of a GA area.
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(
    feature = "serde",
    derive(Serialize, Deserialize),
    serde(deny_unknown_fields)
)]
pub struct TierSpec {
    /// Price level of the tier's tickets.
    pub price_level: String,
    /// Tickets in the tier.
    pub capacity: u32,
}
