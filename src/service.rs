//! The `service` model: open-loop calls to one service whose latency is
//! `base + per_concurrent × in-flight requests`. A client abandons an attempt at
//! its timeout (the server still finishes it: wasted work) and retries by its
//! policy, within an optional budget. Goodput is successful calls per second.
//!
//! The server shares itself among requests in flight (processor sharing): each
//! needs `base` of work and all progress at rate `base / (base + per × n)`, so
//! at a steady n a request takes `base + per × n`, and a request already in
//! flight slows down when a spike arrives. Every request progresses at the same
//! rate, so they finish in the order they started: a virtual work clock and a
//! FIFO give the next completion in O(1).

mod incidents;

use rand::RngExt;
use rand_distr::Exp1;
use serde::Serialize;

use crate::engine::{
    Compact, Limits, Model, Rng, Scheduler, Simulation, Span, StopError, Streams, Time,
};
use crate::metastability::{Recovery, Reference, all_recovered, assess, slowest_recovery_s};
use crate::model::ServiceSpec;
use crate::resilience::RetryBudget;

/// Events of the service model.
#[derive(Clone, Copy, Debug)]
pub enum ServiceEvent {
    /// A new call arrives (thinned Poisson at the peak rate).
    CallArrives,
    /// Attempt `attempt` of call `call` is sent.
    AttemptSent {
        /// The call.
        call: u32,
        /// 1-based attempt number.
        attempt: u8,
    },
    /// The oldest attempt in flight finishes, unless the server's rate changed
    /// since this was scheduled (`generation` is then stale).
    HeadCompletes {
        /// The schedule it belongs to.
        generation: u64,
    },
    /// A capacity drop starts or ends.
    CapacityChanges,
    /// A shed attempt's refusal reaches the client.
    AttemptRefused {
        /// The call.
        call: u32,
        /// Which attempt.
        attempt: u8,
    },
    /// The client gives up waiting for an attempt.
    AttemptTimesOut {
        /// The call.
        call: u32,
        /// Which attempt.
        attempt: u8,
    },
    /// Close the current second.
    Tick,
}

/// One second of the run.
#[derive(Clone, Debug, Default, Serialize)]
pub struct ServiceSecond {
    /// End of the second, seconds.
    pub t_s: i64,
    /// New calls.
    pub offered: u64,
    /// Attempts sent (first tries and retries).
    pub attempts: u64,
    /// Calls that succeeded.
    pub goodput: u64,
    /// Attempts the server finished (useful or not).
    pub completions: u64,
    /// Attempts that timed out.
    pub timeouts: u64,
    /// Attempts refused at the door by load shedding.
    pub shed: u64,
    /// Requests in flight at the server at the end of the second.
    pub in_flight: u64,
    /// Sum of the server latencies of the attempts finished this second, seconds.
    pub latency_total_s: f64,
}

struct Call {
    /// The attempt the client waits for: the one in flight, or the retry it
    /// is backing off to send.
    attempt: u8,
    done: bool,
    last_delay: Span,
}

/// An attempt in the server: its call, attempt number and the work-clock value at which it is done.
struct InFlight {
    done_at_work: f64,
    sent: Time,
    call: u32,
    attempt: u8,
}

struct ServiceWorld {
    spec: ServiceSpec,
    /// Work done per request so far, in nanoseconds of base work.
    work_clock: f64,
    work_clock_at: Time,
    generation: u64,
    server: std::collections::VecDeque<InFlight>,
    arrivals: Rng,
    retries: Rng,
    peak_rate: f64,
    calls: Vec<Call>,
    in_flight: u64,
    budget: Option<RetryBudget>,
    current: ServiceSecond,
    seconds: Vec<ServiceSecond>,
    attempts_total: u64,
    wasted: u64,
    completions_total: u64,
}

/// What a service run reports.
#[derive(Clone, Debug)]
pub struct ServiceReport {
    /// Flat metrics for summary.json and sweeps.
    pub metrics: std::collections::BTreeMap<String, f64>,
    /// One verdict per trigger.
    pub recoveries: Vec<Recovery>,
    /// Per-second rows.
    pub timeseries: Vec<ServiceSecond>,
    /// Triggers, goodput shortfalls and recoveries, in time order.
    pub incidents: Vec<crate::onsale::Incident>,
}

