//! stub
use super::data::Results;
use super::render::{Draw, DrawResult};
use plotters::coord::Shift;
use plotters::prelude::*;
pub(crate) struct Tradeoff;
impl Tradeoff {
    pub(crate) fn new(_r: &Results) -> Option<Self> {
        None
    }
}
impl Draw for Tradeoff {
    fn size(&self) -> (u32, u32) {
        (100, 100)
    }
    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> DrawResult<DB> {
        root.fill(&WHITE)?;
        Ok(())
    }
}
