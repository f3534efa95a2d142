//! Charts with plotters, written as PNG and SVG side by side: the run dashboard
//! of every model kind (from `timeseries.csv` and `incidents.csv`) and the sweep charts (from
//! `runs.csv` and `summary.csv`). Text is drawn with DejaVu Sans embedded in the
//! binary, so charts look the same on a machine without fonts. Drawing is
//! deterministic: the same inputs give byte-identical files.

mod band_chart;
mod dashboard;
mod distribution;
mod error;
mod figure;
mod font;
mod incidents;
mod layout;
mod palette;
mod panel;
mod phase_map;
mod sweep;
mod sweep_table;
mod time_label;
mod timeseries;

pub use dashboard::{DASHBOARD, dashboard, dashboard_then};
pub use error::PlotError;
pub use font::ensure_fonts;
pub use incidents::{
    FaultWindow, INCIDENTS_CSV, Incident, IncidentKind, fault_windows, parse_incidents,
    read_incidents,
};
pub use layout::{Layout, any_nonzero, pool_color, pool_columns};
pub use sweep::sweep_plots;
pub use time_label::{TimeAxis, clock_label, tick_label};
pub use timeseries::Timeseries;
