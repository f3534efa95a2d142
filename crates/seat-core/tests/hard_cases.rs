//! Unit tests for the hard cases of best-available, holds and tiers, through the public
//! API on small hand-made venues.

use seat_core::{
    GeneralAdmissionSpec, HoldRequest, HoldStatus, LayoutSpec, Limits, PriceBandSpec,
    PriceLevelSpec, Refusal, SeatCore, SeatId, SectionId, SectionSpec, TierSpec, Venue, VenueError,
    VenueSpec,
};

const TTL: i64 = 600_000_000_000;

fn price(name: &str, price_minor: u64) -> PriceLevelSpec {
    PriceLevelSpec {
        name: name.to_string(),
        price_minor,
    }
}

/// A section with explicit ranks, one inner Vec per row.
fn ranked(name: &str, price_level: &str, ranks: Vec<Vec<u32>>) -> SectionSpec {
    SectionSpec {
        name: name.to_string(),
        rows: None,
        seats_per_row: None,
        row_lengths: Some(ranks.iter().map(|r| r.len() as u32).collect()),
        price_level: price_level.to_string(),
        price_bands: Vec::new(),
        layout: None,
        ranks: Some(ranks),
        rank_offset: 0,
        seat_attributes: Vec::new(),
    }
}

fn venue(sections: Vec<SectionSpec>, general_admission: Vec<GeneralAdmissionSpec>) -> Venue {
    let spec = VenueSpec {
        name: "test".to_string(),
        capacity: None,
        focal_point_cm: [0, 0],
        price_levels: vec![price("cheap", 1_000), price("dear", 5_000)],
        sections,
        general_admission,
    };
    Venue::build(&spec).expect("test venue builds")
}

fn core(venue: Venue, limit: u32) -> SeatCore {
    SeatCore::new(venue, Limits::new(limit).unwrap())
}

fn ids(seats: &[u32]) -> Vec<SeatId> {
    seats.iter().map(|&s| SeatId(s)).collect()
}

fn hold(core: &mut SeatCore, now: i64, request: &HoldRequest) -> Result<Vec<u32>, Refusal> {
    let hold = core.hold_best_available(now, request, now + TTL)?;
    core.check_invariants().unwrap();
    Ok(hold.seats.iter().map(|s| s.0).collect())
}

#[test]
fn orphan_avoidance_skips_a_block_that_strands_one_seat() {
    // Pairs by rank sum: 1..=2 (2) strands seat 0; 2..=3 (3) strands seat 4; the best
    // pair that strands nothing is 3..=4 (4), leaving 0..=2 as a run of three.
    let mut core = core(
        venue(
            vec![ranked("s", "cheap", vec![vec![5, 1, 1, 2, 2]])],
            vec![],
        ),
        6,
    );
    assert_eq!(hold(&mut core, 0, &HoldRequest::new(2)), Ok(vec![3, 4]));
}

#[test]
fn orphan_is_accepted_when_it_cannot_be_avoided() {
    // A run of three cannot give a pair without stranding a seat.
    let mut core = core(
        venue(vec![ranked("s", "cheap", vec![vec![3, 1, 2]])], vec![]),
        6,
    );
    assert_eq!(hold(&mut core, 0, &HoldRequest::new(2)), Ok(vec![1, 2]));
    assert_eq!(hold(&mut core, 1, &HoldRequest::new(1)), Ok(vec![0]));
}

#[test]
fn orphan_avoidance_prefers_another_row_over_stranding_a_seat() {
    // Row 0 (better ranks) has a run of 3; a pair there strands one seat. Row 1 has a
    // run of 2 that fits exactly.
    let rows = vec![vec![1, 1, 1], vec![9, 9]];
    let mut core = core(venue(vec![ranked("s", "cheap", rows)], vec![]), 6);
    assert_eq!(hold(&mut core, 0, &HoldRequest::new(2)), Ok(vec![3, 4]));
}

