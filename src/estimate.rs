//! What a model will cost before it runs: events, memory and run time.
//!
//! The figures come from what dominates each kind, with per-item costs
//! measured on the shipped models (release build, peak resident memory with
//! one thread). They are estimates, good to about a factor of two for memory
//! and three for events; their job is to refuse up front a run that cannot
//! fit (`population = 100000000`, `horizon = "100d"`, a random fault every
//! millisecond) instead of dying of an allocation abort minutes in.

use crate::model::{ContentionSpec, ModelSpec, NetworkSpec, OnsaleSpec, ServiceSpec};

/// Resident memory of the process before any model is loaded (code, runtime).
const BASE_BYTES: f64 = 10e6;

/// Per arriving fan or bot: the fan record (64 B), its events and the waiting
/// room's share. Measured: about 96 B on oasis-2025 (10.6M arrivals, 1.04 GB
/// peak) and 135 B on eras-2022 (bots retry, more requests in flight).
const BYTES_PER_ARRIVAL: f64 = 120.0;
/// Per seat of every show (seat-core's inventory and the venue's index).
/// Measured: about 85 B on eras-2022 (30 shows × 80k seats).
const BYTES_PER_SEAT: f64 = 90.0;
/// Per second of an on-sale's clock, while running: the per-second row, its
/// latency samples and the alert windows. Measured: 570 B on baseline at 10 h.
const BYTES_PER_ONSALE_SECOND: f64 = 600.0;
/// What a finished on-sale replication keeps per second until the summary is
/// written (its timeseries row).
const RETAINED_PER_ONSALE_SECOND: f64 = 500.0;
/// Per random fault window (its events, incident lines and dashboard share).
/// Measured: about 700 B with a window every 2 s on each of 10 app instances.
const BYTES_PER_FAULT_WINDOW: f64 = 700.0;
/// Per fan in `journeys.csv` (replication 0 only, with `--journeys`).
const BYTES_PER_JOURNEY: f64 = 120.0;
/// Events per arriving fan or bot: 5 on oasis-2025, 11 on baseline, 20 on
/// eras-2022 (bots retry); 12 is the middle.
const EVENTS_PER_ARRIVAL: f64 = 12.0;

/// Per second of a service run: its timeseries row.
const BYTES_PER_SERVICE_SECOND: f64 = 200.0;
/// Per attempt that may still be in flight: a collapsed service keeps every
/// abandoned attempt running, so in-flight work can grow with the horizon.
const BYTES_PER_ATTEMPT: f64 = 16.0;
/// Events per attempt (arrival, reply, timeout, retry).
const EVENTS_PER_ATTEMPT: f64 = 4.0;

/// Per customer queued at an unstable station (its arrival time in the FIFO).
/// Measured: 8 B at ρ = 80 on M/M/1 over 200 h.
const BYTES_PER_QUEUED_CUSTOMER: f64 = 8.0;
/// Events per station visit (arrival and departure).
const EVENTS_PER_VISIT: f64 = 2.0;

/// Per contending client and per timeseries row.
const BYTES_PER_CLIENT: f64 = 200.0;
const BYTES_PER_CONTENTION_ROW: f64 = 100.0;

/// Events per second of one core, per kind. On-sale: 2.3–2.4M on eras-2022
/// and oasis-2025 in full; service: 10M on retry-storm at 30,000 s; network: 20M on M/M/1.
const ONSALE_EVENTS_PER_SECOND: f64 = 2.0e6;
const SERVICE_EVENTS_PER_SECOND: f64 = 1e7;
const NETWORK_EVENTS_PER_SECOND: f64 = 2e7;
const CONTENTION_EVENTS_PER_SECOND: f64 = 5e6;

/// One line of what a run needs.
#[derive(Clone, Debug, PartialEq)]
pub struct Part {
    /// What it is, in the user's words ("fans and bots (612,000)").
    pub what: String,
    /// Bytes per replication while it runs.
    pub bytes: f64,
}

/// What one replication of a model needs.
#[derive(Clone, Debug, PartialEq)]
pub struct Estimate {
    /// Simulation events.
    pub events: f64,
    /// How fast this kind processes them on one core.
    pub events_per_second: f64,
    /// Memory while a replication runs, part by part.
    pub parts: Vec<Part>,
    /// Memory a finished replication keeps until every replication is done.
    pub retained_bytes: f64,
}

impl Estimate {
    /// Memory of one running replication.
    pub fn working_bytes(&self) -> f64 {
        self.parts.iter().map(|part| part.bytes).sum()
    }

    /// Peak memory of the whole command: up to `threads` replications at
    /// once, and every finished one's retained data.
    pub fn peak_bytes(&self, replications: u64, threads: usize) -> f64 {
        let concurrent = replications.min(threads.max(1) as u64) as f64;
        BASE_BYTES + self.working_bytes() * concurrent + self.retained_bytes * replications as f64
    }

