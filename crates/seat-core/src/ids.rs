//! Typed, small identifiers. Each is an index into a `Vec` of the venue or the core.

use std::fmt;

macro_rules! id_type {
    ($(#[$doc:meta])* $name:ident($inner:ty), $prefix:literal) => {
        $(#[$doc])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
        #[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize), serde(transparent))]
        pub struct $name(pub $inner);

        impl $name {
            /// The identifier as a `usize` index.
            pub fn index(self) -> usize {
                self.0 as usize
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, concat!($prefix, "{}"), self.0)
            }
        }
    };
}

id_type!(
    /// A reserved seat, numbered across the whole venue (section by section, row by row).
    SeatId(u32), "seat#"
);
id_type!(
    /// A reserved row, numbered across the whole venue (section by section, front to back).
    RowId(u32), "row#"
);
id_type!(
    /// A section: reserved sections first (in spec order), then general-admission areas.
    SectionId(u32), "section#"
);
id_type!(
    /// A price level of the venue (in spec order).
    PriceLevelId(u32), "price-level#"
);
id_type!(
    /// A hold. Issued in sequence from 1; never reused.
    HoldId(u64), "hold#"
);
id_type!(
    /// A confirmed order. Issued in sequence from 1; never reused.
    OrderId(u64), "order#"
);
id_type!(
    /// A customer (account) as the caller's identity service knows it. The core only
    /// compares them: it checks hold ownership and the per-customer ticket limit.
    CustomerId(u64), "customer#"
);
id_type!(
    /// A client-supplied idempotency key (e.g. a hash of the UUID a client sends with a
    /// request), scoped to the customer: a retried hold with the same key gets the same
    /// hold back instead of a second one.
    IdempotencyKey(u64), "key#"
);
