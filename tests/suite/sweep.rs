//! Sweeps, merges and the planner: determinism across threads, interruptions
//! and shards; statistics against statrs; the planner against Erlang C.

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use sellout::sweep::aggregate::MetricSummary;
use sellout::sweep::planner::clopper_pearson;
use statrs::distribution::{ContinuousCDF, StudentsT};
use statrs::statistics::{Data, Distribution as _};

use super::cli::{scratch, sellout};
use super::theory;

const FILES: [&str; 4] = ["runs.csv", "summary.csv", "paired.csv", "sweep.json"];

/// An M/M/c desk: arrivals at `lambda`/s, exponential service of mean 1 s.
fn mmc_model(lambda: f64, servers: u32, horizon: &str) -> String {
    format!(
        "name = \"desk\"\nhorizon = \"{horizon}\"\nwarmup = \"5m\"\n\
         [[source]]\nname = \"arrivals\"\nrate_per_s = {lambda}\nto = \"desk\"\n\
         [[station]]\nname = \"desk\"\nservers = {servers}\nservice = {{ dist = \"exp\", mean = \"1s\" }}\n"
    )
}

/// Writes `model.toml` and `sweep.toml` into a fresh directory; returns the experiment path.
fn experiment(label: &str, model: &str, experiment: &str) -> PathBuf {
    let dir = scratch(label);
    std::fs::write(dir.join("model.toml"), model).unwrap();
    let path = dir.join("sweep.toml");
    std::fs::write(&path, experiment).unwrap();
    path
}

/// A grid over servers × two variants (one of which changes nothing), with an SLO.
const GRID_EXPERIMENT: &str = r#"
model = "model.toml"
seed = 11
replications = 3
metrics = ["desk.wait_mean_s", "desk.utilization", "desk.served"]
slo = ["desk.wait_mean_s < 0.3"]

[grid]
"station[0].servers" = [4, 5]

[[variant]]
name = "exp"

[[variant]]
name = "same"
set = { "station[0].service.mean" = "1s" }

[[variant]]
name = "lognormal"
set = { "station[0].service" = { dist = "lognormal", mean = "1s", cv = 0.5 } }
"#;

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

fn run_ok(args: &[&str]) -> Output {
    let output = sellout(args);
    assert!(
        output.status.success(),
        "sellout {args:?} failed:\n{}",
        text(&output.stderr)
    );
    output
}

fn sweep(experiment: &Path, out: &Path, extra: &[&str]) -> Output {
    let mut args = vec![
        "sweep",
        experiment.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ];
    args.extend(extra);
    run_ok(&args)
}

fn assert_same_files(expected: &Path, found: &Path, what: &str) {
    for file in FILES {
        let (left, right) = (
            std::fs::read(expected.join(file)).unwrap(),
            std::fs::read(found.join(file)).unwrap(),
        );
        assert!(
            left == right,
            "{file} differs ({what}); compare {} with {}",
            expected.display(),
            found.display()
        );
    }
}

fn csv_rows(path: &Path) -> (Vec<String>, Vec<Vec<String>>) {
    let mut reader = csv::Reader::from_path(path).unwrap();
    let header = reader
        .headers()
        .unwrap()
        .iter()
        .map(str::to_owned)
        .collect();
    let rows = reader
        .records()
        .map(|row| row.unwrap().iter().map(str::to_owned).collect())
        .collect();
    (header, rows)
}

