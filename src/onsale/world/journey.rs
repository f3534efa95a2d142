//! The fan's side of the journey: arrive, queue, shop, hold, pay, confirm, or
//! give up. Each handler decides the fan's next step from a response.

use rand::RngExt;
use seat_core::{Hold, Refusal};

use super::World;
use crate::engine::{Rng, Scheduler, Span, Streams, Time};
use crate::model::{OnsaleSpec, SeatTakenRetry};
use crate::onsale::components::payment::PaymentResult;
use crate::onsale::event::Event;
use crate::onsale::fan::{Outcome, Step};
use crate::onsale::metrics::ErrorKind;
use crate::onsale::request::{Endpoint, Request};
use crate::resilience::RetrySpec;
use crate::sampler::Sampler;

/// How fans and bots behave: think times, patience, retries, and their streams.
pub struct Behaviour {
    think_seat: Sampler,
    think_payment: Sampler,
    retry_delay: Sampler,
    patience: Sampler,
    /// Stream `fans:behaviour`: think times, retries, abandoned carts.
    rng: Rng,
    /// Stream `fans:patience`.
    patience_rng: Rng,
    retry_attempts: u16,
    backoff: Option<RetrySpec>,
    bot_attempts: u16,
    bot_interval: Span,
    abandon_cart: f64,
    payment_retries: u8,
    seat_taken: SeatTakenRetry,
    refusal_round_trip: Span,
}

impl Behaviour {
    /// The behaviour of a validated spec (validation bounds every count cast here).
    pub fn new(spec: &OnsaleSpec, streams: &Streams) -> Behaviour {
        let demand = &spec.demand;
        Behaviour {
            think_seat: Sampler::new(&demand.think_seat),
            think_payment: Sampler::new(&demand.think_payment),
            retry_delay: Sampler::new(&demand.retry.delay),
            patience: Sampler::new(&demand.patience),
            rng: streams.get("fans:behaviour"),
            patience_rng: streams.get("fans:patience"),
            retry_attempts: demand.retry.attempts.min(u32::from(u16::MAX)) as u16,
            backoff: demand.retry.backoff.clone(),
            bot_attempts: spec.bots.attempts.min(u32::from(u16::MAX)) as u16,
            bot_interval: spec.bots.request_interval.span(),
            abandon_cart: demand.abandon_cart,
            payment_retries: spec.payment.retries.min(255) as u8,
            seat_taken: demand.retry.seat_taken,
            refusal_round_trip: demand.retry.refusal_round_trip.span(),
        }
    }
}

impl World {
    pub(super) fn on_fan_arrives(&mut self, now: Time, fan: u32, scheduler: &mut Scheduler<Event>) {
        if let Some(next) = self.fans.get(fan as usize + 1) {
            scheduler.at(next.arrived.max(now), Event::FanArrives(fan + 1));
        }
        self.metrics.current.arrivals += 1;
        self.issue(now, fan, Endpoint::EventPage, scheduler);
    }

    /// The event page loaded: queue, or go straight to the shop without a waiting room.
    pub(super) fn on_event_page(&mut self, now: Time, fan: u32, scheduler: &mut Scheduler<Event>) {
        self.note_success();
        if self.sold_out_announced {
            return self.finish(now, fan, Outcome::LeftSoldOut);
        }
        if self.room.is_bypassed() {
            // Early fans keep refreshing until the sale opens: they all hit at T.
            return self.admit(now.max(Time::OPENING), fan, scheduler);
        }
        let record = &mut self.fans[fan as usize];
        record.set_waiting(true);
        record.queued = now;
        self.room.join(now, fan, record.sessions);
        self.room.fan_joined();
        if !record.is_bot() {
            let behaviour = &mut self.behaviour;
            let patience = behaviour.patience.sample(&mut behaviour.patience_rng);
            scheduler.after(patience, Event::FanLosesPatience(fan));
        }
    }

    pub(super) fn on_fan_loses_patience(&mut self, now: Time, fan: u32) {
        if self.leave_queue(now, fan) {
            self.finish(now, fan, Outcome::GaveUpInQueue);
        }
    }

