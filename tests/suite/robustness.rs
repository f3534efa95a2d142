//! Issue 13's repros, each a test: inputs that once panicked, ran on nonsense,
//! or exited 1 for the user's own mistake now exit 2 with a message naming the
//! field, the value and what is allowed, before any simulation starts.

use std::time::Instant;

use super::cli::{models_dir, scratch, sellout};

fn baseline() -> String {
    std::fs::read_to_string(models_dir().join("baseline.toml")).unwrap()
}

/// The baseline with `line` added at the top of `[section]`.
fn with_line(section: &str, line: &str) -> String {
    let header = format!("[{section}]\n");
    let text = baseline();
    assert!(text.contains(&header), "baseline has {header}");
    text.replacen(&header, &format!("{header}{line}\n"), 1)
}

const ALERT: &str =
    "\n[[alert]]\nname = \"slow\"\nmetric = \"hold_p99_s\"\nabove = 2.0\nfor = \"30s\"\n";

fn refused(cases: Vec<(&str, String, Vec<&str>)>) {
    let dir = scratch("robustness-models");
    for (index, (what, text, words)) in cases.into_iter().enumerate() {
        let path = dir.join(format!("case-{index}.toml"));
        std::fs::write(&path, &text).unwrap();
        let out = dir.join(format!("out-{index}"));
        let output = sellout(&[
            "run",
            path.to_str().unwrap(),
            "--scale",
            "0.01",
            "--out",
            out.to_str().unwrap(),
        ]);
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(2), "{what}: {stderr}");
        for word in words {
            assert!(stderr.contains(word), "{what}: lacks {word:?}: {stderr}");
        }
        assert!(!stderr.contains("panicked"), "{what}: {stderr}");
    }
}

#[test]
fn values_that_were_accepted_or_panicked_exit_2_naming_the_field() {
    let adaptive = |rate: &str, p99: &str| {
        format!(
            "adaptive = {{ target_hold_p99 = \"{p99}\", max_error_rate = {rate}, min_per_min = 100.0, max_per_min = 5000.0 }}"
        )
    };
    refused(vec![
        (
            "lognormal cv 1e155 (panicked in the sampler)",
            baseline().replacen("cv = 0.6", "cv = 1e155", 1),
            vec![".cv", "1e155", "(0, 100]"],
        ),
        (
            "adaptive max_error_rate -0.1",
            with_line("waiting_room", &adaptive("-0.1", "2s")),
            vec!["waiting_room.adaptive.max_error_rate", "-0.1", "(0, 1]"],
        ),
        (
            "adaptive max_error_rate 1.5",
            with_line("waiting_room", &adaptive("1.5", "2s")),
            vec!["max_error_rate", "1.5"],
        ),
        (
            "adaptive max_error_rate nan",
            with_line("waiting_room", &adaptive("nan", "2s")),
            vec!["max_error_rate", "NaN"],
        ),
        (
            "negative target_hold_p99",
            with_line("waiting_room", &adaptive("0.1", "-1s")),
            vec!["waiting_room.adaptive.target_hold_p99", "> 0"],
        ),
        (
            "negative shed.queue_delay",
            with_line("app", "shed = { queue_delay = \"-1s\" }"),
            vec!["app.shed.queue_delay", "> 0"],
        ),
        (
            "empty shed",
            with_line("app", "shed = { }"),
            vec!["app.shed", "queue_length, queue_delay or both"],
        ),
        (
            "alert above nan",
            format!(
                "{}{}",
                baseline(),
                ALERT.replace("above = 2.0", "above = nan")
            ),
            vec!["alert[0].above", "a finite number"],
        ),
        (
            "runbook adds 0 servers",
            format!(
                "{}{ALERT}\n[[runbook]]\nalert = \"slow\"\ndelay = \"1m\"\naction = \"add_app_servers\"\namount = 0\n",
                baseline()
            ),
            vec!["runbook[0].amount", "1 to 100000"],
        ),
        (
            "rate limit 1e-300 per second",
            with_line("app", "rate_limit = { per_s = 1e-300, burst = 5 }"),
            vec!["app.rate_limit.per_s", "0.001"],
        ),
    ]);
}

