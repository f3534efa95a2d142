//! Who comes and when: fans and bots drawn from their own named streams, then
//! numbered in arrival order so the arrival process is one chain of events.

mod arrival_order;

use rand::RngExt;
use rand_distr::{Binomial, Distribution, Exp1};

use super::fan::{Fan, Traits};
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
    let mut times: Vec<Time> = (0..humans).map(|_| human_arrival(spec, &mut rng)).collect();
    let mut bot_rng = streams.get("bots:arrivals");
    times.extend((0..bots).map(|_| bot_arrival(spec, &mut bot_rng)));
    let (arrivals, late) = arrival_order::in_order(times, humans as usize, horizon);
    let mut traits = streams.get("demand:fans");
    let mut fans = Vec::with_capacity(arrivals.len());
    // Read at random all run long: see `advise_huge_pages`.
    crate::engine::advise_huge_pages(fans.spare_capacity_mut());
    fans.extend(
        arrivals
            .into_iter()
            .map(|(arrived, is_bot)| new_fan(spec, arrived, is_bot, &mut traits)),
    );
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
    // `high` is validated below u32::MAX, which means any price.
    let max_price_minor = match demand.max_price_minor {
        Some([low, high]) if !is_bot => {
            (low + (rng.random::<f64>() * (high - low) as f64) as u64) as u32
        }
        _ => u32::MAX,
    };
    let show = rng.random_range(0..spec.sale.shows) as u16;
    let traits = Traits {
        is_bot,
        wants_general_admission: rng.random::<f64>() < demand.general_admission_share,
        uses_seat_map: !is_bot && rng.random::<f64>() < demand.seat_map_share,
    };
    let mut fan = Fan::new(arrived, show, traits);
    fan.max_price_minor = max_price_minor;
    fan.tickets = tickets.min(255) as u8;
    fan.sessions = sessions.min(255) as u8;
    fan
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{ModelSpec, parse};

    const SEED: u64 = 17;

    /// The baseline model at 1/10 of its population (20,000 registered fans).
    fn spec(edit: impl FnOnce(&mut OnsaleSpec)) -> OnsaleSpec {
        let text = include_str!("../../models/baseline.toml");
        let ModelSpec::Onsale(model) = parse(std::path::Path::new("baseline.toml"), text).unwrap()
        else {
            panic!("baseline is an on-sale");
        };
        let mut spec = model.spec;
        spec.demand.population = 20_000;
        edit(&mut spec);
        spec
    }

    fn far() -> Time {
        Time::OPENING + Span::from_secs(100_000)
    }

    /// |observed − n p| < 3 √(n p (1 − p)): a Binomial count within 3σ.
    fn within_3_sigma(what: &str, observed: usize, n: usize, p: f64) {
        let mean = n as f64 * p;
        let sigma = (n as f64 * p * (1.0 - p)).sqrt();
        assert!(
            (observed as f64 - mean).abs() < 3.0 * sigma,
            "seed {SEED}, baseline.toml at 20,000: {what}: {observed} of {n}, expected {mean:.1} ± {:.1}",
            3.0 * sigma
        );
    }

    #[test]
    fn humans_show_up_binomially_and_bots_are_their_share() {
        let spec = spec(|_| {});
        let (fans, late) = generate(&spec, &Streams::new(SEED, 0), far());
        assert_eq!(late, 0);
        let humans = fans.iter().filter(|fan| !fan.is_bot()).count();
        let bots = fans.len() - humans;
        within_3_sigma("humans", humans, 20_000, spec.demand.show_up);
        // Bots are set from the humans: share / (1 − share) of them, rounded.
        let expected = humans as f64 * spec.bots.share / (1.0 - spec.bots.share);
        assert!(
            (bots as f64 - expected).abs() <= 0.5,
            "seed {SEED}: {bots} bots, expected {expected}"
        );
        assert!(bots > 0);
    }

    #[test]
    fn arrivals_follow_the_pre_queue_spike_and_tail_mixture() {
        let spec = spec(|_| {});
        let (fans, _) = generate(&spec, &Streams::new(SEED, 0), far());
        assert!(
            fans.windows(2)
                .all(|pair| pair[0].arrived <= pair[1].arrived)
        );
        let humans: Vec<f64> = fans
            .iter()
            .filter(|fan| !fan.is_bot())
            .map(|fan| fan.arrived.as_secs_f64())
            .collect();
        let n = humans.len();
        let demand = &spec.demand;
        let (pre, spike, tail) = (
            demand.pre_queue_share,
            demand.spike_share,
            1.0 - demand.pre_queue_share - demand.spike_share,
        );
        let (spike_mean, tail_mean) = (
            demand.spike_mean.as_secs_f64(),
            demand.tail_mean.as_secs_f64(),
        );
        let opens = spec.waiting_room.opens.as_secs_f64();
        // Before the opening: the pre-queue share, uniform over [opens, 0).
        let early: Vec<f64> = humans.iter().copied().filter(|t| *t < 0.0).collect();
        within_3_sigma("arrivals before the opening", early.len(), n, pre);
        assert!(early.iter().all(|t| *t >= opens));
        within_3_sigma(
            "pre-queue arrivals in its first half",
            early.iter().filter(|t| **t < opens / 2.0).count(),
            early.len(),
            0.5,
        );
        // After it, P(0 ≤ T ≤ t) = spike (1 − e^(−t/90 s)) + tail (1 − e^(−t/20 min)).
        for t in [30.0, 90.0, 300.0, 1200.0, 3600.0] {
            let p = spike * (1.0 - (-t / spike_mean).exp()) + tail * (1.0 - (-t / tail_mean).exp());
            let observed = humans.iter().filter(|a| (0.0..=t).contains(*a)).count();
            within_3_sigma(&format!("arrivals in the first {t} s"), observed, n, p);
        }
    }

    #[test]
    fn bots_wait_in_the_pre_queue_or_hit_the_opening_without_one() {
        let spec_with = spec(|_| {});
        let (fans, _) = generate(&spec_with, &Streams::new(SEED, 0), far());
        let opens = Time::OPENING - Span::from_secs(1800);
        assert!(
            fans.iter()
                .filter(|f| f.is_bot())
                .all(|f| f.arrived >= opens && f.arrived < Time::OPENING)
        );
        let spec_without = spec(|s| s.waiting_room.opens = crate::model::Duration(Span::ZERO));
        let (fans, _) = generate(&spec_without, &Streams::new(SEED, 0), far());
        assert!(
            fans.iter()
                .filter(|f| f.is_bot())
                .all(|f| f.arrived == Time::OPENING)
        );
        // Without a pre-queue its share folds into the tail (draw ≥ pre share, not spike).
        assert!(
            fans.iter()
                .filter(|f| !f.is_bot())
                .all(|f| f.arrived >= Time::OPENING)
        );
    }

    #[test]
    fn the_horizon_cuts_late_arrivals_and_counts_them() {
        let all = generate(&spec(|_| {}), &Streams::new(SEED, 0), far()).0;
        let horizon = Time::OPENING + Span::from_secs(600);
        let (fans, late) = generate(&spec(|_| {}), &Streams::new(SEED, 0), horizon);
        assert!(fans.iter().all(|fan| fan.arrived <= horizon));
        assert_eq!(fans.len() as u64 + late, all.len() as u64);
        assert_eq!(
            late as usize,
            all.iter().filter(|fan| fan.arrived > horizon).count()
        );
    }

    #[test]
    fn fans_draw_tickets_and_sessions_from_their_weights_and_bots_max_out() {
        let spec = spec(|s| s.sale.shows = 3);
        let (fans, _) = generate(&spec, &Streams::new(SEED, 0), far());
        let humans: Vec<&Fan> = fans.iter().filter(|fan| !fan.is_bot()).collect();
        let n = humans.len();
        let total: f64 = spec.demand.tickets.iter().sum();
        for (index, weight) in spec.demand.tickets.iter().enumerate() {
            let count = humans
                .iter()
                .filter(|fan| usize::from(fan.tickets) == index + 1)
                .count();
            within_3_sigma(
                &format!("fans wanting {} tickets", index + 1),
                count,
                n,
                weight / total,
            );
        }
        let total: f64 = spec.demand.sessions.iter().sum();
        for (index, weight) in spec.demand.sessions.iter().enumerate() {
            let count = humans
                .iter()
                .filter(|fan| usize::from(fan.sessions) == index + 1)
                .count();
            within_3_sigma(
                &format!("fans with {} sessions", index + 1),
                count,
                n,
                weight / total,
            );
        }
        within_3_sigma(
            "fans using the seat map",
            humans.iter().filter(|fan| fan.uses_seat_map()).count(),
            n,
            spec.demand.seat_map_share,
        );
        for show in 0..3 {
            within_3_sigma(
                &format!("fans of show {show}"),
                fans.iter().filter(|fan| fan.show == show).count(),
                fans.len(),
                1.0 / 3.0,
            );
        }
        for bot in fans.iter().filter(|fan| fan.is_bot()) {
            assert_eq!(u32::from(bot.tickets), spec.sale.order_limit);
            assert_eq!(u32::from(bot.sessions), spec.bots.sessions);
            assert!(!bot.uses_seat_map());
        }
    }

    #[test]
    fn pick_weighted_follows_unnormalised_weights() {
        let mut rng = Streams::new(SEED, 0).get("test:weights");
        let weights = [1.0, 0.0, 3.0];
        let n = 40_000;
        let mut counts = [0usize; 3];
        for _ in 0..n {
            counts[pick_weighted(&weights, &mut rng)] += 1;
        }
        assert_eq!(counts[1], 0);
        within_3_sigma("weight 3 of 4", counts[2], n, 0.75);
    }
}
