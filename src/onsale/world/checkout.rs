//! Safe checkout: idempotency keys on holds and confirms, and hold extension
//! while payment runs. Both are model switches (`demand.retry.idempotency_keys`,
//! `payment.extend_hold`); off, nothing here changes a run.
//!
//! Without keys, a hold whose client timed out still commits (a ghost hold:
//! seats set aside for nobody until the TTL), and the client's retry holds a
//! second time. With keys, each hold attempt carries the fan as customer and a
//! key kept across the attempt's retries; the core answers a retry with the
//! first hold, so the retry claims what the timed-out request committed. A
//! ghost is then only a hold that no client ever received.

use std::collections::BTreeMap;

use seat_core::{CustomerId, Hold, HoldRequest, IdempotencyKey, Order, Refusal};

use super::World;
use crate::engine::{Scheduler, Span, Time};
use crate::model::OnsaleSpec;
use crate::onsale::event::Event;
use crate::onsale::inventory::Claim;

/// The checkout switches and what they did.
pub struct Checkout {
    /// Holds and confirms carry a customer and an idempotency key.
    keys: bool,
    /// Each payment submission extends the hold to at least this long after it.
    extend_hold: Option<Span>,
    /// (show, hold) → fan: holds committed for a client that had given up, not
    /// yet claimed by a retry (keys only; without keys no retry can claim one).
    unclaimed: BTreeMap<(u16, u64), u32>,
    /// Hold requests the core answered with an earlier hold (same key).
    pub hold_replays: u64,
    /// Holds whose deadline moved later while payment ran.
    pub holds_extended: u64,
    /// Confirms the core refused because the hold had expired, whether or not
    /// the client still waited for the answer.
    pub confirms_refused_expired: u64,
}

impl Checkout {
    /// The switches of a validated spec.
    pub fn new(spec: &OnsaleSpec) -> Checkout {
        Checkout {
            keys: spec.demand.retry.idempotency_keys,
            extend_hold: spec.payment.extend_hold.map(|extension| extension.span()),
            unclaimed: BTreeMap::new(),
            hold_replays: 0,
            holds_extended: 0,
            confirms_refused_expired: 0,
        }
    }

    /// The longest a hold may live in the core: the TTL plus the extension.
    pub fn max_hold_ttl(spec: &OnsaleSpec) -> Option<Span> {
        (spec.payment.extend_hold).map(|extension| spec.sale.hold_ttl.span() + extension.span())
    }
}

impl World {
    /// The fan's claim on their current hold attempt (with keys).
    pub(super) fn hold_claim(&self, fan: u32) -> Option<Claim> {
        self.checkout.keys.then(|| Claim {
            customer: CustomerId(u64::from(fan)),
            key: IdempotencyKey(u64::from(self.fans[fan as usize].hold_attempt)),
        })
    }

    /// The hold request, with the fan's claim when keys are on.
    pub(super) fn claimed(&self, fan: u32, request: HoldRequest) -> HoldRequest {
        match self.hold_claim(fan) {
            Some(claim) => request
                .for_customer(claim.customer)
                .idempotency_key(claim.key),
            None => request,
        }
    }

    /// The seats the fan clicked, for this hold request. With keys they stay
    /// until an answer reaches the fan, so a retry asks for the same seats (a
    /// different request under the same key would be refused).
    pub(super) fn take_pick(&mut self, fan: u32) -> Option<Vec<seat_core::SeatId>> {
        if self.checkout.keys {
            self.picks.get(&fan).cloned()
        } else {
            self.picks.remove(&fan)
        }
    }

    /// A hold committed for a client that no longer waits: a ghost, unless a
    /// retry with the same key claims it later.
    pub(super) fn note_undelivered_hold(
        &mut self,
        fan: u32,
        show: u16,
        hold: Option<&Hold>,
        fresh: bool,
    ) {
        let Some(hold) = hold else { return };
        if !fresh {
            self.checkout.hold_replays += 1;
            return;
        }
        self.metrics.ghost_holds += 1;
        if self.checkout.keys {
            self.checkout.unclaimed.insert((show, hold.id.0), fan);
        }
    }

    /// An answer to a hold request reached the fan: the attempt is over (the
    /// next one takes a new key), and a ghost the answer names is claimed.
    pub(super) fn note_delivered_hold(
        &mut self,
        fan: u32,
        show: u16,
        hold: Option<&Hold>,
        fresh: bool,
    ) {
        if !self.checkout.keys {
            return;
        }
        self.picks.remove(&fan);
        let record = &mut self.fans[fan as usize];
        record.hold_attempt = record.hold_attempt.wrapping_add(1);
        if let Some(hold) = hold
            && !fresh
        {
            self.checkout.hold_replays += 1;
            if self.checkout.unclaimed.remove(&(show, hold.id.0)).is_some() {
                self.metrics.ghost_holds -= 1;
            }
        }
    }

    /// Confirm the fan's hold: idempotently for its customer with keys.
    pub(super) fn confirm_hold(
        &mut self,
        now: Time,
        fan: u32,
        show: u16,
        hold: u64,
    ) -> Result<Order, Refusal> {
        let result = match self.hold_claim(fan) {
            Some(claim) => self.inventory.confirm_for(now, show, claim.customer, hold),
            None => self.inventory.confirm(now, show, hold),
        };
        if matches!(result, Err(Refusal::HoldExpired(_))) {
            self.checkout.confirms_refused_expired += 1;
        }
        result
    }

    /// The fan submits payment: 3-D Secure may take minutes, so the hold is
    /// extended to at least `extend_hold` from now (the core caps it at the
    /// maximum hold lifetime), and a payment that succeeds late still confirms.
    pub(super) fn extend_for_payment(
        &mut self,
        now: Time,
        fan: u32,
        scheduler: &mut Scheduler<Event>,
    ) {
        let Some(extension) = self.checkout.extend_hold else {
            return;
        };
        let Some((show, hold)) = self.fans[fan as usize].hold() else {
            return;
        };
        let customer = self.hold_claim(fan).map(|claim| claim.customer);
        if let Some(deadline) =
            self.inventory
                .extend_hold(now, show, customer, hold, now + extension)
        {
            self.checkout.holds_extended += 1;
            scheduler.at(deadline, Event::HoldDeadline(show));
        }
    }

    /// The checkout metrics, for `summary.json`.
    pub(super) fn checkout_metrics(&self, put: &mut impl FnMut(&str, f64)) {
        put("hold_replays", self.checkout.hold_replays as f64);
        put("holds_extended", self.checkout.holds_extended as f64);
        put(
            "confirms_refused_hold_expired",
            self.checkout.confirms_refused_expired as f64,
        );
    }
}
