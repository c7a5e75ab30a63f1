//! `mlgov simulate`.

use clap::Args;
use mlgov::partnership::{GovernanceModel, Phase};
use mlgov::sim::{Model, run_seed, run_single};
use std::path::PathBuf;
use std::process::ExitCode;

/// Arguments of `mlgov simulate`.
#[derive(Args)]
pub struct SimulateArgs {
    /// Scenario file (TOML).
    pub scenario: PathBuf,
    /// Run seed, as recorded in the `seed` column of `runs.csv` (default: the
    /// seed of replication 0 of `mlgov run`).
    #[arg(long, conflicts_with = "replication")]
    pub seed: Option<u64>,
    /// Replication of `mlgov run` to reproduce (its run seed derives from the
    /// scenario's `experiment.seed`); default 0.
    #[arg(long)]
    pub replication: Option<u64>,
    /// Output directory; `run.csv` is written there.
    #[arg(long)]
    pub out: PathBuf,
    /// Configuration to simulate (default: the baseline).
    #[arg(long)]
    pub configuration: Option<String>,
    /// Months to simulate (default: the scenario's `experiment.months`).
    #[arg(long)]
    pub months: Option<u32>,
    /// Replace an existing `DIR/run.csv`.
    #[arg(long)]
    pub force: bool,
}

/// Runs one simulation and writes `DIR/run.csv`.
pub fn execute(args: SimulateArgs) -> anyhow::Result<ExitCode> {
    let scenario = match super::load_scenario(&args.scenario) {
        Ok(s) => s,
        Err(code) => return Ok(code),
    };
    let index = super::pick_configuration(&scenario, args.configuration.as_deref())?;
    let months = args.months.unwrap_or(scenario.spec.experiment.months);
    if months == 0 || months > 1200 {
        return Err(super::usage(format!(
            "--months must be in [1, 1200], got {months}"
        )));
    }
    let seed = match args.seed {
        Some(seed) => seed,
        None => run_seed(scenario.spec.experiment.seed, args.replication.unwrap_or(0)),
    };
    let config = &scenario.engine_configurations()[index];
    let params = config
        .params_for_run(seed)
        .map_err(|e| anyhow::anyhow!("configuration `{}`: {e}", config.name))?;
    let model = GovernanceModel;
    let run = run_single(&model, &params, months, seed).map_err(|e| {
        anyhow::anyhow!(
            "configuration `{}`, seed {seed}: the run failed: {e}",
            config.name
        )
    })?;
    let mut text = String::from("month");
    for name in model.observables() {
        text.push(',');
        text.push_str(&name);
    }
    text.push_str(",phase_name\n");
    for (k, row) in run.observations.iter().enumerate() {
        text.push_str(&(k + 1).to_string());
        for v in row {
            text.push(',');
            text.push_str(&v.to_string());
        }
        let phase = row.last().copied().and_then(Phase::from_observation);
        text.push(',');
        text.push_str(phase.map_or("unknown", Phase::name));
        text.push('\n');
    }
    let path = args.out.join("run.csv");
    let _lock = super::lock_dir(&args.out)?;
    if let Err(code) = super::write_new(&path, text.as_bytes(), args.force) {
        return Ok(code);
    }
    let finals: Vec<String> = model
        .final_metrics()
        .iter()
        .zip(&run.finals)
        .filter(|(n, _)| {
            matches!(
                n.as_str(),
                "trust_mean"
                    | "transaction_cost_total"
                    | "delivery_total"
                    | "value_added_total"
                    | "survival"
            )
        })
        .map(|(n, v)| format!("{n} = {v:.3}"))
        .collect();
    super::say::say!(
        "wrote {} ({} months, configuration \"{}\", seed {seed}): {}",
        path.display(),
        months,
        config.name,
        finals.join(", ")
    );
    Ok(ExitCode::SUCCESS)
}
