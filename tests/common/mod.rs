//! Helpers shared by the integration tests: paired Monte Carlo comparisons
//! of two configurations of a scenario (common random numbers).
#![allow(dead_code)]

use mlgov::partnership::GovernanceModel;
use mlgov::scenario::Scenario;
use mlgov::sim::{Model, run_seed, run_single};

/// The final metrics of configuration `name` of the scenario `toml` for
/// replications 0..n, each run with the seed `run_seed(master, k)`.
pub fn finals(toml: &str, name: &str, n: u64, master: u64) -> Vec<Vec<f64>> {
    let s = Scenario::from_toml(toml, "claim.toml").unwrap_or_else(|e| panic!("{e}"));
    let configs = s.engine_configurations();
    let i = s.configuration_index(name).unwrap();
    let months = s.spec.experiment.months;
    (0..n)
        .map(|k| {
            let seed = run_seed(master, k);
            let p = configs[i].params_for_run(seed).unwrap();
            run_single(&GovernanceModel, &p, months, seed)
                .unwrap()
                .finals
        })
        .collect()
}

/// Runs configurations `a` and `b` of `scenario` for `n` paired seeds and
/// returns (mean of b − a, paired t statistic) of `metric`.
pub fn paired(scenario: &str, a: &str, b: &str, metric: &str, n: u64) -> (f64, f64) {
    let m = GovernanceModel
        .final_metrics()
        .iter()
        .position(|x| x == metric)
        .unwrap();
    let (runs_a, runs_b) = (finals(scenario, a, n, 2024), finals(scenario, b, n, 2024));
    let diffs: Vec<f64> = runs_a
        .iter()
        .zip(&runs_b)
        .map(|(x, y)| y[m] - x[m])
        .collect();
    let nf = n as f64;
    let mean = diffs.iter().sum::<f64>() / nf;
    let var = diffs.iter().map(|d| (d - mean).powi(2)).sum::<f64>() / (nf - 1.0);
    let t = if var > 0.0 {
        mean / (var / nf).sqrt()
    } else {
        f64::INFINITY * mean.signum()
    };
    (mean, t)
}

/// The critical value of a two-sided 95% paired t test for n ≥ 100.
pub const T95: f64 = 1.984;

/// A scenario with two variants `a` and `b` setting `set_a` and `set_b`,
/// after the TOML text `extra`.
pub fn two(a: &str, set_a: &str, b: &str, set_b: &str, extra: &str) -> String {
    format!(
        "{extra}\n[[variants]]\nname = \"{a}\"\nset = {{ {set_a} }}\n[[variants]]\nname = \"{b}\"\nset = {{ {set_b} }}\n"
    )
}

/// Two Lloyd assignments of a scenario given as TOML text `extra`.
pub fn assignments(a: &str, b: &str, extra: &str) -> String {
    two(
        a,
        &format!("\"governance.assignment\" = \"{a}\""),
        b,
        &format!("\"governance.assignment\" = \"{b}\""),
        extra,
    )
}
