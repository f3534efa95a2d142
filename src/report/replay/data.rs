//! The data a replay embeds: the panels' columns of `timeseries.csv`, bucketed
//! to at most [`MAX_POINTS`] points, and the incidents. Numbers keep four
//! significant digits, which is finer than a pixel and keeps an 8-hour run's
//! page to about a megabyte.

use serde_json::{Value, json};

use crate::report::plots::{Incident, Timeseries, pool_color, pool_columns};

/// Most points per line: two hours at one per second. Longer runs are bucketed
/// into equal runs of whole seconds.
pub const MAX_POINTS: usize = 7_200;

/// How a bucket of rows becomes one point.
#[derive(Clone, Copy)]
enum Reduce {
    /// Rates and fractions: the mean of the rows.
    Mean,
    /// Tail latency: the worst row, so spikes survive.
    Max,
    /// Levels such as tickets sold: the row at the end of the bucket.
    Last,
}

/// One line of a panel, before bucketing.
struct Line {
    column: String,
    label: String,
    color: usize,
    reduce: Reduce,
}

impl Line {
    fn new(column: &str, label: &str, color: usize, reduce: Reduce) -> Line {
        Line {
            column: column.to_owned(),
            label: label.to_owned(),
            color,
            reduce,
        }
    }
}

/// One panel: an id the page and its tests find it by, a title, a unit, a scale.
struct Panel {
    id: &'static str,
    title: &'static str,
    unit: &'static str,
    log: bool,
    /// A fixed top of the axis (utilisation: 1); otherwise it grows with the data shown.
    max: Option<f64>,
    lines: Vec<Line>,
}

/// The panels a replay draws, in page order; a panel whose columns the run
/// lacks is left out, and so is a line.
fn panels(series: &Timeseries) -> Vec<Panel> {
    let latency = series
        .names()
        .iter()
        .filter_map(|name| name.strip_suffix("_p99_s"))
        .enumerate()
        .map(|(index, endpoint)| {
            Line::new(
                &format!("{endpoint}_p99_s"),
                &format!("{} p99", endpoint.replace('_', " ")),
                index,
                Reduce::Max,
            )
        })
        .collect();
    let utilisation = pool_columns(series)
        .into_iter()
        .enumerate()
        .map(|(index, (column, label))| {
            Line::new(&column, &label, pool_color(&column, index), Reduce::Mean)
        })
        .collect();
    let mut panels = vec![
        Panel {
            id: "waiting-room",
            title: "Waiting room",
            unit: "entries waiting",
            log: false,
            max: None,
            lines: vec![Line::new(
                "waiting_room_entries",
                "entries in the queue",
                4,
                Reduce::Last,
            )],
        },
        Panel {
            id: "admissions",
            title: "Arrivals and admissions",
            unit: "per s",
            log: false,
            max: None,
            lines: vec![
                Line::new("arrivals", "arriving", 0, Reduce::Mean),
                Line::new("admitted", "admitted", 2, Reduce::Mean),
            ],
        },
        Panel {
            id: "inventory",
            title: "Inventory",
            unit: "tickets",
            log: false,
            max: None,
            lines: vec![
                Line::new("inventory_left", "inventory left", 1, Reduce::Last),
                Line::new("tickets_sold", "sold", 2, Reduce::Last),
                Line::new("holds_active", "live holds", 4, Reduce::Last),
            ],
        },
        Panel {
            id: "errors",
            title: "System errors",
            unit: "errors per s",
            log: false,
            max: None,
            lines: vec![Line::new("errors", "system errors", 3, Reduce::Mean)],
        },
        Panel {
            id: "latency",
            title: "Latency p99 per endpoint",
            unit: "seconds (log)",
            log: true,
            max: None,
            lines: latency,
        },
        Panel {
            id: "utilisation",
            title: "Utilisation",
            unit: "busy fraction",
            log: false,
            max: Some(1.0),
            lines: utilisation,
        },
    ];
    for panel in &mut panels {
        panel
            .lines
            .retain(|line| series.column(&line.column).is_some());
    }
    panels.retain(|panel| !panel.lines.is_empty());
    panels
}

/// Rows per point: 1 up to [`MAX_POINTS`] rows, then enough to stay under it.
fn bucket(rows: usize) -> usize {
    rows.div_ceil(MAX_POINTS).max(1)
}

/// `{ "bucket_s", "t", "panels": [...] }`: each point's time (the last second
/// of its bucket) and, per panel, its lines' values (null where undefined).
pub fn series(series: &Timeseries) -> Value {
    let bucket = bucket(series.len());
    let times: Vec<Value> = series
        .t_s()
        .chunks(bucket)
        .map(|chunk| time(*chunk.last().expect("chunks are not empty")))
        .collect();
    let panels: Vec<Value> = panels(series)
        .iter()
        .map(|panel| {
            let lines: Vec<Value> = panel
                .lines
                .iter()
                .map(|line| {
                    let values = series.column(&line.column).unwrap_or(&[]);
                    json!({
                        "column": line.column,
                        "label": line.label,
                        "color": line.color,
                        "values": values
                            .chunks(bucket)
                            .map(|chunk| number(reduce(chunk, line.reduce)))
                            .collect::<Vec<Value>>(),
                    })
                })
                .collect();
            json!({
                "id": panel.id,
                "title": panel.title,
                "unit": panel.unit,
                "log": panel.log,
                "max": panel.max,
                "lines": lines,
            })
        })
        .collect();
    json!({ "bucket_s": bucket, "t": times, "panels": panels })
}

