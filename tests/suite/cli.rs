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

/// The issue's acceptance check: the M/M/8 teaching model's mean wait CI holds Erlang C.
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

/// The names of sellout's subcommands, from the same clap definitions the binary uses.
fn subcommand_names() -> Vec<String> {
    use clap::CommandFactory;
    let names: Vec<String> = sellout::cli::Cli::command()
        .get_subcommands()
        .map(|command| command.get_name().to_owned())
        .collect();
    assert!(names.len() >= 9, "too few subcommands: {names:?}");
    names
}

#[test]
fn bash_completion_offers_every_subcommand() {
    let output = sellout(&["completions", "bash"]);
    assert!(output.status.success(), "{}", text(&output.stderr));
    let script = text(&output.stdout);
    assert!(
        script.contains("complete -F"),
        "not a bash completion:\n{script}"
    );
    for name in subcommand_names() {
        assert!(
            script.contains(&format!("sellout,{name})")),
            "bash completion lacks `{name}`"
        );
    }
    for shell in ["zsh", "fish", "powershell", "elvish"] {
        let output = sellout(&["completions", shell]);
        assert!(
            output.status.success() && !output.stdout.is_empty(),
            "{shell}"
        );
    }
}

#[test]
fn man_page_is_roff_and_names_every_subcommand() {
    let output = sellout(&["man"]);
    assert!(output.status.success(), "{}", text(&output.stderr));
    let page = text(&output.stdout);
    assert!(
        page.contains(".TH sellout 1"),
        "not a roff man page:\n{page}"
    );
    for name in subcommand_names() {
        assert!(
            page.contains(&format!("sellout\\-{name}(1)")),
            "man page lacks `{name}`"
        );
    }
    let dir = scratch("man-pages");
    let output = sellout(&["man", "--out", dir.to_str().unwrap()]);
    assert!(output.status.success(), "{}", text(&output.stderr));
    for name in [
        "sellout.1",
        "sellout-run.1",
        "sellout-sweep.1",
        "sellout-man.1",
    ] {
        assert!(dir.join(name).is_file(), "man --out did not write {name}");
    }
    // Render with man(1) where it is installed: groff must accept the page.
    match Command::new("man")
        .arg("-l")
        .arg(dir.join("sellout.1"))
        .env("MANPAGER", "cat")
        .env("MANWIDTH", "80")
        .output()
    {
        Ok(rendered) => {
            assert!(
                rendered.status.success(),
                "man -l failed: {}",
                text(&rendered.stderr)
            );
            assert!(
                text(&rendered.stderr).trim().is_empty(),
                "man -l warned: {}",
                text(&rendered.stderr)
            );
            assert!(text(&rendered.stdout).contains("SUBCOMMANDS"));
        }
        Err(error) => eprintln!("man is not installed ({error}); not rendering the page"),
    }
}

