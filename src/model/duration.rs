//! Durations written with units in model files: `"250ms"`, `"8m"`, `"1.5h"`.

use std::fmt;

use serde::de::{self, Visitor};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::engine::Span;

/// The units a model file may use, with their length in nanoseconds.
const UNITS: [(&str, f64); 9] = [
    ("ns", 1.0),
    ("us", 1e3),
    ("µs", 1e3),
    ("ms", 1e6),
    ("s", 1e9),
    ("min", 60e9),
    ("m", 60e9),
    ("h", 3600e9),
    ("d", 86400e9),
];

/// What a duration must look like, for error messages.
pub const DURATION_FORMAT: &str =
    "a number followed by a unit: ns, us, ms, s, m (minutes), h or d, e.g. \"250ms\" or \"-30m\"";

/// A signed duration from a model file, in nanoseconds. Signed because offsets
/// from the opening (a waiting room opening at `"-30m"`) are durations too.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord)]
pub struct Duration(pub Span);

impl Duration {
    /// The duration in seconds.
    pub fn as_secs_f64(self) -> f64 {
        self.0.as_secs_f64()
    }

    /// The underlying engine span.
    pub fn span(self) -> Span {
        self.0
    }

    /// A duration of `seconds`.
    pub fn from_secs_f64(seconds: f64) -> Duration {
        Duration(Span::from_secs_f64(seconds))
    }
}

/// Parses `"250ms"`-style text. `None` when the text is not a finite number with a known unit.
pub fn parse_duration(text: &str) -> Option<Duration> {
    let text = text.trim();
    let split = text
        .find(|c: char| !(c.is_ascii_digit() || matches!(c, '.' | '-' | '+' | 'e' | 'E' | '_')))
        .filter(|&i| i > 0)?;
    // `e` may start a unit-less exponent; only accept it inside the number part.
    let (number, unit) = text.split_at(split);
    let number: f64 = number.replace('_', "").parse().ok()?;
    let (_, scale) = UNITS.iter().find(|(name, _)| *name == unit.trim())?;
    let nanos = number * scale;
    (nanos.is_finite() && nanos.abs() < i64::MAX as f64)
        .then(|| Duration(Span(nanos.round() as i64)))
}

impl fmt::Display for Duration {
    /// Shortest exact form: `"250ms"`, `"8m"`, `"2h"`, else nanoseconds.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let nanos = self.0.0;
        for (unit, scale) in [
            ("h", 3600e9),
            ("m", 60e9),
            ("s", 1e9),
            ("ms", 1e6),
            ("us", 1e3),
        ] {
            let scale = scale as i64;
            if nanos != 0 && nanos % scale == 0 {
                return write!(f, "{}{unit}", nanos / scale);
            }
        }
        write!(f, "{nanos}ns")
    }
}

impl Serialize for Duration {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

struct DurationVisitor;

impl Visitor<'_> for DurationVisitor {
    type Value = Duration;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(DURATION_FORMAT)
    }

    fn visit_str<E: de::Error>(self, text: &str) -> Result<Duration, E> {
        parse_duration(text).ok_or_else(|| {
            E::custom(format!(
                "invalid duration {text:?}: expected {DURATION_FORMAT}"
            ))
        })
    }

    fn visit_i64<E: de::Error>(self, value: i64) -> Result<Duration, E> {
        Err(E::custom(format!(
            "duration {value} has no unit: expected {DURATION_FORMAT}"
        )))
    }

    fn visit_u64<E: de::Error>(self, value: u64) -> Result<Duration, E> {
        Err(E::custom(format!(
            "duration {value} has no unit: expected {DURATION_FORMAT}"
        )))
    }

    fn visit_f64<E: de::Error>(self, value: f64) -> Result<Duration, E> {
        Err(E::custom(format!(
            "duration {value} has no unit: expected {DURATION_FORMAT}"
        )))
    }
}

impl<'de> Deserialize<'de> for Duration {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Duration, D::Error> {
        deserializer.deserialize_any(DurationVisitor)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn parses_every_unit() {
        let seconds = |text: &str| parse_duration(text).map(|d| d.as_secs_f64());
        assert_eq!(seconds("250ms"), Some(0.25));
        assert_eq!(seconds("8m"), Some(480.0));
        assert_eq!(seconds("8min"), Some(480.0));
        assert_eq!(seconds("2h"), Some(7200.0));
        assert_eq!(seconds("1.5s"), Some(1.5));
        assert_eq!(seconds("-30m"), Some(-1800.0));
        assert_eq!(seconds("30us"), Some(30e-6));
        assert_eq!(seconds("1d"), Some(86400.0));
    }

    #[test]
    fn rejects_what_is_not_a_duration() {
        for bad in ["", "5", "ms", "5 parsecs", "1e400s", "nan s", "--5s", "5ss"] {
            assert_eq!(parse_duration(bad), None, "{bad:?} should be rejected");
        }
    }

    proptest! {
        #[test]
        fn display_round_trips(nanos in -10i64.pow(15)..10i64.pow(15)) {
            let duration = Duration(Span(nanos));
            prop_assert_eq!(parse_duration(&duration.to_string()), Some(duration));
        }
    }
}
