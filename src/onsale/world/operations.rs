//! Operating the on-sale after each second: alert rules, runbook steps after a
//! human delay, HPA-like autoscaling with boot lag, and adaptive waiting-room
//! outflow. The decisions come from the pure controls; this carries them out.

use super::World;
use crate::engine::{Scheduler, Span, Time};
use crate::model::{ActionKind, OnsaleSpec, ScaleMetric};
use crate::onsale::controls::{
    AdaptiveOutflow, AlertChange, AlertRule, Autoscaler, Runbooks, ScaleDecision,
};
use crate::onsale::event::Event;
use crate::onsale::incidents::Incident;
use crate::onsale::metrics::Series;

/// Everything operators configured, and the columns their rules read.
pub struct Operations {
    /// Each rule with the index of the column it watches.
    alerts: Vec<(AlertRule, Option<usize>)>,
    runbooks: Runbooks,
    autoscaler: Option<Autoscaler>,
    adaptive: Option<AdaptiveOutflow>,
    columns: Watched,
}

/// Column indices the controllers read.
struct Watched {
    app_utilization: Option<usize>,
    app_queue: Option<usize>,
    responses: Option<usize>,
    errors: Option<usize>,
    hold_p99_s: Option<usize>,
}

impl Operations {
    /// The operations of a validated spec over `series`' columns.
    pub fn new(spec: &OnsaleSpec, series: &Series) -> Operations {
        Operations {
            alerts: spec
                .alerts
                .iter()
                .map(|alert| (AlertRule::new(alert.clone()), series.index(&alert.metric)))
                .collect(),
            runbooks: Runbooks::new(&spec.runbooks),
            autoscaler: spec.app.autoscale.as_ref().map(Autoscaler::new),
            adaptive: spec
                .waiting_room
                .adaptive
                .as_ref()
                .map(AdaptiveOutflow::new),
            columns: Watched {
                app_utilization: series.index("app_utilization"),
                app_queue: series.index("app_queue"),
                responses: series.index("responses"),
                errors: series.index("errors"),
                hold_p99_s: series.index("hold_p99_s"),
            },
        }
    }
}

/// Cell `column` of `row`, 0 if the run has no such column.
fn cell(row: &[f64], column: Option<usize>) -> f64 {
    column.map_or(0.0, |index| row[index])
}

impl World {
    /// After each second: alerts, autoscaling, adaptive outflow.
    pub(super) fn operate(&mut self, now: Time, scheduler: &mut Scheduler<Event>) {
        self.evaluate_alerts(now, scheduler);
        let since_start = now.since(self.start);
        if let Some(autoscaler) = &self.operations.autoscaler
            && autoscaler.syncs_at(since_start)
        {
            self.autoscale(now, scheduler);
        }
        if let Some(adaptive) = &self.operations.adaptive
            && since_start.0 % adaptive.period().0.max(1) == 0
            && now >= Time::OPENING
        {
            self.adapt_outflow(now);
        }
    }

    fn evaluate_alerts(&mut self, now: Time, scheduler: &mut Scheduler<Event>) {
        let Some(last) = self.series.len().checked_sub(1) else {
            return;
        };
        for index in 0..self.operations.alerts.len() {
            let (alert, column) = &mut self.operations.alerts[index];
            let value = column.map_or(f64::NAN, |column| self.series.row(last)[column]);
            let name = alert.name().to_owned();
            match alert.observe(now, value) {
                Some(AlertChange::Fires) => {
                    let incident = Incident::new(now, "alert_firing", "monitoring", name.clone());
                    self.incidents.push(incident);
                    for (step, delay) in self.operations.runbooks.triggered_by(&name) {
                        scheduler.at(now + delay, Event::RunbookActs(step as u16));
                    }
                }
                Some(AlertChange::Resolves) => {
                    self.incidents
                        .push(Incident::new(now, "alert_resolved", "monitoring", name));
                }
                None => {}
            }
        }
    }

