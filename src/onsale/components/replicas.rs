//! Read replicas: a pool of connections serving seat-map reads. What a read
//! shows is the seat core's state up to one replica lag ago (see `Inventory`).

use crate::engine::{Rng, Span, Time};
use crate::model::DatabaseSpec;
use crate::onsale::metrics::Column;
use crate::onsale::request::Request;
use crate::queueing::{Admission, Station};
use crate::sampler::Sampler;

/// The replicas' one event.
#[derive(Clone, Copy, Debug)]
pub enum ReplicasEvent {
    /// A seat-map read finishes.
    ReadDone(Request),
}

/// The replica pool.
pub struct Replicas {
    pool: Station<Request>,
    read: Sampler,
    connections: u32,
    added_latency: Span,
}

impl Replicas {
    /// Time-series columns.
    pub const COLUMNS: &'static [Column] = &[Column::real("replica_utilization")];

    /// The replicas of a validated spec.
    pub fn new(spec: &DatabaseSpec) -> Replicas {
        let connections = spec.replicas * spec.replica_connections;
        Replicas {
            pool: Station::new(connections, None, Time(i64::MIN)),
            read: Sampler::new(&spec.seat_map),
            connections,
            added_latency: Span::ZERO,
        }
    }

    /// A read arrives: its duration if a connection is free, else it waits.
    pub fn arrive(&mut self, now: Time, request: Request, rng: &mut Rng) -> Option<Span> {
        match self.pool.arrive(now, request) {
            Admission::Serve(_) => Some(self.duration(rng)),
            _ => None,
        }
    }

    fn duration(&self, rng: &mut Rng) -> Span {
        self.read.sample(rng) + self.added_latency
    }

    /// A read ends: the next waiting read starts (with its duration).
    pub fn finish(
        &mut self,
        now: Time,
        request: &Request,
        rng: &mut Rng,
    ) -> Option<(Request, Span)> {
        let next = self.pool.depart(now, request.stage_arrived)?;
        Some((next.job, self.duration(rng)))
    }

    /// Connections left after faults: waiting reads that start, with durations.
    pub fn resize(&mut self, now: Time, connections: u32, rng: &mut Rng) -> Vec<(Request, Span)> {
        let started = self.pool.set_servers(now, connections);
        started
            .into_iter()
            .map(|waiting| (waiting.job, self.duration(rng)))
            .collect()
    }

    /// Connections before faults.
    pub fn connections(&self) -> u32 {
        self.connections
    }

    /// A fault adds latency to every read (zero when it ends).
    pub fn set_added_latency(&mut self, latency: Span) {
        self.added_latency = latency;
    }

    /// Appends this second's gauges.
    pub fn sample(&self, row: &mut Vec<f64>) {
        row.push(f64::from(self.pool.busy()) / f64::from(self.connections));
    }
}
