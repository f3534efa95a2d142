//! Probabilistic routing: after service, go to station i with probability p_i,
//! or leave the network (the sink) with the remaining probability.

/// Cumulative routing table.
#[derive(Clone, Debug, Default)]
pub struct Routing {
    /// (cumulative probability, destination) in the order written.
    cumulative: Vec<(f64, usize)>,
}

impl Routing {
    /// A table from (destination, probability) pairs whose probabilities sum to ≤ 1.
    pub fn new(routes: impl IntoIterator<Item = (usize, f64)>) -> Routing {
        let mut total = 0.0;
        let cumulative = routes
            .into_iter()
            .map(|(destination, p)| {
                total += p;
                (total, destination)
            })
            .collect();
        Routing { cumulative }
    }

    /// True when every customer leaves after service (no draw needed).
    pub fn is_exit(&self) -> bool {
        self.cumulative.is_empty()
    }

    /// The destination for a uniform draw `u` in [0, 1); `None` is the sink.
    #[inline]
    pub fn choose(&self, u: f64) -> Option<usize> {
        self.cumulative
            .iter()
            .find(|(bound, _)| u < *bound)
            .map(|&(_, destination)| destination)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_the_unit_interval_in_order() {
        let routing = Routing::new([(3, 0.25), (5, 0.5)]);
        assert_eq!(routing.choose(0.0), Some(3));
        assert_eq!(routing.choose(0.2499), Some(3));
        assert_eq!(routing.choose(0.25), Some(5));
        assert_eq!(routing.choose(0.7499), Some(5));
        assert_eq!(routing.choose(0.75), None);
        assert!(Routing::default().is_exit());
    }
}
