//! The `network` model kind: sources feeding stations, with probabilistic routing.

use std::collections::BTreeSet;

use serde::{Deserialize, Serialize};

use super::distribution::DistributionSpec;
use super::duration::Duration;
use super::error::Invalid;

/// A queueing network model file.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NetworkSpec {
    /// Always `"network"` when present.
    #[serde(default)]
    pub kind: Option<String>,
    /// Model name, used in outputs.
    pub name: String,
    /// Free text for humans.
    #[serde(default)]
    pub description: Option<String>,
    /// Virtual time at which the run stops.
    pub horizon: Duration,
    /// Statistics ignore customers arriving before this time.
    #[serde(default)]
    pub warmup: Duration,
    /// Runaway guard: a run processing more events fails with exit code 1.
    #[serde(default = "default_max_events")]
    pub max_events: u64,
    /// Where customers come from.
    #[serde(rename = "source")]
    pub sources: Vec<SourceSpec>,
    /// Where they are served.
    #[serde(rename = "station")]
    pub stations: Vec<StationSpec>,
}

fn default_max_events() -> u64 {
    10_000_000_000
}

/// A stream of arriving customers.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SourceSpec {
    /// Source name; names its random stream.
    pub name: String,
    /// Poisson arrivals at this rate. Give this or `interarrival`, not both.
    #[serde(default)]
    pub rate_per_s: Option<f64>,
    /// Any inter-arrival distribution (a renewal process).
    #[serde(default)]
    pub interarrival: Option<DistributionSpec>,
    /// The station customers go to.
    pub to: String,
    /// Stop after this many arrivals (the run then ends when the network drains).
    #[serde(default)]
    pub limit: Option<u64>,
}

/// A multi-server FIFO station.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StationSpec {
    /// Station name; names its random streams and its row in the outputs.
    pub name: String,
    /// Identical parallel servers, c ≥ 1.
    pub servers: u32,
    /// Service-time distribution.
    pub service: DistributionSpec,
    /// Maximum customers in the station (waiting + in service); arrivals beyond it are blocked.
    #[serde(default)]
    pub capacity: Option<u32>,
    /// Where customers go after service; the remaining probability leaves the network.
    #[serde(default)]
    pub route: Vec<RouteSpec>,
}

/// One branch of a station's routing.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RouteSpec {
    /// Destination station.
    pub to: String,
    /// Probability of taking this branch.
    pub p: f64,
}

const MAX_SERVERS: u32 = 1_000_000;

impl NetworkSpec {
    /// Index of the station called `name`.
    pub fn station_index(&self, name: &str) -> Option<usize> {
        self.stations
            .iter()
            .position(|station| station.name == name)
    }

    /// Checks every field; the first problem found is returned.
    pub fn validate(&self) -> Result<(), Invalid> {
        if let Some(kind) = &self.kind {
            Invalid::check(
                kind == "network",
                "kind",
                format!("{kind:?}"),
                "\"network\"",
            )?;
        }
        Invalid::check(
            self.horizon.0.0 > 0,
            "horizon",
            self.horizon,
            "a duration > 0",
        )?;
        Invalid::check(
            self.warmup.0.0 >= 0 && self.warmup < self.horizon,
            "warmup",
            self.warmup,
            format!("a duration ≥ 0 and < horizon ({})", self.horizon),
        )?;
        Invalid::check(
            self.max_events > 0,
            "max_events",
            self.max_events,
            "an integer > 0",
        )?;
        Invalid::check(
            !self.stations.is_empty(),
            "station",
            "[]",
            "at least one [[station]]",
        )?;
        Invalid::check(
            !self.sources.is_empty(),
            "source",
            "[]",
            "at least one [[source]]",
        )?;
        unique_names("station", self.stations.iter().map(|s| s.name.as_str()))?;
        unique_names("source", self.sources.iter().map(|s| s.name.as_str()))?;
        for (index, source) in self.sources.iter().enumerate() {
            self.validate_source(&format!("source[{index}]"), source)?;
        }
        for (index, station) in self.stations.iter().enumerate() {
            self.validate_station(&format!("station[{index}]"), station)?;
        }
        Ok(())
    }

    fn validate_source(&self, field: &str, source: &SourceSpec) -> Result<(), Invalid> {
        match (&source.rate_per_s, &source.interarrival) {
            (Some(rate), None) => Invalid::check(
                rate.is_finite() && *rate > 0.0,
                format!("{field}.rate_per_s"),
                rate,
                "a number > 0",
            )?,
            (None, Some(distribution)) => {
                distribution.validate(&format!("{field}.interarrival"))?;
                Invalid::check(
                    distribution.mean_secs() > 0.0,
                    format!("{field}.interarrival"),
                    "mean 0",
                    "a distribution with mean > 0",
                )?
            }
            _ => {
                return Err(Invalid::new(
                    format!("{field}.rate_per_s"),
                    "both or neither",
                    "exactly one of rate_per_s or interarrival",
                ));
            }
        }
        self.check_station_exists(&format!("{field}.to"), &source.to)
    }

    fn validate_station(&self, field: &str, station: &StationSpec) -> Result<(), Invalid> {
        Invalid::check(
            (1..=MAX_SERVERS).contains(&station.servers),
            format!("{field}.servers"),
            station.servers,
            format!("an integer from 1 to {MAX_SERVERS}"),
        )?;
        station.service.validate(&format!("{field}.service"))?;
        if let Some(capacity) = station.capacity {
            Invalid::check(
                capacity >= station.servers,
                format!("{field}.capacity"),
                capacity,
                format!("an integer ≥ servers ({})", station.servers),
            )?;
        }
        let mut total = 0.0;
        for (index, route) in station.route.iter().enumerate() {
            let route_field = format!("{field}.route[{index}]");
            self.check_station_exists(&format!("{route_field}.to"), &route.to)?;
            Invalid::check(
                (0.0..=1.0).contains(&route.p),
                format!("{route_field}.p"),
                route.p,
                "a probability in [0, 1]",
            )?;
            total += route.p;
        }
        Invalid::check(
            total <= 1.0 + 1e-9,
            format!("{field}.route"),
            format!("probabilities summing to {total}"),
            "a sum ≤ 1 (the rest leaves the network)",
        )
    }

    fn check_station_exists(&self, field: &str, name: &str) -> Result<(), Invalid> {
        let names: Vec<String> = self
            .stations
            .iter()
            .map(|s| format!("{:?}", s.name))
            .collect();
        Invalid::check(
            self.station_index(name).is_some(),
            field,
            format!("{name:?}"),
            format!("the name of a station: {}", names.join(", ")),
        )
    }
}

fn unique_names<'a>(section: &str, names: impl Iterator<Item = &'a str>) -> Result<(), Invalid> {
    let mut seen = BTreeSet::new();
    for (index, name) in names.enumerate() {
        Invalid::check(
            seen.insert(name),
            format!("{section}[{index}].name"),
            format!("{name:?}"),
            format!("a name not used by another {section}"),
        )?;
    }
    Ok(())
}
