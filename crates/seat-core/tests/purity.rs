//! The purity guard: the core's source uses no clock, randomness, threads, I/O,
//! environment or hashed collections, and its only dependency is the optional serde.
//! (clippy.toml's disallowed-methods/types catch the same at lint time.)
#![allow(clippy::disallowed_methods)] // reading the sources is what this test is for

use std::path::{Path, PathBuf};

/// Fragments that must not appear in the core's source.
const FORBIDDEN: &[&str] = &[
    "std::time",
    "SystemTime",
    "Instant::now",
    "HashMap",
    "HashSet",
    "RandomState",
    "std::thread",
    "thread::spawn",
    // Immutable sharing (`Arc`) is deterministic; locks, atomics and channels are not
    // needed by a single-threaded core.
    "Mutex",
    "RwLock",
    "atomic",
    "mpsc",
    "Condvar",
    "std::fs",
    "std::net",
    "std::io",
    "std::env",
    "std::process",
    "rand::",
    "getrandom",
    "println!",
    "eprintln!",
    "print!(",
    "dbg!",
    "unsafe ",
];

fn rust_files(dir: &Path, found: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("src/ is readable") {
        let path = entry.expect("directory entry").path();
        if path.is_dir() {
            rust_files(&path, found);
        } else if path.extension().is_some_and(|e| e == "rs") {
            found.push(path);
        }
    }
}

#[test]
fn source_uses_no_clock_rng_threads_io_or_hashed_collections() {
    let mut files = Vec::new();
    rust_files(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("src"),
        &mut files,
    );
    assert!(files.len() > 5, "found the sources: {files:?}");
    let mut offences = Vec::new();
    for file in &files {
        let text = std::fs::read_to_string(file).expect("source is readable");
        for (number, line) in text.lines().enumerate() {
            let code = line.split("//").next().unwrap_or("");
            for fragment in FORBIDDEN.iter().filter(|f| code.contains(*f)) {
                offences.push(format!(
                    "{}:{}: `{fragment}` in: {}",
                    file.display(),
                    number + 1,
                    line.trim()
                ));
            }
        }
    }
    assert!(
        offences.is_empty(),
        "the core must stay pure:\n{}",
        offences.join("\n")
    );
}

#[test]
fn only_dependency_is_the_optional_serde() {
    let manifest =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("Cargo.toml")).unwrap();
    let mut section = String::new();
    let mut dependencies = Vec::new();
    for line in manifest.lines().map(str::trim) {
        if line.starts_with('[') {
            section = line.to_string();
        } else if !line.is_empty() && !line.starts_with('#') {
            let is_dependency_table = section == "[dependencies]"
                || section == "[build-dependencies]"
                || (section.starts_with("[target.") && section.ends_with("dependencies]"));
            if is_dependency_table {
                dependencies.push(line.to_string());
            }
        }
    }
    assert_eq!(
        dependencies.len(),
        1,
        "unexpected dependencies: {dependencies:?}"
    );
    assert!(dependencies[0].starts_with("serde ="), "{dependencies:?}");
    assert!(
        dependencies[0].contains("optional = true"),
        "serde must stay optional: {dependencies:?}"
    );
}
