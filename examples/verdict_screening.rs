//! Morris screening of the grid's verdict: which structural assumptions
//! decide which level should conceive and which should implement.
//!
//! Each evaluation fixes the structural parameters below at one point of
//! their plausible ranges (docs/model.md, "Structural constants"), runs all
//! 27 assignments of `examples/scenarios/lloyd_grid.toml` with common random
//! numbers, and returns the grid's headline contrasts on net benefit:
//!
//! - `conceive_L_minus_N`, `conceive_L_minus_R`: mean over the nine
//!   assignments conceived locally minus the mean over those conceived
//!   nationally (regionally);
//! - `implement_L_minus_N`, `implement_L_minus_R`: likewise for the
//!   implementing level;
//! - `LLL_minus_NNL`: L-L-L against the baseline N-N-L.
//!
//! Morris (1991) elementary effects over the ranges give each parameter's
//! mean absolute effect μ* and spread σ per contrast. The program also
//! counts, over every evaluated point, which level conceives and which
//! implements best. Run it with
//!
//! ```sh
//! cargo run --release --example verdict_screening -- [TRAJECTORIES] [REPLICATIONS]
//! ```
//!
//! (defaults 10 and 20; about a minute on two cores). docs/model.md
//! ("Robustness of the verdict") records its output.

use mlgov::partnership::GovernanceModel;
use mlgov::scenario::Scenario;
use mlgov::sensitivity::{MorrisOptions, Problem, morris_analyse, morris_design, scale_point};
use mlgov::sim::{Model, run_seed, run_single};
use rayon::prelude::*;

/// The structural parameters screened and their plausible ranges.
const PARAMETERS: [(&str, f64, f64); 24] = [
    ("governance.spillover", 0.0, 0.5),
    ("governance.needs_variance", 0.0, 1.5),
    ("governance.regional_share", 0.0, 1.0),
    ("governance.local_error", 0.0, 0.3),
    ("governance.adaptation", 0.3, 0.9),
    ("governance.silo_block", 0.0, 0.6),
    ("governance.information_loss", 0.1, 0.4),
    ("governance.handover_delay", 0.0, 3.0),
    ("governance.ownership_gap", 0.0, 0.4),
    ("governance.outside_targets", 0.0, 0.5),
    ("governance.standardisation", 0.0, 0.5),
    ("governance.design_share", 0.3, 0.7),
    ("governance.interconnection", 0.0, 1.0),
    ("governance.proximity_loss", 0.0, 0.4),
    ("governance.attention", 0.0, 1.0),
    ("governance.diffusion", 0.0, 0.2),
    ("governance.bridge_cut", 0.0, 0.5),
    ("places.capacity_variance", 0.0, 0.5),
    ("partnership.uninvolved_contact", 0.3, 1.0),
    ("partnership.delivery.formality", 0.0, 1.0),
    ("partnership.costs.scale_penalty", 0.0, 1.2),
    ("partnership.costs.scale_economy", 0.0, 0.6),
    ("partnership.costs.handover", 0.06, 0.24),
    ("partnership.costs.running", 0.2, 0.6),
];

const CONTRASTS: [&str; 5] = [
    "conceive_L_minus_N",
    "conceive_L_minus_R",
    "implement_L_minus_N",
    "implement_L_minus_R",
    "LLL_minus_NNL",
];

/// Mean net benefit of each of the 27 assignments at the point `x`.
fn grid(base: &str, x: &[f64], replications: u64) -> Vec<(String, f64)> {
    let set: Vec<String> = PARAMETERS
        .iter()
        .zip(x)
        .map(|((path, _, _), v)| format!("\"{path}\" = {v}"))
        .collect();
    let text = format!(
        "{base}\n[[variants]]\nname = \"point\"\nset = {{ {} }}\n",
        set.join(", ")
    );
    let s = Scenario::from_toml(&text, "screening.toml").expect("a valid point");
    let configs = s.engine_configurations();
    let months = s.spec.experiment.months;
    let seed = s.spec.experiment.seed;
    let nb = GovernanceModel
        .final_metrics()
        .iter()
        .position(|m| m == "net_benefit")
        .unwrap();
    configs
        .iter()
        .map(|c| {
            let mean = (0..replications)
                .map(|k| {
                    let run = run_seed(seed, k);
                    let p = c.params_for_run(run).expect("parameters");
                    run_single(&GovernanceModel, &p, months, run)
                        .expect("a run")
                        .finals[nb]
                })
                .sum::<f64>()
                / replications as f64;
            let code = c.name.rsplit('/').next().unwrap_or(&c.name).to_string();
            (code, mean)
        })
        .collect()
}

