//! A deliberately naive reference model of the seat core: a flat `Vec` of seat owners,
//! every hold and order in a `Vec`, and linear scans for everything. It shares nothing
//! computed with the real core: it reads the venue spec itself (`super::venue`: seat
//! ids, ranks, price bands, rank offsets, tiers, zones), finds blocks by trying every
//! start, explains a shortage by filtering the free tickets stage by stage, and picks GA
//! tickets by enumerating every way to take them from the tiers. Only the plain data
//! types (ids, `Hold`, `Order`, `Refusal`, ...) come from the crate, so the property
//! tests compare two independent implementations.

use super::venue::{SpecSectionKind, SpecVenue};
use seat_core::{
    Cancelled, Counts, CustomerId, Expired, ExpiredHold, GaLine, GaTickets, Hold, HoldId,
    HoldRequest, HoldStatus, IdempotencyKey, Limits, OffSaleReason, Order, OrderId, PriceLevelId,
    Refusal, Released, SeatId, SeatList, SectionId, Suggestion, TierAvailability, VenueSpec,
    ZoneAvailability,
};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Fate {
    Live,
    Confirmed(OrderId),
    Released,
    Expired,
}

/// What a hold was asked for, to tell a retry from a reused key.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Asked {
    Best(HoldRequest),
    Seats(Vec<SeatId>),
}

#[derive(Clone, Debug)]
pub struct RefHold {
    /// The hold as it is now (partial releases and extensions applied).
    pub hold: Hold,
    pub fate: Fate,
    pub granted_at: i64,
    pub key: Option<(IdempotencyKey, Asked)>,
    pub seat_prices: Vec<u64>,
    pub line_prices: Vec<u64>,
}

#[derive(Clone, Debug)]
pub struct Reference {
    /// The venue as the reference reads it from the spec.
    pub venue: SpecVenue,
    pub limit: u32,
    pub customer_limit: Option<u32>,
    pub max_ttl: i64,
    pub latest: Option<i64>,
    /// Per seat: `None` free, `Some(hold id)` held or sold by that hold.
    pub owner: Vec<Option<HoldId>>,
    pub off: Vec<Option<OffSaleReason>>,
    pub holds: Vec<RefHold>,
    pub orders: Vec<Order>,
    pub prices: Vec<u64>,
    pub opened: Vec<bool>,
}

/// A candidate block: (untidy, rank sum, row id, start offset); the smallest wins.
type Candidate = (bool, u64, u32, u32);

impl Reference {
    pub fn new(spec: &VenueSpec, limits: Limits) -> Result<Reference, String> {
        let venue = SpecVenue::read(spec)?;
        let seats = venue.seats.len();
        Ok(Reference {
            limit: limits.max_tickets_per_order(),
            customer_limit: limits.max_tickets_per_customer(),
            max_ttl: limits.max_hold_ttl_ns(),
            latest: None,
            owner: vec![None; seats],
            off: vec![None; seats],
            holds: Vec::new(),
            orders: Vec::new(),
            prices: venue.face_prices.clone(),
            opened: vec![false; venue.tiers.len()],
            venue,
        })
    }

    fn fate_of(&self, id: HoldId) -> Option<Fate> {
        let index = id.0.checked_sub(1)? as usize;
        self.holds.get(index).map(|h| h.fate)
    }

    fn is_free(&self, seat: u32) -> bool {
        self.owner[seat as usize].is_none() && self.off[seat as usize].is_none()
    }

    fn order_active(&self, order: OrderId) -> bool {
        self.orders[order.0 as usize - 1].cancelled_at.is_none()
    }

    /// Holds whose tickets are taken: live, or confirmed into an active order.
    fn taking(&self) -> impl Iterator<Item = &RefHold> {
        self.holds.iter().filter(|h| match h.fate {
            Fate::Live => true,
            Fate::Confirmed(order) => self.order_active(order),
            _ => false,
        })
    }

