//! The `onsale` model kind: a whole ticket on-sale, from fans and bots through
//! the waiting room, CDN, app servers, database and payment provider.
//! Defaults follow `shared/reference/ONSALE_FACTS.md`; unsourced ones say so in README.

use serde::{Deserialize, Serialize};

use super::distribution::DistributionSpec;
use super::duration::Duration;
use super::error::Invalid;
use super::fault::{FaultSpec, RandomFaultSpec};
use super::operations::{
    AdaptiveOutflowSpec, AlertSpec, AutoscaleSpec, RateLimitSpec, RunbookSpec, ShedSpec,
};
use super::seat_powers::PriceChangeSpec;
use crate::resilience::BreakerSpec;

/// An on-sale model file.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OnsaleSpec {
    /// Always `"onsale"`.
    pub kind: String,
    /// Model name, used in outputs.
    pub name: String,
    /// Free text for humans.
    #[serde(default)]
    pub description: Option<String>,
    /// The run stops this long after the sale opens.
    pub horizon: Duration,
    /// Runaway guard: a run processing more events fails with exit code 1.
    #[serde(default = "default_max_events")]
    pub max_events: u64,
    /// What is on sale and how.
    pub sale: SaleSpec,
    /// The fans.
    pub demand: DemandSpec,
    /// Automated buyers.
    #[serde(default)]
    pub bots: BotSpec,
    /// The virtual waiting room.
    pub waiting_room: WaitingRoomSpec,
    /// The content delivery network in front of the event page.
    pub cdn: CdnSpec,
    /// The origin app servers.
    pub app: AppSpec,
    /// The database (primary and read replicas) where the seat core runs.
    pub database: DatabaseSpec,
    /// The payment provider.
    pub payment: PaymentSpec,
    /// A cache (Redis-like) in front of seat-map reads.
    #[serde(default)]
    pub cache: Option<CacheSpec>,
    /// An access-code check (presale or Verified Fan codes) at admission.
    #[serde(default)]
    pub access_check: Option<AccessCheckSpec>,
    /// People without a code or invitation who come anyway: a crowd counted
    /// per second rather than one by one.
    #[serde(default)]
    pub visitors: Option<VisitorsSpec>,
    /// Each endpoint's path through the components; unset endpoints take the default.
    #[serde(default)]
    pub routes: RoutesSpec,
    /// Scheduled faults.
    #[serde(default, rename = "fault")]
    pub faults: Vec<FaultSpec>,
    /// Random faults (MTBF/MTTR).
    #[serde(default, rename = "random_fault")]
    pub random_faults: Vec<RandomFaultSpec>,
    /// Alert rules on time-series metrics.
    #[serde(default, rename = "alert")]
    pub alerts: Vec<AlertSpec>,
    /// Actions operators take when alerts fire.
    #[serde(default, rename = "runbook")]
    pub runbooks: Vec<RunbookSpec>,
}

fn default_max_events() -> u64 {
    10_000_000_000
}

/// The sale itself.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SaleSpec {
    /// How long a hold (cart) lasts unpaid before its seats return to sale.
    pub hold_ttl: Duration,
    /// Maximum tickets per order.
    pub order_limit: u32,
    /// The venue of every show.
    pub venue: VenueRef,
    /// Identical shows (dates) on sale at once; each has its own seat core.
    #[serde(default = "one")]
    pub shows: u32,
    /// Operator price changes during the sale (`[[sale.price_change]]`).
    #[serde(
        default,
        rename = "price_change",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub price_changes: Vec<PriceChangeSpec>,
}

fn one() -> u32 {
    1
}

/// A venue: a generated preset or a venue file relative to the model file.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct VenueRef {
    /// `"club"`, `"arena"` or `"stadium"`.
    #[serde(default)]
    pub preset: Option<seat_core::VenuePreset>,
    /// A venue TOML file, relative to the model file.
    #[serde(default)]
    pub file: Option<String>,
}

