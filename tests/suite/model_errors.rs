//! Bad model files: exit code 2 and a message naming the field, the value and
//! what is allowed. No input makes the process panic.

use std::path::Path;

use proptest::prelude::*;
use sellout::engine::Streams;
use sellout::model::{ModelSpec, parse};
use sellout::network;

use super::cli::{models_dir, scratch, sellout};

fn mmc_text() -> String {
    std::fs::read_to_string(models_dir().join("mmc.toml")).unwrap()
}

/// (what to break, replacement, words the error must contain)
fn broken_models() -> Vec<(&'static str, String, Vec<&'static str>)> {
    let base = mmc_text();
    vec![
        (
            "zero servers",
            base.replace("servers = 8", "servers = 0"),
            vec!["station[0].servers", "0", "1 to"],
        ),
        (
            "unknown key",
            base.replace("servers = 8", "servers = 8\nspeed = 3"),
            vec!["station[0]", "speed"],
        ),
        (
            "duration without unit",
            base.replace("horizon = \"40h\"", "horizon = 40"),
            vec!["horizon", "unit"],
        ),
        (
            "bad duration",
            base.replace("mean = \"1s\"", "mean = \"1 parsec\""),
            vec![
                "station[0].service",
                "line 18",
                "invalid duration \"1 parsec\"",
            ],
        ),
        (
            "unknown distribution",
            base.replace("dist = \"exp\"", "dist = \"expo\""),
            vec!["station[0].service", "expo"],
        ),
        (
            "route to nowhere",
            base.replace("to = \"desk\"", "to = \"dsk\""),
            vec!["source[0].to", "dsk", "desk"],
        ),
        (
            "negative rate",
            base.replace("rate_per_s = 7.2", "rate_per_s = -7.2"),
            vec!["source[0].rate_per_s", "-7.2", "> 0"],
        ),
        (
            "capacity below servers",
            base.replace("servers = 8", "servers = 8\ncapacity = 4"),
            vec!["station[0].capacity", "4"],
        ),
        (
            "warmup past horizon",
            base.replace("warmup = \"2h\"", "warmup = \"50h\""),
            vec!["warmup", "50h", "horizon"],
        ),
        (
            "missing name",
            base.replace("name = \"mmc\"", ""),
            vec!["name"],
        ),
        (
            "syntax error",
            base.replace("servers = 8", "servers = = 8"),
            vec!["syntax"],
        ),
        (
            "unknown kind",
            format!("kind = \"rocket\"\n{base}"),
            vec!["kind", "rocket", "network"],
        ),
    ]
}

#[test]
fn malformed_models_exit_2_naming_the_field() {
    let dir = scratch("malformed");
    for (index, (what, text, words)) in broken_models().into_iter().enumerate() {
        let path = dir.join(format!("broken-{index}.toml"));
        std::fs::write(&path, &text).unwrap();
        let output = sellout(&[
            "run",
            path.to_str().unwrap(),
            "--out",
            dir.to_str().unwrap(),
        ]);
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(
            output.status.code(),
            Some(2),
            "{what}: expected exit 2, stderr: {stderr}"
        );
        for word in words {
            assert!(
                stderr.contains(word),
                "{what}: error lacks {word:?}: {stderr}"
            );
        }
        assert!(!stderr.contains("panicked"), "{what}: {stderr}");
    }
}

#[test]
fn a_missing_file_exits_2() {
    let output = sellout(&["run", "/nonexistent/model.toml"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("/nonexistent/model.toml"));
}

const ODD_VALUES: [&str; 16] = [
    "0",
    "-1",
    "1e308",
    "-1e308",
    "nan",
    "inf",
    "\"\"",
    "\"-5s\"",
    "\"0s\"",
    "\"1h\"",
    "[]",
    "{}",
    "\"desk\"",
    "true",
    "99999999999999999999",
    "{ dist = \"det\", value = \"0s\" }",
];

proptest! {
    #![proptest_config(ProptestConfig { cases: 400, ..ProptestConfig::default() })]

    /// Replace any value of a valid model by an odd one: parsing returns an
    /// error or a model, and a model that parses runs without panicking.
    #[test]
    fn odd_values_never_panic(line in 0usize..32, odd in 0usize..ODD_VALUES.len()) {
        let text: Vec<String> = mmc_text()
            .lines()
            .enumerate()
            .map(|(index, row)| match row.split_once(" = ") {
                Some((key, _)) if index == line && !row.starts_with('#') => format!("{key} = {}", ODD_VALUES[odd]),
                _ => row.to_owned(),
            })
            .collect();
        if let Ok(ModelSpec::Network(mut spec)) = parse(Path::new("odd.toml"), &text.join("\n")) {
            spec.max_events = 20_000;
            let _ = network::run(&spec, &Streams::new(1, 0));
        }
    }
}
