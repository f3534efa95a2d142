//! The access-code check (Verified Fan or presale codes): its own service pool
//! and bounded queue, in front of shopping. Every admitted session has its code
//! checked, bots included; fans hold valid codes, and a bot holds one with
//! `bot_valid_share`. This is the service the Eras 2022 bot traffic attacked.

use crate::engine::{Rng, Span, Streams, Time};
use crate::model::AccessCheckSpec;
use crate::onsale::metrics::{Column, ErrorKind};
use crate::onsale::request::Request;
use crate::queueing::{Admission, Station};
use crate::sampler::Sampler;

/// The check's one event.
#[derive(Clone, Copy, Debug)]
pub enum AccessCheckEvent {
    /// A check finishes.
    Checked(Request),
}

/// What became of a request that reached the check.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CheckEntry {
    /// A worker took it; the check takes this long.
    Started(Span),
    /// It waits for a worker.
    Queued,
    /// Refused at once (HTTP 503).
    Refused(ErrorKind),
}

/// The access-check service.
pub struct AccessCheck {
    pool: Station<Request>,
    service: Sampler,
    rng: Rng,
    workers: u32,
    bot_valid_share: f64,
    /// Seed of the per-bot validity draw, so a bot's code is the same on every try.
    validity_seed: u64,
    added_latency: Span,
    checks_this_second: u64,
    denied_this_second: u64,
    /// Workers left after faults.
    fault_workers: u32,
    /// Workers busy with visitors' checks this second (a fluid: see `set_background`).
    background: u32,
    /// Mean time of one check, in seconds.
    mean_service_s: f64,
    /// Checks of fans and bots that arrived this second and the last.
    arrived_this_second: u64,
    arrived_last_second: u64,
}

