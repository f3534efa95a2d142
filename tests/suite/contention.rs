//! Optimistic concurrency under contention: M. Brooker, "Exponential Backoff And
//! Jitter" (AWS Architecture Blog, 2015). Exact counts on a network without
//! variance, a bound that holds for any network and policy, the growth of work
//! with the number of clients, and Brooker's four findings.

use std::collections::BTreeMap;
use std::path::Path;

use sellout::contention;
use sellout::engine::Streams;
use sellout::model::{ContentionSpec, ModelError, ModelSpec, load, parse};

use super::cli::{models_dir, scratch, sellout};

/// Brooker's parameters: legs of |Normal(10 ms, sd)|, base 5 ms, cap 2 s.
fn model_text(clients: u32, policy: &str, sd: &str, extra: &str) -> String {
    format!(
        "kind = \"contention\"\nname = \"occ\"\nclients = {clients}\nhorizon = \"10m\"\n{extra}\nnetwork = {{ mean = \"10ms\", sd = \"{sd}\" }}\nretry = {{ policy = \"{policy}\", base = \"5ms\", cap = \"2s\", max_attempts = 100000 }}\n"
    )
}

fn spec_of(text: &str) -> ContentionSpec {
    match parse(Path::new("occ.toml"), text) {
        Ok(ModelSpec::Contention(spec)) => spec,
        other => panic!("not a contention model: {other:?}\n{text}"),
    }
}

fn spec(clients: u32, policy: &str, sd: &str) -> ContentionSpec {
    spec_of(&model_text(clients, policy, sd, ""))
}

fn metrics(spec: &ContentionSpec, seed: u64) -> BTreeMap<String, f64> {
    contention::run(spec, &Streams::new(seed, 0))
        .unwrap_or_else(|error| panic!("seed {seed}, {} clients: {error}", spec.clients))
        .metrics
}

/// Mean of `key` over seeds 1..=replications.
fn mean(spec: &ContentionSpec, key: &str, replications: u64) -> f64 {
    (1..=replications)
        .map(|seed| metrics(spec, seed)[key])
        .sum::<f64>()
        / replications as f64
}

const POLICIES: [&str; 5] = [
    "immediate",
    "exponential",
    "equal_jitter",
    "full_jitter",
    "decorrelated_jitter",
];

/// With every leg exactly 10 ms and no backoff the clients move in lockstep:
/// all read the same version at the same instant, their writes arrive
/// together, the first one wins and the rest fail. So round k has N − k + 1
/// writes and one success: calls = N(N+1)/2 exactly, and round k ends after
/// 4 legs × k, so the last client learns of its success at 40 ms × N.
#[test]
fn lockstep_clients_without_backoff_win_one_per_round() {
    for clients in [1u32, 2, 3, 10, 30, 100] {
        let spec = spec(clients, "immediate", "0ms");
        let m = metrics(&spec, 1);
        let n = f64::from(clients);
        let context = format!("{clients} clients, sd 0, no backoff, seed 1");
        assert_eq!(m["calls"], n * (n + 1.0) / 2.0, "{context}");
        assert_eq!(m["reads"], m["calls"], "{context}");
        assert_eq!(m["failed_writes"], m["calls"] - n, "{context}");
        assert_eq!(m["calls_max_per_client"], n, "{context}");
        assert_eq!(m["clients_done"], n, "{context}");
        assert_eq!(m["gave_up"], 0.0, "{context}");
        // 40,000,000 ns × N, exactly representable.
        assert_eq!(m["completion_s"], 0.04 * n, "{context}");
    }
}

