//! What can go wrong while reading chart inputs or drawing charts.

use std::path::PathBuf;

use plotters::drawing::DrawingAreaErrorKind;

/// A chart could not be read or drawn. All variants are fatal for the chart at
/// hand; the simulation results already written stay valid.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum PlotError {
    /// The embedded font could not be registered with plotters.
    #[error("cannot register the embedded DejaVu Sans font with plotters")]
    Font,
    /// A CSV input is missing, unreadable or malformed.
    #[error("{path}: {message}")]
    Input {
        /// The file that was read.
        path: PathBuf,
        /// What is wrong, naming the line or column to fix.
        message: String,
    },
    /// plotters failed while drawing.
    #[error("cannot draw chart: {0}")]
    Draw(String),
    /// A chart file could not be written.
    #[error("cannot write {path}: {source}")]
    Write {
        /// The file that was written.
        path: PathBuf,
        /// The I/O error.
        source: std::io::Error,
    },
}

impl PlotError {
    /// An input error for `path`.
    pub fn input(path: impl Into<PathBuf>, message: impl Into<String>) -> PlotError {
        PlotError::Input {
            path: path.into(),
            message: message.into(),
        }
    }
}

impl<E: std::error::Error + Send + Sync> From<DrawingAreaErrorKind<E>> for PlotError {
    fn from(error: DrawingAreaErrorKind<E>) -> PlotError {
        PlotError::Draw(error.to_string())
    }
}
