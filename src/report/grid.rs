//! The Lloyd grid: the 27 conceive–manage–implement assignments as three
//! 3 × 3 panels, one per implementing level, each cell coloured by a final
//! metric and labelled with its code and value.
//!
//! Rows are the level that conceives the policy, columns the level that
//! manages it, panels the level that implements it; national comes first
//! (top, left), local last, so "doing more locally" reads as moving down,
//! right, and to the right-hand panel.

use super::data::Results;
use super::render::{Draw, DrawResult, footnote, frame};
use super::style::{self, BLANK, INK, MUTED};
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, VPos};

const LEVELS: [char; 3] = ['N', 'R', 'L'];
const LEVEL_NAMES: [&str; 3] = ["national", "regional", "local"];
const PANEL_TITLES: [&str; 3] = [
    "Implemented nationally",
    "Implemented regionally",
    "Implemented locally",
];

/// The index (0 = N, 1 = R, 2 = L) of each function's level, if `name` is a
/// Lloyd code such as `N-R-L`.
pub(crate) fn parse_code(name: &str) -> Option<[usize; 3]> {
    let b = name.trim().as_bytes();
    if b.len() != 5 || b[1] != b'-' || b[3] != b'-' {
        return None;
    }
    let level = |c: u8| LEVELS.iter().position(|&l| l as u8 == c);
    Some([level(b[0])?, level(b[2])?, level(b[4])?])
}

/// Whether any configuration of `results` is a Lloyd code.
pub(crate) fn has_codes(results: &Results) -> bool {
    results
        .configurations
        .iter()
        .any(|c| parse_code(c).is_some())
}

/// The prepared grid: a value (or none) per cell, indexed [implement][conceive][manage].
pub(crate) struct LloydGrid {
    title: String,
    subtitle: String,
    metric_label: String,
    cells: [[[Option<f64>; 3]; 3]; 3],
    baseline: Option<[usize; 3]>,
    range: (f64, f64),
    note: String,
}

impl LloydGrid {
    /// Collects the mean of `metric` for every configuration that is a Lloyd code.
    pub(crate) fn new(results: &Results, metric: &str) -> Self {
        let mut cells = [[[None; 3]; 3]; 3];
        let mut lo = f64::INFINITY;
        let mut hi = f64::NEG_INFINITY;
        let mut present = 0;
        for configuration in &results.configurations {
            let Some([c, m, i]) = parse_code(configuration) else {
                continue;
            };
            present += 1;
            let value = results.estimate(configuration, metric).and_then(|e| e.mean);
            if let Some(v) = value {
                lo = lo.min(v);
                hi = hi.max(v);
            }
            cells[i][c][m] = value;
        }
        let range = if lo.is_finite() { (lo, hi) } else { (0.0, 1.0) };
        let mut note = String::from(
            "Code C-M-I = the levels that conceive (row), manage (column) and implement (panel) the policy.",
        );
        if let Some(r) = results.manifest.replications {
            note.push_str(&format!(" Values: means over {r} replications."));
        }
        if present < 27 {
            note.push_str(&format!(
                " {} of 27 assignments not run (n/a).",
                27 - present
            ));
        }
        LloydGrid {
            title: format!(
                "The Lloyd grid: {} by assignment",
                style::metric_name(metric)
            ),
            subtitle: results.subtitle(),
            metric_label: style::metric_label(metric),
            cells,
            baseline: results.baseline().and_then(parse_code),
            range,
            note,
        }
    }

    fn colour(&self, v: f64) -> RGBColor {
        let (lo, hi) = self.range;
        let t = if hi > lo { (v - lo) / (hi - lo) } else { 0.5 };
        style::viridis(t)
    }
}

const CELL: i32 = 160;
const ROW_LABELS: i32 = 112;
const GAP: i32 = 44;
const LEFT: i32 = 76;
const TOP: i32 = 118;
const BAR_W: i32 = 34;

