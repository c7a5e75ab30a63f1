//! The experiment engine's statistics against direct computation from the
//! per-run values, and the handling of failed runs.

use crate::experiment_support::*;
use mlgov::analysis::{RELATIVE_ACCURACY, t_quantile};
use mlgov::experiment::run_experiment;
use mlgov::sim::{
    Configuration, ModelError, PARAMETER_STREAM, rng_from_seed, run_seed, run_single, stream_seed,
};
use std::collections::HashMap;
use std::path::Path;

/// runs.csv as (configuration, replication) → Some(finals) for ok runs.
fn runs(dir: &Path) -> HashMap<(String, u64), Option<Vec<f64>>> {
    let (header, rows) = read_csv(&dir.join("runs.csv"));
    assert_eq!(
        header[..5],
        ["configuration", "replication", "seed", "status", "reason"]
    );
    rows.into_iter()
        .map(|r| {
            let key = (r[0].clone(), r[1].parse().unwrap());
            let finals = match r[3].as_str() {
                "ok" => {
                    assert_eq!(r[4], "");
                    Some(r[5..].iter().map(|v| v.parse().unwrap()).collect())
                }
                "failed" => {
                    assert!(!r[4].is_empty(), "a failed run needs a reason: {r:?}");
                    assert!(r[5..].iter().all(String::is_empty));
                    None
                }
                other => panic!("bad status {other}"),
            };
            (key, finals)
        })
        .collect()
}

fn mean_sd(v: &[f64]) -> (f64, f64) {
    let n = v.len() as f64;
    let mean = v.iter().sum::<f64>() / n;
    let var = v.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (n - 1.0);
    (mean, var.sqrt())
}

fn close(a: f64, b: f64, tol: f64, what: &str) {
    assert!((a - b).abs() <= tol * (1.0 + b.abs()), "{what}: {a} vs {b}");
}

fn cell(row: &[String], header: &[String], col: &str) -> f64 {
    let i = header.iter().position(|h| h == col).unwrap();
    row[i]
        .parse()
        .unwrap_or_else(|_| panic!("{col} = {:?}", row[i]))
}

#[test]
fn summary_matches_direct_computation() {
    let root = tempfile::tempdir().unwrap();
    let dir = root.path().join("out");
    run_experiment(&clean_experiment(10, 77), &options(&dir, 2, None)).unwrap();
    let runs = runs(&dir);
    let (header, rows) = read_csv(&dir.join("summary.csv"));
    assert_eq!(
        header,
        [
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
            "typology"
        ]
    );
    assert_eq!(rows.len(), 4);
    for row in &rows {
        // The toy model has no empowerment or service-delivery metric, so
        // no type in Lloyd's typology.
        assert_eq!(row[15], "", "typology of a model without the two foci");
        let m = if row[1] == "final" { 0 } else { 1 };
        let mut values: Vec<f64> = (0..10)
            .map(|k| runs[&(row[0].clone(), k)].as_ref().unwrap()[m])
            .collect();
        assert_eq!(row[2..4], ["continuous", "10"]);
        assert_eq!(row[8], "t");
        let (mean, sd) = mean_sd(&values);
        close(cell(row, &header, "mean"), mean, 1e-12, "mean");
        close(cell(row, &header, "sd"), sd, 1e-10, "sd");
        let half = 2.262157 * sd / 10f64.sqrt(); // t(0.975, 9)
        close(cell(row, &header, "ci95_low"), mean - half, 1e-6, "ci low");
        close(
            cell(row, &header, "ci95_high"),
            mean + half,
            1e-6,
            "ci high",
        );
        values.sort_by(f64::total_cmp);
        for (col, q) in [
            ("p05", 0.05),
            ("p25", 0.25),
            ("p50", 0.5),
            ("p75", 0.75),
            ("p95", 0.95),
        ] {
            // Exact order statistics of rank ⌊q(n − 1)⌋, n = 10.
            let truth = values[(q * 9.0f64).floor() as usize];
            assert_eq!(cell(row, &header, col), truth, "{col}");
        }
    }
}

