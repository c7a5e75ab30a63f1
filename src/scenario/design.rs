//! External designs: a CSV file whose columns are scenario parameter paths
//! and whose rows are the points to run (`mlgov run SCENARIO --design
//! FILE.csv`), and writing such a file from the scenario's uncertain
//! parameters (`mlgov design`).

use super::check::{Problem, problem};
use super::{Scenario, ScenarioError, ScenarioSpace};
use crate::sensitivity::{
    DESIGN_STREAM, MorrisOptions, SensitivityError, full_factorial_even, latin_hypercube,
    morris_design, saltelli_design, scale_point,
};
use crate::sim::{ParameterSpace, rng_from_seed, stream_seed};
use std::path::Path;

/// The most rows a design file may hold (each row is a configuration).
pub const MAX_DESIGN_ROWS: usize = super::MAX_CONFIGURATIONS;

/// A design: parameter paths and, per row, a value for each.
#[derive(Debug, Clone, PartialEq)]
pub struct Design {
    /// Where it came from (labels errors and the experiment's identity).
    pub file: String,
    /// Parameter paths, in the file's column order.
    pub columns: Vec<String>,
    /// One value per column in each row.
    pub rows: Vec<Vec<f64>>,
    /// FNV-1a 64 of the file's bytes, in hex (part of the experiment's
    /// identity, so `--resume` and `merge` refuse another design).
    pub hash: String,
}

impl Design {
    /// Reads a design file. Every problem of the file's form (empty column
    /// names, repeated columns, rows of the wrong length, cells that are not
    /// finite numbers) is reported at once, naming the row and column; the
    /// columns are checked against a scenario by [`Scenario::with_design`].
    pub fn read(path: &Path) -> Result<Design, ScenarioError> {
        let file = path.display().to_string();
        Self::parse(&read_bytes(path)?, &file)
    }

    /// Reads a design from CSV text; `file` labels the errors.
    pub fn parse(bytes: &[u8], file: &str) -> Result<Design, ScenarioError> {
        let (design, problems) = Self::parse_lenient(bytes, file);
        if problems.is_empty() {
            Ok(design)
        } else {
            Err(ScenarioError {
                file: file.to_string(),
                problems,
            })
        }
    }

    /// Reads a design and lists the problems of its form, going on past
    /// them: a cell that is not a finite number is NaN and a row of the
    /// wrong length is all NaN (so rows keep their numbers), so that the
    /// columns and values can still be checked against a scenario and every
    /// problem reported at once.
    pub(crate) fn parse_lenient(bytes: &[u8], file: &str) -> (Design, Vec<Problem>) {
        let mut design = Design {
            file: file.to_string(),
            columns: Vec::new(),
            rows: Vec::new(),
            hash: format!("{:016x}", super::fnv1a(bytes)),
        };
        let mut problems = Vec::new();
        let mut reader = csv::ReaderBuilder::new()
            .flexible(true)
            .trim(csv::Trim::All)
            .from_reader(bytes);
        let header = match reader.headers() {
            Ok(h) => h.clone(),
            Err(e) => {
                problems.push(problem("", format!("not a CSV file: {e}")));
                return (design, problems);
            }
        };
        let columns: Vec<String> = header.iter().map(String::from).collect();
        if columns.iter().all(String::is_empty) {
            problems.push(problem(
                "",
                "no header: the first line names the parameter paths, one per column",
            ));
            return (design, problems);
        }
        for (j, c) in columns.iter().enumerate() {
            if c.is_empty() {
                problems.push(problem(
                    format!("column {}", j + 1),
                    "has no name (the header names each column's parameter path)",
                ));
            } else if columns[..j].contains(c) {
                problems.push(problem(format!("column `{c}`"), "appears twice"));
            }
        }
        let mut rows = Vec::new();
        for (i, record) in reader.records().enumerate() {
            let at = |j: usize| {
                format!(
                    "row {}, column `{}`",
                    i + 1,
                    columns.get(j).map_or("?", String::as_str)
                )
            };
            let record = match record {
                Ok(r) => r,
                Err(e) => {
                    problems.push(problem(format!("row {}", i + 1), format!("not CSV: {e}")));
                    rows.push(vec![f64::NAN; columns.len()]);
                    continue;
                }
            };
            if record.len() != columns.len() {
                problems.push(problem(
                    format!("row {}", i + 1),
                    format!("{} values, expected {}", record.len(), columns.len()),
                ));
                rows.push(vec![f64::NAN; columns.len()]);
                continue;
            }
            let mut row = Vec::with_capacity(columns.len());
            for (j, cell) in record.iter().enumerate() {
                match cell.parse::<f64>() {
                    Ok(v) if v.is_finite() => row.push(v),
                    _ => {
                        problems.push(problem(at(j), format!("`{cell}` is not a finite number")));
                        row.push(f64::NAN);
                    }
                }
            }
            rows.push(row);
        }
        if rows.is_empty() && problems.is_empty() {
            problems.push(problem("", "no rows: a design needs at least one point"));
        }
        if rows.len() > MAX_DESIGN_ROWS {
            problems.push(problem(
                "",
                format!(
                    "{} rows, more than the limit of {MAX_DESIGN_ROWS} (each row is a configuration)",
                    rows.len()
                ),
            ));
        }
        design.columns = columns;
        design.rows = rows;
        (design, problems)
    }