#[test]
fn focal_point_ordering_takes_front_centre_first() {
    let section = SectionSpec {
        name: "front".to_string(),
        rows: Some(3),
        seats_per_row: Some(7),
        row_lengths: None,
        price_level: "cheap".to_string(),
        price_bands: Vec::new(),
        layout: Some(LayoutSpec {
            front_center_cm: [0, 500],
            seat_step_cm: [50, 0],
            row_step_cm: [0, 80],
        }),
        ranks: None,
        rank_offset: 0,
        seat_attributes: Vec::new(),
    };
    let venue = venue(vec![section], vec![]);
    // Centre seat (offset 3) of the front row is nearest the stage at the origin.
    assert_eq!(venue.seat_rank(SeatId(3)), 500);
    assert_eq!(venue.seat_rank(SeatId(0)), 522); // sqrt(150² + 500²) = 522.0
    let mut core = core(venue, 6);
    assert_eq!(hold(&mut core, 0, &HoldRequest::new(1)), Ok(vec![3]));
    // With seat 3 gone, every pair in the front row strands a seat (runs of three on
    // each side), so the pair goes to the centre of row 2: offsets 2..=3 (seats 9, 10).
    assert_eq!(hold(&mut core, 1, &HoldRequest::new(2)), Ok(vec![9, 10]));
    // Three seats fit either front-row run exactly; the two tie on rank, so the lower
    // start wins.
    assert_eq!(hold(&mut core, 2, &HoldRequest::new(3)), Ok(vec![0, 1, 2]));
}

#[test]
fn ties_between_rows_go_to_the_lower_row() {
    let rows = vec![vec![2, 2], vec![2, 2]];
    let mut core = core(
        venue(
            vec![
                ranked("a", "cheap", rows.clone()),
                ranked("b", "cheap", rows),
            ],
            vec![],
        ),
        6,
    );
    assert_eq!(hold(&mut core, 0, &HoldRequest::new(2)), Ok(vec![0, 1]));
    assert_eq!(hold(&mut core, 0, &HoldRequest::new(2)), Ok(vec![2, 3]));
    assert_eq!(hold(&mut core, 0, &HoldRequest::new(2)), Ok(vec![4, 5]));
}

#[test]
fn split_only_when_allowed_and_then_best_seats_first() {
    let rows = vec![vec![1, 5, 2], vec![3, 6, 4]];
    let mut core = core(venue(vec![ranked("s", "cheap", rows)], vec![]), 6);
    core.hold_seats(0, &ids(&[1, 4]), TTL).unwrap();
    assert_eq!(
        hold(&mut core, 1, &HoldRequest::new(3)),
        Err(Refusal::NoAdjacentSeats)
    );
    assert_eq!(
        hold(&mut core, 1, &HoldRequest::new(3).allow_split()),
        Ok(vec![0, 2, 3])
    );
    assert_eq!(
        hold(&mut core, 1, &HoldRequest::new(2).allow_split()),
        Err(Refusal::NotEnoughSeats { available: 1 })
    );
}

#[test]
fn section_and_price_constraints_are_respected() {
    let mut dear = ranked("dear", "dear", vec![vec![1, 1, 1, 1]]);
    dear.price_bands = vec![PriceBandSpec {
        from_row: 1,
        to_row: 1,
        price_level: "dear".to_string(),
    }];
    let cheap = ranked("cheap", "cheap", vec![vec![9, 9, 9, 9]]);
    let venue = venue(vec![dear, cheap], vec![]);
    let cheap_level = venue.price_level_by_name("cheap").unwrap();
    let mut core = core(venue, 6);
    assert_eq!(
        hold(&mut core, 0, &HoldRequest::new(2).max_price_minor(1_000)),
        Ok(vec![4, 5])
    );
    assert_eq!(
        hold(
            &mut core,
            0,
            &HoldRequest::new(2).at_price_level(cheap_level)
        ),
        Ok(vec![6, 7])
    );
    assert_eq!(
        hold(&mut core, 0, &HoldRequest::new(1).in_section(SectionId(0))),
        Ok(vec![0])
    );
    assert_eq!(
        hold(&mut core, 0, &HoldRequest::new(1).max_price_minor(999)),
        Err(Refusal::NoSeatsAtPrice)
    );
    assert_eq!(
        hold(&mut core, 0, &HoldRequest::new(1).in_section(SectionId(1))),
        Err(Refusal::SoldOut)
    );
    assert_eq!(
        hold(&mut core, 0, &HoldRequest::new(1).in_section(SectionId(9))),
        Err(Refusal::UnknownSection(SectionId(9)))
    );
}

