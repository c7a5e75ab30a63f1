//! Checking a drawn chart's text: every piece of text inside the canvas and
//! no two pieces overlapping.
//!
//! The check reads the chart's SVG, as any reader of the file would: each
//! `<text>` element's position, anchor (`text-anchor`, and the vertical
//! anchor plotters writes as `dy`), rotation and font size. The text's box
//! is measured with the embedded font at the size the raster (PNG) uses,
//! which is the larger of the two renderings, so a chart that passes has
//! room in both.

use super::style;
use plotters::style::{FontDesc, FontFamily, FontStyle};

/// One piece of text and the box it covers on the canvas.
#[derive(Debug, Clone, PartialEq)]
pub struct TextBox {
    /// The text.
    pub text: String,
    /// Left, top, right, bottom in pixels.
    pub bounds: (f64, f64, f64, f64),
}

/// SVG `font-size` is plotters' size divided by this (points to pixels).
const SVG_SCALE: f64 = 1.24;

/// The boxes of every `<text>` element of `svg` (a chart drawn by mlgov).
pub fn text_boxes(svg: &str) -> Vec<TextBox> {
    if style::ensure_fonts().is_err() {
        return Vec::new();
    }
    let mut out = Vec::new();
    let mut rest = svg;
    while let Some(start) = rest.find("<text") {
        rest = &rest[start..];
        let Some(open_end) = rest.find('>') else {
            break;
        };
        let tag = &rest[..open_end];
        let Some(close) = rest.find("</text>") else {
            break;
        };
        let text = unescape(rest[open_end + 1..close].trim());
        rest = &rest[close + 7..];
        let num = |name: &str| attribute(tag, name).and_then(|v| v.parse::<f64>().ok());
        let (Some(x), Some(y), Some(size)) = (num("x"), num("y"), num("font-size")) else {
            continue;
        };
        if text.is_empty() {
            continue;
        }
        let weight = if attribute(tag, "font-weight") == Some("bold") {
            FontStyle::Bold
        } else {
            FontStyle::Normal
        };
        let font = FontDesc::new(FontFamily::Name(style::FAMILY), size * SVG_SCALE, weight);
        let (w, h) = font
            .box_size(&text)
            .map(|(w, h)| (w as f64, h as f64))
            .unwrap_or((
                0.6 * size * SVG_SCALE * text.chars().count() as f64,
                size * 1.2,
            ));
        let left = match attribute(tag, "text-anchor") {
            Some("end") => -w,
            Some("middle") => -w / 2.0,
            _ => 0.0,
        };
        let top = match attribute(tag, "dy") {
            Some("0.76em") => 0.0,
            Some("-0.5ex") => -h,
            _ => -h / 2.0,
        };
        // Local box relative to the anchor point, then rotated about it.
        let (l, t, r, b) = (left, top, left + w, top + h);
        let bounds = match attribute(tag, "transform").and_then(rotation) {
            // rotate(270): local (dx, dy) lands at (x + dy, y - dx).
            Some(270) => (x + t, y - r, x + b, y - l),
            // rotate(90): local (dx, dy) lands at (x - dy, y + dx).
            Some(90) => (x - b, y + l, x - t, y + r),
            _ => (x + l, y + t, x + r, y + b),
        };
        out.push(TextBox { text, bounds });
    }
    out
}

/// The problems of a chart's text: pieces reaching outside the canvas and
/// pairs of pieces whose boxes intersect (by more than one pixel). Empty for
/// a chart whose text all reads clearly.
pub fn layout_problems(svg: &str) -> Vec<String> {
    let canvas = svg
        .find("<svg")
        .map(|i| &svg[i..])
        .and_then(|s| s.find('>').map(|e| &s[..e]))
        .and_then(|tag| {
            let w = attribute(tag, "width")?.parse::<f64>().ok()?;
            let h = attribute(tag, "height")?.parse::<f64>().ok()?;
            Some((w, h))
        });
    let Some((width, height)) = canvas else {
        return vec!["no <svg> element with a width and height".to_string()];
    };
    let boxes = text_boxes(svg);
    let mut problems = Vec::new();
    for b in &boxes {
        let (l, t, r, bt) = b.bounds;
        if l < 0.0 || t < 0.0 || r > width || bt > height {
            problems.push(format!(
                "`{}` reaches outside the {width} x {height} canvas: box ({l:.0}, {t:.0}) to ({r:.0}, {bt:.0})",
                b.text
            ));
        }
    }
    let slack = 1.0;
    for (i, a) in boxes.iter().enumerate() {
        for b in &boxes[i + 1..] {
            let (a0, a1, a2, a3) = a.bounds;
            let (b0, b1, b2, b3) = b.bounds;
            if a0 + slack < b2 && b0 + slack < a2 && a1 + slack < b3 && b1 + slack < a3 {
                problems.push(format!(
                    "`{}` and `{}` overlap near ({:.0}, {:.0})",
                    a.text,
                    b.text,
                    a0.max(b0),
                    a1.max(b1)
                ));
            }
        }
    }
    problems
}