/// Fans: how many, when they come, what they want, how patient they are.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DemandSpec {
    /// Invited or registered fans.
    pub population: u64,
    /// Fraction of the population that shows up to buy.
    pub show_up: f64,
    /// Fraction of fans arriving before the opening (uniformly from the waiting room's opening).
    pub pre_queue_share: f64,
    /// Fraction arriving in the spike just after the opening.
    pub spike_share: f64,
    /// Mean delay after the opening of a spike arrival (exponential).
    pub spike_mean: Duration,
    /// Mean delay after the opening of the remaining (tail) arrivals (exponential).
    pub tail_mean: Duration,
    /// P(1 ticket), P(2 tickets), ...; normalised.
    pub tickets: Vec<f64>,
    /// P(1 session), P(2 sessions), ...: tabs or devices per fan, each a queue entry.
    #[serde(default = "single")]
    pub sessions: Vec<f64>,
    /// Fraction of fans who want general admission (standing) rather than seats.
    #[serde(default)]
    pub general_admission_share: f64,
    /// Highest price per ticket a fan pays, in minor units; fans draw uniformly from [min, max].
    #[serde(default)]
    pub max_price_minor: Option<[u64; 2]>,
    /// Time a fan waits in the queue before giving up.
    pub patience: DistributionSpec,
    /// Fraction of fans who pick seats on the (possibly stale) seat map instead of best-available.
    #[serde(default = "half")]
    pub seat_map_share: f64,
    /// Time to choose seats.
    pub think_seat: DistributionSpec,
    /// Time to enter payment details.
    pub think_payment: DistributionSpec,
    /// Fraction of fans holding seats who never pay (the hold expires: the second wave).
    #[serde(default)]
    pub abandon_cart: f64,
    /// What a fan does after an error.
    pub retry: RetrySpec,
}

fn single() -> Vec<f64> {
    vec![1.0]
}

fn half() -> f64 {
    0.5
}

/// Retry after an error: wait `delay`, up to `attempts` errors in all, then give up.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RetrySpec {
    /// Errors tolerated before giving up.
    pub attempts: u32,
    /// Delay before retrying.
    pub delay: DistributionSpec,
    /// A backoff policy whose delays replace `delay` (and whose max_attempts replaces `attempts`).
    #[serde(default)]
    pub backoff: Option<crate::resilience::RetrySpec>,
    /// A retry budget shared by every fan's client (token bucket).
    #[serde(default)]
    pub budget: Option<crate::resilience::RetryBudgetSpec>,
    /// After a seat-taken conflict: `"policy"` (an error like any other: the
    /// delay or backoff, counted against the attempts) or `"immediate"` (pick
    /// best available again at once, not counted: the behaviour before 2026-12).
    #[serde(default)]
    pub seat_taken: SeatTakenRetry,
    /// How long a refusal at the door (HTTP 503, 429, shed) takes to reach the
    /// client: its network round trip, added before the retry's delay.
    #[serde(default = "no_time")]
    pub refusal_round_trip: Duration,
    /// Each hold attempt carries the fan as customer and an idempotency key kept
    /// across its retries, so a retried hold gets the first hold back instead of
    /// a second one (no ghost holds), and confirms are idempotent too.
    #[serde(default, skip_serializing_if = "is_false")]
    pub idempotency_keys: bool,
}

fn is_false(value: &bool) -> bool {
    !*value
}

/// What a fan does after a seat-taken conflict.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SeatTakenRetry {
    /// Follow the retry policy, like any other error.
    #[default]
    Policy,
    /// Retry best available at once, without counting an error.
    Immediate,
}

fn no_time() -> Duration {
    Duration::from_secs_f64(0.0)
}

/// Bots: automated buyers.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BotSpec {
    /// Bots as a fraction of all arrivals.
    #[serde(default)]
    pub share: f64,
    /// Queue entries (sessions) per bot.
    #[serde(default = "ten")]
    pub sessions: u32,
    /// Delay between a bot's requests and retries.
    #[serde(default = "half_second")]
    pub request_interval: Duration,
    /// Errors a bot tolerates before giving up.
    #[serde(default = "fifty")]
    pub attempts: u32,
    /// When (after the opening) the operator cancels the bot orders it detected;
    /// their tickets go back on sale. Unset: never.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cancel_after: Option<Duration>,
    /// Share of bot orders confirmed by then that are detected and cancelled.
    #[serde(default = "all", skip_serializing_if = "is_one")]
    pub cancel_share: f64,
}

fn all() -> f64 {
    1.0
}

fn is_one(value: &f64) -> bool {
    *value == 1.0
}

fn ten() -> u32 {
    10
}

fn fifty() -> u32 {
    50
}

