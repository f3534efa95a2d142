//! The `contention` model: M. Brooker's optimistic-concurrency simulator from
//! "Exponential Backoff And Jitter" (AWS Architecture Blog, 2015).
//!
//! One row holds a version number. Every client starts at t = 0 and updates
//! the row once: it reads the version (a request leg and a reply leg over the
//! network), then writes conditioned on that version (two more legs). The
//! server accepts the write iff the version still matches, and then
//! increments it; otherwise the write fails and the client waits one network
//! leg plus its backoff before reading again. Each leg takes |Normal(mean, sd)|.
//!
//! ```text
//!  client ──read──▶ server ──version──▶ client ──write(v)──▶ server ──ok?──▶ client
//!    ▲                                                                    │ failed
//!    └──────────────── one leg + backoff(failed writes so far) ◀──────────┘
//! ```
//!
//! The k-th failed write (k from 1) waits `retry.delay(k, ..)`, i.e.
//! min(cap, base·2^k) for exponential backoff: Brooker's numbering, so his
//! base of 5 ms means a first wait of up to 10 ms. "Calls" are writes, the
//! work the server does; completion is when the last client learns that its
//! write succeeded.

use rand::RngExt;
use rand_distr::Normal;
use serde::Serialize;

use crate::engine::{
    Compact, Limits, Model, Rng, Scheduler, Simulation, Span, StopError, Streams, Time,
};
use crate::model::ContentionSpec;

/// Events of the contention model: messages reaching their destination.
#[derive(Clone, Copy, Debug)]
pub enum ContentionEvent {
    /// A client's read request reaches the server.
    ReadArrives {
        /// The client.
        client: u32,
    },
    /// The version the server read reaches the client, which sends its write.
    VersionArrives {
        /// The client.
        client: u32,
        /// The version read.
        version: u64,
    },
    /// A write conditioned on `version` reaches the server.
    WriteArrives {
        /// The client.
        client: u32,
        /// The version the write expects.
        version: u64,
    },
    /// The server's answer to a write reaches the client.
    WriteAnswered {
        /// The client.
        client: u32,
        /// True if the write was accepted.
        accepted: bool,
    },
}

/// One `timeseries_interval` of the run.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct ContentionInterval {
    /// End of the interval, seconds.
    pub t_s: f64,
    /// Reads the server answered.
    pub reads: u64,
    /// Writes the server received (calls).
    pub writes: u64,
    /// Writes the server refused (stale version).
    pub failed_writes: u64,
    /// Clients that learnt their write succeeded.
    pub succeeded: u64,
    /// Clients that gave up (max_attempts writes failed).
    pub gave_up: u64,
    /// Clients still trying at the end of the interval.
    pub clients_waiting: u64,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum ClientState {
    Trying,
    Succeeded,
    GaveUp,
}

struct Client {
    state: ClientState,
    /// Writes made so far (every one but the last failed).
    writes: u32,
    /// The last backoff, for decorrelated jitter.
    last_backoff: Span,
}

struct ContentionWorld {
    spec: ContentionSpec,
    /// The row's version: the number of accepted writes.
    version: u64,
    clients: Vec<Client>,
    network: Rng,
    backoff: Rng,
    leg: Normal<f64>,
    interval_nanos: i64,
    rows: Vec<ContentionInterval>,
    reads: u64,
    writes: u64,
    failed_writes: u64,
    succeeded: u64,
    gave_up: u64,
    /// Sum and latest of the times clients learnt of their success, seconds.
    success_time_total_s: f64,
    last_success: Time,
}

/// What a contention run reports.
#[derive(Clone, Debug)]
pub struct ContentionReport {
    /// Flat metrics for summary.json and sweeps.
    pub metrics: std::collections::BTreeMap<String, f64>,
    /// One row per `timeseries_interval`, up to the last event.
    pub timeseries: Vec<ContentionInterval>,
}

impl ContentionWorld {
    /// One network leg: |Normal(mean, sd)|, to the nanosecond.
    fn leg(&mut self) -> Span {
        let nanos: f64 = self.network.sample(self.leg);
        Span(nanos.abs().round() as i64)
    }

    /// The row of the interval holding `now`, created (with any before it) on first use.
    fn row(&mut self, now: Time) -> &mut ContentionInterval {
        debug_assert!(now >= Time::OPENING, "contention time starts at 0");
        let index = (now.0 / self.interval_nanos) as usize;
        while self.rows.len() <= index {
            let end = (self.rows.len() as i64 + 1) * self.interval_nanos;
            self.rows.push(ContentionInterval {
                t_s: Span(end).as_secs_f64(),
                ..ContentionInterval::default()
            });
        }
        &mut self.rows[index]
    }

    fn on_read_arrives(
        &mut self,
        now: Time,
        client: u32,
        scheduler: &mut Scheduler<ContentionEvent>,
    ) {
        self.reads += 1;
        self.row(now).reads += 1;
        let leg = self.leg();
        let version = self.version;
        scheduler.after(leg, ContentionEvent::VersionArrives { client, version });
    }

    fn on_version_arrives(
        &mut self,
        client: u32,
        version: u64,
        scheduler: &mut Scheduler<ContentionEvent>,
    ) {
        let leg = self.leg();
        scheduler.after(leg, ContentionEvent::WriteArrives { client, version });
    }

