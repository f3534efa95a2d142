//! `sellout report DIR`: draw the dashboard of a run from the files `sellout
//! run` left in DIR, and for an on-sale run write its postmortem. `run` calls
//! the same code, so a report rebuilt later is byte-identical to the one written then.

use std::path::{Path, PathBuf};

use anyhow::Result;
use clap::Args;
use serde_json::Value;

use super::output::{BadInput, write_output};
use crate::report::plots::{
    DASHBOARD, Incident, Layout, Timeseries, dashboard_then, read_incidents,
};
use crate::report::postmortem::{PostmortemInput, postmortem};
use crate::report::replay::{ReplayInput, replay};

#[derive(Args, Debug)]
pub struct ReportArgs {
    /// A run's output directory: summary.json, timeseries.csv and, if the run
    /// had faults, triggers or alerts, incidents.csv.
    dir: PathBuf,
}

pub fn report(args: ReportArgs) -> Result<()> {
    report_run(&args.dir)
}

/// Writes the dashboard (PNG, SVG) and, for an on-sale run, the postmortem
/// (Markdown, HTML) and the replay page into `dir`, and says what it wrote.
pub fn report_run(dir: &Path) -> Result<()> {
    let (summary, layout) = read_summary(dir)?;
    let written = write_report(dir, &summary, layout)?;
    let names: Vec<String> = written
        .iter()
        .filter_map(|path| Some(path.file_name()?.to_string_lossy().into_owned()))
        .collect();
    let postmortem = if layout == Layout::Onsale {
        ""
    } else {
        " (postmortems are written for on-sale runs only)"
    };
    say!(
        "wrote {}/{{{}}}{postmortem}",
        dir.display(),
        names.join(", ")
    );
    Ok(())
}

fn write_report(dir: &Path, summary: &Value, layout: Layout) -> Result<Vec<PathBuf>> {
    // What the directory holds is the user's input: unreadable is exit 2.
    let corrupt = |error: &dyn std::fmt::Display| BadInput(error.to_string());
    let series = Timeseries::read(&dir.join("timeseries.csv")).map_err(|e| corrupt(&e))?;
    let incidents = read_incidents(dir).map_err(|e| corrupt(&e))?;
    let title = crate::report::run_title(summary);
    // The postmortem and the replay page are written from the SVG's text
    // while the PNG is still being drawn.
    let (mut written, pages) = dashboard_then(dir, layout, &title, &series, &incidents, |svg| {
        (layout == Layout::Onsale)
            .then(|| write_pages(dir, summary, &series, &incidents, svg))
            .transpose()
    })?;
    written.extend(pages?.into_iter().flatten());
    Ok(written)
}

/// An on-sale run's postmortem (Markdown, HTML) and replay page.
fn write_pages(
    dir: &Path,
    summary: &Value,
    series: &Timeseries,
    incidents: &[Incident],
    dashboard_svg: &str,
) -> Result<Vec<PathBuf>> {
    let report = postmortem(&PostmortemInput {
        summary,
        series,
        incidents,
        dashboard_svg,
        dashboard_png: &format!("{DASHBOARD}.png"),
    });
    let page = replay(&ReplayInput {
        summary,
        series,
        incidents,
    });
    Ok(vec![
        write_output(dir, "postmortem.md", report.markdown.as_bytes())?,
        write_output(dir, "postmortem.html", report.html.as_bytes())?,
        write_output(dir, "replay.html", page.as_bytes())?,
    ])
}

/// summary.json and the dashboard layout of its `kind`.
fn read_summary(dir: &Path) -> Result<(Value, Layout)> {
    let path = dir.join("summary.json");
    let bytes = std::fs::read(&path).map_err(|error| {
        BadInput(format!(
            "cannot read {}: {error}: `sellout report` needs the output directory of `sellout run MODEL --out DIR`",
            path.display()
        ))
    })?;
    let summary: Value = serde_json::from_slice(&bytes).map_err(|error| {
        BadInput(format!(
            "{} is not the JSON `sellout run` writes ({error}); rerun the model to rewrite it",
            path.display()
        ))
    })?;
    let Some(layout) = summary["kind"].as_str().and_then(Layout::of_kind) else {
        return Err(BadInput(format!(
            "{}: kind is {}, which has no dashboard; dashboards are drawn for the kinds \"onsale\", \"service\", \"network\" and \"contention\"",
            path.display(),
            summary["kind"]
        ))
        .into());
    };
    if !dir.join("timeseries.csv").exists() {
        return Err(BadInput(format!(
            "{} has no timeseries.csv to draw; rerun the model with `sellout run MODEL --out {}` to write it (network runs from older versions of sellout have none)",
            dir.display(),
            dir.display()
        ))
        .into());
    }
    Ok((summary, layout))
}
