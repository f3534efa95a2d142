//! Impact: who was hurt and how much, in one paragraph and one table.

use super::facts::{Facts, count, duration, money, percent};
use crate::report::plots::clock_label;

/// The opening paragraph of the postmortem.
pub fn summary(facts: &Facts) -> String {
    let fans = facts.value("fans_arrived");
    let sold = facts.value("tickets_sold");
    let capacity = facts.value("capacity");
    let sold_out = facts.value("first_sold_out_s");
    let ending = if sold_out.is_finite() {
        format!("The event first sold out at {}.", clock_label(sold_out))
    } else {
        format!(
            "{} tickets were still unsold at the end of the run.",
            count(capacity - sold)
        )
    };
    let people = facts.value("visitors");
    let clients = fans + facts.value("bots_arrived");
    let crowd = if people > clients + 0.5 {
        format!(
            " In all {} people were on the site, {} of them visitors who never reached the shop, and {} of their {} interactions (polls and page views included) ended on an error page.",
            count(people),
            count(people - clients),
            percent(facts.value("interaction_error_rate")),
            count(facts.value("system_requests"))
        )
    } else {
        String::new()
    };
    format!(
        "{} fans (and {} bots) came for {} tickets.{crowd} {} tickets were sold ({} of capacity) for revenue {}. {ending} {} fans bought; {} gave up after errors and {} gave up in the waiting room. Of {} requests, {} failed with system errors (the kinds are in the table below). Admitted fans waited {} in the queue on average (p95 {}).",
        count(fans),
        count(facts.value("bots_arrived")),
        count(capacity),
        count(sold),
        percent(sold / capacity),
        money(facts.value("revenue")),
        count(facts.value("fans_bought")),
        count(facts.value("fans_gave_up_after_errors")),
        count(facts.value("fans_gave_up_in_queue")),
        count(facts.value("requests")),
        percent(facts.value("error_rate")),
        duration(facts.value("time_in_queue_mean_s")),
        duration(facts.value("time_in_queue_p95_s")),
    )
}

/// One impact row: label, metric key, and how to format the value.
type Row = (&'static str, &'static str, fn(f64) -> String);

const ROWS: [Row; 31] = [
    ("Fans arrived", "fans_arrived", count),
    ("Fans who bought", "fans_bought", count),
    (
        "Fans who gave up after errors",
        "fans_gave_up_after_errors",
        count,
    ),
    (
        "Fans who gave up in the waiting room",
        "fans_gave_up_in_queue",
        count,
    ),
    (
        "Fans whose queue token expired",
        "fans_token_expired",
        count,
    ),
    ("Fans who left when sold out", "fans_left_sold_out", count),
    (
        "People on the site (fans, bots, visitors)",
        "visitors",
        count,
    ),
    ("System requests (polls included)", "system_requests", count),
    (
        "Interactions that ended on an error page",
        "interaction_error_rate",
        percent,
    ),
    ("Failed queue status polls", "queue_poll_errors", count),
    ("Requests", "requests", count),
    ("System error rate", "error_rate", percent),
    ("Rejected (queue full)", "errors_rejected", count),
    ("Timed out", "errors_timeout", count),
    ("Shed (load shedding)", "errors_shed", count),
    ("Rate limited (HTTP 429)", "errors_rate_limited", count),
    ("Unavailable (component down)", "errors_unavailable", count),
    ("Server errors (injected)", "errors_server_error", count),
    ("Failed fast (breaker open)", "errors_breaker_open", count),
    ("Payment timeouts", "errors_payment_timeout", count),
    ("Time in queue, mean", "time_in_queue_mean_s", duration),
    ("Time in queue, p95", "time_in_queue_p95_s", duration),
    ("Hold latency p99", "latency_hold_p99_s", duration),
    ("Tickets sold", "tickets_sold", count),
    ("Capacity", "capacity", count),
    ("Revenue", "revenue", money),
    ("First sold out", "first_sold_out_s", clock),
    ("Last sale", "last_sale_s", clock),
    (
        "Tickets back on sale from expired holds",
        "tickets_expired",
        count,
    ),
    (
        "Tickets sold after the first sell-out",
        "tickets_after_first_sold_out",
        count,
    ),
    ("Bots' share of tickets", "bot_ticket_share", percent),
];

fn clock(seconds: f64) -> String {
    clock_label(seconds)
}

/// The impact table: measure, value (with 95% CI when replicated), metric key.
/// Every system error kind the run had gets a row, so they add up to the
/// error rate; the occasional kinds (and failed status polls, which are not in
/// the error rate) are left out when they never happened.
pub fn table(facts: &Facts) -> Vec<Vec<String>> {
    const OCCASIONAL: [&str; 6] = [
        "queue_poll_errors",
        "errors_shed",
        "errors_rate_limited",
        "errors_unavailable",
        "errors_server_error",
        "errors_breaker_open",
    ];
    let happened = |key: &str| !OCCASIONAL.contains(&key) || facts.value(key) > 0.0;
    ROWS.iter()
        .filter(|(_, key, _)| facts.get(key).is_some() && happened(key))
        .map(|(label, key, format)| {
            vec![
                (*label).to_owned(),
                facts.show(key, *format),
                format!("`{key}`"),
            ]
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    /// db-failover's case: its error rate was mostly "unavailable" errors,
    /// which the table did not list.
    #[test]
    fn every_error_kind_that_happened_has_a_row() {
        let summary = json!({ "metrics": {
            "errors_rejected": 0.0, "errors_timeout": 34.0,
            "errors_unavailable": 13_762.0, "errors_shed": 0.0,
            "requests": { "mean": 10.0, "ci95": [-2.0, 22.0] },
        }});
        let rows = table(&Facts::new(&summary));
        let labels: Vec<&str> = rows.iter().map(|row| row[0].as_str()).collect();
        assert!(
            labels.contains(&"Unavailable (component down)"),
            "{labels:?}"
        );
        assert!(labels.contains(&"Rejected (queue full)"), "{labels:?}");
        assert!(!labels.contains(&"Shed (load shedding)"), "{labels:?}");
        let requests = rows.iter().find(|row| row[0] == "Requests").unwrap();
        assert_eq!(requests[1], "10 (95% CI 0 to 22, clipped at a bound)");
    }
}
