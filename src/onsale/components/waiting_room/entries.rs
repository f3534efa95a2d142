//! The waiting room's queue of entries: first in, first out, stored in
//! chunks that are freed as the front drains.
//!
//! A `VecDeque` doubles when full and copies, and its ring then cycles
//! through the whole doubled buffer: at oasis-2025 in full (about 20M
//! entries) it held one 134 MB allocation at the run's peak memory. Here
//! an entry costs its 4 bytes only while it waits, plus at most one
//! partly used chunk at each end.

use std::collections::VecDeque;

/// Entries per chunk (256 KiB): small beside a big room, large enough that
/// a chunk change is rare.
const CHUNK: usize = 1 << 16;

/// A first-in-first-out queue of fan ids.
#[derive(Debug, Default)]
pub struct Entries {
    /// In order. Every chunk but the last is full (`len == capacity`); the
    /// first is read from `head`.
    chunks: VecDeque<Vec<u32>>,
    head: usize,
    len: usize,
}

impl Entries {
    /// `entries` in order, keeping their buffer (a pre-queue of millions)
    /// as the first chunk rather than copying it.
    pub fn from_vec(entries: Vec<u32>) -> Entries {
        let len = entries.len();
        let mut chunks = VecDeque::new();
        if entries.capacity() > 0 {
            chunks.push_back(entries);
        }
        Entries {
            chunks,
            head: 0,
            len,
        }
    }

    /// Entries waiting.
    pub fn len(&self) -> usize {
        self.len
    }

    /// True when nobody waits.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Adds `fan` at the back.
    pub fn push_back(&mut self, fan: u32) {
        match self.chunks.back_mut() {
            // A chunk never grows: a full one is followed by a new one.
            Some(last) if last.len() < last.capacity() => last.push(fan),
            _ => {
                let mut chunk = Vec::with_capacity(CHUNK);
                chunk.push(fan);
                self.chunks.push_back(chunk);
            }
        }
        self.len += 1;
    }

    /// Takes the entry at the front.
    pub fn pop_front(&mut self) -> Option<u32> {
        let only = self.chunks.len() == 1;
        let first = self.chunks.front_mut()?;
        let fan = *first.get(self.head)?;
        self.head += 1;
        self.len -= 1;
        if self.head == first.len() {
            if !only || first.capacity() > CHUNK {
                // Drained, and full (or an oversized first buffer): free it.
                self.chunks.pop_front();
            } else {
                // The only chunk: keep it for the next entries.
                first.clear();
            }
            self.head = 0;
        }
        Some(fan)
    }

    /// Takes up to `count` entries from the front, in order.
    pub fn take_front(&mut self, count: usize) -> Vec<u32> {
        let mut taken = Vec::with_capacity(count.min(self.len));
        taken.extend(std::iter::from_fn(|| self.pop_front()).take(count));
        taken
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        /// Against a `VecDeque`: the same entries come out in the same
        /// order, whatever the mix of pushes and pops, across chunk edges
        /// and starting from a pre-queue's buffer of any capacity.
        #[test]
        fn pops_in_push_order_like_a_deque(
            pre in 0usize..3000,
            spare in 0usize..100,
            ops in prop::collection::vec((0u8..3, 0usize..5000), 1..60),
        ) {
            let mut buffer = Vec::with_capacity(pre + spare);
            buffer.extend(0..pre as u32);
            let mut entries = Entries::from_vec(buffer);
            let mut reference: VecDeque<u32> = (0..pre as u32).collect();
            let mut next = pre as u32;
            for (op, count) in ops {
                match op {
                    0 => {
                        // Enough pushes to cross a chunk edge now and then.
                        for _ in 0..count * 20 {
                            entries.push_back(next);
                            reference.push_back(next);
                            next += 1;
                        }
                    }
                    1 => {
                        let expected: Vec<u32> = reference.drain(..count.min(reference.len())).collect();
                        prop_assert_eq!(entries.take_front(count), expected);
                    }
                    _ => prop_assert_eq!(entries.pop_front(), reference.pop_front()),
                }
                prop_assert_eq!(entries.len(), reference.len());
                prop_assert_eq!(entries.is_empty(), reference.is_empty());
            }
            let rest: Vec<u32> = std::iter::from_fn(|| entries.pop_front()).collect();
            prop_assert_eq!(rest, Vec::from(reference));
        }
    }

    /// Drained chunks are freed: after a long stream, the queue holds only
    /// the chunks its waiting entries need.
    #[test]
    fn drained_chunks_are_freed() {
        let mut entries = Entries::default();
        for fan in 0..(10 * CHUNK) as u32 {
            entries.push_back(fan);
            if fan % 2 == 1 {
                entries.pop_front();
            }
        }
        let waiting = entries.len();
        assert_eq!(waiting, 5 * CHUNK);
        assert!(
            entries.chunks.len() <= waiting / CHUNK + 2,
            "{} chunks for {waiting} entries",
            entries.chunks.len()
        );
    }
}
