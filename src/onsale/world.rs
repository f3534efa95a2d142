//! The on-sale world: owns every component by value, dispatches the one event
//! enum, and carries requests from fans through the CDN, app servers, database,
//! replicas and payment provider. The fan's side of the journey is in `journey.rs`.

use std::collections::{BTreeMap, BTreeSet};

use rand::RngExt;
use seat_core::SeatId;

use super::event::{Endpoint, Event, PaymentResult, Request};
use super::fan::Fan;
use super::faults::{FaultWindow, Health};
use super::incidents::Incident;
use super::inventory::Inventory;
use super::metrics::{ErrorKind, OnsaleMetrics, SecondRow};
use super::operations::Operations;
use super::waiting_room::WaitingRoom;
use crate::engine::{Model, Rng, Scheduler, Span, Streams, Time};
use crate::model::{Component, OnsaleSpec};
use crate::queueing::{Admission, Station};
use crate::sampler::Sampler;

/// Constants of a run, read once from the spec.
pub struct Params {
    pub hold_ttl: Span,
    pub token_ttl: Span,
    pub app_timeout: Span,
    pub payment_timeout: Span,
    pub payment_retries: u8,
    pub decline_rate: f64,
    pub abandon_cart: f64,
    pub cdn_hit_ratio: f64,
    pub cdn_capacity_per_s: f64,
    pub retry_attempts: u16,
    pub backoff: Option<crate::resilience::RetrySpec>,
    pub bot_attempts: u16,
    pub bot_interval: Span,
    pub poll_interval_s: f64,
    pub workers_per_server: u32,
    pub replica_lag: Span,
    pub database_connections: u32,
    pub replica_connections: u32,
    pub horizon: Time,
}

/// Distributions of the components and the fans.
pub struct Samplers {
    pub app_service: [Sampler; 5],
    pub database_hold: Sampler,
    pub database_confirm: Sampler,
    pub replica_read: Sampler,
    pub cdn_latency: Sampler,
    pub payment_latency: Sampler,
    pub think_seat: Sampler,
    pub think_payment: Sampler,
    pub retry_delay: Sampler,
    pub patience: Sampler,
}

/// Named random streams, one per component or behaviour.
pub struct RandomStreams {
    pub behaviour: Rng,
    pub patience: Rng,
    pub cdn: Rng,
    pub app: Rng,
    pub database: Rng,
    pub payment: Rng,
}

/// Everything in one run.
pub struct World {
    pub params: Params,
    pub samplers: Samplers,
    pub rng: RandomStreams,
    pub fans: Vec<Fan>,
    /// Seats a fan clicked on the map, until their hold request is answered.
    pub picks: BTreeMap<u32, Vec<SeatId>>,
    pub room: WaitingRoom,
    pub inventory: Inventory,
    pub app: Station<Request>,
    pub database: Station<Request>,
    pub replicas: Station<Request>,
    pub payments_in_flight: u64,
    pub cdn_this_second: u64,
    pub admissions: u32,
    pub sold_out_announced: bool,
    pub metrics: OnsaleMetrics,
    pub faults: Vec<FaultWindow>,
    pub active_faults: BTreeSet<usize>,
    pub health: Health,
    pub fault_rng: Rng,
    /// The latest time the primary became unavailable: transactions that entered
    /// before it and finish after it are lost.
    pub database_outage_started: Time,
    pub incidents: Vec<Incident>,
    pub operations: Operations,
    /// The fans' shared retry budget, if any.
    pub retry_budget: Option<crate::resilience::RetryBudget>,
    /// When the run started (the waiting room's opening).
    pub start: Time,
}

