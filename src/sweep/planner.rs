//! `sellout plan`: the smallest value of one numeric parameter at which the SLO
//! is met in at least `target` (e.g. 95%) of replications.
//!
//! Candidates are `min + k·step`. The search is a bisection over k, which
//! assumes that more of the parameter never hurts (servers, outflow). Each
//! candidate is judged sequentially in Monte Carlo batches: batches are added
//! until the 95% Clopper–Pearson interval of its met fraction lies wholly above
//! or below the target, or `max_replications` is reached, and the candidate
//! passes when its met fraction is ≥ target. Replication r of every candidate
//! uses the same seed (common random numbers), as in sweeps.

use std::collections::BTreeMap;

use indicatif::ProgressBar;
use serde::Serialize;
use statrs::distribution::{Beta, ContinuousCDF};

use super::SweepError;
use super::execute::{RunTask, run_tasks};
use super::experiment::{Experiment, PlanSpec};
use super::grid::{Sweep, build_point, load_base};
use super::layout::{Layout, PointInfo};
use crate::model::Invalid;

/// The verdict on one candidate value.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Evaluation {
    /// The parameter's value.
    pub value: f64,
    /// Replications run.
    pub runs: u64,
    /// Replications that met the SLO.
    pub met: u64,
    /// met / runs.
    pub met_fraction: f64,
    /// 95% Clopper–Pearson interval of the probability of meeting the SLO.
    pub ci95: [f64; 2],
    /// met_fraction ≥ target.
    pub passes: bool,
    /// The interval lies wholly on one side of the target.
    pub confident: bool,
}

/// What `sellout plan` found.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct PlanResult {
    /// The parameter's dotted path.
    pub parameter: String,
    /// The fraction of replications that must meet the SLO.
    pub target: f64,
    /// The SLO clauses.
    pub slo: Vec<String>,
    /// The smallest passing value.
    pub answer: f64,
    /// Its evaluation.
    pub at_answer: Evaluation,
    /// The evaluation one step below, when the answer is not the minimum.
    pub below_answer: Option<Evaluation>,
    /// Every candidate evaluated, in search order.
    pub evaluations: Vec<Evaluation>,
}

/// Two-sided Clopper–Pearson interval at `level` for `successes` of `trials`.
pub fn clopper_pearson(successes: u64, trials: u64, level: f64) -> [f64; 2] {
    if trials == 0 {
        return [0.0, 1.0];
    }
    let alpha = 1.0 - level;
    let (k, n) = (successes as f64, trials as f64);
    let quantile =
        |a: f64, b: f64, p: f64| Beta::new(a, b).map_or(f64::NAN, |beta| beta.inverse_cdf(p));
    let low = if successes == 0 {
        0.0
    } else {
        quantile(k, n - k + 1.0, alpha / 2.0)
    };
    let high = if successes == trials {
        1.0
    } else {
        quantile(k + 1.0, n - k, 1.0 - alpha / 2.0)
    };
    [low, high]
}

/// The experiment's plan with its base model loaded.
struct Planner<'a> {
    experiment: &'a Experiment,
    spec: &'a PlanSpec,
    model_sha256: String,
    base: toml::Value,
    progress: &'a ProgressBar,
    evaluated: BTreeMap<u64, Evaluation>,
    order: Vec<u64>,
}

/// Runs the search. `progress` grows by one batch at a time.
pub fn plan(experiment: &Experiment, progress: &ProgressBar) -> Result<PlanResult, SweepError> {
    let invalid = |invalid| SweepError::Invalid {
        path: experiment.path.clone(),
        invalid,
    };
    let spec = experiment.plan.as_ref().ok_or_else(|| {
        invalid(Invalid::new(
            "plan",
            "(missing)",
            "a [plan] table for `sellout plan`",
        ))
    })?;
    if experiment.slo.clauses.is_empty() {
        return Err(invalid(Invalid::new(
            "slo",
            "[]",
            "at least one clause for `sellout plan`",
        )));
    }
    let (model_sha256, base) = load_base(experiment)?;
    let mut planner = Planner {
        experiment,
        spec,
        model_sha256,
        base,
        progress,
        evaluated: BTreeMap::new(),
        order: Vec::new(),
    };
    planner.search()
}

