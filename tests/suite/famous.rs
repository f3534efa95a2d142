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