fn oasis() -> Venue {
    let pitch = GeneralAdmissionSpec {
        name: "pitch".to_string(),
        tiers: vec![
            TierSpec {
                price_level: "cheap".to_string(),
                capacity: 3,
            },
            TierSpec {
                price_level: "dear".to_string(),
                capacity: 4,
            },
        ],
    };
    venue(vec![], vec![pitch])
}

#[test]
fn tier_two_goes_on_sale_when_tier_one_sells_out() {
    let mut core = core(oasis(), 6);
    let pitch = SectionId(0);
    let first = core
        .hold_best_available(0, &HoldRequest::new(2).in_section(pitch), TTL)
        .unwrap();
    assert_eq!(first.total_price_minor, 2_000);
    assert!(first.seats.is_empty());
    assert!(!core.tier_availability(pitch)[1].on_sale);
    // Two more: the last cheap ticket, then the first dear one.
    let second = core
        .hold_best_available(0, &HoldRequest::new(2).in_section(pitch), TTL)
        .unwrap();
    assert_eq!(second.total_price_minor, 1_000 + 5_000);
    assert!(core.tier_availability(pitch)[1].on_sale);
    // Only dear tickets left: a buyer capped at the cheap price is refused.
    let capped = HoldRequest::new(1).in_section(pitch).max_price_minor(1_000);
    assert_eq!(
        core.hold_best_available(0, &capped, TTL),
        Err(Refusal::NoSeatsAtPrice)
    );
    // The first hold expires: cheap tickets are back, and are sold first again.
    core.expire(TTL).unwrap();
    let again = core.hold_best_available(TTL, &capped, 2 * TTL).unwrap();
    assert_eq!(again.total_price_minor, 1_000);
    core.check_invariants().unwrap();
}

#[test]
fn expiry_happens_exactly_at_the_deadline() {
    let mut core = core(
        venue(vec![ranked("s", "cheap", vec![vec![1, 2, 3]])], vec![]),
        6,
    );
    let hold = core
        .hold_best_available(0, &HoldRequest::new(1), 100)
        .unwrap();
    assert_eq!(core.poll_timeout(), Some(100));
    assert_eq!(
        core.expire(99).unwrap().holds,
        0,
        "a spurious early timer does nothing"
    );
    assert_eq!(
        core.hold_status(hold.id),
        HoldStatus::Live { deadline: 100 }
    );
    assert_eq!(
        core.confirm(100, hold.id),
        Err(Refusal::HoldExpired(hold.id))
    );
    assert_eq!(core.hold_status(hold.id), HoldStatus::Expired);
    assert_eq!(
        core.expire(100).unwrap().holds,
        0,
        "already expired by the confirm call"
    );
    assert_eq!(core.poll_timeout(), None);
    assert_eq!(core.free(), 3);
    core.check_invariants().unwrap();
}

#[test]
fn confirm_at_one_ns_before_the_deadline_succeeds_and_only_once() {
    let mut core = core(
        venue(vec![ranked("s", "cheap", vec![vec![1, 2, 3]])], vec![]),
        6,
    );
    let hold = core
        .hold_best_available(0, &HoldRequest::new(2), 100)
        .unwrap();
    let order = core.confirm(99, hold.id).unwrap();
    assert_eq!(order.seats, hold.seats);
    assert_eq!(
        core.confirm(99, hold.id),
        Err(Refusal::AlreadyConfirmed(hold.id))
    );
    assert_eq!(
        core.release(99, hold.id),
        Err(Refusal::AlreadyConfirmed(hold.id))
    );
    assert_eq!(core.expire(1_000).unwrap().holds, 0);
    assert_eq!((core.sold(), core.revenue_minor()), (2, 2_000));
    core.check_invariants().unwrap();
}

