//! Hold deadlines, earliest first. Confirmed and released holds are not removed
//! eagerly; their entries are dropped when they reach the front. The front is always
//! kept live, so `poll_timeout` is a peek.
//!
//! With one hold TTL and a clock that never goes back, deadlines arrive in order, so
//! they go to a FIFO (O(1) push and pop); only an out-of-order deadline (a shorter TTL
//! than an earlier hold's) goes to a min-heap. The front is the smaller of the two heads.

use crate::ids::HoldId;
use std::cmp::Reverse;
use std::collections::{BinaryHeap, VecDeque};

#[derive(Clone, Debug, Default)]
pub(crate) struct DeadlineQueue {
    in_order: VecDeque<(i64, HoldId)>,
    out_of_order: BinaryHeap<Reverse<(i64, HoldId)>>,
}

impl DeadlineQueue {
    pub(crate) fn push(&mut self, deadline: i64, hold: HoldId) {
        let entry = (deadline, hold);
        if self.in_order.back().is_none_or(|&last| last <= entry) {
            self.in_order.push_back(entry);
        } else {
            self.out_of_order.push(Reverse(entry));
        }
    }

    /// The earliest entry.
    pub(crate) fn peek(&self) -> Option<(i64, HoldId)> {
        let heap = self.out_of_order.peek().map(|Reverse(entry)| *entry);
        match (self.in_order.front().copied(), heap) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        }
    }

    pub(crate) fn pop(&mut self) -> Option<(i64, HoldId)> {
        let heap = self.out_of_order.peek().map(|Reverse(entry)| *entry);
        match (self.in_order.front().copied(), heap) {
            (Some(a), Some(b)) if b < a => self.out_of_order.pop().map(|Reverse(entry)| entry),
            (Some(_), _) => self.in_order.pop_front(),
            (None, _) => self.out_of_order.pop().map(|Reverse(entry)| entry),
        }
    }

    /// Every entry, in no particular order (for invariant checks).
    pub(crate) fn entries(&self) -> impl Iterator<Item = (i64, HoldId)> + '_ {
        let heap = self.out_of_order.iter().map(|Reverse(entry)| *entry);
        self.in_order.iter().copied().chain(heap)
    }
}

#[cfg(test)]
mod tests {
    use super::DeadlineQueue;
    use crate::ids::HoldId;

    #[test]
    fn pops_in_deadline_order_whatever_the_push_order() {
        let mut queue = DeadlineQueue::default();
        for (deadline, hold) in [(10, 1), (20, 2), (5, 3), (20, 4), (15, 5), (30, 6)] {
            queue.push(deadline, HoldId(hold));
        }
        let popped: Vec<i64> = std::iter::from_fn(|| queue.pop().map(|(d, _)| d)).collect();
        assert_eq!(popped, vec![5, 10, 15, 20, 20, 30]);
    }
}