#[test]
fn sweep_outputs_are_identical_for_one_and_two_threads() {
    let path = experiment("sweep-threads", &mmc_model(3.0, 4, "30m"), GRID_EXPERIMENT);
    let dir = path.parent().unwrap();
    sweep(&path, &dir.join("one"), &["--threads", "1"]);
    sweep(&path, &dir.join("two"), &["--threads", "2"]);
    assert_same_files(
        &dir.join("one"),
        &dir.join("two"),
        "--threads 1 vs 2, seed 11",
    );
    let (runs_header, runs) = csv_rows(&dir.join("one/runs.csv"));
    assert_eq!(
        runs_header.join(","),
        "point,variant,replication,seed,station[0].servers,station[0].service,station[0].service.mean,\
         desk.wait_mean_s,desk.utilization,desk.served,slo_met"
    );
    assert_eq!(
        runs.len(),
        3 * 2 * 3,
        "3 variants × 2 servers × 3 replications"
    );
    let (summary_header, summary) = csv_rows(&dir.join("one/summary.csv"));
    assert_eq!(
        summary_header.join(","),
        "point,variant,station[0].servers,station[0].service,station[0].service.mean,\
         metric,n,mean,std_dev,ci95_low,ci95_high,p5,p50,p95,slo_met_fraction"
    );
    assert_eq!(summary.len(), 6 * 3, "6 points × 3 metrics");
    // The sweep draws its charts from the CSVs it wrote.
    for chart in ["sweep_desk_wait_mean_s.svg", "sweep_slo_met.png"] {
        assert!(dir.join("one").join(chart).exists(), "{chart} not drawn");
    }
}

/// Common random numbers: replication r has one seed at every point, so a
/// variant that changes nothing reproduces its baseline exactly and its paired
/// differences are exactly zero.
/// A seed read from runs.csv as a double (R, Excel and JavaScript read every
/// number so) replays its run: `sellout run` with the point's overrides as
/// `--set` and that seed gives the metrics runs.csv recorded.
#[test]
fn a_seed_read_as_a_double_replays_its_run() {
    let path = experiment("sweep-replay", &mmc_model(3.0, 4, "30m"), GRID_EXPERIMENT);
    let dir = path.parent().unwrap();
    sweep(&path, &dir.join("sweep"), &[]);
    let (header, runs) = csv_rows(&dir.join("sweep/runs.csv"));
    let column = |name: &str| header.iter().position(|h| h == name).unwrap();
    let run = runs
        .iter()
        .find(|row| row[column("variant")] == "lognormal" && row[column("replication")] == "2")
        .expect("a lognormal run of replication 2");
    let as_double: f64 = run[column("seed")].parse().unwrap();
    let seed = as_double as u64;
    assert_eq!(seed.to_string(), run[column("seed")], "seed above 2^53");
    let servers = format!("station[0].servers={}", run[column("station[0].servers")]);
    let replay = dir.join("replay");
    run_ok(&[
        "run",
        dir.join("model.toml").to_str().unwrap(),
        "--set",
        &servers,
        "--set",
        "station[0].service={ dist = \"lognormal\", mean = \"1s\", cv = 0.5 }",
        "--seed",
        &seed.to_string(),
        "--out",
        replay.to_str().unwrap(),
    ]);
    let summary: serde_json::Value =
        serde_json::from_slice(&std::fs::read(replay.join("summary.json")).unwrap()).unwrap();
    for metric in ["wait_mean_s", "utilization", "served"] {
        let replayed = summary["stations"]["desk"][metric]["mean"]
            .as_f64()
            .unwrap();
        let recorded: f64 = run[column(&format!("desk.{metric}"))].parse().unwrap();
        assert_eq!(
            replayed, recorded,
            "{metric}, seed {seed} (experiment seed 11)"
        );
    }
}

