//! Writing the result files of an output directory.
//!
//! Numbers are written with Rust's `Display` for `f64`, the shortest decimal
//! that reads back to the same bits (never in exponent notation), with `-0`
//! written as `0`; a statistic that does not exist (a mean of no runs, the
//! sd or confidence interval of fewer than two) is an empty cell. Every table
//! is written to a temporary file beside it and renamed into place
//! ([`crate::atomic`]).

use super::ExperimentError;
use super::aggregate::Aggregate;
use super::finals::{self, PERCENTS, RunValues, TIME_TO_EVENT_COLUMNS};
use super::state::{Info, STATE_DIR, write_atomic};
use crate::analysis::{RELATIVE_ACCURACY, fixed_mean};
use crate::sim::{MetricKind, ObservableKind};
use serde::Serialize;
use std::path::{Path, PathBuf};

/// The per-run table, appended while the experiment runs.
pub(crate) const RUNS: &str = "runs.csv";
/// The final-metric summary table.
pub(crate) const SUMMARY: &str = "summary.csv";
/// Paired comparisons with the baseline.
pub(crate) const COMPARISONS: &str = "comparisons.csv";
/// Monthly trajectories.
pub(crate) const TRAJECTORIES: &str = "trajectories.csv";
/// Kaplan–Meier summaries of the times to an event.
pub(crate) const TIME_TO_EVENT: &str = "time_to_event.csv";
/// The manifest, written last: its presence means the directory is complete.
pub(crate) const MANIFEST: &str = "manifest.json";
/// Every run's monthly observations, written with `--save-trajectories`.
pub const RUN_TRAJECTORIES: &str = "run_trajectories.csv.gz";

/// The report that [`crate::report`] writes beside the results
/// (`report.html`). The engine never writes it; it is declared here, with
/// the rest of the results folder's layout (the tables, `charts/`), so that
/// [`remove_results`] removes it with the results without the engine
/// importing the report layer.
pub const REPORT_FILE: &str = "report.html";

/// Where the charts of the results go (written by [`crate::report`]).
pub const CHARTS_DIR: &str = "charts";

/// Every file an experiment writes in its output folder (besides the
/// checkpoint folder and the charts).
const RESULT_FILES: [&str; 13] = [
    RUNS,
    RUN_TRAJECTORIES,
    SUMMARY,
    COMPARISONS,
    TRAJECTORIES,
    TIME_TO_EVENT,
    MANIFEST,
    super::RUNS_PARQUET,
    super::RUN_TRAJECTORIES_PARQUET,
    super::SUMMARY_PARQUET,
    super::COMPARISONS_PARQUET,
    super::TRAJECTORIES_PARQUET,
    super::TIME_TO_EVENT_PARQUET,
];

/// The columns of `summary.csv`: one row per configuration × final metric.
///
/// `typology` (last) is the configuration's type in Lloyd's typology of
/// partnerships ([`crate::typology::classify`] of its mean `empowerment` and
/// `service_delivery`), the same on each of its rows, and empty for models
/// without those two metrics.
pub const SUMMARY_COLUMNS: [&str; 16] = [
    "configuration",
    "metric",
    "kind",
    "n",
    "mean",
    "sd",
    "ci95_low",
    "ci95_high",
    "interval",
    "p05",
    "p25",
    "p50",
    "p75",
    "p95",
    "note",
    "typology",
];

/// The columns of `comparisons.csv`: one row per configuration other than
/// the baseline × final metric (paired differences from the baseline).
pub const COMPARISON_COLUMNS: [&str; 8] = [
    "configuration",
    "baseline",
    "metric",
    "n",
    "mean_diff",
    "ci95_low",
    "ci95_high",
    "interval",
];

/// The columns of `trajectories.csv`: one row per configuration × month ×
/// observable.
pub const TRAJECTORY_COLUMNS: [&str; 9] = [
    "configuration",
    "month",
    "metric",
    "mean",
    "p05",
    "p25",
    "p50",
    "p75",
    "p95",
];

/// The quantile levels of every table.
const QUANTILES: [f64; 5] = [0.05, 0.25, 0.5, 0.75, 0.95];

/// A deterministic, round-trip decimal for a cell.
pub(crate) fn num(v: f64) -> String {
    if v == 0.0 {
        "0".to_string()
    } else {
        format!("{v}")
    }
}

fn opt(v: Option<f64>) -> String {
    v.map(num).unwrap_or_default()
}

