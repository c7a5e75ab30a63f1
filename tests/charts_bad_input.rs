//! Bad input: a missing or damaged results directory gives an error that
//! names the file and the line, `mlgov plot` exits non-zero, and no chart
//! (whole or half-written) is left behind.

use mlgov::report::{ChartKind, PlotOptions, ReportError, render_all};
use std::path::{Path, PathBuf};
use std::process::Command;

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests")
        .join("fixtures")
        .join(name)
}

fn copy_fixture(name: &str) -> tempfile::TempDir {
    let tmp = tempfile::tempdir().unwrap();
    for entry in std::fs::read_dir(fixture(name)).unwrap() {
        let entry = entry.unwrap();
        if entry.file_type().unwrap().is_file() {
            std::fs::copy(entry.path(), tmp.path().join(entry.file_name())).unwrap();
        }
    }
    tmp
}

/// Replaces line `line` (1-based) of `file` in `dir` using `edit`.
fn edit_line(dir: &Path, file: &str, line: usize, edit: impl Fn(&str) -> String) {
    let path = dir.join(file);
    let text = std::fs::read_to_string(&path).unwrap();
    let mut lines: Vec<String> = text.lines().map(str::to_string).collect();
    lines[line - 1] = edit(&lines[line - 1]);
    std::fs::write(&path, lines.join("\n") + "\n").unwrap();
}

fn no_charts(dir: &Path) {
    let charts = dir.join("charts");
    if charts.exists() {
        let left: Vec<_> = std::fs::read_dir(&charts).unwrap().collect();
        assert!(left.is_empty(), "files left in {}", charts.display());
    }
}

fn error_of(dir: &Path) -> String {
    let err = render_all(dir, &PlotOptions::default()).unwrap_err();
    err.to_string()
}

#[test]
fn damaged_fixture_names_file_and_line() {
    let dir = copy_fixture("damaged");
    let message = error_of(dir.path());
    assert!(message.contains("summary.csv"), "{message}");
    assert!(message.contains("line 5"), "{message}");
    assert!(message.contains("twelve"), "{message}");
    no_charts(dir.path());
}

#[test]
fn missing_column_is_named() {
    let dir = copy_fixture("two_configs");
    edit_line(dir.path(), "trajectories.csv", 1, |l| {
        l.replace(",p95", ",p96")
    });
    let err = render_all(dir.path(), &PlotOptions::default()).unwrap_err();
    assert!(matches!(err, ReportError::MissingColumn { .. }));
    let message = err.to_string();
    assert!(message.contains("trajectories.csv"), "{message}");
    assert!(message.contains("p95"), "{message}");
    no_charts(dir.path());
}

#[test]
fn wrong_arity_names_the_line() {
    let dir = copy_fixture("two_configs");
    edit_line(dir.path(), "comparisons.csv", 4, |l| format!("{l},extra"));
    let message = error_of(dir.path());
    assert!(message.contains("comparisons.csv"), "{message}");
    assert!(message.contains("line 4"), "{message}");
    no_charts(dir.path());

    let dir = copy_fixture("two_configs");
    edit_line(dir.path(), "trajectories.csv", 7, |l| {
        l.rsplit_once(',').unwrap().0.to_string()
    });
    let message = error_of(dir.path());
    assert!(message.contains("trajectories.csv: line 7"), "{message}");
}

#[test]
fn non_numeric_month_and_bad_sensitivity() {
    let dir = copy_fixture("two_configs");
    edit_line(dir.path(), "trajectories.csv", 11, |l| {
        l.replacen(",2,", ",two,", 1)
    });
    let message = error_of(dir.path());
    assert!(message.contains("trajectories.csv: line 11"), "{message}");
    assert!(message.contains("month"), "{message}");

    let dir = copy_fixture("sensitivity_morris");
    edit_line(dir.path(), "sensitivity.csv", 6, |l| {
        l.replacen("morris", "magic", 1)
    });
    let message = error_of(dir.path());
    assert!(message.contains("sensitivity.csv: line 6"), "{message}");
    assert!(message.contains("magic"), "{message}");
    no_charts(dir.path());
}

