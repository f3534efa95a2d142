//! The incident timeline of a run: faults starting and ending, alerts firing and
//! resolving, runbook actions, breaker changes, sell-out and recovery. Written
//! as `incidents.csv` (`t_s,kind,component,detail`), read by the dashboard and
//! the postmortem.

use serde::Serialize;

use crate::engine::Time;

/// One line of the timeline.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Incident {
    /// Seconds since the opening.
    pub t_s: f64,
    /// `fault_start`, `fault_end`, `alert_firing`, `alert_resolved`, `action`,
    /// `breaker`, `sold_out`, `recovery` or `slo_breach`.
    pub kind: &'static str,
    /// The component concerned.
    pub component: String,
    /// What exactly; a fault's start and end share it.
    pub detail: String,
}

impl Incident {
    /// An incident at `now`.
    pub fn new(
        now: Time,
        kind: &'static str,
        component: &str,
        detail: impl Into<String>,
    ) -> Incident {
        Incident {
            t_s: now.as_secs_f64(),
            kind,
            component: component.to_owned(),
            detail: detail.into(),
        }
    }
}
