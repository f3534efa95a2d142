//! `--scale F` keeps the load: a run scaled to a tenth or a hundredth of a
//! shipped on-sale reads like the full run on the figures an architect or a
//! teacher quotes (issue 11). The tolerances are the issue's: sell-out time and
//! hold p99 within 25%, error shares within 35% (plus three standard errors of
//! a Poisson count at the small scale, as a hundredth of the baseline sees only
//! a handful of timeouts), tickets within 10% of F × the full run.
//!
//! A scaled run is a small sample, so the scaled side is the median of five
//! seeds, the full side one run (a large sample already).
//!
//! What does not scale: the end game of a small venue. At 0.01 the baseline's
//! arena is 198 seats, and its last few are stranded singles that wait for a
//! fan who wants one, arriving a hundred times more slowly than at full scale
//! (seeds 1 to 12: first sell-out at 284 s to 818 s around a full-scale 312 s).
//! So at 0.01 the test compares the time 95% of the inventory was sold, which
//! the bulk of the sale sets; at 0.1 it compares `first_sold_out_s` itself.
//! `--scale` warns about this when a show keeps fewer than 1,000 seats.

use sellout::model::{ModelSpec, OnsaleModel, load};
use sellout::onsale::OnsaleReport;

use super::cli::models_dir;
use super::features::{median, metric, run, series};

const SEED: u64 = 11;

fn full(file: &str) -> OnsaleModel {
    match load(&models_dir().join(file))
        .expect("a shipped model loads")
        .spec
    {
        ModelSpec::Onsale(model) => *model,
        _ => panic!("{file} is not an on-sale model"),
    }
}

fn within(what: &str, full: f64, scaled: f64, tolerance: f64, context: &str) {
    assert!(
        (scaled - full).abs() <= tolerance,
        "{context}: {what} {scaled} against {full} at full scale (allowed ± {tolerance:.4}; full run seed {SEED}, scaled: median of seeds {SEED} to {})",
        SEED + 4
    );
}

/// An error share (errors of a kind per request) at full and at the small scale.
fn share_within(kind: &str, full: &OnsaleReport, scaled: &OnsaleReport, context: &str) {
    let share = |report: &OnsaleReport| {
        let errors = if kind == "error_rate" {
            metric(report, "error_rate") * metric(report, "requests")
        } else {
            metric(report, kind)
        };
        (errors / metric(report, "requests"), errors)
    };
    let ((full_share, _), (scaled_share, scaled_errors)) = (share(full), share(scaled));
    let noise = 3.0 * scaled_errors.max(1.0).sqrt() / metric(scaled, "requests");
    within(
        kind,
        full_share,
        scaled_share,
        0.35 * full_share + noise,
        context,
    );
}

/// The time 95% of the inventory was sold, as a metric of each run (see
/// [`time_sold`]), so the medians cover it too.
const SOLD_95: &str = "sold_95_s";

/// Each metric's median over five seeds, [`SOLD_95`] included.
fn median_of_five(model: &OnsaleModel) -> OnsaleReport {
    let mut reports = (SEED..SEED + 5)
        .map(|seed| {
            let mut report = run(model, seed);
            let sold = time_sold(&report, 0.95);
            report.metrics.insert(SOLD_95.to_owned(), sold);
            report
        })
        .collect::<Vec<_>>();
    let keys = reports[0].metrics.keys().cloned().collect::<Vec<_>>();
    let medians = keys
        .iter()
        .map(|key| {
            let values = reports.iter().map(|r| metric(r, key)).collect::<Vec<_>>();
            let defined = values.iter().filter(|v| !v.is_nan()).count();
            // Undefined in most runs reads undefined; otherwise the median of the defined.
            let value = if defined * 2 <= values.len() {
                f64::NAN
            } else {
                median(&values)
            };
            (key.clone(), value)
        })
        .collect::<Vec<_>>();
    let mut first = reports.swap_remove(0);
    first.metrics.extend(medians);
    first
}

/// Metric `key` of the scaled run within 25% of the full run's.
fn relative(key: &str, whole: &OnsaleReport, scaled: &OnsaleReport, context: &str) {
    let full = metric(whole, key);
    within(key, full, metric(scaled, key), 0.25 * full, context);
}

/// The end of the first second in which `share` of the inventory had been sold.
fn time_sold(report: &OnsaleReport, share: f64) -> f64 {
    let target = share * metric(report, "capacity");
    series(report, "tickets_sold")
        .into_iter()
        .find(|(_, sold)| *sold >= target)
        .map_or(f64::NAN, |(t, _)| t)
}

