//! One self-contained HTML report of a results directory: `DIR/report.html`.
//!
//! The report holds what was run (scenario, identity, version, seed,
//! replications), the headline comparison with the baseline in numbers and
//! in words, the summary and comparison tables with their 95% intervals,
//! the typology of each configuration, every chart (inline SVG, with a
//! caption) and notes on the methods. Everything is in the one file: styles
//! inline, no scripts, no fonts, images or anything else fetched, so it can
//! be e-mailed or archived as it is and opened offline.

use super::data::{Results, Sensitivity};
use super::render::RenderedChart;
use super::style::{self, Direction};
use super::{PlotOptions, ReportError, comparison, csvread::read_csv};
use crate::assess::{HIGH, HYBRID_HIGH, HYBRID_LOW};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

/// The report's file name inside a results directory, declared with the
/// rest of the folder's layout by the engine.
pub use crate::experiment::REPORT_FILE;

/// Writes `DIR/report.html` from the files of the results directory `dir`
/// (as [`render_all`](super::render_all) reads them), atomically. When
/// `scenario_text` is given (the scenario file the results came from), the
/// report quotes it in full. Returns the path written.
pub fn write_report(dir: &Path, scenario_text: Option<&str>) -> Result<PathBuf, ReportError> {
    let html = report_html(dir, scenario_text)?;
    let path = dir.join(REPORT_FILE);
    super::write_atomic(&path, html.as_bytes()).map_err(|e| ReportError::io(&path, e))?;
    Ok(path)
}

/// Whether `head`, the start of a `report.html`, is a report mlgov wrote:
/// it names mlgov as its generator, or (reports of mlgov 0.1.0 before the
/// generator was named) starts as those reports do.
///
/// ```
/// assert!(mlgov::report::written_by_mlgov(b"<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<meta name=\"generator\" content=\"mlgov\">\n"));
/// assert!(!mlgov::report::written_by_mlgov(b"<html><body>My notes</body></html>"));
/// ```
pub fn written_by_mlgov(head: &[u8]) -> bool {
    const OLD: &[u8] = b"<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
        <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>Results";
    let head = &head[..head.len().min(1024)];
    head.starts_with(OLD)
        || head
            .windows(GENERATOR.len())
            .any(|w| w == GENERATOR.as_bytes())
}

const GENERATOR: &str = "<meta name=\"generator\" content=\"mlgov\">";

/// The report of the results directory `dir` as a string (see
/// [`write_report`]).
pub fn report_html(dir: &Path, scenario_text: Option<&str>) -> Result<String, ReportError> {
    let results = Results::load(dir)?;
    let sensitivity = {
        let path = dir.join("sensitivity.csv");
        if path.exists() {
            Some(Sensitivity::load(&path)?)
        } else {
            None
        }
    };
    let raw_manifest: serde_json::Value = {
        let path = dir.join("manifest.json");
        let text =
            crate::input::read_regular_to_string(&path).map_err(|e| ReportError::io(&path, e))?;
        serde_json::from_str(&text).map_err(|e| ReportError::BadFile {
            path: path.clone(),
            message: format!("line {}: invalid JSON: {e}", e.line()),
        })?
    };
    let events = read_time_to_event(&dir.join("time_to_event.csv"))?;
    let mut charts = super::render_in_memory(&results, &PlotOptions::default())?;
    if let Some(s) = &sensitivity {
        charts.extend(super::render_sensitivity_in_memory(s)?);
    }
    // The default grid is drawn under two names; show it once.
    if charts.iter().any(|c| c.stem.starts_with("lloyd_grid_")) {
        charts.retain(|c| c.stem != "lloyd_grid");
    }
    let headline = super::choose_grid_metric(&results, &PlotOptions::default())?;
    Ok(Page {
        results: &results,
        manifest: &raw_manifest,
        events: &events,
        charts: &charts,
        headline: &headline,
        scenario_text,
    }
    .html())
}

/// Rows of `time_to_event.csv`: (configuration, metric, cells by column).
type EventRows = Vec<(String, String, Vec<(String, String)>)>;

