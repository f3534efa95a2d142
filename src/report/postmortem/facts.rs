//! Reading an on-sale `summary.json` (see `report::summary::read_metric`).

use serde_json::Value;

/// One metric: its value (or mean), and the 95% interval when replicated.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Estimate {
    /// The value, or the mean across replications.
    pub mean: f64,
    /// Student-t 95% confidence interval across replications.
    pub ci95: Option<(f64, f64)>,
}

/// The `metrics` object of an on-sale `summary.json`, and its provenance.
pub struct Facts<'a> {
    summary: &'a Value,
}

impl<'a> Facts<'a> {
    /// Wraps a parsed `summary.json`.
    pub fn new(summary: &'a Value) -> Facts<'a> {
        Facts { summary }
    }

    /// The metric `key`, if present and defined in some replication.
    pub fn get(&self, key: &str) -> Option<Estimate> {
        let reading = crate::report::summary::read_metric(&self.summary["metrics"], key)?;
        Some(Estimate {
            mean: reading.mean,
            ci95: reading.ci95,
        })
    }

    /// The run's `--set` overrides, as `path=value` (none in files from before they existed).
    pub fn overrides(&self) -> Vec<String> {
        self.summary["provenance"]["overrides"]
            .as_array()
            .map(|items| {
                items
                    .iter()
                    .filter_map(|item| item.as_str().map(str::to_owned))
                    .collect()
            })
            .unwrap_or_default()
    }

    /// The value (or mean) of `key`, NaN if absent.
    pub fn value(&self, key: &str) -> f64 {
        self.get(key).map_or(f64::NAN, |estimate| estimate.mean)
    }

    /// `key` formatted with `format`, with its interval when replicated; "n/a" if absent.
    pub fn show(&self, key: &str, format: fn(f64) -> String) -> String {
        match self.get(key) {
            None => "n/a".to_owned(),
            Some(Estimate { mean, ci95: None }) => format(mean),
            Some(Estimate {
                mean,
                ci95: Some((low, high)),
            }) => {
                // Clipped where a Student-t interval reaches past what the
                // metric can be (a negative count), and said so.
                let (floor, ceiling) = crate::report::hard_bounds(key);
                let clipped = if low < floor || high > ceiling {
                    ", clipped at a bound"
                } else {
                    ""
                };
                format!(
                    "{} (95% CI {} to {}{clipped})",
                    format(mean),
                    format(low.max(floor)),
                    format(high.min(ceiling))
                )
            }
        }
    }

    /// A provenance field as text.
    pub fn provenance(&self, key: &str) -> String {
        match &self.summary["provenance"][key] {
            Value::String(text) => text.clone(),
            Value::Null => "unknown".to_owned(),
            other => other.to_string(),
        }
    }

    /// Number of replications behind the metrics.
    pub fn replications(&self) -> u64 {
        self.summary["provenance"]["replications"]
            .as_u64()
            .unwrap_or(1)
    }

    /// The `--scale` factor of the run.
    pub fn scale(&self) -> f64 {
        self.summary["scale"].as_f64().unwrap_or(1.0)
    }

    /// The end-of-run invariant check, as recorded.
    pub fn invariants(&self) -> String {
        self.summary["invariants"]
            .as_str()
            .unwrap_or("not recorded")
            .to_owned()
    }
}

/// 1,234,567 (rounded to a whole number).
pub fn count(value: f64) -> String {
    if !value.is_finite() {
        return "n/a".to_owned();
    }
    let digits = format!("{:.0}", value.abs());
    let mut grouped = String::new();
    for (index, digit) in digits.chars().enumerate() {
        if index > 0 && (digits.len() - index).is_multiple_of(3) {
            grouped.push(',');
        }
        grouped.push(digit);
    }
    if value.round() < 0.0 {
        format!("-{grouped}")
    } else {
        grouped
    }
}

/// 12.3% from a fraction.
pub fn percent(fraction: f64) -> String {
    if !fraction.is_finite() {
        return "n/a".to_owned();
    }
    let digits = if fraction.abs() < 0.001 && fraction != 0.0 {
        3
    } else {
        1
    };
    format!("{:.*}%", digits, fraction * 100.0)
}

/// A duration: 850 ms, 12.4 s, 3 min 05 s.
pub fn duration(seconds: f64) -> String {
    if !seconds.is_finite() {
        return "n/a".to_owned();
    }
    if seconds < 1.0 {
        format!("{:.0} ms", seconds * 1000.0)
    } else if seconds < 60.0 {
        format!("{seconds:.1} s")
    } else {
        let whole = seconds.round() as i64;
        format!("{} min {:02} s", whole / 60, whole % 60)
    }
}

/// 1,234,567.89 in the venue's currency.
pub fn money(value: f64) -> String {
    if !value.is_finite() {
        return "n/a".to_owned();
    }
    let cents = (value.abs() * 100.0).round() as u64 % 100;
    format!("{}.{cents:02}", count(value.trunc()))
}

/// Two decimals: ratios such as an amplification factor.
pub fn ratio(value: f64) -> String {
    if value.is_finite() {
        format!("{value:.2}")
    } else {
        "n/a".to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn numbers_read_like_a_report() {
        assert_eq!(count(1234567.4), "1,234,567");
        assert_eq!(count(-1500.0), "-1,500");
        assert_eq!(percent(0.0126), "1.3%");
        assert_eq!(duration(185.0), "3 min 05 s");
        assert_eq!(duration(0.25), "250 ms");
        assert_eq!(money(1234.5), "1,234.50");
    }

    #[test]
    fn replicated_metrics_carry_their_interval() {
        let summary =
            json!({ "metrics": { "a": 2.0, "b": { "mean": 3.0, "ci95": [2.5, 3.5] }, "c": null } });
        let facts = Facts::new(&summary);
        assert_eq!(
            facts.get("a"),
            Some(Estimate {
                mean: 2.0,
                ci95: None
            })
        );
        assert_eq!(facts.show("b", ratio), "3.00 (95% CI 2.50 to 3.50)");
        assert!(facts.value("c").is_nan());
        assert_eq!(facts.show("missing", ratio), "n/a");
    }
}
