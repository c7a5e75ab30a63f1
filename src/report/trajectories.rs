//! Trajectory charts: one per observable, the mean over runs of each
//! configuration month by month, with the band holding the middle 50% of
//! runs (darker) and the middle 90% (lighter).
//!
//! The line is the mean, not the median: the mean is exact, while the
//! quantiles come from a sketch with 1% relative accuracy, whose medians move
//! in visible steps (about 0.013 at a trust of 0.65) that a reader could take
//! for events in the partnership. The mean is also what `comparisons.csv`
//! compares.
//!
//! With many configurations a chart of every band would be unreadable, so
//! beyond a limit the chart highlights the baseline and the configurations
//! that end highest and lowest, and draws the rest as thin grey lines for
//! context.

use super::axes::mesh;
use super::data::{MonthStats, Results};
use super::render::{Draw, DrawResult, footnote, footnote_room, frame};
use super::style::{self, FAINT, INK, MUTED};
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, VPos};

const LEGEND_WIDTH: u32 = 330;
const NAME_CHARS: usize = 24;

struct Series {
    name: String,
    colour: RGBColor,
    points: Vec<MonthStats>,
    baseline: bool,
    /// Drawn dashed: an earlier highlighted series has the same colour
    /// (the palette repeats after twelve configurations).
    dashed: bool,
}

/// A prepared trajectory chart.
pub(crate) struct Trajectories {
    title: String,
    subtitle: String,
    y_desc: String,
    highlighted: Vec<Series>,
    context: Vec<Vec<(f64, f64)>>,
    context_names: usize,
    months: (f64, f64),
    range: (f64, f64),
    note: String,
}

/// The central value of a month: the mean, else the median.
fn centre(p: &MonthStats) -> Option<f64> {
    p.mean.or(p.quantiles[2])
}

impl Trajectories {
    /// Prepares the chart of `metric`, highlighting at most `max_highlighted`
    /// configurations.
    pub(crate) fn new(results: &Results, metric: &str, max_highlighted: usize) -> Self {
        let baseline = results.baseline();
        // Configurations with identical series are one line, named after
        // all of them (in the colour of the first, or black if one of them
        // is the baseline).
        let mut all: Vec<(String, &Vec<MonthStats>)> = Vec::new();
        let mut names_of: Vec<Vec<String>> = Vec::new();
        for c in &results.configurations {
            let Some(series) = results.trajectories.get(&(c.clone(), metric.to_string())) else {
                continue;
            };
            match all.iter().position(|(_, s)| *s == series) {
                Some(i) => {
                    names_of[i].push(c.clone());
                    if Some(c.as_str()) == baseline {
                        all[i].0 = c.clone();
                    }
                }
                None => {
                    all.push((c.clone(), series));
                    names_of.push(vec![c.clone()]);
                }
            }
        }
        let mut all: Vec<(String, &Vec<MonthStats>, Vec<String>)> = all
            .into_iter()
            .zip(names_of)
            .map(|((c, s), names)| (c, s, names))
            .collect();
        let final_value = |s: &Vec<MonthStats>| s.iter().rev().find_map(centre);
        // Highest final value first, so the legend reads in the order the
        // lines end; configurations without values go last.
        all.sort_by(|a, b| {
            let (fa, fb) = (final_value(a.1), final_value(b.1));
            fb.unwrap_or(f64::NEG_INFINITY)
                .total_cmp(&fa.unwrap_or(f64::NEG_INFINITY))
        });
        let identical = all.iter().filter(|a| a.2.len() > 1).count();
        let chosen: Vec<bool> = if all.len() <= max_highlighted.max(1) {
            vec![true; all.len()]
        } else {
            // The baseline plus the highest and lowest enders; at most five
            // sets of bands stay readable on top of each other.
            let limit = max_highlighted.clamp(1, 5);
            let rest = limit - usize::from(baseline.is_some());
            let top = rest.div_ceil(2);
            let bottom = rest / 2;
            let others: Vec<usize> = (0..all.len())
                .filter(|&i| Some(all[i].0.as_str()) != baseline)
                .collect();
            let mut pick = vec![false; all.len()];
            for &i in others.iter().take(top) {
                pick[i] = true;
            }
            for &i in others.iter().rev().take(bottom) {
                pick[i] = true;
            }
            for (i, (name, _, _)) in all.iter().enumerate() {
                if Some(name.as_str()) == baseline {
                    pick[i] = true;
                }
            }
            pick
        };
        let mut highlighted = Vec::new();
        let mut context = Vec::new();
        let mut lo = f64::INFINITY;
        let mut hi = f64::NEG_INFINITY;
        let mut m0 = f64::INFINITY;
        let mut m1 = f64::NEG_INFINITY;
        let mut context_names = 0;
        for ((name, points, names), pick) in all.iter().zip(&chosen) {
            for p in points.iter() {
                m0 = m0.min(p.month as f64);
                m1 = m1.max(p.month as f64);
                let values = if *pick {
                    vec![p.quantiles[0], p.quantiles[4], centre(p)]
                } else {
                    vec![centre(p)]
                };
                for v in values.into_iter().flatten() {
                    lo = lo.min(v);
                    hi = hi.max(v);
                }
            }
            if *pick {
                let is_base = Some(name.as_str()) == baseline;
                let colour = results.colour(name);
                let dashed = highlighted.iter().any(|h: &Series| h.colour == colour);
                highlighted.push(Series {
                    name: names.join(" = "),
                    colour,
                    points: (*points).clone(),
                    baseline: is_base,
                    dashed,
                });
            } else {
                context_names += names.len();
                context.push(
                    points
                        .iter()
                        .filter_map(|p| centre(p).map(|v| (p.month as f64, v)))
                        .collect(),
                );
            }
        }
        if !m0.is_finite() {
            (m0, m1) = (1.0, 2.0);
        } else if m1 <= m0 {
            m1 = m0 + 1.0;
        }
        let mut note = String::from(
            "Lines: mean over runs. Shading: darker = middle 50% of runs, lighter = middle 90%.",
        );
        if !context.is_empty() {
            note.push_str(&format!(
                " Grey: {context_names} other configurations (means only)."
            ));
        }
        if identical > 0 {
            note.push_str(" Configurations joined by \"=\" have identical series, drawn once.");
        }
        if highlighted.iter().any(|h| h.dashed) {
            note.push_str(" Dashed: a configuration whose colour repeats another's on this chart.");
        }
        Trajectories {
            title: format!(
                "{} over time",
                style::capitalise(&style::metric_name(metric))
            ),
            subtitle: results.subtitle(),
            y_desc: style::metric_label(metric),
            highlighted,
            context,
            context_names,
            months: (m0, m1),
            range: style::padded(lo, hi, 0.04),
            note,
        }
    }
}

