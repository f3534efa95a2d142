//! The future event list: a binary min-heap keyed by (time, sequence number).
//!
//! The sequence number makes same-time events run first-in-first-out, so the
//! order of simultaneous events is a property of the queue, not something each
//! model must remember.
//!
//! Small events (an M/M/1 departure) ride in the heap entries. A large one (an
//! on-sale event carries a whole request) sits in a slab slot, moved once in
//! and once out, and the heap sifts only (time, sequence, slot): 0.85× the time
//! of eras-2022 at 0.3 scale, while slab slots made M/M/1 1.1× slower.
//! (Four children per node measured no faster than two on eras-2022.)
//!
//! Events more than one bucket (about 69 s) ahead wait outside the heap, with
//! their payloads in place (see [`EventQueue`]): oasis-2025 at 0.2 ran in 0.73×
//! the time, byte-identical, with M/M/1 unchanged (0.95×, within noise).

use super::far::{BUCKET_SHIFT, FarFuture};
use super::lane::Lane;
pub use super::lane::LaneTimer;
use super::time::Time;

/// Events up to this many bytes are stored in the heap itself.
const INLINE_BYTES: usize = 16;

/// One scheduled event's place in the order, and its payload: the event
/// itself, or the slab slot holding it.
#[derive(Clone, Copy)]
pub(super) struct Entry<P> {
    /// The time with its sign bit flipped, so unsigned order is time order.
    pub(super) time: u64,
    pub(super) sequence: u64,
    pub(super) payload: P,
}

impl<P> Entry<P> {
    /// (time, sequence) as one integer: one compare on the hot path.
    #[inline]
    pub(super) fn key(&self) -> u128 {
        key_of(self.time, self.sequence)
    }
}

/// An event that may wait in the far future packed into a few bytes. A run's
/// far future is mostly small timers (an on-sale's millions of patience
/// timers, hours ahead): packed, each takes 16 bytes instead of a whole
/// event's entry (oasis-2025: 56), and those were most of the queue's memory.
/// The default packs nothing.
pub trait Compact: Sized {
    /// The event in fewer than [`PACKED_BITS`](super::far::PACKED_BITS)
    /// bits, if it fits (a larger value waits whole).
    fn pack(&self) -> Option<u64> {
        None
    }

    /// The event [`Compact::pack`] packed into `packed`.
    fn unpack(packed: u64) -> Self {
        unreachable!("an event type that packs nothing never unpacks {packed}")
    }

    /// The record that handling this event reads first (an on-sale's fan),
    /// for [`super::Model::upcoming`]; `None` by default.
    #[inline]
    fn subject(&self) -> Option<u32> {
        None
    }

    /// Whether [`Compact::subject`] can be `Some`: without subjects the run
    /// loop skips the upcoming-event lookup at compile time (M/M/1 paid a
    /// second scan of the near sources on every event for a hint of `None`).
    const HAS_SUBJECT: bool = false;
}

/// A large event's place in the slab, with its subject ([`NO_SUBJECT`] if
/// none): in the padding of a heap entry, so the next event's subject is
/// known without reading its slot.
#[derive(Clone, Copy)]
struct Slot {
    index: u32,
    subject: u32,
}

const NO_SUBJECT: u32 = u32::MAX;

/// The three near sources of [`EventQueue`]: the fixed-delay lane, the
/// sorted run of a due far bucket, and the heap.
#[derive(Clone, Copy)]
enum Near {
    Lane,
    Run,
    Heap,
}

