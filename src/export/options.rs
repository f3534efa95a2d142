//! The flags that shape an export, validated: `--speed`, `--rate-scale` and
//! `--start`.

use super::ExportError;

/// `--start` when none is given: a fixed time, so that the same run exports
/// byte-identical metrics on any day.
pub const DEFAULT_START: &str = "2026-01-01T10:00:00Z";

/// Validated export options.
#[derive(Clone, Debug, PartialEq)]
pub struct ExportOptions {
    /// Simulated seconds per real second of a load test (> 0): 60 plays an
    /// hour in a minute, at the same request rates.
    pub speed: f64,
    /// Multiplies every request rate of a load test (> 0).
    pub rate_scale: f64,
    /// Unix time (s) of the opening, T+0, in the OpenMetrics and Grafana exports.
    pub start_unix_s: i64,
}

impl ExportOptions {
    /// Options from raw flag values, refused with the flag and what it allows.
    pub fn new(speed: f64, rate_scale: f64, start: &str) -> Result<ExportOptions, ExportError> {
        Ok(ExportOptions {
            speed: positive("--speed", speed)?,
            rate_scale: positive("--rate-scale", rate_scale)?,
            start_unix_s: parse_rfc3339(start)?,
        })
    }
}

impl Default for ExportOptions {
    fn default() -> ExportOptions {
        ExportOptions {
            speed: 1.0,
            rate_scale: 1.0,
            start_unix_s: parse_rfc3339(DEFAULT_START).unwrap_or(0),
        }
    }
}

/// A finite factor above zero (and at most a million, so stage durations and
/// rates stay representable).
fn positive(flag: &'static str, value: f64) -> Result<f64, ExportError> {
    if value.is_finite() && value > 0.0 && value <= 1e6 {
        Ok(value)
    } else {
        Err(ExportError::Option {
            flag,
            value: value.to_string(),
            allowed: "a finite number in (0, 1000000]".to_owned(),
        })
    }
}

/// Unix seconds of an RFC 3339 time with whole seconds, e.g.
/// `2026-01-01T10:00:00Z` or `2026-01-01T11:00:00+01:00` (fractions of a
/// second are refused: the series has one row per whole second).
pub fn parse_rfc3339(text: &str) -> Result<i64, ExportError> {
    let refuse = || {
        ExportError::Option {
        flag: "--start",
        value: text.to_owned(),
        allowed: "an RFC 3339 time in whole seconds such as 2026-01-01T10:00:00Z or 2026-01-01T11:00:00+01:00".to_owned(),
    }
    };
    let bytes = text.as_bytes();
    if bytes.len() < 20 || !text.is_ascii() {
        return Err(refuse());
    }
    let number = |range: std::ops::Range<usize>| text[range].parse::<i64>().ok();
    let separators = [(4, b'-'), (7, b'-'), (13, b':'), (16, b':')];
    if separators.iter().any(|&(at, byte)| bytes[at] != byte) || !matches!(bytes[10], b'T' | b't') {
        return Err(refuse());
    }
    let fields = [
        number(0..4),
        number(5..7),
        number(8..10),
        number(11..13),
        number(14..16),
        number(17..19),
    ];
    let [
        Some(year),
        Some(month),
        Some(day),
        Some(hour),
        Some(minute),
        Some(second),
    ] = fields
    else {
        return Err(refuse());
    };
    let offset_s = match &text[19..] {
        "Z" | "z" => 0,
        zone if zone.len() == 6 && zone.as_bytes()[3] == b':' => {
            let sign = match zone.as_bytes()[0] {
                b'+' => 1,
                b'-' => -1,
                _ => return Err(refuse()),
            };
            let (Ok(hours), Ok(minutes)) = (zone[1..3].parse::<i64>(), zone[4..6].parse::<i64>())
            else {
                return Err(refuse());
            };
            if hours > 23 || minutes > 59 {
                return Err(refuse());
            }
            sign * (hours * 3600 + minutes * 60)
        }
        _ => return Err(refuse()),
    };
    let valid = (1..=12).contains(&month)
        && (1..=days_in_month(year, month)).contains(&day)
        && hour < 24
        && minute < 60
        && second < 60;
    if !valid {
        return Err(refuse());
    }
    let days = days_from_civil(year, month, day);
    Ok(days * 86_400 + hour * 3600 + minute * 60 + second - offset_s)
}

fn days_in_month(year: i64, month: i64) -> i64 {
    let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    match month {
        2 if leap => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's
/// algorithm: exact for every year, no table).
fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let year = if month <= 2 { year - 1 } else { year };
    let era = year.div_euclid(400);
    let year_of_era = year - era * 400;
    let month_from_march = (month + 9) % 12;
    let day_of_year = (153 * month_from_march + 2) / 5 + day - 1;
    let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    era * 146_097 + day_of_era - 719_468
}

/// `2026-01-01T10:00:00Z` for Unix seconds: Grafana's time range and comments.
pub fn format_rfc3339(unix_s: i64) -> String {
    let days = unix_s.div_euclid(86_400);
    let second_of_day = unix_s.rem_euclid(86_400);
    // Inverse of days_from_civil (same source).
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let day_of_era = z - era * 146_097;
    let year_of_era =
        (day_of_era - day_of_era / 1460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let month_from_march = (5 * day_of_year + 2) / 153;
    let day = day_of_year - (153 * month_from_march + 2) / 5 + 1;
    let month = if month_from_march < 10 {
        month_from_march + 3
    } else {
        month_from_march - 9
    };
    let year = year_of_era + era * 400 + i64::from(month <= 2);
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}Z",
        second_of_day / 3600,
        second_of_day % 3600 / 60,
        second_of_day % 60
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_times_parse_to_their_unix_seconds() {
        assert_eq!(parse_rfc3339("1970-01-01T00:00:00Z").unwrap(), 0);
        assert_eq!(
            parse_rfc3339("2026-01-01T10:00:00Z").unwrap(),
            1_767_261_600
        );
        assert_eq!(
            parse_rfc3339("2026-01-01T11:00:00+01:00").unwrap(),
            1_767_261_600
        );
        assert_eq!(parse_rfc3339("2000-02-29T00:00:00Z").unwrap(), 951_782_400);
    }

    #[test]
    fn formatting_inverts_parsing() {
        for unix_s in [0, 951_782_400, 1_767_261_600, -86_401, 4_102_444_799] {
            assert_eq!(parse_rfc3339(&format_rfc3339(unix_s)).unwrap(), unix_s);
        }
    }

    #[test]
    fn malformed_times_are_refused_not_panicked_on() {
        for bad in [
            "",
            "2026-01-01",
            "2026-13-01T10:00:00Z",
            "2026-02-30T10:00:00Z",
            "2026-01-01T24:00:00Z",
            "2026-01-01T10:00:00",
            "2026-01-01T10:00:00.5Z",
            "2026-01-01T10:00:00+1:00",
            "2026-01-01 10:00:00Z",
            "2026-01-01T10:00:00Zé",
            "ééééééééééééééééééééé",
        ] {
            assert!(parse_rfc3339(bad).is_err(), "{bad:?} was accepted");
        }
    }

    #[test]
    fn speed_and_rate_scale_must_be_finite_and_positive() {
        for bad in [0.0, -1.0, f64::NAN, f64::INFINITY, 1e7] {
            assert!(ExportOptions::new(bad, 1.0, DEFAULT_START).is_err());
            assert!(ExportOptions::new(1.0, bad, DEFAULT_START).is_err());
        }
        assert!(ExportOptions::new(60.0, 0.01, DEFAULT_START).is_ok());
    }
}