    /// An operator carries out runbook step `index`.
    pub(super) fn on_runbook_acts(
        &mut self,
        now: Time,
        index: usize,
        scheduler: &mut Scheduler<Event>,
    ) {
        let step = self.operations.runbooks.step(index).clone();
        match step.action {
            ActionKind::AddAppServers => self.add_instances(now, step.amount as u32, scheduler),
            ActionKind::SetOutflow => self.room.set_outflow(step.amount),
            ActionKind::ScaleOutflow => {
                let outflow = self.room.outflow_per_min() * step.amount;
                self.room.set_outflow(outflow)
            }
            ActionKind::EnableShedding => self.app.shed_from_queue_length(step.amount as u32),
        }
        let detail = format!(
            "{} {} (runbook for {})",
            step.action.name(),
            step.amount,
            step.alert
        );
        self.incidents
            .push(Incident::new(now, "action", "operations", detail));
    }

    /// New instances serve after the autoscaler's boot delay (0 without autoscaling).
    fn add_instances(&mut self, now: Time, count: u32, scheduler: &mut Scheduler<Event>) {
        if count == 0 {
            return;
        }
        let boot = self
            .operations
            .autoscaler
            .as_ref()
            .map_or(Span::ZERO, Autoscaler::boot);
        self.app.boot(count);
        scheduler.at(
            now + boot,
            Event::InstancesReady(count.min(u32::from(u16::MAX)) as u16),
        );
    }

    pub(super) fn on_instances_ready(
        &mut self,
        now: Time,
        count: u32,
        scheduler: &mut Scheduler<Event>,
    ) {
        self.app.ready(count);
        self.resize_app(now, scheduler);
    }

    /// One autoscaler decision on the last sync period's metric.
    fn autoscale(&mut self, now: Time, scheduler: &mut Scheduler<Event>) {
        let Some(autoscaler) = self.operations.autoscaler.as_mut() else {
            return;
        };
        let columns = &self.operations.columns;
        let value = match autoscaler.metric() {
            ScaleMetric::Utilization => {
                let window = autoscaler.window_s();
                let rows: Vec<&[f64]> = self.series.last_rows(window).collect();
                rows.iter()
                    .map(|row| cell(row, columns.app_utilization))
                    .sum::<f64>()
                    / rows.len().max(1) as f64
            }
            ScaleMetric::QueueDelay => self.series.last_rows(1).next().map_or(0.0, |row| {
                cell(row, columns.app_queue) / cell(row, columns.responses).max(1.0)
            }),
        };
        match autoscaler.decide(now, value, self.app.instances(), self.app.booting()) {
            ScaleDecision::Add(count) => self.add_instances(now, count, scheduler),
            ScaleDecision::ShrinkTo(instances) => {
                self.app.set_instances(instances);
                self.resize_app(now, scheduler);
            }
            ScaleDecision::Hold => {}
        }
    }

    /// AIMD on the outflow from the last period's hold p99 and error rate.
    fn adapt_outflow(&mut self, now: Time) {
        let Some(adaptive) = &self.operations.adaptive else {
            return;
        };
        let columns = &self.operations.columns;
        let window = (adaptive.period_s().round() as usize).max(1);
        let (mut p99, mut responses, mut errors) = (0.0_f64, 0_u64, 0_u64);
        for row in self.series.last_rows(window) {
            p99 = p99.max(cell(row, columns.hold_p99_s));
            responses += cell(row, columns.responses) as u64;
            errors += cell(row, columns.errors) as u64;
        }
        let decision = adaptive.decide(self.room.outflow_per_min(), p99, responses, errors);
        self.room.set_outflow(decision.per_min);
        if decision.cut {
            let detail = format!(
                "adaptive outflow cut to {:.0}/min",
                self.room.outflow_per_min()
            );
            self.incidents
                .push(Incident::new(now, "action", "waiting_room", detail));
        }
    }
}
