//! The on-sale model end to end from the CLI on shipped model files.

use std::path::Path;

use serde_json::Value;

use super::cli::{models_dir, scratch, sellout};

/// Runs a shipped model and returns its output directory.
fn run(model: &str, label: &str, extra: &[&str]) -> std::path::PathBuf {
    let out = scratch(label);
    let path = models_dir().join(model);
    let mut args = vec![
        "run",
        path.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ];
    args.extend_from_slice(extra);
    let output = sellout(&args);
    assert!(
        output.status.success(),
        "{model} {extra:?}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    out
}

fn metrics(out: &Path) -> Value {
    let summary: Value =
        serde_json::from_slice(&std::fs::read(out.join("summary.json")).unwrap()).unwrap();
    assert_eq!(summary["invariants"], "ok");
    summary["metrics"].clone()
}

fn metric(metrics: &Value, key: &str) -> f64 {
    metrics[key]
        .as_f64()
        .unwrap_or_else(|| panic!("metric {key} missing: {metrics}"))
}

/// Journeys as (bot, queued_s, admission_rank, outcome) rows; fans who never
/// queued have queued_s = NaN.
fn journeys(out: &Path) -> Vec<(bool, f64, Option<u32>, String)> {
    let mut reader = csv::Reader::from_path(out.join("journeys.csv")).unwrap();
    reader
        .deserialize::<(
            u32,
            bool,
            f64,
            Option<f64>,
            Option<f64>,
            Option<u32>,
            u8,
            u8,
            u8,
            u16,
            String,
        )>()
        .map(|row| {
            let row = row.unwrap();
            (row.1, row.3.unwrap_or(f64::NAN), row.5, row.10)
        })
        .collect()
}

/// Ticketmaster's rule of thumb, invited × show-up × mean tickets, when inventory is not the limit.
#[test]
fn eras_scaled_sells_what_the_calibration_predicts() {
    let out = run(
        "eras-2022.toml",
        "eras-calibration",
        &["--scale", "0.01", "--seed", "3"],
    );
    let metrics = metrics(&out);
    let expected = 1_500_000.0 * 0.01 * 0.40 * 3.0;
    let sold = metric(&metrics, "tickets_sold");
    assert!(
        metric(&metrics, "capacity") > 1.5 * expected,
        "inventory must not be the limit"
    );
    assert!(
        (sold / expected - 1.0).abs() <= 0.10,
        "sold {sold}, expected {expected} ±10% (eras-2022 --scale 0.01, seed 3)"
    );
}

/// Abandoned carts return at the hold TTL: the sale cannot end before it, and
/// tickets come back after the first sell-out (the second wave).
#[test]
fn abandoned_carts_make_a_second_wave_after_the_ttl() {
    let out = run("baseline.toml", "second-wave", &["--seed", "4"]);
    let metrics = metrics(&out);
    let ttl_s = 8.0 * 60.0;
    assert_eq!(metric(&metrics, "sold_out"), 1.0);
    assert!(
        metric(&metrics, "last_sale_s") >= ttl_s,
        "last sale before the TTL (baseline, seed 4)"
    );
    assert!(metric(&metrics, "tickets_expired") > 0.0);
    assert!(metric(&metrics, "tickets_after_first_sold_out") > 0.0);
    // Visible in the time series: inventory hits zero, then is back above zero after the TTL.
    let mut reader = csv::Reader::from_path(out.join("timeseries.csv")).unwrap();
    let headers = reader.headers().unwrap().clone();
    let column = |name: &str| headers.iter().position(|h| h == name).unwrap();
    let (t, left) = (column("t_s"), column("inventory_left"));
    let rows: Vec<(f64, f64)> = reader
        .records()
        .map(|r| {
            let r = r.unwrap();
            (r[t].parse().unwrap(), r[left].parse().unwrap())
        })
        .collect();
    let first_zero = rows
        .iter()
        .find(|(_, left)| *left == 0.0)
        .expect("inventory reaches zero")
        .0;
    let back = rows
        .iter()
        .find(|(time, left)| *time > first_zero && *left > 0.0);
    assert!(
        matches!(back, Some((time, _)) if *time >= ttl_s),
        "no second wave after the TTL: {back:?} (seed 4)"
    );
}

#[test]
fn outcomes_account_for_every_fan() {
    let out = run(
        "baseline.toml",
        "outcomes",
        &["--scale", "0.2", "--seed", "5"],
    );
    let metrics = metrics(&out);
    for group in ["fans", "bots"] {
        let outcomes = [
            "active_at_horizon",
            "bought",
            "gave_up_in_queue",
            "left_sold_out",
            "gave_up_after_errors",
            "token_expired",
            "abandoned_cart",
            "payment_failed",
        ];
        let total: f64 = outcomes
            .iter()
            .map(|o| metric(&metrics, &format!("{group}_{o}")))
            .sum();
        assert_eq!(
            total,
            metric(&metrics, &format!("{group}_arrived")),
            "{group} outcomes (seed 5)"
        );
    }
}

#[test]
fn same_seed_same_bytes_across_thread_counts() {
    let files = ["summary.json", "timeseries.csv", "journeys.csv"];
    let args = |threads| {
        [
            "--scale",
            "0.1",
            "--seed",
            "8",
            "--replications",
            "3",
            "--threads",
            threads,
            "--journeys",
        ]
    };
    let one = run("baseline.toml", "onsale-det-1", &args("1"));
    let two = run("baseline.toml", "onsale-det-2", &args("2"));
    for file in files {
        let (a, b) = (
            std::fs::read(one.join(file)).unwrap(),
            std::fs::read(two.join(file)).unwrap(),
        );
        assert!(
            a == b,
            "{file} differs between --threads 1 and 2 (baseline --scale 0.1, seed 8)"
        );
    }
    let other = run(
        "baseline.toml",
        "onsale-det-3",
        &["--scale", "0.1", "--seed", "9", "--journeys"],
    );
    assert!(
        std::fs::read(one.join("journeys.csv")).unwrap()
            != std::fs::read(other.join("journeys.csv")).unwrap()
    );
}

fn spearman(x: &[f64], y: &[f64]) -> f64 {
    sellout::statistics::spearman(x, y)
}

/// Pre-queue arrivals are shuffled at the opening; later ones are first-come-first-served
/// (in the order they reached the waiting room).
#[test]
fn randomized_prequeue_shuffles_before_the_opening_only() {
    let out = run(
        "baseline.toml",
        "wr-random",
        &["--scale", "0.1", "--seed", "11", "--journeys"],
    );
    let rows = journeys(&out);
    let admitted = |before: bool| -> Vec<(f64, f64)> {
        rows.iter()
            .filter(|(bot, queued, rank, _)| !bot && rank.is_some() && (*queued < 0.0) == before)
            .map(|(_, arrived, rank, _)| (*arrived, f64::from(rank.unwrap())))
            .collect()
    };
    let early = admitted(true);
    let (arrival, rank): (Vec<f64>, Vec<f64>) = early.iter().copied().unzip();
    let rho = spearman(&arrival, &rank);
    // Under independence ρ·sqrt(n−1) is approximately standard normal: 4 sigma.
    let bound = 4.0 / ((early.len() - 1) as f64).sqrt();
    assert!(
        early.len() > 500 && rho.abs() < bound,
        "pre-queue order correlates with arrival: ρ={rho}, n={} (seed 11)",
        early.len()
    );
    let mut late = admitted(false);
    late.sort_by(|a, b| a.0.total_cmp(&b.0));
    assert!(
        late.len() > 10,
        "some fans arrive after the opening and get in"
    );
    assert!(
        late.windows(2).all(|w| w[0].1 < w[1].1),
        "after the opening admission must follow arrival order (seed 11)"
    );
    assert!(
        early.iter().map(|e| e.1).fold(0.0, f64::max) < late[0].1,
        "pre-queue fans are admitted first"
    );
}

#[test]
fn fifo_admits_in_arrival_order_and_none_admits_everyone() {
    let dir = scratch("wr-modes");
    let base = std::fs::read_to_string(models_dir().join("baseline.toml")).unwrap();
    for (mode, label) in [("fifo", "wr-fifo"), ("none", "wr-none")] {
        let model = dir.join(format!("{label}.toml"));
        std::fs::write(
            &model,
            base.replace(
                "mode = \"randomized_prequeue\"",
                &format!("mode = \"{mode}\""),
            ),
        )
        .unwrap();
        let out = dir.join(label);
        let output = sellout(&[
            "run",
            model.to_str().unwrap(),
            "--scale",
            "0.1",
            "--seed",
            "12",
            "--journeys",
            "--out",
            out.to_str().unwrap(),
        ]);
        assert!(
            output.status.success(),
            "{}",
            String::from_utf8_lossy(&output.stderr)
        );
        let rows = journeys(&out);
        if mode == "fifo" {
            let mut admitted: Vec<(f64, u32)> = rows
                .iter()
                .filter(|r| !r.0 && r.2.is_some())
                .map(|r| (r.1, r.2.unwrap()))
                .collect();
            admitted.sort_by(|a, b| a.0.total_cmp(&b.0));
            let in_order = admitted
                .windows(2)
                .all(|w| w[0].1 < w[1].1 || w[0].0 == w[1].0);
            assert!(
                admitted.len() > 500 && in_order,
                "fifo admission out of queue order (seed 12)"
            );
        } else {
            let in_queue = rows.iter().filter(|r| r.3 == "gave_up_in_queue").count();
            assert_eq!(in_queue, 0, "no waiting room, nobody gives up in it");
            let humans = rows.iter().filter(|r| !r.0).count();
            let not_admitted = rows.iter().filter(|r| !r.0 && r.2.is_none()).count();
            // Only fans whose event page failed for good (or who arrived after sell-out) are never let in.
            assert!(
                not_admitted * 2 < humans,
                "{not_admitted} of {humans} never reached the shop (seed 12)"
            );
        }
    }
}

#[test]
fn a_bad_onsale_field_exits_2_naming_it() {
    let dir = scratch("bad-onsale");
    let base = std::fs::read_to_string(models_dir().join("baseline.toml")).unwrap();
    let model = dir.join("bad.toml");
    std::fs::write(&model, base.replace("order_limit = 4", "order_limit = 0")).unwrap();
    let output = sellout(&[
        "run",
        model.to_str().unwrap(),
        "--out",
        dir.to_str().unwrap(),
    ]);
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("sale.order_limit") && stderr.contains("0"),
        "{stderr}"
    );
    let output = sellout(&[
        "run",
        models_dir().join("baseline.toml").to_str().unwrap(),
        "--scale",
        "0",
        "--out",
        dir.to_str().unwrap(),
    ]);
    assert_eq!(output.status.code(), Some(2));
}
