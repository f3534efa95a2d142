//! The run loop: pop the earliest event, advance the clock, hand the event to the
//! model. Every loop has a limit: the horizon and a maximum number of events.

use super::queue::{Compact, EventQueue, LaneTimer};
use super::time::{Span, Time};

/// A simulated system. `Event` is the model's closed event enum; `dispatch` is
/// the one place that matches on it.
pub trait Model {
    /// The model's events: present-tense facts such as `CustomerArrives`.
    type Event: Compact;

    /// Handles one event at virtual time `now`; schedules follow-ups on `scheduler`.
    fn dispatch(&mut self, now: Time, event: Self::Event, scheduler: &mut Scheduler<Self::Event>);

    /// A hint: the event handled next is probably about `subject` (its
    /// [`Compact::subject`]), so the model may prefetch that record. Does
    /// nothing by default.
    #[inline]
    fn upcoming(&self, _subject: u32) {}
}

/// What a handler may do with time: read the clock and schedule events.
pub struct Scheduler<E> {
    now: Time,
    queue: EventQueue<E>,
}

impl<E: Compact> Scheduler<E> {
    /// The current virtual time.
    #[inline]
    pub fn now(&self) -> Time {
        self.now
    }

    /// Schedules `event` at absolute time `at`, which must not be in the past.
    #[inline]
    pub fn at(&mut self, at: Time, event: E) {
        debug_assert!(
            at >= self.now,
            "event scheduled in the past: {at} < {}",
            self.now
        );
        self.queue.push(at.max(self.now), event);
    }

    /// Schedules `event` `delay` after now.
    #[inline]
    pub fn after(&mut self, delay: Span, event: E) {
        self.queue.push(self.now + delay, event);
    }

    /// Schedules `event` `delay` after now, for a timer that always uses the
    /// same delay (a client timeout): see [`EventQueue::push_in_order`].
    /// `tag` identifies it to [`Scheduler::cancel_fixed`].
    #[inline]
    pub fn after_fixed(&mut self, delay: Span, event: E, tag: u64) {
        self.queue.push_in_order(self.now + delay, event, tag);
    }

    /// The handle the next [`Scheduler::after_fixed`] timer will have, to
    /// hand to whatever may later make the timer moot.
    #[inline]
    pub fn next_fixed_timer(&self) -> LaneTimer {
        self.queue.next_in_order()
    }

    /// Cancels the fixed-delay timer `timer` if it still waits and was
    /// scheduled with `tag`; it is then never handled. True if cancelled.
    #[inline]
    pub fn cancel_fixed(&mut self, timer: LaneTimer, tag: u64) -> bool {
        self.queue.cancel_in_order(timer, tag)
    }

    /// Number of pending events.
    pub fn pending(&self) -> usize {
        self.queue.len()
    }
}

/// Bounds on one run.
#[derive(Clone, Copy, Debug)]
pub struct Limits {
    /// No event later than this is processed; the clock stops here.
    pub horizon: Time,
    /// Processing more events than this is an error (a runaway model).
    pub max_events: u64,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            horizon: Time::END_OF_TIME,
            max_events: u64::MAX,
        }
    }
}

/// Why a run ended normally.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Stop {
    /// The next event lies beyond the horizon; the clock stands at the horizon.
    Horizon,
    /// No events remain.
    Drained,
}

/// A run that hit a limit it must not reach.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum StopError {
    /// The model processed `max_events` events before reaching its horizon.
    /// Fatal for the run: raise `max_events` or shorten the horizon.
    #[error("event limit reached: {max_events} events processed by virtual time {now}")]
    MaxEvents {
        /// The configured limit.
        max_events: u64,
        /// Virtual time when it was hit.
        now: Time,
    },
}

/// The clock, the future event list and the count of processed events.
pub struct Simulation<E> {
    scheduler: Scheduler<E>,
    events_processed: u64,
}

impl<E: Compact> Default for Simulation<E> {
    fn default() -> Self {
        Self::new(Time::OPENING)
    }
}

impl<E: Compact> Simulation<E> {
    /// A simulation whose clock starts at `start` (before the opening, if a
    /// model has a pre-queue).
    pub fn new(start: Time) -> Self {
        Simulation {
            scheduler: Scheduler {
                now: start,
                queue: EventQueue::new(),
            },
            events_processed: 0,
        }
    }

    /// Declares that no run of this simulation goes past `end` (its final
    /// horizon): events scheduled later are dropped rather than stored. A run
    /// that then empties its queue still stops at its horizon, as it would
    /// have with those events waiting. Every later `run`'s horizon must be at
    /// most `end`.
    pub fn end_at(&mut self, end: Time) {
        self.scheduler.queue.set_end(end);
    }

    /// The scheduler, to seed the first events before running.
    pub fn scheduler(&mut self) -> &mut Scheduler<E> {
        &mut self.scheduler
    }

    /// The current virtual time.
    pub fn now(&self) -> Time {
        self.scheduler.now
    }

