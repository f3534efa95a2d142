//! Generated venues: a 1k club, a 20k arena, an 80k stadium, and seated bowls of any
//! size for benchmarks. Sections sit in stands along the west, north and east sides of a
//! floor, facing a stage at the south end; ranks come from the geometry, so front-centre
//! seats near the stage are best.

use crate::spec::{
    GeneralAdmissionSpec, LayoutSpec, PriceBandSpec, PriceLevelSpec, SectionSpec, TierSpec,
    VenueSpec,
};
use crate::venue::Venue;

#[cfg(feature = "serde")]
use serde::{Deserialize, Serialize};

/// A named generated venue, so a model file can say `venue = { preset = "arena" }`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[cfg_attr(
    feature = "serde",
    derive(Serialize, Deserialize),
    serde(rename_all = "lowercase")
)]
pub enum VenuePreset {
    /// 1,000: a 300-seat balcony and a 700 standing floor in two tiers.
    Club,
    /// 20,000: 24 sections in two tiers on three sides and a 1,760 standing floor.
    Arena,
    /// 80,000: 60 sections in two tiers on three sides and a 20,000 standing pitch sold
    /// in two tiers (£148 then £355, as Oasis 2024).
    Stadium,
}

impl VenuePreset {
    /// The preset's spec.
    pub fn spec(self) -> VenueSpec {
        match self {
            VenuePreset::Club => club(),
            VenuePreset::Arena => arena(),
            VenuePreset::Stadium => stadium(),
        }
    }

    /// The preset, built.
    pub fn venue(self) -> Venue {
        Venue::build(&self.spec()).expect("presets are valid")
    }
}

/// One side of the bowl: where its front line starts, which way seats run along it, and
/// which way rows step back (both unit axis vectors).
#[derive(Clone, Copy)]
struct Side {
    tag: &'static str,
    start_cm: [i64; 2],
    along: [i64; 2],
    outward: [i64; 2],
}

