//! A deliberately naive reference model of the seat core: a flat `Vec` of seat states,
//! every hold and order in a `Vec`, and linear scans for everything. It shares only the
//! static venue (seats, rows, ranks, prices, tiers) with the real core, and states the
//! rules directly, so the property tests compare two independent implementations.

use seat_core::{
    Counts, Expired, GaLine, GaTickets, Hold, HoldId, HoldRequest, HoldStatus, Limits, Order,
    OrderId, Refusal, SeatId, SeatList, SectionId, SectionKind, Suggestion, Venue,
};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Fate {
    Live,
    Confirmed(OrderId),
    Released,
    Expired,
}

#[derive(Clone, Debug)]
pub struct RefHold {
    pub hold: Hold,
    pub fate: Fate,
}

#[derive(Clone, Debug)]
pub struct Reference {
    pub venue: Venue,
    pub limit: u32,
    pub latest: Option<i64>,
    /// Per seat: `None` free, `Some(hold id)` held or sold by that hold.
    pub owner: Vec<Option<HoldId>>,
    pub holds: Vec<RefHold>,
    pub orders: Vec<Order>,
}

/// A candidate block: (untidy, rank sum, row id, start offset); the smallest wins.
type Candidate = (bool, u64, u32, u32);

impl Reference {
    pub fn new(venue: Venue, limits: Limits) -> Reference {
        let seats = venue.seat_count() as usize;
        Reference {
            venue,
            limit: limits.max_tickets_per_order(),
            latest: None,
            owner: vec![None; seats],
            holds: Vec::new(),
            orders: Vec::new(),
        }
    }

    fn fate_of(&self, id: HoldId) -> Option<Fate> {
        let index = id.0.checked_sub(1)? as usize;
        self.holds.get(index).map(|h| h.fate)
    }

    fn is_free(&self, seat: u32) -> bool {
        self.owner[seat as usize].is_none()
    }

    /// Time check, then expire everything due, in (deadline, id) order.
    pub fn advance(&mut self, now: i64) -> Result<Expired, Refusal> {
        if let Some(latest) = self.latest
            && now < latest
        {
            return Err(Refusal::TimeWentBackwards { now, latest });
        }
        self.latest = Some(now);
        let mut expired = Expired::default();
        for index in 0..self.holds.len() {
            let hold = &self.holds[index];
            if hold.fate == Fate::Live && hold.hold.deadline <= now {
                expired.holds += 1;
                expired.tickets += hold.hold.tickets;
                self.end(index, Fate::Expired);
            }
        }
        Ok(expired)
    }

