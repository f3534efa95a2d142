//! The command line: raw flags parsed by clap here, one file per command under
//! `cli/`. Validation of model files lives in `model`.

/// Prints a line to stdout, ignoring a closed pipe (`sellout run … | head`):
/// results are already on disk, and a CLI must not panic on output. Silent
/// under `--quiet` and `--json` (see `cli/mode.rs`).
macro_rules! say {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        if $crate::cli::mode::human() {
            let _ = writeln!(std::io::stdout(), $($arg)*);
        }
    }};
}

/// Like [`say!`] without the newline.
macro_rules! say_raw {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        if $crate::cli::mode::human() {
            let _ = write!(std::io::stdout(), $($arg)*);
        }
    }};
}

/// Prints `warning: …` on stderr, except under `--quiet`.
macro_rules! warn {
    ($($arg:tt)*) => {{
        if $crate::cli::mode::warnings() {
            eprintln!("warning: {}", format_args!($($arg)*));
        }
    }};
}

mod bench;
mod budget;
mod check;
mod completions;
mod export;
mod man;
mod merge;
mod mode;
mod output;
mod plan;
mod progress;
mod report;
mod run;
mod sweep;

use anyhow::Result;
use clap::{Parser, Subcommand};

pub use bench::mm1_spec;
pub use output::BadInput;

/// sellout: a deterministic discrete-event simulator of high-demand ticket on-sales.
///
/// Same model file + same seed = byte-identical outputs, on any machine, with any
/// number of threads. Model files are TOML; see README.md for every key.
#[derive(Parser, Debug)]
#[command(name = "sellout", version, about, long_about)]
pub struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Simulate a model file and write DIR/summary.json (with provenance), then print a table.
    ///
    /// With --replications R > 1, every metric comes with a 95% confidence interval
    /// across replications (Student t). Replication r draws from streams derived
    /// from (seed, r), so results do not depend on --threads.
    Run(run::RunArgs),
    /// Measure engine speed on M/M/1 at ρ = 0.9 (events/s and customers/s, one thread, statistics on).
    Bench(bench::BenchArgs),
    /// Run an experiment: a grid of model variants × seeded replications, in parallel.
    ///
    /// Writes DIR/runs.csv, summary.csv (mean, std dev, 95% CI, p5/p50/p95, SLO-met
    /// fraction), paired.csv (differences from the baseline variant, paired by
    /// replication) and sweep.json. Every variant sees the same fans in the same
    /// replication. Finished runs are journaled; rerunning after a kill resumes.
    Sweep(sweep::SweepArgs),
    /// Combine the outputs of `sellout sweep --shard K/N` into one sweep's files.
    Merge(merge::MergeArgs),
    /// Find the smallest value of the experiment's [plan] parameter that meets its SLO in ≥ 95% of replications.
    Plan(plan::PlanArgs),
    /// Validate a model or experiment file without running it, and print the
    /// estimated events, peak memory and run time.
    Check(check::CheckArgs),
    /// Draw the dashboard and write the postmortem (Markdown and self-contained HTML) and the replay page of an on-sale run's output directory.
    Report(report::ReportArgs),
    /// Export an on-sale run for load tests and monitoring: a k6 script, a locustfile,
    /// OpenMetrics, Prometheus alerting rules or a Grafana dashboard.
    ///
    /// The load tests follow the simulated request rate per endpoint (--speed
    /// shortens time, --rate-scale scales rates); the metrics open at --start.
    /// Same run directory and flags = byte-identical file.
    Export(export::ExportArgs),
    /// Print a completion script for bash, zsh, fish, powershell or elvish to stdout.
    ///
    /// For example: `sellout completions bash > ~/.local/share/bash-completion/completions/sellout`.
    Completions(completions::CompletionsArgs),
    /// Print the man page (roff) to stdout, or write one page per subcommand with --out DIR.
    Man(man::ManArgs),
}

/// Parses the command line and runs the chosen command.
pub fn run() -> Result<()> {
    let cli = Cli::parse();
    match cli.command {
        Command::Run(args) => run::run_model(args),
        Command::Bench(args) => bench::bench(args),
        Command::Sweep(args) => sweep::sweep(args),
        Command::Merge(args) => merge::merge(args),
        Command::Plan(args) => plan::run_plan(args),
        Command::Report(args) => report::report(args),
        Command::Export(args) => export::export_run(args),
        Command::Check(args) => check::check(args),
        Command::Completions(args) => completions::completions(args),
        Command::Man(args) => man::man(args),
    }
}
