//! The fixed-delay lane of [`super::EventQueue`]: timers of one delay (a
//! client timeout) come due in the order they are pushed, so they wait in a
//! first-in-first-out queue, one O(1) step in and out instead of a heap's
//! O(log n), and can be cancelled by position when they no longer matter.

use std::collections::VecDeque;

use super::queue::Entry;

/// Where a fixed-delay timer waits in the lane, to cancel it (see
/// [`super::EventQueue::cancel_in_order`]). 32 bits so it fits in a request's
/// padding; the lane never holds 2^32 timers, and a cancel checks the tag.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct LaneTimer(u32);

/// The tag of a cancelled entry; a timer pushed with this tag cannot be
/// cancelled (it fires, and its handler finds nothing to do).
const CANCELLED: u64 = u64::MAX;

/// Timers in push order, which is their (time, sequence) order.
pub(super) struct Lane<E> {
    /// The front is never a cancelled entry.
    entries: VecDeque<Entry<E>>,
    /// The tag of each entry, [`CANCELLED`] once cancelled: apart, so a
    /// cancel reads 8 bytes of a dense array, not the timer's whole entry.
    /// Reading the entry (64 bytes on the on-sale, written long before when
    /// the app queue is long) missed the cache: 9% of the toy on-sale.
    tags: VecDeque<u64>,
    /// Position of the front: entries popped so far.
    base: u64,
    /// Cancelled entries still waiting.
    cancelled: usize,
}

impl<E> Lane<E> {
    pub(super) fn new() -> Self {
        Lane {
            entries: VecDeque::new(),
            tags: VecDeque::new(),
            base: 0,
            cancelled: 0,
        }
    }

    /// Entries waiting and not cancelled.
    pub(super) fn len(&self) -> usize {
        self.entries.len() - self.cancelled
    }

    pub(super) fn front(&self) -> Option<&Entry<E>> {
        self.entries.front()
    }

    /// Whether an entry for `time` (ordered) keeps the lane in time order.
    #[inline]
    pub(super) fn fits(&self, time: u64) -> bool {
        self.entries.back().is_none_or(|last| last.time <= time)
    }

    /// Appends an entry that [`Lane::fits`].
    #[inline]
    pub(super) fn push_back(&mut self, entry: Entry<E>, tag: u64) {
        debug_assert!(self.fits(entry.time));
        self.entries.push_back(entry);
        self.tags.push_back(tag);
    }

    /// Entries popped so far, cancelled ones included: it changes exactly
    /// when the front does (or the lane empties).
    pub(super) fn popped(&self) -> u64 {
        self.base
    }

    /// The handle of the next entry pushed (its position, truncated).
    pub(super) fn next_timer(&self) -> LaneTimer {
        LaneTimer((self.base + self.entries.len() as u64) as u32)
    }

    /// Cancels the entry at `timer` if it still waits and was pushed with
    /// `tag`; true if it was cancelled.
    #[inline]
    pub(super) fn cancel(&mut self, timer: LaneTimer, tag: u64) -> bool {
        let index = timer.0.wrapping_sub(self.base as u32) as usize;
        match self.tags.get_mut(index) {
            Some(held) if *held == tag && tag != CANCELLED => {
                *held = CANCELLED;
                self.cancelled += 1;
                self.skip_cancelled();
                true
            }
            _ => false,
        }
    }

    /// Pops the front, a timer that fires, and drops the cancelled entries
    /// behind it.
    pub(super) fn pop(&mut self) -> Option<Entry<E>> {
        let entry = self.pop_front()?;
        self.skip_cancelled();
        Some(entry)
    }

    fn pop_front(&mut self) -> Option<Entry<E>> {
        let entry = self.entries.pop_front()?;
        self.tags.pop_front();
        self.base += 1;
        Some(entry)
    }

    fn skip_cancelled(&mut self) {
        while self.cancelled > 0 && self.tags.front() == Some(&CANCELLED) {
            self.pop_front();
            self.cancelled -= 1;
        }
    }
}
