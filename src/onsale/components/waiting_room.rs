//! The virtual waiting room: a pre-queue before the opening, ordered at the
//! opening (shuffled or FIFO), then first-come-first-served, drained at a set
//! outflow. Every session of a fan is its own queue entry.

use std::collections::VecDeque;

use rand::RngExt;

use crate::engine::{Rng, Streams, Time};
use crate::model::{AdmissionPolicy, WaitingRoomMode, WaitingRoomSpec};
use crate::onsale::metrics::Column;

/// Queue entries waiting for admission.
pub struct WaitingRoom {
    mode: WaitingRoomMode,
    pre_queue: Vec<u32>,
    queue: VecDeque<u32>,
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
            queue: VecDeque::new(),
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
        let mut ordered: VecDeque<u32> = self.pre_queue.drain(..).collect();
        ordered.append(&mut self.queue);
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
    pub fn admit_batch(&mut self) -> impl Iterator<Item = u32> + '_ {
        self.carry += self.per_second;
        let count = (self.carry.floor() as usize).min(self.queue.len());
        self.carry -= count as f64;
        if self.queue.is_empty() {
            // An empty queue does not bank admissions for later.
            self.carry = self.carry.min(1.0);
        }
        self.admitted_this_second += count as u64;
        self.queue.drain(..count)
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

    /// Empties the room (sold out); returns the fans whose entries were dropped.
    pub fn clear(&mut self) -> Vec<u32> {
        let mut fans: Vec<u32> = self
            .pre_queue
            .drain(..)
            .chain(self.queue.drain(..))
            .collect();
        fans.sort_unstable();
        fans.dedup();
        fans
    }
}
