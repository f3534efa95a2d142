//! Requests along their routes. A request enters the component at its hop;
//! a component that passes it on hands it to the next hop; the component that
//! answers replies, and the reply travels back past every earlier hop (a pool
//! frees its worker) to the fan. Nothing here matches on the endpoint except
//! `deliver`, where the fan's journey takes the answer.

use super::World;
use crate::engine::{LaneTimer, Scheduler, Time};
use crate::model::Component;
use crate::onsale::components::access_check::{AccessCheckEvent, CheckEntry};
use crate::onsale::components::app::{AppEvent, Entry};
use crate::onsale::components::cache::{CacheEvent, Lookup};
use crate::onsale::components::cdn::CdnEvent;
use crate::onsale::components::database::DatabaseEvent;
use crate::onsale::components::payment::{PaymentEvent, PaymentResult};
use crate::onsale::components::replicas::ReplicasEvent;
use crate::onsale::event::Event;
use crate::onsale::incidents::Incident;
use crate::onsale::metrics::ErrorKind;
use crate::onsale::request::{Endpoint, Request};

/// What the answering component says.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Answer {
    /// Done: the page, the map, the committed transaction, the accepted code.
    Done,
    /// The payment provider's verdict.
    Paid(PaymentResult),
    /// An error.
    Failed(ErrorKind),
}

impl World {
    /// A fan issues the request of `endpoint` now.
    pub(super) fn issue(
        &mut self,
        now: Time,
        fan: u32,
        endpoint: Endpoint,
        scheduler: &mut Scheduler<Event>,
    ) {
        let record = &mut self.fans[fan as usize];
        record.sequence = record.sequence.wrapping_add(1);
        record.set_pending(true);
        let request = Request {
            fan,
            sequence: record.sequence,
            endpoint,
            hop: 0,
            timed: false,
            timer: LaneTimer::default(),
            issued: now,
            stage_arrived: now,
        };
        self.metrics.on_request(endpoint);
        self.enter(now, request, scheduler);
    }

    /// `request` reaches the component at its hop.
    fn enter(&mut self, now: Time, request: Request, scheduler: &mut Scheduler<Event>) {
        match self.routes.at(request.endpoint, request.hop) {
            Component::Cdn => match self.cdn.serves() {
                Some(latency) => scheduler.after(latency, Event::Cdn(CdnEvent::Responds(request))),
                None => self.enter(now, request.forwarded(now), scheduler),
            },
            Component::App | Component::AccessCheck => self.enter_pool(now, request, scheduler),
            Component::Database => self.enter_database(now, request, scheduler),
            Component::Replicas => {
                if let Some(read) = self.replicas.arrive(now, request, self.database.rng()) {
                    scheduler.after(read, Event::Replicas(ReplicasEvent::ReadDone(request)));
                }
            }
            Component::Payment => {
                let failed = self.faults.fails(Component::Payment);
                let (delay, event) = self.payment.call(request, failed);
                scheduler.after(delay, Event::Payment(event));
            }
            Component::Cache => self.enter_cache(now, request, scheduler),
        }
    }

    /// The cache entry of a request: the seat map of the fan's show.
    fn cache_key(&self, request: &Request) -> u32 {
        u32::from(self.fans[request.fan as usize].show)
    }

    fn enter_cache(&mut self, now: Time, request: Request, scheduler: &mut Scheduler<Event>) {
        let key = self.cache_key(&request);
        let cache = self
            .cache
            .as_mut()
            .expect("routes name only configured components");
        match cache.lookup(now, key, request) {
            Lookup::Hit(latency) => {
                scheduler.after(latency, Event::Cache(CacheEvent::Hit(request)))
            }
            Lookup::Fetch => self.enter(now, request.forwarded(now), scheduler),
            Lookup::Wait => {}
        }
    }

    /// A pool (app, access check) takes the request or refuses it; the first
    /// pool that takes it starts the client's timeout.
    fn enter_pool(&mut self, now: Time, request: Request, scheduler: &mut Scheduler<Event>) {
        let arm = !request.timed;
        // The timer's handle rides with the request, so the answer can cancel
        // the timeout it makes moot (a toy on-sale: 27% of its events).
        let request = if arm {
            Request {
                timed: true,
                timer: scheduler.next_fixed_timer(),
                ..request
            }
        } else {
            request
        };
        let accepted = match self.routes.at(request.endpoint, request.hop) {
            Component::App => self.enter_app(now, request, scheduler),
            _ => self.enter_access_check(now, request, scheduler),
        };
        if accepted && arm {
            scheduler.after_fixed(
                self.client_timeout,
                Event::ClientTimeout(request),
                request.timeout_tag(),
            );
        }
    }

