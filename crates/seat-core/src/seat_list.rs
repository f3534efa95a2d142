//! A list of seats that stores up to eight seats inline, so a typical hold or order
//! costs no heap allocation.

use crate::ids::SeatId;
use std::fmt;
use std::ops::Deref;

const INLINE: usize = 8;

/// Seats of a hold or order, in the order they were chosen.
#[derive(Clone, PartialEq, Eq)]
pub struct SeatList {
    repr: Repr,
}

#[derive(Clone, PartialEq, Eq)]
enum Repr {
    Inline { len: u8, seats: [SeatId; INLINE] },
    Heap(Vec<SeatId>),
}

impl SeatList {
    /// No seats (a GA hold).
    pub fn new() -> SeatList {
        SeatList {
            repr: Repr::Inline {
                len: 0,
                seats: [SeatId(0); INLINE],
            },
        }
    }

    /// The seats as a slice.
    pub fn as_slice(&self) -> &[SeatId] {
        match &self.repr {
            Repr::Inline { len, seats } => &seats[..*len as usize],
            Repr::Heap(seats) => seats,
        }
    }
}

impl Default for SeatList {
    fn default() -> SeatList {
        SeatList::new()
    }
}

impl From<&[SeatId]> for SeatList {
    fn from(seats: &[SeatId]) -> SeatList {
        if seats.len() <= INLINE {
            let mut inline = [SeatId(0); INLINE];
            inline[..seats.len()].copy_from_slice(seats);
            SeatList {
                repr: Repr::Inline {
                    len: seats.len() as u8,
                    seats: inline,
                },
            }
        } else {
            SeatList {
                repr: Repr::Heap(seats.to_vec()),
            }
        }
    }
}

impl Deref for SeatList {
    type Target = [SeatId];

    fn deref(&self) -> &[SeatId] {
        self.as_slice()
    }
}

impl fmt::Debug for SeatList {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list().entries(self.as_slice()).finish()
    }
}

impl<'a> IntoIterator for &'a SeatList {
    type Item = &'a SeatId;
    type IntoIter = std::slice::Iter<'a, SeatId>;

    fn into_iter(self) -> Self::IntoIter {
        self.as_slice().iter()
    }
}

#[cfg(feature = "serde")]
impl serde::Serialize for SeatList {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq(self.as_slice())
    }
}

#[cfg(feature = "serde")]
impl<'de> serde::Deserialize<'de> for SeatList {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<SeatList, D::Error> {
        let seats = <Vec<SeatId> as serde::Deserialize>::deserialize(deserializer)?;
        Ok(SeatList::from(seats.as_slice()))
    }
}