/// Events ordered by (time, insertion order).
///
/// Three tiers: a heap of the near future; far-future buckets; and `run`, the
/// earliest far bucket, sorted once when it could hold the next event. The
/// earlier of the heap's top and the run's front is then always the global
/// minimum, and since entries keep their sequence numbers the order is
/// exactly (time, sequence). Far entries carry their payload in place, so a
/// timer hours ahead takes no slab slot: the slab holds only the near future
/// and stays small and cache-warm (oasis-2025 at 0.2: the slab write on pop
/// was 16% of the run while patience timers held millions of its slots).
pub struct EventQueue<E> {
    /// The near-future heap when events are small.
    inline: Vec<Entry<E>>,
    /// The near-future heap when events are large: entries point into `slab`.
    slotted: Vec<Entry<Slot>>,
    /// Payloads of `slotted` by slot; `None` in a free slot.
    slab: Vec<Option<E>>,
    /// Free slots, reused last-freed first (deterministic).
    free: Vec<u32>,
    /// The bucket being drained, sorted by key, latest first (pops from the end).
    run: Vec<Entry<E>>,
    /// Buckets of far-future events, unsorted.
    far: FarFuture<E>,
    /// The key where the first far bucket starts (`u128::MAX` with none), so
    /// `pop` asks the far future only when a bucket may be due.
    far_start: u128,
    /// Timers of one fixed delay (see [`EventQueue::push_in_order`]).
    /// Boxed: a run without them (M/M/1) carries one pointer, not the
    /// lane's 80 bytes, in the queue its loop keeps on the stack.
    lane: Box<Lane<E>>,
    /// The key of the lane's front (`u128::MAX` when empty), kept here so
    /// the choice of source on every pop reads no lane.
    lane_key: u128,
    /// Bucket of the latest event popped: events beyond the next bucket go far.
    current: u64,
    next_sequence: u64,
    /// The end of the run (ordered): an event pushed for a later time is
    /// never handled, so it is only counted in `beyond_end`.
    end: u64,
    beyond_end: u64,
}

#[inline]
fn key_of(time: u64, sequence: u64) -> u128 {
    (u128::from(time) << 64) | u128::from(sequence)
}

fn ordered(time: Time) -> u64 {
    (time.0 as u64) ^ (1 << 63)
}

fn unordered(time: u64) -> Time {
    Time((time ^ (1 << 63)) as i64)
}

impl<E: Compact> Default for EventQueue<E> {
    fn default() -> Self {
        Self::new()
    }
}

impl<E: Compact> EventQueue<E> {
    /// Whether this event type rides in the heap (decided at compile time).
    const INLINE: bool = std::mem::size_of::<E>() <= INLINE_BYTES;

    /// An empty queue.
    pub fn new() -> Self {
        EventQueue {
            inline: Vec::with_capacity(if Self::INLINE { 64 } else { 0 }),
            slotted: Vec::with_capacity(if Self::INLINE { 0 } else { 64 }),
            slab: Vec::new(),
            free: Vec::new(),
            run: Vec::new(),
            far: FarFuture::new(),
            far_start: u128::MAX,
            lane: Box::new(Lane::new()),
            lane_key: u128::MAX,
            // The opening's bucket: events near it go straight to the heap.
            current: ordered(Time(0)) >> BUCKET_SHIFT,
            next_sequence: 1,
            end: u64::MAX,
            beyond_end: 0,
        }
    }

    /// No event later than `end` will ever be popped: the run stops there.
    /// Later pushes are dropped and counted, not stored. A toy on-sale's
    /// patience timers (mean 1000 h, each in its own far bucket) were 12% of
    /// its run; oasis-2025 drops its hold deadlines and late give-ups.
    pub fn set_end(&mut self, end: Time) {
        self.end = ordered(end);
    }

    /// Events pushed for a time after the end (see [`EventQueue::set_end`]).
    pub fn beyond_end(&self) -> u64 {
        self.beyond_end
    }

    /// Number of pending events, not counting those dropped beyond the end.
    pub fn len(&self) -> usize {
        self.inline.len() + self.slotted.len() + self.run.len() + self.far.len() + self.lane.len()
    }

    /// True when nothing is pending.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Schedules `event` at `time`, after every event already scheduled for `time`.
    #[inline(always)]
    pub fn push(&mut self, time: Time, event: E) {
        if let Some(sequence) = self.next_sequence_by_end(time) {
            self.insert(time, sequence, event);
        }
    }

    /// Issues the next sequence number; `None` for an event past the end,
    /// which is counted and dropped. Its number stays used either way, so
    /// every other event keeps its own.
    #[inline]
    fn next_sequence_by_end(&mut self, time: Time) -> Option<u64> {
        let sequence = self.next_sequence;
        self.next_sequence += 1;
        let beyond = ordered(time) > self.end;
        self.beyond_end += u64::from(beyond);
        (!beyond).then_some(sequence)
    }