#[test]
fn single_replication_leaves_spread_cells_empty() {
    let root = tempfile::tempdir().unwrap();
    let dir = root.path().join("out");
    run_experiment(&clean_experiment(1, 3), &options(&dir, 1, None)).unwrap();
    let runs = runs(&dir);
    let (_, rows) = read_csv(&dir.join("summary.csv"));
    let value = runs[&("base".to_string(), 0)].as_ref().unwrap()[0];
    let row = &rows[0];
    assert_eq!(row[..4], ["base", "final", "continuous", "1"]);
    close(row[4].parse().unwrap(), value, 1e-13, "mean");
    assert_eq!(row[5..8], ["", "", ""]);
    // With one value every quantile is that value.
    assert!(
        row[9..14]
            .iter()
            .all(|q| q.parse::<f64>().unwrap() == value)
    );
    let (_, cmp) = read_csv(&dir.join("comparisons.csv"));
    assert_eq!(cmp[0][3], "1");
    assert_eq!(cmp[0][5..], ["", "", "paired_t"]);
}

#[test]
fn paired_comparisons_match_direct_computation() {
    let root = tempfile::tempdir().unwrap();
    let dir = root.path().join("out");
    let reps = 100;
    run_experiment(&experiment(reps, 5), &options(&dir, 2, None)).unwrap();
    let runs = runs(&dir);
    let (header, rows) = read_csv(&dir.join("comparisons.csv"));
    assert_eq!(
        header,
        [
            "configuration",
            "baseline",
            "metric",
            "n",
            "mean_diff",
            "ci95_low",
            "ci95_high",
            "interval"
        ]
    );
    assert_eq!(rows.len(), 5 * 2);
    for row in &rows {
        assert_eq!(row[1], "base");
        let m = if row[2] == "final" { 0 } else { 1 };
        let diffs: Vec<f64> = (0..reps)
            .filter_map(|k| {
                let c = runs[&(row[0].clone(), k)].as_ref()?;
                let b = runs[&("base".to_string(), k)].as_ref()?;
                Some(c[m] - b[m])
            })
            .collect();
        assert_eq!(row[3], diffs.len().to_string(), "{row:?}");
        let (mean, sd) = mean_sd(&diffs);
        assert!(sd > 1e-3, "differences should vary");
        close(cell(row, &header, "mean_diff"), mean, 1e-12, "mean_diff");
        let half = t_quantile(0.975, diffs.len() as f64 - 1.0) * sd / (diffs.len() as f64).sqrt();
        close(cell(row, &header, "ci95_low"), mean - half, 1e-10, "ci low");
        close(
            cell(row, &header, "ci95_high"),
            mean + half,
            1e-10,
            "ci high",
        );
    }
}

