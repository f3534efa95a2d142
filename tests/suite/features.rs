//! One behavioural test per on-sale feature (issue 18, item 1): each fails if
//! its feature is switched off or wrong by a factor of 2. Runs go through the
//! library; where it helps, the same seed runs with and without the feature
//! (common random numbers) and the effect is checked inside its window
//! against the model's own parameters. Every failure message names the seed.
//!
//! Tolerances are derived from sampling noise: a share estimated from n
//! independent trials is checked within 3σ = 3·sqrt(p(1-p)/n); a deterministic
//! mechanism (a queue bound, a timer) is checked exactly or to the second.

use sellout::engine::{Span, Streams};
use sellout::model::{
    AdaptiveOutflowSpec, Component, DistributionSpec, Duration, FaultKind, FaultSpec, ModelSpec,
    OnsaleModel, RateLimitSpec, ShedSpec, WaitingRoomMode, load,
};
use sellout::onsale::{self, OnsaleReport};
use sellout::resilience::BreakerSpec;
use sellout::sampler::Sampler;

use super::cli::models_dir;

/// A shipped model with its demand scaled (not `--scale`, which scales capacity
/// too): a lighter load on the same servers, quick to run.
pub fn shipped(file: &str, scale: f64) -> OnsaleModel {
    match load(&models_dir().join(file))
        .expect("a shipped model loads")
        .spec
    {
        ModelSpec::Onsale(model) => OnsaleModel {
            spec: model.spec.with_demand_scaled(scale),
            venue: model.venue,
        },
        _ => panic!("{file} is not an on-sale model"),
    }
}

/// The baseline at `scale` (its 20k arena is not scaled: at 0.05 the 6,000
/// fans cannot sell it out, so the backend's behaviour is not masked by a sell-out).
pub fn baseline(scale: f64) -> OnsaleModel {
    shipped("baseline.toml", scale)
}

pub fn run(model: &OnsaleModel, seed: u64) -> OnsaleReport {
    run_with(model, seed, false)
}

pub fn run_with(model: &OnsaleModel, seed: u64, journeys: bool) -> OnsaleReport {
    onsale::run(model, &Streams::new(seed, 0), journeys)
        .unwrap_or_else(|error| panic!("{} seed {seed}: {error}", model.spec.name))
}

pub fn metric(report: &OnsaleReport, key: &str) -> f64 {
    *report
        .metrics
        .get(key)
        .unwrap_or_else(|| panic!("metric {key} missing"))
}

/// Column `name` as (t_s, value) rows; row t covers the second (t-1, t].
pub fn series(report: &OnsaleReport, name: &str) -> Vec<(f64, f64)> {
    let series = &report.timeseries;
    let t = series.index("t_s").expect("t_s column");
    let column = series
        .index(name)
        .unwrap_or_else(|| panic!("no column {name}"));
    series
        .column(t)
        .zip(series.column(column))
        .collect::<Vec<_>>()
}

/// Values of column `name` in the rows from `from_s` to `to_s` (both included).
pub fn window(report: &OnsaleReport, name: &str, from_s: f64, to_s: f64) -> Vec<f64> {
    series(report, name)
        .into_iter()
        .filter(|(t, _)| (from_s..=to_s).contains(t))
        .map(|(_, value)| value)
        .collect()
}

pub fn max(values: &[f64]) -> f64 {
    values.iter().copied().fold(f64::NEG_INFINITY, f64::max)
}

pub fn sum(values: &[f64]) -> f64 {
    values.iter().sum()
}

pub fn median(values: &[f64]) -> f64 {
    let mut sorted: Vec<f64> = values.iter().copied().filter(|v| v.is_finite()).collect();
    sorted.sort_by(f64::total_cmp);
    let n = sorted.len();
    assert!(n > 0, "median of nothing");
    if n % 2 == 1 {
        sorted[n / 2]
    } else {
        (sorted[n / 2 - 1] + sorted[n / 2]) / 2.0
    }
}