    /// True when the check took the request (now or queued).
    fn enter_access_check(
        &mut self,
        now: Time,
        request: Request,
        scheduler: &mut Scheduler<Event>,
    ) -> bool {
        let check = self
            .access_check
            .as_mut()
            .expect("routes name only configured components");
        match check.arrive(now, request) {
            CheckEntry::Started(duration) => {
                let event = Event::AccessCheck(AccessCheckEvent::Checked(request));
                scheduler.after(duration, event);
                true
            }
            CheckEntry::Queued => true,
            CheckEntry::Refused(kind) => {
                self.reply(now, request, Answer::Failed(kind), scheduler);
                false
            }
        }
    }

    /// True when the app pool took the request (a worker, or its queue).
    fn enter_app(&mut self, now: Time, request: Request, scheduler: &mut Scheduler<Event>) -> bool {
        match self.app.arrive(now, request) {
            Entry::Started(delay, event) => {
                scheduler.after(delay, Event::App(event));
                true
            }
            Entry::Queued => true,
            Entry::Refused(kind) => {
                self.reply(now, request, Answer::Failed(kind), scheduler);
                false
            }
        }
    }

    fn enter_database(&mut self, now: Time, request: Request, scheduler: &mut Scheduler<Event>) {
        let (result, change) = self.database.call(now, request);
        self.note_breaker(now, change);
        match result {
            Err(kind) => self.reply(now, request, Answer::Failed(kind), scheduler),
            Ok(Some(duration)) => scheduler.after(
                duration,
                Event::Database(DatabaseEvent::TransactionDone(request)),
            ),
            Ok(None) => {}
        }
    }

    fn note_breaker(&mut self, now: Time, change: Option<&'static str>) {
        if let Some(state) = change {
            self.incidents
                .push(Incident::new(now, "breaker", "database", state));
        }
    }

    /// The component at `request.hop` answers: every earlier hop lets go of the
    /// request, then the fan gets the answer.
    pub(super) fn reply(
        &mut self,
        now: Time,
        request: Request,
        answer: Answer,
        scheduler: &mut Scheduler<Event>,
    ) {
        for hop in (0..request.hop).rev() {
            match self.routes.at(request.endpoint, hop) {
                Component::App => self.release_app(now, &request, scheduler),
                Component::Cache => self.cache_fetched(now, &request, hop, answer, scheduler),
                _ => {}
            }
        }
        self.deliver(now, request, answer, scheduler);
    }

    /// A fetch returns through the cache: the entry fills (or stays stale on an
    /// error), and every request that waited for it gets the same answer.
    fn cache_fetched(
        &mut self,
        now: Time,
        request: &Request,
        hop: u8,
        answer: Answer,
        scheduler: &mut Scheduler<Event>,
    ) {
        let key = self.cache_key(request);
        let cache = self
            .cache
            .as_mut()
            .expect("routes name only configured components");
        for waiter in cache.fetched(now, key, answer == Answer::Done) {
            debug_assert_eq!(waiter.hop, hop, "a waiter waits at the cache");
            self.reply(now, waiter, answer, scheduler);
        }
    }

    /// The app worker serving `request` is free: the next queued request starts.
    fn release_app(&mut self, now: Time, request: &Request, scheduler: &mut Scheduler<Event>) {
        if let Some((delay, event)) = self.app.release(now, request) {
            scheduler.after(delay, Event::App(event));
        }
    }

