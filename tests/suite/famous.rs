//! Models named after real on-sales reproduce what was reported about them,
//! at a scale that runs in CI (`--scale` keeps the load, so the figures per
//! unit of scale are the full day's; tests/suite/scale.rs checks that).

use sellout::model::{ModelSpec, OnsaleModel, load};

use super::cli::models_dir;
use super::features::{metric, run};

fn shipped(file: &str) -> OnsaleModel {
    match load(&models_dir().join(file))
        .expect("a shipped model loads")
        .spec
    {
        ModelSpec::Onsale(model) => *model,
        _ => panic!("{file} is not an on-sale model"),
    }
}

fn between(what: &str, value: f64, low: f64, high: f64, seed: u64) {
    assert!(
        (low..=high).contains(&value),
        "{what} = {value}, reported range [{low}, {high}] (seed {seed})"
    );
}

/// Eras Tour presale, 15 Nov 2022 (shared/reference/ONSALE_FACTS.md): ~14M
/// visitors, 3.5 billion system requests, ~15% of interactions errored, >2M
/// tickets sold that day, queues of 2-8 h. The ranges: at least 10M
/// visitors, at least 1e9 requests, 10-20% errored, at least 2M tickets.
#[test]
fn eras_2022_reproduces_the_reported_day() {
    let factor = 0.1;
    let model = shipped("eras-2022.toml").scaled(factor).model;
    for seed in [1, 2] {
        let report = run(&model, seed);
        let per_day = |key: &str| metric(&report, key) / factor;
        between("visitors", per_day("visitors"), 10e6, 16e6, seed);
        between(
            "system_requests",
            per_day("system_requests"),
            1e9,
            7e9,
            seed,
        );
        between(
            "interaction_error_rate",
            metric(&report, "interaction_error_rate"),
            0.10,
            0.20,
            seed,
        );
        between("tickets_sold", per_day("tickets_sold"), 2e6, 2.4e6, seed);
        let hours = |key: &str| metric(&report, key) / 3600.0;
        between(
            "time_in_queue_mean_s (h)",
            hours("time_in_queue_mean_s"),
            2.0,
            8.0,
            seed,
        );
        between(
            "time_in_queue_p95_s (h)",
            hours("time_in_queue_p95_s"),
            2.0,
            8.0,
            seed,
        );
    }
}

/// Coldplay, Mumbai, BookMyShow, 22 Sep 2024 (shared/reference/ONSALE_FACTS.md):
/// about 150k tickets, 4 per user; more than 13M in the queue; the site down
/// about 20 minutes at the opening; fans saw random queue positions.
#[test]
fn coldplay_mumbai_2024_reproduces_the_outage_and_the_queue() {
    let factor = 0.1;
    let model = shipped("coldplay-mumbai-2024.toml").scaled(factor).model;
    let seed = 1;
    let report = super::features::run_with(&model, seed, true);
    let m = |key: &str| metric(&report, key);
    // The queue: fans' and bots' sessions, and the visitors without a chance.
    let sessions: f64 = report.journeys.iter().map(|j| f64::from(j.sessions)).sum();
    let visitors = m("visitors") - m("fans_arrived") - m("bots_arrived");
    between(
        "queue sessions",
        (sessions + visitors) / factor,
        13e6,
        16e6,
        seed,
    );
    between(
        "tickets_sold",
        m("tickets_sold") / factor,
        140e3,
        170e3,
        seed,
    );
    let orders_over_limit = report
        .journeys
        .iter()
        .filter(|j| j.tickets_bought > 4)
        .count();
    assert_eq!(orders_over_limit, 0, "4 tickets per user (seed {seed})");
    // Down: nothing fails before the opening; then, starting within a few
    // minutes of it, more than half of the polls fail for about 20 minutes.
    let polls = super::features::series(&report, "queue_polls");
    let failed = super::features::series(&report, "queue_poll_errors");
    let share: Vec<(f64, f64)> = polls
        .iter()
        .zip(&failed)
        .map(|((t, offered), (_, lost))| (*t, if *offered > 0.0 { lost / offered } else { 0.0 }))
        .collect();
    assert!(
        share.iter().all(|(t, failing)| *t > 0.0 || *failing == 0.0),
        "polls fail before the opening (seed {seed})"
    );
    let start = share
        .iter()
        .position(|(_, failing)| *failing > 0.5)
        .expect("the site goes down");
    between(
        "minutes from the opening to the outage",
        share[start].0 / 60.0,
        0.0,
        5.0,
        seed,
    );
    let down = share[start..]
        .iter()
        .take_while(|(_, failing)| *failing > 0.5)
        .count() as f64;
    between("minutes down", down / 60.0, 15.0, 25.0, seed);
    // Random positions: among fans who were waiting at the opening, the
    // admission rank is unrelated to the arrival time. Under independence
    // ρ·sqrt(n − 1) is about standard normal: 4 sigma.
    let (arrived, rank): (Vec<f64>, Vec<f64>) = report
        .journeys
        .iter()
        .filter(|j| !j.bot && j.arrived_s < 0.0)
        .filter_map(|j| Some((j.arrived_s, f64::from(j.admission_rank?))))
        .unzip();
    let rho = sellout::statistics::spearman(&arrived, &rank);
    let bound = 4.0 / ((arrived.len() - 1) as f64).sqrt();
    assert!(
        arrived.len() > 1000 && rho.abs() < bound,
        "queue positions follow arrival: ρ = {rho}, n = {} (seed {seed})",
        arrived.len()
    );
}
