//! Turning a [`VenueSpec`] into a [`Venue`]: resolve names, compute ranks, check sizes.

use super::{
    PriceLevel, RANK_MAX, ROW_LENGTH_MAX, Row, Section, SectionKind, Tier, Venue, VenueError, Zone,
};
use crate::attributes::SeatAttributes;
use crate::ids::{PriceLevelId, SeatId, SectionId};
use crate::spec::{LayoutSpec, SeatAttribute, SectionSpec, VenueSpec};

pub(super) fn build(spec: &VenueSpec) -> Result<Venue, VenueError> {
    let price_levels = price_levels(spec)?;
    check_unique_section_names(spec)?;
    let mut venue = Venue {
        name: spec.name.clone(),
        price_levels,
        sections: Vec::new(),
        rows: Vec::new(),
        tiers: Vec::new(),
        zones: Vec::new(),
        seat_rows: Vec::new(),
        seat_ranks: Vec::new(),
        rank_prefix: Vec::new(),
        rank_order: Vec::new(),
        seat_attributes: Vec::new(),
        row_attributes: Vec::new(),
        spec: spec.clone(),
    };
    for (index, section) in spec.sections.iter().enumerate() {
        add_reserved(&mut venue, spec, index, section)?;
    }
    for (index, area) in spec.general_admission.iter().enumerate() {
        let field = format!("general_admission[{index}]");
        if area.tiers.is_empty() {
            return Err(invalid(format!("{field}.tiers"), "needs at least one tier"));
        }
        let section = SectionId(venue.sections.len() as u32);
        let first_tier = venue.tiers.len() as u32;
        let mut capacity = 0u32;
        for (tier_index, tier) in area.tiers.iter().enumerate() {
            let tier_field = format!("{field}.tiers[{tier_index}]");
            let price_level = resolve(&venue, &tier.price_level, &tier_field)?;
            if tier.capacity == 0 {
                return Err(invalid(
                    format!("{tier_field}.capacity"),
                    "must be at least 1",
                ));
            }
            capacity = capacity
                .checked_add(tier.capacity)
                .ok_or_else(|| invalid(format!("{tier_field}.capacity"), "total overflows u32"))?;
            let zone = 0; // assigned by `assign_zones`
            venue.tiers.push(Tier {
                section,
                price_level,
                capacity: tier.capacity,
                zone,
            });
        }
        let tiers = first_tier..venue.tiers.len() as u32;
        let kind = SectionKind::GeneralAdmission { tiers };
        venue.sections.push(Section {
            name: area.name.clone(),
            kind,
            capacity,
        });
    }
    venue.seat_attributes = vec![SeatAttributes::NONE; venue.seat_ranks.len()];
    venue.row_attributes = vec![SeatAttributes::NONE; venue.rows.len()];
    for (index, section) in spec.sections.iter().enumerate() {
        mark_attributes(&mut venue, index, section)?;
    }
    assign_zones(&mut venue);
    check_capacity(spec, &venue)?;
    // The best-available index reads a fixed number of prefixes past a row's end.
    let padding = crate::MAX_TICKETS_PER_ORDER as usize + 8;
    venue.rank_prefix.extend(std::iter::repeat_n(0, padding));
    Ok(venue)
}

fn invalid(field: String, reason: &str) -> VenueError {
    VenueError::Invalid {
        field,
        reason: reason.to_string(),
    }
}

fn price_levels(spec: &VenueSpec) -> Result<Vec<PriceLevel>, VenueError> {
    let mut levels: Vec<PriceLevel> = Vec::new();
    for (index, level) in spec.price_levels.iter().enumerate() {
        if level.name.is_empty() || levels.iter().any(|l| l.name == level.name) {
            let field = format!("price_levels[{index}].name");
            return Err(invalid(field, "must be non-empty and unique"));
        }
        levels.push(PriceLevel {
            name: level.name.clone(),
            price_minor: level.price_minor,
        });
    }
    Ok(levels)
}

fn check_unique_section_names(spec: &VenueSpec) -> Result<(), VenueError> {
    let reserved = spec.sections.iter().map(|s| s.name.as_str());
    let names: Vec<&str> = reserved
        .chain(spec.general_admission.iter().map(|a| a.name.as_str()))
        .collect();
    for (index, name) in names.iter().enumerate() {
        if name.is_empty() || names[..index].contains(name) {
            let field = if index < spec.sections.len() {
                format!("sections[{index}].name")
            } else {
                format!("general_admission[{}].name", index - spec.sections.len())
            };
            return Err(invalid(
                field,
                "must be non-empty and unique across sections and GA areas",
            ));
        }
    }
    Ok(())
}

fn resolve(venue: &Venue, name: &str, field: &str) -> Result<PriceLevelId, VenueError> {
    venue
        .price_level_by_name(name)
        .ok_or_else(|| VenueError::Invalid {
            field: format!("{field}.price_level"),
            reason: format!("no price level named {name:?} in `price_levels`"),
        })
}

