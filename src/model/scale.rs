//! `--scale F`: the same on-sale, F times as big, under the same load.
//!
//! Demand and capacity are multiplied together, so a scaled run keeps the full
//! run's utilisation, error shares, sell-out time and queue times (within the
//! noise of a smaller sample). The rule for each key:
//!
//! | what | rule |
//! |---|---|
//! | `demand.population` | × F, at least 1 |
//! | `visitors.count` | × F |
//! | inventory | `sale.shows` × F while that is ≥ 1; below, one show of a venue scaled by shows × F (see [`venue`]) |
//! | `waiting_room.outflow_per_min`, `capacity_per_s`, `max_active`, `adaptive.min/max_per_min` | × F |
//! | `cdn.capacity_per_s` | × F |
//! | app pool (`servers` × `workers`) | × F: servers first, workers per server once one server is left; not below [`SMALL_POOL`] workers |
//! | `app.queue`, `app.shed.queue_length` | × F |
//! | `app.autoscale.min`, `max`, `max_add` | × the servers' factor |
//! | `database.connections`; replicas × `replica_connections` | × F, as the app pool (same floor) |
//! | `access_check.workers` | × F, as the app pool (same floor) |
//! | runbook amounts: `add_app_servers`, `set_outflow`, `enable_shedding` | as the key they set |
//! | alert thresholds on counts (`errors`, `requests`, `app_queue`, …) | × F |
//! | kept as they are | times, latencies, shares, per-session rate limits, per-fan behaviour, bots' share, the cache (one entry per show), the payment provider (no capacity), breakers (consecutive failures), alerts on latencies, utilisations and ratios, the seat-core switches (`idempotency_keys`, `extend_hold`, `bots.cancel_after`/`cancel_share`, `[[sale.price_change]]`: times, shares and price levels, which a scaled venue keeps) |
//!
//! Queues (`app.queue`, `shed.queue_length`, `access_check.queue`) follow their pool.
//!
//! What cannot scale is said in the notes. A pool rounds to whole servers and
//! workers. A small pool queues far longer than a large one at the same
//! utilisation (Erlang C), so no pool is cut below [`SMALL_POOL`] workers (or
//! its own size, if smaller): such a pool runs less utilised than the full run,
//! and the note says by how much. A fault on one app instance removes a larger
//! share of a smaller pool.

mod venue;

use super::load::OnsaleModel;
use super::onsale::OnsaleSpec;
use super::operations::ActionKind;

/// Below this many workers a pool's queueing differs visibly from a large one's
/// at the same utilisation: the note names it.
pub const SMALL_POOL: u32 = 16;

/// A scaled model and what the scaling could not keep.
pub struct Scaled {
    /// The model as it will run.
    pub model: OnsaleModel,
    /// One sentence per rule that could not keep the load, for a warning.
    pub notes: Vec<String>,
}

impl OnsaleModel {
    /// The on-sale `factor` times as big, demand and capacity together.
    pub fn scaled(&self, factor: f64) -> Scaled {
        let mut notes = Vec::new();
        if factor == 1.0 {
            return Scaled {
                model: self.clone(),
                notes,
            };
        }
        let mut spec = self.spec.clone();
        let mut venue = self.venue.clone();
        spec.demand.population = count(self.spec.demand.population as f64 * factor).max(1);
        let shows = f64::from(self.spec.sale.shows) * factor;
        // Round the shows down when that would need a venue bigger than the model's.
        spec.sale.shows = (shows.round() as u32).max(1);
        if shows > f64::from(spec.sale.shows) * 1.02 {
            spec.sale.shows = shows.ceil() as u32;
        }
        let venue_factor = shows / f64::from(spec.sale.shows);
        if (venue_factor - 1.0).abs() > 0.02 {
            venue = venue::scaled(&self.venue, venue_factor, &mut notes);
        }
        scale_waiting_room_and_cdn(&mut spec, factor, &mut notes);
        let server_factor = scale_app(&mut spec, factor, &mut notes);
        scale_database(&mut spec, factor, &mut notes);
        scale_operations(&mut spec, factor, server_factor);
        note_instance_faults(&self.spec, &mut spec, &mut notes);
        Scaled {
            model: OnsaleModel { spec, venue },
            notes,
        }
    }
}

