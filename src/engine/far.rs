//! The far future of [`super::EventQueue`]: events more than a bucket ahead,
//! waiting unsorted in buckets of 2^[`BUCKET_SHIFT`] ns until their bucket
//! may hold the next event.
//!
//! The buckets of the next hours sit in a dense window indexed by bucket
//! number, so a push is an index, not a map search: oasis-2025 pushes
//! millions of patience timers hours ahead, and a `BTreeMap` search per push
//! was 5% of its run. Buckets outside the window (before it, or more than
//! [`WINDOW`] buckets on) wait in a map.

use std::collections::{BTreeMap, VecDeque};

use super::queue::{Compact, Entry};

/// Far-future events wait in buckets of 2^36 ns (about 69 s) outside the
/// heap, so the heap holds only the near future: an on-sale's millions of
/// patience timers (hours ahead) would otherwise sit in it and make every sift
/// walk a deep, cache-cold heap. (Buckets of 2^30 ns measured 1.1x slower on
/// oasis-2025 and the toy on-sale: sorting small random buckets costs more
/// than the shallower heap saves.)
pub(super) const BUCKET_SHIFT: u32 = 36;

/// Buckets in the dense window: 1024 are about 19.5 h, beyond the horizon of
/// every shipped on-sale; an empty bucket costs 48 bytes. Small in unit
/// tests, so their few hundred buckets exercise the map too.
#[cfg(not(test))]
const WINDOW: u64 = 1024;
#[cfg(test)]
const WINDOW: u64 = 8;

/// Bits a packed event may use: a packed entry is one u128 of the time within
/// its bucket (36 bits), the sequence number (48) and the event (44), so
/// sorting the u128s sorts by (time, sequence).
pub const PACKED_BITS: u32 = 44;
const SEQUENCE_BITS: u32 = 48;
const _: () = assert!(BUCKET_SHIFT + SEQUENCE_BITS + PACKED_BITS == 128);

/// One far-future bucket: packed events and whole ones, each in insertion order.
pub(super) struct Bucket<E> {
    packed: Vec<u128>,
    whole: Vec<Entry<E>>,
}

impl<E> Default for Bucket<E> {
    fn default() -> Self {
        Bucket {
            packed: Vec::new(),
            whole: Vec::new(),
        }
    }
}

/// Grows a bucket by a quarter rather than doubling: buckets hold most of a
/// big run's pending events, and doubling left up to half of them as slack.
fn push_growing<T>(entries: &mut Vec<T>, entry: T) {
    if entries.len() == entries.capacity() {
        entries.reserve_exact((entries.len() / 4).max(16));
    }
    entries.push(entry);
}

impl<E: Compact> Bucket<E> {
    fn len(&self) -> usize {
        self.packed.len() + self.whole.len()
    }

    fn is_empty(&self) -> bool {
        self.len() == 0
    }

    fn push(&mut self, entry: Entry<E>) {
        let offset = entry.time & ((1 << BUCKET_SHIFT) - 1);
        let packed = entry
            .payload
            .pack()
            .filter(|packed| packed >> PACKED_BITS == 0 && entry.sequence >> SEQUENCE_BITS == 0);
        match packed {
            Some(packed) => push_growing(
                &mut self.packed,
                (u128::from(offset) << (SEQUENCE_BITS + PACKED_BITS))
                    | (u128::from(entry.sequence) << PACKED_BITS)
                    | u128::from(packed),
            ),
            None => push_growing(&mut self.whole, entry),
        }
    }

    /// The other half of a bucket split between the window and the map.
    fn absorb(&mut self, other: Bucket<E>) {
        self.packed.extend(other.packed);
        self.whole.extend(other.whole);
    }

    fn earliest(&self, start: u64) -> Option<u64> {
        let packed = self
            .packed
            .iter()
            .map(|packed| start | (packed >> (SEQUENCE_BITS + PACKED_BITS)) as u64);
        packed
            .chain(self.whole.iter().map(|entry| entry.time))
            .min()
    }

    /// Every entry of the bucket starting at `start`, unpacked, latest
    /// first (the order a run pops from its end). A bucket of packed timers
    /// only (oasis-2025's patience timers) needs no sort beyond its u128s.
    pub(super) fn into_run(mut self, start: u64) -> Vec<Entry<E>> {
        self.packed.sort_unstable();
        let mut entries = self.whole;
        let sorted = entries.is_empty();
        entries.reserve_exact(self.packed.len());
        entries.extend(self.packed.into_iter().rev().map(|packed| Entry {
            time: start | (packed >> (SEQUENCE_BITS + PACKED_BITS)) as u64,
            sequence: (packed >> PACKED_BITS) as u64 & ((1 << SEQUENCE_BITS) - 1),
            payload: E::unpack(packed as u64 & ((1 << PACKED_BITS) - 1)),
        }));
        if !sorted {
            // Adaptive: whole entries of fixed-delay timers, pushed in
            // order, and the packed ones are each one run.
            entries.sort_by_key(|entry| std::cmp::Reverse(entry.key()));
        }
        entries
    }
}

/// [`FarFuture::live`] when the window holds no event.
const NO_LIVE: usize = usize::MAX;

