//! A metric against a numeric parameter: one line per variant, each point the
//! mean across replications, and a translucent band for its 95% interval.

use plotters::coord::Shift;
use plotters::prelude::*;

use super::PlotError;
use super::figure::{Figure, Target};
use super::font::FAMILY;
use super::panel::{LABEL_PX, TITLE_PX, compact, draw_title};

/// Height of one line of the legend.
const LEGEND_ROW_PX: u32 = LABEL_PX + 10;

/// One variant's line.
#[derive(Clone, Debug)]
pub struct BandSeries {
    /// Legend text.
    pub label: String,
    /// Colour.
    pub color: RGBColor,
    /// (parameter value, mean, interval low, interval high), sorted by x.
    pub points: Vec<(f64, f64, f64, f64)>,
}

/// The whole chart.
#[derive(Clone, Debug)]
pub struct BandChart {
    /// Title.
    pub title: String,
    /// X axis description (the parameter).
    pub x_desc: String,
    /// Y axis description (the metric).
    pub y_desc: String,
    /// Fixed y bounds (a fraction axis), or `None` to fit.
    pub y_bounds: Option<(f64, f64)>,
    /// The lines.
    pub series: Vec<BandSeries>,
}

impl Figure for BandChart {
    fn size(&self) -> (u32, u32) {
        (1200, 760)
    }

    fn draw<DB: DrawingBackend>(
        &self,
        root: &DrawingArea<DB, Shift>,
        _: Target,
    ) -> Result<(), PlotError> {
        let area = root.margin(12, 12, 16, 24);
        let legend = self.legend_layout(&area)?;
        let rows = legend
            .iter()
            .map(|entry| entry.1)
            .max()
            .map_or(1, |row| row + 1);
        let (head, body) = area.split_vertically(TITLE_PX + rows * LEGEND_ROW_PX + 28);
        self.draw_head(&head, &legend)?;
        let (x, y) = self.bounds();
        let mut chart = ChartBuilder::on(&body)
            .x_label_area_size(LABEL_PX * 3)
            .y_label_area_size(LABEL_PX * 5)
            .margin_right(16)
            .build_cartesian_2d(x.0..x.1, y.0..y.1)?;
        chart
            .configure_mesh()
            .x_desc(self.x_desc.as_str())
            .y_desc(self.y_desc.as_str())
            .x_label_formatter(&compact)
            .y_label_formatter(&compact)
            .label_style((FAMILY, LABEL_PX))
            .axis_desc_style((FAMILY, LABEL_PX))
            .light_line_style(RGBColor(0, 0, 0).mix(0.04))
            .bold_line_style(RGBColor(0, 0, 0).mix(0.12))
            .draw()?;
        for series in &self.series {
            let finite: Vec<_> = series
                .points
                .iter()
                .copied()
                .filter(|p| p.1.is_finite())
                .collect();
            let mut band: Vec<(f64, f64)> = finite
                .iter()
                .filter(|p| p.2.is_finite())
                .map(|p| (p.0, p.3))
                .collect();
            band.extend(
                finite
                    .iter()
                    .rev()
                    .filter(|p| p.2.is_finite())
                    .map(|p| (p.0, p.2)),
            );
            if band.len() >= 4 {
                chart.draw_series(std::iter::once(Polygon::new(
                    band,
                    series.color.mix(0.18).filled(),
                )))?;
            }
            let line: Vec<(f64, f64)> = finite.iter().map(|p| (p.0, p.1)).collect();
            chart.draw_series(LineSeries::new(line.clone(), series.color.stroke_width(3)))?;
            chart.draw_series(
                line.iter()
                    .map(|&point| Circle::new(point, 5, series.color.filled())),
            )?;
        }
        Ok(())
    }
}

impl BandChart {
    /// Where each legend entry goes: (x, row), wrapping before the right edge
    /// so every variant shows.
    fn legend_layout<DB: DrawingBackend>(
        &self,
        area: &DrawingArea<DB, Shift>,
    ) -> Result<Vec<(i32, u32)>, PlotError> {
        let text = (FAMILY, LABEL_PX).into_text_style(area);
        let width = area.dim_in_pixel().0 as i32;
        let (mut x, mut row) = (6, 0);
        let mut placed = Vec::new();
        for series in &self.series {
            let entry = 32 + area.estimate_text_size(&series.label, &text)?.0 as i32;
            if x > 6 && x + entry > width {
                (x, row) = (6, row + 1);
            }
            placed.push((x, row));
            x += entry + 26;
        }
        Ok(placed)
    }

    fn draw_head<DB: DrawingBackend>(
        &self,
        area: &DrawingArea<DB, Shift>,
        legend: &[(i32, u32)],
    ) -> Result<(), PlotError> {
        draw_title(area, &self.title, (4, 0))?;
        let text = (FAMILY, LABEL_PX).into_text_style(area);
        for (series, &(x, row)) in self.series.iter().zip(legend) {
            let y = TITLE_PX as i32 + 12 + (row * LEGEND_ROW_PX) as i32;
            let middle = y + LABEL_PX as i32 / 2;
            area.draw(&Rectangle::new(
                [(x, middle - 7), (x + 26, middle + 7)],
                series.color.mix(0.18).filled(),
            ))?;
            area.draw(&PathElement::new(
                vec![(x, middle), (x + 26, middle)],
                series.color.stroke_width(3),
            ))?;
            area.draw_text(&series.label, &text, (x + 32, y))?;
        }
        Ok(())
    }

    /// X spans the parameter values with a margin; y spans means and bands.
    fn bounds(&self) -> ((f64, f64), (f64, f64)) {
        let points = self.series.iter().flat_map(|series| series.points.iter());
        let (mut x, mut y) = (
            (f64::INFINITY, f64::NEG_INFINITY),
            (f64::INFINITY, f64::NEG_INFINITY),
        );
        for &(px, mean, low, high) in points {
            x = (x.0.min(px), x.1.max(px));
            for value in [mean, low, high]
                .into_iter()
                .filter(|value| value.is_finite())
            {
                y = (y.0.min(value), y.1.max(value));
            }
        }
        let pad = |(low, high): (f64, f64), share: f64| {
            if !low.is_finite() {
                return (0.0, 1.0);
            }
            let span = if high > low {
                high - low
            } else {
                low.abs().max(1.0)
            };
            (low - span * share, high + span * share)
        };
        let y = self.y_bounds.unwrap_or_else(|| {
            let (low, high) = pad(y, 0.08);
            (if y.0 >= 0.0 { low.max(0.0) } else { low }, high)
        });
        (pad(x, 0.05), y)
    }
}
