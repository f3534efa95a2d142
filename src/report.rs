//! Outputs: `summary.json` with provenance, and the human-readable table.
//! Exporters return bytes or strings; the CLI is the one place that writes files.

mod provenance;
mod summary;
mod table;

pub use provenance::Provenance;
pub use summary::{aggregate_metrics, network_summary};
pub use table::station_table;
