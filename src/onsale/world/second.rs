//! Closing a second: one row of the time series, with the columns of the
//! components present in this run, then the operators' turn.

use super::World;
use super::crowd::Crowd;
use crate::engine::{Scheduler, Span, Time};
use crate::model::{AdmissionPolicy, Component, OnsaleSpec};
use crate::onsale::components::access_check::AccessCheck;
use crate::onsale::components::app::AppPool;
use crate::onsale::components::cache::Cache;
use crate::onsale::components::cdn::Cdn;
use crate::onsale::components::database::Database;
use crate::onsale::components::replicas::Replicas;
use crate::onsale::components::waiting_room::WaitingRoom;
use crate::onsale::event::Event;
use crate::onsale::metrics::Column;
use crate::onsale::routes::Routes;

/// Columns the journey counts, before the components'.
const LOAD: &[Column] = &[
    Column::count("t_s"),
    Column::count("arrivals"),
    Column::count("requests"),
];

/// Columns after the latencies: answers and the inventory.
const OUTCOMES: &[Column] = &[
    Column::count("responses"),
    Column::count("errors"),
    Column::count("holds_active"),
    Column::count("tickets_sold"),
    Column::count("inventory_left"),
];

/// The p50 and p99 column names of every endpoint, in `Endpoint::ALL` order.
const LATENCY: [[&str; 2]; crate::onsale::request::Endpoint::COUNT] = [
    ["event_page_p50_s", "event_page_p99_s"],
    ["seat_map_p50_s", "seat_map_p99_s"],
    ["hold_p50_s", "hold_p99_s"],
    ["payment_p50_s", "payment_p99_s"],
    ["confirm_p50_s", "confirm_p99_s"],
    ["access_code_p50_s", "access_code_p99_s"],
];

/// The per-second request count column of every endpoint, in `Endpoint::ALL`
/// order. They come last so that the columns before them, and every reader
/// that knew only those, are unchanged.
const ENDPOINT_REQUESTS: [&str; crate::onsale::request::Endpoint::COUNT] = [
    "event_page_requests",
    "seat_map_requests",
    "hold_requests",
    "payment_requests",
    "confirm_requests",
    "access_code_requests",
];

/// The time-series columns of a run of `spec` with `routes`, in file order.
pub fn columns(spec: &OnsaleSpec, routes: &Routes) -> Vec<Column> {
    let mut columns = LOAD.to_vec();
    columns.extend_from_slice(WaitingRoom::COLUMNS);
    if spec.waiting_room.admission == AdmissionPolicy::Concurrency {
        columns.push(Column::count("waiting_room_active"));
    }
    columns.extend_from_slice(AppPool::COLUMNS);
    columns.extend_from_slice(Database::COLUMNS);
    columns.extend_from_slice(Replicas::COLUMNS);
    columns.extend_from_slice(Cdn::COLUMNS);
    if routes.uses(Component::Cache) {
        columns.extend_from_slice(Cache::COLUMNS);
    }
    if routes.uses(Component::AccessCheck) {
        columns.extend_from_slice(AccessCheck::COLUMNS);
    }
    for endpoint in routes.endpoints() {
        let [p50, p99] = LATENCY[endpoint.index()];
        columns.push(Column::real(p50));
        columns.push(Column::real(p99));
    }
    columns.extend_from_slice(OUTCOMES);
    for endpoint in routes.endpoints() {
        columns.push(Column::count(ENDPOINT_REQUESTS[endpoint.index()]));
    }
    columns.extend_from_slice(Crowd::POLL_COLUMNS);
    if spec.visitors.is_some() {
        columns.extend_from_slice(Crowd::VISITOR_COLUMNS);
    }
    columns
}

impl World {
    /// Closes the current second of the time series, then operates.
    pub(super) fn on_metrics_tick(&mut self, now: Time, scheduler: &mut Scheduler<Event>) {
        self.advance_crowd(now, scheduler);
        let counts = self.metrics.current;
        let mut row = Vec::with_capacity(self.series.columns().len());
        row.push(now.0.div_euclid(1_000_000_000) as f64);
        row.push(counts.arrivals as f64);
        row.push(counts.requests as f64);
        self.room.sample(&mut row);
        if self.room.caps_concurrency() {
            row.push(self.room.active() as f64);
        }
        self.app.sample(&mut row);
        self.database.sample(&mut row);
        self.replicas.sample(&mut row);
        self.cdn.sample(&mut row);
        if self.routes.uses(Component::Cache)
            && let Some(cache) = self.cache.as_mut()
        {
            cache.sample(&mut row);
        }
        if self.routes.uses(Component::AccessCheck)
            && let Some(check) = self.access_check.as_mut()
        {
            check.sample(&mut row);
        }
        let endpoints: Vec<_> = self.routes.endpoints().collect();
        let counts = self.metrics.close_second(&endpoints, &mut row);
        row.push(counts.responses as f64);
        row.push(counts.errors as f64);
        row.push(self.inventory.live_holds() as f64);
        row.push(self.inventory.sold() as f64);
        row.push(self.inventory.free() as f64);
        for endpoint in &endpoints {
            row.push(counts.endpoint_requests[endpoint.index()] as f64);
        }
        self.crowd.sample(&mut row);
        self.series.push(&row);
        self.operate(now, scheduler);
        if now < self.horizon {
            scheduler.after(Span::from_secs(1), Event::MetricsTick);
        }
    }
}
