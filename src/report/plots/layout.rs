//! Which panels a dashboard draws, one layout per model kind: an on-sale's
//! waiting room and tickets, a service's goodput and wasted work, a queueing
//! network's stations, a contention run's writes. Every layout reads columns of
//! `timeseries.csv` by name and leaves out a panel whose columns are missing.

use super::palette;
use super::panel::{Line, Panel, Scale};
use super::timeseries::Timeseries;

/// The panels of one model kind's dashboard.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Layout {
    /// `kind = "onsale"`: fans, waiting room, tickets, latency, errors, pools.
    Onsale,
    /// `kind = "service"`: offered load, goodput, retries, wasted work, latency.
    Service,
    /// Network models: queue, utilization and arrivals per station.
    Network,
    /// `kind = "contention"`: writes, failed writes and clients still trying.
    Contention,
}

impl Layout {
    /// The layout for the `kind` of a `summary.json`; every kind has one.
    pub fn of_kind(kind: &str) -> Option<Layout> {
        match kind {
            "onsale" => Some(Layout::Onsale),
            "service" => Some(Layout::Service),
            "network" => Some(Layout::Network),
            "contention" => Some(Layout::Contention),
            _ => None,
        }
    }

    /// What the time axis counts from.
    pub fn origin(self) -> &'static str {
        match self {
            Layout::Onsale => "Time from the opening (T)",
            _ => "Time from the start of the run (T)",
        }
    }

    /// What the dashboard's shaded windows are; network and contention
    /// models have no faults or triggers, so no shaded windows.
    pub fn window(self) -> Option<&'static str> {
        match self {
            Layout::Onsale => Some("fault window"),
            Layout::Service => Some("trigger window (spike, capacity drop, surge)"),
            Layout::Network | Layout::Contention => None,
        }
    }

    /// The titles of the panels drawn for `series`, in reading order (what
    /// another dashboard of the same run, such as the Grafana export, must show).
    pub fn panel_titles(self, series: &Timeseries) -> Vec<String> {
        let columns = Columns {
            series,
            bucket: 1,
            unit_s: 1.0,
            step_s: 1.0,
        };
        self.panels(&columns)
            .into_iter()
            .map(|panel| panel.title)
            .collect()
    }

    /// The panels, in reading order; a panel without lines is left out.
    pub fn panels(self, columns: &Columns) -> Vec<Panel> {
        let mut panels = match self {
            Layout::Onsale => onsale_panels(columns),
            Layout::Service => service_panels(columns),
            Layout::Network => network_panels(columns),
            Layout::Contention => contention_panels(columns),
        };
        panels.retain(|panel| !panel.lines.is_empty());
        panels
    }
}

/// How a bucket of rows becomes one point.
#[derive(Clone, Copy)]
pub enum Reduce {
    /// Rates and fractions: the mean per row.
    Mean,
    /// Tail latency: the worst row, so spikes survive.
    Max,
    /// Levels such as tickets sold: the value at the end of the bucket.
    Last,
}

/// The time series as a layout reads it: columns by name, bucketed into
/// points on the dashboard's time axis.
pub struct Columns<'a> {
    /// The rows.
    pub series: &'a Timeseries,
    /// Rows per point.
    pub bucket: usize,
    /// Seconds per unit of the time axis.
    pub unit_s: f64,
    /// Seconds per row.
    pub step_s: f64,
}

impl Columns<'_> {
    /// A line of the column `name`, if the file has it.
    fn line(&self, name: &str, label: &str, color: usize, reduce: Reduce) -> Option<Line> {
        let values = self.series.column(name)?;
        Some(self.line_of(values, label, color, reduce))
    }

    /// A line of values derived from columns (one per row).
    fn line_of(&self, values: &[f64], label: &str, color: usize, reduce: Reduce) -> Line {
        Line {
            label: label.to_owned(),
            color: palette::series(color),
            width: 2,
            points: bucketed(self.series.t_s(), values, self.bucket, reduce, self.unit_s),
        }
    }

    /// The column `name` with `f` applied to each value.
    fn map(&self, name: &str, mut f: impl FnMut(f64) -> f64) -> Option<Vec<f64>> {
        Some(self.series.column(name)?.iter().map(|&v| f(v)).collect())
    }

    /// `a[i] op b[i]` for two columns.
    fn combine(&self, a: &str, b: &str, op: impl Fn(f64, f64) -> f64) -> Option<Vec<f64>> {
        let (a, b) = (self.series.column(a)?, self.series.column(b)?);
        Some(a.iter().zip(b).map(|(&a, &b)| op(a, b)).collect())
    }

    /// Column names ending in `suffix`, with what comes before it.
    fn with_suffix(&self, suffix: &str) -> Vec<(String, String)> {
        self.series
            .names()
            .iter()
            .filter_map(|name| Some((name.clone(), name.strip_suffix(suffix)?.to_owned())))
            .filter(|(_, stem)| !stem.is_empty())
            .collect()
    }
}

