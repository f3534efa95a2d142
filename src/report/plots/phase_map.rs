//! A metric over two swept parameters: a grid of cells, one per grid point,
//! coloured by the mean across replications and labelled with it. This is the
//! phase map of a metastability study (trigger size × duration → recovered).

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::PlotError;
use super::figure::{Figure, Target};
use super::font::FAMILY;
use super::panel::{LABEL_PX, TITLE_PX, draw_title};

/// One cell: its column and row (indices into the axis values) and its mean.
#[derive(Clone, Copy, Debug)]
pub struct Cell {
    /// Index into `PhaseMap::columns`.
    pub column: usize,
    /// Index into `PhaseMap::rows`.
    pub row: usize,
    /// Mean across replications (NaN: undefined in every run).
    pub value: f64,
}

/// The whole chart.
#[derive(Clone, Debug)]
pub struct PhaseMap {
    /// Title.
    pub title: String,
    /// X parameter name and its values as written, in increasing order.
    pub x: (String, Vec<String>),
    /// Y parameter name and its values as written, in increasing order.
    pub y: (String, Vec<String>),
    /// The colour scale's ends, low to high.
    pub bounds: (f64, f64),
    /// The cells present.
    pub cells: Vec<Cell>,
}

const CELL_TEXT_PX: u32 = 22;

/// Low values pale yellow, high values deep blue (a sequential scale that
/// prints in grey and reads for common colour-vision deficiencies).
fn shade(share: f64) -> RGBColor {
    let low = (255.0, 247.0, 188.0);
    let high = (8.0, 64.0, 129.0);
    let t = share.clamp(0.0, 1.0);
    let mix = |a: f64, b: f64| (a + (b - a) * t).round() as u8;
    RGBColor(mix(low.0, high.0), mix(low.1, high.1), mix(low.2, high.2))
}

impl PhaseMap {
    fn share(&self, value: f64) -> f64 {
        let (low, high) = self.bounds;
        if high > low {
            (value - low) / (high - low)
        } else {
            0.5
        }
    }

    fn label(value: f64) -> String {
        if value.is_nan() {
            "n/a".to_owned()
        } else if value.abs() >= 100.0 {
            format!("{value:.0}")
        } else {
            format!("{value:.2}")
        }
    }
}

impl Figure for PhaseMap {
    fn size(&self) -> (u32, u32) {
        (1200, 760)
    }

    fn draw<DB: DrawingBackend>(
        &self,
        root: &DrawingArea<DB, Shift>,
        _: Target,
    ) -> Result<(), PlotError> {
        let area = root.margin(12, 12, 16, 24);
        let (head, body) = area.split_vertically(TITLE_PX + LABEL_PX + 28);
        draw_title(&head, &self.title, (4, 0))?;
        let scale = format!(
            "colour: pale = {}, dark = {}; n/a = undefined in every run",
            Self::label(self.bounds.0),
            Self::label(self.bounds.1)
        );
        let text = (FAMILY, LABEL_PX).into_text_style(&head);
        head.draw_text(&scale, &text, (6, TITLE_PX as i32 + 12))?;
        let (columns, rows) = (self.x.1.len() as i32, self.y.1.len() as i32);
        let mut chart = ChartBuilder::on(&body)
            .x_label_area_size(LABEL_PX * 3)
            .y_label_area_size(LABEL_PX * 6)
            .margin_right(16)
            // plotters' segmented range a..b has a segment for b too.
            .build_cartesian_2d(
                (0..(columns - 1).max(0)).into_segmented(),
                (0..(rows - 1).max(0)).into_segmented(),
            )?;
        // Each value labels the middle of its cell, and nothing labels the edges.
        let named = |values: &[String], at: &SegmentValue<i32>| match at {
            SegmentValue::CenterOf(i) => values.get(*i as usize).cloned().unwrap_or_default(),
            _ => String::new(),
        };
        chart
            .configure_mesh()
            .disable_mesh()
            .x_labels(self.x.1.len() + 1)
            .y_labels(self.y.1.len() + 1)
            .x_label_formatter(&|at| named(&self.x.1, at))
            .y_label_formatter(&|at| named(&self.y.1, at))
            .x_desc(self.x.0.as_str())
            .y_desc(self.y.0.as_str())
            .label_style((FAMILY, LABEL_PX))
            .axis_desc_style((FAMILY, LABEL_PX))
            .draw()?;
        for cell in &self.cells {
            let (x, y) = (cell.column as i32, cell.row as i32);
            let corners = [
                (SegmentValue::Exact(x), SegmentValue::Exact(y)),
                (SegmentValue::Exact(x + 1), SegmentValue::Exact(y + 1)),
            ];
            let fill = if cell.value.is_nan() {
                RGBColor(220, 220, 220)
            } else {
                shade(self.share(cell.value))
            };
            chart.draw_series(std::iter::once(Rectangle::new(
                corners.clone(),
                fill.filled(),
            )))?;
            chart.draw_series(std::iter::once(Rectangle::new(
                corners,
                WHITE.stroke_width(2),
            )))?;
            let ink = if self.share(cell.value) > 0.55 && !cell.value.is_nan() {
                WHITE
            } else {
                BLACK
            };
            let style = (FAMILY, CELL_TEXT_PX)
                .into_font()
                .color(&ink)
                .pos(Pos::new(HPos::Center, VPos::Center));
            chart.draw_series(std::iter::once(Text::new(
                Self::label(cell.value),
                (SegmentValue::CenterOf(x), SegmentValue::CenterOf(y)),
                style,
            )))?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_scale_runs_from_pale_to_dark_and_clamps() {
        let luminance = |c: RGBColor| 0.3 * c.0 as f64 + 0.59 * c.1 as f64 + 0.11 * c.2 as f64;
        assert!(luminance(shade(0.0)) > luminance(shade(0.5)));
        assert!(luminance(shade(0.5)) > luminance(shade(1.0)));
        assert_eq!(shade(-1.0), shade(0.0));
        assert_eq!(shade(2.0), shade(1.0));
    }
}
