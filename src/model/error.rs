//! Errors in model files: each names the file, the field path, the value and what is allowed.

use std::fmt::Display;
use std::path::PathBuf;

/// A model file that cannot be used. The process exits with code 2.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ModelError {
    /// The file could not be read. (The OS error is part of the message, not a
    /// source, so the chain prints it once.)
    #[error("cannot read model file {}: {reason}", path.display())]
    Read {
        /// The file.
        path: PathBuf,
        /// Why.
        reason: std::io::Error,
    },
    /// The venue file named by `sale.venue.file` could not be read.
    #[error("cannot read venue file {} (sale.venue.file in {}): {reason}", path.display(), model.display())]
    ReadVenue {
        /// The venue file.
        path: PathBuf,
        /// The model file naming it.
        model: PathBuf,
        /// Why.
        reason: std::io::Error,
    },
    /// The file is not valid TOML or a field has the wrong type or name.
    #[error("{}: field `{field}`: {message}", path.display())]
    Parse {
        /// The file.
        path: PathBuf,
        /// Dotted path of the field, e.g. `station[0].service.mean`.
        field: String,
        /// What the parser said, with line and column when known.
        message: String,
    },
    /// A field parsed but its value is out of range or inconsistent.
    #[error("{}: {invalid}", path.display())]
    Invalid {
        /// The file.
        path: PathBuf,
        /// The field, value and allowed range.
        invalid: Invalid,
    },
}

/// A field whose value is not allowed.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("field `{field}` = {value}: expected {allowed}")]
pub struct Invalid {
    /// Dotted path of the field.
    pub field: String,
    /// The value found, as written.
    pub value: String,
    /// What would be accepted.
    pub allowed: String,
}

impl Invalid {
    /// A new error for `field` holding `value`.
    pub fn new(
        field: impl Into<String>,
        value: impl Display,
        allowed: impl Into<String>,
    ) -> Invalid {
        // A float's Display writes 1e155 as 156 digits: say it as 1e155.
        let text = value.to_string();
        let value = match text.parse::<f64>() {
            Ok(number) if text.len() > 24 => format!("{number:?}"),
            _ => text,
        };
        Invalid {
            field: field.into(),
            value,
            allowed: allowed.into(),
        }
    }

    /// `Ok` when `ok`, otherwise the error for `field`.
    pub fn check(
        ok: bool,
        field: impl Into<String>,
        value: impl Display,
        allowed: impl Into<String>,
    ) -> Result<(), Invalid> {
        if ok {
            Ok(())
        } else {
            Err(Invalid::new(field, value, allowed))
        }
    }
}
