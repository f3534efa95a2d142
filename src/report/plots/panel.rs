//! One time-series panel: lines over virtual time (minutes from the opening),
//! with its own legend strip above the plot so that no legend hides data, and
//! the run's fault windows and incident markers drawn on top.

use std::ops::Range;

use plotters::coord::Shift;
use plotters::coord::ranged1d::{Ranged, ValueFormatter};
use plotters::coord::types::RangedCoordf64;
use plotters::prelude::*;

use super::PlotError;
use super::figure::Target;
use super::font::FAMILY;
use super::time_label::TimeAxis;

/// Text sizes as plotters takes them (it draws glyphs at 1/1.24 of this many
/// pixels), chosen to stay readable on a 1600-pixel-wide PNG shown scaled down.
pub const TITLE_PX: u32 = 28;
/// Tick labels and legends.
pub const LABEL_PX: u32 = 20;

/// How the y axis maps values.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Scale {
    /// From zero (or the given bounds).
    Linear,
    /// Logarithmic; values ≤ 0 are left out.
    Log,
}

/// One line of a panel.
#[derive(Clone, Debug)]
pub struct Line {
    /// Legend text; empty lines stay out of the legend.
    pub label: String,
    /// Colour.
    pub color: RGBColor,
    /// Stroke width in pixels.
    pub width: u32,
    /// (time from T in the axis unit, value); non-finite values break the line.
    pub points: Vec<(f64, f64)>,
}

/// A panel: title, y axis and lines.
#[derive(Clone, Debug)]
pub struct Panel {
    /// Shown above the plot.
    pub title: String,
    /// Y axis description, with units.
    pub y_desc: String,
    /// Linear or log.
    pub scale: Scale,
    /// Fixed y bounds, or `None` to fit the data.
    pub y_bounds: Option<(f64, f64)>,
    /// The lines, drawn in order.
    pub lines: Vec<Line>,
}

/// What is drawn over every panel: shaded fault windows and vertical markers,
/// all in the time axis unit from T.
#[derive(Clone, Debug, Default)]
pub struct Overlay {
    /// (start, end) of each fault.
    pub windows: Vec<(f64, f64)>,
    /// (time, colour) of each instant.
    pub markers: Vec<(f64, RGBColor)>,
}

/// Fault windows are a light wash so lines stay readable through them.
pub fn fault_fill() -> RGBAColor {
    RGBColor(214, 39, 40).mix(0.13)
}

/// Draws `panel` filling `area`, with the time axis spanning `x` in `axis` units.
pub fn draw_panel<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    panel: &Panel,
    x: Range<f64>,
    axis: TimeAxis,
    overlay: &Overlay,
    target: Target,
) -> Result<(), PlotError> {
    let area = area.margin(6, 6, 10, 16);
    let (head, body) = area.split_vertically(TITLE_PX + LABEL_PX + 20);
    draw_head(&head, panel)?;
    let mut builder = ChartBuilder::on(&body);
    builder
        .x_label_area_size(LABEL_PX + 16)
        .y_label_area_size(96)
        // Room for half of the last time label ("T+200h") right of the axis.
        .margin_right(24);
    let (low, high) = panel.y_bounds.unwrap_or_else(|| fit(panel));
    match panel.scale {
        Scale::Linear => {
            let chart = builder.build_cartesian_2d(x, low..high)?;
            finish(chart, panel, (axis, overlay), (low, high), &compact, target)
        }
        Scale::Log => {
            let chart = builder.build_cartesian_2d(x, (low..high).log_scale())?;
            finish(chart, panel, (axis, overlay), (low, high), &seconds, target)
        }
    }
}

fn finish<DB: DrawingBackend, Y: Ranged<ValueType = f64> + ValueFormatter<f64>>(
    mut chart: ChartContext<'_, DB, Cartesian2d<RangedCoordf64, Y>>,
    panel: &Panel,
    (axis, overlay): (TimeAxis, &Overlay),
    (low, high): (f64, f64),
    y_format: &dyn Fn(&f64) -> String,
    target: Target,
) -> Result<(), PlotError> {
    chart
        .configure_mesh()
        .x_labels(6)
        .y_labels(6)
        .x_label_formatter(&|at| axis.label(*at))
        .y_label_formatter(y_format)
        .y_desc(panel.y_desc.as_str())
        .label_style((FAMILY, LABEL_PX))
        .axis_desc_style((FAMILY, LABEL_PX))
        .light_line_style(RGBColor(0, 0, 0).mix(0.04))
        .bold_line_style(RGBColor(0, 0, 0).mix(0.12))
        .draw()?;
    // A 45 s failover on a 90 min axis is a few pixels wide: widen short
    // windows to a visible minimum and outline their edges.
    let x_range = chart.x_range();
    let min_width = (x_range.end - x_range.start) / 250.0;
    for &(start, end) in &overlay.windows {
        let end = end.max(start + min_width);
        chart.draw_series(std::iter::once(Rectangle::new(
            [(start, low), (end, high)],
            fault_fill().filled(),
        )))?;
        let edge = RGBColor(214, 39, 40).mix(0.5).stroke_width(1);
        chart.draw_series(
            [start, end].map(|at| PathElement::new(vec![(at, low), (at, high)], edge)),
        )?;
    }
    for line in &panel.lines {
        let style = line.color.stroke_width(line.width);
        for run in segments(&line.points, panel.scale) {
            if target == Target::Png && line.width > 1 {
                let pieces = run
                    .windows(2)
                    .map(|pair| PathElement::new(pair.to_vec(), style));
                chart.draw_series(pieces)?;
            } else {
                chart.draw_series(LineSeries::new(run, style))?;
            }
        }
    }
    chart.draw_series(overlay.markers.iter().map(|&(at, color)| {
        PathElement::new(vec![(at, low), (at, high)], color.stroke_width(2))
    }))?;
    Ok(())
}

