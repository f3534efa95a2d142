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
