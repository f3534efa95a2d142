//! The on-sale model's closed event enum and the request that travels through
//! the components.

use crate::engine::Time;

/// An app endpoint, also the key of latency statistics.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Endpoint {
    /// The event page (CDN first, origin on a miss).
    EventPage,
    /// The seat map (app, then a read replica).
    SeatMap,
    /// Placing a hold (app, then the primary database and the seat core).
    Hold,
    /// Submitting payment (app, then the payment provider).
    Payment,
    /// Confirming the order (app, then the primary database and the seat core).
    Confirm,
}

impl Endpoint {
    /// Every endpoint, in journey order.
    pub const ALL: [Endpoint; 5] = [
        Endpoint::EventPage,
        Endpoint::SeatMap,
        Endpoint::Hold,
        Endpoint::Payment,
        Endpoint::Confirm,
    ];

    /// Name used in outputs.
    pub fn name(self) -> &'static str {
        match self {
            Endpoint::EventPage => "event_page",
            Endpoint::SeatMap => "seat_map",
            Endpoint::Hold => "hold",
            Endpoint::Payment => "payment",
            Endpoint::Confirm => "confirm",
        }
    }

    /// Index into per-endpoint arrays.
    pub fn index(self) -> usize {
        self as usize
    }
}

/// One request from a fan's session.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Request {
    /// The fan or bot.
    pub fan: u32,
    /// The fan's request counter when it was issued; a response to an older
    /// request (the fan timed out and moved on) is wasted work.
    pub sequence: u32,
    /// What it asks for.
    pub endpoint: Endpoint,
    /// When the fan issued it (and it reached the app servers).
    pub issued: Time,
    /// When it reached its current component (database, replica).
    pub stage_arrived: Time,
}

/// How a payment attempt ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PaymentResult {
    /// Approved.
    Approved,
    /// Declined by the card issuer.
    Declined,
    /// The provider did not answer within the timeout.
    TimedOut,
    /// The provider failed (a brownout).
    Failed,
}

/// Everything that happens in an on-sale.
#[derive(Clone, Copy, Debug)]
pub enum Event {
    /// The next fan in arrival order reaches the site.
    FanArrives(u32),
    /// A waiting fan runs out of patience.
    FanLosesPatience(u32),
    /// A fan's think time or retry delay ends: they issue their next request.
    FanActs {
        /// The fan.
        fan: u32,
        /// Guards against timers that an earlier outcome made stale.
        sequence: u32,
    },
    /// The sale opens: the pre-queue is ordered and admission starts.
    SaleOpens,
    /// The waiting room admits the next batch.
    AdmitTick,
    /// A per-second sample of every gauge.
    MetricsTick,
    /// The CDN answers an event-page request.
    CdnResponds(Request),
    /// An app worker finishes its own CPU work on a request.
    AppWorkDone(Request),
    /// The primary database finishes a transaction.
    DatabaseDone(Request),
    /// A read replica finishes a seat-map read.
    ReplicaDone(Request),
    /// The payment provider answers (or the app's call to it times out).
    PaymentDone(Request, PaymentResult),
    /// The fan's client gives up waiting for a response.
    ClientTimeout(Request),
    /// A hold placed in a show reaches its deadline.
    HoldDeadline(u16),
    /// Runbook step `0` is carried out.
    RunbookActs(u16),
    /// This many new app instances finish booting.
    InstancesReady(u16),
    /// A worker drops a request that waited too long (cheap rejection).
    AppSheds(Request),
    /// Fault window `0` opens.
    FaultStarts(u16),
    /// Fault window `0` closes.
    FaultEnds(u16),
}
