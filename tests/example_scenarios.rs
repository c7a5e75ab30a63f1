//! Every example scenario in `examples/scenarios/` and `examples/teaching/`
//! checks, runs and produces complete results. The directories are read, so
//! a new file is covered without editing this test.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const REPLICATIONS: usize = 3;

fn scenarios() -> Vec<PathBuf> {
    let mut files = Vec::new();
    for sub in ["examples/scenarios", "examples/teaching"] {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join(sub);
        let mut here: Vec<PathBuf> = std::fs::read_dir(&dir)
            .unwrap_or_else(|e| panic!("cannot read {}: {e}", dir.display()))
            .map(|entry| entry.unwrap().path())
            .filter(|p| p.extension().is_some_and(|x| x == "toml"))
            .collect();
        assert!(!here.is_empty(), "no scenarios in {sub}");
        here.sort();
        files.extend(here);
    }
    files
}

fn mlgov(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_mlgov"))
        .args(args)
        .output()
        .expect("the mlgov binary runs")
}

fn text(out: &Output) -> String {
    format!(
        "status {:?}\nstdout:\n{}\nstderr:\n{}",
        out.status.code(),
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

/// The rows of a CSV file as maps from column name to cell.
fn rows(path: &Path) -> Vec<BTreeMap<String, String>> {
    let mut reader = csv::Reader::from_path(path)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    let header: Vec<String> = reader
        .headers()
        .unwrap()
        .iter()
        .map(str::to_string)
        .collect();
    reader
        .records()
        .map(|r| {
            let r = r.unwrap();
            header
                .iter()
                .cloned()
                .zip(r.iter().map(str::to_string))
                .collect()
        })
        .collect()
}

fn distinct(rows: &[BTreeMap<String, String>], column: &str) -> BTreeSet<String> {
    rows.iter().map(|r| r[column].clone()).collect()
}

/// The number of configurations in `mlgov check`'s one-line summary
/// ("…, 4 configurations (baseline …" or "…, 1 configuration, …").
fn configurations_in_check(stdout: &str) -> usize {
    let words: Vec<&str> = stdout.split_whitespace().collect();
    let k = words
        .iter()
        .position(|w| w.starts_with("configuration"))
        .unwrap_or_else(|| panic!("no configuration count in {stdout:?}"));
    words[k - 1]
        .parse()
        .unwrap_or_else(|_| panic!("no configuration count in {stdout:?}"))
}

#[test]
fn the_example_directory_holds_the_case_scenarios() {
    let names: BTreeSet<String> = scenarios()
        .iter()
        .map(|p| p.file_stem().unwrap().to_string_lossy().into_owned())
        .collect();
    for name in [
        "lloyd_grid",
        "partnership_for_change",
        "leadership_exchange",
        "basingstoke",
        "workforce_boards",
        "wholegrain",
    ] {
        assert!(
            names.contains(name),
            "examples/scenarios/{name}.toml is missing"
        );
    }
}

#[test]
fn every_example_scenario_checks_runs_and_reports_every_configuration() {
    let files = scenarios();
    assert!(!files.is_empty(), "no example scenarios found");
    let tmp = tempfile::tempdir().unwrap();
    for file in &files {
        let stem = file.file_stem().unwrap().to_string_lossy().into_owned();
        let path = file.to_str().unwrap();
        let source = std::fs::read_to_string(file).unwrap();

        // The file documents itself and is named after itself.
        assert!(source.starts_with('#'), "{stem}: no opening comment block");
        let table: toml::Table = source.parse().unwrap();
        let scenario = table["scenario"].as_table().unwrap();
        assert_eq!(
            scenario["name"].as_str(),
            Some(stem.as_str()),
            "{stem}: [scenario] name differs from the file name"
        );
        let description = scenario["description"].as_str().unwrap_or("");
        assert!(
            !description.trim().is_empty() && !description.contains('\n'),
            "{stem}: [scenario] description must be a non-empty one-liner"
        );

        let check = mlgov(&["check", path]);
        assert_eq!(
            check.status.code(),
            Some(0),
            "{stem}: check\n{}",
            text(&check)
        );
        let expected = configurations_in_check(&String::from_utf8_lossy(&check.stdout));

        let out = tmp.path().join(&stem);
        let reps = REPLICATIONS.to_string();
        let run = mlgov(&[
            "run",
            path,
            "--out",
            out.to_str().unwrap(),
            "--replications",
            &reps,
            "--no-plots",
            "--quiet",
        ]);
        assert_eq!(run.status.code(), Some(0), "{stem}: run\n{}", text(&run));

        let runs = rows(&out.join("runs.csv"));
        let summary = rows(&out.join("summary.csv"));
        let comparisons = rows(&out.join("comparisons.csv"));
        let configurations = distinct(&runs, "configuration");

        assert!(
            configurations.len() >= 2,
            "{stem}: a case scenario should compare at least two configurations, has {:?}",
            configurations
        );
        assert_eq!(
            configurations.len(),
            expected,
            "{stem}: `check` announced {expected} configurations, runs.csv has {configurations:?}"
        );
        assert_eq!(
            runs.len(),
            expected * REPLICATIONS,
            "{stem}: one row per configuration and replication"
        );
        for r in &runs {
            assert_eq!(
                r["status"], "ok",
                "{stem}: run {} of {} failed: {}",
                r["replication"], r["configuration"], r["reason"]
            );
        }

        assert_eq!(
            distinct(&summary, "configuration"),
            configurations,
            "{stem}: summary.csv and runs.csv name different configurations"
        );
        let metrics = distinct(&summary, "metric");
        assert!(!metrics.is_empty(), "{stem}: summary.csv has no metrics");
        assert_eq!(
            summary.len(),
            configurations.len() * metrics.len(),
            "{stem}: summary.csv should have every metric for every configuration"
        );
        for r in &summary {
            assert_eq!(
                r["n"], reps,
                "{stem}: {} / {} summarises {} runs",
                r["configuration"], r["metric"], r["n"]
            );
            let mean: f64 = r["mean"].parse().unwrap_or(f64::NAN);
            assert!(
                mean.is_finite(),
                "{stem}: {} / {} has mean {:?}",
                r["configuration"],
                r["metric"],
                r["mean"]
            );
        }

        // Every configuration but the baseline is compared with the baseline.
        let baselines = distinct(&comparisons, "baseline");
        assert_eq!(baselines.len(), 1, "{stem}: baselines {baselines:?}");
        let baseline = baselines.iter().next().unwrap();
        assert!(
            configurations.contains(baseline),
            "{stem}: unknown baseline"
        );
        let compared = distinct(&comparisons, "configuration");
        let mut others = configurations.clone();
        others.remove(baseline);
        assert_eq!(compared, others, "{stem}: configurations compared");
        assert_eq!(
            comparisons.len(),
            others.len() * metrics.len(),
            "{stem}: comparisons.csv should have every metric for every configuration"
        );
    }
}
