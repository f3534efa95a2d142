//! How an on-sale is operated: alert rules, runbook actions, autoscaling, load
//! shedding and adaptive waiting-room outflow.

use serde::{Deserialize, Serialize};

use super::duration::Duration;
use super::error::Invalid;

/// A threshold on any `timeseries.csv` column, sustained for a window.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AlertSpec {
    /// Name, referenced by runbooks.
    pub name: String,
    /// A column of timeseries.csv, e.g. `hold_p99_s`, `errors`, `app_utilization`.
    pub metric: String,
    /// Fires when the metric is above this ...
    #[serde(default)]
    pub above: Option<f64>,
    /// ... or below this.
    #[serde(default)]
    pub below: Option<f64>,
    /// For this long without a break.
    #[serde(rename = "for")]
    pub sustained: Duration,
}

/// What operators can do.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ActionKind {
    /// Add `amount` app server instances (they boot first if autoscaling gives a boot delay).
    AddAppServers,
    /// Set the waiting room's outflow to `amount` per minute.
    SetOutflow,
    /// Multiply the outflow by `amount`.
    ScaleOutflow,
    /// Shed requests when the app queue holds more than `amount` requests.
    EnableShedding,
}

impl ActionKind {
    /// Name as written in model files.
    pub fn name(self) -> &'static str {
        match self {
            ActionKind::AddAppServers => "add_app_servers",
            ActionKind::SetOutflow => "set_outflow",
            ActionKind::ScaleOutflow => "scale_outflow",
            ActionKind::EnableShedding => "enable_shedding",
        }
    }
}

/// A runbook step: when `alert` fires, after a human reaction delay, do `action`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RunbookSpec {
    /// The alert that triggers it.
    pub alert: String,
    /// Human reaction time.
    pub delay: Duration,
    /// The action.
    pub action: ActionKind,
    /// Its argument.
    pub amount: f64,
}

/// Load shedding at the app servers: a cheap, fast rejection instead of a queue.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ShedSpec {
    /// Reject arrivals while this many requests already wait.
    #[serde(default)]
    pub queue_length: Option<u32>,
    /// Drop a request that waited longer than this when a worker picks it up.
    #[serde(default)]
    pub queue_delay: Option<Duration>,
}

/// Per-session rate limiting in front of the origin (GCRA token bucket): requests beyond
/// `per_s` with a burst of `burst` are refused at once (HTTP 429).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RateLimitSpec {
    /// Sustained requests per second per session.
    pub per_s: f64,
    /// Requests allowed back to back.
    pub burst: u32,
}

impl RateLimitSpec {
    /// Checks the limiter.
    pub fn validate(&self, field: &str) -> Result<(), Invalid> {
        Invalid::check(
            (0.001..=1e6).contains(&self.per_s),
            format!("{field}.per_s"),
            self.per_s,
            "a rate from 0.001 to 1000000 per second",
        )?;
        Invalid::check(
            self.burst >= 1,
            format!("{field}.burst"),
            self.burst,
            "an integer ≥ 1",
        )
    }
}

/// What the autoscaler watches.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ScaleMetric {
    /// Busy workers / workers.
    Utilization,
    /// Queue wait, estimated as queued requests / completions per second (Little).
    QueueDelay,
}

/// Horizontal autoscaling of the app pool, like a Kubernetes HPA.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AutoscaleSpec {
    /// The metric.
    pub metric: ScaleMetric,
    /// Its target (a fraction for utilization, seconds for queue delay).
    pub target: f64,
    /// How often the autoscaler decides (HPA: 15 s).
    #[serde(default = "fifteen_seconds")]
    pub sync: Duration,
    /// Most growth per step as a factor (HPA: 2) ...
    #[serde(default = "two")]
    pub max_factor: f64,
    /// ... or as added instances (HPA: 4), whichever is more.
    #[serde(default = "four")]
    pub max_add: u32,
    /// Time from the decision until a new instance serves.
    pub boot: Duration,
    /// Scale down only to the highest recommendation of this window (HPA: 300 s).
    #[serde(default = "five_minutes")]
    pub stabilization: Duration,
    /// Fewest instances.
    pub min: u32,
    /// Most instances.
    pub max: u32,
}

fn fifteen_seconds() -> Duration {
    Duration::from_secs_f64(15.0)
}

fn five_minutes() -> Duration {
    Duration::from_secs_f64(300.0)
}

fn two() -> f64 {
    2.0
}

fn four() -> u32 {
    4
}

/// Outflow that follows backend health (additive increase, multiplicative decrease).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AdaptiveOutflowSpec {
    /// Cut when the hold p99 of the last period exceeds this.
    pub target_hold_p99: Duration,
    /// ... or the system error rate exceeds this.
    pub max_error_rate: f64,
    /// How often to adjust.
    #[serde(default = "ten_seconds")]
    pub period: Duration,
    /// Lowest outflow per minute.
    pub min_per_min: f64,
    /// Highest outflow per minute.
    pub max_per_min: f64,
}

fn ten_seconds() -> Duration {
    Duration::from_secs_f64(10.0)
}

