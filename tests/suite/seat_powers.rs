//! The simulator using the seat core's powers beyond hold and confirm (issue
//! 17, item 7): each switch runs with the same seed on and off, and the
//! difference is the one the switch is for. Every failure names the seed.

use std::path::Path;

use sellout::model::{DistributionSpec, PriceChangeSpec, parse};

use super::features::{baseline, metric, run, secs, shipped};

/// Idempotency keys: a retried hold gets the hold its timed-out request
/// committed, so ghost holds (held for nobody until the TTL) fall; tickets are
/// still conserved and the run's invariant checks pass.
#[test]
fn idempotency_keys_let_a_retry_claim_the_hold_its_timed_out_request_placed() {
    let seed = 1;
    // A payment brownout: the app queue backs up and hold requests time out.
    let without = shipped("payment-brownout.toml", 1.0);
    let mut with = without.clone();
    with.spec.demand.retry.idempotency_keys = true;
    let (without, with) = (run(&without, seed), run(&with, seed));
    let ghosts = |report| metric(report, "ghost_holds");
    assert!(
        ghosts(&without) > 100.0,
        "seed {seed}: {}",
        ghosts(&without)
    );
    assert_eq!(metric(&without, "hold_replays"), 0.0, "seed {seed}");
    assert!(metric(&with, "hold_replays") > 0.0, "seed {seed}");
    assert!(
        ghosts(&with) < 0.7 * ghosts(&without),
        "ghost holds {} with keys, {} without (seed {seed})",
        ghosts(&with),
        ghosts(&without)
    );
    for report in [&without, &with] {
        assert!(metric(report, "tickets_sold") <= metric(report, "capacity"));
    }
}

/// Hold extension: fans submit payment 55 s into a 60 s hold and 3-D Secure
/// takes 8 s, so without it nearly every confirm finds its hold expired.
#[test]
fn extending_the_hold_while_payment_runs_saves_confirms_from_expiry() {
    let seed = 3;
    let mut without = baseline(0.05);
    without.spec.sale.hold_ttl = secs(60.0);
    without.spec.demand.think_payment = DistributionSpec::Det { value: secs(55.0) };
    without.spec.payment.latency = DistributionSpec::Det { value: secs(8.0) };
    let mut with = without.clone();
    with.spec.payment.extend_hold = Some(secs(30.0));
    let (without, with) = (run(&without, seed), run(&with, seed));
    let refused = |report| metric(report, "confirms_refused_hold_expired");
    assert_eq!(metric(&without, "holds_extended"), 0.0, "seed {seed}");
    assert!(metric(&with, "holds_extended") > 1000.0, "seed {seed}");
    assert!(refused(&without) > 1000.0, "seed {seed}");
    assert!(
        refused(&with) < 0.1 * refused(&without),
        "refused confirms: {} extended, {} not (seed {seed})",
        refused(&with),
        refused(&without)
    );
    assert!(metric(&with, "fans_bought") > metric(&without, "fans_bought"));
}

/// Cancelling the detected bot orders after the arena first sells out: the
/// seats go back on sale and fans still queueing buy them.
#[test]
fn cancelled_bot_orders_go_back_on_sale_and_fans_buy_them() {
    let seed = 1;
    let without = baseline(1.0);
    let mut with = without.clone();
    // The baseline first sells out at about 318 s (seed 1); fans queue on.
    with.spec.bots.cancel_after = Some(secs(330.0));
    with.spec.bots.cancel_share = 1.0;
    let (without, with) = (run(&without, seed), run(&with, seed));
    assert_eq!(metric(&without, "bot_orders_cancelled"), 0.0);
    assert!(metric(&without, "tickets_sold_after_bot_cancel").is_nan());
    let cancelled = metric(&with, "tickets_cancelled");
    assert!(metric(&with, "bot_orders_cancelled") > 0.0, "seed {seed}");
    assert!(cancelled > 0.0, "seed {seed}");
    assert!(
        metric(&with, "tickets_sold_after_bot_cancel") >= cancelled,
        "the cancelled tickets are resold (seed {seed})"
    );
    let fan_tickets =
        |report| metric(report, "tickets_sold") * (1.0 - metric(report, "bot_ticket_share"));
    assert!(metric(&with, "tickets_sold") <= metric(&with, "capacity"));
    assert!(
        fan_tickets(&with) >= fan_tickets(&without) + cancelled * 0.9,
        "fans bought {} tickets with the cancellation, {} without, {cancelled} cancelled (seed {seed})",
        fan_tickets(&with),
        fan_tickets(&without)
    );
}