fn read_time_to_event(path: &Path) -> Result<EventRows, ReportError> {
    if !path.exists() {
        return Ok(Vec::new());
    }
    // The engine's own column list; the report picks cells by name.
    let columns = &crate::experiment::TIME_TO_EVENT_COLUMNS[2..];
    let mut rows = Vec::new();
    read_csv(path, &["configuration", "metric"], |row| {
        let cells = columns
            .iter()
            .map(|c| (c.to_string(), row.text(c).to_string()))
            .collect();
        rows.push((row.name("configuration")?, row.name("metric")?, cells));
        Ok(())
    })?;
    Ok(rows)
}

struct Page<'a> {
    results: &'a Results,
    manifest: &'a serde_json::Value,
    events: &'a EventRows,
    charts: &'a [RenderedChart],
    headline: &'a str,
    scenario_text: Option<&'a str>,
}

/// Escapes text for HTML.
fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// A number for a table cell, or a dash when there is none.
fn cell(v: Option<f64>) -> String {
    v.map_or_else(|| "–".to_string(), style::number)
}

/// "mean [low, high]".
fn with_ci(mean: Option<f64>, lo: Option<f64>, hi: Option<f64>) -> String {
    match (mean, lo, hi) {
        (Some(m), Some(l), Some(h)) => format!(
            "{} <span class=\"ci\">[{}, {}]</span>",
            style::number(m),
            style::number(l),
            style::number(h)
        ),
        (m, _, _) => cell(m),
    }
}

const STYLE: &str = "body{font-family:'DejaVu Sans',Verdana,Arial,sans-serif;color:#222;\
max-width:1200px;margin:2em auto;padding:0 1.5em;line-height:1.45}\
h1{font-size:1.7em;margin-bottom:.2em}h2{margin-top:2em;border-bottom:1px solid #ccc}\
table{border-collapse:collapse;margin:1em 0;font-size:.92em}\
th,td{border:1px solid #ddd;padding:.3em .6em;text-align:left;vertical-align:top}\
th{background:#f3f3f3}td.num{text-align:right;white-space:nowrap}.ci{color:#666}\
figure{margin:1.5em 0;border:1px solid #eee;padding:.5em}figure svg{width:100%;height:auto;display:block}\
figcaption{color:#444;font-size:.92em;margin-top:.4em}pre{background:#f7f7f7;padding:1em;\
overflow-x:auto;font-size:.85em}.better{color:#0072b2}.worse{color:#d55e00}.muted{color:#666}\
.swatch{display:inline-block;width:.9em;height:.9em;margin-right:.4em;vertical-align:middle;\
border:1px solid #999}";

