//! Reading a model file: bytes → hash → kind → typed spec → validation.

use std::path::{Path, PathBuf};

use serde::Deserialize;
use serde::de::DeserializeOwned;
use sha2::{Digest, Sha256};

use super::contention::ContentionSpec;
use super::error::{Invalid, ModelError};
use super::network::NetworkSpec;
use super::onsale::OnsaleSpec;
use super::service::ServiceSpec;

/// A parsed, validated model of any kind.
#[derive(Clone, Debug)]
pub enum ModelSpec {
    /// Sources and stations: a queueing network.
    Network(NetworkSpec),
    /// A ticket on-sale, with its venue resolved.
    Onsale(Box<OnsaleModel>),
    /// Clients with timeouts and retries calling one service.
    Service(ServiceSpec),
    /// Clients contending for one row with optimistic concurrency and backoff.
    Contention(ContentionSpec),
}

/// An on-sale model and the venue it sells.
#[derive(Clone, Debug)]
pub struct OnsaleModel {
    /// The model file's contents.
    pub spec: OnsaleSpec,
    /// The venue of every show, from a preset or a venue file.
    pub venue: seat_core::VenueSpec,
}

impl ModelSpec {
    /// The model's `name`.
    pub fn name(&self) -> &str {
        match self {
            ModelSpec::Network(spec) => &spec.name,
            ModelSpec::Onsale(model) => &model.spec.name,
            ModelSpec::Service(spec) => &spec.name,
            ModelSpec::Contention(spec) => &spec.name,
        }
    }
}

/// A model together with where it came from.
#[derive(Clone, Debug)]
pub struct LoadedModel {
    /// The file it was read from.
    pub path: PathBuf,
    /// Hex SHA-256 of the file's bytes, for provenance.
    pub sha256: String,
    /// The model.
    pub spec: ModelSpec,
    /// `--set` overrides applied to the file's text, as `path=value` (TOML source).
    pub overrides: Vec<String>,
}

/// The kinds a model file may declare.
const KINDS: &str = "\"network\", \"onsale\", \"service\", \"contention\"";

#[derive(Deserialize)]
struct KindProbe {
    kind: Option<String>,
}

/// Reads, parses and validates the model file at `path`.
pub fn load(path: &Path) -> Result<LoadedModel, ModelError> {
    load_with_overrides(path, &[])
}

/// Reads the model file at `path`, applies `overrides` (`--set path=value`) to
/// its TOML and validates the result, so every model check applies to the
/// edited model. The SHA-256 stays the file's; the overrides are kept beside it.
pub fn load_with_overrides(
    path: &Path,
    overrides: &[(String, toml::Value)],
) -> Result<LoadedModel, ModelError> {
    let bytes = read_input(path).map_err(|reason| ModelError::Read {
        path: path.to_owned(),
        reason,
    })?;
    let text = String::from_utf8(bytes.clone()).map_err(|error| ModelError::Parse {
        path: path.to_owned(),
        field: String::new(),
        message: format!("not UTF-8 text: {error}"),
    })?;
    let spec = if overrides.is_empty() {
        parse(path, &text)?
    } else {
        parse(path, &apply_overrides(path, &text, overrides)?).map_err(without_snippet)?
    };
    Ok(LoadedModel {
        path: path.to_owned(),
        sha256: hex(&Sha256::digest(&bytes)),
        spec,
        overrides: overrides
            .iter()
            .map(|(key, value)| format!("{key}={}", super::overrides::source(value)))
            .collect(),
    })
}

/// A parse error of the model as edited by `--set`: its line and snippet are of
/// the re-serialized text, not the user's file, so only the reason is kept.
fn without_snippet(error: ModelError) -> ModelError {
    match error {
        ModelError::Parse {
            path,
            field,
            message,
        } => ModelError::Parse {
            path,
            field,
            message: format!(
                "{} (in the model as edited by --set)",
                message.lines().last().unwrap_or_default().trim()
            ),
        },
        other => other,
    }
}

/// The model text with each override set at its path.
fn apply_overrides(
    path: &Path,
    text: &str,
    overrides: &[(String, toml::Value)],
) -> Result<String, ModelError> {
    let mut value: toml::Value = deserialize(path, text)?;
    for (key, override_value) in overrides {
        let invalid = |message: String| ModelError::Invalid {
            path: path.to_owned(),
            invalid: Invalid::new(
                format!("--set {key}"),
                super::overrides::source(override_value),
                format!("a path into the model ({message})"),
            ),
        };
        super::overrides::OverridePath::parse(key)
            .map_err(invalid)?
            .set(&mut value, override_value.clone())
            .map_err(invalid)?;
    }
    Ok(toml::to_string(&value).expect("a TOML value serializes"))
}

