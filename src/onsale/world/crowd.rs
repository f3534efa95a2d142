//! The load that needs no identity, advanced once a second: visitors without
//! a code, and every waiting session's status polls. It adds to the
//! components (the access check's workers, the status service's capacity)
//! and to the site-wide counts a platform reports: visitors, system
//! requests, and the share of interactions that ended on an error page.

use super::World;
use crate::engine::{Scheduler, Time};
use crate::model::OnsaleSpec;
use crate::onsale::components::access_check::AccessCheckEvent;
use crate::onsale::components::queue_polls::QueuePolls;
use crate::onsale::components::visitors::{VisitorLoad, Visitors};
use crate::onsale::event::Event;
use crate::onsale::metrics::Column;

/// The crowd and the status service.
pub struct Crowd {
    visitors: Option<Visitors>,
    polls: QueuePolls,
    totals: CrowdTotals,
    /// This second's polls and failures, for the time series.
    second: (f64, f64),
    /// This second's visitor arrivals.
    arrivals: f64,
}

/// Totals over the run.
#[derive(Clone, Copy, Debug, Default)]
struct CrowdTotals {
    page_views: f64,
    code_checks: f64,
    code_checks_refused: f64,
    polls: f64,
    polls_failed: f64,
}

impl Crowd {
    /// Columns every on-sale has, after the others.
    pub const POLL_COLUMNS: &'static [Column] = &[
        Column::real("queue_polls"),
        Column::real("queue_poll_errors"),
    ];
    /// Columns of a model with `[visitors]`.
    pub const VISITOR_COLUMNS: &'static [Column] = &[
        Column::real("visitor_arrivals"),
        Column::real("visitors_waiting"),
    ];

    pub fn new(spec: &OnsaleSpec) -> Crowd {
        Crowd {
            visitors: spec
                .visitors
                .as_ref()
                .map(|visitors| Visitors::new(visitors, spec)),
            polls: QueuePolls::new(&spec.waiting_room),
            totals: CrowdTotals::default(),
            second: (0.0, 0.0),
            arrivals: 0.0,
        }
    }

    /// The sale sold out: visitors stop waiting.
    pub fn sold_out(&mut self) {
        if let Some(visitors) = &mut self.visitors {
            visitors.sold_out();
        }
    }

    /// Appends this second's columns.
    pub fn sample(&self, row: &mut Vec<f64>) {
        row.push(self.second.0);
        row.push(self.second.1);
        if let Some(visitors) = &self.visitors {
            row.push(self.arrivals);
            row.push(visitors.waiting());
        }
    }
}

impl World {
    /// The second ending at `now`: visitors arrive and leave, their code
    /// checks take workers, and every waiting session polls.
    pub(super) fn advance_crowd(&mut self, now: Time, scheduler: &mut Scheduler<Event>) {
        let t_s = now.as_secs_f64();
        let crowd = &mut self.crowd;
        let load = crowd
            .visitors
            .as_mut()
            .map_or(VisitorLoad::default(), |visitors| visitors.tick(t_s));
        crowd.arrivals = load.arrivals;
        if crowd.visitors.is_some()
            && let Some(check) = self.access_check.as_mut()
        {
            let (refused, started) = check.set_background(now, load.code_checks);
            crowd.totals.code_checks_refused += refused * load.code_checks;
            for (request, duration) in started {
                scheduler.after(
                    duration,
                    Event::AccessCheck(AccessCheckEvent::Checked(request)),
                );
            }
        }
        let waiting = crowd.visitors.as_ref().map_or(0.0, Visitors::waiting);
        let second = crowd.polls.tick(self.room.entries() as f64 + waiting);
        crowd.second = (second.polls, second.failed);
        let totals = &mut crowd.totals;
        totals.page_views += load.page_views;
        totals.code_checks += load.code_checks;
        totals.polls += second.polls;
        totals.polls_failed += second.failed;
    }

    /// The site-wide metrics, for `summary.json`.
    pub(super) fn crowd_metrics(&self, put: &mut impl FnMut(&str, f64)) {
        let totals = &self.crowd.totals;
        let visitors = self.crowd.visitors.as_ref().map_or(0.0, Visitors::arrived);
        // Every fan and bot generated arrives before the horizon.
        put("visitors", self.fans.len() as f64 + visitors.round());
        let requests = self.metrics.requests.iter().sum::<u64>() as f64;
        let interactions = requests + totals.polls + totals.page_views + totals.code_checks;
        put("system_requests", interactions.round());
        put("queue_polls", totals.polls.round());
        put("queue_poll_errors", totals.polls_failed.round());
        let errors =
            self.metrics.system_errors() as f64 + totals.polls_failed + totals.code_checks_refused;
        put(
            "interaction_error_rate",
            if interactions > 0.0 {
                errors / interactions
            } else {
                f64::NAN
            },
        );
    }
}