    /// Time check, then expire everything due, in (deadline, id) order.
    pub fn advance(&mut self, now: i64) -> Result<Expired, Refusal> {
        if let Some(latest) = self.latest
            && now < latest
        {
            return Err(Refusal::TimeWentBackwards { now, latest });
        }
        self.latest = Some(now);
        let mut due: Vec<(i64, usize)> = (0..self.holds.len())
            .filter(|&i| self.holds[i].fate == Fate::Live && self.holds[i].hold.deadline <= now)
            .map(|i| (self.holds[i].hold.deadline, i))
            .collect();
        due.sort();
        let mut expired = Expired::default();
        for (deadline, index) in due {
            let hold = &self.holds[index].hold;
            expired.holds += 1;
            expired.tickets += hold.tickets;
            expired.expired.push(ExpiredHold {
                hold: hold.id,
                customer: hold.customer,
                tickets: hold.tickets,
                deadline,
            });
            self.end(index, Fate::Expired);
        }
        Ok(expired)
    }

    fn end(&mut self, index: usize, fate: Fate) {
        self.holds[index].fate = fate;
        if !matches!(fate, Fate::Confirmed(_)) {
            for seat in self.holds[index].hold.seats.clone().iter() {
                self.owner[seat.index()] = None;
            }
        }
    }

    fn check_quantity(&self, quantity: u32) -> Result<(), Refusal> {
        if quantity == 0 {
            return Err(Refusal::ZeroQuantity);
        }
        if quantity > self.limit {
            return Err(Refusal::OverLimit {
                requested: quantity,
                limit: self.limit,
            });
        }
        Ok(())
    }

    fn price_ok(&self, request: &HoldRequest, level: PriceLevelId) -> bool {
        let price = self.prices[level.index()];
        request.price_level.is_none_or(|l| l == level)
            && request.max_price_minor.is_none_or(|m| price <= m)
    }

    /// Tickets of a GA tier in live holds or active orders.
    fn tier_taken(&self, tier: u32) -> u32 {
        self.taking()
            .flat_map(|h| {
                h.hold
                    .general_admission
                    .iter()
                    .flat_map(|ga| ga.lines.iter())
            })
            .filter(|line| line.tier == tier)
            .map(|line| line.tickets)
            .sum()
    }

    fn tier_free(&self, tier: u32) -> u32 {
        self.venue.tiers[tier as usize].capacity - self.tier_taken(tier)
    }

    /// What best-available picks: `Ok((seats, ga))`.
    pub fn select(
        &self,
        request: &HoldRequest,
    ) -> Result<(Vec<SeatId>, Option<GaTickets>), Refusal> {
        self.check_quantity(request.quantity)?;
        if let Some(section) = request.section
            && section.index() >= self.venue.sections.len()
        {
            return Err(Refusal::UnknownSection(section));
        }
        if let Some(level) = request.price_level
            && level.index() >= self.prices.len()
        {
            return Err(Refusal::UnknownPriceLevel(level));
        }
        if let Some(section) = request.section
            && let SpecSectionKind::General(tiers) = &self.venue.sections[section.index()].kind
        {
            if !request.attributes.require.is_empty() {
                return Err(Refusal::NoSeatsWithAttributes);
            }
            return self.select_general(request, section, tiers);
        }
        self.select_reserved(request)
    }

    /// GA, by enumeration: every way to take tickets from the area's tiers is tried. A
    /// way is valid if each tier it takes from is at an allowed price and on sale once
    /// the request has its tickets: opened by the operator, or every earlier tier of the
    /// area left with none free. The request gets the valid way with exactly `quantity`
    /// tickets that takes the most from the earliest tiers (the greatest, compared tier
    /// by tier in release order).
    ///
    /// A way never needs more than `quantity` tickets from one tier: cutting a valid way
    /// back to its first `quantity` tickets in release order keeps it valid. So when
    /// fewer than `quantity` can be taken, the capped enumeration finds exactly how many.
    fn select_general(
        &self,
        request: &HoldRequest,
        section: SectionId,
        tiers: &[u32],
    ) -> Result<(Vec<SeatId>, Option<GaTickets>), Refusal> {
        let quantity = request.quantity;
        let free: Vec<u32> = tiers.iter().map(|&t| self.tier_free(t)).collect();
        let allowed: Vec<bool> = (tiers.iter())
            .map(|&t| self.price_ok(request, PriceLevelId(self.venue.tiers[t as usize].level)))
            .collect();
        let valid = |take: &[u32]| {
            (0..tiers.len()).all(|i| {
                let on_sale = self.opened[tiers[i] as usize] || (0..i).all(|j| take[j] == free[j]);
                take[i] == 0 || (allowed[i] && on_sale)
            })
        };
        let caps: Vec<u32> = free.iter().map(|&f| f.min(quantity)).collect();
        let ways: Vec<Vec<u32>> = every_way(&caps)
            .into_iter()
            .filter(|way| valid(way))
            .collect();
        let takeable = ways
            .iter()
            .map(|w| w.iter().sum::<u32>())
            .max()
            .unwrap_or(0);
        let stages = [
            (free.iter().sum(), Refusal::SoldOut),
            (takeable, Refusal::NoSeatsAtPrice),
        ];
        if let Some(refusal) = shortage(&stages, quantity) {
            return Err(refusal);
        }
        let best = (ways.into_iter())
            .filter(|w| w.iter().sum::<u32>() == quantity)
            .max()
            .expect("enough tickets can be taken");
        let lines = (tiers.iter().zip(best))
            .filter(|&(_, tickets)| tickets > 0)
            .map(|(&tier, tickets)| GaLine {
                tier,
                price_level: PriceLevelId(self.venue.tiers[tier as usize].level),
                tickets,
            })
            .collect();
        Ok((Vec::new(), Some(GaTickets { section, lines })))
    }

