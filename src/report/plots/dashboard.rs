//! The run dashboard: one panel per concern an SRE watches during an on-sale,
//! all on the same time axis, with fault windows and incidents drawn on every
//! panel so cause and effect line up vertically.

use std::ops::Range;
use std::path::{Path, PathBuf};

use plotters::coord::Shift;
use plotters::prelude::*;

use super::PlotError;
use super::figure::{Figure, Target, render};
use super::font::FAMILY;
use super::incidents::{Incident, IncidentKind, fault_windows};
use super::palette;
use super::panel::{LABEL_PX, Line, Overlay, Panel, Scale, draw_panel, fault_fill};
use super::timeseries::Timeseries;

/// File stem of the dashboard: `dashboard.png` and `dashboard.svg`.
pub const DASHBOARD: &str = "dashboard";

/// More points than pixels only bloat the SVG: longer runs are averaged into
/// buckets of whole seconds so that at most this many points remain per line.
const MAX_POINTS: usize = 800;
const WIDTH_PX: u32 = 1600;
const PANEL_HEIGHT_PX: u32 = 400;
const HEADER_PX: u32 = 104;

/// Writes `dir/dashboard.png` and `dir/dashboard.svg`.
pub fn dashboard(
    dir: &Path,
    title: &str,
    series: &Timeseries,
    incidents: &[Incident],
) -> Result<Vec<PathBuf>, PlotError> {
    render(&Dashboard::new(title, series, incidents), dir, DASHBOARD)
}

/// The dashboard as an SVG document (what `dashboard.svg` holds).
pub fn dashboard_svg(
    title: &str,
    series: &Timeseries,
    incidents: &[Incident],
) -> Result<String, PlotError> {
    super::figure::svg(&Dashboard::new(title, series, incidents))
}

/// Everything the dashboard draws, decided before drawing.
struct Dashboard {
    title: String,
    subtitle: String,
    panels: Vec<Panel>,
    x: Range<f64>,
    overlay: Overlay,
    key: Vec<(String, RGBColor)>,
}

/// How a bucket of seconds becomes one point.
#[derive(Clone, Copy)]
enum Reduce {
    /// Rates and fractions: the mean per second.
    Mean,
    /// Tail latency: the worst second, so spikes survive.
    Max,
    /// Levels such as tickets sold: the value at the end of the bucket.
    Last,
}

impl Dashboard {
    fn new(title: &str, series: &Timeseries, incidents: &[Incident]) -> Dashboard {
        let bucket = series.len().div_ceil(MAX_POINTS).max(1);
        let t = series.t_s();
        let (first, last) = (
            t.first().copied().unwrap_or(0.0),
            t.last().copied().unwrap_or(1.0),
        );
        let x = first / 60.0..(last / 60.0).max(first / 60.0 + 1.0);
        let resolution = if bucket == 1 {
            "per-second data".to_owned()
        } else {
            format!(
                "per-second data in {bucket} s buckets: rates are means, latencies the worst second"
            )
        };
        Dashboard {
            title: title.to_owned(),
            subtitle: format!("Time from the opening (T). {resolution}."),
            panels: panels(series, bucket),
            overlay: overlay(incidents, last, &x),
            key: key(incidents),
            x,
        }
    }
}

impl Figure for Dashboard {
    fn size(&self) -> (u32, u32) {
        let rows = self.panels.len().div_ceil(2).max(1) as u32;
        (WIDTH_PX, HEADER_PX + rows * PANEL_HEIGHT_PX)
    }

    fn draw<DB: DrawingBackend>(
        &self,
        root: &DrawingArea<DB, Shift>,
        target: Target,
    ) -> Result<(), PlotError> {
        let (header, body) = root.split_vertically(HEADER_PX);
        self.draw_header(&header)?;
        let rows = self.panels.len().div_ceil(2).max(1);
        for (panel, area) in self.panels.iter().zip(body.split_evenly((rows, 2))) {
            draw_panel(&area, panel, self.x.clone(), &self.overlay, target)?;
        }
        Ok(())
    }
}

