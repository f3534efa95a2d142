//! Contributing factors, each derived from the data by a stated rule, so a
//! reader can check the reasoning rather than trust it.

use super::facts::{Facts, count, duration, percent, ratio};
use crate::report::plots::{Timeseries, clock_label};

/// Utilization above this during the worst minute counts as saturated.
const SATURATED: f64 = 0.85;

/// The bullets of the "Contributing factors" section.
pub fn factors(facts: &Facts, series: &Timeseries) -> Vec<String> {
    [
        saturation(series),
        crowd(facts),
        refreshes(series),
        code_check_bots(facts, series),
        Some(amplification(facts)),
        Some(hold_expiry(facts, series)),
        Some(bots(facts)),
        wasted_work(facts),
    ]
    .into_iter()
    .flatten()
    .collect()
}

/// The minute (aligned to the opening) with the most system errors, or, if no
/// minute had any, with the worst hold p99; as (first row, end row).
pub fn worst_minute(series: &Timeseries) -> Option<(usize, usize)> {
    let t = series.t_s();
    let minute = |index: usize| ((t[index] - 1.0) / 60.0).floor() as i64;
    let score = |name: &str, start: usize, end: usize, sum: bool| {
        let values = &series.column(name)?[start..end];
        let finite = values.iter().copied().filter(|value| value.is_finite());
        Some(if sum {
            finite.sum()
        } else {
            finite.fold(0.0, f64::max)
        })
    };
    let mut minutes = Vec::new();
    let mut start = 0;
    for index in 1..=t.len() {
        if index == t.len() || minute(index) != minute(start) {
            minutes.push((start, index));
            start = index;
        }
    }
    let errors_total: f64 = series
        .column("errors")
        .map_or(0.0, |e| e.iter().filter(|v| v.is_finite()).sum());
    let (column, sum) = if errors_total > 0.0 {
        ("errors", true)
    } else {
        ("hold_p99_s", false)
    };
    minutes
        .into_iter()
        .fold(None, |best: Option<((usize, usize), f64)>, (start, end)| {
            let value = score(column, start, end, sum).unwrap_or(0.0);
            match best {
                Some((_, top)) if top >= value => best,
                _ => Some(((start, end), value)),
            }
        })
        .map(|(range, _)| range)
}

/// Rule: the component with the highest mean utilization during the worst minute.
fn saturation(series: &Timeseries) -> Option<String> {
    let (start, end) = worst_minute(series)?;
    // Every pool of the run: the components present decide the candidates.
    let mut components: Vec<(String, f64)> = crate::report::plots::pool_columns(series)
        .into_iter()
        .filter_map(|(column, label)| {
            let label = match column.as_str() {
                "database_utilization" => "database primary".to_owned(),
                "replica_utilization" => "read replicas".to_owned(),
                _ => label,
            };
            let values = &series.column(&column)?[start..end];
            Some((label, values.iter().sum::<f64>() / values.len() as f64))
        })
        .collect();
    components.sort_by(|a, b| b.1.total_cmp(&a.1));
    let (top, utilization) = components.first().cloned()?;
    let t = series.t_s();
    let window = format!(
        "{} to {}",
        clock_label(t[start] - 1.0),
        clock_label(t[end - 1])
    );
    let others: Vec<String> = components[1..]
        .iter()
        .map(|(label, value)| format!("{label} {}", percent(*value)))
        .collect();
    let rule = "the minute with the most system errors, or the worst hold p99 if none had errors";
    let others = others.join(", ");
    Some(if utilization >= SATURATED {
        format!(
            "**Saturated component: {top}**, {} busy on average during the worst minute, {window} ({rule}); {others}. Rule: highest mean of the `*_utilization` columns over that minute.",
            percent(utilization)
        )
    } else {
        format!(
            "**No pool was saturated**: during the worst minute, {window} ({rule}), the busiest pool was the {top} at {} ({others}), below the {} threshold. Look outside the pools: waiting-room outflow, the payment provider, client behaviour. Rule: highest mean of the `*_utilization` columns over that minute.",
            percent(utilization),
            percent(SATURATED)
        )
    })
}

/// Rule: the people on the site against the fans and bots the sale simulated
/// one by one, and the share of all interactions that errored. Stated when the
/// model has visitors without a code or status polls failed.
fn crowd(facts: &Facts) -> Option<String> {
    let people = facts.value("visitors");
    let clients = facts.value("fans_arrived") + facts.value("bots_arrived");
    let failed_polls = facts.value("queue_poll_errors");
    let without_code = people - clients;
    (without_code > 0.5 || failed_polls > 0.0).then(|| {
        format!(
            "**Load from the crowd: {} people on the site, {} of them visitors who never reached the shop (no code, or no chance), made {} system requests; {} of interactions ended on an error page** ({} failed queue status polls of {}). Rule: `visitors` against `fans_arrived + bots_arrived`; `interaction_error_rate` = (system errors + failed polls + refused visitor code checks) / `system_requests`.",
            count(people),
            count(without_code),
            count(facts.value("system_requests")),
            percent(facts.value("interaction_error_rate")),
            count(failed_polls),
            count(facts.value("queue_polls"))
        )
    })
}

