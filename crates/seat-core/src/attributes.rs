//! Seat attributes: accessible (wheelchair) spaces and their companion seats. A venue
//! marks seats; a best-available request may require or avoid them.

use std::fmt;

/// A set of seat attributes (a bit set).
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
#[cfg_attr(
    feature = "serde",
    derive(serde::Serialize, serde::Deserialize),
    serde(transparent)
)]
pub struct SeatAttributes(u8);

impl SeatAttributes {
    /// No attribute.
    pub const NONE: SeatAttributes = SeatAttributes(0);
    /// A wheelchair-accessible space.
    pub const ACCESSIBLE: SeatAttributes = SeatAttributes(1);
    /// A companion seat next to an accessible space.
    pub const COMPANION: SeatAttributes = SeatAttributes(2);

    /// Both sets together.
    pub const fn union(self, other: SeatAttributes) -> SeatAttributes {
        SeatAttributes(self.0 | other.0)
    }

    /// True if the two sets share an attribute.
    pub const fn intersects(self, other: SeatAttributes) -> bool {
        self.0 & other.0 != 0
    }

    /// True for the empty set.
    pub const fn is_empty(self) -> bool {
        self.0 == 0
    }

    /// The raw bits (stable: accessible = 1, companion = 2).
    pub const fn bits(self) -> u8 {
        self.0
    }

    /// From raw bits; unknown bits are dropped.
    pub const fn from_bits(bits: u8) -> SeatAttributes {
        SeatAttributes(bits & 3)
    }
}

impl fmt::Debug for SeatAttributes {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let names: Vec<&str> = [(1, "accessible"), (2, "companion")]
            .iter()
            .filter(|(bit, _)| self.0 & bit != 0)
            .map(|&(_, name)| name)
            .collect();
        write!(f, "SeatAttributes({})", names.join("|"))
    }
}

/// Which seats a best-available request may take, by attribute.
///
/// `require` non-empty: every seat has at least one of those attributes (so a
/// wheelchair user and a companion can ask for `ACCESSIBLE | COMPANION` seats together).
/// `avoid`: no seat has any of those attributes. The default filters nothing.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct AttributeFilter {
    /// At least one of these on every seat (empty: no requirement).
    pub require: SeatAttributes,
    /// None of these on any seat.
    pub avoid: SeatAttributes,
}

impl AttributeFilter {
    /// True if the filter lets every seat through.
    pub fn is_open(&self) -> bool {
        self.require.is_empty() && self.avoid.is_empty()
    }

    /// Whether a seat with `attributes` passes.
    pub fn admits(&self, attributes: SeatAttributes) -> bool {
        (self.require.is_empty() || attributes.intersects(self.require))
            && !attributes.intersects(self.avoid)
    }
}
