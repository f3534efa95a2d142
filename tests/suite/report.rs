//! `sellout run` and `sellout report` write the dashboard and the postmortem:
//! the files exist, the HTML is self-contained with the charts and timeline
//! inline, recorded incidents reach the timeline, and a report rebuilt later is
//! byte-identical.

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

#[test]
fn report_refuses_directories_without_an_onsale_run() {
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
    let network = scratch("report-network");
    let model = network.join("tiny.toml");
    std::fs::write(
        &model,
        "name = \"tiny\"\nhorizon = \"10s\"\n[[source]]\nname = \"a\"\nrate_per_s = 1.0\nto = \"desk\"\n[[station]]\nname = \"desk\"\nservers = 1\nservice = { dist = \"exp\", mean = \"0.5s\" }\n",
    )
    .expect("write model");
    let run = sellout(&[
        "run",
        model.to_str().unwrap(),
        "--out",
        network.to_str().unwrap(),
    ]);
    assert!(
        run.status.success(),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    let output = sellout(&["report", network.to_str().unwrap()]);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        !output.status.success() && stderr.contains("on-sale"),
        "{stderr}"
    );
}
