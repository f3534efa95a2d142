//! Faults in on-sale model files: scheduled (`[[fault]]`) and random
//! (`[[random_fault]]`, MTBF/MTTR per instance from its own stream).

use serde::{Deserialize, Serialize};

use super::duration::Duration;
use super::error::Invalid;

/// A component a fault can hit.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Component {
    /// The app server pool (or one instance).
    App,
    /// The primary database.
    Database,
    /// The read replicas.
    Replicas,
    /// The CDN.
    Cdn,
    /// The payment provider.
    Payment,
    /// The cache in front of seat-map reads (`[cache]`).
    Cache,
    /// The access-code check (`[access_check]`).
    AccessCheck,
}

impl Component {
    /// How many components there are: the size of per-component arrays.
    pub const COUNT: usize = 7;

    /// Every component, in output order.
    pub const ALL: [Component; Component::COUNT] = [
        Component::App,
        Component::Database,
        Component::Replicas,
        Component::Cdn,
        Component::Payment,
        Component::Cache,
        Component::AccessCheck,
    ];

    /// Name used in outputs, model files and `[routes]`.
    pub fn name(self) -> &'static str {
        match self {
            Component::App => "app",
            Component::Database => "database",
            Component::Replicas => "replicas",
            Component::Cdn => "cdn",
            Component::Payment => "payment",
            Component::Cache => "cache",
            Component::AccessCheck => "access_check",
        }
    }

    /// The component called `name`, if any.
    pub fn named(name: &str) -> Option<Component> {
        Component::ALL
            .into_iter()
            .find(|component| component.name() == name)
    }

    /// Index into per-component arrays.
    pub fn index(self) -> usize {
        self as usize
    }
}

/// What goes wrong.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FaultKind {
    /// Down: no capacity; work in flight on it is lost.
    Crash,
    /// Capacity reduced by `fraction` (fewer workers, slower CPU).
    CapacityDrop,
    /// Every call takes `latency` longer.
    AddedLatency,
    /// A `fraction` of calls fail.
    ErrorRate,
    /// The primary is unavailable for the duration, then a new primary takes over with fresh connections.
    DbFailover,
    /// The CDN serves nothing (outage or cache purge): the origin takes the full load.
    CdnOutage,
    /// The payment provider slows by `latency` and fails a `fraction` of payments.
    PaymentBrownout,
    /// Replicas fall `lag` behind.
    ReplicaLagSpike,
}

impl FaultKind {
    /// Name used in outputs, as written in model files.
    pub fn name(self) -> &'static str {
        match self {
            FaultKind::Crash => "crash",
            FaultKind::CapacityDrop => "capacity_drop",
            FaultKind::AddedLatency => "added_latency",
            FaultKind::ErrorRate => "error_rate",
            FaultKind::DbFailover => "db_failover",
            FaultKind::CdnOutage => "cdn_outage",
            FaultKind::PaymentBrownout => "payment_brownout",
            FaultKind::ReplicaLagSpike => "replica_lag_spike",
        }
    }
}

/// A scheduled fault.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FaultSpec {
    /// What goes wrong.
    pub kind: FaultKind,
    /// Where.
    pub component: Component,
    /// When, relative to the opening.
    pub at: Duration,
    /// For how long.
    pub duration: Duration,
    /// One app instance (0-based) instead of the whole pool.
    #[serde(default)]
    pub instance: Option<u32>,
    /// Capacity lost or calls failed, for capacity_drop, error_rate and payment_brownout.
    #[serde(default)]
    pub fraction: f64,
    /// Extra latency, for added_latency and payment_brownout.
    #[serde(default)]
    pub latency: Duration,
    /// Replica lag during a replica_lag_spike.
    #[serde(default)]
    pub lag: Duration,
}

/// Random crashes of app instances: up for Exp(mtbf), down for Exp(mttr), repeatedly.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RandomFaultSpec {
    /// Only `app` instances can fail at random.
    pub component: Component,
    /// Mean time between failures, per instance.
    pub mtbf: Duration,
    /// Mean time to repair.
    pub mttr: Duration,
}

/// Which components a kind applies to.
fn applies(kind: FaultKind, component: Component) -> bool {
    use Component::*;
    match kind {
        FaultKind::Crash => matches!(component, App | Database | Replicas | Cache | AccessCheck),
        FaultKind::CapacityDrop => matches!(component, App | Database | Replicas | AccessCheck),
        FaultKind::AddedLatency | FaultKind::ErrorRate => true,
        FaultKind::DbFailover => component == Database,
        FaultKind::CdnOutage => component == Cdn,
        FaultKind::PaymentBrownout => component == Payment,
        FaultKind::ReplicaLagSpike => component == Replicas,
    }
}

impl FaultSpec {
    /// Checks the fault; `field` is its path, `app_servers` bounds `instance`.
    pub fn validate(&self, field: &str, app_servers: u32) -> Result<(), Invalid> {
        Invalid::check(
            applies(self.kind, self.component),
            format!("{field}.component"),
            self.component.name(),
            format!(
                "a component that a {} fault applies to: {}",
                self.kind.name(),
                Component::ALL
                    .into_iter()
                    .filter(|component| applies(self.kind, *component))
                    .map(|component| format!("\"{}\"", component.name()))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        )?;
        Invalid::check(
            self.duration.0.0 > 0,
            format!("{field}.duration"),
            self.duration,
            "a duration > 0",
        )?;
        Invalid::check(
            (0.0..=1.0).contains(&self.fraction),
            format!("{field}.fraction"),
            self.fraction,
            "a fraction in [0, 1]",
        )?;
        Invalid::check(
            self.latency.0.0 >= 0,
            format!("{field}.latency"),
            self.latency,
            "a duration ≥ 0",
        )?;
        Invalid::check(
            self.lag.0.0 >= 0,
            format!("{field}.lag"),
            self.lag,
            "a duration ≥ 0",
        )?;
        if let Some(instance) = self.instance {
            Invalid::check(
                self.component == Component::App && instance < app_servers,
                format!("{field}.instance"),
                instance,
                format!(
                    "an app instance from 0 to {} (component = \"app\")",
                    app_servers.saturating_sub(1)
                ),
            )?;
        }
        Ok(())
    }
}

impl RandomFaultSpec {
    /// Checks the spec.
    pub fn validate(&self, field: &str) -> Result<(), Invalid> {
        Invalid::check(
            self.component == Component::App,
            format!("{field}.component"),
            self.component.name(),
            "\"app\"",
        )?;
        Invalid::check(
            self.mtbf.0.0 > 0,
            format!("{field}.mtbf"),
            self.mtbf,
            "a duration > 0",
        )?;
        Invalid::check(
            self.mttr.0.0 > 0,
            format!("{field}.mttr"),
            self.mttr,
            "a duration > 0",
        )
    }
}
