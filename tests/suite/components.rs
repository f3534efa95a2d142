//! The on-sale's components as parts: routes from the model file, the cache,
//! the access check and the concurrency-capped waiting room, each showing the
//! lesson its shipped model claims. Runs go through the library, seed in every
//! failure message.

use sellout::engine::Streams;
use sellout::model::{ModelSpec, OnsaleModel, load};
use sellout::onsale::{self, OnsaleReport};

use super::cli::{models_dir, scratch, sellout};

fn model(file: &str) -> OnsaleModel {
    match load(&models_dir().join(file))
        .expect("a shipped model loads")
        .spec
    {
        ModelSpec::Onsale(model) => *model,
        _ => panic!("{file} is not an on-sale model"),
    }
}

fn run(model: &OnsaleModel, seed: u64) -> OnsaleReport {
    onsale::run(model, &Streams::new(seed, 0), false)
        .unwrap_or_else(|error| panic!("{} seed {seed}: {error}", model.spec.name))
}

fn metric(report: &OnsaleReport, key: &str) -> f64 {
    *report
        .metrics
        .get(key)
        .unwrap_or_else(|| panic!("metric {key} missing"))
}

fn column_names(report: &OnsaleReport) -> Vec<&'static str> {
    report.timeseries.columns().iter().map(|c| c.name).collect()
}

#[test]
fn seat_map_stampede_coalescing_cuts_origin_reads_tenfold() {
    let off = model("seat-map-stampede.toml");
    assert!(
        !off.spec.cache.as_ref().unwrap().coalescing,
        "the shipped model shows the stampede"
    );
    let mut on = off.clone();
    on.spec.cache.as_mut().unwrap().coalescing = true;
    for seed in 1..=3 {
        let (off, on) = (run(&off, seed), run(&on, seed));
        let fetches = (metric(&off, "cache_fetches"), metric(&on, "cache_fetches"));
        let peaks = (
            metric(&off, "cache_peak_fetches_per_s"),
            metric(&on, "cache_peak_fetches_per_s"),
        );
        assert!(
            fetches.0 >= 10.0 * fetches.1,
            "seed {seed}: fetches off/on {fetches:?}"
        );
        assert!(
            peaks.0 >= 10.0 * peaks.1,
            "seed {seed}: peak fetches/s off/on {peaks:?}"
        );
        // Coalescing serves the same demand: the waiters are answered, not dropped.
        assert!(metric(&on, "cache_coalesced") > 0.0, "seed {seed}");
        let sold = (metric(&off, "tickets_sold"), metric(&on, "tickets_sold"));
        assert!(
            (sold.0 - sold.1).abs() < 0.02 * sold.0,
            "seed {seed}: sold {sold:?}"
        );
    }
}

#[test]
fn routes_written_out_as_the_defaults_give_the_same_run() {
    let shipped = model("baseline.toml").spec.with_demand_scaled(0.2);
    let venue = model("baseline.toml").venue;
    let mut written = shipped.clone();
    let route = |names: &[&str]| Some(names.iter().map(|s| s.to_string()).collect());
    written.routes.event_page = route(&["cdn", "app"]);
    written.routes.seat_map = route(&["app", "replicas"]);
    written.routes.hold = route(&["app", "database"]);
    written.routes.payment = route(&["app", "payment"]);
    written.routes.confirm = route(&["app", "database"]);
    let a = run(
        &OnsaleModel {
            spec: shipped,
            venue: venue.clone(),
        },
        4,
    );
    let b = run(
        &OnsaleModel {
            spec: written,
            venue,
        },
        4,
    );
    // Compared as text: undefined metrics are NaN, which is never == itself.
    assert_eq!(
        format!("{:?}", a.metrics),
        format!("{:?}", b.metrics),
        "seed 4"
    );
    assert_eq!(a.timeseries, b.timeseries, "seed 4");
}

