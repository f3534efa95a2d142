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
    let (start, _) = super::run_window(spec);
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Duration;

    const SEED: u64 = 23;

    fn fault(kind: FaultKind, component: Component) -> FaultSpec {
        FaultSpec {
            kind,
            component,
            at: Duration::from_secs_f64(60.0),
            duration: Duration::from_secs_f64(120.0),
            instance: None,
            fraction: 0.0,
            latency: Duration::default(),
            lag: Duration::default(),
        }
    }

    fn window(spec: FaultSpec) -> FaultWindow {
        FaultWindow {
            start: Time::OPENING + spec.at.span(),
            end: Time::OPENING + spec.at.span() + spec.duration.span(),
            spec,
            random: false,
        }
    }

    fn health_of(specs: Vec<FaultSpec>) -> Health {
        let windows: Vec<FaultWindow> = specs.into_iter().map(window).collect();
        let active = (0..windows.len()).collect();
        Health::of(&windows, &active)
    }

    fn ms(ms: f64) -> Duration {
        Duration::from_secs_f64(ms / 1000.0)
    }

    #[test]
    fn no_fault_is_full_health() {
        let health = health_of(vec![]);
        assert_eq!(health.app_workers(10, 16), 160);
        for component in Component::ALL {
            assert_eq!(health.pool(component, 32), 32);
            assert_eq!(health.latency(component), Span::ZERO);
        }
        assert!(!health.database_down && !health.cdn_down && health.replica_lag.is_none());
    }

    #[test]
    fn overlapping_capacity_drops_multiply_and_instance_crashes_subtract() {
        let drop = |fraction| FaultSpec {
            fraction,
            ..fault(FaultKind::CapacityDrop, Component::App)
        };
        let crash = |instance| FaultSpec {
            instance: Some(instance),
            ..fault(FaultKind::Crash, Component::App)
        };
        // Two 50% drops leave 25%, not 0%.
        assert_eq!(
            health_of(vec![drop(0.5), drop(0.5)]).app_workers(10, 16),
            40
        );
        // Instance 3 down (twice counts once), then 25% of 9 × 16 = 36.
        let health = health_of(vec![drop(0.5), crash(3), drop(0.5), crash(3)]);
        assert_eq!(health.app_workers(10, 16), 36);
        let health = health_of(vec![crash(3), crash(4)]);
        assert_eq!(health.app_workers(10, 16), 128);
        // The whole pool down.
        assert_eq!(
            health_of(vec![fault(FaultKind::Crash, Component::App)]).app_workers(10, 16),
            0
        );
        // A drop on one component leaves the others alone; floors the connections.
        let health = health_of(vec![FaultSpec {
            fraction: 0.3,
            ..fault(FaultKind::CapacityDrop, Component::Database)
        }]);
        assert_eq!(health.pool(Component::Database, 32), 22);
        assert_eq!(health.pool(Component::Replicas, 32), 32);
        assert_eq!(health.app_workers(10, 16), 160);
    }

    #[test]
    fn latencies_add_error_rates_take_the_worst_and_lag_spikes_the_longest() {
        let latency = |component, ms_| FaultSpec {
            latency: ms(ms_),
            ..fault(FaultKind::AddedLatency, component)
        };
        let errors = |component, fraction| FaultSpec {
            fraction,
            ..fault(FaultKind::ErrorRate, component)
        };
        let brownout = FaultSpec {
            latency: ms(8000.0),
            fraction: 0.3,
            ..fault(FaultKind::PaymentBrownout, Component::Payment)
        };
        let lag = |seconds| FaultSpec {
            lag: Duration::from_secs_f64(seconds),
            ..fault(FaultKind::ReplicaLagSpike, Component::Replicas)
        };
        let health = health_of(vec![
            latency(Component::App, 100.0),
            latency(Component::App, 250.0),
            errors(Component::Database, 0.2),
            errors(Component::Database, 0.5),
            errors(Component::Payment, 0.1),
            brownout,
            latency(Component::Payment, 1000.0),
            lag(5.0),
            lag(30.0),
            lag(10.0),
        ]);
        assert_eq!(health.latency(Component::App), Span::from_secs_f64(0.35));
        assert_eq!(health.latency(Component::Payment), Span::from_secs(9));
        assert_eq!(health.latency(Component::Database), Span::ZERO);
        assert_eq!(health.error_fraction[Component::Database.index()], 0.5);
        assert_eq!(health.error_fraction[Component::Payment.index()], 0.3);
        assert_eq!(health.error_fraction[Component::App.index()], 0.0);
        assert_eq!(health.replica_lag, Some(Span::from_secs(30)));
    }

    #[test]
    fn each_kind_breaks_what_it_names() {
        let health = health_of(vec![fault(FaultKind::DbFailover, Component::Database)]);
        assert!(health.database_down && !health.cdn_down);
        let health = health_of(vec![fault(FaultKind::Crash, Component::Database)]);
        assert!(health.database_down);
        let health = health_of(vec![fault(FaultKind::CdnOutage, Component::Cdn)]);
        assert!(health.cdn_down && !health.database_down);
        let health = health_of(vec![fault(FaultKind::Crash, Component::Replicas)]);
        assert_eq!(health.pool(Component::Replicas, 32), 0);
        assert_eq!(health.pool(Component::Database, 32), 32);
        let health = health_of(vec![fault(FaultKind::Crash, Component::AccessCheck)]);
        assert_eq!(health.pool(Component::AccessCheck, 8), 0);
    }

    #[test]
    fn closing_one_of_two_overlapping_windows_leaves_the_other_in_force() {
        let windows = vec![
            window(FaultSpec {
                latency: ms(100.0),
                ..fault(FaultKind::AddedLatency, Component::App)
            }),
            window(FaultSpec {
                latency: ms(300.0),
                ..fault(FaultKind::AddedLatency, Component::App)
            }),
        ];
        let mut faults = Faults::new(windows, &Streams::new(SEED, 0));
        faults.toggle(0, true);
        assert_eq!(
            faults.toggle(1, true).latency(Component::App),
            Span::from_secs_f64(0.4)
        );
        assert_eq!(
            faults.toggle(0, false).latency(Component::App),
            Span::from_secs_f64(0.3)
        );
        assert_eq!(faults.toggle(1, false).latency(Component::App), Span::ZERO);
        assert_eq!(faults.health().app_workers(2, 2), 4);
    }

    #[test]
    fn calls_fail_at_the_error_fraction_and_healthy_calls_draw_nothing() {
        let windows = vec![window(FaultSpec {
            fraction: 0.3,
            ..fault(FaultKind::ErrorRate, Component::Payment)
        })];
        let mut faults = Faults::new(windows, &Streams::new(SEED, 0));
        assert!((0..1000).all(|_| !faults.fails(Component::Payment)));
        // No draw was used while healthy: the stream is where a fresh one starts.
        let mut fresh = Streams::new(SEED, 0).get("faults:errors");
        let expected: Vec<bool> = (0..100).map(|_| fresh.random::<f64>() < 0.3).collect();
        faults.toggle(0, true);
        let observed: Vec<bool> = (0..100).map(|_| faults.fails(Component::Payment)).collect();
        assert_eq!(observed, expected, "seed {SEED}");
        let n = 20_000;
        let failed = (0..n).filter(|_| faults.fails(Component::Payment)).count() as f64;
        // Binomial(20,000, 0.3): σ = √(n p (1 − p)) ≈ 65.
        let sigma = (f64::from(n) * 0.3 * 0.7).sqrt();
        assert!(
            (failed - 0.3 * f64::from(n)).abs() < 3.0 * sigma,
            "seed {SEED}: {failed} of {n}"
        );
        assert!(!faults.fails(Component::App));
    }

    #[test]
    fn random_crashes_alternate_exponential_up_and_down_times_per_instance() {
        let text = include_str!("../../models/baseline.toml");
        let crate::model::ModelSpec::Onsale(model) =
            crate::model::parse(std::path::Path::new("baseline.toml"), text).unwrap()
        else {
            panic!("baseline is an on-sale");
        };
        let mut spec = model.spec;
        let scheduled = FaultSpec {
            latency: ms(100.0),
            ..fault(FaultKind::AddedLatency, Component::App)
        };
        spec.faults = vec![scheduled];
        spec.random_faults = vec![crate::model::RandomFaultSpec {
            component: Component::App,
            mtbf: Duration::from_secs_f64(60.0),
            mttr: Duration::from_secs_f64(10.0),
        }];
        let horizon = Time::OPENING + Span::from_secs(3600);
        let windows = windows(&spec, &Streams::new(SEED, 0), horizon);
        assert!(!windows[0].random);
        assert_eq!(
            (windows[0].start, windows[0].end),
            (
                Time::OPENING + Span::from_secs(60),
                Time::OPENING + Span::from_secs(180)
            )
        );
        let opens = Time::OPENING - Span::from_secs(1800);
        let (mut ups, mut downs) = (Vec::new(), Vec::new());
        for instance in 0..spec.app.servers {
            let mine: Vec<&FaultWindow> = windows
                .iter()
                .filter(|w| w.random && w.spec.instance == Some(instance))
                .collect();
            assert!(!mine.is_empty(), "instance {instance}");
            let mut previous_end = opens;
            for w in mine {
                assert!(w.start > previous_end && w.start < horizon && w.end > w.start);
                assert_eq!(w.spec.kind, FaultKind::Crash);
                ups.push(w.start.since(previous_end).as_secs_f64());
                downs.push(w.end.since(w.start).as_secs_f64());
                previous_end = w.end;
            }
        }
        // Exponential: sd = mean, so the mean of n draws is within 3 mean/√n.
        for (what, draws, mean) in [("up", &ups, 60.0), ("down", &downs, 10.0)] {
            let n = draws.len() as f64;
            let observed = draws.iter().sum::<f64>() / n;
            assert!(
                (observed - mean).abs() < 3.0 * mean / n.sqrt(),
                "seed {SEED}: mean {what} time {observed} over {n}, expected {mean}"
            );
        }
    }
}
