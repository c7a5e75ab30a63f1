//! One seeded run of the governance model, month by month.
//!
//! Loads a scenario with the library's scenario API, picks a configuration
//! (the scenario's baseline unless one is named), draws that configuration's
//! uncertain parameters and runs the governance model once with the seed of
//! replication 0 of `mlgov run` (so the run is the one
//! `mlgov simulate SCENARIO --out DIR` writes). It prints every 12th month and
//! the run's final metrics.
//!
//! ```sh
//! cargo run --release --example single_run
//! cargo run --release --example single_run -- examples/scenarios/lloyd_grid.toml L-L-L
//! ```
//!
//! Arguments (both optional): a scenario file (default
//! `examples/scenarios/lloyd_grid.toml`) and a configuration name (default:
//! the scenario's baseline).

use anyhow::{Context, anyhow};
use mlgov::partnership::{GovernanceModel, Phase};
use mlgov::scenario::Scenario;
use mlgov::sim::{Model, run_seed, run_single};
use std::path::PathBuf;

fn main() -> anyhow::Result<()> {
    let mut args = std::env::args().skip(1);
    let path = args
        .next()
        .map(PathBuf::from)
        .unwrap_or_else(default_scenario);
    let scenario = Scenario::load(&path)?;

    // The baseline, or the configuration named on the command line.
    let index = match args.next() {
        Some(name) => scenario
            .configuration_index(&name)
            .map_err(|e| anyhow!(e))?,
        None => scenario.baseline(),
    };
    let config = &scenario.configurations()[index];

    // Replication 0 of `mlgov run`: the run seed derives from the scenario's
    // master seed; uncertain parameters come from the seed's parameter stream,
    // the dynamics from its dynamics stream (inside `run_single`).
    let seed = run_seed(scenario.spec.experiment.seed, 0);
    let months = scenario.spec.experiment.months;
    let params = scenario.engine_configurations()[index]
        .params_for_run(seed)
        .map_err(|e| anyhow!("configuration `{}`: {e}", config.name))?;

    let model = GovernanceModel;
    let run = run_single(&model, &params, months, seed)
        .map_err(|e| anyhow!("configuration `{}`, seed {seed}: {e}", config.name))?;

    println!(
        "scenario \"{}\" ({}), configuration \"{}\" (assignment {}, {} partners), seed {seed}, {months} months",
        scenario.spec.scenario.name,
        path.display(),
        config.name,
        params.assignment,
        params.partners.len(),
    );
    println!(
        "sampled: forgetting {:.3}, weight_broken {:.2}, fairness {:.3}, leadership {:.3}, needs_variance {:.3}\n",
        params.forgetting,
        params.weight_broken,
        params.fairness,
        params.leadership,
        params.needs_variance
    );

    // Columns are looked up by name, so the table does not depend on the
    // order of the model's observables.
    let names = model.observables();
    let column = |name: &str| {
        names
            .iter()
            .position(|n| n == name)
            .with_context(|| format!("the model has no observable `{name}`"))
    };
    let shown = [
        ("trust_mean", "trust"),
        ("trust_min", "min"),
        ("vision_dispersion", "vision_sd"),
        ("transaction_cost", "cost"),
        ("delivery", "delivery"),
        ("fit", "fit"),
        ("value_added", "value"),
        ("active_partners", "partners"),
    ];
    let columns = shown
        .iter()
        .map(|(name, _)| column(name))
        .collect::<anyhow::Result<Vec<_>>>()?;
    let phase_column = column("phase")?;

    print!("{:>5}", "month");
    for (_, label) in &shown {
        print!(" {label:>9}");
    }
    println!("  phase");
    for (k, row) in run.observations.iter().enumerate() {
        let month = k + 1;
        if month % 12 != 0 && month != 1 {
            continue;
        }
        print!("{month:>5}");
        for &c in &columns {
            print!(" {:>9.3}", row[c]);
        }
        let phase = Phase::from_observation(row[phase_column]);
        println!("  {}", phase.map_or("?", Phase::name));
    }

    println!("\nfinal metrics:");
    for (name, value) in model.final_metrics().iter().zip(&run.finals) {
        println!("  {name:<24} {value:>10.3}");
    }
    Ok(())
}

/// `examples/scenarios/lloyd_grid.toml`, relative to the working directory
/// when run from the repository root, else inside the package.
fn default_scenario() -> PathBuf {
    let relative = PathBuf::from("examples/scenarios/lloyd_grid.toml");
    if relative.exists() {
        relative
    } else {
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(relative)
    }
}
