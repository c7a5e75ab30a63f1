//! Shared pieces of the cartesian charts: the styled mesh, dot-and-whisker
//! panels (comparison, differences), and a small label placer that keeps
//! point labels from overlapping each other and the points.

use super::render::DrawResult;
use super::style::{self, FAINT, INK, MUTED};
use plotters::coord::Shift;
use plotters::coord::types::RangedCoordf64;
use plotters::element::DashedPathElement;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, VPos};

/// A cartesian chart context over f64 × f64.
pub(crate) type Chart2d<'a, DB> = ChartContext<'a, DB, Cartesian2d<RangedCoordf64, RangedCoordf64>>;

/// Formats tick values with as many decimals as the tick spacing of an
/// axis spanning `lo..hi` (with about `ticks` labels) needs.
pub(crate) fn tick_format(lo: f64, hi: f64, ticks: usize) -> impl Fn(&f64) -> String {
    let step = ((hi - lo).abs() / ticks.max(1) as f64).max(1e-12);
    let decimals = (-step.log10()).ceil().clamp(0.0, 6.0) as usize;
    let big = hi.abs().max(lo.abs()) >= 1.0e5;
    move |v: &f64| {
        if big {
            return style::number(*v);
        }
        let s = format!("{:.*}", decimals, v);
        // Never print "-0" or "-0.00".
        if s.starts_with('-') && s[1..].chars().all(|c| matches!(c, '0' | '.')) {
            s[1..].to_string()
        } else {
            s
        }
    }
}

/// Draws the mesh in the house style: light grid, readable tick labels, axis
/// titles. `y_labels = false` leaves the y axis unlabelled (for categories,
/// which the caller labels itself).
pub(crate) fn mesh<DB: DrawingBackend>(
    chart: &mut Chart2d<'_, DB>,
    x_desc: &str,
    y_desc: &str,
    y_labels: bool,
) -> DrawResult<DB> {
    let light = RGBColor(0xEC, 0xEC, 0xEC);
    let xr = chart.x_range();
    let yr = chart.y_range();
    let x_fmt = tick_format(xr.start, xr.end, 7);
    let y_fmt = tick_format(yr.start, yr.end, 8);
    let mut mesh = chart.configure_mesh();
    mesh.max_light_lines(0)
        .bold_line_style(light.stroke_width(1))
        .axis_style(MUTED.stroke_width(1))
        .label_style(style::text(style::SMALL, INK))
        .axis_desc_style(style::text(style::AXIS_TITLE, INK))
        .x_desc(x_desc)
        .x_label_formatter(&x_fmt)
        .y_label_formatter(&y_fmt)
        .x_labels(7);
    if y_labels {
        mesh.y_desc(y_desc).y_labels(8);
    } else {
        mesh.y_labels(0).disable_y_mesh();
    }
    mesh.draw()
}

/// One row of a dot-and-whisker panel.
pub(crate) struct DotRow {
    /// The category label, drawn left of the axis.
    pub label: String,
    /// The point estimate.
    pub value: f64,
    /// The interval, if known.
    pub interval: Option<(f64, f64)>,
    /// Point and whisker colour.
    pub colour: RGBColor,
    /// Draws the row emphasised (bold label, diamond marker): the baseline.
    pub emphasis: bool,
}

/// A vertical reference line in a dot panel (zero, or the baseline's value).
pub(crate) struct Reference {
    /// Where the line is drawn.
    pub x: f64,
    /// Dashed (baseline value) or solid (zero).
    pub dashed: bool,
}

/// Draws one titled dot-and-whisker panel. Rows are drawn top to bottom in
/// the given order.
pub(crate) fn dot_panel<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    title: &str,
    x_desc: &str,
    rows: &[DotRow],
    reference: Option<&Reference>,
    label_width: u32,
) -> DrawResult<DB> {
    let mut lo = f64::INFINITY;
    let mut hi = f64::NEG_INFINITY;
    for row in rows {
        let (a, b) = row.interval.unwrap_or((row.value, row.value));
        lo = lo.min(a.min(row.value));
        hi = hi.max(b.max(row.value));
    }
    if let Some(r) = reference {
        lo = lo.min(r.x);
        hi = hi.max(r.x);
    }
    let (x0, x1) = style::padded(lo, hi, 0.06);
    let n = rows.len().max(1) as f64;
    let mut chart = ChartBuilder::on(area)
        .caption(title, style::bold(style::PANEL_TITLE, INK))
        .margin_top(8)
        .margin_right(28)
        .margin_bottom(4)
        .x_label_area_size(64)
        .y_label_area_size(label_width)
        .build_cartesian_2d(x0..x1, -0.6..n - 0.4)?;
    mesh(&mut chart, x_desc, "", false)?;
    let screen = area.use_screen_coord();
    let row_y = |i: usize| n - 1.0 - i as f64;
    // Faint guides along each row help the eye from label to point.
    for (i, _) in rows.iter().enumerate() {
        let (a, y) = chart.backend_coord(&(x0, row_y(i)));
        let (b, _) = chart.backend_coord(&(x1, row_y(i)));
        screen.draw(&PathElement::new(
            vec![(a, y), (b, y)],
            RGBColor(0xF2, 0xF2, 0xF2).stroke_width(1),
        ))?;
    }
    if let Some(r) = reference {
        let (x, top) = chart.backend_coord(&(r.x, n - 0.4));
        let (_, bottom) = chart.backend_coord(&(r.x, -0.6));
        let line = vec![(x, top), (x, bottom)];
        if r.dashed {
            screen.draw(&DashedPathElement::new(line, 8, 6, INK.stroke_width(2)))?;
        } else {
            screen.draw(&PathElement::new(line, MUTED.stroke_width(2)))?;
        }
    }
    for (i, row) in rows.iter().enumerate() {
        let y = row_y(i);
        let (px, py) = chart.backend_coord(&(row.value, y));
        if let Some((a, b)) = row.interval {
            let (pa, _) = chart.backend_coord(&(a, y));
            let (pb, _) = chart.backend_coord(&(b, y));
            let st = row.colour.stroke_width(3);
            screen.draw(&PathElement::new(vec![(pa, py), (pb, py)], st))?;
            for p in [pa, pb] {
                screen.draw(&PathElement::new(vec![(p, py - 6), (p, py + 6)], st))?;
            }
        }
        if row.emphasis {
            let d = 9;
            screen.draw(&Polygon::new(
                vec![(px, py - d), (px + d, py), (px, py + d), (px - d, py)],
                row.colour.filled(),
            ))?;
        } else {
            screen.draw(&Circle::new((px, py), 6, row.colour.filled()))?;
            screen.draw(&Circle::new((px, py), 6, WHITE.stroke_width(1)))?;
        }
        let (lx, _) = chart.backend_coord(&(x0, y));
        let text = if row.emphasis {
            style::bold(style::SMALL, INK)
        } else {
            style::text(style::SMALL, INK)
        };
        screen.draw(&Text::new(
            row.label.clone(),
            (lx - 10, py),
            style::anchored(text, HPos::Right, VPos::Center),
        ))?;
    }
    Ok(())
}

