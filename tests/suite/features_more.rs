//! More behavioural tests per on-sale feature (issue 18, item 1), continuing
//! `features.rs`: switching between shows, bots' share of tickets, the runbook
//! actions other than `scale_outflow`, and fans' retry attempts, backoff and
//! budget. Each runs a purpose-built model through the library and checks the
//! effect against the model's own parameters; every failure names the seed.

use rand::RngExt;
use seat_core::{GeneralAdmissionSpec, PriceLevelSpec, TierSpec, VenueSpec};
use sellout::engine::{Rng, Streams};
use sellout::model::{
    ActionKind, AlertSpec, Component, DistributionSpec, FaultKind, OnsaleModel, RunbookSpec,
    WaitingRoomMode,
};
use sellout::onsale::OnsaleReport;
use sellout::resilience::{RetryBudgetSpec, RetryPolicy, RetrySpec as BackoffSpec};

use super::features::{
    baseline, busy_app, fault, incident_times, max, metric, run, run_with, secs, series, sum,
    window,
};

/// A standing floor of `capacity` tickets at one price (50.00).
fn standing(capacity: u32) -> VenueSpec {
    VenueSpec {
        name: format!("standing-{capacity}"),
        capacity: Some(capacity),
        focal_point_cm: [0, 0],
        price_levels: vec![PriceLevelSpec {
            name: "standing".to_owned(),
            price_minor: 5_000,
        }],
        sections: Vec::new(),
        general_admission: vec![GeneralAdmissionSpec {
            name: "floor".to_owned(),
            tiers: vec![TierSpec {
                price_level: "standing".to_owned(),
                capacity,
            }],
        }],
    }
}

/// `fans` humans who all come (show_up 1), all before the opening, each with
/// one session and wanting one standing ticket, who hold best available 0.5 s
/// after getting in, pay 1 s later and never walk away; no bots, no waiting
/// room, payments always approved after 1 s; a standing floor of `capacity`.
fn crowd(fans: u64, capacity: u32) -> OnsaleModel {
    let mut model = baseline(0.05);
    let spec = &mut model.spec;
    let demand = &mut spec.demand;
    demand.population = fans;
    demand.show_up = 1.0;
    demand.pre_queue_share = 1.0;
    demand.spike_share = 0.0;
    demand.tickets = vec![1.0];
    demand.sessions = vec![1.0];
    demand.general_admission_share = 1.0;
    demand.seat_map_share = 0.0;
    demand.patience = DistributionSpec::Det {
        value: secs(36_000.0),
    };
    demand.think_seat = DistributionSpec::Det { value: secs(0.5) };
    demand.think_payment = DistributionSpec::Det { value: secs(1.0) };
    demand.abandon_cart = 0.0;
    spec.bots.share = 0.0;
    spec.waiting_room.mode = WaitingRoomMode::None;
    spec.payment.decline_rate = 0.0;
    spec.payment.latency = DistributionSpec::Det { value: secs(1.0) };
    spec.horizon = secs(1200.0);
    model.venue = standing(capacity);
    model
}

/// Shorthand for a run's metric.
fn m(report: &OnsaleReport, key: &str) -> f64 {
    metric(report, key)
}

// ---------------------------------------------------------------- shows

/// The rule (src/onsale/world/journey.rs, `on_no_tickets`): a fan refused
/// for lack of tickets in their show moves to the next show (onward, wrapping)
/// that has free tickets and retries after the retry delay. Here 3 shows of
/// 200 and exactly 600 fans of one ticket each, each fan's show drawn
/// uniformly: the shows are oversubscribed unevenly (±12 fans), so unless
/// fans switch, some shows sell out while others keep seats.
#[test]
fn fans_whose_show_has_no_tickets_switch_to_one_that_has() {
    let seed = 50;
    let (shows, capacity) = (3, 200);
    let mut model = crowd(u64::from(shows * capacity), capacity);
    model.spec.sale.shows = shows;
    let report = run(&model, seed);
    let fans = f64::from(shows * capacity);
    assert!(
        m(&report, "errors_no_tickets") > 0.0,
        "no fan met a sold-out show: the draw was balanced (seed {seed})"
    );
    assert_eq!(
        m(&report, "tickets_sold"),
        fans,
        "every show sells out (seed {seed})"
    );
    assert_eq!(
        m(&report, "fans_bought"),
        fans,
        "every fan buys: those whose show ran out moved to another (seed {seed})"
    );
}

