//! Determinism of the experiment engine: the CSV outputs are byte-identical
//! whatever the number of threads, however the replications are sharded and
//! merged, and however often the run is interrupted and resumed.

use crate::experiment_support::*;
use mlgov::experiment::{ExperimentError, Shard, merge_results, run_experiment};
use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

const REPS: u64 = 100;
const SEED: u64 = 20240607;

fn reference(root: &Path) -> PathBuf {
    let dir = root.join("reference");
    let outcome = run_experiment(&experiment(REPS, SEED), &options(&dir, 1, None)).unwrap();
    assert!(outcome.complete);
    dir
}

#[test]
fn thread_count_does_not_change_outputs() {
    let root = tempfile::tempdir().unwrap();
    let one = reference(root.path());
    for threads in [2, 3] {
        let dir = root.path().join(format!("t{threads}"));
        run_experiment(&experiment(REPS, SEED), &options(&dir, threads, None)).unwrap();
        assert_same_outputs(&one, &dir);
        assert!(dir.join("manifest.json").exists());
    }
    // A different seed does change them (so the comparison can fail).
    let other = root.path().join("other-seed");
    run_experiment(&experiment(REPS, SEED + 1), &options(&other, 2, None)).unwrap();
    assert_ne!(
        fs::read(one.join("summary.csv")).unwrap(),
        fs::read(other.join("summary.csv")).unwrap()
    );
}

#[test]
fn shards_merge_into_the_single_run() {
    let root = tempfile::tempdir().unwrap();
    let one = reference(root.path());
    let mut dirs = Vec::new();
    for k in [3u32, 1, 2] {
        let dir = root.path().join(format!("shard{k}"));
        let shard = Shard { index: k, count: 3 };
        let outcome = run_experiment(
            &experiment(REPS, SEED),
            &options(&dir, k as usize, Some(shard)),
        )
        .unwrap();
        assert!(outcome.complete);
        let manifest = fs::read_to_string(dir.join("manifest.json")).unwrap();
        assert!(manifest.contains(&format!("\"shard\": \"{k}/3\"")));
        dirs.push(dir);
    }
    // Shard 2/3 holds replications 33..66 only.
    let (_, rows) = read_csv(&dirs[2].join("runs.csv"));
    let reps: Vec<u64> = rows.iter().map(|r| r[1].parse().unwrap()).collect();
    assert_eq!((reps[0], *reps.last().unwrap()), (33, 65));

    let merged = root.path().join("merged");
    let outcome = merge_results(&dirs, &merged).unwrap();
    assert_eq!(outcome.shards, 3);
    assert_same_outputs(&one, &merged);
    let manifest: serde_json::Value =
        serde_json::from_str(&fs::read_to_string(merged.join("manifest.json")).unwrap()).unwrap();
    assert_eq!(manifest["shard"], serde_json::Value::Null);
    assert_eq!(manifest["replications"], REPS);
}

#[test]
fn merge_refuses_incomplete_duplicate_and_foreign_shards() {
    let root = tempfile::tempdir().unwrap();
    let run = |name: &str, seed: u64, k: u32, n: u32| {
        let dir = root.path().join(name);
        let shard = Some(Shard { index: k, count: n });
        run_experiment(&clean_experiment(20, seed), &options(&dir, 1, shard)).unwrap();
        dir
    };
    let s1 = run("s1", 1, 1, 3);
    let s2 = run("s2", 1, 2, 3);
    let s3 = run("s3", 1, 3, 3);
    let foreign = run("foreign", 2, 2, 3);
    let other_n = run("other-n", 1, 2, 4);
    let msg = |dirs: &[PathBuf]| {
        merge_results(dirs, &root.path().join("out"))
            .unwrap_err()
            .to_string()
    };

    assert!(msg(&[s1.clone(), s3.clone()]).contains("missing shard 2/3"));
    let dup = msg(&[s1.clone(), s2.clone(), s2.clone(), s3.clone()]);
    assert!(dup.contains("shard 2/3 given twice"), "{dup}");
    let diff = msg(&[s1.clone(), foreign.clone(), s3.clone()]);
    assert!(
        diff.contains("different experiments") && diff.contains("seed"),
        "{diff}"
    );
    assert!(msg(&[s1.clone(), other_n]).contains("same N"));
    assert!(msg(&[]).contains("no shard directories"));
    assert!(msg(&[root.path().join("nothing-here")]).contains("state.bin"));
    assert!(!root.path().join("out").join("runs.csv").exists());

    // An unfinished shard is refused too.
    let partial = root.path().join("partial");
    let mut o = options(&partial, 1, Some(Shard { index: 2, count: 3 }));
    o.stop_after_waves = Some(1);
    let mut e = clean_experiment(200, 1);
    e.replications = 200;
    run_experiment(&e, &o).unwrap();
    let m = merge_results(&[partial], &root.path().join("out"))
        .unwrap_err()
        .to_string();
    assert!(m.contains("not finished"), "{m}");

    // The merge target must not hold results.
    let err = merge_results(&[s1.clone(), s2.clone(), s3.clone()], &s1).unwrap_err();
    assert!(matches!(err, ExperimentError::OutputExists { .. }));
    merge_results(&[s1, s2, s3], &root.path().join("good")).unwrap();
}

