//! The future event list: a binary min-heap keyed by (time, sequence number).
//!
//! The sequence number makes same-time events run first-in-first-out, so the
//! order of simultaneous events is a property of the queue, not something each
//! model must remember. Time and sequence are packed into one `u128` so that a
//! comparison is a single integer compare on the hot path; the event payload
//! sits beside the key and is never compared.

use super::time::Time;

/// One scheduled event.
struct Entry<E> {
    key: u128,
    event: E,
}

/// Events ordered by (time, insertion order).
pub struct EventQueue<E> {
    heap: Vec<Entry<E>>,
    next_sequence: u64,
}

/// Maps time to an unsigned key preserving order (flip the sign bit).
fn pack(time: Time, sequence: u64) -> u128 {
    let ordered_time = (time.0 as u64) ^ (1 << 63);
    ((ordered_time as u128) << 64) | sequence as u128
}

fn unpack_time(key: u128) -> Time {
    Time((((key >> 64) as u64) ^ (1 << 63)) as i64)
}

impl<E> Default for EventQueue<E> {
    fn default() -> Self {
        Self::new()
    }
}

impl<E> EventQueue<E> {
    /// An empty queue.
    pub fn new() -> Self {
        EventQueue {
            heap: Vec::with_capacity(64),
            next_sequence: 1,
        }
    }

    /// Number of pending events.
    pub fn len(&self) -> usize {
        self.heap.len()
    }

    /// True when nothing is pending.
    pub fn is_empty(&self) -> bool {
        self.heap.is_empty()
    }

    /// Schedules `event` at `time`, after every event already scheduled for `time`.
    #[inline]
    pub fn push(&mut self, time: Time, event: E) {
        let key = pack(time, self.next_sequence);
        self.next_sequence += 1;
        self.heap.push(Entry { key, event });
        self.sift_up(self.heap.len() - 1);
    }

    /// Re-inserts an event just popped, ahead of every other event at `time`
    /// (sequence numbers below all issued ones are reserved for this).
    pub fn push_front(&mut self, time: Time, event: E) {
        let key = pack(time, 0);
        self.heap.push(Entry { key, event });
        self.sift_up(self.heap.len() - 1);
    }

    /// Time of the earliest pending event.
    pub fn peek_time(&self) -> Option<Time> {
        self.heap.first().map(|entry| unpack_time(entry.key))
    }

    /// Removes and returns the earliest event.
    #[inline]
    pub fn pop(&mut self) -> Option<(Time, E)> {
        let last = self.heap.pop()?;
        let entry = if self.heap.is_empty() {
            last
        } else {
            let top = std::mem::replace(&mut self.heap[0], last);
            self.sift_down(0);
            top
        };
        Some((unpack_time(entry.key), entry.event))
    }

    /// Moves the entry at `child` up by shifting larger parents down into the
    /// hole (one write per level instead of a swap).
    #[inline]
    fn sift_up(&mut self, mut child: usize) {
        let key = self.heap[child].key;
        while child > 0 {
            let parent = (child - 1) / 2;
            if self.heap[parent].key <= key {
                break;
            }
            self.heap.swap(parent, child);
            child = parent;
        }
    }

    fn sift_down(&mut self, mut parent: usize) {
        let len = self.heap.len();
        loop {
            let left = 2 * parent + 1;
            if left >= len {
                break;
            }
            let right = left + 1;
            let smaller = if right < len && self.heap[right].key < self.heap[left].key {
                right
            } else {
                left
            };
            if self.heap[parent].key <= self.heap[smaller].key {
                break;
            }
            self.heap.swap(parent, smaller);
            parent = smaller;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

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

    proptest! {
        /// Against a naive reference: a stable sort by time of everything pushed.
        #[test]
        fn pops_in_time_then_insertion_order(ops in prop::collection::vec((any::<bool>(), -50i64..50), 1..400)) {
            let mut queue = EventQueue::new();
            let mut reference: Vec<(i64, usize)> = Vec::new();
            for (index, (is_pop, time)) in ops.into_iter().enumerate() {
                if is_pop {
                    let expected = reference.iter().enumerate().min_by_key(|(_, e)| **e).map(|(i, _)| i);
                    let expected = expected.map(|i| reference.remove(i));
                    prop_assert_eq!(queue.pop().map(|(t, e)| (t.0, e)), expected);
                } else {
                    queue.push(Time(time), index);
                    reference.push((time, index));
                }
            }
        }
    }
}
