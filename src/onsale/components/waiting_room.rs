//! The virtual waiting room: a pre-queue before the opening, ordered at the
//! opening (shuffled or FIFO), then first-come-first-served, drained at a set
//! outflow. Every session of a fan is its own queue entry.

mod entries;

use rand::RngExt;

use crate::engine::{Rng, Streams, Time};
use crate::model::{AdmissionPolicy, WaitingRoomMode, WaitingRoomSpec};
use crate::onsale::metrics::Column;
use entries::Entries;

/// Queue entries waiting for admission.
pub struct WaitingRoom {
    mode: WaitingRoomMode,
    pre_queue: Vec<u32>,
    queue: Entries,
    shuffle: Rng,
    per_second: f64,
    carry: f64,
    open: bool,
    /// Outflow per minute now (operators and the adaptive controller change it).
    outflow_per_min: f64,
    poll_interval_s: f64,
    /// Entries admitted in the current second.
    admitted_this_second: u64,
    /// With concurrency admission: the most fans holding a token or shopping.
    max_active: Option<u64>,
    /// Fans admitted whose journey has not ended.
    active: u64,
    /// Fans waiting now (a fan's several entries count once; a fan who gave
    /// up no longer waits, though their entries stay queued).
    fans_waiting: u64,
    /// Fans who ever joined, and the time those who left spent waiting: with
    /// the gauge, L = λW can be checked on any run.
    fans_joined: u64,
    waited_ns: u128,
}

impl WaitingRoom {
    /// Time-series columns.
    pub const COLUMNS: &'static [Column] = &[
        Column::count("waiting_room_entries"),
        Column::count("waiting_room_fans"),
        Column::count("admitted"),
        Column::real("waiting_room_polls_per_s"),
    ];

    /// An empty room; stream `waiting_room:shuffle` orders the pre-queue under
    /// `randomized_prequeue`.
    pub fn new(spec: &WaitingRoomSpec, streams: &Streams) -> WaitingRoom {
        WaitingRoom {
            mode: spec.mode,
            pre_queue: Vec::new(),
            queue: Entries::default(),
            shuffle: streams.get("waiting_room:shuffle"),
            per_second: spec.outflow_per_min / 60.0,
            carry: 0.0,
            open: false,
            outflow_per_min: spec.outflow_per_min,
            poll_interval_s: spec.poll_interval.as_secs_f64(),
            admitted_this_second: 0,
            max_active: match spec.admission {
                AdmissionPolicy::Concurrency => spec.max_active.map(u64::from),
                AdmissionPolicy::Rate => None,
            },
            active: 0,
            fans_waiting: 0,
            fans_joined: 0,
            waited_ns: 0,
        }
    }

    /// True when fans skip the room entirely.
    pub fn is_bypassed(&self) -> bool {
        self.mode == WaitingRoomMode::None
    }

    /// A fan joins with `sessions` entries.
    pub fn join(&mut self, now: Time, fan: u32, sessions: u8) {
        for _ in 0..sessions.max(1) {
            if now < Time::OPENING && !self.open {
                self.pre_queue.push(fan);
            } else {
                self.queue.push_back(fan);
            }
        }
    }

    /// A fan starts waiting (after `join` placed their entries).
    pub fn fan_joined(&mut self) {
        self.fans_waiting += 1;
        self.fans_joined += 1;
    }

    /// A fan who joined at `queued` stops waiting now.
    pub fn fan_left(&mut self, now: Time, queued: Time) {
        debug_assert!(self.fans_waiting > 0, "a fan left who never joined");
        self.fans_waiting = self.fans_waiting.saturating_sub(1);
        self.waited_ns += now.since(queued).0.max(0) as u128;
    }

    /// Fans who joined, and the seconds those who left spent waiting.
    pub fn waits(&self) -> (u64, f64) {
        (self.fans_joined, self.waited_ns as f64 / 1e9)
    }

    /// At the opening: order the pre-queue and start admitting.
    pub fn open(&mut self) {
        if self.mode == WaitingRoomMode::RandomizedPrequeue {
            // Fisher–Yates from the room's own stream.
            for i in (1..self.pre_queue.len()).rev() {
                let j = self.shuffle.random_range(0..=i);
                self.pre_queue.swap(i, j);
            }
        }
        // The pre-queue's buffer becomes the queue's (no copy): at a big
        // on-sale it holds millions of entries.
        let mut ordered = Entries::from_vec(std::mem::take(&mut self.pre_queue));
        while let Some(fan) = self.queue.pop_front() {
            ordered.push_back(fan);
        }
        self.queue = ordered;
        self.open = true;
    }

    /// True when admission keeps a number of shoppers rather than a rate.
    pub fn caps_concurrency(&self) -> bool {
        self.max_active.is_some()
    }

    /// With concurrency admission: the next entry, while a shopper's place is free.
    pub fn admit_next(&mut self) -> Option<u32> {
        if self.active >= self.max_active? {
            return None;
        }
        let fan = self.queue.pop_front()?;
        self.admitted_this_second += 1;
        Some(fan)
    }

    /// A fan was let in (they count against the cap until they leave).
    pub fn shopper_entered(&mut self) {
        self.active += 1;
    }

    /// An admitted fan's journey ended: their place frees.
    pub fn shopper_left(&mut self) {
        debug_assert!(self.active > 0, "a shopper left who never entered");
        self.active = self.active.saturating_sub(1);
    }

    /// Fans admitted whose journey has not ended.
    pub fn active(&self) -> u64 {
        self.active
    }

    /// The entries admitted this second (fractional outflow carries over).
    pub fn admit_batch(&mut self) -> Vec<u32> {
        self.carry += self.per_second;
        let count = (self.carry.floor() as usize).min(self.queue.len());
        self.carry -= count as f64;
        if self.queue.is_empty() {
            // An empty queue does not bank admissions for later.
            self.carry = self.carry.min(1.0);
        }
        self.admitted_this_second += count as u64;
        self.queue.take_front(count)
    }

    /// Operators or the adaptive controller change the outflow (never below 0).
    pub fn set_outflow(&mut self, per_min: f64) {
        self.outflow_per_min = per_min.max(0.0);
        self.per_second = self.outflow_per_min / 60.0;
    }

    /// Outflow per minute now.
    pub fn outflow_per_min(&self) -> f64 {
        self.outflow_per_min
    }

    /// Appends this second's gauges and starts the next second.
    pub fn sample(&mut self, row: &mut Vec<f64>) {
        let entries = self.entries() as f64;
        row.push(entries);
        row.push(self.fans_waiting as f64);
        row.push(std::mem::take(&mut self.admitted_this_second) as f64);
        row.push(entries / self.poll_interval_s);
    }

    /// Entries waiting (pre-queue included).
    pub fn entries(&self) -> usize {
        self.pre_queue.len() + self.queue.len()
    }

    /// Empties the room (sold out); returns the fans whose entries were
    /// dropped, in id order, each once.
    pub fn clear(&mut self) -> Vec<u32> {
        let entries = self
            .pre_queue
            .drain(..)
            .chain(std::iter::from_fn(|| self.queue.pop_front()));
        distinct_in_order(entries)
    }
}

