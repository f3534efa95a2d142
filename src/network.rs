//! The `network` model: sources feed stations, customers are routed between
//! stations after service and leave through the sink. It is the engine's
//! validation bench (M/M/c, Jackson networks) and the pattern the on-sale
//! components follow.

mod timeseries;

use rand::RngExt;
use serde::Serialize;

use crate::engine::{
    Compact, Limits, Model, Rng, Scheduler, Simulation, Stop, StopError, Streams, Time,
};
use crate::model::NetworkSpec;
use crate::queueing::{Admission, Routing, Station, StationReport};
use crate::sampler::Sampler;
use timeseries::{Levels, Recorder};

pub use timeseries::NetworkTimeseries;

/// Events of the network model.
#[derive(Clone, Copy, Debug)]
pub enum NetworkEvent {
    /// Source `0` emits a customer.
    SourceEmits(u32),
    /// A service at `station` ends for a customer who arrived there at `arrived`.
    ServiceEnds {
        /// Station index.
        station: u32,
        /// When the departing customer arrived at the station.
        arrived: Time,
    },
}

struct Source {
    gaps: Sampler,
    rng: Rng,
    to: usize,
    remaining: u64,
}

struct Node {
    station: Station<()>,
    service: Sampler,
    service_rng: Rng,
    routing: Routing,
    routing_rng: Rng,
}

/// A queueing network in mid-run.
pub struct Network {
    sources: Vec<Source>,
    nodes: Vec<Node>,
    /// Rows for `timeseries.csv`, when the run records them.
    recorder: Option<Recorder>,
}

/// The outcome of one run.
#[derive(Clone, Debug, Serialize)]
pub struct NetworkReport {
    /// Virtual seconds simulated.
    pub end_s: f64,
    /// Events processed.
    pub events: u64,
    /// Per station, in model-file order: (name, report).
    pub stations: Vec<(String, StationReport)>,
    /// Per-interval rows, from [`run_recorded`]; empty from [`run`].
    #[serde(skip)]
    pub timeseries: NetworkTimeseries,
}

impl Network {
    /// Builds the network of a validated spec, with its random streams.
    pub fn new(spec: &NetworkSpec, streams: &Streams) -> Network {
        let warmup_end = Time::OPENING + spec.warmup.span();
        let station_index = |name: &str| spec.station_index(name).expect("validated station name");
        let sources = spec
            .sources
            .iter()
            .map(|source| Source {
                gaps: match (&source.interarrival, source.rate_per_s) {
                    (Some(distribution), _) => Sampler::new(distribution),
                    (None, rate) => Sampler::Exp {
                        mean_ns: 1e9 / rate.expect("validated: rate or interarrival"),
                    },
                },
                rng: streams.get(&format!("source:{}", source.name)),
                to: station_index(&source.to),
                remaining: source.limit.unwrap_or(u64::MAX),
            })
            .collect();
        let nodes = spec
            .stations
            .iter()
            .map(|station| Node {
                station: Station::new(station.servers, station.capacity, warmup_end),
                service: Sampler::new(&station.service),
                service_rng: streams.get(&format!("station:{}:service", station.name)),
                routing: Routing::new(
                    station
                        .route
                        .iter()
                        .map(|route| (station_index(&route.to), route.p)),
                ),
                routing_rng: streams.get(&format!("station:{}:routing", station.name)),
            })
            .collect();
        Network {
            sources,
            nodes,
            recorder: None,
        }
    }

    /// Records `timeseries.csv` rows over a run of `horizon`.
    pub fn record(&mut self, horizon: crate::engine::Span) {
        let servers = self.nodes.iter().map(|node| node.station.servers());
        self.recorder = Some(Recorder::new(horizon, servers));
    }

    /// Station `index`'s levels now.
    fn levels(nodes: &[Node], index: usize) -> Levels {
        let station = &nodes[index].station;
        Levels {
            waiting: station.queue_len(),
            busy: station.busy(),
        }
    }

    /// Schedules each source's first arrival.
    pub fn start(&mut self, scheduler: &mut Scheduler<NetworkEvent>) {
        for index in 0..self.sources.len() {
            self.schedule_next_emission(index, scheduler);
        }
    }

    fn schedule_next_emission(&mut self, index: usize, scheduler: &mut Scheduler<NetworkEvent>) {
        let source = &mut self.sources[index];
        if source.remaining == 0 {
            return;
        }
        source.remaining -= 1;
        let gap = source.gaps.sample(&mut source.rng);
        scheduler.after(gap, NetworkEvent::SourceEmits(index as u32));
    }

