//! Visitors without a code: on 15 Nov 2022 about 14M people hit Ticketmaster
//! for 1.5M Verified Fan codes. They never reach a seat, so nothing about them
//! needs an identity: the crowd is a fluid, advanced once a second. Its code
//! checks take the access check's workers and its polls the status service's
//! capacity; its page views are counted in `system_requests` but not offered
//! to the CDN (a simplification: the CDN's capacity is the fans' to use).
//!
//! Arrivals follow the demand's curve: `pre_queue_share` uniformly from the
//! waiting room's opening, `spike_share` exponentially after the opening with
//! mean `spike_mean`, the rest with mean `tail_mean`. The count arriving in a
//! second is `count × (F(t) − F(t − 1 s))`, F the curve's distribution
//! function: the expectation, exact to the last visitor in the total, with no
//! random draw (so adding visitors shifts no random stream). Each visitor
//! loads the event page `page_views` times and tries `code_checks` codes on
//! arrival, then keeps the queue page open for an exponential time with mean
//! `stay`, polling like a fan's session, or until the sale sells out and the
//! queue page says so.

use crate::model::{OnsaleSpec, VisitorsSpec};

/// What the crowd asks of the platform in one second.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct VisitorLoad {
    /// Visitors arriving this second.
    pub arrivals: f64,
    /// Event-page loads (CDN).
    pub page_views: f64,
    /// Code checks, every one denied.
    pub code_checks: f64,
}

/// The crowd without codes.
pub struct Visitors {
    count: f64,
    page_views: f64,
    code_checks: f64,
    /// Share leaving the queue page each second: 1 − e^(−1 s / stay).
    leave_per_s: f64,
    curve: ArrivalCurve,
    /// Visitors with the queue page open now.
    waiting: f64,
    /// Visitors arrived so far.
    arrived: f64,
    /// Sold out and announced: the queue page says so, and nobody waits.
    sold_out: bool,
}

/// The demand's arrival mixture as a distribution function of seconds from the opening.
#[derive(Clone, Copy, Debug)]
struct ArrivalCurve {
    opens_s: f64,
    pre_queue: f64,
    spike: f64,
    spike_mean_s: f64,
    tail_mean_s: f64,
}

impl ArrivalCurve {
    fn new(spec: &OnsaleSpec) -> ArrivalCurve {
        let demand = &spec.demand;
        ArrivalCurve {
            opens_s: spec.waiting_room.opens.as_secs_f64().min(0.0),
            pre_queue: demand.pre_queue_share,
            spike: demand.spike_share,
            spike_mean_s: demand.spike_mean.as_secs_f64(),
            tail_mean_s: demand.tail_mean.as_secs_f64(),
        }
    }

    /// Share of visitors arrived by `t_s` seconds after the opening.
    fn share_by(&self, t_s: f64) -> f64 {
        if t_s < 0.0 {
            if self.opens_s >= 0.0 || t_s <= self.opens_s {
                return 0.0;
            }
            return self.pre_queue * (t_s - self.opens_s) / -self.opens_s;
        }
        let tail = 1.0 - self.pre_queue - self.spike;
        self.pre_queue
            + self.spike * (1.0 - (-t_s / self.spike_mean_s).exp())
            + tail * (1.0 - (-t_s / self.tail_mean_s).exp())
    }
}

impl Visitors {
    /// The crowd of a validated spec.
    pub fn new(spec: &VisitorsSpec, onsale: &OnsaleSpec) -> Visitors {
        Visitors {
            count: spec.count as f64,
            page_views: spec.page_views,
            code_checks: spec.code_checks,
            leave_per_s: 1.0 - (-1.0 / spec.stay.as_secs_f64()).exp(),
            curve: ArrivalCurve::new(onsale),
            waiting: 0.0,
            arrived: 0.0,
            sold_out: false,
        }
    }

    /// The sale sold out and said so: visitors stop waiting, and later ones
    /// see the notice and leave (they still came: their page views count).
    pub fn sold_out(&mut self) {
        self.sold_out = true;
        self.waiting = 0.0;
    }

    /// Advances the crowd over the second ending `t_s` seconds after the
    /// opening; returns the load it made.
    pub fn tick(&mut self, t_s: f64) -> VisitorLoad {
        let arrived_by = self.count * self.curve.share_by(t_s);
        let arrivals = (arrived_by - self.arrived).max(0.0);
        self.arrived = arrived_by.max(self.arrived);
        if !self.sold_out {
            self.waiting = self.waiting * (1.0 - self.leave_per_s) + arrivals;
        }
        VisitorLoad {
            arrivals,
            page_views: arrivals * self.page_views,
            code_checks: arrivals * self.code_checks,
        }
    }

    /// Visitors with the queue page open, polling.
    pub fn waiting(&self) -> f64 {
        self.waiting
    }

    /// Visitors arrived so far.
    pub fn arrived(&self) -> f64 {
        self.arrived
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Duration, ModelSpec, load};

    fn eras_like(count: u64, stay_s: f64) -> (VisitorsSpec, OnsaleSpec) {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("models/baseline.toml");
        let ModelSpec::Onsale(model) = load(&path).expect("baseline loads").spec else {
            panic!("baseline is an on-sale");
        };
        let visitors = VisitorsSpec {
            count,
            page_views: 2.0,
            code_checks: 0.5,
            stay: Duration::from_secs_f64(stay_s),
        };
        (visitors, model.spec)
    }

    /// Every visitor arrives once: the per-second counts add up to the count
    /// times the curve's mass before the horizon, and page views and checks
    /// follow in proportion.
    #[test]
    fn the_seconds_add_up_to_the_crowd() {
        let (spec, onsale) = eras_like(1_000_000, 3600.0);
        let mut visitors = Visitors::new(&spec, &onsale);
        let opens = onsale.waiting_room.opens.as_secs_f64() as i64;
        let (mut arrivals, mut views) = (0.0, 0.0);
        for t in opens + 1..=100_000 {
            let load = visitors.tick(t as f64);
            arrivals += load.arrivals;
            views += load.page_views;
        }
        let expected = 1_000_000.0 * visitors.curve.share_by(100_000.0);
        assert!(
            (arrivals - expected).abs() < 1e-3,
            "{arrivals} against {expected}"
        );
        assert!((views - 2.0 * arrivals).abs() < 1e-3);
        assert!(expected > 999_999.0, "the tail has all but ended by then");
    }

    /// With no arrivals the crowd on the page decays as e^(−t/stay).
    #[test]
    fn visitors_leave_exponentially() {
        let (spec, onsale) = eras_like(1_000_000, 600.0);
        let mut visitors = Visitors::new(&spec, &onsale);
        visitors.waiting = 1000.0;
        visitors.count = 0.0;
        for t in 1..=600 {
            visitors.tick(f64::from(t));
        }
        let expected = 1000.0 * (-1.0f64).exp();
        assert!(
            (visitors.waiting() - expected).abs() < 1e-6,
            "{}",
            visitors.waiting()
        );
    }
}
