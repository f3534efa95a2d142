//! `sellout export` end to end on a shipped model: every format is
//! deterministic and consistent with the run's own files, and bad input exits 2
//! naming what to fix. The tools themselves (promtool, node, Locust) check the
//! exports in tests/export.sh.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use super::cli::{models_dir, scratch, sellout};

const ENDPOINTS: [&str; 5] = ["event_page", "seat_map", "hold", "payment", "confirm"];

/// db-failover at a fifth of its fans, run once into a scratch directory.
fn failover_run(name: &str) -> PathBuf {
    let dir = scratch(name);
    let out = dir.join("run");
    let model = models_dir().join("db-failover.toml");
    let output = sellout(&[
        "run",
        model.to_str().unwrap(),
        "--scale",
        "0.2",
        "--quiet",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert!(output.status.success(), "{output:?}");
    out
}

fn export(dir: &Path, format: &str, file: &str, extra: &[&str]) -> String {
    let out = dir.join(file);
    let mut args = vec![
        "export",
        dir.to_str().unwrap(),
        "--format",
        format,
        "--out",
        out.to_str().unwrap(),
    ];
    args.extend_from_slice(extra);
    let output = sellout(&args);
    assert!(
        output.status.success(),
        "export {format}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    std::fs::read_to_string(out).unwrap()
}

/// timeseries.csv by column name.
fn columns(dir: &Path) -> BTreeMap<String, Vec<f64>> {
    let mut reader = csv::Reader::from_path(dir.join("timeseries.csv")).unwrap();
    let names: Vec<String> = reader
        .headers()
        .unwrap()
        .iter()
        .map(str::to_owned)
        .collect();
    let mut columns: BTreeMap<String, Vec<f64>> = BTreeMap::new();
    for record in reader.records() {
        for (name, cell) in names.iter().zip(record.unwrap().iter()) {
            columns
                .entry(name.clone())
                .or_default()
                .push(cell.parse().unwrap_or(f64::NAN));
        }
    }
    columns
}

/// OpenMetrics samples by series (name with labels): (value, timestamp).
fn samples(text: &str) -> BTreeMap<String, Vec<(f64, i64)>> {
    let mut series: BTreeMap<String, Vec<(f64, i64)>> = BTreeMap::new();
    for line in text.lines().filter(|line| !line.starts_with('#')) {
        let mut parts = line.rsplitn(3, ' ');
        let timestamp = parts.next().unwrap().parse().unwrap();
        let value = parts.next().unwrap().parse().unwrap();
        series
            .entry(parts.next().unwrap().to_owned())
            .or_default()
            .push((value, timestamp));
    }
    series
}

/// Metric names a PromQL expression uses.
fn metric_names(expr: &str) -> Vec<String> {
    let mut names = Vec::new();
    let mut rest = expr;
    while let Some(at) = rest.find("sellout_") {
        let name: String = rest[at..]
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
            .collect();
        rest = &rest[at + name.len()..];
        names.push(name);
    }
    names
}

#[test]
fn every_format_is_byte_identical_when_exported_again() {
    let dir = failover_run("export-determinism");
    for (format, file) in [
        ("k6", "a.js"),
        ("locust", "a.py"),
        ("openmetrics", "a.om"),
        ("prometheus-rules", "a.yml"),
        ("grafana", "a.json"),
    ] {
        let first = export(&dir, format, file, &["--speed", "60"]);
        let second = export(&dir, format, &format!("again-{file}"), &["--speed", "60"]);
        assert!(first == second, "{format}: two exports differ");
        assert!(!first.is_empty(), "{format}: empty");
    }
}

#[test]
fn openmetrics_counters_rebuild_the_per_second_columns_and_never_fall() {
    let dir = failover_run("export-openmetrics");
    let text = export(
        &dir,
        "openmetrics",
        "m.om",
        &["--start", "2026-03-01T09:00:00+01:00"],
    );
    assert!(text.ends_with("# EOF\n"));
    let columns = columns(&dir);
    let series = samples(&text);
    let start = 1_772_352_000; // 2026-03-01T08:00:00Z
    let t_s = &columns["t_s"];
    let mut total = vec![0.0; t_s.len()];
    for endpoint in ENDPOINTS {
        let counter = &series[&format!("sellout_requests_total{{endpoint=\"{endpoint}\"}}")];
        let column = &columns[&format!("{endpoint}_requests")];
        assert_eq!(counter.len(), column.len());
        let mut previous = 0.0;
        for (row, ((value, timestamp), count)) in counter.iter().zip(column).enumerate() {
            assert_eq!(*timestamp, start + t_s[row] as i64, "row {row}");
            assert!(*value >= previous, "{endpoint}: counter fell at row {row}");
            assert_eq!(value - previous, *count, "{endpoint}: row {row}");
            previous = *value;
            total[row] += count;
        }
    }
    assert_eq!(
        total, columns["requests"],
        "endpoints do not sum to requests"
    );
    for (name, points) in &series {
        if name.contains("_total") {
            assert!(
                points.windows(2).all(|pair| pair[1].0 >= pair[0].0),
                "{name} falls"
            );
        }
    }
    // Every column but the time and the total is exported, each as one series.
    assert_eq!(series.len(), columns.len() - 2);
    // A family is declared once, before its samples, and its samples are together.
    let mut seen = Vec::new();
    let mut current = String::new();
    for line in text.lines() {
        if let Some(rest) = line.strip_prefix("# TYPE ") {
            current = rest.split(' ').next().unwrap().to_owned();
            assert!(!seen.contains(&current), "{current} declared twice");
            seen.push(current.clone());
        } else if !line.starts_with('#') {
            assert!(
                line.starts_with(&current),
                "{line} outside its family {current}"
            );
        }
    }
}

#[test]
fn k6_stages_issue_each_endpoints_simulated_requests_at_speed() {
    let dir = failover_run("export-k6");
    let (speed, rate_scale) = (30.0, 0.5);
    let text = export(
        &dir,
        "k6",
        "k6.js",
        &["--speed", "30", "--rate-scale", "0.5"],
    );
    let columns = columns(&dir);
    let scenarios: Vec<&str> = text
        .split("executor: 'ramping-arrival-rate'")
        .skip(1)
        .collect();
    assert_eq!(scenarios.len(), ENDPOINTS.len());
    for (endpoint, scenario) in ENDPOINTS.iter().zip(scenarios) {
        assert!(scenario.contains(&format!("exec: '{endpoint}'")));
        assert!(text.contains(&format!("export function {endpoint}()")));
        let mut requests = 0.0;
        let mut duration_ms = 0.0;
        let mut stages = 0;
        for stage in scenario.split("{ target: ").skip(1) {
            let target: f64 = stage.split(',').next().unwrap().parse().unwrap();
            let ms: f64 = stage
                .split("duration: '")
                .nth(1)
                .unwrap()
                .split(['m', 's'])
                .next()
                .unwrap()
                .parse()
                .unwrap();
            requests += target / 60.0 * ms / 1000.0;
            duration_ms += ms;
            stages += 1;
        }
        let column = &columns[&format!("{endpoint}_requests")];
        let wanted = column.iter().sum::<f64>() * rate_scale / speed;
        assert!(
            (requests - wanted).abs() <= 1.0,
            "{endpoint}: {requests} of {wanted}"
        );
        assert_eq!(duration_ms, (column.len() as f64 * 1000.0 / speed).round());
        assert!(
            stages <= 2 * sellout::export::MAX_STAGES,
            "{endpoint}: {stages} stages"
        );
    }
    assert!(text.contains("__ENV.BASE_URL"));
}

#[test]
fn rules_wait_the_alert_window_and_read_only_exported_metrics() {
    let dir = failover_run("export-rules");
    let rules = export(&dir, "prometheus-rules", "r.yml", &[]);
    let metrics = export(&dir, "openmetrics", "m.om", &[]);
    let model = std::fs::read_to_string(models_dir().join("db-failover.toml")).unwrap();
    let windows: Vec<&str> = model
        .lines()
        .filter_map(|line| line.strip_prefix("for = \""))
        .map(|rest| rest.trim_end_matches('"'))
        .collect();
    let fors: Vec<&str> = rules
        .lines()
        .filter_map(|line| line.trim().strip_prefix("for: "))
        .collect();
    assert_eq!(fors, windows);
    for line in rules
        .lines()
        .filter_map(|line| line.trim().strip_prefix("expr: "))
    {
        for name in metric_names(line) {
            assert!(
                metrics.contains(&format!("\n{name}")),
                "{name} is not exported"
            );
        }
    }
}

#[test]
fn grafana_panels_query_only_exported_metrics() {
    let dir = failover_run("export-grafana");
    let dashboard: serde_json::Value =
        serde_json::from_str(&export(&dir, "grafana", "g.json", &[])).unwrap();
    let metrics = export(&dir, "openmetrics", "m.om", &[]);
    let panels = dashboard["panels"].as_array().unwrap();
    assert!(panels.len() >= 8, "{} panels", panels.len());
    for panel in panels {
        let targets = panel["targets"].as_array().unwrap();
        assert!(!targets.is_empty(), "{} has no query", panel["title"]);
        for target in targets {
            let expr = target["expr"].as_str().unwrap();
            let names = metric_names(expr);
            assert!(!names.is_empty(), "{expr}");
            for name in names {
                assert!(
                    metrics.contains(&format!("\n{name}")),
                    "{name} is not exported"
                );
            }
        }
    }
}

#[test]
fn bad_input_exits_2_naming_what_to_fix() {
    let dir = failover_run("export-refusals");
    let scratch_dir = dir.parent().unwrap().to_owned();
    let run = dir.to_str().unwrap();
    // A corrupt copy, a copy without its series, and a run of another kind.
    let corrupt = scratch_dir.join("corrupt");
    let missing = scratch_dir.join("missing");
    for copy in [&corrupt, &missing] {
        std::fs::create_dir_all(copy).unwrap();
        std::fs::copy(dir.join("summary.json"), copy.join("summary.json")).unwrap();
    }
    // The third row's arrivals cell replaced by a word.
    let series = std::fs::read_to_string(dir.join("timeseries.csv")).unwrap();
    let mut lines: Vec<String> = series.lines().map(str::to_owned).collect();
    let mut cells: Vec<&str> = lines[3].split(',').collect();
    cells[1] = "many";
    lines[3] = cells.join(",");
    std::fs::write(corrupt.join("timeseries.csv"), lines.join("\n")).unwrap();
    let network = scratch_dir.join("network");
    let output = sellout(&[
        "run",
        models_dir().join("mm1.toml").to_str().unwrap(),
        "--quiet",
        "--out",
        network.to_str().unwrap(),
    ]);
    assert!(output.status.success());
    let changed = scratch_dir.join("changed.toml");
    let model = std::fs::read_to_string(models_dir().join("db-failover.toml")).unwrap();
    std::fs::write(&changed, model.replace("above = 20.0", "above = 21.0")).unwrap();
    let file = dir.join("summary.json");
    let cases: Vec<(Vec<&str>, Vec<&str>)> = vec![
        (
            vec!["/nonexistent/run"],
            vec!["/nonexistent/run", "not a directory"],
        ),
        (
            vec![file.to_str().unwrap()],
            vec!["summary.json", "not a directory"],
        ),
        (vec![network.to_str().unwrap()], vec!["kind", "onsale"]),
        (
            vec![missing.to_str().unwrap()],
            vec!["timeseries.csv", "cannot read"],
        ),
        (
            vec![corrupt.to_str().unwrap()],
            vec!["timeseries.csv", "line 4, column arrivals", "many"],
        ),
        (vec![run, "--speed", "0"], vec!["--speed", "(0, 1000000]"]),
        (vec![run, "--speed", "-2"], vec!["--speed", "-2"]),
        (vec![run, "--speed", "NaN"], vec!["--speed", "NaN"]),
        (vec![run, "--rate-scale", "0"], vec!["--rate-scale"]),
        (
            vec![run, "--start", "yesterday"],
            vec!["--start", "yesterday", "RFC 3339"],
        ),
        (vec![run, "--format", "gatling"], vec!["gatling", "k6"]),
    ];
    for (mut args, words) in cases {
        if !args.contains(&"--format") {
            args.extend(["--format", "k6"]);
        }
        args.insert(0, "export");
        check_refused(&args, &words);
    }
    let changed_args = [
        "export",
        run,
        "--format",
        "prometheus-rules",
        "--model",
        changed.to_str().unwrap(),
    ];
    check_refused(&changed_args, &["changed.toml", "SHA-256"]);
}

fn check_refused(args: &[&str], words: &[&str]) {
    let output = sellout(args);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(2), "{args:?}: {stderr}");
    for word in words {
        assert!(stderr.contains(word), "{args:?}: lacks {word:?}: {stderr}");
    }
    assert!(!stderr.contains("panicked"), "{args:?}: {stderr}");
}

#[test]
fn rules_are_the_alerts_that_ran_with_the_runs_set_overrides() {
    let dir = scratch("export-overrides");
    let out = dir.join("run");
    let model = models_dir().join("db-failover.toml");
    let output = sellout(&[
        "run",
        model.to_str().unwrap(),
        "--scale",
        "0.2",
        "--quiet",
        "--set",
        "alert[0].for=\"7s\"",
        "--set",
        "alert[0].above=3.0",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert!(output.status.success(), "{output:?}");
    let rules = export(&out, "prometheus-rules", "r.yml", &[]);
    assert!(rules.contains("for: 7s"), "{rules}");
    assert!(rules.contains("> 3\""), "{rules}");
}