#[test]
fn every_point_sees_the_same_fans_in_the_same_replication() {
    let path = experiment("sweep-crn", &mmc_model(3.0, 4, "30m"), GRID_EXPERIMENT);
    let out = path.parent().unwrap().join("out");
    sweep(&path, &out, &[]);
    let (_, runs) = csv_rows(&out.join("runs.csv"));
    let seed_of = |row: &Vec<String>| (row[2].clone(), row[3].clone());
    for row in &runs {
        let first = runs.iter().find(|other| other[2] == row[2]).unwrap();
        assert_eq!(
            seed_of(row),
            seed_of(first),
            "replication {} has two seeds",
            row[2]
        );
    }
    assert_ne!(runs[0][3], runs[1][3], "replications 0 and 1 share a seed");
    // Points 0..2 are variant "exp" (servers 4, 5); 2..4 are "same".
    for (same, exp) in runs.iter().filter(|row| row[1] == "same").zip(&runs) {
        assert_eq!(
            same[7..10],
            exp[7..10],
            "variant `same` differs from `exp` (seed 11)"
        );
    }
    let (header, paired) = csv_rows(&out.join("paired.csv"));
    assert_eq!(
        header.join(","),
        "point,variant,station[0].servers,station[0].service,station[0].service.mean,\
         baseline_point,baseline_variant,metric,n,mean_difference,std_dev,ci95_low,ci95_high"
    );
    for row in paired.iter().filter(|row| row[1] == "same") {
        assert_eq!(
            (row[9].as_str(), row[10].as_str()),
            ("0.0", "0.0"),
            "{row:?}"
        );
    }
    // The lognormal variant at 4 servers is compared with exp at 4 servers.
    let lognormal = paired.iter().find(|row| row[1] == "lognormal").unwrap();
    assert_eq!((lognormal[2].as_str(), lognormal[5].as_str()), ("4", "0"));
    let mean_difference: f64 = lognormal[9].parse().unwrap();
    let expected: f64 = (0..3)
        .map(|r| runs[12 + r][7].parse::<f64>().unwrap() - runs[r][7].parse::<f64>().unwrap())
        .sum::<f64>()
        / 3.0;
    assert!(
        (mean_difference - expected).abs() < 1e-12,
        "{mean_difference} vs {expected}"
    );
}

/// A variant with `grid = false` runs once, at the base model's grid values,
/// and is compared with point 0.
#[test]
fn a_variant_outside_the_grid_is_one_point() {
    let experiment_text = GRID_EXPERIMENT
        .replace("replications = 3", "replications = 2")
        .replace("name = \"same\"\n", "name = \"same\"\ngrid = false\n");
    let path = experiment(
        "sweep-outside-grid",
        &mmc_model(3.0, 4, "10m"),
        &experiment_text,
    );
    let out = path.parent().unwrap().join("out");
    sweep(&path, &out, &[]);
    let (_, runs) = csv_rows(&out.join("runs.csv"));
    let same: Vec<_> = runs.iter().filter(|row| row[1] == "same").collect();
    assert_eq!(same.len(), 2, "one point × 2 replications");
    assert!(
        same.iter().all(|row| row[0] == "2" && row[4] == "4"),
        "{same:?}"
    );
    let (_, paired) = csv_rows(&out.join("paired.csv"));
    let same_paired = paired.iter().find(|row| row[1] == "same").unwrap();
    assert_eq!(
        (same_paired[5].as_str(), same_paired[9].as_str()),
        ("0", "0.0")
    );
    // The first variant's second point is compared with point 0.
    let exp = paired.iter().find(|row| row[1] == "exp").unwrap();
    assert_eq!((exp[0].as_str(), exp[5].as_str()), ("1", "0"));
    // The lognormal variant (points 3, 4) is compared at the same servers with `exp`.
    let lognormal: Vec<_> = paired.iter().filter(|row| row[1] == "lognormal").collect();
    assert_eq!(
        (lognormal[0][5].as_str(), lognormal[3][5].as_str()),
        ("0", "1")
    );
}

#[test]
fn slo_met_follows_its_clause_and_summary_counts_it() {
    let path = experiment("sweep-slo", &mmc_model(3.0, 4, "30m"), GRID_EXPERIMENT);
    let out = path.parent().unwrap().join("out");
    sweep(&path, &out, &[]);
    let (_, runs) = csv_rows(&out.join("runs.csv"));
    for row in &runs {
        let wait: f64 = row[7].parse().unwrap();
        assert_eq!(row[10], (wait < 0.3).to_string(), "{row:?}");
    }
    let (_, summary) = csv_rows(&out.join("summary.csv"));
    for row in &summary {
        let point = &row[0];
        let point_runs: Vec<_> = runs.iter().filter(|run| &run[0] == point).collect();
        let met = point_runs.iter().filter(|run| run[10] == "true").count();
        let fraction: f64 = row[14].parse().unwrap();
        assert_eq!(
            fraction,
            met as f64 / point_runs.len() as f64,
            "point {point}"
        );
    }
}