impl ServiceWorld {
    fn rate_at(&self, now: Time) -> f64 {
        let seconds = now.as_secs_f64();
        self.spec
            .load
            .spikes
            .iter()
            .find(|s| {
                seconds >= s.at.as_secs_f64()
                    && seconds < s.at.as_secs_f64() + s.duration.as_secs_f64()
            })
            .map_or_else(|| self.spec.scheduled_rate(seconds), |s| s.rate_per_s)
    }

    /// True when load shedding refuses an attempt arriving now.
    fn sheds(&self, now: Time) -> bool {
        let Some(shed) = &self.spec.server.shed else {
            return false;
        };
        let full = shed
            .max_in_flight
            .is_some_and(|limit| self.in_flight >= limit);
        // Queueing delay: what the others in flight add to a new attempt's
        // latency, at the server's current capacity.
        let server = &self.spec.server;
        let delay = server.latency_per_concurrent.0.0 as f64
            * (self.in_flight + 1) as f64
            * self.slowdown_at(now);
        let slow = shed
            .max_queue_delay
            .is_some_and(|limit| delay > limit.0.0 as f64);
        full || slow
    }

    fn slowdown_at(&self, now: Time) -> f64 {
        let seconds = now.as_secs_f64();
        let dropped = self.spec.server.capacity_drops.iter().find(|d| {
            seconds >= d.at.as_secs_f64() && seconds < d.at.as_secs_f64() + d.duration.as_secs_f64()
        });
        1.0 / (1.0 - dropped.map_or(0.0, |d| d.fraction))
    }

    fn on_call_arrives(&mut self, now: Time, scheduler: &mut Scheduler<ServiceEvent>) {
        // Thinning: candidates at the peak rate, kept with probability rate(t)/peak.
        let gap: f64 = self.arrivals.sample(Exp1);
        scheduler.after(
            Span::from_secs_f64(gap / self.peak_rate),
            ServiceEvent::CallArrives,
        );
        if self.arrivals.random::<f64>() * self.peak_rate >= self.rate_at(now) {
            return;
        }
        self.current.offered += 1;
        let call = self.calls.len() as u32;
        self.calls.push(Call {
            attempt: 0,
            done: false,
            last_delay: Span::ZERO,
        });
        self.send(now, call, 1, scheduler);
    }

    /// Base work per nanosecond of real time with `n` requests in flight.
    fn rate(&self, now: Time) -> f64 {
        let server = &self.spec.server;
        let base = server.base_latency.0.0 as f64;
        base / (base + server.latency_per_concurrent.0.0 as f64 * self.in_flight as f64)
            / self.slowdown_at(now)
    }

    fn advance_work_clock(&mut self, now: Time) {
        self.work_clock += self.rate(now) * now.since(self.work_clock_at).0 as f64;
        self.work_clock_at = now;
    }

    /// The rate changed: schedule the head's completion anew.
    fn reschedule(&mut self, now: Time, scheduler: &mut Scheduler<ServiceEvent>) {
        self.generation += 1;
        if let Some(head) = self.server.front() {
            let remaining = ((head.done_at_work - self.work_clock) / self.rate(now)).max(0.0);
            scheduler.after(
                Span(remaining.ceil() as i64),
                ServiceEvent::HeadCompletes {
                    generation: self.generation,
                },
            );
        }
    }

    fn send(&mut self, now: Time, call: u32, attempt: u8, scheduler: &mut Scheduler<ServiceEvent>) {
        self.calls[call as usize].attempt = attempt;
        self.current.attempts += 1;
        self.attempts_total += 1;
        if self.sheds(now) {
            self.current.shed += 1;
            scheduler.after(
                self.spec.server.reject_latency.span(),
                ServiceEvent::AttemptRefused { call, attempt },
            );
            return;
        }
        self.advance_work_clock(now);
        let done_at_work = self.work_clock + self.spec.server.base_latency.0.0 as f64;
        self.server.push_back(InFlight {
            done_at_work,
            sent: now,
            call,
            attempt,
        });
        self.in_flight += 1;
        self.reschedule(now, scheduler);
        scheduler.after(
            self.spec.client.timeout.span(),
            ServiceEvent::AttemptTimesOut { call, attempt },
        );
    }