    /// Events handled so far.
    pub fn events_processed(&self) -> u64 {
        self.events_processed
    }

    /// Runs `model` until the horizon, the queue drains, or a limit is hit.
    pub fn run<M: Model<Event = E>>(
        &mut self,
        model: &mut M,
        limits: Limits,
    ) -> Result<Stop, StopError> {
        let start = self.scheduler.now;
        loop {
            let Some((time, event)) = self.scheduler.queue.pop() else {
                if self.scheduler.queue.beyond_end() > 0 {
                    // Dropped events wait past the horizon: not drained.
                    self.scheduler.now = limits.horizon.max(self.scheduler.now);
                    return Ok(Stop::Horizon);
                }
                return Ok(Stop::Drained);
            };
            // Popping first and putting back on the rare stop keeps the hot path
            // to one heap operation; a later `run` resumes exactly here.
            if time > limits.horizon {
                self.scheduler.queue.push_front(time, event);
                self.scheduler.now = limits.horizon.max(self.scheduler.now);
                return Ok(Stop::Horizon);
            }
            if self.events_processed >= limits.max_events {
                self.scheduler.queue.push_front(time, event);
                return Err(StopError::MaxEvents {
                    max_events: limits.max_events,
                    now: self.scheduler.now,
                });
            }
            self.scheduler.now = time;
            self.events_processed += 1;
            if self
                .events_processed
                .is_multiple_of(super::progress::EVERY_EVENTS)
            {
                super::progress::reached(start, time, limits.horizon);
            }
            if let Some(subject) = self.scheduler.queue.upcoming_subject() {
                model.upcoming(subject);
            }
            model.dispatch(time, event, &mut self.scheduler);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Ticks every second and records when it ran.
    struct Metronome {
        ticks: Vec<Time>,
    }

    impl Compact for () {}

    impl Model for Metronome {
        type Event = ();
        fn dispatch(&mut self, now: Time, _: (), scheduler: &mut Scheduler<()>) {
            self.ticks.push(now);
            scheduler.after(Span::from_secs(1), ());
        }
    }

    #[test]
    fn horizon_stops_the_clock_at_the_horizon() {
        let mut simulation = Simulation::new(Time::from_secs_f64(-2.0));
        simulation.scheduler().at(Time::from_secs_f64(-2.0), ());
        let mut model = Metronome { ticks: vec![] };
        let limits = Limits {
            horizon: Time::from_secs_f64(3.5),
            ..Limits::default()
        };
        assert_eq!(simulation.run(&mut model, limits), Ok(Stop::Horizon));
        assert_eq!(model.ticks.len(), 6, "ticks at -2,-1,0,1,2,3");
        assert_eq!(simulation.now(), Time::from_secs_f64(3.5));
    }

    /// With the end declared, the tick past the horizon is dropped rather
    /// than stored, and the run still reports the horizon, not a drained
    /// queue, with the clock at the horizon: the same as without it.
    #[test]
    fn events_past_the_end_are_dropped_and_the_run_still_reaches_the_horizon() {
        let horizon = Time::from_secs_f64(3.5);
        let limits = Limits {
            horizon,
            ..Limits::default()
        };
        let mut outcomes = Vec::new();
        for declare_end in [false, true] {
            let mut simulation = Simulation::new(Time(0));
            if declare_end {
                simulation.end_at(horizon);
            }
            simulation.scheduler().at(Time(0), ());
            let mut model = Metronome { ticks: vec![] };
            let stop = simulation.run(&mut model, limits);
            outcomes.push((
                stop,
                simulation.now(),
                model.ticks,
                simulation.scheduler().pending(),
            ));
        }
        assert_eq!(outcomes[1].3, 0, "the tick at 4 s was dropped");
        assert_eq!(outcomes[0].3, 1, "without an end it waits");
        assert_eq!(outcomes[0].0, Ok(Stop::Horizon));
        assert_eq!(outcomes[0].0, outcomes[1].0);
        assert_eq!(outcomes[0].1, outcomes[1].1);
        assert_eq!(outcomes[0].2, outcomes[1].2);
    }

    #[test]
    fn event_limit_is_a_typed_error() {
        let mut simulation = Simulation::default();
        simulation.scheduler().at(Time(0), ());
        let mut model = Metronome { ticks: vec![] };
        let limits = Limits {
            max_events: 10,
            ..Limits::default()
        };
        let error = simulation.run(&mut model, limits).unwrap_err();
        assert_eq!(
            error,
            StopError::MaxEvents {
                max_events: 10,
                now: Time::from_secs_f64(9.0)
            }
        );
    }

    #[test]
    fn empty_queue_drains() {
        let mut simulation: Simulation<()> = Simulation::default();
        let mut model = Metronome { ticks: vec![] };
        assert_eq!(
            simulation.run(&mut model, Limits::default()),
            Ok(Stop::Drained)
        );
    }
}
