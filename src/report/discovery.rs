//! The two charts of scenario discovery (`mlgov discover`):
//!
//! - `discovery_tradeoff`: the peeling trajectory as coverage (x) against
//!   density (y), each box coloured by how many inputs it restricts, the
//!   chosen box ringed and labelled;
//! - `discovery_box`: the chosen box's limits on each restricted input
//!   against that input's range over all runs (a grey bar for the range, a
//!   coloured one for the box), with the limits and quasi-p-values written
//!   beside them.

use super::ReportError;
use super::axes::mesh;
use super::render::{Draw, DrawResult, RenderedChart, footnote, frame, render};
use super::style::{self, FAINT, INK, MUTED};
use crate::discovery::{Column, Input, Limit, PrimBox};
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, VPos};

struct Tradeoff<'a> {
    trajectory: &'a [PrimBox],
    chosen: usize,
    subtitle: String,
}

/// The coverage–density trade-off of a peeling trajectory, with the box
/// `chosen` marked; `subtitle` says what the cases are.
pub fn discovery_tradeoff(
    trajectory: &[PrimBox],
    chosen: usize,
    subtitle: &str,
) -> Result<RenderedChart, ReportError> {
    render(
        "discovery_tradeoff",
        &Tradeoff {
            trajectory,
            chosen,
            subtitle: subtitle.to_string(),
        },
    )
}

impl Draw for Tradeoff<'_> {
    fn size(&self) -> (u32, u32) {
        (1200, 850)
    }

    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> DrawResult<DB> {
        let body = frame(
            root,
            "Scenario discovery: coverage against density of each box",
            &self.subtitle,
        )?;
        let (area, side) = body.split_horizontally(body.dim_in_pixel().0 as i32 - 260);
        let ymin = self
            .trajectory
            .iter()
            .map(|b| b.density)
            .fold(1.0_f64, f64::min);
        let y0 = (ymin - 0.05).max(0.0);
        let mut chart = ChartBuilder::on(&area)
            .margin_left(20)
            .margin_right(30)
            .margin_bottom(70)
            .x_label_area_size(70)
            .y_label_area_size(90)
            .build_cartesian_2d(0.0..1.02_f64, y0..1.02_f64)?;
        mesh(
            &mut chart,
            "coverage (share of all cases inside the box)",
            "density (share of the box's runs that are cases)",
            true,
        )?;
        chart.draw_series(LineSeries::new(
            self.trajectory.iter().map(|b| (b.coverage, b.density)),
            FAINT.stroke_width(2),
        ))?;
        let most = self
            .trajectory
            .iter()
            .map(|b| b.restrictions.len())
            .max()
            .unwrap_or(0);
        for b in self.trajectory {
            let colour = style::category(b.restrictions.len().min(5));
            chart.draw_series(std::iter::once(Circle::new(
                (b.coverage, b.density),
                6,
                colour.filled(),
            )))?;
        }
        if let Some(b) = self.trajectory.get(self.chosen) {
            chart.draw_series(std::iter::once(Circle::new(
                (b.coverage, b.density),
                13,
                INK.stroke_width(3),
            )))?;
            // Below and to the left of the point is empty: the trajectory
            // falls from high density at low coverage to low density at
            // full coverage. Near the left edge, below and to the right.
            let (x, y) = chart.backend_coord(&(b.coverage, b.density));
            let right = x < area.dim_in_pixel().0 as i32 * 2 / 5;
            let label = format!(
                "box {}: coverage {}, density {}, {} restricted",
                self.chosen,
                style::number(b.coverage),
                style::number(b.density),
                b.restrictions.len()
            );
            let st = style::anchored(
                style::bold(style::LABEL, INK),
                if right { HPos::Left } else { HPos::Right },
                VPos::Top,
            );
            let dx = if right { 18 } else { -18 };
            root.draw(&Text::new(label, (x + dx, y + 20), st))?;
        }
        // Legend: restricted inputs by colour.
        let head = style::anchored(style::bold(style::LABEL, INK), HPos::Left, VPos::Top);
        side.draw(&Text::new("inputs restricted".to_string(), (10, 20), head))?;
        for k in 0..=most.min(5) {
            let y = 60 + 34 * k as i32;
            side.draw(&Circle::new((22, y + 10), 7, style::category(k).filled()))?;
            let text = if k == 5 && most > 5 {
                "5 or more".to_string()
            } else {
                k.to_string()
            };
            let st = style::anchored(style::text(style::LABEL, INK), HPos::Left, VPos::Top);
            side.draw(&Text::new(text, (40, y), st))?;
        }
        footnote(
            root,
            "Each point is a box on the peeling trajectory, from all runs (coverage 1) to the smallest; ringed: the box reported.",
        )
    }
}

struct BoxLimits<'a> {
    inputs: &'a [Input],
    b: &'a PrimBox,
    index: usize,
    subtitle: String,
}

