//! Same model + same seed ⇒ identical bytes, whatever the thread count.

use super::cli::{models_dir, scratch, sellout};

fn summary_bytes(model: &str, seed: &str, threads: &str, label: &str) -> Vec<u8> {
    let out = scratch(label);
    let output = sellout(&[
        "run",
        model,
        "--seed",
        seed,
        "--replications",
        "4",
        "--threads",
        threads,
        "--out",
        out.to_str().unwrap(),
    ]);
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    std::fs::read(out.join("summary.json")).unwrap()
}

#[test]
fn same_seed_gives_identical_bytes_across_thread_counts() {
    let model = models_dir().join("mm1.toml");
    let model = model.to_str().unwrap();
    let one_thread = summary_bytes(model, "5", "1", "det-1");
    let two_threads = summary_bytes(model, "5", "2", "det-2");
    assert!(
        one_thread == two_threads,
        "summary.json differs between --threads 1 and 2 (model mm1, seed 5)"
    );
    let other_seed = summary_bytes(model, "6", "2", "det-3");
    assert!(
        one_thread != other_seed,
        "seeds 5 and 6 gave identical results"
    );
}

/// Streams are named, so a new source and station elsewhere leave the desk's
/// arrivals and services, hence all its statistics, exactly as they were.
#[test]
fn adding_a_station_leaves_other_streams_unchanged() {
    let base = std::fs::read_to_string(models_dir().join("mmc.toml"))
        .unwrap()
        .replace("horizon = \"40h\"", "horizon = \"3h\"");
    let extended = format!(
        "{base}\n[[source]]\nname = \"walk-ins\"\nrate_per_s = 1.0\nto = \"kiosk\"\n\n[[station]]\nname = \"kiosk\"\nservers = 1\nservice = {{ dist = \"exp\", mean = \"0.5s\" }}\n"
    );
    let dir = scratch("streams-independent");
    let mut desks = Vec::new();
    for (name, text) in [("base.toml", &base), ("extended.toml", &extended)] {
        let path = dir.join(name);
        std::fs::write(&path, text).unwrap();
        let out = dir.join(name.replace(".toml", ""));
        let output = sellout(&[
            "run",
            path.to_str().unwrap(),
            "--seed",
            "9",
            "--out",
            out.to_str().unwrap(),
        ]);
        assert!(
            output.status.success(),
            "{}",
            String::from_utf8_lossy(&output.stderr)
        );
        let summary: serde_json::Value =
            serde_json::from_slice(&std::fs::read(out.join("summary.json")).unwrap()).unwrap();
        desks.push(summary["stations"]["desk"].clone());
    }
    assert_eq!(
        desks[0], desks[1],
        "adding a kiosk changed the desk (seed 9)"
    );
    assert!(desks[0]["served"]["mean"].as_f64().unwrap() > 1000.0);
}
