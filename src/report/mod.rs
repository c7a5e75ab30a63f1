//! Charts of experiment and sensitivity results, drawn with plotters from the
//! files of a results directory alone.
//!
//! [`render_all`] reads `manifest.json`, `summary.csv`, and, when present,
//! `comparisons.csv`, `trajectories.csv` and `sensitivity.csv`, and writes
//! every chart as PNG and SVG into `DIR/charts/`:
//!
//! | file stem | chart |
//! |---|---|
//! | `trajectories_<metric>` | mean over runs, month by month, with 50% and 90% bands, per observable; for a categorical observable (the phase) the stacked share of runs in each category |
//! | `comparison` | each configuration's final metrics with 95% CIs, baseline marked |
//! | `differences` | paired differences from the baseline with 95% CIs |
//! | `lloyd_grid_<metric>` | the 27 conceive–manage–implement assignments coloured by a metric (also `lloyd_grid` for the default metric) |
//! | `typology` | Lloyd's empowerment / service delivery plane |
//! | `tradeoff` | total transaction cost against total value added |
//! | `sensitivity` | Morris μ* and σ, or Sobol S1 and ST, per metric |
//!
//! The same input files always give byte-identical charts: the font is
//! embedded, nothing depends on time or on hash order, and files are written
//! atomically (temporary file, then rename). See `docs/charts.md` for how to
//! read each chart.
//!
//! ```no_run
//! use mlgov::report::{render_all, PlotOptions};
//! let written = render_all(std::path::Path::new("results"), &PlotOptions::default())?;
//! for path in written {
//!     println!("{}", path.display());
//! }
//! # Ok::<(), mlgov::report::ReportError>(())
//! ```
//!
//! # Place in the layers
//! Owns reading a results folder ([`Results`]), every chart, the handout and
//! `report.html`. It reads results only through the files and the column
//! tables the engine declares, so it must not know how they were computed,
//! and nothing below it may import it (docs/architecture.md, layer 6).

mod axes;
mod comparison;
mod csvread;
mod data;
mod discovery;
mod error;
mod grid;
mod handout;
mod html;
mod layout;
mod render;
mod scatter;
mod sensitivity;
mod shares;
mod style;
mod tradeoff;
mod trajectories;
mod typology;

/// Atomic replacement of a file, as every writer of the crate uses it
/// (defined in [`crate::atomic`]).
pub use crate::atomic::write_atomic;
pub use data::{
    Difference, Estimate, Manifest, MonthStats, MorrisIndex, Results, Sensitivity,
    SensitivityAbout, SobolIndex,
};
pub use discovery::{discovery_box, discovery_tradeoff};
pub use error::ReportError;
pub use html::{REPORT_FILE, report_html, write_report, written_by_mlgov};
pub use layout::{TextBox, layout_problems, text_boxes};
pub use render::RenderedChart;

use std::path::{Path, PathBuf};

/// The colour each configuration gets on every chart, as `#rrggbb`, in the
/// order given: black for `baseline`, the others through a palette of
/// twelve colours (the Okabe–Ito colours, then six of Paul Tol's "muted"
/// ones), repeating after twelve. `mlgov run` and `mlgov merge` record this
/// in `manifest.json` (`colours`), and the charts read it from there.
pub fn configuration_colours(
    configurations: &[String],
    baseline: Option<&str>,
) -> Vec<(String, String)> {
    style::configuration_colours(configurations, baseline)
        .into_iter()
        .map(|(name, c)| (name, style::hex(c)))
        .collect()
}

/// The metric that colours the Lloyd grid unless another is chosen.
pub const DEFAULT_GRID_METRIC: &str = "net_benefit";

/// The kinds of chart, for drawing only some of them
/// ([`PlotOptions::only`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[non_exhaustive]
pub enum ChartKind {
    /// `trajectories_<metric>`: one chart per observable.
    Trajectories,
    /// `comparison`: final metrics with 95% CIs.
    Comparison,
    /// `differences`: paired differences from the baseline.
    Differences,
    /// `lloyd_grid_<metric>` (and `lloyd_grid` for the default metric): the
    /// 27 assignments coloured by a metric.
    LloydGrid,
    /// `typology`: the empowerment / service delivery plane.
    Typology,
    /// `tradeoff`: transaction cost against value added.
    Tradeoff,
    /// `sensitivity`: Morris or Sobol indices.
    Sensitivity,
}

/// Choices for drawing the charts. `PlotOptions::default()` gives the
/// standard set.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct PlotOptions {
    /// The final metric that colours the Lloyd grid; `None` means
    /// [`DEFAULT_GRID_METRIC`] (or, if the results lack it, the first final
    /// metric). A metric that is not in `summary.csv` is an error.
    pub grid_metric: Option<String>,
    /// Trajectory charts draw every configuration with its bands when there
    /// are at most this many; with more, they highlight the baseline and the
    /// configurations with the highest and lowest final values, and draw the
    /// rest as thin grey lines.
    pub max_highlighted: usize,
    /// Where to write the charts; `None` means `DIR/charts`.
    pub out_dir: Option<PathBuf>,
    /// Draw only these kinds of chart; `None` draws all that the files support.
    pub only: Option<Vec<ChartKind>>,
}

