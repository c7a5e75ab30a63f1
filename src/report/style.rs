//! The look shared by all charts: the embedded font, colours, text sizes,
//! metric labels and number formatting.
//!
//! The font is DejaVu Sans, compiled into the binary from the `dejavu` crate
//! and registered with plotters' `ab_glyph` font table, so charts look the same
//! on every machine and nothing depends on fonts installed on the system.
//! Category colours are the Okabe–Ito palette (distinguishable with the
//! common forms of colour blindness); the sequential scale of the Lloyd grid
//! is viridis, interpolated from its published key colours.

use super::ReportError;
use plotters::style::text_anchor::{HPos, Pos, VPos};
use plotters::style::{Color, FontStyle, RGBColor, TextStyle};
use std::sync::OnceLock;

/// The font family name under which DejaVu Sans is registered. It is also
/// what SVG files name as their font, with a generic fallback.
pub(crate) const FAMILY: &str = "DejaVu Sans, sans-serif";

/// Text sizes in pixels (at the default chart sizes).
pub(crate) const TITLE: f64 = 32.0;
pub(crate) const SUBTITLE: f64 = 20.0;
pub(crate) const PANEL_TITLE: f64 = 24.0;
pub(crate) const AXIS_TITLE: f64 = 22.0;
pub(crate) const LABEL: f64 = 19.0;
pub(crate) const SMALL: f64 = 18.0;

/// Registers the embedded fonts once per process.
pub(crate) fn ensure_fonts() -> Result<(), ReportError> {
    static DONE: OnceLock<bool> = OnceLock::new();
    let ok = *DONE.get_or_init(|| {
        let fonts: [(FontStyle, &'static [u8]); 4] = [
            (FontStyle::Normal, dejavu::sans::regular()),
            (FontStyle::Bold, dejavu::sans::bold()),
            (FontStyle::Italic, dejavu::sans::oblique()),
            (FontStyle::Oblique, dejavu::sans::oblique()),
        ];
        fonts
            .into_iter()
            .all(|(style, bytes)| plotters::style::register_font(FAMILY, style, bytes).is_ok())
    });
    if ok {
        Ok(())
    } else {
        Err(ReportError::Draw {
            chart: "fonts".to_string(),
            message: "the embedded DejaVu Sans font could not be loaded".to_string(),
        })
    }
}

/// Near-black for text and axes.
pub(crate) const INK: RGBColor = RGBColor(0x22, 0x22, 0x22);
/// Grey for secondary text.
pub(crate) const MUTED: RGBColor = RGBColor(0x66, 0x66, 0x66);
/// Light grey for grid lines and context series.
pub(crate) const FAINT: RGBColor = RGBColor(0xBB, 0xBB, 0xBB);
/// Very light grey for missing cells.
pub(crate) const BLANK: RGBColor = RGBColor(0xEE, 0xEE, 0xEE);

/// The Okabe–Ito palette without black and yellow (black marks the
/// baseline; yellow is too light for lines on white).
pub(crate) const CATEGORY: [RGBColor; 6] = [
    RGBColor(0x00, 0x72, 0xB2), // blue
    RGBColor(0xD5, 0x5E, 0x00), // vermillion
    RGBColor(0x00, 0x9E, 0x73), // bluish green
    RGBColor(0xCC, 0x79, 0xA7), // reddish purple
    RGBColor(0xE6, 0x9F, 0x00), // orange
    RGBColor(0x56, 0xB4, 0xE9), // sky blue
];
/// The baseline's colour (Okabe–Ito black).
pub(crate) const BASELINE: RGBColor = RGBColor(0x00, 0x00, 0x00);
/// Okabe–Ito blue and vermillion, for "above" and "below".
pub(crate) const BLUE: RGBColor = CATEGORY[0];
pub(crate) const VERMILLION: RGBColor = CATEGORY[1];
pub(crate) const ORANGE: RGBColor = CATEGORY[4];

/// The i-th category colour, cycling.
pub(crate) fn category(i: usize) -> RGBColor {
    CATEGORY[i % CATEGORY.len()]
}

/// The colours given to configurations: the six Okabe–Ito colours, then six
/// darker colours of Paul Tol's "muted" scheme (indigo, green, wine, olive,
/// rose, purple), which stay apart from them and from each other.
pub(crate) const CONFIGURATION: [RGBColor; 12] = [
    CATEGORY[0],
    CATEGORY[1],
    CATEGORY[2],
    CATEGORY[3],
    CATEGORY[4],
    CATEGORY[5],
    RGBColor(0x33, 0x22, 0x88),
    RGBColor(0x11, 0x77, 0x33),
    RGBColor(0x88, 0x22, 0x55),
    RGBColor(0x99, 0x99, 0x33),
    RGBColor(0xCC, 0x66, 0x77),
    RGBColor(0xAA, 0x44, 0x99),
];

/// Each configuration's colour: black for the baseline, the others through
/// [`CONFIGURATION`] in the given order (repeating after twelve).
pub(crate) fn configuration_colours(
    configurations: &[String],
    baseline: Option<&str>,
) -> Vec<(String, RGBColor)> {
    let mut next = 0;
    configurations
        .iter()
        .map(|c| {
            if Some(c.as_str()) == baseline {
                (c.clone(), BASELINE)
            } else {
                next += 1;
                (c.clone(), CONFIGURATION[(next - 1) % CONFIGURATION.len()])
            }
        })
        .collect()
}

/// `#rrggbb`.
pub(crate) fn hex(c: RGBColor) -> String {
    format!("#{:02x}{:02x}{:02x}", c.0, c.1, c.2)
}

/// Reads `#rrggbb`.
pub(crate) fn parse_hex(s: &str) -> Option<RGBColor> {
    let h = s.strip_prefix('#').filter(|h| h.len() == 6)?;
    let byte = |i: usize| u8::from_str_radix(h.get(i..i + 2)?, 16).ok();
    Some(RGBColor(byte(0)?, byte(2)?, byte(4)?))
}

/// Whether more of a metric is better or worse for the partnership.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Direction {
    /// More is better (value added, trust, fit, ...).
    HigherIsBetter,
    /// Less is better (costs, dispersion, time until trust).
    LowerIsBetter,
}