/// SplitMix64: a fixed, well-mixed function of (seed, bot), uniform on [0, 1).
fn unit_hash(seed: u64, bot: u32) -> f64 {
    let mut z = seed ^ u64::from(bot).wrapping_mul(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^= z >> 31;
    (z >> 11) as f64 / (1u64 << 53) as f64
}

impl AccessCheck {
    /// Time-series columns.
    pub const COLUMNS: &'static [Column] = &[
        Column::count("access_check_in_flight"),
        Column::count("access_check_queue"),
        Column::real("access_check_utilization"),
        Column::count("access_checks"),
        Column::count("access_denied"),
    ];

    /// The check of a validated spec; streams `access_check` and `access_check:codes`.
    pub fn new(spec: &AccessCheckSpec, streams: &Streams) -> AccessCheck {
        use rand::Rng as _;
        AccessCheck {
            pool: Station::new(
                spec.workers,
                Some(spec.workers.saturating_add(spec.queue)),
                Time(i64::MIN),
            ),
            service: Sampler::new(&spec.service),
            rng: streams.get("access_check"),
            workers: spec.workers,
            bot_valid_share: spec.bot_valid_share,
            validity_seed: streams.get("access_check:codes").next_u64(),
            added_latency: Span::ZERO,
            checks_this_second: 0,
            denied_this_second: 0,
            fault_workers: spec.workers,
            background: 0,
            mean_service_s: spec.service.mean_secs(),
            arrived_this_second: 0,
            arrived_last_second: 0,
        }
    }

    /// A request reaches the check.
    pub fn arrive(&mut self, now: Time, request: Request) -> CheckEntry {
        self.arrived_this_second += 1;
        match self.pool.arrive(now, request) {
            Admission::Serve(_) => CheckEntry::Started(self.duration()),
            Admission::Queued => CheckEntry::Queued,
            Admission::Blocked(_) => CheckEntry::Refused(ErrorKind::Rejected),
        }
    }

    fn duration(&mut self) -> Span {
        self.service.sample(&mut self.rng) + self.added_latency
    }

    /// A check ends: the next waiting check starts (with its duration), and the
    /// verdict on this one's code.
    pub fn finish(
        &mut self,
        now: Time,
        request: &Request,
        is_bot: bool,
    ) -> (Option<(Request, Span)>, bool) {
        let next = self
            .pool
            .depart(now, request.stage_arrived)
            .map(|waiting| (waiting.job, self.duration()));
        let valid = !is_bot || unit_hash(self.validity_seed, request.fan) < self.bot_valid_share;
        self.checks_this_second += 1;
        self.denied_this_second += u64::from(!valid);
        (next, valid)
    }

    /// Workers left after faults: waiting checks that start, with durations.
    pub fn resize(&mut self, now: Time, workers: u32) -> Vec<(Request, Span)> {
        self.fault_workers = workers;
        self.apply_workers(now)
    }

    /// Visitors' checks arriving at `checks_per_s` this second take their share
    /// of the workers: all they need if the pool has room, else a share in
    /// proportion to their offered load against the fans' and bots' (last
    /// second's), as a FIFO queue in overload treats every check alike.
    /// Returns the share of the visitors' checks refused (HTTP 503), and the
    /// waiting checks that start.
    pub fn set_background(&mut self, now: Time, checks_per_s: f64) -> (f64, Vec<(Request, Span)>) {
        let wanted = checks_per_s * self.mean_service_s;
        let workers = f64::from(self.fault_workers);
        let others = self.arrived_last_second as f64 * self.mean_service_s;
        let granted = if wanted + others <= workers {
            wanted
        } else {
            workers * wanted / (wanted + others)
        };
        self.background = (granted.round() as u32).min(self.fault_workers);
        let refused = if wanted > 0.0 {
            (1.0 - granted / wanted).max(0.0)
        } else {
            0.0
        };
        (refused, self.apply_workers(now))
    }

    fn apply_workers(&mut self, now: Time) -> Vec<(Request, Span)> {
        let workers = self.fault_workers.saturating_sub(self.background);
        let started = self.pool.set_servers(now, workers);
        started
            .into_iter()
            .map(|waiting| (waiting.job, self.duration()))
            .collect()
    }

    /// Workers before faults.
    pub fn workers(&self) -> u32 {
        self.workers
    }

    /// A fault adds latency to every check (zero when it ends).
    pub fn set_added_latency(&mut self, latency: Span) {
        self.added_latency = latency;
    }

    /// Appends this second's gauges and starts the next second.
    pub fn sample(&mut self, row: &mut Vec<f64>) {
        // Workers busy with visitors' checks are busy too.
        let busy = self.pool.busy() + self.background;
        row.push(f64::from(busy));
        row.push(self.pool.queue_len() as f64);
        row.push(super::app::utilization(
            busy,
            self.pool.servers() + self.background,
        ));
        row.push(std::mem::take(&mut self.checks_this_second) as f64);
        row.push(std::mem::take(&mut self.denied_this_second) as f64);
        self.arrived_last_second = std::mem::take(&mut self.arrived_this_second);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_bot_validity_draw_is_uniform_and_fixed_per_bot() {
        let n = 100_000;
        let valid = (0..n).filter(|bot| unit_hash(42, *bot) < 0.25).count() as f64;
        let sigma = (f64::from(n) * 0.25 * 0.75).sqrt();
        assert!((valid - 0.25 * f64::from(n)).abs() < 3.0 * sigma, "{valid}");
        assert_eq!(unit_hash(42, 7), unit_hash(42, 7));
        assert_ne!(unit_hash(42, 7), unit_hash(43, 7));
    }

    use crate::model::{DistributionSpec, Duration};
    use crate::onsale::request::Endpoint;

    const SEED: u64 = 29;

    fn check(bot_valid_share: f64) -> AccessCheck {
        AccessCheck::new(
            &AccessCheckSpec {
                workers: 2,
                queue: 2,
                service: DistributionSpec::Det {
                    value: Duration::from_secs_f64(0.05),
                },
                bot_valid_share,
            },
            &Streams::new(SEED, 0),
        )
    }

    fn request(fan: u32) -> Request {
        Request {
            fan,
            sequence: 1,
            endpoint: Endpoint::AccessCode,
            hop: 0,
            timed: true,
            timer: Default::default(),
            issued: Time::OPENING,
            stage_arrived: Time::OPENING,
        }
    }

    #[test]
    fn workers_then_a_bounded_queue_then_503s() {
        let mut check = check(0.0);
        let ms = |ms: i64| Span(ms * 1_000_000);
        let t = Time::OPENING;
        assert_eq!(check.arrive(t, request(0)), CheckEntry::Started(ms(50)));
        assert_eq!(check.arrive(t, request(1)), CheckEntry::Started(ms(50)));
        assert_eq!(check.arrive(t, request(2)), CheckEntry::Queued);
        assert_eq!(check.arrive(t, request(3)), CheckEntry::Queued);
        assert_eq!(
            check.arrive(t, request(4)),
            CheckEntry::Refused(ErrorKind::Rejected)
        );
        check.set_added_latency(ms(100));
        let (next, valid) = check.finish(t + ms(50), &request(0), false);
        assert!(valid, "a fan's code is always valid");
        assert_eq!(next.map(|(r, d)| (r.fan, d)), Some((2, ms(150))));
        let mut row = Vec::new();
        check.sample(&mut row);
        assert_eq!(row, vec![2.0, 1.0, 1.0, 1.0, 0.0]);
        // One more worker starts the last waiter.
        assert_eq!(check.resize(t + ms(60), 3).len(), 1);
        assert_eq!(check.workers(), 2);
    }

    #[test]
    fn bots_pass_at_their_valid_share_and_keep_their_verdict() {
        let mut check = check(0.2);
        let n = 20_000u32;
        let verdicts: Vec<bool> = (0..n)
            .map(|bot| {
                check.arrive(Time::OPENING, request(bot));
                check.finish(Time::OPENING, &request(bot), true).1
            })
            .collect();
        let valid = verdicts.iter().filter(|v| **v).count() as f64;
        // Binomial(20,000, 0.2): 3σ = 3 √(n p (1 − p)) ≈ 170.
        let sigma = (f64::from(n) * 0.2 * 0.8).sqrt();
        assert!(
            (valid - 0.2 * f64::from(n)).abs() < 3.0 * sigma,
            "seed {SEED}: {valid} of {n}"
        );
        for bot in 0..100 {
            check.arrive(Time::OPENING, request(bot));
            let again = check.finish(Time::OPENING, &request(bot), true).1;
            assert_eq!(again, verdicts[bot as usize], "seed {SEED}: bot {bot}");
        }
        let mut row = Vec::new();
        check.sample(&mut row);
        assert_eq!(row[3], f64::from(n) + 100.0);
        assert_eq!(
            row[4],
            f64::from(n) + 100.0 - valid - verdicts[..100].iter().filter(|v| **v).count() as f64
        );
    }
}
