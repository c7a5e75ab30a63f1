//! Errors of the report (chart) layer.
//!
//! Every error that comes from user input names the file and, where there is
//! one, the line, so that `mlgov plot` can tell the user exactly what to fix.

use std::path::PathBuf;

/// What can go wrong while reading a results directory or drawing its charts.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ReportError {
    /// A file that the charts need is not there.
    #[error("{}: file not found (is this a results directory written by `mlgov run`?)", path.display())]
    MissingFile {
        /// The file that was expected.
        path: PathBuf,
    },
    /// The file could not be read or written.
    #[error("{}: {source}", path.display())]
    Io {
        /// The file concerned.
        path: PathBuf,
        /// The underlying I/O error.
        #[source]
        source: std::io::Error,
    },
    /// A CSV file lacks a column that the charts need.
    #[error("{}: line 1 (header): missing column `{column}`", path.display())]
    MissingColumn {
        /// The CSV file.
        path: PathBuf,
        /// The name of the missing column.
        column: String,
    },
    /// A line of a CSV file is malformed (wrong number of fields, a cell that
    /// is not a number, an empty required cell, invalid UTF-8, ...).
    #[error("{}: line {line}: {message}", path.display())]
    BadLine {
        /// The CSV file.
        path: PathBuf,
        /// The 1-based line number in the file.
        line: u64,
        /// What is wrong with it.
        message: String,
    },
    /// A file cannot be used as a whole: `manifest.json` that is not valid
    /// JSON or has fields of the wrong type, a CSV file with no readable header.
    #[error("{}: {message}", path.display())]
    BadFile {
        /// The file concerned.
        path: PathBuf,
        /// What is wrong with it.
        message: String,
    },
    /// A file is readable but holds no data rows.
    #[error("{}: no data rows", path.display())]
    Empty {
        /// The empty file.
        path: PathBuf,
    },
    /// The metric asked for (e.g. with `--metric`) is not among the final
    /// metrics of `summary.csv`.
    #[error("unknown metric `{metric}`; available final metrics: {}", available.join(", "))]
    UnknownMetric {
        /// The metric asked for.
        metric: String,
        /// The final metrics that are available.
        available: Vec<String>,
    },
    /// The plotting library failed while drawing a chart.
    #[error("drawing {chart}: {message}")]
    Draw {
        /// The file stem of the chart being drawn.
        chart: String,
        /// The message of the drawing backend.
        message: String,
    },
}

impl ReportError {
    /// Wraps an I/O error, turning "not found" into [`ReportError::MissingFile`].
    pub(crate) fn io(path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        let path = path.into();
        if source.kind() == std::io::ErrorKind::NotFound {
            ReportError::MissingFile { path }
        } else {
            ReportError::Io { path, source }
        }
    }
}
