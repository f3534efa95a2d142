//! One finished run and its row in `runs.csv` (and in the journal):
//! `point,variant,replication,seed,<parameters>,<metrics>,slo_met`.
//!
//! Numbers are written in Rust's shortest round-trip form, so a row read back
//! gives the same bits, and outputs rebuilt from a journal or from shards are
//! byte-identical to those of one uninterrupted sweep.

use super::layout::{Layout, run_seed};

/// One run's result.
#[derive(Clone, Debug, PartialEq)]
pub struct RunRecord {
    /// Point index.
    pub point: usize,
    /// Replication index.
    pub replication: u64,
    /// The run's seed.
    pub seed: u64,
    /// The metrics of interest, in layout order (NaN where undefined).
    pub metrics: Vec<f64>,
    /// Whether the run met every SLO clause; `None` without an SLO.
    pub slo_met: Option<bool>,
}

impl RunRecord {
    /// Position in run order.
    pub fn run_index(&self, replications: u64) -> u64 {
        self.point as u64 * replications + self.replication
    }
}

/// A number as written in every CSV: shortest round-trip decimal, `NaN`, `inf`, `-inf`,
/// Always with a `.` or an exponent (`1.0`, `0.25`, `1e21`), so a column reads
/// as floating point in pandas, polars and R whatever values a run happens to
/// have (`1` would make an all-whole column an integer one in one sweep and a
/// float one in the next).
pub fn number(value: f64) -> String {
    format!("{value:?}")
}

/// The header of `runs.csv`.
pub fn header(layout: &Layout) -> Vec<String> {
    let mut header: Vec<String> = ["point", "variant", "replication", "seed"]
        .map(str::to_owned)
        .to_vec();
    header.extend(layout.parameters.iter().cloned());
    header.extend(layout.metrics.iter().cloned());
    header.push("slo_met".to_owned());
    header
}

/// A record's row.
pub fn row(layout: &Layout, record: &RunRecord) -> Vec<String> {
    let point = &layout.points[record.point];
    let mut row = vec![
        record.point.to_string(),
        point.variant.clone(),
        record.replication.to_string(),
        record.seed.to_string(),
    ];
    row.extend(point.parameters.iter().cloned());
    row.extend(record.metrics.iter().map(|&value| number(value)));
    row.push(
        record
            .slo_met
            .map_or_else(String::new, |met| met.to_string()),
    );
    row
}

/// Reads a row back, checking that it belongs to this layout.
pub fn parse_row(layout: &Layout, row: &csv::StringRecord) -> Result<RunRecord, String> {
    let fields: Vec<&str> = row.iter().collect();
    if fields.len() != header(layout).len() {
        return Err(format!(
            "{} fields, expected {}",
            fields.len(),
            header(layout).len()
        ));
    }
    let point: usize = fields[0]
        .parse()
        .map_err(|_| format!("bad point {:?}", fields[0]))?;
    let info = layout
        .points
        .get(point)
        .ok_or_else(|| format!("point {point} is not in this sweep"))?;
    let replication: u64 = fields[2]
        .parse()
        .map_err(|_| format!("bad replication {:?}", fields[2]))?;
    let seed = run_seed(layout.seed, replication);
    let parameters_end = 4 + layout.parameters.len();
    if fields[1] != info.variant
        || fields[3] != seed.to_string()
        || fields[4..parameters_end]
            != info
                .parameters
                .iter()
                .map(String::as_str)
                .collect::<Vec<_>>()[..]
    {
        return Err(format!(
            "point {point} replication {replication} has another variant, seed or parameters than this sweep"
        ));
    }
    let metrics_end = parameters_end + layout.metrics.len();
    let metrics = fields[parameters_end..metrics_end]
        .iter()
        .map(|text| {
            text.parse::<f64>()
                .map_err(|_| format!("bad number {text:?}"))
        })
        .collect::<Result<_, _>>()?;
    let slo_met = match fields[metrics_end] {
        "" => None,
        "true" => Some(true),
        "false" => Some(false),
        other => return Err(format!("bad slo_met {other:?}")),
    };
    Ok(RunRecord {
        point,
        replication,
        seed,
        metrics,
        slo_met,
    })
}

/// `runs.csv`: the records, which the caller has sorted in run order.
pub fn runs_csv(layout: &Layout, records: &[RunRecord]) -> Vec<u8> {
    let mut writer = csv::Writer::from_writer(Vec::new());
    writer
        .write_record(header(layout))
        .expect("writing to memory");
    for record in records {
        writer
            .write_record(row(layout, record))
            .expect("writing to memory");
    }
    writer.into_inner().expect("writing to memory")
}

/// Reads `runs.csv` text (with its header) back into records.
pub fn read_runs_csv(layout: &Layout, text: &[u8]) -> Result<Vec<RunRecord>, String> {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(true)
        .from_reader(text);
    let found: Vec<String> = reader
        .headers()
        .map_err(|error| error.to_string())?
        .iter()
        .map(str::to_owned)
        .collect();
    if found != header(layout) {
        return Err(format!(
            "its header is {found:?}, this sweep writes {:?}",
            header(layout)
        ));
    }
    reader
        .records()
        .enumerate()
        .map(|(index, row)| {
            let row = row.map_err(|error| error.to_string())?;
            parse_row(layout, &row).map_err(|message| format!("row {}: {message}", index + 1))
        })
        .collect()
}
