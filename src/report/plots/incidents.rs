//! `incidents.csv`: what happened to the system and what operators did, as
//! `t_s,kind,component,detail` rows. Faults open and close windows; everything
//! else is an instant. The dashboard shades the windows and marks the instants,
//! and the postmortem lists both on its timeline.

use std::path::Path;

use super::PlotError;

/// File name inside a run's output directory.
pub const INCIDENTS_CSV: &str = "incidents.csv";

/// What an incident row records.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum IncidentKind {
    /// A fault begins (opens a shaded window).
    FaultStart,
    /// A fault ends (closes the window with the same component and detail).
    FaultEnd,
    /// An alert starts firing.
    AlertFiring,
    /// An alert stops firing.
    AlertResolved,
    /// An operator or automation acted (scale out, shed load, ...).
    Action,
    /// A circuit breaker changed state.
    Breaker,
    /// No ticket left.
    SoldOut,
    /// The system recovered.
    Recovery,
    /// A service-level objective was breached.
    SloBreach,
}

impl IncidentKind {
    /// Every kind, in the order the file format lists them.
    pub const ALL: [IncidentKind; 9] = [
        IncidentKind::FaultStart,
        IncidentKind::FaultEnd,
        IncidentKind::AlertFiring,
        IncidentKind::AlertResolved,
        IncidentKind::Action,
        IncidentKind::Breaker,
        IncidentKind::SoldOut,
        IncidentKind::Recovery,
        IncidentKind::SloBreach,
    ];

    /// The `kind` cell.
    pub fn name(self) -> &'static str {
        match self {
            IncidentKind::FaultStart => "fault_start",
            IncidentKind::FaultEnd => "fault_end",
            IncidentKind::AlertFiring => "alert_firing",
            IncidentKind::AlertResolved => "alert_resolved",
            IncidentKind::Action => "action",
            IncidentKind::Breaker => "breaker",
            IncidentKind::SoldOut => "sold_out",
            IncidentKind::Recovery => "recovery",
            IncidentKind::SloBreach => "slo_breach",
        }
    }

    /// Words for a timeline.
    pub fn title(self) -> &'static str {
        match self {
            IncidentKind::FaultStart => "Fault starts",
            IncidentKind::FaultEnd => "Fault ends",
            IncidentKind::AlertFiring => "Alert firing",
            IncidentKind::AlertResolved => "Alert resolved",
            IncidentKind::Action => "Action",
            IncidentKind::Breaker => "Circuit breaker",
            IncidentKind::SoldOut => "Sold out",
            IncidentKind::Recovery => "Recovery",
            IncidentKind::SloBreach => "SLO breach",
        }
    }

    fn parse(cell: &str) -> Option<IncidentKind> {
        IncidentKind::ALL
            .into_iter()
            .find(|kind| kind.name() == cell)
    }
}

/// One row of `incidents.csv`.
#[derive(Clone, Debug, PartialEq)]
pub struct Incident {
    /// Seconds since the opening.
    pub t_s: f64,
    /// What happened.
    pub kind: IncidentKind,
    /// Which component (may be empty).
    pub component: String,
    /// Free text (may be empty).
    pub detail: String,
}

/// A fault from its start to its end (or to the end of the run if it never ended).
#[derive(Clone, Debug, PartialEq)]
pub struct FaultWindow {
    /// Seconds since the opening.
    pub start_s: f64,
    /// Seconds since the opening.
    pub end_s: f64,
    /// The component the fault hit.
    pub component: String,
    /// Which fault.
    pub detail: String,
}

/// Reads `dir/incidents.csv`; a run without one had no incidents.
pub fn read_incidents(dir: &Path) -> Result<Vec<Incident>, PlotError> {
    let path = dir.join(INCIDENTS_CSV);
    match std::fs::read(&path) {
        Ok(bytes) => parse_incidents(&path, &bytes),
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => Ok(Vec::new()),
        Err(error) => Err(PlotError::input(&path, error.to_string())),
    }
}

/// Parses `incidents.csv` bytes, sorted by time (stable, so same-time rows keep
/// file order); `path` only names the file in errors.
pub fn parse_incidents(path: &Path, bytes: &[u8]) -> Result<Vec<Incident>, PlotError> {
    let mut reader = csv::Reader::from_reader(bytes);
    let header = reader
        .headers()
        .map_err(|error| PlotError::input(path, error.to_string()))?;
    if header.iter().take(4).collect::<Vec<_>>() != ["t_s", "kind", "component", "detail"] {
        return Err(PlotError::input(
            path,
            "the header must start with t_s,kind,component,detail",
        ));
    }
    let mut incidents = Vec::new();
    for (index, record) in reader.records().enumerate() {
        let record = record.map_err(|error| PlotError::input(path, error.to_string()))?;
        incidents.push(
            incident(&record).map_err(|message| {
                PlotError::input(path, format!("line {}: {message}", index + 2))
            })?,
        );
    }
    incidents.sort_by(|a, b| a.t_s.total_cmp(&b.t_s));
    Ok(incidents)
}

fn incident(record: &csv::StringRecord) -> Result<Incident, String> {
    let cell = |index: usize| record.get(index).unwrap_or("").trim();
    let t_s: f64 = cell(0)
        .parse()
        .map_err(|_| format!("t_s {:?} is not a number of seconds", cell(0)))?;
    let kind = IncidentKind::parse(cell(1)).ok_or_else(|| {
        let allowed: Vec<&str> = IncidentKind::ALL.iter().map(|kind| kind.name()).collect();
        format!("kind {:?} is not one of {}", cell(1), allowed.join(", "))
    })?;
    Ok(Incident {
        t_s,
        kind,
        component: cell(2).to_owned(),
        detail: cell(3).to_owned(),
    })
}

/// Pairs each `fault_start` with the next `fault_end` of the same component and
/// detail; a fault still open at the end of the data lasts until `end_s`.
/// Windows come out in start order.
pub fn fault_windows(incidents: &[Incident], end_s: f64) -> Vec<FaultWindow> {
    let mut windows = Vec::new();
    for (index, start) in incidents.iter().enumerate() {
        if start.kind != IncidentKind::FaultStart {
            continue;
        }
        let end = incidents[index + 1..].iter().find(|end| {
            end.kind == IncidentKind::FaultEnd
                && end.component == start.component
                && end.detail == start.detail
        });
        windows.push(FaultWindow {
            start_s: start.t_s,
            end_s: end.map_or(end_s.max(start.t_s), |end| end.t_s),
            component: start.component.clone(),
            detail: start.detail.clone(),
        });
    }
    windows
}