impl World {
    /// Builds the world of a validated spec.
    pub fn new(
        spec: &OnsaleSpec,
        venue: &seat_core::VenueSpec,
        fans: Vec<Fan>,
        faults: Vec<FaultWindow>,
        streams: &Streams,
    ) -> Result<World, String> {
        let app_workers = spec.app.servers * spec.app.workers;
        let database = &spec.database;
        let replica_connections = database.replicas * database.replica_connections;
        let service = &spec.app.service;
        let warmup = Time(i64::MIN);
        Ok(World {
            params: Params {
                hold_ttl: spec.sale.hold_ttl.span(),
                token_ttl: spec.waiting_room.token_ttl.span(),
                app_timeout: spec.app.timeout.span(),
                payment_timeout: spec.payment.timeout.span(),
                payment_retries: spec.payment.retries.min(255) as u8,
                decline_rate: spec.payment.decline_rate,
                abandon_cart: spec.demand.abandon_cart,
                cdn_hit_ratio: spec.cdn.hit_ratio,
                cdn_capacity_per_s: spec.cdn.capacity_per_s,
                retry_attempts: spec.demand.retry.attempts.min(u16::MAX as u32) as u16,
                backoff: spec.demand.retry.backoff.clone(),
                bot_attempts: spec.bots.attempts.min(u16::MAX as u32) as u16,
                bot_interval: spec.bots.request_interval.span(),
                poll_interval_s: spec.waiting_room.poll_interval.as_secs_f64(),
                workers_per_server: spec.app.workers,
                replica_lag: database.replica_lag.span(),
                database_connections: database.connections,
                replica_connections,
                horizon: Time::OPENING + spec.horizon.span(),
            },
            samplers: Samplers {
                app_service: [
                    &service.event_page,
                    &service.seat_map,
                    &service.hold,
                    &service.payment,
                    &service.confirm,
                ]
                .map(Sampler::new),
                database_hold: Sampler::new(&database.hold),
                database_confirm: Sampler::new(&database.confirm),
                replica_read: Sampler::new(&database.seat_map),
                cdn_latency: Sampler::new(&spec.cdn.latency),
                payment_latency: Sampler::new(&spec.payment.latency),
                think_seat: Sampler::new(&spec.demand.think_seat),
                think_payment: Sampler::new(&spec.demand.think_payment),
                retry_delay: Sampler::new(&spec.demand.retry.delay),
                patience: Sampler::new(&spec.demand.patience),
            },
            rng: RandomStreams {
                behaviour: streams.get("fans:behaviour"),
                patience: streams.get("fans:patience"),
                cdn: streams.get("cdn"),
                app: streams.get("app:service"),
                database: streams.get("database:service"),
                payment: streams.get("payment"),
            },
            fans,
            picks: BTreeMap::new(),
            room: WaitingRoom::new(&spec.waiting_room, streams.get("waiting_room:shuffle")),
            inventory: Inventory::new(
                venue,
                spec.sale.shows,
                spec.sale.order_limit,
                database.replica_lag.span(),
            )?,
            app: Station::new(
                app_workers,
                Some(app_workers.saturating_add(spec.app.queue)),
                warmup,
            ),
            database: Station::new(database.connections, None, warmup),
            replicas: Station::new(replica_connections, None, warmup),
            payments_in_flight: 0,
            cdn_this_second: 0,
            admissions: 0,
            sold_out_announced: false,
            metrics: OnsaleMetrics::new(),
            faults,
            active_faults: BTreeSet::new(),
            health: Health::of(&[], &BTreeSet::new()),
            fault_rng: streams.get("faults:errors"),
            database_outage_started: Time(i64::MIN),
            incidents: Vec::new(),
            operations: Operations::new(spec),
            retry_budget: spec
                .demand
                .retry
                .budget
                .as_ref()
                .map(crate::resilience::RetryBudget::new),
            start: Time(spec.waiting_room.opens.0.0.min(0)),
        })
    }

    /// Schedules the first arrival, the opening and the first metrics tick.
    pub fn start(&mut self, start: Time, scheduler: &mut Scheduler<Event>) {
        if let Some(first) = self.fans.first() {
            scheduler.at(first.arrived.max(start), Event::FanArrives(0));
        }
        scheduler.at(Time::OPENING.max(start), Event::SaleOpens);
        scheduler.at(start + Span::from_secs(1), Event::MetricsTick);
        for (index, window) in self.faults.iter().enumerate() {
            if window.start < self.params.horizon {
                scheduler.at(window.start.max(start), Event::FaultStarts(index as u16));
                scheduler.at(window.end.max(start), Event::FaultEnds(index as u16));
            }
        }
    }