fn half_second() -> Duration {
    Duration::from_secs_f64(0.5)
}

impl Default for BotSpec {
    fn default() -> Self {
        BotSpec {
            share: 0.0,
            sessions: ten(),
            request_interval: half_second(),
            attempts: fifty(),
            cancel_after: None,
            cancel_share: all(),
        }
    }
}

/// How the waiting room orders fans.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum WaitingRoomMode {
    /// No waiting room: every fan goes straight to the shop.
    None,
    /// First come, first served.
    Fifo,
    /// Arrivals before the opening are shuffled at the opening; later ones are FIFO.
    RandomizedPrequeue,
}

/// The virtual waiting room.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WaitingRoomSpec {
    /// Queueing discipline.
    pub mode: WaitingRoomMode,
    /// When the waiting room opens, relative to the sale (negative: before).
    pub opens: Duration,
    /// Queue entries admitted per minute once the sale opens.
    pub outflow_per_min: f64,
    /// How long an admitted fan has to start shopping.
    pub token_ttl: Duration,
    /// How often each waiting session polls its queue position.
    pub poll_interval: Duration,
    /// Polls per second the waiting-room service can answer.
    pub capacity_per_s: f64,
    /// Outflow that follows backend health instead of a fixed rate.
    #[serde(default)]
    pub adaptive: Option<AdaptiveOutflowSpec>,
    /// After a status poll fails (the service is over `capacity_per_s`), a
    /// session refreshes this often until one succeeds (default: `poll_interval`).
    #[serde(default)]
    pub refresh_interval: Option<Duration>,
    /// `rate` (admit `outflow_per_min`) or `concurrency` (keep `max_active` shopping).
    #[serde(default)]
    pub admission: AdmissionPolicy,
    /// With `admission = "concurrency"`: fans holding a token or shopping at
    /// most; one leaves, one enters (Cloudflare's totalActiveUsers, AWS MaxSize).
    #[serde(default)]
    pub max_active: Option<u32>,
}

/// How the waiting room decides how many to let in.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AdmissionPolicy {
    /// A fixed (or adaptive) number of entries per minute.
    #[default]
    Rate,
    /// As many as keep `max_active` fans holding a token or shopping.
    Concurrency,
}

/// The CDN in front of the event page.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CdnSpec {
    /// Fraction of event-page requests served from cache.
    pub hit_ratio: f64,
    /// Requests per second the CDN serves; the overflow goes to the origin.
    pub capacity_per_s: f64,
    /// Latency of a CDN response.
    pub latency: DistributionSpec,
}

/// Origin app servers: `servers` × `workers` threads and a bounded queue.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AppSpec {
    /// Server instances.
    pub servers: u32,
    /// Worker threads per server; a worker is busy until its downstream call returns.
    pub workers: u32,
    /// Requests waiting for a worker, across the pool; more are rejected at once (HTTP 503).
    pub queue: u32,
    /// A client gives up on a request after this long; the server still does the work.
    pub timeout: Duration,
    /// CPU time per endpoint.
    pub service: EndpointServiceSpec,
    /// Load shedding.
    #[serde(default)]
    pub shed: Option<ShedSpec>,
    /// Horizontal autoscaling.
    #[serde(default)]
    pub autoscale: Option<AutoscaleSpec>,
    /// Per-session rate limiting.
    #[serde(default)]
    pub rate_limit: Option<RateLimitSpec>,
}

/// Service time of each app endpoint.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EndpointServiceSpec {
    /// The event page (cache misses and CDN overflow).
    pub event_page: DistributionSpec,
    /// The seat map.
    pub seat_map: DistributionSpec,
    /// Placing a hold.
    pub hold: DistributionSpec,
    /// Submitting payment.
    pub payment: DistributionSpec,
    /// Confirming the order.
    pub confirm: DistributionSpec,
    /// Checking an access code, when the route passes the app (default: as event_page).
    #[serde(default)]
    pub access_code: Option<DistributionSpec>,
}

