//! The experiment file: a base model, the parameters to vary, the replications,
//! the metrics of interest, an optional SLO and an optional planner search.
//! Unknown keys are errors; every error names the field.

use std::path::{Path, PathBuf};

use serde::Deserialize;
use serde::de::DeserializeOwned;

use super::overrides::OverridePath;
use super::slo::Slo;
use super::{SweepError, sha256_hex};
use crate::model::Invalid;

/// Most replications (and planner batches) one experiment may ask for.
const MAX_REPLICATIONS: u64 = 1_000_000;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ExperimentFile {
    name: Option<String>,
    description: Option<String>,
    model: PathBuf,
    #[serde(default = "default_seed")]
    seed: u64,
    replications: u64,
    metrics: Vec<String>,
    #[serde(default)]
    slo: Vec<String>,
    #[serde(default)]
    set: toml::Table,
    #[serde(default)]
    grid: toml::Table,
    #[serde(default)]
    variant: Vec<VariantFile>,
    plan: Option<PlanFile>,
}

fn default_seed() -> u64 {
    1
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct VariantFile {
    name: String,
    #[serde(default)]
    set: toml::Table,
    #[serde(default = "default_grid")]
    grid: bool,
}

fn default_grid() -> bool {
    true
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct PlanFile {
    parameter: String,
    min: toml::Value,
    max: toml::Value,
    step: Option<toml::Value>,
    #[serde(default = "default_target")]
    target: f64,
    batch: Option<u64>,
    max_replications: Option<u64>,
}

fn default_target() -> f64 {
    0.95
}

/// One override: a dotted path into the model file and the value it gets.
pub type Override = (String, toml::Value);

/// A design variant: a name and its overrides.
#[derive(Clone, Debug, PartialEq)]
pub struct Variant {
    /// Name, unique in the experiment.
    pub name: String,
    /// Overrides applied after `set` and the grid.
    pub set: Vec<Override>,
    /// False: one point at the base model's grid values, not one per grid combination
    /// (for designs the grid parameters mean nothing to, e.g. no waiting room).
    pub grid: bool,
}

/// `[plan]`: the numeric parameter `sellout plan` searches.
#[derive(Clone, Debug, PartialEq)]
pub struct PlanSpec {
    /// Dotted path of the parameter.
    pub parameter: String,
    /// Smallest value tried.
    pub min: f64,
    /// Largest value tried; the SLO must hold there.
    pub max: f64,
    /// Candidates are `min + k·step`.
    pub step: f64,
    /// True when min, max and step are integers: candidates are written as integers.
    pub integer: bool,
    /// Fraction of replications that must meet the SLO (e.g. 0.95).
    pub target: f64,
    /// Replications added per batch.
    pub batch: u64,
    /// Most replications spent on one candidate.
    pub max_replications: u64,
}

/// A validated experiment file.
#[derive(Clone, Debug)]
pub struct Experiment {
    /// The file as given.
    pub path: PathBuf,
    /// Hex SHA-256 of its bytes.
    pub sha256: String,
    /// `name`, or the file stem.
    pub name: String,
    /// Free text.
    pub description: Option<String>,
    /// The base model, resolved relative to the experiment file.
    pub model_path: PathBuf,
    /// Experiment seed; replication r runs with `derive_seed(seed, "replication:<r>")`.
    pub seed: u64,
    /// Replications per point.
    pub replications: u64,
    /// Metrics written to the outputs, in this order.
    pub metrics: Vec<String>,
    /// The service-level objective (possibly empty).
    pub slo: Slo,
    /// Overrides applied to every point.
    pub set: Vec<Override>,
    /// Parameters of the full grid, in path order, each with its values.
    pub grid: Vec<(String, Vec<toml::Value>)>,
    /// Design variants; empty means one implicit variant `base`.
    pub variants: Vec<Variant>,
    /// The planner's search, if any.
    pub plan: Option<PlanSpec>,
}

/// Reads and validates an experiment file.
pub fn load(path: &Path) -> Result<Experiment, SweepError> {
    let bytes = crate::model::read_input(path).map_err(|error| SweepError::Read {
        path: path.to_owned(),
        error,
    })?;
    let text = String::from_utf8(bytes.clone()).map_err(|error| SweepError::Parse {
        path: path.to_owned(),
        field: String::new(),
        message: format!("not UTF-8 text: {error}"),
    })?;
    let file: ExperimentFile = deserialize(path, &text)?;
    validate(path, sha256_hex(&bytes), file).map_err(|invalid| SweepError::Invalid {
        path: path.to_owned(),
        invalid,
    })
}

fn validate(path: &Path, sha256: String, file: ExperimentFile) -> Result<Experiment, Invalid> {
    let ExperimentFile {
        name,
        description,
        model,
        seed,
        replications,
        metrics,
        slo,
        set,
        grid,
        variant,
        plan,
    } = file;
    let range = format!("an integer from 1 to {MAX_REPLICATIONS}");
    Invalid::check(
        (1..=MAX_REPLICATIONS).contains(&replications),
        "replications",
        replications,
        range,
    )?;
    validate_metrics(&metrics)?;
    let name = name.unwrap_or_else(|| stem(path));
    Invalid::check(
        is_plain_name(&name),
        "name",
        format!("{name:?}"),
        "letters, digits, '-', '_' and '.'",
    )?;
    Ok(Experiment {
        path: path.to_owned(),
        sha256,
        name,
        description,
        model_path: path.parent().unwrap_or(Path::new("")).join(model),
        seed,
        replications,
        metrics,
        slo: Slo::parse(&slo)?,
        set: overrides("set", set)?,
        grid: grid_parameters(grid)?,
        variants: variants(variant)?,
        plan: plan.map(|plan| plan_spec(plan, replications)).transpose()?,
    })
}

fn validate_metrics(metrics: &[String]) -> Result<(), Invalid> {
    Invalid::check(
        !metrics.is_empty(),
        "metrics",
        "[]",
        "at least one metric name",
    )?;
    for (index, metric) in metrics.iter().enumerate() {
        let field = format!("metrics[{index}]");
        Invalid::check(!metric.is_empty(), &field, "\"\"", "a metric name")?;
        Invalid::check(
            !metrics[..index].contains(metric),
            field,
            format!("{metric:?}"),
            "each metric once",
        )?;
    }
    Ok(())
}

fn stem(path: &Path) -> String {
    path.file_stem().map_or_else(
        || "sweep".to_owned(),
        |stem| stem.to_string_lossy().into_owned(),
    )
}

fn is_plain_name(name: &str) -> bool {
    !name.is_empty()
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
}

/// A table of `"dotted.path" = value` overrides, with their paths checked.
fn overrides(field: &str, table: toml::Table) -> Result<Vec<Override>, Invalid> {
    table
        .into_iter()
        .map(|(path, value)| {
            OverridePath::parse(&path)
                .map_err(|message| Invalid::new(format!("{field}.{path:?}"), &path, message))?;
            Ok((path, value))
        })
        .collect()
}

fn grid_parameters(grid: toml::Table) -> Result<Vec<(String, Vec<toml::Value>)>, Invalid> {
    overrides("grid", grid)?
        .into_iter()
        .map(|(path, values)| match values {
            toml::Value::Array(values) if !values.is_empty() => Ok((path, values)),
            other => Err(Invalid::new(
                format!("grid.{path:?}"),
                other,
                "a non-empty array of values",
            )),
        })
        .collect()
}

fn variants(files: Vec<VariantFile>) -> Result<Vec<Variant>, Invalid> {
    let mut variants: Vec<Variant> = Vec::with_capacity(files.len());
    for (index, file) in files.into_iter().enumerate() {
        let field = format!("variant[{index}].name");
        Invalid::check(
            is_plain_name(&file.name),
            &field,
            format!("{:?}", file.name),
            "letters, digits, '-', '_' and '.'",
        )?;
        Invalid::check(
            variants.iter().all(|variant| variant.name != file.name),
            field,
            format!("{:?}", file.name),
            "a name no other variant has",
        )?;
        variants.push(Variant {
            name: file.name,
            set: overrides(&format!("variant[{index}].set"), file.set)?,
            grid: file.grid,
        });
    }
    Ok(variants)
}

fn number(field: &str, value: &toml::Value) -> Result<(f64, bool), Invalid> {
    match value {
        toml::Value::Integer(integer) => Ok((*integer as f64, true)),
        toml::Value::Float(float) if float.is_finite() => Ok((*float, false)),
        other => Err(Invalid::new(field, other, "a finite number")),
    }
}

fn plan_spec(plan: PlanFile, replications: u64) -> Result<PlanSpec, Invalid> {
    OverridePath::parse(&plan.parameter)
        .map_err(|message| Invalid::new("plan.parameter", &plan.parameter, message))?;
    let (min, min_integer) = number("plan.min", &plan.min)?;
    let (max, max_integer) = number("plan.max", &plan.max)?;
    let step = plan.step.unwrap_or(toml::Value::Integer(1));
    let (step, step_integer) = number("plan.step", &step)?;
    Invalid::check(min <= max, "plan.max", max, format!("≥ plan.min ({min})"))?;
    Invalid::check(step > 0.0, "plan.step", step, "a number > 0")?;
    Invalid::check(
        (max - min) / step <= 1e6,
        "plan.step",
        step,
        "at most a million candidates between min and max",
    )?;
    Invalid::check(
        plan.target > 0.0 && plan.target < 1.0,
        "plan.target",
        plan.target,
        "a fraction in (0, 1)",
    )?;
    let batch = plan.batch.unwrap_or(replications);
    let range = format!("an integer from 1 to {MAX_REPLICATIONS}");
    Invalid::check(
        (1..=MAX_REPLICATIONS).contains(&batch),
        "plan.batch",
        batch,
        &range,
    )?;
    let max_replications = plan.max_replications.unwrap_or(batch * 5);
    Invalid::check(
        (batch..=MAX_REPLICATIONS).contains(&max_replications),
        "plan.max_replications",
        max_replications,
        format!("an integer from plan.batch ({batch}) to {MAX_REPLICATIONS}"),
    )?;
    Ok(PlanSpec {
        parameter: plan.parameter,
        min,
        max,
        step,
        integer: min_integer && max_integer && step_integer,
        target: plan.target,
        batch,
        max_replications,
    })
}

/// Deserializes with the field path of any error.
fn deserialize<T: DeserializeOwned>(path: &Path, text: &str) -> Result<T, SweepError> {
    crate::model::deserialize_toml(text).map_err(|(field, message)| SweepError::Parse {
        path: path.to_owned(),
        field,
        message,
    })
}
