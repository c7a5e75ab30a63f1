//! Parquet copies of the result tables (`mlgov run --format parquet`).
//!
//! Each table is converted from its CSV file once the run (or the merge) is
//! complete, streamed in row groups of at most [`ROW_GROUP_ROWS`] rows, so
//! memory stays bounded whatever the number of runs. The CSV files remain
//! the engine's checkpointed record (what `--resume` and `mlgov merge`
//! verify and what the other commands read); since they are byte-identical
//! for any threads, shards and resumes, and the conversion depends only on
//! their bytes, so are the Parquet files.
//!
//! Columns are typed: whole numbers (replications, months, counts of runs,
//! 0/1 outcomes, count and category observables) as `INT64`, the seed as
//! `INT64` with the unsigned 64-bit integer logical type (`UINT64`), other
//! numbers as `DOUBLE`, text as UTF-8 strings. Every column is optional: an
//! empty CSV cell is a null. Pages are Snappy-compressed.

use super::ExperimentError;
use super::finals::TIME_TO_EVENT_COLUMNS;
use super::output::{
    COMPARISON_COLUMNS, COMPARISONS, RUN_COLUMNS, RUN_TRAJECTORIES, RUNS, SUMMARY, SUMMARY_COLUMNS,
    TIME_TO_EVENT, TRAJECTORIES, TRAJECTORY_COLUMNS, run_trajectory_columns, runs_columns,
};
use super::state::Info;
use crate::sim::MetricKind;
use parquet::basic::{Compression, IntType, LogicalType, Repetition, Type as PhysicalType};
use parquet::data_type::{ByteArray, ByteArrayType, DoubleType, Int64Type};
use parquet::file::properties::WriterProperties;
use parquet::file::writer::SerializedFileWriter;
use parquet::schema::types::Type;
use serde::{Deserialize, Serialize};
use std::fs;
use std::io::Read;
use std::path::Path;
use std::sync::Arc;

/// The most rows of one Parquet row group (and so the most rows held in
/// memory while a table is converted).
pub const ROW_GROUP_ROWS: usize = 16_384;

/// `runs.csv` as Parquet.
pub const RUNS_PARQUET: &str = "runs.parquet";
/// `summary.csv` as Parquet.
pub const SUMMARY_PARQUET: &str = "summary.parquet";
/// `comparisons.csv` as Parquet.
pub const COMPARISONS_PARQUET: &str = "comparisons.parquet";
/// `trajectories.csv` as Parquet.
pub const TRAJECTORIES_PARQUET: &str = "trajectories.parquet";
/// `time_to_event.csv` as Parquet.
pub const TIME_TO_EVENT_PARQUET: &str = "time_to_event.parquet";
/// `run_trajectories.csv.gz` as Parquet.
pub const RUN_TRAJECTORIES_PARQUET: &str = "run_trajectories.parquet";

/// Every Parquet file an experiment may write, after the CSV file it copies.
pub(crate) const PARQUET_FILES: [(&str, &str); 6] = [
    (RUNS, RUNS_PARQUET),
    (SUMMARY, SUMMARY_PARQUET),
    (COMPARISONS, COMPARISONS_PARQUET),
    (TRAJECTORIES, TRAJECTORIES_PARQUET),
    (TIME_TO_EVENT, TIME_TO_EVENT_PARQUET),
    (RUN_TRAJECTORIES, RUN_TRAJECTORIES_PARQUET),
];

/// The formats of the result tables.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum OutputFormat {
    /// CSV only (the default).
    #[default]
    Csv,
    /// The CSV tables and a typed Parquet copy of each.
    Parquet,
}

impl OutputFormat {
    /// `csv` or `parquet`.
    pub fn name(self) -> &'static str {
        match self {
            OutputFormat::Csv => "csv",
            OutputFormat::Parquet => "parquet",
        }
    }
}

impl std::fmt::Display for OutputFormat {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

impl std::str::FromStr for OutputFormat {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s {
            "csv" => Ok(OutputFormat::Csv),
            "parquet" => Ok(OutputFormat::Parquet),
            _ => Err(format!("`{s}` is not an output format: use csv or parquet")),
        }
    }
}

