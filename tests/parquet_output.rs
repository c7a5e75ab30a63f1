//! `--format parquet`: every result table also as a typed Parquet file,
//! read back with the `parquet` crate's reader: each column has the type
//! the documentation gives (seeds unsigned 64-bit, whole numbers integers),
//! every value equals its CSV cell (an empty cell is a null), and the files
//! are byte-identical across threads, shards + `mlgov merge`, and a resumed
//! run.

use crate::experiment_support::{experiment, options, read_csv};
use mlgov::experiment::{
    ColumnType, OutputFormat, RUN_TRAJECTORIES, RunOptions, Shard, merge_results_as, run_experiment,
};
use mlgov::scenario::Scenario;
use mlgov::sim::{Model, parse_seed};
use parquet::basic::{LogicalType, Type as PhysicalType};
use parquet::file::reader::{FileReader, SerializedFileReader};
use parquet::record::Field;
use std::io::Read;
use std::path::Path;

const SCENARIO: &str = r#"
[scenario]
name = "parquet"

[experiment]
seed = 5
replications = 40
months = 8
format = "parquet"

[governance]
needs_variance = { dist = "uniform", low = 0.5, high = 1.5 }

[partnership]
fairness = { dist = "beta", alpha = 6, beta = 4 }

[[variants]]
name = "plain"

[[variants]]
name = "exchanges"
set = { "interventions.leadership_exchanges.pairs_per_year" = 20 }
"#;

/// The tables, CSV and Parquet.
const TABLES: [(&str, &str); 6] = [
    ("runs.csv", "runs.parquet"),
    ("summary.csv", "summary.parquet"),
    ("comparisons.csv", "comparisons.parquet"),
    ("trajectories.csv", "trajectories.parquet"),
    ("time_to_event.csv", "time_to_event.parquet"),
    (RUN_TRAJECTORIES, "run_trajectories.parquet"),
];

fn parquet_opts(out: &Path, threads: usize, shard: Option<Shard>) -> RunOptions {
    let mut o = options(out, threads, shard);
    o.save_trajectories = true;
    o.format = OutputFormat::Parquet;
    o
}

/// A CSV table (gunzipped when its name ends in `.gz`).
fn csv_table(path: &Path) -> (Vec<String>, Vec<Vec<String>>) {
    if path.extension().is_some_and(|e| e == "gz") {
        let mut text = String::new();
        flate2::read::MultiGzDecoder::new(std::fs::File::open(path).unwrap())
            .read_to_string(&mut text)
            .unwrap();
        let mut r = csv::Reader::from_reader(text.as_bytes());
        let header = r.headers().unwrap().iter().map(String::from).collect();
        let rows = r
            .records()
            .map(|x| x.unwrap().iter().map(String::from).collect())
            .collect();
        (header, rows)
    } else {
        read_csv(path)
    }
}

/// The columns (name, physical type, whether annotated unsigned 64-bit,
/// whether a string) and rows of a Parquet file.
struct Table {
    columns: Vec<(String, PhysicalType, bool, bool)>,
    rows: Vec<Vec<Field>>,
    row_groups: usize,
}

fn parquet_table(path: &Path) -> Table {
    let reader = SerializedFileReader::new(std::fs::File::open(path).unwrap()).unwrap();
    let meta = reader.metadata();
    let schema = meta.file_metadata().schema_descr();
    let columns = (0..schema.num_columns())
        .map(|i| {
            let c = schema.column(i);
            let unsigned = matches!(
                c.logical_type_ref(),
                Some(LogicalType::Integer(t)) if t.bit_width == 64 && !t.is_signed
            );
            let text = matches!(c.logical_type_ref(), Some(LogicalType::String));
            (c.name().to_string(), c.physical_type(), unsigned, text)
        })
        .collect();
    let rows = reader
        .get_row_iter(None)
        .unwrap()
        .map(|r| {
            r.unwrap()
                .get_column_iter()
                .map(|(_, f)| f.clone())
                .collect()
        })
        .collect();
    Table {
        columns,
        rows,
        row_groups: meta.num_row_groups(),
    }
}

/// The documented type of each column, seen in the file.
fn column_type(physical: PhysicalType, unsigned: bool, text: bool) -> ColumnType {
    match physical {
        PhysicalType::BYTE_ARRAY if text => ColumnType::Text,
        PhysicalType::INT64 if unsigned => ColumnType::UInt,
        PhysicalType::INT64 => ColumnType::Int,
        PhysicalType::DOUBLE => ColumnType::Float,
        other => panic!("unexpected physical type {other:?}"),
    }
}