    /// Whether a seat passes the request's attribute filter (bits: accessible 1,
    /// companion 2): it has one of the required attributes, if any are required, and
    /// none of the avoided ones.
    fn admits(&self, request: &HoldRequest, seat: u32) -> bool {
        let has = self.venue.seats[seat as usize].attributes;
        let require = request.attributes.require.bits();
        let avoid = request.attributes.avoid.bits();
        (require == 0 || has & require != 0) && has & avoid == 0
    }

    /// Reserved seats, by trying every block: in the requested section (any reserved
    /// seat if none), at an allowed price and through the attribute filter. The best
    /// block strands no single free seat beside it, then has the lowest rank sum, then
    /// the lower row, then the lower start; without one, split seating takes the best
    /// seats by (rank, seat id); otherwise the funnel says what was missing.
    fn select_reserved(
        &self,
        request: &HoldRequest,
    ) -> Result<(Vec<SeatId>, Option<GaTickets>), Refusal> {
        let q = request.quantity;
        let seats = &self.venue.seats;
        let in_area: Vec<u32> = (0..seats.len() as u32)
            .filter(|&s| self.is_free(s))
            .filter(|&s| {
                request
                    .section
                    .is_none_or(|x| x.0 == seats[s as usize].section)
            })
            .collect();
        let at_price: Vec<u32> = (in_area.iter().copied())
            .filter(|&s| self.price_ok(request, PriceLevelId(seats[s as usize].level)))
            .collect();
        let admitted: Vec<u32> = (at_price.iter().copied())
            .filter(|&s| self.admits(request, s))
            .collect();
        let mut usable = vec![false; seats.len()];
        for &s in &admitted {
            usable[s as usize] = true;
        }
        let mut best: Option<Candidate> = None;
        for (row_id, row) in self.venue.rows.iter().enumerate() {
            let free_at = |o: u32| self.is_free(row.first_seat + o);
            for start in 0..(row.len + 1).saturating_sub(q) {
                let block = row.first_seat + start..row.first_seat + start + q;
                if !block.clone().all(|s| usable[s as usize]) {
                    continue;
                }
                let sum: u64 = block.map(|s| u64::from(seats[s as usize].rank)).sum();
                // Free seats left touching the block on each side once it is taken (only
                // whether that is exactly one matters, so count at most two).
                let left = (0..start).rev().take_while(|&o| free_at(o)).take(2).count();
                let right = (start + q..row.len)
                    .take_while(|&o| free_at(o))
                    .take(2)
                    .count();
                let candidate = (left == 1 || right == 1, sum, row_id as u32, start);
                if best.is_none_or(|b| candidate < b) {
                    best = Some(candidate);
                }
            }
        }
        if let Some((_, _, row, start)) = best {
            let first = self.venue.rows[row as usize].first_seat + start;
            return Ok(((first..first + q).map(SeatId).collect(), None));
        }
        let stages = [
            (in_area.len() as u32, Refusal::SoldOut),
            (at_price.len() as u32, Refusal::NoSeatsAtPrice),
            (admitted.len() as u32, Refusal::NoSeatsWithAttributes),
        ];
        if let Some(refusal) = shortage(&stages, q) {
            return Err(refusal);
        }
        if request.allow_split {
            let mut by_rank: Vec<(u32, u32)> = (admitted.iter())
                .map(|&s| (seats[s as usize].rank, s))
                .collect();
            by_rank.sort();
            let chosen = by_rank.iter().take(q as usize).map(|&(_, s)| SeatId(s));
            return Ok((chosen.collect(), None));
        }
        Err(Refusal::NoAdjacentSeats)
    }

