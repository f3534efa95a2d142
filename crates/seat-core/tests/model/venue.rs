//! The reference model's own reading of a [`VenueSpec`]: seat ids, rows, ranks, prices,
//! GA tiers and zones, worked out from the spec's documentation without `Venue::build`
//! or any table the core computes. [`SpecVenue::check_against`] compares the result with
//! the core's built [`Venue`], so a wrong rank, band or offset in the builder is caught
//! before the first command runs (and, through selection and prices, after every one).
//!
//! What the spec says, and how it is read here:
//! * Sections get ids in order, reserved ones first, then GA areas; rows get ids in that
//!   order, front row first; seats get consecutive ids along each row.
//! * A row's price level is the section's `price_level`, unless a price band covers the
//!   row (rows `from_row..=to_row`, 1-based): then the *last* band in the list that
//!   covers it decides ("later bands win").
//! * A seat's rank is its explicit rank, or its distance to the focal point in whole cm
//!   (rounded down), where seat `s` of row `r` (both from 0) of a row of `len` seats sits
//!   at `front_center_cm + r * row_step_cm + (s - (len - 1) / 2) * seat_step_cm`; then
//!   `rank_offset` is added.
//! * GA tiers get ids across all areas, in order; an area's tiers are in release order.
//! * A zone is a (section, price level) pair that has seats or tiers, listed by section
//!   then price level id.
//!
//! The spec is assumed valid (the generators only make buildable venues); anything this
//! reader cannot make sense of is an `Err`.

use seat_core::{
    PriceLevelId, RowId, SeatAttribute, SeatId, SectionId, SectionKind, SectionSpec, Venue,
    VenueSpec,
};

