//! Faults, autoscaling and incident response on the on-sale model.

use serde_json::Value;

use super::cli::{models_dir, scratch, sellout};

fn run_text(label: &str, text: &str, args: &[&str]) -> std::path::PathBuf {
    let dir = scratch(label);
    let model = dir.join("model.toml");
    std::fs::write(&model, text).unwrap();
    let out = dir.join("out");
    let mut all = vec![
        "run",
        model.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ];
    all.extend_from_slice(args);
    let output = sellout(&all);
    assert!(
        output.status.success(),
        "{label} {args:?}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    out
}

fn baseline() -> String {
    std::fs::read_to_string(models_dir().join("baseline.toml")).unwrap()
}

fn metrics(out: &std::path::Path) -> Value {
    let summary: Value =
        serde_json::from_slice(&std::fs::read(out.join("summary.json")).unwrap()).unwrap();
    assert_eq!(summary["invariants"], "ok");
    summary["metrics"].clone()
}

const EVERY_FAULT: &str = r#"
[[fault]]
kind = "crash"
component = "app"
instance = 3
at = "30s"
duration = "2m"
[[fault]]
kind = "capacity_drop"
component = "database"
at = "1m"
duration = "1m"
fraction = 0.5
[[fault]]
kind = "added_latency"
component = "replicas"
at = "90s"
duration = "1m"
latency = "300ms"
[[fault]]
kind = "error_rate"
component = "app"
at = "2m"
duration = "1m"
fraction = 0.2
[[fault]]
kind = "db_failover"
component = "database"
at = "150s"
duration = "20s"
[[fault]]
kind = "cdn_outage"
component = "cdn"
at = "3m"
duration = "1m"
[[fault]]
kind = "payment_brownout"
component = "payment"
at = "210s"
duration = "2m"
latency = "5s"
fraction = 0.3
[[fault]]
kind = "replica_lag_spike"
component = "replicas"
at = "4m"
duration = "1m"
lag = "30s"
[[random_fault]]
component = "app"
mtbf = "10m"
mttr = "1m"
"#;

/// The run checks seat-core invariants and ticket accounting at its end and
/// fails otherwise: every shipped failure model and a run with every fault kind
/// at once must pass them.
#[test]
fn faults_never_break_seat_core_invariants() {
    let chaos = baseline() + EVERY_FAULT;
    let mut models: Vec<(String, String)> = [
        "db-failover.toml",
        "cdn-outage.toml",
        "payment-brownout.toml",
    ]
    .iter()
    .map(|name| {
        (
            name.to_string(),
            std::fs::read_to_string(models_dir().join(name)).unwrap(),
        )
    })
    .collect();
    models.push(("chaos".into(), chaos));
    for (name, text) in &models {
        for seed in ["1", "2"] {
            let out = run_text(
                &format!("faults-{name}-{seed}"),
                text,
                &["--scale", "0.2", "--seed", seed],
            );
            let m = metrics(&out);
            assert!(
                m["faults"].as_f64().unwrap() >= 1.0,
                "{name}: no fault ran (seed {seed})"
            );
            let incidents = std::fs::read_to_string(out.join("incidents.csv")).unwrap();
            assert!(
                incidents.contains("fault_start") && incidents.contains("fault_end"),
                "{name} seed {seed}: {incidents}"
            );
        }
    }
}

#[test]
fn a_database_failover_is_detected_mitigated_and_recovered_from() {
    let text = std::fs::read_to_string(models_dir().join("db-failover.toml")).unwrap();
    let out = run_text("failover", &text, &["--seed", "3"]);
    let m = metrics(&out);
    assert!(
        m["errors_unavailable"].as_f64().unwrap() > 0.0,
        "the outage shows as unavailable errors"
    );
    let detect = m["fault0_time_to_detect_s"].as_f64().unwrap();
    assert!(
        (20.0..45.0).contains(&detect),
        "detected after {detect} s (alert needs 20 s of breach; seed 3)"
    );
    let mitigate = m["fault0_time_to_mitigate_s"].as_f64().unwrap();
    assert!(
        (mitigate - detect - 120.0).abs() < 1e-9,
        "the runbook acts 2 min after the alert: {mitigate} vs {detect}"
    );
    assert_eq!(m["fault0_recovered"], 1.0);
}

/// HPA lags: decisions only at sync ticks, new instances serve exactly `boot` later.
#[test]
fn autoscaler_respects_sync_and_boot_lags() {
    let text = baseline().replace("servers = 10\n", "servers = 2\n").replace(
        "timeout = \"15s\"\n",
        "timeout = \"15s\"\nautoscale = { metric = \"utilization\", target = 0.5, sync = \"15s\", boot = \"2m\", stabilization = \"5m\", min = 2, max = 40 }\n",
    );
    let out = run_text("autoscale", &text, &["--seed", "4"]);
    let m = metrics(&out);
    assert!(m["app_instance_seconds"].as_f64().unwrap() > 0.0);
    let mut reader = csv::Reader::from_path(out.join("timeseries.csv")).unwrap();
    let headers = reader.headers().unwrap().clone();
    let column = |name: &str| headers.iter().position(|h| h == name).unwrap();
    let (t, instances) = (column("t_s"), column("app_instances"));
    let rows: Vec<(i64, u64)> = reader
        .records()
        .map(|r| {
            let r = r.unwrap();
            (r[t].parse().unwrap(), r[instances].parse().unwrap())
        })
        .collect();
    let start = rows[0].0 - 1;
    let increases: Vec<i64> = rows
        .windows(2)
        .filter(|w| w[1].1 > w[0].1)
        .map(|w| w[1].0)
        .collect();
    assert!(
        !increases.is_empty(),
        "the arena rush should trigger scale-up (seed 4)"
    );
    for time in &increases {
        assert_eq!(
            (time - 120 - start) % 15,
            0,
            "instances grew at {time}, not a sync tick + 2 min boot (seed 4)"
        );
    }
    assert!(
        increases[0] >= 120,
        "no instance can serve before the first decision after the opening + boot"
    );
    let peak = rows.iter().map(|r| r.1).max().unwrap();
    assert!(peak <= 40 && peak > 2);
}

/// A GCRA limit of 0.5 requests/s with a burst of 3 refuses the bots' 2/s
/// retries; a limit nobody reaches refuses nothing.
#[test]
fn per_session_rate_limit_refuses_only_beyond_its_budget() {
    let limited = |per_s: &str| {
        baseline().replace(
            "timeout = \"15s\"\n",
            &format!("timeout = \"15s\"\nrate_limit = {{ per_s = {per_s}, burst = 3 }}\n"),
        )
    };
    let tight = metrics(&run_text(
        "rate-limit-tight",
        &limited("0.5"),
        &["--scale", "0.2", "--seed", "6"],
    ));
    assert!(
        tight["errors_rate_limited"].as_f64().unwrap() > 0.0,
        "nothing refused at 0.5/s (seed 6)"
    );
    let loose = metrics(&run_text(
        "rate-limit-loose",
        &limited("1000.0"),
        &["--scale", "0.2", "--seed", "6"],
    ));
    assert_eq!(
        loose["errors_rate_limited"].as_f64().unwrap(),
        0.0,
        "a 1000/s limit refused requests (seed 6)"
    );
}