/// Seconds without an answer of the endpoint report a latency of 0: leave them out.
pub fn nonzero(values: Vec<f64>) -> Vec<f64> {
    values.into_iter().filter(|v| *v > 0.0).collect()
}

pub fn secs(seconds: f64) -> Duration {
    Duration::from_secs_f64(seconds)
}

pub fn fault(kind: FaultKind, component: Component, at_s: f64, duration_s: f64) -> FaultSpec {
    FaultSpec {
        kind,
        component,
        at: secs(at_s),
        duration: secs(duration_s),
        instance: None,
        fraction: 0.0,
        latency: secs(0.0),
        lag: secs(0.0),
    }
}

/// |observed - expected| within 3σ of a binomial share over `n` trials.
fn within_three_sigma(observed: f64, p: f64, n: f64) -> bool {
    let sigma = (p * (1.0 - p) / n).sqrt();
    (observed - p).abs() <= 3.0 * sigma
}

/// Times of the incidents of `kind` with `detail`.
pub fn incident_times(report: &OnsaleReport, kind: &str, detail: &str) -> Vec<f64> {
    report
        .incidents
        .iter()
        .filter(|i| i.kind == kind && i.detail.contains(detail))
        .map(|i| i.t_s)
        .collect()
}

#[test]
fn cdn_serves_nothing_during_an_outage_and_its_hit_ratio_outside() {
    let seed = 21;
    let mut model = baseline(0.05);
    model.spec.cdn.hit_ratio = 0.8;
    model
        .spec
        .faults
        .push(fault(FaultKind::CdnOutage, Component::Cdn, 60.0, 120.0));
    let report = run(&model, seed);
    let during = window(&report, "cdn_hits", 61.0, 179.0);
    assert_eq!(
        sum(&during),
        0.0,
        "CDN hits during its outage (seed {seed})"
    );
    // The hit ratio well after the outage: each arrival loads the event page
    // once (event-page retries are rare at this load), so hits / arrivals
    // estimates hit_ratio over n = arrivals Bernoulli draws.
    let hits = sum(&window(&report, "cdn_hits", 600.0, 3600.0));
    let arrivals = sum(&window(&report, "arrivals", 600.0, 3600.0));
    assert!(arrivals > 500.0, "seed {seed}: {arrivals} arrivals");
    assert!(
        within_three_sigma(hits / arrivals, 0.8, arrivals),
        "hit ratio {} over {arrivals} arrivals, configured 0.8 (seed {seed})",
        hits / arrivals
    );
    // Before the outage hits flow, so the zero above is the outage's doing.
    assert!(
        sum(&window(&report, "cdn_hits", 1.0, 59.0)) > 100.0,
        "seed {seed}"
    );
}

/// The baseline at 0.05 with its unscaled outflow (2,000/min): the 6,000
/// fans are let in within about 3 minutes, a rush the backend feels.
pub fn rush() -> OnsaleModel {
    let mut model = baseline(0.05);
    model.spec.waiting_room.outflow_per_min = 2000.0;
    model
}

/// The rush on a small pool: 4 servers × 4 workers, saturated from about 70 s to 320 s.
pub fn busy_app() -> OnsaleModel {
    let mut model = rush();
    model.spec.app.servers = 4;
    model.spec.app.workers = 4;
    model
}

#[test]
fn a_crashed_app_instance_takes_its_share_of_the_workers() {
    let seed = 22;
    let healthy = busy_app();
    let mut crashed = healthy.clone();
    let mut crash = fault(FaultKind::Crash, Component::App, 90.0, 210.0);
    crash.instance = Some(1);
    crashed.spec.faults.push(crash);
    let (healthy, crashed) = (run(&healthy, seed), run(&crashed, seed));
    // Payments hold a worker for the provider's latency (timeout 30 s): from
    // 35 s after the crash no request started on the dead instance is left.
    let during = (125.0, 300.0);
    let peak = |report| max(&window(report, "app_in_flight", during.0, during.1 - 1.0));
    assert_eq!(
        peak(&healthy),
        16.0,
        "the healthy pool saturates in the window (seed {seed})"
    );
    assert_eq!(
        peak(&crashed),
        12.0,
        "one of 4 instances down leaves 12 of 16 workers (seed {seed})"
    );
    let after = max(&window(&crashed, "app_in_flight", 301.0, 420.0));
    assert_eq!(
        after, 16.0,
        "the instance is back after the crash (seed {seed})"
    );
}

