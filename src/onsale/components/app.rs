//! The origin app pool: `servers` × `workers` threads and one bounded queue. A
//! worker stays busy until the call it makes downstream returns. In front of the
//! queue sit the per-session rate limiter and load shedding.

use crate::engine::{Rng, Span, Streams, Time};
use crate::model::AppSpec;
use crate::onsale::controls::{RateLimiter, Shedding};
use crate::onsale::metrics::{Column, ErrorKind};
use crate::onsale::request::{Endpoint, Request};
use crate::queueing::{Admission, Station};
use crate::sampler::Sampler;

/// The app pool's events.
#[derive(Clone, Copy, Debug)]
pub enum AppEvent {
    /// A worker finishes its own CPU work on a request.
    WorkDone(Request),
    /// A worker drops a request that waited too long (cheap rejection).
    Sheds(Request),
}

/// What became of a request that reached the pool.
#[derive(Clone, Copy, Debug)]
pub enum Entry {
    /// A worker took it: this event ends its work.
    Started(Span, AppEvent),
    /// It waits for a worker.
    Queued,
    /// Refused at once.
    Refused(ErrorKind),
}

/// The app servers.
pub struct AppPool {
    pool: Station<Request>,
    service: [Sampler; Endpoint::COUNT],
    rng: Rng,
    workers_per_server: u32,
    /// Instances serving (autoscaling and runbooks change it).
    instances: u32,
    /// Instances booting.
    booting: u32,
    /// Instance-seconds paid for (serving + booting).
    instance_seconds: f64,
    /// Extra latency of a fault.
    added_latency: Span,
    shedding: Shedding,
    rate_limiter: Option<RateLimiter>,
}

impl AppPool {
    /// Time-series columns.
    pub const COLUMNS: &'static [Column] = &[
        Column::count("app_in_flight"),
        Column::count("app_queue"),
        Column::real("app_utilization"),
        Column::count("app_instances"),
    ];

    /// The pool of a validated spec for `sessions` fans and bots; stream `app:service`.
    pub fn new(spec: &AppSpec, sessions: usize, streams: &Streams) -> AppPool {
        let workers = spec.servers * spec.workers;
        let service = &spec.service;
        let access_code = service.access_code.as_ref().unwrap_or(&service.event_page);
        AppPool {
            pool: Station::new(
                workers,
                Some(workers.saturating_add(spec.queue)),
                Time(i64::MIN),
            ),
            service: [
                &service.event_page,
                &service.seat_map,
                &service.hold,
                &service.payment,
                &service.confirm,
                access_code,
            ]
            .map(Sampler::new),
            rng: streams.get("app:service"),
            workers_per_server: spec.workers,
            instances: spec.servers,
            booting: 0,
            instance_seconds: 0.0,
            added_latency: Span::ZERO,
            shedding: Shedding::new(spec.shed.as_ref()),
            rate_limiter: spec
                .rate_limit
                .as_ref()
                .map(|limit| RateLimiter::new(limit, sessions)),
        }
    }

    /// A request reaches the pool: rate limit, shedding, then a worker or the queue.
    pub fn arrive(&mut self, now: Time, request: Request) -> Entry {
        if let Some(limiter) = self.rate_limiter.as_mut()
            && !limiter.allows(request.fan, now)
        {
            return Entry::Refused(ErrorKind::RateLimited);
        }
        if self.shedding.rejects_arrival(self.pool.queue_len()) {
            return Entry::Refused(ErrorKind::Shed);
        }
        match self.pool.arrive(now, request) {
            Admission::Serve(request) => {
                let (delay, event) = self.start(now, request);
                Entry::Started(delay, event)
            }
            Admission::Queued => Entry::Queued,
            Admission::Blocked(_) => Entry::Refused(ErrorKind::Rejected),
        }
    }

    /// A worker takes `request` at `now`: its CPU time, or a cheap drop.
    fn start(&mut self, now: Time, request: Request) -> (Span, AppEvent) {
        if self.shedding.drops_at_start(now.since(request.issued)) {
            return (Span::ZERO, AppEvent::Sheds(request));
        }
        let cpu = self.service[request.endpoint.index()].sample(&mut self.rng);
        (cpu + self.added_latency, AppEvent::WorkDone(request))
    }

    /// The worker serving `request` is free: the next queued request starts.
    pub fn release(&mut self, now: Time, request: &Request) -> Option<(Span, AppEvent)> {
        let next = self.pool.depart(now, request.issued)?;
        Some(self.start(now, next.job))
    }

    /// Workers follow instances and faults: `capacity` scales the pool, `down`
    /// instances serve nothing. Returns the queued requests that start.
    pub fn resize(&mut self, now: Time, workers: u32) -> Vec<(Span, AppEvent)> {
        let started = self.pool.set_servers(now, workers);
        started
            .into_iter()
            .map(|waiting| self.start(now, waiting.job))
            .collect()
    }

    /// Every worker an instance count gives, before faults.
    pub fn workers_per_server(&self) -> u32 {
        self.workers_per_server
    }

    /// Instances serving.
    pub fn instances(&self) -> u32 {
        self.instances
    }

    /// Instances booting.
    pub fn booting(&self) -> u32 {
        self.booting
    }

    /// `count` more instances start booting.
    pub fn boot(&mut self, count: u32) {
        self.booting += count;
    }

    /// `count` booted instances start serving (resize afterwards).
    pub fn ready(&mut self, count: u32) {
        self.booting = self.booting.saturating_sub(count);
        self.instances += count;
    }

    /// Serve with `instances` from now (resize afterwards).
    pub fn set_instances(&mut self, instances: u32) {
        self.instances = instances;
    }

    /// Instance-seconds paid for so far.
    pub fn instance_seconds(&self) -> f64 {
        self.instance_seconds
    }

    /// A fault adds latency to every request's work (zero when it ends).
    pub fn set_added_latency(&mut self, latency: Span) {
        self.added_latency = latency;
    }

    /// A runbook switches queue-length shedding on.
    pub fn shed_from_queue_length(&mut self, limit: u32) {
        self.shedding.set_queue_length(limit);
    }

    /// Appends this second's gauges; pays for the second's instances.
    pub fn sample(&mut self, row: &mut Vec<f64>) {
        self.instance_seconds += f64::from(self.instances + self.booting);
        row.push(f64::from(self.pool.busy()));
        row.push(self.pool.queue_len() as f64);
        row.push(utilization(self.pool.busy(), self.pool.servers()));
        row.push(f64::from(self.instances));
    }
}

