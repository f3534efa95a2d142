//! The memory a command may use, and the check that a model fits in it
//! before anything is simulated.

use anyhow::Result;

use super::output::BadInput;
use crate::estimate::{self, Estimate, bytes_label};
use crate::model::ModelSpec;

/// A model as it will run: an on-sale scaled by `--scale`, demand and capacity
/// together. What the scaling cannot keep is warned about on stderr; a scaled
/// value outside what a model file may say (servers × 10 past the limit) is
/// refused like one (exit 2).
pub fn as_run(spec: &ModelSpec, scale: f64) -> Result<ModelSpec> {
    match spec {
        ModelSpec::Onsale(model) if scale != 1.0 => {
            let scaled = model.scaled(scale);
            scaled
                .model
                .spec
                .validate()
                .map_err(|invalid| BadInput(format!("after --scale {scale}: {invalid}")))?;
            for note in &scaled.notes {
                warn!("--scale {scale}: {note}");
            }
            Ok(ModelSpec::Onsale(Box::new(scaled.model)))
        }
        other => Ok(other.clone()),
    }
}

/// Before a model runs: warns on stderr about what will run but may mislead
/// (an unstable station), then refuses a run that will not fit in memory.
pub fn preflight(
    what: &str,
    spec: &ModelSpec,
    journeys: bool,
    replications: u64,
    max_memory: Option<u64>,
) -> Result<()> {
    for warning in estimate::warnings(spec) {
        warn!("{what}: {warning}");
    }
    let estimate = estimate::estimate(spec, journeys);
    check_fits(
        what,
        &estimate,
        replications,
        rayon::current_num_threads(),
        memory_limit(max_memory).as_ref(),
    )
}

/// The limit a run's estimated peak must stay under, and where it came from.
#[derive(Clone, Debug, PartialEq)]
pub struct MemoryLimit {
    /// Bytes.
    pub bytes: f64,
    /// "--max-memory", "available memory", "the address-space limit (ulimit -v)"...
    pub source: String,
}

/// `--max-memory` if given, else the least of what the machine can give this
/// process: available memory, the cgroup's limit and `ulimit -v`. None when
/// nothing is known (not Linux), so nothing is refused.
pub fn memory_limit(flag: Option<u64>) -> Option<MemoryLimit> {
    if let Some(bytes) = flag {
        return Some(MemoryLimit {
            bytes: bytes as f64,
            source: "--max-memory".to_owned(),
        });
    }
    [
        (meminfo_available(), "available memory (MemAvailable)"),
        (cgroup_limit(), "the cgroup's memory.max"),
        (address_space_limit(), "the address-space limit (ulimit -v)"),
    ]
    .into_iter()
    .filter_map(|(bytes, source)| {
        Some(MemoryLimit {
            bytes: bytes? as f64,
            source: source.to_owned(),
        })
    })
    .min_by(|a, b| a.bytes.total_cmp(&b.bytes))
}

/// Before a sweep: warns about its points, and refuses one whose largest
/// point cannot run `threads` at a time in memory. A sweep keeps one row of
/// metrics per run, not the runs' data, so nothing accumulates.
pub fn preflight_sweep<'a>(
    what: &str,
    points: impl Iterator<Item = (String, &'a ModelSpec)>,
    threads: usize,
    max_memory: Option<u64>,
) -> Result<()> {
    let mut estimates = Vec::new();
    for (name, spec) in points {
        for warning in estimate::warnings(spec) {
            warn!("{what}, {name}: {warning}");
        }
        estimates.push(estimate::estimate(spec, false));
    }
    let Some(largest) = largest_sweep_run(&estimates) else {
        return Ok(());
    };
    check_fits(
        &format!("{what} (its largest point, {threads} at a time)"),
        &largest,
        threads as u64,
        threads,
        memory_limit(max_memory).as_ref(),
    )
}

/// The largest of a sweep's per-point estimates, as one of its runs costs: a
/// sweep keeps one row of metrics per run, not the runs' data, so a finished
/// run retains nothing.
pub fn largest_sweep_run(estimates: &[Estimate]) -> Option<Estimate> {
    let largest = estimates
        .iter()
        .max_by(|a, b| a.working_bytes().total_cmp(&b.working_bytes()))?;
    Some(Estimate {
        retained_bytes: 0.0,
        ..largest.clone()
    })
}