impl Page<'_> {
    fn html(&self) -> String {
        let title = match &self.results.manifest.scenario {
            Some(s) => format!("Results of scenario {s}"),
            None => "Results".to_string(),
        };
        let mut h = String::new();
        let _ = write!(
            h,
            "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
             <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
             <meta name=\"generator\" content=\"mlgov\">\n<title>{}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n<h1>{}</h1>\n",
            esc(&title),
            esc(&title)
        );
        let _ = writeln!(
            h,
            "<p class=\"muted\">{}</p>",
            esc(&self.results.subtitle())
        );
        self.what_was_run(&mut h);
        self.headline(&mut h);
        self.summary(&mut h);
        self.time_to_event(&mut h);
        self.all_comparisons(&mut h);
        self.figures(&mut h);
        self.methods(&mut h);
        self.scenario(&mut h);
        h.push_str("</body>\n</html>\n");
        h
    }

    fn field(&self, key: &str) -> Option<String> {
        match self.manifest.get(key)? {
            serde_json::Value::String(s) => Some(s.clone()),
            serde_json::Value::Null => None,
            v => Some(v.to_string()),
        }
    }

    fn what_was_run(&self, h: &mut String) {
        h.push_str("<h2 id=\"run\">What was run</h2>\n<table>\n");
        let rows = [
            ("Scenario", "scenario"),
            ("Scenario identity (name:hash of the file)", "identity"),
            ("mlgov version", "mlgov_version"),
            ("Master seed", "seed"),
            ("Replications per configuration", "replications"),
            ("Months simulated", "months"),
            ("Baseline", "baseline"),
            ("Runs ok", "runs_ok"),
            ("Runs failed", "runs_failed"),
        ];
        for (label, key) in rows {
            if let Some(v) = self.field(key) {
                let _ = writeln!(h, "<tr><th>{}</th><td>{}</td></tr>", esc(label), esc(&v));
            }
        }
        let _ = writeln!(
            h,
            "<tr><th>Configurations</th><td>{}</td></tr>\n</table>",
            self.results.configurations.len()
        );
        let version = self.field("mlgov_version").unwrap_or_default();
        let identity = self.field("identity").unwrap_or_default();
        let seed = self.field("seed").unwrap_or_default();
        let _ = writeln!(
            h,
            "<p><strong>To cite or reproduce:</strong> mlgov {} (citation metadata in the \
             package's CITATION.cff), scenario {}, master seed {}. The same scenario file, \
             seed and version give the same numbers, whatever the number of threads or \
             shards.</p>",
            esc(&version),
            esc(&identity),
            esc(&seed)
        );
    }

    fn headline(&self, h: &mut String) {
        let r = self.results;
        let metric = self.headline;
        let Some(baseline) = r.baseline() else {
            return;
        };
        let diffs: Vec<_> = {
            let mut d: Vec<_> = r
                .differences
                .iter()
                .filter(|d| d.metric == metric)
                .collect();
            d.sort_by(|a, b| {
                b.mean
                    .unwrap_or(f64::NEG_INFINITY)
                    .total_cmp(&a.mean.unwrap_or(f64::NEG_INFINITY))
            });
            d
        };
        if diffs.is_empty() {
            return;
        }
        let base_mean = r.estimate(baseline, metric).and_then(|e| e.mean);
        let name = style::metric_name(metric);
        let _ = writeln!(
            h,
            "<h2 id=\"headline\">Headline: {} compared with the baseline {}</h2>\n\
             <p>Each configuration's paired difference from the baseline ({} − {}), with its 95% \
             confidence interval, in the metric's units and as a share of the baseline's mean \
             ({}). Sorted from the largest difference down.</p>\n<table>\n<tr><th>configuration</th>\
             <th>difference [95% CI]</th><th>relative to the baseline [95% CI]</th>\
             <th>reading</th></tr>",
            esc(&name),
            esc(baseline),
            esc("configuration"),
            esc("baseline"),
            cell(base_mean),
        );
        for d in diffs {
            let rel = |v: Option<f64>| -> Option<f64> {
                let b = base_mean.filter(|b| b.abs() > 1e-12)?;
                Some(100.0 * v? / b.abs())
            };
            let pct = |v: Option<f64>| rel(v).map_or_else(|| "–".into(), |p| format!("{p:.1}%"));
            let relative = format!(
                "{} <span class=\"ci\">[{}, {}]</span>",
                pct(d.mean),
                pct(d.ci_low),
                pct(d.ci_high)
            );
            let _ = writeln!(
                h,
                "<tr><td>{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td>{}</td></tr>",
                esc(&d.configuration),
                with_ci(d.mean, d.ci_low, d.ci_high),
                relative,
                reading(
                    &d.configuration,
                    metric,
                    (d.mean, d.ci_low, d.ci_high),
                    (rel(d.mean), rel(d.ci_low), rel(d.ci_high))
                )
            );
        }
        h.push_str("</table>\n");
    }

    fn summary(&self, h: &mut String) {
        let r = self.results;
        let metrics = comparison::panel_metrics(&r.final_metrics);
        let typology = |c: &str| -> Option<String> {
            let e = r.estimate(c, "empowerment")?.mean?;
            let d = r.estimate(c, "service_delivery")?.mean?;
            Some(crate::assess::classify(e, d).name().to_string())
        };
        let has_typology = r.configurations.iter().any(|c| typology(c).is_some());
        h.push_str(
            "<h2 id=\"summary\">Final outcomes by configuration</h2>\n<p>Mean over runs with \
             its 95% confidence interval [low, high] (for a time to an event: the restricted \
             mean up to the horizon, see below).",
        );
        if has_typology {
            h.push_str(
                " Typology: the configuration's type in Lloyd's typology of partnerships, from \
                 its mean empowerment and service-delivery focus (the <code>typology</code> \
                 column of summary.csv).",
            );
        }
        h.push_str("</p>\n<table>\n<tr><th>configuration</th>");
        if has_typology {
            h.push_str("<th>typology</th>");
        }
        for m in &metrics {
            let _ = write!(h, "<th>{}</th>", esc(&style::metric_label(m)));
        }
        h.push_str("</tr>\n");
        for c in &r.configurations {
            let colour = style::hex(r.colour(c));
            let mut name = format!(
                "<span class=\"swatch\" style=\"background:{colour}\"></span>{}",
                esc(c)
            );
            if Some(c.as_str()) == r.baseline() {
                name.push_str(" (baseline)");
            }
            let _ = write!(h, "<tr><td>{name}</td>");
            if has_typology {
                let _ = write!(h, "<td>{}</td>", esc(&typology(c).unwrap_or_default()));
            }
            for m in &metrics {
                let v = r
                    .estimate(c, m)
                    .map_or_else(|| "–".to_string(), |e| with_ci(e.mean, e.ci_low, e.ci_high));
                let _ = write!(h, "<td class=\"num\">{v}</td>");
            }
            h.push_str("</tr>\n");
        }
        h.push_str("</table>\n");
        // Every metric, in long form.
        h.push_str(
            "<details><summary>All final metrics (summary.csv)</summary>\n<table>\n<tr>\
             <th>configuration</th><th>metric</th><th>n</th><th>mean [95% CI]</th><th>sd</th>\
             <th>median</th></tr>\n",
        );
        for c in &r.configurations {
            for m in &r.final_metrics {
                if let Some(e) = r.estimate(c, m) {
                    let _ = writeln!(
                        h,
                        "<tr><td>{}</td><td>{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td>\
                         <td class=\"num\">{}</td><td class=\"num\">{}</td></tr>",
                        esc(c),
                        esc(m),
                        e.n,
                        with_ci(e.mean, e.ci_low, e.ci_high),
                        cell(e.sd),
                        cell(e.p50)
                    );
                }
            }
        }
        h.push_str("</table>\n</details>\n");
    }

    fn time_to_event(&self, h: &mut String) {
        if self.events.is_empty() {
            return;
        }
        h.push_str(
            "<h2 id=\"events\">Times to an event (Kaplan–Meier)</h2>\n<p>Runs in which the event \
             did not happen within the simulated months are censored at the horizon, never \
             averaged in. Share: runs in which the event happened (Wilson 95% interval); \
             restricted mean: mean time to the event counting at most the horizon; median: \
             Kaplan–Meier median with its 95% interval, empty when not reached.</p>\n<table>\n\
             <tr><th>configuration</th><th>metric</th><th>share with the event [95% CI]</th>\
             <th>restricted mean, months [95% CI]</th><th>median, months [95% CI]</th>\
             <th>note</th></tr>\n",
        );
        for (c, m, cells) in self.events {
            let get = |k: &str| -> Option<f64> {
                cells
                    .iter()
                    .find(|(n, _)| n == k)
                    .and_then(|(_, v)| v.parse().ok())
            };
            let note = cells
                .iter()
                .find(|(n, _)| n == "note")
                .map_or("", |(_, v)| v.as_str());
            let _ = writeln!(
                h,
                "<tr><td>{}</td><td>{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td>\
                 <td class=\"num\">{}</td><td>{}</td></tr>",
                esc(c),
                esc(m),
                with_ci(
                    get("event_share"),
                    get("event_share_ci95_low"),
                    get("event_share_ci95_high")
                ),
                with_ci(
                    get("restricted_mean"),
                    get("restricted_mean_ci95_low"),
                    get("restricted_mean_ci95_high")
                ),
                match (
                    get("median"),
                    get("median_ci95_low"),
                    get("median_ci95_high")
                ) {
                    // The interval's upper end can lie beyond the horizon.
                    (Some(m), Some(l), None) => format!(
                        "{} <span class=\"ci\">[{}, not reached]</span>",
                        style::number(m),
                        style::number(l)
                    ),
                    (m, l, hi) => with_ci(m, l, hi),
                },
                esc(note)
            );
        }
        h.push_str("</table>\n");
    }

    fn all_comparisons(&self, h: &mut String) {
        if self.results.differences.is_empty() {
            return;
        }
        h.push_str(
            "<h2 id=\"comparisons\">Paired comparisons with the baseline</h2>\n<p>Mean of the \
             paired differences (configuration − baseline, replication by replication, with \
             common random numbers) and its 95% interval, for every final metric \
             (comparisons.csv).</p>\n<details><summary>All comparisons</summary>\n<table>\n<tr>\
             <th>configuration</th><th>metric</th><th>difference [95% CI]</th><th>reading</th>\
             </tr>\n",
        );
        for d in &self.results.differences {
            let _ = writeln!(
                h,
                "<tr><td>{}</td><td>{}</td><td class=\"num\">{}</td><td>{}</td></tr>",
                esc(&d.configuration),
                esc(&d.metric),
                with_ci(d.mean, d.ci_low, d.ci_high),
                reading(
                    &d.configuration,
                    &d.metric,
                    (d.mean, d.ci_low, d.ci_high),
                    (None, None, None)
                )
            );
        }
        h.push_str("</table>\n</details>\n");
    }

    fn figures(&self, h: &mut String) {
        h.push_str("<h2 id=\"charts\">Charts</h2>\n");
        for (i, chart) in self.charts.iter().enumerate() {
            let _ = writeln!(
                h,
                "<figure id=\"chart-{}\" data-chart=\"{}\">\n{}\n<figcaption><strong>Figure {}</strong> \
                 ({}). {}</figcaption>\n</figure>",
                esc(&chart.stem),
                esc(&chart.stem),
                chart.svg.trim(),
                i + 1,
                esc(&chart.stem),
                esc(&caption(&chart.stem, &self.results.manifest.categorical))
            );
        }
    }

    fn methods(&self, h: &mut String) {
        let quantiles = self.field("quantile_method").unwrap_or_default();
        let _ = writeln!(
            h,
            "<h2 id=\"methods\">Methods</h2>\n<ul>\n\
             <li><strong>Replications and common random numbers.</strong> Every configuration \
             is run the same number of times; replication k of every configuration uses the \
             same random numbers, so differences between configurations are paired.</li>\n\
             <li><strong>Means</strong> carry 95% t-intervals (mean ± t(0.975, n−1)·sd/√n); \
             <strong>paired differences</strong> the t-interval of the mean of the paired \
             differences. A 0/1 outcome is a share with a Wilson interval. A share or score in \
             [0, 1] (kind <code>share</code> in summary.csv, such as survival as the share of \
             places) keeps its interval inside [0, 1]: Wilson's when every run is 0 or 1, \
             otherwise the t-interval on the logit scale transformed back; paired differences of \
             shares are clipped to [−1, 1] (the interval column of summary.csv names the method). \
             A time to an event is summarised with the Kaplan–Meier estimator (censored at the \
             horizon).</li>\n\
             <li><strong>Relative differences</strong> in the headline table are the difference \
             and its interval divided by the baseline's mean, taken as fixed.</li>\n\
             <li><strong>Readings</strong>: \"more\" or \"less\" when the whole 95% interval lies \
             on one side of zero, \"no clear difference\" otherwise; \"better\" or \"worse\" \
             follows the metric's direction (a cost increase is worse).</li>\n\
             <li><strong>Quantiles</strong>: {}.</li>\n\
             <li><strong>Typology</strong>: Lloyd's typology of partnerships, classified from the \
             mean empowerment and service-delivery focus (high at {HIGH} or more; complex hybrid \
             when both lie between {HYBRID_LOW} and {HYBRID_HIGH}); the typology chart draws the \
             same regions.</li>\n\
             <li><strong>Colours</strong>: each configuration keeps one colour on every chart \
             (the swatches in the table above), recorded in manifest.json.</li>\n</ul>",
            esc(&quantiles)
        );
    }

    fn scenario(&self, h: &mut String) {
        if let Some(text) = self.scenario_text {
            let _ = writeln!(
                h,
                "<h2 id=\"scenario\">The scenario file</h2>\n<pre>{}</pre>",
                esc(text)
            );
        }
    }
}

