//! `sellout report DIR`: draw the dashboard and write the postmortem of an
//! on-sale run from the files `sellout run` left in DIR. `run` calls the same
//! code, so a report rebuilt later is byte-identical to the one written then.

use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use clap::Args;
use serde_json::Value;

use super::output::write_output;
use crate::report::plots::{DASHBOARD, Timeseries, dashboard, read_incidents};
use crate::report::postmortem::{PostmortemInput, postmortem};

#[derive(Args, Debug)]
pub struct ReportArgs {
    /// An on-sale run's output directory: summary.json, timeseries.csv and,
    /// if the run had faults or alerts, incidents.csv.
    dir: PathBuf,
}

pub fn report(args: ReportArgs) -> Result<()> {
    report_run(&args.dir)
}

/// Writes the dashboard (PNG, SVG) and the postmortem (Markdown, HTML) into
/// `dir` and says what it wrote.
pub fn report_run(dir: &Path) -> Result<()> {
    let written = write_report(dir)?;
    let names: Vec<String> = written
        .iter()
        .filter_map(|path| Some(path.file_name()?.to_string_lossy().into_owned()))
        .collect();
    say!("wrote {}/{{{}}}", dir.display(), names.join(", "));
    Ok(())
}

fn write_report(dir: &Path) -> Result<Vec<PathBuf>> {
    let summary = read_summary(dir)?;
    // What the directory holds is the user's input: unreadable is exit 2.
    let corrupt = |error: &dyn std::fmt::Display| super::output::BadInput(error.to_string());
    let series = Timeseries::read(&dir.join("timeseries.csv")).map_err(|e| corrupt(&e))?;
    let incidents = read_incidents(dir).map_err(|e| corrupt(&e))?;
    let mut written = dashboard(dir, &title(&summary), &series, &incidents)?;
    let svg_path = dir.join(format!("{DASHBOARD}.svg"));
    let svg = std::fs::read_to_string(&svg_path)
        .with_context(|| format!("cannot read back {}", svg_path.display()))?;
    let report = postmortem(&PostmortemInput {
        summary: &summary,
        series: &series,
        incidents: &incidents,
        dashboard_svg: &svg,
        dashboard_png: &format!("{DASHBOARD}.png"),
    });
    written.push(write_output(
        dir,
        "postmortem.md",
        report.markdown.as_bytes(),
    )?);
    written.push(write_output(
        dir,
        "postmortem.html",
        report.html.as_bytes(),
    )?);
    Ok(written)
}

fn read_summary(dir: &Path) -> Result<Value> {
    let path = dir.join("summary.json");
    let bytes = std::fs::read(&path).map_err(|error| {
        super::output::BadInput(format!(
            "cannot read {}: {error}: `sellout report` needs the output directory of `sellout run MODEL --out DIR`",
            path.display()
        ))
    })?;
    let summary: Value = serde_json::from_slice(&bytes).map_err(|error| {
        super::output::BadInput(format!(
            "{} is not the JSON `sellout run` writes ({error}); rerun the model to rewrite it",
            path.display()
        ))
    })?;
    if summary["kind"] != "onsale" {
        return Err(super::output::BadInput(format!(
            "{}: kind is {}, but dashboards and postmortems are for on-sale runs (kind = \"onsale\")",
            path.display(),
            summary["kind"]
        ))
        .into());
    }
    Ok(summary)
}

/// "baseline · seed 1 · scale 0.2": what the charts show, from the provenance.
fn title(summary: &Value) -> String {
    let provenance = &summary["provenance"];
    let mut title = format!(
        "{} · seed {}",
        provenance["model"].as_str().unwrap_or("on-sale"),
        provenance["seed"]
    );
    if let Some(scale) = summary["scale"].as_f64().filter(|scale| *scale != 1.0) {
        title.push_str(&format!(" · scale {scale}"));
    }
    if provenance["replications"].as_u64().unwrap_or(1) > 1 {
        title.push_str(" · replication 0");
    }
    title
}