#[test]
fn a_capacity_drop_caps_the_database_at_the_reduced_pool() {
    let seed = 23;
    let mut healthy = rush();
    healthy.spec.database.connections = 8;
    healthy.spec.database.hold = DistributionSpec::Exp { mean: secs(0.5) };
    let mut dropped = healthy.clone();
    let mut drop = fault(FaultKind::CapacityDrop, Component::Database, 30.0, 240.0);
    drop.fraction = 0.5;
    dropped.spec.faults.push(drop);
    let (healthy, dropped) = (run(&healthy, seed), run(&dropped, seed));
    // Transactions in flight at the drop finish within seconds.
    let during = (45.0, 270.0);
    let peak = |report| {
        max(&window(
            report,
            "database_in_flight",
            during.0,
            during.1 - 1.0,
        ))
    };
    assert!(
        peak(&healthy) > 4.0,
        "the healthy primary uses more than half its 8 connections (seed {seed})"
    );
    assert_eq!(
        peak(&dropped),
        4.0,
        "half of 8 connections left (seed {seed})"
    );
}

#[test]
fn added_latency_raises_the_median_by_the_added_latency() {
    let seed = 24;
    let healthy = baseline(0.05);
    let mut slow = healthy.clone();
    let mut added = fault(FaultKind::AddedLatency, Component::App, 60.0, 240.0);
    added.latency = secs(0.5);
    slow.spec.faults.push(added);
    let (healthy, slow) = (run(&healthy, seed), run(&slow, seed));
    // Seat maps pass the app once: each one's latency grows by exactly 0.5 s on a
    // lightly loaded pool. The median over the window of per-second medians is
    // stable to a few ms (hundreds of seat maps), far inside ±0.1 s.
    let p50 = |report, from, to| median(&nonzero(window(report, "seat_map_p50_s", from, to)));
    let rise = p50(&slow, 70.0, 290.0) - p50(&healthy, 70.0, 290.0);
    assert!(
        (rise - 0.5).abs() < 0.1,
        "seat-map p50 rose by {rise:.3} s for an added 0.5 s (seed {seed})"
    );
    let after = p50(&slow, 320.0, 900.0) - p50(&healthy, 320.0, 900.0);
    assert!(
        after.abs() < 0.1,
        "latency after the fault {after:.3} (seed {seed})"
    );
}

#[test]
fn an_error_rate_fault_fails_its_share_of_calls() {
    let seed = 25;
    let mut model = baseline(0.05);
    // Every request passes the app once: the share of failed responses is the fault's rate.
    model.spec.cdn.hit_ratio = 0.0;
    let mut errors = fault(FaultKind::ErrorRate, Component::App, 60.0, 240.0);
    errors.fraction = 0.2;
    model.spec.faults.push(errors);
    let report = run(&model, seed);
    // Interior seconds: payments answered in the window passed the app in it.
    let failed = sum(&window(&report, "errors", 90.0, 300.0));
    let responses = sum(&window(&report, "responses", 90.0, 300.0));
    assert!(responses > 2000.0, "seed {seed}: {responses} responses");
    assert!(
        within_three_sigma(failed / responses, 0.2, responses),
        "error share {:.4} of {responses} responses, fault rate 0.2 (seed {seed})",
        failed / responses
    );
    let after = sum(&window(&report, "errors", 400.0, 3600.0))
        / sum(&window(&report, "responses", 400.0, 3600.0));
    assert!(
        after < 0.01,
        "error share {after:.4} after the fault (seed {seed})"
    );
}