/// Each endpoint's route: the components a request passes, in order. The last
/// one answers it; every one before it passes the request on (and, for a pool,
/// holds a worker until the answer comes back).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RoutesSpec {
    /// Default `["cdn", "app"]`.
    #[serde(default)]
    pub event_page: Option<Vec<String>>,
    /// Default `["app", "replicas"]`, or `["app", "cache", "replicas"]` with a `[cache]`.
    #[serde(default)]
    pub seat_map: Option<Vec<String>>,
    /// Default `["app", "database"]`.
    #[serde(default)]
    pub hold: Option<Vec<String>>,
    /// Default `["app", "payment"]`.
    #[serde(default)]
    pub payment: Option<Vec<String>>,
    /// Default `["app", "database"]`.
    #[serde(default)]
    pub confirm: Option<Vec<String>>,
    /// Default `["access_check"]` with an `[access_check]`; none without.
    #[serde(default)]
    pub access_code: Option<Vec<String>>,
}

/// A Redis-like cache of seat maps, one entry per show.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CacheSpec {
    /// How long an entry serves before it must be fetched again.
    pub ttl: Duration,
    /// Entries kept; the oldest-filled entry is evicted beyond it.
    #[serde(default = "ten_thousand")]
    pub capacity: u32,
    /// Time to answer a hit.
    pub hit_latency: DistributionSpec,
    /// One miss fetches; concurrent misses for the same entry wait for it (leases).
    #[serde(default)]
    pub coalescing: bool,
}

fn ten_thousand() -> u32 {
    10_000
}

/// A service checking access codes: its own pool of workers and a bounded queue.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AccessCheckSpec {
    /// Checks served at once (servers × workers).
    pub workers: u32,
    /// Checks waiting for a worker; more are rejected at once (HTTP 503).
    pub queue: u32,
    /// Time of one check.
    pub service: DistributionSpec,
    /// Share of bots holding a valid code (fans always hold one).
    #[serde(default)]
    pub bot_valid_share: f64,
}

/// Visitors without a code: they arrive on the demand's curve (pre-queue,
/// spike, tail), load the event page, try the code check, and keep the queue
/// page open, polling, until they give up. They never shop, so they are
/// counted per second (a fluid), not simulated one by one: see
/// `onsale::components::visitors`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct VisitorsSpec {
    /// People who come without a code.
    pub count: u64,
    /// Event-page loads (refreshes included) per visitor: counted in
    /// `system_requests`, not offered to the CDN (a simplification: the
    /// CDN's capacity is the fans' to use).
    #[serde(default = "one_f64")]
    pub page_views: f64,
    /// Code checks per visitor (mistyped, borrowed or guessed codes), all denied.
    #[serde(default)]
    pub code_checks: f64,
    /// Mean time a visitor keeps the queue page open (exponential).
    pub stay: Duration,
}

fn one_f64() -> f64 {
    1.0
}

/// The database: a primary with a connection pool, and read replicas.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DatabaseSpec {
    /// Connections to the primary; a hold or confirm holds one for its duration.
    pub connections: u32,
    /// Time of a hold transaction.
    pub hold: DistributionSpec,
    /// Time of a confirm transaction.
    pub confirm: DistributionSpec,
    /// Read replicas serving seat maps.
    pub replicas: u32,
    /// Connections per replica.
    pub replica_connections: u32,
    /// Time of a seat-map read.
    pub seat_map: DistributionSpec,
    /// How far replicas lag the primary: seat maps show the state this long ago.
    pub replica_lag: Duration,
    /// A circuit breaker on the app's calls to the primary.
    #[serde(default)]
    pub breaker: Option<BreakerSpec>,
}

/// The payment provider.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PaymentSpec {
    /// Time for the provider to answer.
    pub latency: DistributionSpec,
    /// Fraction of payments declined.
    pub decline_rate: f64,
    /// The app gives up on the provider after this long.
    pub timeout: Duration,
    /// Further payment attempts a fan makes after a decline or timeout.
    pub retries: u32,
    /// While payment (3-D Secure) runs, the hold is extended to at least this long
    /// after each payment submission; no hold lives longer than `sale.hold_ttl`
    /// plus this. Unset: holds keep their deadline.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub extend_hold: Option<Duration>,
}

fn probability(field: &str, value: f64) -> Result<(), Invalid> {
    Invalid::check(
        (0.0..=1.0).contains(&value),
        field,
        value,
        "a probability in [0, 1]",
    )
}

fn positive_duration(field: &str, value: Duration) -> Result<(), Invalid> {
    Invalid::check(value.0.0 > 0, field, value, "a duration > 0")
}