/// Compares `file` at 0.1 and 0.01 with its full run; request error shares
/// only at the scales in `error_scales` (see the eras test for why).
fn compare(file: &str, error_scales: &[f64]) {
    let model = full(file);
    let whole = run(&model, SEED);
    for factor in [0.1, 0.01] {
        let scaled = median_of_five(&model.scaled(factor).model);
        let context = format!("{file} at --scale {factor}");
        let sold_out = |report: &OnsaleReport| metric(report, "first_sold_out_s");
        assert_eq!(
            sold_out(&whole).is_nan(),
            sold_out(&scaled).is_nan(),
            "{context}: sold out in one run and not the other ({} against {}, seed {SEED})",
            sold_out(&scaled),
            sold_out(&whole)
        );
        if !sold_out(&whole).is_nan() {
            let (what, at, scaled_at) = if factor >= 0.1 {
                ("first_sold_out_s", sold_out(&whole), sold_out(&scaled))
            } else {
                (
                    "95% sold at (s)",
                    time_sold(&whole, 0.95),
                    metric(&scaled, SOLD_95),
                )
            };
            within(what, at, scaled_at, 0.25 * at, &context);
        }
        relative("latency_hold_p99_s", &whole, &scaled, &context);
        if error_scales.contains(&factor) {
            share_within("error_rate", &whole, &scaled, &context);
            share_within("errors_seat_taken", &whole, &scaled, &context);
            share_within("errors_no_tickets", &whole, &scaled, &context);
        }
        let rate = metric(&whole, "interaction_error_rate");
        let scaled_rate = metric(&scaled, "interaction_error_rate");
        let interactions = metric(&scaled, "system_requests");
        let noise = 3.0 * (scaled_rate * interactions).max(1.0).sqrt() / interactions;
        within(
            "interaction_error_rate",
            rate,
            scaled_rate,
            0.35 * rate + noise,
            &context,
        );
        let tickets = metric(&whole, "tickets_sold");
        within(
            "tickets_sold / F",
            tickets,
            metric(&scaled, "tickets_sold") / factor,
            0.10 * tickets,
            &context,
        );
        relative("time_in_queue_mean_s", &whole, &scaled, &context);
    }
}

#[test]
fn the_baseline_scaled_to_a_tenth_and_a_hundredth_keeps_its_load() {
    compare("baseline.toml", &[0.1, 0.01]);
}

/// Eras's request errors come from its access check, overloaded at the
/// opening: 200 workers at full scale, 20 at 0.1, but 16 rather than 2 at 0.01
/// (the pool floor, which `--scale` warns about), where the overload, and so
/// the request errors, are gone (error_rate 0.0005 against 0.044). So request
/// error shares are compared at 0.1; the site-wide interaction error rate,
/// which the status polls set, at both.
#[test]
fn eras_scaled_to_a_tenth_and_a_hundredth_keeps_its_load() {
    compare("eras-2022.toml", &[0.1]);
}

/// The rules themselves, on the baseline: capacity follows demand, pools keep
/// a floor, a fault on one instance stays on the pool.
#[test]
fn scaling_multiplies_demand_and_capacity_together() {
    let model = full("baseline.toml");
    let scaled = model.scaled(0.1);
    let (before, after) = (&model.spec, &scaled.model.spec);
    assert_eq!(after.demand.population, before.demand.population / 10);
    assert_eq!(
        after.waiting_room.outflow_per_min,
        before.waiting_room.outflow_per_min * 0.1
    );
    assert_eq!(after.cdn.capacity_per_s, before.cdn.capacity_per_s * 0.1);
    let workers = |spec: &sellout::model::OnsaleSpec| spec.app.servers * spec.app.workers;
    assert_eq!(workers(after), workers(before) / 10, "160 workers to 16");
    assert_eq!(
        after.database.connections,
        sellout::model::SMALL_POOL.min(before.database.connections),
        "32 connections × 0.1 = 3 is below the floor"
    );
    assert!(
        scaled
            .notes
            .iter()
            .any(|note| note.contains("database.connections")),
        "the floor is noted: {:?}",
        scaled.notes
    );
    let seats = |model: &OnsaleModel| {
        seat_core::Venue::build(&model.venue)
            .expect("the scaled venue builds")
            .capacity()
    };
    let (whole, tenth) = (seats(&model), seats(&scaled.model));
    assert!(
        (tenth as f64 / whole as f64 - 0.1).abs() < 0.01,
        "one show of {whole} seats at 0.1 has {tenth}"
    );
    let hundredth = seats(&model.scaled(0.01).model);
    assert!(
        (hundredth as f64 / whole as f64 - 0.01).abs() < 0.002,
        "one show of {whole} seats at 0.01 has {hundredth}"
    );
    let identity = model.scaled(1.0);
    assert_eq!(identity.model.spec, model.spec);
    assert!(identity.notes.is_empty());
}

/// Scaling up multiplies every pool, single ones (the primary's connections,
/// the code check) included, and refuses a scaled value no model may hold.
#[test]
fn scaling_up_multiplies_every_pool() {
    let model = full("access-check-bots.toml");
    let doubled = model.scaled(2.0).model.spec;
    let (before, after) = (&model.spec, &doubled);
    assert_eq!(after.database.connections, 2 * before.database.connections);
    let check = |spec: &sellout::model::OnsaleSpec| spec.access_check.as_ref().unwrap().workers;
    assert_eq!(check(after), 2 * check(before));
    assert_eq!(
        after.app.servers * after.app.workers,
        2 * before.app.servers * before.app.workers
    );
    assert_eq!(
        after.database.replicas * after.database.replica_connections,
        2 * before.database.replicas * before.database.replica_connections
    );
    let mut huge = model.clone();
    huge.spec.app.servers = 100_000;
    assert!(
        huge.scaled(10.0).model.spec.validate().is_err(),
        "a million servers is past what a model file may say, so `--scale` refuses it"
    );
}
