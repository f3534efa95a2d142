//! Ticket counts kept up to date on every change, so totals and per-zone availability are
//! O(1) reads. `check_invariants` recounts them from the seats, holds and orders.

/// Tickets of some part of the venue, by state. `free + held + sold + off_sale ==
/// capacity`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Counts {
    /// Tickets in this part of the venue.
    pub capacity: u32,
    /// On sale now (GA tiers not yet released count as free).
    pub free: u32,
    /// In live holds.
    pub held: u32,
    /// In confirmed orders.
    pub sold: u32,
    /// Taken off sale by the operator (admin holds and kills).
    #[cfg_attr(feature = "serde", serde(default))]
    pub off_sale: u32,
}

impl Counts {
    fn with_capacity(capacity: u32) -> Counts {
        Counts {
            capacity,
            free: capacity,
            held: 0,
            sold: 0,
            off_sale: 0,
        }
    }

    fn hold(&mut self, tickets: u32) {
        self.free -= tickets;
        self.held += tickets;
    }

    fn release(&mut self, tickets: u32) {
        self.held -= tickets;
        self.free += tickets;
    }

    fn sell(&mut self, tickets: u32) {
        self.held -= tickets;
        self.sold += tickets;
    }

    fn refund(&mut self, tickets: u32) {
        self.sold -= tickets;
        self.free += tickets;
    }

    fn take_off(&mut self, tickets: u32) {
        self.free -= tickets;
        self.off_sale += tickets;
    }

    fn put_back(&mut self, tickets: u32) {
        self.off_sale -= tickets;
        self.free += tickets;
    }

    /// True when the four states add up to the capacity.
    pub fn is_balanced(&self) -> bool {
        u64::from(self.free)
            + u64::from(self.held)
            + u64::from(self.sold)
            + u64::from(self.off_sale)
            == u64::from(self.capacity)
    }
}

/// A change of state for some tickets.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Move {
    Hold,
    Release,
    Sell,
    /// Sold back to free (a cancelled order).
    Refund,
    /// Free to off sale.
    TakeOff,
    /// Off sale back to free.
    PutBack,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Tally {
    pub(crate) zones: Vec<Counts>,
    pub(crate) tiers: Vec<Counts>,
    pub(crate) total: Counts,
    /// Revenue of confirmed orders, minor units.
    pub(crate) revenue_minor: u64,
}

impl Tally {
    pub(crate) fn new(
        zone_capacities: impl Iterator<Item = u32>,
        tier_capacities: impl Iterator<Item = u32>,
    ) -> Tally {
        let zones: Vec<Counts> = zone_capacities.map(Counts::with_capacity).collect();
        let tiers = tier_capacities.map(Counts::with_capacity).collect();
        let capacity = zones.iter().map(|z| z.capacity).sum();
        Tally {
            zones,
            tiers,
            total: Counts::with_capacity(capacity),
            revenue_minor: 0,
        }
    }

    /// Moves `tickets` of a zone (and, for GA, of a tier) from one state to the next.
    pub(crate) fn apply(&mut self, movement: Move, zone: u32, tier: Option<u32>, tickets: u32) {
        let step = |counts: &mut Counts| match movement {
            Move::Hold => counts.hold(tickets),
            Move::Release => counts.release(tickets),
            Move::Sell => counts.sell(tickets),
            Move::Refund => counts.refund(tickets),
            Move::TakeOff => counts.take_off(tickets),
            Move::PutBack => counts.put_back(tickets),
        };
        step(&mut self.zones[zone as usize]);
        step(&mut self.total);
        if let Some(tier) = tier {
            step(&mut self.tiers[tier as usize]);
        }
    }
}
