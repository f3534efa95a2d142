//! What an on-sale run measures: per-endpoint latency, errors by kind, and a
//! tidy per-second time series.

use serde::Serialize;

use super::event::Endpoint;
use crate::engine::{Span, Time};
use crate::metrics::Histogram;

/// Kinds of error a fan or bot can meet.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum ErrorKind {
    /// The app pool's queue was full: rejected at once (HTTP 503).
    Rejected,
    /// No response within the client timeout.
    Timeout,
    /// A seat picked on a stale map was taken.
    SeatTaken,
    /// Nothing left that matches (tickets may come back when holds expire).
    NoTickets,
    /// The hold expired before the order was confirmed.
    HoldExpired,
    /// The card was declined.
    PaymentDeclined,
    /// The payment provider did not answer in time.
    PaymentTimeout,
    /// A component failed the call (HTTP 500, a failed transaction, a payment error).
    ServerError,
    /// The primary database was unavailable (failover, crash).
    Unavailable,
    /// Shed by the app before queueing (cheap, fast rejection).
    Shed,
    /// The circuit breaker on database calls was open (fail fast).
    BreakerOpen,
    /// Over the per-session rate limit (HTTP 429).
    RateLimited,
}

impl ErrorKind {
    /// Every kind, in report order.
    pub const ALL: [ErrorKind; 12] = [
        ErrorKind::Rejected,
        ErrorKind::Timeout,
        ErrorKind::SeatTaken,
        ErrorKind::NoTickets,
        ErrorKind::HoldExpired,
        ErrorKind::PaymentDeclined,
        ErrorKind::PaymentTimeout,
        ErrorKind::ServerError,
        ErrorKind::Unavailable,
        ErrorKind::Shed,
        ErrorKind::BreakerOpen,
        ErrorKind::RateLimited,
    ];

    /// True for failures of the system (what an SRE counts in an error rate), false
    /// for business outcomes a healthy on-sale also produces (sold out, seat taken,
    /// card declined).
    pub fn is_system_error(self) -> bool {
        !matches!(
            self,
            ErrorKind::SeatTaken
                | ErrorKind::NoTickets
                | ErrorKind::HoldExpired
                | ErrorKind::PaymentDeclined
        )
    }

    /// Name used in outputs.
    pub fn name(self) -> &'static str {
        match self {
            ErrorKind::Rejected => "rejected",
            ErrorKind::Timeout => "timeout",
            ErrorKind::SeatTaken => "seat_taken",
            ErrorKind::NoTickets => "no_tickets",
            ErrorKind::HoldExpired => "hold_expired",
            ErrorKind::PaymentDeclined => "payment_declined",
            ErrorKind::PaymentTimeout => "payment_timeout",
            ErrorKind::ServerError => "server_error",
            ErrorKind::Unavailable => "unavailable",
            ErrorKind::Shed => "shed",
            ErrorKind::BreakerOpen => "breaker_open",
            ErrorKind::RateLimited => "rate_limited",
        }
    }
}

/// One row of `timeseries.csv`: the second that ends at `t_s`.
#[derive(Clone, Debug, Default, Serialize)]
pub struct SecondRow {
    /// Seconds since the opening at the end of this second.
    pub t_s: i64,
    /// Fans and bots reaching the site.
    pub arrivals: u64,
    /// Requests issued (offered load).
    pub requests: u64,
    /// Queue entries in the waiting room.
    pub waiting_room_entries: u64,
    /// Entries admitted.
    pub admitted: u64,
    /// Position polls per second the waiting room answers.
    pub waiting_room_polls_per_s: f64,
    /// Requests in service at the app servers (busy workers).
    pub app_in_flight: u64,
    /// Requests queued for a worker.
    pub app_queue: u64,
    /// Busy workers / workers.
    pub app_utilization: f64,
    /// App instances serving (autoscaling and runbooks change it).
    pub app_instances: u64,
    /// Busy primary connections.
    pub database_in_flight: u64,
    /// Transactions queued for a connection.
    pub database_queue: u64,
    /// Busy connections / connections.
    pub database_utilization: f64,
    /// Busy replica connections / replica connections.
    pub replica_utilization: f64,
    /// Event-page requests served by the CDN.
    pub cdn_hits: u64,
    /// Event-page latency p50 / p99 (s) of responses this second.
    pub event_page_p50_s: f64,
    /// See `event_page_p50_s`.
    pub event_page_p99_s: f64,
    /// Seat map latency.
    pub seat_map_p50_s: f64,
    /// See `seat_map_p50_s`.
    pub seat_map_p99_s: f64,
    /// Hold latency.
    pub hold_p50_s: f64,
    /// See `hold_p50_s`.
    pub hold_p99_s: f64,
    /// Payment latency.
    pub payment_p50_s: f64,
    /// See `payment_p50_s`.
    pub payment_p99_s: f64,
    /// Confirm latency.
    pub confirm_p50_s: f64,
    /// See `confirm_p50_s`.
    pub confirm_p99_s: f64,
    /// Requests answered (successfully or not) this second.
    pub responses: u64,
    /// System errors (rejections and timeouts) this second.
    pub errors: u64,
    /// Live holds at the end of the second.
    pub holds_active: u64,
    /// Tickets sold so far.
    pub tickets_sold: u64,
    /// Tickets neither held nor sold.
    pub inventory_left: u64,
}