    fn seat_price(&self, seat: SeatId) -> u64 {
        self.prices[self.venue.seats[seat.index()].level as usize]
    }

    fn grant(
        &mut self,
        now: i64,
        seats: Vec<SeatId>,
        ga: Option<GaTickets>,
        deadline: i64,
        customer: Option<CustomerId>,
        key: Option<(IdempotencyKey, Asked)>,
    ) -> Hold {
        let id = HoldId(self.holds.len() as u64 + 1);
        for seat in &seats {
            self.owner[seat.index()] = Some(id);
        }
        let seat_prices: Vec<u64> = seats.iter().map(|&s| self.seat_price(s)).collect();
        let lines = ga.iter().flat_map(|g| g.lines.iter());
        let line_prices: Vec<u64> = lines
            .clone()
            .map(|l| self.prices[l.price_level.index()])
            .collect();
        let tickets = seats.len() as u32 + lines.clone().map(|l| l.tickets).sum::<u32>();
        let total = seat_prices.iter().sum::<u64>()
            + lines
                .zip(&line_prices)
                .map(|(l, p)| u64::from(l.tickets) * p)
                .sum::<u64>();
        let hold = Hold {
            id,
            total_price_minor: total,
            seats: SeatList::from(seats.as_slice()),
            general_admission: ga,
            tickets,
            deadline,
            customer,
        };
        self.holds.push(RefHold {
            hold: hold.clone(),
            fate: Fate::Live,
            granted_at: now,
            key,
            seat_prices,
            line_prices,
        });
        hold
    }

    /// Tickets of a customer in live holds and active orders.
    pub fn customer_tickets(&self, customer: CustomerId) -> u32 {
        self.taking()
            .filter(|h| h.hold.customer == Some(customer))
            .map(|h| match h.fate {
                Fate::Confirmed(order) => self.orders[order.0 as usize - 1].tickets,
                _ => h.hold.tickets,
            })
            .sum()
    }

    /// The shared steps of a hold: time, retry, deadline, quantity, customer limit.
    fn before_hold(
        &mut self,
        now: i64,
        customer: Option<CustomerId>,
        key: &Option<(IdempotencyKey, Asked)>,
        quantity: u32,
        deadline: i64,
    ) -> Result<Option<Hold>, Refusal> {
        self.advance(now)?;
        if let Some((key, asked)) = key
            && let Some(first) = self.holds.iter().find(|h| {
                h.hold.customer == customer && h.key.as_ref().is_some_and(|k| k.0 == *key)
            })
        {
            if first.key.as_ref().unwrap().1 != *asked {
                return Err(Refusal::IdempotencyKeyReused(first.hold.id));
            }
            self.live_index(first.hold.id)?;
            return Ok(Some(first.hold.clone()));
        }
        if deadline <= now {
            return Err(Refusal::DeadlineNotInFuture { deadline, now });
        }
        let latest_allowed = now.saturating_add(self.max_ttl);
        if deadline > latest_allowed {
            return Err(Refusal::DeadlineTooFar {
                deadline,
                latest_allowed,
            });
        }
        self.check_quantity(quantity)?;
        if let (Some(customer), Some(limit)) = (customer, self.customer_limit) {
            let holding = self.customer_tickets(customer);
            if holding + quantity > limit {
                return Err(Refusal::CustomerLimit {
                    customer,
                    holding,
                    requested: quantity,
                    limit,
                });
            }
        }
        Ok(None)
    }

