//! The engine against queueing theory: M/M/1, M/M/c (Erlang C), M/M/c/K,
//! M/D/1 (Pollaczek–Khinchine) and Jackson networks, plus Little's law on every
//! station. Each check runs independent replications with a fixed seed and
//! requires the theoretical value to lie inside the 99.9% Student-t confidence
//! interval of the replication means: the tolerance comes from the run's own noise.

use std::path::Path;

use indicatif::ProgressBar;
use sellout::model::{ModelSpec, parse};
use sellout::network::{self, NetworkReport};
use sellout::queueing::StationReport;
use sellout::replication::replicate;
use sellout::statistics::confidence_interval;

use super::theory::{QueueTheory, md1, mm1, mmc, mmck};

const SEED: u64 = 2024;
const REPLICATIONS: u64 = 20;

fn simulate(model: &str) -> Vec<NetworkReport> {
    let ModelSpec::Network(spec) =
        parse(Path::new("test.toml"), model).expect("test model is valid")
    else {
        panic!("expected a network model");
    };
    replicate(SEED, REPLICATIONS, &ProgressBar::hidden(), |streams| {
        network::run(&spec, &streams).expect("run within limits")
    })
}

fn single_station(
    lambda: f64,
    servers: u32,
    service: &str,
    capacity: Option<u32>,
    horizon: &str,
) -> String {
    let capacity = capacity
        .map(|k| format!("capacity = {k}"))
        .unwrap_or_default();
    format!(
        r#"
        name = "theory"
        horizon = "{horizon}"
        warmup = "1h"
        [[source]]
        name = "arrivals"
        rate_per_s = {lambda}
        to = "q"
        [[station]]
        name = "q"
        servers = {servers}
        service = {service}
        {capacity}
        "#
    )
}

fn metric(reports: &[NetworkReport], station: usize, pick: fn(&StationReport) -> f64) -> Vec<f64> {
    reports
        .iter()
        .map(|report| pick(&report.stations[station].1))
        .collect()
}

/// Every metric of `theory` must lie in the 99.9% CI of the replications.
fn assert_matches(label: &str, reports: &[NetworkReport], station: usize, theory: QueueTheory) {
    type Check = (&'static str, fn(&StationReport) -> f64, f64);
    let checks: [Check; 6] = [
        ("wait_mean_s", |s| s.wait_mean_s, theory.wait_mean_s),
        (
            "sojourn_mean_s",
            |s| s.sojourn_mean_s,
            theory.sojourn_mean_s,
        ),
        (
            "queue_len_mean",
            |s| s.queue_len_mean,
            theory.queue_len_mean,
        ),
        (
            "in_system_mean",
            |s| s.in_system_mean,
            theory.in_system_mean,
        ),
        ("utilization", |s| s.utilization, theory.utilization),
        (
            "blocked_fraction",
            |s| s.blocked_fraction,
            theory.blocked_fraction,
        ),
    ];
    for (name, pick, expected) in checks {
        let samples = metric(reports, station, pick);
        let estimate = confidence_interval(&samples, 0.999);
        let degenerate =
            estimate.ci95[0] == estimate.ci95[1] && (estimate.mean - expected).abs() < 1e-12;
        assert!(
            estimate.contains(expected) || degenerate,
            "{label}: {name} theory {expected:.5} outside 99.9% CI [{:.5}, {:.5}] (seed {SEED}, {REPLICATIONS} replications)",
            estimate.ci95[0],
            estimate.ci95[1],
        );
    }
    assert_littles_law(label, reports);
}

/// L = λW on every station of every replication, to within edge effects.
fn assert_littles_law(label: &str, reports: &[NetworkReport]) {
    for (replication, report) in reports.iter().enumerate() {
        for (name, station) in &report.stations {
            let predicted = station.arrival_rate_per_s * station.sojourn_mean_s;
            let relative =
                (station.in_system_mean - predicted).abs() / station.in_system_mean.max(1e-9);
            assert!(
                relative < 0.02,
                "{label}: Little's law off by {:.2}% at {name}: L={} λW={predicted} (seed {SEED}, replication {replication})",
                relative * 100.0,
                station.in_system_mean,
            );
        }
    }
}

#[test]
fn mm1_matches_theory() {
    for (lambda, horizon) in [(0.5, "60h"), (0.8, "100h"), (0.9, "200h")] {
        let reports = simulate(&single_station(
            lambda,
            1,
            r#"{ dist = "exp", mean = "1s" }"#,
            None,
            horizon,
        ));
        assert_matches(&format!("M/M/1 λ={lambda}"), &reports, 0, mm1(lambda, 1.0));
    }
}

#[test]
fn mmc_matches_erlang_c() {
    for (lambda, servers, mean_s) in [(7.2, 8, 1.0), (2.4, 3, 1.0), (15.0, 20, 1.0), (0.3, 2, 4.0)]
    {
        let service = format!(r#"{{ dist = "exp", mean = "{mean_s}s" }}"#);
        let reports = simulate(&single_station(lambda, servers, &service, None, "30h"));
        assert_matches(
            &format!("M/M/{servers} λ={lambda}"),
            &reports,
            0,
            mmc(lambda, 1.0 / mean_s, servers),
        );
    }
}

#[test]
fn mmck_matches_the_birth_death_chain() {
    for (lambda, servers, capacity) in [(2.0, 2, 5), (3.5, 4, 6), (0.9, 1, 3), (12.0, 8, 8)] {
        let service = r#"{ dist = "exp", mean = "1s" }"#;
        let reports = simulate(&single_station(
            lambda,
            servers,
            service,
            Some(capacity),
            "30h",
        ));
        let label = format!("M/M/{servers}/{capacity} λ={lambda}");
        assert_matches(&label, &reports, 0, mmck(lambda, 1.0, servers, capacity));
    }
}

#[test]
fn md1_matches_pollaczek_khinchine() {
    for (lambda, horizon) in [(0.5, "40h"), (0.8, "80h")] {
        let reports = simulate(&single_station(
            lambda,
            1,
            r#"{ dist = "det", value = "1s" }"#,
            None,
            horizon,
        ));
        assert_matches(&format!("M/D/1 λ={lambda}"), &reports, 0, md1(lambda, 1.0));
    }
}

/// Jackson: each station of an open network of M/M/c stations behaves as an
/// isolated M/M/c fed at its total arrival rate.
#[test]
fn tandem_and_branching_networks_match_jackson() {
    let tandem = r#"
        name = "tandem"
        horizon = "50h"
        warmup = "1h"
        [[source]]
        name = "arrivals"
        rate_per_s = 0.8
        to = "a"
        [[station]]
        name = "a"
        servers = 1
        service = { dist = "exp", mean = "1s" }
        route = [{ to = "b", p = 1.0 }]
        [[station]]
        name = "b"
        servers = 2
        service = { dist = "exp", mean = "2s" }
    "#;
    let reports = simulate(tandem);
    assert_matches("tandem a", &reports, 0, mm1(0.8, 1.0));
    assert_matches("tandem b", &reports, 1, mmc(0.8, 0.5, 2));

    let branching = tandem
        .replace("p = 1.0", "p = 0.5")
        .replace(r#"servers = 2"#, "servers = 1");
    let reports = simulate(&branching);
    assert_matches("branching a", &reports, 0, mm1(0.8, 1.0));
    assert_matches("branching b", &reports, 1, mm1(0.4, 0.5));
}