fn journal_rows(out: &Path) -> usize {
    std::fs::read_to_string(out.join("runs.partial.csv"))
        .map(|text| text.lines().count().saturating_sub(2))
        .unwrap_or(0)
}

/// Starts a one-thread sweep and returns once it has journaled `rows` runs
/// (or two minutes have passed).
fn sweep_in_background(experiment: &Path, out: &Path, rows: usize) -> std::process::Child {
    let child = Command::new(env!("CARGO_BIN_EXE_sellout"))
        .args([
            "sweep",
            experiment.to_str().unwrap(),
            "--threads",
            "1",
            "--out",
        ])
        .arg(out)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let started = Instant::now();
    while journal_rows(out) < rows && started.elapsed() < Duration::from_secs(120) {
        std::thread::sleep(Duration::from_millis(10));
    }
    child
}

/// Kill a sweep after a few runs, rerun the same command: it skips the finished
/// runs and writes the same bytes as a sweep that was never interrupted.
#[test]
fn killed_sweep_resumes_to_identical_outputs() {
    let experiment_text = GRID_EXPERIMENT.replace("replications = 3", "replications = 2");
    let path = experiment("sweep-resume", &mmc_model(3.0, 4, "6h"), &experiment_text);
    let dir = path.parent().unwrap();
    let (killed, whole) = (dir.join("killed"), dir.join("whole"));
    let mut child = sweep_in_background(&path, &killed, 3);
    child.kill().unwrap();
    child.wait().unwrap();
    let done = journal_rows(&killed);
    assert!(
        (3..12).contains(&done) && !killed.join("runs.csv").exists(),
        "the kill should land mid-sweep: {done} of 12 runs journaled"
    );
    // A kill during a write leaves a torn line; it must be cut, not misread.
    let mut journal = std::fs::OpenOptions::new()
        .append(true)
        .open(killed.join("runs.partial.csv"))
        .unwrap();
    std::io::Write::write_all(&mut journal, b"5,lognormal,1,123").unwrap();
    let rerun = sweep(&path, &killed, &["--threads", "2"]);
    let stdout = text(&rerun.stdout);
    assert!(
        stdout.contains(&format!("resuming: {done} of 12 runs already done")),
        "{stdout}"
    );
    sweep(&path, &whole, &["--threads", "2"]);
    assert_same_files(
        &whole,
        &killed,
        "killed and resumed vs uninterrupted, seed 11",
    );
}

#[test]
fn a_journal_from_another_sweep_is_refused() {
    let path = experiment("sweep-foreign", &mmc_model(3.0, 4, "10m"), GRID_EXPERIMENT);
    let out = path.parent().unwrap().join("out");
    sweep(&path, &out, &[]);
    std::fs::write(&path, GRID_EXPERIMENT.replace("seed = 11", "seed = 12")).unwrap();
    let stderr = sweep_refused(&path, &out, "seed 12 into seed 11's directory");
    assert!(stderr.contains("runs.partial.csv"), "{stderr}");
}