/// Rule: polls per waiting session at the worst second against the calm rate
/// (the first second with sessions and no failure). Above 1, sessions whose
/// poll failed refreshed sooner, feeding the overload.
fn refreshes(series: &Timeseries) -> Option<String> {
    let polls = series.column("queue_polls")?;
    let failed = series.column("queue_poll_errors")?;
    let entries = series.column("waiting_room_entries")?;
    let visitors = series.column("visitors_waiting");
    let sessions = |index: usize| entries[index] + visitors.map_or(0.0, |v| v[index]);
    let calm = (0..polls.len()).find(|&i| sessions(i) > 0.0 && failed[i] == 0.0)?;
    let (worst, peak) = super::timeline::peak(series, "queue_poll_errors")?;
    (peak > 0.0).then(|| {
        let calm_rate = polls[calm] / sessions(calm);
        let worst_rate = polls[worst] / sessions(worst);
        format!(
            "**Refresh amplification: at the worst second ({}) each waiting session polled {} times as often as when calm, and {} of the polls failed**: a session whose poll fails refreshes sooner, so failures raise the load that causes them. Rule: `queue_polls / (waiting_room_entries + visitors_waiting)` at the peak of `queue_poll_errors` against the first second with sessions and no failure.",
            clock_label(series.t_s()[worst] - 1.0),
            ratio(worst_rate / calm_rate),
            percent(peak / polls[worst])
        )
    })
}

/// Rule: code checks denied (codes that were not valid: bots') against all
/// checks the access check answered, and its refusals.
fn code_check_bots(facts: &Facts, series: &Timeseries) -> Option<String> {
    let checks: f64 = series.column("access_checks")?.iter().sum();
    let denied: f64 = series.column("access_denied")?.iter().sum();
    (denied > 0.0).then(|| {
        format!(
            "**Bot load on the code check: {} of the {} code checks answered (replication 0) carried no valid code** (bots probing every few hundred ms), beside the visitors' checks; {} checks were refused outright (HTTP 503, across requests of all kinds: `errors_rejected`), and fans retried them. Rule: `access_denied` against `access_checks` in timeseries.csv.",
            count(denied),
            count(checks),
            count(facts.value("errors_rejected"))
        )
    })
}

/// Rule: requests per arriving fan or bot.
fn amplification(facts: &Facts) -> String {
    let clients = facts.value("fans_arrived") + facts.value("bots_arrived");
    let factor = facts.value("requests") / clients;
    format!(
        "**Retry amplification: {} requests per arriving fan or bot** ({} requests from {} clients). Rule: `requests / (fans_arrived + bots_arrived)`. A fan who buys without trouble makes about 4 requests (event page, hold, payment, confirm, plus a seat map for some); more means retries after errors, bots polling, and repeated tries after `no_tickets` ({} of those).",
        ratio(factor),
        count(facts.value("requests")),
        count(clients),
        count(facts.value("errors_no_tickets"))
    )
}

/// Rule: tickets released by expiring holds, and the inventory re-opening
/// after the first sell-out (the second wave).
fn hold_expiry(facts: &Facts, series: &Timeseries) -> String {
    let expired = facts.value("tickets_expired");
    let capacity = facts.value("capacity");
    let reopenings = series.column("inventory_left").map_or(0, reopenings);
    let sold_out = facts.value("first_sold_out_s");
    let wave = if sold_out.is_finite() {
        format!(
            "After the first sell-out at {}, inventory came back {} time(s) and {} more tickets sold (the second wave); the last sale was at {}.",
            clock_label(sold_out),
            reopenings,
            count(facts.value("tickets_after_first_sold_out")),
            clock_label(facts.value("last_sale_s"))
        )
    } else {
        "The event never sold out, so expired holds simply returned to open inventory.".to_owned()
    };
    format!(
        "**Hold-expiry waves: {} tickets ({} of capacity) went back on sale when holds expired** ({} carts abandoned by fans, {} holds placed for clients who had already left). {wave}",
        count(expired),
        percent(expired / capacity),
        count(facts.value("fans_abandoned_cart")),
        count(facts.value("ghost_holds"))
    )
}

/// Times inventory went from zero back to some after first reaching zero.
fn reopenings(inventory: &[f64]) -> usize {
    inventory
        .windows(2)
        .filter(|pair| pair[0] == 0.0 && pair[1] > 0.0)
        .count()
}

/// Rule: bots' share of tickets against their share of arrivals.
fn bots(facts: &Facts) -> String {
    let bots = facts.value("bots_arrived");
    let arrival_share = bots / (bots + facts.value("fans_arrived"));
    let ticket_share = facts.value("bot_ticket_share");
    if ticket_share.is_nan() {
        return format!(
            "**Bot share: bots were {} of arrivals; no tickets were sold, so their share of tickets is undefined.** Rule: `bot_ticket_share` against `bots_arrived / (fans_arrived + bots_arrived)`.",
            percent(arrival_share)
        );
    }
    format!(
        "**Bot share: bots were {} of arrivals but bought {} of tickets** ({}x their share). Rule: `bot_ticket_share` against `bots_arrived / (fans_arrived + bots_arrived)`.",
        percent(arrival_share),
        percent(ticket_share),
        ratio(ticket_share / arrival_share)
    )
}

/// Work done for clients who had gone: the signature of a metastable overload.
fn wasted_work(facts: &Facts) -> Option<String> {
    let wasted = facts.value("wasted_responses");
    (wasted > 0.0).then(|| {
        format!(
            "**Wasted work: {} responses reached clients that had already given up** and {} admissions went to fans no longer waiting; capacity spent on them served nobody. Time in queue: mean {}, p95 {}.",
            count(wasted),
            count(facts.value("wasted_admissions")),
            duration(facts.value("time_in_queue_mean_s")),
            duration(facts.value("time_in_queue_p95_s"))
        )
    })
}