    /// The fan's journey takes the answer, if the client still waits for it.
    fn deliver(
        &mut self,
        now: Time,
        request: Request,
        answer: Answer,
        scheduler: &mut Scheduler<Event>,
    ) {
        let fan = request.fan;
        match (answer, request.endpoint) {
            // The seat core commits whether or not the client still waits.
            (Answer::Done, Endpoint::Hold) => self.commit_hold(now, request, scheduler),
            (Answer::Done, Endpoint::Confirm) => self.commit_confirm(now, request, scheduler),
            _ if !self.deliverable(now, &request, scheduler) => {}
            (Answer::Failed(kind), _) => self.fail(now, request, kind, scheduler),
            (Answer::Paid(result), _) => self.on_payment_result(now, fan, result, scheduler),
            (Answer::Done, Endpoint::EventPage) => self.on_event_page(now, fan, scheduler),
            (Answer::Done, Endpoint::SeatMap) => self.on_seat_map(now, fan, scheduler),
            (Answer::Done, Endpoint::AccessCode) => self.on_access_granted(now, fan, scheduler),
            (Answer::Done, Endpoint::Payment) => {
                self.on_payment_result(now, fan, PaymentResult::Approved, scheduler)
            }
        }
    }

    /// True if the fan still waits for this request; otherwise the work was
    /// wasted. An answered request's client timeout would find nothing to do,
    /// so it is cancelled.
    pub(super) fn deliverable(
        &mut self,
        now: Time,
        request: &Request,
        scheduler: &mut Scheduler<Event>,
    ) -> bool {
        let fan = &mut self.fans[request.fan as usize];
        if fan.pending() && fan.sequence == request.sequence && !fan.is_done() {
            fan.set_pending(false);
            self.metrics
                .on_response(request.endpoint, now.since(request.issued));
            if request.timed {
                scheduler.cancel_fixed(request.timer, request.timeout_tag());
            }
            true
        } else {
            self.metrics.wasted_responses += 1;
            false
        }
    }

    pub(super) fn on_client_timeout(
        &mut self,
        now: Time,
        request: Request,
        scheduler: &mut Scheduler<Event>,
    ) {
        let fan = &self.fans[request.fan as usize];
        if fan.pending() && fan.sequence == request.sequence && !fan.is_done() {
            self.fans[request.fan as usize].set_pending(false);
            self.metrics
                .on_response(request.endpoint, now.since(request.issued));
            self.fail(now, request, ErrorKind::Timeout, scheduler);
        }
    }

    pub(super) fn on_cdn(&mut self, now: Time, event: CdnEvent, scheduler: &mut Scheduler<Event>) {
        let CdnEvent::Responds(request) = event;
        self.reply(now, request, Answer::Done, scheduler);
    }

    pub(super) fn on_cache(
        &mut self,
        now: Time,
        event: CacheEvent,
        scheduler: &mut Scheduler<Event>,
    ) {
        let CacheEvent::Hit(request) = event;
        self.reply(now, request, Answer::Done, scheduler);
    }

    pub(super) fn on_access_check(
        &mut self,
        now: Time,
        event: AccessCheckEvent,
        scheduler: &mut Scheduler<Event>,
    ) {
        let AccessCheckEvent::Checked(request) = event;
        let is_bot = self.fans[request.fan as usize].is_bot();
        let check = self
            .access_check
            .as_mut()
            .expect("routes name only configured components");
        let (next, valid) = check.finish(now, &request, is_bot);
        if let Some((next, duration)) = next {
            scheduler.after(
                duration,
                Event::AccessCheck(AccessCheckEvent::Checked(next)),
            );
        }
        let answer = if self.faults.fails(Component::AccessCheck) {
            Answer::Failed(ErrorKind::ServerError)
        } else if valid {
            Answer::Done
        } else {
            Answer::Failed(ErrorKind::AccessDenied)
        };
        self.reply(now, request, answer, scheduler);
    }

    pub(super) fn on_app(&mut self, now: Time, event: AppEvent, scheduler: &mut Scheduler<Event>) {
        let (request, answer) = match event {
            AppEvent::Sheds(request) => (request, Answer::Failed(ErrorKind::Shed)),
            AppEvent::WorkDone(request) if self.faults.fails(Component::App) => {
                (request, Answer::Failed(ErrorKind::ServerError))
            }
            AppEvent::WorkDone(request) if !self.routes.is_last(request.endpoint, request.hop) => {
                return self.enter(now, request.forwarded(now), scheduler);
            }
            AppEvent::WorkDone(request) => (request, Answer::Done),
        };
        self.release_app(now, &request, scheduler);
        self.reply(now, request, answer, scheduler);
    }

