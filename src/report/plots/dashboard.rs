//! The run dashboard: one panel per concern of the model kind (see
//! [`Layout`]), all on the same time axis, with fault windows and incidents
//! drawn on every panel so cause and effect line up vertically.

use std::ops::Range;
use std::path::{Path, PathBuf};

use plotters::coord::Shift;
use plotters::prelude::*;

use super::PlotError;
use super::figure::{Figure, Target, alongside, write_png, write_svg};
use super::font::FAMILY;
use super::incidents::{Incident, IncidentKind, fault_windows};
use super::layout::{Columns, Layout};
use super::palette;
use super::panel::{LABEL_PX, Overlay, Panel, draw_panel, fault_fill};
use super::time_label::TimeAxis;
use super::timeseries::Timeseries;

/// File stem of the dashboard: `dashboard.png` and `dashboard.svg`.
pub const DASHBOARD: &str = "dashboard";

/// More points than pixels only bloat the SVG: longer runs are averaged into
/// buckets of whole rows so that at most this many points remain per line.
const MAX_POINTS: usize = 800;
const WIDTH_PX: u32 = 1600;
const PANEL_HEIGHT_PX: u32 = 400;
const HEADER_PX: u32 = 104;

/// Writes `dir/dashboard.png` and `dir/dashboard.svg` with the panels of
/// `layout`; returns both paths.
pub fn dashboard(
    dir: &Path,
    layout: Layout,
    title: &str,
    series: &Timeseries,
    incidents: &[Incident],
) -> Result<Vec<PathBuf>, PlotError> {
    dashboard_then(dir, layout, title, series, incidents, |_| ()).map(|(written, ())| written)
}

/// [`dashboard`], also handing the SVG's text to `then` (the postmortem embeds it)
/// while the PNG is still being drawn on a second thread. Returns both paths
/// and what `then` returned.
pub fn dashboard_then<T>(
    dir: &Path,
    layout: Layout,
    title: &str,
    series: &Timeseries,
    incidents: &[Incident],
    then: impl FnOnce(&str) -> T,
) -> Result<(Vec<PathBuf>, T), PlotError> {
    let figure = Dashboard::new(layout, title, series, incidents);
    let (png, svg) = alongside(
        || write_png(&figure, dir, DASHBOARD),
        || write_svg(&figure, dir, DASHBOARD).map(|(path, text)| (path, then(&text))),
    );
    let (svg, after) = svg?;
    Ok((vec![png?, svg], after))
}

/// Everything the dashboard draws, decided before drawing.
struct Dashboard {
    title: String,
    subtitle: String,
    panels: Vec<Panel>,
    x: Range<f64>,
    axis: TimeAxis,
    overlay: Overlay,
    key: Vec<(String, RGBColor)>,
    /// What a shaded window is (a fault, a service's trigger); `None` for
    /// kinds that have neither.
    window: Option<&'static str>,
}

impl Dashboard {
    fn new(layout: Layout, title: &str, series: &Timeseries, incidents: &[Incident]) -> Dashboard {
        let bucket = series.len().div_ceil(MAX_POINTS).max(1);
        let t = series.t_s();
        let (first, last) = (
            t.first().copied().unwrap_or(0.0),
            t.last().copied().unwrap_or(1.0),
        );
        let step_s = match t {
            [a, b, ..] if b > a => b - a,
            _ => 1.0,
        };
        // At least 10 rows wide, so a very short run does not stretch a few
        // points across the whole chart.
        let end = last.max(first + 10.0 * step_s);
        let axis = TimeAxis::for_span(end - first);
        let unit_s = axis.seconds_per_unit();
        let x = first / unit_s..end / unit_s;
        let columns = Columns {
            series,
            bucket,
            unit_s,
            step_s,
        };
        Dashboard {
            title: title.to_owned(),
            subtitle: format!("{}. {}.", layout.origin(), resolution(step_s, bucket)),
            panels: layout.panels(&columns),
            overlay: overlay(incidents, last, &x, unit_s),
            key: key(incidents),
            window: layout.window(),
            x,
            axis,
        }
    }
}

/// How much time a point stands for.
fn resolution(step_s: f64, bucket: usize) -> String {
    match (step_s == 1.0, bucket) {
        (true, 1) => "Per-second data".to_owned(),
        (true, bucket) => format!(
            "Per-second data in {bucket} s buckets: rates are means, latencies the worst second"
        ),
        (false, 1) => format!("One row per {}", span_text(step_s)),
        (false, bucket) => format!(
            "Rows of {} in buckets of {bucket}: rates are means, latencies the worst row",
            span_text(step_s)
        ),
    }
}

/// 100 ms, 15 min, 2 h: a row's width in words.
fn span_text(seconds: f64) -> String {
    let (value, unit) = if seconds < 1.0 {
        (seconds * 1000.0, "ms")
    } else if seconds < 60.0 {
        (seconds, "s")
    } else if seconds < 3600.0 {
        (seconds / 60.0, "min")
    } else {
        (seconds / 3600.0, "h")
    };
    let text = format!("{value:.2}");
    format!(
        "{} {unit}",
        text.trim_end_matches('0').trim_end_matches('.')
    )
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
            draw_panel(
                &area,
                panel,
                self.x.clone(),
                self.axis,
                &self.overlay,
                target,
            )?;
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
        if let Some(window) = self.window {
            area.draw(&Rectangle::new(
                [(x, y - 2), (x + 28, y + 18)],
                fault_fill().filled(),
            ))?;
            let windows = if self.overlay.windows.is_empty() {
                format!("{window} (none in this run)")
            } else {
                window.to_owned()
            };
            area.draw_text(&windows, &text, (x + 36, y))?;
            x += 36 + area.estimate_text_size(&windows, &text)?.0 as i32 + 30;
        }
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
/// drawing each would make a 60 MB SVG. Times are in axis units of `unit_s`
/// seconds.
fn overlay(incidents: &[Incident], end_s: f64, x: &Range<f64>, unit_s: f64) -> Overlay {
    let inside = |at: f64| x.start <= at && at <= x.end;
    let pixel = (x.end - x.start) / PIXELS_PER_AXIS;
    let mut windows: Vec<(f64, f64)> = fault_windows(incidents, end_s)
        .iter()
        .map(|window| (window.start_s / unit_s, window.end_s / unit_s))
        .map(|(start, end)| (start.max(x.start), end.min(x.end)))
        .filter(|(start, end)| start < end)
        .collect();
    windows.sort_by(|a, b| a.0.total_cmp(&b.0));
    let mut markers: Vec<(f64, RGBColor)> = incidents
        .iter()
        .filter_map(|incident| Some((incident.t_s / unit_s, palette::marker(incident.kind)?)))
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
    fn the_subtitle_says_what_a_point_stands_for() {
        assert_eq!(resolution(1.0, 1), "Per-second data");
        assert_eq!(resolution(0.1, 1), "One row per 100 ms");
        assert_eq!(resolution(900.0, 1), "One row per 15 min");
        assert_eq!(span_text(7200.0), "2 h");
    }
}