#[test]
fn a_payment_brownout_slows_payments_by_its_delay() {
    let seed = 26;
    let healthy = baseline(0.05);
    let mut brown = healthy.clone();
    let mut brownout = fault(FaultKind::PaymentBrownout, Component::Payment, 60.0, 300.0);
    brownout.latency = secs(5.0);
    brownout.fraction = 0.3;
    brown.spec.faults.push(brownout);
    let (healthy, brown) = (run(&healthy, seed), run(&brown, seed));
    // Payments answered from 20 s into the window started inside it (provider
    // latency: lognormal, mean 3 s). Per-second medians of a few payments each
    // are noisy (IQR about 2 s); their median over 280 s is within ±0.5 s.
    let p50 = |report| median(&window(report, "payment_p50_s", 80.0, 360.0));
    let rise = p50(&brown) - p50(&healthy);
    assert!(
        (rise - 5.0).abs() < 0.75,
        "payment p50 rose by {rise:.2} s for a 5 s brownout (seed {seed})"
    );
    // Failed payments are server errors, and nothing else produces them here.
    assert_eq!(metric(&healthy, "errors_server_error"), 0.0, "seed {seed}");
    assert!(metric(&brown, "errors_server_error") > 0.0, "seed {seed}");
}

/// The rush, where fans hold the seats they clicked 0.2 s after the map
/// arrived: conflicts come from the map's staleness, not from thinking.
pub fn fast_clickers() -> OnsaleModel {
    let mut model = baseline(0.05);
    model.spec.demand.think_seat = DistributionSpec::Det { value: secs(0.2) };
    model
}

#[test]
fn replica_lag_makes_more_seat_taken_errors_as_it_grows() {
    let seed = 27;
    let base = fast_clickers();
    let taken = |lag_s: f64| {
        let mut model = base.clone();
        model.spec.database.replica_lag = secs(lag_s);
        metric(&run(&model, seed), "errors_seat_taken")
    };
    let counts = [taken(0.0), taken(2.0), taken(4.0), taken(8.0)];
    // (The lag 0 run's conflicts are readers whose map was fresh but whose
    // seats went in the ~0.3 s before their own hold committed.)
    // Without lag a map is fresh: a pick fails only if another commit landed in
    // the few milliseconds since the read. Each doubling of the lag must add
    // conflicts (fans reading within one lag window click the same seats).
    assert!(
        counts.windows(2).all(|w| w[1] > 1.3 * w[0]),
        "seat-taken errors at lag 0, 2, 4, 8 s: {counts:?} (seed {seed})"
    );
}

#[test]
fn a_replica_lag_spike_makes_seat_maps_stale_during_it() {
    let seed = 27;
    let base = fast_clickers();
    let mut spiked = base.clone();
    let mut spike = fault(FaultKind::ReplicaLagSpike, Component::Replicas, 0.0, 600.0);
    spike.lag = secs(30.0);
    spiked.spec.faults.push(spike);
    let (base, spiked) = (run(&base, seed), run(&spiked, seed));
    let (before, after) = (
        metric(&base, "errors_seat_taken"),
        metric(&spiked, "errors_seat_taken"),
    );
    assert!(
        after > 1.3 * before,
        "seat taken without / with a 30 s lag spike: {before} / {after} (seed {seed})"
    );
}

/// A pool the rush overloads: 1 server × 4 workers.
fn overloaded_app(scale: f64) -> OnsaleModel {
    let mut model = baseline(scale);
    model.spec.app.servers = 1;
    model.spec.app.workers = 4;
    model
}

#[test]
fn shedding_rejects_from_the_configured_queue_length() {
    let seed = 28;
    let open = overloaded_app(0.05);
    let mut shed = open.clone();
    shed.spec.app.shed = Some(ShedSpec {
        queue_length: Some(50),
        queue_delay: None,
    });
    let (open, shed) = (run(&open, seed), run(&shed, seed));
    let longest = |report| max(&window(report, "app_queue", -1e9, 1e9));
    assert!(
        longest(&open) > 100.0,
        "without shedding the queue grows past 100 (seed {seed})"
    );
    assert_eq!(
        longest(&shed),
        50.0,
        "with queue_length = 50 the queue fills to 50 and no further (seed {seed})"
    );
    assert_eq!(metric(&open, "errors_shed"), 0.0, "seed {seed}");
    assert!(metric(&shed, "errors_shed") > 0.0, "seed {seed}");
}