impl OnsaleSpec {
    /// Demand only: fewer fans and shows, a slower waiting room and a smaller
    /// CDN, but the same servers and database, so a lighter load on the same
    /// system. Tests use it for quick runs far from overload; `--scale` uses
    /// [`OnsaleModel::scaled`], which keeps the load.
    pub fn with_demand_scaled(&self, factor: f64) -> OnsaleSpec {
        let mut scaled = self.clone();
        scaled.demand.population = count(self.demand.population as f64 * factor).max(1);
        scaled.sale.shows = ((f64::from(self.sale.shows) * factor).round() as u32).max(1);
        scaled.waiting_room.outflow_per_min = self.waiting_room.outflow_per_min * factor;
        scaled.waiting_room.capacity_per_s = self.waiting_room.capacity_per_s * factor;
        scaled.cdn.capacity_per_s = self.cdn.capacity_per_s * factor;
        scaled
    }
}

fn count(value: f64) -> u64 {
    value.round().max(0.0) as u64
}

/// `value` × `factor`, rounded, at least 1 when `value` was.
fn at_least_one(value: u32, factor: f64) -> u32 {
    let scaled = (f64::from(value) * factor).round().min(f64::from(u32::MAX)) as u32;
    if value > 0 { scaled.max(1) } else { 0 }
}

fn scale_waiting_room_and_cdn(spec: &mut OnsaleSpec, factor: f64, notes: &mut Vec<String>) {
    let room = &mut spec.waiting_room;
    room.outflow_per_min *= factor;
    room.capacity_per_s *= factor;
    room.max_active = room.max_active.map(|max| at_least_one(max, factor));
    if let Some(adaptive) = &mut room.adaptive {
        adaptive.min_per_min *= factor;
        adaptive.max_per_min *= factor;
    }
    spec.cdn.capacity_per_s *= factor;
    if let Some(visitors) = &mut spec.visitors {
        visitors.count = count(visitors.count as f64 * factor);
    }
    if let Some(check) = &mut spec.access_check {
        let achieved = scale_single_pool("access_check.workers", &mut check.workers, factor, notes);
        check.queue = at_least_one(check.queue, achieved);
    }
}

/// One pool of workers scaled in place (see [`scale_pool`]), noted when it
/// misses `factor`; returns the factor it got.
fn scale_single_pool(name: &str, workers: &mut u32, factor: f64, notes: &mut Vec<String>) -> f64 {
    // As one unit of `workers`, which may become several when scaling up.
    let mut units = 1;
    let achieved = scale_units(name, &mut units, workers, factor, notes);
    *workers = units.saturating_mul(*workers);
    achieved
}

/// `units` × `per_unit` scaled by `factor`: fewer units first, then fewer per
/// unit once one unit is left; never below [`SMALL_POOL`] in all (or the
/// original size, if smaller). Returns the new pair.
fn scale_pool(units: u32, per_unit: u32, factor: f64) -> (u32, u32) {
    let before = f64::from(units) * f64::from(per_unit);
    let total = (before * factor)
        .round()
        .max(before.min(f64::from(SMALL_POOL)))
        .max(1.0);
    let new_units = (f64::from(units) * factor).round().clamp(1.0, total) as u32;
    let new_per_unit = (total / f64::from(new_units)).round().max(1.0) as u32;
    (new_units, new_per_unit)
}

/// Notes a pool whose size missed `factor` by more than 10%: rounding to whole
/// units, or the floor of [`SMALL_POOL`].
fn note_pool(name: &str, before: u64, after: u64, factor: f64, notes: &mut Vec<String>) {
    let achieved = after as f64 / before as f64;
    if (achieved / factor - 1.0).abs() <= 0.10 {
        return;
    }
    let why = if after <= u64::from(SMALL_POOL) && achieved > factor {
        let floor = if before <= u64::from(SMALL_POOL) {
            format!("a pool of {SMALL_POOL} workers or fewer keeps its size")
        } else {
            format!("a pool is kept at {SMALL_POOL} workers or more")
        };
        format!(
            "{floor}, because a smaller one queues far longer at the same utilisation (Erlang C); it runs {:.2}× less utilised than the full run, so an overload of this pool at full scale may not show",
            achieved / factor
        )
    } else {
        "whole units round the capacity".to_owned()
    };
    notes.push(format!(
        "{name}: {before} scaled to {after} (× {achieved:.3}, not × {factor}): {why}"
    ));
}