/// Runs with `stop_after_waves = 1` until complete, changing the thread
/// count each time.
fn run_interrupted(dir: &Path) -> usize {
    let mut invocations = 0;
    loop {
        let mut o = options(dir, 1 + invocations % 2, None);
        o.resume = invocations > 0;
        o.stop_after_waves = Some(1);
        invocations += 1;
        let outcome = run_experiment(&experiment(REPS, SEED), &o).unwrap();
        assert_eq!(outcome.resumed, invocations > 1);
        if outcome.complete {
            return invocations;
        }
        assert!(!dir.join("manifest.json").exists());
    }
}

#[test]
fn interrupted_and_resumed_runs_match() {
    let root = tempfile::tempdir().unwrap();
    let one = reference(root.path());
    let dir = root.path().join("interrupted");
    assert!(run_interrupted(&dir) >= 3);
    assert_same_outputs(&one, &dir);
}

#[test]
fn resume_drops_rows_written_after_the_checkpoint() {
    let root = tempfile::tempdir().unwrap();
    let one = reference(root.path());
    let dir = root.path().join("killed");
    let state = dir.join(".mlgov/state.bin");
    let mut o = options(&dir, 1, None);
    o.stop_after_waves = Some(1);
    run_experiment(&experiment(REPS, SEED), &o).unwrap();
    let first_checkpoint = fs::read(&state).unwrap();
    // A second wave appends rows and checkpoints; then "the kill" happens just
    // before that checkpoint: restore the first one. runs.csv now holds a
    // whole wave of rows past the checkpoint, plus half a row in flight.
    o.resume = true;
    run_experiment(&experiment(REPS, SEED), &o).unwrap();
    fs::write(&state, &first_checkpoint).unwrap();
    let mut runs = fs::OpenOptions::new()
        .append(true)
        .open(dir.join("runs.csv"))
        .unwrap();
    runs.write_all(b"flaky,40,1234,fa").unwrap();
    drop(runs);

    o.stop_after_waves = None;
    o.threads = 3;
    let outcome = run_experiment(&experiment(REPS, SEED), &o).unwrap();
    assert!(outcome.complete && outcome.resumed);
    assert_same_outputs(&one, &dir);
    let (_, rows) = read_csv(&dir.join("runs.csv"));
    assert_eq!(rows.len() as u64, REPS * 6);

    // Resuming a finished run just rewrites the same outputs.
    run_experiment(&experiment(REPS, SEED), &o).unwrap();
    assert_same_outputs(&one, &dir);
}

#[test]
fn resume_refuses_other_experiments_and_damaged_files_touching_nothing() {
    let root = tempfile::tempdir().unwrap();
    let dir = root.path().join("partial");
    let mut o = options(&dir, 1, None);
    o.stop_after_waves = Some(1);
    run_experiment(&experiment(REPS, SEED), &o).unwrap();
    let before = snapshot(&dir);
    o.resume = true;

    let mut other_seed = experiment(REPS, SEED + 1);
    let err = run_experiment(&other_seed, &o).unwrap_err().to_string();
    assert!(
        err.contains("cannot resume") && err.contains("seed"),
        "{err}"
    );
    other_seed = experiment(REPS + 1, SEED);
    assert!(
        run_experiment(&other_seed, &o)
            .unwrap_err()
            .to_string()
            .contains("replications")
    );
    let mut renamed = experiment(REPS, SEED);
    renamed.identity = "toy-v2".into();
    assert!(
        run_experiment(&renamed, &o)
            .unwrap_err()
            .to_string()
            .contains("identity")
    );
    let mut fewer = experiment(REPS, SEED);
    fewer.configurations.pop();
    assert!(
        run_experiment(&fewer, &o)
            .unwrap_err()
            .to_string()
            .contains("configurations")
    );
    let mut sharded = o.clone();
    sharded.shard = Some(Shard { index: 1, count: 2 });
    assert!(
        run_experiment(&experiment(REPS, SEED), &sharded)
            .unwrap_err()
            .to_string()
            .contains("shard")
    );

    // Without --resume an existing result directory is refused.
    let fresh = options(&dir, 1, None);
    let err = run_experiment(&experiment(REPS, SEED), &fresh).unwrap_err();
    assert!(matches!(err, ExperimentError::OutputExists { .. }));
    assert!(err.to_string().contains("--resume"));
    assert_eq!(
        snapshot(&dir),
        before,
        "a refused run must not touch the directory"
    );

    // A runs.csv shorter than the checkpoint says is refused.
    let runs = dir.join("runs.csv");
    let bytes = fs::read(&runs).unwrap();
    fs::write(&runs, &bytes[..bytes.len() - 10]).unwrap();
    let err = run_experiment(&experiment(REPS, SEED), &o)
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("runs.csv line") && err.contains("truncated"),
        "{err}"
    );
    // A damaged checkpoint is refused.
    fs::write(&runs, &bytes).unwrap();
    let state = dir.join(".mlgov/state.bin");
    let mut s = fs::read(&state).unwrap();
    let mid = s.len() / 2;
    s[mid] ^= 0xff;
    fs::write(&state, &s).unwrap();
    let err = run_experiment(&experiment(REPS, SEED), &o)
        .unwrap_err()
        .to_string();
    assert!(err.contains("checksum"), "{err}");
}

