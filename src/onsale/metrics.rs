//! What an on-sale run measures: per-endpoint latency, errors by kind, and a
//! tidy per-second time series.

use serde::Serialize;

use super::request::Endpoint;
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
    /// The access check refused the code (no code, a bad one, or a bot's).
    AccessDenied,
}

impl ErrorKind {
    /// How many kinds there are: the size of per-kind arrays.
    pub const COUNT: usize = 13;

    /// Every kind, in report order.
    pub const ALL: [ErrorKind; ErrorKind::COUNT] = [
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
        ErrorKind::AccessDenied,
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
                | ErrorKind::AccessDenied
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
            ErrorKind::AccessDenied => "access_denied",
        }
    }
}

/// A time-series column: its name and whether it holds whole numbers (counts,
/// seconds), written as integers.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Column {
    /// Name in `timeseries.csv`.
    pub name: &'static str,
    /// A count (integer) rather than a real number.
    pub count: bool,
}

impl Column {
    /// A column of counts.
    pub const fn count(name: &'static str) -> Column {
        Column { name, count: true }
    }

    /// A column of real numbers.
    pub const fn real(name: &'static str) -> Column {
        Column { name, count: false }
    }
}

/// The per-second time series of a run: columns chosen by the components
/// present, one row per second, stored flat.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Series {
    columns: Vec<Column>,
    values: Vec<f64>,
}

/// One cell as `timeseries.csv` writes it.
enum Cell {
    Count(i64),
    Real(f64),
}

impl Serialize for Cell {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match *self {
            Cell::Count(value) => serializer.serialize_i64(value),
            Cell::Real(value) => serializer.serialize_f64(value),
        }
    }
}

impl Series {
    /// An empty series with these columns.
    pub fn new(columns: Vec<Column>) -> Series {
        Series {
            columns,
            values: Vec::new(),
        }
    }

    /// Makes room for `rows` rows at once: a run knows its horizon, and
    /// growing by doubling left up to half the series unused. Only a hint:
    /// if the room cannot be had (an absurd horizon), rows grow as before.
    pub fn reserve_rows(&mut self, rows: usize) {
        let values = rows.saturating_mul(self.columns.len());
        let _ = self.values.try_reserve_exact(values);
    }

    /// The columns, in file order.
    pub fn columns(&self) -> &[Column] {
        &self.columns
    }

    /// Index of column `name`.
    pub fn index(&self, name: &str) -> Option<usize> {
        self.columns.iter().position(|column| column.name == name)
    }

    /// Appends a row; it has one value per column.
    pub fn push(&mut self, row: &[f64]) {
        assert_eq!(
            row.len(),
            self.columns.len(),
            "a row must fill every column"
        );
        self.values.extend_from_slice(row);
    }

    /// Number of rows.
    pub fn len(&self) -> usize {
        self.values.len() / self.columns.len().max(1)
    }

    /// True without rows.
    pub fn is_empty(&self) -> bool {
        self.values.is_empty()
    }

    /// Row `index`.
    pub fn row(&self, index: usize) -> &[f64] {
        let width = self.columns.len();
        &self.values[index * width..(index + 1) * width]
    }

    /// The last `count` rows (fewer if there are fewer).
    pub fn last_rows(&self, count: usize) -> impl Iterator<Item = &[f64]> {
        let len = self.len();
        (len.saturating_sub(count)..len).map(|index| self.row(index))
    }

    /// Every value of column `index`, in time order.
    pub fn column(&self, index: usize) -> impl Iterator<Item = f64> + '_ {
        (0..self.len()).map(move |row| self.row(row)[index])
    }

    /// The series as `timeseries.csv` bytes: counts as integers, reals as floats.
    pub fn to_csv(&self) -> Result<Vec<u8>, csv::Error> {
        let mut writer = csv::Writer::from_writer(Vec::new());
        writer.write_record(self.columns.iter().map(|column| column.name))?;
        for index in 0..self.len() {
            let cells: Vec<Cell> = self
                .row(index)
                .iter()
                .zip(&self.columns)
                .map(|(value, column)| {
                    if column.count {
                        Cell::Count(*value as i64)
                    } else {
                        Cell::Real(*value)
                    }
                })
                .collect();
            writer.serialize(cells)?;
        }
        writer
            .into_inner()
            .map_err(|error| csv::Error::from(error.into_error()))
    }
}

/// What the journey counts in the current second.
#[derive(Clone, Copy, Debug, Default)]
pub struct SecondCounts {
    /// Fans and bots reaching the site.
    pub arrivals: u64,
    /// Requests issued (offered load).
    pub requests: u64,
    /// The same per endpoint, in `Endpoint::ALL` order: exporters turn them
    /// into load-test stages and per-endpoint request counters.
    pub endpoint_requests: [u64; Endpoint::COUNT],
    /// Requests answered (successfully or not).
    pub responses: u64,
    /// System errors.
    pub errors: u64,
}

/// Counters and histograms of a run.
pub struct OnsaleMetrics {
    /// Requests issued per endpoint.
    pub requests: [u64; Endpoint::COUNT],
    /// Client-observed latency per endpoint, whole run (timeouts count as the timeout).
    pub latency: [Histogram; Endpoint::COUNT],
    /// The same, for the current second.
    second_latency: [Histogram; Endpoint::COUNT],
    /// Errors by kind.
    pub errors: [u64; ErrorKind::COUNT],
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
    /// Accumulates the current second.
    pub current: SecondCounts,
}

impl OnsaleMetrics {
    /// Empty metrics.
    pub fn new() -> OnsaleMetrics {
        OnsaleMetrics {
            requests: [0; Endpoint::COUNT],
            latency: Default::default(),
            second_latency: Default::default(),
            errors: [0; ErrorKind::COUNT],
            wasted_responses: 0,
            ghost_holds: 0,
            wasted_admissions: 0,
            tickets_expired: 0,
            peak_live_holds: 0,
            first_sold_out: None,
            last_sale: None,
            tickets_after_first_sold_out: 0,
            current: SecondCounts::default(),
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
        self.current.endpoint_requests[endpoint.index()] += 1;
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

    /// Closes the current second: appends p50 and p99 (s) of each of
    /// `endpoints`, then starts the next second. Returns the second's counts.
    pub fn close_second(&mut self, endpoints: &[Endpoint], row: &mut Vec<f64>) -> SecondCounts {
        for endpoint in endpoints {
            let histogram = &self.second_latency[endpoint.index()];
            row.push(histogram.quantile(0.5) / 1e9);
            row.push(histogram.quantile(0.99) / 1e9);
        }
        self.second_latency.iter_mut().for_each(Histogram::clear);
        std::mem::take(&mut self.current)
    }
}

impl Default for OnsaleMetrics {
    fn default() -> Self {
        Self::new()
    }
}