#[test]
fn quiet_run_prints_nothing_and_still_writes_its_outputs() {
    let out = scratch("quiet-run");
    let model = models_dir().join("mmc.toml");
    let output = sellout(&[
        "run",
        model.to_str().unwrap(),
        "--quiet",
        "--scale",
        "2",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert!(output.status.success(), "{}", text(&output.stderr));
    assert!(
        output.stdout.is_empty(),
        "--quiet printed:\n{}",
        text(&output.stdout)
    );
    // The --scale warning for a network model is not an error: --quiet drops it too.
    assert!(
        output.stderr.is_empty(),
        "--quiet printed:\n{}",
        text(&output.stderr)
    );
    for name in [
        "summary.json",
        "timeseries.csv",
        "incidents.csv",
        "dashboard.png",
    ] {
        assert!(out.join(name).is_file(), "--quiet did not write {name}");
    }
    // Errors still reach stderr.
    let missing = sellout(&["run", "no-such-model.toml", "--quiet"]);
    assert_eq!(missing.status.code(), Some(2));
    assert!(missing.stdout.is_empty());
    assert!(text(&missing.stderr).contains("Error:"));
}

#[test]
fn json_run_prints_its_summary_json() {
    let out = scratch("json-run");
    let model = models_dir().join("mmc.toml");
    let output = sellout(&[
        "run",
        model.to_str().unwrap(),
        "-r",
        "2",
        "--json",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert!(output.status.success(), "{}", text(&output.stderr));
    let printed: serde_json::Value =
        serde_json::from_slice(&output.stdout).expect("--json prints one JSON document");
    let file = std::fs::read(out.join("summary.json")).unwrap();
    let written: serde_json::Value = serde_json::from_slice(&file).unwrap();
    assert_eq!(printed, written);
    assert_eq!(text(&output.stdout).trim_end(), text(&file).trim_end());
    assert!(
        sellout(&["run", "x.toml", "--json", "--quiet"])
            .status
            .code()
            == Some(2)
    );
}

#[test]
fn json_check_prints_the_estimate() {
    let model = models_dir().join("mmc.toml");
    let output = sellout(&[
        "check",
        model.to_str().unwrap(),
        "--json",
        "--max-memory",
        "1G",
    ]);
    assert!(output.status.success(), "{}", text(&output.stderr));
    let estimate: serde_json::Value =
        serde_json::from_slice(&output.stdout).expect("check --json prints one JSON document");
    assert_eq!(estimate["kind"], "network", "{estimate}");
    assert_eq!(estimate["fits"], true, "{estimate}");
    assert_eq!(estimate["limit_bytes"], 1u64 << 30, "{estimate}");
    for key in ["events", "memory_bytes", "seconds"] {
        assert!(
            estimate[key].as_f64().is_some_and(|v| v > 0.0),
            "{key}: {estimate}"
        );
    }
}

#[test]
fn json_sweep_prints_sweep_json() {
    let dir = scratch("json-sweep");
    std::fs::copy(models_dir().join("mmc.toml"), dir.join("model.toml")).unwrap();
    std::fs::write(
        dir.join("sweep.toml"),
        "model = \"model.toml\"\nreplications = 2\nmetrics = [\"desk.served\"]\n\
         [grid]\n\"horizon\" = [\"3h\", \"4h\"]\n",
    )
    .unwrap();
    let out = dir.join("out");
    let output = sellout(&[
        "sweep",
        dir.join("sweep.toml").to_str().unwrap(),
        "--json",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert!(output.status.success(), "{}", text(&output.stderr));
    let printed: serde_json::Value =
        serde_json::from_slice(&output.stdout).expect("sweep --json prints one JSON document");
    let written: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.join("sweep.json")).unwrap()).unwrap();
    assert_eq!(printed, written);
}

/// `bench --model` runs the same replication `run` does: its event count is
/// the run's `events`, and an on-sale also reports fans per second.
#[test]
fn bench_model_times_the_run_that_run_makes() {
    let out = scratch("bench-model");
    let run = sellout(&[
        "run",
        "models/baseline.toml",
        "--scale",
        "0.05",
        "--seed",
        "3",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert!(run.status.success(), "{}", text(&run.stderr));
    let summary: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.join("summary.json")).unwrap()).unwrap();
    let events = summary["metrics"]["events"]["mean"].as_f64().unwrap();
    let bench = sellout(&[
        "bench",
        "--model",
        "models/baseline.toml",
        "--scale",
        "0.05",
        "--seed",
        "3",
    ]);
    let stdout = text(&bench.stdout);
    assert!(bench.status.success(), "{}", text(&bench.stderr));
    assert!(
        stdout.contains(&format!("events           : {events:.0}\n")),
        "run had {events} events (seed 3):\n{stdout}"
    );
    assert!(stdout.contains("fans_per_sec"), "{stdout}");
    let refused = sellout(&["bench", "--model", "models/mmc.toml", "--scale", "0.5"]);
    assert_eq!(refused.status.code(), Some(2), "{}", text(&refused.stderr));
}