impl Default for PlotOptions {
    fn default() -> Self {
        PlotOptions {
            grid_metric: None,
            max_highlighted: 6,
            out_dir: None,
            only: None,
        }
    }
}

impl PlotOptions {
    /// Sets the metric that colours the Lloyd grid.
    pub fn with_grid_metric(mut self, metric: impl Into<String>) -> Self {
        self.grid_metric = Some(metric.into());
        self
    }

    /// Sets the directory the charts are written to.
    pub fn with_out_dir(mut self, dir: impl Into<PathBuf>) -> Self {
        self.out_dir = Some(dir.into());
        self
    }

    /// Draws only the given kinds of chart.
    pub fn with_only(mut self, kinds: impl IntoIterator<Item = ChartKind>) -> Self {
        self.only = Some(kinds.into_iter().collect());
        self
    }

    fn wants(&self, kind: ChartKind) -> bool {
        self.only.as_ref().is_none_or(|k| k.contains(&kind))
    }

    fn out_dir(&self, dir: &Path) -> PathBuf {
        self.out_dir
            .clone()
            .unwrap_or_else(|| dir.join(crate::experiment::CHARTS_DIR))
    }
}

/// Draws every chart the files in `dir` support and writes each as PNG and
/// SVG into `DIR/charts/` (or the folder set by [`PlotOptions::with_out_dir`]). Returns the files
/// written, PNG before SVG, in chart order.
///
/// A directory that holds only `sensitivity.csv` (from `mlgov sensitivity`)
/// gets the sensitivity chart; otherwise `manifest.json` and `summary.csv`
/// are required. All input is read and checked before the first file is
/// written.
pub fn render_all(dir: &Path, opts: &PlotOptions) -> Result<Vec<PathBuf>, ReportError> {
    let experiment = dir.join("manifest.json").exists() || dir.join("summary.csv").exists();
    if !experiment && dir.join("sensitivity.csv").exists() {
        return render_sensitivity(dir, opts);
    }
    let results = Results::load(dir)?;
    let sensitivity = load_sensitivity_if_present(dir)?;
    let grid_metric = choose_grid_metric(&results, opts)?;
    let out = prepare_out_dir(opts, dir)?;
    let mut written = Vec::new();
    each_chart(&results, &grid_metric, opts, &mut |chart| {
        written.extend(chart.write_to(&out)?);
        Ok(())
    })?;
    if let Some(s) = sensitivity.filter(|_| opts.wants(ChartKind::Sensitivity)) {
        sensitivity::each_chart(&s, &mut |chart| {
            written.extend(chart.write_to(&out)?);
            Ok(())
        })?;
    }
    Ok(written)
}

/// Draws the sensitivity chart(s) from `DIR/sensitivity.csv` into
/// `DIR/charts/` (or the folder set by [`PlotOptions::with_out_dir`]): `sensitivity.png/.svg`, or
/// `sensitivity_morris.*` and `sensitivity_sobol.*` when the file holds both
/// methods. Returns the files written.
pub fn render_sensitivity(dir: &Path, opts: &PlotOptions) -> Result<Vec<PathBuf>, ReportError> {
    let s = Sensitivity::load(&dir.join("sensitivity.csv"))?;
    let out = prepare_out_dir(opts, dir)?;
    let mut written = Vec::new();
    sensitivity::each_chart(&s, &mut |chart| {
        written.extend(chart.write_to(&out)?);
        Ok(())
    })?;
    Ok(written)
}

/// The stem of the handout's files (`mlgov plot --handout`).
pub const HANDOUT_STEM: &str = "lloyd_functions_handout";

/// Draws the one-page handout of Lloyd's functions-by-levels picture
/// (slide 16) in memory: an A4 page (1240 × 1754 pixels, 150 dpi) with an
/// example path (`N-R-L`), how to read it, and two empty grids for students.
/// It needs no results; write it with [`RenderedChart::write_to`].
pub fn render_handout() -> Result<RenderedChart, ReportError> {
    render::render(HANDOUT_STEM, &handout::Handout)
}

/// Draws the experiment charts of `results` in memory, without writing
/// files: for embedding the pictures elsewhere, or for checking them.
pub fn render_in_memory(
    results: &Results,
    opts: &PlotOptions,
) -> Result<Vec<RenderedChart>, ReportError> {
    let grid_metric = choose_grid_metric(results, opts)?;
    let mut charts = Vec::new();
    each_chart(results, &grid_metric, opts, &mut |chart| {
        charts.push(chart);
        Ok(())
    })?;
    Ok(charts)
}