    /// The fan stops waiting in the room (admitted, gave up, or the sale
    /// ended); false if they were not waiting. Their entries may stay queued:
    /// an admission that reaches them later is wasted.
    fn leave_queue(&mut self, now: Time, fan: u32) -> bool {
        let record = &mut self.fans[fan as usize];
        if !record.waiting() {
            return false;
        }
        record.set_waiting(false);
        self.room.fan_left(now, record.queued);
        true
    }

    pub(super) fn on_sale_opens(&mut self, now: Time, scheduler: &mut Scheduler<Event>) {
        self.room.open();
        if !self.room.is_bypassed() {
            scheduler.at(now, Event::AdmitTick);
        }
    }

    pub(super) fn on_admit_tick(&mut self, now: Time, scheduler: &mut Scheduler<Event>) {
        if self.room.caps_concurrency() {
            return self.admit_while_places_free(now, scheduler);
        }
        let batch = self.room.admit_batch();
        // The whole batch's records load at once instead of one miss at a time.
        for &fan in &batch {
            self.prefetch_fan(fan);
        }
        for fan in batch {
            if self.leave_queue(now, fan) {
                self.admit(now, fan, scheduler);
            } else {
                self.metrics.wasted_admissions += 1;
            }
        }
        if now < self.horizon && !self.sold_out_announced {
            scheduler.after(Span::from_secs(1), Event::AdmitTick);
        }
    }

    /// Concurrency admission: one out, one in, checked every second.
    fn admit_while_places_free(&mut self, now: Time, scheduler: &mut Scheduler<Event>) {
        while let Some(fan) = self.room.admit_next() {
            if self.leave_queue(now, fan) {
                self.admit(now, fan, scheduler);
            } else {
                self.metrics.wasted_admissions += 1;
            }
        }
        if now < self.horizon && !self.sold_out_announced {
            scheduler.after(Span::from_secs(1), Event::AdmitTick);
        }
    }

    /// Let in: the fan starts shopping at `at` (now, or the opening).
    fn admit(&mut self, at: Time, fan: u32, scheduler: &mut Scheduler<Event>) {
        let record = &mut self.fans[fan as usize];
        record.admitted = at;
        record.admission_rank = self.admissions;
        self.admissions += 1;
        self.room.shopper_entered();
        if self.routes.uses(crate::model::Component::AccessCheck) {
            record.set_step(Step::AccessCode);
            return self.schedule_act(at, fan, Span::ZERO, scheduler);
        }
        self.start_shopping(at, fan, scheduler);
    }

    /// The access check accepted the fan's code: they shop.
    pub(super) fn on_access_granted(
        &mut self,
        now: Time,
        fan: u32,
        scheduler: &mut Scheduler<Event>,
    ) {
        self.note_success();
        self.start_shopping(now, fan, scheduler);
    }

    /// Admitted (and past any access check): the seat map, or best-available after thinking.
    fn start_shopping(&mut self, at: Time, fan: u32, scheduler: &mut Scheduler<Event>) {
        let record = &mut self.fans[fan as usize];
        if record.uses_seat_map() {
            record.set_step(Step::SeatMap);
            self.schedule_act(at, fan, Span::ZERO, scheduler);
        } else {
            record.set_step(Step::HoldBest);
            let think = self.think(fan, Step::HoldBest);
            self.schedule_act(at, fan, think, scheduler);
        }
    }

    /// Think time before `step`; bots act at their request interval.
    fn think(&mut self, fan: u32, step: Step) -> Span {
        let behaviour = &mut self.behaviour;
        if self.fans[fan as usize].is_bot() {
            return behaviour.bot_interval;
        }
        match step {
            Step::Payment => behaviour.think_payment.sample(&mut behaviour.rng),
            _ => behaviour.think_seat.sample(&mut behaviour.rng),
        }
    }

    fn schedule_act(&mut self, at: Time, fan: u32, delay: Span, scheduler: &mut Scheduler<Event>) {
        let sequence = self.fans[fan as usize].sequence;
        scheduler.at(
            at.max(scheduler.now()) + delay,
            Event::FanActs { fan, sequence },
        );
    }

