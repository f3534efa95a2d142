//! What can stop an export. Every variant is input the user must fix (a wrong
//! directory, a flag out of range, a model file that changed): the CLI exits 2.

use std::path::PathBuf;

/// An export refused its input.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ExportError {
    /// The directory is missing or is not a directory.
    #[error(
        "{0} is not a directory: `sellout export` reads the output directory of `sellout run models/X.toml --out DIR`"
    )]
    NotADirectory(PathBuf),
    /// A file of the run is missing or unreadable.
    #[error(
        "cannot read {path}: {reason}; `sellout export` needs the output directory of an on-sale run (`sellout run models/X.toml --out DIR`)"
    )]
    Missing {
        /// The file.
        path: PathBuf,
        /// Why it could not be read.
        reason: String,
    },
    /// A file of the run is not what `sellout run` writes.
    #[error("{path}: {message}; rerun the model to rewrite it")]
    Corrupt {
        /// The file.
        path: PathBuf,
        /// What is wrong, naming the line, column or key.
        message: String,
    },
    /// The run is not an on-sale: only on-sales have endpoints and alerts to export.
    #[error("{path}: kind is {kind}; `sellout export` reads on-sale runs (kind \"onsale\") only")]
    NotOnsale {
        /// summary.json.
        path: PathBuf,
        /// The kind it names.
        kind: String,
    },
    /// A flag has a value outside what it allows.
    #[error("{flag} {value:?}: expected {allowed}")]
    Option {
        /// The flag, e.g. `--speed`.
        flag: &'static str,
        /// The value given.
        value: String,
        /// What it allows.
        allowed: String,
    },
    /// The alerts could not be read from the model file the run records.
    #[error("{0}")]
    Model(String),
}

impl ExportError {
    /// A malformed file of the run.
    pub fn corrupt(path: impl Into<PathBuf>, message: impl Into<String>) -> ExportError {
        ExportError::Corrupt {
            path: path.into(),
            message: message.into(),
        }
    }
}