impl Dashboard {
    /// Title, then the key to the markers drawn on every panel.
    fn draw_header<DB: DrawingBackend>(
        &self,
        area: &DrawingArea<DB, Shift>,
    ) -> Result<(), PlotError> {
        let title = (FAMILY, 34)
            .into_font()
            .style(FontStyle::Bold)
            .into_text_style(area);
        area.draw_text(&self.title, &title, (16, 10))?;
        let text = (FAMILY, LABEL_PX).into_text_style(area);
        let (title_width, _) = area.estimate_text_size(&self.title, &title)?;
        area.draw_text(&self.subtitle, &text, (title_width as i32 + 40, 22))?;
        let y = 64;
        let mut x = 16;
        area.draw(&Rectangle::new(
            [(x, y - 2), (x + 28, y + 18)],
            fault_fill().filled(),
        ))?;
        let windows = if self.overlay.windows.is_empty() {
            "fault window (none in this run)"
        } else {
            "fault window"
        };
        area.draw_text(windows, &text, (x + 36, y))?;
        x += 36 + area.estimate_text_size(windows, &text)?.0 as i32 + 30;
        for (label, color) in &self.key {
            area.draw(&PathElement::new(
                vec![(x + 10, y - 4), (x + 10, y + 22)],
                color.stroke_width(3),
            ))?;
            area.draw_text(label, &text, (x + 20, y))?;
            x += 20 + area.estimate_text_size(label, &text)?.0 as i32 + 30;
        }
        Ok(())
    }
}

/// The incident kinds that occur, each once, for the header key.
fn key(incidents: &[Incident]) -> Vec<(String, RGBColor)> {
    IncidentKind::ALL
        .into_iter()
        .filter(|kind| incidents.iter().any(|incident| incident.kind == *kind))
        .filter_map(|kind| Some((kind.title().to_lowercase(), palette::marker(kind)?)))
        .collect()
}

/// Windows and markers closer than about a pixel are drawn once: a random
/// fault every second for an hour is thousands of incidents but one band, and
/// drawing each would make a 60 MB SVG.
fn overlay(incidents: &[Incident], end_s: f64, x: &Range<f64>) -> Overlay {
    let inside = |minutes: f64| x.start <= minutes && minutes <= x.end;
    let pixel = (x.end - x.start) / PIXELS_PER_AXIS;
    let mut windows: Vec<(f64, f64)> = fault_windows(incidents, end_s)
        .iter()
        .map(|window| (window.start_s / 60.0, window.end_s / 60.0))
        .map(|(start, end)| (start.max(x.start), end.min(x.end)))
        .filter(|(start, end)| start < end)
        .collect();
    windows.sort_by(|a, b| a.0.total_cmp(&b.0));
    let mut markers: Vec<(f64, RGBColor)> = incidents
        .iter()
        .filter_map(|incident| Some((incident.t_s / 60.0, palette::marker(incident.kind)?)))
        .filter(|&(at, _)| inside(at))
        .collect();
    markers.dedup_by(|later, earlier| later.1 == earlier.1 && later.0 - earlier.0 < pixel);
    Overlay {
        windows: union(windows, pixel),
        markers,
    }
}

/// About the width of a panel's plotting area, in pixels.
const PIXELS_PER_AXIS: f64 = 1000.0;

/// Merges windows (sorted by start) that overlap or are less than `gap` apart.
fn union(windows: Vec<(f64, f64)>, gap: f64) -> Vec<(f64, f64)> {
    let mut merged: Vec<(f64, f64)> = Vec::with_capacity(windows.len());
    for (start, end) in windows {
        match merged.last_mut() {
            Some(last) if start - last.1 < gap => last.1 = last.1.max(end),
            _ => merged.push((start, end)),
        }
    }
    merged
}