/// One tier of a stand: a ring of sections at the same distance behind the front line.
struct Ring {
    tag: &'static str,
    rows: u32,
    seats_per_row: u32,
    /// How far behind the side's front line the ring's front row is, in cm.
    setback_cm: i64,
    rank_offset: u32,
    price_level: &'static str,
    front_band: Option<(u32, &'static str)>,
}

const SEAT_PITCH_CM: i64 = 50;
const ROW_PITCH_CM: i64 = 80;
const AISLE_CM: i64 = 120;

fn scale(v: [i64; 2], k: i64) -> [i64; 2] {
    [v[0] * k, v[1] * k]
}

fn add(a: [i64; 2], b: [i64; 2]) -> [i64; 2] {
    [a[0] + b[0], a[1] + b[1]]
}

/// `count` sections of a ring along a side, named `{side}{ring}-{n}`.
fn stand(side: Side, ring: &Ring, count: u32) -> Vec<SectionSpec> {
    let width = i64::from(ring.seats_per_row) * SEAT_PITCH_CM + AISLE_CM;
    (0..count)
        .map(|k| {
            let along = scale(side.along, i64::from(k) * width + width / 2);
            let front_center_cm = add(
                add(side.start_cm, along),
                scale(side.outward, ring.setback_cm),
            );
            let layout = LayoutSpec {
                front_center_cm,
                seat_step_cm: scale(side.along, SEAT_PITCH_CM),
                row_step_cm: scale(side.outward, ROW_PITCH_CM),
            };
            let price_bands = (ring.front_band.iter())
                .map(|&(to_row, level)| PriceBandSpec {
                    from_row: 1,
                    to_row,
                    price_level: level.to_string(),
                })
                .collect();
            SectionSpec {
                name: format!("{}{}-{:02}", side.tag, ring.tag, k + 1),
                rows: Some(ring.rows),
                seats_per_row: Some(ring.seats_per_row),
                row_lengths: None,
                price_level: ring.price_level.to_string(),
                price_bands,
                layout: Some(layout),
                ranks: None,
                rank_offset: ring.rank_offset,
                seat_attributes: Vec::new(),
            }
        })
        .collect()
}

/// West, north and east sides around a floor of half-width `half_x` and half-length
/// `half_y` (cm), with `columns` sections on each side.
fn sides(half_x: i64, half_y: i64, columns: [u32; 3], section_width: i64) -> [Side; 3] {
    let span = |n: u32| i64::from(n) * section_width;
    [
        Side {
            tag: "W",
            start_cm: [-half_x, -span(columns[0]) / 2],
            along: [0, 1],
            outward: [-1, 0],
        },
        Side {
            tag: "N",
            start_cm: [-span(columns[1]) / 2, half_y],
            along: [1, 0],
            outward: [0, 1],
        },
        Side {
            tag: "E",
            start_cm: [half_x, -span(columns[2]) / 2],
            along: [0, 1],
            outward: [1, 0],
        },
    ]
}

fn bowl_sections(sides: &[Side; 3], columns: [u32; 3], rings: &[Ring]) -> Vec<SectionSpec> {
    let mut sections = Vec::new();
    for ring in rings {
        for (side, &count) in sides.iter().zip(&columns) {
            sections.extend(stand(*side, ring, count));
        }
    }
    sections
}

fn price(name: &str, price_minor: u64) -> PriceLevelSpec {
    PriceLevelSpec {
        name: name.to_string(),
        price_minor,
    }
}

fn tier(price_level: &str, capacity: u32) -> TierSpec {
    TierSpec {
        price_level: price_level.to_string(),
        capacity,
    }
}

fn club() -> VenueSpec {
    let balcony = SectionSpec {
        name: "balcony".to_string(),
        rows: Some(10),
        seats_per_row: Some(30),
        row_lengths: None,
        price_level: "balcony".to_string(),
        price_bands: Vec::new(),
        layout: Some(LayoutSpec {
            front_center_cm: [0, 1500],
            seat_step_cm: [50, 0],
            row_step_cm: [0, 90],
        }),
        ranks: None,
        rank_offset: 0,
        seat_attributes: Vec::new(),
    };
    VenueSpec {
        name: "club-1k".to_string(),
        capacity: Some(1_000),
        focal_point_cm: [0, 0],
        price_levels: vec![
            price("balcony", 4_500),
            price("early-bird", 3_000),
            price("general", 3_800),
        ],
        sections: vec![balcony],
        general_admission: vec![GeneralAdmissionSpec {
            name: "floor".to_string(),
            tiers: vec![tier("early-bird", 500), tier("general", 200)],
        }],
    }
}

fn arena() -> VenueSpec {
    let rings = [
        Ring {
            tag: "L",
            rows: 20,
            seats_per_row: 20,
            setback_cm: 0,
            rank_offset: 0,
            price_level: "lower",
            front_band: Some((10, "lower-front")),
        },
        Ring {
            tag: "U",
            rows: 18,
            seats_per_row: 20,
            setback_cm: 2_100,
            rank_offset: 600,
            price_level: "upper",
            front_band: None,
        },
    ];
    let columns = [8, 8, 8];
    let sides = sides(1_900, 3_400, columns, 20 * SEAT_PITCH_CM + AISLE_CM);
    VenueSpec {
        name: "arena-20k".to_string(),
        capacity: Some(20_000),
        focal_point_cm: [0, -2_600],
        price_levels: vec![
            price("lower-front", 9_500),
            price("lower", 7_500),
            price("upper", 5_500),
            price("floor-1", 8_500),
            price("floor-2", 12_500),
        ],
        sections: bowl_sections(&sides, columns, &rings),
        general_admission: vec![GeneralAdmissionSpec {
            name: "floor".to_string(),
            tiers: vec![tier("floor-1", 1_200), tier("floor-2", 560)],
        }],
    }
}

fn stadium() -> VenueSpec {
    let rings = [
        Ring {
            tag: "L",
            rows: 40,
            seats_per_row: 25,
            setback_cm: 0,
            rank_offset: 0,
            price_level: "B",
            front_band: Some((15, "A")),
        },
        Ring {
            tag: "U",
            rows: 40,
            seats_per_row: 25,
            setback_cm: 3_800,
            rank_offset: 1_000,
            price_level: "D",
            front_band: Some((20, "C")),
        },
    ];
    let columns = [11, 8, 11];
    let sides = sides(3_900, 5_750, columns, 25 * SEAT_PITCH_CM + AISLE_CM);
    VenueSpec {
        name: "stadium-80k".to_string(),
        capacity: Some(80_000),
        focal_point_cm: [0, -4_500],
        price_levels: vec![
            price("A", 19_500),
            price("B", 15_000),
            price("C", 9_500),
            price("D", 7_500),
            price("standing-1", 14_800),
            price("standing-2", 35_500),
        ],
        sections: bowl_sections(&sides, columns, &rings),
        general_admission: vec![GeneralAdmissionSpec {
            name: "pitch".to_string(),
            tiers: vec![tier("standing-1", 14_000), tier("standing-2", 6_000)],
        }],
    }
}

/// A seated-only bowl of `thousands` sections of 1,000 seats (40 rows of 25), at most
/// 40 sections per ring, used to measure how the core scales with venue size.
pub fn seated_bowl(thousands: u32) -> VenueSpec {
    let mut sections = Vec::new();
    let mut remaining = thousands.max(1);
    let mut ring_index = 0u32;
    while remaining > 0 {
        let count = remaining.min(40);
        let west = count.div_ceil(3);
        let north = (count - west).div_ceil(2);
        let columns = [west, north, count - west - north];
        let sides = sides(3_900, 5_750, columns, 25 * SEAT_PITCH_CM + AISLE_CM);
        let ring = Ring {
            tag: RING_TAGS[ring_index as usize % RING_TAGS.len()],
            rows: 40,
            seats_per_row: 25,
            setback_cm: i64::from(ring_index) * 3_800,
            rank_offset: ring_index * 1_000,
            price_level: if ring_index == 0 { "B" } else { "C" },
            front_band: (ring_index == 0).then_some((10, "A")),
        };
        let mut ring_sections = bowl_sections(&sides, columns, &[ring]);
        for section in &mut ring_sections {
            section.name = format!("{}{}", section.name, ring_index / RING_TAGS.len() as u32);
        }
        sections.extend(ring_sections);
        remaining -= count;
        ring_index += 1;
    }
    VenueSpec {
        name: format!("seated-bowl-{thousands}k"),
        capacity: Some(thousands.max(1) * 1_000),
        focal_point_cm: [0, -4_500],
        price_levels: vec![price("A", 19_500), price("B", 15_000), price("C", 9_500)],
        sections,
        general_admission: Vec::new(),
    }
}

const RING_TAGS: [&str; 8] = ["L", "M", "U", "V", "X", "Y", "Z", "Q"];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn presets_have_their_stated_sizes() {
        assert_eq!(VenuePreset::Club.venue().capacity(), 1_000);
        assert_eq!(VenuePreset::Arena.venue().capacity(), 20_000);
        assert_eq!(VenuePreset::Stadium.venue().capacity(), 80_000);
        for thousands in [1, 20, 80, 320] {
            let venue = Venue::build(&seated_bowl(thousands)).expect("bowl builds");
            assert_eq!(venue.capacity(), u64::from(thousands) * 1_000);
            assert_eq!(venue.seat_count(), thousands * 1_000);
        }
    }

    #[test]
    fn stadium_front_rows_near_the_stage_rank_best() {
        let venue = VenuePreset::Stadium.venue();
        let best = (0..venue.seat_count())
            .min_by_key(|&s| venue.seat(crate::SeatId(s)).unwrap().rank)
            .unwrap();
        let label = venue.seat(crate::SeatId(best)).unwrap().label;
        assert_eq!(label.row_number, 1);
        let name = &venue.sections()[label.section.index()].name;
        let side_lower = name.starts_with("WL-") || name.starts_with("EL-");
        assert!(
            side_lower,
            "best seat {name}: expected a side section, lower ring"
        );
    }
}