fn weights(field: &str, values: &[f64]) -> Result<(), Invalid> {
    let ok = !values.is_empty()
        && values.iter().all(|w| w.is_finite() && *w >= 0.0)
        && values.iter().sum::<f64>() > 0.0;
    Invalid::check(
        ok,
        field,
        format!("{values:?}"),
        "a non-empty list of weights ≥ 0 with a positive sum",
    )
}

fn at_least(field: &str, value: u64, minimum: u64) -> Result<(), Invalid> {
    Invalid::check(
        value >= minimum,
        field,
        value,
        format!("an integer ≥ {minimum}"),
    )
}

impl OnsaleSpec {
    /// Checks every field; the first problem found is returned.
    pub fn validate(&self) -> Result<(), Invalid> {
        Invalid::check(
            self.kind == "onsale",
            "kind",
            format!("{:?}", self.kind),
            "\"onsale\"",
        )?;
        positive_duration("horizon", self.horizon)?;
        at_least("max_events", self.max_events, 1)?;
        self.validate_sale()?;
        self.validate_demand()?;
        self.validate_bots()?;
        self.validate_services()?;
        self.validate_parts()?;
        for (index, fault) in self.faults.iter().enumerate() {
            fault.validate(&format!("fault[{index}]"), self.app.servers)?;
        }
        for (index, fault) in self.random_faults.iter().enumerate() {
            fault.validate(&format!("random_fault[{index}]"))?;
        }
        self.validate_operations()?;
        self.validate_seat_powers()?;
        Ok(())
    }

    fn validate_sale(&self) -> Result<(), Invalid> {
        let sale = &self.sale;
        positive_duration("sale.hold_ttl", sale.hold_ttl)?;
        Invalid::check(
            (1..=seat_core::MAX_TICKETS_PER_ORDER).contains(&sale.order_limit),
            "sale.order_limit",
            sale.order_limit,
            format!("an integer from 1 to {}", seat_core::MAX_TICKETS_PER_ORDER),
        )?;
        Invalid::check(
            (1..=10_000).contains(&sale.shows),
            "sale.shows",
            sale.shows,
            "an integer from 1 to 10000",
        )?;
        Invalid::check(
            sale.venue.preset.is_some() != sale.venue.file.is_some(),
            "sale.venue",
            "both or neither",
            "exactly one of preset = \"club\" | \"arena\" | \"stadium\" or file = \"venues/….toml\"",
        )
    }

    fn validate_demand(&self) -> Result<(), Invalid> {
        let demand = &self.demand;
        Invalid::check(
            (1..=100_000_000).contains(&demand.population),
            "demand.population",
            demand.population,
            "an integer from 1 to 100000000",
        )?;
        probability("demand.show_up", demand.show_up)?;
        probability("demand.pre_queue_share", demand.pre_queue_share)?;
        probability("demand.spike_share", demand.spike_share)?;
        Invalid::check(
            demand.pre_queue_share + demand.spike_share <= 1.0 + 1e-9,
            "demand.spike_share",
            demand.spike_share,
            format!(
                "at most 1 - pre_queue_share ({})",
                1.0 - demand.pre_queue_share
            ),
        )?;
        positive_duration("demand.spike_mean", demand.spike_mean)?;
        positive_duration("demand.tail_mean", demand.tail_mean)?;
        weights("demand.tickets", &demand.tickets)?;
        Invalid::check(
            demand.tickets.len() as u32 <= self.sale.order_limit,
            "demand.tickets",
            format!("{} entries", demand.tickets.len()),
            format!(
                "at most sale.order_limit ({}) entries",
                self.sale.order_limit
            ),
        )?;
        weights("demand.sessions", &demand.sessions)?;
        Invalid::check(
            demand.sessions.len() <= 20,
            "demand.sessions",
            demand.sessions.len(),
            "at most 20 entries",
        )?;
        probability(
            "demand.general_admission_share",
            demand.general_admission_share,
        )?;
        if let Some([low, high]) = demand.max_price_minor {
            Invalid::check(
                low <= high && high < u64::from(u32::MAX),
                "demand.max_price_minor",
                format!("[{low}, {high}]"),
                format!("[min, max] with min ≤ max < {}", u32::MAX),
            )?;
        }
        demand.patience.validate("demand.patience")?;
        probability("demand.seat_map_share", demand.seat_map_share)?;
        demand.think_seat.validate("demand.think_seat")?;
        demand.think_payment.validate("demand.think_payment")?;
        probability("demand.abandon_cart", demand.abandon_cart)?;
        Invalid::check(
            demand.retry.attempts <= 1000,
            "demand.retry.attempts",
            demand.retry.attempts,
            "at most 1000",
        )?;
        demand.retry.delay.validate("demand.retry.delay")?;
        if let Some(backoff) = &demand.retry.backoff {
            backoff.validate("demand.retry.backoff")?;
        }
        Invalid::check(
            demand.retry.refusal_round_trip.0.0 >= 0
                && demand.retry.refusal_round_trip <= self.horizon,
            "demand.retry.refusal_round_trip",
            demand.retry.refusal_round_trip,
            format!("a duration from 0 to the horizon ({})", self.horizon),
        )?;
        if let Some(budget) = &demand.retry.budget {
            budget.validate("demand.retry.budget")?;
        }
        Ok(())
    }

