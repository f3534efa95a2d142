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
        // The breaker sits in the client, in front of the primary: when it is
        // open, calls fail fast without reaching a primary that may be down.
        let (allowed, change) = self.breaker.allow(now);
        if !allowed {
            return (Err(ErrorKind::BreakerOpen), change);
        }
        if self.down {
            let verdict = self.breaker.record(now, false);
            return (Err(ErrorKind::Unavailable), verdict.or(change));
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Duration;
    use crate::onsale::components::fixtures::{at, det, ms};
    use crate::resilience::BreakerSpec;

    const SEED: u64 = 9;

    fn spec(connections: u32, breaker: Option<BreakerSpec>) -> DatabaseSpec {
        DatabaseSpec {
            connections,
            hold: det(15),
            confirm: det(10),
            replicas: 2,
            replica_connections: 3,
            seat_map: det(25),
            replica_lag: Duration::from_secs_f64(2.0),
            breaker,
        }
    }

    fn breaker() -> Option<BreakerSpec> {
        Some(BreakerSpec {
            failure_threshold: 3,
            open_for: Duration::from_secs_f64(10.0),
            half_open_probes: 1,
        })
    }

    fn request(fan: u32, endpoint: Endpoint, arrived: Time) -> Request {
        Request {
            fan,
            sequence: 1,
            endpoint,
            hop: 1,
            timed: true,
            timer: Default::default(),
            issued: arrived,
            stage_arrived: arrived,
        }
    }

    #[test]
    fn transactions_wait_for_a_connection_and_take_their_own_duration() {
        let mut db = Database::new(&spec(2, None), &Streams::new(SEED, 0));
        let hold = request(0, Endpoint::Hold, at(0));
        assert_eq!(db.call(at(0), hold), (Ok(Some(ms(15))), None));
        assert_eq!(
            db.call(at(0), request(1, Endpoint::Confirm, at(0))),
            (Ok(Some(ms(10))), None)
        );
        // Both connections busy: the next ones wait (no bound on the queue).
        for fan in 2..5 {
            assert_eq!(
                db.call(at(1), request(fan, Endpoint::Confirm, at(1))),
                (Ok(None), None)
            );
        }
        let mut row = Vec::new();
        db.sample(&mut row);
        assert_eq!(row, vec![2.0, 3.0, 1.0]);
        // A finished transaction hands its connection to the oldest waiter.
        let (next, committed) = db.finish(at(15), &hold);
        assert!(committed);
        let (next, duration) = next.expect("a waiting transaction starts");
        assert_eq!((next.fan, duration), (2, ms(10)));
        db.set_added_latency(ms(100));
        let (next, _) = db.finish(at(20), &next);
        assert_eq!(next.map(|(r, d)| (r.fan, d)), Some((3, ms(110))));
    }

    #[test]
    fn the_breaker_opens_at_the_threshold_and_half_opens_after_open_for() {
        let mut db = Database::new(&spec(100, breaker()), &Streams::new(SEED, 0));
        let call = |db: &mut Database, t: i64| db.call(at(t), request(0, Endpoint::Hold, at(t)));
        // Two failures: still closed.
        for t in 0..2 {
            assert!(call(&mut db, t).0.is_ok());
            assert_eq!(db.record(at(t), false), None);
        }
        assert!(call(&mut db, 2).0.is_ok());
        assert_eq!(
            db.record(at(2), false),
            Some("open"),
            "the 3rd failure opens it"
        );
        // Open for exactly open_for = 10 s: fail fast until then.
        assert_eq!(call(&mut db, 3).0, Err(ErrorKind::BreakerOpen));
        assert_eq!(call(&mut db, 10_001).0, Err(ErrorKind::BreakerOpen));
        // Half-open at 10 s after opening: one probe, the next call still refused.
        assert!(call(&mut db, 10_002).0.is_ok());
        assert_eq!(call(&mut db, 10_002).0, Err(ErrorKind::BreakerOpen));
        // The probe fails: open again for another open_for.
        assert_eq!(db.record(at(10_002), false), Some("open"));
        assert_eq!(call(&mut db, 20_001).0, Err(ErrorKind::BreakerOpen));
        assert!(call(&mut db, 20_002).0.is_ok());
        assert_eq!(db.record(at(20_002), true), Some("closed"));
        for t in 20_003..20_010 {
            assert!(call(&mut db, t).0.is_ok());
        }
    }

    #[test]
    fn a_success_resets_the_count_of_consecutive_failures() {
        let mut db = Database::new(&spec(100, breaker()), &Streams::new(SEED, 0));
        for success in [false, false, true, false, false] {
            assert_eq!(db.record(at(0), success), None);
        }
        assert!(db.call(at(1), request(0, Endpoint::Hold, at(1))).0.is_ok());
    }

    #[test]
    fn a_failover_loses_transactions_in_flight_and_refuses_calls_while_down() {
        let mut db = Database::new(&spec(4, None), &Streams::new(SEED, 0));
        let before = request(0, Endpoint::Hold, at(0));
        assert_eq!(db.call(at(0), before).0, Ok(Some(ms(15))));
        db.set_down(at(5), true);
        assert_eq!(
            db.call(at(6), request(1, Endpoint::Hold, at(6))).0,
            Err(ErrorKind::Unavailable)
        );
        db.set_down(at(1000), false);
        // Began before the outage, ended after it: lost.
        assert!(!db.finish(at(1010), &before).1);
        // Began after the new primary took over: committed.
        let after = request(2, Endpoint::Hold, at(1020));
        assert!(db.call(at(1020), after).0.is_ok());
        assert!(db.finish(at(1035), &after).1);
    }

    #[test]
    fn calls_refused_while_down_count_as_breaker_failures() {
        let mut db = Database::new(&spec(4, breaker()), &Streams::new(SEED, 0));
        db.set_down(at(0), true);
        let changes: Vec<_> = (0..3)
            .map(|t| db.call(at(t), request(0, Endpoint::Hold, at(t))).1)
            .collect();
        assert_eq!(changes, vec![None, None, Some("open")]);
    }

    #[test]
    fn an_open_breaker_fails_fast_while_the_primary_is_down() {
        let mut db = Database::new(&spec(4, breaker()), &Streams::new(SEED, 0));
        db.set_down(at(0), true);
        for t in 0..3 {
            let _ = db.call(at(t), request(0, Endpoint::Hold, at(t)));
        }
        assert_eq!(
            db.call(at(3), request(0, Endpoint::Hold, at(3))).0,
            Err(ErrorKind::BreakerOpen)
        );
    }

    #[test]
    fn resizing_starts_waiting_transactions_up_to_the_new_pool() {
        let mut db = Database::new(&spec(1, None), &Streams::new(SEED, 0));
        for fan in 0..4 {
            let _ = db.call(at(0), request(fan, Endpoint::Confirm, at(0)));
        }
        let started: Vec<(u32, Span)> = db
            .resize(at(1), 3)
            .into_iter()
            .map(|(r, d)| (r.fan, d))
            .collect();
        assert_eq!(started, vec![(1, ms(10)), (2, ms(10))]);
        assert_eq!(db.connections(), 1, "connections before faults stay");
    }
}
