//! `sellout export DIR --format FORMAT`: an on-sale run's outputs for load
//! testers and monitoring (see `crate::export`). Reads the run directory,
//! exports, and writes one file.

use std::path::{Path, PathBuf};

use anyhow::Result;
use clap::Args;
use clap::builder::PossibleValuesParser;

use super::output::{BadInput, write_output};
use crate::export::{DEFAULT_START, ExportOptions, Format, RunOutput, export};

#[derive(Args, Debug)]
pub struct ExportArgs {
    /// An on-sale run's output directory (`sellout run models/X.toml --out DIR`).
    dir: PathBuf,
    /// k6 (script), locust (locustfile), openmetrics (per-second series),
    /// prometheus-rules (the model's alerts), grafana (dashboard JSON).
    #[arg(long, value_parser = PossibleValuesParser::new(Format::ALL.map(Format::name)))]
    format: String,
    /// Output file, or - for stdout [default: DIR/k6.js, DIR/locustfile.py,
    /// DIR/metrics.om.txt, DIR/alerts.rules.yml or DIR/grafana-dashboard.json].
    #[arg(long)]
    out: Option<PathBuf>,
    /// k6 and locust: simulated seconds per real second (60 plays an hour in a
    /// minute, at the same request rates).
    #[arg(long, default_value_t = 1.0, allow_hyphen_values = true)]
    speed: f64,
    /// k6 and locust: multiply every request rate by this factor.
    #[arg(long, default_value_t = 1.0, allow_hyphen_values = true)]
    rate_scale: f64,
    /// openmetrics and grafana: the time of the opening (T+0), RFC 3339.
    #[arg(long, default_value = DEFAULT_START)]
    start: String,
    /// prometheus-rules: the model file that ran [default: the model_path in
    /// DIR/summary.json, which must still hash to the recorded SHA-256].
    #[arg(long)]
    model: Option<PathBuf>,
}

pub fn export_run(args: ExportArgs) -> Result<()> {
    let bad = |error: crate::export::ExportError| BadInput(error.to_string());
    let format = Format::parse(&args.format).map_err(bad)?;
    let options = ExportOptions::new(args.speed, args.rate_scale, &args.start).map_err(bad)?;
    let mut run = RunOutput::read(&args.dir).map_err(bad)?;
    if format == Format::PrometheusRules {
        let alerts =
            crate::export::model_alerts(&run.summary, args.model.as_deref()).map_err(bad)?;
        if alerts.is_empty() {
            warn!("the model has no [[alert]]: the rules file has an empty group");
        }
        run = run.with_alerts(alerts);
    }
    let bytes = export(&run, format, &options).map_err(bad)?;
    let out = args
        .out
        .unwrap_or_else(|| args.dir.join(format.default_file()));
    if out == Path::new("-") {
        use std::io::Write as _;
        std::io::stdout().write_all(&bytes)?;
        return Ok(());
    }
    let written = write_file(&out, &bytes)?;
    say!("wrote {} ({} export)", written.display(), format.name());
    Ok(())
}

/// Writes through the one place that writes files; a file name is required.
fn write_file(out: &Path, bytes: &[u8]) -> Result<PathBuf> {
    let Some(name) = out.file_name().and_then(|name| name.to_str()) else {
        return Err(BadInput(format!(
            "--out {}: give a file name (or - for stdout)",
            out.display()
        ))
        .into());
    };
    let dir = match out.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent,
        _ => Path::new("."),
    };
    if dir.exists() && !dir.is_dir() || out.is_dir() {
        return Err(BadInput(format!(
            "--out {}: not a file in a directory",
            out.display()
        ))
        .into());
    }
    write_output(dir, name, bytes)
}
