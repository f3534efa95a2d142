//! Per-order limits enforced by the core.

use std::fmt;

/// Largest per-order ticket limit the core accepts. The best-available index keeps one
/// entry per quantity per row, so the limit bounds its size.
pub const MAX_TICKETS_PER_ORDER: u32 = 64;

/// Limits every hold is checked against.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Limits {
    max_tickets_per_order: u32,
}

impl Limits {
    /// At most `max_tickets_per_order` tickets in one hold (and so one order);
    /// 1..=[`MAX_TICKETS_PER_ORDER`].
    pub fn new(max_tickets_per_order: u32) -> Result<Limits, LimitsError> {
        if (1..=MAX_TICKETS_PER_ORDER).contains(&max_tickets_per_order) {
            Ok(Limits {
                max_tickets_per_order,
            })
        } else {
            Err(LimitsError {
                max_tickets_per_order,
            })
        }
    }

    /// Tickets allowed in one hold.
    pub fn max_tickets_per_order(&self) -> u32 {
        self.max_tickets_per_order
    }
}

impl Default for Limits {
    /// Six tickets per order, a common big on-sale limit.
    fn default() -> Limits {
        Limits {
            max_tickets_per_order: 6,
        }
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
