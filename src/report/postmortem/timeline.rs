//! The timeline: incidents as recorded in `incidents.csv`, merged with events
//! derived from the data (opening, first SLO breach, peak errors, sell-out,
//! recovery, last sale), in virtual time relative to the opening.

use super::facts::{Facts, count};
use super::slo::{self, ERROR_RATE_LIMIT, HOLD_P99_LIMIT_S, MIN_ERRORS, RECOVERY_SUSTAIN_S};
use crate::report::plots::{Incident, IncidentKind, Timeseries, clock_label};

/// The derived sell-out, dropped when `incidents.csv` records one itself.
const SOLD_OUT: &str = "Sold out (first time)";

/// One line of the timeline.
#[derive(Clone, Debug, PartialEq)]
pub struct Event {
    /// Seconds since the opening.
    pub t_s: f64,
    /// What happened.
    pub what: String,
    /// Which component ("" if none).
    pub component: String,
    /// Details.
    pub detail: String,
    /// Where the event comes from: `incidents.csv`, `timeseries.csv`, `summary.json`.
    pub source: &'static str,
}

/// All events, sorted by time; at the same time, recorded incidents come
/// before derived events, each in their own order.
pub fn timeline(facts: &Facts, series: &Timeseries, incidents: &[Incident]) -> Vec<Event> {
    let mut events: Vec<Event> = incidents
        .iter()
        .map(|incident| Event {
            t_s: incident.t_s,
            what: incident.kind.title().to_owned(),
            component: incident.component.clone(),
            detail: incident.detail.clone(),
            source: "incidents.csv",
        })
        .collect();
    let recorded_sold_out = incidents
        .iter()
        .any(|incident| incident.kind == IncidentKind::SoldOut);
    events.extend(
        derived(facts, series)
            .into_iter()
            .filter(|event| !(recorded_sold_out && event.what == SOLD_OUT)),
    );
    events.sort_by(|a, b| a.t_s.total_cmp(&b.t_s));
    events
}

/// Fault rows the table lists before it summarises the rest: random faults
/// with a short MTBF make tens of thousands, which no reader scans and which
/// made a 70 MB page. Every other event is always listed.
pub const MAX_FAULT_ROWS: usize = 100;

/// Table rows: time, event, component, detail, source. Fault starts and ends
/// past [`MAX_FAULT_ROWS`] are left out and counted in a last row.
pub fn rows(events: &[Event]) -> Vec<Vec<String>> {
    let is_fault = |event: &Event| {
        event.what == IncidentKind::FaultStart.title()
            || event.what == IncidentKind::FaultEnd.title()
    };
    let mut faults_listed = 0;
    let mut rows = Vec::new();
    for event in events {
        if is_fault(event) {
            faults_listed += 1;
            if faults_listed > MAX_FAULT_ROWS {
                continue;
            }
        }
        rows.push(vec![
            clock_label(event.t_s),
            event.what.clone(),
            event.component.clone(),
            event.detail.clone(),
            format!("`{}`", event.source),
        ]);
    }
    if faults_listed > MAX_FAULT_ROWS {
        rows.push(vec![
            String::new(),
            format!(
                "{} more fault starts and ends",
                faults_listed - MAX_FAULT_ROWS
            ),
            String::new(),
            format!("the first {MAX_FAULT_ROWS} are listed; every one is in incidents.csv"),
            "`incidents.csv`".to_owned(),
        ]);
    }
    rows
}