impl AlertSpec {
    /// Checks the rule against the columns that exist.
    pub fn validate(&self, field: &str, columns: &[String]) -> Result<(), Invalid> {
        Invalid::check(
            columns.contains(&self.metric),
            format!("{field}.metric"),
            format!("{:?}", self.metric),
            format!("a column of timeseries.csv: {}", columns.join(", ")),
        )?;
        Invalid::check(
            self.above.is_some() != self.below.is_some(),
            format!("{field}.above"),
            "both or neither",
            "exactly one of above or below",
        )?;
        for (key, threshold) in [("above", self.above), ("below", self.below)] {
            if let Some(value) = threshold {
                Invalid::check(
                    value.is_finite(),
                    format!("{field}.{key}"),
                    value,
                    "a finite number",
                )?;
            }
        }
        Invalid::check(
            self.sustained.0.0 >= 0,
            format!("{field}.for"),
            self.sustained,
            "a duration ≥ 0",
        )
    }
}

impl RunbookSpec {
    /// Checks the step against the alerts that exist.
    pub fn validate(&self, field: &str, alerts: &[AlertSpec]) -> Result<(), Invalid> {
        let names: Vec<String> = alerts
            .iter()
            .map(|alert| format!("{:?}", alert.name))
            .collect();
        Invalid::check(
            alerts.iter().any(|alert| alert.name == self.alert),
            format!("{field}.alert"),
            format!("{:?}", self.alert),
            format!("the name of an [[alert]]: {}", names.join(", ")),
        )?;
        Invalid::check(
            self.delay.0.0 >= 0,
            format!("{field}.delay"),
            self.delay,
            "a duration ≥ 0",
        )?;
        let (ok, allowed) = match self.action {
            ActionKind::AddAppServers => (
                self.amount >= 1.0 && self.amount <= 100_000.0 && self.amount.fract() == 0.0,
                "a whole number of servers from 1 to 100000",
            ),
            ActionKind::SetOutflow => (
                self.amount.is_finite() && self.amount >= 0.0,
                "admissions per minute ≥ 0 (0 pauses the room)",
            ),
            ActionKind::ScaleOutflow => (
                self.amount.is_finite() && self.amount > 0.0 && self.amount <= 1000.0,
                "a factor in (0, 1000]",
            ),
            ActionKind::EnableShedding => (
                self.amount >= 1.0 && self.amount <= 1e9 && self.amount.fract() == 0.0,
                "a whole queue length from 1 to 1000000000",
            ),
        };
        Invalid::check(ok, format!("{field}.amount"), self.amount, allowed)
    }
}

impl AutoscaleSpec {
    /// Checks the autoscaler.
    pub fn validate(&self, field: &str) -> Result<(), Invalid> {
        Invalid::check(
            self.target > 0.0 && self.target <= 1e6,
            format!("{field}.target"),
            self.target,
            "a number in (0, 1000000]",
        )?;
        Invalid::check(
            self.sync.0.0 > 0,
            format!("{field}.sync"),
            self.sync,
            "a duration > 0",
        )?;
        Invalid::check(
            self.max_factor >= 1.0,
            format!("{field}.max_factor"),
            self.max_factor,
            "a factor ≥ 1",
        )?;
        Invalid::check(
            self.boot.0.0 >= 0,
            format!("{field}.boot"),
            self.boot,
            "a duration ≥ 0",
        )?;
        Invalid::check(
            self.stabilization.0.0 >= 0,
            format!("{field}.stabilization"),
            self.stabilization,
            "a duration ≥ 0",
        )?;
        Invalid::check(
            self.min >= 1 && self.min <= self.max && self.max <= 100_000,
            format!("{field}.max"),
            self.max,
            format!("an integer with 1 ≤ min ({}) ≤ max ≤ 100000", self.min),
        )
    }
}

impl AdaptiveOutflowSpec {
    /// Checks the controller.
    pub fn validate(&self, field: &str) -> Result<(), Invalid> {
        Invalid::check(
            self.period.0.0 > 0,
            format!("{field}.period"),
            self.period,
            "a duration > 0",
        )?;
        Invalid::check(
            self.target_hold_p99.0.0 > 0,
            format!("{field}.target_hold_p99"),
            self.target_hold_p99,
            "a duration > 0",
        )?;
        Invalid::check(
            self.max_error_rate > 0.0 && self.max_error_rate <= 1.0,
            format!("{field}.max_error_rate"),
            self.max_error_rate,
            "a fraction in (0, 1]",
        )?;
        Invalid::check(
            self.max_per_min.is_finite() && self.max_per_min <= 1e9,
            format!("{field}.max_per_min"),
            self.max_per_min,
            "a number ≤ 1000000000",
        )?;
        Invalid::check(
            self.min_per_min > 0.0 && self.min_per_min <= self.max_per_min,
            format!("{field}.min_per_min"),
            self.min_per_min,
            format!("a number in (0, max_per_min = {}]", self.max_per_min),
        )
    }
}

impl ShedSpec {
    /// Checks the shedding rule: at least one bound, each meaningful.
    pub fn validate(&self, field: &str) -> Result<(), Invalid> {
        Invalid::check(
            self.queue_length.is_some() || self.queue_delay.is_some(),
            field,
            "{ }",
            "queue_length, queue_delay or both",
        )?;
        if let Some(delay) = self.queue_delay {
            Invalid::check(
                delay.0.0 > 0,
                format!("{field}.queue_delay"),
                delay,
                "a duration > 0",
            )?;
        }
        Ok(())
    }
}
