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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::Streams;
    use crate::model::{DistributionSpec, Duration};
    use crate::onsale::components::fixtures::{at, ms};
    use crate::onsale::request::Endpoint;

    const SEED: u64 = 13;

    fn replicas() -> Replicas {
        let det = |ms: f64| DistributionSpec::Det {
            value: Duration::from_secs_f64(ms / 1000.0),
        };
        Replicas::new(&DatabaseSpec {
            connections: 32,
            hold: det(15.0),
            confirm: det(10.0),
            replicas: 2,
            replica_connections: 3,
            seat_map: det(25.0),
            replica_lag: Duration::from_secs_f64(2.0),
            breaker: None,
        })
    }

    fn read(fan: u32, arrived: Time) -> Request {
        Request {
            fan,
            sequence: 1,
            endpoint: Endpoint::SeatMap,
            hop: 2,
            timed: true,
            timer: Default::default(),
            issued: arrived,
            stage_arrived: arrived,
        }
    }

    #[test]
    fn serves_replicas_times_connections_reads_at_once_then_queues() {
        let mut rng = Streams::new(SEED, 0).get("replicas");
        let mut replicas = replicas();
        assert_eq!(replicas.connections(), 6);
        let first = read(0, at(0));
        assert_eq!(replicas.arrive(at(0), first, &mut rng), Some(ms(25)));
        for fan in 1..6 {
            assert_eq!(
                replicas.arrive(at(0), read(fan, at(0)), &mut rng),
                Some(ms(25))
            );
        }
        for fan in 6..9 {
            assert_eq!(replicas.arrive(at(1), read(fan, at(1)), &mut rng), None);
        }
        let mut row = Vec::new();
        replicas.sample(&mut row);
        assert_eq!(row, vec![1.0]);
        // A finished read starts the oldest waiting one, with any added latency.
        replicas.set_added_latency(ms(200));
        let (next, duration) = replicas.finish(at(25), &first, &mut rng).unwrap();
        assert_eq!((next.fan, duration), (6, ms(225)));
    }

    #[test]
    fn a_capacity_cut_drains_before_starting_and_a_repair_starts_waiters() {
        let mut rng = Streams::new(SEED, 0).get("replicas");
        let mut replicas = replicas();
        let running: Vec<Request> = (0..6).map(|fan| read(fan, at(0))).collect();
        for r in &running {
            replicas.arrive(at(0), *r, &mut rng);
        }
        for fan in 6..10 {
            replicas.arrive(at(0), read(fan, at(0)), &mut rng);
        }
        assert!(replicas.resize(at(1), 3, &mut rng).is_empty());
        for r in &running[..3] {
            assert!(replicas.finish(at(25), r, &mut rng).is_none());
        }
        assert_eq!(
            replicas
                .finish(at(25), &running[3], &mut rng)
                .map(|(r, _)| r.fan),
            Some(6)
        );
        let started: Vec<u32> = replicas
            .resize(at(30), 6, &mut rng)
            .into_iter()
            .map(|(r, _)| r.fan)
            .collect();
        assert_eq!(started, vec![7, 8, 9]);
    }
}