    fn end(&mut self, index: usize, fate: Fate) {
        self.holds[index].fate = fate;
        if fate != Fate::Live && !matches!(fate, Fate::Confirmed(_)) {
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

    fn price_ok(&self, request: &HoldRequest, level: seat_core::PriceLevelId) -> bool {
        let price = self.venue.price_levels()[level.index()].price_minor;
        request.price_level.is_none_or(|l| l == level)
            && request.max_price_minor.is_none_or(|m| price <= m)
    }

    /// Tickets of a GA tier that are in live holds or orders.
    fn tier_taken(&self, tier: u32) -> u32 {
        let lines = self
            .holds
            .iter()
            .filter(|h| h.fate != Fate::Released && h.fate != Fate::Expired);
        lines
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
            return self.select_general(request, section, tiers.clone());
        }
        self.select_reserved(request)
    }

    fn select_general(
        &self,
        request: &HoldRequest,
        section: SectionId,
        tiers: std::ops::Range<u32>,
    ) -> Result<(Vec<SeatId>, Option<GaTickets>), Refusal> {
        let total_free: u32 = tiers.clone().map(|t| self.tier_free(t)).sum();
        // Walk the tiers in order; the first tier with free tickets at a price the request
        // refuses stops the walk.
        let mut takeable = 0;
        for tier in tiers.clone() {
            let free = self.tier_free(tier);
            if free == 0 {
                continue;
            }
            if !self.price_ok(request, self.venue.tiers()[tier as usize].price_level) {
                break;
            }
            takeable += free;
        }
        if let Some(refusal) = shortage(total_free, takeable, request.quantity) {
            return Err(refusal);
        }
        let mut lines = Vec::new();
        let mut remaining = request.quantity;
        for tier in tiers {
            let take = self.tier_free(tier).min(remaining);
            if take > 0 {
                let price_level = self.venue.tiers()[tier as usize].price_level;
                lines.push(GaLine {
                    tier,
                    price_level,
                    tickets: take,
                });
                remaining -= take;
            }
        }
        Ok((Vec::new(), Some(GaTickets { section, lines })))
    }

    fn row_in_area(&self, request: &HoldRequest, row: u32) -> bool {
        let section = self.venue.rows()[row as usize].section;
        request.section.is_none_or(|s| s == section)
    }

    fn select_reserved(
        &self,
        request: &HoldRequest,
    ) -> Result<(Vec<SeatId>, Option<GaTickets>), Refusal> {
        let q = request.quantity;
        let mut best: Option<Candidate> = None;
        let (mut in_area, mut eligible) = (0u32, 0u32);
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
            for offset in (0..row.len).filter(|&o| self.is_free(seat(o))) {
                singles.push((self.venue.seat_rank(SeatId(seat(offset))), row_id, offset));
            }
            for start in 0..row.len.saturating_sub(q - 1) {
                if !(start..start + q).all(|o| self.is_free(seat(o))) {
                    continue;
                }
                let sum: u64 = (start..start + q)
                    .map(|o| u64::from(self.venue.seat_rank(SeatId(seat(o)))))
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
        if request.allow_split && eligible >= q {
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
        Err(shortage(in_area, eligible, q).unwrap_or(Refusal::NoAdjacentSeats))
    }

    fn price_of(&self, seats: &[SeatId], ga: &Option<GaTickets>) -> u64 {
        let seats: u64 = seats.iter().map(|&s| self.venue.seat_price_minor(s)).sum();
        let lines = ga.iter().flat_map(|ga| ga.lines.iter());
        seats
            + lines
                .map(|l| {
                    u64::from(l.tickets)
                        * self.venue.price_levels()[l.price_level.index()].price_minor
                })
                .sum::<u64>()
    }

    fn grant(&mut self, seats: Vec<SeatId>, ga: Option<GaTickets>, deadline: i64) -> Hold {
        let id = HoldId(self.holds.len() as u64 + 1);
        for seat in &seats {
            self.owner[seat.index()] = Some(id);
        }
        let tickets = seats.len() as u32
            + ga.iter()
                .flat_map(|g| g.lines.iter())
                .map(|l| l.tickets)
                .sum::<u32>();
        let hold = Hold {
            id,
            total_price_minor: self.price_of(&seats, &ga),
            seats: SeatList::from(seats.as_slice()),
            general_admission: ga,
            tickets,
            deadline,
        };
        self.holds.push(RefHold {
            hold: hold.clone(),
            fate: Fate::Live,
        });
        hold
    }

    pub fn hold_best_available(
        &mut self,
        now: i64,
        request: &HoldRequest,
        deadline: i64,
    ) -> Result<Hold, Refusal> {
        self.advance(now)?;
        if deadline <= now {
            return Err(Refusal::DeadlineNotInFuture { deadline, now });
        }
        let (seats, ga) = self.select(request)?;
        Ok(self.grant(seats, ga, deadline))
    }

    pub fn hold_seats(
        &mut self,
        now: i64,
        seats: &[SeatId],
        deadline: i64,
    ) -> Result<Hold, Refusal> {
        self.advance(now)?;
        if deadline <= now {
            return Err(Refusal::DeadlineNotInFuture { deadline, now });
        }
        self.check_quantity(seats.len() as u32)?;
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
        Ok(self.grant(seats.to_vec(), None, deadline))
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

    pub fn confirm(&mut self, now: i64, id: HoldId) -> Result<Order, Refusal> {
        self.advance(now)?;
        let index = self.live_index(id)?;
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
        };
        self.orders.push(order.clone());
        Ok(order)
    }

    pub fn release(&mut self, now: i64, id: HoldId) -> Result<seat_core::Released, Refusal> {
        self.advance(now)?;
        let index = self.live_index(id)?;
        self.end(index, Fate::Released);
        Ok(seat_core::Released {
            hold: id,
            tickets: self.holds[index].hold.tickets,
        })
    }

    pub fn suggest(&self, request: &HoldRequest) -> Result<Suggestion, Refusal> {
        let (seats, ga) = self.select(request)?;
        let total_price_minor = self.price_of(&seats, &ga);
        Ok(Suggestion {
            seats: SeatList::from(seats.as_slice()),
            general_admission: ga,
            total_price_minor,
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

    /// Counts per zone, as `SeatCore::availability` orders them.
    pub fn zone_counts(&self) -> Vec<Counts> {
        let mut counts: Vec<Counts> = self
            .venue
            .zones()
            .iter()
            .map(|z| Counts {
                capacity: z.capacity,
                free: z.capacity,
                held: 0,
                sold: 0,
            })
            .collect();
        for hold in &self.holds {
            let state = match hold.fate {
                Fate::Live => 0,
                Fate::Confirmed(_) => 1,
                _ => continue,
            };
            let zones = hold
                .hold
                .seats
                .iter()
                .map(|&s| (self.venue.rows()[self.venue.seat_row(s).index()].zone, 1));
            let lines = hold
                .hold
                .general_admission
                .iter()
                .flat_map(|g| g.lines.iter());
            let lines = lines.map(|l| (self.venue.tiers()[l.tier as usize].zone, l.tickets));
            for (zone, tickets) in zones.chain(lines) {
                let c = &mut counts[zone as usize];
                c.free -= tickets;
                if state == 0 {
                    c.held += tickets;
                } else {
                    c.sold += tickets;
                }
            }
        }
        counts
    }

    /// Counts of one GA tier.
    pub fn tier_counts(&self, tier: u32) -> Counts {
        let mut counts = Counts {
            capacity: self.venue.tiers()[tier as usize].capacity,
            ..Counts::default()
        };
        for hold in &self.holds {
            let lines = hold
                .hold
                .general_admission
                .iter()
                .flat_map(|g| g.lines.iter());
            let tickets: u32 = lines.filter(|l| l.tier == tier).map(|l| l.tickets).sum();
            match hold.fate {
                Fate::Live => counts.held += tickets,
                Fate::Confirmed(_) => counts.sold += tickets,
                _ => {}
            }
        }
        counts.free = counts.capacity - counts.held - counts.sold;
        counts
    }

    pub fn revenue_minor(&self) -> u64 {
        self.orders.iter().map(|o| o.total_price_minor).sum()
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
