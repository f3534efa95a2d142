//! One Prometheus metric per `timeseries.csv` column, named by Prometheus
//! conventions (`_total` counters, base units last, an `endpoint` or
//! `component` label instead of a name per endpoint or pool), and the PromQL
//! that gives the column's per-second value back. The OpenMetrics export, the
//! alerting rules and the Grafana dashboard all read this one table, so a rule
//! or a panel can only name a metric the export defines.

use crate::onsale::Endpoint;
use crate::report::plots::Timeseries;

/// How a column becomes samples.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MetricKind {
    /// The column counts events per second: the counter is their running sum.
    Counter,
    /// The column is already a running total (tickets sold).
    RunningTotal,
    /// A level or ratio, written as it is.
    Gauge,
}

/// A metric and the column it comes from.
#[derive(Clone, Debug, PartialEq)]
pub struct Metric {
    /// The `timeseries.csv` column.
    pub column: String,
    /// Metric family name (without `_total` for counters).
    pub family: String,
    /// Counter or gauge.
    pub kind: MetricKind,
    /// OpenMetrics unit (the family name ends with it).
    pub unit: Option<&'static str>,
    /// `# HELP` text.
    pub help: String,
    /// Labels telling series of one family apart (`endpoint`, `component`, `quantile`).
    pub labels: Vec<(&'static str, String)>,
}

impl Metric {
    /// True for counters (sample names end in `_total`).
    pub fn is_counter(&self) -> bool {
        self.kind != MetricKind::Gauge
    }

    /// The name samples carry: `sellout_requests_total`, `sellout_holds_active`.
    pub fn sample_name(&self) -> String {
        if self.is_counter() {
            format!("{}_total", self.family)
        } else {
            self.family.clone()
        }
    }

    /// `{endpoint="hold"}`, or nothing without labels.
    pub fn label_text(&self) -> String {
        if self.labels.is_empty() {
            return String::new();
        }
        let pairs: Vec<String> = self
            .labels
            .iter()
            .map(|(name, value)| format!("{name}=\"{value}\""))
            .collect();
        format!("{{{}}}", pairs.join(","))
    }

    /// The series selector, e.g. `sellout_requests_total{endpoint="hold"}`.
    pub fn selector(&self) -> String {
        format!("{}{}", self.sample_name(), self.label_text())
    }

