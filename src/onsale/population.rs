//! Who comes and when: fans and bots drawn from their own named streams, then
//! numbered in arrival order so the arrival process is one chain of events.

use rand::RngExt;
use rand_distr::{Binomial, Distribution, Exp1};

use super::fan::{Fan, NOT_ADMITTED, Outcome, Step};
use crate::engine::{Rng, Span, Streams, Time};
use crate::model::OnsaleSpec;

/// Draws an index from unnormalised weights.
pub fn pick_weighted(weights: &[f64], rng: &mut Rng) -> usize {
    let total: f64 = weights.iter().sum();
    let mut draw = rng.random::<f64>() * total;
    for (index, weight) in weights.iter().enumerate() {
        if draw < *weight {
            return index;
        }
        draw -= weight;
    }
    weights.len() - 1
}

fn exponential(mean: Span, rng: &mut Rng) -> Span {
    let unit: f64 = rng.sample(Exp1);
    Span((unit * mean.0 as f64) as i64)
}

fn uniform_between(start: Time, end: Time, rng: &mut Rng) -> Time {
    let width = (end.0 - start.0).max(0) as f64;
    Time(start.0 + (rng.random::<f64>() * width) as i64)
}

/// Arrival time of a human fan from the pre-queue / spike / tail mixture.
fn human_arrival(spec: &OnsaleSpec, rng: &mut Rng) -> Time {
    let demand = &spec.demand;
    let draw: f64 = rng.random();
    if draw < demand.pre_queue_share && spec.waiting_room.opens.0.0 < 0 {
        uniform_between(Time(spec.waiting_room.opens.0.0), Time::OPENING, rng)
    } else if draw < demand.pre_queue_share + demand.spike_share {
        Time::OPENING + exponential(demand.spike_mean.span(), rng)
    } else {
        Time::OPENING + exponential(demand.tail_mean.span(), rng)
    }
}

/// Bots are in place before the opening, or hit it at once if there is no pre-queue.
fn bot_arrival(spec: &OnsaleSpec, rng: &mut Rng) -> Time {
    let opens = Time(spec.waiting_room.opens.0.0);
    if opens < Time::OPENING {
        uniform_between(opens, Time::OPENING, rng)
    } else {
        Time::OPENING
    }
}

/// How many humans show up: Binomial(population, show_up).
fn humans_showing_up(spec: &OnsaleSpec, rng: &mut Rng) -> u64 {
    Binomial::new(spec.demand.population, spec.demand.show_up)
        .map(|binomial| binomial.sample(rng))
        .unwrap_or(0)
}

/// Every fan and bot who arrives before the horizon, sorted by arrival time.
/// Returns the fans and how many would have arrived after the horizon.
pub fn generate(spec: &OnsaleSpec, streams: &Streams, horizon: Time) -> (Vec<Fan>, u64) {
    let mut rng = streams.get("demand:arrivals");
    let humans = humans_showing_up(spec, &mut rng);
    let bots = (humans as f64 * spec.bots.share / (1.0 - spec.bots.share)).round() as u64;
    let mut arrivals: Vec<(Time, bool)> = (0..humans)
        .map(|_| (human_arrival(spec, &mut rng), false))
        .collect();
    let mut bot_rng = streams.get("bots:arrivals");
    arrivals.extend((0..bots).map(|_| (bot_arrival(spec, &mut bot_rng), true)));
    // Stable: equal times keep their draw order, so ids are deterministic.
    arrivals.sort_by_key(|(time, _)| *time);
    let late = arrivals.iter().filter(|(time, _)| *time > horizon).count();
    arrivals.truncate(arrivals.len() - late);
    let mut traits = streams.get("demand:fans");
    let fans = arrivals
        .into_iter()
        .map(|(arrived, is_bot)| new_fan(spec, arrived, is_bot, &mut traits))
        .collect();
    (fans, late as u64)
}

fn new_fan(spec: &OnsaleSpec, arrived: Time, is_bot: bool, rng: &mut Rng) -> Fan {
    let demand = &spec.demand;
    let tickets = if is_bot {
        spec.sale.order_limit
    } else {
        pick_weighted(&demand.tickets, rng) as u32 + 1
    };
    let sessions = if is_bot {
        spec.bots.sessions
    } else {
        pick_weighted(&demand.sessions, rng) as u32 + 1
    };
    let max_price_minor = match demand.max_price_minor {
        Some([low, high]) if !is_bot => low + (rng.random::<f64>() * (high - low) as f64) as u64,
        _ => u64::MAX,
    };
    let show = rng.random_range(0..spec.sale.shows) as u16;
    Fan {
        arrived,
        queued: NOT_ADMITTED,
        admitted: NOT_ADMITTED,
        admission_rank: u32::MAX,
        hold: None,
        sequence: 0,
        max_price_minor,
        errors: 0,
        last_delay: Span::ZERO,
        show,
        tickets: tickets.min(255) as u8,
        bought: 0,
        sessions: sessions.min(255) as u8,
        payment_attempts: 0,
        step: Step::EventPage,
        outcome: Outcome::Active,
        pending: false,
        waiting: false,
        is_bot,
        wants_general_admission: rng.random::<f64>() < demand.general_admission_share,
        uses_seat_map: !is_bot && rng.random::<f64>() < demand.seat_map_share,
        accepts_split: false,
    }
}
