//! External designs: `mlgov design` writes one from the scenario's uncertain
//! parameters, `mlgov run --design` runs its rows as configurations with
//! common random numbers, and a bad design file is refused with every
//! problem at once, naming the row and column.

use mlgov::scenario::{Scenario, ScenarioSpace};
use mlgov::sim::ParameterSpace;
use std::path::Path;
use std::process::{Command, Output};

const SCENARIO: &str = r#"
[scenario]
name = "designed"

[experiment]
seed = 5
replications = 4
months = 12

[governance]
needs_variance = { dist = "uniform", low = 0.5, high = 1.5 }

[partnership]
fairness = { dist = "beta", alpha = 6, beta = 4 }
meeting_rate = { dist = "uniform", low = 0.3, high = 0.5 }
"#;

fn mlgov(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_mlgov"))
        .args(args)
        .output()
        .unwrap()
}

fn ok(out: &Output) {
    assert!(
        out.status.success(),
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

fn read(path: &Path) -> (Vec<String>, Vec<Vec<String>>) {
    let mut r = csv::Reader::from_path(path).unwrap();
    let header = r.headers().unwrap().iter().map(String::from).collect();
    let rows = r
        .records()
        .map(|x| x.unwrap().iter().map(String::from).collect())
        .collect();
    (header, rows)
}

fn setup() -> (tempfile::TempDir, String) {
    let dir = tempfile::tempdir().unwrap();
    let s = dir.path().join("s.toml");
    std::fs::write(&s, SCENARIO).unwrap();
    let s = s.display().to_string();
    (dir, s)
}

#[test]
fn design_methods_write_the_expected_points_over_the_uncertain_box() {
    let (dir, s) = setup();
    let scenario = Scenario::from_toml(SCENARIO, "s.toml").unwrap();
    let space = ScenarioSpace::new(&scenario.configurations()[0]);
    let (names, bounds) = (space.names(), space.bounds());
    let k = names.len();
    assert_eq!(k, 3);
    for (method, samples, rows) in [
        ("lhs", 10, 10),
        ("sobol", 8, 8 * (k + 2)),
        ("morris", 3, 3 * (k + 1)),
        ("factorial", 3, 27),
    ] {
        let out = dir.path().join(format!("{method}.csv"));
        let o = mlgov(&[
            "design",
            &s,
            "--method",
            method,
            "--samples",
            &samples.to_string(),
            "--out",
            out.to_str().unwrap(),
        ]);
        ok(&o);
        let (header, data) = read(&out);
        assert_eq!(header, names, "{method}");
        assert_eq!(data.len(), rows, "{method}");
        let values: Vec<Vec<f64>> = data
            .iter()
            .map(|r| r.iter().map(|v| v.parse().unwrap()).collect())
            .collect();
        for row in &values {
            for (v, (lo, hi)) in row.iter().zip(&bounds) {
                assert!(lo <= v && v <= hi, "{method}: {v} outside [{lo}, {hi}]");
            }
        }
        if method == "lhs" {
            // Latin hypercube: each of the 10 strata of every parameter
            // holds exactly one point.
            for (j, (lo, hi)) in bounds.iter().enumerate() {
                let mut strata: Vec<usize> = values
                    .iter()
                    .map(|r| (((r[j] - lo) / (hi - lo)) * 10.0).floor().min(9.0) as usize)
                    .collect();
                strata.sort();
                assert_eq!(strata, (0..10).collect::<Vec<_>>(), "parameter {j}");
            }
        }
        if method == "factorial" {
            // Three levels per parameter: low, middle, high.
            for (j, (lo, hi)) in bounds.iter().enumerate() {
                let mut levels: Vec<f64> = values.iter().map(|r| r[j]).collect();
                levels.sort_by(f64::total_cmp);
                levels.dedup();
                assert_eq!(levels.len(), 3);
                assert_eq!((levels[0], levels[2]), (*lo, *hi));
            }
        }
    }
    // The same command again: the same file (seeded), refused without --force.
    let again = mlgov(&[
        "design",
        &s,
        "--method",
        "lhs",
        "--samples",
        "10",
        "--out",
        dir.path().join("lhs.csv").to_str().unwrap(),
    ]);
    assert_eq!(again.status.code(), Some(2));
    let bad = mlgov(&[
        "design",
        &s,
        "--method",
        "halton",
        "--samples",
        "4",
        "--out",
        "x.csv",
    ]);
    assert_eq!(bad.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&bad.stderr).contains("lhs, sobol, morris or factorial"));
}

#[test]
fn run_with_a_design_runs_each_row_with_common_random_numbers() {
    let (dir, s) = setup();
    let design = dir.path().join("d.csv");
    // A design over two of the three uncertain parameters (the third stays
    // uncertain), as a spreadsheet or SALib would give it.
    std::fs::write(
        &design,
        "partnership.fairness,partnership.meeting_rate\n0.25,0.3\n0.5,0.4\n0.75,0.45\n",
    )
    .unwrap();
    let out = dir.path().join("run");
    let o = mlgov(&[
        "run",
        &s,
        "--design",
        design.to_str().unwrap(),
        "--quiet",
        "--no-plots",
        "--threads",
        "2",
        "--out",
        out.to_str().unwrap(),
    ]);
    ok(&o);
    let (header, rows) = read(&out.join("runs.csv"));
    assert_eq!(
        header[5..9],
        [
            "design_row",
            "partnership.fairness",
            "partnership.meeting_rate",
            "governance.needs_variance"
        ]
    );
    assert_eq!(rows.len(), 3 * 4);
    let want = [(0.25, 0.3), (0.5, 0.4), (0.75, 0.45)];
    let mut needs: Vec<String> = vec![String::new(); 4];
    for row in &rows {
        let k: usize = row[5].parse().unwrap();
        assert_eq!(row[0], format!("row={k}"));
        assert_eq!(row[3], "ok");
        let (f, m) = want[k - 1];
        assert_eq!(row[6].parse::<f64>().unwrap(), f);
        assert_eq!(row[7].parse::<f64>().unwrap(), m);
        // Common random numbers: replication r has one seed and one draw of
        // the parameter left uncertain, whatever the row.
        let r: usize = row[1].parse().unwrap();
        if needs[r].is_empty() {
            needs[r] = format!("{}|{}", row[2], row[8]);
        }
        assert_eq!(needs[r], format!("{}|{}", row[2], row[8]));
    }
    let summary = std::fs::read_to_string(out.join("comparisons.csv")).unwrap();
    assert!(summary.contains("row=2,row=1,"), "baseline is row 1");

    // The same design with one thread: byte-identical runs.csv.
    let one = dir.path().join("one");
    ok(&mlgov(&[
        "run",
        &s,
        "--design",
        design.to_str().unwrap(),
        "--quiet",
        "--no-plots",
        "--threads",
        "1",
        "--out",
        one.to_str().unwrap(),
    ]));
    assert_eq!(
        std::fs::read(out.join("runs.csv")).unwrap(),
        std::fs::read(one.join("runs.csv")).unwrap()
    );

    // Resuming with another design is refused: it is another experiment.
    let other = dir.path().join("other.csv");
    std::fs::write(
        &other,
        "partnership.fairness,partnership.meeting_rate\n0.3,0.3\n0.5,0.4\n0.75,0.45\n",
    )
    .unwrap();
    let o = mlgov(&[
        "run",
        &s,
        "--design",
        other.to_str().unwrap(),
        "--resume",
        "--quiet",
        "--no-plots",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_ne!(o.status.code(), Some(0));
    assert!(
        String::from_utf8_lossy(&o.stderr).contains("identity"),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
}

#[test]
fn a_bad_design_is_refused_with_every_problem_naming_row_and_column() {
    let (dir, s) = setup();
    let design = dir.path().join("bad.csv");
    std::fs::write(
        &design,
        "partnership.fairness,partnership.meting_rate,governance.silos\n\
         0.5,0.4,3\n\
         1.5,0.4,3\n\
         0.5,abc,3\n\
         0.5,0.4\n\
         0.5,0.4,0\n",
    )
    .unwrap();
    let out = dir.path().join("out");
    let o = mlgov(&[
        "run",
        &s,
        "--design",
        design.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(2));
    let err = String::from_utf8_lossy(&o.stderr);
    for expected in [
        "5 problems",
        "row 2, column `partnership.fairness`: must be in [0, 1], got 1.5",
        "row 3, column `partnership.meting_rate`: `abc` is not a finite number",
        "row 4: 2 values, expected 3",
        "column `partnership.meting_rate`: is not a parameter of the scenario (did you mean `partnership.meeting_rate`?)",
        "row 5, column `governance.silos`: must be in",
    ] {
        assert!(err.contains(expected), "missing `{expected}` in:\n{err}");
    }
    assert!(!out.exists(), "nothing is written for a refused design");

    // A grid path cannot also be a design column.
    let grid = dir.path().join("grid.toml");
    std::fs::write(
        &grid,
        format!("{SCENARIO}\n[experiment.grid]\n\"partnership.trust.forgetting\" = [0.9, 0.95]\n"),
    )
    .unwrap();
    let d = dir.path().join("g.csv");
    std::fs::write(&d, "partnership.trust.forgetting\n0.93\n").unwrap();
    let o = mlgov(&[
        "run",
        grid.to_str().unwrap(),
        "--design",
        d.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&o.stderr).contains("is a path of [experiment] grid"),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    // An empty design.
    std::fs::write(&d, "partnership.fairness\n").unwrap();
    let o = mlgov(&[
        "run",
        &s,
        "--design",
        d.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("no rows"));
}