    /// A fault window opens or closes: recompute every component's health and
    /// resize the pools.
    fn on_fault(
        &mut self,
        now: Time,
        index: usize,
        starting: bool,
        scheduler: &mut Scheduler<Event>,
    ) {
        let was_down = self.health.database_down;
        if starting {
            self.active_faults.insert(index);
        } else {
            self.active_faults.remove(&index);
        }
        self.health = Health::of(&self.faults, &self.active_faults);
        if self.health.database_down && !was_down {
            self.database_outage_started = now;
        }
        self.resize_app(now, scheduler);
        let connections = self
            .health
            .pool(Component::Database, self.params.database_connections);
        for started in self.database.set_servers(now, connections) {
            self.start_transaction(started.job, scheduler);
        }
        let replica_connections = self
            .health
            .pool(Component::Replicas, self.params.replica_connections);
        for started in self.replicas.set_servers(now, replica_connections) {
            self.start_replica_read(started.job, scheduler);
        }
        self.inventory
            .set_replica_lag(self.health.replica_lag.unwrap_or(self.params.replica_lag));
        let window = &self.faults[index];
        let kind = if starting { "fault_start" } else { "fault_end" };
        let incident = Incident::new(
            now,
            kind,
            window.spec.component.name(),
            window.detail(index),
        );
        self.incidents.push(incident);
    }

    /// The app answers `request` with an error of `kind` (if the client still waits).
    pub(super) fn answer_error(
        &mut self,
        now: Time,
        request: Request,
        kind: ErrorKind,
        scheduler: &mut Scheduler<Event>,
    ) {
        self.complete(now, request, scheduler);
        if self.deliverable(now, &request) {
            self.fail(now, request, kind, scheduler);
        }
    }

    /// A fan issues the request of `endpoint` now.
    pub fn issue(
        &mut self,
        now: Time,
        fan: u32,
        endpoint: Endpoint,
        scheduler: &mut Scheduler<Event>,
    ) {
        let record = &mut self.fans[fan as usize];
        record.sequence = record.sequence.wrapping_add(1);
        record.pending = true;
        let request = Request {
            fan,
            sequence: record.sequence,
            endpoint,
            issued: now,
            stage_arrived: now,
        };
        self.metrics.on_request(endpoint);
        if endpoint == Endpoint::EventPage && self.cdn_serves() {
            self.metrics.current.cdn_hits += 1;
            let latency = self.samplers.cdn_latency.sample(&mut self.rng.cdn);
            scheduler.after(latency, Event::CdnResponds(request));
            return;
        }
        if self.rate_limited(now, request, scheduler)
            || self.shed_on_arrival(now, request, scheduler)
        {
            return;
        }
        match self.app.arrive(now, request) {
            Admission::Serve(request) => self.start_app_work(request, scheduler),
            Admission::Queued => {}
            Admission::Blocked(request) => {
                self.metrics.on_response(endpoint, Span::ZERO);
                self.fail(now, request, ErrorKind::Rejected, scheduler);
                return;
            }
        }
        scheduler.after(self.params.app_timeout, Event::ClientTimeout(request));
    }

    /// A cache hit, if the CDN has capacity left this second.
    fn cdn_serves(&mut self) -> bool {
        if self.health.cdn_down {
            return false;
        }
        let hit = self.rng.cdn.random::<f64>() < self.params.cdn_hit_ratio;
        if hit && (self.cdn_this_second as f64) < self.params.cdn_capacity_per_s {
            self.cdn_this_second += 1;
            return true;
        }
        false
    }

    pub(super) fn start_app_work(&mut self, request: Request, scheduler: &mut Scheduler<Event>) {
        if self.shed_on_start(scheduler.now(), &request) {
            return scheduler.after(Span::ZERO, Event::AppSheds(request));
        }
        let cpu = self.samplers.app_service[request.endpoint.index()].sample(&mut self.rng.app);
        scheduler.after(
            cpu + self.health.latency(Component::App),
            Event::AppWorkDone(request),
        );
    }