fn row_lengths(section: &SectionSpec, field: &str) -> Result<Vec<u32>, VenueError> {
    let lengths = match (section.rows, section.seats_per_row, &section.row_lengths) {
        (Some(rows), Some(seats), None) => vec![seats; rows as usize],
        (None, None, Some(lengths)) => lengths.clone(),
        _ => {
            let reason = "give either `rows` and `seats_per_row`, or `row_lengths`";
            return Err(invalid(format!("{field}.rows"), reason));
        }
    };
    if lengths.is_empty() {
        return Err(invalid(format!("{field}.rows"), "needs at least one row"));
    }
    for (index, &len) in lengths.iter().enumerate() {
        if len == 0 || len > ROW_LENGTH_MAX {
            let reason = format!(
                "row {} has {len} seats; allowed 1..={ROW_LENGTH_MAX}",
                index + 1
            );
            return Err(VenueError::Invalid {
                field: format!("{field}.row_lengths"),
                reason,
            });
        }
    }
    Ok(lengths)
}

fn row_price_levels(
    venue: &Venue,
    section: &SectionSpec,
    rows: usize,
    field: &str,
) -> Result<Vec<PriceLevelId>, VenueError> {
    let mut levels = vec![resolve(venue, &section.price_level, field)?; rows];
    for (index, band) in section.price_bands.iter().enumerate() {
        let band_field = format!("{field}.price_bands[{index}]");
        let level = resolve(venue, &band.price_level, &band_field)?;
        if band.from_row == 0 || band.from_row > band.to_row || band.to_row as usize > rows {
            let reason = format!(
                "rows {}..={} are not within 1..={rows}",
                band.from_row, band.to_row
            );
            return Err(VenueError::Invalid {
                field: format!("{band_field}.to_row"),
                reason,
            });
        }
        for slot in &mut levels[band.from_row as usize - 1..band.to_row as usize] {
            *slot = level;
        }
    }
    Ok(levels)
}

/// Ranks of one row, front seat first.
fn row_ranks(
    spec: &VenueSpec,
    section: &SectionSpec,
    row: usize,
    len: u32,
    field: &str,
) -> Result<Vec<u32>, VenueError> {
    let base: Vec<u64> = match (&section.layout, &section.ranks) {
        (Some(layout), None) => (0..len)
            .map(|seat| distance_cm(spec.focal_point_cm, layout, row as i64, seat, len))
            .collect(),
        (None, Some(ranks)) => match ranks.get(row) {
            Some(row_ranks) if row_ranks.len() == len as usize => {
                row_ranks.iter().map(|&r| u64::from(r)).collect()
            }
            _ => {
                let reason = format!("row {} needs exactly {len} ranks", row + 1);
                return Err(VenueError::Invalid {
                    field: format!("{field}.ranks"),
                    reason,
                });
            }
        },
        _ => {
            return Err(invalid(
                format!("{field}.layout"),
                "give exactly one of `layout` or `ranks`",
            ));
        }
    };
    base.into_iter()
        .map(|rank| {
            let rank = rank + u64::from(section.rank_offset);
            u32::try_from(rank)
                .ok()
                .filter(|&r| r <= RANK_MAX)
                .ok_or_else(|| VenueError::Invalid {
                    field: format!("{field}.rank_offset"),
                    reason: format!("a seat rank of {rank} exceeds the maximum {RANK_MAX}"),
                })
        })
        .collect()
}

/// Distance from the focal point to a seat, in whole cm. Positions are doubled so the
/// half-seat centring offset stays an integer; the square root is an integer one, so
/// every machine computes the same rank.
fn distance_cm(focal: [i64; 2], layout: &LayoutSpec, row: i64, seat: u32, len: u32) -> u64 {
    let along = 2 * i64::from(seat) - (i64::from(len) - 1);
    let axis = |k: usize| {
        let doubled = 2 * layout.front_center_cm[k]
            + 2 * row * layout.row_step_cm[k]
            + along * layout.seat_step_cm[k];
        i128::from(doubled - 2 * focal[k])
    };
    let squared = (axis(0) * axis(0) + axis(1) * axis(1)) as u128;
    (squared.isqrt() / 2) as u64
}

fn add_reserved(
    venue: &mut Venue,
    spec: &VenueSpec,
    index: usize,
    section: &SectionSpec,
) -> Result<(), VenueError> {
    let field = format!("sections[{index}]");
    let lengths = row_lengths(section, &field)?;
    let levels = row_price_levels(venue, section, lengths.len(), &field)?;
    let section_id = SectionId(venue.sections.len() as u32);
    let first_row = venue.rows.len() as u32;
    let mut capacity = 0u32;
    for (row_index, (&len, &price_level)) in lengths.iter().zip(&levels).enumerate() {
        let ranks = row_ranks(spec, section, row_index, len, &field)?;
        let row_id = venue.rows.len() as u32;
        let first_seat = venue.seat_ranks.len();
        if first_seat + len as usize >= u32::MAX as usize {
            return Err(invalid(
                format!("{field}.rows"),
                "the venue has more than 2^32 - 2 seats",
            ));
        }
        add_row_tables(venue, row_id, &ranks);
        capacity += len;
        let first_seat = SeatId(first_seat as u32);
        let index_in_section = row_index as u32;
        let row = Row {
            section: section_id,
            index_in_section,
            first_seat,
            len,
            price_level,
            zone: 0,
        };
        venue.rows.push(row);
    }
    let kind = SectionKind::Reserved {
        rows: first_row..venue.rows.len() as u32,
    };
    venue.sections.push(Section {
        name: section.name.clone(),
        kind,
        capacity,
    });
    Ok(())
}