/// True if the column exists and is not zero everywhere.
pub fn any_nonzero(series: &Timeseries, name: &str) -> bool {
    series
        .column(name)
        .is_some_and(|values| values.iter().any(|&v| v != 0.0))
}

/// A panel on a linear axis from zero.
fn linear(title: &str, y_desc: &str, lines: Vec<Option<Line>>) -> Panel {
    Panel {
        title: title.to_owned(),
        y_desc: y_desc.to_owned(),
        scale: Scale::Linear,
        y_bounds: None,
        lines: lines.into_iter().flatten().collect(),
    }
}

/// One panel per concern an SRE watches during an on-sale.
fn onsale_panels(columns: &Columns) -> Vec<Panel> {
    let series = columns.series;
    let line = |name: &str, label: &str, color: usize, reduce: Reduce| {
        columns.line(name, label, color, reduce)
    };
    let mut panels = vec![
        linear(
            "Arrivals and admissions",
            "per s",
            vec![
                line("arrivals", "fans and bots arriving", 0, Reduce::Mean),
                line(
                    "admitted",
                    "admitted from the waiting room",
                    2,
                    Reduce::Mean,
                ),
            ],
        ),
        linear(
            "Waiting room",
            "waiting",
            vec![
                line(
                    "waiting_room_entries",
                    "entries in the queue",
                    4,
                    Reduce::Last,
                ),
                // People, where a `[visitors]` crowd is modelled beside the
                // fans: one person may hold several entries.
                line("visitors_waiting", "visitors waiting", 5, Reduce::Last),
            ],
        ),
        linear(
            "Tickets",
            "tickets",
            vec![
                line("tickets_sold", "sold", 2, Reduce::Last),
                line("inventory_left", "inventory left", 1, Reduce::Last),
            ],
        ),
        latency_panel(columns),
        linear(
            "System errors (rejections and timeouts)",
            "errors per s",
            vec![line("errors", "system errors", 3, Reduce::Mean)],
        ),
        // The queue's status service: the crowd's polls, and those it failed
        // (Eras 2022, Coldplay 2024: the page "down" while the queue held).
        linear(
            "Queue status polls",
            "polls per s",
            if any_nonzero(series, "queue_polls") {
                vec![
                    line("queue_polls", "status polls", 0, Reduce::Mean),
                    line("queue_poll_errors", "failed polls", 3, Reduce::Mean),
                ]
            } else {
                Vec::new()
            },
        ),
        Panel {
            y_bounds: Some((0.0, 1.05)),
            ..linear(
                "Utilization",
                "busy fraction",
                pool_columns(series)
                    .into_iter()
                    .enumerate()
                    .map(|(index, (column, label))| {
                        line(&column, &label, pool_color(&column, index), Reduce::Mean)
                    })
                    .collect(),
            )
        },
        linear(
            "Live holds",
            "holds",
            vec![line("holds_active", "live holds", 4, Reduce::Last)],
        ),
        linear(
            "Queues",
            "requests waiting",
            vec![
                line("app_queue", "app servers", 0, Reduce::Mean),
                line("database_queue", "database", 1, Reduce::Mean),
            ],
        ),
    ];
    // Instances only tell a story when something changed them (autoscaling, a runbook).
    let instances = series.column("app_instances").unwrap_or(&[]);
    if instances.windows(2).any(|pair| pair[0] != pair[1]) {
        panels.push(linear(
            "App instances (autoscaling)",
            "instances",
            vec![line("app_instances", "app instances", 0, Reduce::Last)],
        ));
    }
    panels
}