/// The value of attribute `name` in an opening tag.
fn attribute<'a>(tag: &'a str, name: &str) -> Option<&'a str> {
    let key = format!(" {name}=\"");
    let start = tag.find(&key)? + key.len();
    let end = tag[start..].find('"')? + start;
    Some(&tag[start..end])
}

/// The angle of `rotate(a, x, y)`.
fn rotation(transform: &str) -> Option<i64> {
    let inner = transform.strip_prefix("rotate(")?;
    let angle = inner.split([',', ')']).next()?.trim();
    angle.parse::<f64>().ok().map(|a| a.round() as i64)
}

fn unescape(s: &str) -> String {
    s.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&apos;", "'")
        .replace("&amp;", "&")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(x: i32, y: i32, anchor: &str, dy: &str, extra: &str, s: &str) -> String {
        format!(
            "<text x=\"{x}\" y=\"{y}\" dy=\"{dy}\" text-anchor=\"{anchor}\" \
             font-family=\"DejaVu Sans, sans-serif\" font-size=\"16\"{extra}>\n{s}\n</text>"
        )
    }

    fn svg(body: &[String]) -> String {
        format!(
            "<svg width=\"400\" height=\"300\" viewBox=\"0 0 400 300\" \
             xmlns=\"http://www.w3.org/2000/svg\">\n{}\n</svg>",
            body.join("\n")
        )
    }

    #[test]
    fn clean_text_passes() {
        let s = svg(&[
            text(20, 20, "start", "0.76em", "", "Title"),
            text(20, 80, "start", "0.5ex", "", "a label"),
            text(380, 280, "end", "-0.5ex", "", "footnote"),
        ]);
        assert_eq!(layout_problems(&s), Vec::<String>::new());
        let boxes = text_boxes(&s);
        assert_eq!(boxes.len(), 3);
        // Anchors: start/top at (20, 20); end/bottom at (380, 280).
        assert_eq!((boxes[0].bounds.0, boxes[0].bounds.1), (20.0, 20.0));
        assert_eq!((boxes[2].bounds.2, boxes[2].bounds.3), (380.0, 280.0));
        // Longer text is wider.
        let w = |b: &TextBox| b.bounds.2 - b.bounds.0;
        assert!(w(&boxes[1]) > w(&boxes[0]));
    }

    #[test]
    fn text_cut_off_at_the_edge_is_found() {
        let s = svg(&[text(
            300,
            150,
            "start",
            "0.5ex",
            "",
            "a footnote that runs off the right edge",
        )]);
        let problems = layout_problems(&s);
        assert_eq!(problems.len(), 1, "{problems:?}");
        assert!(problems[0].contains("outside"), "{problems:?}");
    }

    #[test]
    fn overlapping_labels_are_found() {
        let s = svg(&[
            text(100, 100, "start", "0.5ex", "", "N-L-R"),
            text(110, 104, "start", "0.5ex", "", "N-R-L"),
        ]);
        let problems = layout_problems(&s);
        assert_eq!(problems.len(), 1, "{problems:?}");
        assert!(problems[0].contains("N-L-R") && problems[0].contains("N-R-L"));
    }

    #[test]
    fn rotated_axis_titles_are_measured_upright() {
        // A long title rotated about its centre at x = 30 fits in a tall,
        // narrow canvas strip; unrotated it would run off the left edge.
        let title = "empowerment focus (0-1)";
        let rotated = svg(&[text(
            30,
            150,
            "middle",
            "0.76em",
            " transform=\"rotate(270, 30, 150)\"",
            title,
        )]);
        assert_eq!(layout_problems(&rotated), Vec::<String>::new());
        let b = &text_boxes(&rotated)[0].bounds;
        assert!(b.3 - b.1 > b.2 - b.0, "taller than wide: {b:?}");
        let flat = svg(&[text(30, 150, "middle", "0.76em", "", title)]);
        assert!(!layout_problems(&flat).is_empty());
    }
}
