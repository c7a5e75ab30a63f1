//! `--save-trajectories`: every successful run's monthly observations in
//! `run_trajectories.csv.gz`, equal to a replay of the run, consistent with
//! `trajectories.csv`, and byte-identical across threads, shards and resume.

use crate::experiment_support::{options, read_csv};
use mlgov::experiment::{
    RUN_TRAJECTORIES, RunOptions, Shard, merge_results, run_experiment, run_trajectory_columns,
};
use mlgov::partnership::GovernanceModel;
use mlgov::scenario::{Scenario, ScenarioSpace};
use mlgov::sim::{Model, ParameterSpace, parse_seed, run_single};
use std::collections::HashMap;
use std::io::Read;
use std::path::Path;

const SCENARIO: &str = r#"
[scenario]
name = "trajectories"

[experiment]
seed = 3
replications = 40
months = 10

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

fn saving(out: &Path, threads: usize, shard: Option<Shard>) -> RunOptions {
    let mut o = options(out, threads, shard);
    o.save_trajectories = true;
    o
}

fn unzip(path: &Path) -> String {
    let mut text = String::new();
    flate2::read::MultiGzDecoder::new(std::fs::File::open(path).unwrap())
        .read_to_string(&mut text)
        .unwrap();
    text
}

#[test]
fn saved_trajectories_are_the_runs_and_agree_with_the_tables() {
    let s = Scenario::from_toml(SCENARIO, "t.toml").unwrap();
    let exp = s.experiment();
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    run_experiment(&exp, &saving(&out, 2, None)).unwrap();
    let text = unzip(&out.join(RUN_TRAJECTORIES));
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    let header: Vec<String> = reader.headers().unwrap().iter().map(String::from).collect();
    let observables = GovernanceModel.observables();
    assert_eq!(header, run_trajectory_columns(&observables));
    let rows: Vec<Vec<String>> = reader
        .records()
        .map(|r| r.unwrap().iter().map(String::from).collect())
        .collect();
    assert_eq!(rows.len(), 2 * 40 * 10);

    // Each run's months equal a replay of the run from runs.csv (its seed
    // and recorded inputs).
    let (runs_header, runs) = read_csv(&out.join("runs.csv"));
    let col = |name: &str| runs_header.iter().position(|c| c == name).unwrap();
    let by_run: HashMap<(String, String), Vec<&Vec<String>>> =
        rows.iter().fold(HashMap::new(), |mut m, r| {
            m.entry((r[0].clone(), r[1].clone())).or_default().push(r);
            m
        });
    for run in runs.iter().step_by(7) {
        let c = s.configuration_index(&run[0]).unwrap();
        let space = ScenarioSpace::new(&s.configurations()[c]);
        let x: Vec<f64> = space
            .names()
            .iter()
            .map(|n| run[col(n)].parse().unwrap())
            .collect();
        let params = space.build(&x).unwrap();
        let seed = parse_seed(&run[2]).unwrap();
        let replay = run_single(&GovernanceModel, &params, exp.months, seed).unwrap();
        let months = &by_run[&(run[0].clone(), run[1].clone())];
        assert_eq!(months.len(), 10);
        for (t, (row, want)) in months.iter().zip(&replay.observations).enumerate() {
            assert_eq!(row[2], (t + 1).to_string());
            let got: Vec<f64> = row[3..].iter().map(|v| v.parse().unwrap()).collect();
            assert_eq!(
                &got,
                want,
                "{} replication {} month {}",
                run[0],
                run[1],
                t + 1
            );
        }
    }

    // The mean over runs of an observable at a month is the one in
    // trajectories.csv (which sums the values in fixed point: 2^-48).
    let (_, table) = read_csv(&out.join("trajectories.csv"));
    let k = header.iter().position(|h| h == "trust_mean").unwrap();
    for config in ["plain", "exchanges"] {
        for month in ["1", "10"] {
            let values: Vec<f64> = rows
                .iter()
                .filter(|r| r[0] == config && r[2] == month)
                .map(|r| r[k].parse().unwrap())
                .collect();
            let mean = values.iter().sum::<f64>() / values.len() as f64;
            let row = table
                .iter()
                .find(|r| r[0] == config && r[1] == month && r[2] == "trust_mean")
                .unwrap();
            let reported: f64 = row[3].parse().unwrap();
            assert!(
                (mean - reported).abs() < 1e-12,
                "{config} {month}: {mean} vs {reported}"
            );
        }
    }
}

#[test]
fn saved_trajectories_are_identical_across_threads_shards_and_resume() {
    let exp = Scenario::from_toml(SCENARIO, "t.toml")
        .unwrap()
        .experiment();
    let dir = tempfile::tempdir().unwrap();
    let bytes = |d: &Path| std::fs::read(d.join(RUN_TRAJECTORIES)).unwrap();
    let one = dir.path().join("one");
    run_experiment(&exp, &saving(&one, 1, None)).unwrap();
    let three = dir.path().join("three");
    run_experiment(&exp, &saving(&three, 3, None)).unwrap();
    assert_eq!(bytes(&one), bytes(&three));

    // Shards of 13 and 14 and 13 replications: their blocks do not line up
    // with a single run's, the file still does.
    let shards: Vec<_> = (1..=3)
        .map(|k| {
            let d = dir.path().join(format!("shard{k}"));
            run_experiment(&exp, &saving(&d, 2, Some(Shard { index: k, count: 3 }))).unwrap();
            d
        })
        .collect();
    let merged = dir.path().join("merged");
    merge_results(&shards, &merged).unwrap();
    assert_eq!(bytes(&one), bytes(&merged));

    // Interrupted after one wave (32 replications with one thread), with a
    // partial wave's bytes left behind as by a kill, then resumed.
    let resumed = dir.path().join("resumed");
    let mut o = saving(&resumed, 1, None);
    o.stop_after_waves = Some(1);
    assert!(!run_experiment(&exp, &o).unwrap().complete);
    let path = resumed.join(RUN_TRAJECTORIES);
    let mut partial = std::fs::read(&path).unwrap();
    partial.extend_from_slice(&bytes(&one)[..100]);
    std::fs::write(&path, &partial).unwrap();
    let mut o = saving(&resumed, 2, None);
    o.resume = true;
    assert!(run_experiment(&exp, &o).unwrap().complete);
    assert_eq!(bytes(&one), bytes(&resumed));

    // Without the option there is no such file, and resuming a run with it
    // under the other setting is refused as another experiment.
    let plain = dir.path().join("plain");
    run_experiment(&exp, &options(&plain, 2, None)).unwrap();
    assert!(!plain.join(RUN_TRAJECTORIES).exists());
    let mut o = options(&one, 1, None);
    o.resume = true;
    let err = run_experiment(&exp, &o).unwrap_err().to_string();
    assert!(err.contains("saved trajectories"), "{err}");

    // A changed byte before the checkpoint is refused on resume.
    let damaged = dir.path().join("damaged");
    let mut o = saving(&damaged, 1, None);
    o.stop_after_waves = Some(1);
    run_experiment(&exp, &o).unwrap();
    let path = damaged.join(RUN_TRAJECTORIES);
    let mut b = std::fs::read(&path).unwrap();
    let last = b.len() - 1;
    b[last] ^= 1;
    std::fs::write(&path, &b).unwrap();
    let mut o = saving(&damaged, 1, None);
    o.resume = true;
    let err = run_experiment(&exp, &o).unwrap_err().to_string();
    assert!(err.contains("checksum"), "{err}");
}
