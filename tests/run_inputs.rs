//! `runs.csv` records each run's inputs (factors and the values drawn for the
//! uncertain parameters) next to its outcomes, in the documented order; the
//! recorded values are the ones the run used (a run rebuilt from them alone
//! reproduces its final metrics exactly); and the file stays byte-identical
//! across threads, shards and resume.

use crate::experiment_support::{assert_same_outputs, options, read_csv};
use mlgov::experiment::{Shard, merge_results, run_experiment, runs_columns};
use mlgov::partnership::GovernanceModel;
use mlgov::scenario::{Param, Scenario, ScenarioSpace};
use mlgov::sim::{
    Configuration, InputValue, Model, ModelError, parse_seed, run_seed, run_single, seed_text,
};
use std::collections::HashMap;

const SCENARIO: &str = r#"
[scenario]
name = "inputs"

[experiment]
seed = 7
replications = 40
months = 12
assignments = ["N-N-L"]
grid = { "partnership.trust.forgetting" = [0.93, 0.96] }

[governance]
needs_variance = { dist = "uniform", low = 0.5, high = 1.5 }

[partnership]
fairness = { dist = "beta", alpha = 6, beta = 4 }

[[variants]]
name = "plain"

[[variants]]
name = "led"
set = { "interventions.leadership" = { dist = "uniform", low = 0.2, high = 0.8 } }
"#;

fn scenario() -> Scenario {
    Scenario::from_toml(SCENARIO, "inputs.toml").unwrap()
}

#[test]
fn runs_csv_holds_inputs_then_metrics_in_the_documented_order() {
    let s = scenario();
    let exp = s.experiment();
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    run_experiment(&exp, &options(&out, 2, None)).unwrap();
    let (header, rows) = read_csv(&out.join("runs.csv"));

    // Factors first (variant, assignment, grid path), then the union of the
    // uncertain parameters: the first configuration's in path order, then the
    // one only the `led` variant makes uncertain.
    let uncertain = [
        "governance.needs_variance",
        "partnership.fairness",
        "interventions.leadership",
    ];
    let mut expected: Vec<String> = ["configuration", "replication", "seed", "status", "reason"]
        .into_iter()
        .chain([
            "variant",
            "governance.assignment",
            "partnership.trust.forgetting",
        ])
        .chain(uncertain)
        .map(String::from)
        .collect();
    expected.extend(GovernanceModel.final_metrics());
    assert_eq!(header, expected);
    assert_eq!(
        header,
        runs_columns(&s.input_columns(), &GovernanceModel.final_metrics())
    );
    assert_eq!(s.uncertain_paths(), uncertain);

    let col: HashMap<&str, usize> = header
        .iter()
        .enumerate()
        .map(|(i, h)| (h.as_str(), i))
        .collect();
    let first_metric = col[GovernanceModel.final_metrics()[0].as_str()];
    let mut needs_by_rep: HashMap<String, String> = HashMap::new();
    assert_eq!(rows.len(), 4 * 40);
    for row in &rows {
        let c = s.configuration_index(&row[0]).unwrap();
        let config = &s.configurations()[c];
        let rep: u64 = row[1].parse().unwrap();
        let seed = parse_seed(&row[2]).unwrap();
        assert_eq!(seed, run_seed(exp.seed, rep));
        assert_eq!(row[2], seed_text(seed));
        assert_eq!(row[3], "ok", "{row:?}");
        // Factors as the configuration's name says.
        let variant = if row[0].starts_with("led/") {
            "led"
        } else {
            "plain"
        };
        assert_eq!(row[col["variant"]], variant);
        assert_eq!(row[col["governance.assignment"]], "N-N-L");
        let level = &row[col["partnership.trust.forgetting"]];
        assert!(row[0].ends_with(&format!("forgetting={level}")), "{row:?}");
        // Common random numbers: the parameter uncertain in every
        // configuration takes the same value in every configuration of a
        // replication.
        let needs = row[col["governance.needs_variance"]].clone();
        let v: f64 = needs.parse().unwrap();
        assert!((0.5..=1.5).contains(&v));
        if let Some(prev) = needs_by_rep.insert(row[1].clone(), needs.clone()) {
            assert_eq!(prev, needs, "replication {rep}");
        }
        // Where `interventions.leadership` is fixed, the cell is its value.
        if variant == "plain" {
            let mut spec = config.spec.clone();
            let mut fixed = None;
            spec.for_each_param(&mut |slot| {
                if let (true, Param::Fixed(v)) =
                    (slot.path == "interventions.leadership", &*slot.param)
                {
                    fixed = Some(*v);
                }
            });
            let cell: f64 = row[col["interventions.leadership"]].parse().unwrap();
            assert_eq!(Some(cell), fixed);
        }
        // The recorded values are the run's: the configuration's uncertain
        // parameters set to them, with the run's seed for the dynamics,
        // reproduce the final metrics bit for bit.
        let space = ScenarioSpace::new(config);
        use mlgov::sim::ParameterSpace;
        let x: Vec<f64> = space
            .names()
            .iter()
            .map(|n| row[col[n.as_str()]].parse().unwrap())
            .collect();
        let params = space.build(&x).unwrap();
        let replay = run_single(&GovernanceModel, &params, exp.months, seed).unwrap();
        let finals: Vec<f64> = row[first_metric..]
            .iter()
            .map(|v| v.parse().unwrap())
            .collect();
        assert_eq!(finals, replay.finals, "{row:?}");
        // And the library gives the same inputs for the run.
        let inputs = exp.configurations[c].inputs_for_run(seed).unwrap();
        assert_eq!(inputs.len(), s.input_columns().len());
        for (k, v) in inputs.iter().enumerate() {
            let cell = &row[5 + k];
            match v {
                InputValue::Number(x) => assert_eq!(cell.parse::<f64>().unwrap(), *x),
                InputValue::Text(t) => assert_eq!(cell, t),
                InputValue::Missing => assert_eq!(cell, ""),
            }
        }
    }
}