/// Places point labels greedily so that they overlap neither each other nor
/// the points; a label that finds no free spot is left out.
pub(crate) struct LabelPlacer {
    taken: Vec<(i32, i32, i32, i32)>,
    bounds: (i32, i32, i32, i32),
}

impl LabelPlacer {
    /// A placer for labels within the screen rectangle `bounds` (x0, y0, x1, y1).
    pub(crate) fn new(bounds: (i32, i32, i32, i32)) -> Self {
        LabelPlacer {
            taken: Vec::new(),
            bounds,
        }
    }

    /// Marks a point (with radius `r`) as occupied.
    pub(crate) fn occupy_point(&mut self, (x, y): (i32, i32), r: i32) {
        self.taken.push((x - r, y - r, x + r, y + r));
    }

    /// Marks a horizontal or vertical line segment (a whisker) as occupied.
    pub(crate) fn occupy_segment(&mut self, a: (i32, i32), b: (i32, i32)) {
        self.taken.push((
            a.0.min(b.0) - 3,
            a.1.min(b.1) - 3,
            a.0.max(b.0) + 3,
            a.1.max(b.1) + 3,
        ));
    }

    /// Marks a screen rectangle (x0, y0, x1, y1) as occupied.
    pub(crate) fn occupy_box(&mut self, b: (i32, i32, i32, i32)) {
        self.taken.push(b);
    }

    fn free(&self, b: (i32, i32, i32, i32)) -> bool {
        let (bx0, by0, bx1, by1) = self.bounds;
        if b.0 < bx0 || b.1 < by0 || b.2 > bx1 || b.3 > by1 {
            return false;
        }
        !self
            .taken
            .iter()
            .any(|t| b.0 < t.2 && t.0 < b.2 && b.1 < t.3 && t.1 < b.3)
    }

    /// Finds a spot for a `w` × `h` label near `point`; returns its top-left
    /// corner and whether it sits far enough away to need a leader line.
    pub(crate) fn place(
        &mut self,
        point: (i32, i32),
        (w, h): (i32, i32),
    ) -> Option<((i32, i32), bool)> {
        let (x, y) = point;
        for (k, gap) in [14, 32, 56].into_iter().enumerate() {
            let candidates = [
                (x + gap, y - h / 2),
                (x - gap - w, y - h / 2),
                (x - w / 2, y - gap - h),
                (x - w / 2, y + gap),
                (x + gap, y - gap - h),
                (x + gap, y + gap),
                (x - gap - w, y - gap - h),
                (x - gap - w, y + gap),
            ];
            for (cx, cy) in candidates {
                let b = (cx - 2, cy - 2, cx + w + 2, cy + h + 2);
                if self.free(b) {
                    self.taken.push(b);
                    return Some(((cx, cy), k > 0));
                }
            }
        }
        None
    }
}

/// Draws `label` next to `point` if the placer finds room; returns whether it did.
pub(crate) fn place_label<DB: DrawingBackend>(
    screen: &DrawingArea<DB, Shift>,
    placer: &mut LabelPlacer,
    point: (i32, i32),
    label: &str,
    text: TextStyle<'static>,
) -> Result<bool, DrawingAreaErrorKind<DB::ErrorType>> {
    let (w, h) = screen.estimate_text_size(label, &text)?;
    let Some(((x, y), leader)) = placer.place(point, (w as i32, h as i32)) else {
        return Ok(false);
    };
    if leader {
        // The leader runs to the nearest point of the label's box.
        let tx = point.0.clamp(x, x + w as i32);
        let ty = point.1.clamp(y, y + h as i32);
        screen.draw(&PathElement::new(
            vec![point, (tx, ty)],
            FAINT.stroke_width(1),
        ))?;
    }
    screen.draw(&Text::new(
        label.to_string(),
        (x, y),
        style::anchored(text, HPos::Left, VPos::Top),
    ))?;
    Ok(true)
}
