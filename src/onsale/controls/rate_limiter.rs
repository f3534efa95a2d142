//! Per-session rate limiting by GCRA (the generic cell rate algorithm): one
//! theoretical arrival time per session, 8 bytes each, allocated only when a
//! model sets `app.rate_limit`.

use crate::engine::{Span, Time};
use crate::model::RateLimitSpec;

/// GCRA state of every session.
#[derive(Clone, Debug)]
pub struct RateLimiter {
    /// 1 / rate.
    interval: Span,
    /// How far ahead of now a session's theoretical arrival time may run: (burst − 1) intervals.
    tolerance: Span,
    /// Theoretical arrival time per session.
    tat: Vec<Time>,
}

impl RateLimiter {
    /// A limiter of a validated spec for `sessions` sessions.
    pub fn new(spec: &RateLimitSpec, sessions: usize) -> RateLimiter {
        let interval = Span::from_secs_f64(1.0 / spec.per_s);
        RateLimiter {
            interval,
            tolerance: Span(interval.0.saturating_mul(i64::from(spec.burst) - 1)),
            tat: vec![Time(i64::MIN); sessions],
        }
    }

    /// May `session` make a request at `now`? A refused request does not count.
    pub fn allows(&mut self, session: u32, now: Time) -> bool {
        let slot = &mut self.tat[session as usize];
        let tat = (*slot).max(now);
        if tat.since(now) > self.tolerance {
            return false;
        }
        *slot = tat + self.interval;
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn limiter(per_s: f64, burst: u32) -> RateLimiter {
        RateLimiter::new(&RateLimitSpec { per_s, burst }, 2)
    }

    #[test]
    fn a_burst_then_exactly_the_rate() {
        let mut limiter = limiter(2.0, 3);
        let now = Time::OPENING;
        // Three at once (the burst), the fourth refused.
        assert_eq!(
            (0..4).map(|_| limiter.allows(0, now)).collect::<Vec<_>>(),
            [true, true, true, false]
        );
        // One more each half second, never two.
        for step in 1..=10 {
            let t = now + Span::from_secs_f64(0.5 * f64::from(step));
            assert!(limiter.allows(0, t), "step {step}");
            assert!(!limiter.allows(0, t), "step {step} twice");
        }
    }

    #[test]
    fn sessions_have_their_own_bucket() {
        let mut limiter = limiter(1.0, 1);
        assert!(limiter.allows(0, Time::OPENING));
        assert!(!limiter.allows(0, Time::OPENING));
        assert!(limiter.allows(1, Time::OPENING));
    }

    #[test]
    fn a_steady_client_at_the_rate_is_never_refused() {
        let mut limiter = limiter(10.0, 1);
        let accepted = (0..1000)
            .filter(|i| limiter.allows(0, Time::OPENING + Span::from_secs_f64(0.1 * f64::from(*i))))
            .count();
        assert_eq!(accepted, 1000);
    }
}