/// Appends a row's seats to the per-seat tables: row, rank, prefix sums, rank order.
fn add_row_tables(venue: &mut Venue, row_id: u32, ranks: &[u32]) {
    venue
        .seat_rows
        .extend(std::iter::repeat_n(row_id, ranks.len()));
    venue.seat_ranks.extend_from_slice(ranks);
    let mut sum = 0u32;
    venue.rank_prefix.push(0);
    for &rank in ranks {
        // A whole row's sum may exceed u32, so the prefixes wrap. Only blocks of at most
        // MAX_TICKETS_PER_ORDER seats are summed (< 2^30), and a wrapping difference of
        // wrapping prefixes is exact for any sum that fits.
        sum = sum.wrapping_add(rank);
        venue.rank_prefix.push(sum);
    }
    let mut order: Vec<u32> = (0..ranks.len() as u32).collect();
    order.sort_by_key(|&offset| (ranks[offset as usize], offset));
    venue.rank_order.extend_from_slice(&order);
}

/// Sets the attributes a reserved section's spec gives its seats.
fn mark_attributes(
    venue: &mut Venue,
    index: usize,
    section: &SectionSpec,
) -> Result<(), VenueError> {
    let SectionKind::Reserved { rows } = venue.sections[index].kind.clone() else {
        return Ok(());
    };
    for (entry, marks) in section.seat_attributes.iter().enumerate() {
        let field = format!("sections[{index}].seat_attributes[{entry}]");
        let row_count = rows.end - rows.start;
        if marks.row == 0 || marks.row > row_count {
            let reason = format!("row {} is not within 1..={row_count}", marks.row);
            return Err(VenueError::Invalid {
                field: format!("{field}.row"),
                reason,
            });
        }
        let row_id = rows.start + marks.row - 1;
        let row = venue.rows[row_id as usize];
        let attribute = match marks.attribute {
            SeatAttribute::Accessible => SeatAttributes::ACCESSIBLE,
            SeatAttribute::Companion => SeatAttributes::COMPANION,
        };
        for &number in &marks.seats {
            if number == 0 || number > row.len {
                let reason = format!("seat {number} is not within 1..={}", row.len);
                return Err(VenueError::Invalid {
                    field: format!("{field}.seats"),
                    reason,
                });
            }
            let seat = (row.first_seat.0 + number - 1) as usize;
            venue.seat_attributes[seat] = venue.seat_attributes[seat].union(attribute);
            venue.row_attributes[row_id as usize] =
                venue.row_attributes[row_id as usize].union(attribute);
        }
    }
    Ok(())
}

/// Zones are (section, price level) pairs sorted by section, then price level id.
fn assign_zones(venue: &mut Venue) {
    let mut pairs: Vec<(SectionId, PriceLevelId)> = venue
        .rows
        .iter()
        .map(|r| (r.section, r.price_level))
        .collect();
    pairs.extend(venue.tiers.iter().map(|t| (t.section, t.price_level)));
    pairs.sort();
    pairs.dedup();
    let zone_of = |section, level| {
        pairs
            .binary_search(&(section, level))
            .expect("pair was collected") as u32
    };
    let mut zones: Vec<Zone> = pairs
        .iter()
        .map(|&(section, price_level)| Zone {
            section,
            price_level,
            capacity: 0,
        })
        .collect();
    for row in &mut venue.rows {
        row.zone = zone_of(row.section, row.price_level);
        zones[row.zone as usize].capacity += row.len;
    }
    for tier in &mut venue.tiers {
        tier.zone = zone_of(tier.section, tier.price_level);
        zones[tier.zone as usize].capacity += tier.capacity;
    }
    venue.zones = zones;
}

fn check_capacity(spec: &VenueSpec, venue: &Venue) -> Result<(), VenueError> {
    let built = venue.capacity();
    if built == 0 {
        return Err(invalid(
            "sections".to_string(),
            "the venue has no seats and no GA capacity",
        ));
    }
    if built > u64::from(u32::MAX) {
        return Err(invalid(
            "sections".to_string(),
            "the venue holds more than 2^32 - 1 tickets",
        ));
    }
    match spec.capacity {
        Some(stated) if u64::from(stated) != built => {
            Err(VenueError::CapacityMismatch { stated, built })
        }
        _ => Ok(()),
    }
}