/// Far-future buckets by number: a dense window of the next [`WINDOW`]
/// buckets from `base`, and a map for the rest. `live` is the offset of the
/// window's first non-empty bucket ([`NO_LIVE`] if none). A bucket
/// number may be in both (pushed to the map, then again once the window
/// reached it); taking the bucket joins the halves.
pub(super) struct FarFuture<E> {
    /// Buckets from `base` on, some empty.
    window: VecDeque<Bucket<E>>,
    base: u64,
    live: usize,
    outside: BTreeMap<u64, Bucket<E>>,
    len: usize,
}

impl<E: Compact> FarFuture<E> {
    pub(super) fn new() -> Self {
        FarFuture {
            window: VecDeque::new(),
            base: 0,
            live: NO_LIVE,
            outside: BTreeMap::new(),
            len: 0,
        }
    }

    /// Events waiting.
    pub(super) fn len(&self) -> usize {
        self.len
    }

    /// Adds `entry` to bucket `bucket`. `floor` is the earliest bucket the
    /// caller expects to push to from now on: an empty window restarts
    /// there, so the near end of the far future lands in the window, not
    /// the map (a later push below it goes to the map, in order still).
    pub(super) fn push(&mut self, bucket: u64, floor: u64, entry: Entry<E>) {
        self.len += 1;
        if self.live == NO_LIVE {
            self.window.clear();
            self.base = floor.min(bucket);
        }
        let Some(offset) = bucket
            .checked_sub(self.base)
            .filter(|offset| *offset < WINDOW)
        else {
            return self.outside.entry(bucket).or_default().push(entry);
        };
        let offset = offset as usize;
        if offset >= self.window.len() {
            self.window.resize_with(offset + 1, Bucket::default);
        }
        self.window[offset].push(entry);
        self.live = self.live.min(offset);
    }

    /// The number of the window's first non-empty bucket.
    fn window_first(&self) -> Option<u64> {
        (self.live < self.window.len()).then(|| self.base + self.live as u64)
    }

    /// The number of the earliest bucket holding events, if any.
    pub(super) fn first_bucket(&self) -> Option<u64> {
        let outside = self.outside.first_key_value().map(|(bucket, _)| *bucket);
        self.window_first().into_iter().chain(outside).min()
    }

    /// The time (ordered, as in [`Entry`]) of the earliest event, if any:
    /// the least in the first bucket, both halves of it if split.
    pub(super) fn earliest(&self) -> Option<u64> {
        let bucket = self.first_bucket()?;
        let start = bucket << BUCKET_SHIFT;
        let outside = self
            .outside
            .get(&bucket)
            .and_then(|events| events.earliest(start));
        let window = (self.window_first() == Some(bucket))
            .then(|| self.window[self.live].earliest(start))
            .flatten();
        window.into_iter().chain(outside).min()
    }

    /// Takes the earliest bucket with all its events (both halves, if the
    /// window and the map each hold part of it).
    pub(super) fn pop_first(&mut self) -> Option<(u64, Bucket<E>)> {
        let bucket = self.first_bucket()?;
        let mut events = self.outside.remove(&bucket).unwrap_or_default();
        if self.window_first() == Some(bucket) {
            // The window restarts after the taken bucket; the empty ones
            // before it are dropped, those after it kept for pushes.
            self.window.drain(..self.live);
            events.absorb(self.window.pop_front().unwrap_or_default());
            self.base = bucket + 1;
            self.live = self
                .window
                .iter()
                .position(|events| !events.is_empty())
                .unwrap_or(NO_LIVE);
        }
        self.len -= events.len();
        Some((bucket, events))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    impl Compact for u32 {}

    /// Its time within the bucket is its sequence number, so the earliest
    /// differs with the half of a split bucket it went to.
    fn entry(bucket: u64, sequence: u64) -> Entry<u32> {
        Entry {
            time: (bucket << BUCKET_SHIFT) + sequence,
            sequence,
            payload: sequence as u32,
        }
    }

    proptest! {
        /// Against a map of buckets: the same buckets come out first, in
        /// order, with the same events, wherever the window stands (buckets
        /// before it, in it and past it, and pops between pushes).
        #[test]
        fn buckets_come_out_as_from_a_map(ops in prop::collection::vec((any::<bool>(), 0u64..40, 0u64..40), 1..300)) {
            let mut far = FarFuture::new();
            let mut reference: BTreeMap<u64, Vec<u64>> = BTreeMap::new();
            for (sequence, (is_pop, bucket, floor)) in ops.into_iter().enumerate() {
                if is_pop {
                    let expected = reference.pop_first();
                    let got = far.pop_first().map(|(bucket, events)| {
                        let mut sequences: Vec<u64> = events
                            .into_run(bucket << BUCKET_SHIFT)
                            .iter()
                            .map(|entry| entry.sequence)
                            .collect();
                        sequences.sort_unstable();
                        (bucket, sequences)
                    });
                    prop_assert_eq!(got, expected);
                } else {
                    // The floor only places the window: any floor, even one
                    // above later pushes, keeps the order.
                    far.push(bucket, floor, entry(bucket, sequence as u64));
                    reference.entry(bucket).or_default().push(sequence as u64);
                }
                prop_assert_eq!(far.first_bucket(), reference.first_key_value().map(|(b, _)| *b));
                let earliest = reference.first_key_value().map(|(b, s)| (b << BUCKET_SHIFT) + s.iter().min().unwrap());
                prop_assert_eq!(far.earliest(), earliest);
                prop_assert_eq!(far.len(), reference.values().map(Vec::len).sum::<usize>());
            }
        }
    }
}
