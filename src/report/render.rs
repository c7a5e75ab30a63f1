//! Drawing a chart twice (SVG text and an RGB raster) and writing both
//! files atomically.
//!
//! Each chart type implements [`Draw`] once, generically over the plotters
//! backend, so the SVG and the PNG show exactly the same picture. Files are
//! first written under a hidden temporary name in the target directory and
//! then renamed, so an interrupted or failed run never leaves a half-written
//! chart behind.

use super::ReportError;
use super::style;
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, VPos};
use std::path::{Path, PathBuf};

/// The result of drawing operations on a plotters backend.
pub(crate) type DrawResult<DB> =
    Result<(), DrawingAreaErrorKind<<DB as DrawingBackend>::ErrorType>>;

/// A chart that can be drawn on any plotters backend.
pub(crate) trait Draw {
    /// Width and height in pixels.
    fn size(&self) -> (u32, u32);
    /// Draws the whole picture on `root`, which covers the full canvas.
    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> DrawResult<DB>;
}

/// A chart drawn in memory: its SVG document and its RGB pixels.
#[derive(Debug, Clone, PartialEq)]
pub struct RenderedChart {
    /// The file name without extension, e.g. `lloyd_grid`.
    pub stem: String,
    /// Width in pixels.
    pub width: u32,
    /// Height in pixels.
    pub height: u32,
    /// The SVG document.
    pub svg: String,
    /// The raster, 3 bytes (R, G, B) per pixel, row by row from the top.
    pub rgb: Vec<u8>,
}

impl RenderedChart {
    /// Writes `<stem>.png` and `<stem>.svg` into `dir` (which must exist),
    /// each through a temporary file that is renamed into place.
    pub fn write_to(&self, dir: &Path) -> Result<[PathBuf; 2], ReportError> {
        let png = dir.join(format!("{}.png", self.stem));
        let svg = dir.join(format!("{}.svg", self.stem));
        // The temporary PNG must end in `.png`: the encoder picks the format
        // from the extension.
        let tmp_png = dir.join(format!(".{}.partial.png", self.stem));
        let tmp_svg = dir.join(format!(".{}.partial.svg", self.stem));
        let draw_error = |message: String| ReportError::Draw {
            chart: self.stem.clone(),
            message,
        };
        let encoded = (|| -> Result<(), ReportError> {
            let mut backend = BitMapBackend::new(&tmp_png, (self.width, self.height));
            backend
                .blit_bitmap((0, 0), (self.width, self.height), &self.rgb)
                .map_err(|e| draw_error(e.to_string()))?;
            backend.present().map_err(|e| draw_error(e.to_string()))
        })();
        if let Err(e) = encoded {
            let _ = std::fs::remove_file(&tmp_png);
            return Err(e);
        }
        if let Err(e) = std::fs::write(&tmp_svg, self.svg.as_bytes()) {
            let _ = std::fs::remove_file(&tmp_png);
            let _ = std::fs::remove_file(&tmp_svg);
            return Err(ReportError::io(&svg, e));
        }
        for (tmp, target) in [(&tmp_png, &png), (&tmp_svg, &svg)] {
            if let Err(e) = std::fs::rename(tmp, target) {
                let _ = std::fs::remove_file(&tmp_png);
                let _ = std::fs::remove_file(&tmp_svg);
                return Err(ReportError::io(target, e));
            }
        }
        Ok([png, svg])
    }

    /// The number of distinct colours in the raster: a blank chart has one.
    pub fn distinct_colours(&self) -> usize {
        let mut seen = std::collections::BTreeSet::new();
        for px in self.rgb.chunks_exact(3) {
            seen.insert((px[0], px[1], px[2]));
        }
        seen.len()
    }
}

/// Draws `chart` as SVG and as a raster.
pub(crate) fn render<C: Draw>(stem: &str, chart: &C) -> Result<RenderedChart, ReportError> {
    style::ensure_fonts()?;
    let (width, height) = chart.size();
    let draw_error = |message: String| ReportError::Draw {
        chart: stem.to_string(),
        message,
    };
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (width, height)).into_drawing_area();
        chart.draw(&root).map_err(|e| draw_error(e.to_string()))?;
        root.present().map_err(|e| draw_error(e.to_string()))?;
    }
    let mut rgb = vec![255u8; width as usize * height as usize * 3];
    {
        let root = BitMapBackend::with_buffer(&mut rgb, (width, height)).into_drawing_area();
        chart.draw(&root).map_err(|e| draw_error(e.to_string()))?;
        root.present().map_err(|e| draw_error(e.to_string()))?;
    }
    Ok(RenderedChart {
        stem: stem.to_string(),
        width,
        height,
        svg,
        rgb,
    })
}