/// Parses and validates model text; `path` is only used in error messages.
pub fn parse(path: &Path, text: &str) -> Result<ModelSpec, ModelError> {
    let probe: KindProbe = deserialize(path, text)?;
    let invalid = |invalid| ModelError::Invalid {
        path: path.to_owned(),
        invalid,
    };
    match probe.kind.as_deref().unwrap_or("network") {
        "network" => {
            let spec: NetworkSpec = deserialize(path, text)?;
            spec.validate().map_err(invalid)?;
            Ok(ModelSpec::Network(spec))
        }
        "onsale" => {
            let spec: OnsaleSpec = deserialize(path, text)?;
            spec.validate().map_err(invalid)?;
            let venue = load_venue(path, &spec)?;
            Ok(ModelSpec::Onsale(Box::new(OnsaleModel { spec, venue })))
        }
        "service" => {
            let spec: ServiceSpec = deserialize(path, text)?;
            spec.validate().map_err(invalid)?;
            Ok(ModelSpec::Service(spec))
        }
        "contention" => {
            let spec: ContentionSpec = deserialize(path, text)?;
            spec.validate().map_err(invalid)?;
            Ok(ModelSpec::Contention(spec))
        }
        other => Err(invalid(Invalid::new(
            "kind",
            format!("{other:?}"),
            format!("one of {KINDS}"),
        ))),
    }
}

/// The venue of an on-sale model: a preset, or a file relative to the model file.
fn load_venue(model_path: &Path, spec: &OnsaleSpec) -> Result<seat_core::VenueSpec, ModelError> {
    let venue_spec = match (&spec.sale.venue.preset, &spec.sale.venue.file) {
        (Some(preset), _) => preset.spec(),
        (None, Some(file)) => {
            let venue_path = model_path.parent().unwrap_or(Path::new(".")).join(file);
            let read_error = |reason| ModelError::ReadVenue {
                path: venue_path.clone(),
                model: model_path.to_owned(),
                reason,
            };
            let bytes = read_input(&venue_path).map_err(read_error)?;
            let text = String::from_utf8(bytes).map_err(|error| {
                read_error(std::io::Error::new(std::io::ErrorKind::InvalidData, error))
            })?;
            deserialize(&venue_path, &text)?
        }
        (None, None) => unreachable!("validated: preset or file"),
    };
    let venue = seat_core::Venue::build(&venue_spec).map_err(|error| ModelError::Invalid {
        path: model_path.to_owned(),
        invalid: Invalid::new(
            "sale.venue",
            &venue_spec.name,
            format!("a valid venue ({error})"),
        ),
    })?;
    super::seat_powers::check_price_levels(spec, &venue).map_err(|invalid| {
        ModelError::Invalid {
            path: model_path.to_owned(),
            invalid,
        }
    })?;
    Ok(venue_spec)
}

/// The largest model, venue or experiment file read: the shipped ones are a
/// few KB, so anything near this is a wrong path (a log, a disk image,
/// `/dev/zero`), refused before it fills memory.
pub const MAX_INPUT_BYTES: u64 = 16 << 20;

/// Reads a user's input file, refusing one larger than [`MAX_INPUT_BYTES`].
/// The read itself is bounded, so a device or pipe with no length cannot
/// exhaust memory either.
pub fn read_input(path: &Path) -> std::io::Result<Vec<u8>> {
    use std::io::Read as _;
    let mut bytes = Vec::new();
    std::fs::File::open(path)?
        .take(MAX_INPUT_BYTES + 1)
        .read_to_end(&mut bytes)?;
    if bytes.len() as u64 > MAX_INPUT_BYTES {
        return Err(std::io::Error::new(
            std::io::ErrorKind::InvalidData,
            format!(
                "larger than {} MiB; input files are a few KB, so this is probably the wrong path",
                MAX_INPUT_BYTES >> 20
            ),
        ));
    }
    Ok(bytes)
}

/// Deserializes TOML text; an error comes as (field path, message with line and column).
pub fn deserialize_toml<T: DeserializeOwned>(text: &str) -> Result<T, (String, String)> {
    let message = |error: toml::de::Error| error.to_string().trim_end().to_owned();
    let deserializer =
        toml::Deserializer::parse(text).map_err(|error| ("(syntax)".to_owned(), message(error)))?;
    serde_path_to_error::deserialize(deserializer)
        .map_err(|error| (error.path().to_string(), message(error.into_inner())))
}

/// Deserializes with the field path of any error.
fn deserialize<T: DeserializeOwned>(path: &Path, text: &str) -> Result<T, ModelError> {
    deserialize_toml(text).map_err(|(field, message)| ModelError::Parse {
        path: path.to_owned(),
        field,
        message,
    })
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|byte| format!("{byte:02x}")).collect()
}
