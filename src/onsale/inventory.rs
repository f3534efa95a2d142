//! The shows on sale, each with its own seat core, plus the read replicas'
//! stale view of them. Every call passes the virtual `now`; the core decides.

use std::collections::BTreeMap;

use seat_core::{
    Cancelled, CustomerId, Hold, HoldId, HoldRequest, IdempotencyKey, Limits, Order, OrderId,
    PriceLevelId, Refusal, SeatCore, SeatId, SectionId, Venue, VenueSpec,
};

use crate::engine::{Span, Time};

/// What a seat map shows a fan who wants `tickets`: seats to click, or nothing.
type MapPick = Option<Vec<SeatId>>;

/// Who asks for a hold, and the key that makes its retries safe.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Claim {
    /// The buyer: only they may confirm or extend the hold.
    pub customer: CustomerId,
    /// The same for every retry of one hold attempt.
    pub key: IdempotencyKey,
}

/// Seat cores of every show and the replica cache.
pub struct Inventory {
    shows: Vec<SeatCore>,
    general_admission: Option<SectionId>,
    replica_lag: Span,
    /// The lag without faults.
    base_replica_lag: Span,
    /// (show, tickets, split) → (read at, pick): a replica's view, refreshed once per lag.
    replica_view: BTreeMap<(u16, u8, bool), (Time, MapPick)>,
}

impl Inventory {
    /// `shows` fresh copies of the venue; holds live at most `max_hold_ttl`
    /// (extensions included), or the core's default without one.
    pub fn new(
        venue: &VenueSpec,
        shows: u32,
        order_limit: u32,
        replica_lag: Span,
        max_hold_ttl: Option<Span>,
    ) -> Result<Inventory, String> {
        let venue = Venue::build(venue).map_err(|error| error.to_string())?;
        let mut limits = Limits::new(order_limit).map_err(|error| error.to_string())?;
        if let Some(ttl) = max_hold_ttl {
            limits = limits.with_max_hold_ttl_ns(ttl.0.max(1) as u64);
        }
        let general_admission = venue.sections().iter().enumerate().find_map(|(index, _)| {
            let id = SectionId(index as _);
            venue.is_general_admission(id).then_some(id)
        });
        Ok(Inventory {
            shows: (0..shows)
                .map(|_| SeatCore::new(venue.clone(), limits))
                .collect(),
            general_admission,
            replica_lag,
            base_replica_lag: replica_lag,
            replica_view: BTreeMap::new(),
        })
    }

    /// Every show's core journals each accepted call from now on.
    pub fn start_journals(&mut self) {
        for core in &mut self.shows {
            core.start_journal();
        }
    }

    /// The shows' cores, journals included.
    pub fn into_cores(self) -> Vec<SeatCore> {
        self.shows
    }

    /// The request a fan makes.
    pub fn request(
        &self,
        tickets: u8,
        general_admission: bool,
        split: bool,
        max_price_minor: u32,
    ) -> HoldRequest {
        let mut request = HoldRequest::new(u32::from(tickets));
        if let (true, Some(section)) = (general_admission, self.general_admission) {
            request = request.in_section(section);
        }
        if split {
            request = request.allow_split();
        }
        if max_price_minor != u32::MAX {
            request = request.max_price_minor(u64::from(max_price_minor));
        }
        request
    }

    /// What a read replica's seat map offers: the primary's choice as of up to
    /// `replica_lag` ago, so fans reading within one lag window click the same seats.
    pub fn seat_map_pick(&mut self, now: Time, show: u16, request: &HoldRequest) -> MapPick {
        if request.section.is_some() && request.section == self.general_admission {
            return None;
        }
        let key = (show, request.quantity as u8, request.allow_split);
        if let Some((read_at, pick)) = self.replica_view.get(&key)
            && now.since(*read_at) < self.replica_lag
        {
            return pick.clone();
        }
        let pick = self.shows[show as usize]
            .suggest_seats(request)
            .ok()
            .map(|s| s.seats.as_slice().to_vec());
        self.replica_view.insert(key, (now, pick.clone()));
        pick
    }

    /// The replicas' lag without faults.
    pub fn base_replica_lag(&self) -> Span {
        self.base_replica_lag
    }

