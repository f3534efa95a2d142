//! The waiting room's status service: every waiting session (fans' and bots'
//! tabs, visitors' pages) asks for its queue position every `poll_interval`.
//! Millions of sessions poll, so the service is a fluid advanced once a
//! second: the polls offered in a second are the sessions over the interval,
//! and those beyond `capacity_per_s` fail (an error page; the session keeps
//! its place). A session whose poll failed refreshes every
//! `refresh_interval` until a poll succeeds, so an overload feeds itself:
//! failures shorten the interval, which raises the load. Deterministic: no
//! random draw, only the counts.

use crate::model::WaitingRoomSpec;

/// Polls of one second, and the share of them from the room's entries
/// (fans' and bots' sessions) as opposed to visitors'.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct PollSecond {
    /// Polls offered.
    pub polls: f64,
    /// Polls that failed.
    pub failed: f64,
}

/// The status service.
pub struct QueuePolls {
    capacity_per_s: f64,
    poll_interval_s: f64,
    refresh_interval_s: f64,
    /// Share of polling sessions whose last poll failed.
    erroring: f64,
}

impl QueuePolls {
    /// The service of a validated waiting room.
    pub fn new(spec: &WaitingRoomSpec) -> QueuePolls {
        let poll_interval_s = spec.poll_interval.as_secs_f64();
        QueuePolls {
            capacity_per_s: spec.capacity_per_s,
            poll_interval_s,
            refresh_interval_s: spec
                .refresh_interval
                .map_or(poll_interval_s, |refresh| refresh.as_secs_f64()),
            erroring: 0.0,
        }
    }

    /// One second of `sessions` polling.
    pub fn tick(&mut self, sessions: f64) -> PollSecond {
        if sessions <= 0.0 {
            self.erroring = 0.0;
            return PollSecond::default();
        }
        let calm = sessions * (1.0 - self.erroring) / self.poll_interval_s;
        let refreshing = sessions * self.erroring / self.refresh_interval_s;
        let polls = calm + refreshing;
        let fail = if polls > self.capacity_per_s {
            1.0 - self.capacity_per_s / polls
        } else {
            0.0
        };
        // Sessions enter the error state by a failed calm poll and leave it by
        // a refresh that succeeds.
        let entering = calm * fail;
        let leaving = refreshing * (1.0 - fail);
        self.erroring = (self.erroring + (entering - leaving) / sessions).clamp(0.0, 1.0);
        PollSecond {
            polls,
            failed: polls * fail,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{AdmissionPolicy, Duration, WaitingRoomMode};

    fn service(capacity_per_s: f64, refresh_s: Option<f64>) -> QueuePolls {
        QueuePolls::new(&WaitingRoomSpec {
            mode: WaitingRoomMode::Fifo,
            opens: Duration::from_secs_f64(0.0),
            outflow_per_min: 60.0,
            token_ttl: Duration::from_secs_f64(600.0),
            poll_interval: Duration::from_secs_f64(30.0),
            capacity_per_s,
            refresh_interval: refresh_s.map(Duration::from_secs_f64),
            adaptive: None,
            admission: AdmissionPolicy::Rate,
            max_active: None,
        })
    }

    /// Under capacity every poll succeeds: sessions / interval per second.
    #[test]
    fn under_capacity_polls_are_sessions_over_the_interval() {
        let mut polls = service(1000.0, Some(5.0));
        for _ in 0..100 {
            let second = polls.tick(3000.0);
            assert_eq!(
                second,
                PollSecond {
                    polls: 100.0,
                    failed: 0.0
                }
            );
        }
    }

    /// Without faster refreshes, the failed share is the excess over capacity.
    #[test]
    fn over_capacity_the_excess_fails() {
        let mut polls = service(100.0, None);
        let second = polls.tick(6000.0);
        assert_eq!(second.polls, 200.0);
        assert!((second.failed - 100.0).abs() < 1e-9);
    }

    /// Refreshing after an error amplifies the overload to the fixed point of
    /// the flow balance: with p = calm polls per session, r = refreshes, the
    /// erroring share e solves (1 − e) p f = e r (1 − f), f = 1 − c / offered.
    #[test]
    fn refreshes_amplify_an_overload_to_its_fixed_point() {
        let (capacity, sessions, poll, refresh) = (100.0, 6000.0, 30.0, 5.0);
        let mut polls = service(capacity, Some(refresh));
        let mut last = PollSecond::default();
        for _ in 0..5000 {
            last = polls.tick(sessions);
        }
        let e = polls.erroring;
        let offered = sessions * ((1.0 - e) / poll + e / refresh);
        let f = 1.0 - capacity / offered;
        assert!((last.polls - offered).abs() < 1e-6);
        assert!(
            ((1.0 - e) / poll * f - e / refresh * (1.0 - f)).abs() < 1e-9,
            "flow balance at e = {e}"
        );
        assert!(
            last.polls > 200.0,
            "the refreshes raised the load: {}",
            last.polls
        );
        assert!(last.failed / last.polls > 0.5, "so more than half failed");
    }
}
