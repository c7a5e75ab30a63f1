//! Sensitivity charts from `sensitivity.csv`, one panel per output metric,
//! parameters sorted by importance (most important on top):
//!
//! - Morris: μ* (mean absolute elementary effect, the importance) as a bar,
//!   σ (spread of the effects: interactions or non-linearity) as a thinner
//!   bar beneath it;
//! - Sobol: first-order S1 and total-order ST as paired bars with their 95%
//!   intervals; ST − S1 is the share due to interactions.

use super::axes::mesh;
use super::data::Sensitivity;
use super::render::{Draw, DrawResult, footnote, footnote_room, frame, render};
use super::style::{self, INK, MUTED, ORANGE};
use super::{RenderedChart, ReportError};
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, VPos};

/// At most this many metric panels.
const MAX_PANELS: usize = 6;
const ROW: u32 = 44;

/// One parameter's bars: (value, optional interval) for the two measures.
struct Bars {
    parameter: String,
    first: (f64, Option<(f64, f64)>),
    second: (f64, Option<(f64, f64)>),
}

struct Panel {
    metric: String,
    rows: Vec<Bars>,
}

/// A prepared sensitivity chart.
pub(crate) struct SensitivityChart {
    title: String,
    subtitle: String,
    measures: [&'static str; 2],
    x_desc: &'static str,
    note: &'static str,
    panels: Vec<Panel>,
}

/// Draws the chart(s) for `s`: one if the file holds one method, two
/// (`sensitivity_morris`, `sensitivity_sobol`) if it holds both.
pub(crate) fn each_chart(
    s: &Sensitivity,
    sink: &mut dyn FnMut(RenderedChart) -> Result<(), ReportError>,
) -> Result<(), ReportError> {
    let both = !s.morris.is_empty() && !s.sobol.is_empty();
    if !s.morris.is_empty() {
        let stem = if both {
            "sensitivity_morris"
        } else {
            "sensitivity"
        };
        sink(render(stem, &SensitivityChart::morris(s))?)?;
    }
    if !s.sobol.is_empty() {
        let stem = if both {
            "sensitivity_sobol"
        } else {
            "sensitivity"
        };
        sink(render(stem, &SensitivityChart::sobol(s))?)?;
    }
    Ok(())
}

/// Groups rows by metric in order of first appearance, at most `MAX_PANELS`.
fn group<T>(items: &[T], metric: impl Fn(&T) -> &str, bars: impl Fn(&T) -> Bars) -> Vec<Panel> {
    let mut panels: Vec<Panel> = Vec::new();
    for item in items {
        let m = metric(item);
        let idx = match panels.iter().position(|p| p.metric == m) {
            Some(i) => i,
            None if panels.len() < MAX_PANELS => {
                panels.push(Panel {
                    metric: m.to_string(),
                    rows: Vec::new(),
                });
                panels.len() - 1
            }
            None => continue,
        };
        panels[idx].rows.push(bars(item));
    }
    for p in &mut panels {
        // Most important first; the importance measure is the one named
        // first for Morris (μ*) and the total order for Sobol (ST).
        p.rows.sort_by(|a, b| {
            b.second
                .0
                .total_cmp(&a.second.0)
                .then(b.first.0.total_cmp(&a.first.0))
        });
    }
    panels
}

/// The subtitle from `sensitivity.json`, or nothing for an older folder.
fn subtitle(s: &Sensitivity) -> String {
    s.about.as_ref().map_or_else(String::new, |a| a.subtitle())
}

/// Room for the longest parameter name, drawn in full.
fn name_width(panels: &[Panel]) -> u32 {
    let chars = panels
        .iter()
        .flat_map(|p| p.rows.iter())
        .map(|b| b.parameter.chars().count())
        .max()
        .unwrap_or(8) as u32;
    // DejaVu Sans at 18 px: at most about 11 px per character.
    (chars * 11 + 30).max(120)
}

impl SensitivityChart {
    fn morris(s: &Sensitivity) -> Self {
        let mut panels = group(
            &s.morris,
            |r| r.metric.as_str(),
            |r| Bars {
                parameter: r.parameter.clone(),
                first: (r.mu_star.unwrap_or(0.0), None),
                second: (r.sigma.unwrap_or(0.0), None),
            },
        );
        for p in &mut panels {
            p.rows.sort_by(|a, b| b.first.0.total_cmp(&a.first.0));
        }
        SensitivityChart {
            title: "Sensitivity (Morris screening): which parameters matter".to_string(),
            subtitle: subtitle(s),
            measures: ["μ* (importance)", "σ (interactions, non-linearity)"],
            x_desc: "metric units per parameter range",
            note: "μ* (mu_star): mean absolute elementary effect, the change of the metric per full \
                   range of the parameter (Morris 1991), the importance; sorted by it. σ (sigma): \
                   standard deviation of the effects; large σ means interactions or non-linearity.",
            panels,
        }
    }

