//! Typed, small identifiers. Each is an index into a `Vec` of the venue or the core.

use std::fmt;

macro_rules! id_type {
    ($(#[$doc:meta])* $name:ident($inner:ty), $prefix:literal) => {
        $(#[$doc])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
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