    /// The worker finished its CPU work: call downstream, or answer.
    fn on_app_work_done(&mut self, now: Time, request: Request, scheduler: &mut Scheduler<Event>) {
        let downstream = Request {
            stage_arrived: now,
            ..request
        };
        if self.health.fails(Component::App, &mut self.fault_rng) {
            return self.answer_error(now, request, ErrorKind::ServerError, scheduler);
        }
        match request.endpoint {
            Endpoint::EventPage => {
                self.complete(now, request, scheduler);
                if self.deliverable(now, &request) {
                    self.on_event_page(now, request.fan, scheduler);
                }
            }
            Endpoint::SeatMap => {
                if let Admission::Serve(request) = self.replicas.arrive(now, downstream) {
                    self.start_replica_read(request, scheduler);
                }
            }
            Endpoint::Hold | Endpoint::Confirm if self.health.database_down => {
                self.breaker_records(now, false);
                self.answer_error(now, request, ErrorKind::Unavailable, scheduler)
            }
            Endpoint::Hold | Endpoint::Confirm if !self.breaker_allows(now) => {
                self.answer_error(now, request, ErrorKind::BreakerOpen, scheduler)
            }
            Endpoint::Hold | Endpoint::Confirm => {
                if let Admission::Serve(request) = self.database.arrive(now, downstream) {
                    self.start_transaction(request, scheduler);
                }
            }
            Endpoint::Payment => {
                self.payments_in_flight += 1;
                let latency = self.samplers.payment_latency.sample(&mut self.rng.payment)
                    + self.health.latency(Component::Payment);
                let declined = self.rng.payment.random::<f64>() < self.params.decline_rate;
                let failed = self.health.fails(Component::Payment, &mut self.fault_rng);
                let (delay, result) =
                    match (latency > self.params.payment_timeout, failed, declined) {
                        (true, _, _) => (self.params.payment_timeout, PaymentResult::TimedOut),
                        (false, true, _) => (latency, PaymentResult::Failed),
                        (false, false, true) => (latency, PaymentResult::Declined),
                        (false, false, false) => (latency, PaymentResult::Approved),
                    };
                scheduler.after(delay, Event::PaymentDone(request, result));
            }
        }
    }

    fn start_transaction(&mut self, request: Request, scheduler: &mut Scheduler<Event>) {
        let sampler = match request.endpoint {
            Endpoint::Confirm => &self.samplers.database_confirm,
            _ => &self.samplers.database_hold,
        };
        let duration =
            sampler.sample(&mut self.rng.database) + self.health.latency(Component::Database);
        scheduler.after(duration, Event::DatabaseDone(request));
    }

    fn start_replica_read(&mut self, request: Request, scheduler: &mut Scheduler<Event>) {
        let read = self.samplers.replica_read.sample(&mut self.rng.database)
            + self.health.latency(Component::Replicas);
        scheduler.after(read, Event::ReplicaDone(request));
    }

    /// The app worker is free again: the next queued request starts.
    fn complete(&mut self, now: Time, request: Request, scheduler: &mut Scheduler<Event>) {
        if let Some(next) = self.app.depart(now, request.issued) {
            self.start_app_work(next.job, scheduler);
        }
    }

    /// True if the fan still waits for this request; otherwise the work was wasted.
    pub fn deliverable(&mut self, now: Time, request: &Request) -> bool {
        let fan = &mut self.fans[request.fan as usize];
        if fan.pending && fan.sequence == request.sequence && !fan.is_done() {
            fan.pending = false;
            self.metrics
                .on_response(request.endpoint, now.since(request.issued));
            true
        } else {
            self.metrics.wasted_responses += 1;
            false
        }
    }

    fn on_database_done(&mut self, now: Time, request: Request, scheduler: &mut Scheduler<Event>) {
        if let Some(next) = self.database.depart(now, request.stage_arrived) {
            self.start_transaction(next.job, scheduler);
        }
        // A failover since it began loses the transaction: no seat-core call.
        if request.stage_arrived < self.database_outage_started || self.health.database_down {
            self.breaker_records(now, false);
            return self.answer_error(now, request, ErrorKind::Unavailable, scheduler);
        }
        if self.health.fails(Component::Database, &mut self.fault_rng) {
            self.breaker_records(now, false);
            return self.answer_error(now, request, ErrorKind::ServerError, scheduler);
        }
        self.breaker_records(now, true);
        self.complete(now, request, scheduler);
        match request.endpoint {
            Endpoint::Confirm => self.commit_confirm(now, request, scheduler),
            _ => self.commit_hold(now, request, scheduler),
        }
    }

    fn on_replica_done(&mut self, now: Time, request: Request, scheduler: &mut Scheduler<Event>) {
        if let Some(next) = self.replicas.depart(now, request.stage_arrived) {
            self.start_replica_read(next.job, scheduler);
        }
        if self.health.fails(Component::Replicas, &mut self.fault_rng) {
            return self.answer_error(now, request, ErrorKind::ServerError, scheduler);
        }
        self.complete(now, request, scheduler);
        if self.deliverable(now, &request) {
            self.on_seat_map(now, request.fan, scheduler);
        }
    }

    fn on_payment_done(
        &mut self,
        now: Time,
        request: Request,
        result: PaymentResult,
        scheduler: &mut Scheduler<Event>,
    ) {
        self.payments_in_flight -= 1;
        self.complete(now, request, scheduler);
        if self.deliverable(now, &request) {
            self.on_payment_result(now, request.fan, result, scheduler);
        }
    }

