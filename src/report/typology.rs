//! Lloyd's typology of partnerships as a plane: service delivery focus
//! (x) against empowerment focus (y), both on 0–1, with the typology's
//! regions shaded and named and each configuration placed at its means
//! (final metrics `service_delivery` and `empowerment`), with 95% intervals
//! on both axes where the summary has them.

use super::axes::{LabelPlacer, mesh};
use super::data::Results;
use super::render::{Draw, DrawResult, footnote, frame};
use super::scatter::{self, ScatterPoint};
use super::style::{self, INK};
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, VPos};

/// A region of the plane: x range, y range, name lines, tint.
struct Region {
    x: (f64, f64),
    y: (f64, f64),
    name: &'static [&'static str],
    tint: RGBColor,
}

const T: f64 = 1.0 / 3.0;
const U: f64 = 2.0 / 3.0;

fn regions() -> [Region; 6] {
    let t = |c: RGBColor| style::tint(c, 0.86);
    [
        Region {
            x: (0.0, T),
            y: (U, 1.0),
            name: &["Local partnerships"],
            tint: t(style::category(2)),
        },
        Region {
            x: (U, 1.0),
            y: (U, 1.0),
            name: &["Mature multi-purpose", "partnerships", "(umbrella bodies)"],
            tint: t(style::category(0)),
        },
        Region {
            x: (U, 1.0),
            y: (0.0, T),
            name: &["Quasi-public service", "delivery bodies"],
            tint: t(style::category(1)),
        },
        Region {
            x: (T, U),
            y: (T, U),
            name: &["Complex hybrid forms /", "mixed functions"],
            tint: t(style::category(3)),
        },
        Region {
            x: (U, 1.0),
            y: (T, U),
            name: &["Social economy /", "social enterprises"],
            tint: t(style::category(4)),
        },
        Region {
            x: (0.0, T),
            y: (0.0, T),
            name: &["Level 1 (base capacity)"],
            tint: style::tint(style::MUTED, 0.86),
        },
    ]
}

/// A prepared typology chart.
pub(crate) struct Typology {
    subtitle: String,
    points: Vec<ScatterPoint>,
}

impl Typology {
    /// `None` when the summary lacks `service_delivery` or `empowerment`.
    pub(crate) fn new(results: &Results) -> Option<Self> {
        let points = scatter::points(results, "service_delivery", "empowerment");
        if points.is_empty() {
            return None;
        }
        Some(Typology {
            subtitle: results.subtitle(),
            points,
        })
    }
}

impl Draw for Typology {
    fn size(&self) -> (u32, u32) {
        (1200, 1100)
    }

    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> DrawResult<DB> {
        let body = frame(
            root,
            "Where each configuration sits in Lloyd's typology",
            &self.subtitle,
        )?
        .margin(0, 50, 20, 40);
        let mut chart = ChartBuilder::on(&body)
            .margin(10)
            .x_label_area_size(74)
            .y_label_area_size(96)
            .build_cartesian_2d(0.0..1.0, 0.0..1.0)?;
        chart.draw_series(
            regions()
                .iter()
                .map(|r| Rectangle::new([(r.x.0, r.y.1), (r.x.1, r.y.0)], r.tint.filled())),
        )?;
        mesh(
            &mut chart,
            "service delivery focus (0–1) →",
            "empowerment focus (0–1) →",
            true,
        )?;
        let screen = body.use_screen_coord();
        for r in regions() {
            let (x, y) = chart.backend_coord(&(r.x.0, r.y.1));
            for (k, line) in r.name.iter().enumerate() {
                screen.draw(&Text::new(
                    line.to_string(),
                    (x + 12, y + 12 + 24 * k as i32),
                    style::anchored(style::bold(style::LABEL, INK), HPos::Left, VPos::Top),
                ))?;
            }
        }
        // Whiskers, then points, then labels, so that labels stay readable.
        let px = |x: f64, y: f64| chart.backend_coord(&(x, y));
        let (x0, y0) = px(0.0, 1.0);
        let (x1, y1) = px(1.0, 0.0);
        let mut placer = LabelPlacer::new((x0, y0, x1, y1));
        scatter::draw_points(&screen, &px, &self.points, 0.7, &mut placer)?;
        // Region names are text too: keep point labels off them.
        for r in regions() {
            let (x, y) = px(r.x.0, r.y.1);
            let w = r.name.iter().map(|l| l.chars().count()).max().unwrap_or(0) as i32 * 11;
            placer.occupy_box((
                x + 10,
                y + 10,
                x + 14 + w,
                y + 14 + 24 * r.name.len() as i32,
            ));
        }
        let hidden = scatter::draw_labels(&screen, &px, &self.points, &mut placer)?;
        let mut note = String::from(
            "Points: mean over runs, whiskers: 95% CI. Black diamond: the baseline. \
             Regions after Lloyd's typology of partnerships.",
        );
        if hidden > 0 {
            note.push_str(&format!(" {hidden} labels left out where points crowd."));
        }
        footnote(root, &note)
    }
}
