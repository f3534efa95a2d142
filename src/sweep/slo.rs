//! The service-level objective: clauses such as `latency_hold_p99_s < 2`, all of
//! which a run must meet. A metric that is NaN (undefined in that run) fails
//! its clause: an SLO is met only by evidence.

use std::collections::BTreeMap;
use std::fmt;

use crate::model::Invalid;

/// A comparison operator.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Operator {
    /// `<`
    Less,
    /// `<=`
    LessOrEqual,
    /// `>`
    Greater,
    /// `>=`
    GreaterOrEqual,
}

impl Operator {
    /// Longest operators first, so `<=` is not read as `<`.
    const ALL: [(&'static str, Operator); 4] = [
        ("<=", Operator::LessOrEqual),
        (">=", Operator::GreaterOrEqual),
        ("<", Operator::Less),
        (">", Operator::Greater),
    ];

    fn symbol(self) -> &'static str {
        Operator::ALL
            .iter()
            .find(|(_, operator)| *operator == self)
            .map_or("?", |(symbol, _)| symbol)
    }

    fn holds(self, left: f64, right: f64) -> bool {
        match self {
            Operator::Less => left < right,
            Operator::LessOrEqual => left <= right,
            Operator::Greater => left > right,
            Operator::GreaterOrEqual => left >= right,
        }
    }
}

/// `metric operator threshold`.
#[derive(Clone, Debug, PartialEq)]
pub struct Clause {
    /// Metric name, as in the run's metrics.
    pub metric: String,
    /// How to compare.
    pub operator: Operator,
    /// The number compared with.
    pub threshold: f64,
}

impl fmt::Display for Clause {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            formatter,
            "{} {} {}",
            self.metric,
            self.operator.symbol(),
            self.threshold
        )
    }
}

impl Clause {
    /// Parses `metric < 2`, `error_rate<=0.01`, ...
    pub fn parse(text: &str) -> Result<Clause, String> {
        let allowed = "`METRIC OP NUMBER` with OP one of <, <=, >, >= (e.g. \"error_rate < 0.01\")";
        let (position, symbol, operator) = Operator::ALL
            .iter()
            .filter_map(|(symbol, operator)| text.find(symbol).map(|at| (at, *symbol, *operator)))
            .min_by_key(|(at, symbol, _)| (*at, usize::MAX - symbol.len()))
            .ok_or_else(|| allowed.to_owned())?;
        let metric = text[..position].trim();
        let threshold: f64 = text[position + symbol.len()..]
            .trim()
            .parse()
            .map_err(|_| allowed.to_owned())?;
        if metric.is_empty() || metric.contains(char::is_whitespace) || !threshold.is_finite() {
            return Err(allowed.to_owned());
        }
        Ok(Clause {
            metric: metric.to_owned(),
            operator,
            threshold,
        })
    }

    /// True when the run's value meets the clause (NaN never does).
    pub fn met(&self, value: f64) -> bool {
        self.operator.holds(value, self.threshold)
    }
}

/// All clauses of the experiment's `slo`.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Slo {
    /// The clauses, in file order.
    pub clauses: Vec<Clause>,
}

impl Slo {
    /// Parses the `slo` array; errors name `slo[i]`.
    pub fn parse(texts: &[String]) -> Result<Slo, Invalid> {
        let clauses = texts
            .iter()
            .enumerate()
            .map(|(index, text)| {
                Clause::parse(text).map_err(|allowed| {
                    Invalid::new(format!("slo[{index}]"), format!("{text:?}"), allowed)
                })
            })
            .collect::<Result<_, _>>()?;
        Ok(Slo { clauses })
    }

    /// Whether a run met every clause; `None` when there is no SLO. A missing
    /// metric counts as NaN (callers check names first).
    pub fn met(&self, metrics: &BTreeMap<String, f64>) -> Option<bool> {
        if self.clauses.is_empty() {
            return None;
        }
        Some(
            self.clauses
                .iter()
                .all(|clause| clause.met(metrics.get(&clause.metric).copied().unwrap_or(f64::NAN))),
        )
    }

    /// The clauses as written in outputs.
    pub fn texts(&self) -> Vec<String> {
        self.clauses.iter().map(Clause::to_string).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clauses_parse_every_operator_and_nan_fails() {
        let clause = Clause::parse("latency_hold_p99_s<=2").unwrap();
        assert_eq!(clause.operator, Operator::LessOrEqual);
        assert_eq!(clause.to_string(), "latency_hold_p99_s <= 2");
        assert!(clause.met(2.0) && !clause.met(2.1) && !clause.met(f64::NAN));
        let clause = Clause::parse(" tickets_sold >= 100 ").unwrap();
        assert_eq!(
            (clause.metric.as_str(), clause.threshold),
            ("tickets_sold", 100.0)
        );
        assert!(Clause::parse("error_rate > 0.5").unwrap().met(0.6));
        for bad in ["error_rate", "< 2", "error_rate < x", "a b < 1", "x < inf"] {
            assert!(Clause::parse(bad).is_err(), "{bad:?} should not parse");
        }
    }

    #[test]
    fn an_slo_needs_every_clause() {
        let slo = Slo::parse(&["a < 1".to_owned(), "b > 0".to_owned()]).unwrap();
        let metrics = |a: f64, b: f64| BTreeMap::from([("a".to_owned(), a), ("b".to_owned(), b)]);
        assert_eq!(slo.met(&metrics(0.5, 1.0)), Some(true));
        assert_eq!(slo.met(&metrics(0.5, 0.0)), Some(false));
        assert_eq!(Slo::default().met(&metrics(9.0, 9.0)), None);
    }
}