/// A write fails only if another client's write was accepted between its read
/// and its arrival; one client's read-to-write windows do not overlap, so the
/// client whose write is accepted k-th fails at most k − 1 times. Hence, on any
/// network and with any policy, calls ≤ N(N+1)/2 and no client writes more
/// than N times.
#[test]
fn no_policy_does_more_work_than_lockstep_contention() {
    let clients = 60u32;
    let n = f64::from(clients);
    for policy in POLICIES {
        for sd in ["2ms", "10ms"] {
            let spec = spec(clients, policy, sd);
            for seed in 1..=3 {
                let m = metrics(&spec, seed);
                let context = format!("{policy}, sd {sd}, {clients} clients, seed {seed}");
                assert_eq!(m["clients_done"], n, "{context}");
                assert!(m["completion_s"].is_finite(), "{context}");
                assert!(m["calls"] <= n * (n + 1.0) / 2.0, "{context}: {m:?}");
                assert!(m["calls_max_per_client"] <= n, "{context}: {m:?}");
                assert_eq!(m["failed_writes"], m["calls"] - n, "{context}");
                assert_eq!(m["reads"], m["calls"], "{context}");
                assert!(
                    m["completion_mean_s"] <= m["completion_s"],
                    "{context}: {m:?}"
                );
            }
        }
    }
}

/// Least-squares slope and R² of y against x.
fn fit(points: &[(f64, f64)]) -> (f64, f64) {
    let count = points.len() as f64;
    let mean_x = points.iter().map(|p| p.0).sum::<f64>() / count;
    let mean_y = points.iter().map(|p| p.1).sum::<f64>() / count;
    let sxy: f64 = points.iter().map(|p| (p.0 - mean_x) * (p.1 - mean_y)).sum();
    let sxx: f64 = points.iter().map(|p| (p.0 - mean_x).powi(2)).sum();
    let syy: f64 = points.iter().map(|p| (p.1 - mean_y).powi(2)).sum();
    (sxy / sxx, sxy * sxy / (sxx * syy))
}

/// Brooker: "with N clients contending, the total amount of work done by the
/// system increases with N²". With network variance several clients win per
/// round, so calls ≈ aN² + bN rather than N(N+1)/2: calls per client is a
/// straight line in N (R² > 0.99; the experiment measures a ≈ 0.2), and the
/// log-log slope of calls against N over 25–200 clients is about 1.8 (2 in the
/// limit). Full jitter grows clearly slower (slope about 1.3).
#[test]
fn work_grows_quadratically_without_backoff_and_slower_with_full_jitter() {
    let sizes = [25u32, 50, 100, 200];
    let replications = 4;
    let calls = |policy: &str| -> Vec<(f64, f64)> {
        sizes
            .iter()
            .map(|&n| {
                (
                    f64::from(n),
                    mean(&spec(n, policy, "2ms"), "calls", replications),
                )
            })
            .collect()
    };
    let log = |points: &[(f64, f64)]| -> Vec<(f64, f64)> {
        points.iter().map(|p| (p.0.ln(), p.1.ln())).collect()
    };
    let none = calls("immediate");
    let per_client: Vec<(f64, f64)> = none.iter().map(|p| (p.0, p.1 / p.0)).collect();
    let (slope, r_squared) = fit(&per_client);
    assert!(
        r_squared > 0.99 && (0.1..0.4).contains(&slope),
        "no backoff, seeds 1-{replications}: calls/N against N has slope {slope}, R² {r_squared} ({none:?})"
    );
    let (exponent_none, _) = fit(&log(&none));
    let jitter = calls("full_jitter");
    let (exponent_jitter, _) = fit(&log(&jitter));
    assert!(
        (1.65..=2.0).contains(&exponent_none),
        "no backoff, seeds 1-{replications}: calls ∝ N^{exponent_none} ({none:?})"
    );
    assert!(
        exponent_jitter < 1.45 && exponent_none - exponent_jitter > 0.3,
        "full jitter, seeds 1-{replications}: calls ∝ N^{exponent_jitter} against N^{exponent_none} without backoff ({jitter:?})"
    );
}