/// The palette index of the `index`-th pool column: the three pools of every
/// run keep their colours across runs (and between dashboard and replay).
pub fn pool_color(column: &str, index: usize) -> usize {
    match column {
        "app_utilization" => 0,
        "database_utilization" => 1,
        "replica_utilization" => 4,
        _ => 2 + index,
    }
}

/// Every pool's `*_utilization` column in the run, with a label: the panel
/// follows the components present (an access check or a new pool adds a line).
pub fn pool_columns(series: &Timeseries) -> Vec<(String, String)> {
    series
        .names()
        .iter()
        .filter_map(|name| {
            let pool = name.strip_suffix("_utilization")?;
            let label = match pool {
                "app" => "app servers".to_owned(),
                "replica" => "replicas".to_owned(),
                other => other.replace('_', " "),
            };
            Some((name.clone(), label))
        })
        .collect()
}

/// p99 (thick, in the legend) and p50 (thin) per endpoint, on a log axis because
/// a healthy 30 ms and a 15 s timeout must both be readable.
fn latency_panel(columns: &Columns) -> Panel {
    let series = columns.series;
    // Every endpoint the run has a latency column for, in file order.
    let endpoints: Vec<&str> = series
        .names()
        .iter()
        .filter_map(|name| name.strip_suffix("_p99_s"))
        .collect();
    let mut lines = Vec::new();
    for (index, endpoint) in endpoints.iter().enumerate() {
        for (quantile, width, reduce) in [("p99", 3, Reduce::Max), ("p50", 1, Reduce::Mean)] {
            let label = if quantile == "p99" {
                endpoint.replace('_', " ")
            } else {
                String::new()
            };
            if let Some(line) =
                columns.line(&format!("{endpoint}_{quantile}_s"), &label, index, reduce)
            {
                lines.push(Line { width, ..line });
            }
        }
    }
    Panel {
        title: "Latency per endpoint: p99 thick, p50 thin".to_owned(),
        y_desc: "seconds (log)".to_owned(),
        scale: Scale::Log,
        y_bounds: None,
        lines,
    }
}

/// A service under retries: is goodput keeping up with the offered load, how
/// much of the server's work is wasted on abandoned attempts, and why.
fn service_panels(columns: &Columns) -> Vec<Panel> {
    let series = columns.series;
    let line = |name: &str, label: &str, color: usize, reduce: Reduce| {
        columns.line(name, label, color, reduce)
    };
    let wasted = columns
        .combine("completions", "goodput", |all, useful| all - useful)
        .map(|values| columns.line_of(&values, "wasted completions", 5, Reduce::Mean));
    let shed = any_nonzero(series, "shed")
        .then(|| line("shed", "refused by shedding", 4, Reduce::Mean))
        .flatten();
    // Mean server latency of the attempts finished in each second; none finished: a gap.
    let latency = columns
        .combine("latency_total_s", "completions", |total, count| {
            if count > 0.0 { total / count } else { f64::NAN }
        })
        .map(|values| columns.line_of(&values, "mean server latency", 0, Reduce::Max));
    vec![
        linear(
            "Calls: offered load and goodput",
            "per s",
            vec![
                line("offered", "offered (new calls)", 0, Reduce::Mean),
                line("attempts", "attempts (with retries)", 1, Reduce::Mean),
                line("goodput", "goodput (calls succeeded)", 2, Reduce::Mean),
            ],
        ),
        linear(
            "Failed attempts and wasted work",
            "per s",
            vec![line("timeouts", "timeouts", 3, Reduce::Mean), wasted, shed],
        ),
        linear(
            "Requests in flight at the server",
            "requests",
            vec![line("in_flight", "in flight", 4, Reduce::Last)],
        ),
        Panel {
            scale: Scale::Log,
            ..linear(
                "Server latency of finished attempts",
                "seconds (log)",
                vec![latency],
            )
        },
    ]
}

