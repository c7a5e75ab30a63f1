//! stub
use super::data::Sensitivity;
use super::{RenderedChart, ReportError};
pub(crate) fn each_chart(
    _s: &Sensitivity,
    _sink: &mut dyn FnMut(RenderedChart) -> Result<(), ReportError>,
) -> Result<(), ReportError> {
    Ok(())
}
