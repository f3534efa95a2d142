//! The postmortem's numbers on a model built to produce them (issue 18,
//! item 5): the impact table, the retry amplification and the saturated
//! component, each computed from the model's parameters.

use std::path::Path;

use super::cli::{scratch, sellout};

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|error| panic!("{}: {error}", path.display()))
}

/// A model whose postmortem numbers follow from its parameters: 400 fans,
/// each wanting one 50.00 standing ticket (1,000 on sale), all there at the
/// opening with no waiting room, event pages from the CDN. A quarter of them
/// (a Binomial draw, M) load the seat map first, from one replica connection
/// with 0.5 s reads that all fail (an error-rate fault of 1.0 on the replicas
/// for the whole run): each of them tries 4 times (3 retries, 1 s apart) and
/// gives up. The others make 4 requests each (event page, hold, payment,
/// confirm) and buy. So, given M: requests = 4·400 + M, system errors = 4M,
/// retry amplification = (4·400 + M) / 400, sold = 400 − M, revenue =
/// 50.00 × (400 − M); the one replica connection serves the 4M reads back to
/// back, 100% busy for about 2M seconds, the minutes with the most errors.
const POSTMORTEM_MODEL: &str = r#"kind = "onsale"
name = "replica-failure"
horizon = "10m"

[sale]
hold_ttl = "8m"
order_limit = 1
venue = { file = "standing.toml" }

[demand]
population = 400
show_up = 1.0
pre_queue_share = 1.0
spike_share = 0.0
spike_mean = "90s"
tail_mean = "20m"
tickets = [1.0]
general_admission_share = 1.0
patience = { dist = "det", value = "10h" }
seat_map_share = 0.25
think_seat = { dist = "det", value = "500ms" }
think_payment = { dist = "det", value = "1s" }
retry = { attempts = 3, delay = { dist = "det", value = "1s" } }

[waiting_room]
mode = "none"
opens = "-30m"
outflow_per_min = 2000
token_ttl = "10m"
poll_interval = "30s"
capacity_per_s = 20000

[cdn]
hit_ratio = 1.0
capacity_per_s = 50000
latency = { dist = "det", value = "40ms" }

[app]
servers = 10
workers = 16
queue = 2000
timeout = "300s"
service.event_page = { dist = "det", value = "40ms" }
service.seat_map = { dist = "det", value = "60ms" }
service.hold = { dist = "det", value = "30ms" }
service.payment = { dist = "det", value = "20ms" }
service.confirm = { dist = "det", value = "20ms" }

[database]
connections = 32
hold = { dist = "det", value = "15ms" }
confirm = { dist = "det", value = "10ms" }
replicas = 1
replica_connections = 1
seat_map = { dist = "det", value = "500ms" }
replica_lag = "0s"

[payment]
latency = { dist = "det", value = "1s" }
decline_rate = 0.0
timeout = "30s"
retries = 0

[[fault]]
kind = "error_rate"
component = "replicas"
at = "0s"
duration = "10m"
fraction = 1.0
"#;

const STANDING_VENUE: &str = r#"name = "standing-1000"
capacity = 1000

[[price_levels]]
name = "standing"
price_minor = 5000

[[general_admission]]
name = "floor"

[[general_admission.tiers]]
price_level = "standing"
capacity = 1000
"#;

/// 1,234,567 as the postmortem writes a count.
fn grouped(value: u64) -> String {
    let digits = value.to_string();
    let mut out = String::new();
    for (index, digit) in digits.chars().enumerate() {
        if index > 0 && (digits.len() - index).is_multiple_of(3) {
            out.push(',');
        }
        out.push(digit);
    }
    out
}

/// The value cell of the impact table's row `label`.
fn impact_value<'a>(markdown: &'a str, label: &str) -> &'a str {
    let prefix = format!("| {label} | ");
    let line = markdown
        .lines()
        .find(|line| line.starts_with(&prefix))
        .unwrap_or_else(|| panic!("no impact row {label:?}"));
    line[prefix.len()..].split(" | ").next().unwrap()
}