/// A queueing network: per station, customers waiting, utilization and
/// arrivals, each a time average over the row's interval, and the running
/// mean of customers waiting, which settles at the steady state (Lq).
fn network_panels(columns: &Columns) -> Vec<Panel> {
    let per_station = |suffix: &str, reduce: Reduce| -> Vec<Option<Line>> {
        columns
            .with_suffix(suffix)
            .into_iter()
            .enumerate()
            .map(|(index, (name, station))| columns.line(&name, &station, index, reduce))
            .collect()
    };
    let running_means = columns
        .with_suffix("_queue")
        .into_iter()
        .enumerate()
        .map(|(index, (name, station))| {
            let (mut total, mut rows) = (0.0, 0.0);
            let means = columns.map(&name, |value| {
                total += value;
                rows += 1.0;
                total / rows
            })?;
            Some(columns.line_of(&means, &station, index, Reduce::Last))
        })
        .collect();
    vec![
        linear(
            "Customers waiting (time average per row)",
            "customers",
            per_station("_queue", Reduce::Mean),
        ),
        Panel {
            y_bounds: Some((0.0, 1.05)),
            ..linear(
                "Utilization (time average per row)",
                "busy fraction",
                per_station("_utilization", Reduce::Mean),
            )
        },
        linear(
            "Arrivals per station",
            "per s",
            per_station("_arrivals_per_s", Reduce::Mean),
        ),
        linear(
            "Customers waiting: running mean since T",
            "customers",
            running_means,
        ),
    ]
}

/// Optimistic concurrency: how much work the server does, how much of it
/// fails, and how fast the clients get through.
fn contention_panels(columns: &Columns) -> Vec<Panel> {
    let series = columns.series;
    let step_s = columns.step_s;
    let rate = |values: Option<Vec<f64>>, label: &str, color: usize| {
        let values: Vec<f64> = values?.iter().map(|count| count / step_s).collect();
        Some(columns.line_of(&values, label, color, Reduce::Mean))
    };
    let so_far = |name: &str, label: &str, color: usize| {
        let mut total = 0.0;
        let values = columns.map(name, |count| {
            total += count;
            total
        })?;
        Some(columns.line_of(&values, label, color, Reduce::Last))
    };
    let accepted = columns.combine("writes", "failed_writes", |all, failed| all - failed);
    let gave_up = any_nonzero(series, "gave_up")
        .then(|| so_far("gave_up", "gave up (so far)", 3))
        .flatten();
    vec![
        linear(
            "Writes: failed and accepted",
            "per s",
            vec![
                rate(
                    columns.map("failed_writes", |count| count),
                    "failed (stale version)",
                    3,
                ),
                rate(accepted, "accepted", 2),
            ],
        ),
        linear(
            "Clients still trying",
            "clients",
            vec![
                columns.line("clients_waiting", "still trying", 4, Reduce::Last),
                gave_up,
            ],
        ),
        linear(
            "Work so far",
            "writes",
            vec![
                so_far("writes", "writes (calls)", 0),
                so_far("failed_writes", "failed writes", 3),
            ],
        ),
    ]
}