/// Attribute bits, as the spec marks them (accessible 1, companion 2).
pub const ACCESSIBLE: u8 = 1;
pub const COMPANION: u8 = 2;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SpecSeat {
    pub section: u32,
    /// Global row id.
    pub row: u32,
    /// Seat number in the row, from 1.
    pub number: u32,
    pub rank: u32,
    pub level: u32,
    /// Attribute bits.
    pub attributes: u8,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SpecRow {
    pub section: u32,
    /// Row number in the section, from 1.
    pub number: u32,
    pub first_seat: u32,
    pub len: u32,
    pub level: u32,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SpecTier {
    pub section: u32,
    pub level: u32,
    pub capacity: u32,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SpecSectionKind {
    /// Global row ids, front to back.
    Reserved(Vec<u32>),
    /// Global tier ids, in release order.
    General(Vec<u32>),
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SpecSection {
    pub name: String,
    pub kind: SpecSectionKind,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SpecZone {
    pub section: u32,
    pub level: u32,
    pub capacity: u32,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SpecVenue {
    pub level_names: Vec<String>,
    /// Face price of each level, minor units.
    pub face_prices: Vec<u64>,
    pub sections: Vec<SpecSection>,
    pub rows: Vec<SpecRow>,
    pub seats: Vec<SpecSeat>,
    pub tiers: Vec<SpecTier>,
    pub zones: Vec<SpecZone>,
}

impl SpecVenue {
    pub fn read(spec: &VenueSpec) -> Result<SpecVenue, String> {
        let mut venue = SpecVenue {
            level_names: spec.price_levels.iter().map(|l| l.name.clone()).collect(),
            face_prices: spec.price_levels.iter().map(|l| l.price_minor).collect(),
            sections: Vec::new(),
            rows: Vec::new(),
            seats: Vec::new(),
            tiers: Vec::new(),
            zones: Vec::new(),
        };
        for section in &spec.sections {
            venue.read_reserved(spec, section)?;
        }
        for area in &spec.general_admission {
            let id = venue.sections.len() as u32;
            let mut tier_ids = Vec::new();
            for tier in &area.tiers {
                tier_ids.push(venue.tiers.len() as u32);
                venue.tiers.push(SpecTier {
                    section: id,
                    level: venue.level(&tier.price_level)?,
                    capacity: tier.capacity,
                });
            }
            venue.sections.push(SpecSection {
                name: area.name.clone(),
                kind: SpecSectionKind::General(tier_ids),
            });
        }
        venue.zones = venue.list_zones();
        Ok(venue)
    }

    fn level(&self, name: &str) -> Result<u32, String> {
        let found = self.level_names.iter().position(|n| n == name);
        found
            .map(|i| i as u32)
            .ok_or_else(|| format!("no price level {name:?}"))
    }

    fn read_reserved(&mut self, spec: &VenueSpec, section: &SectionSpec) -> Result<(), String> {
        let id = self.sections.len() as u32;
        let lengths: Vec<u32> = match (&section.row_lengths, section.rows, section.seats_per_row) {
            (Some(lengths), None, None) => lengths.clone(),
            (None, Some(rows), Some(seats)) => (0..rows).map(|_| seats).collect(),
            _ => return Err(format!("section {}: rows unclear", section.name)),
        };
        let base_level = self.level(&section.price_level)?;
        let mut row_ids = Vec::new();
        for (r, &len) in lengths.iter().enumerate() {
            let number = r as u32 + 1;
            // Later bands win: the last band in the list that covers the row decides.
            let band = (section.price_bands.iter().rev())
                .find(|b| b.from_row <= number && number <= b.to_row);
            let level = match band {
                Some(band) => self.level(&band.price_level)?,
                None => base_level,
            };
            let row_id = self.rows.len() as u32;
            row_ids.push(row_id);
            self.rows.push(SpecRow {
                section: id,
                number,
                first_seat: self.seats.len() as u32,
                len,
                level,
            });
            for s in 0..len {
                let base = match (&section.ranks, &section.layout) {
                    (Some(ranks), None) => u64::from(
                        *(ranks.get(r).and_then(|row| row.get(s as usize)))
                            .ok_or_else(|| format!("section {}: no rank", section.name))?,
                    ),
                    (None, Some(layout)) => {
                        let along = |k: usize| {
                            // Twice the position, so the half-seat centring stays whole.
                            let twice = 2 * layout.front_center_cm[k]
                                + 2 * r as i64 * layout.row_step_cm[k]
                                + (2 * i64::from(s) - i64::from(len) + 1) * layout.seat_step_cm[k];
                            i128::from(twice - 2 * spec.focal_point_cm[k])
                        };
                        whole_cm_from_twice(along(0), along(1))
                    }
                    _ => return Err(format!("section {}: ranks unclear", section.name)),
                };
                let rank = base + u64::from(section.rank_offset);
                let number = s + 1;
                let marks = (section.seat_attributes.iter())
                    .filter(|m| m.row == r as u32 + 1 && m.seats.contains(&number));
                let attributes = marks.fold(0u8, |bits, m| {
                    bits | match m.attribute {
                        SeatAttribute::Accessible => ACCESSIBLE,
                        SeatAttribute::Companion => COMPANION,
                    }
                });
                self.seats.push(SpecSeat {
                    section: id,
                    row: row_id,
                    number,
                    rank: u32::try_from(rank).map_err(|_| "rank overflows".to_string())?,
                    level,
                    attributes,
                });
            }
        }
        self.sections.push(SpecSection {
            name: section.name.clone(),
            kind: SpecSectionKind::Reserved(row_ids),
        });
        Ok(())
    }

    /// Every (section, level) pair with seats or tiers, section by section, level by
    /// level.
    fn list_zones(&self) -> Vec<SpecZone> {
        let mut zones = Vec::new();
        for section in 0..self.sections.len() as u32 {
            for level in 0..self.level_names.len() as u32 {
                let seats = (self.rows.iter())
                    .filter(|r| r.section == section && r.level == level)
                    .map(|r| r.len);
                let tickets = (self.tiers.iter())
                    .filter(|t| t.section == section && t.level == level)
                    .map(|t| t.capacity);
                let members: Vec<u32> = seats.chain(tickets).collect();
                if !members.is_empty() {
                    zones.push(SpecZone {
                        section,
                        level,
                        capacity: members.iter().sum(),
                    });
                }
            }
        }
        zones
    }

    /// Index of the zone of a (section, level) pair.
    pub fn zone_of(&self, section: u32, level: u32) -> usize {
        (self.zones.iter())
            .position(|z| z.section == section && z.level == level)
            .expect("every row and tier has a zone")
    }

    /// Global tier ids of a GA section (empty for a reserved or unknown one).
    pub fn tiers_of(&self, section: u32) -> &[u32] {
        match self.sections.get(section as usize).map(|s| &s.kind) {
            Some(SpecSectionKind::General(tiers)) => tiers,
            _ => &[],
        }
    }

    /// Everything the built venue publishes must equal this reading of the spec.
    pub fn check_against(&self, venue: &Venue) -> Result<(), String> {
        let levels: Vec<(&str, u64)> = (venue.price_levels().iter())
            .map(|l| (l.name.as_str(), l.price_minor))
            .collect();
        let expected: Vec<(&str, u64)> = (self.level_names.iter().map(String::as_str))
            .zip(self.face_prices.iter().copied())
            .collect();
        if levels != expected {
            return Err(format!("price levels: built {levels:?}, spec {expected:?}"));
        }
        self.check_sections(venue)?;
        if venue.seat_count() as usize != self.seats.len() {
            return Err(format!(
                "seat count: built {}, spec {}",
                venue.seat_count(),
                self.seats.len()
            ));
        }
        for (id, seat) in self.seats.iter().enumerate() {
            self.check_seat(venue, id as u32, seat)?;
        }
        if venue.seat(SeatId(self.seats.len() as u32)).is_some() {
            return Err("the seat past the last is known".to_string());
        }
        let zones: Vec<SpecZone> = (venue.zones().iter())
            .map(|z| SpecZone {
                section: z.section.0,
                level: z.price_level.0,
                capacity: z.capacity,
            })
            .collect();
        if zones != self.zones {
            return Err(format!("zones: built {zones:?}, spec {:?}", self.zones));
        }
        let capacity: u64 = self.zones.iter().map(|z| u64::from(z.capacity)).sum();
        if venue.capacity() != capacity {
            return Err(format!(
                "capacity: built {}, spec {capacity}",
                venue.capacity()
            ));
        }
        Ok(())
    }

    fn check_sections(&self, venue: &Venue) -> Result<(), String> {
        let rows: Vec<SpecRow> = (venue.rows().iter())
            .map(|r| SpecRow {
                section: r.section.0,
                number: r.index_in_section + 1,
                first_seat: r.first_seat.0,
                len: r.len,
                level: r.price_level.0,
            })
            .collect();
        if rows != self.rows {
            return Err(format!("rows: built {rows:?}, spec {:?}", self.rows));
        }
        let tiers: Vec<SpecTier> = (venue.tiers().iter())
            .map(|t| SpecTier {
                section: t.section.0,
                level: t.price_level.0,
                capacity: t.capacity,
            })
            .collect();
        if tiers != self.tiers {
            return Err(format!("tiers: built {tiers:?}, spec {:?}", self.tiers));
        }
        let sections: Vec<SpecSection> = (venue.sections().iter())
            .map(|s| SpecSection {
                name: s.name.clone(),
                kind: match &s.kind {
                    SectionKind::Reserved { rows } => {
                        SpecSectionKind::Reserved(rows.clone().collect())
                    }
                    SectionKind::GeneralAdmission { tiers } => {
                        SpecSectionKind::General(tiers.clone().collect())
                    }
                },
            })
            .collect();
        if sections != self.sections {
            return Err(format!(
                "sections: built {sections:?}, spec {:?}",
                self.sections
            ));
        }
        for (id, section) in self.sections.iter().enumerate() {
            let capacity: u32 = match &section.kind {
                SpecSectionKind::Reserved(rows) => {
                    rows.iter().map(|&r| self.rows[r as usize].len).sum()
                }
                SpecSectionKind::General(tiers) => {
                    tiers.iter().map(|&t| self.tiers[t as usize].capacity).sum()
                }
            };
            let built = &venue.sections()[id];
            let general = matches!(section.kind, SpecSectionKind::General(_));
            if built.capacity != capacity
                || venue.is_general_admission(SectionId(id as u32)) != general
                || venue.section_by_name(&section.name) != Some(SectionId(id as u32))
            {
                return Err(format!("section {id}: built {built:?}, spec {section:?}"));
            }
        }
        for (id, name) in self.level_names.iter().enumerate() {
            if venue.price_level_by_name(name) != Some(PriceLevelId(id as u32)) {
                return Err(format!("price level {name:?} is not id {id}"));
            }
        }
        Ok(())
    }

    fn check_seat(&self, venue: &Venue, id: u32, seat: &SpecSeat) -> Result<(), String> {
        let Some(info) = venue.seat(SeatId(id)) else {
            return Err(format!("seat {id} is unknown to the built venue"));
        };
        let built = (
            info.row,
            info.label.section.0,
            info.label.row_number,
            info.label.seat_number,
            info.rank,
            info.price_level.0,
            info.face_price_minor,
            info.attributes.bits(),
        );
        let expected = (
            RowId(seat.row),
            seat.section,
            self.rows[seat.row as usize].number,
            seat.number,
            seat.rank,
            seat.level,
            self.face_prices[seat.level as usize],
            seat.attributes,
        );
        let by_helpers = (
            venue.seat_row(SeatId(id)),
            venue.seat_rank(SeatId(id)),
            venue.seat_price_minor(SeatId(id)),
            venue.seat_label(SeatId(id)),
        );
        if built != expected
            || by_helpers != (info.row, info.rank, info.face_price_minor, info.label)
        {
            return Err(format!(
                "seat {id} (row, section, row number, seat number, rank, level, price, \
                 attributes): built {built:?}, spec {expected:?}"
            ));
        }
        Ok(())
    }
}

/// The distance in whole cm, rounded down, of a point given as twice its coordinates:
/// the largest `n` with `(2n)² <= x² + y²`. A float square root guesses; exact integer
/// comparisons settle it.
fn whole_cm_from_twice(x: i128, y: i128) -> u64 {
    let squared = (x * x + y * y) as u128;
    let fits = |n: u128| 4 * n * n <= squared;
    let mut n = ((squared as f64).sqrt() / 2.0) as u128;
    while !fits(n) {
        n -= 1;
    }
    while fits(n + 1) {
        n += 1;
    }
    n as u64
}
