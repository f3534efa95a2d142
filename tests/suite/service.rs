//! Metastability: retries with timeouts (Brooker) and a retry storm after a
//! capacity drop. The trigger ends; without a limit on retries the collapse does not.

use std::path::Path;

use sellout::engine::Streams;
use sellout::model::{ModelSpec, ServiceSpec, load, parse};
use sellout::service;

use super::cli::models_dir;

fn shipped(name: &str) -> (String, ServiceSpec) {
    let path = models_dir().join(name);
    let ModelSpec::Service(spec) = load(&path).unwrap().spec else {
        panic!("{name} is a service model")
    };
    (std::fs::read_to_string(path).unwrap(), spec)
}

fn variant(text: &str, retry: &str, budget: bool) -> ServiceSpec {
    let text: String = text
        .lines()
        .filter(|line| !line.starts_with('#'))
        .map(|line| format!("{line}\n"))
        .collect();
    let mut text = text.replace(
        "retry = { policy = \"immediate\", max_attempts = 3 }",
        retry,
    );
    if budget {
        text = text.replace(
            retry,
            &format!("{retry}\nbudget = {{ ratio = 0.1, max_tokens = 20 }}"),
        );
    }
    match parse(Path::new("variant.toml"), &text).unwrap() {
        ModelSpec::Service(spec) => spec,
        _ => unreachable!(),
    }
}

const JITTER: &str =
    "retry = { policy = \"full_jitter\", base = \"1s\", cap = \"30s\", max_attempts = 3 }";

fn metric(spec: &ServiceSpec, seed: u64, key: &str) -> f64 {
    service::run(spec, &Streams::new(seed, 0)).unwrap().metrics[key]
}

/// Before the spike: L = λW on the measured latency, and the fluid estimate
/// L = λ(1 + 0.01 L), i.e. L = λ / (1 − 0.01 λ) (about 67 at λ = 40), to within 5%
/// on the run's own λ.
#[test]
fn brooker_in_flight_before_the_spike_obeys_littles_law() {
    let (_, spec) = shipped("brooker-collapse.toml");
    for seed in 1..=5 {
        let report = service::run(&spec, &Streams::new(seed, 0)).unwrap();
        let m = &report.metrics;
        let (l, lambda, w) = (
            m["in_flight_before_mean"],
            m["attempt_rate_before_per_s"],
            m["latency_before_mean_s"],
        );
        assert!(
            (l - lambda * w).abs() / l < 0.03,
            "L={l} vs λW={} (brooker-collapse, seed {seed})",
            lambda * w
        );
        let fluid = lambda / (1.0 - 0.01 * lambda);
        assert!(
            (l / fluid - 1.0).abs() < 0.05,
            "L={l}, fluid estimate {fluid} at λ={lambda} (seed {seed})"
        );
    }
}

#[test]
fn brooker_spike_collapses_without_a_retry_limit_and_recovers_with_one() {
    let (text, immediate) = shipped("brooker-collapse.toml");
    let jitter_and_budget = variant(&text, JITTER, true);
    for seed in 1..=3 {
        let before = metric(&immediate, seed, "goodput_before_per_s");
        assert_eq!(
            metric(&immediate, seed, "recovered"),
            0.0,
            "immediate retries should stay collapsed (seed {seed})"
        );
        assert!(metric(&immediate, seed, "goodput_after_per_s") < 0.1 * before);
        assert_eq!(
            metric(&jitter_and_budget, seed, "recovered"),
            1.0,
            "jitter + budget stayed down (seed {seed})"
        );
        assert!(metric(&jitter_and_budget, seed, "goodput_after_per_s") > 0.9 * before);
    }
}

#[test]
fn retry_storm_is_metastable_and_a_budget_with_jitter_fixes_it() {
    let (text, storm) = shipped("retry-storm.toml");
    let fixed = variant(&text, JITTER, true);
    for seed in 1..=3 {
        assert_eq!(
            metric(&storm, seed, "recovered"),
            0.0,
            "retry-storm recovered without a fix (seed {seed})"
        );
        assert!(
            metric(&storm, seed, "wasted_work_fraction") > 0.5,
            "the storm is sustained by wasted work"
        );
        assert_eq!(
            metric(&fixed, seed, "recovered"),
            1.0,
            "retry-storm with jitter + budget stayed down (seed {seed})"
        );
        assert!(metric(&fixed, seed, "recovery_s") < 60.0);
    }
}
