//! A deliberately naive reference model of the seat core: a flat `Vec` of seat owners,
//! every hold and order in a `Vec`, and linear scans for everything. It shares only the
//! static venue (seats, rows, ranks, face prices, tiers, attributes) with the real core,
//! and states the rules directly, so the property tests compare two independent
//! implementations. GA tickets are taken one at a time from the first tier on sale.

use seat_core::{
    Cancelled, Counts, CustomerId, Expired, ExpiredHold, GaLine, GaTickets, Hold, HoldId,
    HoldRequest, HoldStatus, IdempotencyKey, Limits, OffSaleReason, Order, OrderId, PriceLevelId,
    Refusal, Released, SeatId, SeatList, SectionId, SectionKind, Suggestion, Venue,
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
    pub venue: Venue,
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
    pub fn new(venue: Venue, limits: Limits) -> Reference {
        let seats = venue.seat_count() as usize;
        Reference {
            limit: limits.max_tickets_per_order(),
            customer_limit: limits.max_tickets_per_customer(),
            max_ttl: limits.max_hold_ttl_ns(),
            latest: None,
            owner: vec![None; seats],
            off: vec![None; seats],
            holds: Vec::new(),
            orders: Vec::new(),
            prices: venue.price_levels().iter().map(|p| p.price_minor).collect(),
            opened: vec![false; venue.tiers().len()],
            venue,
        }
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
        self.venue.tiers()[tier as usize].capacity - self.tier_taken(tier)
    }

    /// What best-available picks: `Ok((seats, ga))`.
    pub fn select(
        &self,
        request: &HoldRequest,
    ) -> Result<(Vec<SeatId>, Option<GaTickets>), Refusal> {
        self.check_quantity(request.quantity)?;
        if let Some(section) = request.section
            && section.index() >= self.venue.sections().len()
        {
            return Err(Refusal::UnknownSection(section));
        }
        if let Some(level) = request.price_level
            && level.index() >= self.venue.price_levels().len()
        {
            return Err(Refusal::UnknownPriceLevel(level));
        }
        if let Some(section) = request.section
            && let SectionKind::GeneralAdmission { tiers } =
                &self.venue.sections()[section.index()].kind
        {
            if !request.attributes.require.is_empty() {
                return Err(Refusal::NoSeatsWithAttributes);
            }
            return self.select_general(request, section, tiers.clone());
        }
        self.select_reserved(request)
    }

    /// Takes tickets one at a time: each from the first tier, in release order, that
    /// has one left, is on sale (opened, or every earlier tier has none left) and is at
    /// an allowed price.
    fn take_general(
        &self,
        request: &HoldRequest,
        tiers: std::ops::Range<u32>,
        wanted: u32,
    ) -> Vec<u32> {
        let tiers: Vec<u32> = tiers.collect();
        let mut left: Vec<u32> = tiers.iter().map(|&t| self.tier_free(t)).collect();
        let mut taken = vec![0u32; tiers.len()];
        for _ in 0..wanted {
            let next = (0..tiers.len()).find(|&i| {
                let on_sale = self.opened[tiers[i] as usize] || left[..i].iter().all(|&l| l == 0);
                let level = self.venue.tiers()[tiers[i] as usize].price_level;
                left[i] > 0 && on_sale && self.price_ok(request, level)
            });
            let Some(i) = next else { break };
            left[i] -= 1;
            taken[i] += 1;
        }
        taken
    }

    fn select_general(
        &self,
        request: &HoldRequest,
        section: SectionId,
        tiers: std::ops::Range<u32>,
    ) -> Result<(Vec<SeatId>, Option<GaTickets>), Refusal> {
        let total_free: u32 = tiers.clone().map(|t| self.tier_free(t)).sum();
        let takeable: u32 = self
            .take_general(request, tiers.clone(), total_free)
            .iter()
            .sum();
        if let Some(refusal) = shortage(total_free, takeable, request.quantity) {
            return Err(refusal);
        }
        let taken = self.take_general(request, tiers.clone(), request.quantity);
        let lines = tiers
            .zip(taken)
            .filter(|&(_, tickets)| tickets > 0)
            .map(|(tier, tickets)| GaLine {
                tier,
                price_level: self.venue.tiers()[tier as usize].price_level,
                tickets,
            })
            .collect();
        Ok((Vec::new(), Some(GaTickets { section, lines })))
    }

    fn row_in_area(&self, request: &HoldRequest, row: u32) -> bool {
        let section = self.venue.rows()[row as usize].section;
        request.section.is_none_or(|s| s == section)
    }

    fn admits(&self, request: &HoldRequest, seat: u32) -> bool {
        let attributes = self.venue.seat(SeatId(seat)).unwrap().attributes;
        request.attributes.admits(attributes)
    }

    fn select_reserved(
        &self,
        request: &HoldRequest,
    ) -> Result<(Vec<SeatId>, Option<GaTickets>), Refusal> {
        let q = request.quantity;
        let filtered = !request.attributes.is_open();
        let mut best: Option<Candidate> = None;
        let (mut in_area, mut eligible, mut admitted) = (0u32, 0u32, 0u32);
        let mut singles: Vec<(u32, u32, u32)> = Vec::new(); // (rank, row, offset)
        for (row_id, row) in self.venue.rows().iter().enumerate() {
            let row_id = row_id as u32;
            if !self.row_in_area(request, row_id) {
                continue;
            }
            let seat = |offset: u32| row.first_seat.0 + offset;
            let free_here = (0..row.len).filter(|&o| self.is_free(seat(o))).count() as u32;
            in_area += free_here;
            if !self.price_ok(request, row.price_level) {
                continue;
            }
            eligible += free_here;
            let usable = |o: u32| self.is_free(seat(o)) && self.admits(request, seat(o));
            for offset in (0..row.len).filter(|&o| usable(o)) {
                admitted += 1;
                let rank = self.venue.seat(SeatId(seat(offset))).unwrap().rank;
                singles.push((rank, row_id, offset));
            }
            for start in 0..row.len.saturating_sub(q - 1) {
                if !(start..start + q).all(usable) {
                    continue;
                }
                let sum: u64 = (start..start + q)
                    .map(|o| u64::from(self.venue.seat(SeatId(seat(o))).unwrap().rank))
                    .sum();
                let free_at =
                    |o: i64| o >= 0 && o < i64::from(row.len) && self.is_free(seat(o as u32));
                let (s, e) = (i64::from(start), i64::from(start + q));
                let left_orphan = free_at(s - 1) && !free_at(s - 2);
                let right_orphan = free_at(e) && !free_at(e + 1);
                let candidate = (left_orphan || right_orphan, sum, row_id, start);
                if best.is_none_or(|b| candidate < b) {
                    best = Some(candidate);
                }
            }
        }
        if let Some((_, _, row, start)) = best {
            let first = self.venue.rows()[row as usize].first_seat.0 + start;
            return Ok(((first..first + q).map(SeatId).collect(), None));
        }
        if let Some(refusal) = shortage(in_area, eligible, q) {
            return Err(refusal);
        }
        if filtered && admitted == 0 {
            return Err(Refusal::NoSeatsWithAttributes);
        }
        if filtered && admitted < q {
            return Err(Refusal::NotEnoughSeats {
                available: admitted,
            });
        }
        if request.allow_split {
            singles.sort();
            let seats = singles
                .iter()
                .take(q as usize)
                .map(|&(_, row, offset)| {
                    SeatId(self.venue.rows()[row as usize].first_seat.0 + offset)
                })
                .collect();
            return Ok((seats, None));
        }
        Err(Refusal::NoAdjacentSeats)
    }

    fn seat_price(&self, seat: SeatId) -> u64 {
        self.prices[self.venue.seat(seat).unwrap().price_level.index()]
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

    /// Counts per zone, as `SeatCore::availability` orders them.
    pub fn zone_counts(&self) -> Vec<Counts> {
        let mut counts: Vec<Counts> = self
            .venue
            .zones()
            .iter()
            .map(|z| Counts {
                capacity: z.capacity,
                free: z.capacity,
                ..Counts::default()
            })
            .collect();
        for hold in self.taking() {
            let zones = hold.hold.seats.iter().map(|&s| {
                (
                    self.venue.rows()[self.venue.seat(s).unwrap().row.index()].zone,
                    1,
                )
            });
            let lines = hold
                .hold
                .general_admission
                .iter()
                .flat_map(|g| g.lines.iter());
            let lines = lines.map(|l| (self.venue.tiers()[l.tier as usize].zone, l.tickets));
            for (zone, tickets) in zones.chain(lines) {
                let c = &mut counts[zone as usize];
                c.free -= tickets;
                if hold.fate == Fate::Live {
                    c.held += tickets;
                } else {
                    c.sold += tickets;
                }
            }
        }
        for seat in (0..self.off.len()).filter(|&s| self.off[s].is_some()) {
            let zone =
                self.venue.rows()[self.venue.seat(SeatId(seat as u32)).unwrap().row.index()].zone;
            counts[zone as usize].free -= 1;
            counts[zone as usize].off_sale += 1;
        }
        counts
    }

    /// Counts of one GA tier.
    pub fn tier_counts(&self, tier: u32) -> Counts {
        let mut counts = Counts {
            capacity: self.venue.tiers()[tier as usize].capacity,
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
        let r = &self.venue.rows()[row as usize];
        let mut runs = Vec::new();
        let mut offset = 0;
        while offset < r.len {
            if self.is_free(r.first_seat.0 + offset) {
                let start = offset;
                while offset < r.len && self.is_free(r.first_seat.0 + offset) {
                    offset += 1;
                }
                runs.push((r.first_seat.0 + start, offset - start));
            } else {
                offset += 1;
            }
        }
        runs
    }
}

fn shortage(in_area: u32, eligible: u32, quantity: u32) -> Option<Refusal> {
    if in_area == 0 {
        Some(Refusal::SoldOut)
    } else if eligible == 0 {
        Some(Refusal::NoSeatsAtPrice)
    } else if eligible < quantity {
        Some(Refusal::NotEnoughSeats {
            available: eligible,
        })
    } else {
        None
    }
}
