//! Configurations as points with 95% whiskers on two final metrics: the
//! pieces the trade-off and typology charts share (the points, their
//! whiskers and markers, and labels placed where they do not cover them).

use super::axes::{LabelPlacer, place_label};
use super::data::Results;
use super::render::DrawResult;
use super::style::{self, BASELINE, INK};
use plotters::coord::Shift;
use plotters::prelude::*;

/// One configuration: means of the two metrics and their 95% intervals.
pub(crate) struct ScatterPoint {
    pub(crate) name: String,
    pub(crate) x: f64,
    pub(crate) y: f64,
    pub(crate) x_ci: Option<(f64, f64)>,
    pub(crate) y_ci: Option<(f64, f64)>,
    pub(crate) baseline: bool,
    pub(crate) colour: RGBColor,
}

/// The configurations that have a mean for both metrics, in output order.
/// Configurations with exactly the same estimates (means and intervals) are
/// one point, labelled with all their names joined by " = ".
pub(crate) fn points(results: &Results, x_metric: &str, y_metric: &str) -> Vec<ScatterPoint> {
    let baseline = results.baseline();
    let mut out: Vec<ScatterPoint> = Vec::new();
    for c in &results.configurations {
        let (Some(x), Some(y)) = (results.estimate(c, x_metric), results.estimate(c, y_metric))
        else {
            continue;
        };
        let (Some(xm), Some(ym)) = (x.mean, y.mean) else {
            continue;
        };
        let p = ScatterPoint {
            name: c.clone(),
            x: xm,
            y: ym,
            x_ci: x.ci_low.zip(x.ci_high),
            y_ci: y.ci_low.zip(y.ci_high),
            baseline: Some(c.as_str()) == baseline,
            colour: results.colour(c),
        };
        let same =
            |q: &ScatterPoint| q.x == p.x && q.y == p.y && q.x_ci == p.x_ci && q.y_ci == p.y_ci;
        match out.iter_mut().find(|q| same(q)) {
            Some(q) => {
                q.name = format!("{} = {}", q.name, p.name);
                if p.baseline {
                    q.baseline = true;
                    q.colour = p.colour;
                }
            }
            None => out.push(p),
        }
    }
    out
}

/// The whiskers of a point in screen coordinates (horizontal, vertical).
fn whiskers(
    p: &ScatterPoint,
    px: &impl Fn(f64, f64) -> (i32, i32),
) -> impl Iterator<Item = ((i32, i32), (i32, i32))> {
    [
        p.x_ci.map(|(a, b)| (px(a, p.y), px(b, p.y))),
        p.y_ci.map(|(a, b)| (px(p.x, a), px(p.x, b))),
    ]
    .into_iter()
    .flatten()
}

/// Draws every point's whiskers (first, so no marker hides under another
/// point's whisker), then the markers: a black diamond for the baseline, dots
/// in each configuration's colour for the others. Markers and whiskers are marked as taken for labels.
pub(crate) fn draw_points<DB: DrawingBackend>(
    screen: &DrawingArea<DB, Shift>,
    px: &impl Fn(f64, f64) -> (i32, i32),
    points: &[ScatterPoint],
    whisker_opacity: f64,
    placer: &mut LabelPlacer,
) -> DrawResult<DB> {
    for p in points {
        let st = p.colour.mix(whisker_opacity).stroke_width(2);
        for (a, b) in whiskers(p, px) {
            screen.draw(&PathElement::new(vec![a, b], st))?;
        }
    }
    for p in points {
        let at = px(p.x, p.y);
        placer.occupy_point(at, 8);
        for (a, b) in whiskers(p, px) {
            placer.occupy_segment(a, b);
        }
        if p.baseline {
            let (x, y) = at;
            let d = 10;
            screen.draw(&Polygon::new(
                vec![(x, y - d), (x + d, y), (x, y + d), (x - d, y)],
                BASELINE.filled(),
            ))?;
        } else {
            screen.draw(&Circle::new(at, 7, p.colour.filled()))?;
            screen.draw(&Circle::new(at, 7, WHITE.stroke_width(1)))?;
        }
    }
    Ok(())
}

/// Labels the points where the placer finds room, the baseline first so it
/// always gets a spot; returns the names of the points left unlabelled.
pub(crate) fn draw_labels<DB: DrawingBackend>(
    screen: &DrawingArea<DB, Shift>,
    px: &impl Fn(f64, f64) -> (i32, i32),
    points: &[ScatterPoint],
    placer: &mut LabelPlacer,
) -> Result<Vec<String>, DrawingAreaErrorKind<DB::ErrorType>> {
    let mut order: Vec<&ScatterPoint> = points.iter().collect();
    order.sort_by_key(|p| !p.baseline);
    let mut hidden = Vec::new();
    for p in order {
        let text = if p.baseline {
            style::bold(style::SMALL, INK)
        } else {
            style::text(style::SMALL, INK)
        };
        let label = if p.name.contains(" = ") {
            p.name.clone()
        } else {
            style::truncate(&p.name, 24)
        };
        if !place_label(screen, placer, px(p.x, p.y), &label, text)? {
            hidden.push(p.name.clone());
        }
    }
    Ok(hidden)
}
