//! The end of an on-sale run: checks that must hold, then the flat metrics of
//! `summary.json`, the per-second rows of `timeseries.csv` and, on request, one
//! row per fan for `journeys.csv`.

use std::collections::BTreeMap;

use serde::Serialize;

use super::fan::{Fan, NOT_ADMITTED, Outcome};
use super::incidents::Incident;
use super::metrics::{ErrorKind, Series};
use super::world::World;
use crate::engine::{StopError, Time};
use crate::metastability::{Reference, all_recovered, assess};
use crate::metrics::Histogram;
use crate::model::Component;
use crate::statistics::spearman;

/// A run that could not finish honestly. Exit code 1; the CLI adds the seed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum RunCheckError {
    /// The world could not be built (bad venue or limits).
    #[error("cannot build the on-sale: {0}")]
    Build(String),
    /// The run hit its event limit.
    #[error(transparent)]
    Limit(#[from] StopError),
    /// The seat core's invariants failed at the end of the run.
    #[error("seat-core invariant violated at the end of the run: {0}")]
    Invariant(String),
    /// Tickets or fans do not add up.
    #[error("accounting check failed at the end of the run: {0}")]
    Accounting(String),
}

/// One fan or bot's journey.
#[derive(Clone, Debug, Serialize)]
pub struct JourneyRow {
    /// Fan id (arrival order).
    pub fan: u32,
    /// True for bots.
    pub bot: bool,
    /// Arrival, seconds from the opening.
    pub arrived_s: f64,
    /// Joined the waiting room, seconds from the opening (empty if never).
    pub queued_s: Option<f64>,
    /// Admission, seconds from the opening (empty if never).
    pub admitted_s: Option<f64>,
    /// Admission order (empty if never).
    pub admission_rank: Option<u32>,
    /// Queue entries.
    pub sessions: u8,
    /// Tickets wanted.
    pub tickets_wanted: u8,
    /// Tickets bought.
    pub tickets_bought: u8,
    /// Errors met.
    pub errors: u16,
    /// How it ended.
    pub outcome: &'static str,
}

/// Everything one run produced.
#[derive(Clone, Debug)]
pub struct OnsaleReport {
    /// Flat metrics for `summary.json` (and sweeps).
    pub metrics: BTreeMap<String, f64>,
    /// Per-second rows.
    pub timeseries: Series,
    /// Per-fan rows.
    pub journeys: Vec<JourneyRow>,
    /// The incident timeline, in time order.
    pub incidents: Vec<Incident>,
}

/// Checks the end state and builds the report.
pub fn build(
    world: &World,
    end: Time,
    events: u64,
    late_arrivals: u64,
    journeys: bool,
) -> Result<OnsaleReport, RunCheckError> {
    world
        .inventory
        .check_invariants()
        .map_err(RunCheckError::Invariant)?;
    let bought: u64 = world.fans.iter().map(|fan| u64::from(fan.bought)).sum();
    if bought != world.inventory.sold() {
        return Err(RunCheckError::Accounting(format!(
            "fans bought {bought} tickets but the seat core sold {}",
            world.inventory.sold()
        )));
    }
    let mut metrics = BTreeMap::new();
    let mut put = |key: &str, value: f64| {
        metrics.insert(key.to_owned(), value);
    };
    sales(world, &mut put);
    outcomes(&world.fans, late_arrivals, &mut put);
    errors_and_latency(world, &mut put);
    fairness(&world.fans, &mut put);
    let incidents = timeline(world, &mut put);
    world.component_metrics(&mut put);
    put("events", events as f64);
    put("end_s", end.as_secs_f64());
    let journeys = if journeys {
        world.fans.iter().enumerate().map(journey_row).collect()
    } else {
        Vec::new()
    };
    Ok(OnsaleReport {
        metrics,
        timeseries: world.series.clone(),
        journeys,
        incidents,
    })
}

fn seconds(time: Option<Time>) -> f64 {
    time.map_or(f64::NAN, Time::as_secs_f64)
}