#[test]
fn merged_shards_equal_the_unsharded_sweep_byte_for_byte() {
    let path = experiment("sweep-shards", &mmc_model(3.0, 4, "30m"), GRID_EXPERIMENT);
    let dir = path.parent().unwrap();
    sweep(&path, &dir.join("whole"), &[]);
    let shards: Vec<PathBuf> = (0..4).map(|k| dir.join(format!("shard{k}"))).collect();
    for (k, shard) in shards.iter().enumerate() {
        sweep(&path, shard, &["--shard", &format!("{k}/4")]);
    }
    let (_, shard_runs) = csv_rows(&shards[1].join("runs.csv"));
    assert!(shard_runs.iter().all(|row| {
        let run_index = row[0].parse::<u64>().unwrap() * 3 + row[2].parse::<u64>().unwrap();
        run_index % 4 == 1
    }));
    let merged = dir.join("merged");
    let mut args = vec!["merge".to_owned()];
    args.extend([3, 1, 0, 2].map(|k| shards[k].display().to_string()));
    args.extend(["--out".to_owned(), merged.display().to_string()]);
    run_ok(&args.iter().map(String::as_str).collect::<Vec<_>>());
    assert_same_files(
        &dir.join("whole"),
        &merged,
        "merge of 4 shards vs one sweep, seed 11",
    );
    // A missing shard is refused, naming it.
    let output = sellout(&[
        "merge",
        shards[0].to_str().unwrap(),
        shards[2].to_str().unwrap(),
        shards[3].to_str().unwrap(),
        "--out",
        dir.join("partial").to_str().unwrap(),
    ]);
    assert_eq!(output.status.code(), Some(2), "{}", text(&output.stderr));
    assert!(
        text(&output.stderr).contains("shard 1/4 is missing"),
        "{}",
        text(&output.stderr)
    );
}

/// Mean, standard deviation and Student-t interval against statrs computed
/// here, and type-8 (median-unbiased) percentiles against the formula by hand.
#[test]
fn summary_statistics_match_statrs_on_known_samples() {
    let samples = [2.0, 4.0, 4.0, 4.0, 5.0, 5.0, 7.0, 9.0, 3.0, 7.0];
    let summary = MetricSummary::of(&samples);
    let data = Data::new(samples.to_vec());
    let t = StudentsT::new(0.0, 1.0, 9.0).unwrap().inverse_cdf(0.975);
    assert!((t - 2.262157).abs() < 1e-6, "t(0.975, 9) = {t}");
    let half_width = t * data.std_dev().unwrap() / 10f64.sqrt();
    assert_eq!(summary.n, 10);
    assert!((summary.mean - data.mean().unwrap()).abs() < 1e-12);
    assert!((summary.std_dev - data.std_dev().unwrap()).abs() < 1e-12);
    assert!(
        (summary.ci95_low - (5.0 - half_width)).abs() < 1e-12,
        "{summary:?}"
    );
    assert!(
        (summary.ci95_high - (5.0 + half_width)).abs() < 1e-12,
        "{summary:?}"
    );
    // Type 8 by hand: h = (n + 1/3)·p + 1/3, x[⌊h⌋] + (h − ⌊h⌋)(x[⌊h⌋+1] − x[⌊h⌋]),
    // clamped to the extremes. Sorted: 2 3 4 4 4 5 5 7 7 9 → p5 = 2, p50 = 4.5, p95 = 9.
    assert!((summary.p50 - 4.5).abs() < 1e-12, "{summary:?}");
    assert_eq!((summary.p5, summary.p95), (2.0, 9.0), "{summary:?}");
    // 1..=100: h = 5.35 and 95.65, so p5 = 5.35 and p95 = 95.65.
    let wide = MetricSummary::of(&(1..=100).map(f64::from).collect::<Vec<_>>());
    assert!(
        (wide.p5 - 5.35).abs() < 1e-9 && (wide.p95 - 95.65).abs() < 1e-9 && wide.p50 == 50.5,
        "{wide:?}"
    );
    // NaN marks a metric undefined in a run: ignored, and n says so.
    let with_nan = MetricSummary::of(&[1.0, f64::NAN, 3.0]);
    assert_eq!((with_nan.n, with_nan.mean), (2, 2.0));
    let single = MetricSummary::of(&[4.0]);
    assert!(
        single.std_dev.is_nan() && single.ci95_low.is_nan(),
        "{single:?}"
    );
}