/// A chart's or panel's title in bold at `at`, the same on every figure.
pub fn draw_title<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    title: &str,
    at: (i32, i32),
) -> Result<(), PlotError> {
    let style = (FAMILY, TITLE_PX)
        .into_font()
        .style(FontStyle::Bold)
        .into_text_style(area);
    area.draw_text(title, &style, at)?;
    Ok(())
}

/// Title on the first row, then a legend: a short stroke and the label per line.
fn draw_head<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    panel: &Panel,
) -> Result<(), PlotError> {
    draw_title(area, &panel.title, (4, 0))?;
    let label_style = (FAMILY, LABEL_PX).into_text_style(area);
    let y = TITLE_PX as i32 + 8;
    let mut x = 6;
    for line in panel.lines.iter().filter(|line| !line.label.is_empty()) {
        let middle = y + LABEL_PX as i32 / 2;
        area.draw(&PathElement::new(
            vec![(x, middle), (x + 24, middle)],
            line.color.stroke_width(line.width.max(3)),
        ))?;
        area.draw_text(&line.label, &label_style, (x + 30, y))?;
        let (width, _) = area.estimate_text_size(&line.label, &label_style)?;
        x += 30 + width as i32 + 22;
    }
    Ok(())
}

/// Y bounds that fit every finite value: from zero for linear panels, a
/// decade-aligned span for log panels.
fn fit(panel: &Panel) -> (f64, f64) {
    let values = panel
        .lines
        .iter()
        .flat_map(|line| line.points.iter().map(|&(_, y)| y))
        .filter(|y| y.is_finite() && (panel.scale == Scale::Linear || *y > 0.0));
    let (low, high) = values.fold((f64::INFINITY, f64::NEG_INFINITY), |(low, high), y| {
        (low.min(y), high.max(y))
    });
    match panel.scale {
        Scale::Linear if high > 0.0 => (0.0, high * 1.08),
        Scale::Linear => (0.0, 1.0),
        Scale::Log if high > 0.0 => {
            let low = 10f64.powf(low.log10().floor()).max(1e-4);
            (low, 10f64.powf(high.log10().ceil()).max(low * 10.0))
        }
        Scale::Log => (1e-3, 1.0),
    }
}

/// Runs of drawable points: non-finite values (and non-positive ones on a log
/// axis) break the line instead of being drawn as zero.
fn segments(points: &[(f64, f64)], scale: Scale) -> Vec<Vec<(f64, f64)>> {
    let drawable = |y: f64| y.is_finite() && (scale == Scale::Linear || y > 0.0);
    points
        .split(|&(_, y)| !drawable(y))
        .filter(|run| !run.is_empty())
        .map(<[(f64, f64)]>::to_vec)
        .collect()
}

/// 1.5k, 20k, 3.2M: short tick labels for counts and rates.
pub fn compact(value: &f64) -> String {
    let magnitude = value.abs();
    let (scaled, suffix) = if magnitude >= 1e6 {
        (value / 1e6, "M")
    } else if magnitude >= 1e3 {
        (value / 1e3, "k")
    } else {
        (*value, "")
    };
    let text = format!("{scaled:.2}");
    let text = text.trim_end_matches('0').trim_end_matches('.');
    format!("{text}{suffix}")
}

/// 10 ms, 1 s, 30 s: log-axis ticks for latencies given in seconds.
fn seconds(value: &f64) -> String {
    if *value < 1.0 {
        format!("{} ms", compact(&(value * 1000.0)))
    } else {
        format!("{} s", compact(value))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn compact_labels_are_short() {
        assert_eq!(compact(&1500.0), "1.5k");
        assert_eq!(compact(&20000.0), "20k");
        assert_eq!(compact(&0.25), "0.25");
        assert_eq!(compact(&3_200_000.0), "3.2M");
        assert_eq!(seconds(&0.01), "10 ms");
    }

    #[test]
    fn gaps_and_log_zeros_break_lines() {
        let points = [(0.0, 1.0), (1.0, f64::NAN), (2.0, 0.0), (3.0, 2.0)];
        assert_eq!(segments(&points, Scale::Linear).len(), 2);
        assert_eq!(
            segments(&points, Scale::Log),
            vec![vec![(0.0, 1.0)], vec![(3.0, 2.0)]]
        );
    }
}
