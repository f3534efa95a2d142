//! `sellout plan`: the smallest value of the experiment's `[plan]` parameter at
//! which its SLO is met in ≥ target of replications, with Clopper–Pearson intervals.

use std::path::{Path, PathBuf};

use anyhow::Result;
use clap::Args;
use indicatif::ProgressBar;

use super::output::{progress_bar, write_output};
use super::sweep::pool;
use crate::sweep::experiment;
use crate::sweep::planner::{Evaluation, plan};

#[derive(Args, Debug)]
pub struct PlanArgs {
    /// The experiment file (TOML) with `slo` and a `[plan]` table.
    experiment: PathBuf,
    /// Output directory for plan.json [default: out/<experiment name>].
    #[arg(long)]
    out: Option<PathBuf>,
    /// Worker threads [default: all cores]. Results do not depend on it.
    #[arg(long, value_parser = clap::value_parser!(u64).range(1..=1024))]
    threads: Option<u64>,
}

pub fn run_plan(args: PlanArgs) -> Result<()> {
    let experiment = experiment::load(&args.experiment)?;
    let out_dir = args
        .out
        .clone()
        .unwrap_or_else(|| Path::new("out").join(&experiment.name));
    let progress: ProgressBar = progress_bar(0);
    let result = pool(args.threads)?.install(|| plan(&experiment, &progress))?;
    progress.finish_and_clear();
    say!(
        "{}: smallest {} with the SLO ({}) met in ≥ {}% of replications",
        experiment.name,
        result.parameter,
        result.slo.join(" and "),
        result.target * 100.0
    );
    say!("  {} = {}", result.parameter, result.answer);
    say!("  at {}", describe(&result.at_answer, result.target));
    match &result.below_answer {
        Some(below) => say!("  at {}", describe(below, result.target)),
        None => say!("  (this is plan.min; smaller values were not tried)"),
    }
    say!("candidates evaluated, in search order:");
    for evaluation in &result.evaluations {
        say!("  {}", describe(evaluation, result.target));
    }
    let mut document = serde_json::to_value(&result)?;
    if let Some(object) = document.as_object_mut() {
        object.insert(
            "schema_version".to_owned(),
            crate::report::summary::SCHEMA_VERSION.into(),
        );
    }
    let path = write_output(
        &out_dir,
        "plan.json",
        &serde_json::to_vec_pretty(&document)?,
    )?;
    say!("wrote {}", path.display());
    Ok(())
}

fn describe(evaluation: &Evaluation, target: f64) -> String {
    let side = if evaluation.passes { "passes" } else { "fails" };
    let confidence = if evaluation.confident {
        format!("the 95% interval excludes {}%", target * 100.0)
    } else {
        "not separated from the target at plan.max_replications".to_owned()
    };
    format!(
        "{}: met in {}/{} = {:.1}%, 95% Clopper–Pearson [{:.1}%, {:.1}%]; {side} ({confidence})",
        evaluation.value,
        evaluation.met,
        evaluation.runs,
        evaluation.met_fraction * 100.0,
        evaluation.ci95[0] * 100.0,
        evaluation.ci95[1] * 100.0
    )
}