/// Clopper–Pearson intervals against published values (e.g. R's binom.test).
#[test]
fn clopper_pearson_matches_binom_test() {
    let cases = [
        (19, 20, [0.751_3, 0.998_7]),
        (0, 10, [0.0, 0.308_5]),
        (10, 10, [0.691_5, 1.0]),
        (5, 10, [0.187_1, 0.812_9]),
    ];
    for (successes, trials, expected) in cases {
        let [low, high] = clopper_pearson(successes, trials, 0.95);
        assert!(
            (low - expected[0]).abs() < 1e-4 && (high - expected[1]).abs() < 1e-4,
            "{successes}/{trials}: [{low}, {high}], expected {expected:?}"
        );
    }
}

/// M/M/c with λ = 3/s and μ = 1/s: the planner must find the smallest c whose
/// Erlang C mean wait is under the target.
#[test]
fn planner_finds_the_erlang_c_minimum_servers() {
    let (lambda, target_wait_s) = (3.0, 0.25);
    let expected = (4..50)
        .find(|&c| theory::mmc(lambda, 1.0, c).wait_mean_s <= target_wait_s)
        .unwrap();
    // The test needs a clear gap around the target for short runs to resolve it.
    let (at, below) = (
        theory::mmc(lambda, 1.0, expected).wait_mean_s,
        theory::mmc(lambda, 1.0, expected - 1).wait_mean_s,
    );
    assert!(
        at < 0.6 * target_wait_s && below > 1.6 * target_wait_s,
        "{at} {below}"
    );
    let plan = format!(
        "model = \"model.toml\"\nseed = 3\nreplications = 10\nmetrics = [\"desk.wait_mean_s\"]\n\
         slo = [\"desk.wait_mean_s < {target_wait_s}\"]\n\
         [plan]\nparameter = \"station[0].servers\"\nmin = 1\nmax = 12\nbatch = 40\nmax_replications = 160\n"
    );
    let path = experiment("sweep-plan", &mmc_model(lambda, 1, "1h"), &plan);
    let out = path.parent().unwrap().join("out");
    let output = run_ok(&[
        "plan",
        path.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ]);
    let result: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.join("plan.json")).unwrap()).unwrap();
    assert_eq!(
        result["answer"].as_f64(),
        Some(f64::from(expected)),
        "Erlang C says c = {expected} (seed 3):\n{}",
        text(&output.stdout)
    );
    assert_eq!(result["at_answer"]["passes"], true);
    assert_eq!(result["at_answer"]["confident"], true, "{result}");
    assert_eq!(result["below_answer"]["passes"], false);
    assert_eq!(result["below_answer"]["confident"], true, "{result}");
    assert!(result["at_answer"]["ci95"][0].as_f64().unwrap() > 0.95);
}

/// Runs a sweep that must be refused as bad input (exit 2); returns its stderr.
fn sweep_refused(experiment: &Path, out: &Path, label: &str) -> String {
    let output = sellout(&[
        "sweep",
        experiment.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ]);
    let stderr = text(&output.stderr);
    assert_eq!(output.status.code(), Some(2), "{label}: {stderr}");
    stderr
}

fn expect_bad_input(label: &str, experiment_text: &str, needle: &str) {
    let path = experiment(label, &mmc_model(3.0, 4, "10m"), experiment_text);
    let out = path.parent().unwrap().join("out");
    let stderr = sweep_refused(&path, &out, label);
    assert!(
        stderr.contains(needle),
        "{label}: expected {needle:?} in: {stderr}"
    );
}

