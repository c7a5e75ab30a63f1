//! The one-page handout of Lloyd's functions-by-levels picture (slide 16):
//! three functions (conceive, manage, implement) by three levels (national,
//! regional, local), an example policy's path with its `C-M-I` code, a few
//! lines on how to read it, and two empty grids for students to draw their
//! own policies in. Drawn by `mlgov plot --handout`; needs no results.

use super::render::{Draw, DrawResult, footnote, frame};
use super::style::{self, INK, MUTED};
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, VPos};

const FUNCTIONS: [&str; 3] = ["Conceive", "Manage", "Implement"];
const LEVELS: [&str; 3] = ["National", "Regional", "Local"];
const PATH: RGBColor = RGBColor(31, 95, 191);
const CELL: RGBColor = RGBColor(241, 243, 247);
const CELL_ON: RGBColor = RGBColor(207, 224, 251);
const LINE: RGBColor = RGBColor(170, 178, 192);

/// The example drawn on the handout: conceived nationally, managed
/// regionally, implemented locally.
const EXAMPLE: [usize; 3] = [0, 1, 2];

/// The handout: an A4 page at 150 dots per inch.
pub(crate) struct Handout;

/// Draws a 3 × 3 functions-by-levels grid with its top-left corner at
/// (`x0`, `y0`), cells `cw` × `ch`, and the path of `path` (the level of
/// each function) when given.
fn grid<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    (x0, y0): (i32, i32),
    (cw, ch): (i32, i32),
    path: Option<[usize; 3]>,
    size: f64,
) -> DrawResult<DB> {
    let head = style::anchored(style::bold(size, INK), HPos::Center, VPos::Bottom);
    let side = style::anchored(style::text(size, INK), HPos::Right, VPos::Center);
    for (j, f) in FUNCTIONS.iter().enumerate() {
        let x = x0 + j as i32 * cw + cw / 2;
        root.draw(&Text::new(f.to_string(), (x, y0 - 10), head.clone()))?;
    }
    for (i, l) in LEVELS.iter().enumerate() {
        let y = y0 + i as i32 * ch + ch / 2;
        root.draw(&Text::new(l.to_string(), (x0 - 14, y), side.clone()))?;
    }
    for j in 0..3 {
        for i in 0..3 {
            let on = path.is_some_and(|p| p[j] == i);
            let (x, y) = (x0 + j as i32 * cw, y0 + i as i32 * ch);
            let fill = if on { CELL_ON } else { CELL };
            root.draw(&Rectangle::new(
                [(x + 5, y + 5), (x + cw - 5, y + ch - 5)],
                fill.filled(),
            ))?;
            let border = if on { PATH } else { LINE };
            root.draw(&Rectangle::new(
                [(x + 5, y + 5), (x + cw - 5, y + ch - 5)],
                border.stroke_width(if on { 3 } else { 1 }),
            ))?;
        }
    }
    let Some(path) = path else {
        return Ok(());
    };
    let centre = |j: usize| {
        (
            x0 + j as i32 * cw + cw / 2,
            y0 + path[j] as i32 * ch + ch / 2,
        )
    };
    let r = (ch / 6).max(10);
    for j in 0..2 {
        let ((ax, ay), (bx, by)) = (centre(j), centre(j + 1));
        let (dx, dy) = (f64::from(bx - ax), f64::from(by - ay));
        let d = dx.hypot(dy);
        let (ux, uy) = (dx / d, dy / d);
        let start = (
            ax + (ux * f64::from(r + 4)) as i32,
            ay + (uy * f64::from(r + 4)) as i32,
        );
        let tip = (
            bx - (ux * f64::from(r + 4)) as i32,
            by - (uy * f64::from(r + 4)) as i32,
        );
        root.draw(&PathElement::new(vec![start, tip], PATH.stroke_width(5)))?;
        let a = f64::from(r);
        let back = (
            f64::from(tip.0) - ux * a * 1.3,
            f64::from(tip.1) - uy * a * 1.3,
        );
        let wing = |s: f64| {
            (
                (back.0 - uy * a * 0.7 * s) as i32,
                (back.1 + ux * a * 0.7 * s) as i32,
            )
        };
        root.draw(&Polygon::new(
            vec![tip, wing(1.0), wing(-1.0)],
            PATH.filled(),
        ))?;
    }
    let letter = style::anchored(style::bold(size, WHITE), HPos::Center, VPos::Center);
    for (j, c) in ["C", "M", "I"].iter().enumerate() {
        root.draw(&Circle::new(centre(j), r, PATH.filled()))?;
        root.draw(&Text::new(c.to_string(), centre(j), letter.clone()))?;
    }
    Ok(())
}

impl Draw for Handout {
    fn size(&self) -> (u32, u32) {
        (1240, 1754)
    }

    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> DrawResult<DB> {
        let area = frame(
            root,
            "Functions at different levels",
            "Who conceives, manages and implements a policy (after P. Lloyd, Working in Partnership, slide 16)",
        )?;
        grid(&area, (300, 80), (250, 150), Some(EXAMPLE), 26.0)?;
        let code = style::anchored(style::bold(26.0, PATH), HPos::Left, VPos::Top);
        area.draw(&Text::new(
            "Example: N-R-L — conceived nationally, managed regionally, implemented locally"
                .to_string(),
            (60, 555),
            code,
        ))?;
        let body = style::anchored(style::text(21.0, INK), HPos::Left, VPos::Top);
        let lines = [
            "Conceive: decide what the policy is for and what it aims at.",
            "Manage: turn it into programmes, budgets, rules and targets.",
            "Implement: deliver it with partners, where people live and work.",
            "",
            "Each function can sit at the national (N), regional (R) or local (L) level:",
            "the code C-M-I names the three levels, so there are 3 × 3 × 3 = 27 assignments.",
            "Every step between levels along the path is a hand-over: it costs and it delays.",
            "The more local the level, the more inter-connected the problems (slide 13).",
            "Lloyd's advice: do more locally in each element, and connect the levels (slide 15).",
        ];
        for (k, l) in lines.iter().enumerate() {
            area.draw(&Text::new(
                l.to_string(),
                (60, 615 + 32 * k as i32),
                body.clone(),
            ))?;
        }
        let task = style::anchored(style::bold(24.0, INK), HPos::Left, VPos::Top);
        area.draw(&Text::new(
            "Draw your own: mark the level of each function and join them.".to_string(),
            (60, 930),
            task,
        ))?;
        for (k, x0) in [170, 780].into_iter().enumerate() {
            grid(&area, (x0, 1040), (135, 95), None, 19.0)?;
            let prompt = style::anchored(style::text(21.0, MUTED), HPos::Left, VPos::Top);
            area.draw(&Text::new(
                format!("Policy {}: ____________________", k + 1),
                (x0 - 110, 1345),
                prompt.clone(),
            ))?;
            area.draw(&Text::new(
                "Code: __ - __ - __".to_string(),
                (x0 - 110, 1385),
                prompt,
            ))?;
        }
        footnote(
            root,
            "Drawn by mlgov plot --handout. The Lloyd explorer (mlgov serve) lets you click this picture and run it.",
        )
    }
}