/// Brooker's findings at 100 clients, means of seeds 1–8 (the experiment's
/// 95% intervals are about 1% wide, so the margins here are many intervals):
/// exponential backoff without jitter is the clear loser on completion time;
/// full jitter does about the least work; jitter cuts calls by more than half
/// against exponential backoff; no backoff does the most work.
#[test]
fn brookers_findings_hold_at_100_clients() {
    let replications = 8;
    let at_100 = |policy: &str, key: &str| mean(&spec(100, policy, "2ms"), key, replications);
    let calls: Vec<f64> = POLICIES.iter().map(|p| at_100(p, "calls")).collect();
    let completion: Vec<f64> = POLICIES.iter().map(|p| at_100(p, "completion_s")).collect();
    let context = format!(
        "100 clients, seeds 1-{replications}, {POLICIES:?}: calls {calls:?}, completion {completion:?}"
    );
    let [none, exponential, equal, full, decorrelated] = [0, 1, 2, 3, 4];
    for other in [none, equal, full, decorrelated] {
        assert!(
            completion[exponential] > 3.0 * completion[other],
            "exponential is not the clear loser on time: {context}"
        );
    }
    let least = calls.iter().copied().fold(f64::INFINITY, f64::min);
    assert!(
        calls[full] <= 1.03 * least,
        "full jitter is not about the least work: {context}"
    );
    assert!(
        calls[full] < 0.5 * calls[exponential] && calls[equal] < 0.5 * calls[exponential],
        "jitter does not halve the calls of exponential backoff: {context}"
    );
    assert!(
        calls[decorrelated] < calls[exponential],
        "decorrelated jitter does more work than exponential: {context}"
    );
    let most = calls.iter().copied().fold(0.0, f64::max);
    assert_eq!(
        calls[none], most,
        "no backoff does not do the most work: {context}"
    );
}

#[test]
fn same_seed_same_run_and_another_seed_another_run() {
    for policy in POLICIES {
        let spec = spec(40, policy, "2ms");
        let first = contention::run(&spec, &Streams::new(7, 0)).unwrap();
        let again = contention::run(&spec, &Streams::new(7, 0)).unwrap();
        assert_eq!(first.metrics, again.metrics, "{policy}, seed 7");
        assert_eq!(first.timeseries, again.timeseries, "{policy}, seed 7");
        let other = contention::run(&spec, &Streams::new(8, 0)).unwrap();
        assert_ne!(
            first.metrics["completion_mean_s"], other.metrics["completion_mean_s"],
            "{policy}: seeds 7 and 8 gave the same run"
        );
    }
}

/// `max_attempts` counts writes. In lockstep with 2 writes each, round 1 has
/// 10 writes and one success, round 2 has 9 writes and one success, and the
/// other 8 clients give up: completion is undefined, not zero.
#[test]
fn clients_that_run_out_of_attempts_give_up_and_completion_is_undefined() {
    let text =
        model_text(10, "immediate", "0ms", "").replace("max_attempts = 100000", "max_attempts = 2");
    let m = metrics(&spec_of(&text), 1);
    assert_eq!(m["calls"], 19.0, "{m:?}");
    assert_eq!(m["clients_done"], 2.0, "{m:?}");
    assert_eq!(m["gave_up"], 8.0, "{m:?}");
    assert!(m["completion_s"].is_nan(), "{m:?}");
    // `none`: one write, then give up.
    let m = metrics(&spec(10, "none", "0ms"), 1);
    assert_eq!((m["clients_done"], m["gave_up"]), (1.0, 9.0), "{m:?}");
    // A horizon before the end leaves clients trying: undefined too, nobody gave up.
    let short = model_text(50, "exponential", "2ms", "").replace("\"10m\"", "\"1s\"");
    let m = metrics(&spec_of(&short), 1);
    assert!(
        m["clients_done"] < 50.0 && m["completion_s"].is_nan(),
        "{m:?}"
    );
    assert_eq!(m["gave_up"], 0.0, "{m:?}");
}

