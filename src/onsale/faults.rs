//! Faults in an on-sale: windows of trouble (scheduled or random), and the
//! combined health of every component while some are active.

use std::collections::BTreeSet;

use rand::RngExt;
use rand_distr::Exp1;

use crate::engine::{Span, Streams, Time};
use crate::model::{Component, FaultKind, FaultSpec, OnsaleSpec};

/// One fault, scheduled or drawn, with its window.
#[derive(Clone, Debug)]
pub struct FaultWindow {
    /// What and where.
    pub spec: FaultSpec,
    /// Start.
    pub start: Time,
    /// End.
    pub end: Time,
    /// Drawn from MTBF/MTTR rather than written in the model.
    pub random: bool,
}

impl FaultWindow {
    /// A short description for incidents.csv, unique per (component, detail).
    pub fn detail(&self, index: usize) -> String {
        let instance = self
            .spec
            .instance
            .map(|i| format!(" instance {i}"))
            .unwrap_or_default();
        let origin = if self.random { "random " } else { "" };
        format!("{origin}{}{instance} #{index}", self.spec.kind.name())
    }
}

/// Every fault window of a run: the model's, then random crashes per app instance
/// (stream `faults:app:<instance>`, so instances do not disturb each other).
pub fn windows(spec: &OnsaleSpec, streams: &Streams, horizon: Time) -> Vec<FaultWindow> {
    let mut windows: Vec<FaultWindow> = spec
        .faults
        .iter()
        .map(|fault| FaultWindow {
            spec: fault.clone(),
            start: Time::OPENING + fault.at.span(),
            end: Time::OPENING + fault.at.span() + fault.duration.span(),
            random: false,
        })
        .collect();
    let start = Time(spec.waiting_room.opens.0.0.min(0));
    for random in &spec.random_faults {
        for instance in 0..spec.app.servers {
            let mut rng = streams.get(&format!("faults:app:{instance}"));
            let mut draw = |mean: Span| Span((rng.sample::<f64, _>(Exp1) * mean.0 as f64) as i64);
            let mut t = start;
            loop {
                t += draw(random.mtbf.span());
                if t >= horizon {
                    break;
                }
                let down = draw(random.mttr.span()).max(Span(1));
                let fault = FaultSpec {
                    kind: FaultKind::Crash,
                    component: Component::App,
                    at: crate::model::Duration(Span(t.0)),
                    duration: crate::model::Duration(down),
                    instance: Some(instance),
                    fraction: 0.0,
                    latency: Default::default(),
                    lag: Default::default(),
                };
                windows.push(FaultWindow {
                    spec: fault,
                    start: t,
                    end: t + down,
                    random: true,
                });
                t += down;
            }
        }
    }
    windows
}

/// The combined effect of the active faults on each component.
#[derive(Clone, Debug, Default)]
pub struct Health {
    /// App instances down.
    pub app_instances_down: BTreeSet<u32>,
    /// The whole app pool is down.
    pub app_down: bool,
    /// Capacity left, per component (1 = healthy).
    pub capacity: [f64; Component::COUNT],
    /// Extra latency per component.
    pub added_latency: [Span; Component::COUNT],
    /// Fraction of calls failing per component.
    pub error_fraction: [f64; Component::COUNT],
    /// The primary database is unavailable.
    pub database_down: bool,
    /// The CDN serves nothing.
    pub cdn_down: bool,
    /// Replica lag override.
    pub replica_lag: Option<Span>,
}

fn slot(component: Component) -> usize {
    component.index()
}

impl Health {
    /// The health implied by the `active` windows.
    pub fn of(windows: &[FaultWindow], active: &BTreeSet<usize>) -> Health {
        let mut health = Health {
            capacity: [1.0; Component::COUNT],
            ..Health::default()
        };
        for window in active.iter().map(|&index| &windows[index]) {
            health.apply(&window.spec);
        }
        health
    }

    fn apply(&mut self, fault: &FaultSpec) {
        let at = slot(fault.component);
        match fault.kind {
            FaultKind::Crash => match (fault.component, fault.instance) {
                (Component::App, Some(instance)) => {
                    self.app_instances_down.insert(instance);
                }
                (Component::App, None) => self.app_down = true,
                (Component::Database, _) => self.database_down = true,
                _ => self.capacity[at] = 0.0,
            },
            FaultKind::CapacityDrop => self.capacity[at] *= 1.0 - fault.fraction,
            FaultKind::AddedLatency => {
                self.added_latency[at] = self.added_latency[at] + fault.latency.span()
            }
            FaultKind::ErrorRate => {
                self.error_fraction[at] = self.error_fraction[at].max(fault.fraction)
            }
            FaultKind::DbFailover => self.database_down = true,
            FaultKind::CdnOutage => self.cdn_down = true,
            FaultKind::PaymentBrownout => {
                self.added_latency[at] = self.added_latency[at] + fault.latency.span();
                self.error_fraction[at] = self.error_fraction[at].max(fault.fraction);
            }
            FaultKind::ReplicaLagSpike => {
                self.replica_lag =
                    Some(self.replica_lag.unwrap_or(Span::ZERO).max(fault.lag.span()));
            }
        }
    }

    /// Workers of a pool of `servers` × `workers` left after crashes and drops.
    pub fn app_workers(&self, servers: u32, workers: u32) -> u32 {
        if self.app_down {
            return 0;
        }
        let up = servers.saturating_sub(self.app_instances_down.len() as u32);
        (f64::from(up * workers) * self.capacity[slot(Component::App)]).floor() as u32
    }

    /// Connections left of a pool of `connections`.
    pub fn pool(&self, component: Component, connections: u32) -> u32 {
        (f64::from(connections) * self.capacity[slot(component)]).floor() as u32
    }

    /// Extra latency of `component`.
    pub fn latency(&self, component: Component) -> Span {
        self.added_latency[slot(component)]
    }

    /// Does this call to `component` fail? Draws only when the component is failing.
    pub fn fails(&self, component: Component, rng: &mut crate::engine::Rng) -> bool {
        let fraction = self.error_fraction[slot(component)];
        fraction > 0.0 && rng.random::<f64>() < fraction
    }
}

/// The fault windows of a run, which are active, and their combined health.
pub struct Faults {
    windows: Vec<FaultWindow>,
    active: BTreeSet<usize>,
    health: Health,
    /// Draws whether a call to a failing component fails (stream `faults:errors`).
    rng: crate::engine::Rng,
}

impl Faults {
    /// No fault active yet.
    pub fn new(windows: Vec<FaultWindow>, streams: &Streams) -> Faults {
        Faults {
            windows,
            active: BTreeSet::new(),
            health: Health::of(&[], &BTreeSet::new()),
            rng: streams.get("faults:errors"),
        }
    }

    /// Every window, in model order then random ones.
    pub fn windows(&self) -> &[FaultWindow] {
        &self.windows
    }

    /// Window `index` opens (`starting`) or closes; the health is recomputed.
    pub fn toggle(&mut self, index: usize, starting: bool) -> &Health {
        if starting {
            self.active.insert(index);
        } else {
            self.active.remove(&index);
        }
        self.health = Health::of(&self.windows, &self.active);
        &self.health
    }

    /// The combined health now.
    pub fn health(&self) -> &Health {
        &self.health
    }

    /// Does this call to `component` fail? Draws only while it is failing.
    pub fn fails(&mut self, component: Component) -> bool {
        self.health.fails(component, &mut self.rng)
    }
}