    /// PromQL whose value at a whole second t is the column's value in row t,
    /// given samples one second apart: `irate` over the last two samples turns
    /// a counter back into its per-second count (a wide range only guards
    /// against a missed sample; irate uses the last two).
    pub fn query(&self) -> String {
        match self.kind {
            MetricKind::Counter => format!("irate({}[1m])", self.selector()),
            MetricKind::RunningTotal | MetricKind::Gauge => self.selector(),
        }
    }
}

/// The metrics of `series`, in column order (`t_s` is the timestamp; the
/// total `requests` column is the sum of the per-endpoint counters).
pub fn catalogue(series: &Timeseries) -> Vec<Metric> {
    series
        .names()
        .iter()
        .filter(|name| !matches!(name.as_str(), "t_s" | "requests"))
        .map(|name| metric_of(name))
        .collect()
}

/// PromQL for the per-second value of `column` (what an `[[alert]]`'s
/// `metric` names), or `None` for a column the series does not have.
pub fn column_query(series: &Timeseries, column: &str) -> Option<String> {
    series.column(column)?;
    if column == "requests" {
        return Some("sum(irate(sellout_requests_total[1m]))".to_owned());
    }
    (column != "t_s").then(|| metric_of(column).query())
}

/// Columns with a metric of their own: (column, family, kind, help).
#[rustfmt::skip]
const NAMED: &[(&str, &str, MetricKind, &str)] = &[
    ("arrivals", "sellout_arrivals", MetricKind::Counter, "Fans and bots reaching the site."),
    ("responses", "sellout_responses", MetricKind::Counter, "Requests answered, successfully or not."),
    ("errors", "sellout_errors", MetricKind::Counter, "System errors (rejections, timeouts, server errors, unavailable, shed)."),
    ("admitted", "sellout_waiting_room_admissions", MetricKind::Counter, "Entries admitted from the waiting room."),
    ("cdn_hits", "sellout_cdn_hits", MetricKind::Counter, "Event-page requests answered by the CDN."),
    ("cache_hits", "sellout_cache_hits", MetricKind::Counter, "Seat-map reads answered by the cache."),
    ("cache_fetches", "sellout_cache_fetches", MetricKind::Counter, "Seat-map cache misses fetched from a replica."),
    ("cache_coalesced", "sellout_cache_coalesced", MetricKind::Counter, "Cache misses that joined a fetch already in flight."),
    ("access_checks", "sellout_access_checks", MetricKind::Counter, "Access codes checked."),
    ("access_denied", "sellout_access_denied", MetricKind::Counter, "Access codes refused."),
    ("tickets_sold", "sellout_tickets_sold", MetricKind::RunningTotal, "Tickets sold since the opening."),
    ("inventory_left", "sellout_tickets_left", MetricKind::Gauge, "Tickets neither sold nor held."),
    ("holds_active", "sellout_holds_active", MetricKind::Gauge, "Live holds (carts) on seats."),
    ("waiting_room_entries", "sellout_waiting_room_entries", MetricKind::Gauge, "Entries (sessions) waiting in the waiting room."),
    ("waiting_room_fans", "sellout_waiting_room_fans", MetricKind::Gauge, "Fans and bots waiting in the waiting room."),
    ("waiting_room_active", "sellout_waiting_room_active", MetricKind::Gauge, "Admitted sessions counted against the waiting room's concurrency cap."),
    ("waiting_room_polls_per_s", "sellout_waiting_room_polls_per_second", MetricKind::Gauge, "Status polls from waiting fans, per second."),
    ("queue_polls", "sellout_queue_polls", MetricKind::Counter, "Status polls reaching the queue's status service (fans, bots and visitors)."),
    ("queue_poll_errors", "sellout_queue_poll_errors", MetricKind::Counter, "Status polls the queue's status service failed (over its capacity)."),
    ("visitor_arrivals", "sellout_visitor_arrivals", MetricKind::Counter, "Visitors (people, beside the modelled fans) reaching the site."),
    ("visitors_waiting", "sellout_visitors_waiting", MetricKind::Gauge, "Visitors (people) waiting in the queue."),
];

/// The metric of one column. Columns no table here knows (added by a later
/// component) still export, as a gauge named after the column.
fn metric_of(column: &str) -> Metric {
    if let Some(metric) = endpoint_metric(column).or_else(|| component_metric(column)) {
        return metric;
    }
    let (family, kind, help) = match NAMED.iter().find(|named| named.0 == column) {
        Some(&(_, family, kind, help)) => (family.to_owned(), kind, help.to_owned()),
        None => (
            format!("sellout_{}", sanitize(column)),
            MetricKind::Gauge,
            format!("The timeseries.csv column {column}."),
        ),
    };
    Metric {
        column: column.to_owned(),
        family,
        kind,
        unit: None,
        help,
        labels: Vec::new(),
    }
}

/// `hold_p99_s`, `hold_requests`: a family per quantity, the endpoint a label.
fn endpoint_metric(column: &str) -> Option<Metric> {
    let (endpoint, family, kind, unit, help) = Endpoint::ALL.into_iter().find_map(|endpoint| {
        let rest = column.strip_prefix(endpoint.name())?.strip_prefix('_')?;
        let (family, kind, unit, help) = match rest {
            "requests" => (
                "sellout_requests",
                MetricKind::Counter,
                None,
                "Requests issued (offered load), per endpoint.",
            ),
            "p50_s" => (
                "sellout_request_latency_p50_seconds",
                MetricKind::Gauge,
                Some("seconds"),
                "Median client-observed latency over the second, per endpoint.",
            ),
            "p99_s" => (
                "sellout_request_latency_p99_seconds",
                MetricKind::Gauge,
                Some("seconds"),
                "99th-percentile client-observed latency over the second, per endpoint.",
            ),
            _ => return None,
        };
        Some((endpoint, family, kind, unit, help))
    })?;
    Some(Metric {
        column: column.to_owned(),
        family: family.to_owned(),
        kind,
        unit,
        help: help.to_owned(),
        labels: vec![("endpoint", endpoint.name().to_owned())],
    })
}

/// `app_utilization`, `database_queue`: a family per quantity, the pool a label.
fn component_metric(column: &str) -> Option<Metric> {
    const QUANTITIES: [(&str, &str, Option<&str>, &str); 4] = [
        (
            "_utilization",
            "sellout_utilization_ratio",
            Some("ratio"),
            "Busy fraction of a pool's workers or connections.",
        ),
        (
            "_in_flight",
            "sellout_in_flight_requests",
            None,
            "Requests being served by a component.",
        ),
        (
            "_queue",
            "sellout_queued_requests",
            None,
            "Requests waiting in a component's queue.",
        ),
        (
            "_instances",
            "sellout_instances",
            None,
            "Instances of a component (autoscaling, runbooks).",
        ),
    ];
    QUANTITIES.iter().find_map(|&(suffix, family, unit, help)| {
        let component = column
            .strip_suffix(suffix)
            .filter(|stem| !stem.is_empty())?;
        Some(Metric {
            column: column.to_owned(),
            family: family.to_owned(),
            kind: MetricKind::Gauge,
            unit,
            help: help.to_owned(),
            labels: vec![("component", component.to_owned())],
        })
    })
}

/// A column name as a metric name: letters, digits and underscores.
fn sanitize(name: &str) -> String {
    name.chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    fn series(header: &str) -> Timeseries {
        let zeros = vec!["0"; header.split(',').count()].join(",");
        Timeseries::parse(
            Path::new("t.csv"),
            format!("{header}\n{zeros}\n").as_bytes(),
        )
        .unwrap()
    }

    #[test]
    fn every_column_but_the_time_and_the_total_has_one_distinct_series() {
        let series = series(
            "t_s,arrivals,requests,app_queue,app_utilization,replica_utilization,hold_p99_s,hold_requests,confirm_requests,new_gauge-x",
        );
        let metrics = catalogue(&series);
        assert_eq!(metrics.len(), series.names().len() - 2);
        let mut selectors: Vec<String> = metrics.iter().map(Metric::selector).collect();
        selectors.sort();
        selectors.dedup();
        assert_eq!(selectors.len(), metrics.len(), "two columns share a series");
        for metric in &metrics {
            let name = metric.sample_name();
            assert!(
                name.starts_with("sellout_")
                    && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_'),
                "{name}"
            );
            assert_eq!(metric.is_counter(), name.ends_with("_total"), "{name}");
            if let Some(unit) = metric.unit {
                assert!(
                    metric.family.ends_with(unit),
                    "{} lacks its unit",
                    metric.family
                );
            }
        }
    }

    #[test]
    fn counted_columns_come_back_through_irate_and_levels_as_they_are() {
        let series = series("t_s,requests,errors,holds_active,hold_requests");
        assert_eq!(
            column_query(&series, "errors").unwrap(),
            "irate(sellout_errors_total[1m])"
        );
        assert_eq!(
            column_query(&series, "hold_requests").unwrap(),
            "irate(sellout_requests_total{endpoint=\"hold\"}[1m])"
        );
        assert_eq!(
            column_query(&series, "holds_active").unwrap(),
            "sellout_holds_active"
        );
        assert!(
            column_query(&series, "requests")
                .unwrap()
                .starts_with("sum(")
        );
        assert_eq!(column_query(&series, "app_queue"), None);
        assert_eq!(column_query(&series, "t_s"), None);
    }
}
