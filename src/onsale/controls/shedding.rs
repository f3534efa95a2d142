//! Load shedding at the app pool: refuse arrivals while the queue is long, and
//! drop requests that already waited too long when a worker picks them up.

use crate::engine::Span;
use crate::model::ShedSpec;

/// The shedding rules in force (a runbook can switch queue-length shedding on).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Shedding {
    queue_length: Option<u32>,
    queue_delay: Option<Span>,
}

impl Shedding {
    /// The rules of a validated spec; none without one.
    pub fn new(spec: Option<&ShedSpec>) -> Shedding {
        Shedding {
            queue_length: spec.and_then(|s| s.queue_length),
            queue_delay: spec.and_then(|s| s.queue_delay).map(|d| d.span()),
        }
    }

    /// Refuse an arrival that finds `queued` requests waiting?
    pub fn rejects_arrival(&self, queued: usize) -> bool {
        self.queue_length
            .is_some_and(|limit| queued >= limit as usize)
    }

    /// Drop, instead of serving, a request that waited `waited`?
    pub fn drops_at_start(&self, waited: Span) -> bool {
        self.queue_delay.is_some_and(|delay| waited > delay)
    }

    /// Shed arrivals from now on while `limit` requests wait.
    pub fn set_queue_length(&mut self, limit: u32) {
        self.queue_length = Some(limit);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Duration;

    #[test]
    fn rejects_from_the_configured_queue_length_on() {
        let spec = ShedSpec {
            queue_length: Some(100),
            queue_delay: None,
        };
        let shedding = Shedding::new(Some(&spec));
        assert!(!shedding.rejects_arrival(99));
        assert!(shedding.rejects_arrival(100));
        assert!(!shedding.drops_at_start(Span::from_secs(1000)));
    }

    #[test]
    fn drops_only_requests_that_waited_longer_than_the_delay() {
        let spec = ShedSpec {
            queue_length: None,
            queue_delay: Some(Duration::from_secs_f64(2.0)),
        };
        let shedding = Shedding::new(Some(&spec));
        assert!(!shedding.drops_at_start(Span::from_secs(2)));
        assert!(shedding.drops_at_start(Span::from_secs(2) + Span(1)));
        assert!(!shedding.rejects_arrival(usize::MAX));
    }

    #[test]
    fn a_runbook_switches_queue_length_shedding_on() {
        let mut shedding = Shedding::new(None);
        assert!(!shedding.rejects_arrival(1_000_000));
        shedding.set_queue_length(10);
        assert!(shedding.rejects_arrival(10));
    }
}