/// Removes the results an experiment wrote in `dir` (its tables, manifest,
/// checkpoint, `charts/` folder and `report.html`) and nothing else; `Ok(false)` when there
/// were none. `mlgov run` never does this (it refuses such a folder, so a
/// long run is not lost by mistake); it is for programs, such as examples,
/// that are meant to be run again into the same folder.
pub fn remove_results(dir: &Path) -> std::io::Result<bool> {
    if !dir.join(MANIFEST).exists() && !dir.join(STATE_DIR).exists() {
        return Ok(false);
    }
    for name in RESULT_FILES {
        let path = dir.join(name);
        if path.exists() {
            std::fs::remove_file(path)?;
        }
    }
    for sub in [STATE_DIR, CHARTS_DIR] {
        let path = dir.join(sub);
        if path.exists() {
            std::fs::remove_dir_all(path)?;
        }
    }
    let report = dir.join(REPORT_FILE);
    if report.exists() {
        std::fs::remove_file(report)?;
    }
    Ok(true)
}

/// The results an experiment wrote in `dir` that are there (its tables,
/// manifest, checkpoint folder, `charts/` folder and `report.html`: what
/// [`remove_results`] removes), in that order; empty when there are none.
pub fn result_entries(dir: &Path) -> Vec<std::path::PathBuf> {
    RESULT_FILES
        .iter()
        .chain(&[STATE_DIR, CHARTS_DIR, REPORT_FILE])
        .map(|name| dir.join(name))
        .filter(|path| std::fs::symlink_metadata(path).is_ok())
        .collect()
}

/// Refuses an output directory that already holds results of a run.
pub(crate) fn ensure_no_results(dir: &Path) -> Result<(), ExperimentError> {
    if dir.exists() && !dir.is_dir() {
        return Err(ExperimentError::invalid(
            format!("--out {}", dir.display()),
            "exists and is not a directory",
        ));
    }
    for name in std::iter::once(STATE_DIR).chain(RESULT_FILES) {
        let path = dir.join(name);
        if path.exists() {
            return Err(ExperimentError::OutputExists {
                dir: dir.to_path_buf(),
                found: path,
            });
        }
    }
    Ok(())
}

/// Whether `dir` holds none of the result files (the checkpoint folder is
/// not looked at).
pub(crate) fn ensure_no_results_besides_state(dir: &Path) -> Result<(), ExperimentError> {
    for name in RESULT_FILES {
        let path = dir.join(name);
        if path.exists() {
            return Err(ExperimentError::OutputExists {
                dir: dir.to_path_buf(),
                found: path,
            });
        }
    }
    Ok(())
}

/// The first columns of `runs.csv`, before the inputs and the final metrics.
pub const RUN_COLUMNS: [&str; 5] = ["configuration", "replication", "seed", "status", "reason"];

/// The columns of `runs.csv`, in order: [`RUN_COLUMNS`], then the input
/// columns (`inputs`, see [`crate::sim::Configuration::with_inputs`]), then
/// the final metrics.
pub fn runs_columns(inputs: &[String], final_metrics: &[String]) -> Vec<String> {
    RUN_COLUMNS
        .iter()
        .map(|s| s.to_string())
        .chain(inputs.iter().cloned())
        .chain(final_metrics.iter().cloned())
        .collect()
}

/// The columns of `run_trajectories.csv.gz`: the run, the month (1-based),
/// then the model's observables (`Model::observables`, category codes as
/// numbers).
pub fn run_trajectory_columns(observables: &[String]) -> Vec<String> {
    ["configuration", "replication", "month"]
        .iter()
        .map(|s| s.to_string())
        .chain(observables.iter().cloned())
        .collect()
}

/// `text` as one gzip member, compressed the same way every time (level 6,
/// no timestamp or file name in its header), so a file of members depends
/// only on what it holds. Members concatenated are one gzip file
/// (RFC 1952), which gzip, zcat, pandas and pyarrow read whole.
pub(crate) fn gzip_member(text: &[u8]) -> std::io::Result<Vec<u8>> {
    use std::io::Write;
    let mut e = flate2::GzBuilder::new()
        .mtime(0)
        .operating_system(255)
        .write(Vec::new(), flate2::Compression::new(6));
    e.write_all(text)?;
    e.finish()
}

/// The first gzip member of `run_trajectories.csv.gz`: its header line.
pub(crate) fn run_trajectories_header(info: &Info) -> Result<Vec<u8>, csv::Error> {
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(run_trajectory_columns(&info.observables))?;
    let text = w
        .into_inner()
        .map_err(|e| csv::Error::from(e.into_error()))?;
    Ok(gzip_member(&text)?)
}