    fn validate_bots(&self) -> Result<(), Invalid> {
        let bots = &self.bots;
        Invalid::check(
            (0.0..0.99).contains(&bots.share),
            "bots.share",
            bots.share,
            "a fraction in [0, 0.99)",
        )?;
        Invalid::check(
            (1..=1000).contains(&bots.sessions),
            "bots.sessions",
            bots.sessions,
            "an integer from 1 to 1000",
        )?;
        positive_duration("bots.request_interval", bots.request_interval)?;
        Invalid::check(
            bots.attempts <= 10_000,
            "bots.attempts",
            bots.attempts,
            "at most 10000",
        )
    }

    fn validate_services(&self) -> Result<(), Invalid> {
        let room = &self.waiting_room;
        Invalid::check(
            room.opens.0.0 <= 0,
            "waiting_room.opens",
            room.opens,
            "a duration ≤ 0 (before the opening)",
        )?;
        Invalid::check(
            room.outflow_per_min.is_finite() && room.outflow_per_min > 0.0,
            "waiting_room.outflow_per_min",
            room.outflow_per_min,
            "a number > 0",
        )?;
        positive_duration("waiting_room.token_ttl", room.token_ttl)?;
        positive_duration("waiting_room.poll_interval", room.poll_interval)?;
        Invalid::check(
            room.capacity_per_s > 0.0,
            "waiting_room.capacity_per_s",
            room.capacity_per_s,
            "a number > 0",
        )?;
        match (room.admission, room.max_active) {
            (AdmissionPolicy::Concurrency, max) => Invalid::check(
                max.is_some_and(|max| max >= 1),
                "waiting_room.max_active",
                max.map_or("missing".to_owned(), |max| max.to_string()),
                "an integer ≥ 1 with admission = \"concurrency\"",
            )?,
            (AdmissionPolicy::Rate, Some(max)) => Invalid::check(
                false,
                "waiting_room.max_active",
                max,
                "no max_active with admission = \"rate\" (set admission = \"concurrency\")",
            )?,
            (AdmissionPolicy::Rate, None) => {}
        }
        if let Some(refresh) = room.refresh_interval {
            Invalid::check(
                refresh.as_secs_f64() >= 0.001,
                "waiting_room.refresh_interval",
                refresh,
                "a duration ≥ 1ms",
            )?;
        }
        if let Some(visitors) = &self.visitors {
            visitors.validate()?;
            Invalid::check(
                visitors.code_checks == 0.0 || self.access_check.is_some(),
                "visitors.code_checks",
                visitors.code_checks,
                "0 without an [access_check] (there is no code check to try)",
            )?;
        }
        probability("cdn.hit_ratio", self.cdn.hit_ratio)?;
        Invalid::check(
            self.cdn.capacity_per_s >= 0.0,
            "cdn.capacity_per_s",
            self.cdn.capacity_per_s,
            "a number ≥ 0",
        )?;
        self.cdn.latency.validate("cdn.latency")?;
        let app = &self.app;
        Invalid::check(
            (1..=100_000).contains(&app.servers),
            "app.servers",
            app.servers,
            "an integer from 1 to 100000",
        )?;
        Invalid::check(
            (1..=10_000).contains(&app.workers),
            "app.workers",
            app.workers,
            "an integer from 1 to 10000",
        )?;
        positive_duration("app.timeout", app.timeout)?;
        let service = &app.service;
        service.event_page.validate("app.service.event_page")?;
        service.seat_map.validate("app.service.seat_map")?;
        service.hold.validate("app.service.hold")?;
        service.payment.validate("app.service.payment")?;
        service.confirm.validate("app.service.confirm")?;
        let database = &self.database;
        Invalid::check(
            (1..=100_000).contains(&database.connections),
            "database.connections",
            database.connections,
            "an integer from 1 to 100000",
        )?;
        database.hold.validate("database.hold")?;
        database.confirm.validate("database.confirm")?;
        Invalid::check(
            (1..=1000).contains(&database.replicas),
            "database.replicas",
            database.replicas,
            "an integer from 1 to 1000",
        )?;
        Invalid::check(
            (1..=100_000).contains(&database.replica_connections),
            "database.replica_connections",
            database.replica_connections,
            "an integer from 1 to 100000",
        )?;
        database.seat_map.validate("database.seat_map")?;
        Invalid::check(
            database.replica_lag.0.0 >= 0,
            "database.replica_lag",
            database.replica_lag,
            "a duration ≥ 0",
        )?;
        let payment = &self.payment;
        payment.latency.validate("payment.latency")?;
        probability("payment.decline_rate", payment.decline_rate)?;
        positive_duration("payment.timeout", payment.timeout)?;
        Invalid::check(
            payment.retries <= 100,
            "payment.retries",
            payment.retries,
            "at most 100",
        )
    }
}

