//! The `onsale` model: fans and bots, the waiting room, CDN, app servers,
//! database with the real seat core, read replicas and the payment provider.
//!
//! ```text
//! fan ──▶ CDN ─miss─▶ app pool ──▶ (waiting room) ──▶ app: seat map ──▶ replica (stale view)
//!                                                     app: hold/confirm ──▶ primary DB ──▶ seat-core(now)
//!                                                     app: payment ──▶ payment provider
//! ```

mod event;
mod fan;
mod faults;
mod incidents;
mod inventory;
mod journey;
mod metrics;
mod operations;
mod population;
mod report;
mod waiting_room;
mod world;

pub use event::{Endpoint, Event};
pub use fan::{Fan, Outcome};
pub use incidents::Incident;
pub use metrics::{ErrorKind, SecondRow};
pub use report::{JourneyRow, OnsaleReport, RunCheckError};

use crate::engine::{Limits, Simulation, Streams, Time};
use crate::model::OnsaleModel;

/// Runs one replication of a validated on-sale model.
/// With `journeys`, the report carries one row per fan.
pub fn run(
    model: &OnsaleModel,
    streams: &Streams,
    journeys: bool,
) -> Result<OnsaleReport, RunCheckError> {
    let spec = &model.spec;
    let horizon = Time::OPENING + spec.horizon.span();
    let start = Time(spec.waiting_room.opens.0.0.min(0));
    let (fans, late_arrivals) = population::generate(spec, streams, horizon);
    let faults = faults::windows(spec, streams, horizon);
    let mut world = world::World::new(spec, &model.venue, fans, faults, streams)
        .map_err(RunCheckError::Build)?;
    let mut simulation = Simulation::new(start);
    world.start(start, simulation.scheduler());
    let limits = Limits {
        horizon,
        max_events: spec.max_events,
    };
    simulation
        .run(&mut world, limits)
        .map_err(RunCheckError::Limit)?;
    report::build(
        &world,
        simulation.now(),
        simulation.events_processed(),
        late_arrivals,
        journeys,
    )
}
