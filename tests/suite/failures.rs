//! Faults, autoscaling and incident response on the on-sale model.

use sellout::model::{AutoscaleSpec, FaultSpec, ScaleMetric};

use super::features::{
    fast_clickers, fault, max, median, metric, nonzero, run, rush, secs, series, shipped, sum,
    window,
};

/// Every fault kind must change what it breaks, against the same seed without
/// it (common random numbers); the run itself checks seat-core invariants and
/// ticket accounting at its end, so every run here also passes those.
#[test]
fn every_fault_kind_changes_what_it_breaks() {
    use sellout::model::{Component as C, FaultKind as K, RandomFaultSpec};
    let seed = 5;
    let base = rush();
    let healthy = run(&base, seed);
    let with = |fault: FaultSpec| {
        let mut model = base.clone();
        model.spec.faults.push(fault);
        run(&model, seed)
    };
    let window_sum = |report, column| sum(&window(report, column, 101.0, 159.0));
    // Crash of the whole pool: requests in the window time out.
    let crashed = with(fault(K::Crash, C::App, 100.0, 60.0));
    assert!(
        metric(&crashed, "errors_timeout") > metric(&healthy, "errors_timeout") + 50.0,
        "crash: timeouts {} vs {} healthy (seed {seed})",
        metric(&crashed, "errors_timeout"),
        metric(&healthy, "errors_timeout")
    );
    assert_eq!(
        max(&window(&crashed, "app_in_flight", 131.0, 159.0)),
        0.0,
        "seed {seed}"
    );
    // Capacity drop to a tenth of the app's 160 workers (payments started
    // before it hold theirs up to the 30 s provider timeout).
    let mut drop = fault(K::CapacityDrop, C::App, 100.0, 60.0);
    drop.fraction = 0.9;
    let dropped = with(drop);
    let peak = |report| max(&window(report, "app_in_flight", 131.0, 159.0));
    assert!(
        peak(&dropped) <= 16.0 && peak(&healthy) > 16.0,
        "app in flight with / without the drop: {} / {} (seed {seed})",
        peak(&dropped),
        peak(&healthy)
    );
    // Added latency on the replicas: seat maps slow down by about it.
    let mut slow = fault(K::AddedLatency, C::Replicas, 100.0, 60.0);
    slow.latency = secs(0.3);
    let slowed = with(slow);
    let p50 = |report| median(&nonzero(window(report, "seat_map_p50_s", 101.0, 159.0)));
    let rise = p50(&slowed) - p50(&healthy);
    assert!(
        (rise - 0.3).abs() < 0.1,
        "replica latency rise {rise} (seed {seed})"
    );
    // Error rate on the app, the primary, and a failover: errors that a
    // healthy run never has.
    assert_eq!(metric(&healthy, "errors_server_error"), 0.0, "seed {seed}");
    assert_eq!(metric(&healthy, "errors_unavailable"), 0.0, "seed {seed}");
    let mut failing = fault(K::ErrorRate, C::App, 100.0, 60.0);
    failing.fraction = 0.2;
    assert!(
        metric(&with(failing), "errors_server_error") > 0.0,
        "seed {seed}"
    );
    let failover = with(fault(K::DbFailover, C::Database, 100.0, 20.0));
    assert!(metric(&failover, "errors_unavailable") > 0.0, "seed {seed}");
    // CDN outage: no hits in its window.
    let outage = with(fault(K::CdnOutage, C::Cdn, 100.0, 60.0));
    assert_eq!(window_sum(&outage, "cdn_hits"), 0.0, "seed {seed}");
    assert!(window_sum(&healthy, "cdn_hits") > 0.0, "seed {seed}");
    // Payment brownout: failures and slower payments.
    let mut brownout = fault(K::PaymentBrownout, C::Payment, 100.0, 60.0);
    brownout.latency = secs(5.0);
    brownout.fraction = 0.3;
    let browned = with(brownout);
    assert!(metric(&browned, "errors_server_error") > 0.0, "seed {seed}");
    let pay = |report| median(&nonzero(window(report, "payment_p50_s", 121.0, 159.0)));
    assert!(
        pay(&browned) > pay(&healthy) + 3.0,
        "payment p50 {} vs {} healthy (seed {seed})",
        pay(&browned),
        pay(&healthy)
    );
    // Replica lag spike: maps go stale, more seats turn out taken.
    let mut spike = fault(K::ReplicaLagSpike, C::Replicas, 0.0, 600.0);
    spike.lag = secs(30.0);
    // (In the rush every reader collides anyway: fast clickers at light load.)
    let clickers = fast_clickers();
    let mut spiked = clickers.clone();
    spiked.spec.faults.push(spike);
    let taken = |model| metric(&run(model, seed), "errors_seat_taken");
    assert!(
        taken(&spiked) > 1.3 * taken(&clickers),
        "seat taken with / without a 30 s lag spike: {} / {} (seed {seed})",
        taken(&spiked),
        taken(&clickers)
    );
    // Random crashes: drawn windows, each with its instance's workers gone.
    let mut random = base.clone();
    random.spec.random_faults.push(RandomFaultSpec {
        component: C::App,
        mtbf: secs(300.0),
        mttr: secs(60.0),
    });
    let random = run(&random, seed);
    assert!(metric(&random, "random_faults") >= 1.0, "seed {seed}");
    let starts = random
        .incidents
        .iter()
        .filter(|i| i.kind == "fault_start")
        .count();
    assert_eq!(
        starts as f64,
        metric(&random, "random_faults"),
        "seed {seed}"
    );
    // The shipped failure models keep the invariants too.
    for name in [
        "db-failover.toml",
        "cdn-outage.toml",
        "payment-brownout.toml",
    ] {
        let model = shipped(name, 0.2);
        for seed in [1, 2] {
            let report = run(&model, seed);
            assert!(metric(&report, "faults") >= 1.0, "{name} seed {seed}");
        }
    }
}

