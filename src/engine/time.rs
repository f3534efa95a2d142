//! Integer virtual time.
//!
//! The origin is the moment the sale opens: `Time(0)`. Events before the opening
//! (the waiting room's pre-queue, say) have negative times. One unit is one
//! nanosecond, so an `i64` covers ±292 years: no epsilon comparisons, ever.

use std::fmt;
use std::ops::{Add, AddAssign, Sub};

/// Nanoseconds per second.
pub const NANOS_PER_SECOND: i64 = 1_000_000_000;

/// An instant in virtual time, in nanoseconds since the sale opens.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Time(pub i64);

/// A length of virtual time, in nanoseconds. Never negative in a valid model.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Span(pub i64);

impl Time {
    /// The sale opens.
    pub const OPENING: Time = Time(0);
    /// Later than any event a model can schedule.
    pub const END_OF_TIME: Time = Time(i64::MAX);

    /// Whole and fractional seconds since the opening.
    pub fn as_secs_f64(self) -> f64 {
        self.0 as f64 / NANOS_PER_SECOND as f64
    }

    /// The instant `seconds` after the opening (negative: before it). Saturates.
    pub fn from_secs_f64(seconds: f64) -> Time {
        Time((seconds * NANOS_PER_SECOND as f64).round() as i64)
    }

    /// The span from `earlier` to `self`.
    pub fn since(self, earlier: Time) -> Span {
        Span(self.0.saturating_sub(earlier.0))
    }
}

impl Span {
    /// No time at all.
    pub const ZERO: Span = Span(0);

    /// The span in seconds.
    pub fn as_secs_f64(self) -> f64 {
        self.0 as f64 / NANOS_PER_SECOND as f64
    }

    /// A span of `seconds`, rounded to the nanosecond. Saturates.
    pub fn from_secs_f64(seconds: f64) -> Span {
        Span((seconds * NANOS_PER_SECOND as f64).round() as i64)
    }

    /// A span of whole seconds.
    pub const fn from_secs(seconds: i64) -> Span {
        Span(seconds * NANOS_PER_SECOND)
    }
}

impl Add<Span> for Time {
    type Output = Time;
    fn add(self, span: Span) -> Time {
        Time(self.0.saturating_add(span.0))
    }
}

impl AddAssign<Span> for Time {
    fn add_assign(&mut self, span: Span) {
        *self = *self + span;
    }
}

impl Sub<Span> for Time {
    type Output = Time;
    fn sub(self, span: Span) -> Time {
        Time(self.0.saturating_sub(span.0))
    }
}

impl Add for Span {
    type Output = Span;
    fn add(self, other: Span) -> Span {
        Span(self.0.saturating_add(other.0))
    }
}

impl fmt::Display for Time {
    /// `T+90.000s` or `T-1800.000s`: relative to the opening, as operators say it.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let sign = if self.0 < 0 { '-' } else { '+' };
        write!(f, "T{sign}{:.3}s", (self.0 as f64 / 1e9).abs())
    }
}

impl fmt::Display for Span {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:.3}s", self.as_secs_f64())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn arithmetic_saturates_instead_of_wrapping() {
        assert_eq!(Time::END_OF_TIME + Span(5), Time::END_OF_TIME);
        assert_eq!(Time(i64::MIN) - Span(5), Time(i64::MIN));
    }

    #[test]
    fn display_is_relative_to_the_opening() {
        assert_eq!(Time(-1_500_000_000).to_string(), "T-1.500s");
        assert_eq!(Time::from_secs_f64(90.0).to_string(), "T+90.000s");
    }
}