/// Draws the sensitivity chart(s) in memory.
pub fn render_sensitivity_in_memory(
    sensitivity: &Sensitivity,
) -> Result<Vec<RenderedChart>, ReportError> {
    let mut charts = Vec::new();
    sensitivity::each_chart(sensitivity, &mut |chart| {
        charts.push(chart);
        Ok(())
    })?;
    Ok(charts)
}

fn load_sensitivity_if_present(dir: &Path) -> Result<Option<Sensitivity>, ReportError> {
    let path = dir.join("sensitivity.csv");
    if path.exists() {
        Sensitivity::load(&path).map(Some)
    } else {
        Ok(None)
    }
}

fn prepare_out_dir(opts: &PlotOptions, dir: &Path) -> Result<PathBuf, ReportError> {
    let out = opts.out_dir(dir);
    std::fs::create_dir_all(&out).map_err(|e| ReportError::Io {
        path: out.clone(),
        source: e,
    })?;
    Ok(out)
}

/// The metric for the Lloyd grid: the one asked for (which must exist), else
/// the default, else the first final metric.
fn choose_grid_metric(results: &Results, opts: &PlotOptions) -> Result<String, ReportError> {
    let known = |m: &str| results.final_metrics.iter().any(|f| f == m);
    match &opts.grid_metric {
        Some(m) if known(m) => Ok(m.clone()),
        Some(m) => Err(ReportError::UnknownMetric {
            metric: m.clone(),
            available: results.final_metrics.clone(),
        }),
        None if known(DEFAULT_GRID_METRIC) => Ok(DEFAULT_GRID_METRIC.to_string()),
        None => Ok(results.final_metrics.first().cloned().unwrap_or_default()),
    }
}

/// Draws each experiment chart in turn and hands it to `sink`, so that at
/// most one raster is held in memory at a time.
fn each_chart(
    results: &Results,
    grid_metric: &str,
    opts: &PlotOptions,
    sink: &mut dyn FnMut(RenderedChart) -> Result<(), ReportError>,
) -> Result<(), ReportError> {
    let wants = |k| opts.wants(k);
    // Share rows of a categorical observable are drawn together, stacked.
    let share_rows: Vec<String> = results
        .manifest
        .categorical
        .iter()
        .flat_map(|(name, cats)| cats.iter().map(move |c| format!("{name}_{c}")))
        .collect();
    for metric in results
        .observables
        .iter()
        .filter(|m| !share_rows.contains(m))
        .filter(|_| wants(ChartKind::Trajectories))
    {
        let chart = trajectories::Trajectories::new(results, metric, opts.max_highlighted);
        sink(render::render(
            &format!("trajectories_{}", file_safe(metric)),
            &chart,
        )?)?;
    }
    for (name, cats) in results
        .manifest
        .categorical
        .iter()
        .filter(|_| wants(ChartKind::Trajectories))
    {
        if let Some(chart) = shares::Shares::new(results, name, cats) {
            sink(render::render(
                &format!("trajectories_{}", file_safe(name)),
                &chart,
            )?)?;
        }
    }
    if let Some(chart) =
        comparison::Comparison::estimates(results).filter(|_| wants(ChartKind::Comparison))
    {
        sink(render::render("comparison", &chart)?)?;
    }
    if let Some(chart) =
        comparison::Comparison::differences(results).filter(|_| wants(ChartKind::Differences))
    {
        sink(render::render("differences", &chart)?)?;
    }
    if grid::has_codes(results) && wants(ChartKind::LloydGrid) {
        // `lloyd_grid_<metric>` for every metric, so grids of different
        // metrics sit side by side; the default metric's grid is also
        // `lloyd_grid`, as before.
        let chart = render::render(
            &format!("lloyd_grid_{}", file_safe(grid_metric)),
            &grid::LloydGrid::new(results, grid_metric),
        )?;
        let default = choose_grid_metric(results, &PlotOptions::default())?;
        if grid_metric == default {
            let mut plain = chart.clone();
            plain.stem = "lloyd_grid".to_string();
            sink(plain)?;
        }
        sink(chart)?;
    }
    if let Some(chart) = typology::Typology::new(results).filter(|_| wants(ChartKind::Typology)) {
        sink(render::render("typology", &chart)?)?;
    }
    if let Some(chart) = tradeoff::Tradeoff::new(results).filter(|_| wants(ChartKind::Tradeoff)) {
        sink(render::render("tradeoff", &chart)?)?;
    }
    Ok(())
}

/// A metric name made safe for a file name: letters, digits, `_`, `-`, `.`.
fn file_safe(name: &str) -> String {
    name.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.') {
                c
            } else {
                '_'
            }
        })
        .collect()
}
