//! The journal: `runs.partial.csv`, to which every finished run is appended and
//! fsync'd as it finishes (in completion order), so that a killed sweep loses at
//! most the runs in flight. Rerunning the same command reads it back and skips
//! the runs it holds.
//!
//! Its first line names the sweep's fingerprint; the rest is `runs.csv` text
//! with a checksum appended to every line (`...,<16 hex digits>`: the first 8
//! bytes of the SHA-256 of the line before it), so a damaged or hand-edited
//! line is reported as corrupt instead of being read as a result. A line torn
//! by a kill mid-write is cut off when the journal is reopened.

use std::fs::{File, OpenOptions};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use super::SweepError;
use super::layout::Layout;
use super::record::{RunRecord, header, read_runs_csv, row};

/// The journal's file name in the output directory.
pub const JOURNAL: &str = "runs.partial.csv";

const MAGIC: &str = "# sellout sweep journal v2 (lines end with a checksum), fingerprint ";

/// The first line of journals written before lines had checksums.
const MAGIC_V1: &str = "# sellout sweep journal v1";

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

/// One CSV record and its checksum, newline-terminated.
fn csv_line(fields: &[String]) -> Vec<u8> {
    let mut writer = csv::Writer::from_writer(Vec::new());
    writer.write_record(fields).expect("writing to memory");
    let mut line = writer.into_inner().expect("writing to memory");
    line.pop(); // the newline; the checksum goes before it
    let seal = checksum(&line);
    line.extend_from_slice(format!(",{seal}\n").as_bytes());
    line
}

fn checksum(bytes: &[u8]) -> String {
    use sha2::{Digest, Sha256};
    Sha256::digest(bytes)[..8]
        .iter()
        .map(|byte| format!("{byte:02x}"))
        .collect()
}

/// The CSV text of sealed lines, each checked; `Err((line number, why))`.
fn unseal(body: &[u8], first_line_number: usize) -> Result<Vec<u8>, (usize, String)> {
    let mut text = Vec::with_capacity(body.len());
    for (index, line) in body.split_inclusive(|&byte| byte == b'\n').enumerate() {
        let number = first_line_number + index;
        let line = line.strip_suffix(b"\n").unwrap_or(line);
        let Some(comma) = line.iter().rposition(|&byte| byte == b',') else {
            return Err((number, "it has no checksum".to_owned()));
        };
        let (content, seal) = (&line[..comma], &line[comma + 1..]);
        if seal != checksum(content).as_bytes() {
            return Err((
                number,
                "its checksum does not match its content (damaged, or edited by hand)".to_owned(),
            ));
        }
        text.extend_from_slice(content);
        text.push(b'\n');
    }
    Ok(text)
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
    if first_line.starts_with(MAGIC_V1) {
        return Err(SweepError::Mismatch {
            path: path.to_owned(),
            message: "this journal was written by an older sellout, without line checksums: \
                      delete it to start over, or choose another --out"
                .to_owned(),
        });
    }
    if first_line != format!("{MAGIC}{fingerprint}") {
        return Err(mismatch(format!(
            "the journal's fingerprint line is {first_line:?}"
        )));
    }
    let body = &bytes[first_line_end + 1..];
    if body.is_empty() {
        return Ok((Vec::new(), 0));
    }
    let text = unseal(body, 2).map_err(|(line, why)| SweepError::Mismatch {
        path: path.to_owned(),
        message: format!(
            "line {line} is corrupt: {why}; delete that line to redo its run, or delete the file to start over"
        ),
    })?;
    let records = read_runs_csv(layout, &text).map_err(mismatch)?;
    Ok((records, complete as u64))
}