    pub(super) fn on_fan_acts(
        &mut self,
        now: Time,
        fan: u32,
        sequence: u32,
        scheduler: &mut Scheduler<Event>,
    ) {
        let record = &self.fans[fan as usize];
        if record.is_done() || record.sequence != sequence || record.pending() {
            return;
        }
        let shopping = matches!(
            record.step(),
            Step::AccessCode | Step::SeatMap | Step::HoldPicked | Step::HoldBest
        );
        if shopping
            && !self.room.is_bypassed()
            && now > record.admitted + self.token_ttl
            && !record.is_bot()
        {
            return self.finish(now, fan, Outcome::TokenExpired);
        }
        let endpoint = match record.step() {
            Step::EventPage => Endpoint::EventPage,
            Step::SeatMap => Endpoint::SeatMap,
            Step::HoldPicked | Step::HoldBest => Endpoint::Hold,
            Step::Payment => Endpoint::Payment,
            Step::Confirm => Endpoint::Confirm,
            Step::AccessCode => Endpoint::AccessCode,
        };
        if endpoint == Endpoint::Payment {
            self.extend_for_payment(now, fan, scheduler);
        }
        self.issue(now, fan, endpoint, scheduler);
    }

    /// The seat map arrived: pick seats on it, then think.
    pub(super) fn on_seat_map(&mut self, now: Time, fan: u32, scheduler: &mut Scheduler<Event>) {
        self.note_success();
        let record = &self.fans[fan as usize];
        let request = self.inventory.request(
            record.tickets,
            record.wants_general_admission(),
            record.accepts_split(),
            record.max_price_minor,
        );
        let show = record.show;
        let step = match self.inventory.seat_map_pick(now, show, &request) {
            Some(seats) => {
                self.picks.insert(fan, seats);
                Step::HoldPicked
            }
            None => Step::HoldBest,
        };
        self.fans[fan as usize].set_step(step);
        let think = self.think(fan, step);
        self.schedule_act(now, fan, think, scheduler);
    }

    /// The hold transaction commits in the seat core, whether or not the client still waits.
    pub(super) fn commit_hold(
        &mut self,
        now: Time,
        request: Request,
        scheduler: &mut Scheduler<Event>,
    ) {
        let fan = request.fan;
        let show = self.fans[fan as usize].show;
        let issued_before = self.inventory.holds_issued(show);
        let pick = self.take_pick(fan);
        let claim = self.hold_claim(fan);
        let record = &self.fans[fan as usize];
        let result = match (record.step(), pick, claim) {
            (Step::HoldPicked, Some(seats), None) => {
                self.inventory.hold_seats(now, show, &seats, self.hold_ttl)
            }
            (Step::HoldPicked, Some(seats), Some(claim)) => {
                (self.inventory).hold_seats_for(now, show, claim, &seats, self.hold_ttl)
            }
            _ => {
                let hold_request = self.inventory.request(
                    record.tickets,
                    record.wants_general_admission(),
                    record.accepts_split(),
                    record.max_price_minor,
                );
                let hold_request = self.claimed(fan, hold_request);
                self.inventory
                    .hold_best(now, show, &hold_request, self.hold_ttl)
            }
        };
        // An idempotent retry gets an earlier hold back: nothing new is held.
        let fresh = self.inventory.holds_issued(show) > issued_before;
        if let (Ok(hold), true) = (&result, fresh) {
            scheduler.at(Time(hold.deadline), Event::HoldDeadline(show));
            let live = self.inventory.live_holds();
            self.metrics.peak_live_holds = self.metrics.peak_live_holds.max(live);
            self.note_inventory(now);
            self.on_inventory_taken(now, show, scheduler);
        }
        if !self.deliverable(now, &request, scheduler) {
            self.note_undelivered_hold(fan, show, result.as_ref().ok(), fresh);
            return;
        }
        self.note_delivered_hold(fan, show, result.as_ref().ok(), fresh);
        match result {
            Ok(hold) => self.on_hold_placed(now, request.fan, hold, scheduler),
            Err(refusal) => self.on_hold_refused(now, request, refusal, scheduler),
        }
    }