/// The direction of a known metric; `None` for metrics whose good side
/// depends on the purpose (the typology's two foci, counts) or that are
/// unknown.
pub(crate) fn direction(metric: &str) -> Option<Direction> {
    use Direction::*;
    match metric {
        "trust_mean"
        | "trust_min"
        | "delivery"
        | "delivery_total"
        | "delivery_cumulative"
        | "fit"
        | "value_added"
        | "value_added_total"
        | "value_added_cumulative"
        | "survival"
        | "net_benefit"
        | "equity" => Some(HigherIsBetter),
        "vision_dispersion"
        | "transaction_cost"
        | "transaction_cost_total"
        | "transaction_cost_cumulative"
        | "months_to_trust" => Some(LowerIsBetter),
        _ => None,
    }
}

/// Viridis at 11 evenly spaced points (matplotlib's published values).
const VIRIDIS: [(u8, u8, u8); 11] = [
    (68, 1, 84),
    (72, 36, 117),
    (65, 68, 135),
    (53, 95, 141),
    (42, 120, 142),
    (33, 145, 140),
    (34, 168, 132),
    (68, 191, 112),
    (122, 209, 81),
    (189, 223, 38),
    (253, 231, 37),
];

/// The viridis colour at `t` in [0, 1] (clamped), linearly interpolated.
pub(crate) fn viridis(t: f64) -> RGBColor {
    let t = if t.is_finite() {
        t.clamp(0.0, 1.0)
    } else {
        0.0
    };
    let x = t * (VIRIDIS.len() - 1) as f64;
    let i = (x.floor() as usize).min(VIRIDIS.len() - 2);
    let f = x - i as f64;
    let (a, b) = (VIRIDIS[i], VIRIDIS[i + 1]);
    let mix = |p: u8, q: u8| (p as f64 + (q as f64 - p as f64) * f).round() as u8;
    RGBColor(mix(a.0, b.0), mix(a.1, b.1), mix(a.2, b.2))
}