#[test]
fn bad_experiments_exit_2_naming_the_field() {
    let base = "model = \"model.toml\"\nreplications = 2\nmetrics = [\"desk.served\"]\n";
    expect_bad_input("bad-key", &format!("{base}replicate = 3\n"), "replicate");
    expect_bad_input(
        "bad-path",
        &format!("{base}[grid]\n\"station[3].servers\" = [1]\n"),
        "station[3]",
    );
    expect_bad_input(
        "bad-table",
        &format!("{base}[grid]\n\"app.servers\" = [1]\n"),
        "app",
    );
    expect_bad_input(
        "bad-field",
        &format!("{base}[grid]\n\"station[0].server\" = [1]\n"),
        "server",
    );
    expect_bad_input(
        "bad-value",
        &format!("{base}[grid]\n\"station[0].servers\" = [0]\n"),
        "station[0].servers",
    );
    expect_bad_input(
        "bad-slo",
        &format!("{base}slo = [\"desk.served ~ 3\"]\n"),
        "slo[0]",
    );
    expect_bad_input(
        "bad-metric",
        "model = \"model.toml\"\nreplications = 1\nmetrics = [\"desk.nope\"]\n",
        "metrics[0]",
    );
    expect_bad_input(
        "bad-replications",
        "model = \"model.toml\"\nreplications = 0\nmetrics = [\"x\"]\n",
        "replications",
    );
    let path = experiment("bad-shard", &mmc_model(3.0, 4, "10m"), base);
    let output = sellout(&["sweep", path.to_str().unwrap(), "--shard", "4/4"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(
        text(&output.stderr).contains("--shard"),
        "{}",
        text(&output.stderr)
    );
}

/// Issue 13: a journal line that was damaged or edited by hand is reported as
/// corrupt, by line number, instead of being read as a finished run; the
/// untouched journal resumes as before.
#[test]
fn a_corrupt_or_edited_journal_line_is_reported_as_corrupt() {
    let path = experiment("sweep-corrupt", &mmc_model(3.0, 4, "10m"), GRID_EXPERIMENT);
    let out = path.parent().unwrap().join("out");
    sweep(&path, &out, &[]);
    let journal = out.join("runs.partial.csv");
    let original = std::fs::read_to_string(&journal).unwrap();
    // The untouched journal is read back: every run is already done.
    let rerun = sweep(&path, &out, &[]);
    assert!(
        text(&rerun.stdout).contains("resuming: 18 of 18"),
        "{}",
        text(&rerun.stdout)
    );
    let lines: Vec<&str> = original.lines().collect();
    // Line 4 is the second run; change one digit of its first metric.
    let fields: Vec<&str> = lines[3].split(',').collect();
    let metric_at = fields.len() - 4;
    let mut edited_fields: Vec<String> = fields.iter().map(|f| f.to_string()).collect();
    let digit = edited_fields[metric_at].pop().unwrap();
    edited_fields[metric_at].push(if digit == '1' { '2' } else { '1' });
    let cases = [
        ("edited value", lines[3].to_owned(), edited_fields.join(",")),
        (
            "garbage line",
            lines[3].to_owned(),
            "hello, world".to_owned(),
        ),
    ];
    for (what, from, to) in cases {
        std::fs::write(&journal, original.replacen(&from, &to, 1)).unwrap();
        let stderr = sweep_refused(&path, &out, what);
        assert!(
            stderr.contains("line 4 is corrupt") && !stderr.contains("another sweep"),
            "{what}: {stderr}"
        );
    }
}

/// Issue 13: a second sweep into a directory another sweep is writing to is
/// refused (it used to run every task again into the same journal).
#[test]
fn a_second_sweep_into_a_busy_directory_is_refused() {
    let path = experiment("sweep-lock", &mmc_model(3.0, 4, "6h"), GRID_EXPERIMENT);
    let out = path.parent().unwrap().join("out");
    let mut first = sweep_in_background(&path, &out, 1);
    let second = sellout(&[
        "sweep",
        path.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ]);
    let finished_first = first.try_wait().unwrap().is_some();
    first.kill().ok();
    first.wait().unwrap();
    assert!(
        !finished_first,
        "the first sweep ended before the second started"
    );
    let stderr = text(&second.stderr);
    assert_eq!(second.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("another sweep (process"), "{stderr}");
    // Killed, the first leaves its lock behind; the next sweep takes it over
    // and resumes.
    assert!(out.join("sweep.lock").exists());
    let resumed = sweep(&path, &out, &["--threads", "2"]);
    assert!(
        text(&resumed.stdout).contains("resuming:"),
        "{}",
        text(&resumed.stdout)
    );
    assert!(
        !out.join("sweep.lock").exists(),
        "the lock outlived the sweep"
    );
}
