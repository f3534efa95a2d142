//! Operating the on-sale in virtual time: alert rules, runbook actions after a
//! human delay, HPA-like autoscaling with boot lag, load shedding, a circuit
//! breaker on database calls and adaptive waiting-room outflow.

use super::event::{Event, Request};
use super::incidents::Incident;
use super::metrics::{ErrorKind, SecondRow};
use super::world::World;
use crate::engine::{Scheduler, Span, Time};
use crate::model::{
    ActionKind, AdaptiveOutflowSpec, AlertSpec, AutoscaleSpec, OnsaleSpec, RunbookSpec, ScaleMetric,
};
use crate::resilience::{BreakerState, CircuitBreaker};

/// An alert rule and whether it is breached or firing.
pub struct AlertRule {
    spec: AlertSpec,
    breached_since: Option<Time>,
    firing: bool,
}

/// What an observation did to an alert.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AlertChange {
    /// Breached for the whole window: it fires now.
    Fires,
    /// Back within bounds: it resolves now.
    Resolves,
}

impl AlertRule {
    /// A quiet rule.
    pub fn new(spec: AlertSpec) -> AlertRule {
        AlertRule {
            spec,
            breached_since: None,
            firing: false,
        }
    }

    /// The value of the metric over the second that ends at `now`.
    pub fn observe(&mut self, now: Time, value: f64) -> Option<AlertChange> {
        let breached = match (self.spec.above, self.spec.below) {
            (Some(above), _) => value > above,
            (_, Some(below)) => value < below,
            _ => false,
        };
        if !breached {
            self.breached_since = None;
            let resolves = std::mem::take(&mut self.firing);
            return resolves.then_some(AlertChange::Resolves);
        }
        // The row covers the second ending now: the breach began at its start.
        let since = *self.breached_since.get_or_insert(now - Span::from_secs(1));
        if !self.firing && now.since(since) >= self.spec.sustained.span() {
            self.firing = true;
            return Some(AlertChange::Fires);
        }
        None
    }
}

/// Everything operators configured.
pub struct Operations {
    alerts: Vec<AlertRule>,
    runbooks: Vec<RunbookSpec>,
    autoscale: Option<AutoscaleSpec>,
    /// (time, desired instances) recommendations, for scale-down stabilisation.
    recommendations: Vec<(Time, u32)>,
    adaptive: Option<AdaptiveOutflowSpec>,
    /// Outflow per minute now.
    pub outflow_per_min: f64,
    /// Shed arrivals while this many wait.
    pub shed_queue_length: Option<u32>,
    /// Drop requests that waited longer.
    pub shed_queue_delay: Option<Span>,
    /// Breaker on calls to the primary.
    pub breaker: Option<CircuitBreaker>,
    /// Per-session rate limit: (emission interval, burst tolerance).
    pub rate_limit: Option<(Span, Span)>,
    /// Instances serving.
    pub instances: u32,
    /// Instances booting.
    pub booting: u32,
    /// Instance-seconds paid for (serving + booting).
    pub instance_seconds: f64,
}

impl Operations {
    /// The operations of a validated spec.
    pub fn new(spec: &OnsaleSpec) -> Operations {
        let shed = spec.app.shed.as_ref();
        Operations {
            alerts: spec.alerts.iter().cloned().map(AlertRule::new).collect(),
            runbooks: spec.runbooks.clone(),
            autoscale: spec.app.autoscale.clone(),
            recommendations: Vec::new(),
            adaptive: spec.waiting_room.adaptive.clone(),
            outflow_per_min: spec.waiting_room.outflow_per_min,
            shed_queue_length: shed.and_then(|s| s.queue_length),
            shed_queue_delay: shed.and_then(|s| s.queue_delay).map(|d| d.span()),
            breaker: spec.database.breaker.as_ref().map(CircuitBreaker::new),
            rate_limit: spec.app.rate_limit.as_ref().map(|limit| {
                let interval = Span::from_secs_f64(1.0 / limit.per_s);
                (
                    interval,
                    Span(interval.0.saturating_mul(i64::from(limit.burst) - 1)),
                )
            }),
            instances: spec.app.servers,
            booting: 0,
            instance_seconds: 0.0,
        }
    }
}

