//! A fan or bot and where they are in the journey.

use crate::engine::Time;

/// What the fan does next.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Step {
    /// Load the event page.
    EventPage,
    /// Load the seat map.
    SeatMap,
    /// Hold the seats picked on the map.
    HoldPicked,
    /// Hold best-available seats.
    HoldBest,
    /// Pay for the hold.
    Payment,
    /// Confirm the order.
    Confirm,
    /// Have the access code checked (only with an access check).
    AccessCode,
}

/// How a fan's on-sale ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Outcome {
    /// Still in the journey at the horizon.
    Active,
    /// Bought tickets.
    Bought,
    /// Left the waiting room out of patience.
    GaveUpInQueue,
    /// Told the sale was sold out.
    LeftSoldOut,
    /// Too many errors.
    GaveUpAfterErrors,
    /// The admission token expired before they could shop.
    TokenExpired,
    /// Held seats but never paid.
    AbandonedCart,
    /// Payment declined or timed out too often.
    PaymentFailed,
}

impl Outcome {
    /// Every outcome, in report order.
    pub const ALL: [Outcome; 8] = [
        Outcome::Active,
        Outcome::Bought,
        Outcome::GaveUpInQueue,
        Outcome::LeftSoldOut,
        Outcome::GaveUpAfterErrors,
        Outcome::TokenExpired,
        Outcome::AbandonedCart,
        Outcome::PaymentFailed,
    ];

    /// Name used in outputs.
    pub fn name(self) -> &'static str {
        match self {
            Outcome::Active => "active_at_horizon",
            Outcome::Bought => "bought",
            Outcome::GaveUpInQueue => "gave_up_in_queue",
            Outcome::LeftSoldOut => "left_sold_out",
            Outcome::GaveUpAfterErrors => "gave_up_after_errors",
            Outcome::TokenExpired => "token_expired",
            Outcome::AbandonedCart => "abandoned_cart",
            Outcome::PaymentFailed => "payment_failed",
        }
    }
}

/// Never admitted.
pub const NOT_ADMITTED: Time = Time(i64::MIN);

/// One fan or bot. Kept small: a big on-sale has ten million of them.
#[derive(Clone, Debug)]
pub struct Fan {
    /// When they reach the site.
    pub arrived: Time,
    /// When they joined the waiting room ([`NOT_ADMITTED`] if never).
    pub queued: Time,
    /// When the waiting room let them in ([`NOT_ADMITTED`] if never).
    pub admitted: Time,
    /// Order of admission among all fans (u32::MAX if never).
    pub admission_rank: u32,
    /// The live hold, as (show, raw hold id), while they have one.
    pub hold: Option<(u16, u64)>,
    /// Increments with every request; see [`super::event::Request::sequence`].
    pub sequence: u32,
    /// Highest price per ticket they pay, in minor units (u64::MAX: any).
    pub max_price_minor: u64,
    /// Errors so far.
    pub errors: u16,
    /// The last retry delay (decorrelated jitter grows from it).
    pub last_delay: crate::engine::Span,
    /// The show they want.
    pub show: u16,
    /// Tickets wanted.
    pub tickets: u8,
    /// Tickets bought.
    pub bought: u8,
    /// Queue entries (tabs, devices).
    pub sessions: u8,
    /// Payment attempts so far.
    pub payment_attempts: u8,
    /// Hold attempts so far: with idempotency keys, the key of the current
    /// attempt (its retries reuse it; a new attempt takes the next).
    pub hold_attempt: u16,
    /// Next step.
    pub step: Step,
    /// How it ended.
    pub outcome: Outcome,
    /// A request is in flight and the client still waits for it.
    pub pending: bool,
    /// In the waiting room.
    pub waiting: bool,
    /// An automated buyer.
    pub is_bot: bool,
    /// Wants standing (GA) tickets.
    pub wants_general_admission: bool,
    /// Picks seats from the seat map rather than best-available.
    pub uses_seat_map: bool,
    /// Accepts split seats (after failing to find adjacent ones).
    pub accepts_split: bool,
}

impl Fan {
    /// True once the journey has ended.
    pub fn is_done(&self) -> bool {
        self.outcome != Outcome::Active
    }
}