/// A `timeseries.csv` row covers the second that ends at `t_s`, so events
/// found in a row are dated at the start of that second, `t_s - 1`.
fn derived(facts: &Facts, series: &Timeseries) -> Vec<Event> {
    let event = |t_s: f64, what: &str, component: &str, detail: String, source| Event {
        t_s,
        what: what.to_owned(),
        component: component.to_owned(),
        detail,
        source,
    };
    let mut events = vec![event(0.0, "Sale opens", "", String::new(), "summary.json")];
    let t = series.t_s();
    if let Some(index) = first_nonzero(series, "waiting_room_entries") {
        events.push(event(
            t[index] - 1.0,
            "First fan in the waiting room",
            "waiting room",
            String::new(),
            "timeseries.csv",
        ));
    }
    let breaches = slo::breaches(series);
    if let Some(first) = slo::first_breach(&breaches) {
        events.push(event(
            t[first] - 1.0,
            "First SLO breach",
            "",
            breach_detail(series, first),
            "timeseries.csv",
        ));
        let recovered = slo::recovery(&breaches, first);
        let detail = format!("SLO met for {RECOVERY_SUSTAIN_S} s in a row from here");
        match recovered {
            Some(index) => events.push(event(
                t[index] - 1.0,
                "SLO met again",
                "",
                detail,
                "timeseries.csv",
            )),
            None => events.push(event(
                t[t.len() - 1],
                "Run ends without recovery",
                "",
                format!(
                    "the SLO never held for {RECOVERY_SUSTAIN_S} s in a row after the first breach"
                ),
                "timeseries.csv",
            )),
        }
    }
    if let Some((index, peak)) = peak(series, "errors").filter(|&(_, peak)| peak > 0.0) {
        events.push(event(
            t[index] - 1.0,
            "Peak system errors",
            "",
            format!("{} system error(s) in one second", count(peak)),
            "timeseries.csv",
        ));
    }
    if let Some(index) = first_nonzero(series, "queue_poll_errors") {
        events.push(event(
            t[index] - 1.0,
            "Queue status polls start failing",
            "waiting room",
            format!(
                "{} of {} polls in one second over the status service's capacity",
                count(series.column("queue_poll_errors").map_or(0.0, |c| c[index])),
                count(series.column("queue_polls").map_or(0.0, |c| c[index]))
            ),
            "timeseries.csv",
        ));
    }
    if let Some((index, peak)) = peak(series, "queue_poll_errors").filter(|&(_, peak)| peak > 0.0) {
        events.push(event(
            t[index] - 1.0,
            "Peak failed status polls",
            "waiting room",
            format!("{} failed polls in one second", count(peak)),
            "timeseries.csv",
        ));
    }
    let sold_out = facts.value("first_sold_out_s");
    if sold_out.is_finite() {
        events.push(event(
            sold_out,
            "Sold out (first time)",
            "inventory",
            "no ticket left to hold".to_owned(),
            "summary.json",
        ));
    }
    let last_sale = facts.value("last_sale_s");
    if last_sale.is_finite() {
        events.push(event(
            last_sale,
            "Last sale",
            "",
            String::new(),
            "summary.json",
        ));
    }
    events
}

fn breach_detail(series: &Timeseries, index: usize) -> String {
    let cell = |name: &str| series.column(name).map_or(f64::NAN, |column| column[index]);
    let hold = cell("hold_p99_s");
    let rate = cell("errors") / cell("responses");
    if hold > HOLD_P99_LIMIT_S {
        format!("hold p99 {hold:.2} s > {HOLD_P99_LIMIT_S} s")
    } else if !(cell("errors") >= MIN_ERRORS && rate > ERROR_RATE_LIMIT) {
        format!(
            "{:.1}% of queue status polls failed > {:.0}%",
            100.0 * cell("queue_poll_errors") / cell("queue_polls"),
            ERROR_RATE_LIMIT * 100.0
        )
    } else {
        format!(
            "system error rate {:.1}% > {:.0}% of responses",
            rate * 100.0,
            ERROR_RATE_LIMIT * 100.0
        )
    }
}

/// Row index of the first non-zero value in `column`.
fn first_nonzero(series: &Timeseries, column: &str) -> Option<usize> {
    series.column(column)?.iter().position(|&value| value > 0.0)
}

/// Row index and value of the maximum of `column` (first one on ties).
pub fn peak(series: &Timeseries, column: &str) -> Option<(usize, f64)> {
    let values = series.column(column)?;
    values
        .iter()
        .enumerate()
        .filter(|(_, value)| value.is_finite())
        .fold(
            None,
            |best: Option<(usize, f64)>, (index, &value)| match best {
                Some((_, top)) if top >= value => best,
                _ => Some((index, value)),
            },
        )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn event(t_s: f64, kind: IncidentKind) -> Event {
        Event {
            t_s,
            what: kind.title().to_owned(),
            component: "app".to_owned(),
            detail: String::new(),
            source: "incidents.csv",
        }
    }

    #[test]
    fn faults_past_the_cap_are_counted_and_other_events_all_listed() {
        let mut events: Vec<Event> = (0..300)
            .flat_map(|i| {
                let t = i as f64 * 2.0;
                [
                    event(t, IncidentKind::FaultStart),
                    event(t + 1.0, IncidentKind::FaultEnd),
                ]
            })
            .collect();
        events.push(event(599.5, IncidentKind::SoldOut));
        let rows = rows(&events);
        // 100 fault rows, the sell-out after them, and the summary row.
        assert_eq!(rows.len(), MAX_FAULT_ROWS + 2);
        assert_eq!(rows[MAX_FAULT_ROWS][1], "Sold out");
        assert_eq!(
            rows[MAX_FAULT_ROWS + 1][1],
            "500 more fault starts and ends"
        );
    }

    #[test]
    fn a_few_faults_are_listed_without_a_summary() {
        let events = vec![
            event(1.0, IncidentKind::FaultStart),
            event(2.0, IncidentKind::FaultEnd),
        ];
        assert_eq!(rows(&events).len(), 2);
    }
}