/// The panels, in reading order; a panel whose columns are all missing is left out.
fn panels(series: &Timeseries, bucket: usize) -> Vec<Panel> {
    let line = |column: &str, label: &str, color: usize, reduce: Reduce| {
        series.column(column).map(|values| Line {
            label: label.to_owned(),
            color: palette::series(color),
            width: 2,
            points: bucketed(series.t_s(), values, bucket, reduce),
        })
    };
    let linear = |title: &str, y_desc: &str, lines: Vec<Option<Line>>| Panel {
        title: title.to_owned(),
        y_desc: y_desc.to_owned(),
        scale: Scale::Linear,
        y_bounds: None,
        lines: lines.into_iter().flatten().collect(),
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
            "entries waiting",
            vec![line(
                "waiting_room_entries",
                "entries in the queue",
                4,
                Reduce::Last,
            )],
        ),
        linear(
            "Tickets",
            "tickets",
            vec![
                line("tickets_sold", "sold", 2, Reduce::Last),
                line("inventory_left", "inventory left", 1, Reduce::Last),
            ],
        ),
        latency_panel(series, bucket),
        linear(
            "System errors (rejections and timeouts)",
            "errors per s",
            vec![line("errors", "system errors", 3, Reduce::Mean)],
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
                        // The three pools of every run keep their colours across runs.
                        let color = match column.as_str() {
                            "app_utilization" => 0,
                            "database_utilization" => 1,
                            "replica_utilization" => 4,
                            _ => 2 + index,
                        };
                        line(&column, &label, color, Reduce::Mean)
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
        linear(
            "App instances (autoscaling)",
            "instances",
            vec![line("app_instances", "app instances", 0, Reduce::Last)],
        ),
    ];
    panels.retain(|panel| !panel.lines.is_empty());
    // Instances only tell a story when something changed them (autoscaling, a runbook).
    let instances = series.column("app_instances").unwrap_or(&[]);
    if instances.windows(2).all(|pair| pair[0] == pair[1]) {
        panels.retain(|panel| !panel.title.starts_with("App instances"));
    }
    panels
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
fn latency_panel(series: &Timeseries, bucket: usize) -> Panel {
    // Every endpoint the run has a latency column for, in file order.
    let endpoints: Vec<&str> = series
        .names()
        .iter()
        .filter_map(|name| name.strip_suffix("_p99_s"))
        .collect();
    let mut lines = Vec::new();
    for (index, endpoint) in endpoints.iter().enumerate() {
        for (quantile, width, reduce) in [("p99", 3, Reduce::Max), ("p50", 1, Reduce::Mean)] {
            if let Some(values) = series.column(&format!("{endpoint}_{quantile}_s")) {
                lines.push(Line {
                    label: if quantile == "p99" {
                        endpoint.replace('_', " ")
                    } else {
                        String::new()
                    },
                    color: palette::series(index),
                    width,
                    points: bucketed(series.t_s(), values, bucket, reduce),
                });
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

/// (minutes from the opening at the end of each bucket, reduced value).
fn bucketed(t_s: &[f64], values: &[f64], bucket: usize, reduce: Reduce) -> Vec<(f64, f64)> {
    t_s.chunks(bucket)
        .zip(values.chunks(bucket))
        .map(|(times, chunk)| {
            let end = times[times.len() - 1] / 60.0;
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
    fn windows_closer_than_the_gap_merge_and_distant_ones_stay_apart() {
        let windows = vec![(0.0, 1.0), (0.5, 2.0), (2.05, 3.0), (5.0, 6.0)];
        assert_eq!(union(windows, 0.1), vec![(0.0, 3.0), (5.0, 6.0)]);
        assert_eq!(union(vec![(0.0, 1.0), (1.2, 2.0)], 0.1).len(), 2);
    }

    #[test]
    fn buckets_average_rates_and_keep_latency_spikes() {
        let t = [1.0, 2.0, 3.0, 4.0];
        let v = [1.0, 3.0, 10.0, f64::NAN];
        assert_eq!(
            bucketed(&t, &v, 2, Reduce::Mean),
            vec![(2.0 / 60.0, 2.0), (4.0 / 60.0, 10.0)]
        );
        assert_eq!(bucketed(&t, &v, 2, Reduce::Max)[0].1, 3.0);
        assert!(bucketed(&t, &v, 4, Reduce::Last)[0].1.is_nan());
    }
}
