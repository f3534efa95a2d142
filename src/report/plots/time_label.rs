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

/// The unit of a dashboard's time axis, chosen by the span it shows: seconds
/// for a contention run over in seconds, minutes for an on-sale or a service
/// run, hours for a queueing network simulated for days.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TimeAxis {
    /// Spans under two minutes: `T+0.5s`, `T+4s`.
    Seconds,
    /// Spans up to a day: `T-30m`, `T+2m30s` (as [`tick_label`]).
    Minutes,
    /// Longer spans: `T+50h`, `T+1h30m`.
    Hours,
}

impl TimeAxis {
    /// The unit that suits a chart spanning `span_s` seconds.
    pub fn for_span(span_s: f64) -> TimeAxis {
        if span_s < 120.0 {
            TimeAxis::Seconds
        } else if span_s > 86_400.0 {
            TimeAxis::Hours
        } else {
            TimeAxis::Minutes
        }
    }

    /// Seconds in one unit of the axis.
    pub fn seconds_per_unit(self) -> f64 {
        match self {
            TimeAxis::Seconds => 1.0,
            TimeAxis::Minutes => 60.0,
            TimeAxis::Hours => 3600.0,
        }
    }

    /// The tick label of `value` units since T.
    pub fn label(self, value: f64) -> String {
        match self {
            TimeAxis::Minutes => tick_label(value),
            TimeAxis::Seconds => {
                // Ticks of short runs fall on tenths or hundredths of a second.
                let rounded = (value * 100.0).round() / 100.0;
                if rounded == 0.0 {
                    return "T+0".to_owned();
                }
                let sign = if rounded < 0.0 { '-' } else { '+' };
                let text = format!("{:.2}", rounded.abs());
                let text = text.trim_end_matches('0').trim_end_matches('.');
                format!("T{sign}{text}s")
            }
            TimeAxis::Hours => {
                let minutes = (value * 60.0).round() as i64;
                if minutes == 0 {
                    return "T+0".to_owned();
                }
                let sign = if minutes < 0 { '-' } else { '+' };
                let (hours, rest) = (minutes.abs() / 60, minutes.abs() % 60);
                match (hours, rest) {
                    (0, rest) => format!("T{sign}{rest}m"),
                    (hours, 0) => format!("T{sign}{hours}h"),
                    (hours, rest) => format!("T{sign}{hours}h{rest}m"),
                }
            }
        }
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
    fn the_axis_unit_follows_the_span() {
        assert_eq!(TimeAxis::for_span(4.8), TimeAxis::Seconds);
        assert_eq!(TimeAxis::for_span(300.0), TimeAxis::Minutes);
        assert_eq!(TimeAxis::for_span(720_000.0), TimeAxis::Hours);
        assert_eq!(TimeAxis::Seconds.label(0.5), "T+0.5s");
        assert_eq!(TimeAxis::Seconds.label(4.0), "T+4s");
        assert_eq!(TimeAxis::Seconds.label(0.0), "T+0");
        assert_eq!(TimeAxis::Minutes.label(2.5), "T+2m30s");
        assert_eq!(TimeAxis::Hours.label(50.0), "T+50h");
        assert_eq!(TimeAxis::Hours.label(1.5), "T+1h30m");
        assert_eq!(TimeAxis::Hours.label(-0.5), "T-30m");
    }

    #[test]
    fn clock_labels_pad_and_roll_over_to_hours() {
        assert_eq!(clock_label(125.9), "T+02:05");
        assert_eq!(clock_label(-1800.0), "T-30:00");
        assert_eq!(clock_label(3723.0), "T+1:02:03");
        assert_eq!(clock_label(f64::NAN), "never");
    }
}
