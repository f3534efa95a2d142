//! The bar of `sellout run`: runs done, counting running replications by how
//! far their virtual clocks have got, and the latest clock reached. Drawn on
//! stderr only when it is a terminal; otherwise nothing is drawn and no thread
//! is started.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use indicatif::{ProgressBar, ProgressStyle};

use crate::engine::Time;
use crate::engine::progress::{PARTS, Tracker};

/// How often the bar is redrawn.
const REDRAW: Duration = Duration::from_millis(200);

/// Runs `work` (which reports into the tracker it is given) under a bar
/// for `replications` runs, and clears the bar when it returns. No bar
/// off a terminal or under --quiet and --json.
pub fn with_run_progress<T>(replications: u64, work: impl FnOnce(&Arc<Tracker>) -> T) -> T {
    let tracker = Arc::new(Tracker::default());
    let bar = ProgressBar::new(replications.saturating_mul(PARTS));
    if bar.is_hidden() || !super::mode::human() {
        return work(&tracker);
    }
    if let Ok(style) = ProgressStyle::with_template("{bar:30} {msg}  ETA {eta}") {
        bar.set_style(style);
    }
    let finished = AtomicBool::new(false);
    let result = std::thread::scope(|scope| {
        let drawer = scope.spawn(|| {
            while !finished.load(Ordering::Relaxed) {
                draw(&bar, &tracker, replications);
                std::thread::park_timeout(REDRAW);
            }
        });
        let result = work(&tracker);
        finished.store(true, Ordering::Relaxed);
        drawer.thread().unpark();
        result
    });
    bar.finish_and_clear();
    result
}

fn draw(bar: &ProgressBar, tracker: &Tracker, replications: u64) {
    let done = tracker.runs_done();
    bar.set_position((done * PARTS as f64) as u64);
    let mut message = format!("{done:.1}/{replications} runs");
    if let Some((reached, horizon)) = tracker.clock() {
        message.push_str(&format!("  virtual time {}", clock(reached)));
        if let Some(horizon) = horizon {
            message.push_str(&format!(" of {}", clock(horizon)));
        }
    }
    bar.set_message(message);
}

/// T+2h13m, T-25m, T+40s: a clock relative to the opening, coarse enough to read.
fn clock(time: Time) -> String {
    let seconds = time.as_secs_f64();
    let sign = if seconds < 0.0 { '-' } else { '+' };
    let whole = seconds.abs().round() as u64;
    match whole {
        0..60 => format!("T{sign}{whole}s"),
        60..3600 => format!("T{sign}{}m", whole / 60),
        _ => format!("T{sign}{}h{:02}m", whole / 3600, whole % 3600 / 60),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clocks_read_at_a_glance() {
        assert_eq!(clock(Time::from_secs_f64(40.0)), "T+40s");
        assert_eq!(clock(Time::from_secs_f64(-1500.0)), "T-25m");
        assert_eq!(clock(Time::from_secs_f64(7980.0)), "T+2h13m");
    }

    #[test]
    fn off_a_terminal_the_work_runs_without_a_drawing_thread() {
        // Tests do not run on a terminal, so the bar is hidden.
        let value = with_run_progress(3, |tracker| {
            assert_eq!(tracker.runs_done(), 0.0);
            7
        });
        assert_eq!(value, 7);
    }
}