#[test]
fn the_time_series_has_the_columns_of_the_components_present() {
    let baseline = run(&model("baseline.toml").tap_scale(0.1), 1);
    let columns = column_names(&baseline);
    assert!(columns.contains(&"app_utilization") && columns.contains(&"cdn_hits"));
    for absent in [
        "cache_fetches",
        "access_checks",
        "waiting_room_active",
        "access_code_p99_s",
    ] {
        assert!(!columns.contains(&absent), "baseline has no {absent}");
    }
    assert!(!baseline.metrics.contains_key("errors_access_denied"));
    let stampede = run(&model("seat-map-stampede.toml"), 1);
    assert!(column_names(&stampede).contains(&"cache_fetches"));
    let bots = run(&model("access-check-bots.toml").tap_scale(0.1), 1);
    let columns = column_names(&bots);
    assert!(
        columns.contains(&"access_check_utilization") && columns.contains(&"access_code_p99_s")
    );
}

trait Scale {
    fn tap_scale(self, factor: f64) -> Self;
}

impl Scale for OnsaleModel {
    fn tap_scale(self, factor: f64) -> OnsaleModel {
        OnsaleModel {
            spec: self.spec.with_demand_scaled(factor),
            venue: self.venue,
        }
    }
}

#[test]
fn bots_without_codes_are_denied_and_their_retries_flood_the_check() {
    let attacked = model("access-check-bots.toml");
    let mut quiet = attacked.clone();
    quiet.spec.bots.share = 0.0;
    let mut valid = attacked.clone();
    valid.spec.access_check.as_mut().unwrap().bot_valid_share = 1.0;
    for seed in 1..=2 {
        let with_bots = run(&attacked, seed);
        let without = run(&quiet, seed);
        assert_eq!(metric(&with_bots, "bots_bought"), 0.0, "seed {seed}");
        assert!(
            metric(&with_bots, "errors_access_denied") > 0.0,
            "seed {seed}"
        );
        // The lesson: the check saturates, fans meet rejections and slow checks.
        let errors = (
            metric(&with_bots, "error_rate"),
            metric(&without, "error_rate"),
        );
        assert!(
            errors.0 > 0.05 && errors.0 > 20.0 * errors.1,
            "seed {seed}: {errors:?}"
        );
        let p99 = (
            metric(&with_bots, "latency_access_code_p99_s"),
            metric(&without, "latency_access_code_p99_s"),
        );
        assert!(p99.0 > 5.0 * p99.1, "seed {seed}: access-code p99 {p99:?}");
        assert!(
            metric(&run(&valid, seed), "bots_bought") > 0.0,
            "seed {seed}"
        );
    }
}

#[test]
fn the_concurrency_cap_is_never_exceeded_and_binds() {
    let model = model("concurrency-waiting-room.toml");
    let cap = f64::from(model.spec.waiting_room.max_active.unwrap());
    let report = run(&model, 2);
    let series = &report.timeseries;
    let active = series
        .index("waiting_room_active")
        .expect("the column of the cap");
    let values: Vec<f64> = series.column(active).collect();
    let peak = values.iter().cloned().fold(0.0, f64::max);
    assert!(peak <= cap, "seed 2: {peak} active over the cap {cap}");
    assert_eq!(peak, cap, "seed 2: the cap never bound");
    // Rate-based admission of the same demand sells out later (experiments/admission-policy).
    let rate = run(&self::model("baseline.toml"), 2);
    let sold_out = (
        metric(&report, "first_sold_out_s"),
        metric(&rate, "first_sold_out_s"),
    );
    assert!(sold_out.0 < sold_out.1, "seed 2: {sold_out:?}");
}

