//! The CDN or edge in front of the origin: it answers a share of requests from
//! its cache, up to its capacity per second; misses and overflow go on down the
//! route. An outage (or purge) sends everything on.

use rand::RngExt;

use crate::engine::{Rng, Span, Streams};
use crate::model::CdnSpec;
use crate::onsale::metrics::Column;
use crate::onsale::request::Request;
use crate::sampler::Sampler;

/// The CDN's one event.
#[derive(Clone, Copy, Debug)]
pub enum CdnEvent {
    /// The CDN answers a request from its cache.
    Responds(Request),
}

/// The edge cache.
pub struct Cdn {
    hit_ratio: f64,
    capacity_per_s: f64,
    latency: Sampler,
    rng: Rng,
    /// Hits served in the current second (capacity is per second).
    hits_this_second: u64,
    down: bool,
}

impl Cdn {
    /// Time-series columns.
    pub const COLUMNS: &'static [Column] = &[Column::count("cdn_hits")];

    /// The CDN of a validated spec; stream `cdn`.
    pub fn new(spec: &CdnSpec, streams: &Streams) -> Cdn {
        Cdn {
            hit_ratio: spec.hit_ratio,
            capacity_per_s: spec.capacity_per_s,
            latency: Sampler::new(&spec.latency),
            rng: streams.get("cdn"),
            hits_this_second: 0,
            down: false,
        }
    }

    /// A request arrives: the latency of a hit, or `None` to pass it on.
    pub fn serves(&mut self) -> Option<Span> {
        if self.down {
            return None;
        }
        let hit = self.rng.random::<f64>() < self.hit_ratio;
        if hit && (self.hits_this_second as f64) < self.capacity_per_s {
            self.hits_this_second += 1;
            return Some(self.latency.sample(&mut self.rng));
        }
        None
    }

    /// An outage starts (`true`) or ends.
    pub fn set_down(&mut self, down: bool) {
        self.down = down;
    }

    /// Appends this second's gauges and starts the next second.
    pub fn sample(&mut self, row: &mut Vec<f64>) {
        row.push(std::mem::take(&mut self.hits_this_second) as f64);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{DistributionSpec, Duration};

    fn cdn(hit_ratio: f64, capacity_per_s: f64) -> Cdn {
        let spec = CdnSpec {
            hit_ratio,
            capacity_per_s,
            latency: DistributionSpec::Det {
                value: Duration::from_secs_f64(0.04),
            },
        };
        Cdn::new(&spec, &Streams::new(1, 0))
    }

    #[test]
    fn serves_its_hit_ratio_within_three_sigma() {
        let mut cdn = cdn(0.9, f64::INFINITY);
        let n = 100_000.0_f64;
        let hits = (0..100_000).filter(|_| cdn.serves().is_some()).count() as f64;
        let sigma = (n * 0.9 * 0.1).sqrt();
        assert!((hits - 0.9 * n).abs() < 3.0 * sigma, "{hits} hits of {n}");
    }

    #[test]
    fn serves_at_most_its_capacity_per_second_and_nothing_when_down() {
        let mut cdn = cdn(1.0, 100.0);
        assert_eq!((0..1000).filter(|_| cdn.serves().is_some()).count(), 100);
        let mut row = Vec::new();
        cdn.sample(&mut row);
        assert_eq!(row, vec![100.0]);
        assert_eq!((0..1000).filter(|_| cdn.serves().is_some()).count(), 100);
        cdn.sample(&mut row);
        cdn.set_down(true);
        assert_eq!((0..1000).filter(|_| cdn.serves().is_some()).count(), 0);
    }
}
