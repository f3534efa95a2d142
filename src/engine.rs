//! The simulation engine: virtual time, the event queue, the run loop and named
//! random streams. It knows nothing about tickets; a model plugs in by
//! implementing [`Model`] with its own closed event enum.
//!
//! ```text
//!   Model::dispatch(now, event, &mut Scheduler) ──schedule──▶ EventQueue (time, seq)
//!          ▲                                                        │ pop earliest
//!          └──────────────────── Simulation::run ◀──────────────────┘
//! ```

mod far;
mod huge_pages;
mod lane;
mod prefetch;
pub mod progress;
mod queue;
mod run;
mod streams;
mod time;

pub use huge_pages::advise_huge_pages;
pub use prefetch::prefetch;
pub use queue::{Compact, EventQueue, LaneTimer};
pub use run::{Limits, Model, Scheduler, Simulation, Stop, StopError};
pub use streams::{MAX_EXACT_SEED, Rng, Streams, derive_seed};
pub use time::{Span, Time};