/// A difference in plain words: "N-R-L has 12.0% more net benefit per place
/// than the baseline (95% CI 9.1% to 15.2%): better".
fn reading(
    configuration: &str,
    metric: &str,
    (mean, lo, hi): (Option<f64>, Option<f64>, Option<f64>),
    (rmean, rlo, rhi): (Option<f64>, Option<f64>, Option<f64>),
) -> String {
    let name = style::metric_name(metric);
    let (Some(m), Some(l), Some(u)) = (mean, lo, hi) else {
        return String::new();
    };
    let amount = |v: f64, r: Option<f64>| match r {
        Some(p) => format!("{:.1}%", p.abs()),
        None => style::number(v.abs()),
    };
    let interval = match (rlo, rhi) {
        (Some(a), Some(b)) => format!("95% CI {a:.1}% to {b:.1}%"),
        _ => format!("95% CI {} to {}", style::number(l), style::number(u)),
    };
    if l <= 0.0 && u >= 0.0 {
        return format!(
            "{} shows no clear difference in {name} from the baseline ({interval})",
            esc(configuration)
        );
    }
    let more = m > 0.0;
    let verdict = match (style::direction(metric), more) {
        (Some(Direction::HigherIsBetter), true) | (Some(Direction::LowerIsBetter), false) => {
            ": <span class=\"better\">better</span>"
        }
        (Some(_), _) => ": <span class=\"worse\">worse</span>",
        (None, _) => "",
    };
    format!(
        "{} has {} {} {name} than the baseline ({interval}){verdict}",
        esc(configuration),
        amount(m, rmean),
        if more { "more" } else { "less" },
    )
}