    /// Wall-clock seconds for `replications` on `threads` cores.
    pub fn seconds(&self, replications: u64, threads: usize) -> f64 {
        let concurrent = replications.min(threads.max(1) as u64) as f64;
        self.events * replications as f64 / (self.events_per_second * concurrent)
    }

    /// "fans and bots (612,000) 98 MB, seats (2,400,000) 216 MB, ...", largest first.
    pub fn breakdown(&self) -> String {
        let mut sorted = self.parts.clone();
        sorted.sort_by(|a, b| b.bytes.total_cmp(&a.bytes));
        let parts: Vec<String> = sorted
            .iter()
            .filter(|part| part.bytes >= 1e6)
            .map(|part| format!("{} {}", part.what, bytes_label(part.bytes)))
            .collect();
        if parts.is_empty() {
            return "every part under 1 MB".to_owned();
        }
        parts.join(", ")
    }
}

/// Estimates one replication of `spec` (already scaled by `--scale`).
pub fn estimate(spec: &ModelSpec, journeys: bool) -> Estimate {
    match spec {
        ModelSpec::Onsale(model) => onsale(&model.spec, &model.venue, journeys),
        ModelSpec::Service(spec) => service(spec),
        ModelSpec::Network(spec) => network(spec),
        ModelSpec::Contention(spec) => contention(spec),
    }
}

fn onsale(spec: &OnsaleSpec, venue: &seat_core::VenueSpec, journeys: bool) -> Estimate {
    let humans = spec.demand.population as f64 * spec.demand.show_up;
    let arrivals = humans / (1.0 - spec.bots.share);
    let seats = venue_seats(venue) * f64::from(spec.sale.shows);
    // The clock runs from the waiting room's opening (negative) to the horizon.
    let seconds = spec.horizon.as_secs_f64() + (-spec.waiting_room.opens.as_secs_f64()).max(0.0);
    let windows: f64 = spec
        .random_faults
        .iter()
        .map(|fault| {
            let cycle = (fault.mtbf.as_secs_f64() + fault.mttr.as_secs_f64()).max(1e-9);
            f64::from(spec.app.servers) * seconds / cycle
        })
        .sum();
    let mut parts = vec![
        part(
            &format!("fans and bots ({})", count(arrivals)),
            arrivals * BYTES_PER_ARRIVAL,
        ),
        part(&format!("seats ({})", count(seats)), seats * BYTES_PER_SEAT),
        part(
            &format!("per-second data ({} s)", count(seconds)),
            seconds * BYTES_PER_ONSALE_SECOND,
        ),
    ];
    if windows > 0.0 {
        parts.push(part(
            &format!("random fault windows ({})", count(windows)),
            windows * BYTES_PER_FAULT_WINDOW,
        ));
    }
    if journeys {
        parts.push(part("journeys.csv", arrivals * BYTES_PER_JOURNEY));
    }
    Estimate {
        events: arrivals * EVENTS_PER_ARRIVAL + 2.0 * seconds + 4.0 * windows,
        events_per_second: ONSALE_EVENTS_PER_SECOND,
        parts,
        retained_bytes: seconds * RETAINED_PER_ONSALE_SECOND,
    }
}

/// Places of one show, reserved and standing (the venue was validated on load).
fn venue_seats(venue: &seat_core::VenueSpec) -> f64 {
    seat_core::Venue::build(venue).map_or(0.0, |venue| venue.capacity() as f64)
}

fn service(spec: &ServiceSpec) -> Estimate {
    let seconds = spec.horizon.as_secs_f64();
    let attempts = spec.peak_rate() * seconds * f64::from(spec.client.retry.max_attempts);
    Estimate {
        events: attempts * EVENTS_PER_ATTEMPT,
        events_per_second: SERVICE_EVENTS_PER_SECOND,
        parts: vec![
            part(
                &format!("per-second data ({} s)", count(seconds)),
                seconds * BYTES_PER_SERVICE_SECOND,
            ),
            // An upper bound: a collapsed server keeps every attempt in flight.
            part(
                &format!("attempts in flight (up to {})", count(attempts)),
                attempts * BYTES_PER_ATTEMPT,
            ),
        ],
        retained_bytes: seconds * BYTES_PER_SERVICE_SECOND,
    }
}

fn network(spec: &NetworkSpec) -> Estimate {
    let seconds = spec.horizon.as_secs_f64();
    let loads = station_loads(spec);
    let visits: f64 = loads.iter().map(|load| load.arrival_rate * seconds).sum();
    let mut parts = vec![part("stations", 1e3 * spec.stations.len() as f64)];
    for (station, load) in spec.stations.iter().zip(&loads) {
        let growth = (load.arrival_rate - load.capacity).max(0.0) * seconds;
        let bounded = station
            .capacity
            .map_or(growth, |cap| growth.min(f64::from(cap)));
        if bounded > 0.0 {
            parts.push(part(
                &format!(
                    "customers queued at {:?} (up to {})",
                    station.name,
                    count(bounded)
                ),
                bounded * BYTES_PER_QUEUED_CUSTOMER,
            ));
        }
    }
    Estimate {
        events: visits * EVENTS_PER_VISIT,
        events_per_second: NETWORK_EVENTS_PER_SECOND,
        parts,
        retained_bytes: 1e3 * spec.stations.len() as f64,
    }
}

