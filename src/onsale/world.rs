//! The on-sale world: it assembles the components of a model, owns them by
//! value, and holds the one match on the event enum, which delegates to them.
//! Child modules extend it: `flow` carries requests along their routes,
//! `journey` is the fan's side, `operations` runs alerts, runbooks and
//! autoscaling, and `second` closes each second of the time series.

mod checkout;
mod crowd;
mod flow;
mod journey;
mod operations;
mod sale_actions;
mod second;

use std::collections::BTreeMap;

use seat_core::SeatId;

use super::components::access_check::AccessCheck;
use super::components::app::AppPool;
use super::components::cache::Cache;
use super::components::cdn::Cdn;
use super::components::database::Database;
use super::components::payment::PaymentProvider;
use super::components::replicas::Replicas;
use super::components::waiting_room::WaitingRoom;
use super::event::Event;
use super::fan::Fan;
use super::faults::{FaultWindow, Faults};
use super::incidents::Incident;
use super::inventory::Inventory;
use super::metrics::{OnsaleMetrics, Series};
use super::routes::Routes;
use crate::engine::{Model, Scheduler, Span, Streams, Time};
use crate::model::OnsaleSpec;
use crate::resilience::RetryBudget;

pub use checkout::Checkout;
pub use journey::Behaviour;
pub use operations::Operations;
pub use sale_actions::SaleActions;
pub use second::columns;

/// Everything in one run.
pub struct World {
    /// Every fan and bot, in arrival order.
    pub(super) fans: Vec<Fan>,
    /// Seats a fan clicked on the map, until their hold request is answered.
    picks: BTreeMap<u32, Vec<SeatId>>,
    behaviour: Behaviour,
    /// The fans' shared retry budget, if any.
    retry_budget: Option<RetryBudget>,
    /// Fans admitted so far (the next admission rank).
    admissions: u32,
    sold_out_announced: bool,
    room: WaitingRoom,
    cdn: Cdn,
    pub(super) app: AppPool,
    database: Database,
    replicas: Replicas,
    payment: PaymentProvider,
    /// The cache, if the model has one.
    cache: Option<Cache>,
    /// The access check, if the model has one.
    access_check: Option<AccessCheck>,
    /// Visitors without a code and every waiting session's polls.
    pub(super) crowd: crowd::Crowd,
    routes: Routes,
    /// The seat cores of every show, owned by the database.
    pub(super) inventory: Inventory,
    pub(super) metrics: OnsaleMetrics,
    pub(super) series: Series,
    pub(super) faults: Faults,
    pub(super) incidents: Vec<Incident>,
    operations: Operations,
    /// Idempotency keys and hold extension.
    checkout: Checkout,
    /// Price changes and bot-order cancellation.
    sale_actions: SaleActions,
    /// How long a hold lasts unpaid.
    hold_ttl: Span,
    /// How long an admitted fan has to start shopping.
    token_ttl: Span,
    /// A client gives up on a request after this long.
    client_timeout: Span,
    /// When the run started (the waiting room's opening).
    start: Time,
    horizon: Time,
}

impl World {
    /// Assembles the world of a validated spec.
    pub fn new(
        spec: &OnsaleSpec,
        venue: &seat_core::VenueSpec,
        fans: Vec<Fan>,
        faults: Vec<FaultWindow>,
        streams: &Streams,
    ) -> Result<World, String> {
        let routes = Routes::build(spec).map_err(|invalid| invalid.to_string())?;
        let database = &spec.database;
        let (start, horizon) = super::run_window(spec);
        let mut series = Series::new(columns(spec, &routes));
        // One row a second from the start to the horizon (a hint only: the
        // horizon has no upper bound, so `reserve_rows` may decline).
        let seconds = horizon.since(start).0 / 1_000_000_000;
        series.reserve_rows(
            usize::try_from(seconds)
                .unwrap_or(usize::MAX)
                .saturating_add(2),
        );
        let inventory = Inventory::new(
            venue,
            spec.sale.shows,
            spec.sale.order_limit,
            database.replica_lag.span(),
            Checkout::max_hold_ttl(spec),
        )?;
        Ok(World {
            checkout: Checkout::new(spec),
            sale_actions: SaleActions::new(spec, &inventory, streams)?,
            picks: BTreeMap::new(),
            behaviour: Behaviour::new(spec, streams),
            retry_budget: spec.demand.retry.budget.as_ref().map(RetryBudget::new),
            admissions: 0,
            sold_out_announced: false,
            room: WaitingRoom::new(&spec.waiting_room, streams),
            cdn: Cdn::new(&spec.cdn, streams),
            app: AppPool::new(&spec.app, fans.len(), streams),
            database: Database::new(database, streams),
            replicas: Replicas::new(database),
            payment: PaymentProvider::new(&spec.payment, streams),
            cache: spec.cache.as_ref().map(|cache| Cache::new(cache, streams)),
            access_check: spec
                .access_check
                .as_ref()
                .map(|check| AccessCheck::new(check, streams)),
            crowd: crowd::Crowd::new(spec),
            inventory,
            operations: Operations::new(spec, &series),
            metrics: OnsaleMetrics::new(),
            series,
            faults: Faults::new(faults, streams),
            incidents: Vec::new(),
            fans,
            routes,
            hold_ttl: spec.sale.hold_ttl.span(),
            token_ttl: spec.waiting_room.token_ttl.span(),
            client_timeout: spec.app.timeout.span(),
            start,
            horizon,
        })
    }