    /// Replicas now lag by `lag` (a lag spike, or its end).
    pub fn set_replica_lag(&mut self, lag: Span) {
        self.replica_lag = lag;
    }

    /// Best-available hold.
    pub fn hold_best(
        &mut self,
        now: Time,
        show: u16,
        request: &HoldRequest,
        ttl: Span,
    ) -> Result<Hold, Refusal> {
        self.shows[show as usize].hold_best_available(now.0, request, (now + ttl).0)
    }

    /// Hold the seats clicked on the map.
    pub fn hold_seats(
        &mut self,
        now: Time,
        show: u16,
        seats: &[SeatId],
        ttl: Span,
    ) -> Result<Hold, Refusal> {
        self.shows[show as usize].hold_seats(now.0, seats, (now + ttl).0)
    }

    /// Hold the seats clicked on the map, for a customer with a key (a retry
    /// with the same claim and seats gets the first hold back).
    pub fn hold_seats_for(
        &mut self,
        now: Time,
        show: u16,
        claim: Claim,
        seats: &[SeatId],
        ttl: Span,
    ) -> Result<Hold, Refusal> {
        self.shows[show as usize].hold_seats_for(
            now.0,
            Some(claim.customer),
            Some(claim.key),
            seats,
            (now + ttl).0,
        )
    }

    /// Holds ever granted in a show: it grows only when a hold is new, not
    /// when an idempotent retry gets an earlier one back.
    pub fn holds_issued(&self, show: u16) -> u64 {
        self.shows[show as usize].holds_issued()
    }

    /// Confirm a hold into an order.
    pub fn confirm(&mut self, now: Time, show: u16, hold: u64) -> Result<Order, Refusal> {
        self.shows[show as usize].confirm(now.0, HoldId(hold))
    }

    /// Confirm a customer's hold, idempotently: a retry gets the same order.
    pub fn confirm_for(
        &mut self,
        now: Time,
        show: u16,
        customer: CustomerId,
        hold: u64,
    ) -> Result<Order, Refusal> {
        self.shows[show as usize].confirm_for(now.0, Some(customer), HoldId(hold))
    }

    /// Moves a live hold's deadline to at least `wanted`, as far as the core's
    /// maximum hold lifetime allows; never earlier. Returns the new deadline,
    /// or `None` when it did not move (already as late, expired, or at the cap).
    pub fn extend_hold(
        &mut self,
        now: Time,
        show: u16,
        customer: Option<CustomerId>,
        hold: u64,
        wanted: Time,
    ) -> Option<Time> {
        let core = &mut self.shows[show as usize];
        let current = core.hold(HoldId(hold))?.deadline;
        if wanted.0 <= current {
            return None;
        }
        let deadline = match core.extend_hold(now.0, customer, HoldId(hold), wanted.0) {
            Ok(extended) => extended.deadline,
            // The core names the latest deadline it allows: take that.
            Err(Refusal::DeadlineTooFar { latest_allowed, .. }) if latest_allowed > current => {
                core.extend_hold(now.0, customer, HoldId(hold), latest_allowed)
                    .ok()?
                    .deadline
            }
            Err(_) => return None,
        };
        Some(Time(deadline))
    }

    /// Cancel (refund) an order: its tickets go back on sale.
    pub fn cancel_order(&mut self, now: Time, show: u16, order: u64) -> Result<Cancelled, Refusal> {
        self.shows[show as usize].cancel_order(now.0, OrderId(order))
    }

    /// Set a price level's price in a show, for holds from now on.
    pub fn set_price(
        &mut self,
        now: Time,
        show: u16,
        level: PriceLevelId,
        price_minor: u64,
    ) -> Result<u64, Refusal> {
        self.shows[show as usize].set_price(now.0, level, price_minor)
    }

    /// Free tickets of a price level in a show (seated and standing).
    pub fn level_free(&self, show: u16, level: PriceLevelId) -> u64 {
        self.shows[show as usize]
            .availability()
            .iter()
            .filter(|zone| zone.price_level == level)
            .map(|zone| u64::from(zone.counts.free))
            .sum()
    }

