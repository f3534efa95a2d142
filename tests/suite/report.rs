//! `sellout run` and `sellout report` write the dashboard and the postmortem:
//! the files exist, the HTML is self-contained with the charts and timeline
//! inline, recorded incidents reach the timeline, and a report rebuilt later is
//! byte-identical; service, network and contention runs get their own dashboards.

use std::path::Path;

use crate::cli::{models_dir, scratch, sellout};
use crate::plots::INCIDENTS;

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|error| panic!("{}: {error}", path.display()))
}

fn run_baseline(dir: &Path) {
    let model = models_dir().join("baseline.toml");
    let output = sellout(&[
        "run",
        model.to_str().unwrap(),
        "--scale",
        "0.05",
        "--seed",
        "3",
        "--out",
        dir.to_str().unwrap(),
    ]);
    assert!(
        output.status.success(),
        "sellout run models/baseline.toml --scale 0.05 --seed 3 failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
}

#[test]
fn run_writes_dashboard_and_self_contained_postmortem() {
    let dir = scratch("report-run");
    run_baseline(&dir);
    for (name, at_least) in [
        ("dashboard.png", 50_000),
        ("dashboard.svg", 20_000),
        ("postmortem.md", 2_000),
        ("postmortem.html", 20_000),
        ("replay.html", 50_000),
    ] {
        let size = std::fs::metadata(dir.join(name)).map_or(0, |meta| meta.len());
        assert!(
            size >= at_least,
            "{name} is {size} bytes (seed 3, models/baseline.toml --scale 0.05)"
        );
    }
    let html = read(&dir.join("postmortem.html"));
    for needle in [
        "id=\"timeline\"",
        "id=\"impact\"",
        "<figure id=\"dashboard\">",
        "<svg",
        "Sale opens",
        "Contributing factors",
        "Retry amplification",
    ] {
        assert!(html.contains(needle), "postmortem.html lacks {needle:?}");
    }
    // Self-contained: nothing to fetch (the SVG namespace URI is an identifier, not a fetch).
    for fetch in ["src=", "href=", "url(", "@import", "<script", "<link"] {
        assert!(
            !html.contains(fetch),
            "postmortem.html refers to an external resource: {fetch:?}"
        );
    }
    let markdown = read(&dir.join("postmortem.md"));
    assert!(
        markdown.contains("## Timeline")
            && markdown.contains("![")
            && markdown.contains("(dashboard.png)")
    );
}

#[test]
fn report_puts_recorded_incidents_on_the_timeline_and_is_reproducible() {
    let dir = scratch("report-incidents");
    run_baseline(&dir);
    std::fs::write(dir.join("incidents.csv"), INCIDENTS).expect("write incidents.csv");
    let output = sellout(&["report", dir.to_str().unwrap()]);
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let first = read(&dir.join("postmortem.html"));
    for needle in [
        "Alert firing",
        "HoldLatencyHigh",
        "primary failover, 4 min",
        "Circuit breaker",
        "T+02:00",
        "The first alert fired at T+02:30",
    ] {
        assert!(first.contains(needle), "postmortem.html lacks {needle:?}");
    }
    let svg = read(&dir.join("dashboard.svg"));
    assert!(svg.contains("fault window") && svg.contains("alert firing"));
    let again = sellout(&["report", dir.to_str().unwrap()]);
    assert!(again.status.success());
    assert!(
        first == read(&dir.join("postmortem.html")),
        "postmortem.html changed when rebuilt"
    );
    assert!(
        svg == read(&dir.join("dashboard.svg")),
        "dashboard.svg changed when rebuilt"
    );
}

/// db-failover (seed 1, scale 0.1) fires one alert and its runbook acts: the
/// replay embeds both, and `sellout report` rewrites the replay and the
/// postmortem that `sellout run` wrote byte for byte.
#[test]
fn replay_carries_the_alert_and_the_runbook_and_report_reproduces_run() {
    let dir = scratch("report-replay");
    let model = models_dir().join("db-failover.toml");
    let output = sellout(&[
        "run",
        model.to_str().unwrap(),
        "--scale",
        "0.1",
        "--out",
        dir.to_str().unwrap(),
    ]);
    assert!(
        output.status.success(),
        "sellout run models/db-failover.toml --scale 0.1 (seed 1) failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    let names = ["replay.html", "postmortem.html", "postmortem.md"];
    let written: Vec<Vec<u8>> = names
        .iter()
        .map(|name| std::fs::read(dir.join(name)).expect(name))
        .collect();
    let html = String::from_utf8(written[0].clone()).expect("UTF-8");
    for needle in [
        "id=\"clock\"",
        "id=\"scrubber\"",
        "data-speed=\"600\"",
        "id=\"replay-data\"",
        "\"name\":\"hold-errors\"",
        "\"action\":\"scale_outflow 0.5\"",
        "\"column\":\"waiting_room_entries\"",
    ] {
        assert!(
            html.contains(needle),
            "replay.html of models/db-failover.toml (seed 1, scale 0.1) lacks {needle:?}"
        );
    }
    for fetch in ["src=", "href=", "url(", "@import", "<link", "https://"] {
        assert!(
            !html.contains(fetch),
            "replay.html refers to an external resource: {fetch:?}"
        );
    }
    let output = sellout(&["report", dir.to_str().unwrap()]);
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(String::from_utf8_lossy(&output.stdout).contains("replay.html"));
    for (name, bytes) in names.iter().zip(&written) {
        assert!(
            *bytes == std::fs::read(dir.join(name)).expect(name),
            "{name}: `sellout report` did not reproduce what `sellout run` wrote (models/db-failover.toml, seed 1, scale 0.1)"
        );
    }
}

#[test]
fn report_refuses_directories_without_a_run_and_kinds_without_a_dashboard() {
    let empty = scratch("report-empty");
    let output = sellout(&["report", empty.to_str().unwrap()]);
    assert_eq!(
        output.status.code(),
        Some(2),
        "a directory without a run is bad input"
    );
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("summary.json") && stderr.contains("sellout run"),
        "{stderr}"
    );
    let unknown = scratch("report-unknown-kind");
    std::fs::write(unknown.join("summary.json"), r#"{"kind": "banana"}"#).expect("write");
    let output = sellout(&["report", unknown.to_str().unwrap()]);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("\"banana\"") && stderr.contains("no dashboard"),
        "{stderr}"
    );
}

/// Runs `model` into `dir` with extra flags; returns stdout and stderr.
fn run_model(model: &Path, dir: &Path, flags: &[&str]) -> (String, String) {
    let mut args = vec![
        "run",
        model.to_str().unwrap(),
        "--out",
        dir.to_str().unwrap(),
    ];
    args.extend_from_slice(flags);
    let output = sellout(&args);
    let (stdout, stderr) = (
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    );
    assert!(
        output.status.success(),
        "sellout {} failed: {stderr}",
        args.join(" ")
    );
    (stdout, stderr)
}

/// `sellout report DIR` again must rewrite the dashboard byte for byte.
fn assert_report_rebuilds_the_dashboard(dir: &Path) {
    let png = std::fs::read(dir.join("dashboard.png")).expect("dashboard.png");
    let svg = read(&dir.join("dashboard.svg"));
    let output = sellout(&["report", dir.to_str().unwrap()]);
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "sellout report {}: {}",
        dir.display(),
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(
        stdout.contains("dashboard.png") && stdout.contains("on-sale runs only"),
        "report names what it wrote and why there is no postmortem: {stdout}"
    );
    assert!(
        !dir.join("postmortem.md").exists(),
        "no postmortem outside on-sales"
    );
    assert!(
        png == std::fs::read(dir.join("dashboard.png")).expect("png"),
        "{}: dashboard.png changed when rebuilt",
        dir.display()
    );
    assert!(
        svg == read(&dir.join("dashboard.svg")),
        "{}: dashboard.svg changed when rebuilt",
        dir.display()
    );
}

/// The retry storm (seed 1): its capacity drop from 60 s to 70 s opens and
/// closes a window in incidents.csv, goodput falls short just after it opens,
/// and the dashboard shows the service's panels; the same with 1 and 2 threads.
#[test]
fn service_run_writes_its_triggers_to_incidents_csv_and_draws_a_dashboard() {
    let model = models_dir().join("retry-storm.toml");
    let dir = scratch("report-service");
    let (stdout, _) = run_model(&model, &dir, &["--threads", "1"]);
    assert!(stdout.contains("incidents.csv"), "{stdout}");
    let incidents = read(&dir.join("incidents.csv"));
    let rows: Vec<&str> = incidents.lines().collect();
    assert_eq!(rows[0], "t_s,kind,component,detail", "{incidents}");
    assert!(
        rows.contains(&"60.0,fault_start,server,capacity drop of 60%")
            && rows.contains(&"70.0,fault_end,server,capacity drop of 60%"),
        "retry-storm seed 1: the drop's window is missing from incidents.csv:\n{incidents}"
    );
    let breach = rows
        .iter()
        .find(|row| row.contains(",slo_breach,goodput,"))
        .unwrap_or_else(|| panic!("retry-storm seed 1: no goodput breach:\n{incidents}"));
    let breach_s: f64 = breach.split(',').next().unwrap().parse().expect("t_s");
    assert!(
        (60.0..=70.0).contains(&breach_s),
        "retry-storm seed 1: goodput should fall short during the drop, not at {breach_s} s"
    );
    assert!(
        !incidents.contains(",recovery,"),
        "retry-storm never recovers (seed 1):\n{incidents}"
    );
    let png = std::fs::metadata(dir.join("dashboard.png"))
        .expect("dashboard.png")
        .len();
    assert!(png > 50_000, "dashboard.png is only {png} bytes");
    let svg = read(&dir.join("dashboard.svg"));
    for label in [
        "Calls: offered load and goodput",
        "goodput (calls succeeded)",
        "wasted completions",
        "Requests in flight",
        "trigger window",
        "slo breach",
        "T+1m",
    ] {
        assert!(svg.contains(label), "the service dashboard lacks {label:?}");
    }
    assert_report_rebuilds_the_dashboard(&dir);
    let again = scratch("report-service-threads");
    run_model(&model, &again, &["--threads", "2"]);
    for name in [
        "incidents.csv",
        "timeseries.csv",
        "dashboard.png",
        "dashboard.svg",
    ] {
        assert!(
            std::fs::read(dir.join(name)).expect("first")
                == std::fs::read(again.join(name)).expect("second"),
            "retry-storm seed 1: {name} differs between --threads 1 and 2"
        );
    }
}

/// A scheduled surge (40/s, then 100/s from 20 s to 30 s) is a trigger window
/// too, and a service that keeps up records no breach.
#[test]
fn a_scheduled_surge_opens_and_closes_a_window() {
    let dir = scratch("report-service-surge");
    let model = dir.join("surge.toml");
    std::fs::write(
        &model,
        "kind = \"service\"\nname = \"surge\"\nhorizon = \"60s\"\n[load]\nrate_per_s = 40.0\nschedule = [{ at = \"20s\", rate_per_s = 100.0 }, { at = \"30s\", rate_per_s = 40.0 }]\n[server]\nbase_latency = \"10ms\"\nlatency_per_concurrent = \"1ms\"\n[client]\ntimeout = \"3s\"\nretry = { policy = \"none\", max_attempts = 1 }\n",
    )
    .expect("write model");
    let out = dir.join("out");
    run_model(&model, &out, &[]);
    let incidents = read(&out.join("incidents.csv"));
    assert_eq!(
        incidents,
        "t_s,kind,component,detail\n20.0,fault_start,load,schedule above 40/s\n30.0,fault_end,load,schedule above 40/s\n",
        "a healthy surge: its window and nothing else"
    );
}

/// With backoff, jitter and a retry budget the Brooker spike is survived: the
/// breach during the spike is followed by a recovery row at the time of the
/// summary's verdict (trigger end + recovery_s).
#[test]
fn a_service_that_recovers_records_the_breach_and_the_recovery() {
    let dir = scratch("report-service-recovers");
    let model = dir.join("recovers.toml");
    std::fs::write(
        &model,
        "kind = \"service\"\nname = \"recovers\"\nhorizon = \"200s\"\n[load]\nrate_per_s = 40.0\nspikes = [{ at = \"60s\", duration = \"5s\", rate_per_s = 80.0 }]\n[server]\nbase_latency = \"1s\"\nlatency_per_concurrent = \"10ms\"\n[client]\ntimeout = \"3s\"\nretry = { policy = \"full_jitter\", base = \"1s\", cap = \"30s\", max_attempts = 3 }\nbudget = { ratio = 0.1, max_tokens = 20 }\n",
    )
    .expect("write model");
    let out = dir.join("out");
    run_model(&model, &out, &[]);
    let summary: serde_json::Value =
        serde_json::from_str(&read(&out.join("summary.json"))).expect("summary.json");
    let verdict = &summary["triggers"][0];
    assert_eq!(verdict["recovered"], true, "seed 1 recovers: {verdict}");
    let recovered_at =
        verdict["trigger_end_s"].as_f64().unwrap() + verdict["recovery_s"].as_f64().unwrap();
    let incidents = read(&out.join("incidents.csv"));
    let at = |kind: &str| -> Vec<f64> {
        incidents
            .lines()
            .filter(|row| row.split(',').nth(1) == Some(kind))
            .map(|row| row.split(',').next().unwrap().parse().unwrap())
            .collect()
    };
    assert_eq!(at("fault_start"), vec![60.0], "{incidents}");
    assert_eq!(at("fault_end"), vec![65.0], "{incidents}");
    let breaches = at("slo_breach");
    assert!(
        breaches.len() == 1 && (60.0..=65.0).contains(&breaches[0]),
        "one breach during the spike (seed 1):\n{incidents}"
    );
    assert_eq!(
        at("recovery"),
        vec![recovered_at],
        "the recovery row is the summary's verdict:\n{incidents}"
    );
}

/// Network and contention runs draw their own dashboards, and `report`
/// rebuilds them; without a timeseries.csv it says how to get one.
#[test]
fn network_and_contention_runs_get_dashboards_that_report_rebuilds() {
    let network = scratch("report-network");
    let model = network.join("tiny.toml");
    std::fs::write(
        &model,
        "name = \"tiny\"\nhorizon = \"10m\"\n[[source]]\nname = \"a\"\nrate_per_s = 1.0\nto = \"desk\"\n[[station]]\nname = \"desk\"\nservers = 1\nservice = { dist = \"exp\", mean = \"0.5s\" }\n",
    )
    .expect("write model");
    let out = network.join("out");
    run_model(&model, &out, &[]);
    let series = read(&out.join("timeseries.csv"));
    assert!(
        series.starts_with("t_s,desk_queue,desk_utilization,desk_arrivals_per_s\n1,"),
        "a 10-minute network run has a row per second: {}",
        &series[..series.len().min(200)]
    );
    assert_eq!(series.lines().count(), 601, "600 rows and the header");
    assert_eq!(
        read(&out.join("incidents.csv")),
        "t_s,kind,component,detail\n"
    );
    let svg = read(&out.join("dashboard.svg"));
    for label in ["Customers waiting", "Utilization", "desk", "running mean"] {
        assert!(svg.contains(label), "the network dashboard lacks {label:?}");
    }
    assert!(
        !svg.contains("fault window"),
        "networks have no faults to key"
    );
    assert_report_rebuilds_the_dashboard(&out);
    std::fs::remove_file(out.join("timeseries.csv")).expect("remove");
    let output = sellout(&["report", out.to_str().unwrap()]);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("no timeseries.csv") && stderr.contains("sellout run"),
        "{stderr}"
    );

    let contention = scratch("report-contention");
    run_model(&models_dir().join("brooker-occ.toml"), &contention, &[]);
    let svg = read(&contention.join("dashboard.svg"));
    for label in [
        "Writes: failed and accepted",
        "Clients still trying",
        "Work so far",
        "T+1s",
    ] {
        assert!(
            svg.contains(label),
            "the contention dashboard lacks {label:?}"
        );
    }
    assert_report_rebuilds_the_dashboard(&contention);
}

/// `--journeys` has nothing to write outside on-sales: bad input, exit 2.
/// `--scale` is ignored there with a warning that names the flag and the kind.
#[test]
fn flags_for_onsales_are_refused_or_warned_about_on_other_kinds() {
    let dir = scratch("report-flags");
    let output = sellout(&[
        "run",
        models_dir().join("brooker-collapse.toml").to_str().unwrap(),
        "--journeys",
        "--out",
        dir.to_str().unwrap(),
    ]);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("--journeys")
            && stderr.contains("service model")
            && stderr.contains("on-sale"),
        "{stderr}"
    );
    assert!(!dir.join("summary.json").exists(), "refused before running");
    let (_, stderr) = run_model(&models_dir().join("mmc.toml"), &dir, &["--scale", "0.5"]);
    assert!(
        stderr.contains("warning: --scale")
            && stderr.contains("network model")
            && stderr.contains("ignored"),
        "{stderr}"
    );
}
