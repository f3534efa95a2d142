//! The command line end to end: help, the run table, exit codes.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// Runs the `sellout` binary.
pub fn sellout(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_sellout"))
        .args(args)
        .output()
        .expect("sellout binary runs")
}

/// A fresh scratch directory under the target directory.
pub fn scratch(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("scratch dir");
    dir
}

/// The repository's `models/` directory.
pub fn models_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("models")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

#[test]
fn help_explains_every_subcommand() {
    let help = sellout(&["--help"]);
    assert!(help.status.success());
    let help = text(&help.stdout);
    assert!(help.contains("run") && help.contains("bench"), "{help}");
    let run_help = text(&sellout(&["run", "--help"]).stdout);
    for flag in ["--seed", "--replications", "--out", "--threads"] {
        assert!(
            run_help.contains(flag),
            "run --help lacks {flag}:\n{run_help}"
        );
    }
}

/// The acceptance check: the M/M/8 teaching model's mean wait CI holds Erlang C.
#[test]
fn mmc_model_wait_interval_contains_erlang_c() {
    let out = scratch("mmc-cli");
    let model = models_dir().join("mmc.toml");
    let output = sellout(&[
        "run",
        model.to_str().unwrap(),
        "--replications",
        "10",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert!(output.status.success(), "{}", text(&output.stderr));
    let table = text(&output.stdout);
    assert!(
        table.contains("wait_mean_s") && table.contains("desk"),
        "{table}"
    );
    let summary: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.join("summary.json")).unwrap()).unwrap();
    let wait = &summary["stations"]["desk"]["wait_mean_s"];
    let (low, high) = (
        wait["ci95"][0].as_f64().unwrap(),
        wait["ci95"][1].as_f64().unwrap(),
    );
    let erlang_c = super::theory::mmc(7.2, 1.0, 8).wait_mean_s;
    assert!(
        low <= erlang_c && erlang_c <= high,
        "Erlang C {erlang_c} outside [{low}, {high}] (seed 1)"
    );
    let provenance = &summary["provenance"];
    assert_eq!(provenance["model"], "mmc");
    assert_eq!(provenance["seed"], 1);
    assert_eq!(provenance["model_sha256"].as_str().map(str::len), Some(64));
    assert_eq!(provenance["sellout_version"], env!("CARGO_PKG_VERSION"));
}

#[test]
fn a_run_that_hits_its_event_limit_exits_1_and_names_the_seed() {
    let dir = scratch("event-limit");
    let model = dir.join("runaway.toml");
    let mm1 = std::fs::read_to_string(models_dir().join("mm1.toml")).unwrap();
    let text_model = mm1.replacen("[[source]]", "max_events = 1000\n\n[[source]]", 1);
    std::fs::write(&model, text_model).unwrap();
    let output = sellout(&[
        "run",
        model.to_str().unwrap(),
        "--seed",
        "77",
        "--out",
        dir.to_str().unwrap(),
    ]);
    assert_eq!(output.status.code(), Some(1), "{}", text(&output.stderr));
    let stderr = text(&output.stderr);
    assert!(
        stderr.contains("event limit") && stderr.contains("seed 77"),
        "{stderr}"
    );
}