/// The rest of the rule: with no free tickets in any show but some held, a
/// fan waits for expiring holds (retrying); with nothing free or held
/// anywhere they leave at once, sold out. 3 shows of 200, 750 fans; a tenth of
/// holders abandon their cart (TTL 60 s) and their seats go to fans still
/// trying. So exactly 600 fans buy (every seat, some from the second wave),
/// the abandoners keep nothing, and every other fan leaves sold out rather
/// than giving up after errors (100 attempts at exp(5 s) outlast the TTL).
/// They leave at the first refusal that finds nothing free or held, not
/// when their attempts run out (the last abandoned holds expire a few
/// minutes in, long before 100 retries at 5 s).
#[test]
fn fans_wait_for_held_tickets_and_leave_when_none_are_left_anywhere() {
    let seed = 51;
    let (shows, capacity, fans) = (3, 200, 750);
    let mut model = crowd(fans, capacity);
    model.spec.sale.shows = shows;
    model.spec.sale.hold_ttl = secs(60.0);
    model.spec.demand.abandon_cart = 0.1;
    let attempts = 100;
    model.spec.demand.retry.attempts = attempts;
    let report = run_with(&model, seed, true);
    let seats = f64::from(shows * capacity);
    let abandoned = m(&report, "fans_abandoned_cart");
    assert!(
        m(&report, "tickets_expired") > 0.0 && abandoned > 0.0,
        "seed {seed}"
    );
    assert_eq!(
        m(&report, "tickets_sold"),
        seats,
        "abandoned seats are bought by fans who waited (seed {seed})"
    );
    assert_eq!(m(&report, "fans_bought"), seats, "seed {seed}");
    assert_eq!(
        m(&report, "fans_left_sold_out"),
        fans as f64 - seats - abandoned,
        "everyone else leaves sold out (seed {seed})"
    );
    assert_eq!(
        m(&report, "fans_gave_up_after_errors") + m(&report, "fans_active_at_horizon"),
        0.0,
        "seed {seed}"
    );
    let most_errors = outcomes(&report)
        .iter()
        .filter(|(outcome, _)| *outcome == "left_sold_out")
        .map(|(_, errors)| *errors)
        .max();
    assert!(
        matches!(most_errors, Some(errors) if errors < attempts as u16),
        "fans who left sold out met up to {most_errors:?} errors of their {attempts} (seed {seed})"
    );
}

// ----------------------------------------------------------------- bots

/// A sale where admission order decides who buys: 1,000 humans (one session,
/// one ticket) and 5% bots (`sessions` entries, `order_limit` tickets), all in
/// the randomized pre-queue, let in one entry a second, 300 standing tickets.
/// Humans and bots hold 0.5 s after getting in, so sales follow admission.
fn bot_sale(sessions: u32, order_limit: u32) -> OnsaleModel {
    let mut model = crowd(1000, 300);
    let spec = &mut model.spec;
    spec.waiting_room.mode = WaitingRoomMode::RandomizedPrequeue;
    spec.waiting_room.outflow_per_min = 60.0;
    spec.bots.share = 0.05;
    spec.bots.sessions = sessions;
    spec.bots.request_interval = secs(0.5);
    spec.sale.order_limit = order_limit;
    model
}

/// The reference, independent of the simulator: shuffle every session's
/// entry, walk the queue, and let each fan's first entry buy (1 ticket a
/// human, `order_limit` a bot) while enough tickets are left. Returns the mean
/// and standard deviation of the bots' share of tickets over `draws` shuffles.
fn reference_bot_share(
    humans: usize,
    bots: usize,
    sessions: usize,
    order_limit: u32,
    capacity: u32,
    rng: &mut Rng,
) -> (f64, f64) {
    let draws = 4000;
    let mut entries: Vec<usize> = (0..humans)
        .chain((0..bots).flat_map(|bot| std::iter::repeat_n(humans + bot, sessions)))
        .collect();
    let mut shares = Vec::with_capacity(draws);
    for _ in 0..draws {
        for i in (1..entries.len()).rev() {
            let j = rng.random_range(0..=i);
            entries.swap(i, j);
        }
        let mut seen = vec![false; humans + bots];
        let (mut left, mut bot_tickets) = (capacity, 0);
        for &fan in &entries {
            if std::mem::replace(&mut seen[fan], true) {
                continue; // a later session of a fan already let in
            }
            let wants = if fan >= humans { order_limit } else { 1 };
            if wants <= left {
                left -= wants;
                bot_tickets += if fan >= humans { wants } else { 0 };
            }
            if left == 0 {
                break;
            }
        }
        shares.push(f64::from(bot_tickets) / f64::from(capacity));
    }
    let mean = shares.iter().sum::<f64>() / draws as f64;
    let variance = shares.iter().map(|s| (s - mean).powi(2)).sum::<f64>() / (draws - 1) as f64;
    (mean, variance.sqrt())
}