impl VisitorsSpec {
    fn validate(&self) -> Result<(), Invalid> {
        Invalid::check(
            self.count <= 1_000_000_000,
            "visitors.count",
            self.count,
            "an integer from 0 to 1000000000",
        )?;
        Invalid::check(
            self.page_views.is_finite() && (0.0..=1000.0).contains(&self.page_views),
            "visitors.page_views",
            self.page_views,
            "a number from 0 to 1000",
        )?;
        Invalid::check(
            self.code_checks.is_finite() && (0.0..=1000.0).contains(&self.code_checks),
            "visitors.code_checks",
            self.code_checks,
            "a number from 0 to 1000",
        )?;
        positive_duration("visitors.stay", self.stay)
    }
}

impl OnsaleSpec {
    /// The optional components and the routes through them.
    fn validate_parts(&self) -> Result<(), Invalid> {
        if let Some(access_code) = &self.app.service.access_code {
            access_code.validate("app.service.access_code")?;
        }
        if let Some(cache) = &self.cache {
            positive_duration("cache.ttl", cache.ttl)?;
            at_least("cache.capacity", u64::from(cache.capacity), 1)?;
            cache.hit_latency.validate("cache.hit_latency")?;
        }
        if let Some(check) = &self.access_check {
            Invalid::check(
                (1..=1_000_000).contains(&check.workers),
                "access_check.workers",
                check.workers,
                "an integer from 1 to 1000000",
            )?;
            Invalid::check(
                check.queue <= 100_000_000,
                "access_check.queue",
                check.queue,
                "an integer from 0 to 100000000",
            )?;
            check.service.validate("access_check.service")?;
            probability("access_check.bot_valid_share", check.bot_valid_share)?;
        }
        crate::onsale::Routes::build(self).map(|_| ())
    }

    fn validate_operations(&self) -> Result<(), Invalid> {
        let columns = crate::onsale::timeseries_columns(self)?;
        for (index, alert) in self.alerts.iter().enumerate() {
            alert.validate(&format!("alert[{index}]"), &columns)?;
        }
        for (index, runbook) in self.runbooks.iter().enumerate() {
            runbook.validate(&format!("runbook[{index}]"), &self.alerts)?;
        }
        if let Some(rate_limit) = &self.app.rate_limit {
            rate_limit.validate("app.rate_limit")?;
        }
        if let Some(shed) = &self.app.shed {
            shed.validate("app.shed")?;
        }
        if let Some(autoscale) = &self.app.autoscale {
            autoscale.validate("app.autoscale")?;
        }
        if let Some(adaptive) = &self.waiting_room.adaptive {
            adaptive.validate("waiting_room.adaptive")?;
        }
        if let Some(breaker) = &self.database.breaker {
            breaker.validate("database.breaker")?;
        }
        Ok(())
    }
}
