//! `timeseries.csv` as named numeric columns. Charts and the postmortem read
//! columns by name, so a column added later (say `app_instances`) is used when
//! present and a file from an older run still draws.

use std::path::Path;

use super::PlotError;

/// Per-second rows, stored by column. Empty cells are NaN.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Timeseries {
    names: Vec<String>,
    columns: Vec<Vec<f64>>,
}

impl Timeseries {
    /// Reads `path` (a `timeseries.csv`).
    pub fn read(path: &Path) -> Result<Timeseries, PlotError> {
        let bytes =
            std::fs::read(path).map_err(|error| PlotError::input(path, error.to_string()))?;
        Timeseries::parse(path, &bytes)
    }

    /// Parses CSV bytes with a header row; `path` only names the file in errors.
    pub fn parse(path: &Path, bytes: &[u8]) -> Result<Timeseries, PlotError> {
        let mut reader = csv::Reader::from_reader(bytes);
        let names: Vec<String> = reader
            .headers()
            .map_err(|error| PlotError::input(path, error.to_string()))?
            .iter()
            .map(str::to_owned)
            .collect();
        if names.first().map(String::as_str) != Some("t_s") {
            return Err(PlotError::input(path, "the first column must be t_s"));
        }
        let mut columns = vec![Vec::new(); names.len()];
        for (index, record) in reader.records().enumerate() {
            let record = record.map_err(|error| PlotError::input(path, error.to_string()))?;
            for ((column, cell), name) in columns.iter_mut().zip(record.iter()).zip(&names) {
                column.push(parse_cell(cell).ok_or_else(|| {
                    let line = index + 2;
                    PlotError::input(
                        path,
                        format!("line {line}, column {name}: {cell:?} is not a number"),
                    )
                })?);
            }
        }
        Ok(Timeseries { names, columns })
    }

    /// Number of rows (seconds).
    pub fn len(&self) -> usize {
        self.columns.first().map_or(0, Vec::len)
    }

    /// True without rows.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Seconds since the opening at the end of each row's second.
    pub fn t_s(&self) -> &[f64] {
        self.columns.first().map_or(&[], Vec::as_slice)
    }

    /// The column called `name`, if the file has it.
    pub fn column(&self, name: &str) -> Option<&[f64]> {
        let index = self.names.iter().position(|candidate| candidate == name)?;
        Some(&self.columns[index])
    }

    /// Column names, in file order.
    pub fn names(&self) -> &[String] {
        &self.names
    }
}

/// A number (booleans count as 0 and 1), or NaN for an empty cell; `None` for
/// anything else.
fn parse_cell(cell: &str) -> Option<f64> {
    match cell.trim() {
        "" => Some(f64::NAN),
        "true" => Some(1.0),
        "false" => Some(0.0),
        number => number.parse().ok(),
    }
}
