//! Scenario discovery: which combinations of inputs lead to the outcomes of
//! interest? PRIM ([`prim()`], Friedman & Fisher 1999) on the per-run
//! inputs and final metrics of a results directory (`runs.csv`), as
//! `mlgov discover` runs it (docs/discovery.md).
//!
//! ```
//! use mlgov::discovery::{Column, Input, PrimOptions, prim};
//! // Ten runs; the cases are those with x ≤ 3.
//! let x: Vec<f64> = (1..=10).map(f64::from).collect();
//! let cases: Vec<bool> = x.iter().map(|&v| v <= 3.0).collect();
//! let inputs = [Input { name: "x".into(), column: Column::Numeric(x) }];
//! let options = PrimOptions { alpha: 0.1, ..PrimOptions::default() };
//! let trajectory = prim(&inputs, &cases, &options).unwrap();
//! // Seven peels from the top leave the three cases alone in the box.
//! let b = &trajectory[7];
//! assert_eq!((b.coverage, b.density, b.mass), (1.0, 1.0, 0.3));
//! ```
//!
//! Owns PRIM and reading the runs it works on. Imports only statistics and
//! the input readers: it must not know charts ([`crate::report`] draws its
//! boxes and trade-off from these types) or the model (docs/architecture.md,
//! layer 5).

mod prim;

pub use prim::{Column, Input, Limit, PrimBox, PrimError, PrimOptions, Restriction, paste, prim};

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// Which runs are the cases: a final metric below or above a threshold.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Threshold {
    /// `metric < x`.
    Below(f64),
    /// `metric > x`.
    Above(f64),
}

impl Threshold {
    /// Whether `value` is a case.
    pub fn is_case(self, value: f64) -> bool {
        match self {
            Threshold::Below(x) => value < x,
            Threshold::Above(x) => value > x,
        }
    }

    /// `metric < x` or `metric > x`, for titles and tables.
    pub fn describe(self, metric: &str) -> String {
        match self {
            Threshold::Below(x) => format!("{metric} < {x}"),
            Threshold::Above(x) => format!("{metric} > {x}"),
        }
    }
}

/// The runs of a results directory as PRIM's inputs and cases.
#[derive(Debug, Clone, PartialEq)]
pub struct RunsData {
    /// The inputs that vary between runs.
    pub inputs: Vec<Input>,
    /// Whether each run is a case.
    pub cases: Vec<bool>,
    /// Input columns of `runs.csv` left out, with why.
    pub skipped: Vec<(String, String)>,
    /// Runs left out (failed, or without a value of the metric).
    pub runs_skipped: usize,
}