/// The type of a Parquet column.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ColumnType {
    /// A UTF-8 string.
    Text,
    /// A signed 64-bit integer.
    Int,
    /// An unsigned 64-bit integer (stored as `INT64`, annotated unsigned).
    UInt,
    /// A 64-bit float.
    Float,
}

/// The typed columns of `runs.csv`/`runs.parquet`: an input column is a
/// number when every one of its cells is empty or a number (`numeric`),
/// text otherwise; a 0/1 outcome is an integer.
fn runs_types(info: &Info, numeric: &[bool]) -> Vec<(String, ColumnType)> {
    use ColumnType::*;
    let head = [Text, Int, UInt, Text, Text];
    let inputs = numeric.iter().map(|&n| if n { Float } else { Text });
    let finals = info.final_kinds.iter().map(|k| match k {
        MetricKind::Proportion => Int,
        _ => Float,
    });
    runs_columns(&info.inputs, &info.final_metrics)
        .into_iter()
        .zip(head.into_iter().chain(inputs).chain(finals))
        .collect()
}

/// The typed columns of `run_trajectories`: counts and category codes are
/// integers.
fn run_trajectory_types(info: &Info) -> Vec<(String, ColumnType)> {
    use ColumnType::*;
    let head = [Text, Int, Int];
    let obs = info
        .observable_kinds
        .iter()
        .map(|k| if k.is_discrete() { Int } else { Float });
    run_trajectory_columns(&info.observables)
        .into_iter()
        .zip(head.into_iter().chain(obs))
        .collect()
}

/// Types a fixed table: the named columns are text or integers, the rest
/// numbers.
fn fixed_types(columns: &[&str], text: &[&str], int: &[&str]) -> Vec<(String, ColumnType)> {
    columns
        .iter()
        .map(|c| {
            let t = if text.contains(c) {
                ColumnType::Text
            } else if int.contains(c) {
                ColumnType::Int
            } else {
                ColumnType::Float
            };
            (c.to_string(), t)
        })
        .collect()
}

/// The typed columns of every table, by CSV file name (`numeric`: which
/// input columns of `runs.csv` are numbers).
fn table_types(name: &str, info: &Info, numeric: &[bool]) -> Vec<(String, ColumnType)> {
    let labels = ["configuration", "baseline", "metric", "kind", "interval"];
    match name {
        RUNS => runs_types(info, numeric),
        RUN_TRAJECTORIES => run_trajectory_types(info),
        SUMMARY => fixed_types(
            &SUMMARY_COLUMNS,
            &[&labels[..], &["note", "typology"]].concat(),
            &["n"],
        ),
        COMPARISONS => fixed_types(&COMPARISON_COLUMNS, &labels, &["n"]),
        TRAJECTORIES => fixed_types(&TRAJECTORY_COLUMNS, &labels, &["month"]),
        _ => fixed_types(
            &TIME_TO_EVENT_COLUMNS,
            &[&labels[..], &["note"]].concat(),
            &["n", "events", "horizon"],
        ),
    }
}

/// Writes the Parquet copy of every table present in `dir`.
pub(crate) fn write_parquet(dir: &Path, info: &Info) -> Result<(), ExperimentError> {
    let numeric = numeric_inputs(&dir.join(RUNS), info)?;
    for (csv_name, parquet_name) in PARQUET_FILES {
        let source = dir.join(csv_name);
        if csv_name == RUN_TRAJECTORIES && !info.save_trajectories
            || csv_name == TIME_TO_EVENT && !source.exists()
        {
            continue;
        }
        let (file, _) =
            crate::input::open_regular(&source).map_err(ExperimentError::io(&source, "open"))?;
        let reader: Box<dyn Read> = if csv_name == RUN_TRAJECTORIES {
            Box::new(flate2::read::MultiGzDecoder::new(std::io::BufReader::new(
                file,
            )))
        } else {
            Box::new(file)
        };
        let types = table_types(csv_name, info, &numeric);
        convert(reader, &source, &dir.join(parquet_name), &types)?;
    }
    Ok(())
}