    /// The price of one standing ticket a fan meets now in a show: the cheapest
    /// GA tier on sale with free tickets (`None` without GA or free GA tickets).
    pub fn standing_price(&self, show: u16) -> Option<u64> {
        let core = &self.shows[show as usize];
        core.tier_availability(self.general_admission?)
            .iter()
            .filter(|tier| tier.on_sale && tier.counts.free > 0)
            .filter_map(|tier| core.price_minor(tier.price_level))
            .min()
    }

    /// A price level by name.
    pub fn price_level(&self, name: &str) -> Option<PriceLevelId> {
        self.shows.first()?.venue().price_level_by_name(name)
    }

    /// Shows on sale.
    pub fn shows(&self) -> u16 {
        self.shows.len() as u16
    }

    /// Expire due holds of a show; returns tickets put back on sale.
    pub fn expire(&mut self, now: Time, show: u16) -> u32 {
        self.shows[show as usize]
            .handle_timeout(now.0)
            .map(|expired| expired.tickets)
            .unwrap_or(0)
    }

    /// A show with free tickets, searching onward from `from`.
    pub fn show_with_free_tickets(&self, from: u16) -> Option<u16> {
        let count = self.shows.len();
        (0..count)
            .map(|offset| ((from as usize + offset) % count) as u16)
            .find(|&show| self.shows[show as usize].free() > 0)
    }

    /// Free tickets across shows.
    pub fn free(&self) -> u64 {
        self.shows.iter().map(|core| u64::from(core.free())).sum()
    }

    /// Held tickets across shows.
    pub fn held(&self) -> u64 {
        self.shows.iter().map(|core| u64::from(core.held())).sum()
    }

    /// Sold tickets across shows.
    pub fn sold(&self) -> u64 {
        self.shows.iter().map(|core| u64::from(core.sold())).sum()
    }

    /// Live holds across shows.
    pub fn live_holds(&self) -> u64 {
        self.shows
            .iter()
            .map(|core| u64::from(core.live_holds()))
            .sum()
    }

    /// Revenue of confirmed orders, minor units.
    pub fn revenue_minor(&self) -> u64 {
        self.shows.iter().map(SeatCore::revenue_minor).sum()
    }

    /// Total capacity across shows.
    pub fn capacity(&self) -> u64 {
        self.shows
            .iter()
            .map(|core| u64::from(core.capacity()))
            .sum()
    }

