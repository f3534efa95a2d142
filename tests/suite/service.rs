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

fn service_text(retry: &str, extra: &str) -> ServiceSpec {
    let text = format!(
        r#"kind = "service"
name = "late-replies"
horizon = "30s"
{extra}
[load]
rate_per_s = 10.0

[server]
base_latency = "100ms"
latency_per_concurrent = "0s"

[client]
timeout = "20ms"
retry = {retry}
"#
    );
    match parse(Path::new("late-replies.toml"), &text).unwrap() {
        ModelSpec::Service(spec) => spec,
        _ => unreachable!(),
    }
}

/// Every attempt takes 100 ms against a 20 ms timeout, so no call can succeed,
/// whatever the retry policy: a reply that arrives while the client backs off
/// to its next attempt is wasted work, not goodput (issue 12's late-success bug
/// credited it with a 2 s backoff, and not with immediate retries).
#[test]
fn a_reply_after_the_timeout_is_never_goodput() {
    let policies = [
        r#"{ policy = "fixed", base = "2s", max_attempts = 3 }"#,
        r#"{ policy = "immediate", max_attempts = 3 }"#,
        r#"{ policy = "full_jitter", base = "50ms", cap = "1s", max_attempts = 5 }"#,
        r#"{ policy = "none", max_attempts = 1 }"#,
    ];
    for retry in policies {
        let spec = service_text(retry, "");
        for seed in 1..=3 {
            let report = service::run(&spec, &Streams::new(seed, 0)).unwrap();
            let m = &report.metrics;
            assert!(m["calls"] > 200.0, "{retry}: {} calls", m["calls"]);
            assert_eq!(m["goodput_total"], 0.0, "{retry}, seed {seed}");
            // Every finished attempt was for a call its client had left.
            assert_eq!(m["wasted_work_fraction"], 1.0, "{retry}, seed {seed}");
        }
    }
}

/// The converse: a timeout longer than the service time loses nothing.
#[test]
fn replies_inside_the_timeout_are_all_goodput() {
    let mut spec = service_text(r#"{ policy = "fixed", base = "2s", max_attempts = 3 }"#, "");
    spec.client.timeout = sellout::model::Duration::from_secs_f64(0.5);
    let report = service::run(&spec, &Streams::new(1, 0)).unwrap();
    let m = &report.metrics;
    let finished: u64 = report.timeseries.iter().map(|s| s.completions).sum();
    assert_eq!(m["goodput_total"], finished as f64);
    assert_eq!(m["attempts_per_call"], 1.0);
}

/// retry-storm.toml with extra lines appended to its tables.
fn storm_with(load: &str, server: &str) -> ServiceSpec {
    let (text, _) = shipped("retry-storm.toml");
    let text = text
        .replace("[load]\n", &format!("[load]\n{load}\n"))
        .replace("[server]\n", &format!("[server]\n{server}\n"));
    match parse(Path::new("retry-storm-variant.toml"), &text).unwrap() {
        ModelSpec::Service(spec) => spec,
        _ => unreachable!(),
    }
}

/// Offered calls per second follow the schedule: a step to 80/s and a ramp
/// down to 10/s, each second within 4σ of its Poisson mean.
#[test]
fn offered_load_follows_the_schedule() {
    let spec = storm_with(
        r#"schedule = [{ at = "100s", rate_per_s = 80.0 }, { at = "150s", rate_per_s = 10.0, ramp = "50s" }]"#,
        "",
    );
    let report = service::run(&spec, &Streams::new(3, 0)).unwrap();
    let window = |from: i64, to: i64| {
        let rows = report
            .timeseries
            .iter()
            .filter(|s| s.t_s > from && s.t_s <= to);
        let (n, total) = rows.fold((0.0, 0.0), |(n, t), s| (n + 1.0, t + s.offered as f64));
        let expected: f64 = ((from + 1)..=to)
            .map(|t| spec.scheduled_rate(t as f64 - 0.5))
            .sum();
        assert_eq!(n, (to - from) as f64);
        assert!(
            (total - expected).abs() < 4.0 * expected.sqrt(),
            "seconds {from}-{to}: offered {total}, schedule {expected} (seed 3)"
        );
        total / n
    };
    let (before, step, ramp, after) = (
        window(20, 100),
        window(100, 150),
        window(150, 200),
        window(200, 300),
    );
    assert!(step > 1.8 * before && after < 0.3 * before);
    assert!(ramp < step && ramp > after);
}

/// Shedding by in-flight count: the server never holds more than the limit, it
/// refuses only once full, and it rides out the storm that collapses without it
/// (150 in flight keep latency at 1 + 1.5 = 2.5 s, under the 3 s timeout).
#[test]
fn shedding_by_in_flight_caps_the_server_and_breaks_the_storm() {
    let shedding = storm_with("", "shed = { max_in_flight = 150 }");
    for seed in 1..=3 {
        let report = service::run(&shedding, &Streams::new(seed, 0)).unwrap();
        let peak = report.timeseries.iter().map(|s| s.in_flight).max().unwrap();
        assert!(peak <= 150, "peak in flight {peak} > 150 (seed {seed})");
        let refused_while_not_full = report
            .timeseries
            .iter()
            .filter(|s| s.shed > 0)
            .any(|s| s.in_flight < 100);
        assert!(
            !refused_while_not_full,
            "shed far below the limit (seed {seed})"
        );
        assert!(
            report.metrics["shed_fraction"] > 0.0,
            "never shed (seed {seed})"
        );
        assert_eq!(report.metrics["recovered"], 1.0, "seed {seed}");
    }
}

/// Shedding by queueing delay: a 1 s limit at 10 ms per request in flight
/// admits a newcomer while the 100 in flight with it add at most 1 s, and
/// during the 60% capacity drop, when each adds 25 ms, 40 once the server has
/// drained to them.
#[test]
fn shedding_by_queueing_delay_refuses_at_the_delay() {
    let shedding = storm_with("", r#"shed = { max_queue_delay = "1s" }"#);
    for seed in 1..=3 {
        let report = service::run(&shedding, &Streams::new(seed, 0)).unwrap();
        let in_flight = |from: i64, to: i64| {
            report
                .timeseries
                .iter()
                .filter(|s| s.t_s > from && s.t_s <= to)
                .map(|s| s.in_flight)
                .max()
                .unwrap()
        };
        assert!(in_flight(0, 60) <= 100, "seed {seed}");
        assert!(in_flight(66, 70) <= 40, "seed {seed}");
        assert!(
            in_flight(66, 70) >= 25,
            "the drop shed everything (seed {seed})"
        );
        assert!(report.metrics["shed_fraction"] > 0.0);
    }
}

/// Huang et al. (OSDI 2022): cutting the load rescues a stuck system. The storm
/// stays collapsed at 40/s; a 60 s cut to 10/s lets it drain, and it stays
/// healthy when the load returns. Recovery is judged against the offered load.
#[test]
fn a_load_cut_rescues_a_stuck_system() {
    let cut =
        r#"schedule = [{ at = "150s", rate_per_s = 10.0 }, { at = "210s", rate_per_s = 40.0 }]"#;
    let (_, storm) = shipped("retry-storm.toml");
    let rescued = storm_with(cut, "");
    for seed in 1..=3 {
        assert_eq!(metric(&storm, seed, "recovered"), 0.0, "seed {seed}");
        assert!(metric(&storm, seed, "recovery_s").is_nan(), "never is NaN");
        assert_eq!(metric(&rescued, seed, "recovered"), 1.0, "seed {seed}");
        assert!(metric(&rescued, seed, "goodput_after_per_s") > 36.0);
    }
}