#[test]
fn bad_manifest_and_missing_files() {
    let dir = copy_fixture("two_configs");
    std::fs::write(
        dir.path().join("manifest.json"),
        "{ \"configurations\": 3 }",
    )
    .unwrap();
    let message = error_of(dir.path());
    assert!(message.contains("manifest.json"), "{message}");
    assert!(message.contains("configurations"), "{message}");

    let dir = copy_fixture("two_configs");
    std::fs::write(dir.path().join("manifest.json"), "{ not json").unwrap();
    assert!(error_of(dir.path()).contains("manifest.json"));

    let dir = copy_fixture("two_configs");
    std::fs::remove_file(dir.path().join("summary.csv")).unwrap();
    let err = render_all(dir.path(), &PlotOptions::default()).unwrap_err();
    assert!(matches!(err, ReportError::MissingFile { .. }), "{err}");
    assert!(err.to_string().contains("summary.csv"));

    let empty = tempfile::tempdir().unwrap();
    let message = error_of(empty.path());
    assert!(message.contains("manifest.json"), "{message}");
    no_charts(empty.path());

    let message = error_of(&empty.path().join("does-not-exist"));
    assert!(message.contains("does-not-exist"), "{message}");
}

#[test]
fn header_only_summary_is_reported_as_empty() {
    let dir = copy_fixture("two_configs");
    std::fs::write(
        dir.path().join("summary.csv"),
        "configuration,metric,n,mean,sd,ci95_low,ci95_high,p05,p25,p50,p75,p95\n",
    )
    .unwrap();
    let err = render_all(dir.path(), &PlotOptions::default()).unwrap_err();
    assert!(matches!(err, ReportError::Empty { .. }), "{err}");
}

#[test]
fn empty_cells_are_allowed_where_n_is_small() {
    let dir = copy_fixture("two_configs");
    edit_line(dir.path(), "summary.csv", 2, |l| {
        let mut cells: Vec<&str> = l.split(',').collect();
        cells[2] = "1";
        for c in &mut cells[4..7] {
            *c = "";
        }
        cells.join(",")
    });
    let opts = PlotOptions::default().with_only([ChartKind::Comparison]);
    render_all(dir.path(), &opts).unwrap();
}

#[test]
fn cli_plot_reports_errors_and_lists_files() {
    let bin = env!("CARGO_BIN_EXE_mlgov");
    let dir = copy_fixture("damaged");
    let out = Command::new(bin)
        .arg("plot")
        .arg(dir.path())
        .output()
        .unwrap();
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("error:"), "{stderr}");
    assert!(stderr.contains("summary.csv: line 5"), "{stderr}");
    no_charts(dir.path());

    let dir = copy_fixture("lloyd_partial");
    let out = Command::new(bin)
        .args(["plot", "--metric", "nonsense"])
        .arg(dir.path())
        .output()
        .unwrap();
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("nonsense") && stderr.contains("trust_mean"),
        "{stderr}"
    );

    let out = Command::new(bin)
        .args(["plot", "--metric", "fit"])
        .arg(dir.path())
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("lloyd_grid_fit.png"), "{stdout}");
    assert!(stdout.contains("lloyd_grid_fit.svg"), "{stdout}");
    assert!(!stdout.contains("lloyd_grid.png"), "{stdout}");

    // A grid of another metric sits beside it; the default metric's grid
    // is also `lloyd_grid`.
    let out = Command::new(bin)
        .args(["plot", "--metric", "delivery_total"])
        .arg(dir.path())
        .output()
        .unwrap();
    assert!(out.status.success());
    let out = Command::new(bin)
        .arg("plot")
        .arg(dir.path())
        .output()
        .unwrap();
    assert!(out.status.success());
    for name in [
        "lloyd_grid_fit.png",
        "lloyd_grid_delivery_total.png",
        "lloyd_grid.png",
    ] {
        assert!(dir.path().join("charts").join(name).exists(), "no {name}");
    }
}