    /// Schedules `event` at `time`, like [`EventQueue::push`], for a timer
    /// whose times come in the order it is pushed (one fixed delay, such as a
    /// client timeout): it waits in a first-in-first-out lane, one O(1) step
    /// in and out instead of a heap's O(log n). A time earlier than the lane's
    /// last (the delay changed) goes the usual way, so the order stays exact.
    /// `tag` identifies the timer to [`EventQueue::cancel_in_order`].
    #[inline]
    pub fn push_in_order(&mut self, time: Time, event: E, tag: u64) {
        let Some(sequence) = self.next_sequence_by_end(time) else {
            return;
        };
        let time = ordered(time);
        if self.lane.fits(time) {
            let entry = Entry {
                time,
                sequence,
                payload: event,
            };
            self.lane.push_back(entry, tag);
            self.lane_key = self.lane_key.min(key_of(time, sequence));
        } else {
            self.insert(unordered(time), sequence, event);
        }
    }

    /// The lane position (truncated to 32 bits) that the next
    /// [`EventQueue::push_in_order`] takes if it stays in the lane: a handle
    /// for [`EventQueue::cancel_in_order`].
    pub fn next_in_order(&self) -> LaneTimer {
        self.lane.next_timer()
    }

    /// Cancels the lane timer at position `timer` if it is still waiting and
    /// was pushed with `tag` (the position may hold another timer, if the
    /// push went to the heap or past the end): a timer that can no longer
    /// matter, such as the timeout of a request just answered, is then never
    /// popped. True if it was cancelled.
    #[inline]
    pub fn cancel_in_order(&mut self, timer: LaneTimer, tag: u64) -> bool {
        let popped = self.lane.popped();
        let cancelled = self.lane.cancel(timer, tag);
        if self.lane.popped() != popped {
            // The front was cancelled. Otherwise the front stays, and is not
            // read: it is the lane's oldest entry, likely out of cache.
            self.lane_key = self.lane.front().map_or(u128::MAX, Entry::key);
        }
        cancelled
    }

    /// Re-inserts an event just popped, ahead of every other event at `time`
    /// (sequence numbers below all issued ones are reserved for this).
    pub fn push_front(&mut self, time: Time, event: E) {
        self.insert(time, 0, event);
    }

    #[inline(always)]
    fn insert(&mut self, time: Time, sequence: u64, event: E) {
        let entry = Entry {
            time: ordered(time),
            sequence,
            payload: event,
        };
        let bucket = entry.time >> BUCKET_SHIFT;
        if bucket > self.current.saturating_add(1) {
            self.insert_far(bucket, entry);
        } else {
            self.heap_push(entry);
        }
    }

    /// Out of line, so the far future's code stays out of every push's
    /// frame: inlined, it gave `insert` a 456-byte stack frame that an M/M/1
    /// push (always near) set up on every call.
    #[inline(never)]
    fn insert_far(&mut self, bucket: u64, entry: Entry<E>) {
        // Pushes go far only beyond the next bucket.
        self.far.push(bucket, self.current.saturating_add(2), entry);
        self.far_start = self.far_start.min(u128::from(bucket << BUCKET_SHIFT) << 64);
    }

    #[inline(always)]
    fn heap_push(&mut self, entry: Entry<E>) {
        if Self::INLINE {
            return push_entry(&mut self.inline, entry);
        }
        let subject = entry.payload.subject().unwrap_or(NO_SUBJECT);
        let index = match self.free.pop() {
            Some(slot) => {
                self.slab[slot as usize] = Some(entry.payload);
                slot
            }
            None => {
                self.slab.push(Some(entry.payload));
                u32::try_from(self.slab.len() - 1).expect("fewer than 2^32 near events")
            }
        };
        push_slot(
            &mut self.slotted,
            Entry {
                time: entry.time,
                sequence: entry.sequence,
                payload: Slot { index, subject },
            },
        );
    }

    #[inline]
    fn heap_top(&self) -> Option<u128> {
        if Self::INLINE {
            self.inline.first().map(Entry::key)
        } else {
            self.slotted.first().map(Entry::key)
        }
    }

    #[inline]
    fn heap_pop(&mut self) -> Option<Entry<E>> {
        if Self::INLINE {
            return pop_entry(&mut self.inline);
        }
        let entry = pop_slot(&mut self.slotted)?;
        self.free.push(entry.payload.index);
        let payload = self.slab[entry.payload.index as usize]
            .take()
            .expect("a queued slot holds its event");
        Some(Entry {
            time: entry.time,
            sequence: entry.sequence,
            payload,
        })
    }

