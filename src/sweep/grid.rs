//! The points of a sweep: every variant at every combination of grid values,
//! each with its model built by applying overrides to the base model's TOML.
//!
//! Run order is variant-major, then the grid with its first parameter (by path)
//! varying slowest. A variant with `grid = false` is one point, at the base
//! model's values of the grid parameters.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use super::SweepError;
use super::experiment::{Experiment, Override, Variant};
use super::layout::{Layout, Manifest, PointInfo, RUN_SEED_RULE, STREAMS, Source};
use super::overrides::{OverridePath, render, source};
use super::shard::Shard;
use crate::model::{self, ModelError, ModelSpec};

/// One point, ready to run.
#[derive(Clone, Debug)]
pub struct Point {
    /// Name, columns and overrides.
    pub info: PointInfo,
    /// The model with the overrides applied.
    pub spec: ModelSpec,
}

/// An experiment with its base model loaded and every point's model built.
#[derive(Clone, Debug)]
pub struct Sweep {
    /// The experiment file.
    pub experiment: Experiment,
    /// Hex SHA-256 of the base model file.
    pub model_sha256: String,
    /// The base model's TOML.
    pub base: toml::Value,
    /// Points and columns.
    pub layout: Layout,
    /// The points' models, in run order.
    pub points: Vec<Point>,
}

impl Sweep {
    /// Loads the base model and builds every point.
    pub fn new(experiment: Experiment) -> Result<Sweep, SweepError> {
        let (model_sha256, base) = load_base(&experiment)?;
        let combinations = combinations(&experiment.grid);
        let variants = if experiment.variants.is_empty() {
            vec![Variant {
                name: "base".to_owned(),
                set: Vec::new(),
                grid: true,
            }]
        } else {
            experiment.variants.clone()
        };
        let columns = parameter_columns(&experiment);
        let single = vec![Vec::new()];
        let mut points = Vec::with_capacity(variants.len() * combinations.len());
        for (variant_index, variant) in variants.iter().enumerate() {
            let variant_combinations = if variant.grid { &combinations } else { &single };
            for (index, combination) in variant_combinations.iter().enumerate() {
                // Later designs are compared with the first at the same grid
                // values; the first design's points (and a variant outside the
                // grid) with point 0, the first design's first grid point.
                let later_design = variant_index > 0 && variants[0].grid && variant.grid;
                let baseline = if later_design { index } else { 0 };
                let overrides: Vec<Override> = experiment
                    .set
                    .iter()
                    .chain(combination)
                    .chain(&variant.set)
                    .cloned()
                    .collect();
                let info = PointInfo {
                    point: points.len(),
                    variant: variant.name.clone(),
                    parameters: Vec::new(),
                    overrides: Vec::new(),
                    baseline,
                };
                points.push(build_point(&experiment, &base, info, &overrides, &columns)?);
            }
        }
        let layout = Layout {
            seed: experiment.seed,
            replications: experiment.replications,
            metrics: experiment.metrics.clone(),
            slo: experiment.slo.texts(),
            parameters: columns,
            points: points.iter().map(|point| point.info.clone()).collect(),
        };
        Ok(Sweep {
            experiment,
            model_sha256,
            base,
            layout,
            points,
        })
    }

    /// `sweep.json` for this sweep (or one shard of it) holding `runs` runs.
    pub fn manifest(&self, shard: Option<Shard>, runs: u64) -> Manifest {
        Manifest {
            schema_version: crate::report::summary::SCHEMA_VERSION,
            name: self.experiment.name.clone(),
            experiment: Source {
                path: self.experiment.path.display().to_string(),
                sha256: self.experiment.sha256.clone(),
            },
            model: Source {
                path: self.experiment.model_path.display().to_string(),
                sha256: self.model_sha256.clone(),
            },
            sellout_version: env!("CARGO_PKG_VERSION").to_owned(),
            streams: STREAMS.to_owned(),
            run_seed: RUN_SEED_RULE.to_owned(),
            fingerprint: Manifest::fingerprint(&self.layout, &self.model_sha256),
            shard: shard.map(|shard| shard.to_string()),
            runs,
            layout: self.layout.clone(),
        }
    }
}

/// Loads and validates the base model; returns its hash and its TOML.
pub fn load_base(experiment: &Experiment) -> Result<(String, toml::Value), SweepError> {
    let base_error = |source| SweepError::BaseModel {
        experiment: experiment.path.clone(),
        error: Box::new(source),
    };
    let loaded = model::load(&experiment.model_path).map_err(base_error)?;
    let text = std::fs::read_to_string(&experiment.model_path).map_err(|reason| {
        base_error(ModelError::Read {
            path: experiment.model_path.clone(),
            reason,
        })
    })?;
    let base = toml::from_str::<toml::Table>(&text).map_err(|error| {
        base_error(ModelError::Parse {
            path: experiment.model_path.clone(),
            field: "(syntax)".to_owned(),
            message: error.to_string(),
        })
    })?;
    Ok((loaded.sha256, toml::Value::Table(base)))
}

/// Every combination of grid values, the first parameter varying slowest.
fn combinations(grid: &[(String, Vec<toml::Value>)]) -> Vec<Vec<Override>> {
    grid.iter()
        .fold(vec![Vec::new()], |partial, (path, values)| {
            partial
                .iter()
                .flat_map(|prefix| {
                    values.iter().map(move |value| {
                        let mut combination = prefix.clone();
                        combination.push((path.clone(), value.clone()));
                        combination
                    })
                })
                .collect()
        })
}

/// Grid paths and variant paths, sorted: the columns that tell points apart.
fn parameter_columns(experiment: &Experiment) -> Vec<String> {
    let grid = experiment.grid.iter().map(|(path, _)| path);
    let variants = experiment
        .variants
        .iter()
        .flat_map(|variant| variant.set.iter().map(|(path, _)| path));
    grid.chain(variants)
        .cloned()
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect()
}

/// Applies overrides (later ones win) and parses the result as a model file.
pub fn build_point(
    experiment: &Experiment,
    base: &toml::Value,
    mut info: PointInfo,
    overrides: &[Override],
    columns: &[String],
) -> Result<Point, SweepError> {
    let mut value = base.clone();
    let mut effective = BTreeMap::new();
    for (path, override_value) in overrides {
        effective.insert(path.clone(), source(override_value));
    }
    info.overrides = effective.into_iter().collect();
    let model_error = |info: &PointInfo, source: ModelError| SweepError::Model {
        experiment: experiment.path.clone(),
        point: info.point,
        variant: info.variant.clone(),
        overrides: info.overrides_text(),
        error: Box::new(source),
    };
    for (path, override_value) in overrides {
        let parsed = OverridePath::parse(path).expect("validated with the experiment");
        parsed
            .set(&mut value, override_value.clone())
            .map_err(|message| {
                let invalid = crate::model::Invalid::new(
                    path,
                    source(override_value),
                    format!("a path into the model ({message})"),
                );
                model_error(
                    &info,
                    ModelError::Invalid {
                        path: experiment.model_path.clone(),
                        invalid,
                    },
                )
            })?;
    }
    info.parameters = columns
        .iter()
        .map(|column| {
            let parsed = OverridePath::parse(column).expect("validated with the experiment");
            parsed.get(&value).map(render).unwrap_or_default()
        })
        .collect();
    let text = toml::to_string(&value).expect("a TOML value serializes");
    let spec =
        model::parse(model_path(experiment), &text).map_err(|error| model_error(&info, error))?;
    Ok(Point { info, spec })
}

fn model_path(experiment: &Experiment) -> &Path {
    &experiment.model_path
}