/// (time at the end of each bucket in axis units, reduced value).
fn bucketed(
    t_s: &[f64],
    values: &[f64],
    bucket: usize,
    reduce: Reduce,
    unit_s: f64,
) -> Vec<(f64, f64)> {
    t_s.chunks(bucket)
        .zip(values.chunks(bucket))
        .map(|(times, chunk)| {
            let end = times[times.len() - 1] / unit_s;
            let finite = chunk.iter().copied().filter(|value| value.is_finite());
            let value = match reduce {
                Reduce::Mean => {
                    let (sum, count) =
                        finite.fold((0.0, 0usize), |(sum, count), v| (sum + v, count + 1));
                    if count == 0 {
                        f64::NAN
                    } else {
                        sum / count as f64
                    }
                }
                Reduce::Max => finite.fold(f64::NAN, f64::max),
                Reduce::Last => chunk[chunk.len() - 1],
            };
            (end, value)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn buckets_average_rates_and_keep_latency_spikes() {
        let t = [1.0, 2.0, 3.0, 4.0];
        let v = [1.0, 3.0, 10.0, f64::NAN];
        assert_eq!(
            bucketed(&t, &v, 2, Reduce::Mean, 60.0),
            vec![(2.0 / 60.0, 2.0), (4.0 / 60.0, 10.0)]
        );
        assert_eq!(bucketed(&t, &v, 2, Reduce::Max, 60.0)[0].1, 3.0);
        assert!(bucketed(&t, &v, 4, Reduce::Last, 60.0)[0].1.is_nan());
    }

    fn columns(csv: &str) -> Timeseries {
        Timeseries::parse(std::path::Path::new("t.csv"), csv.as_bytes()).expect("parses")
    }

    /// The series one row per point, on an axis of `unit_s` seconds.
    fn view(series: &Timeseries, unit_s: f64, step_s: f64) -> Columns<'_> {
        Columns {
            series,
            bucket: 1,
            unit_s,
            step_s,
        }
    }

    #[test]
    fn every_kind_has_a_layout_and_its_panels_follow_the_columns() {
        for kind in ["onsale", "service", "network", "contention"] {
            assert!(Layout::of_kind(kind).is_some(), "{kind}");
        }
        assert_eq!(Layout::of_kind("other"), None);
        let series = columns(
            "t_s,desk_queue,desk_utilization,desk_arrivals_per_s\n300,1.5,0.9,7.2\n600,2.5,0.8,7.0\n",
        );
        let panels = Layout::Network.panels(&view(&series, 3600.0, 300.0));
        assert_eq!(panels.len(), 4);
        assert_eq!(panels[0].lines[0].label, "desk");
        assert_eq!(
            panels[0].lines[0].points,
            vec![(300.0 / 3600.0, 1.5), (600.0 / 3600.0, 2.5)]
        );
        // The running mean of 1.5 and 2.5.
        assert_eq!(panels[3].lines[0].points[1].1, 2.0);
    }

    /// The status-poll panel appears when the crowd polled, with its failures;
    /// a run whose columns are all zero (or absent) does not get an empty one.
    #[test]
    fn onsale_poll_panel_follows_the_crowd() {
        let poll_and_waiting = |csv: &str| {
            let series = columns(csv);
            let panels = Layout::Onsale.panels(&view(&series, 60.0, 1.0));
            let polls = panels
                .iter()
                .find(|panel| panel.title == "Queue status polls")
                .map(|panel| {
                    panel
                        .lines
                        .iter()
                        .map(|l| l.points[1].1)
                        .collect::<Vec<_>>()
                });
            let waiting = panels
                .iter()
                .find(|panel| panel.title == "Waiting room")
                .map(|panel| panel.lines.len());
            (polls, waiting)
        };
        let (polls, waiting) = poll_and_waiting(
            "t_s,waiting_room_entries,queue_polls,queue_poll_errors,visitors_waiting\n1,5,100,0,9\n2,5,900,450,9\n",
        );
        assert_eq!(polls, Some(vec![900.0, 450.0]));
        assert_eq!(waiting, Some(2), "entries and visitors");
        let (polls, waiting) = poll_and_waiting(
            "t_s,waiting_room_entries,queue_polls,queue_poll_errors\n1,5,0,0\n2,5,0,0\n",
        );
        assert_eq!(polls, None);
        assert_eq!(waiting, Some(1));
    }

    #[test]
    fn service_wasted_work_and_latency_are_derived_from_the_columns() {
        let series = columns(
            "t_s,offered,attempts,goodput,completions,timeouts,shed,in_flight,latency_total_s\n1,40,40,30,35,0,0,60,70\n2,40,90,0,0,50,0,120,0\n",
        );
        let panels = Layout::Service.panels(&view(&series, 60.0, 1.0));
        let titles: Vec<&str> = panels.iter().map(|p| p.title.as_str()).collect();
        assert_eq!(titles.len(), 4, "{titles:?}");
        let wasted = &panels[1].lines[1];
        assert_eq!(wasted.label, "wasted completions");
        assert_eq!(wasted.points[0].1, 5.0);
        // No shedding in the run: no shedding line.
        assert_eq!(panels[1].lines.len(), 2);
        let latency = &panels[3].lines[0].points;
        assert_eq!(latency[0].1, 2.0);
        assert!(latency[1].1.is_nan(), "no attempt finished: a gap, not 0");
    }
}