/// A timed price change applies from its time on: at the opening every
/// standing ticket sells at the new price; just before the horizon (after the
/// last sale) nothing changes.
#[test]
fn a_price_change_applies_only_from_its_time_on() {
    let seed = 5;
    let plain = baseline(0.05);
    let change = |at_s: f64| {
        let mut model = plain.clone();
        model.spec.sale.price_changes.push(PriceChangeSpec {
            level: "floor-1".to_owned(),
            price_minor: 20_000,
            at: Some(secs(at_s)),
            after_sold_out: None,
            after_share_sold: None,
        });
        model
    };
    let (plain, early, late) = (
        run(&plain, seed),
        run(&change(0.0), seed),
        run(&change(3599.0), seed),
    );
    assert_eq!(metric(&plain, "price_changes_applied"), 0.0);
    assert_eq!(metric(&early, "price_changes_applied"), 1.0, "one show");
    assert!(metric(&plain, "standing_tickets_at_opening_price") > 0.0);
    assert_eq!(
        metric(&early, "standing_tickets_at_opening_price"),
        0.0,
        "every standing ticket was held after the change (seed {seed})"
    );
    assert!(metric(&early, "standing_tickets_above_opening_price") > 0.0);
    assert!(metric(&early, "revenue") > metric(&plain, "revenue"));
    assert_eq!(
        metric(&late, "revenue"),
        metric(&plain, "revenue"),
        "seed {seed}"
    );
}

/// Oasis: the £148 standing tier's own price goes to £355 once it first runs
/// out in a show; fans who joined the queue while it was on sale then pay more.
#[test]
fn oasis_fans_who_queued_at_the_cheap_standing_price_pay_the_dear_one() {
    let seed = 1;
    let model = shipped("oasis-2025.toml", 0.1);
    let report = run(&model, seed);
    assert_eq!(
        metric(&report, "price_changes_applied"),
        f64::from(model.spec.sale.shows),
        "every show's cheap tier ran out (seed {seed})"
    );
    assert!(metric(&report, "fans_paid_above_queue_price") > 0.0);
    assert!(
        metric(&report, "fans_paid_above_queue_price")
            <= metric(&report, "standing_tickets_above_opening_price")
    );
}

/// The new keys are validated with the field, the value and what is allowed.
#[test]
fn bad_seat_power_keys_name_the_field() {
    let base = std::fs::read_to_string(super::cli::models_dir().join("oasis-2025.toml")).unwrap();
    let cases = [
        (
            base.replace("cancel_share = 0.42", "cancel_share = 1.5"),
            vec!["bots.cancel_share", "1.5", "[0, 1]"],
        ),
        (
            base.replace("cancel_after = \"6h\"", "cancel_after = \"-1h\""),
            vec!["bots.cancel_after", "a duration ≥ 0"],
        ),
        (
            base.replace("after_share_sold = 0.7", "after_sold_out = \"standing-9\""),
            vec![
                "sale.price_change[0].after_sold_out",
                "standing-9",
                "standing",
            ],
        ),
        (
            base.replace("after_share_sold = 0.7", "after_share_sold = 1.5"),
            vec!["sale.price_change[0].after_share_sold", "1.5", "(0, 1]"],
        ),
        (
            base.replace(
                "after_share_sold = 0.7",
                "after_share_sold = 0.7\nat = \"1h\"",
            ),
            vec!["sale.price_change[0]", "exactly one of"],
        ),
        (
            base.replace("retries = 2", "retries = 2\nextend_hold = \"0s\""),
            vec!["payment.extend_hold", "> 0"],
        ),
    ];
    let path = super::cli::models_dir().join("oasis-2025.toml");
    for (text, words) in cases {
        let error = match parse(Path::new(&path), &text) {
            Ok(_) => panic!("accepted: {words:?}"),
            Err(error) => error.to_string(),
        };
        for word in words {
            assert!(error.contains(word), "{error:?} lacks {word:?}");
        }
    }
}
