//! The primary database: a pool of connections where hold and confirm
//! transactions run, ending in the seat core. A failover loses every
//! transaction in flight; a circuit breaker on the app's calls fails fast.

use crate::engine::{Rng, Span, Streams, Time};
use crate::model::DatabaseSpec;
use crate::onsale::controls::BreakerWatch;
use crate::onsale::metrics::{Column, ErrorKind};
use crate::onsale::request::{Endpoint, Request};
use crate::queueing::{Admission, Station};
use crate::sampler::Sampler;

/// The primary's one event.
#[derive(Clone, Copy, Debug)]
pub enum DatabaseEvent {
    /// A transaction finishes.
    TransactionDone(Request),
}

/// Why a call to the primary was refused or a transaction lost.
pub type CallRefusal = ErrorKind;

/// The primary.
pub struct Database {
    pool: Station<Request>,
    hold: Sampler,
    confirm: Sampler,
    rng: Rng,
    connections: u32,
    added_latency: Span,
    down: bool,
    /// The latest time the primary became unavailable: transactions that began
    /// before it and finish after it are lost.
    outage_started: Time,
    breaker: BreakerWatch,
}

impl Database {
    /// Time-series columns.
    pub const COLUMNS: &'static [Column] = &[
        Column::count("database_in_flight"),
        Column::count("database_queue"),
        Column::real("database_utilization"),
    ];

    /// The primary of a validated spec; stream `database:service`.
    pub fn new(spec: &DatabaseSpec, streams: &Streams) -> Database {
        Database {
            pool: Station::new(spec.connections, None, Time(i64::MIN)),
            hold: Sampler::new(&spec.hold),
            confirm: Sampler::new(&spec.confirm),
            rng: streams.get("database:service"),
            connections: spec.connections,
            added_latency: Span::ZERO,
            down: false,
            outage_started: Time(i64::MIN),
            breaker: BreakerWatch::new(spec.breaker.as_ref()),
        }
    }

    /// The app calls the primary: a transaction starts (its duration), waits
    /// for a connection (`Ok(None)`), or is refused. The breaker's state change,
    /// if any, is the second value.
    pub fn call(
        &mut self,
        now: Time,
        request: Request,
    ) -> (Result<Option<Span>, CallRefusal>, Option<&'static str>) {
        if self.down {
            return (Err(ErrorKind::Unavailable), self.breaker.record(now, false));
        }
        let (allowed, change) = self.breaker.allow(now);
        if !allowed {
            return (Err(ErrorKind::BreakerOpen), change);
        }
        let started = match self.pool.arrive(now, request) {
            Admission::Serve(request) => Some(self.duration(&request)),
            _ => None,
        };
        (Ok(started), change)
    }

    fn duration(&mut self, request: &Request) -> Span {
        let sampler = match request.endpoint {
            Endpoint::Confirm => &self.confirm,
            _ => &self.hold,
        };
        sampler.sample(&mut self.rng) + self.added_latency
    }

    /// A transaction ends: its connection passes to the next (returned with its
    /// duration), and the verdict on this one: committed, or lost to an outage.
    pub fn finish(&mut self, now: Time, request: &Request) -> (Option<(Request, Span)>, bool) {
        let next = self.pool.depart(now, request.stage_arrived).map(|waiting| {
            let duration = self.duration(&waiting.job);
            (waiting.job, duration)
        });
        let lost = request.stage_arrived < self.outage_started || self.down;
        (next, !lost)
    }

    /// Records the outcome of a call the breaker let through.
    pub fn record(&mut self, now: Time, success: bool) -> Option<&'static str> {
        self.breaker.record(now, success)
    }

    /// Connections left after faults: queued transactions that start, with durations.
    pub fn resize(&mut self, now: Time, connections: u32) -> Vec<(Request, Span)> {
        let started = self.pool.set_servers(now, connections);
        started
            .into_iter()
            .map(|waiting| {
                let duration = self.duration(&waiting.job);
                (waiting.job, duration)
            })
            .collect()
    }

    /// Connections before faults.
    pub fn connections(&self) -> u32 {
        self.connections
    }

    /// The primary becomes unavailable (`true`) or a new one takes over.
    pub fn set_down(&mut self, now: Time, down: bool) {
        if down && !self.down {
            self.outage_started = now;
        }
        self.down = down;
    }

    /// A fault adds latency to every transaction (zero when it ends).
    pub fn set_added_latency(&mut self, latency: Span) {
        self.added_latency = latency;
    }

    /// The random stream the replicas shared with the primary before they had their own.
    pub fn rng(&mut self) -> &mut Rng {
        &mut self.rng
    }

    /// Appends this second's gauges.
    pub fn sample(&self, row: &mut Vec<f64>) {
        row.push(f64::from(self.pool.busy()));
        row.push(self.pool.queue_len() as f64);
        row.push(f64::from(self.pool.busy()) / f64::from(self.connections));
    }
}
