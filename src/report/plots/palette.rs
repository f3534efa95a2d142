//! Colours: one fixed palette (Tableau 10, readable on white and for common
//! colour-vision deficiencies), and one colour per incident kind.

use plotters::style::RGBColor;

use super::incidents::IncidentKind;

/// Series colours in order of use.
pub const SERIES: [RGBColor; 10] = [
    RGBColor(31, 119, 180),
    RGBColor(255, 127, 14),
    RGBColor(44, 160, 44),
    RGBColor(214, 39, 40),
    RGBColor(148, 103, 189),
    RGBColor(140, 86, 75),
    RGBColor(227, 119, 194),
    RGBColor(127, 127, 127),
    RGBColor(188, 189, 34),
    RGBColor(23, 190, 207),
];

/// The `index`th series colour, cycling.
pub fn series(index: usize) -> RGBColor {
    SERIES[index % SERIES.len()]
}

/// The marker colour of an instant on the dashboard; `None` for the kinds
/// drawn as shaded windows instead.
pub fn marker(kind: IncidentKind) -> Option<RGBColor> {
    match kind {
        IncidentKind::FaultStart | IncidentKind::FaultEnd => None,
        IncidentKind::AlertFiring => Some(RGBColor(230, 120, 0)),
        IncidentKind::AlertResolved => Some(RGBColor(120, 170, 60)),
        IncidentKind::Action => Some(RGBColor(31, 119, 180)),
        IncidentKind::Breaker => Some(RGBColor(148, 103, 189)),
        IncidentKind::SoldOut => Some(RGBColor(0, 0, 0)),
        IncidentKind::Recovery => Some(RGBColor(23, 170, 190)),
        IncidentKind::SloBreach => Some(RGBColor(200, 0, 0)),
    }
}
