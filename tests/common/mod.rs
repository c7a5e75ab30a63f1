//! Helpers shared by the integration tests: paired Monte Carlo comparisons
//! of two configurations of a scenario (common random numbers).
#![allow(dead_code)]

use mlgov::partnership::GovernanceModel;
use mlgov::scenario::Scenario;
use mlgov::sim::{Model, run_seed, run_single};

/// Runs configurations `a` and `b` of `scenario` for `n` paired seeds and
/// returns (mean of b − a, paired t statistic) of `metric`.
pub fn paired(scenario: &str, a: &str, b: &str, metric: &str, n: u64) -> (f64, f64) {
    let s = Scenario::from_toml(scenario, "claim.toml").unwrap_or_else(|e| panic!("{e}"));
    let configs = s.engine_configurations();
    let ia = s.configuration_index(a).unwrap();
    let ib = s.configuration_index(b).unwrap();
    let model = GovernanceModel;
    let m = model
        .final_metrics()
        .iter()
        .position(|x| x == metric)
        .unwrap();
    let months = s.spec.experiment.months;
    let mut diffs = Vec::new();
    for k in 0..n {
        let seed = run_seed(2024, k);
        let run = |i: usize| {
            let p = configs[i].params_for_run(seed).unwrap();
            run_single(&model, &p, months, seed).unwrap().finals[m]
        };
        diffs.push(run(ib) - run(ia));
    }
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
