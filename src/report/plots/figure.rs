//! One drawing, two files: every chart is drawn once per backend, to PNG (for
//! people and reports) and SVG (searchable text, embeddable in HTML).

use std::path::{Path, PathBuf};

use plotters::coord::Shift;
use plotters::prelude::*;

use super::PlotError;
use super::font::ensure_fonts;

/// Which file a drawing goes to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Target {
    /// plotters' rasterizer joins thick polylines with unbounded miters, which
    /// shoot far past sharp peaks; thick lines go there as separate segments.
    Png,
    /// SVG viewers join lines properly; one polyline per line keeps files small.
    Svg,
}

/// A chart that can draw itself on any plotters backend.
pub trait Figure {
    /// Width and height in pixels.
    fn size(&self) -> (u32, u32);
    /// Draws on a white root area of [`Figure::size`].
    fn draw<DB: DrawingBackend>(
        &self,
        root: &DrawingArea<DB, Shift>,
        target: Target,
    ) -> Result<(), PlotError>;
}

/// Writes `dir/<stem>.png` and `dir/<stem>.svg`; returns both paths.
pub fn render(figure: &impl Figure, dir: &Path, stem: &str) -> Result<Vec<PathBuf>, PlotError> {
    ensure_fonts()?;
    std::fs::create_dir_all(dir).map_err(|source| PlotError::Write {
        path: dir.to_owned(),
        source,
    })?;
    let png = dir.join(format!("{stem}.png"));
    {
        let root = BitMapBackend::new(&png, figure.size()).into_drawing_area();
        root.fill(&WHITE)?;
        figure.draw(&root, Target::Png)?;
        root.present()?;
    }
    let svg_path = dir.join(format!("{stem}.svg"));
    std::fs::write(&svg_path, svg(figure)?).map_err(|source| PlotError::Write {
        path: svg_path.clone(),
        source,
    })?;
    Ok(vec![png, svg_path])
}

/// The figure as an SVG document.
pub fn svg(figure: &impl Figure) -> Result<String, PlotError> {
    ensure_fonts()?;
    let mut text = String::new();
    {
        let root = SVGBackend::with_string(&mut text, figure.size()).into_drawing_area();
        root.fill(&WHITE)?;
        figure.draw(&root, Target::Svg)?;
        root.present()?;
    }
    Ok(text)
}