/// Bots' share of tickets follows their share of queue entries (sessions) and
/// their order size: 53 bots among 1,000 humans (5% of arrivals) take about
/// 54% of the tickets with 10 sessions and 4 tickets each, 17% with one
/// session, 32% with 10 sessions of 2 tickets. The mean of 5 seeds must be
/// within 3σ/√5 of the reference's mean, σ the reference's spread.
#[test]
fn bots_share_of_tickets_follows_their_sessions_and_order_size() {
    let seeds = [52, 53, 54, 55, 56];
    let mut rng = Streams::new(52, 0).get("test:bot reference");
    for (sessions, order_limit) in [(10, 4), (1, 4), (10, 2)] {
        let model = bot_sale(sessions, order_limit);
        let reports: Vec<OnsaleReport> = seeds.iter().map(|&seed| run(&model, seed)).collect();
        let (humans, bots) = (
            m(&reports[0], "fans_arrived") as usize,
            m(&reports[0], "bots_arrived") as usize,
        );
        let capacity = m(&reports[0], "capacity") as u32;
        for report in &reports {
            assert_eq!(m(report, "tickets_sold"), f64::from(capacity));
            assert_eq!(m(report, "bots_arrived") as usize, bots);
        }
        let (expected, sigma) = reference_bot_share(
            humans,
            bots,
            sessions as usize,
            order_limit,
            capacity,
            &mut rng,
        );
        let observed = reports
            .iter()
            .map(|report| m(report, "bot_ticket_share"))
            .sum::<f64>()
            / seeds.len() as f64;
        let tolerance = 3.0 * sigma / (seeds.len() as f64).sqrt();
        assert!(
            (observed - expected).abs() <= tolerance,
            "{bots} bots with {sessions} sessions and {order_limit} tickets among {humans} humans: bots' share {observed:.4}, reference {expected:.4} ± {tolerance:.4} (seeds {seeds:?})"
        );
    }
}

// ------------------------------------------------------------- runbooks

fn alert(name: &str, metric: &str, above: f64, for_s: f64) -> AlertSpec {
    AlertSpec {
        name: name.to_owned(),
        metric: metric.to_owned(),
        above: Some(above),
        below: None,
        sustained: secs(for_s),
    }
}

fn runbook(alert: &str, delay_s: f64, action: ActionKind, amount: f64) -> RunbookSpec {
    RunbookSpec {
        alert: alert.to_owned(),
        delay: secs(delay_s),
        action,
        amount,
    }
}

/// Runs `model` as is and with `step` added, same seed. Checks that the
/// runbook acted at the alert's first firing + its delay, and that the two
/// runs' time series are identical up to that second (common random
/// numbers: nothing changes before the action). Returns both runs and the
/// action's time.
fn with_and_without(
    model: &OnsaleModel,
    step: RunbookSpec,
    seed: u64,
) -> (OnsaleReport, OnsaleReport, f64) {
    let mut acting = model.clone();
    let delay_s = step.delay.as_secs_f64();
    let name = step.action.name();
    acting.spec.runbooks.push(step);
    let (quiet, acting) = (run(model, seed), run(&acting, seed));
    let fired = incident_times(&quiet, "alert_firing", "");
    let first = *fired
        .first()
        .unwrap_or_else(|| panic!("the alert never fired (seed {seed})"));
    let acted = incident_times(&acting, "action", name);
    assert_eq!(
        acted.first(),
        Some(&(first + delay_s)),
        "{name}: alert at {first} s, runbook delay {delay_s} s (seed {seed})"
    );
    let at = first + delay_s;
    let rows = |report: &OnsaleReport| -> Vec<Vec<u64>> {
        let series = &report.timeseries;
        let t = series.index("t_s").expect("t_s");
        (0..series.len())
            .map(|index| series.row(index))
            .filter(|row| row[t] <= at)
            .map(|row| row.iter().map(|value| value.to_bits()).collect())
            .collect()
    };
    assert!(
        rows(&quiet) == rows(&acting),
        "{name}: the runs differ before the action at {at} s (seed {seed})"
    );
    (quiet, acting, at)
}

/// The rush on 4 servers × 4 workers: the pool is saturated from about 70 s.
fn busy_with_alert() -> OnsaleModel {
    let mut model = busy_app();
    model
        .spec
        .alerts
        .push(alert("busy", "app_utilization", 0.9, 20.0));
    model
}