impl Draw for Trajectories {
    fn size(&self) -> (u32, u32) {
        (1400, 850)
    }

    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> DrawResult<DB> {
        let room = footnote_room(root, &self.note)?;
        let body = frame(root, &self.title, &self.subtitle)?.margin(0, 46 + room, 20, 10);
        let (w, _) = body.dim_in_pixel();
        let (plot_area, legend_area) = body.split_horizontally(w - LEGEND_WIDTH);
        let mut chart = ChartBuilder::on(&plot_area)
            .margin(12)
            .x_label_area_size(70)
            .y_label_area_size(96)
            .build_cartesian_2d(self.months.0..self.months.1, self.range.0..self.range.1)?;
        mesh(&mut chart, "month", &self.y_desc, true)?;
        for line in &self.context {
            chart.draw_series(LineSeries::new(line.iter().copied(), FAINT.stroke_width(1)))?;
        }
        // Bands first (all of them), then the lines on top, so that no band
        // hides another configuration's line.
        for s in &self.highlighted {
            for (lo, hi, alpha) in [(0, 4, 0.10), (1, 3, 0.20)] {
                let upper: Vec<(f64, f64)> = s
                    .points
                    .iter()
                    .filter_map(|p| Some((p.month as f64, p.quantiles[hi]?)))
                    .collect();
                let mut lower: Vec<(f64, f64)> = s
                    .points
                    .iter()
                    .filter_map(|p| Some((p.month as f64, p.quantiles[lo]?)))
                    .collect();
                if upper.len() < 2 || lower.len() < 2 {
                    continue;
                }
                lower.reverse();
                let mut outline = upper;
                outline.extend(lower);
                chart.draw_series(std::iter::once(Polygon::new(
                    outline,
                    s.colour.mix(alpha).filled(),
                )))?;
            }
        }
        for s in &self.highlighted {
            let line: Vec<(f64, f64)> = s
                .points
                .iter()
                .filter_map(|p| centre(p).map(|v| (p.month as f64, v)))
                .collect();
            if s.dashed {
                chart.draw_series(DashedLineSeries::new(line, 14, 8, s.colour.stroke_width(3)))?;
            } else {
                chart.draw_series(LineSeries::new(line, s.colour.stroke_width(3)))?;
            }
        }
        self.draw_legend(&legend_area)?;
        footnote(root, &self.note)
    }
}

