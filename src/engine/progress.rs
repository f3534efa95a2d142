//! Progress within runs, for a person watching a terminal: how far the
//! running replications' clocks have got, not only how many have finished.
//! A 40 s Oasis run used to show nothing until it flashed `1/1 runs`.
//!
//! The run loop reports every [`EVERY_EVENTS`] events into the [`Tracker`]
//! its thread was given with [`track`]. Reporting only writes atomics the
//! simulation never reads, so results cannot depend on it.

use std::cell::RefCell;
use std::sync::Arc;
use std::sync::atomic::{AtomicI64, AtomicU64, Ordering};

use super::Time;

/// How often (in events) a run reports its clock: rare enough to cost nothing
/// measurable, often enough for a bar (a few times a second at 1M events/s).
pub const EVERY_EVENTS: u64 = 1 << 16;

/// Parts per run: a running replication counts as `reached / PARTS` of a run.
pub const PARTS: u64 = 1000;

/// Shared by the replications of one command and the thread drawing the bar.
#[derive(Debug)]
pub struct Tracker {
    /// Finished runs × [`PARTS`] plus each running run's parts done.
    parts: AtomicU64,
    /// The latest virtual time any run has reached, in nanoseconds.
    latest: AtomicI64,
    /// Its horizon, in nanoseconds (0 when unbounded or not yet known).
    horizon: AtomicI64,
}

impl Default for Tracker {
    fn default() -> Self {
        Tracker {
            parts: AtomicU64::new(0),
            latest: AtomicI64::new(i64::MIN),
            horizon: AtomicI64::new(0),
        }
    }
}

impl Tracker {
    /// Runs done so far, counting running ones by how far their clocks got.
    pub fn runs_done(&self) -> f64 {
        self.parts.load(Ordering::Relaxed) as f64 / PARTS as f64
    }

    /// (latest virtual time reached, horizon), once a run has reported.
    pub fn clock(&self) -> Option<(Time, Option<Time>)> {
        let latest = self.latest.load(Ordering::Relaxed);
        (latest != i64::MIN).then(|| {
            let horizon = self.horizon.load(Ordering::Relaxed);
            (Time(latest), (horizon != 0).then_some(Time(horizon)))
        })
    }
}

/// The run on this thread: its tracker and the parts it has reported.
struct Current {
    tracker: Arc<Tracker>,
    reported: u64,
}

thread_local! {
    static CURRENT: RefCell<Option<Current>> = const { RefCell::new(None) };
}

/// Runs `run` with its progress reported to `tracker`; when it returns, the
/// run counts as one whole finished run.
pub fn track<T>(tracker: &Arc<Tracker>, run: impl FnOnce() -> T) -> T {
    CURRENT.with(|current| {
        *current.borrow_mut() = Some(Current {
            tracker: Arc::clone(tracker),
            reported: 0,
        });
    });
    let result = run();
    CURRENT.with(|current| {
        if let Some(done) = current.borrow_mut().take() {
            done.tracker
                .parts
                .fetch_add(PARTS - done.reported, Ordering::Relaxed);
        }
    });
    result
}

/// Called by the run loop: the clock of the run on this thread stands at
/// `now`, on its way from `start` to `horizon`.
pub(crate) fn reached(start: Time, now: Time, horizon: Time) {
    CURRENT.with(|current| {
        let mut current = current.borrow_mut();
        let Some(current) = current.as_mut() else {
            return;
        };
        let tracker = &current.tracker;
        tracker.latest.fetch_max(now.0, Ordering::Relaxed);
        if horizon == Time::END_OF_TIME {
            return;
        }
        tracker.horizon.store(horizon.0, Ordering::Relaxed);
        let span = (horizon.0 - start.0).max(1) as f64;
        let fraction = ((now.0 - start.0) as f64 / span).clamp(0.0, 1.0);
        // Never a whole run before it returns: finishing adds the rest.
        let parts = ((fraction * PARTS as f64) as u64).min(PARTS - 1);
        if parts > current.reported {
            tracker
                .parts
                .fetch_add(parts - current.reported, Ordering::Relaxed);
            current.reported = parts;
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_run_counts_by_its_clock_and_whole_when_it_returns() {
        let tracker = Arc::new(Tracker::default());
        let start = Time(0);
        let horizon = Time(1_000_000_000);
        track(&tracker, || {
            reached(start, Time(250_000_000), horizon);
            assert_eq!(tracker.runs_done(), 0.25);
            // The clock never goes back, and a report past the end stays under 1.
            reached(start, Time(2_000_000_000), horizon);
            assert_eq!(tracker.runs_done(), 0.999);
            assert_eq!(tracker.clock(), Some((Time(2_000_000_000), Some(horizon))));
        });
        assert_eq!(tracker.runs_done(), 1.0);
        // A thread without a tracker reports nowhere.
        reached(start, Time(1), horizon);
        assert_eq!(tracker.runs_done(), 1.0);
    }
}