fn sales(world: &World, put: &mut impl FnMut(&str, f64)) {
    let metrics = &world.metrics;
    let sold = world.inventory.sold();
    put("tickets_sold", sold as f64);
    put("capacity", world.inventory.capacity() as f64);
    put("revenue", world.inventory.revenue_minor() as f64 / 100.0);
    put(
        "sold_out",
        f64::from(u8::from(metrics.first_sold_out.is_some())),
    );
    put("first_sold_out_s", seconds(metrics.first_sold_out));
    put("last_sale_s", seconds(metrics.last_sale));
    put(
        "tickets_after_first_sold_out",
        metrics.tickets_after_first_sold_out as f64,
    );
    put("tickets_expired", metrics.tickets_expired as f64);
    put("peak_live_holds", metrics.peak_live_holds as f64);
    let bot_tickets: u64 = world
        .fans
        .iter()
        .filter(|fan| fan.is_bot())
        .map(|fan| u64::from(fan.bought))
        .sum();
    // Undefined, not zero, when nothing sold: a 0 would average into a sweep.
    put(
        "bot_ticket_share",
        if sold == 0 {
            f64::NAN
        } else {
            bot_tickets as f64 / sold as f64
        },
    );
}

fn outcomes(fans: &[Fan], late_arrivals: u64, put: &mut impl FnMut(&str, f64)) {
    // One pass over the fans (ten million at a big on-sale), not one per count.
    #[derive(Default)]
    struct Group {
        arrived: u64,
        admitted: u64,
        outcomes: [u64; Outcome::ALL.len()],
    }
    let mut groups: [Group; 2] = Default::default();
    for fan in fans {
        let group = &mut groups[usize::from(fan.is_bot())];
        group.arrived += 1;
        group.admitted += u64::from(fan.admitted != NOT_ADMITTED);
        group.outcomes[fan.outcome() as usize] += 1;
    }
    for (prefix, group) in ["fans", "bots"].into_iter().zip(&groups) {
        put(&format!("{prefix}_arrived"), group.arrived as f64);
        put(&format!("{prefix}_admitted"), group.admitted as f64);
        for (outcome, count) in Outcome::ALL.into_iter().zip(group.outcomes) {
            put(&format!("{prefix}_{}", outcome.name()), count as f64);
        }
    }
    put("fans_arriving_after_horizon", late_arrivals as f64);
}

fn errors_and_latency(world: &World, put: &mut impl FnMut(&str, f64)) {
    let metrics = &world.metrics;
    let requests: u64 = metrics.requests.iter().sum();
    let access_check = world.routes().uses(Component::AccessCheck);
    for kind in ErrorKind::ALL {
        // A kind that only a missing component produces is left out, not written as 0.
        if kind == ErrorKind::AccessDenied && !access_check {
            continue;
        }
        put(
            &format!("errors_{}", kind.name()),
            metrics.errors[kind as usize] as f64,
        );
    }
    put("requests", requests as f64);
    // System errors only: sold out and seat taken are business outcomes.
    put(
        "error_rate",
        if requests == 0 {
            f64::NAN
        } else {
            metrics.system_errors() as f64 / requests as f64
        },
    );
    put("wasted_responses", metrics.wasted_responses as f64);
    put("ghost_holds", metrics.ghost_holds as f64);
    put("wasted_admissions", metrics.wasted_admissions as f64);
    for endpoint in world.routes().endpoints() {
        let histogram = &metrics.latency[endpoint.index()];
        let name = endpoint.name();
        put(
            &format!("latency_{name}_mean_s"),
            sample_seconds(histogram, |h| h.mean()),
        );
        for (label, q) in [("p50", 0.5), ("p95", 0.95), ("p99", 0.99)] {
            put(
                &format!("latency_{name}_{label}_s"),
                sample_seconds(histogram, |h| h.quantile(q)),
            );
        }
    }
}

/// Did queue position decide success? Spearman between admission rank and
/// buying, over admitted human fans; and how long they queued.
fn fairness(fans: &[Fan], put: &mut impl FnMut(&str, f64)) {
    let admitted: Vec<&Fan> = fans
        .iter()
        .filter(|fan| !fan.is_bot() && fan.admitted != NOT_ADMITTED)
        .collect();
    let ranks: Vec<f64> = admitted
        .iter()
        .map(|fan| f64::from(fan.admission_rank))
        .collect();
    let success: Vec<f64> = admitted
        .iter()
        .map(|fan| f64::from(u8::from(fan.outcome() == Outcome::Bought)))
        .collect();
    put("fairness_rank_success_spearman", spearman(&ranks, &success));
    let mut queue_time = Histogram::new();
    for fan in &admitted {
        queue_time.record(fan.admitted.since(fan.arrived).0.max(0) as u64);
    }
    put(
        "time_in_queue_mean_s",
        sample_seconds(&queue_time, |h| h.mean()),
    );
    put(
        "time_in_queue_p95_s",
        sample_seconds(&queue_time, |h| h.quantile(0.95)),
    );
}