    pub fn hold_best_available(
        &mut self,
        now: i64,
        request: &HoldRequest,
        deadline: i64,
    ) -> Result<Hold, Refusal> {
        let mut asked = request.clone();
        asked.customer = None;
        asked.idempotency_key = None;
        let key = request.idempotency_key.map(|k| (k, Asked::Best(asked)));
        if let Some(retry) =
            self.before_hold(now, request.customer, &key, request.quantity, deadline)?
        {
            return Ok(retry);
        }
        let (seats, ga) = self.select(request)?;
        Ok(self.grant(now, seats, ga, deadline, request.customer, key))
    }

    pub fn hold_seats(
        &mut self,
        now: i64,
        customer: Option<CustomerId>,
        key: Option<IdempotencyKey>,
        seats: &[SeatId],
        deadline: i64,
    ) -> Result<Hold, Refusal> {
        let key = key.map(|k| (k, Asked::Seats(seats.to_vec())));
        let quantity = seats.len() as u32;
        if let Some(retry) = self.before_hold(now, customer, &key, quantity, deadline)? {
            return Ok(retry);
        }
        for (i, &seat) in seats.iter().enumerate() {
            if seat.index() >= self.owner.len() {
                return Err(Refusal::UnknownSeat(seat));
            }
            if seats[..i].contains(&seat) {
                return Err(Refusal::DuplicateSeat(seat));
            }
            if !self.is_free(seat.0) {
                return Err(Refusal::SeatTaken(seat));
            }
        }
        Ok(self.grant(now, seats.to_vec(), None, deadline, customer, key))
    }

    fn live_index(&self, id: HoldId) -> Result<usize, Refusal> {
        match self.fate_of(id) {
            None => Err(Refusal::UnknownHold(id)),
            Some(Fate::Live) => Ok(id.0 as usize - 1),
            Some(Fate::Confirmed(_)) => Err(Refusal::AlreadyConfirmed(id)),
            Some(Fate::Released) => Err(Refusal::HoldReleased(id)),
            Some(Fate::Expired) => Err(Refusal::HoldExpired(id)),
        }
    }

    fn owned_live_index(&self, id: HoldId, caller: Option<CustomerId>) -> Result<usize, Refusal> {
        let Some(index) = id.0.checked_sub(1).filter(|&i| i < self.holds.len() as u64) else {
            return Err(Refusal::UnknownHold(id));
        };
        if self.holds[index as usize].hold.customer != caller {
            return Err(Refusal::NotHoldOwner(id));
        }
        self.live_index(id)
    }

    pub fn confirm(
        &mut self,
        now: i64,
        caller: Option<CustomerId>,
        id: HoldId,
        idempotent: bool,
    ) -> Result<Order, Refusal> {
        self.advance(now)?;
        let index = match self.owned_live_index(id, caller) {
            Ok(index) => index,
            Err(Refusal::AlreadyConfirmed(_)) if idempotent => {
                let Fate::Confirmed(order) = self.holds[id.0 as usize - 1].fate else {
                    unreachable!()
                };
                return Ok(self.orders[order.0 as usize - 1].clone());
            }
            Err(refusal) => return Err(refusal),
        };
        let order_id = OrderId(self.orders.len() as u64 + 1);
        self.end(index, Fate::Confirmed(order_id));
        let hold = &self.holds[index].hold;
        let order = Order {
            id: order_id,
            hold: id,
            seats: hold.seats.clone(),
            general_admission: hold.general_admission.clone(),
            tickets: hold.tickets,
            total_price_minor: hold.total_price_minor,
            confirmed_at: now,
            customer: hold.customer,
            cancelled_at: None,
        };
        self.orders.push(order.clone());
        Ok(order)
    }

    pub fn release(
        &mut self,
        now: i64,
        caller: Option<CustomerId>,
        id: HoldId,
    ) -> Result<Released, Refusal> {
        self.advance(now)?;
        let index = self.owned_live_index(id, caller)?;
        self.end(index, Fate::Released);
        let hold = &self.holds[index].hold;
        Ok(Released {
            hold: id,
            tickets: hold.tickets,
            customer: hold.customer,
        })
    }