/// Flags the user got wrong exit 2 at once: not after a whole simulation.
#[test]
fn bad_flags_and_outputs_exit_2_before_simulating() {
    let dir = scratch("robustness-flags");
    let model = models_dir().join("eras-2022.toml");
    let model = model.to_str().unwrap();
    let file = dir.join("a-file");
    std::fs::write(&file, b"not a directory").unwrap();
    let started = Instant::now();
    let output = sellout(&["run", model, "--out", file.to_str().unwrap()]);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("--out"), "{stderr}");
    // The whole eras run takes seconds; refusing must not wait for it.
    assert!(
        started.elapsed().as_secs_f64() < 2.0,
        "took {:?}",
        started.elapsed()
    );
    let output = sellout(&[
        "run",
        model,
        "--scale",
        "1e-300",
        "--out",
        dir.to_str().unwrap(),
    ]);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("--scale") && stderr.contains("at least 1"),
        "{stderr}"
    );
    let output = sellout(&["bench", "--rho", "1"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("--rho"));
}

/// A corrupt output directory handed to `report` is the user's input: exit 2.
#[test]
fn report_on_a_corrupt_directory_exits_2() {
    let dir = scratch("robustness-report");
    std::fs::write(dir.join("summary.json"), b"{ not json").unwrap();
    let output = sellout(&["report", dir.to_str().unwrap()]);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("summary.json"), "{stderr}");
}

/// A fault that starts after the horizon (it panicked in the recovery verdict,
/// and killed sweeps over the horizon) runs, with its verdicts undefined.
#[test]
fn a_fault_after_the_horizon_runs_with_undefined_verdicts() {
    let dir = scratch("robustness-late-fault");
    let text = std::fs::read_to_string(models_dir().join("db-failover.toml"))
        .unwrap()
        .replace("at = \"2m\"", "at = \"61m\"");
    let text = regex_free_horizon(&text, "1h");
    let path = dir.join("late.toml");
    std::fs::write(&path, text).unwrap();
    let output = sellout(&[
        "run",
        path.to_str().unwrap(),
        "--scale",
        "0.05",
        "--out",
        dir.join("out").to_str().unwrap(),
    ]);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(0), "{stderr}");
    let text = std::fs::read_to_string(dir.join("out/summary.json")).unwrap();
    let summary: serde_json::Value = serde_json::from_str(&text).unwrap();
    let recovered = &summary["metrics"]["fault0_recovered"];
    assert!(
        recovered["mean"].is_null() && recovered["undefined"] == 1,
        "{text}"
    );
}

/// The model text with its top-level `horizon` replaced.
fn regex_free_horizon(text: &str, horizon: &str) -> String {
    text.lines()
        .map(|line| {
            if line.starts_with("horizon = ") {
                format!("horizon = \"{horizon}\"\n")
            } else {
                format!("{line}\n")
            }
        })
        .collect()
}

/// A missing venue file is named as a venue file (not a "model file"), and the
/// OS's reason is printed once.
#[test]
fn a_missing_venue_file_is_named_as_one_and_the_reason_said_once() {
    let dir = scratch("robustness-venue");
    let text = baseline().replacen(
        "venue = { preset = \"arena\" }",
        "venue = { file = \"venues/missing.toml\" }",
        1,
    );
    assert!(
        text.contains("missing.toml"),
        "baseline names the arena preset"
    );
    let path = dir.join("venue.toml");
    std::fs::write(&path, text).unwrap();
    let output = sellout(&[
        "run",
        path.to_str().unwrap(),
        "--out",
        dir.to_str().unwrap(),
    ]);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("cannot read venue file"), "{stderr}");
    assert!(stderr.contains("sale.venue.file"), "{stderr}");
    assert_eq!(stderr.matches("No such file").count(), 1, "{stderr}");
    let output = sellout(&["run", "/nonexistent/model.toml"]);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(stderr.matches("No such file").count(), 1, "{stderr}");
}