/// Paints the background, the title and a subtitle, and returns the area
/// below them.
pub(crate) fn frame<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    title: &str,
    subtitle: &str,
) -> Result<DrawingArea<DB, Shift>, DrawingAreaErrorKind<DB::ErrorType>> {
    root.fill(&WHITE)?;
    let title_style = style::anchored(style::bold(style::TITLE, style::INK), HPos::Left, VPos::Top);
    root.draw(&Text::new(title.to_string(), (40, 22), title_style))?;
    let mut header = 72;
    if !subtitle.is_empty() {
        let sub = style::anchored(
            style::text(style::SUBTITLE, style::MUTED),
            HPos::Left,
            VPos::Top,
        );
        root.draw(&Text::new(subtitle.to_string(), (40, 66), sub))?;
        header = 100;
    }
    Ok(root.split_vertically(header).1)
}

/// Writes a footnote in small grey text at the bottom left of the canvas,
/// wrapped at spaces to stay within the canvas, its last line 14 px above
/// the bottom edge.
pub(crate) fn footnote<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    note: &str,
) -> DrawResult<DB> {
    let (_, h) = root.dim_in_pixel();
    let st = style::anchored(
        style::text(style::SMALL, style::MUTED),
        HPos::Left,
        VPos::Bottom,
    );
    let lines = footnote_lines(root, note)?;
    let n = lines.len() as i32;
    for (k, line) in lines.into_iter().enumerate() {
        let y = h as i32 - 14 - FOOTNOTE_LINE * (n - 1 - k as i32);
        root.draw(&Text::new(line, (40, y), st.clone()))?;
    }
    Ok(())
}

/// The extra room (pixels) a footnote needs beyond its first line.
pub(crate) fn footnote_room<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    note: &str,
) -> Result<u32, DrawingAreaErrorKind<DB::ErrorType>> {
    let lines = footnote_lines(root, note)?.len().max(1) as u32;
    Ok((lines - 1) * FOOTNOTE_LINE as u32)
}

/// `note` followed by "Not labelled (crowded): ..." with as many of the
/// `hidden` names as fit in `max_lines` footnote lines on `root` (and
/// "and N more" for the rest).
pub(crate) fn note_with_hidden<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    note: &str,
    hidden: &[String],
    max_lines: usize,
) -> Result<String, DrawingAreaErrorKind<DB::ErrorType>> {
    if hidden.is_empty() {
        return Ok(note.to_string());
    }
    for shown in (0..=hidden.len()).rev() {
        let mut text = format!(
            "{note} Not labelled (crowded): {}",
            hidden[..shown].join(", ")
        );
        if shown < hidden.len() {
            if shown > 0 {
                text.push_str(&format!(" and {} more", hidden.len() - shown));
            } else {
                text = format!("{note} {} labels left out where points crowd", hidden.len());
            }
        }
        text.push('.');
        if footnote_lines(root, &text)?.len() <= max_lines || shown == 0 {
            return Ok(text);
        }
    }
    Ok(note.to_string())
}

/// Line spacing of footnotes, in pixels.
pub(crate) const FOOTNOTE_LINE: i32 = 23;

/// The lines a footnote is wrapped into on `root`.
pub(crate) fn footnote_lines<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    note: &str,
) -> Result<Vec<String>, DrawingAreaErrorKind<DB::ErrorType>> {
    let (w, _) = root.dim_in_pixel();
    let st = style::text(style::SMALL, style::MUTED);
    let room = w.saturating_sub(80);
    let mut lines: Vec<String> = Vec::new();
    for word in note.split(' ').filter(|w| !w.is_empty()) {
        if let Some(line) = lines.last_mut() {
            let candidate = format!("{line} {word}");
            if root.estimate_text_size(&candidate, &st)?.0 <= room {
                *line = candidate;
                continue;
            }
        }
        lines.push(word.to_string());
    }
    Ok(lines)
}
