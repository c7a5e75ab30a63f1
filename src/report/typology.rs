//! Lloyd's typology of partnerships as a plane: service delivery focus
//! (x) against empowerment focus (y), both on 0–1, with the typology's
//! regions shaded and named and each configuration placed at its means
//! (final metrics `service_delivery` and `empowerment`), with 95% intervals
//! on both axes where the summary has them. The regions are those of
//! [`crate::assess::classify`], drawn from its own thresholds, and named
//! with [`crate::assess::Typology::name`].

use super::axes::{LabelPlacer, mesh};
use super::data::Results;
use super::render::{Draw, DrawResult, FOOTNOTE_LINE, footnote, frame, note_with_hidden};
use super::scatter::{self, ScatterPoint};
use super::style::{self, INK};
use crate::assess::{HIGH, HYBRID_HIGH, HYBRID_LOW, Typology as Type};
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, VPos};

/// A region of the plane: x range, y range, name lines, tint.
struct Region {
    x: (f64, f64),
    y: (f64, f64),
    name: Vec<String>,
    tint: RGBColor,
}

/// The type's name as a region label: capitalised, wrapped to lines of at
/// most `width` characters.
fn region_name(t: Type, width: usize) -> Vec<String> {
    let name = t.name();
    let mut c = name.chars();
    let name = match c.next() {
        Some(f) => f.to_uppercase().collect::<String>() + c.as_str(),
        None => String::new(),
    };
    style::wrap(&name, width)
}

/// The regions of [`crate::assess::classify`], from its own thresholds: the
/// four quadrants split at [`HIGH`] on both axes, and the central square
/// between [`HYBRID_LOW`] and [`HYBRID_HIGH`] (drawn last, on top), which
/// takes precedence over the quadrants.
fn regions() -> [Region; 5] {
    let t = |c: RGBColor| style::tint(c, 0.86);
    [
        Region {
            x: (0.0, HIGH),
            y: (HIGH, 1.0),
            name: region_name(Type::LocalPartnership, 22),
            tint: t(style::category(2)),
        },
        Region {
            x: (HIGH, 1.0),
            y: (HIGH, 1.0),
            name: region_name(Type::MatureMultiPurpose, 22),
            tint: t(style::category(0)),
        },
        Region {
            x: (HIGH, 1.0),
            y: (0.0, HIGH),
            name: region_name(Type::QuasiPublicDeliveryBody, 22),
            tint: t(style::category(1)),
        },
        Region {
            x: (0.0, HIGH),
            y: (0.0, HIGH),
            name: region_name(Type::BaseCapacity, 22),
            tint: style::tint(style::MUTED, 0.86),
        },
        Region {
            x: (HYBRID_LOW, HYBRID_HIGH),
            y: (HYBRID_LOW, HYBRID_HIGH),
            name: region_name(Type::ComplexHybrid, 16),
            tint: style::tint(style::category(3), 0.7),
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
        .margin(0, 50 + 2 * FOOTNOTE_LINE, 20, 40);
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
        // A thin outline keeps the central square visible where it meets
        // the quadrants' borders.
        let hybrid = &regions()[4];
        chart.draw_series(std::iter::once(Rectangle::new(
            [(hybrid.x.0, hybrid.y.1), (hybrid.x.1, hybrid.y.0)],
            style::category(3).mix(0.6).stroke_width(1),
        )))?;
        let screen = body.use_screen_coord();
        let name_style = |small: bool| {
            let size = if small {
                style::SMALL - 2.0
            } else {
                style::LABEL
            };
            style::anchored(style::bold(size, INK), HPos::Left, VPos::Top)
        };
        let mut name_boxes = Vec::new();
        for (i, r) in regions().iter().enumerate() {
            let small = i == 4;
            let (x, y) = chart.backend_coord(&(r.x.0, r.y.1));
            let (x, y) = if small {
                (x + 6, y + 6)
            } else {
                (x + 12, y + 12)
            };
            let step = if small { 20 } else { 24 };
            let mut w = 0;
            for (k, line) in r.name.iter().enumerate() {
                let st = name_style(small);
                w = w.max(screen.estimate_text_size(line, &st)?.0 as i32);
                screen.draw(&Text::new(line.clone(), (x, y + step * k as i32), st))?;
            }
            name_boxes.push((x - 2, y - 2, x + w + 2, y + step * r.name.len() as i32 + 2));
        }
        // Whiskers, then points, then labels, so that labels stay readable.
        let px = |x: f64, y: f64| chart.backend_coord(&(x, y));
        let (x0, y0) = px(0.0, 1.0);
        let (x1, y1) = px(1.0, 0.0);
        let mut placer = LabelPlacer::new((x0, y0, x1, y1));
        scatter::draw_points(&screen, &px, &self.points, 0.7, &mut placer)?;
        // Region names are text too: keep point labels off them.
        for b in name_boxes {
            placer.occupy_box(b);
        }
        let hidden = scatter::draw_labels(&screen, &px, &self.points, &mut placer)?;
        let note = format!(
            "Points: mean over runs, whiskers: 95% CI. Black diamond: the baseline. Regions: the \
             classifier's thresholds (high at {HIGH} or more; complex hybrid: between {HYBRID_LOW} \
             and {HYBRID_HIGH} on both axes)."
        );
        let note = note_with_hidden(root, &note, &hidden, 3)?;
        footnote(root, &note)
    }
}
