//! A Redis-like cache in front of seat-map reads: one entry per show, fresh
//! for `ttl` after a fetch fills it. A miss fetches from the next component on
//! the route. With coalescing (Facebook's leases, NSDI 2013), concurrent misses
//! for one entry wait for the one fetch instead of each fetching: the stampede
//! of reads that follows an expiry under load becomes a single read.

use std::collections::BTreeMap;

use crate::engine::{Rng, Span, Streams, Time};
use crate::model::CacheSpec;
use crate::onsale::metrics::Column;
use crate::onsale::request::Request;
use crate::sampler::Sampler;

/// The cache's one event.
#[derive(Clone, Copy, Debug)]
pub enum CacheEvent {
    /// A hit is answered.
    Hit(Request),
}

/// What a lookup does with a request.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Lookup {
    /// A fresh entry: answered after this latency.
    Hit(Span),
    /// A miss: the request goes on down the route to fetch the entry.
    Fetch,
    /// A miss while the entry is being fetched: it waits for that fetch.
    Wait,
}

#[derive(Clone, Debug, Default)]
struct Entry {
    filled_at: Option<Time>,
    fetching: bool,
    waiters: Vec<Request>,
}

/// Per-second and whole-run counts.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct CacheCounts {
    /// Requests answered from a fresh entry.
    pub hits: u64,
    /// Misses sent down the route (reads of the origin).
    pub fetches: u64,
    /// Misses that waited for another request's fetch.
    pub coalesced: u64,
}

/// The cache.
pub struct Cache {
    ttl: Span,
    capacity: usize,
    hit_latency: Sampler,
    rng: Rng,
    coalescing: bool,
    down: bool,
    entries: BTreeMap<u32, Entry>,
    second: CacheCounts,
    total: CacheCounts,
    peak_fetches_per_s: u64,
}