    /// The earliest key in the heap, the run or the lane; `u128::MAX` when
    /// all are empty (no entry has that key: its sequence would be u64::MAX).
    /// Plain `min`s: an iterator over the three options measured 3.6% of an
    /// eras-2022 run, as it is asked on every pop while far events wait.
    #[inline]
    fn near_key(&self) -> u128 {
        let heap = self.heap_top().unwrap_or(u128::MAX);
        let run = self.run.last().map_or(u128::MAX, Entry::key);
        let fifo = self.lane_key;
        heap.min(run).min(fifo)
    }

    /// Which near source holds the earliest key, and that key (`u128::MAX`,
    /// from the heap, when all are empty). Keys are unique (sequence
    /// numbers), so exactly one source wins.
    #[inline]
    fn nearest(&self) -> (Near, u128) {
        let heap = self.heap_top().unwrap_or(u128::MAX);
        let run = self.run.last().map_or(u128::MAX, Entry::key);
        let fifo = self.lane_key;
        if fifo < heap && fifo < run {
            (Near::Lane, fifo)
        } else if run < heap {
            (Near::Run, run)
        } else {
            (Near::Heap, heap)
        }
    }

    /// Moves far buckets in until the first one left starts after the
    /// earliest near event. A bucket becomes the run when the run is empty;
    /// the rare bucket that refills a range still being drained (pushed there
    /// while the clock stood more than a bucket before it) goes to the heap.
    fn settle(&mut self) {
        while let Some(bucket) = self.far.first_bucket() {
            let start = u128::from(bucket << BUCKET_SHIFT) << 64;
            if self.near_key() < start {
                self.far_start = start;
                return;
            }
            let Some((index, bucket)) = self.far.pop_first() else {
                return;
            };
            let entries = bucket.into_run(index << BUCKET_SHIFT);
            if self.run.is_empty() {
                self.run = entries;
            } else {
                for entry in entries {
                    self.heap_push(entry);
                }
            }
        }
        self.far_start = u128::MAX;
    }

    /// Time of the earliest pending event.
    pub fn peek_time(&self) -> Option<Time> {
        let near = Some(self.near_key())
            .filter(|key| *key != u128::MAX)
            .map(|key| (key >> 64) as u64);
        near.into_iter()
            .chain(self.far.earliest())
            .min()
            .map(unordered)
    }

    /// The subject ([`Compact::subject`]) of the event `pop` would return
    /// next, when that event is already near (a hint: `None` while a far
    /// bucket may hold it). A large event's slot is prefetched on the way,
    /// so both lines load while the current event is handled.
    #[inline]
    pub fn upcoming_subject(&self) -> Option<u32> {
        if !E::HAS_SUBJECT {
            return None;
        }
        let (source, key) = self.nearest();
        if self.far_start <= key {
            return None;
        }
        match source {
            Near::Lane => self.lane.front()?.payload.subject(),
            Near::Run => self.run.last()?.payload.subject(),
            Near::Heap if Self::INLINE => self.inline.first()?.payload.subject(),
            Near::Heap => {
                let slot = self.slotted.first()?.payload;
                if let Some(event) = self.slab.get(slot.index as usize) {
                    super::prefetch(event);
                }
                (slot.subject != NO_SUBJECT).then_some(slot.subject)
            }
        }
    }

    /// Removes and returns the earliest event.
    #[inline]
    pub fn pop(&mut self) -> Option<(Time, E)> {
        let mut near = self.nearest();
        if self.far_start <= near.1 {
            self.settle();
            near = self.nearest();
        }
        let entry = match near.0 {
            Near::Lane => {
                let entry = self.lane.pop()?;
                self.lane_key = self.lane.front().map_or(u128::MAX, Entry::key);
                entry
            }
            Near::Run => self.run.pop()?,
            Near::Heap => self.heap_pop()?,
        };
        self.current = entry.time >> BUCKET_SHIFT;
        Some((unordered(entry.time), entry.payload))
    }
}

