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

impl Step {
    /// Every step, in declaration order (`Step::X as usize` indexes it).
    pub const ALL: [Step; 7] = [
        Step::EventPage,
        Step::SeatMap,
        Step::HoldPicked,
        Step::HoldBest,
        Step::Payment,
        Step::Confirm,
        Step::AccessCode,
    ];
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

/// A fan's yes/no traits and states, one bit each (see [`Fan`]'s accessors).
const PENDING: u8 = 1;
const WAITING: u8 = 1 << 1;
const IS_BOT: u8 = 1 << 2;
const WANTS_GENERAL_ADMISSION: u8 = 1 << 3;
const USES_SEAT_MAP: u8 = 1 << 4;
const ACCEPTS_SPLIT: u8 = 1 << 5;

/// `Fan::hold_id` when the fan holds nothing (seat-core ids count up from 0,
/// so this one is never issued).
const NO_HOLD: u64 = u64::MAX;

/// One fan or bot. Kept small: a big on-sale has ten million of them, and the
/// fan records are the largest allocation of a run. 72 bytes: the six flags
/// share a byte and the hold is one id (its show is the fan's), where separate
/// bools and an `Option<(u16, u64)>` took 96 (oasis-2025 in full: 10.6M fans,
/// 250 MB less).
#[derive(Clone, Debug)]
#[repr(align(64))]
pub struct Fan {
    /// When they reach the site.
    pub arrived: Time,
    /// When they joined the waiting room ([`NOT_ADMITTED`] if never).
    pub queued: Time,
    /// When the waiting room let them in ([`NOT_ADMITTED`] if never).
    pub admitted: Time,
    /// Order of admission among all fans (u32::MAX if never).
    pub admission_rank: u32,
    /// The live hold's raw id in the fan's show, or [`NO_HOLD`].
    hold_id: u64,
    /// Increments with every request; see [`super::event::Request::sequence`].
    pub sequence: u32,
    /// Highest price per ticket they pay, in minor units (u32::MAX: any;
    /// `demand.max_price_minor` is validated below it).
    pub max_price_minor: u32,
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
    /// Next step (low nibble) and how it ended (high nibble).
    stage: u8,
    /// The yes/no traits and states, bits of the constants above.
    flags: u8,
}

/// The traits a fan is born with.
#[derive(Clone, Copy, Debug, Default)]
pub struct Traits {
    /// An automated buyer.
    pub is_bot: bool,
    /// Wants standing (GA) tickets.
    pub wants_general_admission: bool,
    /// Picks seats from the seat map rather than best-available.
    pub uses_seat_map: bool,
}

impl Fan {
    /// A fan arriving at `arrived` who has done nothing yet.
    pub fn new(arrived: Time, show: u16, traits: Traits) -> Fan {
        let mut fan = Fan {
            arrived,
            queued: NOT_ADMITTED,
            admitted: NOT_ADMITTED,
            admission_rank: u32::MAX,
            hold_id: NO_HOLD,
            sequence: 0,
            max_price_minor: u32::MAX,
            errors: 0,
            last_delay: crate::engine::Span::ZERO,
            show,
            tickets: 1,
            bought: 0,
            sessions: 1,
            payment_attempts: 0,
            hold_attempt: 0,
            stage: 0,
            flags: 0,
        };
        fan.set_step(Step::EventPage);
        fan.set_outcome(Outcome::Active);
        fan.set(IS_BOT, traits.is_bot);
        fan.set(WANTS_GENERAL_ADMISSION, traits.wants_general_admission);
        fan.set(USES_SEAT_MAP, traits.uses_seat_map);
        fan
    }

    /// True once the journey has ended.
    pub fn is_done(&self) -> bool {
        self.outcome() != Outcome::Active
    }

    /// What the fan does next.
    pub fn step(&self) -> Step {
        Step::ALL[usize::from(self.stage & 0x0f)]
    }

    /// See [`Fan::step`].
    pub fn set_step(&mut self, step: Step) {
        self.stage = (self.stage & 0xf0) | step as u8;
    }

    /// How the journey ended ([`Outcome::Active`] while it goes on).
    pub fn outcome(&self) -> Outcome {
        Outcome::ALL[usize::from(self.stage >> 4)]
    }

    /// See [`Fan::outcome`].
    pub fn set_outcome(&mut self, outcome: Outcome) {
        self.stage = (self.stage & 0x0f) | ((outcome as u8) << 4);
    }

    fn has(&self, flag: u8) -> bool {
        self.flags & flag != 0
    }

    fn set(&mut self, flag: u8, on: bool) {
        if on {
            self.flags |= flag;
        } else {
            self.flags &= !flag;
        }
    }

    /// A request is in flight and the client still waits for it.
    pub fn pending(&self) -> bool {
        self.has(PENDING)
    }

    /// See [`Fan::pending`].
    pub fn set_pending(&mut self, pending: bool) {
        self.set(PENDING, pending);
    }

    /// In the waiting room.
    pub fn waiting(&self) -> bool {
        self.has(WAITING)
    }

    /// See [`Fan::waiting`].
    pub fn set_waiting(&mut self, waiting: bool) {
        self.set(WAITING, waiting);
    }

    /// An automated buyer.
    pub fn is_bot(&self) -> bool {
        self.has(IS_BOT)
    }

    /// Wants standing (GA) tickets.
    pub fn wants_general_admission(&self) -> bool {
        self.has(WANTS_GENERAL_ADMISSION)
    }

    /// Picks seats from the seat map rather than best-available.
    pub fn uses_seat_map(&self) -> bool {
        self.has(USES_SEAT_MAP)
    }

    /// Accepts split seats (after failing to find adjacent ones).
    pub fn accepts_split(&self) -> bool {
        self.has(ACCEPTS_SPLIT)
    }

    /// See [`Fan::accepts_split`].
    pub fn set_accepts_split(&mut self, accepts: bool) {
        self.set(ACCEPTS_SPLIT, accepts);
    }

    /// The live hold, as (show, raw hold id), while they have one.
    pub fn hold(&self) -> Option<(u16, u64)> {
        (self.hold_id != NO_HOLD).then_some((self.show, self.hold_id))
    }

    /// The fan now holds `id` in their show, or nothing.
    pub fn set_hold(&mut self, id: Option<u64>) {
        self.hold_id = id.unwrap_or(NO_HOLD);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_fan_record_stays_small_and_its_flags_are_independent() {
        assert_eq!(std::mem::size_of::<Fan>(), 64);
        let traits = Traits {
            is_bot: true,
            wants_general_admission: false,
            uses_seat_map: true,
        };
        let mut fan = Fan::new(Time(5), 3, traits);
        fan.set_waiting(true);
        fan.set_pending(true);
        fan.set_pending(false);
        fan.set_accepts_split(true);
        assert!(fan.is_bot() && fan.uses_seat_map() && fan.waiting() && fan.accepts_split());
        assert!(!fan.pending() && !fan.wants_general_admission());
        assert_eq!(fan.hold(), None);
        for (step, outcome) in Step::ALL.into_iter().zip(Outcome::ALL) {
            fan.set_step(step);
            fan.set_outcome(outcome);
            assert_eq!((fan.step(), fan.outcome()), (step, outcome));
        }
        assert!(
            fan.is_bot() && fan.waiting(),
            "the stage byte leaves the flags alone"
        );
        fan.set_hold(Some(0));
        assert_eq!(fan.hold(), Some((3, 0)));
        fan.set_hold(None);
        assert_eq!(fan.hold(), None);
    }
}