/// Counters and histograms of a run.
pub struct OnsaleMetrics {
    /// Requests issued per endpoint.
    pub requests: [u64; 5],
    /// Client-observed latency per endpoint, whole run (timeouts count as the timeout).
    pub latency: [Histogram; 5],
    /// The same, for the current second.
    second_latency: [Histogram; 5],
    /// Errors by kind.
    pub errors: [u64; 12],
    /// Responses that reached a client that had already given up.
    pub wasted_responses: u64,
    /// Holds placed for a client that had already given up.
    pub ghost_holds: u64,
    /// Waiting-room entries admitted for fans no longer waiting.
    pub wasted_admissions: u64,
    /// Tickets put back on sale by expiring holds.
    pub tickets_expired: u64,
    /// Most live holds at once.
    pub peak_live_holds: u64,
    /// First time no ticket was free.
    pub first_sold_out: Option<Time>,
    /// Time of the last confirmed order.
    pub last_sale: Option<Time>,
    /// Tickets sold after the first sell-out (the second wave).
    pub tickets_after_first_sold_out: u64,
    /// Per-second rows.
    pub rows: Vec<SecondRow>,
    /// Accumulates the current second.
    pub current: SecondRow,
}

impl OnsaleMetrics {
    /// Empty metrics.
    pub fn new() -> OnsaleMetrics {
        OnsaleMetrics {
            requests: [0; 5],
            latency: Default::default(),
            second_latency: Default::default(),
            errors: [0; 12],
            wasted_responses: 0,
            ghost_holds: 0,
            wasted_admissions: 0,
            tickets_expired: 0,
            peak_live_holds: 0,
            first_sold_out: None,
            last_sale: None,
            tickets_after_first_sold_out: 0,
            rows: Vec::new(),
            current: SecondRow::default(),
        }
    }

    /// A client saw a response (or its own timeout) after `latency`.
    pub fn on_response(&mut self, endpoint: Endpoint, latency: Span) {
        let nanos = latency.0.max(0) as u64;
        self.latency[endpoint.index()].record(nanos);
        self.second_latency[endpoint.index()].record(nanos);
        self.current.responses += 1;
    }

    /// A request was issued.
    pub fn on_request(&mut self, endpoint: Endpoint) {
        self.requests[endpoint.index()] += 1;
        self.current.requests += 1;
    }

    /// An error of `kind`; the time series counts system errors.
    pub fn on_error(&mut self, kind: ErrorKind) {
        self.errors[kind as usize] += 1;
        self.current.errors += u64::from(kind.is_system_error());
    }

    /// System errors (see [`ErrorKind::is_system_error`]).
    pub fn system_errors(&self) -> u64 {
        ErrorKind::ALL
            .iter()
            .filter(|kind| kind.is_system_error())
            .map(|&kind| self.errors[kind as usize])
            .sum()
    }

    /// Closes the current second: latency percentiles, then starts the next.
    pub fn close_second(&mut self, mut row: SecondRow) {
        let percentiles: Vec<(f64, f64)> = self
            .second_latency
            .iter()
            .map(|histogram| {
                (
                    histogram.quantile(0.5) / 1e9,
                    histogram.quantile(0.99) / 1e9,
                )
            })
            .collect();
        (row.event_page_p50_s, row.event_page_p99_s) = percentiles[0];
        (row.seat_map_p50_s, row.seat_map_p99_s) = percentiles[1];
        (row.hold_p50_s, row.hold_p99_s) = percentiles[2];
        (row.payment_p50_s, row.payment_p99_s) = percentiles[3];
        (row.confirm_p50_s, row.confirm_p99_s) = percentiles[4];
        self.second_latency.iter_mut().for_each(Histogram::clear);
        self.rows.push(row);
        self.current = SecondRow::default();
    }
}

impl SecondRow {
    /// The column names of timeseries.csv, for alert rules.
    pub fn columns() -> Vec<String> {
        match serde_json::to_value(SecondRow::default()) {
            Ok(serde_json::Value::Object(fields)) => fields.keys().cloned().collect(),
            _ => Vec::new(),
        }
    }

    /// The value of column `name`, if it exists.
    pub fn value(&self, name: &str) -> Option<f64> {
        serde_json::to_value(self).ok()?.get(name)?.as_f64()
    }
}

impl Default for OnsaleMetrics {
    fn default() -> Self {
        Self::new()
    }
}
