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
pub fn render(
    figure: &(impl Figure + Sync),
    dir: &Path,
    stem: &str,
) -> Result<Vec<PathBuf>, PlotError> {
    let (png, svg) = alongside(
        || write_png(figure, dir, stem),
        || write_svg(figure, dir, stem).map(|(path, _)| path),
    );
    Ok(vec![png?, svg?])
}

/// Runs `side` on a second thread while this one runs `main`, and returns
/// both results. The PNG and the SVG of a figure are drawn independently
/// from the same data, and rasterising and compressing the PNG is the
/// longest part of a report (about half of the 50 ms `sellout report`
/// takes on the toy on-sale), so on two cores the rest hides behind it. The
/// files are the same bytes whichever finishes first.
pub fn alongside<A: Send, B>(side: impl FnOnce() -> A + Send, main: impl FnOnce() -> B) -> (A, B) {
    std::thread::scope(|scope| {
        let side = scope.spawn(side);
        let main = main();
        let side = side
            .join()
            .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
        (side, main)
    })
}

/// Writes `dir/<stem>.png`; returns its path.
pub fn write_png(figure: &impl Figure, dir: &Path, stem: &str) -> Result<PathBuf, PlotError> {
    create_dir(dir)?;
    let png = dir.join(format!("{stem}.png"));
    {
        let root = BitMapBackend::new(&png, figure.size()).into_drawing_area();
        root.fill(&WHITE)?;
        figure.draw(&root, Target::Png)?;
        root.present()?;
    }
    Ok(png)
}

/// Writes `dir/<stem>.svg`; returns its path and text.
pub fn write_svg(
    figure: &impl Figure,
    dir: &Path,
    stem: &str,
) -> Result<(PathBuf, String), PlotError> {
    let text = svg(figure)?;
    create_dir(dir)?;
    let path = dir.join(format!("{stem}.svg"));
    std::fs::write(&path, &text).map_err(|source| PlotError::Write {
        path: path.clone(),
        source,
    })?;
    Ok((path, text))
}

fn create_dir(dir: &Path) -> Result<(), PlotError> {
    ensure_fonts()?;
    std::fs::create_dir_all(dir).map_err(|source| PlotError::Write {
        path: dir.to_owned(),
        source,
    })
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
