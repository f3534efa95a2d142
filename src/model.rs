//! Model files: TOML, read with serde, unknown keys rejected, then validated.
//! Every error names the field path, the value and what is allowed.
//!
//! A file's `kind` picks the model: `network` (the default; sources and stations),
//! `onsale`, `service` or `contention`.

mod contention;
mod distribution;
mod duration;
mod error;
mod fault;
mod load;
mod network;
mod onsale;
mod operations;
pub mod overrides;
mod scale;
mod seat_powers;
mod service;

pub use contention::{ContentionSpec, MAX_CLIENTS, MAX_WRITES_PER_CLIENT, NetworkDelaySpec};
pub use distribution::DistributionSpec;
pub use duration::{DURATION_FORMAT, Duration, parse_duration};
pub use error::{Invalid, ModelError};
pub use fault::{Component, FaultKind, FaultSpec, RandomFaultSpec};
pub use load::{
    LoadedModel, MAX_INPUT_BYTES, ModelSpec, OnsaleModel, deserialize_toml, load,
    load_with_overrides, parse, read_input,
};
pub use network::{NetworkSpec, RouteSpec, SourceSpec, StationSpec};
pub use onsale::{
    AccessCheckSpec, AdmissionPolicy, AppSpec, BotSpec, CacheSpec, CdnSpec, DatabaseSpec,
    DemandSpec, EndpointServiceSpec, OnsaleSpec, PaymentSpec, RetrySpec, RoutesSpec, SaleSpec,
    SeatTakenRetry, VenueRef, VisitorsSpec, WaitingRoomMode, WaitingRoomSpec,
};
pub use operations::{
    ActionKind, AdaptiveOutflowSpec, AlertSpec, AutoscaleSpec, RateLimitSpec, RunbookSpec,
    ScaleMetric, ShedSpec,
};
pub use scale::{SMALL_POOL, Scaled, is_count};
pub use seat_powers::PriceChangeSpec;
pub use service::{CapacityDropSpec, ClientSpec, LoadSpec, ServerSpec, ServiceSpec, SpikeSpec};
