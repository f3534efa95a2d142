//! Virtual time as people at an on-sale say it: relative to the opening, "T".

/// An axis tick, from minutes since the opening: `T-30m`, `T+0`, `T+2m30s`.
pub fn tick_label(minutes: f64) -> String {
    let seconds = (minutes * 60.0).round() as i64;
    if seconds == 0 {
        return "T+0".to_owned();
    }
    let sign = if seconds < 0 { '-' } else { '+' };
    let (whole, rest) = (seconds.abs() / 60, seconds.abs() % 60);
    match (whole, rest) {
        (0, rest) => format!("T{sign}{rest}s"),
        (whole, 0) => format!("T{sign}{whole}m"),
        (whole, rest) => format!("T{sign}{whole}m{rest}s"),
    }
}

/// A timeline entry, from seconds since the opening: `T+02:05`, `T-30:00`,
/// `T+1:02:03` past an hour. Fractions of a second are truncated toward the
/// earlier second, so an event is never shown later than it happened.
pub fn clock_label(seconds: f64) -> String {
    if !seconds.is_finite() {
        return "never".to_owned();
    }
    let whole = seconds.floor() as i64;
    let sign = if whole < 0 { '-' } else { '+' };
    let magnitude = whole.abs();
    let (hours, minutes, secs) = (magnitude / 3600, magnitude / 60 % 60, magnitude % 60);
    if hours > 0 {
        format!("T{sign}{hours}:{minutes:02}:{secs:02}")
    } else {
        format!("T{sign}{minutes:02}:{secs:02}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ticks_read_like_an_on_sale_countdown() {
        assert_eq!(tick_label(0.0), "T+0");
        assert_eq!(tick_label(-30.0), "T-30m");
        assert_eq!(tick_label(10.0), "T+10m");
        assert_eq!(tick_label(2.5), "T+2m30s");
        assert_eq!(tick_label(0.5), "T+30s");
    }

    #[test]
    fn clock_labels_pad_and_roll_over_to_hours() {
        assert_eq!(clock_label(125.9), "T+02:05");
        assert_eq!(clock_label(-1800.0), "T-30:00");
        assert_eq!(clock_label(3723.0), "T+1:02:03");
        assert_eq!(clock_label(f64::NAN), "never");
    }
}