/// A pool of `units` × `per_unit` scaled in place (see [`scale_pool`]),
/// noted when it misses `factor`; returns the factor the whole pool got.
fn scale_units(
    name: &str,
    units: &mut u32,
    per_unit: &mut u32,
    factor: f64,
    notes: &mut Vec<String>,
) -> f64 {
    let before = u64::from(*units) * u64::from(*per_unit);
    (*units, *per_unit) = scale_pool(*units, *per_unit, factor);
    let after = u64::from(*units) * u64::from(*per_unit);
    note_pool(name, before, after, factor, notes);
    after as f64 / before as f64
}

/// Scales the app pool and its queue; returns the servers' factor.
fn scale_app(spec: &mut OnsaleSpec, factor: f64, notes: &mut Vec<String>) -> f64 {
    let app = &mut spec.app;
    let servers_before = app.servers;
    let pool_factor = scale_units(
        "app workers (servers × workers)",
        &mut app.servers,
        &mut app.workers,
        factor,
        notes,
    );
    let server_factor = f64::from(app.servers) / f64::from(servers_before);
    app.queue = at_least_one(app.queue, pool_factor);
    if let Some(limit) = app
        .shed
        .as_mut()
        .and_then(|shed| shed.queue_length.as_mut())
    {
        *limit = at_least_one(*limit, pool_factor);
    }
    if let Some(autoscale) = &mut app.autoscale {
        autoscale.min = at_least_one(autoscale.min, server_factor);
        autoscale.max = at_least_one(autoscale.max, server_factor).max(autoscale.min);
        autoscale.max_add = at_least_one(autoscale.max_add, server_factor);
    }
    server_factor
}

fn scale_database(spec: &mut OnsaleSpec, factor: f64, notes: &mut Vec<String>) {
    let database = &mut spec.database;
    scale_single_pool(
        "database.connections",
        &mut database.connections,
        factor,
        notes,
    );
    scale_units(
        "database replica connections (replicas × replica_connections)",
        &mut database.replicas,
        &mut database.replica_connections,
        factor,
        notes,
    );
}

/// Runbook amounts and alert thresholds that are counts follow the keys they act on.
fn scale_operations(spec: &mut OnsaleSpec, factor: f64, server_factor: f64) {
    for runbook in &mut spec.runbooks {
        match runbook.action {
            ActionKind::AddAppServers => {
                runbook.amount = (runbook.amount * server_factor).round().max(1.0)
            }
            ActionKind::SetOutflow => runbook.amount *= factor,
            ActionKind::EnableShedding => {
                runbook.amount = (runbook.amount * factor).round().max(1.0)
            }
            ActionKind::ScaleOutflow => {}
        }
    }
    for alert in &mut spec.alerts {
        if is_count(&alert.metric) {
            alert.above = alert.above.map(|above| above * factor);
            alert.below = alert.below.map(|below| below * factor);
        }
    }
}

/// Whether a time-series column counts things (so grows with the sale) rather
/// than measuring a latency (`…_s`), a utilisation or a share.
pub fn is_count(column: &str) -> bool {
    column.ends_with("_per_s")
        || !(column.ends_with("_s")
            || column.ends_with("utilization")
            || column.ends_with("_ratio")
            || column.ends_with("_rate")
            || column.ends_with("_share"))
}

/// A fault on app instance `i` of N stays on instance `i × N' / N` of N'.
fn note_instance_faults(before: &OnsaleSpec, after: &mut OnsaleSpec, notes: &mut Vec<String>) {
    let (servers, new_servers) = (before.app.servers, after.app.servers);
    if servers == new_servers {
        return;
    }
    for (index, fault) in after.faults.iter_mut().enumerate() {
        if let Some(instance) = &mut fault.instance {
            *instance = (u64::from(*instance) * u64::from(new_servers) / u64::from(servers)) as u32;
            notes.push(format!(
                "fault[{index}] hits one app instance: 1 of {new_servers} instead of 1 of {servers}, a {} share of the pool",
                if new_servers < servers { "larger" } else { "smaller" }
            ));
        }
    }
}
