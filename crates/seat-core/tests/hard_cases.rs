//! Unit tests for the hard cases of best-available, holds and tiers, through the public
//! API on small hand-made venues.

use seat_core::{
    GeneralAdmissionSpec, HoldRequest, HoldStatus, LayoutSpec, Limits, PriceBandSpec, PriceLevelId,
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

fn customer_core(limits: Limits) -> SeatCore {
    let rows = vec![vec![1, 2, 3, 4, 5, 6]];
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
    SeatCore::new(venue(vec![ranked("s", "cheap", rows)], vec![pitch]), limits)
}

#[test]
fn a_retried_hold_with_the_same_key_returns_the_same_hold() {
    use seat_core::{CustomerId, IdempotencyKey};
    let mut core = customer_core(Limits::new(6).unwrap());
    let fan = CustomerId(1);
    let request = HoldRequest::new(2)
        .for_customer(fan)
        .idempotency_key(IdempotencyKey(9));
    let first = core.hold_best_available(0, &request, TTL).unwrap();
    let retry = core.hold_best_available(5, &request, 5 + TTL).unwrap();
    assert_eq!(retry, first, "no ghost hold: same id, seats and deadline");
    assert_eq!((core.held(), core.holds_issued()), (2, 1));
    // The same key for another request is a client bug.
    let other = HoldRequest::new(3)
        .for_customer(fan)
        .idempotency_key(IdempotencyKey(9));
    assert_eq!(
        core.hold_best_available(6, &other, TTL),
        Err(Refusal::IdempotencyKeyReused(first.id))
    );
    // Keys are per customer: another fan's key 9 is a new hold.
    let theirs = HoldRequest::new(2)
        .for_customer(CustomerId(2))
        .idempotency_key(IdempotencyKey(9));
    assert_ne!(
        core.hold_best_available(7, &theirs, TTL).unwrap().id,
        first.id
    );
    // Only the owner may confirm; a retried confirm returns the same order.
    assert_eq!(
        core.confirm(8, first.id),
        Err(Refusal::NotHoldOwner(first.id))
    );
    assert_eq!(
        core.confirm_for(8, Some(CustomerId(2)), first.id),
        Err(Refusal::NotHoldOwner(first.id))
    );
    let order = core.confirm_for(8, Some(fan), first.id).unwrap();
    assert_eq!(core.confirm_for(9, Some(fan), first.id), Ok(order.clone()));
    assert_eq!(order.customer, Some(fan));
    // A retry after the hold became an order says so.
    assert_eq!(
        core.hold_best_available(10, &request, TTL),
        Err(Refusal::AlreadyConfirmed(first.id))
    );
    core.check_invariants().unwrap();
}

#[test]
fn the_per_customer_limit_counts_holds_and_orders_and_frees_on_cancel() {
    use seat_core::CustomerId;
    let mut core = customer_core(Limits::new(6).unwrap().with_max_tickets_per_customer(4));
    let fan = CustomerId(3);
    let hold = core
        .hold_best_available(0, &HoldRequest::new(3).for_customer(fan), TTL)
        .unwrap();
    let order = core.confirm_for(1, Some(fan), hold.id).unwrap();
    let refused = core.hold_best_available(2, &HoldRequest::new(2).for_customer(fan), TTL);
    assert_eq!(
        refused,
        Err(Refusal::CustomerLimit {
            customer: fan,
            holding: 3,
            requested: 2,
            limit: 4
        })
    );
    assert!(
        core.hold_best_available(2, &HoldRequest::new(1).for_customer(fan), TTL)
            .is_ok()
    );
    let cancelled = core.cancel_order(3, order.id).unwrap();
    assert_eq!(
        (
            cancelled.tickets,
            cancelled.refund_minor,
            cancelled.customer
        ),
        (3, 3_000, Some(fan))
    );
    assert_eq!(
        (
            core.customer_tickets(fan),
            core.sold(),
            core.revenue_minor()
        ),
        (1, 0, 0)
    );
    assert_eq!(
        core.cancel_order(4, order.id),
        Err(Refusal::OrderCancelled(order.id))
    );
    assert_eq!(core.order(order.id).unwrap().cancelled_at, Some(3));
    // The cancelled seats 0..=2 are on sale again (seat 3 is held): a pair there would
    // strand one of them, so the pair goes to 4..=5; a trio takes them back.
    assert_eq!(
        hold_seats_of(&mut core, 5, &HoldRequest::new(2)),
        vec![4, 5]
    );
    assert_eq!(
        hold_seats_of(&mut core, 5, &HoldRequest::new(3)),
        vec![0, 1, 2]
    );
    core.check_invariants().unwrap();
}

fn hold_seats_of(core: &mut SeatCore, now: i64, request: &HoldRequest) -> Vec<u32> {
    let hold = core.hold_best_available(now, request, now + TTL).unwrap();
    hold.seats.iter().map(|s| s.0).collect()
}

#[test]
fn an_extended_hold_outlives_its_first_deadline_up_to_the_maximum_lifetime() {
    let mut core = customer_core(Limits::new(6).unwrap().with_max_hold_ttl_ns(1_000));
    assert_eq!(
        core.hold_best_available(0, &HoldRequest::new(1), 1_001),
        Err(Refusal::DeadlineTooFar {
            deadline: 1_001,
            latest_allowed: 1_000
        })
    );
    let hold = core
        .hold_best_available(10, &HoldRequest::new(2), 100)
        .unwrap();
    assert_eq!(
        core.extend_hold(50, None, hold.id, 1_011),
        Err(Refusal::DeadlineTooFar {
            deadline: 1_011,
            latest_allowed: 1_010
        })
    );
    assert_eq!(
        core.extend_hold(50, None, hold.id, 1_010).unwrap().deadline,
        1_010
    );
    assert_eq!(core.poll_timeout(), Some(1_010));
    // Payment succeeds after the first deadline: the order goes through.
    assert_eq!(core.confirm(500, hold.id).unwrap().tickets, 2);
    assert_eq!(core.expire(2_000).unwrap().holds, 0);
    core.check_invariants().unwrap();
}

#[test]
fn part_of_a_hold_goes_back_at_the_price_it_was_held_at() {
    let mut core = customer_core(Limits::new(6).unwrap());
    let cheap = core.venue().price_level_by_name("cheap").unwrap();
    let hold = core.hold_seats(0, &ids(&[1, 2, 3]), TTL).unwrap();
    assert_eq!(core.set_price(1, cheap, 4_000), Ok(1_000));
    assert_eq!(
        core.release_seats(2, None, hold.id, &ids(&[2, 9])),
        Err(Refusal::SeatNotInHold {
            hold: hold.id,
            seat: SeatId(9)
        })
    );
    assert_eq!(
        core.release_seats(2, None, hold.id, &ids(&[1, 2, 3])),
        Err(Refusal::NotAPartialRelease(hold.id))
    );
    let released = core.release_seats(2, None, hold.id, &ids(&[2])).unwrap();
    assert_eq!(released.tickets, 1);
    let kept = core.hold(hold.id).unwrap();
    assert_eq!(
        (kept.seats.to_vec(), kept.total_price_minor),
        (ids(&[1, 3]), 2_000)
    );
    // New holds pay the new price; the order keeps the locked one.
    assert_eq!(
        core.hold_seats(3, &ids(&[2]), TTL)
            .unwrap()
            .total_price_minor,
        4_000
    );
    assert_eq!(core.confirm(4, hold.id).unwrap().total_price_minor, 2_000);
    core.check_invariants().unwrap();
}

#[test]
fn ga_partial_release_and_an_operator_opened_tier() {
    let mut core = customer_core(Limits::new(6).unwrap());
    let pitch = SectionId(1);
    let hold = core
        .hold_best_available(0, &HoldRequest::new(5).in_section(pitch), TTL)
        .unwrap();
    assert_eq!(hold.total_price_minor, 3 * 1_000 + 2 * 5_000);
    core.release_tickets(1, None, hold.id, 3).unwrap();
    // The last tier first: both dear tickets and one cheap go back.
    assert_eq!(core.hold(hold.id).unwrap().total_price_minor, 2 * 1_000);
    let dear_only = HoldRequest::new(1)
        .in_section(pitch)
        .at_price_level(core.venue().price_level_by_name("dear").unwrap());
    assert_eq!(
        core.hold_best_available(2, &dear_only, TTL),
        Err(Refusal::NoSeatsAtPrice)
    );
    core.open_tier(3, 1).unwrap();
    assert!(core.tier_availability(pitch)[1].on_sale);
    assert_eq!(
        core.hold_best_available(4, &dear_only, TTL)
            .unwrap()
            .total_price_minor,
        5_000
    );
    core.check_invariants().unwrap();
}

#[test]
fn admin_holds_and_kills_leave_and_rejoin_the_sale() {
    use seat_core::{OffSaleReason, SeatState};
    let mut core = customer_core(Limits::new(6).unwrap());
    core.take_off_sale(0, &ids(&[0, 1]), OffSaleReason::AdminHold)
        .unwrap();
    core.take_off_sale(0, &ids(&[5]), OffSaleReason::Kill)
        .unwrap();
    assert_eq!(
        core.take_off_sale(0, &ids(&[1]), OffSaleReason::Kill),
        Err(Refusal::SeatTaken(SeatId(1)))
    );
    assert_eq!(core.seat_state(SeatId(5)), Some(SeatState::Killed));
    assert_eq!(core.availability()[0].counts.off_sale, 3);
    assert_eq!(
        hold_seats_of(&mut core, 1, &HoldRequest::new(2)),
        vec![2, 3]
    );
    assert_eq!(
        core.return_to_sale(2, &ids(&[2])),
        Err(Refusal::SeatNotOffSale(SeatId(2)))
    );
    core.return_to_sale(2, &ids(&[0, 1])).unwrap();
    assert_eq!(
        hold_seats_of(&mut core, 3, &HoldRequest::new(2)),
        vec![0, 1]
    );
    core.check_invariants().unwrap();
}

#[test]
fn attributes_can_be_required_or_avoided() {
    use seat_core::{SeatAttribute, SeatAttributeSpec, SeatAttributes};
    let mut section = ranked("s", "cheap", vec![vec![1, 2, 3, 4, 5, 6]]);
    section.seat_attributes = vec![
        SeatAttributeSpec {
            row: 1,
            seats: vec![5],
            attribute: SeatAttribute::Accessible,
        },
        SeatAttributeSpec {
            row: 1,
            seats: vec![6],
            attribute: SeatAttribute::Companion,
        },
    ];
    let mut core = core(venue(vec![section], vec![]), 6);
    let both = SeatAttributes::ACCESSIBLE.union(SeatAttributes::COMPANION);
    // Offsets 4 (accessible) and 5 (companion) together.
    assert_eq!(
        hold(&mut core, 0, &HoldRequest::new(2).requiring(both)),
        Ok(vec![4, 5])
    );
    assert_eq!(
        hold(&mut core, 0, &HoldRequest::new(1).requiring(both)),
        Err(Refusal::NoSeatsWithAttributes)
    );
    // The general public avoids them; here they are gone anyway.
    assert_eq!(
        hold(&mut core, 0, &HoldRequest::new(4).avoiding(both)),
        Ok(vec![0, 1, 2, 3])
    );
}

#[test]
fn a_view_shows_expiry_without_mutating_and_unknown_ids_are_refused() {
    let mut core = customer_core(Limits::new(6).unwrap());
    let hold = core
        .hold_best_available(0, &HoldRequest::new(2), 100)
        .unwrap();
    assert_eq!(core.view(99).held(), 2);
    assert_eq!(core.view(100).held(), 0);
    assert_eq!(core.view(100).hold_status(hold.id), HoldStatus::Expired);
    assert_eq!(core.held(), 2, "the view did not mutate");
    assert_eq!(core.venue().seat(SeatId(99)), None);
    assert_eq!(core.venue().seat(SeatId(0)).unwrap().label.seat_number, 1);
    assert_eq!(
        core.cancel_order(1, seat_core::OrderId(7)),
        Err(Refusal::UnknownOrder(seat_core::OrderId(7)))
    );
    assert_eq!(
        core.extend_hold(1, None, seat_core::HoldId(9), 50),
        Err(Refusal::UnknownHold(seat_core::HoldId(9)))
    );
    assert_eq!(core.open_tier(1, 9), Err(Refusal::UnknownTier(9)));
    assert_eq!(
        core.set_price(1, seat_core::PriceLevelId(9), 1),
        Err(Refusal::UnknownPriceLevel(seat_core::PriceLevelId(9)))
    );
}

/// Rows 1–6 of two seats, base price "top", and three overlapping bands. Worked by hand
/// from the spec ("later bands win"):
///
/// | row | bands covering it          | price level |
/// |-----|----------------------------|-------------|
/// | 1   | 1..=4 high                 | high (5,000) |
/// | 2   | 1..=4 high, 2..=3 low      | low (1,000)  |
/// | 3   | 1..=4, 2..=3, 3..=5 mid    | mid (2,500)  |
/// | 4   | 1..=4 high, 3..=5 mid      | mid          |
/// | 5   | 3..=5 mid                  | mid          |
/// | 6   | none                       | top (9,000)  |
#[test]
fn later_price_bands_win_where_bands_overlap() {
    let band = |from_row, to_row, level: &str| PriceBandSpec {
        from_row,
        to_row,
        price_level: level.to_string(),
    };
    let mut section = ranked(
        "banded",
        "top",
        vec![
            vec![1, 1],
            vec![2, 2],
            vec![3, 3],
            vec![4, 4],
            vec![5, 5],
            vec![6, 6],
        ],
    );
    section.price_bands = vec![band(1, 4, "high"), band(2, 3, "low"), band(3, 5, "mid")];
    let spec = VenueSpec {
        name: "bands".to_string(),
        capacity: Some(12),
        focal_point_cm: [0, 0],
        price_levels: vec![
            price("low", 1_000),
            price("mid", 2_500),
            price("high", 5_000),
            price("top", 9_000),
        ],
        sections: vec![section],
        general_admission: vec![],
    };
    let venue = Venue::build(&spec).unwrap();
    let (low, mid, high, top) = (
        PriceLevelId(0),
        PriceLevelId(1),
        PriceLevelId(2),
        PriceLevelId(3),
    );
    let row_levels = [high, low, mid, mid, mid, top];
    let row_prices = [5_000, 1_000, 2_500, 2_500, 2_500, 9_000];
    for seat in 0..12u32 {
        let row = (seat / 2) as usize;
        let info = venue.seat(SeatId(seat)).unwrap();
        assert_eq!(info.price_level, row_levels[row], "seat {seat}");
        assert_eq!(info.face_price_minor, row_prices[row], "seat {seat}");
        assert_eq!(venue.seat_price_minor(SeatId(seat)), row_prices[row]);
        assert_eq!(venue.rows()[row].price_level, row_levels[row]);
    }
    let zones: Vec<(PriceLevelId, u32)> = (venue.zones().iter())
        .map(|z| (z.price_level, z.capacity))
        .collect();
    assert_eq!(zones, vec![(low, 2), (mid, 6), (high, 2), (top, 2)]);

    let mut core = core(venue, 6);
    let mut take = |request: HoldRequest| {
        let hold = core.hold_best_available(0, &request, TTL).unwrap();
        let seats: Vec<u32> = hold.seats.iter().map(|s| s.0).collect();
        (seats, hold.total_price_minor)
    };
    // At most 1,000 a seat: only row 2 qualifies.
    assert_eq!(
        take(HoldRequest::new(2).max_price_minor(1_000)),
        (vec![2, 3], 2_000)
    );
    // Mid-priced rows 3–5: row 3 has the best ranks.
    assert_eq!(
        take(HoldRequest::new(2).at_price_level(mid)),
        (vec![4, 5], 5_000)
    );
    // Unrestricted: row 1, the best ranks left, at the high price.
    assert_eq!(take(HoldRequest::new(2)), (vec![0, 1], 10_000));
    assert_eq!(
        take(HoldRequest::new(2).at_price_level(top)),
        (vec![10, 11], 18_000)
    );
    let counts: Vec<(PriceLevelId, u32)> = (core.availability().iter())
        .map(|z| (z.price_level, z.counts.free))
        .collect();
    assert_eq!(counts, vec![(low, 0), (mid, 4), (high, 0), (top, 0)]);
    core.check_invariants().unwrap();
}

/// `rank_offset` is added to every seat of its section, explicit or computed ranks.
/// Worked by hand: floor ranks 1; balcony 0 + 2 = 2; the gallery's layout puts its front
/// row of three at x = -50, 0, 50 cm and y = 500 cm (distances 502.49, 500, 502.49 cm,
/// rounded down) and its second row of two at x = -25, 25 and y = 580 (580.54 cm), each
/// plus 1,000.
#[test]
fn rank_offset_is_added_to_every_rank_of_its_section() {
    let floor = ranked("floor", "cheap", vec![vec![1, 1, 1, 1]]);
    let mut balcony = ranked("balcony", "cheap", vec![vec![0, 0, 0, 0]]);
    balcony.rank_offset = 2;
    let gallery = SectionSpec {
        name: "gallery".to_string(),
        rows: None,
        seats_per_row: None,
        row_lengths: Some(vec![3, 2]),
        price_level: "cheap".to_string(),
        price_bands: Vec::new(),
        layout: Some(LayoutSpec {
            front_center_cm: [0, 500],
            seat_step_cm: [50, 0],
            row_step_cm: [0, 80],
        }),
        ranks: None,
        rank_offset: 1_000,
        seat_attributes: Vec::new(),
    };
    let venue = venue(vec![floor, balcony, gallery], vec![]);
    let ranks: Vec<u32> = (0..13).map(|s| venue.seat_rank(SeatId(s))).collect();
    assert_eq!(
        ranks,
        vec![1, 1, 1, 1, 2, 2, 2, 2, 1_502, 1_500, 1_502, 1_580, 1_580]
    );
    assert_eq!(venue.seat(SeatId(9)).unwrap().rank, 1_500);
    let mut core = core(venue, 6);
    // Pairs: floor 1 + 1 = 2 beats balcony 2 + 2 = 4 (without the offset the balcony's
    // 0 + 0 would win). A pair at either end of a row of four is tidy; the lower start.
    assert_eq!(hold(&mut core, 0, &HoldRequest::new(2)), Ok(vec![0, 1]));
    assert_eq!(
        hold(&mut core, 0, &HoldRequest::new(4)),
        Ok(vec![4, 5, 6, 7])
    );
    // The floor's last pair (2) before anything in the gallery (3,000 and up).
    assert_eq!(hold(&mut core, 0, &HoldRequest::new(2)), Ok(vec![2, 3]));
    // A pair in the gallery's front row strands a seat; its back row (3,160) does not.
    assert_eq!(hold(&mut core, 0, &HoldRequest::new(2)), Ok(vec![11, 12]));
    // A single: the centre (1,500) would strand two seats; an end seat (1,502) none.
    assert_eq!(hold(&mut core, 0, &HoldRequest::new(1)), Ok(vec![8]));
}

/// The refusal when too few tickets are free, at the boundaries: exactly as many
/// eligible seats as asked for is enough; one more is not, and `available` counts only
/// seats at an allowed price.
#[test]
fn shortage_boundaries_for_reserved_seats() {
    let cheap = ranked("cheap", "cheap", vec![vec![1, 1, 1], vec![2, 2, 2]]);
    let dear = ranked("dear", "dear", vec![vec![3, 3]]);
    let mut core = core(venue(vec![cheap, dear], vec![]), 6);
    core.hold_seats(0, &ids(&[1, 4, 6]), TTL).unwrap();
    // Free: cheap 0, 2, 3, 5 (no two side by side) and dear 7.
    let at_most_cheap = |q| HoldRequest::new(q).max_price_minor(1_000);
    assert_eq!(
        hold(&mut core, 0, &at_most_cheap(2)),
        Err(Refusal::NoAdjacentSeats)
    );
    assert_eq!(
        hold(&mut core, 0, &at_most_cheap(5)),
        Err(Refusal::NotEnoughSeats { available: 4 })
    );
    assert_eq!(
        hold(&mut core, 0, &at_most_cheap(5).allow_split()),
        Err(Refusal::NotEnoughSeats { available: 4 })
    );
    assert_eq!(
        hold(&mut core, 0, &at_most_cheap(4).allow_split()),
        Ok(vec![0, 2, 3, 5])
    );
    assert_eq!(
        hold(&mut core, 0, &at_most_cheap(1)),
        Err(Refusal::NoSeatsAtPrice)
    );
    assert_eq!(
        hold(&mut core, 0, &HoldRequest::new(2).allow_split()),
        Err(Refusal::NotEnoughSeats { available: 1 })
    );
    assert_eq!(hold(&mut core, 0, &HoldRequest::new(1)), Ok(vec![7]));
    assert_eq!(
        hold(&mut core, 0, &HoldRequest::new(1)),
        Err(Refusal::SoldOut)
    );
}

/// GA tiers cheap (2), dear (3), cheap (4). A tier with free tickets at a refused price
/// keeps the tiers after it off sale; one request may empty a tier and go on into the
/// next, which its own purchase put on sale.
#[test]
fn ga_shortage_and_a_request_that_spans_tiers() {
    let tier = |level: &str, capacity| TierSpec {
        price_level: level.to_string(),
        capacity,
    };
    let pitch = GeneralAdmissionSpec {
        name: "pitch".to_string(),
        tiers: vec![tier("cheap", 2), tier("dear", 3), tier("cheap", 4)],
    };
    let mut core = core(venue(vec![], vec![pitch]), 6);
    let (cheap, dear) = (PriceLevelId(0), PriceLevelId(1));
    let pitch = SectionId(0);
    let mut lines = |q: u32, max_price: Option<u64>| {
        let mut request = HoldRequest::new(q).in_section(pitch);
        request.max_price_minor = max_price;
        let hold = core.hold_best_available(0, &request, TTL)?;
        core.check_invariants().unwrap();
        let ga = hold.general_admission.unwrap();
        let lines: Vec<(u32, PriceLevelId, u32)> = (ga.lines.iter())
            .map(|l| (l.tier, l.price_level, l.tickets))
            .collect();
        Ok::<_, Refusal>((lines, hold.total_price_minor))
    };
    // Only tier 0's two are cheap and on sale: tier 1 is dear and blocks tier 2.
    assert_eq!(
        lines(3, Some(1_000)),
        Err(Refusal::NotEnoughSeats { available: 2 })
    );
    assert_eq!(lines(2, Some(1_000)), Ok((vec![(0, cheap, 2)], 2_000)));
    assert_eq!(lines(1, Some(1_000)), Err(Refusal::NoSeatsAtPrice));
    // Four: all of tier 1, which puts tier 2 on sale for the fourth ticket.
    assert_eq!(
        lines(4, None),
        Ok((vec![(1, dear, 3), (2, cheap, 1)], 3 * 5_000 + 1_000))
    );
    assert_eq!(
        lines(4, Some(1_000)),
        Err(Refusal::NotEnoughSeats { available: 3 })
    );
    assert_eq!(lines(3, Some(1_000)), Ok((vec![(2, cheap, 3)], 3_000)));
    assert_eq!(lines(1, None), Err(Refusal::SoldOut));
}
