//! What a command prints on stdout: its human table (the default), nothing
//! (`--quiet`), or one JSON document for scripts (`--json`). The choice is
//! process-wide, set once from the command's flags, and consulted by `say!`,
//! `say_raw!`, `warn!` and the progress bars, so no command threads it through.

use std::sync::atomic::{AtomicU8, Ordering};

use clap::Args;

const HUMAN: u8 = 0;
const QUIET: u8 = 1;
const JSON: u8 = 2;

static MODE: AtomicU8 = AtomicU8::new(HUMAN);

/// `--quiet` and `--json`, shared by `run`, `sweep` and `check`.
#[derive(Args, Debug, Clone, Copy)]
pub struct OutputFlags {
    /// Print nothing but errors (on stderr); output files are still written.
    #[arg(long, short = 'q', conflicts_with = "json")]
    quiet: bool,
    /// Print one JSON document on stdout instead of the table (for jq and
    /// scripts); warnings and errors still go to stderr.
    #[arg(long)]
    json: bool,
}

impl OutputFlags {
    /// Makes these flags the process's output mode.
    pub fn apply(self) {
        let mode = match (self.quiet, self.json) {
            (_, true) => JSON,
            (true, false) => QUIET,
            (false, false) => HUMAN,
        };
        MODE.store(mode, Ordering::Relaxed);
    }
}

/// Whether stdout carries the human-readable tables and progress (neither --quiet nor --json).
pub fn human() -> bool {
    MODE.load(Ordering::Relaxed) == HUMAN
}

/// Whether warnings are printed on stderr (not under --quiet).
pub fn warnings() -> bool {
    MODE.load(Ordering::Relaxed) != QUIET
}

/// Under --json, prints `document` (already JSON) on stdout with a final newline.
pub fn print_json(document: &[u8]) {
    use std::io::Write as _;
    if MODE.load(Ordering::Relaxed) == JSON {
        let mut stdout = std::io::stdout().lock();
        let _ = stdout.write_all(document);
        if !document.ends_with(b"\n") {
            let _ = stdout.write_all(b"\n");
        }
        let _ = stdout.flush();
    }
}