/// Detection and mitigation read from the time series itself: the alert's
/// 20 s of more than 20 errors per second, then the waiting room's admissions
/// actually halving two minutes later (the runbook's scale_outflow 0.5).
#[test]
fn a_database_failover_is_detected_mitigated_and_recovered_from() {
    let seed = 3;
    let model = shipped("db-failover.toml", 1.0);
    let fault_at = model.spec.faults[0].at.as_secs_f64();
    let outflow_per_s = model.spec.waiting_room.outflow_per_min / 60.0;
    let report = run(&model, seed);
    assert!(
        metric(&report, "errors_unavailable") > 0.0,
        "the outage shows as unavailable errors (seed {seed})"
    );
    let errors = series(&report, "errors");
    let breach_start = errors
        .iter()
        .enumerate()
        .find(|(i, (t, _))| *t > fault_at && errors[*i..].iter().take(20).all(|(_, e)| *e > 20.0))
        .map(|(_, (t, _))| *t)
        .unwrap_or_else(|| panic!("no 20 s breach of 20 errors/s (seed {seed})"));
    let detected = breach_start + 19.0;
    let admitted = series(&report, "admitted");
    // Full outflow before: whole entries per second around outflow_per_s.
    let before: Vec<f64> = admitted
        .iter()
        .filter(|(t, _)| (fault_at - 30.0..fault_at).contains(t))
        .map(|(_, a)| *a)
        .collect();
    assert!(
        before.iter().all(|a| (a - outflow_per_s).abs() < 1.0),
        "admissions before the fault {before:?} (seed {seed})"
    );
    let halved = |a: f64| (a - outflow_per_s / 2.0).abs() < 1.0;
    let mitigated = admitted
        .iter()
        .enumerate()
        .find(|(i, (t, _))| {
            *t > fault_at && admitted[*i..].iter().take(30).all(|(_, a)| halved(*a))
        })
        .map(|(_, (t, _))| *t)
        .unwrap_or_else(|| panic!("admissions never halved (seed {seed})"));
    let delay = model.spec.runbooks[0].delay.as_secs_f64();
    assert!(
        (detected + delay..=detected + delay + 1.0).contains(&mitigated),
        "admissions halved at {mitigated} s; alert at {detected} s + {delay} s runbook delay (seed {seed})"
    );
    let reported = metric(&report, "fault0_time_to_mitigate_s") + fault_at;
    assert!(
        (reported - mitigated).abs() <= 1.0,
        "summary says mitigated at {reported} s, the series at {mitigated} s (seed {seed})"
    );
    assert_eq!(metric(&report, "fault0_recovered"), 1.0, "seed {seed}");
}

