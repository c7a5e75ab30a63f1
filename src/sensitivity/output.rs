//! `DIR/sensitivity.csv`: one row per (metric, parameter), read by the chart
//! module to draw the importance bars.
//!
//! Columns, exactly:
//!
//! - Morris: `method,metric,parameter,mu,mu_star,sigma`
//! - Sobol': `method,metric,parameter,s1,s1_low,s1_high,st,st_low,st_high`
//!
//! Rows come metric by metric in output order, parameters in problem order;
//! sorting by importance is the reader's business. Numbers use Rust's `{}`
//! formatting of `f64` (shortest text that reads back to the same value, `NaN`
//! for undefined indices), so equal results give equal bytes. The file is
//! written to a temporary name in the same directory and renamed into place,
//! so a reader never sees half a file.

use super::{MorrisResult, SensitivityError, SobolResult};
use std::path::{Path, PathBuf};

/// File name of the sensitivity table inside the output directory.
pub const SENSITIVITY_CSV: &str = "sensitivity.csv";

/// Writes a Morris result to `dir/sensitivity.csv` (creating `dir` if needed)
/// and returns the file's path.
pub fn write_morris_csv(dir: &Path, result: &MorrisResult) -> Result<PathBuf, SensitivityError> {
    let mut rows = vec![fields(&[
        "method",
        "metric",
        "parameter",
        "mu",
        "mu_star",
        "sigma",
    ])];
    for (metric, per_param) in result.outputs.iter().zip(&result.indices) {
        for (parameter, m) in result.parameters.iter().zip(per_param) {
            rows.push(vec![
                "morris".into(),
                metric.clone(),
                parameter.clone(),
                m.mu.to_string(),
                m.mu_star.to_string(),
                m.sigma.to_string(),
            ]);
        }
    }
    write_atomically(dir, &rows)
}

/// Writes a Sobol' result to `dir/sensitivity.csv` (creating `dir` if needed)
/// and returns the file's path.
pub fn write_sobol_csv(dir: &Path, result: &SobolResult) -> Result<PathBuf, SensitivityError> {
    let mut rows = vec![fields(&[
        "method",
        "metric",
        "parameter",
        "s1",
        "s1_low",
        "s1_high",
        "st",
        "st_low",
        "st_high",
    ])];
    for (metric, per_param) in result.outputs.iter().zip(&result.indices) {
        for (parameter, s) in result.parameters.iter().zip(per_param) {
            rows.push(vec![
                "sobol".into(),
                metric.clone(),
                parameter.clone(),
                s.s1.to_string(),
                s.s1_low.to_string(),
                s.s1_high.to_string(),
                s.st.to_string(),
                s.st_low.to_string(),
                s.st_high.to_string(),
            ]);
        }
    }
    write_atomically(dir, &rows)
}

fn fields(names: &[&str]) -> Vec<String> {
    names.iter().map(|s| s.to_string()).collect()
}

/// CSV-encodes `rows` (quoting names that need it) into a temporary file next
/// to the target, flushes it to disk and renames it over the target.
fn write_atomically(dir: &Path, rows: &[Vec<String>]) -> Result<PathBuf, SensitivityError> {
    let path = dir.join(SENSITIVITY_CSV);
    let io = |path: &Path| {
        let path = path.to_path_buf();
        move |source| SensitivityError::Io { path, source }
    };
    std::fs::create_dir_all(dir).map_err(io(dir))?;
    let mut encoder = csv::Writer::from_writer(Vec::new());
    for row in rows {
        encoder
            .write_record(row)
            .map_err(|e| SensitivityError::Io {
                path: path.clone(),
                source: e.into(),
            })?;
    }
    let bytes = encoder.into_inner().map_err(|e| SensitivityError::Io {
        path: path.clone(),
        source: e.into_error(),
    })?;
    match crate::atomic::replace(&path, &bytes, true) {
        Ok(()) => Ok(path),
        Err(e) => Err(SensitivityError::Io {
            path,
            source: e.source,
        }),
    }
}