/// What stops discovery on a results directory.
#[derive(Debug, thiserror::Error)]
pub enum DiscoveryError {
    /// A file cannot be read.
    #[error("cannot read {}: {source}", path.display())]
    Io {
        /// The file.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// A file is not as `mlgov run` writes it.
    #[error("{}: {message}", path.display())]
    BadFile {
        /// The file.
        path: PathBuf,
        /// What is wrong.
        message: String,
    },
    /// The metric asked for is not a final metric of the results.
    #[error("unknown metric `{metric}`; available final metrics: {}", available.join(", "))]
    UnknownMetric {
        /// The metric asked for.
        metric: String,
        /// The final metrics that are.
        available: Vec<String>,
    },
    /// Nothing to search: no usable runs, no inputs that vary, or no cases.
    #[error("{0}")]
    NothingToSearch(String),
    /// The search itself refused its data or settings.
    #[error(transparent)]
    Prim(#[from] PrimError),
}

/// Reads `DIR/manifest.json` and `DIR/runs.csv` and returns the inputs of
/// every run that finished with a value of `metric`, and which are cases.
/// Input columns are those between `reason` and the first final metric
/// (docs/experiments.md); a column is numeric when every value parses as a
/// number, categorical otherwise; columns with one value only, or with
/// empty cells among the runs used, are skipped (and listed).
pub fn load_runs(
    dir: &Path,
    metric: &str,
    threshold: Threshold,
) -> Result<RunsData, DiscoveryError> {
    let manifest = dir.join("manifest.json");
    let text =
        crate::input::read_input(&manifest, crate::input::MAX_INPUT_BYTES).map_err(|source| {
            DiscoveryError::Io {
                path: manifest.clone(),
                source,
            }
        })?;
    let bad = |path: &Path, message: String| DiscoveryError::BadFile {
        path: path.to_path_buf(),
        message,
    };
    let value: serde_json::Value = serde_json::from_slice(&text)
        .map_err(|e| bad(&manifest, format!("line {}: invalid JSON: {e}", e.line())))?;
    let metrics: Vec<String> = value
        .get("final_metrics")
        .and_then(|m| m.as_array())
        .ok_or_else(|| bad(&manifest, "no list `final_metrics`".to_string()))?
        .iter()
        .map(|m| m.as_str().map(str::to_string))
        .collect::<Option<_>>()
        .ok_or_else(|| bad(&manifest, "`final_metrics` must hold strings".to_string()))?;
    if !metrics.iter().any(|m| m == metric) {
        return Err(DiscoveryError::UnknownMetric {
            metric: metric.to_string(),
            available: metrics,
        });
    }
    let runs = dir.join("runs.csv");
    let (file, _) = crate::input::open_regular(&runs).map_err(|source| DiscoveryError::Io {
        path: runs.clone(),
        source,
    })?;
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(true)
        .from_reader(file);
    let header: Vec<String> = reader
        .headers()
        .map_err(|e| bad(&runs, format!("header: {e}")))?
        .iter()
        .map(str::to_string)
        .collect();
    let position = |name: &str| header.iter().position(|h| h == name);
    let (Some(status), Some(reason)) = (position("status"), position("reason")) else {
        return Err(bad(
            &runs,
            "no `status` and `reason` columns (not written by mlgov run?)".to_string(),
        ));
    };
    let Some(target) = position(metric) else {
        return Err(bad(&runs, format!("no column `{metric}`")));
    };
    let first_metric = header
        .iter()
        .position(|h| metrics.contains(h))
        .unwrap_or(header.len());
    let input_columns: Vec<usize> = (reason + 1..first_metric).collect();
    let mut cells: Vec<Vec<String>> = vec![Vec::new(); input_columns.len()];
    let mut cases = Vec::new();
    let mut runs_skipped = 0;
    for (line, record) in reader.records().enumerate() {
        let record = record.map_err(|e| bad(&runs, format!("line {}: {e}", line + 2)))?;
        if record.len() != header.len() {
            return Err(bad(
                &runs,
                format!(
                    "line {}: {} fields, the header has {}",
                    line + 2,
                    record.len(),
                    header.len()
                ),
            ));
        }
        let value = record[target].trim();
        if &record[status] != "ok" || value.is_empty() {
            runs_skipped += 1;
            continue;
        }
        let v: f64 = value.parse().map_err(|_| {
            bad(
                &runs,
                format!("line {}: `{metric}` is not a number: {value}", line + 2),
            )
        })?;
        cases.push(threshold.is_case(v));
        for (k, &c) in input_columns.iter().enumerate() {
            cells[k].push(record[c].to_string());
        }
    }
    if cases.is_empty() {
        return Err(DiscoveryError::NothingToSearch(format!(
            "{}: no finished run has a value of `{metric}`",
            runs.display()
        )));
    }
    let mut inputs = Vec::new();
    let mut skipped = Vec::new();
    for (k, &c) in input_columns.iter().enumerate() {
        let name = header[c].clone();
        if name == "design_row" {
            // The row number of a design run with `--design`: a label, not
            // an input (the design's own columns follow it).
            skipped.push((name, "the row number of a design".to_string()));
            continue;
        }
        let values = &cells[k];
        if values.iter().any(|v| v.is_empty()) {
            skipped.push((name, "empty in some runs".to_string()));
            continue;
        }
        let numbers: Option<Vec<f64>> = values
            .iter()
            .map(|v| v.parse::<f64>().ok().filter(|x| x.is_finite()))
            .collect();
        let column = match numbers {
            Some(xs) => {
                if xs.iter().all(|&x| x == xs[0]) {
                    skipped.push((name, "the same in every run".to_string()));
                    continue;
                }
                Column::Numeric(xs)
            }
            None => {
                let mut index: BTreeMap<&str, usize> = BTreeMap::new();
                let mut levels = Vec::new();
                let mut codes = Vec::with_capacity(values.len());
                for v in values {
                    let next = levels.len();
                    let code = *index.entry(v.as_str()).or_insert_with(|| {
                        levels.push(v.clone());
                        next
                    });
                    codes.push(code);
                }
                if levels.len() < 2 {
                    skipped.push((name, "the same in every run".to_string()));
                    continue;
                }
                Column::Categorical { codes, levels }
            }
        };
        inputs.push(Input { name, column });
    }
    if inputs.is_empty() {
        return Err(DiscoveryError::NothingToSearch(format!(
            "{}: no input varies between runs (run a scenario with uncertain parameters, \
             assignments, variants or a grid)",
            runs.display()
        )));
    }
    Ok(RunsData {
        inputs,
        cases,
        skipped,
        runs_skipped,
    })
}

/// The box a user most likely wants when none is named: the densest box on
/// the trajectory whose coverage is at least `min_coverage` (ties: the
/// higher coverage, then the earlier box). Box 0 always qualifies.
pub fn choose_box(trajectory: &[PrimBox], min_coverage: f64) -> usize {
    let mut best = 0;
    for (i, b) in trajectory.iter().enumerate() {
        if b.coverage + 1e-12 < min_coverage {
            continue;
        }
        let current = &trajectory[best];
        if b.density > current.density
            || (b.density == current.density && b.coverage > current.coverage)
        {
            best = i;
        }
    }
    best
}

/// Header of `discovery.csv`: one row per restricted input of each box on
/// the trajectory (one row with empty limits for a box without any).
pub const TRAJECTORY_COLUMNS: [&str; 13] = [
    "box",
    "chosen",
    "coverage",
    "density",
    "mass",
    "runs",
    "cases",
    "restricted",
    "input",
    "lower",
    "upper",
    "categories",
    "quasi_p",
];

/// Header of `boxes.csv`: the chosen box after pasting, one row per
/// restricted input, with the input's range over all runs.
pub const BOX_COLUMNS: [&str; 16] = [
    "box",
    "coverage",
    "density",
    "mass",
    "runs",
    "cases",
    "input",
    "lower",
    "upper",
    "categories",
    "lower_restricted",
    "upper_restricted",
    "quasi_p_lower",
    "quasi_p_upper",
    "range_low",
    "range_high",
];

/// A number as written to the CSV files: the shortest text that reads back
/// as the same `f64`, in exponent form below 10⁻⁴ (quasi-p-values can be
/// tiny).
fn number(v: f64) -> String {
    if v != 0.0 && v.abs() < 1e-4 {
        format!("{v:e}")
    } else {
        format!("{v}")
    }
}

fn opt(v: Option<f64>) -> String {
    v.map(number).unwrap_or_default()
}

/// The limits of a restriction as (lower, upper, categories) cells.
fn limit_cells(r: &Restriction) -> [String; 3] {
    match &r.limit {
        Limit::Range { lower, upper } => [
            if r.lower_restricted {
                number(*lower)
            } else {
                String::new()
            },
            if r.upper_restricted {
                number(*upper)
            } else {
                String::new()
            },
            String::new(),
        ],
        Limit::Categories(c) => [String::new(), String::new(), c.join("|")],
    }
}

/// `discovery.csv` as text.
pub fn trajectory_csv(trajectory: &[PrimBox], chosen: usize) -> String {
    let mut w = csv::Writer::from_writer(Vec::new());
    let _ = w.write_record(TRAJECTORY_COLUMNS);
    for (i, b) in trajectory.iter().enumerate() {
        let head = [
            i.to_string(),
            if i == chosen { "yes" } else { "" }.to_string(),
            number(b.coverage),
            number(b.density),
            number(b.mass),
            b.runs.to_string(),
            b.cases.to_string(),
            b.restrictions.len().to_string(),
        ];
        if b.restrictions.is_empty() {
            let mut row = head.to_vec();
            row.extend(std::iter::repeat_n(String::new(), 5));
            let _ = w.write_record(&row);
        }
        for r in &b.restrictions {
            let mut row = head.to_vec();
            row.push(r.name.clone());
            row.extend(limit_cells(r));
            // The smaller quasi-p-value of the input's limits: the input's
            // own contribution is at least as strong as its stronger side.
            let p = match (r.quasi_p_lower, r.quasi_p_upper) {
                (Some(a), Some(b)) => Some(a.min(b)),
                (a, b) => a.or(b),
            };
            row.push(opt(p));
            let _ = w.write_record(&row);
        }
    }
    String::from_utf8(w.into_inner().unwrap_or_default()).unwrap_or_default()
}

/// `boxes.csv` as text, for the pasted chosen box `b` (number `index`).
pub fn box_csv(inputs: &[Input], b: &PrimBox, index: usize) -> String {
    let mut w = csv::Writer::from_writer(Vec::new());
    let _ = w.write_record(BOX_COLUMNS);
    let head = [
        index.to_string(),
        number(b.coverage),
        number(b.density),
        number(b.mass),
        b.runs.to_string(),
        b.cases.to_string(),
    ];
    for r in &b.restrictions {
        let (lo, hi) = match &inputs[r.input].column {
            Column::Numeric(v) => {
                let lo = v.iter().copied().fold(f64::INFINITY, f64::min);
                let hi = v.iter().copied().fold(f64::NEG_INFINITY, f64::max);
                (number(lo), number(hi))
            }
            Column::Categorical { .. } => (String::new(), String::new()),
        };
        let mut row = head.to_vec();
        row.push(r.name.clone());
        row.extend(limit_cells(r));
        row.push(r.lower_restricted.to_string());
        row.push(r.upper_restricted.to_string());
        row.push(opt(r.quasi_p_lower));
        row.push(opt(r.quasi_p_upper));
        row.push(lo);
        row.push(hi);
        let _ = w.write_record(&row);
    }
    String::from_utf8(w.into_inner().unwrap_or_default()).unwrap_or_default()
}

#[cfg(test)]
mod tests;