/// HPA lags: decisions only at sync ticks, new instances serve exactly
/// `boot` later (100 s, not a multiple of the 15 s sync, so a boot of 0, 30 or
/// 60 s lands elsewhere); each step is at most max(current, max_add) (from
/// max_factor 2 and max_add 4); no shrink within the stabilization window of
/// the last scale-up. The rate-limit test that was here is
/// `features::the_rate_limit_passes_each_session_its_rate_and_burst`.
#[test]
fn autoscaler_respects_sync_boot_steps_and_stabilization() {
    let seed = 4;
    let mut model = rush();
    model.spec.app.servers = 2;
    let (sync, boot, stabilization) = (15.0, 100.0, 300.0);
    model.spec.app.autoscale = Some(AutoscaleSpec {
        metric: ScaleMetric::Utilization,
        target: 0.25,
        sync: secs(sync),
        max_factor: 2.0,
        max_add: 4,
        boot: secs(boot),
        stabilization: secs(stabilization),
        min: 2,
        max: 40,
    });
    let start = model.spec.waiting_room.opens.as_secs_f64();
    let report = run(&model, seed);
    assert!(metric(&report, "app_instance_seconds") > 0.0);
    let rows = series(&report, "app_instances");
    let at = |t: f64| rows.iter().find(|r| r.0 == t).map_or(0.0, |r| r.1);
    let changes: Vec<(f64, f64)> = rows
        .windows(2)
        .filter(|w| w[1].1 != w[0].1)
        .map(|w| (w[1].0, w[1].1 - w[0].1))
        .collect();
    let increases: Vec<(f64, f64)> = changes.iter().copied().filter(|c| c.1 > 0.0).collect();
    assert!(
        increases.len() >= 2,
        "the rush should trigger scale-ups: {changes:?} (seed {seed})"
    );
    let mut full_steps = 0;
    for &(time, step) in &increases {
        let decided = time - boot;
        assert_eq!(
            (decided - start).rem_euclid(sync),
            0.0,
            "instances grew at {time} s, not a sync tick + {boot} s boot: {changes:?} (seed {seed})"
        );
        // Serving at the decision, plus those still booting then.
        let booting: f64 = increases
            .iter()
            .filter(|(t, _)| *t > decided && *t < time)
            .map(|(_, s)| s)
            .sum();
        let current = at(decided) + booting;
        let limit = current.max(4.0);
        assert!(
            step >= 1.0 && step <= limit,
            "step {step} from {current} instances at {decided} s, limit {limit} (seed {seed})"
        );
        full_steps += usize::from(step == limit);
    }
    assert!(
        full_steps >= 1,
        "a saturated pool takes the full step at least once: {changes:?} (seed {seed})"
    );
    let first_shrink = changes
        .iter()
        .find(|c| c.1 < 0.0)
        .unwrap_or_else(|| panic!("the pool shrinks after the rush: {changes:?} (seed {seed})"));
    // A shrink decided at a tick shows in the next row.
    let decided = first_shrink.0 - 1.0;
    assert_eq!((decided - start).rem_euclid(sync), 0.0, "seed {seed}");
    let last_up = increases
        .iter()
        .map(|(t, _)| t - boot)
        .filter(|d| *d < decided)
        .fold(f64::NEG_INFINITY, f64::max);
    assert!(
        decided - last_up > stabilization,
        "shrank at {decided} s, {} s after the last scale-up decision (window {stabilization} s, seed {seed})",
        decided - last_up
    );
    let peak = rows.iter().map(|r| r.1).fold(0.0, f64::max);
    assert!(peak <= 40.0 && peak > 2.0, "seed {seed}");
}