/// A statistic of nanosecond samples in seconds; NaN with no samples (no
/// request, no admission: undefined, not 0 s).
fn sample_seconds(histogram: &Histogram, statistic: impl Fn(&Histogram) -> f64) -> f64 {
    if histogram.is_empty() {
        f64::NAN
    } else {
        statistic(histogram) / 1e9
    }
}

fn journey_row((index, fan): (usize, &Fan)) -> JourneyRow {
    let admitted = fan.admitted != NOT_ADMITTED;
    JourneyRow {
        fan: index as u32,
        bot: fan.is_bot(),
        arrived_s: fan.arrived.as_secs_f64(),
        queued_s: (fan.queued != NOT_ADMITTED).then(|| fan.queued.as_secs_f64()),
        admitted_s: admitted.then(|| fan.admitted.as_secs_f64()),
        admission_rank: admitted.then_some(fan.admission_rank),
        sessions: fan.sessions,
        tickets_wanted: fan.tickets,
        tickets_bought: fan.bought,
        errors: fan.errors,
        outcome: fan.outcome().name(),
    }
}

/// The incident timeline plus, per scheduled fault, whether goodput recovered
/// after it and how fast it was detected (first alert) and mitigated (first action).
fn timeline(world: &World, put: &mut impl FnMut(&str, f64)) -> Vec<Incident> {
    let mut incidents = world.incidents.clone();
    if let Some(time) = world.metrics.first_sold_out {
        incidents.push(Incident::new(
            time,
            "sold_out",
            "inventory",
            "inventory first hit zero",
        ));
    }
    let series = &world.series;
    let column = |name: &str| -> Vec<f64> {
        series
            .index(name)
            .map(|index| series.column(index).collect())
            .unwrap_or_default()
    };
    let (responses, errors) = (column("responses"), column("errors"));
    let goodput: Vec<f64> = responses
        .iter()
        .zip(&errors)
        .map(|(responses, errors)| (responses - errors).max(0.0))
        .collect();
    let offered = column("requests");
    let series_start_s = column("t_s").first().map_or(0.0, |t| t - 1.0);
    let first_after = |kind: &str, start: f64| {
        world
            .incidents
            .iter()
            .filter(|i| i.kind == kind && i.t_s >= start)
            .map(|i| i.t_s - start)
            .next()
            .unwrap_or(f64::NAN)
    };
    let scheduled: Vec<_> = world
        .faults
        .windows()
        .iter()
        .enumerate()
        .filter(|(_, window)| !window.random)
        .collect();
    let mut verdicts = Vec::new();
    for (index, window) in &scheduled {
        let (start, end) = (window.start.as_secs_f64(), window.end.as_secs_f64());
        let verdict = assess(
            &goodput,
            &offered,
            (start - series_start_s, end - series_start_s),
            Reference::BaselineOrOffered,
        );
        put(
            &format!("fault{index}_recovered"),
            verdict
                .recovered
                .map_or(f64::NAN, |r| f64::from(u8::from(r))),
        );
        put(&format!("fault{index}_recovery_s"), verdict.recovery_s);
        put(
            &format!("fault{index}_goodput_before_per_s"),
            verdict.goodput_before_per_s,
        );
        put(
            &format!("fault{index}_goodput_during_per_s"),
            verdict.goodput_during_per_s,
        );
        put(
            &format!("fault{index}_time_to_detect_s"),
            first_after("alert_firing", start),
        );
        put(
            &format!("fault{index}_time_to_mitigate_s"),
            first_after("action", start),
        );
        if verdict.recovered == Some(true) {
            let at = Time::from_secs_f64(end + verdict.recovery_s);
            incidents.push(Incident::new(
                at,
                "recovery",
                window.spec.component.name(),
                window.detail(*index),
            ));
        }
        verdicts.push(verdict);
    }
    put("faults", scheduled.len() as f64);
    put("app_instance_seconds", world.app_instance_seconds());
    put(
        "random_faults",
        (world.faults.windows().len() - scheduled.len()) as f64,
    );
    put("faults_recovered", all_recovered(&verdicts));
    incidents.sort_by(|a, b| a.t_s.total_cmp(&b.t_s));
    incidents
}