#[test]
fn shedding_by_delay_drops_what_waited_longer_than_it() {
    let seed = 28;
    let open = overloaded_app(0.05);
    let mut shed = open.clone();
    shed.spec.app.shed = Some(ShedSpec {
        queue_length: None,
        queue_delay: Some(secs(2.0)),
    });
    let (open, shed) = (run(&open, seed), run(&shed, seed));
    assert_eq!(metric(&open, "errors_shed"), 0.0, "seed {seed}");
    assert!(metric(&shed, "errors_shed") > 0.0, "seed {seed}");
    // A request that waited 2 s is dropped when a worker takes it, so no
    // served hold spends more than 2 s in the queue: hold p99 (queue + CPU +
    // database) stays near 2 s, against many seconds without shedding.
    let (p99_open, p99_shed) = (
        metric(&open, "latency_hold_p99_s"),
        metric(&shed, "latency_hold_p99_s"),
    );
    assert!(
        p99_open > 8.0 && p99_shed < 4.0,
        "hold p99 without / with 2 s delay shedding: {p99_open:.2} / {p99_shed:.2} (seed {seed})"
    );
}

fn breaker_model(open_for: f64) -> OnsaleModel {
    let mut model = rush();
    model.spec.database.breaker = Some(BreakerSpec {
        failure_threshold: 20,
        open_for: secs(open_for),
        half_open_probes: 1,
    });
    model
}

#[test]
fn the_breaker_opens_after_its_threshold_and_probes_after_open_for() {
    let seed = 29;
    let open_for = 10.0;
    let mut model = breaker_model(open_for);
    let mut unbroken = model.clone();
    unbroken.spec.database.breaker = None;
    // Every transaction on the primary fails from 100 s to 160 s.
    let mut failing = fault(FaultKind::ErrorRate, Component::Database, 100.0, 60.0);
    failing.fraction = 1.0;
    model.spec.faults.push(failing.clone());
    unbroken.spec.faults.push(failing);
    let (report, unbroken) = (run(&model, seed), run(&unbroken, seed));
    let opens: Vec<f64> = incident_times(&report, "breaker", "open")
        .into_iter()
        .filter(|t| (100.0..=160.0).contains(t))
        .collect();
    assert!(
        opens.len() >= 4,
        "breaker opened at {opens:?} (seed {seed})"
    );
    // Each failed half-open probe reopens it: the probe is the first hold or
    // confirm open_for after the last opening (tens per second in the rush),
    // plus its transaction.
    for pair in opens.windows(2) {
        let gap = pair[1] - pair[0];
        assert!(
            (open_for..open_for + 0.5).contains(&gap),
            "reopened {gap:.3} s after opening, open_for {open_for} s: {opens:?} (seed {seed})"
        );
    }
    // Calls that reach the failing primary: the threshold's 20, then one probe
    // per reopening (and any transaction in flight when it opened).
    let reached = metric(&report, "errors_server_error");
    let probes = (opens.len() - 1) as f64;
    assert!(
        (20.0 + probes..=20.0 + probes + 3.0).contains(&reached),
        "{reached} calls reached the failing primary, expected 20 + {probes} probes (seed {seed})"
    );
    assert!(metric(&report, "errors_breaker_open") > 0.0, "seed {seed}");
    assert!(
        metric(&unbroken, "errors_server_error") > 3.0 * reached,
        "without a breaker every call reaches the failing primary (seed {seed})"
    );
    // The first probe after the fault succeeds and closes it.
    let closed = incident_times(&report, "breaker", "closed");
    let first_closed = closed.iter().copied().find(|t| *t >= 160.0);
    assert!(
        matches!(first_closed, Some(t) if t <= 160.0 + open_for + 0.5),
        "closed again at {first_closed:?} after the fault ended at 160 s (seed {seed})"
    );
}