/// The distinct fans of `entries` in id order, through a bitmap of ids: a
/// sold-out room may hold millions of entries (oasis-2025: sorting them was
/// 2% of the run), and a bitmap pass costs one bit per id.
fn distinct_in_order(entries: impl Iterator<Item = u32>) -> Vec<u32> {
    let mut words: Vec<u64> = Vec::new();
    let mut count = 0;
    for fan in entries {
        let word = fan as usize / 64;
        if word >= words.len() {
            words.resize(word + 1, 0);
        }
        let bit = 1 << (fan % 64);
        count += usize::from(words[word] & bit == 0);
        words[word] |= bit;
    }
    let mut fans = Vec::with_capacity(count);
    for (index, &word) in words.iter().enumerate() {
        let mut rest = word;
        while rest != 0 {
            fans.push(index as u32 * 64 + rest.trailing_zeros());
            rest &= rest - 1;
        }
    }
    fans
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::Span;
    use crate::model::Duration;

    const SEED: u64 = 11;

    fn room(mode: WaitingRoomMode, outflow_per_min: f64, max_active: Option<u32>) -> WaitingRoom {
        let spec = WaitingRoomSpec {
            mode,
            opens: Duration::from_secs_f64(-1800.0),
            outflow_per_min,
            token_ttl: Duration::from_secs_f64(600.0),
            poll_interval: Duration::from_secs_f64(30.0),
            capacity_per_s: 20_000.0,
            refresh_interval: None,
            adaptive: None,
            admission: if max_active.is_some() {
                AdmissionPolicy::Concurrency
            } else {
                AdmissionPolicy::Rate
            },
            max_active,
        };
        WaitingRoom::new(&spec, &Streams::new(SEED, 0))
    }

    fn before_opening() -> Time {
        Time::OPENING - Span::from_secs(60)
    }

    fn after_opening() -> Time {
        Time::OPENING + Span::from_secs(1)
    }

    #[test]
    fn admits_floor_of_outflow_times_seconds_with_the_fractional_carry() {
        // 100/min = 5/3 per second: after t seconds exactly floor(5t/3) are in,
        // never one ahead, never one behind (the carry keeps the fraction).
        let mut room = room(WaitingRoomMode::Fifo, 100.0, None);
        for fan in 0..10_000 {
            room.join(after_opening(), fan, 1);
        }
        room.open();
        let mut admitted = 0u64;
        for t in 1..=600u64 {
            let batch: Vec<u32> = room.admit_batch();
            // FIFO: this second's entries are the next ones in arrival order.
            let expected: Vec<u32> =
                (admitted as u32..admitted as u32 + batch.len() as u32).collect();
            assert_eq!(batch, expected, "second {t}");
            admitted += batch.len() as u64;
            assert_eq!(admitted, 5 * t / 3, "after {t} s at 100/min");
            let mut row = Vec::new();
            room.sample(&mut row);
            assert_eq!(row[2], batch.len() as f64, "admitted column, second {t}");
        }
        assert_eq!(room.entries(), 10_000 - 1000);
    }

    #[test]
    fn an_empty_queue_banks_at_most_one_admission() {
        // 90/min = 1.5 per second. Idle for 100 s, then 1,000 entries: the first
        // second admits floor(1 + 1.5) = 2, not the 150 an unbounded carry would.
        let mut room = room(WaitingRoomMode::Fifo, 90.0, None);
        room.open();
        for _ in 0..100 {
            assert_eq!(room.admit_batch().len(), 0);
        }
        for fan in 0..1000 {
            room.join(after_opening(), fan, 1);
        }
        assert_eq!(room.admit_batch().len(), 2);
        // Then 1.5 per second: 1, 2, 1, 2, ...
        let next: Vec<usize> = (0..4).map(|_| room.admit_batch().len()).collect();
        assert_eq!(next, vec![2, 1, 2, 1]);
    }

    #[test]
    fn set_outflow_changes_the_rate_and_never_goes_below_zero() {
        let mut room = room(WaitingRoomMode::Fifo, 600.0, None);
        for fan in 0..1000 {
            room.join(after_opening(), fan, 1);
        }
        room.open();
        assert_eq!(room.admit_batch().len(), 10);
        room.set_outflow(120.0);
        assert_eq!(room.outflow_per_min(), 120.0);
        assert_eq!(room.admit_batch().len(), 2);
        room.set_outflow(-50.0);
        assert_eq!(room.outflow_per_min(), 0.0);
        assert_eq!(room.admit_batch().len(), 0);
    }

    fn drain(room: &mut WaitingRoom) -> Vec<u32> {
        room.set_outflow(1e12);
        room.admit_batch()
    }

    #[test]
    fn the_randomized_pre_queue_is_a_fair_permutation_then_fifo_after_opening() {
        let n = 1000u32;
        let mut room = room(WaitingRoomMode::RandomizedPrequeue, 2000.0, None);
        for fan in 0..n {
            room.join(before_opening(), fan, 1);
        }
        room.open();
        for fan in n..n + 100 {
            room.join(after_opening(), fan, 1);
        }
        let order = drain(&mut room);
        let (pre, post) = order.split_at(n as usize);
        let mut sorted = pre.to_vec();
        sorted.sort_unstable();
        assert_eq!(
            sorted,
            (0..n).collect::<Vec<_>>(),
            "seed {SEED}: not a permutation"
        );
        assert_eq!(
            post,
            (n..n + 100).collect::<Vec<_>>(),
            "seed {SEED}: not FIFO after the opening"
        );
        // Uniform shuffle: E|position − arrival| = (n² − 1)/(3n) ≈ 333. Each
        // displacement has sd ≈ n/√18 ≈ 236, so the mean of 1,000 has sd ≈ 7.5
        // (treating them as independent); ±25 is over 3σ. Adjacent swaps or
        // a partial shuffle land far outside it.
        let mean = pre
            .iter()
            .enumerate()
            .map(|(position, &fan)| (position as f64 - f64::from(fan)).abs())
            .sum::<f64>()
            / f64::from(n);
        let expected = (f64::from(n).powi(2) - 1.0) / (3.0 * f64::from(n));
        assert!(
            (mean - expected).abs() < 25.0,
            "seed {SEED}: mean displacement {mean}, expected {expected}"
        );
    }

    #[test]
    fn fifo_mode_keeps_the_pre_queue_in_arrival_order_with_one_entry_per_session() {
        let mut room = room(WaitingRoomMode::Fifo, 2000.0, None);
        room.join(before_opening(), 7, 3);
        room.join(before_opening(), 8, 0);
        room.join(before_opening(), 9, 1);
        assert_eq!(room.entries(), 5);
        room.open();
        room.join(after_opening(), 10, 2);
        assert_eq!(drain(&mut room), vec![7, 7, 7, 8, 9, 10, 10]);
        assert!(!room.is_bypassed());
    }

    #[test]
    fn the_concurrency_cap_is_never_exceeded_and_each_leaver_lets_one_in() {
        let cap = 50u32;
        let mut room = room(WaitingRoomMode::Fifo, 0.0, Some(cap));
        assert!(room.caps_concurrency());
        for fan in 0..2000 {
            room.join(after_opening(), fan, 1);
        }
        room.open();
        let mut rng = Streams::new(SEED, 0).get("test:leavers");
        let mut next_expected = 0u32;
        for step in 0..200 {
            while let Some(fan) = room.admit_next() {
                assert_eq!(fan, next_expected, "seed {SEED}: FIFO admission");
                next_expected += 1;
                room.shopper_entered();
                assert!(room.active() <= u64::from(cap), "seed {SEED}, step {step}");
            }
            // While entries remain, the room is exactly full.
            if room.entries() > 0 {
                assert_eq!(room.active(), u64::from(cap), "seed {SEED}, step {step}");
            }
            let leavers = rng.random_range(0..=room.active().min(20));
            for _ in 0..leavers {
                room.shopper_left();
            }
        }
        assert!(next_expected > cap, "seed {SEED}: leavers were replaced");
    }

    #[test]
    fn rate_admission_never_admits_one_by_one() {
        let mut room = room(WaitingRoomMode::Fifo, 2000.0, None);
        room.join(after_opening(), 1, 1);
        room.open();
        assert!(!room.caps_concurrency());
        assert_eq!(room.admit_next(), None);
        assert_eq!(room.entries(), 1);
    }

    #[test]
    fn clearing_returns_each_dropped_fan_once_and_polls_follow_the_entries() {
        let mut room = room(WaitingRoomMode::RandomizedPrequeue, 60.0, None);
        room.join(before_opening(), 5, 2);
        room.join(before_opening(), 3, 1);
        room.open();
        room.join(after_opening(), 5, 1);
        let mut row = Vec::new();
        room.sample(&mut row);
        // 4 entries polling every 30 s.
        assert_eq!(row[0], 4.0);
        assert_eq!(row[3], 4.0 / 30.0);
        assert_eq!(room.clear(), vec![3, 5]);
        assert_eq!(room.entries(), 0);
    }

    proptest::proptest! {
        /// The bitmap agrees with the naive sort-and-dedup (repeats, id 0
        /// and ids on word edges arise often in 0..5000).
        #[test]
        fn distinct_fans_match_a_sort_and_dedup(
            fans in proptest::collection::vec(0u32..5_000, 0..400)
        ) {
            let mut naive = fans.clone();
            naive.sort_unstable();
            naive.dedup();
            proptest::prop_assert_eq!(distinct_in_order(fans.into_iter()), naive);
        }
    }

    #[test]
    fn waits_sum_the_time_each_fan_spent_before_leaving() {
        let mut room = room(WaitingRoomMode::Fifo, 60.0, None);
        room.fan_joined();
        room.fan_joined();
        room.fan_left(Time::OPENING + Span::from_secs(30), before_opening());
        let mut row = Vec::new();
        room.sample(&mut row);
        assert_eq!(row[1], 1.0, "one fan still waiting");
        assert_eq!(room.waits(), (2, 90.0));
    }

    #[test]
    fn mode_none_is_bypassed() {
        assert!(room(WaitingRoomMode::None, 60.0, None).is_bypassed());
    }
}