/// Every rejected value names its field; nothing panics.
#[test]
fn invalid_contention_models_name_the_field() {
    let base = model_text(10, "full_jitter", "2ms", "");
    let cases = [
        (base.replace("clients = 10", "clients = 0"), "clients"),
        (base.replace("clients = 10", "clients = 100001"), "clients"),
        (base.replace("\"10m\"", "\"0s\""), "horizon"),
        (base.replace("\"10m\"", "\"2d\""), "horizon"),
        (
            base.replace("mean = \"10ms\"", "mean = \"0ms\""),
            "network.mean",
        ),
        (base.replace("sd = \"2ms\"", "sd = \"-1ms\""), "network.sd"),
        (
            base.replace("max_attempts = 100000", "max_attempts = 1000001"),
            "retry.max_attempts",
        ),
        (
            base.replace("max_attempts = 100000", "max_attempts = 0"),
            "retry.max_attempts",
        ),
        (base.replace("cap = \"2s\"", "cap = \"1ms\""), "retry.cap"),
        (base.replace("cap = \"2s\"", "cap = \"2d\""), "retry.cap"),
        (
            model_text(10, "full_jitter", "2ms", "timeseries_interval = \"1us\""),
            "timeseries_interval",
        ),
        (
            model_text(10, "full_jitter", "2ms", "max_events = 0"),
            "max_events",
        ),
    ];
    for (text, field) in cases {
        match parse(Path::new("occ.toml"), &text) {
            Err(ModelError::Invalid { invalid, .. }) => {
                assert_eq!(invalid.field, field, "{text}")
            }
            other => panic!("expected an invalid {field}, got {other:?}\n{text}"),
        }
    }
    // More than the 100 attempts other kinds allow is fine here.
    spec_of(&base.replace("max_attempts = 100000", "max_attempts = 500"));
    let unknown = model_text(10, "full_jitter", "2ms", "servers = 3");
    match parse(Path::new("occ.toml"), &unknown) {
        Err(ModelError::Parse { message, .. }) => assert!(message.contains("servers"), "{message}"),
        other => panic!("unknown key accepted: {other:?}"),
    }
}

/// The shipped model runs from the command line: a table, summary.json and a
/// time series whose rows add up to the run's totals.
#[test]
fn brooker_occ_runs_from_the_command_line() {
    let path = models_dir().join("brooker-occ.toml");
    let ModelSpec::Contention(spec) = load(&path).unwrap().spec else {
        panic!("brooker-occ.toml is a contention model")
    };
    assert_eq!(spec.clients, 100);
    let out = scratch("brooker-occ-cli");
    let output = sellout(&[
        "run",
        path.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ]);
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(
        stdout.contains("completion") && stdout.contains("calls"),
        "{stdout}"
    );
    let summary: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.join("summary.json")).unwrap()).unwrap();
    assert_eq!(summary["kind"], "contention");
    let calls = summary["metrics"]["calls"]["mean"].as_f64().unwrap();
    let csv = std::fs::read_to_string(out.join("timeseries.csv")).unwrap();
    let mut lines = csv.lines();
    assert_eq!(
        lines.next(),
        Some("t_s,reads,writes,failed_writes,succeeded,gave_up,clients_waiting")
    );
    let rows: Vec<Vec<f64>> = lines
        .map(|line| line.split(',').map(|x| x.parse().unwrap()).collect())
        .collect();
    assert_eq!(rows.iter().map(|row| row[2]).sum::<f64>(), calls);
    assert_eq!(rows.iter().map(|row| row[4]).sum::<f64>(), 100.0);
    assert_eq!(rows.last().unwrap()[6], 0.0);
    let bad = scratch("occ-bad").join("bad.toml");
    std::fs::write(&bad, model_text(0, "full_jitter", "2ms", "")).unwrap();
    let output = sellout(&["run", bad.to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("clients"));
}