    fn on_hold_placed(
        &mut self,
        now: Time,
        fan: u32,
        hold: Hold,
        scheduler: &mut Scheduler<Event>,
    ) {
        self.note_success();
        let record = &mut self.fans[fan as usize];
        record.set_hold(Some(hold.id.0));
        record.set_step(Step::Payment);
        let behaviour = &mut self.behaviour;
        if !record.is_bot() && behaviour.rng.random::<f64>() < behaviour.abandon_cart {
            return self.finish(now, fan, Outcome::AbandonedCart);
        }
        let think = self.think(fan, Step::Payment);
        self.schedule_act(now, fan, think, scheduler);
    }

    fn on_hold_refused(
        &mut self,
        now: Time,
        request: Request,
        refusal: Refusal,
        scheduler: &mut Scheduler<Event>,
    ) {
        let fan = request.fan;
        match refusal {
            Refusal::SeatTaken(_) => {
                // Someone was faster, or the map was stale: fall back to best available.
                self.fans[fan as usize].set_step(Step::HoldBest);
                match self.behaviour.seat_taken {
                    SeatTakenRetry::Policy => {
                        self.fail(now, request, ErrorKind::SeatTaken, scheduler)
                    }
                    SeatTakenRetry::Immediate => {
                        self.metrics.on_error(ErrorKind::SeatTaken);
                        self.schedule_act(now, fan, Span::ZERO, scheduler);
                    }
                }
            }
            Refusal::NoAdjacentSeats => {
                self.fans[fan as usize].set_accepts_split(true);
                self.fans[fan as usize].set_step(Step::HoldBest);
                self.fail(now, request, ErrorKind::NoTickets, scheduler);
            }
            _ => self.on_no_tickets(now, request, scheduler),
        }
    }

    /// Nothing for this fan in their show: try another show, wait for the second wave, or leave.
    fn on_no_tickets(&mut self, now: Time, request: Request, scheduler: &mut Scheduler<Event>) {
        let fan = request.fan;
        self.fans[fan as usize].set_step(Step::HoldBest);
        if self.inventory.free() + self.inventory.held() == 0 {
            self.metrics.on_error(ErrorKind::NoTickets);
            return self.finish(now, fan, Outcome::LeftSoldOut);
        }
        let current = self.fans[fan as usize].show;
        if let Some(show) = self
            .inventory
            .show_with_free_tickets(current)
            .filter(|show| *show != current)
        {
            self.fans[fan as usize].show = show;
        }
        self.fail(now, request, ErrorKind::NoTickets, scheduler);
    }

    pub(super) fn on_payment_result(
        &mut self,
        now: Time,
        fan: u32,
        result: PaymentResult,
        scheduler: &mut Scheduler<Event>,
    ) {
        if result == PaymentResult::Approved {
            self.note_success();
            self.fans[fan as usize].set_step(Step::Confirm);
            return self.issue(now, fan, Endpoint::Confirm, scheduler);
        }
        let kind = match result {
            PaymentResult::Declined => ErrorKind::PaymentDeclined,
            PaymentResult::Failed => ErrorKind::ServerError,
            _ => ErrorKind::PaymentTimeout,
        };
        self.metrics.on_error(kind);
        let record = &mut self.fans[fan as usize];
        record.payment_attempts += 1;
        if record.payment_attempts > self.behaviour.payment_retries {
            return self.finish(now, fan, Outcome::PaymentFailed);
        }
        let think = self.think(fan, Step::Payment);
        self.schedule_act(now, fan, think, scheduler);
    }

    pub(super) fn commit_confirm(
        &mut self,
        now: Time,
        request: Request,
        scheduler: &mut Scheduler<Event>,
    ) {
        let Some((show, hold)) = self.fans[request.fan as usize].hold() else {
            return;
        };
        let result = self.confirm_hold(now, request.fan, show, hold);
        if let Ok(order) = &result {
            self.on_sale_confirmed(now, request.fan, show, order);
            let record = &mut self.fans[request.fan as usize];
            record.bought = order.tickets as u8;
            record.set_hold(None);
            self.metrics.last_sale = Some(now);
            if self.metrics.first_sold_out.is_some() {
                self.metrics.tickets_after_first_sold_out += u64::from(order.tickets);
            }
            self.note_inventory(now);
        }
        let delivered = self.deliverable(now, &request, scheduler);
        match result {
            // Paid and confirmed: bought, even if the confirmation page timed out.
            Ok(_) => self.finish(now, request.fan, Outcome::Bought),
            Err(Refusal::HoldExpired(_)) if delivered => {
                let record = &mut self.fans[request.fan as usize];
                record.set_hold(None);
                record.set_step(Step::HoldBest);
                record.payment_attempts = 0;
                self.fail(now, request, ErrorKind::HoldExpired, scheduler);
            }
            Err(_) => {}
        }
    }