impl Planner<'_> {
    fn last_index(&self) -> u64 {
        ((self.spec.max - self.spec.min) / self.spec.step + 1e-9).floor() as u64
    }

    fn value(&self, index: u64) -> f64 {
        self.spec.min + index as f64 * self.spec.step
    }

    fn search(&mut self) -> Result<PlanResult, SweepError> {
        let last = self.last_index();
        if !self.evaluate(last)?.passes {
            let top = &self.evaluated[&last];
            return Err(SweepError::PlanUnmet {
                message: format!(
                    "{}: the SLO is met in only {}/{} replications at {} = {} (plan.max); raise plan.max",
                    self.experiment.path.display(),
                    top.met,
                    top.runs,
                    self.spec.parameter,
                    top.value
                ),
            });
        }
        let (mut low, mut high) = (0, last);
        while low < high {
            let middle = low + (high - low) / 2;
            if self.evaluate(middle)?.passes {
                high = middle;
            } else {
                low = middle + 1;
            }
        }
        let below_answer = match high {
            0 => None,
            _ => Some(self.evaluate(high - 1)?),
        };
        Ok(PlanResult {
            parameter: self.spec.parameter.clone(),
            target: self.spec.target,
            slo: self.experiment.slo.texts(),
            answer: self.value(high),
            at_answer: self.evaluated[&high].clone(),
            below_answer,
            evaluations: self
                .order
                .iter()
                .map(|index| self.evaluated[index].clone())
                .collect(),
        })
    }

    /// Judges candidate `index` in batches (cached: each candidate is run once).
    fn evaluate(&mut self, index: u64) -> Result<Evaluation, SweepError> {
        if let Some(done) = self.evaluated.get(&index) {
            return Ok(done.clone());
        }
        let sweep = self.candidate(index)?;
        let (mut runs, mut met) = (0, 0);
        let evaluation = loop {
            let batch: Vec<RunTask> = (runs..runs + self.spec.batch)
                .map(|replication| RunTask {
                    point: 0,
                    replication,
                })
                .collect();
            self.progress.inc_length(batch.len() as u64);
            let records = run_tasks(&sweep, &batch, self.progress, |_| Ok(()))?;
            runs += batch.len() as u64;
            met += records
                .iter()
                .filter(|record| record.slo_met == Some(true))
                .count() as u64;
            let ci95 = clopper_pearson(met, runs, 0.95);
            let confident = ci95[0] > self.spec.target || ci95[1] < self.spec.target;
            if confident || runs + self.spec.batch > self.spec.max_replications {
                let met_fraction = met as f64 / runs as f64;
                break Evaluation {
                    value: self.value(index),
                    runs,
                    met,
                    met_fraction,
                    ci95,
                    passes: met_fraction >= self.spec.target,
                    confident,
                };
            }
        };
        self.evaluated.insert(index, evaluation.clone());
        self.order.push(index);
        Ok(evaluation)
    }

    /// A one-point sweep at candidate `index`: the experiment's `set`, then the parameter.
    fn candidate(&self, index: u64) -> Result<Sweep, SweepError> {
        let value = if self.spec.integer {
            toml::Value::Integer(self.value(index).round() as i64)
        } else {
            toml::Value::Float(self.value(index))
        };
        let mut overrides = self.experiment.set.clone();
        overrides.push((self.spec.parameter.clone(), value));
        let info = PointInfo {
            point: 0,
            variant: "plan".to_owned(),
            parameters: Vec::new(),
            overrides: Vec::new(),
            baseline: 0,
        };
        let columns = [self.spec.parameter.clone()];
        let point = build_point(self.experiment, &self.base, info, &overrides, &columns)?;
        let layout = Layout {
            seed: self.experiment.seed,
            replications: self.spec.max_replications,
            metrics: self.experiment.metrics.clone(),
            slo: self.experiment.slo.texts(),
            parameters: columns.to_vec(),
            points: vec![point.info.clone()],
        };
        Ok(Sweep {
            experiment: self.experiment.clone(),
            model_sha256: self.model_sha256.clone(),
            base: self.base.clone(),
            layout,
            points: vec![point],
        })
    }
}