    /// Schedules the first arrival, the opening, the first metrics tick and the faults.
    pub fn start(&mut self, start: Time, scheduler: &mut Scheduler<Event>) {
        if let Some(first) = self.fans.first() {
            scheduler.at(first.arrived.max(start), Event::FanArrives(0));
        }
        scheduler.at(Time::OPENING.max(start), Event::SaleOpens);
        scheduler.at(start + Span::from_secs(1), Event::MetricsTick);
        for (index, window) in self.faults.windows().iter().enumerate() {
            if window.start < self.horizon {
                scheduler.at(window.start.max(start), Event::FaultStarts(index as u16));
                scheduler.at(window.end.max(start), Event::FaultEnds(index as u16));
            }
        }
        for (at, event) in self.sale_actions.timers() {
            scheduler.at(at.max(start), event);
        }
    }

    /// Starts loading a fan's record before it is read (see
    /// [`crate::engine::prefetch`]).
    #[inline]
    pub(super) fn prefetch_fan(&self, fan: u32) {
        if let Some(record) = self.fans.get(fan as usize) {
            crate::engine::prefetch(record);
        }
    }

    /// The routes this run uses.
    pub(super) fn routes(&self) -> &Routes {
        &self.routes
    }

    /// Metrics of the optional components, for `summary.json`.
    pub(super) fn component_metrics(&self, put: &mut impl FnMut(&str, f64)) {
        // Little's law on the room: fans who joined, and their mean wait
        // (those still waiting at the horizon count until then).
        let (joined, waited_s) = self.room.waits();
        let still_waiting_s: f64 = self
            .fans
            .iter()
            .filter(|fan| fan.waiting())
            .map(|fan| self.horizon.since(fan.queued).as_secs_f64())
            .sum();
        put("waiting_room_fans_joined", joined as f64);
        put(
            "waiting_room_wait_mean_s",
            if joined == 0 {
                f64::NAN
            } else {
                (waited_s + still_waiting_s) / joined as f64
            },
        );
        self.crowd_metrics(put);
        if let Some(cache) = &self.cache {
            let totals = cache.totals();
            put("cache_hits", totals.hits as f64);
            put("cache_fetches", totals.fetches as f64);
            put("cache_coalesced", totals.coalesced as f64);
            put(
                "cache_peak_fetches_per_s",
                cache.peak_fetches_per_s() as f64,
            );
        }
        self.checkout_metrics(put);
        self.sale_action_metrics(put);
    }

    /// Instance-seconds of app servers paid for.
    pub(super) fn app_instance_seconds(&self) -> f64 {
        self.app.instance_seconds()
    }

    fn on_hold_deadline(&mut self, now: Time, show: u16) {
        let tickets = self.inventory.expire(now, show);
        self.metrics.tickets_expired += u64::from(tickets);
    }
}

impl Model for World {
    type Event = Event;

    fn dispatch(&mut self, now: Time, event: Event, scheduler: &mut Scheduler<Event>) {
        match event {
            Event::FanArrives(fan) => self.on_fan_arrives(now, fan, scheduler),
            Event::FanLosesPatience(fan) => self.on_fan_loses_patience(now, fan),
            Event::FanActs { fan, sequence } => self.on_fan_acts(now, fan, sequence, scheduler),
            Event::ClientTimeout(request) => self.on_client_timeout(now, request, scheduler),
            Event::SaleOpens => self.on_sale_opens(now, scheduler),
            Event::AdmitTick => self.on_admit_tick(now, scheduler),
            Event::MetricsTick => self.on_metrics_tick(now, scheduler),
            Event::HoldDeadline(show) => self.on_hold_deadline(now, show),
            Event::PriceChanges(index) => self.on_price_changes(now, usize::from(index)),
            Event::BotOrdersCancelled => self.on_bot_orders_cancelled(now),
            Event::RunbookActs(index) => self.on_runbook_acts(now, usize::from(index), scheduler),
            Event::InstancesReady(count) => {
                self.on_instances_ready(now, u32::from(count), scheduler)
            }
            Event::FaultStarts(index) => self.on_fault(now, usize::from(index), true, scheduler),
            Event::FaultEnds(index) => self.on_fault(now, usize::from(index), false, scheduler),
            Event::Cdn(event) => self.on_cdn(now, event, scheduler),
            Event::App(event) => self.on_app(now, event, scheduler),
            Event::Database(event) => self.on_database(now, event, scheduler),
            Event::Replicas(event) => self.on_replicas(now, event, scheduler),
            Event::Payment(event) => self.on_payment(now, event, scheduler),
            Event::Cache(event) => self.on_cache(now, event, scheduler),
            Event::AccessCheck(event) => self.on_access_check(now, event, scheduler),
        }
    }

    /// The next event's fan record starts loading while this one is
    /// handled (see [`crate::engine::prefetch`]).
    #[inline]
    fn upcoming(&self, fan: u32) {
        self.prefetch_fan(fan);
    }
}
