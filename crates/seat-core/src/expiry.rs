//! Hold deadlines in a min-heap of (deadline, hold id). Confirmed and released holds
//! are not removed eagerly; their entries are dropped when they reach the top. The top
//! is always kept live, so `poll_timeout` is a peek.

use crate::ids::HoldId;
use std::cmp::Reverse;
use std::collections::BinaryHeap;

#[derive(Clone, Debug, Default)]
pub(crate) struct DeadlineQueue {
    heap: BinaryHeap<Reverse<(i64, HoldId)>>,
}

impl DeadlineQueue {
    pub(crate) fn push(&mut self, deadline: i64, hold: HoldId) {
        self.heap.push(Reverse((deadline, hold)));
    }

    /// The earliest entry.
    pub(crate) fn peek(&self) -> Option<(i64, HoldId)> {
        self.heap.peek().map(|Reverse(entry)| *entry)
    }

    pub(crate) fn pop(&mut self) -> Option<(i64, HoldId)> {
        self.heap.pop().map(|Reverse(entry)| entry)
    }

    /// Every entry, in no particular order (for invariant checks).
    pub(crate) fn entries(&self) -> impl Iterator<Item = (i64, HoldId)> + '_ {
        self.heap.iter().map(|Reverse(entry)| *entry)
    }
}