    pub fn release_seats(
        &mut self,
        now: i64,
        caller: Option<CustomerId>,
        id: HoldId,
        seats: &[SeatId],
    ) -> Result<Released, Refusal> {
        self.advance(now)?;
        let index = self.owned_live_index(id, caller)?;
        let hold = &self.holds[index];
        if seats.is_empty() || seats.len() >= hold.hold.tickets as usize {
            return Err(Refusal::NotAPartialRelease(id));
        }
        for (i, &seat) in seats.iter().enumerate() {
            if seats[..i].contains(&seat) {
                return Err(Refusal::DuplicateSeat(seat));
            }
            if !hold.hold.seats.contains(&seat) {
                return Err(Refusal::SeatNotInHold { hold: id, seat });
            }
        }
        let hold = &mut self.holds[index];
        let mut kept = Vec::new();
        let mut kept_prices = Vec::new();
        for (&seat, &price) in hold.hold.seats.iter().zip(&hold.seat_prices) {
            if seats.contains(&seat) {
                hold.hold.total_price_minor -= price;
            } else {
                kept.push(seat);
                kept_prices.push(price);
            }
        }
        hold.hold.seats = SeatList::from(kept.as_slice());
        hold.seat_prices = kept_prices;
        hold.hold.tickets -= seats.len() as u32;
        let customer = hold.hold.customer;
        for seat in seats {
            self.owner[seat.index()] = None;
        }
        Ok(Released {
            hold: id,
            tickets: seats.len() as u32,
            customer,
        })
    }

    pub fn release_tickets(
        &mut self,
        now: i64,
        caller: Option<CustomerId>,
        id: HoldId,
        tickets: u32,
    ) -> Result<Released, Refusal> {
        self.advance(now)?;
        let index = self.owned_live_index(id, caller)?;
        let hold = &mut self.holds[index];
        let Some(ga) = hold.hold.general_admission.as_mut() else {
            return Err(Refusal::NotAPartialRelease(id));
        };
        if tickets == 0 || tickets >= hold.hold.tickets {
            return Err(Refusal::NotAPartialRelease(id));
        }
        for _ in 0..tickets {
            let last = ga.lines.len() - 1;
            ga.lines[last].tickets -= 1;
            hold.hold.total_price_minor -= hold.line_prices[last];
            if ga.lines[last].tickets == 0 {
                ga.lines.pop();
                hold.line_prices.pop();
            }
        }
        hold.hold.tickets -= tickets;
        Ok(Released {
            hold: id,
            tickets,
            customer: hold.hold.customer,
        })
    }

    pub fn extend(
        &mut self,
        now: i64,
        caller: Option<CustomerId>,
        id: HoldId,
        deadline: i64,
    ) -> Result<Hold, Refusal> {
        self.advance(now)?;
        let index = self.owned_live_index(id, caller)?;
        if deadline <= now {
            return Err(Refusal::DeadlineNotInFuture { deadline, now });
        }
        let latest_allowed = self.holds[index].granted_at.saturating_add(self.max_ttl);
        if deadline > latest_allowed {
            return Err(Refusal::DeadlineTooFar {
                deadline,
                latest_allowed,
            });
        }
        self.holds[index].hold.deadline = deadline;
        Ok(self.holds[index].hold.clone())
    }

    pub fn cancel(&mut self, now: i64, order: OrderId) -> Result<Cancelled, Refusal> {
        self.advance(now)?;
        let Some(index) = order
            .0
            .checked_sub(1)
            .filter(|&i| i < self.orders.len() as u64)
        else {
            return Err(Refusal::UnknownOrder(order));
        };
        let record = &mut self.orders[index as usize];
        if record.cancelled_at.is_some() {
            return Err(Refusal::OrderCancelled(order));
        }
        record.cancelled_at = Some(now);
        let record = record.clone();
        for seat in record.seats.iter() {
            self.owner[seat.index()] = None;
        }
        Ok(Cancelled {
            order,
            hold: record.hold,
            customer: record.customer,
            tickets: record.tickets,
            refund_minor: record.total_price_minor,
        })
    }

    fn check_seats(
        &self,
        seats: &[SeatId],
        ok: impl Fn(u32) -> bool,
        refuse: fn(SeatId) -> Refusal,
    ) -> Result<(), Refusal> {
        for (i, &seat) in seats.iter().enumerate() {
            if seat.index() >= self.owner.len() {
                return Err(Refusal::UnknownSeat(seat));
            }
            if seats[..i].contains(&seat) {
                return Err(Refusal::DuplicateSeat(seat));
            }
            if !ok(seat.0) {
                return Err(refuse(seat));
            }
        }
        Ok(())
    }