    /// An error: retry the same step after a delay, or give up.
    pub(super) fn fail(
        &mut self,
        now: Time,
        request: Request,
        kind: ErrorKind,
        scheduler: &mut Scheduler<Event>,
    ) {
        self.metrics.on_error(kind);
        let fan = request.fan;
        let record = &mut self.fans[fan as usize];
        record.set_pending(false);
        record.errors = record.errors.saturating_add(1);
        let is_bot = record.is_bot();
        let (errors, last_delay) = (record.errors, record.last_delay);
        let over_budget = !is_bot
            && self
                .retry_budget
                .as_mut()
                .is_some_and(|budget| !budget.try_retry());
        if errors > self.retry_limit(is_bot) || over_budget {
            let outcome = if kind == ErrorKind::NoTickets {
                Outcome::LeftSoldOut
            } else {
                Outcome::GaveUpAfterErrors
            };
            return self.finish(now, fan, outcome);
        }
        let behaviour = &mut self.behaviour;
        let delay = match (&behaviour.backoff, is_bot) {
            (_, true) => behaviour.bot_interval,
            (Some(backoff), false) => {
                backoff.delay(u32::from(errors) - 1, last_delay, &mut behaviour.rng)
            }
            (None, false) => behaviour.retry_delay.sample(&mut behaviour.rng),
        };
        self.fans[fan as usize].last_delay = delay;
        // A refusal at the door still travels back to the client before it can retry.
        let refused = matches!(
            kind,
            ErrorKind::Rejected | ErrorKind::Shed | ErrorKind::RateLimited
        );
        let travel = if refused {
            behaviour.refusal_round_trip
        } else {
            Span::ZERO
        };
        self.schedule_act(now, fan, delay + travel, scheduler);
    }

    /// Errors a fan or bot tolerates.
    fn retry_limit(&self, is_bot: bool) -> u16 {
        let behaviour = &self.behaviour;
        match (&behaviour.backoff, is_bot) {
            (_, true) => behaviour.bot_attempts,
            (Some(backoff), false) => backoff
                .max_attempts
                .saturating_sub(1)
                .min(u32::from(u16::MAX)) as u16,
            (None, false) => behaviour.retry_attempts,
        }
    }

    /// A successful response earns the fans' retry budget its tokens.
    fn note_success(&mut self) {
        if let Some(budget) = self.retry_budget.as_mut() {
            budget.on_success();
        }
    }

    /// The journey ends with `outcome`.
    pub(super) fn finish(&mut self, now: Time, fan: u32, outcome: Outcome) {
        if self.fans[fan as usize].is_done() {
            return;
        }
        self.leave_queue(now, fan);
        let record = &mut self.fans[fan as usize];
        record.set_outcome(outcome);
        record.set_pending(false);
        if record.admitted != crate::onsale::fan::NOT_ADMITTED {
            self.room.shopper_left();
            // Only a shopper picks seats (`start_shopping` follows `admit`):
            // the millions who leave a sold-out queue skip the map's search.
            self.picks.remove(&fan);
        }
    }

    /// Sell-out bookkeeping after the inventory changed.
    fn note_inventory(&mut self, now: Time) {
        if self.inventory.free() > 0 {
            return;
        }
        self.metrics.first_sold_out.get_or_insert(now);
        if self.inventory.held() == 0 {
            self.announce_sold_out(now);
        }
    }

    /// Nothing free and nothing held: the waiting room tells everyone.
    fn announce_sold_out(&mut self, now: Time) {
        if self.sold_out_announced {
            return;
        }
        self.sold_out_announced = true;
        self.crowd.sold_out();
        for fan in self.room.clear() {
            if self.fans[fan as usize].waiting() {
                self.finish(now, fan, Outcome::LeftSoldOut);
            }
        }
    }
}