#[inline(always)]
fn push_entry<P>(heap: &mut Vec<Entry<P>>, entry: Entry<P>) {
    // The key from the entry in hand, not read back from the heap: the read
    // back waited on the stores of the push (a failed store-to-load forward).
    let key = entry.key();
    let mut child = heap.len();
    heap.push(entry);
    while child > 0 {
        let parent = (child - 1) / 2;
        if heap[parent].key() <= key {
            break;
        }
        heap.swap(parent, child);
        child = parent;
    }
}

#[inline]
fn pop_entry<P>(heap: &mut Vec<Entry<P>>) -> Option<Entry<P>> {
    let last = heap.pop()?;
    if heap.is_empty() {
        return Some(last);
    }
    let top = std::mem::replace(&mut heap[0], last);
    let len = heap.len();
    let mut parent = 0;
    while let Some(smaller) = smaller_child(heap, parent, len) {
        if heap[parent].key() <= heap[smaller].key() {
            break;
        }
        heap.swap(parent, smaller);
        parent = smaller;
    }
    Some(top)
}

/// The child of `parent` with the smaller key, among the first `len`
/// entries; `None` for a leaf.
#[inline(always)]
fn smaller_child<P>(heap: &[Entry<P>], parent: usize, len: usize) -> Option<usize> {
    let left = 2 * parent + 1;
    let right = left + 1;
    if left >= len {
        None
    } else if right < len && heap[right].key() < heap[left].key() {
        Some(right)
    } else {
        Some(left)
    }
}

// The slotted heap's sifts move a hole instead of swapping: each level
// copies one 24-byte entry, not three, and the moving entry's key stays in
// registers. An on-sale's heap holds tens of thousands of think-time timers,
// and the swaps' copies were a tenth of the toy on-sale's time. (The inline
// heap keeps its swaps: M/M/1's heap holds two entries, and its loop ran
// slower with holes.)

#[inline(always)]
fn push_slot(heap: &mut Vec<Entry<Slot>>, entry: Entry<Slot>) {
    let key = entry.key();
    let mut hole = heap.len();
    heap.push(entry);
    while hole > 0 {
        let parent = (hole - 1) / 2;
        if heap[parent].key() <= key {
            break;
        }
        heap[hole] = heap[parent];
        hole = parent;
    }
    heap[hole] = entry;
}

