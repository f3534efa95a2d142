//! The sweep's tidy outputs, read back for charts: `summary.csv` (one row per
//! grid point and metric) and `runs.csv` (one row per run). Parameter columns
//! are whatever sits between the fixed columns, so any experiment reads.

use std::path::Path;

use super::PlotError;

/// One row of `summary.csv`.
#[derive(Clone, Debug)]
pub struct SummaryRow {
    /// Grid point index.
    pub point: usize,
    /// Design variant.
    pub variant: String,
    /// Parameter values, in header order.
    pub parameters: Vec<String>,
    /// Metric name.
    pub metric: String,
    /// Mean across replications.
    pub mean: f64,
    /// Student-t 95% interval.
    pub ci95: (f64, f64),
    /// Fraction of runs meeting the SLO (NaN without an SLO).
    pub slo_met_fraction: f64,
}

/// One row of `runs.csv`.
#[derive(Clone, Debug)]
pub struct RunRow {
    /// Grid point index.
    pub point: usize,
    /// Design variant.
    pub variant: String,
    /// Parameter values, in header order.
    pub parameters: Vec<String>,
    /// Metric values, in `metrics` order.
    pub metrics: Vec<f64>,
}

/// Both files of a sweep directory.
#[derive(Clone, Debug)]
pub struct SweepTables {
    /// Parameter column names.
    pub parameters: Vec<String>,
    /// Metric column names of `runs.csv`.
    pub metrics: Vec<String>,
    /// `summary.csv` rows in file order.
    pub summary: Vec<SummaryRow>,
    /// `runs.csv` rows in file order.
    pub runs: Vec<RunRow>,
}

/// Reads `dir/summary.csv` and `dir/runs.csv`.
pub fn read_sweep(dir: &Path) -> Result<SweepTables, PlotError> {
    let (parameters, summary) = read_summary(&dir.join("summary.csv"))?;
    let (metrics, runs) = read_runs(&dir.join("runs.csv"), parameters.len())?;
    Ok(SweepTables {
        parameters,
        metrics,
        summary,
        runs,
    })
}

fn records(path: &Path) -> Result<(Vec<String>, Vec<csv::StringRecord>), PlotError> {
    let bytes = std::fs::read(path).map_err(|error| PlotError::input(path, error.to_string()))?;
    let mut reader = csv::Reader::from_reader(bytes.as_slice());
    let header: Vec<String> = reader
        .headers()
        .map_err(|error| PlotError::input(path, error.to_string()))?
        .iter()
        .map(str::to_owned)
        .collect();
    let rows = reader
        .records()
        .collect::<Result<Vec<_>, _>>()
        .map_err(|error| PlotError::input(path, error.to_string()))?;
    Ok((header, rows))
}

fn read_summary(path: &Path) -> Result<(Vec<String>, Vec<SummaryRow>), PlotError> {
    let (header, rows) = records(path)?;
    let column = |name: &str| {
        header
            .iter()
            .position(|candidate| candidate == name)
            .ok_or_else(|| {
                PlotError::input(path, format!("no {name} column in the header {header:?}"))
            })
    };
    let metric = column("metric")?;
    let [mean, low, high, slo] = ["mean", "ci95_low", "ci95_high", "slo_met_fraction"].map(column);
    let (mean, low, high, slo) = (mean?, low?, high?, slo?);
    if metric < 2 || header[..2] != ["point", "variant"] {
        return Err(PlotError::input(
            path,
            "the header must start with point,variant",
        ));
    }
    let parameters = header[2..metric].to_vec();
    let rows = rows
        .iter()
        .enumerate()
        .map(|(index, row)| {
            let line = index + 2;
            let number = |at: usize| cell_number(path, line, row, at);
            Ok(SummaryRow {
                point: number(0)? as usize,
                variant: row.get(1).unwrap_or("").to_owned(),
                parameters: (2..metric)
                    .map(|at| row.get(at).unwrap_or("").to_owned())
                    .collect(),
                metric: row.get(metric).unwrap_or("").to_owned(),
                mean: number(mean)?,
                ci95: (number(low)?, number(high)?),
                slo_met_fraction: number(slo)?,
            })
        })
        .collect::<Result<_, PlotError>>()?;
    Ok((parameters, rows))
}

fn read_runs(path: &Path, parameter_count: usize) -> Result<(Vec<String>, Vec<RunRow>), PlotError> {
    let (header, rows) = records(path)?;
    let metrics_start = 4 + parameter_count;
    if header.len() < metrics_start + 1
        || header[..4] != ["point", "variant", "replication", "seed"]
    {
        return Err(PlotError::input(
            path,
            "the header must be point,variant,replication,seed,<parameters>,<metrics>,slo_met",
        ));
    }
    let metrics_end =
        header.len() - usize::from(header.last().is_some_and(|last| last == "slo_met"));
    let rows = rows
        .iter()
        .enumerate()
        .map(|(index, row)| {
            let line = index + 2;
            Ok(RunRow {
                point: cell_number(path, line, row, 0)? as usize,
                variant: row.get(1).unwrap_or("").to_owned(),
                parameters: (4..metrics_start)
                    .map(|at| row.get(at).unwrap_or("").to_owned())
                    .collect(),
                metrics: (metrics_start..metrics_end)
                    .map(|at| cell_number(path, line, row, at))
                    .collect::<Result<_, _>>()?,
            })
        })
        .collect::<Result<_, PlotError>>()?;
    Ok((header[metrics_start..metrics_end].to_vec(), rows))
}

/// A numeric cell; empty and "NaN" read as NaN.
fn cell_number(
    path: &Path,
    line: usize,
    row: &csv::StringRecord,
    at: usize,
) -> Result<f64, PlotError> {
    let cell = row.get(at).unwrap_or("").trim();
    if cell.is_empty() {
        return Ok(f64::NAN);
    }
    cell.parse().map_err(|_| {
        PlotError::input(
            path,
            format!("line {line}, field {}: {cell:?} is not a number", at + 1),
        )
    })
}