#[test]
fn a_runbook_adds_app_servers_that_serve_from_the_action() {
    let seed = 57;
    let model = busy_with_alert();
    let (servers, workers) = (model.spec.app.servers, model.spec.app.workers);
    let step = runbook("busy", 30.0, ActionKind::AddAppServers, 4.0);
    let (_, acting, at) = with_and_without(&model, step, seed);
    // The alert fires again later (and adds 4 more): look at the first minute.
    let instances = window(&acting, "app_instances", at + 1.0, at + 60.0);
    assert!(
        instances.iter().all(|n| *n == f64::from(servers + 4)),
        "instances after adding 4 to {servers} at {at} s: {instances:?} (seed {seed})"
    );
    assert_eq!(
        max(&window(&acting, "app_instances", -1e9, at)),
        f64::from(servers),
        "seed {seed}"
    );
    // Without boot delay the new workers take the queued work at once.
    let busy_after = max(&window(&acting, "app_in_flight", at + 1.0, at + 60.0));
    assert_eq!(
        busy_after,
        f64::from((servers + 4) * workers),
        "in flight after the action (seed {seed})"
    );
    assert_eq!(
        max(&window(&acting, "app_in_flight", -1e9, at)),
        f64::from(servers * workers),
        "seed {seed}"
    );
}

#[test]
fn a_runbook_sets_the_outflow_from_the_action() {
    let seed = 58;
    let model = busy_with_alert();
    let before_per_min = model.spec.waiting_room.outflow_per_min;
    let per_min = 300.0;
    let step = runbook("busy", 30.0, ActionKind::SetOutflow, per_min);
    let (quiet, acting, at) = with_and_without(&model, step, seed);
    // The queue lasts well beyond the minute after the action.
    assert!(
        window(&acting, "waiting_room_entries", at, at + 60.0)
            .iter()
            .all(|entries| *entries > per_min),
        "seed {seed}"
    );
    let admitted = |report, from: f64| sum(&window(report, "admitted", from + 1.0, from + 60.0));
    for (report, per_min, what) in [
        (&acting, per_min, "after set_outflow"),
        (&quiet, before_per_min, "without the runbook"),
    ] {
        assert!(
            (admitted(report, at) - per_min).abs() <= 1.0,
            "{} admitted in the minute after {at} s {what}, outflow {per_min}/min (seed {seed})",
            admitted(report, at)
        );
    }
    assert!(
        (admitted(&acting, at - 60.0) - before_per_min).abs() <= 1.0,
        "seed {seed}"
    );
}

#[test]
fn a_runbook_enables_shedding_from_the_action() {
    let seed = 59;
    let mut model = busy_app();
    model
        .spec
        .alerts
        .push(alert("queue", "app_queue", 500.0, 10.0));
    let limit = 100.0;
    let step = runbook("queue", 20.0, ActionKind::EnableShedding, limit);
    let (quiet, acting, at) = with_and_without(&model, step, seed);
    let bound = f64::from(model.spec.app.queue);
    assert_eq!(metric(&quiet, "errors_shed"), 0.0, "seed {seed}");
    assert!(metric(&acting, "errors_shed") > 0.0, "seed {seed}");
    assert_eq!(
        max(&window(&quiet, "app_queue", at, at + 300.0)),
        bound,
        "without shedding the queue fills to its bound (seed {seed})"
    );
    // From the action, arrivals are refused while `limit` wait: the queue
    // never grows while above the limit, and never passes it from below.
    let queue: Vec<(f64, f64)> = series(&acting, "app_queue")
        .into_iter()
        .filter(|(t, _)| *t >= at)
        .collect();
    let start = queue[0].1;
    assert!(start > 2.0 * limit, "queue {start} at {at} s (seed {seed})");
    for pair in queue.windows(2) {
        assert!(
            pair[1].1 <= pair[0].1.max(limit),
            "queue {} at {} s after {} at {} s, shedding from {limit} (seed {seed})",
            pair[1].1,
            pair[1].0,
            pair[0].1,
            pair[0].0
        );
    }
    assert!(
        queue.iter().any(|(_, q)| *q <= limit),
        "the queue drains to the limit (seed {seed})"
    );
}

// -------------------------------------------------------------- retries

/// 200 fans who hold at 0.5 s into an app that fails every request for the
/// first 200 s. The event page comes from the CDN before the opening, so after
/// it the only requests are holds and their retries, and the hold's CPU time
/// is a fixed 10 ms.
fn failing_holds() -> OnsaleModel {
    let mut model = crowd(200, 1000);
    model.spec.cdn.hit_ratio = 1.0;
    model.spec.app.service.hold = DistributionSpec::Det { value: secs(0.01) };
    model.spec.horizon = secs(300.0);
    let mut errors = fault(FaultKind::ErrorRate, Component::App, 0.0, 200.0);
    errors.fraction = 1.0;
    model.spec.faults.push(errors);
    model
}