/// The header line of `runs.csv`.
pub(crate) fn runs_header(info: &Info) -> Result<Vec<u8>, csv::Error> {
    let mut w = csv::Writer::from_writer(Vec::new());
    let header = runs_columns(&info.inputs, &info.final_metrics);
    w.write_record(&header)?;
    w.into_inner().map_err(|e| e.into_error().into())
}

fn write_table(
    dir: &Path,
    name: &str,
    header: &[&str],
    rows: impl Iterator<Item = Vec<String>>,
) -> Result<(), ExperimentError> {
    let path = dir.join(name);
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(header)
        .map_err(ExperimentError::csv(&path))?;
    for row in rows {
        w.write_record(&row).map_err(ExperimentError::csv(&path))?;
    }
    let bytes = w
        .into_inner()
        .map_err(|e| ExperimentError::io(&path, "write")(e.into_error()))?;
    write_atomic(&path, &bytes, false)
}

/// Writes `summary.csv`, `comparisons.csv` and `trajectories.csv`.
pub(crate) fn write_tables(
    dir: &Path,
    info: &Info,
    agg: &Aggregate,
) -> Result<(), ExperimentError> {
    let metrics = &info.final_metrics;
    let nm = metrics.len();
    let quantiles =
        |s: &crate::analysis::QuantileSketch| s.quantiles(&QUANTILES).into_iter().map(opt);

    let runs = RunValues::read(dir, info, agg)?;
    let runs = &runs;
    let summary = info
        .configurations
        .iter()
        .enumerate()
        .flat_map(|(c, name)| {
            let mut rows: Vec<Vec<String>> = metrics
                .iter()
                .enumerate()
                .map(|(m, metric)| {
                    let mut row = vec![name.clone(), metric.clone()];
                    row.extend(finals::summary_cells(info, agg, runs, c, m));
                    row
                })
                .collect();
            let kind = typology_of(metrics, &rows);
            for row in &mut rows {
                row.push(kind.clone());
            }
            rows
        });
    write_table(dir, SUMMARY, &SUMMARY_COLUMNS, summary)?;

    let base = &info.configurations[info.baseline];
    let comparisons = info
        .configurations
        .iter()
        .enumerate()
        .filter(|(c, _)| *c != info.baseline)
        .flat_map(|(c, name)| {
            metrics.iter().enumerate().map(move |(m, metric)| {
                let mut row = vec![name.clone(), base.clone(), metric.clone()];
                row.extend(finals::comparison_cells(info, agg, runs, c, m));
                row
            })
        });
    write_table(dir, COMPARISONS, &COMPARISON_COLUMNS, comparisons)?;

    let events: Vec<usize> = (0..nm)
        .filter(|&m| info.final_kinds[m] == MetricKind::TimeToEvent)
        .collect();
    if !events.is_empty() {
        let events = &events;
        let rows = info
            .configurations
            .iter()
            .enumerate()
            .flat_map(|(c, name)| {
                events.iter().map(move |&m| {
                    let mut row = vec![name.clone(), metrics[m].clone()];
                    row.extend(finals::time_to_event_cells(info, runs, c, m));
                    row
                })
            });
        write_table(dir, TIME_TO_EVENT, &TIME_TO_EVENT_COLUMNS, rows)?;
    }

    let (months, nobs) = (info.months as usize, info.observables.len());
    let trajectories = info
        .configurations
        .iter()
        .enumerate()
        .flat_map(|(c, name)| {
            (0..months).flat_map(move |t| {
                info.observables
                    .iter()
                    .enumerate()
                    .flat_map(move |(j, obs)| {
                        let cell = (c * months + t) * nobs + j;
                        let head = |metric: String, mean: Option<f64>| {
                            vec![name.clone(), (t + 1).to_string(), metric, opt(mean)]
                        };
                        let counts = &agg.traj_counts[cell];
                        match &info.observable_kinds[j] {
                            ObservableKind::Categorical(names) => names
                                .iter()
                                .enumerate()
                                .map(|(k, category)| {
                                    let share = (agg.ok[c] > 0)
                                        .then(|| counts.of(k as i64) as f64 / agg.ok[c] as f64);
                                    let mut row = head(format!("{obs}_{category}"), share);
                                    row.extend(std::iter::repeat_n(String::new(), QUANTILES.len()));
                                    row
                                })
                                .collect::<Vec<_>>(),
                            kind => {
                                let mut row =
                                    head(obs.clone(), fixed_mean(agg.traj_sums[cell], agg.ok[c]));
                                if kind.is_discrete() {
                                    row.extend(PERCENTS.map(|p| opt(counts.order_statistic(p))));
                                } else {
                                    row.extend(quantiles(&agg.traj_sketches[cell]));
                                }
                                vec![row]
                            }
                        }
                    })
            })
        });
    write_table(dir, TRAJECTORIES, &TRAJECTORY_COLUMNS, trajectories)
}

