//! What travels through the components: a fan's request, the endpoint it asks
//! for, and where on its route it is.

use crate::engine::{LaneTimer, Time};

/// An endpoint of the ticketing service, also the key of latency statistics.
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
    /// Checking a presale or Verified Fan code (only with an access check).
    AccessCode,
}

impl Endpoint {
    /// How many endpoints there are: the size of per-endpoint arrays.
    pub const COUNT: usize = 6;

    /// Every endpoint, in journey order (the order of output columns).
    pub const ALL: [Endpoint; Endpoint::COUNT] = [
        Endpoint::EventPage,
        Endpoint::SeatMap,
        Endpoint::Hold,
        Endpoint::Payment,
        Endpoint::Confirm,
        Endpoint::AccessCode,
    ];

    /// Name used in outputs and in `[routes]`.
    pub fn name(self) -> &'static str {
        match self {
            Endpoint::EventPage => "event_page",
            Endpoint::SeatMap => "seat_map",
            Endpoint::Hold => "hold",
            Endpoint::Payment => "payment",
            Endpoint::Confirm => "confirm",
            Endpoint::AccessCode => "access_code",
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
    /// Position on the endpoint's route: the component it is at now.
    pub hop: u8,
    /// The client's timeout is running (set when a pool first accepts it).
    pub timed: bool,
    /// That timeout, to cancel once the request is answered (it fits in
    /// the padding after `timed`: a request stays 32 bytes).
    pub timer: LaneTimer,
    /// When the fan issued it.
    pub issued: Time,
    /// When it reached its current component.
    pub stage_arrived: Time,
}

impl Request {
    /// What tells this request's client timeout from the other fixed-delay
    /// timers (see [`crate::engine::Scheduler::cancel_fixed`]): the fan and
    /// its request counter, which no other request in flight shares.
    #[inline]
    pub fn timeout_tag(&self) -> u64 {
        (u64::from(self.fan) << 32) | u64::from(self.sequence)
    }

    /// The same request, handed to the next component at `now`.
    pub fn forwarded(self, now: Time) -> Request {
        Request {
            hop: self.hop + 1,
            stage_arrived: now,
            ..self
        }
    }
}

// Requests ride inside events: the timer handle must stay in the padding.
const _: () = assert!(std::mem::size_of::<Request>() == 32);