#[test]
fn runs_csv_with_inputs_is_identical_across_threads_shards_and_resume() {
    let exp = scenario().experiment();
    let dir = tempfile::tempdir().unwrap();
    let one = dir.path().join("one");
    run_experiment(&exp, &options(&one, 1, None)).unwrap();
    let three = dir.path().join("three");
    run_experiment(&exp, &options(&three, 3, None)).unwrap();
    assert_same_outputs(&one, &three);

    let shards: Vec<_> = (1..=2)
        .map(|k| {
            let d = dir.path().join(format!("shard{k}"));
            let shard = Shard { index: k, count: 2 };
            run_experiment(&exp, &options(&d, 2, Some(shard))).unwrap();
            d
        })
        .collect();
    let merged = dir.path().join("merged");
    merge_results(&shards, &merged).unwrap();
    assert_same_outputs(&one, &merged);

    // One thread makes waves of 32 replications: stop after the first, then
    // resume with another number of threads.
    let resumed = dir.path().join("resumed");
    let mut o = options(&resumed, 1, None);
    o.stop_after_waves = Some(1);
    assert!(!run_experiment(&exp, &o).unwrap().complete);
    let mut o = options(&resumed, 2, None);
    o.resume = true;
    assert!(run_experiment(&exp, &o).unwrap().complete);
    assert_same_outputs(&one, &resumed);
}

/// A model of one's own records inputs with `Configuration::with_inputs`;
/// the engine refuses configurations that record different columns, and a
/// column name used twice.
#[test]
fn custom_inputs_are_recorded_and_checked() {
    use mlgov::experiment::toy::RandomWalk;
    let with = |name: &str, drift: f64, names: &[&str]| -> Configuration<_> {
        RandomWalk::configuration(name, drift).with_inputs(
            names.iter().map(|s| s.to_string()).collect(),
            move |rng: &mut mlgov::sim::SimRng| {
                use rand::RngExt;
                let x: f64 = rng.random();
                Ok(vec![
                    InputValue::Number(drift),
                    InputValue::Text(format!("x{}", (x * 10.0) as u32)),
                ])
            },
        )
    };
    let exp = |configurations| mlgov::experiment::Experiment {
        model: RandomWalk::new(1),
        configurations,
        baseline: 0,
        replications: 5,
        months: 3,
        seed: 3,
        identity: "inputs".into(),
        scenario_name: "walk".into(),
    };
    let dir = tempfile::tempdir().unwrap();
    let ok = exp(vec![
        with("flat", 0.0, &["drift", "bucket"]),
        with("up", 0.5, &["drift", "bucket"]),
    ]);
    run_experiment(&ok, &options(&dir.path().join("ok"), 1, None)).unwrap();
    let (header, rows) = read_csv(&dir.path().join("ok/runs.csv"));
    assert_eq!(header[5..7], ["drift", "bucket"]);
    for row in &rows {
        let drift = if row[0] == "up" { "0.5" } else { "0" };
        assert_eq!(row[5], drift);
        assert!(row[6].starts_with('x'));
    }
    // Replication k draws the same bucket in both configurations (the inputs
    // come from the run's parameter stream).
    assert_eq!(rows[0][6], rows[1][6]);

    let differ = exp(vec![
        with("flat", 0.0, &["drift", "bucket"]),
        with("up", 0.5, &["drift", "other"]),
    ]);
    let err = run_experiment(&differ, &options(&dir.path().join("d"), 1, None))
        .unwrap_err()
        .to_string();
    assert!(err.contains("same input columns"), "{err}");
    let clash = exp(vec![with("flat", 0.0, &["seed", "bucket"])]);
    let err = run_experiment(&clash, &options(&dir.path().join("c"), 1, None))
        .unwrap_err()
        .to_string();
    assert!(err.contains("`seed` would appear twice"), "{err}");

    // An input that cannot be drawn fails the run with the reason; the
    // experiment carries on.
    let failing = exp(vec![
        with("flat", 0.0, &["drift", "bucket"]),
        RandomWalk::configuration("broken", 0.1)
            .with_inputs(vec!["drift".into(), "bucket".into()], |_| {
                Err(ModelError::new("no inputs here"))
            }),
    ]);
    let out = dir.path().join("f");
    let outcome = run_experiment(&failing, &options(&out, 1, None)).unwrap();
    assert_eq!(outcome.runs_failed, 5);
    let (_, rows) = read_csv(&out.join("runs.csv"));
    let broken = rows.iter().find(|r| r[0] == "broken").unwrap();
    assert_eq!(broken[3], "failed");
    assert!(broken[4].contains("no inputs here"), "{broken:?}");
    assert_eq!(broken[5..7], ["", ""]);
}
