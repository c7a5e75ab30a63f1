//! `mlgov check` and `mlgov simulate` from the outside.

use std::path::{Path, PathBuf};
use std::process::Command;

fn mlgov() -> Command {
    Command::new(env!("CARGO_BIN_EXE_mlgov"))
}

fn temp_dir(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("mlgov-cli-core-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

fn write(dir: &Path, name: &str, text: &[u8]) -> PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, text).unwrap();
    p
}

#[test]
fn check_ok_prints_one_line_and_exits_0() {
    let out = mlgov()
        .args(["check", "examples/scenarios/lloyd_grid.toml"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8(out.stdout).unwrap();
    assert_eq!(text.lines().count(), 1);
    assert!(text.contains("27 configurations"), "{text}");
}

#[test]
fn check_lists_every_error_and_exits_2() {
    let d = temp_dir("check");
    let f = write(
        &d,
        "bad.toml",
        b"[partnership.trust]\nforgetting = 1.7\nprior = 3\n[governance]\nsilo = 2\n",
    );
    let out = mlgov().arg("check").arg(&f).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(err.contains("bad.toml: 3 problems"), "{err}");
    assert!(
        err.contains("partnership.trust.forgetting: must be in (0, 1], got 1.7"),
        "{err}"
    );
    assert!(
        err.contains("partnership.trust.prior: must be in [0, 1], got 3"),
        "{err}"
    );
    assert!(
        err.contains("governance.silo: unknown field (did you mean `silos`?)"),
        "{err}"
    );
    // Missing and binary files.
    let out = mlgov()
        .arg("check")
        .arg(d.join("missing.toml"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(
        String::from_utf8(out.stderr)
            .unwrap()
            .contains("cannot read the file")
    );
    let g = write(&d, "garbage.toml", &[0x89, b'P', b'N', b'G', 0, 0xff, 0xfe]);
    let out = mlgov().arg("check").arg(&g).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(
        String::from_utf8(out.stderr)
            .unwrap()
            .contains("not a text file")
    );
}

#[test]
fn simulate_writes_one_row_per_month_and_is_deterministic() {
    let d = temp_dir("simulate");
    let f = write(&d, "s.toml", b"[experiment]\nmonths = 36\n");
    for sub in ["a", "b"] {
        let out = mlgov()
            .arg("simulate")
            .arg(&f)
            .args(["--seed", "5", "--out"])
            .arg(d.join(sub))
            .output()
            .unwrap();
        assert_eq!(
            out.status.code(),
            Some(0),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    let a = std::fs::read_to_string(d.join("a/run.csv")).unwrap();
    let b = std::fs::read_to_string(d.join("b/run.csv")).unwrap();
    assert_eq!(a, b);
    let header = a.lines().next().unwrap();
    for col in [
        "month",
        "trust_mean",
        "trust_min",
        "vision_dispersion",
        "transaction_cost",
        "transaction_cost_cumulative",
        "delivery",
        "fit",
        "value_added",
        "active_partners",
        "phase",
    ] {
        assert!(
            header.split(',').any(|c| c == col),
            "missing {col} in {header}"
        );
    }
    assert_eq!(a.lines().count(), 37);
    // Another seed gives another run.
    let out = mlgov()
        .arg("simulate")
        .arg(&f)
        .args(["--seed", "6", "--out"])
        .arg(d.join("c"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert_ne!(std::fs::read_to_string(d.join("c/run.csv")).unwrap(), a);
}

#[test]
fn simulate_refuses_bad_input_without_writing() {
    let d = temp_dir("simbad");
    let f = write(&d, "bad.toml", b"[experiment]\nmonths = 0\n");
    let out = mlgov()
        .arg("simulate")
        .arg(&f)
        .arg("--out")
        .arg(d.join("o"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(!d.join("o/run.csv").exists());
    let ok = write(&d, "ok.toml", b"");
    let out = mlgov()
        .arg("simulate")
        .arg(&ok)
        .args(["--configuration", "nope", "--out"])
        .arg(d.join("o"))
        .output()
        .unwrap();
    assert_ne!(out.status.code(), Some(0));
    assert!(
        String::from_utf8(out.stderr)
            .unwrap()
            .contains("no configuration named \"nope\"")
    );
}

/// `mlgov simulate --replication K` and `--seed <runs.csv seed>` reproduce
/// replication K of `mlgov run`: the last month of `run.csv` carries the
/// run's final mean trust and cumulative cost.
#[test]
fn simulate_reproduces_a_replication_of_run() {
    let d = temp_dir("reproduce");
    let f = write(
        &d,
        "s.toml",
        b"[experiment]\nmonths = 30\nreplications = 3\nseed = 11\n[governance]\nneeds_variance = { dist = \"uniform\", low = 0.5, high = 1.5 }\n",
    );
    let out = mlgov()
        .arg("run")
        .arg(&f)
        .args(["--quiet", "--no-plots", "--out"])
        .arg(d.join("mc"))
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let runs = std::fs::read_to_string(d.join("mc/runs.csv")).unwrap();
    let header: Vec<&str> = runs.lines().next().unwrap().split(',').collect();
    let col = |name: &str| header.iter().position(|c| *c == name).unwrap();
    let row: Vec<&str> = runs
        .lines()
        .skip(1)
        .map(|l| l.split(',').collect::<Vec<_>>())
        .find(|r| r[col("replication")] == "2")
        .expect("replication 2 in runs.csv");
    let seed = row[col("seed")].to_string();
    let trust: f64 = row[col("trust_mean")].parse().unwrap();
    let cost: f64 = row[col("transaction_cost_total")].parse().unwrap();
    for (sub, args) in [
        ("by_replication", vec!["--replication", "2"]),
        ("by_seed", vec!["--seed", seed.as_str()]),
    ] {
        let out = mlgov()
            .arg("simulate")
            .arg(&f)
            .args(&args)
            .arg("--out")
            .arg(d.join(sub))
            .output()
            .unwrap();
        assert_eq!(
            out.status.code(),
            Some(0),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let csv = std::fs::read_to_string(d.join(sub).join("run.csv")).unwrap();
        let head: Vec<&str> = csv.lines().next().unwrap().split(',').collect();
        let last: Vec<&str> = csv.lines().last().unwrap().split(',').collect();
        let at = |name: &str| -> f64 {
            last[head.iter().position(|c| *c == name).unwrap()]
                .parse()
                .unwrap()
        };
        assert!(
            (at("trust_mean") - trust).abs() < 1e-9,
            "{sub}: {} vs {trust}",
            at("trust_mean")
        );
        assert!(
            (at("transaction_cost_cumulative") - cost).abs() < 1e-6 * cost.max(1.0),
            "{sub}"
        );
    }
    // --seed and --replication together are refused.
    let out = mlgov()
        .arg("simulate")
        .arg(&f)
        .args(["--seed", "1", "--replication", "1", "--out"])
        .arg(d.join("both"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(!d.join("both").exists());
}

#[test]
fn configuration_names_match_without_case_and_unknown_ones_are_listed() {
    let d = temp_dir("case");
    let grid = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/examples/scenarios/lloyd_grid.toml"
    );
    let run = |conf: &str, out: &str| {
        mlgov()
            .args([
                "simulate",
                grid,
                "--configuration",
                conf,
                "--months",
                "6",
                "--out",
            ])
            .arg(d.join(out))
            .output()
            .unwrap()
    };
    let lower = run("n-r-l", "lower");
    assert_eq!(
        lower.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&lower.stderr)
    );
    let upper = run("N-R-L", "upper");
    assert_eq!(upper.status.code(), Some(0));
    assert_eq!(
        std::fs::read(d.join("lower/run.csv")).unwrap(),
        std::fs::read(d.join("upper/run.csv")).unwrap()
    );
    let bad = run("X-R-L", "bad");
    assert_eq!(bad.status.code(), Some(1));
    let err = String::from_utf8_lossy(&bad.stderr);
    assert!(
        err.contains("no configuration named \"X-R-L\"") && err.contains("L-L-L"),
        "{err}"
    );
    assert!(!d.join("bad").exists());
}

#[cfg(unix)]
#[test]
fn a_closed_pipe_ends_the_output_without_a_panic() {
    // The pipe's reader is gone before mlgov starts, so its first write fails.
    let (reader, writer) = std::io::pipe().unwrap();
    drop(reader);
    let out = mlgov()
        .arg("examples")
        .stdout(writer)
        .stderr(std::process::Stdio::piped())
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(!err.contains("panicked"), "{err}");
    assert!(!out.status.success());
}