fn breaker_name(state: BreakerState) -> &'static str {
    match state {
        BreakerState::Closed => "closed",
        BreakerState::Open { .. } => "open",
        BreakerState::HalfOpen { .. } => "half_open",
    }
}

impl World {
    /// After each second: alerts, autoscaling, adaptive outflow, cost.
    pub(super) fn operate(&mut self, now: Time, row: &SecondRow, scheduler: &mut Scheduler<Event>) {
        let ops = &mut self.operations;
        ops.instance_seconds += f64::from(ops.instances + ops.booting);
        self.evaluate_alerts(now, row, scheduler);
        let since_start = now.0 - self.start.0;
        let sync = self.operations.autoscale.as_ref().map(|a| a.sync.span());
        if sync.is_some_and(|sync| since_start % sync.0.max(1) == 0) {
            self.autoscale(now, scheduler);
        }
        let period = self.operations.adaptive.as_ref().map(|a| a.period.span());
        if let Some(period) =
            period.filter(|p| since_start % p.0.max(1) == 0 && now >= Time::OPENING)
        {
            self.adapt_outflow(now, period);
        }
    }

    fn evaluate_alerts(&mut self, now: Time, row: &SecondRow, scheduler: &mut Scheduler<Event>) {
        for index in 0..self.operations.alerts.len() {
            let alert = &mut self.operations.alerts[index];
            let value = row.value(&alert.spec.metric).unwrap_or(f64::NAN);
            let name = alert.spec.name.clone();
            match alert.observe(now, value) {
                Some(AlertChange::Fires) => {
                    self.incidents.push(Incident::new(
                        now,
                        "alert_firing",
                        "monitoring",
                        name.clone(),
                    ));
                    self.schedule_runbooks(now, &name, scheduler);
                }
                Some(AlertChange::Resolves) => {
                    self.incidents
                        .push(Incident::new(now, "alert_resolved", "monitoring", name));
                }
                None => {}
            }
        }
    }

