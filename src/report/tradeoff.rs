//! The trade-off chart: total transaction cost (x) against total value
//! added (y), one point per configuration with 95% intervals on both axes.
//!
//! A dashed line joins the configurations that no other configuration beats
//! on both counts (lower cost and higher value added): the efficient
//! frontier. Lloyd's warning that partnership "hassle" costs can be high is
//! read off as how far right a configuration must move to gain value.

use super::axes::{LabelPlacer, mesh};
use super::data::Results;
use super::render::{Draw, DrawResult, FOOTNOTE_LINE, footnote, frame, note_with_hidden};
use super::scatter::{self, ScatterPoint as Point};
use super::style::{self, MUTED};
use plotters::coord::Shift;
use plotters::element::DashedPathElement;
use plotters::prelude::*;

const COST: &str = "transaction_cost_total";
const VALUE: &str = "value_added_total";

/// A prepared trade-off chart.
pub(crate) struct Tradeoff {
    subtitle: String,
    points: Vec<Point>,
}

impl Tradeoff {
    /// `None` when the summary lacks either metric.
    pub(crate) fn new(results: &Results) -> Option<Self> {
        let points = scatter::points(results, COST, VALUE);
        if points.is_empty() {
            return None;
        }
        Some(Tradeoff {
            subtitle: results.subtitle(),
            points,
        })
    }

    /// Indices of the points on the efficient frontier, by increasing cost.
    fn frontier(&self) -> Vec<usize> {
        let mut order: Vec<usize> = (0..self.points.len()).collect();
        order.sort_by(|&a, &b| {
            let (p, q) = (&self.points[a], &self.points[b]);
            p.x.total_cmp(&q.x).then(q.y.total_cmp(&p.y))
        });
        let mut best = f64::NEG_INFINITY;
        let mut out = Vec::new();
        for i in order {
            if self.points[i].y > best {
                best = self.points[i].y;
                out.push(i);
            }
        }
        out
    }

    fn bounds(&self) -> ((f64, f64), (f64, f64)) {
        let mut x = (f64::INFINITY, f64::NEG_INFINITY);
        let mut y = (f64::INFINITY, f64::NEG_INFINITY);
        for p in &self.points {
            let (a, b) = p.x_ci.unwrap_or((p.x, p.x));
            x = (x.0.min(a.min(p.x)), x.1.max(b.max(p.x)));
            let (a, b) = p.y_ci.unwrap_or((p.y, p.y));
            y = (y.0.min(a.min(p.y)), y.1.max(b.max(p.y)));
        }
        (style::padded(x.0, x.1, 0.08), style::padded(y.0, y.1, 0.08))
    }
}

impl Draw for Tradeoff {
    fn size(&self) -> (u32, u32) {
        (1300, 900)
    }

    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> DrawResult<DB> {
        let body = frame(
            root,
            "Trade-off: transaction cost against value added",
            &self.subtitle,
        )?
        .margin(0, 50 + 2 * FOOTNOTE_LINE, 20, 40);
        let ((x0, x1), (y0, y1)) = self.bounds();
        let mut chart = ChartBuilder::on(&body)
            .margin(10)
            .x_label_area_size(74)
            .y_label_area_size(104)
            .build_cartesian_2d(x0..x1, y0..y1)?;
        mesh(
            &mut chart,
            &style::metric_label(COST),
            &style::metric_label(VALUE),
            true,
        )?;
        let screen = body.use_screen_coord();
        let px = |x: f64, y: f64| chart.backend_coord(&(x, y));
        let frontier = self.frontier();
        if frontier.len() > 1 {
            let line: Vec<(i32, i32)> = frontier
                .iter()
                .map(|&i| px(self.points[i].x, self.points[i].y))
                .collect();
            screen.draw(&DashedPathElement::new(line, 10, 7, MUTED.stroke_width(2)))?;
        }
        let (ax, ay) = px(x0, y1);
        let (bx, by) = px(x1, y0);
        let mut placer = LabelPlacer::new((ax, ay, bx, by));
        scatter::draw_points(&screen, &px, &self.points, 0.75, &mut placer)?;
        let hidden = scatter::draw_labels(&screen, &px, &self.points, &mut placer)?;
        let note = String::from(
            "Points: mean over runs, whiskers: 95% CI. Black diamond: the baseline. Dashed: \
             configurations no other beats on both lower cost and higher value added.",
        );
        let note = note_with_hidden(root, &note, &hidden, 3)?;
        footnote(root, &note)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn point(x: f64, y: f64) -> Point {
        Point {
            name: String::new(),
            x,
            y,
            x_ci: None,
            y_ci: None,
            baseline: false,
            colour: style::BLUE,
        }
    }

    #[test]
    fn frontier_keeps_undominated_points() {
        let t = Tradeoff {
            subtitle: String::new(),
            points: vec![
                point(1.0, 1.0),
                point(2.0, 0.5),
                point(3.0, 4.0),
                point(0.5, 0.2),
            ],
        };
        assert_eq!(t.frontier(), vec![3, 0, 2]);
    }
}