/// The limits of box `b` (number `index`) on each restricted input, against
/// the input's range over all runs.
pub fn discovery_box(
    inputs: &[Input],
    b: &PrimBox,
    index: usize,
    subtitle: &str,
) -> Result<RenderedChart, ReportError> {
    render(
        "discovery_box",
        &BoxLimits {
            inputs,
            b,
            index,
            subtitle: subtitle.to_string(),
        },
    )
}

/// Quasi-p-values as text: `p < 0.001` below a thousandth.
fn p_text(p: Option<f64>) -> Option<String> {
    p.map(|p| {
        if p < 0.001 {
            "p < 0.001".to_string()
        } else {
            format!("p = {}", style::number(p))
        }
    })
}

impl Draw for BoxLimits<'_> {
    fn size(&self) -> (u32, u32) {
        let rows = self.b.restrictions.len().max(1) as u32;
        (1300, 220 + 90 * rows)
    }

    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> DrawResult<DB> {
        let body = frame(
            root,
            &format!(
                "Box {}: coverage {}, density {}, mass {}",
                self.index,
                style::number(self.b.coverage),
                style::number(self.b.density),
                style::number(self.b.mass)
            ),
            &self.subtitle,
        )?;
        let (w, _) = body.dim_in_pixel();
        let (left, right) = (40, w as i32 - 40);
        let (bar_left, bar_right) = (left + 380, right - 320);
        let label = |size| style::anchored(style::text(size, INK), HPos::Left, VPos::Center);
        if self.b.restrictions.is_empty() {
            body.draw(&Text::new(
                "No input is restricted: the box holds every run.".to_string(),
                (left, 40),
                label(style::LABEL),
            ))?;
        }
        for (k, r) in self.b.restrictions.iter().enumerate() {
            let y = 50 + 90 * k as i32;
            body.draw(&Text::new(
                style::truncate(&r.name, 34),
                (left, y),
                style::anchored(style::bold(style::LABEL, INK), HPos::Left, VPos::Center),
            ))?;
            match (&r.limit, &self.inputs[r.input].column) {
                (Limit::Range { lower, upper }, Column::Numeric(v)) => {
                    let lo = v.iter().copied().fold(f64::INFINITY, f64::min);
                    let hi = v.iter().copied().fold(f64::NEG_INFINITY, f64::max);
                    let span = (hi - lo).max(1e-300);
                    let px = |x: f64| {
                        bar_left + ((x - lo) / span * f64::from(bar_right - bar_left)) as i32
                    };
                    body.draw(&Rectangle::new(
                        [(bar_left, y - 9), (bar_right, y + 9)],
                        style::BLANK.filled(),
                    ))?;
                    body.draw(&Rectangle::new(
                        [(px(*lower), y - 9), (px(*upper).max(px(*lower) + 2), y + 9)],
                        style::BLUE.filled(),
                    ))?;
                    let small = |h| style::anchored(style::text(style::SMALL, MUTED), h, VPos::Top);
                    body.draw(&Text::new(
                        style::number(lo),
                        (bar_left, y + 14),
                        small(HPos::Left),
                    ))?;
                    body.draw(&Text::new(
                        style::number(hi),
                        (bar_right, y + 14),
                        small(HPos::Right),
                    ))?;
                    let limits = match (r.lower_restricted, r.upper_restricted) {
                        (true, true) => {
                            format!("{} to {}", style::number(*lower), style::number(*upper))
                        }
                        (true, false) => format!("≥ {}", style::number(*lower)),
                        _ => format!("≤ {}", style::number(*upper)),
                    };
                    body.draw(&Text::new(
                        limits,
                        ((px(*lower) + px(*upper)) / 2, y - 12),
                        style::anchored(style::bold(style::SMALL, INK), HPos::Center, VPos::Bottom),
                    ))?;
                }
                (Limit::Categories(kept), _) => {
                    body.draw(&Text::new(
                        format!("one of: {}", style::truncate(&kept.join(", "), 60)),
                        (bar_left, y),
                        label(style::SMALL),
                    ))?;
                }
                _ => {}
            }
            let ps: Vec<String> = [
                p_text(r.quasi_p_lower).map(|p| {
                    if r.upper_restricted {
                        format!("low {p}")
                    } else {
                        p
                    }
                }),
                p_text(r.quasi_p_upper).map(|p| {
                    if r.lower_restricted {
                        format!("high {p}")
                    } else {
                        p
                    }
                }),
            ]
            .into_iter()
            .flatten()
            .collect();
            body.draw(&Text::new(
                ps.join("; "),
                (bar_right + 20, y),
                style::anchored(style::text(style::SMALL, MUTED), HPos::Left, VPos::Center),
            ))?;
        }
        footnote(
            root,
            "Grey: the input's range over all runs; blue: the box; p: quasi-p-value of the limit (binomial test).",
        )
    }
}