    fn on_client_timeout(&mut self, now: Time, request: Request, scheduler: &mut Scheduler<Event>) {
        let fan = &self.fans[request.fan as usize];
        if fan.pending && fan.sequence == request.sequence && !fan.is_done() {
            self.fans[request.fan as usize].pending = false;
            self.metrics
                .on_response(request.endpoint, now.since(request.issued));
            self.fail(now, request, ErrorKind::Timeout, scheduler);
        }
    }

    fn on_hold_deadline(&mut self, now: Time, show: u16) {
        let tickets = self.inventory.expire(now, show);
        self.metrics.tickets_expired += u64::from(tickets);
    }

    /// Closes the current second of the time series.
    fn on_metrics_tick(&mut self, now: Time, scheduler: &mut Scheduler<Event>) {
        let entries = self.room.entries() as u64;
        let row = SecondRow {
            t_s: now.0.div_euclid(1_000_000_000),
            waiting_room_entries: entries,
            waiting_room_polls_per_s: entries as f64 / self.params.poll_interval_s,
            app_in_flight: u64::from(self.app.busy()),
            app_queue: self.app.queue_len() as u64,
            app_utilization: utilization(self.app.busy(), self.app.servers()),
            app_instances: u64::from(self.operations.instances),
            database_in_flight: u64::from(self.database.busy()),
            database_queue: self.database.queue_len() as u64,
            database_utilization: f64::from(self.database.busy())
                / f64::from(self.params.database_connections),
            replica_utilization: f64::from(self.replicas.busy())
                / f64::from(self.params.replica_connections),
            holds_active: self.inventory.live_holds(),
            tickets_sold: self.inventory.sold(),
            inventory_left: self.inventory.free(),
            ..std::mem::take(&mut self.metrics.current)
        };
        self.metrics.close_second(row);
        if let Some(row) = self.metrics.rows.last().cloned() {
            self.operate(now, &row, scheduler);
        }
        self.cdn_this_second = 0;
        if now < self.params.horizon {
            scheduler.after(Span::from_secs(1), Event::MetricsTick);
        }
    }
}

/// Busy / servers; a pool with no servers left counts as saturated if anything is stuck in it.
fn utilization(busy: u32, servers: u32) -> f64 {
    if servers == 0 {
        f64::from(u8::from(busy > 0))
    } else {
        (f64::from(busy) / f64::from(servers)).min(1.0)
    }
}

impl Model for World {
    type Event = Event;

    fn dispatch(&mut self, now: Time, event: Event, scheduler: &mut Scheduler<Event>) {
        match event {
            Event::FanArrives(fan) => self.on_fan_arrives(now, fan, scheduler),
            Event::FanLosesPatience(fan) => self.on_fan_loses_patience(now, fan),
            Event::FanActs { fan, sequence } => self.on_fan_acts(now, fan, sequence, scheduler),
            Event::SaleOpens => self.on_sale_opens(now, scheduler),
            Event::AdmitTick => self.on_admit_tick(now, scheduler),
            Event::MetricsTick => self.on_metrics_tick(now, scheduler),
            Event::CdnResponds(request) => {
                if self.deliverable(now, &request) {
                    self.on_event_page(now, request.fan, scheduler);
                }
            }
            Event::AppWorkDone(request) => self.on_app_work_done(now, request, scheduler),
            Event::DatabaseDone(request) => self.on_database_done(now, request, scheduler),
            Event::ReplicaDone(request) => self.on_replica_done(now, request, scheduler),
            Event::PaymentDone(request, result) => {
                self.on_payment_done(now, request, result, scheduler)
            }
            Event::ClientTimeout(request) => self.on_client_timeout(now, request, scheduler),
            Event::HoldDeadline(show) => self.on_hold_deadline(now, show),
            Event::RunbookActs(index) => self.on_runbook_acts(now, usize::from(index), scheduler),
            Event::InstancesReady(count) => {
                self.on_instances_ready(now, u32::from(count), scheduler)
            }
            Event::AppSheds(request) => self.answer_error(now, request, ErrorKind::Shed, scheduler),
            Event::FaultStarts(index) => self.on_fault(now, usize::from(index), true, scheduler),
            Event::FaultEnds(index) => self.on_fault(now, usize::from(index), false, scheduler),
        }
    }
}