/// Checks that `parquet` holds the values of `csv`, cell by cell, with the
/// expected column types (`expected(name)`); returns the column types.
fn assert_same_values(
    csv: &Path,
    parquet: &Path,
    expected: &dyn Fn(&str) -> Option<ColumnType>,
) -> Vec<ColumnType> {
    let (header, rows) = csv_table(csv);
    let table = parquet_table(parquet);
    let names: Vec<&str> = table.columns.iter().map(|c| c.0.as_str()).collect();
    assert_eq!(names, header, "{}", parquet.display());
    assert_eq!(table.rows.len(), rows.len(), "{}", parquet.display());
    let types: Vec<ColumnType> = table
        .columns
        .iter()
        .map(|(_, p, u, t)| column_type(*p, *u, *t))
        .collect();
    for (name, ty) in header.iter().zip(&types) {
        if let Some(want) = expected(name) {
            assert_eq!(*ty, want, "{}: column {name}", parquet.display());
        }
    }
    for (line, (row, fields)) in rows.iter().zip(&table.rows).enumerate() {
        for ((cell, field), (name, ty)) in row.iter().zip(fields).zip(header.iter().zip(&types)) {
            let ok = match (field, ty) {
                (Field::Null, _) => cell.is_empty(),
                (Field::Str(s), ColumnType::Text) => s == cell,
                (Field::ULong(v), ColumnType::UInt) => parse_seed(cell) == Some(*v),
                (Field::Long(v), ColumnType::Int) => cell.parse::<i64>() == Ok(*v),
                (Field::Double(v), ColumnType::Float) => {
                    cell.parse::<f64>().map(f64::to_bits) == Ok(v.to_bits())
                        || (*v == 0.0 && cell == "0")
                }
                _ => false,
            };
            assert!(
                ok,
                "{} row {line} column {name}: {field:?} vs CSV `{cell}`",
                parquet.display()
            );
        }
    }
    types
}

#[test]
fn parquet_tables_hold_the_csv_values_with_their_types() {
    let s = Scenario::from_toml(SCENARIO, "p.toml").unwrap();
    assert_eq!(s.spec.experiment.format, OutputFormat::Parquet);
    let exp = s.experiment();
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    run_experiment(&exp, &parquet_opts(&out, 2, None)).unwrap();

    let runs_types = |name: &str| match name {
        "configuration" | "status" | "reason" | "variant" => Some(ColumnType::Text),
        "replication" => Some(ColumnType::Int),
        "seed" => Some(ColumnType::UInt),
        "governance.needs_variance" | "partnership.fairness" | "trust_mean" => {
            Some(ColumnType::Float)
        }
        _ => None,
    };
    let t = assert_same_values(
        &out.join("runs.csv"),
        &out.join("runs.parquet"),
        &runs_types,
    );
    assert!(t.contains(&ColumnType::UInt));
    // Final metrics that are 0/1 outcomes are integers.
    let (header, _) = read_csv(&out.join("runs.csv"));
    for (name, kind) in exp
        .model
        .final_metrics()
        .iter()
        .zip(exp.model.final_metric_kinds())
    {
        let k = header.iter().position(|h| h == name).unwrap();
        let want = if kind == mlgov::sim::MetricKind::Proportion {
            ColumnType::Int
        } else {
            ColumnType::Float
        };
        assert_eq!(t[k], want, "runs.parquet column {name}");
    }

    let common = |name: &str| match name {
        "configuration" | "baseline" | "metric" | "kind" | "interval" | "note" | "typology" => {
            Some(ColumnType::Text)
        }
        "n" | "events" | "horizon" | "month" | "replication" => Some(ColumnType::Int),
        "mean" | "sd" | "p05" | "p50" | "p95" | "mean_diff" | "ci95_low" | "median" => {
            Some(ColumnType::Float)
        }
        _ => None,
    };
    for (csv, parquet) in &TABLES[1..] {
        assert_same_values(&out.join(csv), &out.join(parquet), &common);
    }
    // Run trajectories: discrete observables (the phase code) are integers.
    let (header, _) = csv_table(&out.join(RUN_TRAJECTORIES));
    let t = parquet_table(&out.join("run_trajectories.parquet"));
    for (name, kind) in exp
        .model
        .observables()
        .iter()
        .zip(exp.model.observable_kinds())
    {
        let k = header.iter().position(|h| h == name).unwrap();
        let (_, p, u, x) = &t.columns[k];
        let want = if kind.is_discrete() {
            ColumnType::Int
        } else {
            ColumnType::Float
        };
        assert_eq!(column_type(*p, *u, *x), want, "column {name}");
    }
}