/// Busy / servers; a pool with no servers left counts as saturated if anything is stuck in it.
pub fn utilization(busy: u32, servers: u32) -> f64 {
    if servers == 0 {
        f64::from(u8::from(busy > 0))
    } else {
        (f64::from(busy) / f64::from(servers)).min(1.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Duration, EndpointServiceSpec, RateLimitSpec, ShedSpec};
    use crate::onsale::components::fixtures::{at, det, ms};

    const SEED: u64 = 5;

    /// `servers` × 2 workers, a queue of `queue`; distinct service times per
    /// endpoint so a wrong sampler shows.
    fn pool(servers: u32, queue: u32, shed: Option<ShedSpec>) -> AppPool {
        let spec = AppSpec {
            servers,
            queue,
            shed,
            ..pool_spec()
        };
        AppPool::new(&spec, 100, &Streams::new(SEED, 0))
    }

    fn request(fan: u32, endpoint: Endpoint, issued: Time) -> Request {
        Request {
            fan,
            sequence: 1,
            endpoint,
            hop: 0,
            timed: false,
            timer: Default::default(),
            issued,
            stage_arrived: issued,
        }
    }

    fn started_fan(entry: Entry) -> u32 {
        match entry {
            Entry::Started(_, AppEvent::WorkDone(request)) => request.fan,
            other => panic!("expected a start, got {other:?}"),
        }
    }

    #[test]
    fn queues_up_to_its_bound_and_refuses_beyond_it() {
        // 2 servers × 2 workers = 4 in service, then 3 queued, then 503s.
        let mut pool = pool(2, 3, None);
        for fan in 0..4 {
            assert!(matches!(
                pool.arrive(at(0), request(fan, Endpoint::Hold, at(0))),
                Entry::Started(..)
            ));
        }
        for fan in 4..7 {
            assert!(matches!(
                pool.arrive(at(1), request(fan, Endpoint::Hold, at(1))),
                Entry::Queued
            ));
        }
        for fan in 7..10 {
            assert!(matches!(
                pool.arrive(at(2), request(fan, Endpoint::Hold, at(2))),
                Entry::Refused(ErrorKind::Rejected)
            ));
        }
        let mut row = Vec::new();
        pool.sample(&mut row);
        assert_eq!(row, vec![4.0, 3.0, 1.0, 2.0]);
    }

    #[test]
    fn a_release_frees_a_worker_for_the_next_queued_request_in_order() {
        let mut pool = pool(1, 10, None);
        let first: Vec<Request> = (0..2)
            .map(|fan| request(fan, Endpoint::SeatMap, at(0)))
            .collect();
        for r in &first {
            pool.arrive(at(0), *r);
        }
        for fan in 2..5 {
            assert!(matches!(
                pool.arrive(at(1), request(fan, Endpoint::Confirm, at(1))),
                Entry::Queued
            ));
        }
        // Each release starts the oldest waiting request, with its own work.
        for (release, next) in [(first[0], 2), (first[1], 3)] {
            let (cpu, event) = pool
                .release(at(60), &release)
                .expect("a queued request starts");
            let AppEvent::WorkDone(started) = event else {
                panic!("shed without shedding");
            };
            assert_eq!((started.fan, cpu), (next, ms(10)));
        }
        let mut row = Vec::new();
        pool.sample(&mut row);
        assert_eq!(&row[..2], &[2.0, 1.0], "busy stays 2, one still queued");
        let r = request(2, Endpoint::Confirm, at(1));
        assert!(pool.release(at(70), &r).is_some());
        let r = request(3, Endpoint::Confirm, at(1));
        assert!(
            pool.release(at(70), &r).is_none(),
            "queue empty: the worker idles"
        );
        // The idle worker takes the next arrival at once.
        assert_eq!(
            started_fan(pool.arrive(at(80), request(9, Endpoint::Hold, at(80)))),
            9
        );
    }

    #[test]
    fn work_takes_the_endpoint_service_time_plus_added_latency() {
        let mut pool = pool(10, 0, None);
        let expected = [40, 60, 30, 20, 10, 40];
        for (endpoint, cpu) in Endpoint::ALL.into_iter().zip(expected) {
            let Entry::Started(span, _) = pool.arrive(at(0), request(0, endpoint, at(0))) else {
                panic!("a free worker");
            };
            assert_eq!(
                span,
                ms(cpu),
                "{endpoint:?} (access_code falls back to event_page)"
            );
        }
        pool.set_added_latency(ms(500));
        let Entry::Started(span, _) = pool.arrive(at(0), request(0, Endpoint::Hold, at(0))) else {
            panic!("a free worker");
        };
        assert_eq!(span, ms(530));
    }

    #[test]
    fn sheds_arrivals_from_the_configured_queue_length() {
        let shed = ShedSpec {
            queue_length: Some(2),
            queue_delay: None,
        };
        // Bound 10, but shedding at 2 waiting.
        let mut pool = pool(1, 10, Some(shed));
        for fan in 0..2 {
            pool.arrive(at(0), request(fan, Endpoint::Hold, at(0)));
        }
        for fan in 2..4 {
            assert!(matches!(
                pool.arrive(at(0), request(fan, Endpoint::Hold, at(0))),
                Entry::Queued
            ));
        }
        assert!(matches!(
            pool.arrive(at(0), request(4, Endpoint::Hold, at(0))),
            Entry::Refused(ErrorKind::Shed)
        ));
    }

    #[test]
    fn a_runbook_turns_queue_length_shedding_on() {
        let mut pool = pool(1, 10, None);
        for fan in 0..5 {
            pool.arrive(at(0), request(fan, Endpoint::Hold, at(0)));
        }
        pool.shed_from_queue_length(3);
        assert!(matches!(
            pool.arrive(at(0), request(5, Endpoint::Hold, at(0))),
            Entry::Refused(ErrorKind::Shed)
        ));
    }

    #[test]
    fn drops_requests_that_waited_longer_than_the_queue_delay() {
        let shed = ShedSpec {
            queue_length: None,
            queue_delay: Some(Duration::from_secs_f64(2.0)),
        };
        let mut pool = pool(1, 10, Some(shed));
        let busy: Vec<Request> = (0..2)
            .map(|fan| request(fan, Endpoint::Hold, at(0)))
            .collect();
        for r in &busy {
            pool.arrive(at(0), *r);
        }
        pool.arrive(at(0), request(2, Endpoint::Hold, at(0)));
        pool.arrive(at(0), request(3, Endpoint::Hold, at(0)));
        // Waited exactly 2 s: served. Waited 2 s + 1 ns: dropped at no CPU cost.
        let (cpu, event) = pool.release(at(2000), &busy[0]).unwrap();
        assert!(
            matches!(event, AppEvent::WorkDone(r) if r.fan == 2),
            "{event:?}"
        );
        assert_eq!(cpu, ms(30));
        let (cpu, event) = pool.release(at(2000) + Span(1), &busy[1]).unwrap();
        assert!(
            matches!(event, AppEvent::Sheds(r) if r.fan == 3),
            "{event:?}"
        );
        assert_eq!(cpu, Span::ZERO);
    }

    #[test]
    fn resizing_starts_queued_requests_and_a_shrunk_pool_drains_first() {
        let mut pool = pool(2, 10, None);
        let running: Vec<Request> = (0..4)
            .map(|fan| request(fan, Endpoint::Hold, at(0)))
            .collect();
        for r in &running {
            pool.arrive(at(0), *r);
        }
        for fan in 4..8 {
            pool.arrive(at(0), request(fan, Endpoint::Hold, at(0)));
        }
        // Half the workers go: nothing starts, and the first releases start nobody.
        assert!(pool.resize(at(1), 2).is_empty());
        assert!(pool.release(at(2), &running[0]).is_none());
        assert!(pool.release(at(2), &running[1]).is_none());
        // Now 2 busy of 2: the next release hands its worker on.
        assert!(pool.release(at(3), &running[2]).is_some());
        // Back to 6 workers: 3 of the 3 still queued start at once.
        let started = pool.resize(at(4), 6);
        assert_eq!(started.len(), 3);
        let mut row = Vec::new();
        pool.sample(&mut row);
        assert_eq!(&row[..3], &[5.0, 0.0, 5.0 / 6.0]);
    }

    #[test]
    fn the_rate_limit_refuses_a_session_beyond_its_burst() {
        let spec = AppSpec {
            rate_limit: Some(RateLimitSpec {
                per_s: 1.0,
                burst: 3,
            }),
            ..pool_spec()
        };
        let mut pool = AppPool::new(&spec, 2, &Streams::new(SEED, 0));
        for _ in 0..3 {
            assert!(!matches!(
                pool.arrive(at(0), request(0, Endpoint::EventPage, at(0))),
                Entry::Refused(_)
            ));
        }
        assert!(matches!(
            pool.arrive(at(0), request(0, Endpoint::EventPage, at(0))),
            Entry::Refused(ErrorKind::RateLimited)
        ));
        // Another session has its own bucket; one interval later session 0 may go again.
        assert!(!matches!(
            pool.arrive(at(0), request(1, Endpoint::EventPage, at(0))),
            Entry::Refused(_)
        ));
        assert!(!matches!(
            pool.arrive(at(1000), request(0, Endpoint::EventPage, at(1000))),
            Entry::Refused(_)
        ));
    }

    fn pool_spec() -> AppSpec {
        AppSpec {
            servers: 10,
            workers: 2,
            queue: 10,
            timeout: Duration::from_secs_f64(15.0),
            service: EndpointServiceSpec {
                event_page: det(40),
                seat_map: det(60),
                hold: det(30),
                payment: det(20),
                confirm: det(10),
                access_code: None,
            },
            shed: None,
            autoscale: None,
            rate_limit: None,
        }
    }

    #[test]
    fn instances_boot_then_serve_and_are_paid_for_while_booting() {
        let mut pool = pool(3, 0, None);
        pool.boot(2);
        let mut row = Vec::new();
        pool.sample(&mut row);
        assert_eq!((pool.instances(), pool.booting()), (3, 2));
        pool.ready(2);
        pool.sample(&mut row);
        assert_eq!((pool.instances(), pool.booting()), (5, 0));
        assert_eq!(pool.instance_seconds(), 10.0);
        assert_eq!(pool.workers_per_server(), 2);
    }

    #[test]
    fn utilization_is_busy_over_servers_and_saturated_with_none_left() {
        assert_eq!(utilization(3, 4), 0.75);
        assert_eq!(utilization(6, 4), 1.0);
        assert_eq!(utilization(0, 0), 0.0);
        assert_eq!(utilization(1, 0), 1.0);
    }
}