#[test]
fn an_impossible_route_exits_2_naming_the_route_and_the_component() {
    let dir = scratch("impossible-route");
    let text = std::fs::read_to_string(models_dir().join("baseline.toml")).unwrap();
    let cases = [
        ("seat_map = [\"app\", \"redis\", \"replicas\"]", "\"redis\""),
        ("hold = [\"app\", \"replicas\"]", "\"database\""),
        ("confirm = [\"app\", \"app\", \"database\"]", "twice"),
        ("seat_map = [\"app\", \"cache\", \"replicas\"]", "[cache]"),
    ];
    for (index, (route, expected)) in cases.iter().enumerate() {
        let model = dir.join(format!("route{index}.toml"));
        let venue_free = text.replace(
            "venue = { preset = \"arena\" }",
            "venue = { preset = \"club\" }",
        );
        std::fs::write(&model, format!("{venue_free}\n[routes]\n{route}\n")).unwrap();
        let output = sellout(&[
            "run",
            model.to_str().unwrap(),
            "--out",
            dir.to_str().unwrap(),
        ]);
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(2), "{route}: {stderr}");
        assert!(
            stderr.contains("routes.") && stderr.contains(expected),
            "{route}: {stderr}"
        );
    }
}

/// Seat-taken conflicts follow the retry policy: with no retries allowed, a
/// fan whose pick was taken gives up (every conflict ends a journey, since none
/// is retried), while the explicit "immediate" choice re-picks at once and
/// never counts it, as before.
#[test]
fn seat_taken_follows_the_retry_policy_unless_told_to_retry_at_once() {
    let mut policy = model("baseline.toml");
    policy.spec = policy.spec.with_demand_scaled(0.1);
    policy.spec.demand.retry.attempts = 0;
    let mut immediate = policy.clone();
    immediate.spec.demand.retry.seat_taken = sellout::model::SeatTakenRetry::Immediate;
    for seed in 1..=2 {
        let (policy, immediate) = (run(&policy, seed), run(&immediate, seed));
        let conflicts = metric(&policy, "errors_seat_taken");
        assert!(conflicts > 50.0, "seed {seed}: only {conflicts} conflicts");
        let other_errors = |report: &OnsaleReport| {
            metric(report, "errors_timeout")
                + metric(report, "errors_rejected")
                + metric(report, "errors_server_error")
                + metric(report, "errors_unavailable")
        };
        let gave_up = metric(&policy, "fans_gave_up_after_errors")
            + metric(&policy, "bots_gave_up_after_errors");
        assert!(
            gave_up >= conflicts - metric(&policy, "bots_gave_up_after_errors") - 1.0,
            "seed {seed}: {gave_up} gave up after {conflicts} seat-taken conflicts"
        );
        let gave_up_immediate = metric(&immediate, "fans_gave_up_after_errors");
        assert!(
            gave_up_immediate <= other_errors(&immediate),
            "seed {seed}: {gave_up_immediate} fans gave up without errors other than seat taken"
        );
        assert!(metric(&immediate, "errors_seat_taken") > 50.0);
    }
}