    pub fn take_off_sale(
        &mut self,
        now: i64,
        seats: &[SeatId],
        reason: OffSaleReason,
    ) -> Result<u32, Refusal> {
        self.advance(now)?;
        self.check_seats(seats, |s| self.is_free(s), Refusal::SeatTaken)?;
        for seat in seats {
            self.off[seat.index()] = Some(reason);
        }
        Ok(seats.len() as u32)
    }

    pub fn return_to_sale(&mut self, now: i64, seats: &[SeatId]) -> Result<u32, Refusal> {
        self.advance(now)?;
        self.check_seats(
            seats,
            |s| self.off[s as usize].is_some(),
            Refusal::SeatNotOffSale,
        )?;
        for seat in seats {
            self.off[seat.index()] = None;
        }
        Ok(seats.len() as u32)
    }

    pub fn set_price(&mut self, now: i64, level: PriceLevelId, price: u64) -> Result<u64, Refusal> {
        self.advance(now)?;
        let slot = self
            .prices
            .get_mut(level.index())
            .ok_or(Refusal::UnknownPriceLevel(level))?;
        Ok(std::mem::replace(slot, price))
    }

    pub fn open_tier(&mut self, now: i64, tier: u32) -> Result<(), Refusal> {
        self.advance(now)?;
        let opened = self
            .opened
            .get_mut(tier as usize)
            .ok_or(Refusal::UnknownTier(tier))?;
        *opened = true;
        Ok(())
    }

    pub fn suggest(&self, request: &HoldRequest) -> Result<Suggestion, Refusal> {
        let (seats, ga) = self.select(request)?;
        let seat_prices: u64 = seats.iter().map(|&s| self.seat_price(s)).sum();
        let lines = ga.iter().flat_map(|g| g.lines.iter());
        let line_prices: u64 = lines
            .map(|l| u64::from(l.tickets) * self.prices[l.price_level.index()])
            .sum();
        Ok(Suggestion {
            seats: SeatList::from(seats.as_slice()),
            general_admission: ga,
            total_price_minor: seat_prices + line_prices,
        })
    }

    pub fn poll_timeout(&self) -> Option<i64> {
        self.holds
            .iter()
            .filter(|h| h.fate == Fate::Live)
            .map(|h| h.hold.deadline)
            .min()
    }

    pub fn hold_status(&self, id: HoldId) -> HoldStatus {
        match self.fate_of(id) {
            None => HoldStatus::Unknown,
            Some(Fate::Live) => HoldStatus::Live {
                deadline: self.holds[id.0 as usize - 1].hold.deadline,
            },
            Some(Fate::Confirmed(order)) => HoldStatus::Confirmed(order),
            Some(Fate::Released) => HoldStatus::Released,
            Some(Fate::Expired) => HoldStatus::Expired,
        }
    }

    /// A live hold as it is now.
    pub fn hold(&self, id: HoldId) -> Option<Hold> {
        let index = self.live_index(id).ok()?;
        Some(self.holds[index].hold.clone())
    }

    /// Availability per zone, in the order of the reference's own zone list (which
    /// must be the order `SeatCore::availability` uses).
    pub fn zone_availability(&self) -> Vec<ZoneAvailability> {
        let mut counts: Vec<Counts> = (self.venue.zones.iter())
            .map(|z| Counts {
                capacity: z.capacity,
                free: z.capacity,
                ..Counts::default()
            })
            .collect();
        let seat_zone = |s: u32| {
            let seat = &self.venue.seats[s as usize];
            self.venue.zone_of(seat.section, seat.level)
        };
        for hold in self.taking() {
            let zones = hold.hold.seats.iter().map(|s| (seat_zone(s.0), 1));
            let lines = (hold.hold.general_admission.iter()).flat_map(|g| g.lines.iter());
            let lines = lines.map(|l| {
                let tier = &self.venue.tiers[l.tier as usize];
                (self.venue.zone_of(tier.section, tier.level), l.tickets)
            });
            for (zone, tickets) in zones.chain(lines) {
                let c = &mut counts[zone];
                c.free -= tickets;
                if hold.fate == Fate::Live {
                    c.held += tickets;
                } else {
                    c.sold += tickets;
                }
            }
        }
        for seat in (0..self.off.len()).filter(|&s| self.off[s].is_some()) {
            let zone = seat_zone(seat as u32);
            counts[zone].free -= 1;
            counts[zone].off_sale += 1;
        }
        (self.venue.zones.iter().zip(counts))
            .map(|(zone, counts)| ZoneAvailability {
                section: SectionId(zone.section),
                price_level: PriceLevelId(zone.level),
                price_minor: self.prices[zone.level as usize],
                counts,
            })
            .collect()
    }

