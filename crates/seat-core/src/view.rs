//! [`SeatCore::view`]: the state at a given `now`, with due holds expired, without
//! mutating the core. Reads of a `View` (counts, `suggest_seats`, hold status, free
//! runs) are what a mutating call at `now` would see.

use crate::core::SeatCore;
use std::ops::Deref;

/// A read-only view of a core at some `now`. Derefs to [`SeatCore`] for every read.
#[derive(Debug)]
pub enum View<'a> {
    /// Nothing was due: the core itself.
    Current(&'a SeatCore),
    /// Some holds were due: a copy with them expired (O(state) to make).
    Advanced(Box<SeatCore>),
}

impl Deref for View<'_> {
    type Target = SeatCore;

    fn deref(&self) -> &SeatCore {
        match self {
            View::Current(core) => core,
            View::Advanced(core) => core,
        }
    }
}

impl SeatCore {
    /// The state at `now`: holds whose deadline is `<= now` shown as expired. Costs
    /// nothing when no hold is due, else one copy of the state (without the journal).
    /// A `now` before the latest call shows the state as of the latest call.
    pub fn view(&self, now: i64) -> View<'_> {
        if self.poll_timeout().is_none_or(|deadline| deadline > now) {
            return View::Current(self);
        }
        let mut copy = self.clone_without_journal();
        // `now` is at or after a live deadline, which is after `latest`: never refused.
        let _ = copy.advance(now);
        View::Advanced(Box::new(copy))
    }

    fn clone_without_journal(&self) -> SeatCore {
        let mut copy = SeatCore::with_shared_venue(self.venue.clone(), self.limits);
        copy.clone_state_from(self);
        copy
    }
}