/// "point 3 (variant \"fifo\")", for warnings about one point of a sweep.
pub fn point_label(info: &crate::sweep::PointInfo) -> String {
    format!("point {} (variant {:?})", info.point, info.variant)
}

/// Refuses (exit 2) a run whose estimated peak exceeds the limit, with the
/// estimate, its largest parts and what to change.
pub fn check_fits(
    what: &str,
    estimate: &Estimate,
    replications: u64,
    threads: usize,
    limit: Option<&MemoryLimit>,
) -> Result<()> {
    let Some(limit) = limit else { return Ok(()) };
    let peak = estimate.peak_bytes(replications, threads);
    if peak <= limit.bytes {
        return Ok(());
    }
    Err(BadInput(format!(
        "{what} needs about {} of memory ({} replication(s), {} at a time; per replication: {}), more than the limit of {} ({}); lower the model's size, --replications or --threads, or raise --max-memory if the estimate is too cautious",
        bytes_label(peak),
        replications,
        replications.min(threads as u64),
        estimate.breakdown(),
        bytes_label(limit.bytes),
        limit.source,
    ))
    .into())
}

/// Parses `--max-memory`: bytes, or a number with K, M, G or T (powers of
/// 1024; a trailing "B" or "iB" is allowed): "512M", "4G", "1.5GiB".
pub fn parse_size(text: &str) -> Result<u64, String> {
    let trimmed = text.trim();
    let upper = trimmed.to_ascii_uppercase();
    let body = upper
        .strip_suffix("IB")
        .or_else(|| upper.strip_suffix('B'))
        .unwrap_or(&upper);
    let (number, factor) = match body.chars().last() {
        Some('K') => (&body[..body.len() - 1], 1u64 << 10),
        Some('M') => (&body[..body.len() - 1], 1 << 20),
        Some('G') => (&body[..body.len() - 1], 1 << 30),
        Some('T') => (&body[..body.len() - 1], 1 << 40),
        _ => (body, 1),
    };
    let value: f64 = number.trim().parse().map_err(|_| {
        format!(
            "{text:?} is not a size; allowed: bytes or a number with K, M, G or T, e.g. 512M or 4G"
        )
    })?;
    let bytes = value * factor as f64;
    if !(1.0..1e18).contains(&bytes) {
        return Err(format!(
            "{text:?} is out of range; allowed: from 1 byte to 1e18 bytes, e.g. 512M or 4G"
        ));
    }
    Ok(bytes as u64)
}

fn meminfo_available() -> Option<u64> {
    let text = std::fs::read_to_string("/proc/meminfo").ok()?;
    let line = text
        .lines()
        .find(|line| line.starts_with("MemAvailable:"))?;
    let kib: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib * 1024)
}

fn cgroup_limit() -> Option<u64> {
    std::fs::read_to_string("/sys/fs/cgroup/memory.max")
        .ok()?
        .trim()
        .parse()
        .ok()
}

/// The soft RLIMIT_AS, from /proc/self/limits ("unlimited" is none).
fn address_space_limit() -> Option<u64> {
    let text = std::fs::read_to_string("/proc/self/limits").ok()?;
    let line = text
        .lines()
        .find(|line| line.starts_with("Max address space"))?;
    line.split_whitespace().nth(3)?.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_parse_with_binary_units() {
        assert_eq!(parse_size("512M"), Ok(512 << 20));
        assert_eq!(parse_size("4g"), Ok(4 << 30));
        assert_eq!(parse_size("1.5GiB"), Ok(3 << 29));
        assert_eq!(parse_size("1000"), Ok(1000));
        assert_eq!(parse_size("2KB"), Ok(2048));
        for bad in ["", "G", "-1G", "0", "nan", "1e30", "4X"] {
            assert!(parse_size(bad).is_err(), "{bad:?} was accepted");
        }
    }

    #[test]
    fn a_flag_overrides_what_the_machine_says() {
        let limit = memory_limit(Some(1 << 30)).unwrap();
        assert_eq!(limit.bytes, (1u64 << 30) as f64);
        assert_eq!(limit.source, "--max-memory");
    }
}
