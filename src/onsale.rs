//! The `onsale` model: fans and bots, the waiting room, CDN, app servers,
//! database with the real seat core, read replicas and the payment provider,
//! each a component in `components/`, assembled by `World` from the model file.
//!
//! ```text
//! fan ──▶ waiting room ──▶ each request along its route (model `[routes]`, or by default):
//!   event_page: cdn ─miss─▶ app
//!   seat_map:   app ──▶ (cache) ──▶ replicas (a stale view)
//!   hold:       app ──▶ database ──▶ seat-core(now)
//!   payment:    app ──▶ payment provider
//!   confirm:    app ──▶ database ──▶ seat-core(now)
//! ```

mod components;
mod controls;
mod event;
mod fan;
mod faults;
mod incidents;
mod inventory;
mod metrics;
mod population;
mod report;
mod request;
mod routes;
mod world;

pub use event::Event;
pub use fan::{Fan, Outcome};
pub use incidents::Incident;
pub use metrics::{Column, ErrorKind, Series};
pub use report::{JourneyRow, OnsaleReport, RunCheckError};
pub use request::Endpoint;
pub use routes::Routes;

use crate::engine::{Limits, Simulation, Streams, Time};
use crate::model::{Invalid, OnsaleModel, OnsaleSpec};

/// The names of the time-series columns a run of `spec` writes (alerts may watch them).
pub fn timeseries_columns(spec: &OnsaleSpec) -> Result<Vec<String>, Invalid> {
    let routes = Routes::build(spec)?;
    Ok(world::columns(spec, &routes)
        .iter()
        .map(|column| column.name.to_owned())
        .collect())
}

/// Runs one replication of a validated on-sale model.
/// With `journeys`, the report carries one row per fan.
pub fn run(
    model: &OnsaleModel,
    streams: &Streams,
    journeys: bool,
) -> Result<OnsaleReport, RunCheckError> {
    simulate(model, streams, journeys, false).map(|(report, _)| report)
}

/// The same run with every seat core journaling each accepted call: the
/// report, and each show's core at the horizon with its journal. A service
/// deploying the core could replay those journals into fresh cores and prove,
/// by digest, that it reached the same state (tests/suite/core_replay.rs).
pub fn run_recording_cores(
    model: &OnsaleModel,
    streams: &Streams,
) -> Result<(OnsaleReport, Vec<seat_core::SeatCore>), RunCheckError> {
    simulate(model, streams, false, true)
}

/// When a run starts (the waiting room's opening, when a pre-queue opens
/// before the sale) and its horizon.
fn run_window(spec: &OnsaleSpec) -> (Time, Time) {
    (
        Time(spec.waiting_room.opens.0.0.min(0)),
        Time::OPENING + spec.horizon.span(),
    )
}

fn simulate(
    model: &OnsaleModel,
    streams: &Streams,
    journeys: bool,
    journal: bool,
) -> Result<(OnsaleReport, Vec<seat_core::SeatCore>), RunCheckError> {
    let spec = &model.spec;
    let (start, horizon) = run_window(spec);
    let (fans, late_arrivals) = population::generate(spec, streams, horizon);
    let faults = faults::windows(spec, streams, horizon);
    let mut world = world::World::new(spec, &model.venue, fans, faults, streams)
        .map_err(RunCheckError::Build)?;
    if journal {
        world.inventory.start_journals();
    }
    let mut simulation = Simulation::new(start);
    simulation.end_at(horizon);
    world.start(start, simulation.scheduler());
    let limits = Limits {
        horizon,
        max_events: spec.max_events,
    };
    simulation
        .run(&mut world, limits)
        .map_err(RunCheckError::Limit)?;
    let report = report::build(
        &world,
        simulation.now(),
        simulation.events_processed(),
        late_arrivals,
        journeys,
    )?;
    let cores = if journal {
        world.inventory.into_cores()
    } else {
        Vec::new()
    };
    Ok((report, cores))
}