    fn on_head_completes(
        &mut self,
        now: Time,
        generation: u64,
        scheduler: &mut Scheduler<ServiceEvent>,
    ) {
        if generation != self.generation {
            return;
        }
        self.advance_work_clock(now);
        // Rounding to whole nanoseconds may leave a sliver of work: the head is done.
        let Some(head) = self.server.pop_front() else {
            return;
        };
        self.in_flight -= 1;
        self.current.latency_total_s += now.since(head.sent).as_secs_f64();
        self.on_attempt_completes(head.call, head.attempt);
        self.reschedule(now, scheduler);
    }

    fn on_capacity_changes(&mut self, now: Time, scheduler: &mut Scheduler<ServiceEvent>) {
        // The clock advanced at the old rate up to now; from here the new rate applies.
        let before = now - Span(1);
        self.work_clock += self.rate(before) * now.since(self.work_clock_at).0 as f64;
        self.work_clock_at = now;
        self.reschedule(now, scheduler);
    }

    fn on_attempt_completes(&mut self, call: u32, attempt: u8) {
        self.current.completions += 1;
        self.completions_total += 1;
        let record = &mut self.calls[call as usize];
        if record.done || record.attempt != attempt {
            self.wasted += 1;
            return;
        }
        record.done = true;
        self.current.goodput += 1;
        if let Some(budget) = &mut self.budget {
            budget.on_success();
        }
    }

    fn on_attempt_times_out(
        &mut self,
        now: Time,
        call: u32,
        attempt: u8,
        scheduler: &mut Scheduler<ServiceEvent>,
    ) {
        let record = &self.calls[call as usize];
        if record.done || record.attempt != attempt {
            return;
        }
        self.current.timeouts += 1;
        self.retry_or_give_up(now, call, attempt, scheduler);
    }

    /// The attempt failed (timed out or refused): retry by the policy, or give up.
    fn retry_or_give_up(
        &mut self,
        now: Time,
        call: u32,
        attempt: u8,
        scheduler: &mut Scheduler<ServiceEvent>,
    ) {
        let record = &self.calls[call as usize];
        let retry = &self.spec.client.retry;
        let allowed = retry.allows_retry(u32::from(attempt))
            && self.budget.as_mut().is_none_or(RetryBudget::try_retry);
        if !allowed {
            self.calls[call as usize].done = true;
            return;
        }
        let delay = retry.delay(u32::from(attempt) - 1, record.last_delay, &mut self.retries);
        // The client has abandoned this attempt: from now on the call waits for
        // the next one, so a late reply to this one is wasted work, not goodput.
        let record = &mut self.calls[call as usize];
        record.last_delay = delay;
        record.attempt = attempt + 1;
        scheduler.at(
            now + delay,
            ServiceEvent::AttemptSent {
                call,
                attempt: attempt + 1,
            },
        );
    }

    fn on_tick(&mut self, now: Time, scheduler: &mut Scheduler<ServiceEvent>) {
        let row = ServiceSecond {
            t_s: now.0 / 1_000_000_000,
            in_flight: self.in_flight,
            ..std::mem::take(&mut self.current)
        };
        self.seconds.push(row);
        scheduler.after(Span::from_secs(1), ServiceEvent::Tick);
    }
}

/// Network, service and contention events are small: none waits packed.
impl Compact for ServiceEvent {}

impl Model for ServiceWorld {
    type Event = ServiceEvent;

    fn dispatch(
        &mut self,
        now: Time,
        event: ServiceEvent,
        scheduler: &mut Scheduler<ServiceEvent>,
    ) {
        match event {
            ServiceEvent::CallArrives => self.on_call_arrives(now, scheduler),
            ServiceEvent::AttemptSent { call, attempt } => self.send(now, call, attempt, scheduler),
            ServiceEvent::HeadCompletes { generation } => {
                self.on_head_completes(now, generation, scheduler)
            }
            ServiceEvent::CapacityChanges => self.on_capacity_changes(now, scheduler),
            ServiceEvent::AttemptTimesOut { call, attempt } => {
                self.on_attempt_times_out(now, call, attempt, scheduler)
            }
            ServiceEvent::AttemptRefused { call, attempt } => {
                self.retry_or_give_up(now, call, attempt, scheduler)
            }
            ServiceEvent::Tick => self.on_tick(now, scheduler),
        }
    }
}