    /// The tiers of a GA section with their counts; a tier is on sale if the operator
    /// opened it or no earlier tier of the area has a free ticket.
    pub fn tier_availability(&self, section: u32) -> Vec<TierAvailability> {
        let tiers = self.venue.tiers_of(section);
        (0..tiers.len())
            .map(|i| TierAvailability {
                tier: tiers[i],
                price_level: PriceLevelId(self.venue.tiers[tiers[i] as usize].level),
                counts: self.tier_counts(tiers[i]),
                on_sale: self.opened[tiers[i] as usize]
                    || tiers[..i].iter().all(|&t| self.tier_free(t) == 0),
            })
            .collect()
    }

    /// Counts of one GA tier.
    pub fn tier_counts(&self, tier: u32) -> Counts {
        let mut counts = Counts {
            capacity: self.venue.tiers[tier as usize].capacity,
            ..Counts::default()
        };
        for hold in self.taking() {
            let lines = hold
                .hold
                .general_admission
                .iter()
                .flat_map(|g| g.lines.iter());
            let tickets: u32 = lines.filter(|l| l.tier == tier).map(|l| l.tickets).sum();
            if hold.fate == Fate::Live {
                counts.held += tickets;
            } else {
                counts.sold += tickets;
            }
        }
        counts.free = counts.capacity - counts.held - counts.sold;
        counts
    }

    pub fn revenue_minor(&self) -> u64 {
        self.orders
            .iter()
            .filter(|o| o.cancelled_at.is_none())
            .map(|o| o.total_price_minor)
            .sum()
    }

    /// Free runs of a row: (first seat, length), scanning seat by seat.
    pub fn free_runs(&self, row: u32) -> Vec<(u32, u32)> {
        let r = &self.venue.rows[row as usize];
        let mut runs = Vec::new();
        let mut offset = 0;
        while offset < r.len {
            if self.is_free(r.first_seat + offset) {
                let start = offset;
                while offset < r.len && self.is_free(r.first_seat + offset) {
                    offset += 1;
                }
                runs.push((r.first_seat + start, offset - start));
            } else {
                offset += 1;
            }
        }
        runs
    }
}

/// Why best-available has nothing to give, from the free tickets filtered stage by
/// stage: (tickets left after the stage, the refusal if it leaves none). The first stage
/// is every free ticket in the requested area; the later ones (allowed price, then
/// attributes or "can be taken from the tiers on sale") count eligible tickets, and the
/// first of them to leave fewer than `quantity` refuses with what it left. `None`:
/// enough tickets got through every stage.
fn shortage(stages: &[(u32, Refusal)], quantity: u32) -> Option<Refusal> {
    for (index, (left, none_left)) in stages.iter().enumerate() {
        if *left == 0 {
            return Some(none_left.clone());
        }
        let eligible = index > 0;
        if eligible && *left < quantity {
            return Some(Refusal::NotEnoughSeats { available: *left });
        }
    }
    None
}

/// Every vector `v` with `v[i] <= caps[i]`, in no particular order. Bounded: GA areas in
/// the tests have at most a few small tiers.
fn every_way(caps: &[u32]) -> Vec<Vec<u32>> {
    let count: u64 = caps.iter().map(|&c| u64::from(c) + 1).product();
    assert!(
        count <= 1_000_000,
        "{count} ways to take GA tickets: too many to enumerate"
    );
    let mut ways = vec![Vec::new()];
    for &cap in caps {
        ways = (ways.into_iter())
            .flat_map(|way| {
                (0..=cap).map(move |take| {
                    let mut longer = way.clone();
                    longer.push(take);
                    longer
                })
            })
            .collect();
    }
    ways
}