/// Black or white, whichever reads better on `background`.
pub(crate) fn text_on(background: RGBColor) -> RGBColor {
    let RGBColor(r, g, b) = background;
    let luminance = 0.2126 * r as f64 + 0.7152 * g as f64 + 0.0722 * b as f64;
    if luminance > 140.0 {
        RGBColor(0, 0, 0)
    } else {
        RGBColor(255, 255, 255)
    }
}

/// Mixes `color` with white: `amount` 0 gives the colour, 1 gives white.
pub(crate) fn tint(color: RGBColor, amount: f64) -> RGBColor {
    let mix = |c: u8| (c as f64 + (255.0 - c as f64) * amount).round() as u8;
    RGBColor(mix(color.0), mix(color.1), mix(color.2))
}

fn with_colour(mut style: TextStyle<'static>, color: RGBColor) -> TextStyle<'static> {
    style.color = color.to_backend_color();
    style
}

/// A text style in the embedded font.
pub(crate) fn text(size: f64, color: RGBColor) -> TextStyle<'static> {
    with_colour(TextStyle::from((FAMILY, size).into_font_desc()), color)
}

/// A bold text style in the embedded font.
pub(crate) fn bold(size: f64, color: RGBColor) -> TextStyle<'static> {
    with_colour(
        TextStyle::from((FAMILY, size, FontStyle::Bold).into_font_desc()),
        color,
    )
}

/// An italic text style in the embedded font.
pub(crate) fn italic(size: f64, color: RGBColor) -> TextStyle<'static> {
    with_colour(
        TextStyle::from((FAMILY, size, FontStyle::Italic).into_font_desc()),
        color,
    )
}

/// Anchors a text style: where the given point sits on the text's box.
pub(crate) fn anchored(style: TextStyle<'static>, h: HPos, v: VPos) -> TextStyle<'static> {
    style.pos(Pos::new(h, v))
}

trait IntoFontDesc {
    fn into_font_desc(self) -> plotters::style::FontDesc<'static>;
}
impl<T: Into<plotters::style::FontDesc<'static>>> IntoFontDesc for T {
    fn into_font_desc(self) -> plotters::style::FontDesc<'static> {
        self.into()
    }
}

/// A readable label with unit for a metric name; unknown metrics get their
/// name with spaces for underscores.
pub(crate) fn metric_label(metric: &str) -> String {
    let known = match metric {
        "trust_mean" => "mean trust (0–1)",
        "trust_min" => "lowest trust between partners (0–1)",
        "vision_dispersion" => "dispersion of partners' visions (s.d. of views)",
        "transaction_cost" => "transaction cost per month (cost units)",
        "transaction_cost_cumulative" => "cumulative transaction cost (cost units)",
        "transaction_cost_total" => "total transaction cost (cost units)",
        "delivery" => "delivery per month (output units)",
        "delivery_total" => "total delivery (output units)",
        "delivery_cumulative" => "cumulative delivery (output units)",
        "value_added_cumulative" => "cumulative value added (value units)",
        "fit" => "fit to local needs (0–1)",
        "value_added" => "value added per month (value units)",
        "value_added_total" => "total value added (value units)",
        "active_partners" => "active partners (count)",
        "survival" => "survival (share of places)",
        "net_benefit" => "net benefit per place (value units)",
        "equity" => "equity across places (0–1)",
        "months_to_trust" => "months until trust is reached (restricted mean, months)",
        "phase_negotiate" => "share of runs negotiating (0–1)",
        "phase_commit" => "share of runs committing (0–1)",
        "phase_execute" => "share of runs executing (0–1)",
        "phase_dissolved" => "share of runs dissolved (0–1)",
        "empowerment" => "empowerment focus (0–1)",
        "service_delivery" => "service delivery focus (0–1)",
        _ => return metric.replace('_', " "),
    };
    known.to_string()
}