/// Runs one replication of a validated service model.
pub fn run(spec: &ServiceSpec, streams: &Streams) -> Result<ServiceReport, StopError> {
    let peak_rate = spec.peak_rate();
    let mut world = ServiceWorld {
        spec: spec.clone(),
        work_clock: 0.0,
        work_clock_at: Time::OPENING,
        generation: 0,
        server: std::collections::VecDeque::new(),
        arrivals: streams.get("load:arrivals"),
        retries: streams.get("client:retries"),
        peak_rate,
        calls: Vec::new(),
        in_flight: 0,
        budget: spec.client.budget.as_ref().map(RetryBudget::new),
        current: ServiceSecond::default(),
        seconds: Vec::new(),
        attempts_total: 0,
        wasted: 0,
        completions_total: 0,
    };
    let horizon = Time::OPENING + spec.horizon.span();
    let mut simulation = Simulation::new(Time::OPENING);
    simulation.end_at(horizon);
    simulation
        .scheduler()
        .at(Time::OPENING, ServiceEvent::CallArrives);
    simulation
        .scheduler()
        .at(Time::OPENING + Span::from_secs(1), ServiceEvent::Tick);
    for drop in &spec.server.capacity_drops {
        simulation.scheduler().at(
            Time::OPENING + drop.at.span(),
            ServiceEvent::CapacityChanges,
        );
        simulation.scheduler().at(
            Time::OPENING + drop.at.span() + drop.duration.span(),
            ServiceEvent::CapacityChanges,
        );
    }
    let limits = Limits {
        horizon,
        max_events: spec.max_events,
    };
    simulation.run(&mut world, limits)?;
    Ok(report(spec, &world, simulation.events_processed()))
}

fn report(spec: &ServiceSpec, world: &ServiceWorld, events: u64) -> ServiceReport {
    let goodput: Vec<f64> = world.seconds.iter().map(|s| s.goodput as f64).collect();
    let offered: Vec<f64> = world.seconds.iter().map(|s| s.offered as f64).collect();
    let recoveries: Vec<Recovery> = spec
        .triggers()
        .into_iter()
        .map(|trigger| assess(&goodput, &offered, trigger, Reference::Offered))
        .collect();
    let mut metrics = std::collections::BTreeMap::new();
    let calls = world.calls.len() as f64;
    metrics.insert("calls".to_owned(), calls);
    metrics.insert("goodput_total".to_owned(), goodput.iter().sum());
    metrics.insert(
        "attempts_per_call".to_owned(),
        world.attempts_total as f64 / calls.max(1.0),
    );
    metrics.insert(
        "wasted_work_fraction".to_owned(),
        world.wasted as f64 / (world.completions_total as f64).max(1.0),
    );
    let shed: u64 = world.seconds.iter().map(|s| s.shed).sum();
    metrics.insert(
        "shed_fraction".to_owned(),
        shed as f64 / (world.attempts_total as f64).max(1.0),
    );
    metrics.insert("events".to_owned(), events as f64);
    let first_trigger = spec
        .triggers()
        .first()
        .map_or(spec.horizon.as_secs_f64(), |t| t.0);
    // Little's law before the first trigger (after a 10 s warm-up): L = λW.
    let before: Vec<&ServiceSecond> = world
        .seconds
        .iter()
        .filter(|s| (s.t_s as f64) > 10.0 && (s.t_s as f64) <= first_trigger)
        .collect();
    let window = (before.len() as f64).max(1.0);
    let sum = |pick: fn(&ServiceSecond) -> f64| before.iter().map(|s| pick(s)).sum::<f64>();
    metrics.insert(
        "in_flight_before_mean".to_owned(),
        sum(|s| s.in_flight as f64) / window,
    );
    metrics.insert(
        "attempt_rate_before_per_s".to_owned(),
        sum(|s| s.attempts as f64) / window,
    );
    metrics.insert(
        "latency_before_mean_s".to_owned(),
        sum(|s| s.latency_total_s) / sum(|s| s.completions as f64).max(1.0),
    );
    if let Some(first) = recoveries.first() {
        metrics.insert(
            "goodput_before_per_s".to_owned(),
            first.goodput_before_per_s,
        );
        metrics.insert(
            "goodput_during_per_s".to_owned(),
            first.goodput_during_per_s,
        );
        metrics.insert("goodput_after_per_s".to_owned(), first.goodput_after_per_s);
        metrics.insert("recovered".to_owned(), all_recovered(&recoveries));
        metrics.insert("recovery_s".to_owned(), slowest_recovery_s(&recoveries));
    }
    ServiceReport {
        incidents: incidents::incidents(spec, &recoveries, &goodput, &offered),
        metrics,
        recoveries,
        timeseries: world.seconds.clone(),
    }
}