#[test]
fn a_failed_run_has_nulls_and_row_groups_bound_the_rows_in_memory() {
    // The toy experiment's flaky configurations fail some runs: their
    // metrics are empty cells in runs.csv and nulls in runs.parquet.
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("toy");
    let mut o = options(&out, 2, None);
    o.format = OutputFormat::Parquet;
    let n = 3_000u64;
    run_experiment(&experiment(n, 9), &o).unwrap();
    let (_, rows) = read_csv(&out.join("runs.csv"));
    assert!(rows.iter().any(|r| r[3] == "failed"));
    assert_same_values(&out.join("runs.csv"), &out.join("runs.parquet"), &|_| None);
    let table = parquet_table(&out.join("runs.parquet"));
    let total = rows.len();
    assert_eq!(
        table.row_groups,
        total.div_ceil(mlgov::experiment::ROW_GROUP_ROWS)
    );
    assert!(table.row_groups > 1, "{total} rows in one row group");
    assert!(!out.join("run_trajectories.parquet").exists());
}

#[test]
fn parquet_files_are_identical_across_threads_shards_and_resume() {
    let exp = Scenario::from_toml(SCENARIO, "p.toml")
        .unwrap()
        .experiment();
    let dir = tempfile::tempdir().unwrap();
    let same = |a: &Path, b: &Path| {
        for (_, parquet) in TABLES {
            assert_eq!(
                std::fs::read(a.join(parquet)).unwrap(),
                std::fs::read(b.join(parquet)).unwrap(),
                "{parquet}: {} vs {}",
                a.display(),
                b.display()
            );
        }
    };
    let one = dir.path().join("one");
    run_experiment(&exp, &parquet_opts(&one, 1, None)).unwrap();
    let two = dir.path().join("two");
    run_experiment(&exp, &parquet_opts(&two, 2, None)).unwrap();
    same(&one, &two);

    // Shards written as CSV only; the merge writes Parquet.
    let shards: Vec<_> = (1..=2)
        .map(|k| {
            let d = dir.path().join(format!("shard{k}"));
            let mut o = parquet_opts(&d, 2, Some(Shard { index: k, count: 2 }));
            o.format = OutputFormat::Csv;
            run_experiment(&exp, &o).unwrap();
            assert!(!d.join("runs.parquet").exists());
            d
        })
        .collect();
    let merged = dir.path().join("merged");
    merge_results_as(&shards, &merged, OutputFormat::Parquet).unwrap();
    same(&one, &merged);

    let resumed = dir.path().join("resumed");
    let mut o = parquet_opts(&resumed, 1, None);
    o.stop_after_waves = Some(1);
    assert!(!run_experiment(&exp, &o).unwrap().complete);
    assert!(!resumed.join("runs.parquet").exists());
    let mut o = parquet_opts(&resumed, 2, None);
    o.resume = true;
    assert!(run_experiment(&exp, &o).unwrap().complete);
    same(&one, &resumed);
}

#[test]
fn the_command_line_and_the_scenario_choose_the_format() {
    let dir = tempfile::tempdir().unwrap();
    let scenario = dir.path().join("p.toml");
    std::fs::write(&scenario, SCENARIO).unwrap();
    let mlgov = |args: &[&str]| {
        std::process::Command::new(env!("CARGO_BIN_EXE_mlgov"))
            .args(args)
            .current_dir(dir.path())
            .output()
            .unwrap()
    };
    let run = [
        "run",
        "p.toml",
        "--quiet",
        "--no-plots",
        "--replications",
        "8",
    ];
    // `format = "parquet"` in the scenario.
    let o = mlgov(&[&run[..], &["--out", "a"]].concat());
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert!(dir.path().join("a/runs.parquet").exists());
    // --format csv overrides it.
    let o = mlgov(&[&run[..], &["--out", "b", "--format", "csv"]].concat());
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert!(dir.path().join("b/runs.csv").exists());
    assert!(!dir.path().join("b/runs.parquet").exists());
    // merge --format parquet writes the same file as the run.
    let o = mlgov(&[
        "merge",
        "b",
        "--out",
        "m",
        "--format",
        "parquet",
        "--quiet",
        "--no-plots",
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert_eq!(
        std::fs::read(dir.path().join("a/runs.parquet")).unwrap(),
        std::fs::read(dir.path().join("m/runs.parquet")).unwrap()
    );
    // An unknown format is refused before anything is written.
    let o = mlgov(&[&run[..], &["--out", "c", "--format", "xlsx"]].concat());
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("csv or parquet"));
    assert!(!dir.path().join("c").exists());
}
