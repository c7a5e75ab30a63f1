//! Stacked-area charts of a categorical observable (the phase): for each
//! configuration, the share of runs in each category month by month, the
//! layers stacked in category order so that they fill 0–1.
//!
//! A category's code is a label, not a quantity, so its mean over runs
//! means nothing; the shares are what `trajectories.csv` holds for such an
//! observable (`phase_negotiate`, `phase_commit`, …).

use super::data::Results;
use super::render::{Draw, DrawResult, footnote, footnote_room, frame};
use super::style::{self, INK};
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, VPos};

/// Panels drawn at most (3 × 2).
const MAX_PANELS: usize = 6;
const LEGEND_WIDTH: u32 = 260;
const NAME_CHARS: usize = 30;

struct Panel {
    name: String,
    /// Per category: (month, share) points.
    layers: Vec<Vec<(f64, f64)>>,
}

/// A prepared stacked-share chart.
pub(crate) struct Shares {
    name: String,
    title: String,
    subtitle: String,
    categories: Vec<String>,
    panels: Vec<Panel>,
    months: (f64, f64),
    note: String,
}

impl Shares {
    /// The chart of observable `name` with `categories`; `None` when
    /// `trajectories.csv` holds none of its share rows.
    pub(crate) fn new(results: &Results, name: &str, categories: &[String]) -> Option<Self> {
        let baseline = results.baseline();
        let mut order: Vec<&str> = baseline.into_iter().collect();
        order.extend(
            results
                .configurations
                .iter()
                .map(String::as_str)
                .filter(|c| Some(*c) != baseline),
        );
        let mut panels = Vec::new();
        let mut available = 0;
        let mut last_month = 1.0_f64;
        for config in order {
            let layers: Vec<Vec<(f64, f64)>> = categories
                .iter()
                .map(|cat| {
                    results
                        .trajectories
                        .get(&(config.to_string(), format!("{name}_{cat}")))
                        .map(|rows| {
                            rows.iter()
                                .filter_map(|p| Some((p.month as f64, p.mean?)))
                                .collect()
                        })
                        .unwrap_or_default()
                })
                .collect();
            if layers.iter().all(Vec::is_empty) {
                continue;
            }
            available += 1;
            if panels.len() < MAX_PANELS {
                for l in &layers {
                    if let Some(&(m, _)) = l.last() {
                        last_month = last_month.max(m);
                    }
                }
                let mut label = style::truncate(config, NAME_CHARS);
                if Some(config) == baseline {
                    label.push_str(" (baseline)");
                }
                panels.push(Panel {
                    name: label,
                    layers,
                });
            }
        }
        if panels.is_empty() {
            return None;
        }
        let mut note =
            format!("Share of runs in each {name} each month, stacked (they add up to 1).");
        if available > panels.len() {
            note.push_str(&format!(
                " Showing {} of {available} configurations (baseline first); trajectories.csv has them all.",
                panels.len()
            ));
        }
        Some(Shares {
            name: name.to_string(),
            title: format!("Share of runs in each {name}"),
            subtitle: results.subtitle(),
            categories: categories.to_vec(),
            panels,
            months: (1.0, last_month.max(2.0)),
            note,
        })
    }
}

impl Draw for Shares {
    fn size(&self) -> (u32, u32) {
        (1400, 850)
    }

    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> DrawResult<DB> {
        let room = footnote_room(root, &self.note)?;
        let body = frame(root, &self.title, &self.subtitle)?.margin(0, 46 + room, 20, 10);
        let (w, _) = body.dim_in_pixel();
        let (plots, legend) = body.split_horizontally(w - LEGEND_WIDTH);
        let cols = self.panels.len().min(3);
        let rows = self.panels.len().div_ceil(cols);
        let cells = plots.split_evenly((rows, cols));
        for (panel, area) in self.panels.iter().zip(&cells) {
            // The panel's name on its own line above the plot, clear of the
            // top tick label.
            let (w, _) = area.dim_in_pixel();
            area.draw(&Text::new(
                panel.name.clone(),
                (w as i32 / 2, 6),
                style::anchored(style::bold(style::LABEL, INK), HPos::Center, VPos::Top),
            ))?;
            let plot = area.margin(34, 0, 0, 0);
            let mut chart = ChartBuilder::on(&plot)
                .margin(10)
                .x_label_area_size(56)
                .y_label_area_size(70)
                .build_cartesian_2d(self.months.0..self.months.1, 0.0..1.0)?;
            super::axes::mesh(&mut chart, "month", "share of runs (0–1)", true)?;
            // Cumulative shares: layer k fills from the sum of the layers
            // before it to that sum plus its own share.
            let n = panel.layers.iter().map(Vec::len).max().unwrap_or(0);
            let mut below = vec![0.0_f64; n];
            for (k, layer) in panel.layers.iter().enumerate() {
                if layer.len() < 2 {
                    continue;
                }
                let upper: Vec<(f64, f64)> = layer
                    .iter()
                    .enumerate()
                    .map(|(i, &(m, v))| (m, (below[i] + v).min(1.0)))
                    .collect();
                let mut outline = upper.clone();
                outline.extend(
                    layer
                        .iter()
                        .enumerate()
                        .rev()
                        .map(|(i, &(m, _))| (m, below[i])),
                );
                chart.draw_series(std::iter::once(Polygon::new(
                    outline,
                    style::category(k).mix(0.85).filled(),
                )))?;
                for (i, &(_, v)) in layer.iter().enumerate() {
                    below[i] += v;
                }
            }
        }
        self.draw_legend(&legend)?;
        footnote(root, &self.note)
    }
}

impl Shares {
    fn draw_legend<DB: DrawingBackend>(&self, area: &DrawingArea<DB, Shift>) -> DrawResult<DB> {
        let x = 16;
        let mut y = 30;
        area.draw(&Text::new(
            self.name.clone(),
            (x, y),
            style::anchored(style::bold(style::LABEL, INK), HPos::Left, VPos::Center),
        ))?;
        y += 38;
        // Top of the stack first, as the layers appear on the chart.
        for (k, cat) in self.categories.iter().enumerate().rev() {
            area.draw(&Rectangle::new(
                [(x, y - 12), (x + 36, y + 12)],
                style::category(k).mix(0.85).filled(),
            ))?;
            area.draw(&Text::new(
                cat.clone(),
                (x + 48, y),
                style::anchored(style::text(style::LABEL, INK), HPos::Left, VPos::Center),
            ))?;
            y += 38;
        }
        Ok(())
    }
}