    pub(super) fn on_database(
        &mut self,
        now: Time,
        event: DatabaseEvent,
        scheduler: &mut Scheduler<Event>,
    ) {
        let DatabaseEvent::TransactionDone(request) = event;
        let (next, committed) = self.database.finish(now, &request);
        if let Some((next, duration)) = next {
            scheduler.after(
                duration,
                Event::Database(DatabaseEvent::TransactionDone(next)),
            );
        }
        // A failover since the transaction began loses it: no seat-core call.
        let answer = if !committed {
            Answer::Failed(ErrorKind::Unavailable)
        } else if self.faults.fails(Component::Database) {
            Answer::Failed(ErrorKind::ServerError)
        } else {
            Answer::Done
        };
        let change = self.database.record(now, answer == Answer::Done);
        self.note_breaker(now, change);
        self.reply(now, request, answer, scheduler);
    }

    pub(super) fn on_replicas(
        &mut self,
        now: Time,
        event: ReplicasEvent,
        scheduler: &mut Scheduler<Event>,
    ) {
        let ReplicasEvent::ReadDone(request) = event;
        if let Some((next, read)) = self.replicas.finish(now, &request, self.database.rng()) {
            scheduler.after(read, Event::Replicas(ReplicasEvent::ReadDone(next)));
        }
        let answer = if self.faults.fails(Component::Replicas) {
            Answer::Failed(ErrorKind::ServerError)
        } else {
            Answer::Done
        };
        self.reply(now, request, answer, scheduler);
    }

    pub(super) fn on_payment(
        &mut self,
        now: Time,
        event: PaymentEvent,
        scheduler: &mut Scheduler<Event>,
    ) {
        let PaymentEvent::Answers(request, result) = event;
        self.payment.answered();
        self.reply(now, request, Answer::Paid(result), scheduler);
    }

    /// A fault window opens or closes: every component takes the new health,
    /// and the pools are resized.
    pub(super) fn on_fault(
        &mut self,
        now: Time,
        index: usize,
        starting: bool,
        scheduler: &mut Scheduler<Event>,
    ) {
        let health = self.faults.toggle(index, starting).clone();
        self.database.set_down(now, health.database_down);
        self.cdn.set_down(health.cdn_down);
        self.app.set_added_latency(health.latency(Component::App));
        self.database
            .set_added_latency(health.latency(Component::Database));
        self.replicas
            .set_added_latency(health.latency(Component::Replicas));
        self.payment
            .set_added_latency(health.latency(Component::Payment));
        self.resize_app(now, scheduler);
        let connections = health.pool(Component::Database, self.database.connections());
        for (request, duration) in self.database.resize(now, connections) {
            scheduler.after(
                duration,
                Event::Database(DatabaseEvent::TransactionDone(request)),
            );
        }
        let connections = health.pool(Component::Replicas, self.replicas.connections());
        let rng = self.database.rng();
        for (request, read) in self.replicas.resize(now, connections, rng) {
            scheduler.after(read, Event::Replicas(ReplicasEvent::ReadDone(request)));
        }
        if let Some(cache) = self.cache.as_mut() {
            cache.set_down(health.pool(Component::Cache, 1) == 0);
        }
        if let Some(check) = self.access_check.as_mut() {
            check.set_added_latency(health.latency(Component::AccessCheck));
            let workers = health.pool(Component::AccessCheck, check.workers());
            for (request, duration) in check.resize(now, workers) {
                let event = Event::AccessCheck(AccessCheckEvent::Checked(request));
                scheduler.after(duration, event);
            }
        }
        self.inventory.set_replica_lag(
            health
                .replica_lag
                .unwrap_or(self.inventory.base_replica_lag()),
        );
        let window = &self.faults.windows()[index];
        let kind = if starting { "fault_start" } else { "fault_end" };
        let incident = Incident::new(
            now,
            kind,
            window.spec.component.name(),
            window.detail(index),
        );
        self.incidents.push(incident);
    }

    /// The app pool's workers follow instances and faults.
    pub(super) fn resize_app(&mut self, now: Time, scheduler: &mut Scheduler<Event>) {
        let workers = self
            .faults
            .health()
            .app_workers(self.app.instances(), self.app.workers_per_server());
        for (delay, event) in self.app.resize(now, workers) {
            scheduler.after(delay, Event::App(event));
        }
    }
}