impl Draw for LloydGrid {
    fn size(&self) -> (u32, u32) {
        let panels = 3 * (ROW_LABELS + 3 * CELL) + 2 * GAP;
        let width = LEFT + panels + 60 + BAR_W + 190;
        (width as u32, (100 + TOP + 3 * CELL + 130) as u32)
    }

    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> DrawResult<DB> {
        let body = frame(root, &self.title, &self.subtitle)?.use_screen_coord();
        let grid_top = 100 + TOP;
        let centre = |h: HPos, v: VPos, s: TextStyle<'static>| style::anchored(s, h, v);

        // "conceived at" runs down the left edge, once for all panels.
        let conceived = centre(
            HPos::Center,
            VPos::Center,
            style::italic(style::LABEL, MUTED),
        )
        .transform(FontTransform::Rotate270);
        body.draw(&Text::new(
            "conceived at ↓".to_string(),
            (34, grid_top + 3 * CELL / 2),
            conceived,
        ))?;

        for (i, panel_title) in PANEL_TITLES.iter().enumerate() {
            let x0 = LEFT + i as i32 * (ROW_LABELS + 3 * CELL + GAP) + ROW_LABELS;
            let panel_centre = x0 + 3 * CELL / 2;
            body.draw(&Text::new(
                format!("{panel_title}  (·-·-{})", LEVELS[i]),
                (panel_centre, 100 + 14),
                centre(
                    HPos::Center,
                    VPos::Top,
                    style::bold(style::PANEL_TITLE, INK),
                ),
            ))?;
            body.draw(&Text::new(
                "managed at →".to_string(),
                (panel_centre, 100 + 52),
                centre(HPos::Center, VPos::Top, style::italic(style::LABEL, MUTED)),
            ))?;
            for (k, name) in LEVEL_NAMES.iter().enumerate() {
                body.draw(&Text::new(
                    name.to_string(),
                    (x0 + k as i32 * CELL + CELL / 2, grid_top - 10),
                    centre(HPos::Center, VPos::Bottom, style::text(style::LABEL, INK)),
                ))?;
                body.draw(&Text::new(
                    name.to_string(),
                    (x0 - 12, grid_top + k as i32 * CELL + CELL / 2),
                    centre(HPos::Right, VPos::Center, style::text(style::LABEL, INK)),
                ))?;
            }
            for c in 0..3 {
                for m in 0..3 {
                    self.draw_cell(
                        &body,
                        [c, m, i],
                        (x0 + m as i32 * CELL, grid_top + c as i32 * CELL),
                    )?;
                }
            }
        }
        self.draw_colour_bar(&body, grid_top)?;
        let (_, h) = root.dim_in_pixel();
        root.draw(&Text::new(
            "Reading the grid: down = conceived more locally, right = managed more locally, \
             panels left to right = implemented more locally."
                .to_string(),
            (40, h as i32 - 48),
            style::anchored(style::text(style::SMALL, INK), HPos::Left, VPos::Bottom),
        ))?;
        footnote(root, &self.note)
    }
}

impl LloydGrid {
    fn draw_cell<DB: DrawingBackend>(
        &self,
        area: &DrawingArea<DB, Shift>,
        [c, m, i]: [usize; 3],
        (x, y): (i32, i32),
    ) -> DrawResult<DB> {
        let code = format!("{}-{}-{}", LEVELS[c], LEVELS[m], LEVELS[i]);
        let value = self.cells[i][c][m];
        let fill = value.map_or(BLANK, |v| self.colour(v));
        let ink = value.map_or(MUTED, |_| style::text_on(fill));
        let (x1, y1) = (x + CELL, y + CELL);
        area.draw(&Rectangle::new([(x, y), (x1, y1)], fill.filled()))?;
        area.draw(&Rectangle::new([(x, y), (x1, y1)], WHITE.stroke_width(3)))?;
        let cx = x + CELL / 2;
        area.draw(&Text::new(
            code,
            (cx, y + 46),
            style::anchored(style::bold(24.0, ink), HPos::Center, VPos::Center),
        ))?;
        let shown = value.map_or_else(|| "n/a".to_string(), style::number);
        area.draw(&Text::new(
            shown,
            (cx, y + 92),
            style::anchored(style::text(24.0, ink), HPos::Center, VPos::Center),
        ))?;
        if self.baseline == Some([c, m, i]) {
            area.draw(&Text::new(
                "baseline".to_string(),
                (cx, y + 132),
                style::anchored(style::italic(style::SMALL, ink), HPos::Center, VPos::Center),
            ))?;
        }
        Ok(())
    }

    fn draw_colour_bar<DB: DrawingBackend>(
        &self,
        area: &DrawingArea<DB, Shift>,
        top: i32,
    ) -> DrawResult<DB> {
        let x = LEFT + 3 * (ROW_LABELS + 3 * CELL) + 2 * GAP + 60;
        let height = 3 * CELL;
        let steps = 150;
        for s in 0..steps {
            // Top of the bar is the highest value.
            let t = 1.0 - (s as f64 + 0.5) / steps as f64;
            let y0 = top + s * height / steps;
            let y1 = top + (s + 1) * height / steps;
            area.draw(&Rectangle::new(
                [(x, y0), (x + BAR_W, y1)],
                style::viridis(t).filled(),
            ))?;
        }
        area.draw(&Rectangle::new(
            [(x, top), (x + BAR_W, top + height)],
            INK.stroke_width(1),
        ))?;
        let (lo, hi) = self.range;
        for k in 0..5 {
            let f = k as f64 / 4.0;
            let y = top + height - (f * height as f64).round() as i32;
            area.draw(&PathElement::new(
                vec![(x + BAR_W, y), (x + BAR_W + 8, y)],
                INK.stroke_width(1),
            ))?;
            area.draw(&Text::new(
                style::number(lo + f * (hi - lo)),
                (x + BAR_W + 12, y),
                style::anchored(style::text(style::SMALL, INK), HPos::Left, VPos::Center),
            ))?;
        }
        let label = style::anchored(style::text(style::LABEL, INK), HPos::Center, VPos::Center)
            .transform(FontTransform::Rotate90);
        area.draw(&Text::new(
            self.metric_label.clone(),
            (x + BAR_W + 110, top + height / 2),
            label,
        ))?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_parse() {
        assert_eq!(parse_code("N-R-L"), Some([0, 1, 2]));
        assert_eq!(parse_code("L-L-L"), Some([2, 2, 2]));
        assert_eq!(parse_code("N-R"), None);
        assert_eq!(parse_code("with_exchanges"), None);
        assert_eq!(parse_code("X-R-L"), None);
    }
}
