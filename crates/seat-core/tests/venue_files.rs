//! The venue files shipped under `models/venues/` parse (with `deny_unknown_fields`),
//! build, and hold the capacity they state; the generated presets match their files.
#![allow(clippy::disallowed_methods)] // reading and writing the venue files is the point

use seat_core::{Venue, VenuePreset, VenueSpec};
use std::path::PathBuf;

fn venues_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../models/venues")
}

fn parse(name: &str) -> VenueSpec {
    let path = venues_dir().join(name);
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    toml::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

const FILES: [(&str, u64, VenuePreset); 3] = [
    ("club-1k.toml", 1_000, VenuePreset::Club),
    ("arena-20k.toml", 20_000, VenuePreset::Arena),
    ("stadium-80k.toml", 80_000, VenuePreset::Stadium),
];

#[test]
fn shipped_venue_files_build_at_their_stated_size() {
    for (file, capacity, preset) in FILES {
        let spec = parse(file);
        let venue = Venue::build(&spec).unwrap_or_else(|e| panic!("{file}: {e}"));
        assert_eq!(venue.capacity(), capacity, "{file}");
        assert_eq!(
            spec.capacity.map(u64::from),
            Some(capacity),
            "{file} states its capacity"
        );
        assert_eq!(
            spec,
            preset.spec(),
            "{file} is the {preset:?} preset; regenerate with --ignored"
        );
    }
    let files = std::fs::read_dir(venues_dir()).unwrap().count();
    assert_eq!(files, FILES.len() + 1, "every venue file is checked here");
}

/// The Oasis variant: the stadium preset with its pitch as one standing tier
/// of 20k at one price level (the operator changes the price, not the tier).
#[test]
fn the_one_pitch_stadium_is_the_preset_with_a_single_standing_tier() {
    let spec = parse("stadium-80k-one-pitch.toml");
    let venue = Venue::build(&spec).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(venue.capacity(), 80_000);
    let preset = VenuePreset::Stadium.spec();
    assert_eq!(spec.sections, preset.sections, "the seats are the preset's");
    assert_eq!(spec.general_admission.len(), 1);
    let tiers = &spec.general_admission[0].tiers;
    assert_eq!((tiers.len(), tiers[0].capacity), (1, 20_000));
    assert_eq!(
        spec.price_levels.len() + 1,
        preset.price_levels.len(),
        "one standing level instead of two"
    );
}

#[test]
fn unknown_fields_are_rejected() {
    let text = "name = \"x\"\nprice_levels = []\nseats = 3\n";
    let error = toml::from_str::<VenueSpec>(text).unwrap_err();
    assert!(error.to_string().contains("seats"), "{error}");
}

#[test]
fn presets_parse_by_name() {
    #[derive(serde::Deserialize)]
    struct Model {
        venue: PresetChoice,
    }
    #[derive(serde::Deserialize)]
    struct PresetChoice {
        preset: VenuePreset,
    }
    let model: Model = toml::from_str("venue = { preset = \"arena\" }").unwrap();
    assert_eq!(model.venue.preset, VenuePreset::Arena);
}

/// Rewrites the venue files from the presets: `cargo test -p seat-core --test
/// venue_files -- --ignored`.
#[test]
#[ignore = "regenerates models/venues/*.toml"]
fn regenerate_venue_files() {
    std::fs::create_dir_all(venues_dir()).unwrap();
    for (file, capacity, preset) in FILES {
        let header = format!(
            "# {capacity} tickets: the `{preset:?}` preset of seat-core (`VenuePreset::{preset:?}`).\n\
             # Lengths in cm, prices in minor units (pence). A seat's rank is its distance to\n\
             # `focal_point_cm` (the stage) plus the section's `rank_offset`; lower is better.\n\
             # Regenerate: cargo test -p seat-core --test venue_files -- --ignored\n\n"
        );
        let body = toml::to_string(&preset.spec()).unwrap();
        std::fs::write(venues_dir().join(file), header + &body).unwrap();
    }
}