#[test]
fn failed_and_panicking_runs_are_recorded_and_excluded() {
    let root = tempfile::tempdir().unwrap();
    let dir = root.path().join("out");
    let reps = 60;
    let exp = experiment(reps, 11);
    let outcome = run_experiment(&exp, &options(&dir, 3, None)).unwrap();
    let (_, rows) = read_csv(&dir.join("runs.csv"));
    assert_eq!(rows.len() as u64, reps * 6);
    let reasons = |config: &str| -> Vec<String> {
        rows.iter()
            .filter(|r| r[0] == config && r[3] == "failed")
            .map(|r| r[4].clone())
            .collect()
    };
    assert!(reasons("base").is_empty() && reasons("up").is_empty());
    let flaky = reasons("flaky");
    assert!(
        !flaky.is_empty()
            && flaky
                .iter()
                .all(|r| r == "month 3: the partnership collapsed")
    );
    let panicky = reasons("panicky");
    assert!(
        panicky
            .iter()
            .any(|r| r == "panicked: toy model bug at month 2"),
        "{panicky:?}"
    );
    assert!(
        panicky
            .iter()
            .any(|r| r == "parameter sampling failed: no valid parameters")
    );
    let nan = reasons("nan");
    assert!(!nan.is_empty());
    assert!(
        nan.iter()
            .all(|r| r == "observation `position` at month 4: value is not finite (NaN)"),
        "{nan:?}"
    );
    let sp = reasons("sampler-panic");
    assert!(!sp.is_empty() && sp.iter().all(|r| r == "panicked: sampler bug"));
    let failed: usize = ["flaky", "panicky", "nan", "sampler-panic"]
        .iter()
        .map(|c| reasons(c).len())
        .sum();
    assert_eq!(outcome.runs_failed, failed as u64);
    assert_eq!(outcome.runs_ok, reps * 6 - failed as u64);

    // Summary n counts successful runs only.
    let (_, summary) = read_csv(&dir.join("summary.csv"));
    let flaky_row = summary.iter().find(|r| r[0] == "flaky").unwrap();
    assert_eq!(flaky_row[3], (reps as usize - flaky.len()).to_string());

    // The engine's runs are exactly sim::run_single's, and the trajectories of
    // failed runs (which fail at month 3) leave months 1-2 untouched.
    let (theader, traj) = read_csv(&dir.join("trajectories.csv"));
    assert_eq!(
        theader,
        [
            "configuration",
            "month",
            "metric",
            "mean",
            "p05",
            "p25",
            "p50",
            "p75",
            "p95"
        ]
    );
    assert_eq!(traj.len(), 6 * 6 * 2);
    let flaky_config = &exp.configurations[2];
    let mut month2 = Vec::new();
    for k in 0..reps {
        let seed = run_seed(exp.seed, k);
        let params =
            (flaky_config.sampler)(&mut rng_from_seed(stream_seed(seed, PARAMETER_STREAM)))
                .unwrap();
        let row = rows
            .iter()
            .find(|r| r[0] == "flaky" && r[1] == k.to_string())
            .unwrap();
        assert_eq!(row[2], format!("x{seed:016x}"));
        assert_eq!(mlgov::sim::parse_seed(&row[2]), Some(seed));
        match run_single(&exp.model, &params, exp.months, seed) {
            Ok(record) => {
                assert_eq!(row[5], format!("{}", record.finals[0]));
                assert_eq!(row[6], format!("{}", record.finals[1]));
                month2.push(record.observations[1][0]);
            }
            Err(e) => assert_eq!(row[4], format!("month 3: {e}")),
        }
    }
    let t2 = traj
        .iter()
        .find(|r| r[0] == "flaky" && r[1] == "2" && r[2] == "position")
        .unwrap();
    let (mean, _) = mean_sd(&month2);
    close(
        cell(t2, &theader, "mean"),
        mean,
        1e-12,
        "trajectory mean excludes failed runs",
    );
    month2.sort_by(f64::total_cmp);
    let truth = month2[(0.5 * (month2.len() - 1) as f64).floor() as usize];
    let p50 = cell(t2, &theader, "p50");
    assert!((p50 - truth).abs() <= RELATIVE_ACCURACY * truth.abs() + 1e-12);
}

#[test]
fn configurations_without_successful_runs_give_empty_cells() {
    let root = tempfile::tempdir().unwrap();
    let dir = root.path().join("out");
    let mut exp = clean_experiment(9, 1);
    exp.configurations
        .push(Configuration::new("never", |_| Err(ModelError::new("no"))));
    let outcome = run_experiment(&exp, &options(&dir, 2, None)).unwrap();
    assert_eq!(outcome.runs_failed, 9);
    let (_, summary) = read_csv(&dir.join("summary.csv"));
    let never = summary.iter().find(|r| r[0] == "never").unwrap();
    assert_eq!(never[3], "0");
    // Only the name of the interval method remains.
    assert!(never[4..8].iter().all(String::is_empty));
    assert_eq!(never[8], "t");
    assert!(never[9..].iter().all(String::is_empty));
    let (_, traj) = read_csv(&dir.join("trajectories.csv"));
    assert!(
        traj.iter()
            .filter(|r| r[0] == "never")
            .all(|r| r[3..].iter().all(String::is_empty))
    );
    let (_, cmp) = read_csv(&dir.join("comparisons.csv"));
    let never = cmp.iter().find(|r| r[0] == "never").unwrap();
    assert_eq!(never[3..], ["0", "", "", "", "paired_t"]);
}
