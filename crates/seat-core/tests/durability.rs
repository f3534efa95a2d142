//! Durability: a journal of every call replays into a fresh core with an equal digest
//! and identical orders; a snapshot taken mid-sale, serialized, restored and continued
//! ends equal to the uninterrupted run; digests are stable (golden values); a bad
//! snapshot or journal is an error, not a panic.
//!
//! The sales are driven like the simulator drives the core: an Eras-like reserved sale
//! on the 80k stadium (best-available and stale seat-map clicks, retries, confirmations,
//! abandoned holds, 3-D Secure extensions, promoter holds released mid-sale, bot orders
//! cancelled and resold) and an Oasis-like GA sale (the standing price raised by the
//! operator mid-sale, the second tier opened early).

use seat_core::{
    CustomerId, Entry, HoldRequest, IdempotencyKey, Limits, OffSaleReason, Order, PriceLevelId,
    ReplayError, RestoreError, SeatCore, SeatId, SectionId, Snapshot, VenuePreset,
};

const SECOND: i64 = 1_000_000_000;
const TTL: i64 = 8 * 60 * SECOND;

fn splitmix(state: &mut u64) -> u64 {
    *state = state.wrapping_add(0x9e37_79b9_7f4a_7c15);
    let mut z = *state;
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

/// One simulated sale: a deterministic stream of fan actions against a core.
struct Sale {
    state: u64,
    now: i64,
    step: u64,
    /// Holds waiting for payment: (hold, customer, pays).
    pending: Vec<(seat_core::HoldId, CustomerId, bool)>,
    pitch: SectionId,
    standing: PriceLevelId,
    promoter_seats: Vec<SeatId>,
}

impl Sale {
    fn new(seed: u64, core: &SeatCore) -> Sale {
        let venue = core.venue();
        Sale {
            state: seed,
            now: 0,
            step: 0,
            pending: Vec::new(),
            pitch: venue.section_by_name("pitch").unwrap(),
            standing: venue.price_level_by_name("standing-1").unwrap(),
            promoter_seats: (0..200).map(|i| SeatId(i * 37)).collect(),
        }
    }

    fn draw(&mut self, bound: u64) -> u64 {
        splitmix(&mut self.state) % bound
    }

    /// One fan action (or an operator's), as the simulator would make it.
    fn act(&mut self, core: &mut SeatCore, oasis: bool) {
        self.step += 1;
        self.now += 1 + self.draw(40) as i64 * (SECOND / 100);
        let now = self.now;
        if core.poll_timeout().is_some_and(|deadline| deadline <= now) {
            core.handle_timeout(now).unwrap();
        }
        match self.step {
            1 => drop(core.take_off_sale(now, &self.promoter_seats, OffSaleReason::AdminHold)),
            3_000 => drop(core.return_to_sale(now, &self.promoter_seats)),
            2_000 if oasis => drop(core.set_price(now, self.standing, 35_500)),
            4_000 if oasis => drop(core.open_tier(now, 1)),
            _ => {}
        }
        let customer = CustomerId(self.draw(5_000));
        match self.draw(10) {
            0..=4 => self.hold(core, customer, oasis),
            5 => {
                // A stale seat map: click what best-available suggested a moment ago.
                if let Ok(suggestion) = core.suggest_seats(&HoldRequest::new(2))
                    && let Ok(hold) =
                        core.hold_seats_for(now, Some(customer), None, &suggestion.seats, now + TTL)
                {
                    self.pending.push((hold.id, customer, true));
                }
            }
            6..=8 => self.pay(core),
            _ => {
                // A bot's order is cancelled by the operator; its seats go back on sale.
                let orders = core.order_count();
                if orders > 0 && self.draw(4) == 0 {
                    let order = seat_core::OrderId(1 + self.draw(orders));
                    let _ = core.cancel_order(now, order);
                }
            }
        }
    }

    fn hold(&mut self, core: &mut SeatCore, customer: CustomerId, oasis: bool) {
        let key = IdempotencyKey(self.step);
        let mut request = HoldRequest::new(1 + self.draw(6) as u32)
            .for_customer(customer)
            .idempotency_key(key);
        if oasis && self.draw(2) == 0 {
            request = request.in_section(self.pitch);
        }
        if self.draw(5) == 0 {
            request = request.allow_split();
        }
        let deadline = self.now + TTL;
        if let Ok(hold) = core.hold_best_available(self.now, &request, deadline) {
            // The client timed out and retries with the same key: same hold.
            if self.draw(4) == 0 {
                let retry = core.hold_best_available(self.now + 1, &request, deadline + 1);
                assert_eq!(
                    retry.as_ref().map(|h| h.id),
                    Ok(hold.id),
                    "a retry holds twice"
                );
                self.now += 1;
            }
            let pays = self.draw(10) < 8;
            self.pending.push((hold.id, customer, pays));
        }
    }

    fn pay(&mut self, core: &mut SeatCore) {
        if self.pending.is_empty() {
            return;
        }
        let index = self.draw(self.pending.len() as u64) as usize;
        let (hold, customer, pays) = self.pending.swap_remove(index);
        let now = self.now;
        match (pays, self.draw(6)) {
            (false, 0) => drop(core.release_for(now, Some(customer), hold)),
            (false, _) => {} // abandoned: the hold expires
            (true, 0) => {
                // 3-D Secure takes a while: extend, then confirm.
                let _ = core.extend_hold(now, Some(customer), hold, now + 2 * TTL);
                let _ = core.confirm_for(now, Some(customer), hold);
            }
            (true, 1) => {
                let order = core.confirm_for(now, Some(customer), hold);
                // The payment callback is delivered twice: the same order comes back.
                assert_eq!(core.confirm_for(now, Some(customer), hold), order);
            }
            (true, _) => drop(core.confirm_for(now, Some(customer), hold)),
        }
    }
}

fn stadium_core() -> SeatCore {
    let limits = Limits::new(6)
        .unwrap()
        .with_max_tickets_per_customer(8)
        .with_max_hold_ttl_ns(3_600 * SECOND as u64);
    SeatCore::new(VenuePreset::Stadium.venue(), limits)
}

/// Runs `steps` actions of a sale and returns the journal.
fn run_sale(core: &mut SeatCore, sale: &mut Sale, steps: u64, oasis: bool) {
    for _ in 0..steps {
        sale.act(core, oasis);
    }
    core.check_invariants().unwrap();
}

fn orders(core: &SeatCore) -> Vec<Order> {
    core.orders().collect()
}

fn replay_equivalence(oasis: bool) {
    let mut core = stadium_core();
    core.start_journal();
    let mut sale = Sale::new(if oasis { 2024 } else { 2022 }, &core);
    run_sale(&mut core, &mut sale, 60_000, oasis);
    let journal = core.take_journal();
    let mut replica = stadium_core();
    replica.replay(&journal).unwrap();
    assert_eq!(replica.digest(), core.digest());
    assert_eq!(orders(&replica), orders(&core));
    let stats = core.hold_stats();
    assert!(
        stats.confirmed > 3_000 && stats.cancelled > 100 && stats.expired > 1_000,
        "{stats:?}"
    );
    // The journal survives serialization.
    let text = serde_json::to_string(&journal).unwrap();
    let parsed: Vec<Entry> = serde_json::from_str(&text).unwrap();
    let mut again = stadium_core();
    again.replay(&parsed).unwrap();
    assert_eq!(again.digest(), core.digest());
    let golden = if oasis {
        0x80cd_b7cd_c01c_6d0b
    } else {
        0xd441_e843_9d4a_2898
    };
    assert_eq!(core.digest(), golden, "golden digest of the whole sale");
    println!(
        "{}: {} journal entries, {} orders ({} cancelled), digest {:016x}",
        if oasis { "oasis" } else { "eras" },
        journal.len(),
        core.order_count(),
        core.hold_stats().cancelled,
        core.digest()
    );
}

#[test]
fn an_eras_like_sale_replays_to_the_same_digest_and_orders() {
    replay_equivalence(false);
}

#[test]
fn an_oasis_like_sale_replays_to_the_same_digest_and_orders() {
    replay_equivalence(true);
}

#[test]
fn a_snapshot_taken_mid_sale_restores_and_continues_like_the_uninterrupted_run() {
    for oasis in [false, true] {
        let mut straight = stadium_core();
        let mut sale = Sale::new(7, &straight);
        run_sale(&mut straight, &mut sale, 20_000, oasis);
        let text = serde_json::to_string(&straight.snapshot()).unwrap();
        let snapshot: Snapshot = serde_json::from_str(&text).unwrap();
        let mut restored = SeatCore::restore(&snapshot).unwrap();
        assert_eq!(restored.digest(), straight.digest());
        let mut fork = Sale {
            state: sale.state,
            now: sale.now,
            step: sale.step,
            pending: sale.pending.clone(),
            ..Sale::new(0, &straight)
        };
        for _ in 0..20_000 {
            sale.act(&mut straight, oasis);
            fork.act(&mut restored, oasis);
        }
        assert_eq!(restored.digest(), straight.digest());
        assert_eq!(orders(&restored), orders(&straight));
        assert_eq!(restored.snapshot(), straight.snapshot());
    }
}

#[test]
fn a_lost_journal_entry_is_an_error_not_a_silent_renumbering() {
    let mut core = stadium_core();
    core.start_journal();
    let mut sale = Sale::new(3, &core);
    run_sale(&mut core, &mut sale, 2_000, false);
    let mut journal = core.take_journal();
    let lost = journal
        .iter()
        .position(|e| matches!(e.op, seat_core::Op::Hold { .. }))
        .unwrap();
    journal.remove(lost);
    let error = stadium_core().replay(&journal).unwrap_err();
    assert!(
        matches!(
            error,
            ReplayError::Diverged { .. } | ReplayError::Refused { .. }
        ),
        "{error}"
    );
}

#[test]
fn digests_are_stable_golden_values() {
    // Fixed values: a change means the digest (or the state) is no longer comparable
    // with replicas running the previous version; bump SNAPSHOT_FORMAT_VERSION then.
    let mut core = stadium_core();
    assert_eq!(
        core.venue().digest(),
        0x58a6_d051_ad5f_1d06,
        "venue digest {:#x}",
        core.venue().digest()
    );
    let fresh = core.digest();
    let mut sale = Sale::new(1, &core);
    run_sale(&mut core, &mut sale, 500, true);
    assert_eq!(
        (fresh, core.digest()),
        (0x20ae_b7d1_09f6_b4cd, 0x2159_8a38_5528_b278),
        "digests {fresh:#x} {:#x}",
        core.digest()
    );
}

#[test]
fn bad_snapshots_are_refused_without_panicking() {
    let mut core = stadium_core();
    let mut sale = Sale::new(5, &core);
    run_sale(&mut core, &mut sale, 3_000, true);
    let good = core.snapshot();
    let mut bad = good.clone();
    bad.format_version = 99;
    assert_eq!(
        SeatCore::restore(&bad).unwrap_err(),
        RestoreError::UnsupportedVersion(99)
    );
    // Every hold and order pointing one seat further, every price list one short, a
    // live hold's deadline in the past: each is refused.
    let mut mutations: Vec<Snapshot> = Vec::new();
    let mut m = good.clone();
    m.prices_minor.pop();
    mutations.push(m);
    let mut m = good.clone();
    m.tiers_opened.push(99);
    mutations.push(m);
    let mut m = good.clone();
    m.off_sale.push((SeatId(u32::MAX), OffSaleReason::Kill));
    mutations.push(m);
    // Two active orders sharing a seat.
    let mut m = good.clone();
    let active: Vec<usize> = (0..m.orders.len())
        .filter(|&i| m.orders[i].cancelled_at.is_none() && !m.orders[i].seats.is_empty())
        .collect();
    let mut seats = m.orders[active[1]].seats.to_vec();
    seats[0] = m.orders[active[0]].seats[0];
    m.orders[active[1]].seats = seats.as_slice().into();
    mutations.push(m);
    let mut m = good.clone();
    for hold in &mut m.holds {
        if let seat_core::HoldFate::Live(live) = &mut hold.fate {
            live.deadline = i64::MIN;
        }
    }
    mutations.push(m);
    let mut m = good.clone();
    m.holds.truncate(m.holds.len() / 2);
    mutations.push(m);
    let mut m = good.clone();
    m.orders.reverse();
    mutations.push(m);
    for (index, snapshot) in mutations.iter().enumerate() {
        assert!(
            SeatCore::restore(snapshot).is_err(),
            "mutation {index} was accepted"
        );
    }
    assert!(SeatCore::restore(&good).is_ok());
}