/// During a failover the breaker should fail calls fast once open, so only the
/// threshold's calls (and one probe per `open_for`) reach the dead primary.
#[test]
fn the_breaker_fails_fast_during_a_failover() {
    let seed = 29;
    let open_for = 10.0;
    let mut model = breaker_model(open_for);
    model.spec.faults.push(fault(
        FaultKind::DbFailover,
        Component::Database,
        100.0,
        60.0,
    ));
    let report = run(&model, seed);
    let opens: Vec<f64> = incident_times(&report, "breaker", "open")
        .into_iter()
        .filter(|t| (100.0..=160.0).contains(t))
        .collect();
    assert!(
        opens.len() >= 4,
        "breaker opened at {opens:?} (seed {seed})"
    );
    let reached = metric(&report, "errors_unavailable");
    assert!(
        reached <= 20.0 + opens.len() as f64 + 3.0,
        "{reached} calls reached the dead primary through an open breaker (seed {seed})"
    );
    let refused_after = incident_times(&report, "breaker", "closed")
        .into_iter()
        .find(|t| *t >= 160.0);
    assert!(
        matches!(refused_after, Some(t) if t <= 160.0 + open_for + 0.5),
        "closed at {refused_after:?} after the failover ended at 160 s (seed {seed})"
    );
}

#[test]
fn adaptive_outflow_backs_off_under_errors_and_recovers() {
    let seed = 30;
    let mut model = baseline(0.05);
    let outflow = model.spec.waiting_room.outflow_per_min; // 100/min at this scale
    model.spec.waiting_room.adaptive = Some(AdaptiveOutflowSpec {
        target_hold_p99: secs(5.0),
        max_error_rate: 0.05,
        period: secs(10.0),
        min_per_min: 10.0,
        max_per_min: outflow,
    });
    let mut errors = fault(FaultKind::ErrorRate, Component::App, 120.0, 120.0);
    errors.fraction = 0.5;
    model.spec.faults.push(errors);
    let report = run(&model, seed);
    let admitted = |from, to| sum(&window(&report, "admitted", from, to));
    let before = admitted(90.0, 119.0);
    let late_in_fault = admitted(210.0, 239.0);
    // Cut by 0.7 every 10 s period: after 9 periods the outflow is at its floor.
    assert!(
        before > 40.0 && late_in_fault < 0.25 * before,
        "admitted in 30 s before / late in the fault: {before} / {late_in_fault} (seed {seed})"
    );
    let cuts = incident_times(&report, "action", "adaptive outflow cut");
    assert!(
        matches!(cuts.first(), Some(t) if (120.0..=131.0).contains(t)),
        "first cut at {:?}, errors from 120 s, period 10 s (seed {seed})",
        cuts.first()
    );
    assert!(
        cuts.iter()
            .filter(|t| **t < 600.0)
            .all(|t| (120.0..=250.0).contains(t)),
        "cuts outside the fault: {cuts:?} (seed {seed})"
    );
    // Healthy again, it grows back by a tenth of max per period.
    let recovered = admitted(330.0, 359.0);
    assert!(
        recovered > 0.8 * before,
        "admitted 90 s after the fault: {recovered} (seed {seed})"
    );
}

/// Bots that keep paying: every card is declined and they retry for ever, so
/// each bot offers about 1/(interval + latency) payment requests per second.
fn greedy_bots(per_s: f64, burst: u32) -> OnsaleModel {
    let mut model = baseline(0.01);
    model.spec.demand.population = 100;
    model.spec.bots.share = 0.9; // 60 humans, 540 bots
    model.spec.bots.attempts = 100_000;
    model.spec.waiting_room.mode = WaitingRoomMode::None;
    model.spec.demand.seat_map_share = 0.0; // no seat-taken errors for humans
    model.spec.payment.decline_rate = 1.0;
    model.spec.payment.retries = 100_000;
    model.spec.payment.latency = DistributionSpec::Det { value: secs(0.05) };
    model.spec.horizon = secs(120.0);
    model.spec.app.rate_limit = Some(RateLimitSpec { per_s, burst });
    model
}