/// Mean net benefit by the level of one function (0 conceive, 2 implement).
fn by_level(g: &[(String, f64)], function: usize) -> [f64; 3] {
    let mut sum = [0.0; 3];
    let mut n = [0.0; 3];
    for (code, v) in g {
        let level = code.split('-').nth(function).unwrap();
        let k = ["N", "R", "L"].iter().position(|l| *l == level).unwrap();
        sum[k] += v;
        n[k] += 1.0;
    }
    [sum[0] / n[0], sum[1] / n[1], sum[2] / n[2]]
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let trajectories: usize = args.get(1).and_then(|a| a.parse().ok()).unwrap_or(10);
    let replications: u64 = args.get(2).and_then(|a| a.parse().ok()).unwrap_or(20);
    let base = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/examples/scenarios/lloyd_grid.toml"
    ))
    .expect("examples/scenarios/lloyd_grid.toml")
    // The point's variant names the configurations; the baseline is not used.
    .replace("baseline = \"N-N-L\"", "");
    let problem = Problem::new(
        PARAMETERS.iter().map(|p| p.0.to_string()).collect(),
        PARAMETERS.iter().map(|p| (p.1, p.2)).collect(),
    )
    .expect("a valid problem")
    .with_outputs(CONTRASTS.iter().map(|c| c.to_string()).collect());
    let opts = MorrisOptions {
        trajectories,
        seed: 21,
        ..MorrisOptions::default()
    };
    let design = morris_design(PARAMETERS.len(), &opts).expect("a design");
    let points: Vec<Vec<f64>> = design
        .points
        .iter()
        .map(|u| scale_point(u, problem.bounds()))
        .collect();
    eprintln!(
        "{} points × 27 assignments × {replications} replications",
        points.len()
    );
    let grids: Vec<Vec<(String, f64)>> = points
        .par_iter()
        .map(|x| grid(&base, x, replications))
        .collect();
    let mut best_c = [0usize; 3];
    let mut best_i = [0usize; 3];
    let outputs: Vec<Vec<f64>> = grids
        .iter()
        .map(|g| {
            let c = by_level(g, 0);
            let i = by_level(g, 2);
            let argmax = |v: [f64; 3]| (0..3).fold(0, |b, k| if v[k] > v[b] { k } else { b });
            best_c[argmax(c)] += 1;
            best_i[argmax(i)] += 1;
            let get = |code: &str| g.iter().find(|(c, _)| c == code).unwrap().1;
            vec![
                c[2] - c[0],
                c[2] - c[1],
                i[2] - i[0],
                i[2] - i[1],
                get("L-L-L") - get("N-N-L"),
            ]
        })
        .collect();
    let result = morris_analyse(&problem, &design, &outputs).expect("the analysis");
    println!(
        "points {}; best conceiving level N/R/L: {}/{}/{}; best implementing level N/R/L: {}/{}/{}",
        points.len(),
        best_c[0],
        best_c[1],
        best_c[2],
        best_i[0],
        best_i[1],
        best_i[2]
    );
    for (o, name) in CONTRASTS.iter().enumerate() {
        let values: Vec<f64> = outputs.iter().map(|v| v[o]).collect();
        let below = values.iter().filter(|&&v| v < 0.0).count();
        let min = values.iter().cloned().fold(f64::INFINITY, f64::min);
        let max = values.iter().cloned().fold(f64::NEG_INFINITY, f64::max);
        println!(
            "\n{name}: range {min:.1} to {max:.1}; negative at {below} of {} points",
            values.len()
        );
        let mut order: Vec<usize> = (0..PARAMETERS.len()).collect();
        order.sort_by(|&a, &b| {
            result.indices[o][b]
                .mu_star
                .total_cmp(&result.indices[o][a].mu_star)
        });
        println!(
            "  {:<34} {:>9} {:>9} {:>9}",
            "parameter", "mu*", "mu", "sigma"
        );
        for &k in order.iter().take(8) {
            let m = result.indices[o][k];
            println!(
                "  {:<34} {:>9.1} {:>9.1} {:>9.1}",
                PARAMETERS[k].0, m.mu_star, m.mu, m.sigma
            );
        }
    }
}
