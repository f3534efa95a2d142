//! A venue `factor` times as big, for a scaled run with fewer seats than one show.
//!
//! Rows are cut first, keeping each section's seats per row (so the pairs and
//! fours fans ask for fit as they did) and its front rows, with price bands
//! cut in proportion (so the price mix stays). When a section would keep less
//! than one row, whole sections are dropped too, evenly around the venue, so
//! the mix of near and far, dear and cheap sections stays. General-admission
//! tiers keep their order and shrink by the factor.

use seat_core::{SectionSpec, VenueSpec};

/// `venue` with about `factor` × its capacity (0 < factor < 1, or more).
pub fn scaled(venue: &VenueSpec, factor: f64, notes: &mut Vec<String>) -> VenueSpec {
    let fewest_rows = venue.sections.iter().map(rows_of).min().unwrap_or(1).max(1);
    // Rows can shrink to one; beyond that, sections go.
    let row_factor = factor.max(1.0 / f64::from(fewest_rows));
    let section_factor = (factor / row_factor).min(1.0);
    let sections = kept_sections(&venue.sections, section_factor)
        .map(|section| scaled_section(section, row_factor))
        .collect::<Vec<_>>();
    if sections.len() < venue.sections.len() {
        notes.push(format!(
            "venue {}: {} of {} sections kept, rows × {row_factor:.3}: fewer sections to spread fans over than the full venue",
            venue.name,
            sections.len(),
            venue.sections.len()
        ));
    }
    let mut general_admission = venue.general_admission.clone();
    for area in &mut general_admission {
        for tier in &mut area.tiers {
            tier.capacity = ((f64::from(tier.capacity) * factor).round() as u32).max(1);
        }
    }
    let seats = sections.iter().map(seats_of).sum::<u64>()
        + general_admission
            .iter()
            .flat_map(|area| &area.tiers)
            .map(|tier| u64::from(tier.capacity))
            .sum::<u64>();
    if seats < SMALL_SHOW {
        notes.push(format!(
            "a show keeps {seats} seats: its last few are stranded singles that sell slowly to so few fans, so first_sold_out_s reads late (compare the time most of the inventory sold)"
        ));
    }
    VenueSpec {
        name: format!("{} (× {factor:.4})", venue.name),
        capacity: None,
        focal_point_cm: venue.focal_point_cm,
        price_levels: venue.price_levels.clone(),
        sections,
        general_admission,
    }
}

/// Below this many seats a show's end game (its last stranded seats) is slow
/// enough to move the sell-out time: the note says so.
const SMALL_SHOW: u64 = 1_000;

fn seats_of(section: &SectionSpec) -> u64 {
    match (&section.row_lengths, section.rows, section.seats_per_row) {
        (Some(lengths), _, _) => lengths.iter().map(|&n| u64::from(n)).sum(),
        (None, Some(rows), Some(per_row)) => u64::from(rows) * u64::from(per_row),
        _ => 0,
    }
}

fn rows_of(section: &SectionSpec) -> u32 {
    match (&section.row_lengths, section.rows) {
        (Some(lengths), _) => lengths.len() as u32,
        (None, Some(rows)) => rows,
        (None, None) => 1,
    }
}

/// `round(n × factor)` sections (at least one), spread evenly by index.
fn kept_sections(sections: &[SectionSpec], factor: f64) -> impl Iterator<Item = &SectionSpec> + '_ {
    let total = sections.len();
    let kept = ((total as f64 * factor).round() as usize).clamp(1.min(total), total);
    (0..kept).map(move |k| &sections[(k * total + total / 2) / kept.max(1) % total.max(1)])
}

/// The front `rows × factor` rows of a section (at least one), bands in proportion.
fn scaled_section(section: &SectionSpec, factor: f64) -> SectionSpec {
    let rows = rows_of(section);
    let kept = ((f64::from(rows) * factor).round() as u32).clamp(1, rows);
    let mut scaled = section.clone();
    if let Some(lengths) = &mut scaled.row_lengths {
        lengths.truncate(kept as usize);
    } else {
        scaled.rows = Some(kept);
    }
    if let Some(ranks) = &mut scaled.ranks {
        ranks.truncate(kept as usize);
    }
    let row = |r: u32| ((f64::from(r) * factor).round() as u32).clamp(1, kept);
    scaled.price_bands = section
        .price_bands
        .iter()
        .filter_map(|band| {
            let (from_row, to_row) = (row(band.from_row), row(band.to_row));
            (from_row <= to_row && band.from_row <= band.to_row).then(|| {
                let mut band = band.clone();
                (band.from_row, band.to_row) = (from_row, to_row);
                band
            })
        })
        .collect();
    scaled
        .seat_attributes
        .retain(|attribute| attribute.row <= kept);
    scaled
}