    fn on_write_arrives(
        &mut self,
        now: Time,
        client: u32,
        version: u64,
        scheduler: &mut Scheduler<ContentionEvent>,
    ) {
        debug_assert!(version <= self.version, "a client read a future version");
        self.writes += 1;
        self.clients[client as usize].writes += 1;
        let accepted = version == self.version;
        let row = self.row(now);
        row.writes += 1;
        if accepted {
            self.version += 1;
        } else {
            row.failed_writes += 1;
            self.failed_writes += 1;
        }
        let leg = self.leg();
        scheduler.after(leg, ContentionEvent::WriteAnswered { client, accepted });
    }

    fn on_write_answered(
        &mut self,
        now: Time,
        client: u32,
        accepted: bool,
        scheduler: &mut Scheduler<ContentionEvent>,
    ) {
        let index = client as usize;
        debug_assert_eq!(self.clients[index].state, ClientState::Trying);
        if accepted {
            self.clients[index].state = ClientState::Succeeded;
            self.succeeded += 1;
            self.row(now).succeeded += 1;
            self.success_time_total_s += now.as_secs_f64();
            self.last_success = self.last_success.max(now);
            return;
        }
        let writes = self.clients[index].writes;
        if !self.spec.retry.allows_retry(writes) {
            self.clients[index].state = ClientState::GaveUp;
            self.gave_up += 1;
            self.row(now).gave_up += 1;
            return;
        }
        // Brooker's numbering: the k-th failure waits backoff(k), k from 1.
        let previous = self.clients[index].last_backoff;
        let backoff = self.spec.retry.delay(writes, previous, &mut self.backoff);
        self.clients[index].last_backoff = backoff;
        let leg = self.leg();
        scheduler.after(leg + backoff, ContentionEvent::ReadArrives { client });
    }
}

/// Network, service and contention events are small: none waits packed.
impl Compact for ContentionEvent {}

impl Model for ContentionWorld {
    type Event = ContentionEvent;

    fn dispatch(
        &mut self,
        now: Time,
        event: ContentionEvent,
        scheduler: &mut Scheduler<ContentionEvent>,
    ) {
        match event {
            ContentionEvent::ReadArrives { client } => self.on_read_arrives(now, client, scheduler),
            ContentionEvent::VersionArrives { client, version } => {
                self.on_version_arrives(client, version, scheduler)
            }
            ContentionEvent::WriteArrives { client, version } => {
                self.on_write_arrives(now, client, version, scheduler)
            }
            ContentionEvent::WriteAnswered { client, accepted } => {
                self.on_write_answered(now, client, accepted, scheduler)
            }
        }
    }
}

/// Runs one replication of a validated contention model.
pub fn run(spec: &ContentionSpec, streams: &Streams) -> Result<ContentionReport, StopError> {
    let leg = Normal::new(spec.network.mean.0.0 as f64, spec.network.sd.0.0 as f64)
        .expect("validated: sd ≥ 0 and finite");
    let mut world = ContentionWorld {
        spec: spec.clone(),
        version: 0,
        clients: (0..spec.clients)
            .map(|_| Client {
                state: ClientState::Trying,
                writes: 0,
                last_backoff: Span::ZERO,
            })
            .collect(),
        network: streams.get("network"),
        backoff: streams.get("client:backoff"),
        leg,
        interval_nanos: spec.timeseries_interval.0.0,
        rows: Vec::new(),
        reads: 0,
        writes: 0,
        failed_writes: 0,
        succeeded: 0,
        gave_up: 0,
        success_time_total_s: 0.0,
        last_success: Time::OPENING,
    };
    let horizon = Time::OPENING + spec.horizon.span();
    let mut simulation = Simulation::new(Time::OPENING);
    simulation.end_at(horizon);
    for client in 0..spec.clients {
        let leg = world.leg();
        simulation
            .scheduler()
            .at(Time::OPENING + leg, ContentionEvent::ReadArrives { client });
    }
    let limits = Limits {
        horizon,
        max_events: spec.max_events,
    };
    simulation.run(&mut world, limits)?;
    Ok(report(&world, simulation.events_processed()))
}

fn report(world: &ContentionWorld, events: u64) -> ContentionReport {
    let clients = world.clients.len() as u64;
    // Every accepted write finished one client's update; every call is a write.
    assert_eq!(
        world.version,
        world.writes - world.failed_writes,
        "accepted writes"
    );
    assert!(world.succeeded <= world.version && world.succeeded + world.gave_up <= clients);
    let mut metrics = std::collections::BTreeMap::new();
    let mut put = |key: &str, value: f64| {
        metrics.insert(key.to_owned(), value);
    };
    put("clients", clients as f64);
    put("calls", world.writes as f64);
    put("reads", world.reads as f64);
    put("failed_writes", world.failed_writes as f64);
    put("calls_per_client", world.writes as f64 / clients as f64);
    put("clients_done", world.succeeded as f64);
    put("gave_up", world.gave_up as f64);
    // Undefined, not zero, unless every client succeeded.
    let all_done = world.succeeded == clients;
    put(
        "completion_s",
        if all_done {
            world.last_success.as_secs_f64()
        } else {
            f64::NAN
        },
    );
    put(
        "completion_mean_s",
        if world.succeeded > 0 {
            world.success_time_total_s / world.succeeded as f64
        } else {
            f64::NAN
        },
    );
    let most = world.clients.iter().map(|c| c.writes).max().unwrap_or(0);
    put("calls_max_per_client", f64::from(most));
    put("events", events as f64);
    let mut timeseries = world.rows.clone();
    let mut finished = 0;
    for row in &mut timeseries {
        finished += row.succeeded + row.gave_up;
        row.clients_waiting = clients - finished;
    }
    ContentionReport {
        metrics,
        timeseries,
    }
}
