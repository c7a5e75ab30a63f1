//! `mlgov run` and `mlgov merge` on the command line: bad arguments are
//! refused with a clear message and a non-zero exit, touching nothing, and
//! merging shards gives the single-machine result.

use crate::experiment_support::*;
use mlgov::experiment::{Shard, run_experiment};
use std::path::Path;
use std::process::Command;

fn mlgov(args: &[&str]) -> (bool, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_mlgov"))
        .args(args)
        .output()
        .expect("run mlgov");
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn path(p: &Path) -> &str {
    p.to_str().unwrap()
}

#[test]
fn bad_run_arguments_are_refused_without_touching_results() {
    let root = tempfile::tempdir().unwrap();
    let out = root.path().join("results");
    run_experiment(&clean_experiment(5, 1), &options(&out, 1, None)).unwrap();
    let before = snapshot(&out);
    let cases: [(&[&str], &str); 6] = [
        (
            &["--replications", "0"],
            "--replications 0: must be at least 1",
        ),
        (&["--threads", "0"], "--threads 0: must be at least 1"),
        (
            &["--shard", "4/3"],
            "--shard 4/3: K must be between 1 and N",
        ),
        (
            &["--shard", "0/3"],
            "--shard 0/3: K must be between 1 and N",
        ),
        (&["--shard", "x"], "--shard x: expected K/N"),
        (&["--shard", "1/0"], "--shard 1/0: N must be at least 1"),
    ];
    for (extra, expected) in cases {
        let mut args = vec!["run", "scenario.toml", "--out", path(&out)];
        args.extend_from_slice(extra);
        let (ok, stderr) = mlgov(&args);
        assert!(!ok, "{extra:?} should fail");
        assert!(stderr.contains(expected), "{extra:?}: {stderr}");
    }
    assert_eq!(snapshot(&out), before);
}

#[test]
fn merge_on_the_command_line() {
    let root = tempfile::tempdir().unwrap();
    let single = root.path().join("single");
    run_experiment(&experiment(40, 9), &options(&single, 2, None)).unwrap();
    let shard_dir = |k: u32| root.path().join(format!("shard-{k}"));
    for k in 1..=3 {
        let shard = Some(Shard { index: k, count: 3 });
        run_experiment(&experiment(40, 9), &options(&shard_dir(k), 1, shard)).unwrap();
    }
    let merged = root.path().join("merged");
    let (ok, stderr) = mlgov(&[
        "merge",
        path(&shard_dir(2)),
        path(&shard_dir(1)),
        path(&shard_dir(3)),
        "--out",
        path(&merged),
    ]);
    assert!(ok, "{stderr}");
    assert!(stderr.is_empty(), "the summary goes to stdout: {stderr}");
    assert_same_outputs(&single, &merged);

    let (ok, stderr) = mlgov(&[
        "merge",
        path(&shard_dir(1)),
        path(&shard_dir(3)),
        "--out",
        path(&root.path().join("m2")),
    ]);
    assert!(!ok);
    assert!(stderr.contains("missing shard 2/3"), "{stderr}");

    let foreign = root.path().join("foreign");
    let shard = Some(Shard { index: 2, count: 3 });
    run_experiment(&experiment(41, 9), &options(&foreign, 1, shard)).unwrap();
    let (ok, stderr) = mlgov(&[
        "merge",
        path(&shard_dir(1)),
        path(&foreign),
        path(&shard_dir(3)),
        "--out",
        path(&root.path().join("m3")),
    ]);
    assert!(!ok);
    assert!(
        stderr.contains("different experiments") && stderr.contains("replications"),
        "{stderr}"
    );
    assert!(!root.path().join("m3").exists());

    let (ok, stderr) = mlgov(&["merge", path(&shard_dir(1)), "--out", path(&merged)]);
    assert!(!ok);
    assert!(stderr.contains("already holds results"), "{stderr}");
}