#[test]
fn empty_or_missing_directories_are_fine_even_with_resume() {
    let root = tempfile::tempdir().unwrap();
    let empty = root.path().join("empty");
    fs::create_dir(&empty).unwrap();
    fs::write(empty.join("notes.txt"), "mine").unwrap();
    run_experiment(&clean_experiment(10, 1), &options(&empty, 2, None)).unwrap();
    assert_eq!(fs::read_to_string(empty.join("notes.txt")).unwrap(), "mine");
    let mut o = options(&root.path().join("new/nested"), 2, None);
    o.resume = true;
    let outcome = run_experiment(&clean_experiment(10, 1), &o).unwrap();
    assert!(outcome.complete && !outcome.resumed);
}

#[test]
fn a_start_killed_before_runs_csv_exists_can_resume() {
    let root = tempfile::tempdir().unwrap();
    let one = root.path().join("one");
    run_experiment(&clean_experiment(20, 5), &options(&one, 1, None)).unwrap();
    // Stop right after the first checkpoint, then lose runs.csv as if the
    // process had been killed before creating it.
    let dir = root.path().join("dir");
    let mut o = options(&dir, 1, None);
    o.stop_after_waves = Some(0);
    let outcome = run_experiment(&clean_experiment(20, 5), &o).unwrap();
    assert!(!outcome.complete);
    fs::remove_file(dir.join("runs.csv")).unwrap();
    o.stop_after_waves = None;
    o.resume = true;
    run_experiment(&clean_experiment(20, 5), &o).unwrap();
    assert_same_outputs(&one, &dir);
}

#[test]
fn invalid_experiments_are_refused() {
    let root = tempfile::tempdir().unwrap();
    let dir = root.path().join("x");
    let err = |e: &mlgov::experiment::Experiment<Toy>, o: &mlgov::experiment::RunOptions| {
        run_experiment(e, o).unwrap_err().to_string()
    };
    assert_eq!(
        err(&experiment(0, 1), &options(&dir, 1, None)),
        "--replications 0: must be at least 1"
    );
    assert_eq!(
        err(&experiment(5, 1), &options(&dir, 0, None)),
        "--threads 0: must be at least 1"
    );
    let bad_shard = Some(Shard { index: 4, count: 3 });
    assert_eq!(
        err(&experiment(5, 1), &options(&dir, 1, bad_shard)),
        "--shard 4/3: K must be between 1 and N"
    );
    let mut e = experiment(5, 1);
    e.baseline = 9;
    assert!(err(&e, &options(&dir, 1, None)).contains("baseline 9"));
    let mut e = experiment(5, 1);
    e.configurations[1].name = "base".into();
    assert!(err(&e, &options(&dir, 1, None)).contains("`base` is used twice"));
    assert!(!dir.exists());
}

#[test]
fn remove_results_clears_only_the_engines_files_so_a_run_can_repeat() {
    let root = tempfile::tempdir().unwrap();
    let dir = reference(root.path());
    fs::write(dir.join("notes.txt"), "mine").unwrap();
    // A second run into the same folder is refused ...
    assert!(run_experiment(&experiment(REPS, SEED), &options(&dir, 1, None)).is_err());
    // ... until the previous results are removed; other files stay.
    assert!(mlgov::experiment::remove_results(&dir).unwrap());
    for name in ["runs.csv", "summary.csv", "manifest.json", ".mlgov"] {
        assert!(!dir.join(name).exists(), "{name} left behind");
    }
    assert_eq!(fs::read_to_string(dir.join("notes.txt")).unwrap(), "mine");
    assert!(!mlgov::experiment::remove_results(&dir).unwrap());
    run_experiment(&experiment(REPS, SEED), &options(&dir, 1, None)).unwrap();
    let again = root.path().join("again");
    run_experiment(&experiment(REPS, SEED), &options(&again, 1, None)).unwrap();
    assert_same_outputs(&dir, &again);
}