#[test]
fn limits_refuse_over_limit_and_zero() {
    let mut core = core(
        venue(vec![ranked("s", "cheap", vec![vec![1; 10]])], vec![]),
        4,
    );
    assert_eq!(
        hold(&mut core, 0, &HoldRequest::new(5)),
        Err(Refusal::OverLimit {
            requested: 5,
            limit: 4
        })
    );
    assert_eq!(
        hold(&mut core, 0, &HoldRequest::new(0)),
        Err(Refusal::ZeroQuantity)
    );
    let five = ids(&[0, 1, 2, 3, 4]);
    assert_eq!(
        core.hold_seats(0, &five, TTL),
        Err(Refusal::OverLimit {
            requested: 5,
            limit: 4
        })
    );
    assert_eq!(
        hold(&mut core, 0, &HoldRequest::new(4)).map(|s| s.len()),
        Ok(4)
    );
    assert!(Limits::new(0).is_err() && Limits::new(65).is_err());
}

#[test]
fn stale_seat_map_conflicts_are_refused_as_seat_taken() {
    let mut core = core(
        venue(vec![ranked("s", "cheap", vec![vec![1, 1, 2, 2]])], vec![]),
        6,
    );
    let map = core.suggest_seats(&HoldRequest::new(2)).unwrap();
    assert_eq!(core.held(), 0, "suggesting holds nothing");
    let winner = core.hold_seats(0, &map.seats, TTL).unwrap();
    assert_eq!(
        core.hold_seats(1, &map.seats, TTL),
        Err(Refusal::SeatTaken(map.seats[0]))
    );
    // After release, the same stale map works again.
    core.release(2, winner.id).unwrap();
    assert!(core.hold_seats(3, &map.seats, TTL).is_ok());
    assert_eq!(
        core.hold_seats(3, &ids(&[2, 2]), TTL),
        Err(Refusal::DuplicateSeat(SeatId(2)))
    );
    assert_eq!(
        core.hold_seats(3, &ids(&[2, 99]), TTL),
        Err(Refusal::UnknownSeat(SeatId(99)))
    );
    core.check_invariants().unwrap();
}

#[test]
fn time_going_backwards_is_refused_and_changes_nothing() {
    let mut core = core(
        venue(vec![ranked("s", "cheap", vec![vec![1, 2]])], vec![]),
        6,
    );
    core.expire(-5_000).unwrap();
    let hold = core
        .hold_best_available(10, &HoldRequest::new(1), 20)
        .unwrap();
    assert_eq!(
        core.confirm(9, hold.id),
        Err(Refusal::TimeWentBackwards { now: 9, latest: 10 })
    );
    assert_eq!(
        core.hold_best_available(11, &HoldRequest::new(1), 11),
        Err(Refusal::DeadlineNotInFuture {
            deadline: 11,
            now: 11
        })
    );
    assert_eq!(core.held(), 1);
    core.check_invariants().unwrap();
}

#[test]
fn unknown_and_released_holds_are_refused() {
    let mut core = core(oasis(), 6);
    let pitch = SectionId(0);
    let hold = core
        .hold_best_available(0, &HoldRequest::new(3).in_section(pitch), TTL)
        .unwrap();
    assert_eq!(core.release(1, hold.id).unwrap().tickets, 3);
    assert_eq!(
        core.confirm(2, hold.id),
        Err(Refusal::HoldReleased(hold.id))
    );
    let unknown = seat_core::HoldId(77);
    assert_eq!(core.confirm(2, unknown), Err(Refusal::UnknownHold(unknown)));
    assert_eq!(core.free(), 7);
    assert_eq!(core.hold_stats().released, 1);
}

#[test]
fn venue_errors_name_the_field() {
    let mut spec = VenueSpec {
        name: "bad".to_string(),
        capacity: Some(5),
        focal_point_cm: [0, 0],
        price_levels: vec![price("cheap", 1)],
        sections: vec![ranked("s", "nope", vec![vec![1, 2]])],
        general_admission: vec![],
    };
    let error = Venue::build(&spec).unwrap_err();
    assert!(
        error.to_string().contains("sections[0].price_level"),
        "{error}"
    );
    spec.sections[0].price_level = "cheap".to_string();
    assert_eq!(
        Venue::build(&spec).unwrap_err(),
        VenueError::CapacityMismatch {
            stated: 5,
            built: 2
        }
    );
}
