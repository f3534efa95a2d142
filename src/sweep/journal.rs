//! The journal: `runs.partial.csv`, to which every finished run is appended and
//! fsync'd as it finishes (in completion order), so that a killed sweep loses at
//! most the runs in flight. Rerunning the same command reads it back and skips
//! the runs it holds.
//!
//! Its first line names the sweep's fingerprint; the rest is `runs.csv` text.
//! A line torn by a kill mid-write is cut off when the journal is reopened.

use std::fs::{File, OpenOptions};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use super::SweepError;
use super::layout::Layout;
use super::record::{RunRecord, header, read_runs_csv, row};

/// The journal's file name in the output directory.
pub const JOURNAL: &str = "runs.partial.csv";

const MAGIC: &str = "# sellout sweep journal v1, fingerprint ";

/// An open journal.
#[derive(Debug)]
pub struct Journal {
    path: PathBuf,
    file: Mutex<File>,
    layout: Layout,
}

impl Journal {
    /// Opens (or creates) the journal in `dir` for a sweep with this layout and
    /// fingerprint; returns it with the runs it already holds.
    pub fn open(
        dir: &Path,
        layout: &Layout,
        fingerprint: &str,
    ) -> Result<(Journal, Vec<RunRecord>), SweepError> {
        std::fs::create_dir_all(dir).map_err(SweepError::io(dir))?;
        let path = dir.join(JOURNAL);
        let finished = match std::fs::read(&path) {
            Ok(bytes) => Some(read_journal(&path, &bytes, layout, fingerprint)?),
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => None,
            Err(error) => return Err(SweepError::io(&path)(error)),
        };
        let file = OpenOptions::new()
            .create(true)
            .append(true)
            .open(&path)
            .map_err(SweepError::io(&path))?;
        let (records, complete_len) = finished.unwrap_or_default();
        // Cut a torn last line, then start fresh files with their header.
        file.set_len(complete_len).map_err(SweepError::io(&path))?;
        let journal = Journal {
            path,
            file: Mutex::new(file),
            layout: layout.clone(),
        };
        if complete_len == 0 {
            let mut text = format!("{MAGIC}{fingerprint}\n").into_bytes();
            text.extend(csv_line(&header(layout)));
            journal.append_bytes(&text)?;
        }
        Ok((journal, records))
    }

    /// Appends a finished run and makes it durable before returning.
    pub fn append(&self, record: &RunRecord) -> Result<(), SweepError> {
        self.append_bytes(&csv_line(&row(&self.layout, record)))
    }

    fn append_bytes(&self, bytes: &[u8]) -> Result<(), SweepError> {
        // A poisoned lock only means another run panicked; the file is still sound.
        let mut file = self
            .file
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        file.write_all(bytes)
            .and_then(|()| file.flush())
            .and_then(|()| file.sync_data())
            .map_err(SweepError::io(&self.path))
    }
}

fn csv_line(fields: &[String]) -> Vec<u8> {
    let mut writer = csv::Writer::from_writer(Vec::new());
    writer.write_record(fields).expect("writing to memory");
    writer.into_inner().expect("writing to memory")
}

/// The records of an existing journal and the length of its complete lines.
fn read_journal(
    path: &Path,
    bytes: &[u8],
    layout: &Layout,
    fingerprint: &str,
) -> Result<(Vec<RunRecord>, u64), SweepError> {
    let mismatch = |message: String| SweepError::Mismatch {
        path: path.to_owned(),
        message: format!(
            "{message}; it belongs to another sweep (or another version of this experiment or model): \
             delete it to start over, or choose another --out"
        ),
    };
    let complete = bytes
        .iter()
        .rposition(|&byte| byte == b'\n')
        .map_or(0, |at| at + 1);
    let bytes = &bytes[..complete];
    let Some(first_line_end) = bytes.iter().position(|&byte| byte == b'\n') else {
        return Ok((Vec::new(), 0));
    };
    let first_line = String::from_utf8_lossy(&bytes[..first_line_end]);
    if first_line != format!("{MAGIC}{fingerprint}") {
        return Err(mismatch(format!(
            "the journal's fingerprint line is {first_line:?}"
        )));
    }
    let body = &bytes[first_line_end + 1..];
    if body.is_empty() {
        return Ok((Vec::new(), 0));
    }
    let records = read_runs_csv(layout, body).map_err(mismatch)?;
    Ok((records, complete as u64))
}