    fn sobol(s: &Sensitivity) -> Self {
        let clamp = |v: [Option<f64>; 3]| (v[0].unwrap_or(0.0), v[1].zip(v[2]));
        SensitivityChart {
            title: "Sensitivity (Sobol indices): shares of output variance".to_string(),
            subtitle: subtitle(s),
            measures: ["S1 (first order)", "ST (total order)"],
            x_desc: "share of output variance",
            note: "S1: share of variance due to the parameter alone; ST: including its interactions. \
                   Whiskers: 95% intervals. Sorted by ST.",
            panels: group(
                &s.sobol,
                |r| r.metric.as_str(),
                |r| Bars {
                    parameter: r.parameter.clone(),
                    first: clamp(r.s1),
                    second: clamp(r.st),
                },
            ),
        }
    }

    fn grid(&self) -> (usize, usize) {
        let n = self.panels.len().max(1);
        let cols = match n {
            1 => 1,
            2 | 4 => 2,
            _ => 3,
        };
        (n.div_ceil(cols), cols)
    }
}

impl Draw for SensitivityChart {
    fn size(&self) -> (u32, u32) {
        let (rows, cols) = self.grid();
        let params = self.panels.iter().map(|p| p.rows.len()).max().unwrap_or(1) as u32;
        let width = (cols as u32 * (name_width(&self.panels) + 440) + 60).max(1200);
        let height = (rows as u32 * (params * ROW + 150) + 210).max(800);
        (width, height)
    }

    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> DrawResult<DB> {
        let body = frame(root, &self.title, &self.subtitle)?;
        // The legend for the two bars sits under the title.
        let colours = [style::BLUE, ORANGE];
        let mut x = 40;
        for (measure, colour) in self.measures.iter().zip(colours) {
            body.draw(&Rectangle::new([(x, 4), (x + 30, 22)], colour.filled()))?;
            body.draw(&Text::new(
                measure.to_string(),
                (x + 40, 13),
                style::anchored(style::text(style::LABEL, INK), HPos::Left, VPos::Center),
            ))?;
            x += 70 + 11 * measure.chars().count() as i32;
        }
        let room = footnote_room(root, self.note)?;
        let body = body.margin(40, 50 + room, 20, 20);
        let (rows, cols) = self.grid();
        for (panel, area) in self
            .panels
            .iter()
            .zip(body.split_evenly((rows, cols)).iter())
        {
            self.draw_panel(&area.margin(4, 12, 0, 16), panel, &colours)?;
        }
        footnote(root, self.note)
    }
}

impl SensitivityChart {
    fn draw_panel<DB: DrawingBackend>(
        &self,
        area: &DrawingArea<DB, Shift>,
        panel: &Panel,
        colours: &[RGBColor; 2],
    ) -> DrawResult<DB> {
        let mut hi: f64 = 0.0;
        let mut lo: f64 = 0.0;
        for b in &panel.rows {
            for (v, ci) in [b.first, b.second] {
                hi = hi.max(v).max(ci.map_or(v, |c| c.1));
                lo = lo.min(v).min(ci.map_or(v, |c| c.0));
            }
        }
        if hi <= lo {
            hi = lo + 1.0;
        }
        let pad = (hi - lo) * 0.05;
        let hi = hi + pad;
        let lo = if lo < 0.0 { lo - pad } else { lo };
        let n = panel.rows.len().max(1) as f64;
        let mut chart = ChartBuilder::on(area)
            .caption(
                style::metric_name(&panel.metric),
                style::bold(style::PANEL_TITLE, INK),
            )
            .margin_top(6)
            .margin_right(24)
            .x_label_area_size(64)
            .y_label_area_size(name_width(&self.panels))
            .build_cartesian_2d(lo..hi, -0.5..n - 0.5)?;
        mesh(&mut chart, self.x_desc, "", false)?;
        let screen = area.use_screen_coord();
        let px = |x: f64, y: f64| chart.backend_coord(&(x, y));
        for (i, b) in panel.rows.iter().enumerate() {
            let y = n - 1.0 - i as f64;
            let (_, cy) = px(0.0, y);
            let half = ((px(0.0, 0.0).1 - px(0.0, 1.0).1) as f64 * 0.36).round() as i32;
            let bands = [(cy - half, cy), (cy + 1, cy + half)];
            for (k, ((v, ci), (t, bt))) in [b.first, b.second].into_iter().zip(bands).enumerate() {
                let (x0, _) = px(0.0, y);
                let (x1, _) = px(v, y);
                screen.draw(&Rectangle::new(
                    [(x0.min(x1), t), (x0.max(x1), bt)],
                    colours[k].filled(),
                ))?;
                if let Some((a, c)) = ci {
                    let (xa, _) = px(a, y);
                    let (xc, _) = px(c, y);
                    let m = (t + bt) / 2;
                    let st = INK.stroke_width(2);
                    screen.draw(&PathElement::new(vec![(xa, m), (xc, m)], st))?;
                    for xe in [xa, xc] {
                        screen.draw(&PathElement::new(vec![(xe, m - 5), (xe, m + 5)], st))?;
                    }
                }
            }
            let (lx, _) = px(lo, y);
            screen.draw(&Text::new(
                b.parameter.clone(),
                (lx - 10, cy),
                style::anchored(style::text(style::SMALL, INK), HPos::Right, VPos::Center),
            ))?;
        }
        let (zx, top) = px(0.0, n - 0.5);
        let (_, bottom) = px(0.0, -0.5);
        screen.draw(&PathElement::new(
            vec![(zx, top), (zx, bottom)],
            MUTED.stroke_width(1),
        ))?;
        Ok(())
    }
}