/// The metric label without its parenthesised unit, for titles.
pub(crate) fn metric_name(metric: &str) -> String {
    let label = metric_label(metric);
    match label.find(" (") {
        Some(i) => label[..i].to_string(),
        None => label,
    }
}

/// A compact number: about three significant digits, no exponent for the
/// magnitudes charts show, and never "-0".
pub(crate) fn number(v: f64) -> String {
    if !v.is_finite() {
        return "n/a".to_string();
    }
    let a = v.abs();
    let s = if a >= 1.0e6 {
        format!("{:.2}M", v / 1.0e6)
    } else if a >= 1.0e4 {
        format!("{:.1}k", v / 1.0e3)
    } else if a >= 100.0 {
        format!("{v:.0}")
    } else if a >= 10.0 {
        format!("{v:.1}")
    } else if a >= 1.0 || a == 0.0 {
        format!("{v:.2}")
    } else if a >= 0.01 {
        format!("{v:.3}")
    } else {
        format!("{v:.2e}")
    };
    if s.starts_with('-') && s[1..].chars().all(|c| matches!(c, '0' | '.')) {
        s[1..].to_string()
    } else {
        s
    }
}

/// Shortens a label to at most `max` characters, ending in "…" when cut.
pub(crate) fn truncate(label: &str, max: usize) -> String {
    if label.chars().count() <= max {
        return label.to_string();
    }
    let mut out: String = label.chars().take(max.saturating_sub(1)).collect();
    out.push('…');
    out
}

/// Splits `text` at spaces into lines of at most `width` characters (a
/// longer word stays whole on its own line).
pub(crate) fn wrap(text: &str, width: usize) -> Vec<String> {
    let mut lines: Vec<String> = Vec::new();
    for word in text.split_whitespace() {
        match lines.last_mut() {
            Some(line) if line.chars().count() + 1 + word.chars().count() <= width => {
                line.push(' ');
                line.push_str(word);
            }
            _ => lines.push(word.to_string()),
        }
    }
    lines
}

/// "Nice" axis bounds that contain `lo..hi` with a little room.
pub(crate) fn padded(lo: f64, hi: f64, pad: f64) -> (f64, f64) {
    if !lo.is_finite() || !hi.is_finite() {
        return (0.0, 1.0);
    }
    if (hi - lo).abs() < 1e-12 {
        let d = if lo.abs() > 1e-12 {
            lo.abs() * 0.1
        } else {
            1.0
        };
        return (lo - d, hi + d);
    }
    let d = (hi - lo) * pad;
    (lo - d, hi + d)
}

/// `s` with its first letter in upper case.
pub(crate) fn capitalise(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().collect::<String>() + c.as_str(),
        None => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn viridis_ends_and_midpoint() {
        assert_eq!(viridis(0.0), RGBColor(68, 1, 84));
        assert_eq!(viridis(1.0), RGBColor(253, 231, 37));
        assert_eq!(viridis(0.5), RGBColor(33, 145, 140));
        assert_eq!(viridis(f64::NAN), RGBColor(68, 1, 84));
    }

    #[test]
    fn numbers_are_compact() {
        assert_eq!(number(0.0), "0.00");
        assert_eq!(number(-0.0001), "-1.00e-4");
        assert_eq!(number(-0.001), "-1.00e-3");
        assert_eq!(number(12.345), "12.3");
        assert_eq!(number(1234.4), "1234");
        assert_eq!(number(-0.004), "-4.00e-3");
        assert_eq!(number(0.4567), "0.457");
        assert_eq!(number(25_000.0), "25.0k");
    }

    #[test]
    fn labels() {
        assert_eq!(metric_label("fit"), "fit to local needs (0–1)");
        assert_eq!(metric_name("fit"), "fit to local needs");
        assert_eq!(metric_label("my_metric"), "my metric");
        assert_eq!(truncate("abcdef", 4), "abc…");
        assert_eq!(truncate("abc", 4), "abc");
    }
}
