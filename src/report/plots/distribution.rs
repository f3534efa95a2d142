//! Distributions across replications, one row per variant: a box from the
//! 25th to the 75th percentile with the median marked, whiskers from the 5th
//! to the 95th, and every run as a dot (jittered vertically, deterministically).

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::PlotError;
use super::figure::{Figure, Target};
use super::font::FAMILY;
use super::panel::{LABEL_PX, TITLE_PX, draw_title};
use super::time_label::tick_label;

/// One row of the chart.
#[derive(Clone, Debug)]
pub struct Group {
    /// Row label.
    pub label: String,
    /// Colour.
    pub color: RGBColor,
    /// Values in seconds from the opening; NaN (never happened) are counted, not drawn.
    pub values: Vec<f64>,
}

/// Horizontal box-and-strip chart over virtual time.
#[derive(Clone, Debug)]
pub struct Distribution {
    /// Title.
    pub title: String,
    /// X axis description.
    pub x_desc: String,
    /// The rows, top to bottom.
    pub groups: Vec<Group>,
}

impl Figure for Distribution {
    fn size(&self) -> (u32, u32) {
        (1400, 200 + 90 * self.groups.len().max(1) as u32)
    }

    fn draw<DB: DrawingBackend>(
        &self,
        root: &DrawingArea<DB, Shift>,
        _: Target,
    ) -> Result<(), PlotError> {
        draw_title(root, &self.title, (16, 12))?;
        let body = root.margin(TITLE_PX + 36, 16, 16, 24);
        let rows = self.groups.len().max(1) as f64;
        let label_style = (FAMILY, LABEL_PX)
            .into_text_style(root)
            .pos(Pos::new(HPos::Right, VPos::Center));
        let mut label_area = 120;
        for group in &self.groups {
            label_area =
                label_area.max(root.estimate_text_size(&group.label, &label_style)?.0 + 30);
        }
        let mut chart = ChartBuilder::on(&body)
            .x_label_area_size(LABEL_PX * 3)
            .y_label_area_size(label_area.min(800))
            .margin_right(16)
            .build_cartesian_2d(self.x_range(), -0.5..rows - 0.5)?;
        chart
            .configure_mesh()
            .x_desc(self.x_desc.as_str())
            .x_label_formatter(&|minutes| tick_label(*minutes))
            .y_labels(0)
            .disable_y_mesh()
            .label_style((FAMILY, LABEL_PX))
            .axis_desc_style((FAMILY, LABEL_PX))
            .draw()?;
        for (index, group) in self.groups.iter().enumerate() {
            let row = rows - 1.0 - index as f64;
            let drawn: Vec<f64> = group
                .values
                .iter()
                .map(|v| v / 60.0)
                .filter(|v| v.is_finite())
                .collect();
            let (_, py) = chart.backend_coord(&(self.x_range().start, row));
            // Labels go on the root area (origin at the figure's corner, like
            // backend coordinates), right-aligned against the plot's left edge.
            root.draw_text(
                &group.label,
                &label_style,
                (24 + label_area.min(800) as i32 - 14, py),
            )?;
            draw_box(&mut chart, &drawn, row, group.color)?;
            let dots = drawn.iter().enumerate().map(|(i, &value)| {
                Circle::new((value, row + jitter(i)), 4, group.color.mix(0.55).filled())
            });
            chart.draw_series(dots)?;
        }
        Ok(())
    }
}

type Chart<'a, DB> = ChartContext<
    'a,
    DB,
    Cartesian2d<plotters::coord::types::RangedCoordf64, plotters::coord::types::RangedCoordf64>,
>;

fn draw_box<DB: DrawingBackend>(
    chart: &mut Chart<'_, DB>,
    values: &[f64],
    row: f64,
    color: RGBColor,
) -> Result<(), PlotError> {
    let mut sorted = values.to_vec();
    sorted.sort_by(f64::total_cmp);
    if sorted.is_empty() {
        return Ok(());
    }
    let q = |p: f64| quantile(&sorted, p);
    let style = color.stroke_width(2);
    chart.draw_series([
        PathElement::new(vec![(q(0.05), row), (q(0.25), row)], style),
        PathElement::new(vec![(q(0.75), row), (q(0.95), row)], style),
        PathElement::new(
            vec![(q(0.5), row - 0.3), (q(0.5), row + 0.3)],
            color.stroke_width(4),
        ),
    ])?;
    chart.draw_series(std::iter::once(Rectangle::new(
        [(q(0.25), row - 0.25), (q(0.75), row + 0.25)],
        style,
    )))?;
    Ok(())
}

/// Linear interpolation between order statistics (a drawing aid; the sweep's
/// own p5/p50/p95 in summary.csv are the reported numbers).
fn quantile(sorted: &[f64], p: f64) -> f64 {
    let position = p * (sorted.len() - 1) as f64;
    let (low, high) = (position.floor() as usize, position.ceil() as usize);
    sorted[low] + (sorted[high] - sorted[low]) * (position - low as f64)
}

/// A fixed, well-spread vertical offset per run (golden-ratio sequence).
fn jitter(index: usize) -> f64 {
    ((index as f64 * 0.618_033_988_75).fract() - 0.5) * 0.4
}

impl Distribution {
    fn x_range(&self) -> std::ops::Range<f64> {
        let values = self
            .groups
            .iter()
            .flat_map(|g| g.values.iter())
            .map(|v| v / 60.0)
            .filter(|v| v.is_finite());
        let (low, high) = values.fold((f64::INFINITY, f64::NEG_INFINITY), |(l, h), v| {
            (l.min(v), h.max(v))
        });
        if !low.is_finite() {
            return 0.0..1.0;
        }
        let pad = ((high - low) * 0.06).max(0.5);
        low - pad..high + pad
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quantiles_interpolate_and_jitter_stays_inside_the_row() {
        assert_eq!(quantile(&[1.0, 2.0, 3.0, 4.0, 5.0], 0.5), 3.0);
        assert_eq!(quantile(&[1.0, 2.0], 0.25), 1.25);
        assert!((0..100).all(|i| jitter(i).abs() <= 0.2));
    }
}
