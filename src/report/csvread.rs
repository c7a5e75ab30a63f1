//! A small, strict CSV reader: columns are found by header name (order does
//! not matter, extra columns are ignored), and every problem is reported with
//! the file and the line it was found on.

use super::ReportError;
use std::collections::HashMap;
use std::path::{Path, PathBuf};

/// One data line of a CSV file, with access to its cells by column name.
pub(crate) struct Row<'a> {
    path: &'a Path,
    line: u64,
    record: &'a csv::StringRecord,
    columns: &'a HashMap<String, usize>,
}

impl Row<'_> {
    /// The 1-based line number of this row in its file.
    pub(crate) fn line(&self) -> u64 {
        self.line
    }

    /// An error that points at this row.
    pub(crate) fn error(&self, message: impl Into<String>) -> ReportError {
        ReportError::BadLine {
            path: self.path.to_path_buf(),
            line: self.line,
            message: message.into(),
        }
    }

    /// The raw (trimmed) text of a column; the column must have been checked
    /// to exist with [`read_csv`]'s `required` list or [`Row::has`].
    pub(crate) fn text(&self, column: &str) -> &str {
        self.columns
            .get(column)
            .and_then(|&i| self.record.get(i))
            .unwrap_or("")
    }

    /// Whether the file has this column at all.
    pub(crate) fn has(&self, column: &str) -> bool {
        self.columns.contains_key(column)
    }

    /// A non-empty text cell.
    pub(crate) fn name(&self, column: &str) -> Result<String, ReportError> {
        let text = self.text(column);
        if text.is_empty() {
            return Err(self.error(format!("column `{column}` is empty")));
        }
        Ok(text.to_string())
    }

    /// An optional number: an empty cell, `NA` or a non-finite value (`NaN`,
    /// `inf`) means "no value"; anything else that does not parse is an error.
    pub(crate) fn number(&self, column: &str) -> Result<Option<f64>, ReportError> {
        let text = self.text(column);
        if text.is_empty() || text.eq_ignore_ascii_case("na") {
            return Ok(None);
        }
        match text.parse::<f64>() {
            Ok(v) if v.is_finite() => Ok(Some(v)),
            Ok(_) => Ok(None),
            Err(_) => Err(self.error(format!("column `{column}`: `{text}` is not a number"))),
        }
    }

    /// A required non-negative whole number (a count or a month).
    pub(crate) fn count(&self, column: &str) -> Result<u64, ReportError> {
        let text = self.text(column);
        if text.is_empty() {
            return Err(self.error(format!("column `{column}` is empty")));
        }
        text.parse::<u64>()
            .map_err(|_| self.error(format!("column `{column}`: `{text}` is not a whole number")))
    }
}

/// Reads `path` as CSV with a header line, checks that the `required`
/// columns exist, and calls `each` for every data row. Returns the number of
/// data rows.
pub(crate) fn read_csv(
    path: &Path,
    required: &[&str],
    mut each: impl FnMut(&Row<'_>) -> Result<(), ReportError>,
) -> Result<usize, ReportError> {
    let bytes = crate::input::read_regular(path).map_err(|e| ReportError::io(path, e))?;
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(&bytes);
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(true)
        .flexible(false)
        .trim(csv::Trim::All)
        .from_reader(bytes);
    let headers = reader.headers().map_err(|e| csv_error(path, &e))?.clone();
    let mut columns = HashMap::new();
    for (i, name) in headers.iter().enumerate() {
        columns.entry(name.to_string()).or_insert(i);
    }
    for column in required {
        if !columns.contains_key(*column) {
            return Err(ReportError::MissingColumn {
                path: path.to_path_buf(),
                column: (*column).to_string(),
            });
        }
    }
    let mut record = csv::StringRecord::new();
    let mut rows = 0;
    loop {
        match reader.read_record(&mut record) {
            Ok(false) => break,
            Ok(true) => {}
            Err(e) => return Err(csv_error(path, &e)),
        }
        // A blank line is skipped by the csv crate; a line that is all
        // empty cells is not data either.
        if record.iter().all(str::is_empty) {
            continue;
        }
        let line = record.position().map_or(0, |p| p.line());
        let row = Row {
            path,
            line,
            record: &record,
            columns: &columns,
        };
        each(&row)?;
        rows += 1;
    }
    Ok(rows)
}

/// Turns a csv crate error into a [`ReportError`] that names file and line.
fn csv_error(path: &Path, err: &csv::Error) -> ReportError {
    let path: PathBuf = path.to_path_buf();
    let line = err.position().map_or(0, |p| p.line());
    let message = match err.kind() {
        csv::ErrorKind::UnequalLengths {
            expected_len, len, ..
        } => format!("expected {expected_len} fields (as in the header), found {len}"),
        csv::ErrorKind::Utf8 { .. } => "the text is not valid UTF-8".to_string(),
        _ => err.to_string(),
    };
    if line == 0 {
        return ReportError::BadFile {
            path,
            message: format!("cannot be read as CSV: {message}"),
        };
    }
    ReportError::BadLine {
        path,
        line,
        message,
    }
}