/// Seconds after the opening (rows t ≥ 1) with requests, and their counts.
fn request_seconds(report: &OnsaleReport) -> Vec<(f64, f64)> {
    series(report, "requests")
        .into_iter()
        .filter(|(t, requests)| *t >= 1.0 && *requests > 0.0)
        .collect()
}

/// Humans' outcomes as (outcome, errors) for every journey.
fn outcomes(report: &OnsaleReport) -> Vec<(&'static str, u16)> {
    report
        .journeys
        .iter()
        .filter(|j| !j.bot)
        .map(|j| (j.outcome, j.errors))
        .collect()
}

#[test]
fn fans_retry_after_the_delay_until_their_attempts_run_out() {
    let seed = 60;
    let mut model = failing_holds();
    let attempts = 3;
    model.spec.demand.retry.attempts = attempts;
    model.spec.demand.retry.delay = DistributionSpec::Det { value: secs(1.0) };
    let report = run_with(&model, seed, true);
    // Holds at 0.5 s, then 1 s after each failure (+10 ms of CPU): one
    // wave per second, attempts + 1 waves in all.
    let fans = model.spec.demand.population as f64;
    let expected: Vec<(f64, f64)> = (1..=attempts + 1).map(|t| (f64::from(t), fans)).collect();
    assert_eq!(
        request_seconds(&report),
        expected,
        "hold requests per second, {attempts} attempts 1 s apart (seed {seed})"
    );
    assert!(
        outcomes(&report)
            .iter()
            .all(|o| *o == ("gave_up_after_errors", attempts as u16 + 1)),
        "every fan gives up at error {} (seed {seed})",
        attempts + 1
    );
}

#[test]
fn backoff_spaces_the_retries_by_its_policy_and_max_attempts_ends_them() {
    let seed = 61;
    let mut model = failing_holds();
    let max_attempts = 6;
    model.spec.demand.retry.backoff = Some(BackoffSpec {
        policy: RetryPolicy::Exponential,
        base: secs(2.0),
        cap: secs(10.0),
        max_attempts,
    });
    let report = run_with(&model, seed, true);
    // Delays min(10 s, 2 s × 2ⁿ) = 2, 4, 8, 10, 10 s: holds at 0.5, 2.5, 6.5,
    // 14.5, 24.5, 34.5 s (plus 10 ms a failure), in rows 1, 3, 7, 15, 25, 35.
    let fans = model.spec.demand.population as f64;
    let expected: Vec<(f64, f64)> = [1.0, 3.0, 7.0, 15.0, 25.0, 35.0]
        .into_iter()
        .map(|t| (t, fans))
        .collect();
    assert_eq!(
        request_seconds(&report),
        expected,
        "hold requests per second under exponential backoff, base 2 s, cap 10 s (seed {seed})"
    );
    assert!(
        outcomes(&report)
            .iter()
            .all(|o| *o == ("gave_up_after_errors", max_attempts as u16)),
        "every fan stops after {max_attempts} attempts (seed {seed})"
    );
}

#[test]
fn a_retry_budget_caps_the_retries_of_all_fans_together() {
    let seed = 62;
    let mut model = failing_holds();
    model.spec.demand.retry.delay = DistributionSpec::Det { value: secs(1.0) };
    let attempts = model.spec.demand.retry.attempts;
    let unbudgeted = run_with(&model, seed, true);
    let tokens = 50.0;
    model.spec.demand.retry.budget = Some(RetryBudgetSpec {
        ratio: 0.0,
        max_tokens: tokens,
    });
    let report = run_with(&model, seed, true);
    let fans = model.spec.demand.population as f64;
    let errors = |report| -> f64 { outcomes(report).iter().map(|o| f64::from(o.1)).sum() };
    // No request succeeds while the budget is spent, so it earns nothing back:
    // the 50 tokens it starts with are all the retries there are.
    assert_eq!(
        errors(&report),
        fans + tokens,
        "errors with a budget of {tokens} retries (seed {seed})"
    );
    assert_eq!(
        request_seconds(&report),
        vec![(1.0, fans), (2.0, tokens)],
        "seed {seed}"
    );
    assert_eq!(
        errors(&unbudgeted),
        fans * f64::from(attempts + 1),
        "without a budget each fan retries {attempts} times (seed {seed})"
    );
}
