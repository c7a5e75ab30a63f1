//! Comparison charts as small multiples, one panel per key final metric:
//!
//! - `comparison`: each configuration's mean with its 95% confidence
//!   interval, sorted from highest to lowest, the baseline drawn as a black
//!   diamond with a dashed line at its value;
//! - `differences`: the paired differences from the baseline
//!   (`comparisons.csv`), with a line at zero, coloured by whether the whole
//!   interval lies on the metric's better or worse side of zero (a cost
//!   increase is worse).

use super::axes::{DotRow, Reference, dot_panel};
use super::data::Results;
use super::render::{Draw, DrawResult, footnote, footnote_room, frame};
use super::style::{self, BLUE, Direction, MUTED, VERMILLION};
use plotters::coord::Shift;
use plotters::prelude::*;

/// The metrics shown first, when present; others follow in file order.
const KEY_METRICS: [&str; 6] = [
    "net_benefit",
    "value_added_total",
    "transaction_cost_total",
    "fit",
    "equity",
    "survival",
];
/// At most this many panels per chart.
const MAX_PANELS: usize = 6;
/// Configuration names are cut to this many characters.
const NAME_CHARS: usize = 22;
const ROW_HEIGHT: u32 = 28;

struct Panel {
    title: String,
    x_desc: String,
    rows: Vec<DotRow>,
    reference: Option<Reference>,
}

/// A small-multiples dot-and-whisker chart.
pub(crate) struct Comparison {
    title: String,
    subtitle: String,
    note: String,
    panels: Vec<Panel>,
    label_width: u32,
}

/// The metrics to show: key metrics present, then the others, at most `MAX_PANELS`.
pub(crate) fn panel_metrics(available: &[String]) -> Vec<String> {
    let mut out: Vec<String> = KEY_METRICS
        .iter()
        .filter(|k| available.iter().any(|a| a == *k))
        .map(|k| k.to_string())
        .collect();
    for a in available {
        if out.len() >= MAX_PANELS {
            break;
        }
        if !out.contains(a) {
            out.push(a.clone());
        }
    }
    out.truncate(MAX_PANELS);
    out
}

/// Sorts rows from highest to lowest value (ties keep their order).
fn sort_rows(rows: &mut [DotRow]) {
    rows.sort_by(|a, b| b.value.total_cmp(&a.value));
}

impl Comparison {
    /// The `comparison` chart from `summary.csv`; `None` when there is nothing to show.
    pub(crate) fn estimates(results: &Results) -> Option<Self> {
        let baseline = results.baseline().map(str::to_string);
        let mut panels = Vec::new();
        for metric in panel_metrics(&results.final_metrics) {
            let mut rows = Vec::new();
            let mut reference = None;
            for c in &results.configurations {
                let Some(e) = results.estimate(c, &metric) else {
                    continue;
                };
                let Some(value) = e.mean else { continue };
                let is_base = baseline.as_deref() == Some(c.as_str());
                if is_base {
                    reference = Some(Reference {
                        x: value,
                        dashed: true,
                    });
                }
                rows.push(DotRow {
                    label: style::truncate(c, NAME_CHARS),
                    value,
                    interval: e.ci_low.zip(e.ci_high),
                    colour: results.colour(c),
                    emphasis: is_base,
                });
            }
            if rows.is_empty() {
                continue;
            }
            sort_rows(&mut rows);
            panels.push(Panel {
                title: style::metric_name(&metric),
                x_desc: style::metric_label(&metric),
                rows,
                reference,
            });
        }
        if panels.is_empty() {
            return None;
        }
        let base = baseline.map_or_else(String::new, |b| {
            format!("Black diamond and dashed line: the baseline `{b}`. ")
        });
        Some(Comparison {
            title: "Final outcomes by configuration (mean and 95% CI)".to_string(),
            subtitle: results.subtitle(),
            note: format!("{base}Sorted from highest to lowest mean in each panel."),
            label_width: label_width(results),
            panels,
        })
    }