#[test]
fn the_postmortem_reports_the_impact_amplification_and_saturation_it_was_built_for() {
    let seed = 63;
    let dir = scratch("postmortem-numbers");
    std::fs::write(dir.join("standing.toml"), STANDING_VENUE).unwrap();
    let model = dir.join("replica-failure.toml");
    std::fs::write(&model, POSTMORTEM_MODEL).unwrap();
    let out = dir.join("out");
    let output = sellout(&[
        "run",
        model.to_str().unwrap(),
        "--seed",
        &seed.to_string(),
        "--out",
        out.to_str().unwrap(),
    ]);
    assert!(
        output.status.success(),
        "seed {seed}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    let markdown = read(&out.join("postmortem.md"));
    let row = |label| impact_value(&markdown, label);
    let (fans, share, tries) = (400u64, 0.25, 4u64);
    // M, the seat-map fans, is the one random number: Binomial(400, 0.25).
    let mapped: u64 = row("Fans who gave up after errors")
        .replace(',', "")
        .parse()
        .unwrap();
    let sigma = (fans as f64 * share * (1.0 - share)).sqrt();
    assert!(
        (mapped as f64 - fans as f64 * share).abs() <= 3.0 * sigma,
        "{mapped} seat-map fans of {fans}, expected {} ± {:.0} (seed {seed})",
        fans as f64 * share,
        3.0 * sigma
    );
    let bought = fans - mapped;
    let requests = 4 * fans + mapped;
    let expected = [
        ("Fans arrived", grouped(fans)),
        ("Fans who bought", grouped(bought)),
        ("Fans who gave up in the waiting room", "0".to_owned()),
        ("Fans who left when sold out", "0".to_owned()),
        ("Requests", grouped(requests)),
        (
            "System error rate",
            format!("{:.1}%", 100.0 * (tries * mapped) as f64 / requests as f64),
        ),
        ("Rejected (queue full)", "0".to_owned()),
        ("Timed out", "0".to_owned()),
        ("Tickets sold", grouped(bought)),
        ("Capacity", "1,000".to_owned()),
        ("Revenue", format!("{}.00", grouped(50 * bought))),
        ("Bots' share of tickets", "0.0%".to_owned()),
    ];
    for (label, value) in expected {
        assert_eq!(
            row(label),
            value,
            "impact row {label:?} with M = {mapped} seat-map fans (seed {seed})"
        );
    }
    let amplification = format!(
        "**Retry amplification: {:.2} requests per arriving fan or bot** ({} requests from {fans} clients)",
        requests as f64 / fans as f64,
        grouped(requests)
    );
    assert!(
        markdown.contains(&amplification),
        "postmortem lacks {amplification:?} (seed {seed})"
    );
    assert!(
        markdown.contains("**Saturated component: read replicas**, 100.0% busy"),
        "the one replica connection is the saturated pool (seed {seed}):\n{markdown}"
    );
    assert!(
        markdown.contains(&format!(
            "{} tickets were still unsold at the end of the run.",
            grouped(1000 - bought)
        )),
        "seed {seed}"
    );
}

/// The Eras postmortem reads like the real one (issue 11, item 5): the crowd
/// without codes, the refresh amplification and the bots on the code check
/// are named as contributing factors with their figures, the alerts detect
/// the trouble in the timeline, and the summary says how many interactions
/// failed. Each figure is checked against the run's own summary.json.
#[test]
fn the_eras_postmortem_names_the_crowd_the_refreshes_and_the_code_check() {
    let out = scratch("postmortem-eras");
    let run = sellout(&[
        "run",
        "models/eras-2022.toml",
        "--scale",
        "0.1",
        "--quiet",
        "--out",
        out.to_str().expect("utf-8 path"),
    ]);
    assert!(
        run.status.success(),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    let text = read(&out.join("postmortem.md"));
    let summary: serde_json::Value =
        serde_json::from_str(&read(&out.join("summary.json"))).expect("summary.json parses");
    let mean = |key: &str| summary["metrics"][key]["mean"].as_f64().expect(key);
    let rate = format!("{:.1}%", 100.0 * mean("interaction_error_rate"));
    for needle in [
        "**Load from the crowd:".to_owned(),
        format!("{rate} of interactions ended on an error page"),
        "**Refresh amplification:".to_owned(),
        "**Bot load on the code check:".to_owned(),
        "| Alert firing | monitoring | code-check-saturated |".to_owned(),
        "| Alert firing | monitoring | queue-status-errors |".to_owned(),
        "| Queue status polls start failing |".to_owned(),
        "The first alert fired at".to_owned(),
    ] {
        assert!(
            text.contains(&needle),
            "postmortem lacks {needle:?}:\n{text}"
        );
    }
    let without_code = mean("visitors") - mean("fans_arrived") - mean("bots_arrived");
    assert!(
        without_code > 10.0 * mean("fans_arrived"),
        "the crowd dwarfs the fans: {without_code} visitors without a code"
    );
}