impl Cache {
    /// Time-series columns.
    pub const COLUMNS: &'static [Column] = &[
        Column::count("cache_hits"),
        Column::count("cache_fetches"),
        Column::count("cache_coalesced"),
    ];

    /// The cache of a validated spec; stream `cache`.
    pub fn new(spec: &CacheSpec, streams: &Streams) -> Cache {
        Cache {
            ttl: spec.ttl.span(),
            capacity: spec.capacity.max(1) as usize,
            hit_latency: Sampler::new(&spec.hit_latency),
            rng: streams.get("cache"),
            coalescing: spec.coalescing,
            down: false,
            entries: BTreeMap::new(),
            second: CacheCounts::default(),
            total: CacheCounts::default(),
            peak_fetches_per_s: 0,
        }
    }

    /// `request` looks up entry `key` at `now`.
    pub fn lookup(&mut self, now: Time, key: u32, request: Request) -> Lookup {
        if self.down {
            self.count(|c| c.fetches += 1);
            return Lookup::Fetch;
        }
        let entry = self.entries.entry(key).or_default();
        if entry
            .filled_at
            .is_some_and(|filled| now < filled + self.ttl)
        {
            self.count(|c| c.hits += 1);
            return Lookup::Hit(self.hit_latency.sample(&mut self.rng));
        }
        if self.coalescing && entry.fetching {
            entry.waiters.push(request);
            self.count(|c| c.coalesced += 1);
            return Lookup::Wait;
        }
        entry.fetching = true;
        self.count(|c| c.fetches += 1);
        Lookup::Fetch
    }

    fn count(&mut self, add: impl Fn(&mut CacheCounts)) {
        add(&mut self.second);
        add(&mut self.total);
    }

    /// A fetch of `key` came back (`filled`: with the entry, else with an
    /// error). Returns the requests that waited for it; they get the same answer.
    pub fn fetched(&mut self, now: Time, key: u32, filled: bool) -> Vec<Request> {
        let Some(entry) = self.entries.get_mut(&key) else {
            return Vec::new();
        };
        entry.fetching = false;
        if filled && !self.down {
            entry.filled_at = Some(now);
        }
        let waiters = std::mem::take(&mut entry.waiters);
        self.evict();
        waiters
    }

    /// Beyond capacity, the oldest-filled idle entry goes.
    fn evict(&mut self) {
        while self.entries.len() > self.capacity {
            let oldest = self
                .entries
                .iter()
                .filter(|(_, entry)| !entry.fetching && entry.waiters.is_empty())
                .min_by_key(|(_, entry)| entry.filled_at)
                .map(|(key, _)| *key);
            match oldest {
                Some(key) => self.entries.remove(&key),
                None => return,
            };
        }
    }

    /// The cache is down (a crash fault: every lookup misses and fetches) or back, empty.
    pub fn set_down(&mut self, down: bool) {
        if down && !self.down {
            for entry in self.entries.values_mut() {
                entry.filled_at = None;
            }
        }
        self.down = down;
    }

    /// Whole-run counts.
    pub fn totals(&self) -> CacheCounts {
        self.total
    }

    /// Most fetches in one second.
    pub fn peak_fetches_per_s(&self) -> u64 {
        self.peak_fetches_per_s
    }

    /// Appends this second's gauges and starts the next second.
    pub fn sample(&mut self, row: &mut Vec<f64>) {
        let second = std::mem::take(&mut self.second);
        self.peak_fetches_per_s = self.peak_fetches_per_s.max(second.fetches);
        row.push(second.hits as f64);
        row.push(second.fetches as f64);
        row.push(second.coalesced as f64);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{DistributionSpec, Duration};
    use crate::onsale::request::Endpoint;

    fn cache(coalescing: bool) -> Cache {
        let spec = CacheSpec {
            ttl: Duration::from_secs_f64(2.0),
            capacity: 2,
            hit_latency: DistributionSpec::Det {
                value: Duration::from_secs_f64(0.001),
            },
            coalescing,
        };
        Cache::new(&spec, &Streams::new(1, 0))
    }

    fn request(fan: u32) -> Request {
        Request {
            fan,
            sequence: 1,
            endpoint: Endpoint::SeatMap,
            hop: 1,
            timed: true,
            timer: Default::default(),
            issued: Time::OPENING,
            stage_arrived: Time::OPENING,
        }
    }

    fn at(ms: i64) -> Time {
        Time::OPENING + Span(ms * 1_000_000)
    }

    #[test]
    fn one_fetch_serves_every_concurrent_miss_with_coalescing() {
        let mut cache = cache(true);
        assert_eq!(cache.lookup(at(0), 7, request(0)), Lookup::Fetch);
        for fan in 1..=9 {
            assert_eq!(cache.lookup(at(10), 7, request(fan)), Lookup::Wait);
        }
        let waiters = cache.fetched(at(50), 7, true);
        assert_eq!(waiters.len(), 9);
        assert!(matches!(
            cache.lookup(at(60), 7, request(10)),
            Lookup::Hit(_)
        ));
        // Fresh for the TTL only.
        assert!(matches!(
            cache.lookup(at(2049), 7, request(11)),
            Lookup::Hit(_)
        ));
        assert_eq!(cache.lookup(at(2050), 7, request(12)), Lookup::Fetch);
        assert_eq!(
            cache.totals(),
            CacheCounts {
                hits: 2,
                fetches: 2,
                coalesced: 9
            }
        );
    }

    #[test]
    fn without_coalescing_every_concurrent_miss_fetches() {
        let mut cache = cache(false);
        for fan in 0..10 {
            assert_eq!(cache.lookup(at(fan), 7, request(fan as u32)), Lookup::Fetch);
        }
        assert!(cache.fetched(at(50), 7, true).is_empty());
        assert_eq!(cache.totals().fetches, 10);
    }

    #[test]
    fn a_failed_fetch_leaves_the_entry_stale_and_answers_the_waiters() {
        let mut cache = cache(true);
        assert_eq!(cache.lookup(at(0), 1, request(0)), Lookup::Fetch);
        assert_eq!(cache.lookup(at(1), 1, request(1)), Lookup::Wait);
        assert_eq!(cache.fetched(at(5), 1, false).len(), 1);
        assert_eq!(cache.lookup(at(6), 1, request(2)), Lookup::Fetch);
    }

    #[test]
    fn keeps_at_most_its_capacity_and_misses_everything_while_down() {
        let mut cache = cache(true);
        for key in 0..5 {
            cache.lookup(at(key), key as u32, request(0));
            cache.fetched(at(key), key as u32, true);
        }
        assert_eq!(cache.entries.len(), 2);
        assert!(matches!(
            cache.lookup(at(10), 4, request(0)),
            Lookup::Hit(_)
        ));
        cache.set_down(true);
        assert_eq!(cache.lookup(at(11), 4, request(0)), Lookup::Fetch);
        cache.set_down(false);
        assert_eq!(cache.lookup(at(12), 4, request(0)), Lookup::Fetch);
    }

    #[test]
    fn evicts_the_oldest_filled_idle_entry_never_one_being_fetched() {
        // Capacity 2. Key 1 is filled first, key 2 second; key 3 is mid-fetch
        // when key 4 fills, so key 1 (the oldest filled) must go, then key 2.
        let mut cache = cache(true);
        for (key, t) in [(1, 0), (2, 10)] {
            cache.lookup(at(t), key, request(0));
            cache.fetched(at(t), key, true);
        }
        assert_eq!(cache.lookup(at(20), 3, request(0)), Lookup::Fetch);
        cache.lookup(at(30), 4, request(0));
        cache.fetched(at(30), 4, true);
        assert!(
            cache.entries.contains_key(&3),
            "an entry being fetched stays"
        );
        assert!(!cache.entries.contains_key(&1), "the oldest filled goes");
        assert!(!cache.entries.contains_key(&2));
        assert!(matches!(
            cache.lookup(at(40), 4, request(0)),
            Lookup::Hit(_)
        ));
        cache.fetched(at(50), 3, true);
        assert_eq!(cache.entries.len(), 2);
        assert!(matches!(
            cache.lookup(at(60), 3, request(0)),
            Lookup::Hit(_)
        ));
    }

    #[test]
    fn a_refetch_after_the_ttl_restarts_it_and_counts_go_per_second() {
        let mut cache = cache(false);
        cache.lookup(at(0), 1, request(0));
        cache.fetched(at(0), 1, true);
        assert_eq!(cache.lookup(at(2000), 1, request(1)), Lookup::Fetch);
        assert_eq!(cache.lookup(at(2001), 1, request(2)), Lookup::Fetch);
        cache.fetched(at(2500), 1, true);
        // Fresh from the refill at 2.5 s until 4.5 s.
        assert_eq!(
            cache.lookup(at(4499), 1, request(3)),
            Lookup::Hit(Span(1_000_000))
        );
        assert_eq!(cache.lookup(at(4500), 1, request(4)), Lookup::Fetch);
        let mut row = Vec::new();
        cache.sample(&mut row);
        assert_eq!(row, vec![1.0, 4.0, 0.0]);
        cache.lookup(at(5000), 2, request(5));
        cache.sample(&mut row);
        assert_eq!(&row[3..], &[0.0, 1.0, 0.0]);
        assert_eq!(cache.peak_fetches_per_s(), 4);
    }
}
