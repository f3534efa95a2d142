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