    fn on_source_emits(
        &mut self,
        now: Time,
        index: usize,
        scheduler: &mut Scheduler<NetworkEvent>,
    ) {
        let to = self.sources[index].to;
        self.arrive(now, to, scheduler);
        self.schedule_next_emission(index, scheduler);
    }

    fn arrive(&mut self, now: Time, index: usize, scheduler: &mut Scheduler<NetworkEvent>) {
        if let Some(recorder) = &mut self.recorder {
            recorder.on_arrival(index);
            recorder.on_change(index, now, Network::levels(&self.nodes, index));
        }
        let node = &mut self.nodes[index];
        if let Admission::Serve(()) = node.station.arrive(now, ()) {
            let service = node.service.sample(&mut node.service_rng);
            scheduler.after(
                service,
                NetworkEvent::ServiceEnds {
                    station: index as u32,
                    arrived: now,
                },
            );
        }
    }

    fn on_service_ends(
        &mut self,
        now: Time,
        index: usize,
        arrived: Time,
        scheduler: &mut Scheduler<NetworkEvent>,
    ) {
        if let Some(recorder) = &mut self.recorder {
            recorder.on_change(index, now, Network::levels(&self.nodes, index));
        }
        let node = &mut self.nodes[index];
        if let Some(next) = node.station.depart(now, arrived) {
            let service = node.service.sample(&mut node.service_rng);
            scheduler.after(
                service,
                NetworkEvent::ServiceEnds {
                    station: index as u32,
                    arrived: next.arrived,
                },
            );
        }
        if node.routing.is_exit() {
            return;
        }
        let draw: f64 = node.routing_rng.random();
        if let Some(destination) = node.routing.choose(draw) {
            self.arrive(now, destination, scheduler);
        }
    }

    /// Per-station reports for a run that ended at `end`, with the recorded rows.
    pub fn report(&mut self, spec: &NetworkSpec, end: Time, events: u64) -> NetworkReport {
        let names = spec.stations.iter().map(|s| s.name.clone()).collect();
        let nodes = &self.nodes;
        let timeseries = self
            .recorder
            .take()
            .map_or_else(NetworkTimeseries::default, |r| {
                r.finish(end, names, |index| Network::levels(nodes, index))
            });
        let stations = spec
            .stations
            .iter()
            .zip(&self.nodes)
            .map(|(station, node)| {
                (
                    station.name.clone(),
                    node.station.stats().report(end, node.station.servers()),
                )
            })
            .collect();
        NetworkReport {
            end_s: end.as_secs_f64(),
            events,
            stations,
            timeseries,
        }
    }
}

/// Network, service and contention events are small: none waits packed.
impl Compact for NetworkEvent {}

impl Model for Network {
    type Event = NetworkEvent;

    #[inline]
    fn dispatch(
        &mut self,
        now: Time,
        event: NetworkEvent,
        scheduler: &mut Scheduler<NetworkEvent>,
    ) {
        if let Some(recorder) = &mut self.recorder {
            let nodes = &self.nodes;
            recorder.advance(now, |index| Network::levels(nodes, index));
        }
        match event {
            NetworkEvent::SourceEmits(source) => {
                self.on_source_emits(now, source as usize, scheduler)
            }
            NetworkEvent::ServiceEnds { station, arrived } => {
                self.on_service_ends(now, station as usize, arrived, scheduler)
            }
        }
    }
}

/// Runs one replication of a validated network model.
pub fn run(spec: &NetworkSpec, streams: &Streams) -> Result<NetworkReport, StopError> {
    simulate(spec, streams, false)
}

/// [`run`], also recording the rows of `timeseries.csv` (same draws, same results).
pub fn run_recorded(spec: &NetworkSpec, streams: &Streams) -> Result<NetworkReport, StopError> {
    simulate(spec, streams, true)
}

fn simulate(
    spec: &NetworkSpec,
    streams: &Streams,
    timeseries: bool,
) -> Result<NetworkReport, StopError> {
    let mut network = Network::new(spec, streams);
    if timeseries {
        network.record(spec.horizon.span());
    }
    let horizon = Time::OPENING + spec.horizon.span();
    let mut simulation = Simulation::new(Time::OPENING);
    simulation.end_at(horizon);
    network.start(simulation.scheduler());
    let limits = Limits {
        horizon,
        max_events: spec.max_events,
    };
    let stop = simulation.run(&mut network, limits)?;
    debug_assert!(matches!(stop, Stop::Horizon | Stop::Drained));
    Ok(network.report(spec, simulation.now(), simulation.events_processed()))
}
