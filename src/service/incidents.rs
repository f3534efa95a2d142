//! The incident timeline of a service run, written as `incidents.csv` in the
//! on-sale's format (`t_s,kind,component,detail`): every trigger's window as a
//! `fault_start` .. `fault_end` pair (spikes and scheduled surges on the load,
//! capacity drops on the server); after each trigger, the first second whose
//! 5-second goodput falls more than 10% short of the offered load
//! (`slo_breach`); and, if it came back, when (`recovery`), by the rule of the
//! metastability verdicts in summary.json.

use crate::metastability::{Recovery, first_shortfall};
use crate::model::ServiceSpec;
use crate::onsale::Incident;

/// Component of the breach and recovery rows.
const GOODPUT: &str = "goodput";

/// The timeline, in time order (same-time rows in the order above).
pub fn incidents(
    spec: &ServiceSpec,
    recoveries: &[Recovery],
    goodput: &[f64],
    offered: &[f64],
) -> Vec<Incident> {
    let mut rows = trigger_windows(spec);
    let mut last_breach = None;
    for verdict in recoveries {
        if verdict.recovered.is_none() {
            continue; // no goodput before the trigger: nothing fell short of normal
        }
        let recovered_at = verdict.trigger_end_s + verdict.recovery_s;
        let from = verdict.trigger_start_s.max(0.0).floor() as usize;
        // Second i ends at t = i + 1, as in timeseries.csv.
        let Some(breach_s) = first_shortfall(goodput, offered, from).map(|i| i as f64 + 1.0) else {
            continue;
        };
        if breach_s > recovered_at {
            continue; // goodput kept up through this trigger; a later dip is another story
        }
        if last_breach != Some(breach_s) {
            rows.push(row(
                breach_s,
                "slo_breach",
                GOODPUT,
                "5 s mean goodput more than 10% under the offered load".to_owned(),
            ));
            last_breach = Some(breach_s);
        }
        if verdict.recovered == Some(true) {
            rows.push(row(
                recovered_at,
                "recovery",
                GOODPUT,
                format!(
                    "5 s mean goodput back within 10% of the offered load (and held 10 s), {} s after the trigger ending at {} s",
                    number(verdict.recovery_s),
                    number(verdict.trigger_end_s)
                ),
            ));
        }
    }
    rows.sort_by(|a, b| a.t_s.total_cmp(&b.t_s));
    rows
}

/// Each trigger that starts before the horizon opens a window, closed at its
/// end if that comes before the horizon (else it lasts to the end of the data).
fn trigger_windows(spec: &ServiceSpec) -> Vec<Incident> {
    let base = spec.load.rate_per_s;
    let spikes = spec.load.spikes.iter().map(|spike| {
        let start = spike.at.as_secs_f64();
        let detail = format!("spike to {}/s", number(spike.rate_per_s));
        ("load", detail, start, start + spike.duration.as_secs_f64())
    });
    let drops = spec.server.capacity_drops.iter().map(|drop| {
        let start = drop.at.as_secs_f64();
        let detail = format!("capacity drop of {}%", number(drop.fraction * 100.0));
        ("server", detail, start, start + drop.duration.as_secs_f64())
    });
    let surges = spec.schedule_surges().into_iter().map(|(start, end)| {
        let detail = format!("schedule above {}/s", number(base));
        ("load", detail, start, end)
    });
    let horizon = spec.horizon.as_secs_f64();
    let mut rows = Vec::new();
    for (component, detail, start, end) in spikes.chain(drops).chain(surges) {
        if start >= horizon {
            continue;
        }
        rows.push(row(start, "fault_start", component, detail.clone()));
        if end <= horizon {
            rows.push(row(end, "fault_end", component, detail));
        }
    }
    rows
}

fn row(t_s: f64, kind: &'static str, component: &str, detail: String) -> Incident {
    Incident {
        t_s,
        kind,
        component: component.to_owned(),
        detail,
    }
}

/// 80, 0.5, 33.33: at most two decimals, no trailing zeros.
fn number(value: f64) -> String {
    let text = format!("{value:.2}");
    text.trim_end_matches('0').trim_end_matches('.').to_owned()
}