#[inline]
fn pop_slot(heap: &mut Vec<Entry<Slot>>) -> Option<Entry<Slot>> {
    let last = heap.pop()?;
    let Some(&top) = heap.first() else {
        return Some(last);
    };
    let key = last.key();
    let len = heap.len();
    let mut hole = 0;
    while let Some(smaller) = smaller_child(heap, hole, len) {
        if key <= heap[smaller].key() {
            break;
        }
        heap[hole] = heap[smaller];
        hole = smaller;
    }
    heap[hole] = last;
    Some(top)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    impl Compact for i32 {}
    impl Compact for u64 {}
    impl Compact for &str {}
    impl Compact for [u64; 8] {}
    /// The label is the subject, so the hint can be checked against pops.
    impl Compact for [usize; 4] {
        const HAS_SUBJECT: bool = true;
        fn subject(&self) -> Option<u32> {
            Some(self[3] as u32)
        }
    }

    /// Even labels travel packed, odd ones whole: both far paths in one queue.
    impl Compact for usize {
        const HAS_SUBJECT: bool = true;
        fn pack(&self) -> Option<u64> {
            self.is_multiple_of(2).then_some(*self as u64)
        }

        fn unpack(packed: u64) -> Self {
            packed as usize
        }

        fn subject(&self) -> Option<u32> {
            Some(*self as u32)
        }
    }

    #[test]
    fn same_time_events_are_first_in_first_out() {
        let mut queue = EventQueue::new();
        for label in 0..100 {
            queue.push(Time(7), label);
        }
        let order: Vec<i32> = std::iter::from_fn(|| queue.pop().map(|(_, e)| e)).collect();
        assert_eq!(order, (0..100).collect::<Vec<_>>());
    }

    #[test]
    fn negative_times_come_before_the_opening() {
        let mut queue = EventQueue::new();
        queue.push(Time(5), "after");
        queue.push(Time(-5), "before");
        queue.push(Time(i64::MIN), "dawn");
        assert_eq!(queue.pop(), Some((Time(i64::MIN), "dawn")));
        assert_eq!(queue.pop(), Some((Time(-5), "before")));
        assert_eq!(queue.pop(), Some((Time(5), "after")));
        assert_eq!(queue.pop(), None);
    }

    /// A payload too large to ride in the heap takes the slab path, with the
    /// same order as the inline one.
    #[test]
    fn large_events_keep_time_then_insertion_order() {
        let mut queue: EventQueue<[u64; 8]> = EventQueue::new();
        const { assert!(!EventQueue::<[u64; 8]>::INLINE && EventQueue::<u64>::INLINE) };
        for label in 0..50u64 {
            queue.push(Time((label % 5) as i64), [label; 8]);
        }
        let first = queue.pop().unwrap();
        queue.push_front(first.0, first.1);
        let order: Vec<(i64, u64)> =
            std::iter::from_fn(|| queue.pop().map(|(t, e)| (t.0, e[0]))).collect();
        let mut expected: Vec<(i64, u64)> = (0..50).map(|l| ((l % 5) as i64, l)).collect();
        expected.sort();
        assert_eq!(order, expected);
        assert!(queue.is_empty() && queue.slab.len() == 50);
    }

    proptest! {
        /// The same, with times spread over many far-future buckets (2^36 ns
        /// each), pushed while the clock moves: the bucket tiers keep the order.
        #[test]
        fn far_future_buckets_keep_time_then_insertion_order(ops in prop::collection::vec((any::<bool>(), -20i64..200, 0i64..3), 1..400)) {
            let mut queue = EventQueue::new();
            let mut large: EventQueue<[usize; 4]> = EventQueue::new();
            let mut reference: Vec<(i64, usize)> = Vec::new();
            for (index, (is_pop, coarse, fine)) in ops.into_iter().enumerate() {
                if is_pop {
                    let expected = reference.iter().enumerate().min_by_key(|(_, e)| **e).map(|(i, _)| i);
                    let expected = expected.map(|i| reference.remove(i));
                    prop_assert_eq!(queue.peek_time().map(|t| t.0), expected.map(|e| e.0));
                    // The hint names the next event, or nothing while a far
                    // bucket may hold it.
                    let label = expected.map(|e| e.1 as u32);
                    if let Some(next) = queue.upcoming_subject() {
                        prop_assert_eq!(Some(next), label);
                    }
                    if let Some(next) = large.upcoming_subject() {
                        prop_assert_eq!(Some(next), label);
                    }
                    prop_assert_eq!(queue.pop().map(|(t, e)| (t.0, e)), expected);
                    prop_assert_eq!(large.pop().map(|(t, e)| (t.0, e[3])), expected);
                } else {
                    // Whole and half buckets, and a few nanoseconds, so ties and
                    // bucket edges both happen.
                    let time = coarse * (1 << 35) + fine;
                    queue.push(Time(time), index);
                    large.push(Time(time), [index; 4]);
                    reference.push((time, index));
                }
                prop_assert_eq!(queue.len(), reference.len());
            }
        }

        /// With an end, the queue pops exactly the reference's events up to
        /// the end, in the same order, and counts the rest as beyond it.
        #[test]
        fn events_beyond_the_end_are_dropped_and_counted(pushes in prop::collection::vec((any::<bool>(), -50i64..50), 1..300), end in -60i64..60) {
            let mut queue = EventQueue::new();
            queue.set_end(Time(end));
            let mut reference: Vec<(i64, usize)> = Vec::new();
            let mut lane_time = -50i64;
            for (index, (in_lane, time)) in pushes.into_iter().enumerate() {
                let time = if in_lane {
                    lane_time += time.abs() % 3;
                    queue.push_in_order(Time(lane_time), index, index as u64);
                    lane_time
                } else {
                    queue.push(Time(time), index);
                    time
                };
                reference.push((time, index));
            }
            reference.sort();
            let beyond = reference.iter().filter(|(time, _)| *time > end).count();
            reference.retain(|(time, _)| *time <= end);
            prop_assert_eq!(queue.beyond_end(), beyond as u64);
            prop_assert_eq!(queue.len(), reference.len());
            let order: Vec<(i64, usize)> = std::iter::from_fn(|| queue.pop().map(|(t, e)| (t.0, e))).collect();
            prop_assert_eq!(order, reference);
        }

        /// Lane timers cancelled by handle never pop, every other event pops
        /// in the reference's order, and a cancel whose check fails (the
        /// handle's position holds another timer) cancels nothing.
        #[test]
        fn cancelled_lane_timers_never_pop(ops in prop::collection::vec((0u8..4, 0usize..64, -50i64..50), 1..400)) {
            let mut queue = EventQueue::new();
            let mut reference: Vec<(i64, usize)> = Vec::new();
            let mut handles: Vec<(LaneTimer, usize)> = Vec::new();
            let mut lane_time = -50i64;
            for (index, (op, pick, time)) in ops.into_iter().enumerate() {
                match op {
                    0 => {
                        // Mostly in order; now and then earlier (the heap fallback).
                        lane_time = if time % 7 == 0 { time } else { lane_time + time.abs() % 3 };
                        handles.push((queue.next_in_order(), index));
                        queue.push_in_order(Time(lane_time), index, index as u64);
                        reference.push((lane_time, index));
                    }
                    1 if !handles.is_empty() => {
                        let (timer, label) = handles[pick % handles.len()];
                        // A wrong label never cancels.
                        prop_assert!(!queue.cancel_in_order(timer, label as u64 + 1_000_000));
                        let waiting = reference.iter().position(|(_, l)| *l == label);
                        let cancelled = queue.cancel_in_order(timer, label as u64);
                        // Only a waiting timer can be cancelled, and one that went to
                        // the heap cannot.
                        prop_assert!(!cancelled || waiting.is_some());
                        if cancelled {
                            reference.remove(waiting.unwrap_or_default());
                        }
                    }
                    2 => {
                        let expected = reference.iter().enumerate().min_by_key(|(_, e)| **e).map(|(i, _)| i);
                        let expected = expected.map(|i| reference.remove(i));
                        prop_assert_eq!(queue.upcoming_subject(), expected.map(|e| e.1 as u32), "a cancelled timer is never next");
                        prop_assert_eq!(queue.pop().map(|(t, e)| (t.0, e)), expected);
                    }
                    _ => {
                        queue.push(Time(time), index);
                        reference.push((time, index));
                    }
                }
                prop_assert_eq!(queue.len(), reference.len());
            }
            let rest: Vec<(i64, usize)> = std::iter::from_fn(|| queue.pop().map(|(t, e)| (t.0, e))).collect();
            reference.sort();
            prop_assert_eq!(rest, reference);
        }

        /// Against a naive reference: a stable sort by time of everything pushed.
        /// Some pushes use the in-order lane, mostly in order and sometimes not
        /// (its fallback), and the order is the same.
        #[test]
        fn pops_in_time_then_insertion_order(ops in prop::collection::vec((0u8..3, -50i64..50), 1..400)) {
            // Both storage paths: usize rides inline, [usize; 4] in the slab.
            let mut queue = EventQueue::new();
            let mut large: EventQueue<[usize; 4]> = EventQueue::new();
            let mut reference: Vec<(i64, usize)> = Vec::new();
            let mut lane_time = -50i64;
            for (index, (op, time)) in ops.into_iter().enumerate() {
                if op == 2 {
                    // Mostly later than the lane's last, now and then earlier.
                    lane_time = if time % 5 == 0 { time } else { lane_time + time.abs() % 3 };
                    queue.push_in_order(Time(lane_time), index, index as u64);
                    large.push_in_order(Time(lane_time), [index; 4], index as u64);
                    reference.push((lane_time, index));
                } else if op == 1 {
                    let expected = reference.iter().enumerate().min_by_key(|(_, e)| **e).map(|(i, _)| i);
                    let expected = expected.map(|i| reference.remove(i));
                    prop_assert_eq!(queue.upcoming_subject(), expected.map(|e| e.1 as u32));
                    prop_assert_eq!(large.upcoming_subject(), expected.map(|e| e.1 as u32));
                    prop_assert_eq!(queue.pop().map(|(t, e)| (t.0, e)), expected);
                    prop_assert_eq!(large.pop().map(|(t, e)| (t.0, e[3])), expected);
                } else {
                    queue.push(Time(time), index);
                    large.push(Time(time), [index; 4]);
                    reference.push((time, index));
                }
            }
        }
    }
}