impl Trajectories {
    fn draw_legend<DB: DrawingBackend>(&self, area: &DrawingArea<DB, Shift>) -> DrawResult<DB> {
        let x = 16;
        let mut y = 30;
        area.draw(&Text::new(
            "configuration".to_string(),
            (x, y),
            style::anchored(style::bold(style::LABEL, INK), HPos::Left, VPos::Center),
        ))?;
        y += 38;
        for s in &self.highlighted {
            area.draw(&Rectangle::new(
                [(x, y - 12), (x + 44, y + 12)],
                s.colour.mix(0.12).filled(),
            ))?;
            area.draw(&Rectangle::new(
                [(x, y - 6), (x + 44, y + 6)],
                s.colour.mix(0.22).filled(),
            ))?;
            let segments: &[(i32, i32)] = if s.dashed {
                &[(0, 14), (22, 36)]
            } else {
                &[(0, 44)]
            };
            for &(a, b) in segments {
                area.draw(&PathElement::new(
                    vec![(x + a, y), (x + b, y)],
                    s.colour.stroke_width(3),
                ))?;
            }
            let mut label = if s.name.contains(" = ") {
                s.name.clone()
            } else {
                style::truncate(&s.name, NAME_CHARS)
            };
            if s.baseline {
                label.push_str(" (baseline)");
            }
            let text = if s.baseline {
                style::bold(style::LABEL, INK)
            } else {
                style::text(style::LABEL, INK)
            };
            let lines = style::wrap(&label, NAME_CHARS);
            for (k, line) in lines.iter().enumerate() {
                area.draw(&Text::new(
                    line.clone(),
                    (x + 56, y + 24 * k as i32),
                    style::anchored(text.clone(), HPos::Left, VPos::Center),
                ))?;
            }
            y += 38 + 24 * (lines.len().max(1) as i32 - 1);
        }
        if !self.context.is_empty() {
            area.draw(&PathElement::new(
                vec![(x, y), (x + 44, y)],
                FAINT.stroke_width(2),
            ))?;
            area.draw(&Text::new(
                format!("{} others", self.context_names),
                (x + 56, y),
                style::anchored(style::text(style::LABEL, MUTED), HPos::Left, VPos::Center),
            ))?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// With 27 configurations the palette of twelve repeats: of the
    /// highlighted series sharing a colour, all but the first are dashed, so
    /// no two solid lines (or legend swatches) on a chart look the same.
    #[test]
    fn a_repeated_colour_is_drawn_dashed() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let dir = root.join("tests/fixtures/lloyd27");
        // The published package leaves tests/ out (it runs in the
        // repository); cargo marks a packaged copy with .cargo_vcs_info.json.
        if !dir.exists() && root.join(".cargo_vcs_info.json").exists() {
            eprintln!("skipped: the fixture tests/fixtures/lloyd27 is not in the package");
            return;
        }
        let results = Results::load(&dir).unwrap();
        let mut dashed = 0;
        for metric in &results.observables {
            for highlighted in [3, 6] {
                let chart = Trajectories::new(&results, metric, highlighted);
                let h = &chart.highlighted;
                for (i, s) in h.iter().enumerate() {
                    let repeats = h[..i].iter().any(|e| e.colour == s.colour);
                    assert_eq!(s.dashed, repeats, "{metric}: {}", s.name);
                    dashed += usize::from(s.dashed);
                }
                let solid: Vec<_> = h.iter().filter(|s| !s.dashed).map(|s| s.colour).collect();
                for (i, c) in solid.iter().enumerate() {
                    assert!(
                        !solid[..i].contains(c),
                        "{metric}: two solid lines in one colour"
                    );
                }
                assert_eq!(chart.note.contains("Dashed"), h.iter().any(|s| s.dashed));
            }
        }
        assert!(dashed > 0, "the fixture never repeats a colour on a chart");
    }
}