#[test]
fn the_rate_limit_passes_each_session_its_rate_and_burst() {
    let seed = 31;
    let (per_s, burst) = (0.5, 3);
    let report = run_with(&greedy_bots(per_s, burst), seed, true);
    let bots = report.journeys.iter().filter(|j| j.bot).count() as f64;
    let accepted = |from: f64, to: f64| {
        sum(&window(&report, "requests", from, to)) - sum(&window(&report, "errors", from, to))
    };
    // Steady state: every bot offers ~1.8 requests/s and is let through at per_s.
    let steady = accepted(41.0, 100.0) / 60.0 / bots;
    assert!(
        (steady - per_s).abs() < 0.05 * per_s,
        "{steady:.3} accepted requests/s per bot, limit {per_s}/s (seed {seed})"
    );
    // GCRA: a greedy session gets `burst` at once, then one per 1/per_s. Bots
    // start at the opening + their interval (0.5 s): by 40 s each is let
    // through burst + floor(per_s × 39.5) = 22 requests (humans add ~0.1 per
    // bot). An off-by-one burst gives 21 or 23.
    let early = accepted(1.0, 40.0) / bots;
    let expected = f64::from(burst) + (per_s * 39.5).floor();
    assert!(
        (early - expected).abs() < 0.4,
        "{early:.2} requests accepted per bot in the first 40 s, GCRA gives {expected} (seed {seed})"
    );
    // Humans act every ~30 s: the limit never touches them.
    let humans: Vec<_> = report.journeys.iter().filter(|j| !j.bot).collect();
    let human_errors: u32 = humans.iter().map(|j| u32::from(j.errors)).sum();
    assert!(
        human_errors <= 2,
        "{human_errors} errors for {} humans (seed {seed})",
        humans.len()
    );
}

#[test]
fn payment_failures_follow_the_decline_rate_and_the_retries() {
    let seed = 32;
    let mut model = baseline(0.05);
    let (decline, retries) = (0.3, 1);
    model.spec.payment.decline_rate = decline;
    model.spec.payment.retries = retries;
    model.spec.demand.abandon_cart = 0.0;
    let report = run(&model, seed);
    // Every holder pays until approved or declined retries + 1 times in a row.
    let count = |outcome: &str| {
        metric(&report, &format!("fans_{outcome}")) + metric(&report, &format!("bots_{outcome}"))
    };
    let failed = count("payment_failed");
    let holders = failed + count("bought");
    let p = f64::powi(decline, retries as i32 + 1);
    assert!(
        within_three_sigma(failed / holders, p, holders),
        "{failed} of {holders} holders failed to pay, expected share {p} (seed {seed})"
    );
}

#[test]
fn a_share_of_holders_abandon_their_cart() {
    let seed = 33;
    let mut model = baseline(0.05);
    let abandon = 0.2;
    model.spec.demand.abandon_cart = abandon;
    let report = run(&model, seed);
    let count = |outcome: &str| metric(&report, &format!("fans_{outcome}"));
    let abandoned = count("abandoned_cart");
    let holders = abandoned + count("bought") + count("payment_failed");
    assert!(
        within_three_sigma(abandoned / holders, abandon, holders),
        "{abandoned} of {holders} holders abandoned, abandon_cart {abandon} (seed {seed})"
    );
}