/// Which input columns of `runs.csv` hold only numbers (or empty cells).
fn numeric_inputs(path: &Path, info: &Info) -> Result<Vec<bool>, ExperimentError> {
    let mut numeric = vec![true; info.inputs.len()];
    if numeric.is_empty() {
        return Ok(numeric);
    }
    let (file, _) = crate::input::open_regular(path).map_err(ExperimentError::io(path, "open"))?;
    let mut reader = csv::Reader::from_reader(file);
    let mut record = csv::StringRecord::new();
    let first = RUN_COLUMNS.len();
    while reader
        .read_record(&mut record)
        .map_err(ExperimentError::csv(path))?
    {
        for (i, n) in numeric.iter_mut().enumerate() {
            let cell = record.get(first + i).unwrap_or("");
            if *n && !cell.is_empty() && cell.parse::<f64>().is_err() {
                *n = false;
            }
        }
    }
    Ok(numeric)
}

/// One column's values of the row group being gathered.
enum Values {
    Text(Vec<ByteArray>),
    Int(Vec<i64>),
    Float(Vec<f64>),
}

struct Column {
    ty: ColumnType,
    values: Values,
    /// Definition levels: 1 for a value, 0 for a null.
    defs: Vec<i16>,
}

impl Column {
    fn new(ty: ColumnType) -> Self {
        let values = match ty {
            ColumnType::Text => Values::Text(Vec::new()),
            ColumnType::Int | ColumnType::UInt => Values::Int(Vec::new()),
            ColumnType::Float => Values::Float(Vec::new()),
        };
        Column {
            ty,
            values,
            defs: Vec::new(),
        }
    }

    fn push(&mut self, cell: &str) -> Result<(), String> {
        if cell.is_empty() {
            self.defs.push(0);
            return Ok(());
        }
        match &mut self.values {
            Values::Text(v) => v.push(ByteArray::from(cell)),
            // A seed (`x` and 16 hexadecimal digits in the CSV, see
            // `seed_text`), stored as the unsigned value's bits, as Parquet
            // stores UINT64.
            Values::Int(v) if self.ty == ColumnType::UInt => v.push(
                crate::sim::parse_seed(cell)
                    .ok_or_else(|| format!("`{cell}` is not an unsigned 64-bit integer"))?
                    as i64,
            ),
            Values::Int(v) => v.push(
                cell.parse::<i64>()
                    .map_err(|_| format!("`{cell}` is not a whole number"))?,
            ),
            Values::Float(v) => v.push(
                cell.parse::<f64>()
                    .map_err(|_| format!("`{cell}` is not a number"))?,
            ),
        }
        self.defs.push(1);
        Ok(())
    }

    fn write(
        &mut self,
        w: &mut parquet::file::writer::SerializedColumnWriter<'_>,
    ) -> parquet::errors::Result<()> {
        let defs = Some(&self.defs[..]);
        match &mut self.values {
            Values::Text(v) => {
                w.typed::<ByteArrayType>().write_batch(v, defs, None)?;
                v.clear();
            }
            Values::Int(v) => {
                w.typed::<Int64Type>().write_batch(v, defs, None)?;
                v.clear();
            }
            Values::Float(v) => {
                w.typed::<DoubleType>().write_batch(v, defs, None)?;
                v.clear();
            }
        }
        self.defs.clear();
        Ok(())
    }
}

/// Writes the gathered rows as one row group and empties the buffers.
fn write_group(
    buffers: &mut [Column],
    writer: &mut SerializedFileWriter<&mut fs::File>,
) -> parquet::errors::Result<()> {
    let mut group = writer.next_row_group()?;
    let mut i = 0;
    while let Some(mut column) = group.next_column()? {
        buffers[i].write(&mut column)?;
        column.close()?;
        i += 1;
    }
    group.close()?;
    Ok(())
}

/// The Parquet schema of `columns`.
fn schema(columns: &[(String, ColumnType)]) -> parquet::errors::Result<Type> {
    let fields = columns
        .iter()
        .map(|(name, ty)| {
            let (physical, logical) = match ty {
                ColumnType::Text => (PhysicalType::BYTE_ARRAY, Some(LogicalType::String)),
                ColumnType::Int => (PhysicalType::INT64, None),
                ColumnType::UInt => (
                    PhysicalType::INT64,
                    Some(LogicalType::Integer(IntType {
                        bit_width: 64,
                        is_signed: false,
                    })),
                ),
                ColumnType::Float => (PhysicalType::DOUBLE, None),
            };
            Type::primitive_type_builder(name, physical)
                .with_repetition(Repetition::OPTIONAL)
                .with_logical_type(logical)
                .build()
                .map(Arc::new)
        })
        .collect::<parquet::errors::Result<Vec<_>>>()?;
    Type::group_type_builder("mlgov")
        .with_fields(fields)
        .build()
}

