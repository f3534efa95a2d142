//! Read-only queries sized for a seat-map response: counts per section and price, GA
//! tiers, and the free runs of each row.

use crate::core::SeatCore;
use crate::ids::{PriceLevelId, RowId, SeatId, SectionId};
use crate::tally::Counts;
use crate::venue::SectionKind;

/// Tickets of one (section, price level) zone.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ZoneAvailability {
    /// The section or GA area.
    pub section: SectionId,
    /// The price level.
    pub price_level: PriceLevelId,
    /// Current price of one ticket, minor units.
    pub price_minor: u64,
    /// Tickets by state.
    pub counts: Counts,
}

/// Tickets of one GA tier.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TierAvailability {
    /// Index into [`crate::Venue::tiers`].
    pub tier: u32,
    /// The tier's price level.
    pub price_level: PriceLevelId,
    /// Tickets by state.
    pub counts: Counts,
    /// Whether the tier is on sale now: the operator opened it, or every earlier tier
    /// has no free tickets.
    pub on_sale: bool,
}

/// A run of adjacent free seats in a row.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FreeRun {
    /// First seat of the run.
    pub first_seat: SeatId,
    /// Seats in the run.
    pub len: u32,
}

/// Venue-wide tickets by state, and revenue.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Totals {
    /// Tickets by state.
    pub counts: Counts,
    /// Revenue of confirmed orders, minor units.
    pub revenue_minor: u64,
}

impl SeatCore {
    /// Venue-wide counts and revenue. O(1).
    pub fn totals(&self) -> Totals {
        Totals {
            counts: self.tally.total,
            revenue_minor: self.tally.revenue_minor,
        }
    }

    /// Tickets the venue can sell. O(1).
    pub fn capacity(&self) -> u32 {
        self.tally.total.capacity
    }

    /// Tickets on sale now. O(1).
    pub fn free(&self) -> u32 {
        self.tally.total.free
    }

    /// Tickets in live holds. O(1).
    pub fn held(&self) -> u32 {
        self.tally.total.held
    }

    /// Tickets in confirmed orders. O(1).
    pub fn sold(&self) -> u32 {
        self.tally.total.sold
    }

    /// Revenue of confirmed orders, minor units. O(1).
    pub fn revenue_minor(&self) -> u64 {
        self.tally.revenue_minor
    }

    /// Counts of every (section, price level) zone, sorted by section then price level.
    pub fn availability(&self) -> Vec<ZoneAvailability> {
        (self.venue.zones.iter().zip(&self.tally.zones))
            .map(|(zone, &counts)| ZoneAvailability {
                section: zone.section,
                price_level: zone.price_level,
                price_minor: self.prices[zone.price_level.index()],
                counts,
            })
            .collect()
    }

    /// Counts of one section, summed over its price levels.
    pub fn section_counts(&self, section: SectionId) -> Option<Counts> {
        self.venue.sections.get(section.index())?;
        let zones = self
            .venue
            .zones
            .iter()
            .zip(&self.tally.zones)
            .filter(|(zone, _)| zone.section == section);
        Some(zones.fold(Counts::default(), |sum, (_, counts)| Counts {
            capacity: sum.capacity + counts.capacity,
            free: sum.free + counts.free,
            held: sum.held + counts.held,
            sold: sum.sold + counts.sold,
            off_sale: sum.off_sale + counts.off_sale,
        }))
    }

    /// The tiers of a GA area in release order (empty for a reserved or unknown section).
    pub fn tier_availability(&self, section: SectionId) -> Vec<TierAvailability> {
        let Some(SectionKind::GeneralAdmission { tiers }) =
            self.venue.sections.get(section.index()).map(|s| &s.kind)
        else {
            return Vec::new();
        };
        let mut earlier_free = 0;
        tiers
            .clone()
            .map(|tier| {
                let counts = self.tally.tiers[tier as usize];
                let on_sale = earlier_free == 0 || self.tiers_opened[tier as usize];
                earlier_free += counts.free;
                let price_level = self.venue.tiers[tier as usize].price_level;
                TierAvailability {
                    tier,
                    price_level,
                    counts,
                    on_sale,
                }
            })
            .collect()
    }

    /// Free runs of a row, in seat order (empty for an unknown row).
    pub fn free_runs(&self, row: RowId) -> Vec<FreeRun> {
        let Some(r) = self.venue.rows.get(row.index()) else {
            return Vec::new();
        };
        let first = r.first_seat.0;
        (self.free.runs(first, first + r.len))
            .map(|(start, end)| FreeRun {
                first_seat: SeatId(start),
                len: end - start,
            })
            .collect()
    }

    /// Free runs of every row of a section, front row first (empty for GA or unknown).
    pub fn section_free_runs(&self, section: SectionId) -> Vec<(RowId, Vec<FreeRun>)> {
        let Some(SectionKind::Reserved { rows }) =
            self.venue.sections.get(section.index()).map(|s| &s.kind)
        else {
            return Vec::new();
        };
        rows.clone()
            .map(|row| (RowId(row), self.free_runs(RowId(row))))
            .collect()
    }
}