/// What a chart shows, in a sentence, from its file stem and the
/// categorical observables (drawn as stacked shares).
fn caption(stem: &str, categorical: &[(String, Vec<String>)]) -> String {
    if let Some(metric) = stem.strip_prefix("lloyd_grid_") {
        return format!(
            "Lloyd's 27 conceive–manage–implement assignments, each cell coloured by the mean \
             {} (viridis: dark low, yellow high).",
            style::metric_label(metric)
        );
    }
    if stem == "trajectories_phase" {
        return "Share of runs in each phase of the partnership's life cycle, month by month, \
                stacked; one panel per configuration."
            .to_string();
    }
    if let Some(metric) = stem.strip_prefix("trajectories_") {
        let label = style::metric_label(metric);
        if categorical.iter().any(|(name, _)| name == metric) {
            return format!(
                "{}: the share of runs in each category, month by month, stacked; one panel \
                 per configuration.",
                style::capitalise(&label)
            );
        }
        return format!(
            "{}: the mean over runs month by month (line), with the middle 50% (darker) and \
             middle 90% (lighter) of runs.",
            style::capitalise(&label)
        );
    }
    match stem {
        "comparison" => "Final outcomes: each configuration's mean with its 95% confidence \
                         interval; the baseline is the black diamond and dashed line."
            .to_string(),
        "differences" => "Paired differences from the baseline with 95% intervals: blue better, \
                          vermillion worse (by the metric's direction), grey no clear \
                          difference."
            .to_string(),
        "lloyd_grid" => "Lloyd's 27 conceive–manage–implement assignments coloured by the \
                         default metric."
            .to_string(),
        "typology" => "Each configuration on Lloyd's empowerment / service-delivery plane, \
                       with 95% intervals; the regions are the classifier's."
            .to_string(),
        "tradeoff" => "Total transaction cost against total value added, with 95% intervals; \
                       the dashed line joins the configurations no other beats on both."
            .to_string(),
        s if s.starts_with("sensitivity") => "Sensitivity of each final metric to the uncertain \
                                              parameters (most important on top)."
            .to_string(),
        _ => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_is_escaped() {
        assert_eq!(esc("a<b & \"c\"'"), "a&lt;b &amp; &quot;c&quot;&#39;");
    }

    #[test]
    fn readings_follow_the_interval_and_the_direction() {
        let r = reading(
            "L-L-L",
            "net_benefit",
            (Some(12.0), Some(9.0), Some(15.0)),
            (Some(12.0), Some(9.0), Some(15.0)),
        );
        assert!(r.contains("12.0% more net benefit per place"), "{r}");
        assert!(
            r.contains("95% CI 9.0% to 15.0%") && r.contains("better"),
            "{r}"
        );
        let r = reading(
            "N-L-N",
            "transaction_cost_total",
            (Some(5.0), Some(1.0), Some(9.0)),
            (None, None, None),
        );
        assert!(r.contains("5.00 more total transaction cost"), "{r}");
        assert!(r.contains("worse"), "{r}");
        let r = reading(
            "X",
            "fit",
            (Some(0.1), Some(-0.2), Some(0.4)),
            (None, None, None),
        );
        assert!(r.contains("no clear difference"), "{r}");
    }
}
