//! Limits enforced by the core: tickets per order, tickets per customer, hold lifetime.

use std::fmt;

/// Largest per-order ticket limit the core accepts. The best-available index keeps one
/// entry per quantity per row, so the limit bounds its size.
pub const MAX_TICKETS_PER_ORDER: u32 = 64;

/// Default longest hold lifetime: one day, in ns. Far above any checkout TTL, so it
/// refuses only deadlines that would take seats off sale indefinitely (`i64::MAX`).
pub const DEFAULT_MAX_HOLD_TTL_NS: i64 = 24 * 3_600 * 1_000_000_000;

/// Limits every hold is checked against.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Limits {
    max_tickets_per_order: u32,
    /// Tickets one customer may have in live holds and active orders together.
    #[cfg_attr(feature = "serde", serde(default))]
    max_tickets_per_customer: Option<u32>,
    /// Longest a hold may live, from its grant to its (possibly extended) deadline, ns.
    #[cfg_attr(feature = "serde", serde(default = "default_max_hold_ttl_ns"))]
    max_hold_ttl_ns: i64,
}

#[cfg(feature = "serde")]
fn default_max_hold_ttl_ns() -> i64 {
    DEFAULT_MAX_HOLD_TTL_NS
}

impl Limits {
    /// At most `max_tickets_per_order` tickets in one hold (and so one order);
    /// 1..=[`MAX_TICKETS_PER_ORDER`]. No per-customer limit; holds live at most
    /// [`DEFAULT_MAX_HOLD_TTL_NS`].
    pub fn new(max_tickets_per_order: u32) -> Result<Limits, LimitsError> {
        if (1..=MAX_TICKETS_PER_ORDER).contains(&max_tickets_per_order) {
            Ok(Limits {
                max_tickets_per_order,
                max_tickets_per_customer: None,
                max_hold_ttl_ns: DEFAULT_MAX_HOLD_TTL_NS,
            })
        } else {
            Err(LimitsError {
                max_tickets_per_order,
            })
        }
    }

    /// The same limits, plus at most `tickets` per customer across its live holds and
    /// active (not cancelled) orders. Holds made without a customer are not counted.
    pub fn with_max_tickets_per_customer(mut self, tickets: u32) -> Limits {
        self.max_tickets_per_customer = Some(tickets);
        self
    }

    /// The same limits with holds living at most `ttl_ns` from grant to deadline,
    /// extensions included (clamped to `1..=i64::MAX`).
    pub fn with_max_hold_ttl_ns(mut self, ttl_ns: u64) -> Limits {
        self.max_hold_ttl_ns = i64::try_from(ttl_ns).unwrap_or(i64::MAX).max(1);
        self
    }

    /// Tickets allowed in one hold.
    pub fn max_tickets_per_order(&self) -> u32 {
        self.max_tickets_per_order
    }

    /// Tickets allowed per customer, if limited.
    pub fn max_tickets_per_customer(&self) -> Option<u32> {
        self.max_tickets_per_customer
    }

    /// Longest hold lifetime, ns.
    pub fn max_hold_ttl_ns(&self) -> i64 {
        self.max_hold_ttl_ns
    }

    /// The latest deadline a hold granted at `granted_at` may have.
    pub(crate) fn latest_deadline(&self, granted_at: i64) -> i64 {
        granted_at.saturating_add(self.max_hold_ttl_ns)
    }
}

impl Default for Limits {
    /// Six tickets per order, a common big on-sale limit.
    fn default() -> Limits {
        Limits::new(6).unwrap_or(Limits {
            max_tickets_per_order: 6,
            max_tickets_per_customer: None,
            max_hold_ttl_ns: DEFAULT_MAX_HOLD_TTL_NS,
        })
    }
}

/// A per-order limit outside 1..=[`MAX_TICKETS_PER_ORDER`]. Fatal for that configuration.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct LimitsError {
    /// The rejected limit.
    pub max_tickets_per_order: u32,
}

impl fmt::Display for LimitsError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "max_tickets_per_order = {} is outside 1..={MAX_TICKETS_PER_ORDER}",
            self.max_tickets_per_order
        )
    }
}

impl std::error::Error for LimitsError {}
