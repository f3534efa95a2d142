//! The one font every chart uses, embedded in the binary so that text renders
//! on a machine without system fonts (plotters' `ttf` feature would need
//! fontconfig and installed fonts). DejaVu Sans comes from the `dejavu` crate;
//! its licence (Bitstream Vera, with public-domain DejaVu changes) travels with
//! that crate's sources.

use std::sync::OnceLock;

use plotters::style::{FontStyle, register_font};

use super::PlotError;

/// The family name charts ask for. plotters' own defaults (axis labels, legends)
/// also ask for "sans-serif", so this is the only family to register.
pub const FAMILY: &str = "sans-serif";

/// Registers DejaVu Sans (regular and bold) once per process; cheap afterwards.
pub fn ensure_fonts() -> Result<(), PlotError> {
    static REGISTERED: OnceLock<bool> = OnceLock::new();
    let ok = *REGISTERED.get_or_init(|| {
        register_font(FAMILY, FontStyle::Normal, dejavu::sans::regular()).is_ok()
            && register_font(FAMILY, FontStyle::Bold, dejavu::sans::bold()).is_ok()
    });
    if ok { Ok(()) } else { Err(PlotError::Font) }
}