/// The typology cell of one configuration's summary rows: the type of its
/// mean `empowerment` and `service_delivery` (read back from the rows'
/// `mean` cells, which round-trip exactly), or empty when either is missing.
fn typology_of(metrics: &[String], rows: &[Vec<String>]) -> String {
    let mean_at = SUMMARY_COLUMNS
        .iter()
        .position(|c| *c == "mean")
        .expect("summary has a mean column");
    let mean = |metric: &str| -> Option<f64> {
        let m = metrics.iter().position(|x| x == metric)?;
        rows.get(m)?.get(mean_at)?.parse().ok()
    };
    match (mean("empowerment"), mean("service_delivery")) {
        (Some(e), Some(d)) => crate::typology::classify(e, d).name().to_string(),
        _ => String::new(),
    }
}

/// How quantiles are estimated, as recorded in the manifest.
pub(crate) fn quantile_method() -> String {
    format!(
        "final metrics: exact order statistic of 0-based rank floor(q*(n-1)) of the sorted run values \
         (times to an event: Kaplan-Meier quantiles); trajectories: DDSketch-style log-bucketed sketch \
         (Masson, Rim & Lee 2019), relative accuracy {RELATIVE_ACCURACY}, estimating the same rank, \
         clamped to [min, max]; counts: exact"
    )
}

/// Configuration colours, written as a JSON object in configuration order.
#[derive(Debug)]
pub(crate) struct Colours(pub Vec<(String, String)>);

impl Serialize for Colours {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let mut map = serializer.serialize_map(Some(self.0.len()))?;
        for (name, colour) in &self.0 {
            map.serialize_entry(name, colour)?;
        }
        map.end()
    }
}

/// `manifest.json`: the one output that may differ between equivalent runs
/// (threads, shard, elapsed time).
#[derive(Debug, Serialize)]
pub(crate) struct Manifest {
    pub mlgov_version: &'static str,
    pub scenario: String,
    pub identity: String,
    pub seed: u64,
    pub replications: u64,
    pub months: u32,
    pub configurations: Vec<String>,
    pub baseline: String,
    pub observables: Vec<String>,
    pub final_metrics: Vec<String>,
    pub final_metric_kinds: Vec<&'static str>,
    pub observable_kinds: Vec<String>,
    /// Each configuration's colour on the charts, in configuration order,
    /// when the caller gave a [`super::Colouring`].
    #[serde(skip_serializing_if = "Option::is_none")]
    pub colours: Option<Colours>,
    pub threads: Option<usize>,
    pub shard: Option<String>,
    pub elapsed_seconds: f64,
    pub runs_ok: u64,
    pub runs_failed: u64,
    pub quantile_method: String,
}

impl Manifest {
    pub fn new(
        info: &Info,
        agg: &Aggregate,
        threads: Option<usize>,
        elapsed: f64,
        colours: Option<super::Colouring>,
    ) -> Self {
        Manifest {
            mlgov_version: env!("CARGO_PKG_VERSION"),
            scenario: info.scenario.clone(),
            identity: info.identity.clone(),
            seed: info.seed,
            replications: info.replications,
            months: info.months,
            configurations: info.configurations.clone(),
            baseline: info.configurations[info.baseline].clone(),
            observables: info.observables.clone(),
            final_metrics: info.final_metrics.clone(),
            final_metric_kinds: info.final_kinds.iter().map(|k| k.name()).collect(),
            observable_kinds: info.observable_kinds.iter().map(|k| k.name()).collect(),
            colours: colours.map(|colouring| {
                Colours(colouring(
                    &info.configurations,
                    Some(info.configurations[info.baseline].as_str()),
                ))
            }),
            threads,
            shard: info.shard.map(|s| s.to_string()),
            elapsed_seconds: (elapsed * 1000.0).round() / 1000.0,
            runs_ok: agg.runs_ok(),
            runs_failed: agg.runs_failed(),
            quantile_method: quantile_method(),
        }
    }

    /// Writes the manifest atomically; call it last.
    pub fn write(&self, dir: &Path) -> Result<PathBuf, ExperimentError> {
        let path = dir.join(MANIFEST);
        let mut text = serde_json::to_string_pretty(self)
            .map_err(|e| ExperimentError::io(&path, "encode")(e.into()))?;
        text.push('\n');
        write_atomic(&path, text.as_bytes(), false)?;
        Ok(path)
    }
}