    /// The `differences` chart from `comparisons.csv`; `None` when the file
    /// is absent or empty.
    pub(crate) fn differences(results: &Results) -> Option<Self> {
        if results.differences.is_empty() {
            return None;
        }
        let available: Vec<String> = {
            let mut m: Vec<String> = Vec::new();
            for d in &results.differences {
                if !m.contains(&d.metric) {
                    m.push(d.metric.clone());
                }
            }
            m
        };
        let mut panels = Vec::new();
        for metric in panel_metrics(&available) {
            let direction = style::direction(&metric);
            let mut rows: Vec<DotRow> = results
                .differences
                .iter()
                .filter(|d| d.metric == metric)
                .filter_map(|d| {
                    let value = d.mean?;
                    let interval = d.ci_low.zip(d.ci_high);
                    let colour = difference_colour(direction, interval);
                    Some(DotRow {
                        label: style::truncate(&d.configuration, NAME_CHARS),
                        value,
                        interval,
                        colour,
                        emphasis: false,
                    })
                })
                .collect();
            if rows.is_empty() {
                continue;
            }
            sort_rows(&mut rows);
            let better = match direction {
                Some(Direction::HigherIsBetter) => " · higher is better",
                Some(Direction::LowerIsBetter) => " · lower is better",
                None => "",
            };
            panels.push(Panel {
                title: format!("{}{better}", style::metric_name(&metric)),
                x_desc: format!("difference in {}", style::metric_label(&metric)),
                rows,
                reference: Some(Reference {
                    x: 0.0,
                    dashed: false,
                }),
            });
        }
        if panels.is_empty() {
            return None;
        }
        let baseline = results
            .differences
            .first()
            .map_or_else(String::new, |d| d.baseline.clone());
        Some(Comparison {
            title: format!("Paired differences from the baseline `{baseline}` (mean and 95% CI)"),
            subtitle: results.subtitle(),
            note: "Blue: better than the baseline (the whole interval on the better side of \
                   zero: above for a metric where higher is better, below for one where lower is \
                   better, such as a cost) · vermillion: worse · grey: the interval includes \
                   zero. Metrics without a better side: purple above zero, olive below. Paired: \
                   each replication uses the same random numbers in every configuration."
                .to_string(),
            label_width: label_width(results),
            panels,
        })
    }

    fn grid(&self) -> (usize, usize) {
        let n = self.panels.len();
        let cols = match n {
            1 => 1,
            2 | 4 => 2,
            _ => 3,
        };
        (n.div_ceil(cols), cols)
    }

    fn panel_height(&self) -> u32 {
        let rows = self.panels.iter().map(|p| p.rows.len()).max().unwrap_or(1) as u32;
        rows * ROW_HEIGHT + 150
    }
}

/// The colour of a paired difference: blue when the whole interval lies on
/// the metric's better side of zero, vermillion on its worse side, grey when
/// it includes zero; for a metric without a better side, purple above zero
/// and olive below.
fn difference_colour(direction: Option<Direction>, interval: Option<(f64, f64)>) -> RGBColor {
    let side = match interval {
        Some((lo, _)) if lo > 0.0 => 1,
        Some((_, hi)) if hi < 0.0 => -1,
        _ => 0,
    };
    match (direction, side) {
        (_, 0) => MUTED,
        (Some(Direction::HigherIsBetter), 1) | (Some(Direction::LowerIsBetter), -1) => BLUE,
        (Some(_), _) => VERMILLION,
        (None, 1) => NEUTRAL_ABOVE,
        (None, _) => NEUTRAL_BELOW,
    }
}

/// Above and below zero for metrics without a better side (Tol's purple
/// and olive).
const NEUTRAL_ABOVE: RGBColor = style::CONFIGURATION[11];
const NEUTRAL_BELOW: RGBColor = style::CONFIGURATION[9];

/// Room for the longest (truncated) configuration name at label size.
fn label_width(results: &Results) -> u32 {
    let chars = results
        .configurations
        .iter()
        .map(|c| c.chars().count().min(NAME_CHARS))
        .max()
        .unwrap_or(4) as u32;
    // DejaVu Sans averages a little over half an em per character.
    (chars * 11 + 24).max(70)
}

impl Draw for Comparison {
    fn size(&self) -> (u32, u32) {
        let (rows, cols) = self.grid();
        let width = (cols as u32 * (self.label_width + 450) + 60).max(1200);
        let height = (rows as u32 * self.panel_height() + 160).max(800);
        (width, height)
    }

    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> DrawResult<DB> {
        // Room for the footnote below, a little air left and right.
        let room = footnote_room(root, &self.note)?;
        let body = frame(root, &self.title, &self.subtitle)?.margin(0, 50 + room, 30, 10);
        let (rows, cols) = self.grid();
        let areas = body.split_evenly((rows, cols));
        for (panel, area) in self.panels.iter().zip(areas.iter()) {
            dot_panel(
                &area.margin(6, 16, 0, 10),
                &panel.title,
                &panel.x_desc,
                &panel.rows,
                panel.reference.as_ref(),
                self.label_width,
            )?;
        }
        footnote(root, &self.note)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_cost_increase_is_drawn_as_worse() {
        let up = Some((1.0, 2.0));
        let down = Some((-2.0, -1.0));
        let lower = Some(Direction::LowerIsBetter);
        let higher = Some(Direction::HigherIsBetter);
        assert_eq!(style::direction("transaction_cost_total"), lower);
        assert_eq!(style::direction("value_added_total"), higher);
        assert_eq!(difference_colour(lower, up), VERMILLION);
        assert_eq!(difference_colour(lower, down), BLUE);
        assert_eq!(difference_colour(higher, up), BLUE);
        assert_eq!(difference_colour(higher, down), VERMILLION);
        assert_eq!(difference_colour(higher, Some((-1.0, 1.0))), MUTED);
        assert_eq!(difference_colour(None, up), NEUTRAL_ABOVE);
        assert_eq!(difference_colour(None, down), NEUTRAL_BELOW);
    }
}