fn contention(spec: &ContentionSpec) -> Estimate {
    let clients = f64::from(spec.clients);
    let rows = spec.horizon.as_secs_f64() / spec.timeseries_interval.as_secs_f64();
    Estimate {
        // A read and a write per attempt, each with two network legs; a client
        // retries at most until the others are done, so attempts are bounded
        // by the clients as well as by the policy.
        events: clients * f64::from(spec.retry.max_attempts).min(clients) * 6.0,
        events_per_second: CONTENTION_EVENTS_PER_SECOND,
        parts: vec![
            part(
                &format!("clients ({})", count(clients)),
                clients * BYTES_PER_CLIENT,
            ),
            part("timeseries rows", rows * BYTES_PER_CONTENTION_ROW),
        ],
        retained_bytes: rows * BYTES_PER_CONTENTION_ROW,
    }
}

/// A station's offered load in steady state.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct StationLoad {
    /// Customers per second arriving (from sources and routing).
    pub arrival_rate: f64,
    /// Customers per second its servers can finish (c / mean service).
    pub capacity: f64,
}

impl StationLoad {
    /// ρ = λ / (c μ).
    pub fn utilization(&self) -> f64 {
        self.arrival_rate / self.capacity
    }
}

/// Solves the traffic equations λ_j = external_j + Σ_i min(λ_i, capacity_i) p_ij
/// by fixed-point iteration: an overloaded station passes on only what it can
/// serve, so downstream loads stay finite.
pub fn station_loads(spec: &NetworkSpec) -> Vec<StationLoad> {
    let capacity: Vec<f64> = spec
        .stations
        .iter()
        .map(|station| f64::from(station.servers) / station.service.mean_secs())
        .collect();
    let mut external = vec![0.0; spec.stations.len()];
    for source in &spec.sources {
        let rate = source
            .rate_per_s
            .or_else(|| source.interarrival.as_ref().map(|d| 1.0 / d.mean_secs()))
            .unwrap_or(0.0);
        if let Some(index) = spec.station_index(&source.to) {
            external[index] += rate;
        }
    }
    let mut arrival = external.clone();
    for _ in 0..10_000 {
        let mut next = external.clone();
        for (from, station) in spec.stations.iter().enumerate() {
            let out = arrival[from].min(capacity[from]);
            for route in &station.route {
                if let Some(to) = spec.station_index(&route.to) {
                    next[to] += out * route.p;
                }
            }
        }
        let settled = next
            .iter()
            .zip(&arrival)
            .all(|(a, b)| (a - b).abs() <= 1e-12 * a.abs().max(1.0));
        arrival = next;
        if settled {
            break;
        }
    }
    arrival
        .into_iter()
        .zip(capacity)
        .map(|(arrival_rate, capacity)| StationLoad {
            arrival_rate,
            capacity,
        })
        .collect()
}

/// Warnings about a model that will run but may not mean what its author
/// thinks: a network station at ρ ≥ 1 has no steady state.
pub fn warnings(spec: &ModelSpec) -> Vec<String> {
    let ModelSpec::Network(network) = spec else {
        return Vec::new();
    };
    network
        .stations
        .iter()
        .zip(station_loads(network))
        .filter(|(_, load)| load.utilization() >= 1.0)
        .map(|(station, load)| {
            let bound = match station.capacity {
                Some(capacity) => {
                    format!("its capacity of {capacity} blocks the excess, so it stays bounded")
                }
                None => "its queue grows without bound and its statistics depend on the horizon"
                    .to_owned(),
            };
            format!(
                "station {:?} is unstable: ρ = {:.3} (arrivals {:.4}/s, capacity {:.4}/s); {bound}",
                station.name,
                load.utilization(),
                load.arrival_rate,
                load.capacity
            )
        })
        .collect()
}

fn part(what: &str, bytes: f64) -> Part {
    Part {
        what: what.to_owned(),
        bytes,
    }
}

/// 612000 → "612,000"; huge values in scientific notation.
fn count(value: f64) -> String {
    if !(value.is_finite() && value < 1e15) {
        return format!("{value:.1e}");
    }
    crate::report::postmortem::thousands(value.max(0.0))
}

/// 1.5e9 → "1.5 GB".
pub fn bytes_label(bytes: f64) -> String {
    const UNITS: [(&str, f64); 4] = [("TB", 1e12), ("GB", 1e9), ("MB", 1e6), ("KB", 1e3)];
    UNITS.iter().find(|(_, size)| bytes >= *size).map_or_else(
        || format!("{bytes:.0} B"),
        |(unit, size)| format!("{:.1} {unit}", bytes / size),
    )
}
