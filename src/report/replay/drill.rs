//! What a drill asks and what it scores against: each alert firing in
//! `incidents.csv`, and the runbook actions that answered it. The runbook is
//! read from the run's own `action` rows (`scale_outflow 0.5 (runbook for
//! hold-errors)`), not from the model file, so a replay rebuilt by `sellout
//! report` anywhere is the same page, and it shows what the runbook did in this
//! run, when. An action row that names no alert (a hand-written incidents.csv)
//! answers the latest alert that fired before it.

use serde_json::{Value, json};

use super::data::time;
use crate::report::plots::{Incident, IncidentKind};

/// One action the runbook took.
#[derive(Clone, Debug, PartialEq)]
pub struct RunbookAction {
    /// What was done, as the row says it: `scale_outflow 0.5`.
    pub action: String,
    /// Seconds since the opening.
    pub t_s: f64,
}

/// One decision point of a drill: an alert firing and the runbook's answer
/// (no action: the right answer was to wait).
#[derive(Clone, Debug, PartialEq)]
pub struct DrillAlert {
    /// The alert's name.
    pub name: String,
    /// Seconds since the opening at which it fired.
    pub t_s: f64,
    /// What the runbook did about this firing, in time order.
    pub runbook: Vec<RunbookAction>,
}

/// Every alert firing of a run, and the choices a trainee is offered.
#[derive(Clone, Debug, PartialEq)]
pub struct Drill {
    /// Alert firings in time order.
    pub alerts: Vec<DrillAlert>,
    /// Distinct runbook actions of the run, in order of first use ("wait" is added by the page).
    pub options: Vec<String>,
}

impl Drill {
    /// As embedded in the page.
    pub fn to_json(&self) -> Value {
        json!({
            "options": self.options,
            "alerts": self.alerts.iter().map(|alert| json!({
                "name": alert.name,
                "t": time(alert.t_s),
                "runbook": alert.runbook.iter().map(|step| json!({
                    "action": step.action,
                    "t": time(step.t_s),
                })).collect::<Vec<Value>>(),
            })).collect::<Vec<Value>>(),
        })
    }
}

/// The drill of a run's incidents (sorted by time, as `parse_incidents` returns them).
pub fn drill(incidents: &[Incident]) -> Drill {
    let mut alerts: Vec<DrillAlert> = Vec::new();
    let mut options: Vec<String> = Vec::new();
    for incident in incidents {
        match incident.kind {
            IncidentKind::AlertFiring => alerts.push(DrillAlert {
                name: incident.detail.clone(),
                t_s: incident.t_s,
                runbook: Vec::new(),
            }),
            IncidentKind::Action => {
                let (action, alert) = split_action(&incident.detail);
                // The latest firing of the alert it names, or of any alert.
                let answered = alerts
                    .iter_mut()
                    .rev()
                    .find(|firing| alert.is_none_or(|name| firing.name == name));
                if let Some(firing) = answered {
                    firing.runbook.push(RunbookAction {
                        action: action.clone(),
                        t_s: incident.t_s,
                    });
                }
                if !options.contains(&action) {
                    options.push(action);
                }
            }
            _ => {}
        }
    }
    Drill { alerts, options }
}

/// `scale_outflow 0.5 (runbook for hold-errors)` → (`scale_outflow 0.5`, `hold-errors`).
fn split_action(detail: &str) -> (String, Option<&str>) {
    match detail
        .strip_suffix(')')
        .and_then(|rest| rest.rsplit_once(" (runbook for "))
    {
        Some((action, alert)) => (action.trim().to_owned(), Some(alert)),
        None => (detail.trim().to_owned(), None),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn incident(t_s: f64, kind: IncidentKind, detail: &str) -> Incident {
        Incident {
            t_s,
            kind,
            component: String::new(),
            detail: detail.to_owned(),
        }
    }

    #[test]
    fn each_firing_gets_the_runbook_actions_that_answered_it() {
        // db-failover's incidents.csv (seed 1, scale 0.1), and a second alert with no runbook.
        let incidents = [
            incident(120.0, IncidentKind::FaultStart, "db_failover #0"),
            incident(151.0, IncidentKind::AlertFiring, "hold-errors"),
            incident(160.0, IncidentKind::AlertFiring, "queue-long"),
            incident(166.0, IncidentKind::AlertResolved, "hold-errors"),
            incident(
                271.0,
                IncidentKind::Action,
                "scale_outflow 0.5 (runbook for hold-errors)",
            ),
            incident(300.0, IncidentKind::Action, "scale out to 20 servers"),
        ];
        let drill = drill(&incidents);
        assert_eq!(
            drill.options,
            ["scale_outflow 0.5", "scale out to 20 servers"]
        );
        assert_eq!(drill.alerts.len(), 2);
        assert_eq!(
            drill.alerts[0].runbook,
            [RunbookAction {
                action: "scale_outflow 0.5".to_owned(),
                t_s: 271.0
            }]
        );
        // An action that names no alert answers the latest firing.
        assert_eq!(drill.alerts[1].name, "queue-long");
        assert_eq!(drill.alerts[1].runbook[0].action, "scale out to 20 servers");
        assert_eq!(drill.to_json()["alerts"][0]["t"], json!(151));
    }
}