    fn schedule_runbooks(&mut self, now: Time, alert: &str, scheduler: &mut Scheduler<Event>) {
        for (index, runbook) in self.operations.runbooks.iter().enumerate() {
            if runbook.alert == alert {
                scheduler.at(now + runbook.delay.span(), Event::RunbookActs(index as u16));
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
        let runbook = self.operations.runbooks[index].clone();
        match runbook.action {
            ActionKind::AddAppServers => self.add_instances(now, runbook.amount as u32, scheduler),
            ActionKind::SetOutflow => self.set_outflow(runbook.amount),
            ActionKind::ScaleOutflow => {
                self.set_outflow(self.operations.outflow_per_min * runbook.amount)
            }
            ActionKind::EnableShedding => {
                self.operations.shed_queue_length = Some(runbook.amount as u32)
            }
        }
        let detail = format!(
            "{} {} (runbook for {})",
            runbook.action.name(),
            runbook.amount,
            runbook.alert
        );
        self.incidents
            .push(Incident::new(now, "action", "operations", detail));
    }

    fn set_outflow(&mut self, per_min: f64) {
        self.operations.outflow_per_min = per_min.max(0.0);
        self.room.set_outflow(self.operations.outflow_per_min);
    }

    /// New instances serve after the autoscaler's boot delay (0 without autoscaling).
    fn add_instances(&mut self, now: Time, count: u32, scheduler: &mut Scheduler<Event>) {
        if count == 0 {
            return;
        }
        let boot = self
            .operations
            .autoscale
            .as_ref()
            .map_or(Span::ZERO, |a| a.boot.span());
        self.operations.booting += count;
        scheduler.at(
            now + boot,
            Event::InstancesReady(count.min(u16::MAX as u32) as u16),
        );
    }

    pub(super) fn on_instances_ready(
        &mut self,
        now: Time,
        count: u32,
        scheduler: &mut Scheduler<Event>,
    ) {
        self.operations.booting = self.operations.booting.saturating_sub(count);
        self.operations.instances += count;
        self.resize_app(now, scheduler);
    }

    /// One HPA decision: desired = ceil(current × metric / target), growth
    /// limited per step, shrinking only to the highest recent recommendation.
    fn autoscale(&mut self, now: Time, scheduler: &mut Scheduler<Event>) {
        let Some(spec) = self.operations.autoscale.clone() else {
            return;
        };
        let window = (spec.sync.as_secs_f64().round() as usize).max(1);
        let rows = &self.metrics.rows[self.metrics.rows.len().saturating_sub(window)..];
        let value = match spec.metric {
            ScaleMetric::Utilization => {
                rows.iter().map(|r| r.app_utilization).sum::<f64>() / rows.len().max(1) as f64
            }
            ScaleMetric::QueueDelay => rows
                .last()
                .map_or(0.0, |r| r.app_queue as f64 / (r.responses.max(1)) as f64),
        };
        let current = self.operations.instances + self.operations.booting;
        let desired =
            ((f64::from(current) * value / spec.target).ceil() as u32).clamp(spec.min, spec.max);
        self.operations.recommendations.push((now, desired));
        let horizon = now - spec.stabilization.span();
        self.operations
            .recommendations
            .retain(|(time, _)| *time >= horizon);
        if desired > current {
            let limit =
                ((f64::from(current) * spec.max_factor).ceil() as u32).max(current + spec.max_add);
            self.add_instances(now, desired.min(limit) - current, scheduler);
        } else {
            let floor = self
                .operations
                .recommendations
                .iter()
                .map(|(_, d)| *d)
                .max()
                .unwrap_or(desired);
            if floor < current && self.operations.booting == 0 {
                self.operations.instances = floor.max(spec.min);
                self.resize_app(now, scheduler);
            }
        }
    }

    /// The app pool's workers follow instances and faults.
    pub(super) fn resize_app(&mut self, now: Time, scheduler: &mut Scheduler<Event>) {
        let workers = self
            .health
            .app_workers(self.operations.instances, self.params.workers_per_server);
        for started in self.app.set_servers(now, workers) {
            self.start_app_work(started.job, scheduler);
        }
    }

    /// AIMD on the outflow from the last period's hold p99 and error rate.
    fn adapt_outflow(&mut self, now: Time, period: Span) {
        let Some(spec) = self.operations.adaptive.clone() else {
            return;
        };
        let window = (period.as_secs_f64().round() as usize).max(1);
        let rows = &self.metrics.rows[self.metrics.rows.len().saturating_sub(window)..];
        let p99 = rows.iter().map(|r| r.hold_p99_s).fold(0.0, f64::max);
        let responses: u64 = rows.iter().map(|r| r.responses).sum();
        let errors: u64 = rows.iter().map(|r| r.errors).sum();
        let error_rate = errors as f64 / responses.max(1) as f64;
        let unhealthy =
            p99 > spec.target_hold_p99.as_secs_f64() || error_rate > spec.max_error_rate;
        let current = self.operations.outflow_per_min;
        let next = if unhealthy {
            current * 0.7
        } else {
            current + 0.1 * spec.max_per_min
        };
        self.set_outflow(next.clamp(spec.min_per_min, spec.max_per_min));
        if unhealthy {
            let detail = format!(
                "adaptive outflow cut to {:.0}/min",
                self.operations.outflow_per_min
            );
            self.incidents
                .push(Incident::new(now, "action", "waiting_room", detail));
        }
    }

    /// Shed at arrival? True when the request was rejected.
    pub(super) fn shed_on_arrival(
        &mut self,
        now: Time,
        request: Request,
        scheduler: &mut Scheduler<Event>,
    ) -> bool {
        let Some(limit) = self.operations.shed_queue_length else {
            return false;
        };
        if self.app.queue_len() < limit as usize {
            return false;
        }
        self.metrics.on_response(request.endpoint, Span::ZERO);
        self.fail(now, request, ErrorKind::Shed, scheduler);
        true
    }

    /// Over the session's rate limit? GCRA: allowed while the theoretical arrival
    /// time is at most `burst − 1` intervals ahead of now. True when refused.
    pub(super) fn rate_limited(
        &mut self,
        now: Time,
        request: Request,
        scheduler: &mut Scheduler<Event>,
    ) -> bool {
        let Some((interval, tolerance)) = self.operations.rate_limit else {
            return false;
        };
        let fan = &mut self.fans[request.fan as usize];
        let tat = fan.rate_limit_tat.max(now);
        if tat.since(now) > tolerance {
            self.metrics.on_response(request.endpoint, Span::ZERO);
            self.fail(now, request, ErrorKind::RateLimited, scheduler);
            return true;
        }
        fan.rate_limit_tat = tat + interval;
        false
    }

    /// Drop a request that already waited too long, without doing its work.
    pub(super) fn shed_on_start(&self, now: Time, request: &Request) -> bool {
        self.operations
            .shed_queue_delay
            .is_some_and(|delay| now.since(request.issued) > delay)
    }

    /// May the app call the primary? Records breaker state changes.
    pub(super) fn breaker_allows(&mut self, now: Time) -> bool {
        let Some(breaker) = self.operations.breaker.as_mut() else {
            return true;
        };
        let before = breaker.state(now);
        let allowed = breaker.allow(now);
        self.note_breaker(now, before);
        allowed
    }

    /// The outcome of a call the breaker let through.
    pub(super) fn breaker_records(&mut self, now: Time, success: bool) {
        let Some(breaker) = self.operations.breaker.as_mut() else {
            return;
        };
        let before = breaker.state(now);
        if success {
            breaker.on_success();
        } else {
            breaker.on_failure(now);
        }
        self.note_breaker(now, before);
    }

    fn note_breaker(&mut self, now: Time, before: BreakerState) {
        let Some(breaker) = &self.operations.breaker else {
            return;
        };
        let after = breaker.state(now);
        if breaker_name(before) != breaker_name(after) {
            self.incidents.push(Incident::new(
                now,
                "breaker",
                "database",
                breaker_name(after),
            ));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Duration;

    fn rule(sustained_s: f64) -> AlertRule {
        AlertRule::new(AlertSpec {
            name: "p99".into(),
            metric: "hold_p99_s".into(),
            above: Some(2.0),
            below: None,
            sustained: Duration::from_secs_f64(sustained_s),
        })
    }

    /// A scripted metric: 1 s until second 100, 5 s from then on, back to 1 s at 200.
    fn scripted(t: i64) -> f64 {
        if (100..200).contains(&t) { 5.0 } else { 1.0 }
    }

    #[test]
    fn fires_exactly_when_the_breach_has_lasted_the_window_and_resolves_at_once() {
        for window in [0.0, 1.0, 30.0, 60.0] {
            let mut alert = rule(window);
            let mut changes = Vec::new();
            // Row t covers the second (t-1, t]; the breach starts with row 101.
            for t in 1..=300 {
                if let Some(change) = alert.observe(Time::from_secs_f64(t as f64), scripted(t - 1))
                {
                    changes.push((t, change));
                }
            }
            let fires_at = 100 + (window as i64).max(1);
            assert_eq!(
                changes,
                vec![(fires_at, AlertChange::Fires), (201, AlertChange::Resolves)],
                "window {window}s"
            );
        }
    }

    #[test]
    fn a_short_breach_never_fires() {
        let mut alert = rule(30.0);
        let fired = (1..=300).any(|t| {
            let value = if (100..120).contains(&t) { 5.0 } else { 1.0 };
            alert.observe(Time::from_secs_f64(t as f64), value) == Some(AlertChange::Fires)
        });
        assert!(!fired, "a 20 s breach fired a 30 s alert");
    }
}