#[test]
fn an_unpaid_hold_returns_its_seats_exactly_at_the_ttl() {
    let seed = 34;
    let mut model = baseline(0.05);
    let ttl = 300.0;
    model.spec.sale.hold_ttl = secs(ttl);
    model.spec.demand.abandon_cart = 1.0; // every hold goes unpaid
    model.spec.bots.share = 0.0;
    // Everyone is waiting at T and let in at once: every hold is placed in the
    // first two minutes, so no hold is placed once the first one expires.
    model.spec.demand.population = 300;
    model.spec.demand.pre_queue_share = 1.0;
    model.spec.demand.spike_share = 0.0;
    model.spec.waiting_room.mode = WaitingRoomMode::None;
    let report = run(&model, seed);
    let left = series(&report, "inventory_left");
    let capacity = metric(&report, "capacity");
    let first_hold = left
        .iter()
        .find(|(_, free)| *free < capacity)
        .expect("a hold")
        .0;
    let first_return = left.windows(2).find(|w| w[1].1 > w[0].1).map(|w| w[1].0);
    // The first hold lands in second (h-1, h], so it returns in second h + ttl.
    assert_eq!(
        first_return,
        Some(first_hold + ttl),
        "first hold in second {first_hold}, hold_ttl {ttl} s (seed {seed})"
    );
    assert_eq!(
        left.last().unwrap().1,
        capacity,
        "every seat came back (seed {seed})"
    );
}

/// P(X > x) for the model's distribution, by 200,000 draws from its own sampler.
fn survival(spec: &DistributionSpec, x_s: f64) -> f64 {
    let sampler = Sampler::new(spec);
    let mut rng = Streams::new(99, 0).get("survival");
    let n = 200_000;
    let over = (0..n)
        .filter(|_| sampler.sample(&mut rng) > Span::from_secs_f64(x_s))
        .count();
    over as f64 / f64::from(n)
}

#[test]
fn fans_who_think_longer_than_the_token_ttl_lose_their_turn() {
    let seed = 35;
    let mut model = baseline(0.05);
    let ttl = 20.0;
    model.spec.waiting_room.token_ttl = secs(ttl);
    // Best available only: no seat-taken retries that could outlast the token.
    model.spec.demand.seat_map_share = 0.0;
    let report = run(&model, seed);
    // A fan acts once before their first hold, after think_seat.
    let p = survival(&model.spec.demand.think_seat, ttl);
    let admitted = metric(&report, "fans_admitted");
    let expired = metric(&report, "fans_token_expired");
    assert!(
        within_three_sigma(expired / admitted, p, admitted),
        "{expired} of {admitted} admitted fans' tokens expired, P(think > {ttl} s) = {p:.4} (seed {seed})"
    );
}

#[test]
fn impatient_fans_leave_a_long_queue() {
    let seed = 36;
    let patient = baseline(0.05);
    let mut impatient = patient.clone();
    // The pre-queue (2,100 fans, more entries) drains at 100 entries/min: fans wait
    // up to ~30 min. With patience Exp(2 min), a fan waiting W stays with
    // probability exp(-W/2min).
    impatient.spec.demand.patience = DistributionSpec::Exp { mean: secs(120.0) };
    let (patient, impatient) = (run(&patient, seed), run(&impatient, seed));
    let share = |report| metric(report, "fans_gave_up_in_queue") / metric(report, "fans_arrived");
    assert!(
        share(&impatient) > 0.9 && share(&patient) < 0.5,
        "gave up in the queue: {:.3} with 2 min patience, {:.3} with 90 min (seed {seed})",
        share(&impatient),
        share(&patient)
    );
    // Admitted impatient fans are the ones who waited less than their
    // patience: their mean wait is far below the patient fans'.
    let waited = |report| metric(report, "time_in_queue_mean_s");
    assert!(
        waited(&impatient) < 0.5 * waited(&patient),
        "mean wait of the admitted: {:.0} s vs {:.0} s (seed {seed})",
        waited(&impatient),
        waited(&patient)
    );
}

#[test]
fn the_waiting_room_admits_at_its_outflow() {
    let seed = 37;
    let model = baseline(0.05);
    let report = run(&model, seed);
    let per_min = model.spec.waiting_room.outflow_per_min; // 100 at this scale
    // The pre-queue keeps the room busy for the first 10 minutes: entries are
    // let in at exactly the outflow (fractions carry over between seconds).
    let admitted = sum(&window(&report, "admitted", 1.0, 600.0));
    assert!(
        (admitted - per_min * 10.0).abs() <= 1.0,
        "{admitted} entries admitted in 10 min at {per_min}/min (seed {seed})"
    );
}