    /// The design as CSV text: the header of paths, then one line per row
    /// (shortest round-trip decimals).
    pub fn to_csv(&self) -> Vec<u8> {
        let mut w = csv::Writer::from_writer(Vec::new());
        let _ = w.write_record(&self.columns);
        for row in &self.rows {
            let cells: Vec<String> = row.iter().map(|&v| crate::experiment::num(v)).collect();
            let _ = w.write_record(&cells);
        }
        w.into_inner().unwrap_or_default()
    }
}

/// The bytes of a design file, or the problem of reading it.
pub(crate) fn read_bytes(path: &Path) -> Result<Vec<u8>, ScenarioError> {
    crate::input::read_input(path, crate::input::MAX_INPUT_BYTES).map_err(|e| ScenarioError {
        file: path.display().to_string(),
        problems: vec![problem("", format!("cannot read the file: {e}"))],
    })
}

/// How `mlgov design` places its points in the box of the uncertain
/// parameters (each distribution's support, or its central 98% where that is
/// unbounded; see [`ScenarioSpace`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DesignMethod {
    /// A Latin hypercube of `samples` points (McKay, Beckman & Conover 1979).
    Lhs,
    /// Saltelli's design for Sobol' indices: `samples × (k + 2)` points
    /// (the rows SALib's `saltelli`/`sobol` sampler would give, in the same
    /// order: A, the k mixed rows, B per base sample).
    Sobol,
    /// Morris trajectories: `samples × (k + 1)` points on a 4-level grid.
    Morris,
    /// A full factorial of `samples` evenly spaced levels per parameter
    /// (`samples^k` points).
    Factorial,
}

impl std::str::FromStr for DesignMethod {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s {
            "lhs" => Ok(Self::Lhs),
            "sobol" => Ok(Self::Sobol),
            "morris" => Ok(Self::Morris),
            "factorial" => Ok(Self::Factorial),
            other => Err(format!(
                "unknown method `{other}`: use lhs, sobol, morris or factorial"
            )),
        }
    }
}

impl DesignMethod {
    /// How many points `samples` gives for `k` parameters (saturating).
    pub fn points(self, k: usize, samples: usize) -> usize {
        match self {
            Self::Lhs => samples,
            Self::Sobol => samples.saturating_mul(k.saturating_add(2)),
            Self::Morris => samples.saturating_mul(k.saturating_add(1)),
            Self::Factorial => (0..k).fold(1usize, |n, _| n.saturating_mul(samples)),
        }
    }
}

/// A design over the uncertain parameters of configuration `index` of
/// `scenario`: columns are their paths, rows the points of `method` with
/// `samples` (seeded from stream [`DESIGN_STREAM`] of `seed` where random).
/// Refused when there is no uncertain parameter or the design would have
/// more than [`MAX_DESIGN_ROWS`] rows.
pub fn make_design(
    scenario: &Scenario,
    index: usize,
    method: DesignMethod,
    samples: usize,
    seed: u64,
) -> Result<Design, SensitivityError> {
    let space = ScenarioSpace::new(&scenario.configurations()[index]);
    let (names, bounds) = (space.names(), space.bounds());
    let k = names.len();
    if k == 0 {
        return Err(SensitivityError::TooFewParameters { found: 0, min: 1 });
    }
    if samples == 0 {
        return Err(SensitivityError::InvalidOption(
            "--samples must be at least 1".into(),
        ));
    }
    let points = method.points(k, samples);
    if points > MAX_DESIGN_ROWS {
        return Err(SensitivityError::InvalidOption(format!(
            "{method:?} with --samples {samples} and {k} uncertain parameters gives {points} points, \
             more than the limit of {MAX_DESIGN_ROWS} rows of a design (each row is a configuration)"
        )));
    }
    let mut rng = rng_from_seed(stream_seed(seed, DESIGN_STREAM));
    let rows = match method {
        DesignMethod::Lhs => latin_hypercube(&bounds, samples, &mut rng)?,
        DesignMethod::Sobol => saltelli_design(k, samples)?
            .iter()
            .map(|u| scale_point(u, &bounds))
            .collect(),
        DesignMethod::Morris => {
            let opts = MorrisOptions {
                trajectories: samples,
                seed,
                ..MorrisOptions::default()
            };
            morris_design(k, &opts)?
                .points
                .iter()
                .map(|u| scale_point(u, &bounds))
                .collect()
        }
        DesignMethod::Factorial => full_factorial_even(&bounds, samples)?,
    };
    // Keep every value inside its bounds (scaling can round one ulp out).
    let rows = rows
        .into_iter()
        .map(|row| {
            row.iter()
                .zip(&bounds)
                .map(|(&v, &(lo, hi))| v.clamp(lo, hi))
                .collect()
        })
        .collect();
    let mut design = Design {
        file: String::new(),
        columns: names,
        rows,
        hash: String::new(),
    };
    design.hash = format!("{:016x}", super::fnv1a(&design.to_csv()));
    Ok(design)
}