/// The incidents in time order, with the words the postmortem uses for their kinds.
pub fn incidents(incidents: &[Incident]) -> Value {
    incidents
        .iter()
        .map(|incident| {
            json!({
                "t": time(incident.t_s),
                "kind": incident.kind.name(),
                "title": incident.kind.title(),
                "component": incident.component,
                "detail": incident.detail,
            })
        })
        .collect()
}

fn reduce(chunk: &[f64], how: Reduce) -> f64 {
    let defined = chunk.iter().copied().filter(|value| value.is_finite());
    match how {
        Reduce::Last => *chunk.last().unwrap_or(&f64::NAN),
        Reduce::Max => defined.fold(f64::NAN, f64::max),
        Reduce::Mean => {
            let (sum, count) = defined.fold((0.0, 0usize), |(sum, count), value| {
                (sum + value, count + 1)
            });
            if count == 0 {
                f64::NAN
            } else {
                sum / count as f64
            }
        }
    }
}

/// A time in seconds to the millisecond (whole seconds as integers), or null.
pub fn time(t_s: f64) -> Value {
    if !t_s.is_finite() {
        return Value::Null;
    }
    let milliseconds = (t_s * 1000.0).round();
    if milliseconds % 1000.0 == 0.0 {
        json!((milliseconds / 1000.0) as i64)
    } else {
        json!(milliseconds / 1000.0)
    }
}

/// A JSON number with four significant digits (whole numbers exactly, up to
/// 2^53), or null for NaN and infinities.
pub fn number(value: f64) -> Value {
    if !value.is_finite() {
        return Value::Null;
    }
    if value.fract() == 0.0 && value.abs() < 9_007_199_254_740_992.0 {
        return json!(value as i64);
    }
    let rounded: f64 = format!("{value:.3e}").parse().unwrap_or(value);
    if rounded.fract() == 0.0 && rounded.abs() < 9_007_199_254_740_992.0 {
        json!(rounded as i64)
    } else {
        json!(rounded)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    #[test]
    fn numbers_keep_four_significant_digits_and_whole_numbers_exactly() {
        assert_eq!(number(123456.0).to_string(), "123456");
        assert_eq!(number(0.0123456).to_string(), "0.01235");
        assert_eq!(number(2.00004).to_string(), "2");
        assert_eq!(number(-1799.0).to_string(), "-1799");
        assert_eq!(number(f64::NAN), Value::Null);
        // Times keep every second: an incident at T+8h57m27.379s is not moved to T+8h57m30s.
        assert_eq!(time(32247.378690336).to_string(), "32247.379");
        assert_eq!(time(151.0).to_string(), "151");
    }

    #[test]
    fn long_runs_are_bucketed_and_short_ones_are_not() {
        assert_eq!(bucket(5_400), 1);
        assert_eq!(bucket(7_200), 1);
        assert_eq!(bucket(7_201), 2);
        assert_eq!(bucket(30_600), 5);
        let mut csv = String::from("t_s,waiting_room_entries,errors,hold_p99_s\n");
        for t in 0..7_203 {
            csv.push_str(&format!(
                "{t},{t},{},{}\n",
                t % 2,
                if t == 1 { 9.0 } else { 0.5 }
            ));
        }
        let series = series(&Timeseries::parse(Path::new("t.csv"), csv.as_bytes()).unwrap());
        assert_eq!(series["bucket_s"], 2);
        let times = series["t"].as_array().unwrap();
        assert_eq!(times.len(), 3_602);
        assert_eq!(
            (times[0].clone(), times[3_601].clone()),
            (json!(1), json!(7_202))
        );
        let panel = |id: &str| {
            series["panels"]
                .as_array()
                .unwrap()
                .iter()
                .find(|panel| panel["id"] == id)
                .unwrap_or_else(|| panic!("no panel {id}"))
                .clone()
        };
        // Levels keep the bucket's last row, rates its mean, tail latency its worst.
        assert_eq!(panel("waiting-room")["lines"][0]["values"][0], json!(1));
        assert_eq!(panel("errors")["lines"][0]["values"][0], json!(0.5));
        assert_eq!(panel("latency")["lines"][0]["values"][0], json!(9));
        assert_eq!(panel("latency")["lines"][0]["label"], "hold p99");
        assert!(
            series["panels"]
                .as_array()
                .unwrap()
                .iter()
                .all(|p| p["id"] != "inventory")
        );
    }
}
