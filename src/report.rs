//! Outputs: `summary.json` with provenance, and the human-readable table.
//! Exporters return bytes or strings; the CLI is the one place that writes files.

mod contention_table;
mod onsale_table;
pub mod plots;
pub mod postmortem;
mod provenance;
pub mod replay;
pub use replay::run_title;
mod service_table;
pub mod summary;
mod table;

pub use contention_table::contention_table;
pub use onsale_table::{hard_bounds, onsale_table};
pub use plots::sweep_plots;
pub use provenance::Provenance;
pub use service_table::service_table;
pub use summary::{
    aggregate_metrics, contention_summary, network_summary, onsale_summary, service_summary,
};
pub use table::station_table;