/// Streams the CSV table read from `reader` (from `source`, header = the
/// names of `columns`) into the Parquet file `path`, written to a
/// temporary file beside it and renamed into place ([`crate::atomic`]): an
/// error on the way leaves no partial file behind.
fn convert(
    reader: impl Read,
    source: &Path,
    path: &Path,
    columns: &[(String, ColumnType)],
) -> Result<(), ExperimentError> {
    let damaged = |problem: String| ExperimentError::Damaged {
        path: source.to_path_buf(),
        problem,
    };
    let failed = |e: parquet::errors::ParquetError| {
        ExperimentError::io(path, "write Parquet")(std::io::Error::other(e.to_string()))
    };

    let mut reader = csv::Reader::from_reader(reader);
    let header = reader.headers().map_err(ExperimentError::csv(source))?;
    if !header.iter().eq(columns.iter().map(|(n, _)| n.as_str())) {
        return Err(damaged(format!(
            "its header `{}` is not the expected `{}`",
            header.iter().collect::<Vec<_>>().join(","),
            columns
                .iter()
                .map(|(n, _)| n.as_str())
                .collect::<Vec<_>>()
                .join(",")
        )));
    }
    let schema = Arc::new(schema(columns).map_err(failed)?);
    let props = Arc::new(
        WriterProperties::builder()
            .set_compression(Compression::SNAPPY)
            .set_created_by(format!("mlgov {}", env!("CARGO_PKG_VERSION")))
            .build(),
    );
    let mut replacement = crate::atomic::Replacement::new(path).map_err(ExperimentError::atomic)?;
    let mut writer =
        SerializedFileWriter::new(replacement.file(), schema, props).map_err(failed)?;
    let mut buffers: Vec<Column> = columns.iter().map(|(_, t)| Column::new(*t)).collect();
    let mut rows = 0usize;
    let mut line = 1u64;
    let mut record = csv::StringRecord::new();
    while reader
        .read_record(&mut record)
        .map_err(ExperimentError::csv(source))?
    {
        line += 1;
        if record.len() != columns.len() {
            return Err(damaged(format!(
                "line {line} has {} cells, the header {}",
                record.len(),
                columns.len()
            )));
        }
        for ((cell, column), (name, _)) in record.iter().zip(&mut buffers).zip(columns) {
            column
                .push(cell)
                .map_err(|e| damaged(format!("line {line}, column `{name}`: {e}")))?;
        }
        rows += 1;
        if rows == ROW_GROUP_ROWS {
            write_group(&mut buffers, &mut writer).map_err(failed)?;
            rows = 0;
        }
    }
    if rows > 0 {
        write_group(&mut buffers, &mut writer).map_err(failed)?;
    }
    writer.into_inner().map_err(failed)?;
    replacement.commit(true).map_err(ExperimentError::atomic)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_parse_and_print() {
        for f in [OutputFormat::Csv, OutputFormat::Parquet] {
            assert_eq!(f.to_string().parse::<OutputFormat>(), Ok(f));
        }
        assert!(
            "xlsx"
                .parse::<OutputFormat>()
                .unwrap_err()
                .contains("csv or parquet")
        );
    }

    #[test]
    fn cells_are_typed_and_bad_cells_refused() {
        let mut c = Column::new(ColumnType::UInt);
        c.push("xffffffffffffffff").unwrap();
        c.push("").unwrap();
        assert!(matches!(&c.values, Values::Int(v) if v == &[-1]));
        assert_eq!(c.defs, [1, 0]);
        assert!(c.push("-1").is_err());
        assert!(Column::new(ColumnType::Int).push("1.5").is_err());
        assert!(Column::new(ColumnType::Float).push("x").is_err());
    }
}