/// A tiny model whose one app server is busy for an hour after its first
/// request, so every later request is refused (HTTP 503) and each fan retries
/// at once, three times. A refusal's round trip spaces the retries: the last
/// refusal comes 3 round trips after the last fan's first one.
#[test]
fn a_refusal_takes_its_round_trip_so_retries_cannot_spin() {
    let text = |round_trip: &str| {
        format!(
            r#"kind = "onsale"
name = "refusals"
horizon = "30m"
[sale]
hold_ttl = "10m"
order_limit = 1
venue = {{ preset = "arena" }}
[demand]
population = 300
show_up = 1.0
pre_queue_share = 0.0
spike_share = 1.0
spike_mean = "20s"
tail_mean = "1s"
tickets = [1.0]
sessions = [1.0]
general_admission_share = 0.0
patience = {{ dist = "exp", mean = "1000h" }}
seat_map_share = 0.0
think_seat = {{ dist = "det", value = "1ms" }}
think_payment = {{ dist = "det", value = "10s" }}
retry = {{ attempts = 3, delay = {{ dist = "det", value = "0s" }}, refusal_round_trip = "{round_trip}" }}
[bots]
share = 0.0
sessions = 1
request_interval = "1s"
attempts = 1
[waiting_room]
mode = "fifo"
opens = "0s"
outflow_per_min = 1000000
token_ttl = "1h"
poll_interval = "1h"
capacity_per_s = 1000000
[cdn]
hit_ratio = 0.0
capacity_per_s = 1000000
latency = {{ dist = "det", value = "1ms" }}
[app]
servers = 1
workers = 1
queue = 0
timeout = "2h"
service.event_page = {{ dist = "det", value = "1h" }}
service.seat_map = {{ dist = "det", value = "1h" }}
service.hold = {{ dist = "det", value = "1h" }}
service.payment = {{ dist = "det", value = "1h" }}
service.confirm = {{ dist = "det", value = "1h" }}
[database]
connections = 10
hold = {{ dist = "det", value = "1ms" }}
confirm = {{ dist = "det", value = "1ms" }}
replicas = 1
replica_connections = 10
seat_map = {{ dist = "det", value = "1ms" }}
replica_lag = "0s"
[payment]
latency = {{ dist = "det", value = "1ms" }}
decline_rate = 0.0
timeout = "30s"
retries = 0
"#
        )
    };
    let last_refusal_s = |round_trip: &str| {
        let spec =
            match sellout::model::parse(std::path::Path::new("refusals.toml"), &text(round_trip))
                .unwrap_or_else(|error| panic!("{error}"))
            {
                ModelSpec::Onsale(model) => *model,
                _ => unreachable!(),
            };
        let report = run(&spec, 5);
        assert!(
            metric(&report, "errors_rejected") >= 4.0 * 290.0,
            "every fan but the first is refused 4 times: {}",
            metric(&report, "errors_rejected")
        );
        let series = &report.timeseries;
        let (t, errors) = (
            series.index("t_s").unwrap(),
            series.index("errors").unwrap(),
        );
        series
            .column(t)
            .zip(series.column(errors))
            .filter(|(_, e)| *e > 0.0)
            .map(|(t, _)| t)
            .fold(f64::NAN, f64::max)
    };
    let (spinning, spaced) = (last_refusal_s("0s"), last_refusal_s("5s"));
    assert!(
        (spaced - spinning - 15.0).abs() <= 1.0,
        "last refusal at {spinning} s without a round trip, {spaced} s with 5 s (seed 5)"
    );
}

/// Little's law on the waiting room of the shipped baseline: the time-average
/// of the fans-waiting gauge (sampled each second) equals the rate fans join ×
/// their mean wait (computed from each fan's own join and leave times) within
/// 2%, the gauge's sampling error over a 90-minute window. The gauge counts
/// fans, not their tabs: entries outnumber fans, since multi-tab fans and fans
/// who gave up leave entries queued.
#[test]
fn littles_law_holds_on_the_waiting_room() {
    let mut baseline = model("baseline.toml");
    baseline.spec = baseline.spec.with_demand_scaled(0.2);
    for seed in 1..=2 {
        let report = run(&baseline, seed);
        let series = &report.timeseries;
        let column = |name| -> Vec<f64> { series.column(series.index(name).unwrap()).collect() };
        let (t, fans, entries) = (
            column("t_s"),
            column("waiting_room_fans"),
            column("waiting_room_entries"),
        );
        let window_s = t[t.len() - 1] - (t[0] - 1.0);
        let l = fans.iter().sum::<f64>() / fans.len() as f64;
        let lambda = metric(&report, "waiting_room_fans_joined") / window_s;
        let w = metric(&report, "waiting_room_wait_mean_s");
        assert!(
            (l / (lambda * w) - 1.0).abs() < 0.02,
            "seed {seed}: L = {l:.1} fans, λW = {lambda:.3}/s × {w:.1} s = {:.1}",
            lambda * w
        );
        assert!(
            fans.iter().zip(&entries).all(|(f, e)| f <= e),
            "seed {seed}"
        );
        let tabs = entries.iter().sum::<f64>() / fans.iter().sum::<f64>();
        assert!(tabs > 1.05, "seed {seed}: entries/fans {tabs}");
    }
}