    /// The seat core's own invariant check on every show.
    pub fn check_invariants(&self) -> Result<(), String> {
        for (show, core) in self.shows.iter().enumerate() {
            core.check_invariants()
                .map_err(|violation| format!("show {show}: {violation}"))?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use seat_core::VenuePreset;

    fn secs(seconds: f64) -> Time {
        Time::OPENING + Span::from_secs_f64(seconds)
    }

    /// The 1,000-capacity club: 300 reserved seats, 700 standing.
    fn inventory(shows: u32, lag_s: i64) -> Inventory {
        Inventory::new(
            &VenuePreset::Club.spec(),
            shows,
            4,
            Span::from_secs(lag_s),
            None,
        )
        .unwrap()
    }

    #[test]
    fn a_lagging_replica_shows_taken_seats_until_one_lag_has_passed() {
        let mut inventory = inventory(1, 2);
        let request = inventory.request(2, false, false, u32::MAX);
        let first = inventory.seat_map_pick(secs(0.0), 0, &request).unwrap();
        inventory
            .hold_seats(secs(0.5), 0, &first, Span::from_secs(480))
            .unwrap();
        // Within the 2 s lag the replica still offers the held seats...
        assert_eq!(
            inventory.seat_map_pick(secs(1.999), 0, &request),
            Some(first.clone())
        );
        assert!(matches!(
            inventory.hold_seats(secs(1.999), 0, &first, Span::from_secs(480)),
            Err(Refusal::SeatTaken(_))
        ));
        // ...and from 2 s on it reads the primary again.
        let fresh = inventory.seat_map_pick(secs(2.0), 0, &request).unwrap();
        assert!(
            fresh.iter().all(|seat| !first.contains(seat)),
            "{first:?} {fresh:?}"
        );
        assert!(
            inventory
                .hold_seats(secs(2.0), 0, &fresh, Span::from_secs(480))
                .is_ok()
        );
    }

    #[test]
    fn without_lag_the_map_is_always_current() {
        let mut inventory = inventory(1, 0);
        let request = inventory.request(2, false, false, u32::MAX);
        let first = inventory.seat_map_pick(secs(0.0), 0, &request).unwrap();
        inventory
            .hold_seats(secs(0.0), 0, &first, Span::from_secs(480))
            .unwrap();
        let next = inventory.seat_map_pick(secs(0.0), 0, &request).unwrap();
        assert!(next.iter().all(|seat| !first.contains(seat)));
    }

    #[test]
    fn a_lag_spike_widens_the_stale_window_and_its_end_restores_it() {
        let mut inventory = inventory(1, 1);
        inventory.set_replica_lag(Span::from_secs(10));
        assert_eq!(inventory.base_replica_lag(), Span::from_secs(1));
        let request = inventory.request(1, false, false, u32::MAX);
        let first = inventory.seat_map_pick(secs(0.0), 0, &request).unwrap();
        inventory
            .hold_seats(secs(0.1), 0, &first, Span::from_secs(480))
            .unwrap();
        assert_eq!(
            inventory.seat_map_pick(secs(9.0), 0, &request),
            Some(first.clone())
        );
        inventory.set_replica_lag(inventory.base_replica_lag());
        assert_ne!(inventory.seat_map_pick(secs(9.0), 0, &request), Some(first));
    }

    #[test]
    fn general_admission_has_no_seat_map_and_is_held_by_quantity() {
        let mut inventory = inventory(1, 2);
        let request = inventory.request(3, true, false, u32::MAX);
        assert_eq!(inventory.seat_map_pick(secs(0.0), 0, &request), None);
        let hold = inventory
            .hold_best(secs(0.0), 0, &request, Span::from_secs(480))
            .unwrap();
        assert_eq!(hold.tickets, 3);
        assert!(hold.seats.as_slice().is_empty(), "GA holds name no seats");
    }

    #[test]
    fn unpaid_holds_return_at_the_ttl_and_confirmed_ones_are_sold() {
        let mut inventory = inventory(2, 2);
        assert_eq!(inventory.capacity(), 2000);
        let ttl = Span::from_secs(480);
        let request = inventory.request(4, false, false, u32::MAX);
        let unpaid = inventory.hold_best(secs(0.0), 1, &request, ttl).unwrap();
        let paid = inventory.hold_best(secs(1.0), 1, &request, ttl).unwrap();
        assert_eq!((inventory.held(), inventory.live_holds()), (8, 2));
        let order = inventory.confirm(secs(60.0), 1, paid.id.0).unwrap();
        assert_eq!(inventory.sold(), 4);
        assert_eq!(inventory.revenue_minor(), paid.total_price_minor);
        assert!(order.total_price_minor > 0);
        assert_eq!(inventory.expire(secs(479.999), 1), 0);
        assert_eq!(inventory.expire(secs(480.0), 1), 4);
        assert_eq!(inventory.expire(secs(481.0), 0), 0, "show 0 had no holds");
        assert_eq!((inventory.held(), inventory.free()), (0, 2000 - 4));
        assert!(matches!(
            inventory.confirm(secs(481.0), 1, unpaid.id.0),
            Err(Refusal::HoldExpired(_))
        ));
        inventory.check_invariants().unwrap();
    }

    #[test]
    fn the_next_show_with_tickets_wraps_around() {
        let mut inventory = inventory(3, 0);
        let ttl = Span::from_secs(480);
        let everything = |inventory: &Inventory, ga: bool| inventory.request(4, ga, true, u32::MAX);
        // Sell show 1 out, 4 at a time (seats, then standing).
        let mut t = 0.0;
        for ga in [false, true] {
            let request = everything(&inventory, ga);
            while inventory.hold_best(secs(t), 1, &request, ttl).is_ok() {
                t += 0.001;
            }
        }
        assert_eq!(inventory.held(), 1000);
        assert_eq!(inventory.show_with_free_tickets(1), Some(2));
        assert_eq!(inventory.show_with_free_tickets(0), Some(0));
        assert_eq!(inventory.show_with_free_tickets(2), Some(2));
    }
}
